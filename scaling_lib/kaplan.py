"""The scaling laws of Kaplan et al. (2020): the published laws, a fit of L(N, D), and a bootstrap
of an exponent.

Everything here follows "Scaling Laws for Neural Language Models" (Kaplan, McCandlish, Henighan,
Brown, Chess, Child, Gray, Radford, Wu & Amodei 2020, arXiv:2001.08361). Units, as in the paper:

- ``n_params`` (N) counts **non-embedding** parameters (Section 2.1);
- ``n_tokens`` (D) counts tokens of WebText2 under the GPT-2 byte-pair encoding;
- ``loss`` is the cross-entropy in **nats per token**;
- ``compute`` (C) is given in **FLOPs** everywhere in this module, as in the rest of the course.
  The paper states its compute laws in PF-days; we convert with :data:`PF_DAY` (1 PF-day =
  1e15 FLOP/s x 86,400 s = 8.64e19 FLOPs, Section 1.3);
- ``steps`` (S) are optimizer steps, ``batch_size`` (B) is in tokens.

The constants live in one frozen dataclass, :data:`KAPLAN_2020`, each field carrying the equation
or table it comes from (``KAPLAN_2020.source("alpha_n")``). The joint fit of L(N, D) in Section 4
(Table 2) has slightly different constants; it is :data:`KAPLAN_2020_LND` and it is the one behind
the overfitting rule D >~ 5e3 N^0.74 (eq. 4.4).

Two kinds of compute. ``C_min`` is the least compute that reaches a given loss, the compute of a
run at a batch far below the critical batch size B_crit. A run at batch B needs
``S = S_min (1 + B_crit / B)`` steps (eq. 5.4) and ``C = C_min (1 + B / B_crit)`` FLOPs (eq. 5.5),
the trade-off of McCandlish et al. (2018). Kaplan et al.'s Figure 14 (left) fits the
compute-efficient model size both ways: ``N = 1.3e9 C_min^0.73`` against ``C_min`` (Table 6) and
``N = 1.6e9 C^0.88`` against raw compute C (fields ``p_n_raw``, ``n_e_raw``). Runs whose compute is
not adjusted to the critical batch, such as Porian et al.'s (2024), are to be compared with 0.88.

The IsoFLOP frontier (the model size with the lowest loss at each budget, and a power law through
those minima) is computed by :func:`scaling_lib.chinchilla.isoflop_minima`, the one estimator the
course uses in Chapters 2 and 3; ``compute_efficient_frontier`` is kept as a thin, deprecated
wrapper around it (no longer part of the public API).
"""

from __future__ import annotations

import functools
import inspect
import warnings
from dataclasses import dataclass, field, fields, replace

import numpy as np

from ._validation import (
    as_float,
    as_int,
    as_positive_array,
    as_positive_float,
    as_rng,
    check_finite_result,
    check_min_length,
    check_same_shape,
)
from .fitting import BootstrapSamples, PowerLawFit, fit_power_law

__all__ = [
    "PF_DAY",
    "KaplanConstants",
    "KAPLAN_2020",
    "KAPLAN_2020_LND",
    "flops_to_pf_days",
    "pf_days_to_flops",
    "loss_from_params",
    "loss_from_tokens",
    "loss_from_compute",
    "loss_from_params_tokens",
    "loss_from_params_steps",
    "critical_batch_size",
    "optimal_params",
    "optimal_tokens",
    "optimal_batch_size",
    "optimal_steps",
    "predicted_allocation_exponents",
    "overfitting_ratio",
    "overfitting_tokens",
    "tokens_to_reach_loss",
    "resource_factor",
    "KaplanLossFit",
    "fit_kaplan_loss",
    "BootstrapExponent",
    "bootstrap_exponent",
]

#: FLOPs in one PF-day: 1e15 FLOP/s for 24 x 3600 s (Kaplan et al. 2020, Section 1.3).
PF_DAY = 1e15 * 24 * 3600


def _const(value: float, source: str, unit: str):
    return field(default=value, metadata={"source": source, "unit": unit})


