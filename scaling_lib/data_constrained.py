"""Scaling with repeated data: the data-constrained law of Muennighoff et al. (2023).

A token seen for the second time is worth less than a new one, and a parameter beyond what the
unique data can feed is worth less than a useful one. The law replaces ``D`` and ``N`` in the
Chinchilla form ``E + A/N**alpha + B/D**beta`` by an *effective* data ``D'`` and *effective*
parameters ``N'``, each a saturating function of the number of repetitions:

``D' = U_D + U_D R_D* (1 - exp(-R_D / R_D*))``,  ``R_D = D / U_D - 1`` (epochs beyond the first),

``N' = U_N + U_N R_N* (1 - exp(-R_N / R_N*))``,  ``U_N = min(N, N_opt(U_D))``,
``R_N = N / U_N - 1``,

where ``N_opt(U_D)`` is the compute-optimal model size of the base law for ``U_D`` tokens.
The two saturating forms are eqs. 5 and 6 of the paper (section 3.1, arXiv v4); the fitting
procedure and the fitted constants are in its Appendix A and in the authors' released code,
``README.md`` ("Parametric Fit") and ``utils/parametric_fit.ipynb`` (cells 29-30) of
github.com/huggingface/datablations at commit 13701315.

As ``R_D`` grows, ``D'`` saturates at ``U_D (1 + R_D*)``: repeating data forever is worth at
most ``R_D*`` extra copies of it. For ``R_D << R_D*``, ``D' ≈ U_D + U_D R_D = D``: a few epochs
are worth almost as much as new data.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from ._validation import (
    _show,
    as_float,
    as_int,
    as_positive_array,
    as_positive_float,
    check_min_length,
    check_same_shape,
)
from .chinchilla import HUBER_DELTA, ParametricLoss, check_law

__all__ = [
    "repetitions",
    "effective_data",
    "unique_params",
    "effective_params",
    "DataConstrainedLoss",
    "MUENNIGHOFF_2023_C4_BASE",
    "MUENNIGHOFF_2023",
    "RepetitionFit",
    "repetition_objective",
    "fit_repetition_constants",
    "paper_like_mask",
    "data_constrained_optimum",
]


def repetitions(n_tokens, unique_tokens):
    """``R_D = max(D / U_D - 1, 0)``: epochs beyond the first (the authors' ``RD``).

    Raises ``ValueError`` if ``U_D > D`` (a run cannot see more unique tokens than tokens).

    Examples
    --------
    >>> float(repetitions(4e9, 1e9))
    3.0
    """
    d = as_positive_array(n_tokens, "n_tokens")
    u = as_positive_array(unique_tokens, "unique_tokens")
    if d.ndim and u.ndim and d.shape != u.shape:
        raise ValueError(
            f"n_tokens and unique_tokens must have the same length (or one be a "
            f"single number): n_tokens has shape {d.shape}, unique_tokens "
            f"{u.shape}"
        )
    with np.errstate(over="ignore"):
        ratio = d / u
    if not np.all(np.isfinite(ratio)):
        raise ValueError(
            f"unique_tokens is too small for n_tokens: D / U overflows, got "
            f"unique_tokens={_show(unique_tokens)}"
        )
    u_b, d_b = np.broadcast_arrays(u, d)
    too_many = u_b > d_b * (1 + 1e-12)
    if np.any(too_many):
        raise ValueError(
            f"unique_tokens must be <= n_tokens, got unique_tokens="
            f"{float(u_b[too_many][0])!r} with n_tokens={float(d_b[too_many][0])!r}"
        )
    return np.maximum(ratio - 1.0, 0.0)


def _saturate(unique, repeats, r_star):
    """``U + U R* (1 - exp(-R / R*))``: the common form of ``D'`` and ``N'``."""
    return unique + unique * r_star * (1.0 - np.exp(-repeats / r_star))


def _check_star(value, name):
    return as_positive_float(value, name, high=1e6)


def _run_arrays(n_params, n_tokens, unique_tokens, loss):
    """The runs' N, D, U_D and loss as validated 1-D arrays of one length."""
    n = as_positive_array(n_params, "n_params", ndim=1, min_size=1)
    d = as_positive_array(n_tokens, "n_tokens", ndim=1, min_size=1)
    u = as_positive_array(unique_tokens, "unique_tokens", ndim=1, min_size=1)
    ell = as_positive_array(loss, "loss", ndim=1, min_size=1)
    check_same_shape(n_params=n, n_tokens=d, unique_tokens=u, loss=ell)
    return n, d, u, ell


def _check_law(law, name="law"):
    if not isinstance(law, DataConstrainedLoss):
        raise ValueError(
            f"{name} must be a DataConstrainedLoss, got {type(law).__name__} "
            f"{_show(law)}"
        )
    return law


def effective_data(unique_tokens, n_tokens, r_star: float):
    """Effective data ``D' = U_D + U_D R_D* (1 - exp(-R_D / R_D*))`` (Muennighoff et al. 2023;
    authors' README, "Parametric Fit").

    Parameters
    ----------
    unique_tokens : array_like
        ``U_D``, the number of unique tokens.
    n_tokens : array_like
        ``D``, the total number of tokens trained on (``D >= U_D``).
    r_star : float
        ``R_D*``, roughly the "half-life" of repeated data (section 3.1): at ``R_D = R_D*`` the
        ``U_D R_D`` repeated tokens are worth on average ``1 - 1/e`` of fresh ones.

    Examples
    --------
    >>> float(effective_data(1e9, 1e9, 15.4))          # one epoch: all unique
    1000000000.0
    >>> round(float(effective_data(1e9, 1e15, 15.4)) / 1e9, 2)   # saturates at U (1 + R*)
    16.4
    """
    r_star = _check_star(r_star, "r_star")
    u = as_positive_array(unique_tokens, "unique_tokens")
    return _saturate(u, repetitions(n_tokens, u), r_star)


def unique_params(unique_tokens, base: ParametricLoss):
    """``N_opt(U_D)``: the compute-optimal model size of ``base`` whose optimal data is ``U_D``.

    From ``D_opt = (C/6)**b / G`` and ``N_opt = G (C/6)**a`` (Hoffmann et al. eq. 4):
    ``N = G (G U_D)**(a/b) = G (G U_D)**(beta/alpha)`` (the authors' ``D_to_N``).
    """
    check_law(base, "base")
    u = as_positive_array(unique_tokens, "unique_tokens")
    return base.G * (base.G * u) ** (base.beta / base.alpha)


def effective_params(
    n_params, unique_tokens, r_star: float, base: ParametricLoss
):
    """Effective parameters ``N' = U_N + U_N R_N* (1 - exp(-R_N / R_N*))`` with
    ``U_N = min(N, N_opt(U_D))`` and ``R_N = N / U_N - 1`` (authors' README, "Parametric Fit").

    Examples
    --------
    >>> from scaling_lib.chinchilla import HOFFMANN_2022
    >>> n_small = 0.5 * float(unique_params(1e9, HOFFMANN_2022))
    >>> bool(np.isclose(effective_params(n_small, 1e9, 5.3, HOFFMANN_2022), n_small))
    True
    """
    r_star = _check_star(r_star, "r_star")
    n = as_positive_array(n_params, "n_params")
    u_n = np.minimum(n, unique_params(unique_tokens, base))
    return _saturate(u_n, np.maximum(n / u_n - 1.0, 0.0), r_star)


@dataclass(frozen=True)
class DataConstrainedLoss:
    """``L(N, D, U_D) = E + A / N'**alpha + B / D'**beta`` (Muennighoff et al. 2023).

    Attributes
    ----------
    base : ParametricLoss
        The single-epoch law (``E, A, B, alpha, beta``).
    r_d_star, r_n_star : float
        ``R_D*`` and ``R_N*``, the decay constants of repeated data and excess parameters.
    source : str
        Where the numbers come from.

    Examples
    --------
    >>> law = MUENNIGHOFF_2023
    >>> round(float(law.loss(6.34e9, 242e9, 25e9)), 4)   # authors' README, Figure 1 (right)
    2.2256
    >>> round(float(law.loss(8.67e9, 178e9, 25e9)), 4)
    2.227
    """

    base: ParametricLoss
    r_d_star: float
    r_n_star: float
    source: str = field(default="", compare=False)

    def __post_init__(self):
        check_law(self.base, "base")
        object.__setattr__(
            self, "r_d_star", _check_star(self.r_d_star, "r_d_star")
        )
        object.__setattr__(
            self, "r_n_star", _check_star(self.r_n_star, "r_n_star")
        )
        if not isinstance(self.source, str):
            raise ValueError(
                f"source must be a str, got {type(self.source).__name__}"
            )

    def effective_data(self, n_tokens, unique_tokens):
        """``D'`` for this law's ``R_D*``."""
        return effective_data(unique_tokens, n_tokens, self.r_d_star)

    def effective_params(self, n_params, unique_tokens):
        """``N'`` for this law's ``R_N*`` and base."""
        return effective_params(
            n_params, unique_tokens, self.r_n_star, self.base
        )

    def loss(self, n_params, n_tokens, unique_tokens):
        """Predicted loss (nats/token); broadcasts."""
        b = self.base
        return (
            b.E
            + b.A * self.effective_params(n_params, unique_tokens) ** -b.alpha
            + b.B * self.effective_data(n_tokens, unique_tokens) ** -b.beta
        )


#: The base law of Muennighoff et al. (2023), fitted by the authors to C4 IsoFLOP points with
#: alpha = beta tied (``parametric_fit.ipynb`` cell 7: a, b, e, alpha = 6.255414, 7.3049974,
#: 0.6254804, 0.3526596, so A = exp(a), B = exp(b), E = exp(e)).
MUENNIGHOFF_2023_C4_BASE = ParametricLoss.from_lse(
    [6.255414, 7.3049974, 0.6254804, 0.3526596, 0.3526596],
    source="Muennighoff et al. 2023, C4 base law (datablations README)",
)

#: The published data-constrained law: the base above with R_D* = 15.387756 and
#: R_N* = 5.309743 (datablations README, "Parametric Fit"; ``parametric_fit.ipynb`` cell 29).
MUENNIGHOFF_2023 = DataConstrainedLoss(
    MUENNIGHOFF_2023_C4_BASE,
    r_d_star=15.387756,
    r_n_star=5.309743,
    source="Muennighoff et al. 2023 (datablations README)",
)


@dataclass(frozen=True)
class RepetitionFit:
    """Result of :func:`fit_repetition_constants`.

    Attributes
    ----------
    law : DataConstrainedLoss or None
        The base with the fitted ``R_D*`` and ``R_N*``.
    objective : float
        Sum of Huber losses of ``log L`` at the optimum.
    residuals : ndarray
        ``log L_i - log L_pred_i``.
    success : bool
    message : str
    n_points : int
    """

    law: DataConstrainedLoss | None
    objective: float
    residuals: np.ndarray = field(repr=False)
    success: bool
    message: str
    n_points: int


def repetition_objective(
    law: DataConstrainedLoss,
    n_params,
    n_tokens,
    unique_tokens,
    loss,
    *,
    delta: float = HUBER_DELTA,
) -> float:
    """Sum of Huber losses (threshold ``delta``) of ``log L - log L_pred`` over the runs: the
    objective of :func:`fit_repetition_constants` (the authors' ``parametric_fit.ipynb``,
    cells 6 and 29).

    Examples
    --------
    >>> n, d, u = np.array([1e8, 1e9]), np.array([1e10, 4e10]), np.array([1e9, 1e10])
    >>> repetition_objective(MUENNIGHOFF_2023, n, d, u, MUENNIGHOFF_2023.loss(n, d, u))
    0.0
    """
    _check_law(law)
    delta = as_positive_float(delta, "delta")
    n, d, u, ell = _run_arrays(n_params, n_tokens, unique_tokens, loss)
    from scipy import special

    t = np.log(ell)
    return float(special.huber(delta, t - np.log(law.loss(n, d, u))).sum())


def fit_repetition_constants(
    n_params,
    n_tokens,
    unique_tokens,
    loss,
    base: ParametricLoss,
    *,
    delta: float = HUBER_DELTA,
    starts=None,
) -> RepetitionFit:
    """Fit ``R_D*`` and ``R_N*`` with the base law held fixed, as the authors do
    (``parametric_fit.ipynb`` cell 29: Huber loss, delta = 1e-3, on ``log L``; the base
    parameters frozen; starts on a grid).

    The authors fit 182 runs (Appendix A): epochs 1 to 500, with the runs where excess
    parameters or excess epochs hurt removed, since the formula cannot follow them; see
    :func:`paper_like_mask` for a selection of that kind.

    We search ``log R*`` so both stay positive, from a 4 x 4 grid of starts spanning 0.5 to 200
    (the authors' grid is 0 to 20 in ``R*``), with SciPy's L-BFGS-B, and keep the best.

    Raises
    ------
    ValueError
        If an input is non-positive or NaN, the lengths differ, ``U_D > D``, or fewer than 3 runs.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> n = 10 ** rng.uniform(8, 9.5, 60); u = 10 ** rng.uniform(8, 10, 60)
    >>> d = u * 10 ** rng.uniform(0, 2.5, 60)
    >>> ell = MUENNIGHOFF_2023.loss(n, d, u)
    >>> fit = fit_repetition_constants(n, d, u, ell, MUENNIGHOFF_2023.base)
    >>> fit.success, round(fit.law.r_d_star, 2), round(fit.law.r_n_star, 2)
    (True, 15.39, 5.31)
    """
    from scipy import optimize

    check_law(base, "base")
    delta = as_positive_float(delta, "delta")
    n, d, u, ell = _run_arrays(n_params, n_tokens, unique_tokens, loss)
    check_min_length(n, "n_params", 3)
    reps = repetitions(d, u)  # raises if U > D
    t = np.log(ell)
    if starts is not None:
        starts = as_positive_array(starts, "starts")
        if starts.size % 2 or not 2 <= starts.size <= 200:
            raise ValueError(
                f"starts must hold pairs (R_D*, R_N*), at most 100, got "
                f"{starts.size} numbers"
            )
    excess = n > unique_params(u, base) * (1 + 1e-9)
    why = (
        "no run repeats data (every R_D = 0): R_D* cannot be identified"
        if not np.any(reps > 1e-9)
        else "no run has parameters beyond N_opt(U_D) (every R_N = 0): R_N* cannot be identified"
        if not np.any(excess)
        else ""
    )
    if why:
        return RepetitionFit(
            None, float("nan"), np.full(n.size, np.nan), False, why, n.size
        )

    def objective(theta):
        law = DataConstrainedLoss(
            base, float(np.exp(theta[0])), float(np.exp(theta[1]))
        )
        return repetition_objective(law, n, d, u, ell, delta=delta)

    grid = (
        np.array(list(itertools.product(np.log([0.5, 5, 50, 200]), repeat=2)))
        if starts is None
        else np.log(starts).reshape(-1, 2)
    )
    best = None
    for theta0 in grid:
        res = optimize.minimize(
            objective,
            theta0,
            method="L-BFGS-B",
            bounds=[(-7.0, 9.0), (-7.0, 9.0)],
            options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 1000},
        )
        if best is None or res.fun < best.fun:
            best = res
    r_d, r_n = (float(v) for v in np.exp(best.x))
    at_bound = bool(np.any(np.isclose(best.x, -7.0) | np.isclose(best.x, 9.0)))
    law = DataConstrainedLoss(
        base, r_d, r_n, source="fit_repetition_constants"
    )
    resid = t - np.log(law.loss(n, d, u))
    success = bool(best.success) and not at_bound
    message = (
        f"best of {len(grid)} starts, L-BFGS-B: {best.message}; objective "
        f"{best.fun:.6g}"
        + ("; an R* reached its search bound" if at_bound else "")
    )
    return RepetitionFit(law, float(best.fun), resid, success, message, n.size)


