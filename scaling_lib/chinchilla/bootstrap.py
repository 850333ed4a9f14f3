"""Uncertainty of approach 3: bootstrap the runs and refit the parametric loss.

Each resample draws the runs with replacement (as Besiroglu et al. 2024 do) and refits the
Huber objective of :mod:`.fit`; all resamples are refitted together by the batched solver.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._validation import (
    as_int,
    as_level,
    as_positive_array,
    as_positive_float,
    as_rng,
    check_runs,
)
from ..fitting import percentile_interval
from ._solver import _batched_lm, resample_counts
from .fit import (
    HUBER_DELTA,
    ParametricLossFit,
    fit_parametric_loss,
)
from .law import HOFFMANN_2022, HOFFMANN_2022_UNROUNDED, allocation  # noqa: F401 (doctest)

__all__ = ["BootstrapResult", "bootstrap"]

_PARAM_NAMES = ["E", "A", "B", "alpha", "beta", "a", "b"]


@dataclass(frozen=True)
class BootstrapResult:
    """Result of :func:`bootstrap`: one refit of approach 3 per resample of the runs.

    Attributes
    ----------
    point : ParametricLossFit
        The fit to all the runs.
    samples : pandas.DataFrame
        One row per resample, columns ``E, A, B, alpha, beta, a, b`` (``a = beta/(alpha+beta)``,
        ``b = alpha/(alpha+beta)``).
    converged : ndarray of bool
        Whether the refit of each resample converged.
    """

    point: ParametricLossFit
    samples: pd.DataFrame = field(repr=False)
    converged: np.ndarray = field(repr=False)

    def interval(self, level: float = 0.95) -> pd.DataFrame:
        """Percentile intervals: one row per parameter, columns ``estimate, lower, upper``."""
        level = as_level(level)
        ok = self.samples[self.converged]
        if len(ok) < 2:
            raise ValueError(
                f"only {len(ok)} of {len(self.converged)} resamples converged: no "
                "interval can be formed (raise max_iter, or check the runs)"
            )
        p = self.point.params
        est = {
            "E": p.E,
            "A": p.A,
            "B": p.B,
            "alpha": p.alpha,
            "beta": p.beta,
            "a": p.a,
            "b": p.b,
        }
        rows = {
            k: (est[k], *percentile_interval(ok[k].to_numpy(), level))
            for k in _PARAM_NAMES
        }
        return pd.DataFrame.from_dict(
            rows, orient="index", columns=["estimate", "lower", "upper"]
        )

    def tokens_per_param(self, compute) -> np.ndarray:
        """``D_opt / N_opt`` at each budget for every converged resample: shape (R, len(C))."""
        c = np.atleast_1d(as_positive_array(compute, "compute"))
        s = self.samples[self.converged]
        _, _, G = allocation(
            s.A.to_numpy()[:, None],
            s.B.to_numpy()[:, None],
            s.alpha.to_numpy()[:, None],
            s.beta.to_numpy()[:, None],
        )
        # D/N = (C/6)^(b-a) / G^2 (Hoffmann et al. 2022, eq. 4)
        b_minus_a = (s.b - s.a).to_numpy()[:, None]
        return (c / 6.0) ** b_minus_a / G**2


def bootstrap(
    n_params,
    n_tokens,
    loss,
    *,
    n_resamples: int = 1000,
    rng=None,
    delta: float = HUBER_DELTA,
    fit: ParametricLossFit | None = None,
    max_iter: int = 300,
) -> BootstrapResult:
    """Bootstrap confidence intervals for approach 3 (Hoffmann et al. 2022, eq. 2 and 3).

    Each resample draws the runs with replacement (as Besiroglu et al. 2024 do) and refits the
    Huber objective. All resamples are refitted together: a resample is a row of point
    weights (how often each run was drawn), so the batched solver of
    :func:`fit_parametric_loss` runs on them at once. Each resample starts from two points:
    the fit to all the runs and Hoffmann et al.'s published fit; the better end point is kept.

    Parameters
    ----------
    n_params, n_tokens, loss : array_like
        The runs, as in :func:`fit_parametric_loss`.
    n_resamples : int
        Number of bootstrap resamples.
    rng : None, int or numpy.random.Generator
        Source of randomness, through ``numpy.random.default_rng`` (SPEC 7); None draws fresh
        entropy from the operating system, so pass a seed for reproducible intervals.
    delta : float
        Huber threshold.
    fit : ParametricLossFit, optional
        A fit to all the runs (computed when absent).
    max_iter : int
        Iteration limit per resample.

    Returns
    -------
    BootstrapResult

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> n = 10 ** rng.uniform(7, 10, 80); d = 10 ** rng.uniform(9, 12, 80)
    >>> ell = HOFFMANN_2022.loss(n, d) * np.exp(rng.normal(0, 0.01, 80))
    >>> boot = bootstrap(n, d, ell, n_resamples=50, rng=rng)
    >>> lo, hi = boot.interval().loc["alpha", ["lower", "upper"]]
    >>> bool(lo < 0.34 < hi)
    True
    """
    n, d, ell = check_runs(n_params, n_tokens, loss, minimum=6)
    n_resamples = as_int(n_resamples, "n_resamples", minimum=1, maximum=10**5)
    rng = as_rng(rng)
    delta = as_positive_float(delta, "delta")
    max_iter = as_int(max_iter, "max_iter", minimum=1, maximum=10**5)
    if fit is not None and not isinstance(fit, ParametricLossFit):
        raise ValueError(
            f"fit must be a ParametricLossFit or None, got {type(fit).__name__}"
        )
    if fit is None:
        fit = fit_parametric_loss(n, d, ell, delta=delta)
        if fit.params is None:
            raise ValueError(
                f"the fit to all the runs (n_params, n_tokens, loss, delta={delta:g}) "
                f"gave no parameters to resample around: {fit.message}"
            )
    if fit.params is None:
        raise ValueError(f"fit did not give parameters: {fit.message}")
    x, y, t = np.log(n), np.log(d), np.log(ell)
    counts = resample_counts(rng, n_resamples, n.size)
    starts = np.array([fit.lse, HOFFMANN_2022_UNROUNDED.lse])
    theta0 = np.repeat(starts[None], n_resamples, axis=0).reshape(-1, 5)
    weights = np.repeat(counts, len(starts), axis=0)
    theta, f, conv = _batched_lm(
        theta0, x, y, t, weights, delta, max_iter=max_iter
    )
    theta = theta.reshape(n_resamples, len(starts), 5)
    f = f.reshape(n_resamples, len(starts))
    conv = conv.reshape(n_resamples, len(starts))
    best = np.argmin(np.where(np.isfinite(f), f, np.inf), axis=1)
    rows = np.arange(n_resamples)
    th, ok = theta[rows, best], conv[rows, best]
    A, B, E, alpha, beta = (
        np.exp(th[:, 0]),
        np.exp(th[:, 1]),
        np.exp(th[:, 2]),
        th[:, 3],
        th[:, 4],
    )
    a, b, _ = allocation(A, B, alpha, beta)
    samples = pd.DataFrame(
        {"E": E, "A": A, "B": B, "alpha": alpha, "beta": beta, "a": a, "b": b}
    )
    ok = ok & (alpha > 0) & (beta > 0)
    return BootstrapResult(point=fit, samples=samples, converged=ok)