@dataclass(frozen=True)
class KaplanConstants:
    """Published constants of Kaplan et al. (2020); each field records its equation and unit.

    The defaults are the values of Section 1.2 (eq. 1.1-1.6) and Tables 5-6. Use
    :meth:`source` and :meth:`unit` to read the provenance of a field, and :meth:`rows` for a
    printable table.

    Examples
    --------
    >>> KAPLAN_2020.alpha_n, KAPLAN_2020.n_c
    (0.076, 88000000000000.0)
    >>> KAPLAN_2020.source("alpha_n")
    'Kaplan et al. 2020, eq. 1.1 and Table 5'
    >>> KAPLAN_2020.unit("c_c_min")
    'PF-days'
    """

    alpha_n: float = _const(
        0.076, "Kaplan et al. 2020, eq. 1.1 and Table 5", ""
    )
    n_c: float = _const(
        8.8e13,
        "Kaplan et al. 2020, eq. 1.1 and Table 5",
        "non-embedding params",
    )
    alpha_d: float = _const(
        0.095, "Kaplan et al. 2020, eq. 1.2 and Table 5", ""
    )
    d_c: float = _const(
        5.4e13, "Kaplan et al. 2020, eq. 1.2 and Table 5", "tokens"
    )
    alpha_c_min: float = _const(
        0.050, "Kaplan et al. 2020, eq. 1.3 and Table 5", ""
    )
    c_c_min: float = _const(
        3.1e8, "Kaplan et al. 2020, eq. 1.3 and Table 5", "PF-days"
    )
    alpha_c: float = _const(
        0.057, "Kaplan et al. 2020, Table 5 (L(C), fixed batch size)", ""
    )
    c_c: float = _const(
        1.6e7,
        "Kaplan et al. 2020, Table 5 (L(C), fixed batch size)",
        "PF-days",
    )
    alpha_b: float = _const(
        0.21, "Kaplan et al. 2020, eq. 1.4 and Table 5", ""
    )
    b_star: float = _const(
        2e8, "Kaplan et al. 2020, eq. 1.4 (Table 5 gives 2.1e8)", "tokens"
    )
    alpha_s: float = _const(
        0.76, "Kaplan et al. 2020, eq. 1.6 and Table 5", ""
    )
    s_c: float = _const(
        2.1e3, "Kaplan et al. 2020, eq. 1.6 and Table 5", "steps"
    )
    p_n: float = _const(0.73, "Kaplan et al. 2020, eq. 6.1 and Table 6", "")
    n_e: float = _const(
        1.3e9, "Kaplan et al. 2020, Table 6", "non-embedding params"
    )
    p_b: float = _const(0.24, "Kaplan et al. 2020, Table 6", "")
    b_e: float = _const(2.0e6, "Kaplan et al. 2020, Table 6", "tokens")
    p_s: float = _const(0.03, "Kaplan et al. 2020, eq. 6.2 and Table 6", "")
    s_e: float = _const(5.4e3, "Kaplan et al. 2020, Table 6", "steps")
    p_d: float = _const(0.27, "Kaplan et al. 2020, Table 6 (1 epoch)", "")
    d_e: float = _const(
        2e10, "Kaplan et al. 2020, Table 6 (1 epoch)", "tokens"
    )
    p_n_raw: float = _const(
        0.88,
        "Kaplan et al. 2020, Figure 14 left (raw compute C, "
        "not adjusted to the critical batch)",
        "",
    )
    n_e_raw: float = _const(
        1.6e9,
        "Kaplan et al. 2020, Figure 14 left (raw compute C, "
        "not adjusted to the critical batch)",
        "non-embedding params",
    )

    def __post_init__(self):
        for f in fields(self):
            as_positive_float(getattr(self, f.name), f.name)

    def source(self, name: str) -> str:
        """The equation or table of Kaplan et al. (2020) that a field comes from."""
        return self._field(name).metadata["source"]

    def unit(self, name: str) -> str:
        """The unit of a field (empty for dimensionless exponents)."""
        return self._field(name).metadata["unit"]

    def rows(self) -> list[tuple[str, float, str, str]]:
        """``(name, value, unit, source)`` for every constant, in declaration order."""
        return [
            (
                f.name,
                getattr(self, f.name),
                self.unit(f.name),
                self.source(f.name),
            )
            for f in fields(self)
        ]

    def _field(self, name: str):
        for f in fields(self):
            if f.name == name:
                return f
        raise ValueError(
            f"name must be a field of KaplanConstants, got {name!r}"
        )


#: Section 1.2 / Tables 5-6 of Kaplan et al. (2020).
KAPLAN_2020 = KaplanConstants()

