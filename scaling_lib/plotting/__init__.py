"""Figures of the course. This package is the only part of scaling_lib that imports matplotlib.

Shared conventions live here; each chapter's figures live in a submodule of the same name
(``scaling_lib.plotting.power_laws``, ``.flops``, ``.kaplan``, ...). Every figure has labelled
axes with units, log scales where a power law lives, and returns the ``Figure`` so a notebook
cell can show it.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

__all__ = ["COLORS", "new_figure", "log_axes", "use_course_style"]

#: A colour-blind-safe cycle (Okabe & Ito 2008) used by every figure.
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

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


def new_figure(ncols: int = 1, nrows: int = 1, *, width: float = 6.4, height: float = 4.0,
               **kwargs):
    """Create a figure with ``nrows x ncols`` axes sized for the book; returns ``(fig, axes)``."""
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), constrained_layout=True,
                             **kwargs)
    return fig, axes


def log_axes(ax, xlabel: str, ylabel: str, *, logx: bool = True, logy: bool = True, title=None):
    """Label ``ax`` (with units in the label text) and set log scales; returns ``ax``."""
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax


use_course_style()
