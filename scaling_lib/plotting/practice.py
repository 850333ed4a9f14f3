"""Figures of Chapter 6 (scaling laws in practice)."""

from __future__ import annotations

import numpy as np

from . import COLORS, log_axes, new_figure, plain_log_ticks
from .. import data_constrained as dc
from .. import kaplan as K

__all__ = ["plot_holdout", "plot_effective_data", "show_data_constrained", "plot_overtraining",
           "plot_learning_curves"]


def plot_holdout(table, band):
    """Left: relative error of each held-out real run against how far it extrapolates.
    Right: width of the bootstrap band of the predicted loss against extrapolation distance
    (a simulated ladder), with the true error of the point prediction."""
    fig, (ax, bx) = new_figure(2, width=10.0, height=3.8)
    ax.axhline(0, color="grey", lw=0.8)
    ax.scatter(table.decades, 100 * table.relative_error, s=14, color=COLORS[0])
    log_axes(ax, "extrapolation distance log10(C / largest fitted C)",
             "prediction error (predicted / actual - 1) (%)", logx=False, logy=False,
             title="Real runs (Chinchilla), fit below the cutoff")
    bx.fill_between(band.decades, 100 * (band.lower / band.true_loss - 1),
                    100 * (band.upper / band.true_loss - 1), color=COLORS[0], alpha=0.25,
                    label="90 % bootstrap band")
    bx.plot(band.decades, 100 * (band.predicted / band.true_loss - 1), color=COLORS[0],
            label="point prediction")
    bx.axhline(0, color="grey", lw=0.8, label="true law")
    log_axes(bx, "extrapolation distance log10(C / largest fitted C)",
             "predicted optimal loss vs truth (%)", logx=False, logy=False,
             title="Simulated ladder with 1 % run-to-run noise")
    bx.legend(loc="upper left")
    return fig


def plot_effective_data(r_stars: dict, runs=None, laws: dict | None = None):
    """Left: value of repeated data, ``D' / U_D`` against epochs, for each ``R_D*``, with the
    line of fresh data (``D' = D``). Right: real runs at fixed N and D with different unique
    data, and what each law predicts."""
    fig, (ax, bx) = new_figure(2, width=10.0, height=3.8)
    epochs = np.logspace(0, 3, 200)
    ax.plot(epochs, epochs, color="grey", ls="--", label="unique data (D' = D)")
    for i, (name, r) in enumerate(r_stars.items()):
        ax.plot(epochs, dc.effective_data(1.0, epochs, r), color=COLORS[i], label=name)
        ax.axhline(1 + r, color=COLORS[i], ls=":", lw=0.8)
    log_axes(ax, "epochs D / U_D", "effective data D' / U_D", title="What a repeated token is worth")
    ax.legend(loc="upper left")
    if runs is not None:
        bx.scatter(runs.epochs, runs.loss, color="black", s=18, zorder=3, label="real runs")
        e = np.logspace(0, np.log10(runs.epochs.max() * 1.2), 100)
        n, d = float(runs.n_params.iloc[0]), float(runs.n_tokens.iloc[0])
        for i, (name, law) in enumerate((laws or {}).items()):
            bx.plot(e, law.loss(n, d, d / e), color=COLORS[i], label=name)
        log_axes(bx, "epochs D / U_D (D fixed)", "final validation loss (nats/token)", logy=False,
                 title=f"N = {n / 1e9:.1f}B, D = {d / 1e9:.0f}B tokens")
        plain_log_ticks(bx.xaxis, ticks=sorted({1, 2, 4, 8, 16, 32} | {round(float(runs.epochs.max()))}))
        bx.legend()
    return fig


def show_data_constrained(law, log10_unique: float, epochs: float, n_params: float = 1e9):
    """Widget view: loss against epochs for ``U_D = 10**log10_unique`` unique tokens and a model
    of ``n_params``; the point marks ``epochs``, beside the loss of fresh data."""
    u = 10.0 ** log10_unique
    e = np.logspace(0, 3, 200)
    fig, ax = new_figure(width=6.4, height=3.6)
    ax.plot(e, law.loss(n_params, u * e, u), color=COLORS[0], label="repeated data (D' )")
    ax.plot(e, law.base.loss(n_params, u * e), color="grey", ls="--", label="fresh data (D)")
    ax.scatter([epochs], [float(law.loss(n_params, u * epochs, u))], color=COLORS[1], zorder=3)
    gap = float(law.loss(n_params, u * epochs, u) - law.base.loss(n_params, u * epochs))
    log_axes(ax, "epochs D / U_D", "predicted loss (nats/token)", logy=False,
             title=f"U_D = {u:.2g} tokens, N = {n_params:.2g}: {epochs:.3g} epochs cost "
                   f"{gap:.3f} nats over fresh data")
    ax.legend()
    return fig


def plot_overtraining(runs, law, *, fit_max: float, label: str):
    """Loss against the token multiplier for each model size: real runs (filled: fitted, open:
    held out) and the law's prediction."""
    fig, ax = new_figure(width=7.0, height=4.2)
    m = np.logspace(np.log10(0.25), np.log10(32), 100)
    for i, (shape, grp) in enumerate(runs.groupby("n_params", sort=True)):
        c = COLORS[i % len(COLORS)]
        n = float(grp.n_params.iloc[0])
        fitted = grp.multiplier <= fit_max
        ax.scatter(20 * grp.multiplier[fitted], grp.loss[fitted], color=c, s=20)
        ax.scatter(20 * grp.multiplier[~fitted], grp.loss[~fitted], facecolor="none",
                   edgecolor=c, s=30)
        ax.plot(20 * m, law.loss(n, 20 * m * n), color=c, lw=1,
                label=f"N = {n / 1e6:.0f}M" if n < 1e9 else f"N = {n / 1e9:.1f}B")
    ax.axvline(20 * fit_max, color="grey", ls=":", lw=0.8)
    log_axes(ax, "tokens per parameter D / N", "final loss on C4 validation (nats/token)",
             title=label)
    plain_log_ticks(ax.yaxis)
    ax.legend(fontsize=8, ncol=2)
    return fig


def plot_learning_curves(n_params_list, steps):
    """Kaplan et al. (2020) eq. 1.6, ``L(N, S_min)``, for several model sizes, with the
    ``L(N)`` floor each curve approaches."""
    fig, ax = new_figure(width=6.4, height=4.0)
    for i, n in enumerate(n_params_list):
        ax.plot(steps, K.loss_from_params_steps(n, steps), color=COLORS[i], label=f"N = {n:.0e}")
        ax.axhline(K.loss_from_params(n), color=COLORS[i], ls=":", lw=0.8)
    log_axes(ax, "optimizer steps S_min", "loss (nats/token)",
             title="Kaplan et al. eq. 1.6 (dotted: L(N), the infinite-step limit)")
    plain_log_ticks(ax.yaxis)
    ax.legend()
    return fig
