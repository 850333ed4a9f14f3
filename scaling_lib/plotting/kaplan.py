"""Figures of Chapter 2 (the Kaplan scaling laws). Every function returns the ``Figure``."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from .. import kaplan as K
from .._validation import (
    as_float,
    as_instance,
    as_int,
    as_positive_array,
    as_positive_float,
    check_same_shape,
)
from ..chinchilla import IsoFLOPResult
from ..random_features import RandomFeatureResult
from . import (
    COLORS,
    _check_fit,
    _check_text,
    close,
    freeze_layout,
    log_axes,
    new_figure,
    plot_fit_with_residuals,
)  # noqa: F401

__all__ = [
    "close",
    "plot_kaplan_laws",
    "plot_lnd_curves",
    "plot_lnd_point",
    "LndPoint",
    "lnd_point_figure",
    "lnd_point_update",
    "plot_sample_efficiency",
    "plot_isoflop_frontier",
    "plot_fit_with_residuals",
    "plot_extrapolation",
    "plot_random_features",
]

_LOSS = "loss L (nats/token)"


def _constants(constants) -> K.KaplanConstants:
    return as_instance(
        constants,
        "constants",
        K.KaplanConstants,
        what="a KaplanConstants (for example KAPLAN_2020)",
    )


def _point(n_params, n_tokens) -> tuple[float, float]:
    """One model size N and one data size D, each a single number > 0."""
    return (
        as_positive_float(n_params, "n_params"),
        as_positive_float(n_tokens, "n_tokens"),
    )


def plot_kaplan_laws(constants: K.KaplanConstants = K.KAPLAN_2020):
    """The three single-variable laws of Kaplan et al. (2020), eq. 1.1-1.3 (their Figure 1)."""
    constants = _constants(constants)
    fig, axes = new_figure(3, width=9.6, height=3.3, sharey=True)
    c = np.logspace(15, 25, 100)
    d = np.logspace(7, 12, 100)
    n = np.logspace(5, 11, 100)
    axes[0].plot(c, K.loss_from_compute(c, constants), color=COLORS[0])
    axes[1].plot(d, K.loss_from_tokens(d, constants), color=COLORS[1])
    axes[2].plot(n, K.loss_from_params(n, constants), color=COLORS[2])
    log_axes(
        axes[0],
        "compute C_min (FLOPs)",
        _LOSS,
        title=rf"$L = (C_c^{{min}}/C_{{min}})^{{{constants.alpha_c_min}}}$ (eq. 1.3)",
    )
    log_axes(
        axes[1],
        "dataset size D (tokens)",
        "",
        title=rf"$L = (D_c/D)^{{{constants.alpha_d}}}$ (eq. 1.2)",
    )
    log_axes(
        axes[2],
        "non-embedding parameters N",
        "",
        title=rf"$L = (N_c/N)^{{{constants.alpha_n}}}$ (eq. 1.1)",
    )
    for ax in axes:
        ax.yaxis.set_minor_formatter("{x:.1f}")
        ax.yaxis.set_major_formatter("{x:.1f}")
    return freeze_layout(fig)


def plot_lnd_curves(
    n_params=(1e6, 1e7, 1e8, 1e9, 1e10),
    *,
    constants: K.KaplanConstants = K.KAPLAN_2020,
):
    """L(N, D) against D for several N (eq. 1.5), with each model's L(N) floor (eq. 1.1) dashed
    and the L(D) envelope (eq. 1.2) dotted: the shape of Kaplan et al.'s Figure 4 (left)."""
    n_params = as_positive_array(n_params, "n_params", ndim=1, min_size=1)
    constants = _constants(constants)
    fig, ax = new_figure()
    d = np.logspace(7, 13, 200)
    for k, n in enumerate(n_params):
        color = COLORS[k % len(COLORS)]
        ax.plot(
            d,
            K.loss_from_params_tokens(n, d, constants),
            color=color,
            label=f"N = {n:.0e}",
        )
        ax.axhline(
            K.loss_from_params(n, constants), color=color, ls="--", lw=0.8
        )
    ax.plot(
        d,
        K.loss_from_tokens(d, constants),
        color="k",
        ls=":",
        label="L(D), N → ∞",
    )
    log_axes(ax, "dataset size D (tokens)", _LOSS)
    ax.yaxis.set_major_formatter("{x:.1f}")
    ax.yaxis.set_minor_formatter("{x:.1f}")
    ax.legend(fontsize=8)
    return fig


