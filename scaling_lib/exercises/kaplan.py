"""``check_*`` helpers for the exercises of Chapter 2 (the Kaplan scaling laws).

Each check computes its expected answer from the constants printed in Kaplan et al. (2020),
written out here, not by calling :mod:`scaling_lib.kaplan`, which the solutions use: a bug in the
library cannot make a check agree with it. Docstring examples use other inputs than the
exercises, so they do not give an answer away.
"""

from __future__ import annotations

import numpy as np

from .._validation import as_float, as_positive_float, as_rng
from . import (
    Feedback,
    _call,
    _describe,
    _not_a_function,
    _run,
    check_close,
    parse_answer,
)

__all__ = [
    "check_lnd_loss",
    "check_pf_days",
    "check_optimal_params",
    "check_overfitting_tokens",
    "check_table6_ratio",
    "check_spectrum_exponent",
    "check_exponent",
    "check_loglog_fit",
]

# Kaplan et al. (2020), Section 1.2 (= Table 5): eq. 1.5's constants.
_ALPHA_N, _ALPHA_D, _N_C, _D_C = 0.076, 0.095, 8.8e13, 5.4e13
_PF_DAY = 1e15 * 24 * 3600  # FLOPs in one PF-day
# Table 2: the joint fit of eq. 1.5 in Section 4, used for the overfitting rule (eq. 4.3-4.4).
_ALPHA_D_T2, _N_C_T2, _D_C_T2 = 0.103, 6.4e13, 1.8e13
# Table 6: N_opt = 1.3e9 C^0.73, D_opt = 2e10 C^0.27, C in PF-days.
_N_E, _P_N, _D_E, _P_D = 1.3e9, 0.73, 2e10, 0.27


def _lnd(n_params: float, n_tokens: float) -> float:
    """Eq. 1.5: L(N, D) = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D."""
    return (
        (_N_C / n_params) ** (_ALPHA_N / _ALPHA_D) + _D_C / n_tokens
    ) ** _ALPHA_D


def check_lnd_loss(answer, n_params: float, n_tokens: float) -> Feedback:
    """Check a value of Kaplan's L(N, D) (eq. 1.5, Section 1.2 constants).

    Examples
    --------
    >>> bool(check_lnd_loss(2.0, 1e8, 1e9))
    False
    """
    n_params = as_positive_float(n_params, "n_params")
    n_tokens = as_positive_float(n_tokens, "n_tokens")
    with np.errstate(over="ignore", divide="ignore"):
        expected = _lnd(n_params, n_tokens)
    if not np.isfinite(expected):
        raise ValueError(
            f"n_params and n_tokens give an infinite loss: n_params={n_params!r}, "
            f"n_tokens={n_tokens!r}"
        )
    return check_close(
        answer,
        expected,
        name="L(N, D)",
        rtol=0.005,
        unit="nats/token",
        hint="use eq. 1.5 with the constants of Section 1.2 (alpha_N = 0.076, "
        "alpha_D = 0.095, N_c = 8.8e13, D_c = 5.4e13), not those of Table 2, "
        "and N without embeddings",
    )


def check_pf_days(answer, compute: float) -> Feedback:
    """Check a conversion of ``compute`` FLOPs to PF-days.

    Examples
    --------
    >>> bool(check_pf_days(1, 1e20))
    False
    """
    compute = as_float(compute, "compute", low=1e-200)
    return check_close(
        answer,
        compute / _PF_DAY,
        name="C",
        rtol=0.01,
        unit="PF-days",
        hint="1 PF-day = 1e15 FLOP/s x 86,400 s",
    )


def check_optimal_params(answer, compute: float) -> Feedback:
    """Check Kaplan's compute-efficient model size for ``compute`` FLOPs (Table 6).

    Examples
    --------
    >>> bool(check_optimal_params(1e12, 1e20))
    False
    """
    compute = as_positive_float(compute, "compute")
    value = parse_answer(answer, "N_opt")
    if isinstance(value, Feedback):
        return value
    expected = _N_E * (compute / _PF_DAY) ** _P_N
    in_flops = _N_E * compute**_P_N
    hint = (
        "that is Table 6's formula with C in FLOPs: convert to PF-days first"
        if value > 0 and abs(np.log(value) - np.log(in_flops)) < 0.05
        else "N_opt = 1.3e9 x C^0.73 with C in PF-days"
    )
    return check_close(
        value, expected, name="N_opt", rtol=0.02, unit="parameters", hint=hint
    )