def paper_like_mask(
    n_params, n_tokens, unique_tokens, loss, *, max_epochs: float = 500.0
):
    """Runs kept by a selection like the authors' (Muennighoff et al. 2023, Appendix A: "epochs
    ranging from 1 to 500"; runs where excess parameters or epochs hurt removed).

    A run is dropped if it has more than ``max_epochs`` epochs, or if, at the same unique data,
    a run with the same ``N`` and fewer tokens or a run with the same ``D`` and fewer parameters
    reached a lower loss (mean over seeds): its extra epochs or parameters hurt.

    Returns a boolean array, True for the runs kept.

    Examples
    --------
    >>> n = [1e8, 1e8, 1e8, 2e8]; d = [1e9, 2e9, 4e9, 4e9]; u = [1e9, 1e9, 1e9, 1e9]
    >>> paper_like_mask(n, d, u, [3.0, 2.9, 3.1, 3.2]).tolist()   # 4 epochs hurt; N = 2e8 too
    [True, True, False, False]
    """
    n, d, u, ell = _run_arrays(n_params, n_tokens, unique_tokens, loss)
    max_epochs = as_float(max_epochs, "max_epochs", low=1.0)
    keep = (repetitions(d, u) + 1.0) <= max_epochs * (1 + 1e-12)

    def hurt(fixed, varied):
        bad = np.zeros(n.size, bool)
        for key in set(zip(u, fixed)):
            idx = np.flatnonzero((u == key[0]) & (fixed == key[1]))
            best = np.inf
            for v in np.unique(
                varied[idx]
            ):  # ascending: fewer tokens/params first
                at = idx[varied[idx] == v]
                mean = float(ell[at].mean())
                bad[at] = mean > best
                best = min(best, mean)
        return bad

    return keep & ~hurt(n, d) & ~hurt(d, n)


