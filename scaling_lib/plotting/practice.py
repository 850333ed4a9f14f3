"""Figures of Chapter 6 (scaling laws in practice)."""

from __future__ import annotations

import numpy as np

from .. import data_constrained as dc
from .. import kaplan as K
from .. import overtraining as ot
from .._validation import (
    _show,
    as_float,
    as_positive_array,
    as_positive_float,
    check_columns,
)
from . import COLORS, _check_text, log_axes, new_figure, plain_log_ticks

__all__ = [
    "plot_holdout",
    "plot_effective_data",
    "DataConstrainedView",
    "data_constrained_view",
    "update_data_constrained",
    "plot_overtraining",
    "plot_learning_curves",
]


def _settled(fig):
    """Draw once so that constrained layout has converged: every later rendering (the glued
    copy and the displayed one) gives the same image."""
    fig.canvas.draw()
    return fig


def plot_holdout(table, band, *, cutoff: float = 1e20):
    """Left: relative error of each held-out real run against how far it extrapolates.
    Right: width of the bootstrap band of the predicted loss against extrapolation distance
    (a simulated ladder), with the true error of the point prediction. ``cutoff`` is the
    largest budget fitted (FLOPs): distances are ``log10(C / cutoff)``."""
    check_columns(table, "table", ["decades", "relative_error"], min_rows=1)
    check_columns(
        band,
        "band",
        ["decades", "lower", "upper", "predicted", "true_loss"],
        min_rows=1,
    )
    cutoff = as_positive_float(cutoff, "cutoff")
    fig, (ax, bx) = new_figure(2, width=10.0, height=3.8)
    ax.axhline(0, color="grey", lw=0.8)
    ax.scatter(
        table.decades, 100 * table.relative_error, s=14, color=COLORS[0]
    )
    xlabel = f"extrapolation distance log10(C / {cutoff:.0e} FLOPs)"
    log_axes(
        ax,
        xlabel,
        "prediction error (predicted / actual - 1) (%)",
        logx=False,
        logy=False,
        title="Chinchilla runs (digitized by Besiroglu et al.)",
    )
    bx.fill_between(
        band.decades,
        100 * (band.lower / band.true_loss - 1),
        100 * (band.upper / band.true_loss - 1),
        color=COLORS[0],
        alpha=0.25,
        label="90 % bootstrap band",
    )
    bx.plot(
        band.decades,
        100 * (band.predicted / band.true_loss - 1),
        color=COLORS[0],
        label="point prediction",
    )
    bx.axhline(0, color="grey", lw=0.8, label="true law")
    log_axes(
        bx,
        xlabel,
        "predicted optimal loss vs truth (%)",
        logx=False,
        logy=False,
        title="Simulated ladder with 1 % run-to-run noise",
    )
    bx.legend(loc="upper left")
    return _settled(fig)


def plot_effective_data(r_stars: dict, runs=None, laws: dict | None = None):
    """Left: value of repeated data, ``D' / U_D`` against epochs, for each ``R_D*``, with the
    line of fresh data (``D' = D``). Right: real runs at fixed N and D with different unique
    data, and what each law predicts."""
    if not isinstance(r_stars, dict) or not r_stars:
        raise ValueError(
            f"r_stars must be a non-empty dict {{label: R_D*}}, got {_show(r_stars)}"
        )
    r_stars = {
        str(k): as_positive_float(v, "r_stars") for k, v in r_stars.items()
    }
    if runs is not None:
        check_columns(
            runs,
            "runs",
            ["epochs", "loss", "n_params", "n_tokens"],
            min_rows=1,
        )
    if laws is not None and not isinstance(laws, dict):
        raise ValueError(
            f"laws must be a dict {{label: DataConstrainedLoss}} or None, got "
            f"{_show(laws)}"
        )
    for law in (laws or {}).values():
        dc._check_law(law, "laws")
    fig, (ax, bx) = new_figure(2, width=10.0, height=3.8)
    epochs = np.logspace(0, 3, 200)
    ax.plot(
        epochs, epochs, color="grey", ls="--", label="unique data (D' = D)"
    )
    for i, (name, r) in enumerate(r_stars.items()):
        ax.plot(
            epochs,
            dc.effective_data(1.0, epochs, r),
            color=COLORS[i],
            label=name,
        )
        ax.axhline(1 + r, color=COLORS[i], ls=":", lw=0.8)
    log_axes(
        ax,
        "epochs D / U_D",
        "effective data D' / U_D",
        title="What a repeated token is worth",
    )
    ax.legend(loc="upper left")
    if runs is not None:
        bx.scatter(
            runs.epochs,
            runs.loss,
            color="black",
            s=18,
            zorder=3,
            label="real runs",
        )
        e = np.logspace(0, np.log10(runs.epochs.max() * 1.2), 100)
        n, d = float(runs.n_params.iloc[0]), float(runs.n_tokens.iloc[0])
        for i, (name, law) in enumerate((laws or {}).items()):
            bx.plot(e, law.loss(n, d, d / e), color=COLORS[i], label=name)
        log_axes(
            bx,
            "epochs D / U_D (D fixed)",
            "final validation loss (nats/token)",
            logy=False,
            title=f"N = {n / 1e9:.1f}B, D = {d / 1e9:.0f}B tokens",
        )
        plain_log_ticks(
            bx.xaxis,
            ticks=sorted({1, 2, 4, 8, 16} | {round(float(runs.epochs.max()))}),
        )
        bx.legend(
            title="absolute level of a law not comparable\n(its base was fitted to "
            "other data)",
            title_fontsize=7,
            fontsize=8,
        )
    return _settled(fig)


