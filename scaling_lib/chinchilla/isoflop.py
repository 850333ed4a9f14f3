"""IsoFLOP analysis: approaches 1 and 2 of Hoffmann et al. (2022), shared by Chapters 2 and 3.

An *IsoFLOP profile* is the final loss of several model sizes all trained with the same compute
budget ``C`` (so a model of ``N`` parameters sees ``D = C / (6N)`` tokens). Its valley tells
which size is best for that budget.

- :func:`isoflop_minima` (approach 2, their Section 3.2): for each budget, a parabola of the loss
  in ``log N`` fitted to the runs within ``window`` decades of the lowest one; its vertex is
  ``N_opt(C)``; then power laws ``N_opt ∝ C**a`` and ``D_opt ∝ C**b`` through the vertices.
  This is the one estimator of the compute-optimal exponent from IsoFLOP runs in the course.
- :func:`bootstrap_isoflop`: its uncertainty, by resampling the runs within each budget.
- :func:`envelope_fit` (approach 1, Section 3.1): the runs that reach a lower loss than every
  run with no more compute, and power laws through them.

Why a window. A parabola in ``log N`` is only a local model of the valley: real IsoFLOP curves
are asymmetric (one side rises much faster than the other), so one parabola through a whole
curve that spans three decades of ``N`` is pulled towards the flatter side and misplaces the
minimum. Fitting only near the lowest run keeps the parabola where it is
a good approximation. The default half-width, :data:`ISOFLOP_WINDOW` = 0.6 decades (a factor
of 4 on each side), holds 5 to 9 sizes of Porian et al.'s corrected grids (spaced about 0.16
decades), but only 3 to 6 in their Kaplan-like set-up (non-embedding sizes about 0.2 decades
apart), where a parabola through 3 runs is an interpolation; at least 3 are required.
It was fixed as a round number between the two failure modes (too few points to place a
vertex, or a window so wide that the asymmetry biases it); Chapter 3 shows that any window from
0.4 to 1 decade gives the same exponents within a few hundredths, while the whole curve does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._validation import (
    as_float,
    as_int,
    as_positive_array,
    as_positive_float,
    as_positive_int,
    as_rng,
    check_finite_result,
    check_min_length,
    check_same_shape,
)
from ..fitting import BootstrapSamples, PowerLawFit, fit_power_law
from ._solver import resample_counts
from .law import HOFFMANN_2022, _positive_1d  # noqa: F401 (HOFFMANN_2022: doctests)

__all__ = [
    "ISOFLOP_WINDOW",
    "group_budgets",
    "IsoFLOPResult",
    "isoflop_minima",
    "IsoFLOPBootstrap",
    "bootstrap_isoflop",
    "EnvelopeResult",
    "envelope_fit",
]

#: Half-width, in decades of N, of the window around each budget's lowest run in which
#: :func:`isoflop_minima` fits its parabola (see the module docstring for the choice).
ISOFLOP_WINDOW = 0.6


def group_budgets(compute, budgets=None, rtol: float = 0.1):
    """Assign each run to a compute budget.

    Returns ``(grid, index)``: the sorted budgets and, for every run, the index of its budget
    (-1 for none). Without ``budgets`` every distinct value of ``compute`` is a budget; with
    ``budgets``, a run belongs to the nearest one if it lies within a relative ``rtol`` of it
    (for digitized data whose FLOPs are noisy).

    Examples
    --------
    >>> grid, idx = group_budgets(np.array([1.02e18, 0.97e18, 3e18, 9e18]), [1e18, 3e18])
    >>> idx.tolist()
    [0, 0, 1, -1]
    """
    compute = _positive_1d(compute, "compute")
    rtol = as_float(rtol, "rtol", low=0.0, high=1.0, low_open=True)
    if budgets is None:
        grid = np.unique(compute)
        return grid, np.searchsorted(grid, compute)
    grid = np.sort(_positive_1d(budgets, "budgets"))
    dist = np.abs(np.log(compute)[:, None] - np.log(grid)[None, :])
    nearest = np.argmin(dist, axis=1)
    within = dist[np.arange(compute.size), nearest] <= np.log1p(rtol)
    return grid, np.where(within, nearest, -1)


def _parabola_vertex(u, loss, weights):
    """Weighted least-squares parabola ``loss = c0 + c1 u + c2 u^2`` for each row of ``weights``
    (shape (R, k)); returns vertex ``u*``, the loss there and ``c2`` (all shape (R,))."""
    center, scale = u.mean(), max(float(np.std(u)), 1e-12)
    z = (u - center) / scale  # centred and scaled: well posed
    Z = np.column_stack([np.ones_like(z), z, z * z])  # (k, 3)
    lhs = np.einsum("rk,ki,kj->rij", weights, Z, Z)  # normal equations
    rhs = weights @ (Z * loss[:, None])
    with np.errstate(all="ignore"):
        det = np.linalg.det(lhs)
        safe = np.abs(det) > 1e-10 * np.abs(lhs).max(axis=(1, 2)) ** 3
        coef = np.full((weights.shape[0], 3), np.nan)
        if safe.any():
            coef[safe] = np.linalg.solve(lhs[safe], rhs[safe][:, :, None])[
                :, :, 0
            ]
        c0, c1, c2 = coef.T
        zv = -c1 / (2 * c2)
        lmin = c0 + c1 * zv + c2 * zv**2
        return center + scale * zv, lmin, c2 / scale**2


def _budget_vertices(u, loss, counts, window):
    """The windowed parabola of one budget, for each row of ``counts`` (R, k): how often each of
    the ``k`` runs (``u = log N``, ``loss``) is used; the point estimate is one row of ones, a
    bootstrap resample one row of draw counts.

    Returns ``vertex`` (log N at the minimum), ``loss`` there, ``curvature`` (per unit
    ``(log N)**2``), ``n_used`` (runs in the window) and ``interior``. A budget is *interior*
    when its lowest run is not at either end of the sizes tried (otherwise the valley's bottom
    may lie outside them and the budget says nothing about where it is), the window holds at
    least 3 sizes, the parabola opens upwards, and its vertex lies inside the window.
    """
    present = counts > 0
    masked = np.where(present, loss[None, :], np.inf)
    u0 = u[np.argmin(masked, axis=1)]  # lowest run, per row
    lo_all = np.where(present, u, np.inf).min(axis=1)
    hi_all = np.where(present, u, -np.inf).max(axis=1)
    edge = (u0 <= lo_all) | (u0 >= hi_all)
    if window is None:
        sel = present
    else:
        sel = present & (
            np.abs(u[None, :] - u0[:, None]) <= window * np.log(10) + 1e-9
        )
    vertex, lmin, c2 = _parabola_vertex(u, loss, counts * sel)
    lo = np.where(sel, u, np.inf).min(axis=1)
    hi = np.where(sel, u, -np.inf).max(axis=1)
    n_used = sel.sum(axis=1)
    with np.errstate(invalid="ignore"):
        interior = (
            (~edge) & (n_used >= 3) & (c2 > 0) & (vertex > lo) & (vertex < hi)
        )
    return vertex, lmin, c2, n_used, interior


class _AllocationFit:
    """The exponents ``a`` and ``b`` of ``N_opt ∝ C**a`` and ``D_opt ∝ C**b`` of a result with
    ``n_fit`` and ``d_fit`` power-law fits (approaches 1 and 2)."""

    @property
    def a(self) -> float:
        """Exponent of ``N_opt ∝ C**a`` (nan without a fit)."""
        return self.n_fit.exponent if self.n_fit is not None else float("nan")

    @property
    def b(self) -> float:
        """Exponent of ``D_opt ∝ C**b`` (nan without a fit)."""
        return self.d_fit.exponent if self.d_fit is not None else float("nan")


@dataclass(frozen=True)
class IsoFLOPResult(_AllocationFit):
    """Result of :func:`isoflop_minima` (approach 2).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per budget: ``compute, n_points, n_used, n_opt, d_opt, loss_opt, curvature,
        interior`` (``n_used``: runs inside the window; ``interior`` is False when the lowest
        run is at the edge of the sizes tried, the parabola opens downwards or its minimum is
        outside the window; those budgets are left out of the fits).
    n_fit, d_fit : PowerLawFit or None
        ``N_opt = k C**a`` and ``D_opt = k' C**b`` through the interior minima.
    success : bool
    message : str
    window : float or None
        The half-width of the window in decades (None: the whole curve).
    """

    table: pd.DataFrame
    n_fit: PowerLawFit | None
    d_fit: PowerLawFit | None
    success: bool
    message: str
    window: float | None = None


def _prepare_isoflop(
    n_params, compute, loss, budgets, rtol, min_points, window
):
    n = as_positive_array(n_params, "n_params", ndim=1)
    c = as_positive_array(compute, "compute", ndim=1)
    ell = as_positive_array(loss, "loss", ndim=1)
    check_same_shape(n_params=n, compute=c, loss=ell)
    min_points = as_positive_int(min_points, "min_points", maximum=1000)
    if min_points < 3:
        raise ValueError(
            f"min_points must be >= 3 (a parabola has 3 coefficients), got {min_points}"
        )
    rtol = as_float(rtol, "rtol", low=0.0, high=1.0, low_open=True)
    check_min_length(n, "n_params", min_points)
    if window is not None:
        window = as_positive_float(window, "window", high=100.0)
    grid, group = group_budgets(c, budgets, rtol)
    usable = [np.flatnonzero(group == k) for k in range(grid.size)]
    usable = [
        sel
        for sel in usable
        if sel.size >= min_points and np.unique(n[sel]).size >= 3
    ]
    return n, c, ell, usable


def isoflop_minima(
    n_params,
    compute,
    loss,
    *,
    budgets=None,
    rtol: float = 0.1,
    min_points: int = 3,
    window: float | None = ISOFLOP_WINDOW,
) -> IsoFLOPResult:
    """Approach 2 of Hoffmann et al. (2022), Section 3.2: for each compute budget, fit a parabola
    of the loss in ``log N`` near the lowest run and take its minimum; then fit
    ``N_opt ∝ C**a`` and ``D_opt ∝ C**b`` (with ``D = C / (6 N)``) through the minima.

    Parameters
    ----------
    n_params, compute, loss : array_like
        One entry per run: parameters N, training FLOPs C and final loss.
    budgets : array_like, optional
        Nominal budgets. Runs within a relative ``rtol`` of a budget are grouped with it (for
        digitized data whose FLOPs are noisy). By default each distinct value of ``compute``
        is a budget.
    rtol : float
        Relative tolerance of the grouping (used only with ``budgets``).
    min_points : int
        Budgets with fewer runs are skipped (at least 3).
    window : float or None
        Half-width in decades of ``N`` of the window around each budget's lowest run in which
        the parabola is fitted (default :data:`ISOFLOP_WINDOW`); None fits the whole curve.

    Returns
    -------
    IsoFLOPResult

    Raises
    ------
    ValueError
        For non-positive, NaN or infinite input, mismatched lengths, too few runs or a bad
        ``window``.

    Examples
    --------
    >>> n = np.tile(np.logspace(7, 10, 13), 3)
    >>> c = np.repeat([1e18, 1e19, 1e20], 13)
    >>> res = isoflop_minima(n, c, HOFFMANN_2022.loss(n, c / (6 * n)))
    >>> round(res.a, 2), round(res.b, 2)
    (0.45, 0.55)
    """
    n, c, ell, usable = _prepare_isoflop(
        n_params, compute, loss, budgets, rtol, min_points, window
    )
    rows = []
    for sel in usable:
        vertex, lmin, c2, n_used, interior = _budget_vertices(
            np.log(n[sel]), ell[sel], np.ones((1, sel.size)), window
        )
        v, c2 = float(vertex[0]), float(c2[0])
        cb = float(
            np.exp(np.mean(np.log(c[sel])))
        )  # the budget: mean of the runs' FLOPs
        n_opt = (
            float(np.exp(v))
            if np.isfinite(v) and abs(v) < 700
            else float("nan")
        )
        rows.append(
            {
                "compute": cb,
                "n_points": int(sel.size),
                "n_used": int(n_used[0]),
                "n_opt": n_opt,
                "d_opt": cb / (6 * n_opt)
                if np.isfinite(n_opt)
                else float("nan"),
                "loss_opt": float(lmin[0]),
                "curvature": c2,
                "interior": bool(interior[0]),
            }
        )
    table = pd.DataFrame(
        rows,
        columns=[
            "compute",
            "n_points",
            "n_used",
            "n_opt",
            "d_opt",
            "loss_opt",
            "curvature",
            "interior",
        ],
    )
    good = table[table.interior]
    if len(good) < 2:
        return IsoFLOPResult(
            table,
            None,
            None,
            False,
            f"{len(good)} budget(s) with an interior minimum out of {len(table)}; "
            "need at least 2 to fit a power law",
            window,
        )
    n_fit = fit_power_law(good.compute, good.n_opt)
    d_fit = fit_power_law(good.compute, good.d_opt)
    return IsoFLOPResult(
        table,
        n_fit,
        d_fit,
        True,
        f"power laws through {len(good)} interior minima out of {len(table)} "
        "budgets",
        window,
    )


@dataclass(frozen=True)
class IsoFLOPBootstrap(BootstrapSamples):
    """Result of :func:`bootstrap_isoflop`: the exponent ``a`` of ``N_opt ∝ C**a`` per resample
    (``samples``; NaN where a resample has fewer than two interior minima). ``interval`` gives
    the percentile interval of ``a`` (``b = 1 - a`` because ``D_opt = C / (6 N_opt)``)."""

    point: IsoFLOPResult
    samples: np.ndarray = field(repr=False)

    @property
    def a_samples(self) -> np.ndarray:
        """The same as ``samples``."""
        return self.samples

    @property
    def success(self) -> bool:
        """True when the fit to all runs succeeded and two or more resamples were refitted."""
        return bool(self.point.success) and super().success

    @property
    def message(self) -> str:
        if not self.point.success:
            return f"the fit to all runs failed: {self.point.message}"
        return super().message


def bootstrap_isoflop(
    n_params,
    compute,
    loss,
    *,
    n_resamples: int = 1000,
    rng=None,
    budgets=None,
    rtol: float = 0.1,
    min_points: int = 3,
    window: float | None = ISOFLOP_WINDOW,
) -> IsoFLOPBootstrap:
    """Bootstrap interval for the exponent of approach 2: the runs of every budget are resampled
    with replacement, the windowed parabolas of :func:`isoflop_minima` refitted, and
    ``N_opt ∝ C**a`` refitted through the interior minima of each resample.

    ``rng`` (None, an int seed or a Generator, SPEC 7): None draws fresh entropy from the
    operating system, so pass a seed for a reproducible interval.

    Resampling *within* budgets keeps every budget in every resample and measures how the noise
    of the individual runs moves the minima. (Resampling the budgets themselves, the "pairs"
    bootstrap of :func:`scaling_lib.kaplan.bootstrap_exponent`, measures instead how much the
    line depends on which budgets happened to be run.)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> n = np.tile(np.logspace(7, 10, 13), 4); c = np.repeat([1e18, 1e19, 1e20, 1e21], 13)
    >>> ell = HOFFMANN_2022.loss(n, c / (6 * n)) + rng.normal(0, 0.002, n.size)
    >>> lo, hi = bootstrap_isoflop(n, c, ell, n_resamples=200, rng=rng).interval()
    >>> bool(lo < 0.452 < hi)
    True
    """
    point = isoflop_minima(
        n_params,
        compute,
        loss,
        budgets=budgets,
        rtol=rtol,
        min_points=min_points,
        window=window,
    )
    n, c, ell, usable = _prepare_isoflop(
        n_params, compute, loss, budgets, rtol, min_points, window
    )
    n_resamples = as_int(n_resamples, "n_resamples", minimum=1, maximum=10**5)
    rng = as_rng(rng)
    logc, logn = [], []
    for sel in usable:
        counts = resample_counts(rng, n_resamples, sel.size)
        vertex, _, _, _, interior = _budget_vertices(
            np.log(n[sel]), ell[sel], counts, window
        )
        logn.append(np.where(interior, vertex, np.nan))
        logc.append(np.full(n_resamples, np.mean(np.log(c[sel]))))
    if not logn:
        return IsoFLOPBootstrap(point, np.full(n_resamples, np.nan))
    X, Y = np.column_stack(logc), np.column_stack(logn)
    mask = np.isfinite(Y)
    cnt = mask.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        xm = np.where(mask, X, 0).sum(axis=1) / cnt
        ym = np.where(mask, Y, 0).sum(axis=1) / cnt
        dx = np.where(mask, X - xm[:, None], 0)
        dy = np.where(mask, Y - ym[:, None], 0)
        slope = (dx * dy).sum(axis=1) / (dx * dx).sum(
            axis=1
        )  # least squares in log space
    slope[cnt < 2] = np.nan
    return IsoFLOPBootstrap(point, slope)


@dataclass(frozen=True)
class EnvelopeResult(_AllocationFit):
    """Result of :func:`envelope_fit` (approach 1).

    Attributes
    ----------
    frontier : pandas.DataFrame
        The runs on the envelope (``n_params, compute, n_tokens, loss``), by compute.
    n_fit, d_fit : PowerLawFit or None
        ``N ∝ C**a`` and ``D ∝ C**b`` through the envelope runs.
    success : bool
    message : str
    """

    frontier: pd.DataFrame
    n_fit: PowerLawFit | None
    d_fit: PowerLawFit | None
    success: bool
    message: str


def envelope_fit(n_params, compute, loss) -> EnvelopeResult:
    """Approach 1 of Hoffmann et al. (2022), Section 3.1, on final losses: the envelope of
    minimal loss against compute, and power laws of the model size (and tokens) on it.

    Hoffmann et al. take, at 1,500 values of compute, the lowest loss over every *training
    curve* (each run contributes all its intermediate checkpoints). With only the final point
    of each run, the envelope is the set of runs that reach a lower loss than every run using
    no more compute (the Pareto front of compute and loss).

    Parameters
    ----------
    n_params, compute, loss : array_like
        One entry per run (at least 2).

    Returns
    -------
    EnvelopeResult

    Examples
    --------
    >>> res = envelope_fit([1e8, 2e8, 1e8, 4e8], [1e18, 2e18, 4e18, 8e18], [3.0, 2.9, 2.95, 2.7])
    >>> res.frontier.n_params.tolist()
    [100000000.0, 200000000.0, 400000000.0]
    """
    n = as_positive_array(n_params, "n_params", ndim=1)
    c = as_positive_array(compute, "compute", ndim=1)
    ell = as_positive_array(loss, "loss", ndim=1)
    check_same_shape(n_params=n, compute=c, loss=ell)
    check_min_length(n, "n_params", 2)
    order = np.lexsort((ell, c))  # by compute, ties by loss
    best = np.inf
    keep = []
    for i in order:
        if ell[i] < best:
            keep.append(i)
            best = ell[i]
    keep = np.array(keep)
    with np.errstate(over="ignore"):
        tokens = c[keep] / (6 * n[keep])  # D = C / (6 N)
    check_finite_result(
        tokens, "tokens C / (6 N)", n_params=n_params, compute=compute
    )
    frontier = pd.DataFrame(
        {
            "n_params": n[keep],
            "compute": c[keep],
            "n_tokens": tokens,
            "loss": ell[keep],
        }
    )
    if len(frontier) < 2 or np.ptp(np.log(frontier.compute)) == 0:
        return EnvelopeResult(
            frontier,
            None,
            None,
            False,
            f"only {len(frontier)} run(s) on the envelope; need 2",
        )
    n_fit = fit_power_law(frontier.compute, frontier.n_params)
    d_fit = fit_power_law(frontier.compute, frontier.n_tokens)
    return EnvelopeResult(
        frontier,
        n_fit,
        d_fit,
        True,
        f"power laws through {len(frontier)} envelope runs out of {n.size}",
    )
