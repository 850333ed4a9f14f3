"""Checks for the exercises of chapter 0 (power laws).

Each check fixes the inputs its exercise states and computes the expected answer by a method
other than the one the solution uses (a closed form for a numerical answer, the covariance
formula for a least-squares slope), so that the feedback cannot share the solution's mistake.
"""

from __future__ import annotations

import math

import numpy as np

from . import (
    Feedback,
    _not_a_function,
    _run,
    check_close,
    parse_answer,
)

__all__ = [
    "check_halving_factor",
    "check_extrapolation_factor",
    "check_fit_function",
    "check_porian_exponent",
]


def check_halving_factor(answer) -> Feedback:
    """Exercise 0.1: the reducible loss falls like C^-0.05. By what factor must the compute
    grow to halve it?"""
    expected = math.exp(math.log(2.0) / 0.05)  # solve 0.05 ln(factor) = ln 2
    value = parse_answer(answer, "compute factor")
    hint = "solve (C2 / C1)^(-0.05) = 1/2 for C2 / C1."
    if not isinstance(value, Feedback) and any(
        math.isclose(value, v, rel_tol=1e-3) for v in (2**-0.05, 2**0.05)
    ):
        hint = (
            "the exponent goes the other way: raise 2 to the power 1 / 0.05."
        )
    return check_close(
        answer, expected, name="compute factor", rtol=1e-3, hint=hint
    )


def check_extrapolation_factor(answer) -> Feedback:
    """Exercise 0.2: a fitted exponent is 0.02 too shallow (-0.28 for -0.30); by what factor
    is the reducible loss it predicts three decades beyond the reference point too high?"""
    expected = math.exp(0.02 * 3 * math.log(10.0))  # (10^3)^0.02
    value = parse_answer(answer, "factor")
    hint = "the ratio of the two laws, a x^-0.28 / (a x^-0.30), at x = 1000 x_ref."
    if not isinstance(value, Feedback) and math.isclose(
        value, 1 / expected, rel_tol=1e-3
    ):
        hint = "a shallower exponent falls more slowly: its prediction is too high, factor > 1."
    return check_close(answer, expected, name="factor", rtol=2e-3, hint=hint)


def _ols_by_covariance(x, y):
    lx, ly = np.log(x), np.log(y)
    slope = np.mean((lx - lx.mean()) * (ly - ly.mean())) / np.mean(
        (lx - lx.mean()) ** 2
    )
    return float(slope), float(np.exp(ly.mean() - slope * lx.mean()))


def check_fit_function(func) -> Feedback:
    """Exercise 0.3: does ``func(x, y)`` return ``(exponent, prefactor)`` of the least-squares
    line through ``(log x, log y)``? Tried on an exact law, on noisy data generated here and on
    unsorted input; the expected values come from the covariance formula for the slope."""
    if not callable(func):
        return _not_a_function(func, "fit_exponent(x, y)")
    rng = np.random.default_rng(2024)
    x1 = np.logspace(0, 3, 7)
    x2 = np.logspace(1, 5, 15)
    x3 = rng.permutation(np.logspace(-2, 2, 9))
    cases = [
        ("an exact law 3 x^-0.5", x1, 3.0 * x1**-0.5),
        (
            "noisy data",
            x2,
            2.0 * x2**-0.3 * np.exp(0.1 * rng.standard_normal(15)),
        ),
        (
            "unsorted x",
            x3,
            0.7 * x3**1.2 * np.exp(0.05 * rng.standard_normal(9)),
        ),
    ]
    for name, x, y in cases:
        k, a = _ols_by_covariance(x, y)
        got, failed = _run(
            func,
            x.copy(),
            y.copy(),
            on=name,
            usage="fit_exponent(x, y) returning two numbers, (exponent, prefactor)",
            returns="your (exponent, prefactor)",
            count=2,
        )
        if failed is not None:
            return failed
        got_k, got_a = got
        if not (
            math.isclose(got_k, k, rel_tol=1e-6, abs_tol=1e-9)
            and math.isclose(got_a, a, rel_tol=1e-6)
        ):
            hint = "fit a straight line to log y against log x; the slope is the exponent."
            if math.isclose(got_a, math.log(a), rel_tol=1e-6):
                hint = "the prefactor is exp(intercept), not the intercept."
            elif math.isclose(got_k, 1 / k, rel_tol=1e-6):
                hint = "regress log y on log x, not log x on log y."
            return Feedback(
                False, f"Your fit is not right on {name}. Hint: {hint}"
            )
    return Feedback(
        True, "Correct on an exact law, on noisy data and on unsorted input."
    )


def check_porian_exponent(answer) -> Feedback:
    """Exercise 0.4: the exponent of a pure power law through the lowest validation loss at
    each budget of Porian et al.'s RefinedWeb runs (short warmup, Chinchilla-style decay,
    standard parameter count). The check reads the data itself and fits by covariance."""
    from ..data import load_porian_isoflops

    runs = load_porian_isoflops(
        dataset="rw",
        hparams="base",
        warmup="short",
        decay="chinchilla",
        param_count="standard",
        loss_split="val",
    )
    best = runs.groupby("flops")["loss"].min()
    expected, _ = _ols_by_covariance(
        best.index.to_numpy(float), best.to_numpy(float)
    )
    value = parse_answer(answer, "exponent")
    hint = "take the minimum loss per compute budget, then fit log loss against log compute."
    if not isinstance(value, Feedback) and math.isclose(
        value, -expected, rel_tol=0.02
    ):
        hint = "loss falls with compute: the exponent is negative."
    return check_close(answer, expected, name="exponent", rtol=0.01, hint=hint)