#: The joint fit of eq. 1.5 in Section 4 (Kaplan et al. 2020, Table 2): alpha_N = 0.076,
#: alpha_D = 0.103, N_c = 6.4e13, D_c = 1.8e13. Its ratio alpha_N/alpha_D = 0.74 is the exponent
#: of the overfitting rule D >~ 5e3 N^0.74 (eq. 4.4).
KAPLAN_2020_LND = replace(
    KAPLAN_2020, alpha_n=0.076, alpha_d=0.103, n_c=6.4e13, d_c=1.8e13
)


def _takes_constants(func):
    """Refuse a ``constants`` argument that is not a :class:`KaplanConstants`, arrays whose
    shapes do not broadcast together, and inputs so extreme that the law overflows (1e-300
    parameters): each with a ``ValueError`` naming the arguments."""
    sig = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        bound = sig.bind(*args, **kwargs).arguments
        given = bound.get("constants", KAPLAN_2020)
        if not isinstance(given, KaplanConstants):
            raise ValueError(
                f"constants must be a KaplanConstants, got {type(given).__name__}"
            )
        names = [k for k in bound if k != "constants"]
        try:
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                out = func(*args, **kwargs)
        except ValueError as exc:
            if "broadcast" not in str(exc):
                raise
            shapes = ", ".join(f"{k}: {np.shape(bound[k])}" for k in names)
            raise ValueError(
                f"{' and '.join(names)} must have the same length (or be "
                f"scalars), got shapes {shapes}"
            ) from None
        # tokens_to_reach_loss answers inf for a loss the model cannot reach (documented)
        if (
            isinstance(out, (float, np.ndarray))
            and func.__name__ != "tokens_to_reach_loss"
            and not np.all(np.isfinite(out))
        ):
            raise ValueError(
                f"{' and '.join(names)} give a loss or count that overflows a "
                f"float: {', '.join(f'{k}={bound[k]!r}'[:60] for k in names)}"
            )
        return out

    return wrapper


def flops_to_pf_days(compute):
    """Convert FLOPs to PF-days (divide by :data:`PF_DAY` = 8.64e19).

    Examples
    --------
    >>> round(float(flops_to_pf_days(8.64e19)), 12)
    1.0
    """
    return as_positive_array(compute, "compute") / PF_DAY


def pf_days_to_flops(pf_days):
    """Convert PF-days to FLOPs (multiply by :data:`PF_DAY`).

    Examples
    --------
    >>> f"{pf_days_to_flops(3640):.4g}"   # GPT-3's budget, Brown et al. 2020, Table D.1
    '3.145e+23'
    """
    pf_days_array = as_positive_array(pf_days, "pf_days")
    with np.errstate(over="ignore"):
        flops = pf_days_array * PF_DAY
    return check_finite_result(flops, "FLOPs", pf_days=pf_days)


def _maybe_scalar(value):
    arr = np.asarray(value, dtype=float)
    return float(arr) if arr.ndim == 0 else arr


@_takes_constants
def loss_from_params(n_params, constants: KaplanConstants = KAPLAN_2020):
    """L(N): loss of a model with ``n_params`` non-embedding parameters trained to convergence
    on enough data, L = (N_c / N)^alpha_N (Kaplan et al. 2020, eq. 1.1).

    Parameters
    ----------
    n_params : array_like
        Non-embedding parameter count N (> 0).
    constants : KaplanConstants
        Defaults to :data:`KAPLAN_2020`.

    Returns
    -------
    float or ndarray
        Loss in nats per token.

    Raises
    ------
    ValueError
        If ``n_params`` is not positive and finite.

    Examples
    --------
    >>> round(loss_from_params(1e9), 3)
    2.376
    """
    n = as_positive_array(n_params, "n_params")
    return _maybe_scalar((constants.n_c / n) ** constants.alpha_n)  # eq. 1.1


@_takes_constants
def loss_from_tokens(n_tokens, constants: KaplanConstants = KAPLAN_2020):
    """L(D): loss of a large model trained on ``n_tokens`` tokens with early stopping,
    L = (D_c / D)^alpha_D (Kaplan et al. 2020, eq. 1.2).

    Examples
    --------
    >>> round(loss_from_tokens(2.3e10), 3)   # about the size of WebText2 (Section 2.3)
    2.09
    """
    d = as_positive_array(n_tokens, "n_tokens")
    return _maybe_scalar((constants.d_c / d) ** constants.alpha_d)  # eq. 1.2


