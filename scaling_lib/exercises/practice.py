"""``check_*`` helpers for the exercises of Chapter 6 (scaling laws in practice).

Each check recomputes the answer by its own route (a closed form written out here, or a
bisection), never by calling the library function a solution would call, and its message says
what is wrong without printing the expected value.
"""

from __future__ import annotations

import math

import numpy as np

from .._validation import as_float, as_positive_float
from . import (
    Feedback,
    _call,
    _how_far,
    _not_a_function,
    _run,
    parse_answer,
)

__all__ = [
    "check_effective_data_function",
    "check_effective_tokens",
    "check_half_value_epochs",
    "check_epochs_for_value",
    "check_overtrain_tokens",
    "check_data_wall_gap",
    "check_allocation_function",
    "check_allocation_epochs",
]

#: R_D* of Muennighoff et al. (2023), datablations README ("Parametric Fit").
_R_D_STAR = 15.387756


def _d_prime(u: float, d: float, r_star: float) -> float:
    # D' = U + U R* (1 - exp(-(D/U - 1)/R*)), written out independently of scaling_lib.
    reps = max(d / u - 1.0, 0.0)
    return u * (1.0 + r_star * (1.0 - math.exp(-reps / r_star)))


def _verdict(
    value: float, expected: float, name: str, rtol: float, hint: str
) -> Feedback:
    rel = (value - expected) / abs(expected)
    if abs(rel) <= rtol:
        return Feedback(True, f"{name} = {value:.4g}: correct.")
    return Feedback(
        False,
        f"{name} = {value:.4g} is too {'high' if rel > 0 else 'low'}. "
        f"Hint: {hint}",
    )


def check_effective_data_function(func) -> Feedback:
    """Exercise 6.1: call the student's ``func(unique_tokens, n_tokens, r_star)`` on cases that
    test one epoch, a few epochs, saturation and a different ``R*``.

    Examples
    --------
    >>> print(check_effective_data_function(lambda u, d, r: d))          # doctest: +ELLIPSIS
    Not yet: ...
    """
    rng = np.random.default_rng(61)
    u_r, ep_r, r_r = (
        10 ** rng.uniform(8, 11),
        10 ** rng.uniform(0.3, 2.5),
        rng.uniform(2, 40),
    )
    if not callable(func):
        return _not_a_function(
            func, "my_effective_data(unique_tokens, n_tokens, r_star)"
        )
    cases = [
        (1e9, 1e9, 15.0),
        (1e9, 4e9, 15.0),
        (2e10, 2e13, 15.0),
        (5e8, 5e9, 3.0),
        (u_r, u_r * ep_r, r_r),
    ]
    what = [
        "one epoch",
        "four epochs",
        "a thousand epochs (saturation)",
        "R* = 3",
        "a random case",
    ]
    wrong = []
    for (u, d, r), w in zip(cases, what):
        got, failed = _run(
            func,
            u,
            d,
            r,
            on=w,
            usage="my_effective_data(unique_tokens, n_tokens, r_star) returning D'",
            returns="the D' your function returns",
        )
        if failed is not None:
            return failed
        if abs(got / _d_prime(u, d, r) - 1) > 1e-6:
            wrong.append(w)
    if wrong:
        hint = (
            "R_D counts the epochs *beyond the first*: R_D = D/U - 1"
            if "one epoch" in wrong or "four epochs" in wrong
            else "D' should approach U (1 + R*) when the data is repeated many times"
        )
        return Feedback(
            False,
            f"Not yet: the result is not right for {', '.join(wrong)}. "
            f"Hint: {hint}.",
        )
    got, error = _call(func, np.array([1e9, 1e9]), np.array([1e9, 4e9]), 15.0)
    if (
        error is None
    ):  # what it returned may not read as floats (a str, None, ...)
        arr, error = _call(np.asarray, got, dtype=float)
    ok_arr = (
        error is None
        and arr.shape == (2,)
        and np.allclose(
            arr, [_d_prime(1e9, 1e9, 15.0), _d_prime(1e9, 4e9, 15.0)]
        )
    )
    if not ok_arr:
        return Feedback(
            False,
            "Not yet: correct on numbers, but not on arrays. Hint: use "
            "np.maximum and np.exp, not max and math.exp.",
        )
    return Feedback(
        True,
        "Correct on 1, 4 and 1000 epochs, another R*, a random case, "
        "and arrays.",
    )