@dataclass
class LndPoint:
    """State of the L(N, D) point widget: one figure and the artists
    :func:`lnd_point_update` changes in place."""

    fig: object
    constants: K.KaplanConstants
    artists: dict = field(repr=False)

    def __post_init__(self):
        as_instance(self.fig, "fig", Figure, what="a matplotlib Figure")
        _constants(self.constants)
        missing = (
            sorted(_LND_ARTISTS - set(self.artists))
            if isinstance(self.artists, dict)
            else None
        )
        if missing or missing is None:
            raise ValueError(
                f"artists must be a dict of the figure's artists with keys "
                f"{sorted(_LND_ARTISTS)}, got {type(self.artists).__name__}"
                + (f" without {missing}" if missing else "")
            )


_LND_D = np.logspace(7, 13, 200)
_LND_N = np.logspace(5, 12, 200)
_LND_ARTISTS = {
    "line_d",
    "floor_d",
    "line_n",
    "floor_n",
    "dot_d",
    "dot_n",
    "ax_d",
    "ax_n",
}


def lnd_point_figure(
    n_params: float = 1e9,
    n_tokens: float = 2e10,
    *,
    constants: K.KaplanConstants = K.KAPLAN_2020,
) -> LndPoint:
    """Build the figure of :func:`plot_lnd_point` once, for a widget to update."""
    n_params, n_tokens = _point(n_params, n_tokens)
    constants = _constants(constants)
    fig, (ax_d, ax_n) = new_figure(2, width=9.0, height=3.4, sharey=True)
    # the y range covers every slider position (N from 1e5, D from 1e7): fixed, not rescaled
    (line_d,) = ax_d.plot(_LND_D, _LND_D * 0 + 3.0, color=COLORS[0])
    floor_d = ax_d.axhline(
        3.0,
        color=COLORS[0],
        ls="--",
        lw=0.8,
        label="L(N): floor of this model",
    )
    (line_n,) = ax_n.plot(_LND_N, _LND_N * 0 + 3.0, color=COLORS[1])
    floor_n = ax_n.axhline(
        3.0, color=COLORS[1], ls="--", lw=0.8, label="L(D): floor of this data"
    )
    for ax in (ax_d, ax_n):
        ax.legend(fontsize=8)
    (dot_d,) = ax_d.plot([n_tokens], [3.0], "o", color="k")
    (dot_n,) = ax_n.plot([n_params], [3.0], "o", color="k")
    log_axes(ax_d, "dataset size D (tokens)", _LOSS)
    log_axes(ax_n, "non-embedding parameters N", "")
    ax_d.set_ylim(1.3, 8.0)
    # few ticks: every tick is a line and a text drawn again at each slider step
    ax_d.yaxis.set_major_locator(FixedLocator([1.5, 2, 3, 4, 6]))
    ax_d.yaxis.set_major_formatter("{x:g}")
    for ax in (ax_d, ax_n):
        ax.xaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_minor_locator(NullLocator())
        # plain text, not mathtext: every label is laid out again at each slider step
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda v, _: f"1e{np.log10(v):.0f}")
        )
    state = LndPoint(
        fig,
        constants,
        {
            "line_d": line_d,
            "floor_d": floor_d,
            "line_n": line_n,
            "floor_n": floor_n,
            "dot_d": dot_d,
            "dot_n": dot_n,
            "ax_d": ax_d,
            "ax_n": ax_n,
        },
    )
    lnd_point_update(state, n_params, n_tokens)
    # lay the figure out once: the layout engine would redo it on every slider step
    fig.canvas.draw()
    fig.set_layout_engine("none")
    return state


