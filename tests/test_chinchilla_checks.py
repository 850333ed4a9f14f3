"""The exercise checks of Chapter 3, and fits on runs that cannot identify the law."""

from __future__ import annotations

import numpy as np
import pytest

from scaling_lib import chinchilla as ch
from scaling_lib.exercises import chinchilla as checks

Q = ch.HOFFMANN_2022


def test_one_model_size_cannot_identify_the_law():
    d = np.logspace(9, 12, 40)
    for fit in (
        ch.fit_parametric_loss(np.full(40, 1e9), d, Q.loss(1e9, d)),
        ch.fit_parametric_loss_reference(
            np.full(40, 1e9), d, Q.loss(1e9, d), starts=[[6, 6, 0.5, 0.3, 0.3]]
        ),
    ):
        assert not fit.success and "only 1 distinct model size:" in fit.message


def test_the_reason_counts_sizes_in_good_grammar():
    d = np.tile(np.logspace(9, 12, 10), 2)
    n = np.repeat([1e8, 1e9], 10)
    assert "only 2 distinct model sizes:" in ch.design_problem(n, d)
    assert "only 1 distinct token count:" in ch.design_problem(
        np.logspace(7, 10, 5), np.full(5, 1e10)
    )


def test_tokens_tied_to_params_cannot_identify_the_law():
    n = np.logspace(7, 10, 30)
    fit = ch.fit_parametric_loss(n, 20 * n, Q.loss(n, 20 * n))
    assert not fit.success and "tied" in fit.message


def test_bootstrap_checks_delta_even_with_a_fit():
    rng = np.random.default_rng(0)
    n, d = 10 ** rng.uniform(7, 10, 30), 10 ** rng.uniform(9, 12, 30)
    fit = ch.fit_parametric_loss(n, d, Q.loss(n, d))
    with pytest.raises(ValueError, match="delta"):
        ch.bootstrap(n, d, Q.loss(n, d), fit=fit, delta=0.0, n_resamples=3)


def test_checks_agree_with_the_closed_form_by_another_method():
    n, d = Q.compute_optimal(1e24)
    assert checks.check_compute_optimal(float(n), float(d), 1e24)
    assert checks.check_swapped_ratio((1e25 / 6) ** (Q.b - Q.a), 1e25)
    assert checks.check_tokens_per_param(
        float(Q.tokens_per_param(1e25)), 1e25, Q
    )
    gap = float(Q.loss(280e9, 300e9) - Q.optimal_loss(6 * 280e9 * 300e9))
    assert checks.check_loss_gap(gap, 280e9, 300e9, params=Q)
    r = ch.inference_optimal(Q, 2.0, 1e13)
    assert checks.check_inference_optimal(
        float(r.n_params), float(r.n_tokens), Q, 2.0, 1e13
    )


@pytest.mark.parametrize(
    "feedback, secret",
    [
        (
            lambda: checks.check_compute_optimal(
                *Q.compute_optimal(1e24)[::-1], 1e24
            ),
            "4.13",
        ),
        (lambda: checks.check_swapped_ratio(1 / 221, 1e25), "220"),
        # the answer for Hoffmann et al.'s law, checked against another fit
        (
            lambda: checks.check_loss_gap(
                0.0575, 280e9, 300e9, params=ch.BESIROGLU_2024
            ),
            "expected",
        ),
        (
            lambda: checks.check_isoflop_exponent(
                0.5922, "owt2", "Correcting warmup"
            ),
            "0.611",
        ),
        (
            lambda: checks.check_isoflop_exponent(
                0.659, "owt2", "Correcting warmup"
            ),
            "0.611",
        ),
        (lambda: checks.check_tokens_per_param(20.0, 1e25, Q), "122"),
        (
            lambda: checks.check_inference_optimal(70e9, 1.4e12, Q, 2.0, 1e13),
            "6.4",
        ),
    ],
)
def test_each_check_fails_a_typical_wrong_answer_with_a_hint(feedback, secret):
    fb = feedback()
    assert not fb and "Hint" in fb
    assert secret not in str(fb).split("Hint")[0]


def test_the_wrong_data_set_is_named():
    fb = checks.check_isoflop_exponent(0.659, "owt2", "Correcting warmup")
    assert "other data set" in fb


def test_huber_check_calls_the_function_on_its_own_cases():
    from scaling_lib.chinchilla.fit import huber_objective

    assert checks.check_huber_objective(
        lambda th, n, d, ell, delta: huber_objective(
            th, n, d, ell, delta=delta
        )
    )
    squared = checks.check_huber_objective(
        lambda th, n, d, ell, delta: (
            2 * huber_objective(th, n, d, ell, delta=delta)
        )
    )
    assert not squared and "r^2/2" in squared
    assert not checks.check_huber_objective(lambda *a: 0.0)
    assert not checks.check_huber_objective(None)
