"""Figures of the chapter "Power laws in a few minutes" (notebooks/00_power_laws)."""

from __future__ import annotations

import numpy as np

from .._validation import (
    as_float,
    as_nonnegative_float,
    as_positive_array,
    as_rng,
    check_same_shape,
)
from ..fitting import fit_power_law, fit_power_law_offset, synthetic_power_law
from . import (
    COLORS,
    _check_text,
    close,
    log_axes,
    new_figure,  # noqa: F401 (close: re-export)
    plain_log_ticks,
    plot_fit_with_residuals,
)


def _xy(x, y, xname="x", yname="y", min_size=1):
    x = as_positive_array(x, xname, ndim=1, min_size=min_size)
    y = as_positive_array(y, yname, ndim=1, min_size=min_size)
    check_same_shape(**{xname: x, yname: y})
    return x, y


__all__ = [
    "plot_linear_vs_loglog",
    "plot_fit_with_residuals",
    "plot_extrapolation",
    "plot_exponent_spread",
    "plot_power_law_explorer",
    "PowerLawExplorerView",
    "update_power_law_explorer",
    "close",
]


def plot_linear_vs_loglog(x, y, *, xlabel="x", ylabel="y"):
    """The same power law on linear axes (a curve) and on log-log axes (a straight line)."""
    x, y = _xy(x, y)
    _check_text(xlabel=xlabel, ylabel=ylabel)
    fig, (ax1, ax2) = new_figure(2, width=9, height=3.4)
    ax1.plot(x, y, "o-", ms=3)
    log_axes(ax1, xlabel, ylabel, logx=False, logy=False, title="linear axes")
    ax2.plot(x, y, "o-", ms=3)
    log_axes(
        ax2,
        xlabel + " (log scale)",
        ylabel + " (log scale)",
        title="log-log axes",
    )
    return fig


def plot_extrapolation(
    x_fit, y_fit, x_true, y_true, *, xlabel="x", ylabel="y"
):
    """Fit on small ``x`` only, then compare two extrapolations with the truth at large ``x``.

    A pure power law (straight line in log-log) and a power law plus constant are both fitted
    to ``(x_fit, y_fit)``; the shaded band marks where no data were used.
    """
    x_fit, y_fit = _xy(x_fit, y_fit, "x_fit", "y_fit", min_size=4)
    x_true, y_true = _xy(x_true, y_true, "x_true", "y_true")
    _check_text(xlabel=xlabel, ylabel=ylabel)
    pure = fit_power_law(x_fit, y_fit)
    offset = fit_power_law_offset(x_fit, y_fit)
    for fit in (pure, offset):
        if not fit.success:
            raise ValueError(f"x_fit, y_fit cannot be fitted: {fit.message}")
    fig, ax = new_figure()
    ax.axvspan(
        np.max(x_fit), np.max(x_true), color="0.92", label="extrapolation"
    )
    ax.plot(x_true, y_true, "-", color="0.2", lw=2, label="truth")
    ax.plot(x_fit, y_fit, "o", color=COLORS[0], label="data used for the fits")
    ax.plot(
        x_true,
        pure.predict(x_true),
        "--",
        color=COLORS[1],
        label=f"pure power law (exponent {pure.exponent:.2f})",
    )
    ax.plot(
        x_true,
        offset.predict(x_true),
        ":",
        color=COLORS[2],
        lw=2,
        label=f"power law + constant ({offset.offset:.2f})",
    )
    log_axes(ax, xlabel, ylabel)
    lo = min(np.min(y_true), np.min(pure.predict(x_true)))
    hi = max(np.max(y_true), np.max(y_fit))
    plain_log_ticks(
        ax.yaxis,
        ticks=[
            t
            for t in (0.1, 0.2, 0.3, 0.5, 1, 2, 3, 5, 10, 20, 30, 50)
            if 0.9 * lo <= t <= 1.1 * hi
        ],
    )
    ax.legend(fontsize=8, loc="lower left")
    return fig


def plot_exponent_spread(decades, spread, *, noise):
    """Spread of the fitted exponent against the range of ``x`` covered by the data."""
    decades, spread = _xy(decades, spread, "decades", "spread")
    noise = as_nonnegative_float(noise, "noise", high=10.0)
    fig, ax = new_figure(height=3.4)
    ax.plot(decades, spread, "o-", label="simulated")
    ax.plot(
        decades,
        spread[0] * decades[0] / np.asarray(decades),
        "--",
        color="0.5",
        label=r"$\propto 1/\mathrm{decades}$",
    )
    log_axes(
        ax,
        "range of x covered by the data (decades)",
        "std. dev. of fitted exponent",
        title=f"{noise:.0%} multiplicative noise",
    )
    plain_log_ticks(ax.xaxis, ticks=decades)
    lo, hi = np.log10(np.min(spread)), np.log10(np.max(spread))
    ticks = [
        t
        for t in (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)
        if lo - 0.1 <= np.log10(t) <= hi + 0.1
    ]
    plain_log_ticks(ax.yaxis, ticks=ticks or None)
    ax.legend()
    return fig