def lnd_point_update(
    state: LndPoint, n_params: float, n_tokens: float
) -> float:
    """One slider step of the L(N, D) widget: move the curves, floors and point to
    ``(n_params, n_tokens)`` without rebuilding the figure; returns L(N, D)."""
    # cheap checks only: this runs at every slider step
    as_instance(
        state, "state", LndPoint, what="the LndPoint of lnd_point_figure"
    )
    n_params, n_tokens = _point(n_params, n_tokens)
    c, a = state.constants, state.artists
    here = float(K.loss_from_params_tokens(n_params, n_tokens, c))
    a["line_d"].set_ydata(K.loss_from_params_tokens(n_params, _LND_D, c))
    a["floor_d"].set_ydata([K.loss_from_params(n_params, c)] * 2)
    a["line_n"].set_ydata(K.loss_from_params_tokens(_LND_N, n_tokens, c))
    a["floor_n"].set_ydata([K.loss_from_tokens(n_tokens, c)] * 2)
    a["dot_d"].set_data([n_tokens], [here])
    a["dot_n"].set_data([n_params], [here])
    a["ax_d"].set_title(f"N = {n_params:.2g} parameters", fontsize=10)
    a["ax_n"].set_title(f"D = {n_tokens:.2g} tokens", fontsize=10)
    ratio = K.overfitting_ratio(n_params, n_tokens)
    state.fig.suptitle(
        f"L(N, D) = {here:.3f} nats/token;  N^0.74/D = {ratio:.2g}",
        fontsize=10,
    )
    return here


def plot_lnd_point(
    n_params: float,
    n_tokens: float,
    *,
    constants: K.KaplanConstants = K.KAPLAN_2020,
):
    """Where a model of ``n_params`` trained on ``n_tokens`` sits on L(N, D) (eq. 1.5): loss
    against D at this N, and loss against N at this D (the static figure of the chapter's
    sliders, which update it with :func:`lnd_point_update`)."""
    n_params, n_tokens = _point(n_params, n_tokens)
    return lnd_point_figure(n_params, n_tokens, constants=constants).fig


def plot_sample_efficiency(
    targets=(4.0, 3.5, 3.0, 2.7),
    *,
    constants: K.KaplanConstants = K.KAPLAN_2020,
):
    """Tokens needed to reach a target loss against model size (eq. 1.5 inverted): bigger models
    need fewer tokens for the same loss, until the data term dominates."""
    targets = as_positive_array(targets, "targets", ndim=1, min_size=1)
    constants = _constants(constants)
    fig, ax = new_figure()
    n = np.logspace(6, 12, 300)
    for k, target in enumerate(targets):
        d = K.tokens_to_reach_loss(target, n, constants)
        ok = np.isfinite(d)
        ax.plot(
            n[ok],
            d[ok],
            color=COLORS[k % len(COLORS)],
            label=f"L = {target} nats/token",
        )
    log_axes(ax, "non-embedding parameters N", "tokens needed D")
    ax.legend(fontsize=8)
    return fig


