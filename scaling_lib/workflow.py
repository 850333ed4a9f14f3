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

from ._validation import (
    _show,
    as_float,
    as_int,
    as_level,
    as_nonnegative_float,
    as_positive_array,
    as_positive_float,
    as_rng,
    check_runs,
    check_same_shape,
)
from .chinchilla import (
    ParametricLoss,
    bootstrap,
    check_law,
    fit_parametric_loss,
)

__all__ = [
    "simulate_ladder",
    "HoldoutResult",
    "holdout_by_compute",
    "prediction_band",
    "ladder_prediction_errors",
    "LearningCurveFit",
    "fit_learning_curve",
    "simulate_learning_curve",
]


def simulate_ladder(
    law: ParametricLoss,
    budgets,
    *,
    sizes_per_budget: int = 7,
    spread: float = 4.0,
    noise: float = 0.01,
    rng=None,
) -> pd.DataFrame:
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
    check_law(law, "law")
    c = np.atleast_1d(
        as_positive_array(budgets, "budgets", ndim=1, min_size=1)
    )
    if c.size > 100:
        raise ValueError(
            f"budgets must hold at most 100 budgets, got {c.size}"
        )
    k = as_int(sizes_per_budget, "sizes_per_budget", minimum=1, maximum=1000)
    spread = as_float(spread, "spread", low=1.0, low_open=True, high=1e6)
    noise = as_nonnegative_float(noise, "noise", high=1.0)
    gen = as_rng(rng)
    n_opt, _ = law.compute_optimal(c)
    factors = np.logspace(-np.log10(spread), np.log10(spread), k)
    compute = np.repeat(c, k)
    n = (n_opt[:, None] * factors[None, :]).ravel()
    d = compute / (6.0 * n)
    true = law.loss(n, d)
    loss = true * np.exp(noise * gen.standard_normal(n.size))
    return pd.DataFrame(
        {
            "compute": compute,
            "n_params": n,
            "n_tokens": d,
            "loss": loss,
            "true_loss": true,
        }
    )


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


def holdout_by_compute(
    n_params, n_tokens, loss, *, cutoff: float, starts=None
) -> HoldoutResult:
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
    n, d, ell = check_runs(n_params, n_tokens, loss, counts=True)
    cutoff = as_positive_float(cutoff, "cutoff")
    c = 6.0 * n * d
    train = c <= cutoff * (1 + 1e-9)
    if train.all():
        raise ValueError(
            f"cutoff={cutoff:.3g} leaves no run to hold out (largest run "
            f"{c.max():.3g} FLOPs)"
        )
    if train.sum() < 6:
        raise ValueError(
            f"cutoff={cutoff:.3g} leaves only {int(train.sum())} runs with "
            "6 * n_params * n_tokens <= cutoff to fit (at least 6 needed)"
        )
    fit = fit_parametric_loss(n[train], d[train], ell[train], starts=starts)
    if not fit.success or fit.params is None:
        raise ValueError(
            f"the fit to (n_params, n_tokens, loss) below cutoff={cutoff:.3g} did "
            f"not converge: {fit.message}"
        )
    held = ~train
    pred = fit.params.loss(n[held], d[held])
    table = pd.DataFrame(
        {
            "compute": c[held],
            "n_params": n[held],
            "n_tokens": d[held],
            "loss": ell[held],
            "predicted": pred,
            "relative_error": pred / ell[held] - 1.0,
            "decades": np.log10(c[held] / cutoff),
        }
    )
    return HoldoutResult(
        fit,
        table.sort_values("compute").reset_index(drop=True),
        cutoff,
        int(train.sum()),
    )