def check_effective_tokens(answer) -> Feedback:
    """Exercise 6.1, second part: effective data of 10 epochs of 25B unique tokens with
    ``R_D* = 15.4`` (in tokens)."""
    value = parse_answer(answer, "effective data")
    if isinstance(value, Feedback):
        return value
    expected = _d_prime(25e9, 250e9, 15.4)
    hint = (
        "give the answer in tokens, not billions"
        if value < 1e6
        else "10 epochs are R_D = 9 repetitions beyond the first"
    )
    return _verdict(value, expected, "effective data", 0.005, hint)


def check_half_value_epochs(answer, r_star: float = _R_D_STAR) -> Feedback:
    """Exercise 6.2: epochs after which one more repeated token is worth half a fresh one;
    recomputed by bisection on a finite difference of ``D'`` (no closed form)."""
    r_star = as_positive_float(r_star, "r_star", high=1e6)
    value = parse_answer(answer, "epochs")
    if isinstance(value, Feedback):
        return value

    def marginal(ep):
        h = 1e-6 * ep
        return (
            _d_prime(1.0, ep + h, r_star) - _d_prime(1.0, ep - h, r_star)
        ) / (2 * h)

    lo, hi = 1.0, 1e4
    for _ in range(200):  # the marginal value falls with epochs
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if marginal(mid) > 0.5 else (lo, mid)
    hint = (
        "that is R_D, the repetitions beyond the first: the question asks for epochs"
        if abs(value + 1 - lo) / lo < 0.01
        else "the average worth of the repeated tokens is not the worth of the next one: "
        "differentiate D' with respect to D"
    )
    return _verdict(value, lo, "epochs", 0.01, hint)


def check_epochs_for_value(
    answer, loss_of_value: float = 0.10, r_star: float = _R_D_STAR
) -> Feedback:
    """Exercise 6.2: the number of epochs at which repeated data is worth ``1 - loss_of_value``
    of fresh data, ``D' / D = 1 - loss_of_value``; recomputed by bisection.

    Examples
    --------
    >>> bool(check_epochs_for_value(1.0))
    False
    """
    loss_of_value = as_float(
        loss_of_value,
        "loss_of_value",
        low=0.0,
        high=1.0,
        low_open=True,
        high_open=True,
    )
    r_star = as_positive_float(r_star, "r_star", high=1e6)
    value = parse_answer(answer, "epochs")
    if isinstance(value, Feedback):
        return value
    target = 1.0 - loss_of_value
    lo, hi = 1.0, 1e6
    for _ in range(200):  # D'/D falls monotonically with epochs
        mid = math.sqrt(lo * hi)
        if _d_prime(1.0, mid, r_star) / mid > target:
            lo = mid
        else:
            hi = mid
    hint = (
        "D'/D = 0.9 compares all D tokens with D fresh ones, not only the repeated part"
        if value < lo
        else "solve D'(U, eU)/(eU) = 0.9 for the number of epochs e"
    )
    return _verdict(value, lo, "epochs", 0.01, hint)


