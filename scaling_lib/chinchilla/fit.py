"""Approach 3 of Hoffmann et al. (2022): fit the parametric loss by a Huber loss on log-loss.

The objective (their eq. 3, Appendix D.2) is ``sum_i Huber_delta(LSE(a - alpha log N_i,
b - beta log D_i, e) - log L_i)`` with ``A, B, E = exp(a), exp(b), exp(e)`` and ``delta = 1e-3``.
LSE is log-sum-exp, ``LSE(u, v, w) = log(e^u + e^v + e^w)``, so ``LSE(...) = log L(N, D)``
computed without overflow. The Huber loss is ``r^2/2`` for ``|r| <= delta`` and
``delta (|r| - delta/2)`` beyond: quadratic for small residuals, linear (robust to outliers) for
large ones. :func:`fit_parametric_loss_reference` is the plain method (one L-BFGS-B run per start);
:func:`fit_parametric_loss` gives the same optimum much faster with the batched solver of
:mod:`._solver`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._validation import (
    as_float_array,
    as_int,
    as_positive_array,
    as_positive_float,
    check_runs,
    check_same_shape,
)
from ._solver import _batched_lm, _evaluate, _polish
from .law import HOFFMANN_2022, ParametricLoss  # noqa: F401 (HOFFMANN_2022: doctests)

__all__ = [
    "HUBER_DELTA",
    "default_start_grid",
    "design_problem",
    "refit_parametric_loss",
    "huber_objective",
    "ParametricLossFit",
    "fit_parametric_loss",
    "fit_parametric_loss_reference",
    "stopping_points",
]

#: The Huber threshold of Hoffmann et al. (2022), Section 3.3 / Appendix D.2: delta = 1e-3.
HUBER_DELTA = 1e-3


def default_start_grid() -> np.ndarray:
    """The 4,500 starting points of Hoffmann et al. (2022), Appendix D.2, as used by
    Besiroglu et al. (2024): ``alpha, beta`` in {0, 0.5, ..., 2}, ``e`` in {-1, -0.5, ..., 1},
    ``a, b`` in {0, 5, ..., 25}; columns ``(a, b, e, alpha, beta)``.

    Examples
    --------
    >>> default_start_grid().shape
    (4500, 5)
    """
    alpha = beta = np.arange(0.0, 2.01, 0.5)
    e = np.arange(-1.0, 1.01, 0.5)
    a = b = np.arange(0.0, 25.1, 5.0)
    grid = itertools.product(a, b, e, alpha, beta)
    return np.array(list(grid), dtype=float)


def huber_objective(
    theta, n_params, n_tokens, loss, *, delta: float = HUBER_DELTA
):
    """The objective of approach 3 (Hoffmann et al. 2022, eq. 3, in the LSE form of Appendix D.2):

    ``sum_i Huber_delta( LSE(a - alpha log N_i, b - beta log D_i, e) - log L_i )``.

    Parameters
    ----------
    theta : array_like, shape (5,) or (S, 5)
        ``(a, b, e, alpha, beta)``, one row per parameter vector.
    n_params, n_tokens, loss : array_like
        The training runs.
    delta : float
        The Huber threshold (1e-3 in the paper).

    Returns
    -------
    float or ndarray
        The objective for each row of ``theta``.

    Examples
    --------
    >>> n, d = np.array([1e8, 1e9, 1e10]), np.array([1e10, 1e10, 1e11])
    >>> ell = HOFFMANN_2022.loss(n, d)
    >>> float(huber_objective(HOFFMANN_2022.lse, n, d, ell)) < 1e-25
    True
    """
    n, d, ell = check_runs(n_params, n_tokens, loss, minimum=1)
    delta = as_positive_float(delta, "delta")
    th = as_float_array(theta, "theta")
    single = th.ndim == 1
    th = np.atleast_2d(th)
    if th.ndim != 2 or th.shape[1] != 5:
        raise ValueError(
            f"theta must have 5 columns (a, b, e, alpha, beta), got shape {th.shape}"
        )
    f = _evaluate(
        th,
        np.log(n),
        np.log(d),
        np.log(ell),
        np.ones_like(n),
        delta,
        jac=False,
    )
    return float(f[0]) if single else f


@dataclass(frozen=True)
class ParametricLossFit:
    """Result of :func:`fit_parametric_loss` (approach 3).

    Attributes
    ----------
    params : ParametricLoss
        The fitted ``E, A, B, alpha, beta``.
    lse : ndarray
        The same in the fitted parametrization ``(a, b, e, alpha, beta)``.
    objective : float
        The sum of Huber losses at the optimum.
    residuals : ndarray
        ``log L_i - log L(N_i, D_i)`` for every run.
    success : bool
        Whether the best start converged to a point where the gradient vanishes.
    message : str
        What happened, in words.
    n_starts, n_points : int
        Number of starting points and of runs used.
    """

    params: ParametricLoss
    lse: np.ndarray = field(repr=False)
    objective: float
    residuals: np.ndarray = field(repr=False)
    success: bool
    message: str
    n_starts: int
    n_points: int


def design_problem(n_params, n_tokens) -> str | None:
    """Why the runs ``(N, D)`` cannot identify a law with a term in ``N`` and a term in ``D``,
    or None when they can.

    A term ``A/N**alpha`` needs at least three distinct model sizes (two sizes give one
    difference for two unknowns), likewise for ``D``; and when ``log D`` is an affine function of
    ``log N`` (``D`` proportional to a power of ``N``, e.g. 20 tokens per parameter) the two
    terms trade off along the data and their exponents are not separately identifiable.

    Examples
    --------
    >>> n = np.logspace(7, 10, 8)
    >>> design_problem(n, 20 * n).split(":")[0]
    'n_tokens is tied to n_params (log D is a linear function of log N, within 1 %)'
    >>> design_problem(n, np.tile([1e10, 1e11, 1e12, 3e11], 2)) is None
    True
    """
    n = as_positive_array(n_params, "n_params", ndim=1)
    d = as_positive_array(n_tokens, "n_tokens", ndim=1)
    check_same_shape(n_params=n, n_tokens=d)
    ln, ld = np.log(n), np.log(d)
    for name, sym, v in (
        ("n_params", "model size", ln),
        ("n_tokens", "token count", ld),
    ):
        distinct = np.unique(np.round(v, 9)).size
        if distinct < 3:
            plural = "s" * (distinct != 1)
            return (
                f"{name} has only {distinct} distinct {sym}{plural}: a power law in it "
                "(exponent and prefactor) is not identifiable; at least 3 are needed"
            )
    resid = ld - np.polyval(np.polyfit(ln, ld, 1), ln)
    if np.abs(resid).max() < 0.01:
        return (
            "n_tokens is tied to n_params (log D is a linear function of log N, within 1 %): "
            "the exponents of N and D cannot be told apart; vary D at fixed N"
        )
    return None


def _unidentifiable(problem: str, t: np.ndarray) -> "ParametricLossFit":
    """The failed fit both approach-3 fits return when the design cannot
    identify the law (``problem`` from :func:`design_problem`)."""
    nan = float("nan")
    return ParametricLossFit(
        None,
        np.full(5, nan),
        nan,
        np.full_like(t, nan),
        False,
        f"not identifiable: {problem}",
        0,
        t.size,
    )


def fit_parametric_loss(
    n_params,
    n_tokens,
    loss,
    *,
    delta: float = HUBER_DELTA,
    starts=None,
    n_polish: int = 5,
    max_iter: int = 300,
) -> ParametricLossFit:
    """Fit ``L(N, D) = E + A/N**alpha + B/D**beta`` as in Hoffmann et al. (2022), approach 3.

    The objective is the sum of Huber losses (``delta = 1e-3``) between ``log L`` and the
    log-sum-exp form ``LSE(a - alpha log N, b - beta log D, e)`` (eq. 3 and Appendix D.2),
    minimized from every start of a grid (by default the paper's 4,500 points,
    :func:`default_start_grid`), keeping the best.

    How it is fast: all starts are iterated together as one NumPy array (a Levenberg-Marquardt
    step with an iteratively reweighted Gauss-Newton matrix and an analytic gradient). After
    one step only the best fifteenth of the starts go on, after five steps the best 30, after
    twelve the best 8, which run to convergence (successive halving); the best ``n_polish``
    distinct end points are finally polished with SciPy's L-BFGS-B, the optimizer of the paper.
    ``benchmarks/fit_speed.py`` checks that this finds the same optimum as a plain loop of
    ``scipy.optimize.minimize`` over all 4,500 starts.

    Parameters
    ----------
    n_params, n_tokens, loss : array_like
        One entry per training run: parameters N, tokens D, final loss (nats/token); all > 0
        and finite, same length, at least 6 runs (5 parameters + 1).
    delta : float
        Huber threshold on the log-loss residual.
    starts : array_like, shape (S, 5), optional
        Starting points ``(a, b, e, alpha, beta)``; default :func:`default_start_grid`.
    n_polish : int
        How many of the best distinct batched solutions are polished with L-BFGS-B.
    max_iter : int
        Iteration limit of the batched solver.

    Returns
    -------
    ParametricLossFit
        ``.params`` (a :class:`ParametricLoss`), ``.success``, ``.message``, ...

    Raises
    ------
    ValueError
        If an input is non-positive, NaN or infinite, if lengths differ, or if there are fewer
        than 6 runs; the message names the argument.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> n = 10 ** rng.uniform(7, 10, 60); d = 10 ** rng.uniform(9, 12, 60)
    >>> fit = fit_parametric_loss(n, d, HOFFMANN_2022.loss(n, d))
    >>> fit.success, round(fit.params.alpha, 3), round(fit.params.beta, 3)
    (True, 0.34, 0.28)
    """
    n, d, ell = check_runs(n_params, n_tokens, loss, minimum=6)
    delta = as_positive_float(delta, "delta")
    n_polish = as_int(n_polish, "n_polish", minimum=1, maximum=1000)
    max_iter = as_int(max_iter, "max_iter", minimum=1, maximum=10**5)
    grid = _start_grid(starts)
    x, y, t = np.log(n), np.log(d), np.log(ell)
    S = grid.shape[0]
    problem = design_problem(n, d)
    if problem is not None:
        return _unidentifiable(problem, t)
    prune = [
        (1, max(S // 15, 30)),
        (5, 30),
        (12, 8),
    ]  # successive halving (see docstring)
    theta, f, conv = _batched_lm(
        grid, x, y, t, np.ones_like(x), delta, max_iter=max_iter, prune=prune
    )
    # The best distinct end points among the starts that ran to convergence (rows closer than
    # 1e-6 are the same solution); pruned starts stay where they were frozen and are skipped.
    pool = np.flatnonzero(conv & np.isfinite(f))
    if pool.size == 0:
        pool = np.flatnonzero(np.isfinite(f))
    picked = []
    for i in pool[np.argsort(f[pool], kind="stable")]:
        if all(np.abs(theta[i] - theta[j]).max() > 1e-6 for j in picked):
            picked.append(i)
        if len(picked) == n_polish:
            break
    if not picked:
        nan = float("nan")
        return ParametricLossFit(
            None,
            np.full(5, nan),
            nan,
            np.full_like(t, nan),
            False,
            "no start gave a finite objective",
            S,
            n.size,
        )
    best, best_res = None, None
    for i in picked:
        res = _polish(theta[i], x, y, t, delta)
        if best_res is None or res.fun < best_res.fun:
            best, best_res = i, res
    th = best_res.x
    f_best = float(best_res.fun)
    grad = _evaluate(th[None, :], x, y, t, np.ones_like(x), delta)[1][0]
    gnorm = float(np.abs(grad).max())
    success = bool(conv[best] or best_res.success) and gnorm < 1e-5
    iterations = (
        "converged" if conv[best] else f"stopped at max_iter={max_iter}"
    )
    message = (
        f"best of {S} starts ({iterations} in the batched solver), polished with L-BFGS-B "
        f"({best_res.message}); objective {f_best:.6g}, max |gradient| {gnorm:.2g}"
    )
    if not success:
        message = "did not converge: " + message
    return _fit_result(
        th, f_best, n, d, t, success, message, S, "fit_parametric_loss"
    )


def _start_grid(starts) -> np.ndarray:
    """The starts of a fit, one row ``(a, b, e, alpha, beta)`` each (default: the grid)."""
    if starts is None:
        return default_start_grid()
    grid = np.atleast_2d(as_float_array(starts, "starts"))
    if grid.ndim != 2 or grid.shape[1] != 5 or grid.shape[0] == 0:
        raise ValueError(
            "starts must have one or more rows of 5 columns (a, b, e, alpha, beta), got "
            f"shape {grid.shape}"
        )
    return grid


def _fit_result(th, objective, n, d, t, success, message, n_starts, source):
    """The fit at the optimum ``th``; a failed fit that says so when ``th`` lies outside the
    valid region (a negative exponent, say), where no law has these parameters."""
    try:
        params = ParametricLoss.from_lse(th, source=source)
    except ValueError as exc:
        return ParametricLossFit(
            None,
            th,
            objective,
            np.full_like(t, np.nan),
            False,
            f"optimum outside the valid region ({exc}); " + message,
            n_starts,
            n.size,
        )
    pred = np.log(params.loss(n, d))
    return ParametricLossFit(
        params, th, objective, t - pred, success, message, n_starts, n.size
    )


def refit_parametric_loss(
    previous: ParametricLossFit,
    n_params,
    n_tokens,
    loss,
    *,
    delta: float = HUBER_DELTA,
) -> ParametricLossFit:
    """Refit approach 3 on changed runs (some left out, or another ``delta``) quickly, starting
    from two points instead of 4,500: the optimum of ``previous`` and Hoffmann et al.'s
    unrounded fit, as :func:`bootstrap` does for each resample. A small change of the data moves
    the optimum a little, so a start at the old optimum reaches the new one;
    ``benchmarks/fit_speed.py`` checks it against a full fit from all starts.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> n = 10 ** rng.uniform(7, 10, 60); d = 10 ** rng.uniform(9, 12, 60)
    >>> ell = HOFFMANN_2022.loss(n, d) * np.exp(rng.normal(0, 0.01, 60))
    >>> full = fit_parametric_loss(n, d, ell)
    >>> part = refit_parametric_loss(full, n[:40], d[:40], ell[:40])
    >>> bool(abs(part.objective - fit_parametric_loss(n[:40], d[:40], ell[:40]).objective) < 1e-12)
    True
    """
    if not isinstance(previous, ParametricLossFit) or previous.params is None:
        raise ValueError(
            "previous must be a ParametricLossFit with parameters, got "
            f"{type(previous).__name__}"
        )
    from .law import HOFFMANN_2022_UNROUNDED

    starts = np.array([previous.lse, HOFFMANN_2022_UNROUNDED.lse])
    return fit_parametric_loss(
        n_params, n_tokens, loss, delta=delta, starts=starts, n_polish=1
    )


def _prepare_loop(n_params, n_tokens, loss, starts, reduction, delta):
    """What both loop fits start from: the checked runs ``n, d``, the start grid, the divisor
    of the objective (``n`` for a mean), the checked ``delta``, and the log-space arrays
    ``x, y, t`` with the weights ``w`` that the objective takes."""
    n, d, ell = check_runs(n_params, n_tokens, loss, minimum=6)
    grid = _start_grid(starts)
    if reduction not in ("sum", "mean"):
        raise ValueError(
            f"reduction must be 'sum' or 'mean', got {reduction!r}"
        )
    scale = float(n.size) if reduction == "mean" else 1.0
    delta = as_positive_float(delta, "delta")
    x = np.log(n)
    return (
        n,
        d,
        grid,
        scale,
        delta,
        (x, np.log(d), np.log(ell), np.ones_like(x) / scale),
    )


def fit_parametric_loss_reference(
    n_params,
    n_tokens,
    loss,
    *,
    delta: float = HUBER_DELTA,
    starts=None,
    reduction: str = "sum",
) -> ParametricLossFit:
    """The straightforward approach 3: a Python loop of ``scipy.optimize.minimize``
    (L-BFGS-B, finite-difference gradients) over every start, keeping the best successful run,
    as Besiroglu et al. (2024) replicate Hoffmann et al. (2022). Slow (minutes for the 4,500
    default starts); used by ``benchmarks/fit_speed.py`` and, on small grids, by the tests.

    ``reduction="mean"`` divides the objective by the number of runs. The minimum is the same,
    but for an objective below 1 the default stopping tests of L-BFGS-B are in effect absolute,
    and every change and gradient is now ``n`` times smaller, so the optimizer stops early, far
    from the minimum: a small change of implementation that changes the answer.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> n = 10 ** rng.uniform(7, 10, 60); d = 10 ** rng.uniform(9, 12, 60)
    >>> fit = fit_parametric_loss_reference(n, d, HOFFMANN_2022.loss(n, d),
    ...                                     starts=[[6, 6, 0.5, 0.3, 0.3]])
    >>> round(fit.params.alpha, 2)
    0.34
    """
    n, d, grid, scale, delta, (x, y, t, w) = _prepare_loop(
        n_params, n_tokens, loss, starts, reduction, delta
    )

    def fun(th):
        return float(_evaluate(th[None, :], x, y, t, w, delta, jac=False)[0])

    problem = design_problem(n, d)
    if problem is not None:
        return _unidentifiable(problem, t)
    best = None
    for start in grid:
        from scipy import optimize  # imported here: a slow import

        res = optimize.minimize(fun, start, method="L-BFGS-B")
        if (
            res.success
            and np.isfinite(res.fun)
            and (best is None or res.fun < best.fun)
        ):
            best = res
    if best is None:
        nan = float("nan")
        return ParametricLossFit(
            None,
            np.full(5, nan),
            nan,
            np.full_like(t, nan),
            False,
            f"none of {len(grid)} starts converged",
            len(grid),
            n.size,
        )
    # report the objective as a sum in both cases, so that fits can be compared
    return _fit_result(
        best.x,
        float(best.fun) * scale,
        n,
        d,
        t,
        True,
        f"best of {len(grid)} L-BFGS-B runs ({best.message})",
        len(grid),
        "fit_parametric_loss_reference",
    )


def stopping_points(
    n_params,
    n_tokens,
    loss,
    *,
    starts=None,
    delta: float = HUBER_DELTA,
    reduction: str = "sum",
) -> pd.DataFrame:
    """Where SciPy's L-BFGS-B, with its default stopping tests, stops from each start.

    The objective is that of approach 3 (sum of Huber losses), or with ``reduction="mean"`` the
    same divided by the number of runs. The minimum is the same; but the default tests of
    L-BFGS-B are in effect absolute for an objective below 1 (it stops when a step lowers the
    objective by less than ``ftol * max(|f|, 1)`` with ``ftol = 2.2e-9``, or when every entry of
    the projected gradient is below ``gtol = 1e-5``), and the mean makes every change and every
    gradient ``n`` times smaller, so the optimizer can stop far from the minimum. The gradient
    is analytic (the reference fit uses finite differences; the stopping tests are the same).

    Returns
    -------
    pandas.DataFrame
        One row per start: ``E, A, B, alpha, beta, a`` where it stopped (``a = nan`` when
        ``alpha + beta <= 0``), ``objective`` (always as a sum, so rows compare) and
        ``valid`` (all of ``E, A, B, alpha, beta`` positive and finite).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> n = 10 ** rng.uniform(7, 10, 60); d = 10 ** rng.uniform(9, 12, 60)
    >>> pts = stopping_points(n, d, HOFFMANN_2022.loss(n, d), starts=[[6, 6, 0.5, 0.3, 0.3]])
    >>> round(float(pts.alpha[0]), 2)
    0.34
    """
    n, d, grid, scale, delta, (x, y, t, w) = _prepare_loop(
        n_params, n_tokens, loss, starts, reduction, delta
    )

    def fun(th):
        f, g, _ = _evaluate(th[None, :], x, y, t, w, delta)
        return float(f[0]), g[0]

    rows = []
    for start in grid:
        from scipy import optimize  # imported here: a slow import

        res = optimize.minimize(fun, start, jac=True, method="L-BFGS-B")
        lnA, lnB, lnE, alpha, beta = res.x
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            s_ab = alpha + beta
            rows.append(
                {
                    "E": np.exp(lnE),
                    "A": np.exp(lnA),
                    "B": np.exp(lnB),
                    "alpha": alpha,
                    "beta": beta,
                    "a": beta / s_ab if s_ab > 0 else np.nan,
                    "objective": float(res.fun) * scale,
                }
            )
    out = pd.DataFrame(rows)
    out["valid"] = (
        np.isfinite(out[["E", "A", "B"]]).all(axis=1)
        & (out.alpha > 0)
        & (out.beta > 0)
    )
    return out