def prediction_band(
    n_params,
    n_tokens,
    loss,
    targets,
    *,
    level: float = 0.9,
    n_resamples: int = 200,
    rng=None,
) -> pd.DataFrame:
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
    n_params, n_tokens, loss = check_runs(
        n_params, n_tokens, loss, counts=True
    )
    level = as_level(level)
    c = np.atleast_1d(
        as_positive_array(targets, "targets", ndim=1, min_size=1)
    )
    n_resamples = as_int(
        n_resamples, "n_resamples", minimum=1, maximum=100_000
    )
    boot = bootstrap(
        n_params, n_tokens, loss, n_resamples=n_resamples, rng=as_rng(rng)
    )
    if not np.any(boot.converged):
        raise ValueError(
            f"no bootstrap resample of the runs converged (n_resamples="
            f"{n_resamples}): the runs cannot identify the law"
        )
    s = boot.samples[boot.converged]
    preds = np.array(
        [
            ParametricLoss(
                E=r.E, A=r.A, B=r.B, alpha=r.alpha, beta=r.beta
            ).optimal_loss(c)
            for r in s.itertuples()
        ]
    )
    q = [(1 - level) / 2, (1 + level) / 2]
    lower, upper = np.quantile(preds, q, axis=0)
    point = boot.point.params.optimal_loss(c)
    return pd.DataFrame(
        {
            "compute": c,
            "predicted": point,
            "lower": lower,
            "upper": upper,
            "width": upper - lower,
        }
    )


def ladder_prediction_errors(
    law: ParametricLoss,
    budgets,
    target: float,
    *,
    seeds,
    sizes_per_budget: int = 7,
    noise: float = 0.01,
) -> np.ndarray:
    """Relative error ``predicted / true - 1`` of the compute-optimal loss at ``target`` FLOPs,
    for one simulated ladder (:func:`simulate_ladder`) per seed in ``seeds``, each fitted
    with approach 3. Shows how much of one ladder's error is its particular noise. A ladder
    whose fit fails raises a ``ValueError`` naming ``budgets`` and the seed.

    Examples
    --------
    >>> from scaling_lib.chinchilla import HOFFMANN_2022
    >>> err = ladder_prediction_errors(HOFFMANN_2022, [1e18, 1e19, 1e20], 1e22, seeds=[0],
    ...                                noise=0.0)
    >>> bool(abs(err[0]) < 1e-3)
    True
    """
    check_law(law, "law")
    target = as_positive_float(target, "target")
    try:
        seeds = list(seeds)
    except TypeError:
        raise ValueError(
            f"seeds must be a sequence of int seeds, got {_show(seeds)}"
        ) from None
    if not 1 <= len(seeds) <= 1000:
        raise ValueError(f"seeds must hold 1 to 1000 seeds, got {len(seeds)}")
    seeds = [as_int(v, "seeds", minimum=0) for v in seeds]
    truth = float(law.optimal_loss(target))
    n_budgets = as_positive_array(budgets, "budgets", ndim=1, min_size=1).size
    n_runs = n_budgets * as_int(
        sizes_per_budget, "sizes_per_budget", minimum=1, maximum=1000
    )
    if n_runs < 6:
        raise ValueError(
            f"sizes_per_budget={sizes_per_budget!r} on {n_budgets} budgets gives "
            f"{n_runs} runs: approach 3 fits 5 parameters and needs at least 6"
        )
    out = []
    for seed in seeds:
        runs = simulate_ladder(
            law,
            budgets,
            sizes_per_budget=sizes_per_budget,
            noise=noise,
            rng=seed,
        )
        fit = fit_parametric_loss(runs.n_params, runs.n_tokens, runs.loss)
        if not fit.success or fit.params is None:
            raise ValueError(
                f"the ladder on budgets={_show(budgets)} with seed {seed} cannot be "
                f"fitted: {fit.message}"
            )
        out.append(float(fit.params.optimal_loss(target)) / truth - 1.0)
    return np.array(out)


@dataclass(frozen=True)
class LearningCurveFit:
    """Result of :func:`fit_learning_curve`: ``L(S) = L_inf + (S_c / S)**alpha``.

    Attributes
    ----------
    l_inf, s_c, alpha : float
        The fitted floor, step scale and exponent (NaN if the fit failed).
    success : bool
    message : str
    """

    l_inf: float
    s_c: float
    alpha: float
    success: bool
    message: str

    def predict(self, steps):
        """Predicted loss after ``steps`` steps."""
        s = as_positive_array(steps, "steps")
        return self.l_inf + (self.s_c / s) ** self.alpha


