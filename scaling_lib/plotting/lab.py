"""Figures of the scaling lab (notebooks/07_scaling_lab.ipynb).

Every function returns the ``Figure``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import chinchilla as ch
from .._validation import (
    as_instance,
    as_positive_array,
    as_positive_float,
    check_columns,
)
from . import COLORS, log_axes, new_figure

__all__ = ["plot_lab_spending", "plot_lab_prediction"]


def plot_lab_spending(runs: pd.DataFrame, budget_flops: float):
    """Where the budget went: each run in the (N, D) plane with lines of constant ``6ND``
    (left), and the cumulative FLOPs spent against the budget (right).

    ``runs`` is :attr:`scaling_lib.lab.Lab.runs` (columns ``n_params, n_tokens, compute``, at
    least one run); ``budget_flops`` the lab's budget (> 0).
    """
    check_columns(
        runs, "runs", ["n_params", "n_tokens", "compute"], min_rows=1
    )
    runs = pd.DataFrame(
        {
            c: as_positive_array(runs[c].to_numpy(), f"runs.{c}")
            for c in ("n_params", "n_tokens", "compute")
        }
    )
    budget_flops = as_positive_float(budget_flops, "budget_flops")
    fig, (ax0, ax1) = new_figure(2, width=9.6, height=3.6)
    ax0.scatter(
        runs.n_params,
        runs.n_tokens,
        s=14,
        color=COLORS[0],
        zorder=3,
        label="runs",
    )
    n = np.logspace(
        np.log10(runs.n_params.min()) - 0.3,
        np.log10(runs.n_params.max()) + 0.3,
        50,
    )
    for k, c in enumerate(np.unique(np.round(np.log10(runs.compute), 1))):
        ax0.plot(
            n,
            10**c / (6 * n),
            color="0.6",
            lw=0.8,
            ls="--",
            label="constant 6ND" if k == 0 else None,
        )
    ax0.set_ylim(runs.n_tokens.min() / 2, runs.n_tokens.max() * 2)
    log_axes(
        ax0,
        "parameters N",
        "training tokens D",
        title="Runs (dashed: equal compute)",
    )
    ax0.legend(fontsize=8)
    spent = np.cumsum(runs.compute.to_numpy())
    ax1.step(
        np.arange(1, len(spent) + 1),
        spent,
        where="post",
        color=COLORS[0],
        label="spent",
    )
    ax1.axhline(budget_flops, color=COLORS[1], ls="--", label="budget")
    log_axes(
        ax1,
        "run number",
        "cumulative compute (FLOPs)",
        logx=False,
        title="Budget",
    )
    ax1.legend(fontsize=8)
    return fig


def plot_lab_prediction(
    iso: ch.IsoFLOPResult,
    fit: ch.ParametricLoss,
    target_compute: float,
    *,
    truth: ch.ParametricLoss | None = None,
):
    """Extrapolating the compute-optimal size from the IsoFLOP minima to the held-out budget:
    approach 2 (power law through the minima) and approach 3 (closed form of the fitted
    parametric law), with the target compute marked; ``truth`` (for an instructor) adds the
    hidden law's frontier.

    ``iso`` comes from :func:`scaling_lib.chinchilla.isoflop_minima`, ``fit`` and ``truth`` are
    :class:`~scaling_lib.chinchilla.ParametricLoss` laws, ``target_compute`` is in FLOPs
    (> 0, at most 1e40: beyond, the axis leaves the range of a float).
    """
    iso = as_instance(
        iso, "iso", ch.IsoFLOPResult, what="a result of isoflop_minima"
    )
    fit = as_instance(fit, "fit", ch.ParametricLoss)
    target_compute = as_positive_float(
        target_compute, "target_compute", high=1e40
    )
    if truth is not None:
        truth = as_instance(truth, "truth", ch.ParametricLoss)
    fig, ax = new_figure(width=6.4, height=4.2)
    good = iso.table[iso.table.interior]
    c = np.logspace(
        np.log10(iso.table.compute.min()) - 0.3,
        np.log10(target_compute) + 0.3,
        80,
    )
    ax.scatter(
        good.compute,
        good.n_opt,
        color=COLORS[0],
        zorder=3,
        label="IsoFLOP minima",
    )
    if iso.n_fit is not None:
        ax.plot(
            c,
            iso.n_fit.predict(c),
            color=COLORS[0],
            label=rf"approach 2: $N_{{opt}} \propto C^{{{iso.a:.3f}}}$",
        )
    ax.plot(
        c,
        fit.compute_optimal(c)[0],
        color=COLORS[1],
        ls="--",
        label=rf"approach 3: $N_{{opt}} \propto C^{{{fit.a:.3f}}}$",
    )
    if truth is not None:
        ax.plot(
            c,
            truth.compute_optimal(c)[0],
            color="k",
            lw=1,
            label="hidden truth",
        )
    ax.axvline(target_compute, color="0.5", ls=":", label="held-out run")
    log_axes(
        ax,
        "training compute C (FLOPs)",
        r"optimal parameters $N_{opt}$",
        title="Extrapolation to the held-out budget",
    )
    ax.legend(fontsize=8)
    return fig
