"""Checks for the exercises of Chapter 4 (emergence).

Each check fixes the inputs its exercise states and computes the expected answer by its own
route (plain arithmetic, a root finder, or ``scipy.optimize.curve_fit``), never with the
:mod:`scaling_lib.emergence` function a solution would call. Feedback says what is wrong and in
which direction; it does not print the expected value.
"""

from __future__ import annotations

import math

from .._validation import as_float, as_positive_int
from . import Feedback, _not_a_function, _run, check_close, parse_answer

__all__ = [
    "check_exact_match",
    "check_required_token_accuracy",
    "check_compute",
    "check_decades",
    "check_pooled_crossing",
    "check_resolution_size",
    "check_crossing_function",
]


def check_exact_match(answer, *, p_token: float, length: int) -> Feedback:
    """Check a sequence exact-match rate for ``length`` independent tokens, each right with
    probability ``p_token`` (Schaeffer et al. 2023).

    Examples
    --------
    >>> bool(check_exact_match(0.59, p_token=0.9, length=5))
    True
    """
    p_token = as_float(p_token, "p_token", low=0, high=1, low_open=True)
    length = as_positive_int(length, "length", maximum=10**6)
    expected = math.exp(length * math.log(p_token))  # p ** L, by logarithms
    return check_close(
        answer,
        expected,
        name="exact match",
        rtol=0.01,
        hint="every one of the tokens must be right: multiply, do not add",
    )


def check_required_token_accuracy(
    answer, *, target: float, length: int
) -> Feedback:
    """Check the per-token accuracy needed for exact match ``target`` on ``length`` tokens.

    Examples
    --------
    >>> bool(check_required_token_accuracy(0.8409, target=0.5, length=4))
    True
    """
    target = as_float(target, "target", low=0, high=1, low_open=True)
    length = as_positive_int(length, "length", maximum=10**6)
    expected = math.exp(
        math.log(target) / length
    )  # the length-th root, by logarithms
    return check_close(
        answer,
        expected,
        name="per-token accuracy",
        rtol=0.002,
        hint="solve p**L = target for p: take the L-th root",
    )


def check_compute(
    answer, *, n_params: float, n_tokens: float, rtol: float = 0.02
) -> Feedback:
    """Check a training compute in FLOPs for ``n_params`` parameters and ``n_tokens`` tokens
    (``C = 6 N D``, Kaplan et al. 2020, Sec. 2.1).

    Examples
    --------
    >>> bool(check_compute(8.4e22, n_params=7e9, n_tokens=2e12))
    True
    """
    n_params = as_float(n_params, "n_params", low=0, low_open=True, high=1e30)
    n_tokens = as_float(n_tokens, "n_tokens", low=0, low_open=True, high=1e30)
    rtol = as_float(rtol, "rtol", low=0, high=1, high_open=True)
    expected = 6.0 * n_params * n_tokens
    return check_close(
        answer,
        expected,
        name="compute",
        rtol=rtol,
        unit="FLOPs",
        hint="C = 6 N D with N in parameters and D in tokens, not billions",
    )


def check_decades(
    answer, *, expected: float, tolerance: float = 0.1, name: str = "log10 C"
) -> Feedback:
    """Check a quantity measured in decades (``log10`` units) to within ``tolerance`` decades.
    A wrong answer is told its direction and a rough distance (whole decades, under one decade,
    under 0.3 decades), never so precisely that answer and distance give the expected value.

    Examples
    --------
    >>> bool(check_decades(22.55, expected=22.6))
    True
    >>> print(check_decades(23.0, expected=22.6))
    log10 C = 23 is too high, by less than a decade. Hint: work in log10 of FLOPs, not in FLOPs.
    """
    expected = as_float(expected, "expected")
    tolerance = as_float(tolerance, "tolerance", low=0, high=100)
    if not isinstance(name, str):
        raise ValueError(f"name must be a str, got {name!r}")
    value = parse_answer(answer, name)
    if isinstance(value, Feedback):
        return value
    if abs(value - expected) <= tolerance:
        return Feedback(True, f"{name} = {value:.3g}: correct.")
    side = "high" if value > expected else "low"
    off = abs(value - expected)
    if off >= 0.95:
        n = round(off)
        how = f"is about {n} decade{'s' * (n != 1)} too {side}"
    elif off >= 0.3:
        how = f"is too {side}, by less than a decade"
    else:
        how = f"is too {side}, by less than 0.3 decades (tolerance {tolerance:.2g})"
    return Feedback(
        False,
        f"{name} = {value:.3g} {how}. Hint: work in log10 of FLOPs, not in FLOPs.",
    )


def check_pooled_crossing(
    answer, *, level: float = 0.5, task: str = "arith_3digit_add"
) -> Feedback:
    """Check ``log10 C`` at which one sigmoid (floor 0, ceiling 1) through every model with known
    compute reaches ``level`` on ``task``.

    The expected value is computed here by its own route (``scipy.optimize.curve_fit`` of the
    logistic in ``log10 C`` on the shipped data), not with
    :func:`scaling_lib.emergence.fit_sigmoid`.
    """
    import numpy as np
    from scipy.optimize import curve_fit

    from .._validation import as_choice
    from ..data import EMERGENCE_TASKS, load_emergence_long

    level = as_float(
        level, "level", low=0, high=1, low_open=True, high_open=True
    )
    as_choice(task, "task", [t.name for t in EMERGENCE_TASKS])

    d = load_emergence_long(task)
    x, y = np.log10(d.compute.to_numpy(float)), d.score.to_numpy(float)

    def logistic(t, m, k):
        return 1.0 / (1.0 + np.exp(-k * (t - m)))

    starts = [
        (m0, k0)
        for m0 in np.linspace(x.min(), x.max(), 5)
        for k0 in (1.0, 3.0)
    ]
    fits = []
    for p0 in starts:
        try:
            p, _ = curve_fit(logistic, x, y, p0=p0, maxfev=20000)
        except RuntimeError:
            continue
        fits.append((float(np.sum((logistic(x, *p) - y) ** 2)), p))
    m, k = min(fits, key=lambda f: f[0])[1]
    expected = float(m + np.log(level / (1 - level)) / k)
    return check_decades(
        answer,
        expected=expected,
        tolerance=0.05,
        name=f"log10 C at {level:.0%}",
    )