def plot_isoflop_frontier(compute, n_params, loss, result, *, reference=None):
    """IsoFLOP curves of real runs with their windowed-parabola minima (left) and the fitted
    frontier ``N_opt = k C^a`` with reference slopes (right).

    ``result`` is a :class:`scaling_lib.chinchilla.IsoFLOPResult`. The reference slopes default
    to Kaplan et al.'s two fits of Figure 14 (left), against raw compute C (0.88) and against
    C_min (0.73), and Chinchilla's 0.5. Otherwise ``reference`` is a list of
    ``(label, slope)`` pairs (empty: no reference lines).
    """
    c_all, n_all, l_all = (
        as_positive_array(a, name, ndim=1, min_size=1)
        for a, name in (
            (compute, "compute"),
            (n_params, "n_params"),
            (loss, "loss"),
        )
    )
    check_same_shape(compute=c_all, n_params=n_all, loss=l_all)
    as_instance(
        result, "result", IsoFLOPResult, what="the result of isoflop_minima"
    )
    if not result.success or result.n_fit is None:
        raise ValueError(
            f"result is a failed IsoFLOP fit ({result.message}): no frontier to draw"
        )
    if reference is not None:
        reference = _reference_slopes(reference)
    else:
        k = K.KAPLAN_2020
        reference = (
            (f"Kaplan, raw C (Fig. 14): {k.p_n_raw:g}", k.p_n_raw),
            (f"Kaplan, C_min (Table 6): {k.p_n:g}", k.p_n),
            ("Chinchilla: 0.5", 0.5),
        )
    table = result.table
    good = table[table.interior]
    fig, (ax_l, ax_r) = new_figure(2, width=9.6, height=3.8)
    cmap = colormaps["viridis"]
    norm = LogNorm(table.compute.min(), table.compute.max())
    for row in table.itertuples():
        sel = np.isclose(c_all, row.compute, rtol=0.1)
        order = np.argsort(n_all[sel])
        ax_l.plot(
            n_all[sel][order],
            l_all[sel][order],
            "o-",
            ms=3,
            lw=1,
            color=cmap(norm(row.compute)),
        )
        if row.interior:
            ax_l.plot(
                [row.n_opt],
                [row.loss_opt],
                "*",
                ms=10,
                color="k",
                mec="w",
                zorder=5,
            )
    cbar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax_l)
    cbar.set_label("compute C (FLOPs)")
    log_axes(
        ax_l,
        "parameters N",
        _LOSS,
        logy=False,
        title="IsoFLOP curves, ★ = minimum",
    )
    # show the valleys, not the far left of the smallest budgets
    ax_l.set_ylim(l_all.min() - 0.1, float(good.loss_opt.max()) + 1.0)
    fit = result.n_fit
    c_line = np.logspace(
        np.log10(good.compute.min()) - 0.2,
        np.log10(good.compute.max()) + 0.2,
        50,
    )
    ax_r.plot(good.compute, good.n_opt, "*", ms=10, color="k", label="minima")
    ax_r.plot(
        c_line,
        fit.predict(c_line),
        color=COLORS[0],
        label=f"fit: a = {fit.exponent:.2f}",
    )
    c_mid = np.exp(np.log(good.compute).mean())
    n_mid = fit.predict(c_mid)
    for k, (label, slope) in enumerate(reference):
        ax_r.plot(
            c_line,
            n_mid * (c_line / c_mid) ** slope,
            ls=["--", ":", "-."][k % 3],
            lw=1.2,
            color=COLORS[(k + 1) % len(COLORS)],
            label=label,
        )
    log_axes(
        ax_r,
        "compute C (FLOPs)",
        "loss-minimizing N_opt (parameters)",
        title=r"$N_{opt} = k\,C^{a}$ (reference lines: slopes only)",
    )
    ax_r.legend(fontsize=7)
    return freeze_layout(fig)


def _reference_slopes(reference) -> list[tuple[str, float]]:
    """``reference`` as a list of (label, finite slope) pairs."""
    pairs = []
    if isinstance(reference, (list, tuple)):
        for item in reference:
            if not (
                isinstance(item, (list, tuple))
                and len(item) == 2
                and isinstance(item[0], str)
            ):
                break
            pairs.append(
                (item[0], as_float(item[1], f"reference slope of {item[0]!r}"))
            )
        else:
            return pairs
    raise ValueError(
        "reference must be a list of (label, slope) pairs such as "
        f"[('Chinchilla', 0.5)], got {reference!r:.80}"
    )


