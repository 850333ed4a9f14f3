"""Figures of the course. This package is the only part of scaling_lib that imports matplotlib.

Shared conventions live here; each chapter's figures live in a submodule of the same name
(``scaling_lib.plotting.power_laws``, ``.flops``, ``.kaplan``, ...). Every figure has labelled
axes with units, log scales where a power law lives, and returns the ``Figure`` so a notebook
cell can show it.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from .._validation import (
    as_bool,
    as_float,
    as_int,
    as_positive_array,
    check_same_shape,
)

__all__ = [
    "COLORS",
    "new_figure",
    "log_axes",
    "plain_log_ticks",
    "use_course_style",
    "plot_fit_with_residuals",
    "close",
]

#: A colour-blind-safe cycle (Okabe & Ito 2008) used by every figure.
COLORS = [
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#000000",
]

_STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.figsize": (6.4, 4.0),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=COLORS),
    "legend.frameon": False,
    "font.size": 10,
}


def use_course_style() -> None:
    """Apply the course's matplotlib style (called on import, and safe to call again)."""
    mpl.rcParams.update(_STYLE)


def new_figure(
    ncols: int = 1,
    nrows: int = 1,
    *,
    width: float = 6.4,
    height: float = 4.0,
    **kwargs,
):
    """Create a figure with ``nrows x ncols`` axes sized for the book; returns ``(fig, axes)``.

    ``ncols`` and ``nrows`` are integers in [1, 20]; ``width`` and ``height`` are inches in
    [0.5, 50]."""
    ncols = as_int(ncols, "ncols", minimum=1, maximum=20)
    nrows = as_int(nrows, "nrows", minimum=1, maximum=20)
    width = as_float(width, "width", low=0.5, high=50.0)
    height = as_float(height, "height", low=0.5, high=50.0)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(width, height),
        constrained_layout=True,
        **kwargs,
    )
    return fig, axes


def log_axes(
    ax,
    xlabel: str,
    ylabel: str,
    *,
    logx: bool = True,
    logy: bool = True,
    title=None,
):
    """Label ``ax`` (with units in the label text) and set log scales; returns ``ax``."""
    _check_axes(ax)
    _check_text(xlabel=xlabel, ylabel=ylabel, title=title)
    logx, logy = as_bool(logx, "logx"), as_bool(logy, "logy")
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax


def close(fig) -> None:
    """Close a figure that has already been displayed (for instance glued with
    ``glue(key, fig)``), so that the notebook's inline backend does not show it a second time."""
    if not isinstance(fig, mpl.figure.Figure):
        raise ValueError(
            f"fig must be a matplotlib Figure, got {type(fig).__name__}: {fig!r}"
        )
    plt.close(fig)


def freeze_layout(fig):
    """Lay ``fig`` out once and keep that layout; returns ``fig``.

    A figure with a layout engine is laid out again at every rendering, and
    the second rendering can differ from the first by a pixel. A figure that
    is glued onto a prose page and also displayed in its notebook must render
    to the same bytes both times, or the page points at an image the site
    does not hold.
    """
    if not isinstance(fig, mpl.figure.Figure):
        raise ValueError(
            f"fig must be a matplotlib Figure, got {type(fig).__name__}: {fig!r}"
        )
    fig.canvas.draw()
    fig.set_layout_engine("none")
    return fig


def plain_log_ticks(axis, ticks=None) -> None:
    """Label a log axis with plain numbers (3, 4, 5 rather than 3×10⁰): for axes that span
    about a decade, where scientific labels hide the values a reader wants. With ``ticks``,
    label exactly those values and leave the minor ticks unlabelled."""
    if not isinstance(axis, mpl.axis.Axis):
        raise ValueError(
            f"axis must be a matplotlib axis such as ax.xaxis, got "
            f"{type(axis).__name__} {axis!r:.60}"
        )
    if ticks is not None:
        ticks = as_positive_array(ticks, "ticks", ndim=1, min_size=1)
    fmt = mpl.ticker.FuncFormatter(lambda value, _: f"{value:g}")
    if ticks is not None:
        axis.set_ticks(ticks)
        axis.set_minor_formatter(mpl.ticker.NullFormatter())
    else:
        axis.set_minor_formatter(fmt)
    axis.set_major_formatter(fmt)


def plot_fit_with_residuals(
    x, y, fit, *, xlabel: str, ylabel: str, label: str | None = None
):
    """Data and a fitted law on log-log axes (top) and the residuals ``log y - log fit`` (bottom).

    ``fit`` is any result with a ``predict`` method (for example a
    :class:`scaling_lib.fitting.PowerLawFit`). If the law is right the residuals scatter around
    zero with no trend; a curve in them means the data are not that law.
    """
    x = as_positive_array(x, "x", ndim=1, min_size=1)
    y = as_positive_array(y, "y", ndim=1, min_size=1)
    check_same_shape(x=x, y=y)
    _check_fit(fit, "fit")
    _check_text(xlabel=xlabel, ylabel=ylabel, label=label)
    if label is None:
        label = "fit"
        if hasattr(fit, "exponent_stderr"):
            label = (
                f"fit: exponent {fit.exponent:.3f} ± {fit.exponent_stderr:.3f}"
            )
    fig, (ax, ax_res) = new_figure(
        1,
        2,
        width=6.4,
        height=5.0,
        sharex=True,
        gridspec_kw={"height_ratios": [3, 1.3]},
    )
    grid = np.logspace(np.log10(x.min()), np.log10(x.max()), 100)
    ax.plot(x, y, "o", color=COLORS[0], label="data")
    ax.plot(grid, fit.predict(grid), "-", color=COLORS[1], label=label)
    ax.legend(fontsize=8)
    log_axes(ax, "", ylabel)
    if y.max() / y.min() < 10:
        plain_log_ticks(ax.yaxis)
    ax_res.axhline(0, color="0.5", lw=1)
    ax_res.plot(x, np.log(y) - np.log(fit.predict(x)), "o", color=COLORS[1])
    log_axes(ax_res, xlabel, "residual\n(log y − log fit)", logy=False)
    return fig


def _check_fit(fit, name: str) -> None:
    """A fit result to draw: it has a ``predict`` method and did not fail."""
    if not callable(getattr(fit, "predict", None)):
        raise ValueError(
            f"{name} must be a fit result with a predict method, got "
            f"{type(fit).__name__}"
        )
    if getattr(fit, "success", True) is False:
        raise ValueError(
            f"{name} failed ({fit.message}): there is no law to draw"
        )


def _check_axes(ax) -> None:
    if not isinstance(ax, mpl.axes.Axes):
        raise ValueError(
            f"ax must be a matplotlib Axes (from new_figure), got "
            f"{type(ax).__name__} {ax!r:.60}"
        )


def _check_text(optional=("title", "label"), **texts) -> None:
    """Labels and titles are strings; None is allowed only for the ``optional`` ones."""
    for name, value in texts.items():
        if value is None and name in optional:
            continue
        if not isinstance(value, str):
            raise ValueError(
                f"{name} must be a str, got {type(value).__name__} {value!r:.60}"
            )


use_course_style()