@_takes_constants
def loss_from_compute(compute, constants: KaplanConstants = KAPLAN_2020):
    """L(C_min): loss reachable with ``compute`` FLOPs spent compute-efficiently (model size
    chosen optimally, batch size well below the critical batch size),
    L = (C_c^min / C_min)^alpha_C^min (Kaplan et al. 2020, eq. 1.3).

    ``compute`` is in FLOPs; the paper's C_c^min = 3.1e8 is in PF-days and is converted with
    :data:`PF_DAY`.

    Examples
    --------
    >>> round(loss_from_compute(8.64e19), 3)   # one PF-day
    2.658
    """
    c = flops_to_pf_days(compute)
    return _maybe_scalar(
        (constants.c_c_min / c) ** constants.alpha_c_min
    )  # eq. 1.3


@_takes_constants
def loss_from_params_tokens(
    n_params, n_tokens, constants: KaplanConstants = KAPLAN_2020
):
    """L(N, D) = [(N_c / N)^(alpha_N / alpha_D) + D_c / D]^alpha_D (Kaplan et al. 2020, eq. 1.5).

    It tends to L(N) (eq. 1.1) as D grows and to L(D) (eq. 1.2) as N grows. With the defaults
    it uses the constants of eq. 1.1-1.2; pass ``constants=KAPLAN_2020_LND`` for the joint fit of
    Table 2.

    Parameters
    ----------
    n_params, n_tokens : array_like
        N (non-embedding) and D (tokens), both > 0; they broadcast against each other.
    constants : KaplanConstants

    Returns
    -------
    float or ndarray
        Loss in nats per token.

    Raises
    ------
    ValueError
        If either argument is not positive and finite (the message names it).

    Examples
    --------
    >>> round(loss_from_params_tokens(1e9, 1e20), 3), round(loss_from_params(1e9), 3)
    (2.376, 2.376)
    >>> round(loss_from_params_tokens(1e9, 2e10), 3)
    2.435
    """
    n = as_positive_array(n_params, "n_params")
    d = as_positive_array(n_tokens, "n_tokens")
    a_n, a_d = constants.alpha_n, constants.alpha_d
    # eq. 1.5, evaluated in log space so that huge N or D cannot overflow
    log_terms = np.logaddexp(
        (a_n / a_d) * (np.log(constants.n_c) - np.log(n)),
        np.log(constants.d_c) - np.log(d),
    )
    return _maybe_scalar(np.exp(a_d * log_terms))


@_takes_constants
def loss_from_params_steps(
    n_params, steps, constants: KaplanConstants = KAPLAN_2020
):
    """L(N, S_min) = (N_c / N)^alpha_N + (S_c / S_min)^alpha_S (Kaplan et al. 2020, eq. 1.6).

    ``steps`` is S_min, the number of steps the run would need at a batch size much larger than
    the critical batch size (eq. 5.4). The fit of Table 3 has N_c = 6.5e13 and alpha_N = 0.077;
    eq. 1.6 in Section 1.2 is written with the constants of eq. 1.1, which we use.

    Examples
    --------
    >>> round(loss_from_params_steps(1e9, 1e5), 3)
    2.429
    """
    n = as_positive_array(n_params, "n_params")
    s = as_positive_array(steps, "steps")
    return _maybe_scalar(
        (constants.n_c / n) ** constants.alpha_n
        + (constants.s_c / s) ** constants.alpha_s
    )  # eq. 1.6


@_takes_constants
def critical_batch_size(loss, constants: KaplanConstants = KAPLAN_2020):
    """B_crit(L) = B_* / L^(1/alpha_B), in tokens (Kaplan et al. 2020, eq. 1.4 and 5.3).

    The batch size at which training trades time against compute evenly: it doubles for every
    13 % decrease in loss (Section 5.1, Figure 10).

    Examples
    --------
    >>> round(critical_batch_size(3.0) / 1e6, 3)   # million tokens
    1.069
    """
    loss = as_positive_array(loss, "loss")
    return _maybe_scalar(
        constants.b_star / loss ** (1 / constants.alpha_b)
    )  # eq. 1.4


def _table6(compute, prefactor: float, exponent: float):
    c = flops_to_pf_days(compute)
    return _maybe_scalar(prefactor * c**exponent)


@_takes_constants
def optimal_params(compute, constants: KaplanConstants = KAPLAN_2020):
    """Compute-efficient model size N_opt = N_e C_min^0.73 (Kaplan et al. 2020, eq. 6.1 and
    Table 6, N_e = 1.3e9 non-embedding parameters, C_min in PF-days).

    ``compute`` is in FLOPs.

    Examples
    --------
    >>> f"{optimal_params(8.64e19):.3g}"   # one PF-day
    '1.3e+09'
    >>> f"{optimal_params(10 * 8.64e19) / optimal_params(8.64e19):.3f}"   # 10x compute
    '5.370'
    """
    return _table6(compute, constants.n_e, constants.p_n)


