"""``check_*`` helpers for the exercises: each tells a student, in words, what is right or wrong.

A chapter's checks live in a submodule named after its library module (``scaling_lib.exercises.flops``,
``.kaplan``, ...; chapter 0 has none yet) and are built on :func:`check_close`, so feedback reads the
same everywhere.
"""

from __future__ import annotations

import math

__all__ = ["Feedback", "check_close", "parse_answer"]


class Feedback(str):
    """A message that is also truthy/falsy: ``bool(feedback)`` is whether the answer is right."""

    ok: bool

    def __new__(cls, ok: bool, message: str):
        obj = super().__new__(cls, message)
        obj.ok = bool(ok)
        return obj

    def __bool__(self) -> bool:
        return self.ok

    def _repr_markdown_(self) -> str:
        return ("✅ " if self.ok else "❌ ") + str(self)


def parse_answer(answer, name: str):
    """Return ``answer`` as a finite float, or a failing :class:`Feedback` that says why not.

    Examples
    --------
    >>> parse_answer("2.5", "N")
    2.5
    >>> print(parse_answer("many", "N"))
    N should be a number, got 'many'.
    """
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Feedback(False, f"{name} should be a number, got {answer!r}.")
    if not math.isfinite(value):
        return Feedback(False, f"{name} should be a finite number, got {value!r}.")
    return value


def check_close(answer, expected: float, *, name: str, rtol: float = 0.02, unit: str = "",
                hint: str = "") -> Feedback:
    """Compare a student's number with the expected one, within relative tolerance ``rtol``.

    Examples
    --------
    >>> bool(check_close(101, 100, name="N"))
    True
    >>> print(check_close(150, 100, name="N", hint="did you count embeddings?"))
    N = 150 is 50% too high (expected about 100). Hint: did you count embeddings?
    """
    value = parse_answer(answer, name)
    if isinstance(value, Feedback):
        return value
    u = f" {unit}" if unit else ""
    rel = (value - expected) / abs(expected) if expected != 0 else value
    if abs(rel) <= rtol:
        return Feedback(True, f"{name} = {value:.4g}{u}: correct (expected {expected:.4g}{u}).")
    direction = "high" if rel > 0 else "low"
    msg = f"{name} = {value:.4g}{u} is {abs(rel):.0%} too {direction} (expected about {expected:.4g}{u})."
    if hint:
        msg += f" Hint: {hint}"
    return Feedback(False, msg)