class PowerLawExplorerView:
    """The power-law explorer widget, drawn once: data from ``offset + 10 x^-0.3`` with
    multiplicative noise, fitted on ``decades_fit`` decades by a pure power law and by a power
    law plus constant, both extrapolated to 6 decades. :meth:`update` (or
    :func:`update_power_law_explorer`) redraws the data and the fits by changing the artists'
    data only; the same ``seed`` gives the same noise at every setting."""

    def __init__(self, *, seed=0):
        # one integer seed, so that every update draws the same noise (SPEC 7 input)
        self.seed = (
            int(as_rng(seed, "seed").integers(2**63))
            if not (
                isinstance(seed, int)
                and not isinstance(seed, bool)
                and seed >= 0
            )
            else seed
        )
        self.x_true = np.logspace(0, 6, 200)
        self.fig, ax = new_figure()
        self.ax = ax
        self.span = ax.axvspan(100, 1e6, color="0.92", label="extrapolation")
        (self.truth,) = ax.plot(
            self.x_true, self.x_true, "-", color="0.2", lw=2, label="truth"
        )
        (self.data,) = ax.plot(
            [1, 10],
            [1, 1],
            "o",
            color=COLORS[0],
            label="data used for the fits",
        )
        (self.pure,) = ax.plot(
            self.x_true,
            self.x_true,
            "--",
            color=COLORS[1],
            label="pure power law",
        )
        (self.offset,) = ax.plot(
            self.x_true,
            self.x_true,
            ":",
            color=COLORS[2],
            lw=2,
            label="power law + constant",
        )
        log_axes(ax, "scale x (e.g. compute)", "loss")
        ax.set_xlim(1, 1e6)
        plain_log_ticks(
            ax.yaxis, ticks=[0.1, 0.2, 0.3, 0.5, 1, 2, 3, 5, 10, 20, 30, 50]
        )
        self.legend = ax.legend(fontsize=8, loc="lower left")
        self.fig.canvas.draw()
        self.fig.set_layout_engine("none")

    def update(self, noise=0.05, decades_fit=2.0, offset=1.0):
        """Redraw for a noise level, a fitted range (decades) and an irreducible term; returns
        the figure."""
        noise = as_nonnegative_float(noise, "noise", high=1.0)
        decades_fit = as_float(decades_fit, "decades_fit", low=0.5, high=6.0)
        offset = as_nonnegative_float(offset, "offset", high=100.0)
        rng = np.random.default_rng(self.seed)
        x_fit = np.logspace(0, decades_fit, 12)
        y_fit = synthetic_power_law(
            x_fit,
            exponent=-0.3,
            prefactor=10.0,
            offset=offset,
            noise=noise,
            rng=rng,
        )
        y_true = synthetic_power_law(
            self.x_true, exponent=-0.3, prefactor=10.0, offset=offset
        )
        pure = fit_power_law(x_fit, y_fit)
        with_offset = fit_power_law_offset(x_fit, y_fit)
        self.span.set_x(float(np.max(x_fit)))
        self.span.set_width(1e6 - float(np.max(x_fit)))
        self.truth.set_ydata(y_true)
        self.data.set_data(x_fit, y_fit)
        y_pure = pure.predict(self.x_true)
        self.pure.set_ydata(y_pure)
        self.offset.set_ydata(with_offset.predict(self.x_true))
        texts = self.legend.get_texts()
        texts[3].set_text(f"pure power law (exponent {pure.exponent:.2f})")
        texts[4].set_text(f"power law + constant ({with_offset.offset:.2f})")
        lo = min(np.min(y_true), np.min(y_pure))
        hi = max(np.max(y_true), np.max(y_fit))
        self.ax.set_ylim(0.8 * lo, 1.25 * hi)
        return self.fig


def update_power_law_explorer(
    view: PowerLawExplorerView, noise: float, decades_fit: float, offset: float
):
    """The widget's update step (a plain function, for benchmarks): ``view.update``."""
    if not isinstance(view, PowerLawExplorerView):
        raise ValueError(f"view must be a PowerLawExplorerView, got {view!r}")
    return view.update(noise, decades_fit, offset)


def plot_power_law_explorer(
    noise=0.05, decades_fit=2.0, offset=1.0, *, seed=0
):
    """One frame of the explorer (see :class:`PowerLawExplorerView`).

    ``noise`` in [0, 1], ``decades_fit`` in [0.5, 6], ``offset`` in [0, 100]; ``seed`` is None,
    an int or a ``Generator`` (SPEC 7)."""
    return PowerLawExplorerView(seed=seed).update(noise, decades_fit, offset)