@_takes_constants
def optimal_tokens(compute, constants: KaplanConstants = KAPLAN_2020):
    """Tokens processed by a compute-efficient run, D_opt = D_e C_min^0.27 (Kaplan et al. 2020,
    Table 6, D_e = 2e10 tokens, C_min in PF-days). ``compute`` is in FLOPs.

    Examples
    --------
    >>> f"{optimal_tokens(8.64e19):.3g}"
    '2e+10'
    """
    return _table6(compute, constants.d_e, constants.p_d)


@_takes_constants
def optimal_batch_size(compute, constants: KaplanConstants = KAPLAN_2020):
    """Batch size (tokens) of a compute-efficient run, B = B_e C_min^0.24 (Kaplan et al. 2020,
    Table 6, B_e = 2e6 tokens). ``compute`` is in FLOPs.

    Examples
    --------
    >>> f"{optimal_batch_size(8.64e19):.3g}"
    '2e+06'
    """
    return _table6(compute, constants.b_e, constants.p_b)


@_takes_constants
def optimal_steps(compute, constants: KaplanConstants = KAPLAN_2020):
    """Minimum number of steps of a compute-efficient run, S_min = S_e C_min^0.03 (Kaplan et al.
    2020, Table 6, S_e = 5.4e3 steps; a lower bound). ``compute`` is in FLOPs.

    Examples
    --------
    >>> f"{optimal_steps(8.64e19):.3g}"
    '5.4e+03'
    """
    return _table6(compute, constants.s_e, constants.p_s)


@_takes_constants
def predicted_allocation_exponents(
    constants: KaplanConstants = KAPLAN_2020,
) -> dict[str, float]:
    """The compute-efficient exponents that Kaplan et al. (2020) derive from L(N, S_min) (eq. 1.6)
    and B_crit(L) (eq. 1.4), as opposed to the fitted ones of Table 6.

    N ~ C^(alpha_C/alpha_N), B ~ C^(alpha_C/alpha_B), S ~ C^(alpha_C/alpha_S) (eq. 1.7), with
    alpha_C = 1 / (1/alpha_S + 1/alpha_B + 1/alpha_N) (eq. 1.8), which makes the three exponents
    add up to 1, as C = 6 N B S requires. With the Table 5 exponents alpha_C = 0.052 (the value of
    Appendix B.2; Section 6.2 quotes 0.054) and the predicted N exponent is 0.68, against the
    fitted 0.73 of Table 6.

    Returns
    -------
    dict
        ``alpha_c_min`` and the exponents ``n``, ``b`` and ``s``.

    Examples
    --------
    >>> {k: round(v, 3) for k, v in predicted_allocation_exponents().items()}
    {'alpha_c_min': 0.052, 'n': 0.684, 'b': 0.248, 's': 0.068}
    """
    a_n, a_b, a_s = constants.alpha_n, constants.alpha_b, constants.alpha_s
    a_c = 1.0 / (1.0 / a_s + 1.0 / a_b + 1.0 / a_n)  # eq. 1.8
    return {
        "alpha_c_min": a_c,
        "n": a_c / a_n,
        "b": a_c / a_b,
        "s": a_c / a_s,
    }  # eq. 1.7


@_takes_constants
def overfitting_ratio(
    n_params, n_tokens, constants: KaplanConstants = KAPLAN_2020_LND
):
    """N^(alpha_N/alpha_D) / D, the single variable that controls overfitting in L(N, D)
    (Kaplan et al. 2020, eq. 4.3; with Table 2 constants the exponent is 0.74).

    Examples
    --------
    >>> f"{overfitting_ratio(1e9, 2e10):.3g}"
    '0.000219'
    """
    n = as_positive_array(n_params, "n_params")
    d = as_positive_array(n_tokens, "n_tokens")
    return _maybe_scalar(n ** (constants.alpha_n / constants.alpha_d) / d)