def check_overtrain_tokens(answer, law) -> Feedback:
    """Exercise 6.4: tokens per parameter a 400M-parameter model needs to reach the loss
    ``law`` predicts for the 1.4B ``open_lm_1b`` model at 20 tokens per parameter. The 1.4B
    size is read from the data here, and the target and the inverse are computed in closed
    form from ``law``'s constants (``E, A, B, alpha, beta``), not taken from the student."""
    from ..chinchilla import check_law

    check_law(law, "law", what="the ParametricLoss q of section 4")
    value = parse_answer(answer, "tokens per parameter")
    if isinstance(value, Feedback):
        return value
    from ..data import load_gadre_runs

    runs = load_gadre_runs("rpj")
    n_1b = float(runs[runs.model_shape == "open_lm_1b"].n_params.iloc[0])
    E, A, B, al, be = (
        float(getattr(law, k)) for k in ("E", "A", "B", "alpha", "beta")
    )
    target = E + A * n_1b**-al + B * (20 * n_1b) ** -be
    gap = target - E - A * 400e6**-al
    if gap <= 0:
        return Feedback(
            False,
            "This law cannot reach that loss at 400M parameters: pass the "
            "law q of section 4.",
        )
    expected = (B / gap) ** (1.0 / be) / 400e6
    hint = (
        "that looks like tokens, not tokens per parameter: divide by N"
        if value > 1e6
        else "solve L(400M, D) = L(N_1b, 20 N_1b) for D, then divide by N"
    )
    return _verdict(value, expected, "tokens per parameter", 0.02, hint)


def check_data_wall_gap(
    answer,
    n_params: float,
    unique_tokens: float,
    epochs_a: float,
    epochs_b: float,
) -> Feedback:
    """Exercise 6.4: loss at ``epochs_b`` minus loss at ``epochs_a`` for a model of
    ``n_params`` on ``unique_tokens`` under the published law of Muennighoff et al. (2023).

    Examples
    --------
    >>> bool(check_data_wall_gap(0.0, 1e10, 1e11, 4, 16))
    False
    """
    n_params = as_positive_float(n_params, "n_params", high=1e15)
    unique_tokens = as_positive_float(
        unique_tokens, "unique_tokens", high=1e16
    )
    epochs_a = as_float(epochs_a, "epochs_a", low=1.0, high=1e6)
    epochs_b = as_float(epochs_b, "epochs_b", low=1.0, high=1e6)
    value = parse_answer(answer, "loss difference")
    if isinstance(value, Feedback):
        return value
    # Published constants (datablations README): base a, b, e, alpha = beta, R_D*, R_N*.
    A, B, E = math.exp(6.255414), math.exp(7.3049974), math.exp(0.6254804)
    al = be = 0.3526596
    r_d, r_n = _R_D_STAR, 5.309743
    G = (al * A / (be * B)) ** (1 / (al + be))
    n_u = min(n_params, G * (G * unique_tokens) ** (be / al))

    def loss(ep):
        n_eff = _d_prime(n_u, n_u * (n_params / n_u), r_n)
        d_eff = _d_prime(unique_tokens, unique_tokens * ep, r_d)
        return E + A * n_eff**-al + B * d_eff**-be

    expected = loss(epochs_b) - loss(epochs_a)
    if abs(value - expected) <= max(0.02 * abs(expected), 2e-4):
        return Feedback(
            True, f"loss difference = {value:.4g} nats/token: correct."
        )
    hint = (
        "compute both losses with the same N and U; only the epochs change"
        if np.sign(value) == np.sign(expected) or value == 0
        else "more epochs on the same unique data cannot raise the loss under this law: check "
        "the order of the subtraction (later minus earlier)"
    )
    far = _how_far(value, expected, 0.02)
    return Feedback(
        False, f"loss difference = {value:.4g} nats/token {far}. Hint: {hint}."
    )


def _dc_loss(n, d, u_d, base, r_d, r_n):
    # Muennighoff et al. eqs. 5-6 with U_N = min(N, N_opt(U_D)), written out here.
    E, A, B, al, be = base
    G = (al * A / (be * B)) ** (1 / (al + be))
    u = min(u_d, d)
    u_n = min(n, G * (G * u) ** (be / al))
    n_eff = _d_prime(u_n, n, r_n)
    return E + A * n_eff**-al + B * _d_prime(u, d, r_d) ** -be


