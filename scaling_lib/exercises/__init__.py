"""``check_*`` helpers for the exercises: each tells a student, in words, what is right or wrong.

Every chapter's checks live in a submodule named after the chapter's module
(``scaling_lib.exercises.flops``, ``.kaplan``, ``.chinchilla``, ...) and
are built on :func:`check_close`, so feedback reads the same everywhere.

Two promises hold for every check built on this layer:

- **A check never raises on an answer.** Whatever a student types (``10**400``, ``None``,
  ``NaN``, a string, a list), the answer gets a failing :class:`Feedback` that says what kind of
  answer was expected. Only the check's own settings (``expected``, ``rtol``, ...) raise a
  ``ValueError`` naming the setting, because those are the author's mistake, not the student's.
- **A wrong answer does not reveal the expected value.** Feedback says in which direction and by
  about how much the answer is off (within a factor of 2, of 10, or by so many orders of
  magnitude), so that the student still has something to find.

Checks that take a student's *function* (``check_*(func)``, whose first parameter is named
``func``) call it only through :func:`_run` (or :func:`_call`), which turns whatever the
function does, even ``sys.exit()`` or an exception whose message cannot be printed, into a
failing :class:`Feedback` in words, and reads what it returned as one number
(:func:`parse_answer`) or a tuple of them (:func:`_parse_numbers`). Only ``KeyboardInterrupt``
passes through, so that a student can still stop a function that hangs.
``tests/test_student_functions.py`` finds every such check by its signature and feeds it broken
functions.
"""

from __future__ import annotations

import itertools
import math
import numbers

import numpy as np

__all__ = [
    "Feedback",
    "check_close",
    "parse_answer",
    "parse_choice",
    "parse_collection",
]

_KIND = {"number": "a single finite number (for example 1.5e9)"}


class Feedback(str):
    """A message that is also truthy/falsy: ``bool(feedback)`` is whether the answer is right.

    ``ok`` must be a bool and ``message`` a string (``ValueError`` otherwise).
    """

    ok: bool

    def __new__(cls, ok: bool, message: str):
        if not isinstance(ok, (bool, np.bool_)):
            raise ValueError(f"ok must be True or False, got {_short(ok)}")
        if not isinstance(message, str):
            raise ValueError(f"message must be a str, got {_short(message)}")
        obj = super().__new__(cls, message)
        obj.ok = bool(ok)
        return obj

    def __bool__(self) -> bool:
        return self.ok

    def _repr_markdown_(self) -> str:
        return ("✅ " if self.ok else "❌ ") + str(self)