@_takes_constants
def overfitting_tokens(
    n_params,
    threshold: float = 0.02,
    constants: KaplanConstants = KAPLAN_2020_LND,
):
    """Tokens needed to keep the overfitting penalty dL = L(N, D)/L(N, inf) - 1 below
    ``threshold`` (Kaplan et al. 2020, eq. 4.2-4.4).

    Solving eq. 4.3 exactly, [1 + (N/N_c)^(alpha_N/alpha_D) D_c/D]^alpha_D = 1 + threshold, gives
    D = D_c (N/N_c)^(alpha_N/alpha_D) / ((1 + threshold)^(1/alpha_D) - 1). With the Table 2
    constants and the paper's threshold of 0.02 (the run-to-run spread) this is about
    5.5e3 N^0.74, the "D >~ 5e3 N^0.74" of eq. 4.4.

    Examples
    --------
    >>> f"{overfitting_tokens(1e9):.3g}"
    '2.41e+10'
    >>> f"{5e3 * 1e9**0.74:.3g}"   # eq. 4.4 as printed
    '2.29e+10'
    """
    n = as_positive_array(n_params, "n_params")
    threshold = as_positive_float(threshold, "threshold", high=1.0)
    a_n, a_d = constants.alpha_n, constants.alpha_d
    # eq. 4.3 solved for D at dL = threshold
    return _maybe_scalar(
        constants.d_c
        * (n / constants.n_c) ** (a_n / a_d)
        / ((1 + threshold) ** (1 / a_d) - 1)
    )


@_takes_constants
def tokens_to_reach_loss(
    loss, n_params, constants: KaplanConstants = KAPLAN_2020
):
    """Tokens a model of ``n_params`` needs to reach ``loss``, by inverting eq. 1.5:
    D = D_c / (L^(1/alpha_D) - (N_c/N)^(alpha_N/alpha_D)). This is Kaplan's "sample efficiency":
    bigger models need fewer tokens for the same loss (Section 1.1, Figure 2).

    Returns ``inf`` where the target is unreachable, i.e. ``loss <= L(N)`` (eq. 1.1): no amount
    of data takes a model below its own converged loss.

    Examples
    --------
    >>> f"{tokens_to_reach_loss(3.0, 1e8):.3g}", f"{tokens_to_reach_loss(3.0, 1e9):.3g}"
    ('1.12e+09', '5.61e+08')
    >>> float(tokens_to_reach_loss(2.0, 1e9))   # below L(N = 1e9) = 2.38
    inf
    """
    loss = as_positive_array(loss, "loss")
    n = as_positive_array(n_params, "n_params")
    a_n, a_d = constants.alpha_n, constants.alpha_d
    gap = loss ** (1 / a_d) - (constants.n_c / n) ** (
        a_n / a_d
    )  # eq. 1.5 rearranged
    with np.errstate(divide="ignore"):
        out = np.where(
            gap > 0, constants.d_c / np.where(gap > 0, gap, 1.0), np.inf
        )
    return _maybe_scalar(out)


# --- fitting Kaplan's L(N, D) to measurements -------------------------------------------------


def resource_factor(exponent, loss_ratio: float = 0.9):
    """How many times more of a resource lowers the loss by the factor ``loss_ratio`` under a
    pure power law ``L ∝ X**-exponent``: ``(1 / loss_ratio) ** (1 / exponent)``.

    Examples
    --------
    >>> [f"{resource_factor(a):.1f}" for a in (0.076, 0.095, 0.050)]   # 10 % lower loss
    ['4.0', '3.0', '8.2']
    """
    exponent = as_positive_array(exponent, "exponent")
    ratio = as_float(
        loss_ratio,
        "loss_ratio",
        low=0.0,
        high=1.0,
        low_open=True,
        high_open=True,
    )
    with np.errstate(over="ignore"):
        factor = (1.0 / ratio) ** (1.0 / exponent)
    check_finite_result(
        factor, "the factor", exponent=exponent, loss_ratio=loss_ratio
    )
    return _maybe_scalar(factor)


@dataclass(frozen=True)
class KaplanLossFit:
    """Result of :func:`fit_kaplan_loss`: the four constants of eq. 1.5 fitted to data.

    Attributes
    ----------
    alpha_n, alpha_d, n_c, d_c : float
        The fitted constants of L(N, D) = [(n_c/N)^(alpha_n/alpha_d) + d_c/D]^alpha_d.
    residuals : ndarray
        ``log(loss) - log(prediction)`` at each point.
    success : bool
    message : str
    """

    alpha_n: float
    alpha_d: float
    n_c: float
    d_c: float
    residuals: np.ndarray = field(repr=False)
    success: bool
    message: str

    def predict(self, n_params, n_tokens):
        """Evaluate the fitted L(N, D)."""
        consts = replace(
            KAPLAN_2020,
            alpha_n=self.alpha_n,
            alpha_d=self.alpha_d,
            n_c=self.n_c,
            d_c=self.d_c,
        )
        return loss_from_params_tokens(n_params, n_tokens, consts)


