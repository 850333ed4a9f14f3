"""Tests of the shared input checks: every error names the argument and the bad value."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaling_lib._validation import (
    as_bool,
    as_choice,
    as_float,
    as_float_array,
    as_int,
    as_level,
    as_numeric_array,
    as_path,
    as_positive_array,
    as_positive_int,
    as_probability_array,
    as_rng,
    check_columns,
    check_same_shape,
)
from scaling_lib.exercises import (
    check_close,
    parse_answer,
    parse_choice,
    parse_collection,
)

FAST = settings(max_examples=40, deadline=None, derandomize=True)


def test_positive_array_names_argument_and_value():
    with pytest.raises(ValueError, match=r"n_params must be > 0, got -3.0"):
        as_positive_array([1, -3], "n_params")
    with pytest.raises(ValueError, match="compute must be finite"):
        as_positive_array(np.nan, "compute")


@pytest.mark.parametrize(
    "value, match",
    [
        ("3", "numeric, got str '3'"),
        (None, "numeric, got NoneType None"),
        ({}, "numeric"),
        (True, "numeric, got the bool True"),
        ([1j], "real, got complex"),
        ([1, "a"], "numeric"),
        ([[1], [1, 2]], "numeric"),
        ([10**400], "finite, got a number too large"),
        (object(), "numeric"),
    ],
)
def test_float_array_refuses_what_is_not_a_number(value, match):
    with pytest.raises(ValueError, match="x must be " + match):
        as_float_array(value, "x")


def test_float_array_shape_and_size():
    with pytest.raises(
        ValueError, match=r"x must be a 1-D array, got shape \(2, 2\)"
    ):
        as_float_array([[1, 2], [3, 4]], "x", ndim=1)
    with pytest.raises(ValueError, match="x needs at least 2 values, got 1"):
        as_float_array([1.0], "x", min_size=2)
    assert as_numeric_array([1.0, np.nan, np.inf], "s").shape == (3,)
    # a missing value inside a column is NaN, refused unless NaN is allowed
    assert np.isnan(
        as_float_array(
            np.array([1.0, None], dtype=object), "s", allow_nan=True
        )[1]
    )
    with pytest.raises(ValueError, match="s must be finite"):
        as_float_array([1.0, None], "s")
    np.testing.assert_array_equal(
        as_float_array(np.array([True, False]), "hits"), [1.0, 0.0]
    )


@pytest.mark.parametrize(
    "value", [2.5, "3", True, 0, -1, None, math.nan, 10**30]
)
def test_positive_int_refuses_non_integers(value):
    with pytest.raises(ValueError, match="n_layers must be"):
        as_positive_int(value, "n_layers")


def test_positive_int_accepts_integral_floats_and_numpy_ints():
    assert as_positive_int(4.0, "n_layers") == 4
    assert as_positive_int(np.int64(4), "n_layers") == 4


@given(
    st.one_of(
        st.floats(),
        st.booleans(),
        st.text(max_size=3),
        st.none(),
        st.integers(-(10**40), 10**40),
    )
)
@FAST
def test_strict_int_accepts_only_ints_in_range(value):
    ok = (
        isinstance(value, int)
        and not isinstance(value, bool)
        and 1 <= value <= 1000
    )
    if ok:
        assert as_int(value, "n_seeds", minimum=1, maximum=1000) == value
    else:
        with pytest.raises(ValueError, match="n_seeds must be an integer"):
            as_int(value, "n_seeds", minimum=1, maximum=1000)


@given(
    st.one_of(
        st.floats(),
        st.integers(-(10**400), 10**400),
        st.text(max_size=3),
        st.none(),
        st.booleans(),
        st.lists(st.floats(), max_size=2),
    )
)
@FAST
def test_float_refuses_with_the_name_or_returns_a_finite_float(value):
    try:
        out = as_float(value, "alpha", low=0.0, low_open=True, high=10.0)
    except ValueError as exc:
        assert "alpha" in str(exc)
    else:
        assert isinstance(out, float) and 0 < out <= 10


def test_level_is_open_interval():
    assert as_level(0.9) == 0.9
    for bad in (0, 1, 1.5, "0.9", None):
        with pytest.raises(ValueError, match="level must"):
            as_level(bad)


def test_probability_range():
    with pytest.raises(ValueError, match=r"p must lie in \[0, 1\]"):
        as_probability_array([0.2, 1.5], "p")


def test_same_shape_lists_all_shapes():
    with pytest.raises(
        ValueError, match=r"n_params has shape \(2,\), loss has shape \(3,\)"
    ):
        check_same_shape(n_params=np.ones(2), loss=np.ones(3))


def test_choice_lists_the_allowed_values():
    assert as_choice("sum", "reduction", ["sum", "mean"]) == "sum"
    for bad in ("max", None, 3, ["sum"], np.array(["sum"])):
        with pytest.raises(
            ValueError, match=r"reduction must be one of \['sum', 'mean'\]"
        ):
            as_choice(bad, "reduction", ["sum", "mean"])


def test_bool_and_path():
    assert as_bool(np.True_, "flag") is True
    for bad in (0, 1, "yes", None):
        with pytest.raises(ValueError, match="flag must be True or False"):
            as_bool(bad, "flag")
    with pytest.raises(ValueError, match="benchmark_path must be a file path"):
        as_path(3, "benchmark_path")


def test_columns_names_the_missing_ones():
    frame = pd.DataFrame({"task": ["a"], "score": [0.5]})
    assert check_columns(frame, "frame", ["task"]) is frame
    with pytest.raises(
        ValueError, match=r"frame lacks column\(s\) \['compute'\]"
    ):
        check_columns(frame, "frame", ["task", "compute"])
    with pytest.raises(ValueError, match="frame must be a pandas DataFrame"):
        check_columns({"task": ["a"]}, "frame", ["task"])
    with pytest.raises(ValueError, match="frame needs at least 2 rows"):
        check_columns(frame, "frame", ["task"], min_rows=2)


def test_rng_follows_spec7():
    g = np.random.default_rng(1)
    assert as_rng(g) is g
    assert as_rng(7).integers(1000) == np.random.default_rng(7).integers(1000)
    assert as_rng(None, default_seed=0).integers(
        1000
    ) == np.random.default_rng(0).integers(1000)
    assert isinstance(as_rng(np.random.SeedSequence(3)), np.random.Generator)
    with pytest.raises(ValueError, match="legacy RandomState"):
        as_rng(np.random.RandomState(0))
    for bad in ("seed", 1.5, True, -1, {}):
        with pytest.raises(ValueError, match="rng must be None, an int seed"):
            as_rng(bad)


def test_feedback_is_truthy_only_when_right():
    assert check_close(1.0, 1.0, name="a")
    wrong = check_close(2.0, 1.0, name="a", hint="h")
    assert not wrong and "too high" in wrong and "Hint: h" in wrong
    assert not check_close("x", 1.0, name="a")
    assert not check_close(float("nan"), 1.0, name="a")


@pytest.mark.parametrize(
    "answer, expected, words",
    [
        (-5.0, 5.0, "wrong sign"),
        (0.0, 5.0, "should not be 0"),
        (5e3, 5.0, "3 orders"),
        (20.0, 5.0, "factor between 2 and 10"),
        (5.5, 5.0, "less than a factor of 2"),
        (0.5, 5.0, "about 1 order of magnitude too low"),
    ],
)
def test_wrong_answers_get_a_direction_and_a_size_but_not_the_value(
    answer, expected, words
):
    out = check_close(answer, expected, name="N")
    assert (
        not out
        and words in out
        and "5.0" not in out.replace(f"{answer:.4g}", "")
    )


@pytest.mark.parametrize(
    "setting, value",
    [
        ("expected", "3"),
        ("expected", math.nan),
        ("rtol", -0.1),
        ("rtol", "0.1"),
        ("name", None),
    ],
)
def test_a_check_with_a_bad_setting_names_it(setting, value):
    kwargs = {"expected": 1.0, "rtol": 0.02, "name": "N"} | {setting: value}
    with pytest.raises(ValueError, match=setting):
        check_close(1.0, **kwargs)


def test_parsers_never_raise_on_an_answer():
    assert parse_answer(" 1_000 ", "N") == 1000.0
    assert parse_answer([2.0], "N") == 2.0
    assert not parse_answer(np.array([1.0, 2.0]), "N")
    assert parse_choice("Flat", "verdict", ["flat", "inverse"]) == "flat"
    assert "one of ['flat', 'inverse']" in parse_choice(
        math.nan, "verdict", ["flat", "inverse"]
    )
    assert parse_collection({"a", "b"}, "tasks") == {"a", "b"}
    assert not parse_collection(None, "tasks") and not parse_collection(
        [1, "a"], "tasks"
    )