def _short(value, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters; never raises."""
    try:
        text = repr(value)
    except KeyboardInterrupt:
        raise
    except BaseException:  # a student's broken __repr__, even one that exits
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 4] + " ..."


def _check_name(name) -> None:
    if not isinstance(name, str) or not name:
        raise ValueError(
            f"name must be a non-empty str (what the answer is), got {_short(name)}"
        )


def _kind(value) -> str:
    """What a student gave, in words; never raises, whatever ``value`` does when asked."""
    try:
        return _kind_of(value)
    except Exception:
        return f"an object of type {type(value).__name__}"


def _kind_of(value) -> str:
    if value is None:
        return "nothing (None)"
    if isinstance(value, bool):
        return f"the truth value {value}"
    if isinstance(value, str):
        return f"the text {_short(value)}"
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return f"a {type(value).__name__} {_short(value)}"
    if hasattr(value, "shape") and getattr(value, "ndim", 0):
        return f"an array of shape {value.shape}"
    return _short(value)


def parse_answer(answer, name: str):
    """Return ``answer`` as a finite float, or a failing :class:`Feedback` that says why not.

    Never raises on ``answer``: text that reads as a number (``"2.5"``, ``"1e9"``) is accepted;
    bools, None, NaN, infinities, numbers beyond the range of a float, lists and arrays with
    more than one element give a failing feedback naming what was expected.

    Examples
    --------
    >>> parse_answer("2.5", "N")
    2.5
    >>> print(parse_answer("many", "N"))
    N should be a single finite number (for example 1.5e9), got the text 'many'.
    >>> print(parse_answer(10**400, "N"))
    N should be a single finite number (for example 1.5e9), got a number too large for a float.
    """
    _check_name(name)
    try:
        return _read_number(answer, name)
    except KeyboardInterrupt:
        raise
    except BaseException:  # an object whose methods raise, even SystemExit
        return Feedback(
            False,
            f"{name} should be {_KIND['number']}, got an object of type "
            f"{type(answer).__name__} that cannot be read as a number.",
        )


def _read_number(answer, name: str):
    """The work of :func:`parse_answer`; may raise on a student's object with odd methods."""
    expected = f"{name} should be {_KIND['number']}"
    if (
        isinstance(answer, bool)
        or answer is None
        or isinstance(answer, (dict, set, frozenset))
    ):
        return Feedback(False, f"{expected}, got {_kind(answer)}.")
    if isinstance(answer, (list, tuple)) or (
        hasattr(answer, "ndim") and getattr(answer, "ndim")
    ):
        try:
            size = (
                len(answer)
                if isinstance(answer, (list, tuple))
                else int(answer.size)
            )
        except Exception:
            size = 2
        if size != 1:
            return Feedback(False, f"{expected}, got {_kind(answer)}.")
        try:
            answer = (
                answer[0]
                if isinstance(answer, (list, tuple))
                else np.asarray(answer).ravel()[0]  # a Series has no ravel
            )
        except Exception:
            return Feedback(False, f"{expected}, got {_kind(answer)}.")
        return parse_answer(answer, name)
    if isinstance(answer, complex) or (
        isinstance(answer, numbers.Complex)
        and not isinstance(answer, numbers.Real)
    ):
        return Feedback(
            False, f"{expected}, got the complex number {_short(answer)}."
        )
    try:
        value = float(
            answer.strip().replace("_", "")
            if isinstance(answer, str)
            else answer
        )
    except OverflowError:
        return Feedback(
            False, f"{expected}, got a number too large for a float."
        )
    except (
        Exception
    ):  # TypeError, ValueError, or anything a student's object raises
        return Feedback(False, f"{expected}, got {_kind(answer)}.")
    if not math.isfinite(value):
        return Feedback(False, f"{expected}, got {value!r}.")
    return value


def parse_choice(answer, name: str, choices):
    """Return the element of ``choices`` that ``answer`` names (case and surrounding spaces
    ignored), or a failing :class:`Feedback` that lists the choices; never raises on ``answer``.

    Examples
    --------
    >>> parse_choice(" Inverse ", "verdict", ["positive", "inverse"])
    'inverse'
    >>> print(parse_choice(None, "verdict", ["positive", "inverse"]))
    verdict should be one of ['positive', 'inverse'], got nothing (None).
    """
    _check_name(name)
    if (
        isinstance(choices, (str, bytes))
        or not isinstance(choices, (list, tuple, set, frozenset))
        or not choices
        or not all(isinstance(c, str) for c in choices)
    ):
        raise ValueError(
            f"choices must be a non-empty list of str, got {_short(choices)}"
        )
    choices = list(choices)
    if isinstance(answer, str):
        found = {str(c).lower(): c for c in choices}.get(
            answer.strip().lower()
        )
        if found is not None:
            return found
    return Feedback(
        False, f"{name} should be one of {choices}, got {_kind(answer)}."
    )


def parse_collection(answer, name: str) -> set | Feedback:
    """Return ``answer`` as a set of strings (a list, tuple or set of names), or a failing
    :class:`Feedback`; a single string counts as a set of one. Never raises on ``answer``.

    Examples
    --------
    >>> sorted(parse_collection(["a", "b", "a"], "tasks"))
    ['a', 'b']
    >>> print(parse_collection(3.0, "tasks"))
    tasks should be a list or set of names (for example ['a', 'b']), got 3.0.
    """
    _check_name(name)
    expected = (
        f"{name} should be a list or set of names (for example ['a', 'b'])"
    )
    if isinstance(answer, str):
        return {answer}
    if isinstance(answer, (list, tuple, set, frozenset)):
        if all(isinstance(item, str) for item in answer):
            return set(answer)
        bad = next(item for item in answer if not isinstance(item, str))
        return Feedback(False, f"{expected}, but it holds {_kind(bad)}.")
    return Feedback(False, f"{expected}, got {_kind(answer)}.")


def _parse_numbers(answer, name: str, count: int):
    """Return ``answer`` as a tuple of ``count`` finite floats (a tuple, list or 1-d array), or
    a failing :class:`Feedback` that says why not; never raises on ``answer``.

    Examples
    --------
    >>> _parse_numbers((0.5, "2"), "your (exponent, prefactor)", 2)
    (0.5, 2.0)
    >>> print(_parse_numbers(0.5, "your (exponent, prefactor)", 2))
    your (exponent, prefactor) should be 2 numbers, got 0.5.
    """
    expected = f"{name} should be {count} numbers"
    if answer is None or isinstance(
        answer, (str, bytes, dict, set, frozenset, numbers.Number)
    ):
        return Feedback(False, f"{expected}, got {_kind(answer)}.")
    # a generator a student returns runs only here: read it through the harness too, and
    # never more than count + 1 items (an endless iterator must not fill the memory)
    items, error = _call(
        lambda it: list(itertools.islice(it, count + 1)), answer
    )
    if error is not None:
        return Feedback(
            False,
            f"{expected}; reading what your function returned raised "
            f"{_describe(error)}.",
        )
    if len(items) != count:
        return Feedback(False, f"{expected}, got {_kind(answer)}.")
    values = []
    for i, item in enumerate(items):
        value = parse_answer(item, f"number {i + 1} of {name}")
        if isinstance(value, Feedback):
            return value
        values.append(value)
    return tuple(values)


def _call(func, *args, **kwargs):
    """``(func(*args, **kwargs), None)``, or ``(None, the exception it raised)``.

    A student's code may raise anything, even ``SystemExit`` (``exit()`` in a notebook cell),
    and a check answers with a :class:`Feedback`, never with that exception. Only
    ``KeyboardInterrupt`` passes, so that a function that hangs can still be stopped.

    >>> import sys
    >>> _call(sys.exit, 1)
    (None, SystemExit(1))
    """
    try:
        return func(*args, **kwargs), None
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - any error is the student's to see
        return None, exc


def _said(exc: BaseException) -> str:
    """The message of a student's exception, cut to 120 characters; never raises."""
    text, error = _call(str, exc)
    if error is not None:  # an exception class with a broken __str__
        return f"(its message cannot be printed: {type(error).__name__})"
    return text if len(text) <= 120 else text[:116] + " ..."


def _describe(exc: BaseException) -> str:
    """A student's exception in words: its type and message; never raises.

    >>> _describe(ValueError("x must be positive"))
    'ValueError: x must be positive'
    >>> _describe(SystemExit(1))
    'SystemExit (the code called exit() or sys.exit(); a function should return its answer)'
    """
    if isinstance(exc, SystemExit):
        return (
            "SystemExit (the code called exit() or sys.exit(); a function "
            "should return its answer)"
        )
    said = _said(exc)
    return f"{type(exc).__name__}: {said}" if said else type(exc).__name__


def _not_a_function(func, signature: str) -> Feedback:
    """The feedback for a student who passed something else than a function.

    >>> print(_not_a_function(None, "fit(x, y)"))  # doctest: +ELLIPSIS
    The answer should be a function fit(x, y): pass the function itself ..., got nothing (None).
    """
    return Feedback(
        False,
        f"The answer should be a function {signature}: pass the function "
        f"itself (its name, without parentheses), got {_kind(func)}.",
    )


def _run(
    func,
    *args,
    on: str,
    usage: str,
    returns: str | None = None,
    count: int = 1,
    **kwargs,
):
    """Call a student's function: ``(its result, None)``, or ``(None, a failing Feedback)``
    that says, in words, what it raised on which case (``on``) and what it should be
    (``usage``; a wrong number of arguments shows as the ``TypeError`` Python gives).

    With ``returns`` (what the function returns, in words), the result is also read as one
    number (``count=1``, :func:`parse_answer`) or a tuple of ``count`` numbers
    (:func:`_parse_numbers`), and anything else gets a failing Feedback.

    >>> def fit(x, y):
    ...     raise ValueError("no data")
    >>> print(_run(fit, [1.0], [2.0], on="an exact law", usage="fit(x, y)")[1])
    On an exact law your function raised ValueError: no data. It should be fit(x, y).
    >>> print(_run(lambda x: "0.5", 1.0, on="x = 1", usage="f(x)", returns="f(x)"))
    (0.5, None)
    """
    got, error = _call(func, *args, **kwargs)
    if error is not None:
        return None, Feedback(
            False,
            f"On {on} your function raised {_describe(error)}. "
            f"It should be {usage}.",
        )
    if returns is None:
        return got, None
    value = (
        parse_answer(got, returns)
        if count == 1
        else _parse_numbers(got, returns, count)
    )
    if isinstance(value, Feedback):  # None, a str, NaN, an array: say so
        return None, Feedback(False, f"On {on}, {value}")
    return value, None


def _setting(value, name: str) -> float:
    """A check's own numeric setting: a real, finite number (not text), else ``ValueError``."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, numbers.Real
    ):
        raise ValueError(
            f"{name} must be a finite number, got {_short(value)}"
        )
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(
            f"{name} must be a finite number, got {_short(value)}"
        )
    return number


def _how_far(value: float, expected: float, rtol: float) -> str:
    """Direction and rough size of an error, in words that do not give ``expected`` away."""
    if expected != 0 and (value == 0 or (value > 0) != (expected > 0)):
        return "has the wrong sign" if value != 0 else "should not be 0"
    if expected == 0:
        return "is too high" if value > 0 else "is too low"
    # the ratio in log space: value / expected itself can overflow (1e300 / 1e-300) or
    # underflow to 0, for numbers a student can type
    log_ratio = math.log10(abs(value)) - math.log10(abs(expected))
    if expected > 0:
        direction = "high" if log_ratio > 0 else "low"
    else:  # both negative: -1 against -0.5 is too low, and too large in magnitude
        direction = (
            "large in magnitude" if log_ratio > 0 else "small in magnitude"
        )
    decades = abs(log_ratio)
    if decades >= 0.95:
        n = round(decades)
        return (
            f"is about {n} order{'s' * (n != 1)} of magnitude too {direction}"
        )
    if decades >= math.log10(2):
        return f"is too {direction} by a factor between 2 and 10"
    return f"is too {direction}, by less than a factor of 2 (tolerance {100 * rtol:.3g} %)"


def check_close(
    answer,
    expected: float,
    *,
    name: str,
    rtol: float = 0.02,
    unit: str = "",
    hint: str = "",
) -> Feedback:
    """Compare a student's number with the expected one, within relative tolerance ``rtol``.

    Never raises on ``answer`` (see :func:`parse_answer`); a wrong answer is told its
    direction and rough size but not the expected value. ``expected`` must be a finite number,
    ``rtol`` a number in [0, 1) and ``name``, ``unit`` and ``hint`` strings (``ValueError``
    naming the setting otherwise).

    Examples
    --------
    >>> bool(check_close(101, 100, name="N"))
    True
    >>> print(check_close(150, 100, name="N", hint="count embeddings?"))
    N = 150 is too high, by less than a factor of 2 (tolerance 2 %). Hint: count embeddings?
    >>> print(check_close(1.5e11, 1e9, name="N"))
    N = 1.5e+11 is about 2 orders of magnitude too high.
    >>> print(check_close(-1.0, -0.5, name="z"))
    z = -1 is too large in magnitude by a factor between 2 and 10.
    """
    if (
        not isinstance(name, str)
        or not isinstance(unit, str)
        or not isinstance(hint, str)
    ):
        which = next(
            k
            for k, v in (("name", name), ("unit", unit), ("hint", hint))
            if not isinstance(v, str)
        )
        raise ValueError(
            f"{which} must be a str, got {_short(locals()[which])}"
        )
    exp, tol = _setting(expected, "expected"), _setting(rtol, "rtol")
    if not 0 <= tol < 1:
        raise ValueError(
            f"rtol must be a number in [0, 1), got {_short(rtol)}"
        )
    value = parse_answer(answer, name)
    if isinstance(value, Feedback):
        return value
    u = f" {unit}" if unit else ""
    close = (
        abs(value - exp) <= tol * abs(exp) if exp != 0 else abs(value) <= tol
    )
    if close:
        return Feedback(
            True, f"{name} = {value:.4g}{u}: correct (expected {exp:.4g}{u})."
        )
    msg = f"{name} = {value:.4g}{u} {_how_far(value, exp, tol)}."
    if hint:
        msg += f" Hint: {hint}"
    return Feedback(False, msg)
