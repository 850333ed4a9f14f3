"""Tests of the shared input checks: every error names the argument and the bad value."""

import numpy as np
import pytest

from scaling_lib._validation import (as_positive_array, as_positive_int, as_probability_array,
                                     check_same_shape)
from scaling_lib.exercises import check_close


def test_positive_array_names_argument_and_value():
    with pytest.raises(ValueError, match=r"n_params must be > 0, got -3.0"):
        as_positive_array([1, -3], "n_params")
    with pytest.raises(ValueError, match="compute must be finite"):
        as_positive_array(np.nan, "compute")


@pytest.mark.parametrize("value", [2.5, "3", True, 0, -1])
def test_positive_int_refuses_non_integers(value):
    with pytest.raises(ValueError, match="n_layers must be a positive integer"):
        as_positive_int(value, "n_layers")


def test_positive_int_accepts_integral_floats():
    assert as_positive_int(4.0, "n_layers") == 4


def test_probability_range():
    with pytest.raises(ValueError, match=r"p must lie in \[0, 1\]"):
        as_probability_array([0.2, 1.5], "p")


def test_same_shape_lists_all_shapes():
    with pytest.raises(ValueError, match=r"n_params has shape \(2,\), loss has shape \(3,\)"):
        check_same_shape(n_params=np.ones(2), loss=np.ones(3))


def test_feedback_is_truthy_only_when_right():
    assert check_close(1.0, 1.0, name="a")
    wrong = check_close(2.0, 1.0, name="a", hint="h")
    assert not wrong and "too high" in wrong and "Hint: h" in wrong
    assert not check_close("x", 1.0, name="a")
    assert not check_close(float("nan"), 1.0, name="a")
