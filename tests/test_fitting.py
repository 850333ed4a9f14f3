"""Tests of scaling_lib.fitting.

Recovery from seeded synthetic data, exact properties, bad input.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaling_lib.fitting import (
    exponent_spread,
    fit_power_law,
    fit_power_law_offset,
    percentile_interval,
    synthetic_power_law,
)


def test_recovers_known_exponent_from_noisy_data():
    # 30 points over 4 decades with 5 % multiplicative noise, seed fixed: the exponent must be
    # within 0.02 of the truth and inside the fit's own 95 % interval.
    rng = np.random.default_rng(123)
    x = np.logspace(0, 4, 30)
    y = synthetic_power_law(
        x, exponent=-0.076, prefactor=8.0, noise=0.05, rng=rng
    )
    fit = fit_power_law(x, y)
    assert fit.success
    assert abs(fit.exponent - -0.076) < 0.02
    lo, hi = fit.exponent_interval(0.95)
    assert lo < -0.076 < hi
    assert fit.prefactor == pytest.approx(8.0, rel=0.1)
    assert fit.residuals.shape == (30,)
    assert np.std(fit.residuals) == pytest.approx(0.05, rel=0.35)


@settings(max_examples=50, deadline=None)
@given(
    exponent=st.floats(-3, 3),
    log_prefactor=st.floats(-20, 20),
    log_x0=st.floats(-10, 10),
    decades=st.floats(0.5, 8),
)
def test_exact_power_law_is_recovered_exactly(
    exponent, log_prefactor, log_x0, decades
):
    x = np.logspace(log_x0, log_x0 + decades, 7)
    y = np.exp(log_prefactor) * x**exponent
    fit = fit_power_law(x, y)
    assert fit.exponent == pytest.approx(exponent, abs=1e-8)
    assert np.log(fit.prefactor) == pytest.approx(
        log_prefactor, abs=1e-6 * (1 + abs(log_x0 * exponent))
    )
    assert np.max(np.abs(fit.residuals)) < 1e-8


def test_predict_round_trips():
    x = np.array([2.0, 20.0, 200.0])
    fit = fit_power_law(x, 5 * x**0.7)
    np.testing.assert_allclose(fit.predict(x), 5 * x**0.7, rtol=1e-10)


def test_two_points_give_a_line_but_no_uncertainty():
    fit = fit_power_law([1, 10], [1, 0.1])
    assert fit.exponent == pytest.approx(-1)
    assert np.isnan(fit.exponent_stderr)
    assert all(np.isnan(fit.exponent_interval()))


def test_identical_x_is_reported_as_failure_not_nan():
    fit = fit_power_law([3, 3, 3], [1, 2, 3])
    assert not fit.success
    assert "equal" in fit.message


@pytest.mark.parametrize(
    "x, y, match",
    [
        ([1, 0, 2], [1, 2, 3], "x must be > 0"),
        ([1, -2, 2], [1, 2, 3], "x must be > 0"),
        ([1, 2, 3], [1, 0, 3], "y must be > 0"),
        ([1, 2, 3], [1, 2], "same length"),
        ([1, np.nan, 3], [1, 2, 3], "x must be finite"),
        ([1, 2, 3], [1, np.inf, 3], "y must be finite"),
        ([], [], "x needs at least 1"),
        ([[1, 2], [3, 4]], [[1, 2], [3, 4]], "x must be a 1-D array"),
        (["a", "b"], [1, 2], "x must be numeric"),
        ([1, 2], None, "y must be numeric"),
    ],
)
def test_bad_input_raises_value_error_naming_argument(x, y, match):
    with pytest.raises(ValueError, match=match):
        fit_power_law(x, y)


def test_offset_fit_recovers_irreducible_term():
    # L = 1.69 + 400 N^-0.34 (the shape of Hoffmann et al. 2022, eq. 2 in N alone), 1 % noise.
    rng = np.random.default_rng(7)
    n = np.logspace(7, 11, 25)
    y = synthetic_power_law(
        n, exponent=-0.34, prefactor=400, offset=1.69, noise=0.01, rng=rng
    )
    fit = fit_power_law_offset(n, y)
    assert fit.success
    assert fit.offset == pytest.approx(1.69, abs=0.1)
    assert fit.exponent == pytest.approx(-0.34, abs=0.04)


@pytest.mark.parametrize(
    "x, y, reason",
    [
        ([1.0], [1.0], "1 point cannot identify 2 parameters"),
        ([3.0, 3.0 * (1 + 1e-14), 3.0], [1, 2, 3], "all x are equal"),
    ],
)
def test_unidentifiable_line_is_a_failed_fit_that_says_why(x, y, reason):
    fit = fit_power_law(x, y)
    assert not fit.success and reason in fit.message
    assert np.isnan(fit.exponent)
    with pytest.raises(ValueError, match="this fit failed"):
        fit.predict([1.0])


@pytest.mark.parametrize(
    "x, y, reason",
    [
        ([1, 2, 3], [3, 2, 1], "at least 4"),
        ([1, 1, 10, 10], [3, 2.5, 2, 1.9], "only 2 distinct values"),
        (np.full(6, 5.0), np.linspace(2, 3, 6), "all x are equal"),
        (np.logspace(0, 3, 8), np.full(8, 2.0), "all y are equal"),
    ],
)
def test_offset_fit_says_when_the_data_cannot_identify_it(x, y, reason):
    fit = fit_power_law_offset(x, y)
    assert not fit.success and reason in fit.message


@pytest.mark.parametrize(
    "bounds, name",
    [
        (None, "offset_bounds"),
        ((-1.0, None), r"offset_bounds\[0\]"),
        ((0.0, -1.0), r"offset_bounds\[1\]"),
        ((5.0, None), r"offset_bounds\[0\]"),
        (("a", None), r"offset_bounds\[0\]"),
    ],
)
def test_offset_bounds_are_checked(bounds, name):
    x = np.logspace(0, 3, 8)
    with pytest.raises(ValueError, match=name):
        fit_power_law_offset(x, 1 + x**-0.5, offset_bounds=bounds)


def test_prediction_that_overflows_is_refused():
    fit = fit_power_law([1, 10, 100], [1, 100, 10_000])
    with pytest.raises(ValueError, match="x is too large"):
        fit.predict(1e300)


def test_interval_of_a_failed_bootstrap_explains_itself():
    with pytest.raises(
        ValueError, match="samples has 0 finite values out of 3"
    ):
        percentile_interval([np.nan, np.nan, np.inf])
    with pytest.raises(
        ValueError, match="samples has 1 finite value out of 1"
    ):
        percentile_interval([0.3])


def test_exponent_spread_falls_like_one_over_range():
    s = exponent_spread(
        [1, 2, 4], noise=0.05, rng=np.random.default_rng(0), n_trials=400
    )
    ratios = s[:-1] / s[1:]
    np.testing.assert_allclose(ratios, 2.0, rtol=0.2)


def test_synthetic_noise_takes_rng_as_spec7_says():
    a = synthetic_power_law([1, 2], exponent=-1, noise=0.1, rng=3)
    b = synthetic_power_law(
        [1, 2], exponent=-1, noise=0.1, rng=np.random.default_rng(3)
    )
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(
        synthetic_power_law([1, 2], exponent=-1, noise=0.1),
        synthetic_power_law([1, 2], exponent=-1, noise=0.1, rng=0),
    )
    with pytest.raises(ValueError, match="rng"):
        synthetic_power_law(
            [1, 2], exponent=-1, noise=0.1, rng=np.random.RandomState(0)
        )
    with pytest.raises(ValueError, match="noise"):
        synthetic_power_law(
            [1, 2], exponent=-1, noise=-0.1, rng=np.random.default_rng(0)
        )
