"""Checks for the exercises of Chapter 5 (inverse scaling).

Each check fixes the inputs its exercise states (it loads the shipped data itself) and computes
the expected answer by its own route: plain arithmetic on the data, its own Paule-Mandel
bisection and weighted ``numpy.polyfit``, a root finder, the distribution of a paired
difference, or the published table. Feedback says what is wrong and in which direction; it does
not print the expected value.
"""

from __future__ import annotations

import math
from functools import lru_cache

from .._validation import as_choice, as_float, as_positive_int
from . import (
    Feedback,
    _not_a_function,
    _run,
    _short,
    check_close,
    parse_collection,
)

__all__ = [
    "check_labels",
    "check_z_score",
    "check_endpoint_z",
    "check_paule_mandel",
    "check_threshold_changes",
    "check_turning_point",
    "check_bh_p",
    "check_recovery_size",
    "check_paired_se",
]


def check_labels(answer, expected) -> Feedback:
    """Compare a set of task ids (for example "the tasks whose verdict changed"). A wrong answer
    is told how many are missing and how many are extra, not which.

    Examples
    --------
    >>> print(check_labels({"a", "b"}, {"a", "c"}))
    Not quite: 1 expected task(s) missing, 1 listed that should not be.
    """
    given = parse_collection(answer, "your answer")
    if isinstance(given, Feedback):
        return given
    want = parse_collection(expected, "expected")
    if isinstance(want, Feedback):
        raise ValueError(
            f"expected must be a list or set of names, got {expected!r}"
        )
    if given == want:
        return Feedback(True, f"Correct: {len(want)} task(s).")
    return Feedback(
        False,
        f"Not quite: {len(want - given)} expected task(s) missing, "
        f"{len(given - want)} listed that should not be.",
    )


def check_z_score(answer, expected: float) -> Feedback:
    """Check a z score of a change in accuracy (within 2 %)."""
    return check_close(
        answer,
        expected,
        name="z",
        rtol=0.02,
        hint="z = (last - first) / sqrt(se_first**2 + se_last**2); the sign "
        "is negative when accuracy falls.",
    )


def _final(task: str):
    from ..data import INVERSE_TASKS, load_inverse_scaling

    task = as_choice(task, "task", list(INVERSE_TASKS))
    frame = load_inverse_scaling()
    g = frame[(frame.task == task) & frame.final].sort_values("n_params")
    if g.empty:
        raise ValueError(
            f"task must be a task of load_inverse_scaling(), got {task!r}"
        )
    return g


def check_endpoint_z(answer, task: str = "truthfulqa_mc2") -> Feedback:
    """Check the z score of the change from the 70M to the 12B model at the final checkpoint of
    ``task``, computed here from the shipped data by plain arithmetic."""
    g = _final(task)
    a, b = float(g.accuracy.iloc[0]), float(g.accuracy.iloc[-1])
    sa, sb = float(g.accuracy_se.iloc[0]), float(g.accuracy_se.iloc[-1])
    return check_z_score(answer, (b - a) / math.sqrt(sa * sa + sb * sb))


# --- an independent Paule-Mandel and weighted parabola, for the checks --------------------


def _wrss(u, y, var, degree):
    """Weighted residual sum of squares and coefficients (highest power first), by
    ``numpy.polyfit`` with weights 1/sd: a different route from the library's normal matrix."""
    import numpy as np

    coef = np.polyfit(u, y, degree, w=1.0 / np.sqrt(var))
    r = y - np.polyval(coef, u)
    return float(np.sum(r * r / var)), coef


def _pm_tau2(u, y, se, degree, min_se=1e-3):
    """Paule-Mandel tau**2 by bisection on a log grid (200 halvings)."""
    import numpy as np

    base = np.maximum(np.asarray(se, float), min_se) ** 2
    dof = len(u) - degree - 1
    if _wrss(u, y, base, degree)[0] <= dof:
        return 0.0
    lo, hi = 0.0, 1.0
    while _wrss(u, y, base + hi, degree)[0] > dof:
        hi *= 4
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (
            (mid, hi)
            if _wrss(u, y, base + mid, degree)[0] > dof
            else (lo, mid)
        )
    return (lo + hi) / 2