class DataConstrainedView:
    """Widget view: loss against epochs for ``U_D = 10**log10_unique`` unique tokens and a
    model of ``n_params``, repeated data beside fresh data; a point marks the chosen epochs.
    One figure, built once; :func:`update_data_constrained` moves its artists."""

    def __init__(self, law, n_params: float = 1e9):
        import matplotlib.pyplot as plt

        self.law = dc._check_law(law)
        self.n_params = as_positive_float(n_params, "n_params")
        self.epochs_grid = np.logspace(0, 3, 200)
        self.fig, self.ax = new_figure(width=6.4, height=3.6)
        plt.close(self.fig)  # shown by update(), not at the end of the cell
        (self.rep,) = self.ax.plot(
            [], [], color=COLORS[0], label="repeated data (D')"
        )
        (self.fresh,) = self.ax.plot(
            [], [], color="grey", ls="--", label="fresh data (D)"
        )
        (self.point,) = self.ax.plot([], [], "o", color=COLORS[1])
        log_axes(
            self.ax,
            "epochs D / U_D",
            "predicted loss (nats/token)",
            logy=False,
        )
        self.ax.legend()
        update_data_constrained(self, 10.0, 4.0)

    def update(self, log10_unique: float, epochs: float):
        """Move the artists (see :func:`update_data_constrained`) and return the figure."""
        return update_data_constrained(self, log10_unique, epochs)


def data_constrained_view(n_params: float = 1e9) -> DataConstrainedView:
    """The notebook's widget view with the published law of Muennighoff et al. (2023)."""
    return DataConstrainedView(dc.MUENNIGHOFF_2023, n_params=n_params)


def update_data_constrained(
    view: DataConstrainedView, log10_unique: float, epochs: float
):
    """The update step of the widget: recompute both curves and the point for a new slider
    position and move the existing artists (no new figure). Returns the figure."""
    if not isinstance(view, DataConstrainedView):
        raise ValueError(
            f"view must be a DataConstrainedView, got {_show(view)}"
        )
    u = 10.0 ** as_float(log10_unique, "log10_unique", low=3.0, high=15.0)
    epochs = as_float(epochs, "epochs", low=1.0, high=1e6)
    e, n, law = view.epochs_grid, view.n_params, view.law
    rep = law.loss(n, u * e, u)
    fresh = law.base.loss(n, u * e)
    view.rep.set_data(e, rep)
    view.fresh.set_data(e, fresh)
    at = float(law.loss(n, u * epochs, u))
    view.point.set_data([epochs], [at])
    gap = at - float(law.base.loss(n, u * epochs))
    view.ax.set_ylim(
        float(min(rep.min(), fresh.min())) - 0.02, float(rep.max()) + 0.05
    )
    view.ax.set_xlim(1, 1e3)
    view.ax.set_title(
        f"U_D = {u:.2g} tokens, N = {n:.2g}: {epochs:.3g} epochs cost "
        f"{gap:.3f} nats over fresh data",
        fontsize=9,
    )
    return view.fig


