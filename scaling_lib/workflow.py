"""The workflow used to plan a large run from small ones: train a ladder of small models, fit
the parametric law (approach 3 of Hoffmann et al. 2022), check it on held-out larger runs,
extrapolate, and put intervals on the extrapolation.

Everything here calls :mod:`scaling_lib.chinchilla` for the law, the fit and the bootstrap; this
module only adds the bookkeeping of a ladder: which runs are used to fit, which are held out,
and how far (in decades of compute) each prediction extrapolates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._validation import as_positive_array, as_positive_int, check_same_shape
from .chinchilla import ParametricLoss, bootstrap, fit_parametric_loss

__all__ = ["simulate_ladder", "HoldoutResult", "holdout_by_compute", "prediction_band"]


def simulate_ladder(law: ParametricLoss, budgets, *, sizes_per_budget: int = 7,
                    spread: float = 4.0, noise: float = 0.01, rng=None) -> pd.DataFrame:
    """Simulated IsoFLOP ladder: at each budget, ``sizes_per_budget`` model sizes log-spaced
    from ``N_opt / spread`` to ``N_opt * spread``, trained on ``D = C / (6N)`` tokens, with a
    final loss ``law.loss(N, D) * exp(noise * z)``, ``z`` standard normal (run-to-run noise).

    Parameters
    ----------
    law : ParametricLoss
        The true law the runs follow.
    budgets : array_like
        Training budgets C in FLOPs.
    sizes_per_budget : int
        Runs per budget.
    spread : float
        Largest factor between a run's N and the compute-optimal N (> 1).
    noise : float
        Standard deviation of the log-loss noise (>= 0); 0.01 is about 1 %.
    rng : None, int or numpy.random.Generator
        Seed or generator (``numpy.random.default_rng``).

    Returns
    -------
    pandas.DataFrame
        Columns ``compute, n_params, n_tokens, loss, true_loss``.

    Examples
    --------
    >>> from scaling_lib.chinchilla import HOFFMANN_2022
    >>> runs = simulate_ladder(HOFFMANN_2022, [1e18, 1e19], rng=0)
    >>> len(runs), bool(np.allclose(6 * runs.n_params * runs.n_tokens, runs.compute))
    (14, True)
    """
    c = np.atleast_1d(as_positive_array(budgets, "budgets")).ravel()
    k = as_positive_int(sizes_per_budget, "sizes_per_budget")
    if not (np.isfinite(spread) and spread > 1):
        raise ValueError(f"spread must be a finite number > 1, got {spread!r}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    gen = np.random.default_rng(rng)
    n_opt, _ = law.compute_optimal(c)
    factors = np.logspace(-np.log10(spread), np.log10(spread), k)
    compute = np.repeat(c, k)
    n = (n_opt[:, None] * factors[None, :]).ravel()
    d = compute / (6.0 * n)
    true = law.loss(n, d)
    loss = true * np.exp(noise * gen.standard_normal(n.size))
    return pd.DataFrame({"compute": compute, "n_params": n, "n_tokens": d, "loss": loss,
                         "true_loss": true})


@dataclass(frozen=True)
class HoldoutResult:
    """Result of :func:`holdout_by_compute`.

    Attributes
    ----------
    fit : ParametricLossFit
        Approach 3 on the runs at or below the cutoff.
    table : pandas.DataFrame
        One row per held-out run: ``compute, n_params, n_tokens, loss, predicted,
        relative_error`` (``predicted / loss - 1``) and ``decades`` (``log10(C / cutoff)``,
        the extrapolation distance).
    cutoff : float
        The largest budget used to fit.
    n_fit : int
        Number of runs fitted.
    """

    fit: object
    table: pd.DataFrame = field(repr=False)
    cutoff: float
    n_fit: int


def holdout_by_compute(n_params, n_tokens, loss, *, cutoff: float, starts=None) -> HoldoutResult:
    """Fit approach 3 on the runs with ``6ND <= cutoff`` and predict every larger run.

    Raises
    ------
    ValueError
        If inputs are bad (see :func:`scaling_lib.chinchilla.fit_parametric_loss`), if no run
        lies above the cutoff, or if the fit does not converge.

    Examples
    --------
    >>> from scaling_lib.chinchilla import HOFFMANN_2022
    >>> runs = simulate_ladder(HOFFMANN_2022, [1e18, 1e19, 1e20, 1e21], noise=0.0, rng=0)
    >>> res = holdout_by_compute(runs.n_params, runs.n_tokens, runs.loss, cutoff=2e20)
    >>> res.n_fit, len(res.table), bool(res.table.relative_error.abs().max() < 1e-3)
    (21, 7, True)
    """
    n = as_positive_array(n_params, "n_params").ravel()
    d = as_positive_array(n_tokens, "n_tokens").ravel()
    ell = as_positive_array(loss, "loss").ravel()
    check_same_shape(n_params=n, n_tokens=d, loss=ell)
    cutoff = float(as_positive_array(cutoff, "cutoff"))
    c = 6.0 * n * d
    train = c <= cutoff * (1 + 1e-9)
    if train.all():
        raise ValueError(f"cutoff={cutoff:.3g} leaves no run to hold out (largest run "
                         f"{c.max():.3g} FLOPs)")
    fit = fit_parametric_loss(n[train], d[train], ell[train], starts=starts)
    if not fit.success or fit.params is None:
        raise ValueError(f"the fit below cutoff={cutoff:.3g} did not converge: {fit.message}")
    held = ~train
    pred = fit.params.loss(n[held], d[held])
    table = pd.DataFrame({"compute": c[held], "n_params": n[held], "n_tokens": d[held],
                          "loss": ell[held], "predicted": pred,
                          "relative_error": pred / ell[held] - 1.0,
                          "decades": np.log10(c[held] / cutoff)})
    return HoldoutResult(fit, table.sort_values("compute").reset_index(drop=True), cutoff,
                         int(train.sum()))


def prediction_band(n_params, n_tokens, loss, targets, *, level: float = 0.9,
                    n_resamples: int = 200, rng=None) -> pd.DataFrame:
    """Bootstrap interval of the compute-optimal loss predicted at each target budget.

    Resamples the runs with replacement (:func:`scaling_lib.chinchilla.bootstrap`), refits
    approach 3 on each resample, and reads the predicted ``L(N_opt(C), D_opt(C))`` of every
    refit at each target ``C``.

    Parameters
    ----------
    n_params, n_tokens, loss : array_like
        The fitted runs.
    targets : array_like
        Budgets C (FLOPs) at which to predict.
    level : float
        Central probability of the interval, in (0, 1).
    n_resamples : int
        Number of bootstrap resamples.
    rng : None, int or numpy.random.Generator
        Seed or generator (``numpy.random.default_rng``).

    Returns
    -------
    pandas.DataFrame
        One row per target: ``compute, predicted, lower, upper, width`` (``upper - lower``).
    """
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level!r}")
    c = np.atleast_1d(as_positive_array(targets, "targets")).ravel()
    boot = bootstrap(n_params, n_tokens, loss, n_resamples=n_resamples,
                     rng=np.random.default_rng(rng))
    s = boot.samples[boot.converged]
    preds = np.array([ParametricLoss(E=r.E, A=r.A, B=r.B, alpha=r.alpha, beta=r.beta)
                      .optimal_loss(c) for r in s.itertuples()])
    q = [(1 - level) / 2, (1 + level) / 2]
    lower, upper = np.quantile(preds, q, axis=0)
    point = boot.point.params.optimal_loss(c)
    return pd.DataFrame({"compute": c, "predicted": point, "lower": lower, "upper": upper,
                         "width": upper - lower})
