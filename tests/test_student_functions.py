"""Every check that takes a student's function answers anything a student can write with a
failing Feedback, never with an exception, and gives full marks to the notebooks' solutions.

The checks are found, not listed: every ``check_*`` of ``scaling_lib.exercises`` and its
submodules whose first parameter is named ``func``. The correct function for each is the one
its chapter's notebook defines in an nbgrader solution cell (only the ``def``, run here on its
own), so the test does not share the check's reference code.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import math
import pkgutil
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

import scaling_lib.exercises as exercises
from scaling_lib.exercises import Feedback

ROOT = Path(__file__).resolve().parent.parent


def _function_checks() -> dict:
    """``{qualified name: check}`` for every check whose first parameter is ``func``."""
    modules = [exercises] + [
        importlib.import_module(f"{exercises.__name__}.{info.name}")
        for info in pkgutil.iter_modules(exercises.__path__)
    ]
    found = {}
    for module in modules:
        for name, obj in vars(module).items():
            if (
                name.startswith("check_")
                and inspect.isfunction(obj)
                and obj.__module__ == module.__name__
                and list(inspect.signature(obj).parameters)[:1] == ["func"]
            ):
                found[f"{module.__name__}.{name}"] = obj
    return found


CHECKS = _function_checks()


def _solution(check_name: str):
    """The function a notebook passes to ``check_name``, defined by its solution cell."""
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        called = {
            m.group(1)
            for c in cells
            if c.cell_type == "code"
            for m in re.finditer(rf"\b{check_name}\((\w+)\)", c.source)
        }
        for cell in cells:
            if cell.cell_type != "code" or not cell.metadata.get(
                "nbgrader", {}
            ).get("solution"):
                continue
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.FunctionDef) and node.name in called:
                    namespace = {"np": np, "math": math}
                    exec(  # noqa: S102 - the course's own solution cell
                        compile(ast.Module([node], []), str(path), "exec"),
                        namespace,
                    )
                    return namespace[node.name]
    raise LookupError(
        f"no notebook solution cell defines the function passed to {check_name}"
    )


class _Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("this message cannot be printed")


class _ExitsOnFloat:
    def __float__(self):
        raise SystemExit(3)


def _raises(exc):
    def func(*args, **kwargs):
        raise exc

    return func


def _exiting_numbers(*args, **kwargs):
    yield 1.0
    raise SystemExit(2)


# (what the student wrote, the function, words the feedback must contain or None)
BAD = [
    ("None", None, "should be a function"),
    ("the number 3", 3, "should be a function"),
    ("the text 'f'", "f", "should be a function"),
    (
        "raises ValueError",
        _raises(ValueError("not today")),
        "ValueError: not today",
    ),
    ("raises SystemExit", _raises(SystemExit(1)), "SystemExit"),
    (
        "raises an unprintable exception",
        _raises(_Unprintable()),
        "cannot be printed",
    ),
    ("returns None", lambda *a, **k: None, None),
    ("returns a str", lambda *a, **k: "forty-two", None),
    ("returns NaN", lambda *a, **k: float("nan"), None),
    ("returns (NaN, NaN)", lambda *a, **k: (float("nan"), float("nan")), None),
    (
        "returns an array of shape (3, 4)",
        lambda *a, **k: np.zeros((3, 4)),
        None,
    ),
    ("returns a number that exits", lambda *a, **k: _ExitsOnFloat(), None),
    ("returns a generator that exits", _exiting_numbers, None),
    ("takes no argument", lambda: 1.0, "TypeError"),
    ("takes one argument", lambda x: 1.0, "TypeError"),
]


def test_the_nine_function_checks_are_found():
    assert len(CHECKS) >= 9, sorted(CHECKS)
    assert "scaling_lib.exercises.lab.check_vertex" in CHECKS


@pytest.mark.parametrize("what, func, words", BAD, ids=[b[0] for b in BAD])
@pytest.mark.parametrize("qualname", sorted(CHECKS))
def test_a_bad_function_gets_a_failing_feedback(qualname, what, func, words):
    feedback = CHECKS[qualname](func)  # must not raise
    assert isinstance(feedback, Feedback), type(feedback)
    assert not feedback, f"{what} passed: {feedback}"
    assert len(str(feedback)) > 20
    if words is not None:
        assert words in str(feedback), str(feedback)


@pytest.mark.parametrize("qualname", sorted(CHECKS))
def test_the_notebook_solution_gets_full_marks(qualname):
    check = CHECKS[qualname]
    feedback = check(_solution(check.__name__))
    assert isinstance(feedback, Feedback) and feedback, str(feedback)


@pytest.mark.parametrize("qualname", sorted(CHECKS))
def test_a_student_can_still_stop_a_hanging_function(qualname):
    with pytest.raises(KeyboardInterrupt):
        CHECKS[qualname](_raises(KeyboardInterrupt()))


def test_a_near_miss_is_not_full_marks():
    # plausible wrong answers, not broken ones: a prefactor of the wrong sign
    from scaling_lib.exercises.kaplan import check_loglog_fit

    def negative_prefactor(x, y):
        slope, intercept = np.polyfit(np.log(x), np.log(y), 1)
        if np.ptp(np.log(x)) == 0:
            raise ValueError("x must vary")
        return slope, -np.exp(intercept)

    assert not check_loglog_fit(negative_prefactor)


def test_an_answer_that_raises_when_inspected_gets_feedback():
    from scaling_lib.exercises import parse_choice, parse_collection

    class Odd:  # every attribute lookup raises
        def __getattr__(self, key):
            raise RuntimeError("boom")

    for out in (
        parse_collection(Odd(), "t"),
        parse_collection([Odd()], "t"),
        parse_choice(Odd(), "v", ["a"]),
    ):
        assert isinstance(out, Feedback) and not out


def test_an_endless_iterator_returned_is_read_only_so_far():
    import itertools

    from scaling_lib.exercises import _parse_numbers

    assert not _parse_numbers(itertools.count(), "x", 2)