def plot_overtraining(
    runs,
    law,
    *,
    fit_max: float,
    label: str,
    fit_min: float = 1.0,
    one_exponent=None,
):
    """Loss against tokens per parameter for each model size: real runs (filled: fitted; open:
    held out; crosses: under-trained runs left out of the fit, multiplier < ``fit_min``), the
    law's prediction (solid) and, if given, the one-exponent law (dashed). ``N`` counts the
    embedding parameters, as Gadre et al.'s data does."""
    from ..chinchilla import check_law

    check_columns(runs, "runs", ["n_params", "multiplier", "loss"], min_rows=1)
    check_law(law, "law")
    if one_exponent is not None:
        check_law(one_exponent, "one_exponent")
    fit_max = as_positive_float(fit_max, "fit_max")
    fit_min = as_positive_float(fit_min, "fit_min")
    if fit_min > fit_max:
        raise ValueError(
            f"fit_min must be <= fit_max, got fit_min={fit_min!r} and "
            f"fit_max={fit_max!r}"
        )
    _check_text(label=label, optional=())
    fig, ax = new_figure(width=7.0, height=4.2)
    m = np.logspace(np.log10(0.25), np.log10(32), 100)
    for i, (shape, grp) in enumerate(runs.groupby("n_params", sort=True)):
        c = COLORS[i % len(COLORS)]
        n = float(grp.n_params.iloc[0])
        fitted = (grp.multiplier <= fit_max) & (grp.multiplier >= fit_min)
        under = grp.multiplier < fit_min
        held = ~fitted & ~under
        ax.scatter(
            20 * grp.multiplier[fitted], grp.loss[fitted], color=c, s=20
        )
        ax.scatter(
            20 * grp.multiplier[held],
            grp.loss[held],
            facecolor="none",
            edgecolor=c,
            s=30,
        )
        ax.scatter(
            20 * grp.multiplier[under],
            grp.loss[under],
            color=c,
            marker="x",
            s=30,
        )
        ax.plot(
            20 * m,
            ot.loss_vs_multiplier(law, n, m),
            color=c,
            lw=1,
            label=f"N = {n / 1e6:.0f}M" if n < 1e9 else f"N = {n / 1e9:.1f}B",
        )
        if one_exponent is not None:
            ax.plot(
                20 * m,
                ot.loss_vs_multiplier(one_exponent, n, m),
                color=c,
                lw=1,
                ls="--",
            )
    ax.axvline(20 * fit_max, color="grey", ls=":", lw=0.8)
    ax.axvline(20 * fit_min, color="grey", ls=":", lw=0.8)
    ax.plot([], [], color="grey", lw=1, label="two exponents")
    if one_exponent is not None:
        ax.plot([], [], color="grey", lw=1, ls="--", label="one exponent")
    ax.scatter(
        [], [], color="grey", marker="x", label="under-trained, not fitted"
    )
    log_axes(
        ax,
        "tokens per parameter D / N (N with embeddings)",
        "final loss on C4 validation (nats/token)",
        title=label,
    )
    plain_log_ticks(ax.yaxis)
    ax.legend(fontsize=8, ncol=2)
    return _settled(fig)


def _short(n: float) -> str:
    return f"{n / 1e9:.0f}B" if n >= 1e9 else f"{n / 1e6:.0f}M"


def plot_learning_curves(n_params_list, steps, early=None):
    """Left: Kaplan et al. (2020) eq. 1.6, ``L(N, S_min)``, for several model sizes, with the
    ``L(N)`` floor each curve approaches. Right (if ``early`` is given): one simulated run,
    ``early = (steps, loss, fits)`` with ``fits`` a dict ``{fraction: LearningCurveFit}`` of
    fits to the first ``fraction`` of the run, each extrapolated to its end."""
    sizes = as_positive_array(
        n_params_list, "n_params_list", ndim=1, min_size=1
    )
    if np.any(sizes < 1) or np.any(sizes > 1e15):
        raise ValueError(
            f"n_params_list must hold parameter counts from 1 to 1e15, got "
            f"{_show(n_params_list)}"
        )
    if sizes.size > len(COLORS) - 1:
        raise ValueError(
            f"n_params_list must hold at most {len(COLORS) - 1} sizes, got "
            f"{sizes.size}"
        )
    steps = as_positive_array(steps, "steps", ndim=1, min_size=1)
    if early is not None:
        if not (
            isinstance(early, tuple)
            and len(early) == 3
            and isinstance(early[2], dict)
        ):
            raise ValueError(
                f"early must be (steps, loss, {{fraction: fit}}) or None, got "
                f"{_show(early)}"
            )
        early = (
            as_positive_array(early[0], "early"),
            as_positive_array(early[1], "early"),
            early[2],
        )
    fig, axes = new_figure(
        2 if early is not None else 1, width=10.0 if early else 6.4, height=3.8
    )
    ax = axes[0] if early is not None else axes
    for i, n in enumerate(sizes):
        ax.plot(
            steps,
            K.loss_from_params_steps(n, steps),
            color=COLORS[i],
            label=f"N = {_short(n)}",
        )
        ax.axhline(K.loss_from_params(n), color=COLORS[i], ls=":", lw=0.8)
    log_axes(
        ax,
        "optimizer steps S_min",
        "loss (nats/token)",
        title="Kaplan et al. eq. 1.6 (dotted: L(N) floor)",
    )
    plain_log_ticks(ax.yaxis)
    ax.legend()
    if early is not None:
        s, ell, fits = early
        bx = axes[1]
        bx.scatter(s, ell, s=3, color="grey", label="simulated run")
        for i, (frac, fit) in enumerate(sorted(fits.items())):
            c = COLORS[(i + 1) % len(COLORS)]
            bx.plot(
                s,
                fit.predict(s),
                color=c,
                lw=1.2,
                label=f"fit on first {100 * frac:.0f} %",
            )
            bx.axvline(frac * s.max(), color=c, ls=":", lw=0.8)
        log_axes(
            bx,
            "optimizer steps S_min",
            "loss (nats/token)",
            logy=False,
            title="Early fits extrapolated (zoom on the later steps)",
        )
        bx.set_xlim(1e3, 1.1 * float(np.max(s)))
        bx.set_ylim(
            float(np.min(ell)) - 0.05, float(np.quantile(ell, 0.5)) + 0.3
        )
        bx.legend(fontsize=8)
    return _settled(fig)