def fit_kaplan_loss(
    n_params,
    n_tokens,
    loss,
    *,
    n_starts: int = 20,
    rng: np.random.Generator | None = None,
) -> KaplanLossFit:
    """Fit Kaplan's L(N, D) (eq. 1.5) by least squares on log-loss, from several starts.

    The parameters are (alpha_N, alpha_D, log N_c, log D_c); the model is evaluated in log space
    with ``logaddexp``. The best of ``n_starts`` trust-region fits is returned.

    Parameters
    ----------
    n_params, n_tokens, loss : array_like
        Positive, finite and of the same length (at least five points).
    n_starts : int
        Number of random starting points (plus one deterministic start).
    rng : None, int or numpy.random.Generator
        Source of the starting points, through ``numpy.random.default_rng``; None means seed 0,
        so that the same data always give the same fit.

    Returns
    -------
    KaplanLossFit

    Raises
    ------
    ValueError
        Non-positive or NaN input, mismatched lengths, fewer than five points.

    Examples
    --------
    >>> import numpy as np
    >>> n, d = np.meshgrid(np.logspace(6, 9, 6), np.logspace(8, 11, 6))
    >>> true = loss_from_params_tokens(n, d)
    >>> fit = fit_kaplan_loss(n.ravel(), d.ravel(), true.ravel())
    >>> round(fit.alpha_n, 3), round(fit.alpha_d, 3)
    (0.076, 0.095)
    """
    n = as_positive_array(n_params, "n_params", ndim=1)
    d = as_positive_array(n_tokens, "n_tokens", ndim=1)
    y = as_positive_array(loss, "loss", ndim=1)
    check_same_shape(n_params=n, n_tokens=d, loss=y)
    check_min_length(y, "loss", 5)
    n_starts = as_int(n_starts, "n_starts", minimum=1, maximum=1000)
    rng = as_rng(rng, default_seed=0)  # a fit is deterministic by default
    ln, ld, ly = np.log(n), np.log(d), np.log(y)
    from .chinchilla.fit import design_problem

    problem = design_problem(n, d)
    if problem is not None:
        nan = float("nan")
        return KaplanLossFit(
            nan,
            nan,
            nan,
            nan,
            np.full_like(ly, nan),
            False,
            f"not identifiable: {problem}",
        )
    from scipy import optimize

    def resid(p):
        a_n, a_d, log_nc, log_dc = p
        # eq. 1.5 in log space
        return (
            a_d * np.logaddexp((a_n / a_d) * (log_nc - ln), log_dc - ld) - ly
        )

    lo = [1e-4, 1e-4, -50.0, -50.0]
    hi = [10.0, 10.0, 200.0, 200.0]
    starts = [[0.1, 0.1, ln.max() + 5, ld.max() + 5]]
    for _ in range(n_starts):
        starts.append(
            [
                rng.uniform(0.02, 1.5),
                rng.uniform(0.02, 1.5),
                rng.uniform(ln.min(), ln.max() + 20),
                rng.uniform(ld.min(), ld.max() + 20),
            ]
        )
    best = None
    for p0 in starts:
        try:
            res = optimize.least_squares(
                resid,
                p0,
                bounds=(lo, hi),
                method="trf",
                x_scale="jac",
                xtol=1e-12,
                ftol=1e-12,
                gtol=1e-12,
            )
        except (ValueError, FloatingPointError):
            continue
        if best is None or res.cost < best.cost:
            best = res
    if best is None:
        nan = float("nan")
        return KaplanLossFit(
            nan,
            nan,
            nan,
            nan,
            np.full_like(ly, nan),
            False,
            "no start converged",
        )
    a_n, a_d, log_nc, log_dc = best.x
    return KaplanLossFit(
        float(a_n),
        float(a_d),
        float(np.exp(log_nc)),
        float(np.exp(log_dc)),
        best.fun.copy(),
        bool(best.success),
        f"best of {len(starts)} starts: {best.message}",
    )


# --- a compute-efficient frontier from IsoFLOP runs (deprecated wrapper) ----------------------


