"""What the API contract tests and the bad-input probe share (not a test module): the kinds
of argument (each lists the bad values an argument must refuse and the good values at its
closed bounds, every one of them tested, and draws more of both at random), the contract
``Entry``, :func:`names` (does an error message name the argument?) and :func:`nonfinite`.
The entries themselves are in ``test_api_contract.py`` and in ``contract_entries/``."""

from __future__ import annotations

import dataclasses
import math
import numbers
import re
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


def names(message: str, label: str) -> bool:
    """True if ``message`` names ``label`` as a word: ``u`` is not named by "must", nor
    ``x`` by "x_min" or "ax.x"."""
    return (
        re.search(rf"(?<![\w.]){re.escape(label)}(?!\w)", str(message))
        is not None
    )


@dataclass(frozen=True)
class FromValid:
    """A good value made from the valid call's value of the argument (an array with one entry
    moved to a bound keeps the length the other arguments need)."""

    make: Callable
    label: str

    def __repr__(self):
        return self.label


@dataclass
class Kind:
    """What an argument accepts. ``refuse``: values it must refuse, every one tested; ``bad``:
    a strategy drawing more of them at random (None: none); ``accept``: values it must accept,
    every one tested (a :class:`FromValid` is made from the valid call's value); ``good``: a
    strategy drawing more of them (None: none)."""

    bad: st.SearchStrategy | None = None
    good: st.SearchStrategy | None = None
    refuse: tuple = ()
    accept: tuple = ()

    def plus(self, *refuse, accept=()) -> Kind:
        """This kind with more values to refuse (and to accept)."""
        return dataclasses.replace(
            self,
            refuse=self.refuse + tuple(refuse),
            accept=self.accept + tuple(accept),
        )

    def accepting(self, *values) -> Kind:
        """This kind with ``values`` as its good values instead of those its builder derived
        (where a value the bounds allow is wrong for this call: say why next to it)."""
        return dataclasses.replace(self, accept=values)


def _below(low):
    """A value just below ``low`` (a tenth of its size, or of 1 near 0), and of its sign."""
    step = 0.1 * max(abs(low), 1.0)
    return low / 2 if 0 < low <= step else low - step


def _above(high):
    step = 0.1 * max(abs(high), 1.0)
    return high / 2 if -step <= high < 0 else high + step


def _one_of(*strategies):
    return st.one_of(*strategies) if strategies else None


def first_at(entry) -> FromValid:
    """The valid call's array with its first entry replaced by ``entry``."""

    def make(value):
        arr = np.array(value, dtype=float)
        arr.flat[0] = entry
        return arr

    return FromValid(make, f"[{entry!r}, ...]")