def data_constrained_optimum(
    law: DataConstrainedLoss,
    compute: float,
    unique_tokens: float,
    *,
    n_grid: int = 4001,
):
    """The model size and tokens minimising ``law.loss(N, C/6N, U_D)`` at ``C`` FLOPs with
    ``U_D`` unique tokens (the paper's eq. 4 with ``FLOPs = 6ND`` and ``U_D = min(D_C, D)``), by
    a grid over ``log N`` spanning four decades either side of the base law's optimum.

    Returns ``(N, D)``. The authors' README example: 1e22 FLOPs and 25B unique tokens give
    7.0B parameters and 9.5 epochs with the published law.

    Examples
    --------
    >>> n, d = data_constrained_optimum(MUENNIGHOFF_2023, 1e22, 25e9)
    >>> round(n / 1e9, 1), round(d / 25e9, 1)
    (7.0, 9.5)
    """
    _check_law(law)
    c = as_positive_float(compute, "compute")
    u_d = as_positive_float(unique_tokens, "unique_tokens")
    k = as_int(n_grid, "n_grid", minimum=11, maximum=10**6)
    n0 = float(law.base.compute_optimal(c)[0])
    n = np.logspace(np.log10(n0) - 4, np.log10(n0) + 4, k)
    d = c / (6.0 * n)
    u = np.minimum(u_d, d)  # U_D = min(D_C, D), eq. 4
    i = int(np.argmin(law.loss(n, d, u)))
    return float(n[i]), float(d[i])