def check_overfitting_tokens(answer, n_params: float) -> Feedback:
    """Check a data requirement against eq. 4.4 (``D >~ 5e3 N^0.74``) and the exact solution
    of eq. 4.3 for an overfitting penalty of 2 %; answers between the two (about 10 % apart)
    are accepted.

    Examples
    --------
    >>> bool(check_overfitting_tokens(1e9, 1e8))
    False
    """
    n_params = as_positive_float(n_params, "n_params")
    value = parse_answer(answer, "D")
    if isinstance(value, Feedback):
        return value
    printed = 5e3 * n_params**0.74
    # eq. 4.3: L(N, D)/L(N, inf) - 1 = (1 + (N/N_c)^(alpha_N/alpha_D) D_c/D)^alpha_D - 1 = 0.02
    # with Table 2's constants (alpha_N = 0.076 as in Section 1.2)
    exact = (
        (n_params / _N_C_T2) ** (_ALPHA_N / _ALPHA_D_T2)
        * _D_C_T2
        / (1.02 ** (1 / _ALPHA_D_T2) - 1)
    )
    lo, hi = min(printed, exact), max(printed, exact)
    if 0.97 * lo <= value <= 1.03 * hi:
        return Feedback(
            True,
            f"D = {value:.3g} tokens: correct (eq. 4.4 and the exact "
            "eq. 4.3 agree with it).",
        )
    return check_close(
        value,
        printed,
        name="D",
        rtol=0.0,
        unit="tokens",
        hint="D >~ 5e3 N^0.74 (eq. 4.4), N without embeddings",
    )


def check_table6_ratio(answer) -> Feedback:
    """Check ``6 N_opt D_opt / C_min`` from Table 6 (independent of C up to C^0.00).

    Examples
    --------
    >>> bool(check_table6_ratio(1.0))
    False
    """
    expected = (
        6 * _N_E * _D_E / _PF_DAY
    )  # C = 1 PF-day; the exponents add to 1
    return check_close(
        answer,
        expected,
        name="6 N D / C_min",
        rtol=0.02,
        hint="evaluate both laws at the same C (1 PF-day is simplest) and "
        "express C in FLOPs in the denominator",
    )


def check_spectrum_exponent(
    answer, alpha: float = 0.5, *, tolerance: float = 0.1
) -> Feedback:
    """Check a measured feature exponent ``a_N`` of the random-feature model against the
    theory ``a_N = alpha`` (two seeds of the chapter's grid scatter by about +-0.06).

    Examples
    --------
    >>> bool(check_spectrum_exponent(1.0))
    False
    """
    alpha = as_positive_float(alpha, "alpha", high=10.0)
    tolerance = as_positive_float(tolerance, "tolerance", high=10.0)
    value = parse_answer(answer, "a_N")
    if isinstance(value, Feedback):
        return value
    if abs(value - alpha) <= tolerance:
        return Feedback(
            True, f"a_N = {value:.3g}: within {tolerance:g} of the theory."
        )
    if abs(-value - alpha) <= tolerance:
        return Feedback(
            False,
            f"a_N = {value:.3g} has the wrong sign: the loss falls as N "
            "grows, and the exponent is defined as minus the slope.",
        )
    return Feedback(
        False,
        f"a_N = {value:.3g} is too {'high' if value > alpha else 'low'}, by more "
        f"than {tolerance:g}. "
        "Hint: set alpha=0.5 in random_feature_experiment, use the chapter's "
        "grid, and take params_law() (the feature-limited law), not "
        "data_law().",
    )