def fit_learning_curve(steps, loss) -> LearningCurveFit:
    """Fit ``L(S) = L_inf + (S_c / S)**alpha``, the form of Kaplan et al.'s eq. 1.6 at fixed
    ``N``, to one learning curve by least squares on ``log L`` from a small grid of starts.

    ``success`` is False when the points cannot identify the three parameters: fewer than 4
    points, or a floor or exponent that ran to its search bound.

    Examples
    --------
    >>> s = np.logspace(2, 5, 40)
    >>> fit = fit_learning_curve(s, 2.0 + (3e3 / s) ** 0.7)
    >>> fit.success, round(fit.l_inf, 3), round(fit.alpha, 3)
    (True, 2.0, 0.7)
    """
    from scipy import optimize

    s = as_positive_array(steps, "steps", ndim=1, min_size=1)
    ell = as_positive_array(loss, "loss", ndim=1, min_size=1)
    check_same_shape(steps=s, loss=ell)
    if np.any(ell > 100) or np.any(ell < 1e-3):
        raise ValueError(
            f"loss must lie between 1e-3 and 100 nats/token, got {_show(loss)}"
        )
    if s.size >= 4 and np.ptp(s) == 0:
        return LearningCurveFit(
            np.nan,
            np.nan,
            np.nan,
            False,
            "all steps are equal: the curve's shape cannot be identified",
        )
    if s.size < 4:
        return LearningCurveFit(
            np.nan,
            np.nan,
            np.nan,
            False,
            f"{s.size} points cannot identify 3 parameters",
        )
    lo, hi = [-10.0, -10.0, 0.01], [np.log(ell.min()), 40.0, 3.0]

    def resid(th):
        return np.log(
            np.exp(th[0]) + np.exp(th[1] - th[2] * np.log(s))
        ) - np.log(ell)

    best = None
    for f0, a0 in [(0.5, 0.3), (0.9, 0.5), (0.5, 1.0), (0.95, 1.5)]:
        l0 = np.log(f0 * ell.min())
        gap = max(ell.max() - f0 * ell.min(), 1e-6)
        th0 = [l0, np.log(gap) + a0 * np.log(s.min()), a0]
        res = optimize.least_squares(
            resid, th0, bounds=(lo, hi), max_nfev=2000
        )
        if best is None or res.cost < best.cost:
            best = res
    l_log, c_log, alpha = best.x
    at_bound = bool(
        np.isclose(alpha, lo[2])
        or np.isclose(alpha, hi[2])
        or l_log >= hi[0] - 1e-6
        or l_log <= lo[0] + 1e-6
    )
    msg = f"least squares on log L: {best.message}" + (
        "; a parameter at its bound" if at_bound else ""
    )
    return LearningCurveFit(
        float(np.exp(l_log)),
        float(np.exp(c_log / alpha)),
        float(alpha),
        bool(best.success) and not at_bound,
        msg,
    )


def simulate_learning_curve(
    n_params: float, steps, *, noise: float = 0.005, rng=None
):
    """Loss after each of ``steps`` steps for a model of ``n_params`` following Kaplan et al.'s
    ``L(N, S)`` (eq. 1.6), times ``exp(noise * z)`` with ``z`` standard normal (evaluation
    noise). A toy: a real run's curve also carries its learning-rate schedule, which eq. 1.6,
    measured at ``S_min``, does not model.

    Examples
    --------
    >>> ell = simulate_learning_curve(1e8, [1e3, 1e4], noise=0.0)
    >>> bool(ell[0] > ell[1])
    True
    """
    from .kaplan import loss_from_params_steps

    n = as_float(n_params, "n_params", low=1.0, high=1e15)
    s = as_positive_array(steps, "steps")
    noise = as_nonnegative_float(noise, "noise", high=1.0)
    gen = as_rng(rng)
    return loss_from_params_steps(n, s) * np.exp(
        noise * gen.standard_normal(s.shape)
    )
