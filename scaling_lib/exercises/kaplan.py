"""``check_*`` helpers for the exercises of Chapter 2 (the Kaplan scaling laws)."""

from __future__ import annotations

from .. import kaplan as K
from . import Feedback, check_close, parse_answer

__all__ = ["check_lnd_loss", "check_pf_days", "check_optimal_params", "check_overfitting_tokens",
           "check_table6_ratio", "check_exponent"]


def check_lnd_loss(answer, n_params: float, n_tokens: float) -> Feedback:
    """Check a value of Kaplan's L(N, D) (eq. 1.5, Section 1.2 constants).

    Examples
    --------
    >>> bool(check_lnd_loss(2.435, 1e9, 2e10))
    True
    """
    return check_close(answer, K.loss_from_params_tokens(n_params, n_tokens),
                       name="L(N, D)", rtol=0.005, unit="nats/token",
                       hint="use eq. 1.5 with alpha_N = 0.076, alpha_D = 0.095, N_c = 8.8e13, "
                            "D_c = 5.4e13, and N without embeddings")


def check_pf_days(answer, compute: float) -> Feedback:
    """Check a conversion of ``compute`` FLOPs to PF-days.

    Examples
    --------
    >>> print(check_pf_days(3640, 3.14e23))
    C = 3640 PF-days: correct (expected 3634 PF-days).
    """
    return check_close(answer, K.flops_to_pf_days(compute), name="C", rtol=0.01,
                       unit="PF-days", hint="1 PF-day = 1e15 FLOP/s x 86,400 s = 8.64e19 FLOPs")


def check_optimal_params(answer, compute: float) -> Feedback:
    """Check Kaplan's compute-efficient model size for ``compute`` FLOPs (Table 6).

    Examples
    --------
    >>> bool(check_optimal_params(1.3e9, 8.64e19))
    True
    """
    return check_close(answer, K.optimal_params(compute), name="N_opt", rtol=0.02,
                       unit="parameters",
                       hint="N_opt = 1.3e9 x C^0.73 with C in PF-days, not FLOPs")


def check_overfitting_tokens(answer, n_params: float) -> Feedback:
    """Check a data requirement against the rule D >~ 5e3 N^0.74 (eq. 4.4); answers between
    the rule as printed and the exact solution of eq. 4.3 (about 10 % apart) are accepted.

    Examples
    --------
    >>> bool(check_overfitting_tokens(2.3e10, 1e9))
    True
    """
    printed = 5e3 * n_params**0.74
    exact = float(K.overfitting_tokens(n_params))
    lo, hi = min(printed, exact), max(printed, exact)
    value = parse_answer(answer, "D")
    if isinstance(value, Feedback):
        return value
    if 0.97 * lo <= value <= 1.03 * hi:
        return Feedback(True, f"D = {value:.3g} tokens: correct (eq. 4.4 gives {printed:.3g}, "
                              f"the exact eq. 4.3 {exact:.3g}).")
    return check_close(value, printed, name="D", rtol=0.0, unit="tokens",
                       hint="D >~ 5e3 N^0.74 (eq. 4.4), N without embeddings")


def check_table6_ratio(answer) -> Feedback:
    """Check 6 N_opt D_opt / C_min from Table 6 (it is independent of C up to C^0.00).

    Examples
    --------
    >>> bool(check_table6_ratio(1.8))
    True
    """
    expected = 6 * K.optimal_params(K.PF_DAY) * K.optimal_tokens(K.PF_DAY) / K.PF_DAY
    return check_close(answer, expected, name="6 N D / C_min", rtol=0.02,
                       hint="at C_min = 1 PF-day, N_opt = 1.3e9 and D_opt = 2e10; "
                            "1 PF-day = 8.64e19 FLOPs")


def check_exponent(answer, expected: float, *, name: str = "exponent",
                   tolerance: float = 0.05) -> Feedback:
    """Check a measured exponent against ``expected`` within an absolute ``tolerance``.

    Examples
    --------
    >>> print(check_exponent(0.52, 0.5))
    exponent = 0.52: within 0.05 of 0.5.
    """
    value = parse_answer(answer, name)
    if isinstance(value, Feedback):
        return value
    if abs(value - expected) <= tolerance:
        return Feedback(True, f"{name} = {value:.3g}: within {tolerance:g} of {expected:g}.")
    return Feedback(False, f"{name} = {value:.3g} is {abs(value - expected):.3g} away from "
                           f"{expected:g} (tolerance {tolerance:g}). Check the sign and that the "
                           "fit is done in log-log space.")