def plot_extrapolation(
    x, y, n_fit: int, fits: dict, *, xlabel: str, ylabel: str
):
    """Fit on the first ``n_fit`` points, extrapolate to the rest: ``fits`` maps a label to a
    fitted object with ``predict``. The held-out region is shaded."""
    x = as_positive_array(x, "x", ndim=1, min_size=1)
    y = as_positive_array(y, "y", ndim=1, min_size=1)
    check_same_shape(x=x, y=y)
    n_fit = as_int(n_fit, "n_fit", minimum=1, maximum=x.size)
    if not isinstance(fits, dict) or not fits:
        raise ValueError(
            "fits must be a non-empty dict of label -> fit result, got "
            f"{type(fits).__name__} {fits!r:.60}"
        )
    for label, fit in fits.items():
        _check_text(**{f"fits label {label!r:.40}": label})
        _check_fit(fit, f"fits[{label!r:.40}]")
    _check_text(xlabel=xlabel, ylabel=ylabel)
    fig, ax = new_figure()
    xs = np.logspace(np.log10(x.min()), np.log10(x.max()) + 0.3, 200)
    ax.axvspan(x[n_fit - 1] * 1.2, xs.max(), color="0.9", label="held out")
    ax.plot(
        x[:n_fit], y[:n_fit], "o", color="k", ms=5, label="used for the fit"
    )
    ax.plot(
        x[n_fit:],
        y[n_fit:],
        "o",
        mfc="w",
        color="k",
        ms=5,
        label="held-out runs",
    )
    for k, (label, fit) in enumerate(fits.items()):
        ax.plot(
            xs, fit.predict(xs), color=COLORS[k % len(COLORS)], label=label
        )
    log_axes(ax, xlabel, ylabel)
    ax.yaxis.set_major_formatter("{x:.1f}")
    ax.yaxis.set_minor_formatter("{x:.1f}")
    ax.legend(fontsize=8)
    return fig


def plot_random_features(result, fit: K.KaplanLossFit | None = None):
    """Test loss of the random-feature model against N for each D (left) and against D for each
    N (right), with the fitted Kaplan L(N, D) dashed and a slope -alpha for reference."""
    as_instance(
        result,
        "result",
        RandomFeatureResult,
        what="the result of random_feature_experiment",
    )
    if fit is not None:
        as_instance(
            fit,
            "fit",
            K.KaplanLossFit,
            what="None or a fit_kaplan_loss result",
        )
        _check_fit(fit, "fit")
    fig, (ax_n, ax_d) = new_figure(2, width=9.6, height=3.8, sharey=True)
    ns, ds, loss = result.n_features, result.n_samples, result.loss
    cmap = colormaps["viridis"]
    for j, d in enumerate(ds):
        color = cmap(j / max(len(ds) - 1, 1))
        ax_n.plot(ns, loss[:, j], "o-", ms=3, color=color, label=f"D = {d}")
        if fit is not None:
            ax_n.plot(ns, fit.predict(ns, float(d)), "--", lw=0.8, color=color)
    for i, n in enumerate(ns):
        color = cmap(i / max(len(ns) - 1, 1))
        ax_d.plot(ds, loss[i, :], "o-", ms=3, color=color, label=f"N = {n}")
        if fit is not None:
            ax_d.plot(ds, fit.predict(float(n), ds), "--", lw=0.8, color=color)
    log_axes(ax_n, "random features N", "test loss (fraction of var y)")
    log_axes(ax_d, "training samples D", "")
    for ax, x, edge in ((ax_n, ns, loss[:, -1]), (ax_d, ds, loss[-1, :])):
        # a line of slope -alpha through the middle of the best-resourced curve, shifted down
        mid = x.size // 2
        ref = 0.5 * edge[mid] * (x / x[mid]) ** -result.alpha
        ax.plot(
            x,
            ref,
            color="k",
            lw=1.5,
            ls=":",
            label=rf"slope $-\alpha$ ($\alpha$ = {result.alpha:g})",
        )
        if fit is not None:
            ax.plot(
                [], [], "--", lw=0.8, color="0.4", label="Kaplan L(N, D) fit"
            )
        ax.set_xticks(x, [str(v) for v in x])
        ax.minorticks_off()
        ax.legend(fontsize=7, ncol=2)
    return freeze_layout(fig)