def check_exponent(
    answer, expected: float, *, name: str = "exponent", tolerance: float = 0.05
) -> Feedback:
    """Check a measured exponent against ``expected`` within an absolute ``tolerance``.

    Examples
    --------
    >>> print(check_exponent(0.52, 0.5))
    exponent = 0.52: within 0.05 of 0.5.
    """
    expected = as_float(expected, "expected")
    tolerance = as_positive_float(tolerance, "tolerance")
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty str, got {name!r}")
    value = parse_answer(answer, name)
    if isinstance(value, Feedback):
        return value
    if abs(value - expected) <= tolerance:
        return Feedback(
            True,
            f"{name} = {value:.3g}: within {tolerance:g} of {expected:g}.",
        )
    with np.errstate(over="ignore"):
        sign = (
            " It has the wrong sign."
            if abs(value + expected) <= tolerance
            else ""
        )
    return Feedback(
        False,
        f"{name} = {value:.3g} is too {'high' if value > expected else 'low'}, by "
        f"more than {tolerance:g}.{sign}",
    )


def check_loglog_fit(func, *, rng=0) -> Feedback:
    """Check a student's ``func(x, y) -> (exponent, prefactor)`` that fits ``y = k x^p`` by
    least squares in log-log space.

    The cases are generated here with known ``(p, k)``: exact power laws with positive and
    negative exponents, one with points out of order, one with a multiplicative wiggle that is
    symmetric in ``log x`` (least squares must still return ``p``), and one with a single
    distinct ``x``, where the exponent is not identifiable and ``func`` must raise
    ``ValueError``.

    Examples
    --------
    >>> def slope_of_ends(x, y):
    ...     return (np.log(y[-1] / y[0]) / np.log(x[-1] / x[0]), 1.0)
    >>> bool(check_loglog_fit(slope_of_ends))
    False
    """
    rng = as_rng(rng)
    if not callable(func):
        return _not_a_function(func, "fit_loglog(x, y)")
    cases = []
    for p in (-0.076, 0.73, -rng.uniform(0.2, 0.6)):
        x = np.logspace(
            rng.uniform(6, 9), rng.uniform(11, 14), int(rng.integers(5, 12))
        )
        k = 10 ** rng.uniform(-1, 3)
        cases.append((x, k * x**p, p, k, "an exact power law"))
    x, y, p, k, _ = cases[1]
    order = rng.permutation(x.size)
    cases.append((x[order], y[order], p, k, "points given out of order"))
    x = np.logspace(8, 12, 7)
    wiggle = np.exp(
        0.05 * np.array([1, -1, 0, 0, 0, -1, 1])
    )  # zero mean, symmetric in log x
    cases.append(
        (
            x,
            3.0 * x**-0.3 * wiggle,
            -0.3,
            3.0,
            "seven points scattered about a power law (least squares, not two points)",
        )
    )
    for x, y, p, k, what in cases:
        got, failed = _run(
            func,
            x.copy(),
            y.copy(),
            on=what,
            usage="fit_loglog(x, y) returning two numbers, (exponent, prefactor)",
            returns="your (exponent, prefactor)",
            count=2,
        )
        if failed is not None:
            return failed
        got_p, got_k = got
        if abs(got_p - p) > 1e-6:
            return Feedback(
                False,
                f"On {what} the exponent is off. Hint: fit a straight line "
                "to (log x, log y) by least squares; its slope is the "
                "exponent.",
            )
        if (
            not np.isfinite(got_k)
            or got_k <= 0  # k = exp(intercept) is positive: -k is wrong
            or abs(np.log(got_k) - np.log(k)) > 1e-6
        ):
            return Feedback(
                False,
                f"On {what} the exponent is right but the prefactor is off. "
                "Hint: the intercept is log k; return k = exp(intercept).",
            )
    _, error = _call(
        func, np.full(5, 1e9), np.array([3.0, 2.9, 2.8, 2.9, 3.1])
    )
    if error is not None and not isinstance(error, ValueError):
        return Feedback(
            False,
            f"With a single distinct x your function raised "
            f"{_describe(error)}; raise ValueError with a message instead.",
        )
    if error is None:
        return Feedback(
            False,
            "With a single distinct x no slope can be fitted: raise "
            "ValueError instead of returning a number.",
        )
    return Feedback(
        True,
        f"Your fit recovers the exponent and prefactor of all {len(cases)} "
        "cases\nand refuses data with one distinct x.",
    )
