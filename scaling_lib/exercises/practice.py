"""``check_*`` helpers for the exercises of Chapter 6 (scaling laws in practice).

Each check recomputes the answer by its own route (a closed form written out here, or a
bisection), never by calling the library function a solution would call, and its message says
what is wrong without printing the expected value.
"""

from __future__ import annotations

import math

import numpy as np

from . import Feedback, parse_answer

__all__ = ["check_effective_data_function", "check_epochs_for_value", "check_overtrain_tokens",
           "check_data_wall_gap"]

#: R_D* of Muennighoff et al. (2023), datablations README ("Parametric Fit").
_R_D_STAR = 15.387756


def _d_prime(u: float, d: float, r_star: float) -> float:
    # D' = U + U R* (1 - exp(-(D/U - 1)/R*)), written out independently of scaling_lib.
    reps = max(d / u - 1.0, 0.0)
    return u * (1.0 + r_star * (1.0 - math.exp(-reps / r_star)))


def _verdict(value: float, expected: float, name: str, rtol: float, hint: str) -> Feedback:
    rel = (value - expected) / abs(expected)
    if abs(rel) <= rtol:
        return Feedback(True, f"{name} = {value:.4g}: correct.")
    return Feedback(False, f"{name} = {value:.4g} is too {'high' if rel > 0 else 'low'}. "
                           f"Hint: {hint}")


def check_effective_data_function(func) -> Feedback:
    """Exercise 6.1: call the student's ``func(unique_tokens, n_tokens, r_star)`` on cases that
    test one epoch, a few epochs, saturation and a different ``R*``.

    Examples
    --------
    >>> print(check_effective_data_function(lambda u, d, r: d))          # doctest: +ELLIPSIS
    Not yet: ...
    """
    cases = [(1e9, 1e9, 15.0), (1e9, 4e9, 15.0), (2e10, 2e13, 15.0), (5e8, 5e9, 3.0)]
    what = ["one epoch", "four epochs", "a thousand epochs (saturation)", "R* = 3"]
    wrong = []
    for (u, d, r), w in zip(cases, what):
        try:
            got = float(func(u, d, r))
        except Exception as exc:  # a student's function may fail in any way
            return Feedback(False, f"Your function raised {type(exc).__name__}: {exc}")
        if not math.isfinite(got) or abs(got / _d_prime(u, d, r) - 1) > 1e-6:
            wrong.append(w)
    if wrong:
        hint = ("R_D counts the epochs *beyond the first*: R_D = D/U - 1"
                if "one epoch" in wrong or "four epochs" in wrong else
                "D' should approach U (1 + R*) when the data is repeated many times")
        return Feedback(False, f"Not yet: wrong for {', '.join(wrong)}. Hint: {hint}.")
    return Feedback(True, "Correct on one epoch, a few epochs, saturation and another R*.")


def check_epochs_for_value(answer, loss_of_value: float = 0.10,
                           r_star: float = _R_D_STAR) -> Feedback:
    """Exercise 6.2: the number of epochs at which repeated data is worth ``1 - loss_of_value``
    of fresh data, ``D' / D = 1 - loss_of_value``; recomputed by bisection.

    Examples
    --------
    >>> bool(check_epochs_for_value(1.0))
    False
    """
    value = parse_answer(answer, "epochs")
    if isinstance(value, Feedback):
        return value
    target = 1.0 - loss_of_value
    lo, hi = 1.0, 1e6
    for _ in range(200):                               # D'/D falls monotonically with epochs
        mid = math.sqrt(lo * hi)
        if _d_prime(1.0, mid, r_star) / mid > target:
            lo = mid
        else:
            hi = mid
    return _verdict(value, lo, "epochs", 0.01,
                    "solve D'(U, eU)/(eU) = 0.9 for the number of epochs e; the answer "
                    "does not depend on U")


def check_overtrain_tokens(answer, n_params: float, target_loss: float, E: float, A: float,
                           B: float, alpha: float, beta: float) -> Feedback:
    """Exercise 6.3: tokens per parameter a model of ``n_params`` needs to reach ``target_loss``
    under ``E + A/N**alpha + B/D**beta``; recomputed from the inverse in closed form.

    Examples
    --------
    >>> bool(check_overtrain_tokens(20, 1e9, 2.5, 1.8, 300.0, 900.0, 0.3, 0.3))
    False
    """
    value = parse_answer(answer, "tokens per parameter")
    if isinstance(value, Feedback):
        return value
    gap = target_loss - E - A * n_params ** -alpha
    if gap <= 0:
        return Feedback(False, "This target is out of reach for that model size: check the inputs.")
    d = (B / gap) ** (1.0 / beta)
    return _verdict(value, d / n_params, "tokens per parameter", 0.02,
                    "solve L(N, D) = target for D, then divide by N")


def check_data_wall_gap(answer, n_params: float, unique_tokens: float, epochs_a: float,
                        epochs_b: float) -> Feedback:
    """Exercise 6.4: loss at ``epochs_b`` minus loss at ``epochs_a`` for a model of
    ``n_params`` on ``unique_tokens`` under the published law of Muennighoff et al. (2023).

    Examples
    --------
    >>> bool(check_data_wall_gap(0.0, 1e10, 1e11, 4, 16))
    False
    """
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
        return E + A * n_eff ** -al + B * d_eff ** -be

    expected = loss(epochs_b) - loss(epochs_a)
    if abs(value - expected) <= max(0.02 * abs(expected), 2e-4):
        return Feedback(True, f"loss difference = {value:.4g} nats/token: correct.")
    hint = ("compute both losses with the same N and U; only the epochs change"
            if np.sign(value) == np.sign(expected) or value == 0 else
            "more epochs on the same unique data cannot raise the loss under this law: check "
            "the order of the subtraction (later minus earlier)")
    return Feedback(False, f"loss difference = {value:.4g} nats/token is not right. Hint: {hint}.")
