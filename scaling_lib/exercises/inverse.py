"""``check_*`` helpers for the exercises of Chapter 5 (inverse scaling)."""

from __future__ import annotations

from ..inverse import TREND_LABELS, classify_trend, endpoint_change
from . import Feedback, check_close

__all__ = ["check_label", "check_labels", "check_z_score", "check_endpoint_z",
           "check_turning_point", "check_value"]


def check_label(answer, expected: str, *, name: str) -> Feedback:
    """Compare a verdict such as ``"inverse"`` with the expected one.

    Examples
    --------
    >>> bool(check_label("Inverse", "inverse", name="memo trap"))
    True
    >>> print(check_label("flat", "inverse", name="memo trap"))
    memo trap: you said 'flat', the classifier says 'inverse'.
    """
    if expected not in TREND_LABELS:
        raise ValueError(f"expected must be one of {TREND_LABELS}, got {expected!r}")
    given = str(answer).strip()
    match = {k.lower(): k for k in TREND_LABELS}.get(given.lower())
    if match is None:
        return Feedback(False, f"{name}: {given!r} is not a verdict; use one of {TREND_LABELS}.")
    if match == expected:
        return Feedback(True, f"{name}: {expected}, correct.")
    return Feedback(False, f"{name}: you said {given!r}, the classifier says {expected!r}.")


def check_labels(answer, expected) -> Feedback:
    """Compare a set of task ids (for example "the tasks whose verdict changed").

    Examples
    --------
    >>> print(check_labels({"a", "b"}, {"a", "c"}))
    Not quite: missing ['c']; not expected ['b'].
    """
    given, want = set(answer), set(expected)
    if given == want:
        return Feedback(True, f"Correct: {sorted(want)}.")
    return Feedback(False, f"Not quite: missing {sorted(want - given)}; not expected "
                           f"{sorted(given - want)}.")


def check_z_score(answer, expected: float) -> Feedback:
    """Check a z score of a change in accuracy (within 2 %)."""
    return check_close(answer, expected, name="z", rtol=0.02,
                       hint="z = (last - first) / sqrt(se_first**2 + se_last**2); the sign "
                            "is negative when accuracy falls.")


def _final_task(frame, task):
    g = frame[(frame.task == task) & frame.final].sort_values("n_params")
    if g.empty:
        raise ValueError(f"task {task!r} is not in frame")
    return g


def check_endpoint_z(answer, frame, task: str) -> Feedback:
    """Check the z score of the change from the smallest to the largest model at the final
    checkpoint of ``task`` (``frame`` from ``load_inverse_scaling()``)."""
    g = _final_task(frame, task)
    _, _, z = endpoint_change(g.accuracy.iloc[0], g.accuracy_se.iloc[0], g.accuracy.iloc[-1],
                              g.accuracy_se.iloc[-1])
    return check_z_score(answer, z)


def check_turning_point(answer, frame, task: str) -> Feedback:
    """Check the turning point, in parameters, of the fitted parabola of ``task`` across model
    sizes at the final checkpoint (within 5 %)."""
    g = _final_task(frame, task)
    res = classify_trend(g.n_params, g.accuracy, g.accuracy_se)
    return check_close(answer, 10**res.turning_x, name="turning point", rtol=0.05,
                       unit="parameters",
                       hint="turning_x is log10 of the scale: take 10**turning_x.")


def check_value(answer, expected: float, *, name: str, rtol: float = 0.02, unit: str = "",
                hint: str = "") -> Feedback:
    """Thin wrapper of :func:`scaling_lib.exercises.check_close` for the chapter's numbers."""
    return check_close(answer, expected, name=name, rtol=rtol, unit=unit, hint=hint)