def check_resolution_size(
    answer,
    *,
    n_questions: int = 1000,
    length: int = 10,
    scale: float = 1e8,
    exponent: float = -0.3,
) -> Feedback:
    """Check the model size ``N`` at which the toy model's expected exact match,
    ``exp(-length (N/scale)**exponent)``, reaches ``1 / n_questions``.

    The expected ``N`` is found by bisection in ``log10 N`` on the model itself, not from the
    closed form a solution derives.

    Examples
    --------
    >>> bool(check_resolution_size(3.43e8))
    True
    >>> bool(check_resolution_size(1e8))
    False
    """
    n_questions = as_positive_int(n_questions, "n_questions", maximum=10**12)
    length = as_positive_int(length, "length", maximum=10**6)
    scale = as_float(scale, "scale", low=0, low_open=True, high=1e30)
    exponent = as_float(exponent, "exponent", low=-10, high=0, high_open=True)

    def gap(log_n):  # expected exact match minus the resolution, rising in N
        return (
            math.exp(-length * (10.0**log_n / scale) ** exponent)
            - 1.0 / n_questions
        )

    lo, hi = 0.0, 30.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if gap(mid) < 0 else (lo, mid)
    expected = 10.0 ** ((lo + hi) / 2)
    return check_close(
        answer,
        expected,
        name="N",
        rtol=0.02,
        unit="parameters",
        hint="from p**L = 1/n get p, then the loss -ln p, then N from "
        "loss = (N/c)**alpha; alpha is negative.",
    )


def check_crossing_function(func) -> Feedback:
    """Call a student's ``func(x, y, level)`` on generated curves and compare it with a
    crossing computed here by a second method (bisection on the piecewise-linear curve).

    The cases: a rising curve, unsorted ``x``, a curve that rises, falls back and rises again
    (the *first* crossing counts), a curve already above ``level`` (answer ``x[0]``), and one
    that never reaches it (answer ``None``).
    """
    import numpy as np

    if not callable(func):
        return _not_a_function(func, "first_crossing(x, y, level)")
    rng = np.random.default_rng(2024)

    def reference(x, y, level):
        order = np.argsort(x, kind="stable")
        x, y = np.asarray(x, float)[order], np.asarray(y, float)[order]
        if y[0] >= level:
            return float(x[0])
        for i in range(1, len(x)):
            if y[i] >= level:  # first segment that reaches the level
                a, b = x[i - 1], x[i]
                for _ in range(100):  # bisection on the segment's line
                    mid = (a + b) / 2
                    y_mid = y[i - 1] + (y[i] - y[i - 1]) * (mid - x[i - 1]) / (
                        x[i] - x[i - 1]
                    )
                    a, b = (mid, b) if y_mid < level else (a, mid)
                return float((a + b) / 2)
        return None

    x = np.sort(rng.uniform(20, 25, 9))
    rising = 1 / (1 + np.exp(-2.0 * (x - 22.5)))
    perm = rng.permutation(9)
    cases = [
        ("a rising curve", x, rising, 0.5),
        ("x not sorted", x[perm], rising[perm], 0.3),
        (
            "rises, falls back, rises again",
            x,
            np.array([0.1, 0.2, 0.6, 0.3, 0.2, 0.5, 0.7, 0.8, 0.9]),
            0.55,
        ),
        ("already above the level", x, rising + 0.5, 0.4),
        ("never reaches the level", x, 0.4 * rising, 0.5),
    ]
    for name, cx, cy, level in cases:
        want = reference(cx, cy, level)
        got, failed = _run(
            func,
            cx.copy(),
            cy.copy(),
            level,
            on=name,
            usage="first_crossing(x, y, level) returning the first x where the "
            "curve reaches level, or None",
        )
        if failed is not None:
            return failed
        if want is None:
            if got is not None:
                return Feedback(
                    False,
                    "On a curve that never reaches the level, return None "
                    "(no crossing), not a number.",
                )
            continue
        if got is None:
            return Feedback(
                False,
                f"On {name} you returned None, but the curve does reach "
                f"{level}.",
            )
        got = parse_answer(got, "the crossing")  # a str, list or NaN: say so
        if isinstance(got, Feedback):
            return Feedback(False, f"On {name}, {got}")
        if not abs(got - want) <= 1e-6 * max(1.0, abs(want)):
            hint = {
                "x not sorted": "sort the points by x first (np.argsort).",
                "rises, falls back, rises again": "return the first crossing, between the "
                "last point below the level and the first point at or above it.",
                "already above the level": "if the first point is already at or above the "
                "level, return its x.",
            }.get(
                name,
                "interpolate linearly between the two "
                "points that bracket the level.",
            )
            return Feedback(
                False, f"On {name} your crossing is off. Hint: {hint}"
            )
    return Feedback(
        True, f"All {len(cases)} cases agree with the reference crossing."
    )