def check_paule_mandel(func) -> Feedback:
    """Call a student's ``func(u, y, se, degree)``, which returns the Paule-Mandel ``tau**2``
    (no floor on ``se``), on generated cases and compare with a bisection computed here.

    The cases: points that scatter around a line by more than their standard errors (tau**2
    > 0), points that do not (tau**2 = 0), unequal standard errors, and a parabola (degree 2).
    """
    import numpy as np

    if not callable(func):
        return _not_a_function(func, "pm_tau2(u, y, se, degree)")
    usage = "pm_tau2(u, y, se, degree) returning tau^2, a finite number >= 0"
    rng = np.random.default_rng(5)
    u = np.linspace(-1, 1, 8)
    cases = [
        (
            "points scattered around a line",
            u,
            0.5 - 0.1 * u + rng.normal(0, 0.05, 8),
            np.full(8, 0.01),
            1,
        ),
        (
            "points within their error bars",
            u,
            0.5 - 0.1 * u + rng.normal(0, 0.002, 8),
            np.full(8, 0.01),
            1,
        ),
        (
            "unequal standard errors",
            u,
            0.3 + 0.2 * u + rng.normal(0, 0.04, 8),
            rng.uniform(0.005, 0.03, 8),
            1,
        ),
        (
            "a parabola (degree 2)",
            u,
            0.7 - 0.3 * u**2 + rng.normal(0, 0.05, 8),
            np.full(8, 0.015),
            2,
        ),
    ]
    for name, cu, cy, cse, degree in cases:
        want = _pm_tau2(cu, cy, cse, degree, min_se=0.0)
        got, failed = _run(
            func,
            cu.copy(),
            cy.copy(),
            cse.copy(),
            degree,
            on=name,
            usage=usage,
            returns="the tau^2 your function returns",
        )
        if failed is not None:
            return failed
        if want == 0.0:
            if abs(got) > 1e-10:
                return Feedback(
                    False,
                    f"On {name} tau^2 should be 0: when Q(0) is already at "
                    "most n - k, no extra variance is added.",
                )
            continue
        if not abs(got - want) <= 1e-4 * want:
            side = "high" if got > want else "low"
            return Feedback(
                False,
                f"On {name} your tau^2 is too {side}. Hint: solve "
                "sum(w r^2) = n - k with w = 1/(se^2 + tau^2), refitting the "
                "weighted polynomial at each trial tau^2; k = degree + 1.",
            )
    return Feedback(
        True, f"All {len(cases)} cases agree with the reference tau^2."
    )


def check_threshold_changes(answer) -> Feedback:
    """Check the tasks whose verdict along size changes from the defaults to ``alpha=0.01``,
    ``min_effect=0.02``, classifying each task here on the shipped data."""
    return check_labels(answer, _threshold_changes())


@lru_cache(maxsize=1)
def _threshold_changes() -> frozenset:
    """The tasks of :func:`check_threshold_changes`, computed once: the data are shipped."""
    from ..data import load_inverse_scaling
    from ..inverse import classify_trend

    frame = load_inverse_scaling()
    changed = []
    for task, g in frame[frame.final].groupby("task"):
        g = g.sort_values("n_params")
        args = (g.n_params, g.accuracy, g.accuracy_se)
        if (
            classify_trend(*args).label
            != classify_trend(*args, alpha=0.01, min_effect=0.02).label
        ):
            changed.append(task)
    return frozenset(changed)


def check_turning_point(answer, *, along: str = "size") -> Feedback:
    """Check the turning point of Resisting Correction's fitted parabola: across model sizes at
    the final checkpoint (``along="size"``, in parameters) or across the 12B model's checkpoints
    (``along="training"``, in tokens). Computed here with its own Paule-Mandel bisection and a
    weighted ``numpy.polyfit`` (standard errors floored at 0.001, as in the chapter's test)."""
    import numpy as np

    from ..data import load_inverse_scaling

    along = as_choice(along, "along", ("size", "training"))
    frame = load_inverse_scaling()
    g = frame[frame.task == "isp_resisting_correction"]
    if along == "size":
        g, col, unit = (
            g[g.final].sort_values("n_params"),
            "n_params",
            "parameters",
        )
    else:
        g, col, unit = (
            g[g["size"] == "12b"].sort_values("n_tokens"),
            "n_tokens",
            "tokens",
        )
    x = np.log10(g[col].to_numpy(float))
    center, half = (x.max() + x.min()) / 2, (x.max() - x.min()) / 2
    u, y = (x - center) / half, g.accuracy.to_numpy(float)
    se = np.maximum(g.accuracy_se.to_numpy(float), 1e-3)
    tau2 = _pm_tau2(u, y, se, 2)
    b2, b1, _ = _wrss(u, y, se**2 + tau2, 2)[1]
    expected = 10 ** (center + half * (-b1 / (2 * b2)))
    return check_close(
        answer,
        expected,
        name="turning point",
        rtol=0.05,
        unit=unit,
        hint="turning_x is log10 of the scale: take 10**turning_x.",
    )


def check_bh_p(answer) -> Feedback:
    """Check the Benjamini-Hochberg p-value of NeQA's interaction against the published table of
    Michaelov & Bergen (2023): 0.034 (within 5 %, the rounding of their t values)."""
    return check_close(
        answer,
        0.034,
        name="corrected p",
        rtol=0.05,
        hint="multiply the k-th smallest of the 36 p-values by 36/k, then take "
        "the running minimum from the largest down.",
    )


