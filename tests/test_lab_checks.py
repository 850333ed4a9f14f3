"""Tests of the lab's exercise checks: each passes a right answer and fails typical wrong ones
with a hint that does not give the answer away."""

import numpy as np
import pytest

from scaling_lib import lab as L
from scaling_lib.exercises import lab as checks


def _vertex(n_params, loss):
    """A correct solution written independently of the check (normal equations by hand)."""
    u = np.log(np.asarray(n_params, dtype=float))
    X = np.column_stack([np.ones_like(u), u, u**2])
    c0, c1, c2 = np.linalg.solve(X.T @ X, X.T @ np.asarray(loss, dtype=float))
    if c2 <= 0:
        raise ValueError("the parabola opens downwards: no minimum")
    return float(np.exp(-c1 / (2 * c2)))


def _blank():
    raise NotImplementedError()


def test_check_vertex_accepts_a_right_answer():
    assert checks.check_vertex(_vertex)


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (
            lambda n, loss: np.asarray(n)[np.argmin(loss)],
            "lowest point",
        ),  # argmin
        (
            lambda n, loss: np.log(_vertex(n, loss)),
            "log N instead of N",
        ),  # log N
        (
            lambda n, loss: _vertex(np.log(n), loss),
            "log N",
        ),  # parabola in log log N
        (lambda n, loss: _blank(), "NotImplementedError"),  # blank solution
    ],
)
def test_check_vertex_fails_wrong_answers(wrong, hint):
    fb = checks.check_vertex(wrong)
    assert not fb and hint in str(fb)


def test_check_vertex_requires_refusing_a_maximum():
    def no_check(n, loss):
        u = np.log(n)
        c2, c1, _ = np.polyfit(u, loss, 2)
        return float(np.exp(-c1 / (2 * c2)))

    fb = checks.check_vertex(no_check)
    assert not fb and "ValueError" in str(fb)


def test_check_vertex_gives_no_answer():
    fb = str(checks.check_vertex(lambda n, loss: 1.0))
    assert "e+" not in fb and "expected" not in fb


def _study(lab):
    plan = L.isoflop_design([1e16, 1e17, 1e18], n_sizes=5)
    lab.train(plan.n_params.to_numpy(), plan.n_tokens.to_numpy())
    return lab


def test_check_study_accepts_a_design():
    assert checks.check_study(_study(L.Lab(3, 1e19)), 2e9, 2.3)


@pytest.mark.parametrize(
    "n_opt, loss, hint",
    [
        (1e6, 2.3, "extrapolation"),
        (-1.0, 2.3, "number of parameters"),
        (2e9, 2300.0, "nats"),
        ("big", 2.3, "two numbers"),
    ],
)
def test_check_study_fails_bad_predictions(n_opt, loss, hint):
    fb = checks.check_study(_study(L.Lab(3, 1e19)), n_opt, loss)
    assert not fb and hint in str(fb)


def test_check_study_fails_too_few_budgets():
    lab = L.Lab(3, 1e19)
    plan = L.isoflop_design([1e16, 1e17], n_sizes=5)
    lab.train(plan.n_params.to_numpy(), plan.n_tokens.to_numpy())
    lab.train(1e7, 1e9)
    fb = checks.check_study(lab, 2e9, 2.3)
    assert not fb and "at least 3" in str(fb)
    assert not checks.check_study(L.Lab(3, 1e19), 2e9, 2.3)


@pytest.mark.parametrize(
    "func, hint",
    [
        (None, "should be a function"),
        ("vertex_log_n", "should be a function"),
        (lambda n, loss: "many", "single finite number"),
        (lambda n, loss: [1.0, 2.0], "single finite number"),
        (lambda n, loss: _raise(SystemExit(1)), "SystemExit"),
    ],
)
def test_check_vertex_answers_anything_with_feedback(func, hint):
    fb = checks.check_vertex(func)
    assert not fb and hint in str(fb)


def _raise(exc):
    raise exc


def test_check_study_refuses_a_bad_setting_by_name():
    with pytest.raises(ValueError, match="lab"):
        checks.check_study(None, 2e9, 2.3)
    with pytest.raises(ValueError, match="min_sizes"):
        checks.check_study(_study(L.Lab(3, 1e19)), 2e9, 2.3, min_sizes=2)