def _golden_optimum(compute, u_d, base, r_d, r_n):
    # Minimise the loss over log N at 6ND = C by golden-section search (a second method).
    def f(x):
        return _dc_loss(
            math.exp(x), compute / (6 * math.exp(x)), u_d, base, r_d, r_n
        )

    lo, hi = math.log(1e6), math.log(compute / 6 / 1e6)
    xs = np.linspace(lo, hi, 400)
    k = int(np.argmin([f(x) for x in xs]))
    a, b = xs[max(k - 1, 0)], xs[min(k + 1, xs.size - 1)]
    g = (math.sqrt(5) - 1) / 2
    for _ in range(100):
        c, d = b - g * (b - a), a + g * (b - a)
        a, b = (a, d) if f(c) < f(d) else (c, b)
    n = math.exp(0.5 * (a + b))
    return n, compute / (6 * n)


_PUB_BASE = (
    math.exp(0.6254804),
    math.exp(6.255414),
    math.exp(7.3049974),
    0.3526596,
    0.3526596,
)


def check_allocation_function(func) -> Feedback:
    """Exercise 6.6: call the student's ``func(law, compute, unique_tokens) -> (N, D)`` on
    budgets, data budgets and constants generated here, and compare with a golden-section
    search over ``log N`` of the loss written out in this module."""
    from ..chinchilla import ParametricLoss
    from ..data_constrained import DataConstrainedLoss

    if not callable(func):
        return _not_a_function(
            func, "my_allocation(law, compute, unique_tokens)"
        )
    rng = np.random.default_rng(66)
    cases = [
        (1e22, 25e9, 15.387756, 5.309743),
        (1e21, 5e9, 15.387756, 5.309743),
        (
            10 ** rng.uniform(21, 23),
            10 ** rng.uniform(9.5, 11),
            15.387756,
            5.309743,
        ),
        (3e21, 10e9, 5.0, 40.0),
    ]
    E, A, B, al, be = _PUB_BASE
    base = ParametricLoss(E=E, A=A, B=B, alpha=al, beta=be)
    for c, u, r_d, r_n in cases:
        law = DataConstrainedLoss(base, r_d, r_n)
        on = f"C = {c:.1e}, U_D = {u:.2g}"
        got, failed = _run(
            func,
            law,
            c,
            u,
            on=on,
            usage="my_allocation(law, compute, unique_tokens) returning (N, D)",
            returns="your (N, D)",
            count=2,
        )
        if failed is not None:
            return failed
        n, d = got
        if not (n > 0 and d > 0):
            return Feedback(
                False,
                "Your function should return two positive numbers (N, D).",
            )
        if abs(6 * n * d / c - 1) > 0.01:
            return Feedback(
                False,
                "Your (N, D) does not spend the budget: 6ND should equal C.",
            )
        n_ref, _ = _golden_optimum(c, u, _PUB_BASE, r_d, r_n)
        if abs(n / n_ref - 1) > 0.03:
            what = (
                "with R_N* > R_D*"
                if r_n > r_d
                else f"at C = {c:.1e}, U_D = {u:.2g}"
            )
            hint = (
                "pass min(U_D, D) as the unique tokens, and search N widely (several "
                "decades) on a fine log grid"
                if r_n <= r_d
                else "use the law's own R_D* and R_N*, not the published ones"
            )
            return Feedback(
                False,
                f"Not yet: the allocation is not right {what}. Hint: {hint}.",
            )
    return Feedback(
        True, "Correct on four budgets, data budgets and constants."
    )


def check_allocation_epochs(answer) -> Feedback:
    """Exercise 6.6, second part: epochs ``D / U_D`` of the data-constrained optimum at
    1e23 FLOPs and 100B unique tokens under the published law (golden-section search)."""
    value = parse_answer(answer, "epochs")
    if isinstance(value, Feedback):
        return value
    _, d = _golden_optimum(1e23, 100e9, _PUB_BASE, _R_D_STAR, 5.309743)
    hint = (
        "that is the number of tokens; divide by the unique tokens"
        if value > 1e6
        else "minimise the data-constrained loss, not the base law's"
    )
    return _verdict(value, d / 100e9, "epochs", 0.02, hint)
