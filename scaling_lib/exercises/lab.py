"""Checks for the scaling lab (notebooks/07_scaling_lab.ipynb).

Each check builds its own test cases, computes the expected answer by construction (never with
the library function a solution might call), and answers in words without giving the answer
away. Autograder tests assert on the returned :class:`~scaling_lib.exercises.Feedback`.
"""

from __future__ import annotations

import numpy as np

from .._validation import as_instance, as_int, as_rng
from ..lab import Lab
from . import Feedback, _call, _describe, _not_a_function, _run, parse_answer

__all__ = ["check_vertex", "check_study"]

_USAGE = (
    "vertex_log_n(n_params, loss) returning N at the minimum of the parabola"
)


def check_vertex(func, *, rng=0) -> Feedback:
    """Check a student's ``func(n_params, loss) -> N at the minimum of the parabola in log N``.

    The cases are exact parabolas ``L = L0 + k (log N - log N*)**2`` with known ``N*`` (so the
    answer is known by construction), one with points given out of order, one with seven
    points off the parabola by a known symmetric pattern (least squares must still find
    ``N*``), and a parabola that opens downwards, for which ``func`` must raise ``ValueError``.

    Never raises on ``func``: a value that is not a function, a function that raises (even
    ``SystemExit``) or returns something else than one positive number gets a failing
    feedback that says so. ``rng`` (SPEC 7) draws the cases.

    Examples
    --------
    >>> bool(check_vertex(lambda n, loss: np.asarray(n)[np.argmin(loss)]))
    False
    """
    rng = as_rng(rng)
    if not callable(func):
        return _not_a_function(func, "vertex_log_n(n_params, loss)")
    cases = []
    for _ in range(3):
        log_star = rng.uniform(15, 22)
        u = (
            log_star
            + rng.uniform(-0.6, 0.6)
            + np.linspace(-2.3, 2.3, int(rng.integers(4, 9)))
        )
        cases.append(
            (
                u,
                2.5 + rng.uniform(0.02, 0.2) * (u - log_star) ** 2,
                log_star,
                "an exact parabola",
            )
        )
    u, loss, log_star, _ = cases[0]
    order = rng.permutation(u.size)
    cases.append(
        (u[order], loss[order], log_star, "points given out of order")
    )
    # symmetric deviations about N* (+, -, +, ... mirrored) leave the least-squares vertex at N*
    log_star = 19.0
    off = np.linspace(-1.5, 1.5, 7)
    wiggle = 0.004 * np.array([1, -1, 1, 0, 1, -1, 1])
    cases.append(
        (
            log_star + off,
            3.0 + 0.05 * off**2 + wiggle,
            log_star,
            "seven points off an exact parabola (least squares, not interpolation)",
        )
    )
    for u, loss, log_star, what in cases:
        got, failed = _run(
            func,
            np.exp(u),
            loss.copy(),
            on=what,
            usage=_USAGE,
            returns="the N your function returns",
        )
        if failed is not None:
            return failed
        if got <= 0:
            return Feedback(
                False,
                f"On {what} your function returned {got:.3g}; it should "
                "be a positive number of parameters N (not log N).",
            )
        if abs(np.log(got) - log_star) > 1e-6:
            hint = (
                "you may have returned log N instead of N"
                if abs(got - log_star) < 1e-3
                else "fit the parabola in log N (not N) by least squares and take its "
                "vertex -b / (2c); the lowest point of the data is not the vertex"
            )
            return Feedback(
                False,
                f"On {what} the minimum you found is not right. Hint: {hint}.",
            )
    u = np.linspace(17, 20, 5)
    _, error = _call(func, np.exp(u), 3.0 - 0.1 * (u - 18.5) ** 2)
    if error is not None and not isinstance(error, ValueError):
        return Feedback(
            False,
            "A parabola that opens downwards should be refused with ValueError, "
            f"yours raised {_describe(error)}.",
        )
    if error is None:
        return Feedback(
            False,
            "A parabola that opens downwards has no minimum: raise "
            "ValueError (with a message) instead of returning its maximum.",
        )
    return Feedback(
        True,
        f"Your function finds all {len(cases)} vertices and refuses a parabola "
        "with no minimum.",
    )


def check_study(
    lab: Lab, n_opt, loss, *, min_budgets: int = 3, min_sizes: int = 5
) -> Feedback:
    """Check the design of a scaling study and the form of its prediction (not its accuracy,
    which :meth:`scaling_lib.lab.Lab.grade` scores).

    The runs must include at least ``min_budgets`` IsoFLOP budgets (runs of equal ``6ND``
    within 1 %) of at least ``min_sizes`` model sizes each, and the predictions must be a
    positive number of parameters and a loss in nats.

    ``lab`` is the student's :class:`~scaling_lib.lab.Lab`; ``min_budgets`` (2 to 1000: a
    power law through the minima needs two) and ``min_sizes`` (3 to 1000: a parabola has
    three coefficients) are the check's settings and raise ``ValueError`` when wrong. The
    answers ``n_opt`` and ``loss`` never raise: anything else than two numbers gets a
    failing feedback that says so.
    """
    lab = as_instance(lab, "lab", Lab, what="a scaling_lib.lab.Lab")
    min_budgets = as_int(min_budgets, "min_budgets", minimum=2, maximum=1000)
    min_sizes = as_int(min_sizes, "min_sizes", minimum=3, maximum=1000)
    runs = lab.runs
    if len(runs) == 0:
        return Feedback(
            False,
            "The lab has no runs yet: train your IsoFLOP grid with lab.train.",
        )
    key = np.round(np.log(runs.compute.to_numpy()) / np.log(1.01))
    sizes = runs.assign(budget=key).groupby("budget").n_params.nunique()
    full = int((sizes >= min_sizes).sum())
    if full < min_budgets:
        return Feedback(
            False,
            f"Only {full} budget(s) have {min_sizes} or more model sizes at "
            f"equal compute; an IsoFLOP analysis needs at least {min_budgets}.",
        )
    parsed = [parse_answer(n_opt, "N_opt"), parse_answer(loss, "the loss")]
    for answer in parsed:
        if isinstance(answer, Feedback):
            return Feedback(
                False,
                "Your predictions should be two numbers, N_opt and the loss: "
                f"{answer}",
            )
    n_opt, loss = parsed
    if n_opt <= 1:
        return Feedback(
            False,
            "The predicted N_opt should be a number of parameters (> 1).",
        )
    if not 0 < loss < 20:
        return Feedback(
            False,
            "The predicted loss should be in nats per token, a few nats.",
        )
    if n_opt < runs.n_params.max():
        return Feedback(
            False,
            "Your N_opt is smaller than a model you trained, for a budget "
            "far larger than any of your runs: it is too small, check the "
            "extrapolation.",
        )
    return Feedback(
        True,
        f"{len(runs)} runs on {full} IsoFLOP budgets, "
        f"{lab.remaining_flops / lab.budget_flops:.0%} of the budget left; "
        "prediction well formed.",
    )
