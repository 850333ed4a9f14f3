"""Checks for the exercises of chapter 4 (emergence)."""

from __future__ import annotations

from . import Feedback, check_close, parse_answer
from ..emergence import per_token_accuracy, sequence_exact_match

__all__ = ["check_exact_match", "check_required_token_accuracy", "check_compute",
           "check_decades"]


def check_exact_match(answer, *, p_token: float, length: int) -> Feedback:
    """Check a sequence exact-match rate ``p_token ** length`` (Schaeffer et al. 2023).

    Examples
    --------
    >>> print(check_exact_match(0.59, p_token=0.9, length=5))
    exact match = 0.59: correct (expected 0.5905).
    """
    expected = float(sequence_exact_match(p_token, length))
    return check_close(answer, expected, name="exact match", rtol=0.01,
                       hint="every one of the tokens must be right: multiply, do not add")


def check_required_token_accuracy(answer, *, target: float, length: int) -> Feedback:
    """Check the per-token accuracy needed for exact match ``target`` on ``length`` tokens.

    Examples
    --------
    >>> bool(check_required_token_accuracy(0.8409, target=0.5, length=4))
    True
    """
    expected = float(per_token_accuracy(target, length))
    return check_close(answer, expected, name="per-token accuracy", rtol=0.002,
                       hint=f"solve p**{length} = {target} for p: take the {length}-th root")


def check_compute(answer, *, expected: float, rtol: float = 0.1) -> Feedback:
    """Check a training compute in FLOPs (default tolerance 10 %).

    Examples
    --------
    >>> print(check_compute(8.4e22, expected=6 * 7e9 * 2e12))
    compute = 8.4e+22 FLOPs: correct (expected 8.4e+22 FLOPs).
    """
    return check_close(answer, expected, name="compute", rtol=rtol, unit="FLOPs",
                       hint="C = 6 N D with N in parameters and D in tokens, not billions")


def check_decades(answer, *, expected: float, tolerance: float = 0.1, name: str = "log10 C"
                  ) -> Feedback:
    """Check a quantity measured in decades (``log10`` units) to within ``tolerance`` decades.

    Examples
    --------
    >>> bool(check_decades(22.55, expected=22.6))
    True
    """
    value = parse_answer(answer, name)
    if isinstance(value, Feedback):
        return value
    if abs(value - expected) <= tolerance:
        return Feedback(True, f"{name} = {value:.3g}: correct (expected {expected:.3g}).")
    side = "high" if value > expected else "low"
    return Feedback(False, f"{name} = {value:.3g} is {abs(value - expected):.2g} decades too "
                           f"{side} (expected about {expected:.3g}). Hint: work in log10 of "
                           "FLOPs, not in FLOPs.")
