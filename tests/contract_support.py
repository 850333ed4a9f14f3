"""What the API contract tests and the bad-input probe share (not a test module): the kinds
of argument (each draws the bad values an argument must refuse), the contract ``Entry`` and
:func:`nonfinite`. The entries themselves are in ``test_api_contract.py`` and in
``contract_entries/``."""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass, field
from typing import Callable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from hypothesis import strategies as st

# ------------------------------------------------------------------ kinds of argument
NOT_A_NUMBER = [None, "abc", "3", {}, {"a": 1}, [1, "a"], 1j, True, object()]
NON_FINITE = [math.nan, math.inf, -math.inf, 10**400]


def _floats(low=-1e6, high=1e6):
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@dataclass
class Kind:
    """What an argument accepts: ``bad`` draws values it must refuse, ``good`` values it must
    accept (None: keep the value of the valid call)."""

    bad: st.SearchStrategy
    good: st.SearchStrategy | None = None


def array(
    *,
    positive=True,
    ndim1=True,
    min_size=1,
    whole=False,
    high=None,
    low=None,
    good=None,
    optional=False,
) -> Kind:
    """A numeric array: finite, > 0 if ``positive``, 1-D if ``ndim1``, at least ``min_size``
    entries, whole numbers if ``whole``, entries in [``low``, ``high``]; None if ``optional``."""
    bad = [
        st.sampled_from(
            [v for v in NOT_A_NUMBER if not (optional and v is None)]
        ),
        st.lists(_floats(1, 10), min_size=1, max_size=5).flatmap(
            lambda xs: st.sampled_from(NON_FINITE[:3]).map(lambda v: xs + [v])
        ),
        st.just([1.0, 10**400]),
    ]
    if positive:
        bad.append(
            st.lists(_floats(1, 10), min_size=1, max_size=5).flatmap(
                lambda xs: _floats(-1e6, 0).map(lambda v: xs + [v])
            )
        )
    if ndim1:
        bad.append(st.just([[1.0, 2.0], [3.0, 4.0]]))
    if min_size:
        bad.append(st.just([]))
    if whole:
        bad.append(st.just([2.5, 4.0]))
    if high is not None:
        bad.append(st.just([high * 10 + 1]))
    if low is not None:
        bad.append(st.just([low / 10]))
    return Kind(st.one_of(*bad), good)


def number(
    *, low=None, high=None, low_open=False, high_open=False, good=None
) -> Kind:
    """A single finite float within bounds."""
    bad = [
        st.sampled_from(NOT_A_NUMBER + NON_FINITE),
        st.just([1.0, 2.0]),
        st.just(np.array([1.0, 2.0])),
    ]
    if low is not None:
        bad.append(
            st.just(low) if low_open else st.just(low - max(1.0, abs(low)))
        )
        bad.append(_floats(-1e300, low).filter(lambda v: v < low))
    if high is not None:
        bad.append(
            st.just(high) if high_open else st.just(high + max(1.0, abs(high)))
        )
        bad.append(_floats(high, 1e300).filter(lambda v: v > high))
    return Kind(st.one_of(*bad), good)


def integer(*, minimum=None, maximum=None, good=None, optional=False) -> Kind:
    """An int (bools, floats and strings refused) within bounds; None too if ``optional``."""
    bad = [
        st.sampled_from(
            ["3", 2.5, 2.0, True, math.nan, {}, [3], 10**400]
            + ([] if optional else [None])
        )
    ]
    if minimum is not None:
        bad.append(st.integers(-(10**6), minimum - 1))
    if maximum is not None:
        bad.append(st.integers(maximum + 1, 10**30))
    return Kind(st.one_of(*bad), good)


def boolean() -> Kind:
    return Kind(st.sampled_from([None, "yes", 0, 1, 2.0, [True]]))


def text(*, optional=False) -> Kind:
    bad = [3, 2.5, ["a"], {}, b"x"] + ([] if optional else [None])
    return Kind(st.sampled_from(bad))