@dataclass(frozen=True)
class IsoFlopFrontier:
    """Result of :func:`compute_efficient_frontier` (deprecated).

    Attributes
    ----------
    compute : ndarray
        The budgets with an interior minimum, in increasing order (FLOPs).
    n_opt, loss_opt : ndarray
        Loss-minimizing model size and the loss there, one per budget.
    refined : ndarray of bool
        All True: every budget listed has an interior parabola minimum.
    fit : PowerLawFit
        ``n_opt = prefactor * compute**exponent``, least squares in log space.
    """

    compute: np.ndarray
    n_opt: np.ndarray
    loss_opt: np.ndarray
    refined: np.ndarray
    fit: PowerLawFit


def compute_efficient_frontier(
    compute, n_params, loss, *, window=None
) -> IsoFlopFrontier:
    """Deprecated: use :func:`scaling_lib.chinchilla.isoflop_minima`, which this calls.

    ``window`` is the half-width in decades of the parabola's window (default
    :data:`scaling_lib.chinchilla.ISOFLOP_WINDOW`). Budgets without an interior minimum are left
    out, as in :func:`~scaling_lib.chinchilla.isoflop_minima`.

    Raises
    ------
    ValueError
        Bad input (named), or fewer than two budgets with an interior minimum.
    """
    from .chinchilla import ISOFLOP_WINDOW, isoflop_minima

    window = (
        ISOFLOP_WINDOW
        if window is None
        else as_positive_float(window, "window")
    )

    warnings.warn(
        "compute_efficient_frontier is deprecated; use "
        "scaling_lib.chinchilla.isoflop_minima",
        DeprecationWarning,
        stacklevel=2,
    )
    res = isoflop_minima(n_params, compute, loss, window=window)
    if not res.success:
        raise ValueError(
            "the runs (compute, n_params, loss) need at least 2 budgets whose loss has "
            f"a minimum inside the sizes tried: {res.message}"
        )
    good = res.table[res.table.interior]
    return IsoFlopFrontier(
        good.compute.to_numpy(),
        good.n_opt.to_numpy(),
        good.loss_opt.to_numpy(),
        np.ones(len(good), dtype=bool),
        res.n_fit,
    )


@dataclass(frozen=True)
class BootstrapExponent(BootstrapSamples):
    """Result of :func:`bootstrap_exponent`: the exponent fitted to all points and the exponents
    refitted to each resample (``samples``, NaN for a resample with a single distinct ``x``);
    ``interval`` gives their percentile interval."""

    exponent: float
    samples: np.ndarray = field(repr=False)


def bootstrap_exponent(
    x, y, *, n_boot: int = 2000, rng: np.random.Generator | None = None
) -> BootstrapExponent:
    """Pairs bootstrap of the exponent of ``y = k x^a``: resample the points with replacement,
    refit in log space, keep the exponents (a resample that draws a single distinct ``x`` has
    no slope and gives NaN, which :meth:`BootstrapExponent.interval` leaves out).

    Parameters
    ----------
    x, y : array_like
        Positive, finite, same length, at least three points and two distinct ``x``.
    n_boot : int
        Number of resamples.
    rng : None, int or numpy.random.Generator
        Through ``numpy.random.default_rng`` (SPEC 7); None draws fresh entropy from the
        operating system, so pass a seed for a reproducible interval.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> x = np.logspace(0, 3, 12)
    >>> y = 2 * x**0.7 * np.exp(0.05 * rng.standard_normal(12))
    >>> lo, hi = bootstrap_exponent(x, y, rng=rng).interval()
    >>> bool(lo < 0.7 < hi)
    True
    """
    x = as_positive_array(x, "x", ndim=1)
    y = as_positive_array(y, "y", ndim=1)
    check_same_shape(x=x, y=y)
    check_min_length(x, "x", 3)
    n_boot = as_int(n_boot, "n_boot", minimum=1, maximum=10**5)
    rng = as_rng(rng)
    lx, ly = np.log(x), np.log(y)
    if np.unique(lx).size < 2:
        raise ValueError(
            f"x must have at least two distinct values for a slope, got all x = "
            f"{float(x[0])!r}"
        )
    idx = rng.integers(
        0, x.size, (n_boot, x.size)
    )  # all resamples at once: bounded work
    xs, ys = lx[idx], ly[idx]
    dx = xs - xs.mean(axis=1, keepdims=True)
    sxx = (dx * dx).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        # least-squares slope of log y on log x; NaN when a resample has one distinct x
        out = np.where(
            sxx > 0,
            (dx * (ys - ys.mean(axis=1, keepdims=True))).sum(axis=1) / sxx,
            np.nan,
        )
    return BootstrapExponent(fit_power_law(x, y).exponent, out)