def check_recovery_size(answer, *, loss_true: float = 1.95) -> Feedback:
    """Check the size at which the distractor toy is back at chance on the way up, for a real
    task that switches on at ``loss_true``: at that point the distractor is fully learned, so
    accuracy is 0.5 where ``p_t = 0.5``, where the Hoffmann et al. (2022) loss along
    ``D = 20 N`` equals ``loss_true``. Solved here with a root finder, within 10 % (the
    notebook's answer is read off a grid)."""
    from scipy.optimize import brentq

    from ..chinchilla import HOFFMANN_2022

    law = HOFFMANN_2022

    def loss(log_n):  # eq. (2) with the fitted constants, along D = 20 N
        n = 10.0**log_n
        return law.E + law.A / n**law.alpha + law.B / (20 * n) ** law.beta

    # the root is searched between 1e6 and 1e13 parameters: the threshold must lie between
    # the law's losses there
    low, high = loss(13.0), loss(6.0)
    loss_true = as_float(loss_true, "loss_true")
    if not low < loss_true < high:
        raise ValueError(
            f"loss_true must lie between the law's losses at 1e13 and at 1e6 "
            f"parameters along D = 20 N ({low:.4g} < loss_true < {high:.4g}), "
            f"got {_short(loss_true)}"
        )
    expected = 10 ** brentq(lambda x: loss(x) - loss_true, 6.0, 13.0)
    return check_close(
        answer,
        expected,
        name="N at recovery",
        rtol=0.1,
        unit="parameters",
        hint="find the N at which the Chinchilla loss along D = 20 N equals "
        f"the new threshold, {loss_true:g}.",
    )


def check_paired_se(
    answer,
    *,
    n_items: int = 400,
    p_a: float = 0.80,
    p_b: float = 0.70,
    p_both: float = 0.65,
) -> Feedback:
    """Check the standard error of ``acc_B - acc_A`` for two models scored on the same
    ``n_items`` items, right on ``p_a`` and ``p_b`` of them and both right on ``p_both``.

    Computed here from the distribution of the per-item difference ``d = b - a`` (which is
    +1, 0 or -1), not from the covariance formula a solution derives.

    Examples
    --------
    Two models right on the same half of the items always score the same, so the difference
    has no spread:

    >>> bool(check_paired_se(0.0, p_a=0.5, p_b=0.5, p_both=0.5))
    True
    >>> check_paired_se(0.02, p_a=0.6)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: p_both = 0.65 exceeds p_a = 0.6: both models cannot be right on more ...
    """
    n_items = as_positive_int(n_items, "n_items", maximum=10**12)
    p_a = as_float(p_a, "p_a", low=0, high=1)
    p_b = as_float(p_b, "p_b", low=0, high=1)
    p_both = as_float(p_both, "p_both", low=0, high=1)
    _check_overlap(p_a, p_b, p_both)
    up = max(p_b - p_both, 0.0)  # B right, A wrong: d = +1
    down = max(p_a - p_both, 0.0)  # A right, B wrong: d = -1
    mean = up - down
    var = max(up + down - mean**2, 0.0)  # E[d^2] - E[d]^2
    return check_close(
        answer,
        math.sqrt(var / n_items),
        name="paired standard error",
        rtol=0.01,
        hint="Var(b - a) = Var(a) + Var(b) - 2 Cov(a, b), per item, "
        "then divide by the number of items; Cov(a, b) = "
        "P(both right) - p_a p_b.",
    )


def _check_overlap(p_a: float, p_b: float, p_both: float, tol: float = 1e-12):
    """``p_both`` must be a possible overlap of ``p_a`` and ``p_b``:
    ``max(0, p_a + p_b - 1) <= p_both <= min(p_a, p_b)`` (up to rounding). The message names
    every argument of the broken inequality, since any of them may be the one to change.

    Examples
    --------
    >>> _check_overlap(0.0, 0.7, 0.65)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: p_both = 0.65 exceeds p_a = 0: both models cannot be right on more ...
    """
    for name, model, p in (("p_a", "A", p_a), ("p_b", "B", p_b)):
        if p_both > p + tol:
            raise ValueError(
                f"p_both = {p_both:g} exceeds {name} = {p:g}: both models cannot "
                f"be right on more items than model {model} alone; lower p_both "
                f"or raise {name}"
            )
    if p_both < p_a + p_b - 1 - tol:
        raise ValueError(
            f"p_a = {p_a:g} and p_b = {p_b:g} overlap on at least "
            f"p_a + p_b - 1 = {p_a + p_b - 1:g} of the items, got "
            f"p_both = {p_both:g}; raise p_both or lower p_a or p_b"
        )