def choice(*choices) -> Kind:
    return Kind(
        st.one_of(
            st.text(max_size=8).filter(lambda s: s not in choices),
            st.sampled_from([None, 3, ["a"], {}]),
        )
    )


def rng() -> Kind:
    """SPEC 7: None, an int seed or a Generator are good; anything else is refused."""
    return Kind(
        st.one_of(
            st.sampled_from([np.random.RandomState(0), "seed", 1.5, True, {}]),
            st.integers(-(10**6), -1),
        ),
        st.one_of(
            st.none(),
            st.integers(0, 2**32),
            st.integers(0, 100).map(np.random.default_rng),
        ),
    )


def path() -> Kind:
    return Kind(st.sampled_from([3, 2.5, {}, ["a.csv"], "", b"x.csv"]))


def thing() -> Kind:
    """An object of the library (axes, fit result): anything else is refused."""
    return Kind(st.sampled_from([None, "abc", 3, {}, [1.0]]))


def custom(*values) -> Kind:
    return Kind(st.sampled_from(list(values)))


ANSWERS = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=12),
    st.floats(),
    st.integers(-(10**500), 10**500),
    st.lists(st.floats(), max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.complex_numbers(allow_nan=False),
    st.sets(st.text(max_size=3), max_size=3),
    st.just(np.array([1.0, 2.0])),
    st.just(object()),
)


def answer() -> Kind:
    """A student's answer: anything at all; the check must answer with a Feedback."""
    return Kind(ANSWERS)


@dataclass
class Entry:
    """The contract of one function: ``valid`` builds a valid call (keyword arguments; ``*``
    holds positional ones); ``kinds`` gives the kind of each argument; ``same_length`` lists
    arguments that must have one length; ``answers`` are student answers (never raise);
    ``result`` is a check of a valid result."""

    valid: Callable[[], dict]
    kinds: dict = field(default_factory=dict)
    same_length: tuple = ()
    answers: tuple = ()
    result: str = "finite"  # "finite" | "fit" | "feedback" | "none"
    call: Callable | None = None
    examples: int | None = None


RESULT_RECORD = (
    "result record: built by the library, not from a user's raw input"
)


def count(*, optional=False) -> Kind:
    """A positive count that may come as an integral float (4.0), as table columns store it."""
    return Kind(
        st.sampled_from(
            ["3", 2.5, True, math.nan, 0, -1, 10**30, {}, [3]]
            + ([] if optional else [None])
        )
    )


def method(factory, name):
    """Call method ``name`` of the object ``factory()`` builds."""

    def call(**kwargs):
        return getattr(factory(), name)(**kwargs)

    call.__name__ = name
    return call


def axes():
    return plt.subplots()[1]


FIGURE = dict(examples=4)  # figures are slow: fewer examples per argument


def nonfinite(value, *, frames: bool = True, depth: int = 0) -> bool:
    """True if ``value`` holds a NaN or inf: floats, arrays, tuples, lists, dicts, dataclasses
    and (if ``frames``) the numeric columns of data frames. A failed fit (``success=False``)
    may hold NaN: it says so, and counts as finite; so may a row of a table whose boolean
    ``valid`` column is False."""
    if depth > 3 or isinstance(value, (bool, np.bool_, str)):
        return False
    if isinstance(value, numbers.Real):
        return not math.isfinite(float(value))
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "fc" and not np.all(np.isfinite(value))
    if isinstance(value, pd.DataFrame):
        if value.get("valid") is not None and value["valid"].dtype == bool:
            value = value[
                value["valid"]
            ]  # rows flagged invalid say so, as a failed fit does
        num = value.select_dtypes("number")
        return (
            frames
            and bool(num.size)
            and not np.all(np.isfinite(num.to_numpy(dtype=float)))
        )
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (tuple, list)):
        return any(nonfinite(v, frames=frames, depth=depth + 1) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if getattr(value, "success", True) is False:
            return False
        return any(
            nonfinite(getattr(value, f.name), frames=frames, depth=depth + 1)
            for f in dataclasses.fields(value)
        )
    return False