def as_row() -> FromValid:
    """The valid call's 1-D array as a 1 x n 2-D array: same entries, same size, so only a
    check of the number of dimensions refuses it (a function that ravels accepts it)."""

    def make(value):
        arr = np.asarray(value, dtype=float)
        return arr[None, :] if arr.ndim == 1 else np.stack([arr, arr])

    return FromValid(make, "[[...valid...]]")


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
    entries, whole numbers if ``whole``, entries in [``low``, ``high``]; None if ``optional``.
    A closed bound is accepted: the valid value with its first entry at ``low`` or ``high``."""
    refuse = [v for v in NOT_A_NUMBER if not (optional and v is None)]
    refuse += [[1.0, v] for v in NON_FINITE]
    # the same faults in an array of the valid call's length, so that a length or size check
    # cannot refuse them first for another reason
    refuse += [first_at(math.nan), first_at(math.inf)]
    tails = [st.sampled_from(NON_FINITE[:3])]
    accept = []
    if positive:
        refuse += [[1.0, 0.0], [1.0, -1.0], first_at(0.0), first_at(-1.0)]
        tails.append(_floats(-1e6, 0))
    if ndim1:
        refuse += [[[1.0, 2.0], [3.0, 4.0]], as_row()]
    if min_size:
        refuse.append([])
    if whole:
        refuse += [[2.5, 4.0], [4.0, 4.5], first_at(2.5)]
        tails.append(_floats(1, 1e4).filter(lambda v: not v.is_integer()))
    if high is not None:
        refuse += [[_above(high)], first_at(_above(high))]
        tails.append(_floats(high, 1e300).filter(lambda v: v > high))
        accept += (
            [] if whole else [first_at(high)]
        )  # a count at its maximum is slow
    if low is not None:
        refuse += [[_below(low)], first_at(_below(low))]
        tails.append(_floats(-1e300, low).filter(lambda v: v < low))
        accept.append(first_at(low))
    # random: a few ordinary entries (within the bounds) and one bad one
    lo = (
        low if low is not None else min(1.0, high if high is not None else 1.0)
    )
    hi = high if high is not None else lo + 9
    inside = _floats(lo, max(lo, hi))
    bad = st.lists(inside, min_size=1, max_size=5).flatmap(
        lambda xs: st.one_of(*tails).map(lambda v: xs + [v])
    )
    return Kind(bad, good, tuple(refuse), tuple(accept))


def number(
    *, low=None, high=None, low_open=False, high_open=False, good=None
) -> Kind:
    """A single finite float within bounds; a closed bound is accepted, an open one refused."""
    refuse = NOT_A_NUMBER + NON_FINITE + [[1.0, 2.0], np.array([1.0, 2.0])]
    far, accept = [], []
    if low is not None:
        refuse += [_below(low)] + ([low] if low_open else [])
        accept += [] if low_open else [low]
        far.append(_floats(-1e300, low).filter(lambda v: v < low))
    if high is not None:
        refuse += [_above(high)] + ([high] if high_open else [])
        accept += [] if high_open else [high]
        far.append(_floats(high, 1e300).filter(lambda v: v > high))
    return Kind(_one_of(*far), good, tuple(refuse), tuple(accept))


def integer(*, minimum=None, maximum=None, good=None, optional=False) -> Kind:
    """An int (bools, floats and strings refused) within bounds; None too if ``optional``.
    The minimum is accepted (and a maximum up to 64: larger ones make slow calls)."""
    refuse = ["3", 2.5, 2.0, True, math.nan, {}, [3], 10**400]
    refuse += [] if optional else [None]
    far, accept = [], []
    if minimum is not None:
        refuse.append(minimum - 1)
        accept.append(minimum)
        far.append(st.integers(-(10**6), minimum - 1))
    if maximum is not None:
        refuse.append(maximum + 1)
        accept += [maximum] if maximum <= 64 else []
        far.append(st.integers(maximum + 1, 10**30))
    return Kind(_one_of(*far), good, tuple(refuse), tuple(accept))


def boolean() -> Kind:
    return Kind(refuse=(None, "yes", 0, 1, 2.0, [True]), accept=(True, False))


def text(*, optional=False) -> Kind:
    bad = [3, 2.5, ["a"], {}, b"x"] + ([] if optional else [None])
    return Kind(refuse=tuple(bad))


def choice(*choices) -> Kind:
    """One of ``choices`` (each accepted); other text (drawn) and non-text refused."""
    refuse = [None, 3, ["a"], {}, "", "no such choice"]
    refuse += [c.upper() for c in choices if c.upper() not in choices][:1]
    return Kind(
        st.text(max_size=8).filter(lambda s: s not in choices),
        refuse=tuple(r for r in refuse if r not in choices),
        accept=tuple(choices),
    )


def rng() -> Kind:
    """SPEC 7: None, an int seed or a Generator are good; anything else is refused."""
    return Kind(
        st.integers(-(10**6), -1),
        st.one_of(
            st.integers(0, 2**32),
            st.integers(0, 100).map(np.random.default_rng),
        ),
        refuse=(np.random.RandomState(0), "seed", 1.5, True, {}, -1),
        accept=(None, 0, np.random.default_rng(0)),
    )


def path() -> Kind:
    return Kind(refuse=(3, 2.5, {}, ["a.csv"], "", b"x.csv"))


def thing() -> Kind:
    """An object of the library (axes, fit result): anything else is refused."""
    return Kind(refuse=(None, "abc", 3, {}, [1.0]))


def custom(*values) -> Kind:
    """Values to refuse, listed by the entry."""
    return Kind(refuse=values)


#: what a student may type, every one tried on every check: wrong numbers of each sign and
#: size, numbers as text, and everything that is not a number
ANSWER_VALUES = (
    0,
    0.0,
    -1.0,
    3.0,
    1e-300,
    1e300,
    10**400,
    math.nan,
    math.inf,
    "7",
    "",
    "many",
    None,
    True,
    1j,
    [1.0],
    [1.0, 2.0],
    {},
    np.array([1.0, 2.0]),
    object(),
)
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


@dataclass
class Entry:
    """The contract of one function: ``valid`` builds a valid call (keyword arguments; ``*``
    holds positional ones); ``kinds`` gives the kind of each argument; ``same_length`` lists
    arguments that must have one length; ``answers`` are student answers (never raise);
    ``result`` is a check of a valid result ("fit": it succeeds, and a failed fit that says
    why is the one refusal other than a ``ValueError``); ``examples`` is the number of random
    draws per argument (None: the test's default)."""

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
    bad = ["3", 2.5, True, math.nan, 0, -1, 10**30, {}, [3]]
    return Kind(
        refuse=tuple(bad + ([] if optional else [None])), accept=(4.0,)
    )


def method(factory, name):
    """Call method ``name`` of the object ``factory()`` builds."""

    def call(**kwargs):
        return getattr(factory(), name)(**kwargs)

    call.__name__ = name
    return call


def axes():
    return plt.subplots()[1]


#: figures are slow: fewer random draws per argument (every listed value is still tried)
FIGURE = dict(examples=4)


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
