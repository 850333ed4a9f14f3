"""Checks for the exercises of chapter 4 (emergence)."""

from __future__ import annotations

from . import Feedback, check_close, parse_answer
from ..emergence import per_token_accuracy, sequence_exact_match

__all__ = ["check_exact_match", "check_required_token_accuracy", "check_compute",
           "check_decades", "check_pooled_crossing"]


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


def check_pooled_crossing(answer, *, level: float = 0.5, task: str = "arith_3digit_add"
                          ) -> Feedback:
    """Check ``log10 C`` at which one sigmoid (floor 0, ceiling 1) through every model with known
    compute reaches ``level`` on ``task``.

    The expected value is computed here by its own route (``scipy.optimize.curve_fit`` of the
    logistic in ``log10 C`` on the shipped data), not with :func:`scaling_lib.emergence.fit_sigmoid`.
    """
    import numpy as np
    from scipy.optimize import curve_fit

    from ..data import load_emergence_long

    d = load_emergence_long(task)
    x, y = np.log10(d.compute.to_numpy(float)), d.score.to_numpy(float)

    def logistic(t, m, k):
        return 1.0 / (1.0 + np.exp(-k * (t - m)))

    starts = [(m0, k0) for m0 in np.linspace(x.min(), x.max(), 5) for k0 in (1.0, 3.0)]
    fits = []
    for p0 in starts:
        try:
            p, _ = curve_fit(logistic, x, y, p0=p0, maxfev=20000)
        except RuntimeError:
            continue
        fits.append((float(np.sum((logistic(x, *p) - y) ** 2)), p))
    m, k = min(fits, key=lambda f: f[0])[1]
    expected = float(m + np.log(level / (1 - level)) / k)
    return check_decades(answer, expected=expected, tolerance=0.05,
                         name=f"log10 C at {level:.0%}")
