"""Tests of the scaling lab (scaling_lib.lab)."""

import math

import numpy as np
import pandas as pd
import pytest

from scaling_lib import chinchilla as ch
from scaling_lib import lab as L


def test_same_seed_same_law_and_losses():
    a, b = L.Lab(7, 1e19), L.Lab(7, 1e19)
    n, d = np.array([1e7, 3e7, 1e8]), np.array([1e9, 2e9, 5e8])
    np.testing.assert_array_equal(a.train(n, d), b.train(n, d))
    assert a._law == b._law
    pd.testing.assert_frame_equal(a.runs, b.runs)


def test_different_seeds_different_laws():
    laws = {L.Lab(s, 1e19)._law for s in range(20)}
    assert len(laws) == 20


def test_generator_seed_accepted():
    lab = L.Lab(np.random.default_rng(3), 1e18)
    assert lab.seed is None and np.isfinite(lab.train(1e7, 1e8))


@pytest.mark.parametrize("seed", range(200))
def test_constants_within_stated_range(seed):
    law = L.Lab(seed, 1e19)._law
    r = L.CONSTANT_RANGES
    assert r["E"][0] <= law.E <= r["E"][1]
    assert r["alpha"][0] <= law.alpha <= r["alpha"][1]
    assert r["beta"][0] <= law.beta <= r["beta"][1]
    assert r["term_n"][0] <= law.A / L.REFERENCE_N**law.alpha <= r["term_n"][1]
    assert r["term_d"][0] <= law.B / L.REFERENCE_D**law.beta <= r["term_d"][1]


@pytest.mark.parametrize("published", [ch.HOFFMANN_2022, ch.BESIROGLU_2024])
def test_ranges_contain_published_fits(published):
    """Hoffmann et al. (2022) eq. 10 and Besiroglu et al. (2024) lie inside the stated box."""
    r = L.CONSTANT_RANGES
    values = {
        "E": published.E,
        "alpha": published.alpha,
        "beta": published.beta,
        "term_n": published.A / L.REFERENCE_N**published.alpha,
        "term_d": published.B / L.REFERENCE_D**published.beta,
    }
    for key, value in values.items():
        assert r[key][0] <= value <= r[key][1], key


def test_budget_accounting_is_exact():
    lab = L.Lab(1, 1e19)
    rng = np.random.default_rng(0)
    n = 10 ** rng.uniform(6, 8, 25)
    d = 10 ** rng.uniform(8, 9.5, 25)
    for a, b in zip(n, d):
        lab.train(a, b)
    lab.train(n[:3], d[:3])
    costs = [6.0 * a * b for a, b in zip(np.r_[n, n[:3]], np.r_[d, d[:3]])]
    assert lab.spent_flops == math.fsum(costs)
    assert lab.remaining_flops == 1e19 - math.fsum(costs)
    np.testing.assert_array_equal(lab.runs.compute.to_numpy(), costs)
    assert list(lab.runs.run) == list(range(28))


def test_spending_the_whole_budget_is_allowed():
    lab = L.Lab(2, 6e18)
    lab.train(1e8, 1e10)  # costs exactly 6e18
    assert lab.remaining_flops == 0.0
    with pytest.raises(L.BudgetExceeded):
        lab.train(1e5, 1e6)


@pytest.mark.parametrize(
    "n, d, error",
    [
        (1e9, 1e10, L.BudgetExceeded),  # 6e19 > 1e19
        (
            [1e7, 1e9],
            [1e9, 1e10],
            L.BudgetExceeded,
        ),  # a batch is all or nothing
        (1e4, 1e9, L.OutOfRange),
        (1e12, 1e6, L.OutOfRange),
        (1e7, 1e14, L.OutOfRange),
    ],
)
def test_refused_runs_charge_nothing(n, d, error):
    lab = L.Lab(3, 1e19)
    lab.train(1e7, 1e9)
    before, runs = lab.remaining_flops, lab.runs
    state = lab._noise_rng.bit_generator.state
    with pytest.raises(error) as info:
        lab.train(n, d)
    assert isinstance(info.value, ValueError) and "nothing was charged" in str(
        info.value
    )
    assert lab.remaining_flops == before
    pd.testing.assert_frame_equal(lab.runs, runs)
    assert (
        lab._noise_rng.bit_generator.state == state
    )  # a refusal draws no noise either


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"n_params": -1.0, "n_tokens": 1e9}, "n_params"),
        ({"n_params": 1e7, "n_tokens": float("nan")}, "n_tokens"),
        ({"n_params": "big", "n_tokens": 1e9}, "n_params"),
    ],
)
def test_train_bad_input_names_argument(kwargs, name):
    lab = L.Lab(0, 1e19)
    with pytest.raises(ValueError, match=name):
        lab.train(**kwargs)
    assert lab.remaining_flops == 1e19


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"seed": 0, "budget_flops": 0.0}, "budget_flops"),
        ({"seed": 0, "budget_flops": float("inf")}, "budget_flops"),
        ({"seed": "alice", "budget_flops": 1e19}, "seed"),
        ({"seed": 1.5, "budget_flops": 1e19}, "seed"),
        ({"seed": 0, "budget_flops": 1e19, "noise": -0.1}, "noise"),
        (
            {"seed": 0, "budget_flops": 1e19, "target_factor": 0.5},
            "target_factor",
        ),
    ],
)
def test_constructor_bad_input_names_argument(kwargs, name):
    with pytest.raises(ValueError, match=name):
        L.Lab(**kwargs)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"n_opt": 0.0, "loss": 2.0}, "n_opt"),
        ({"n_opt": 1e9, "loss": -2.0}, "loss"),
    ],
)
def test_grade_bad_input_names_argument(kwargs, name):
    with pytest.raises(ValueError, match=name):
        L.Lab(0, 1e19).grade(**kwargs)


def _truth(lab):
    """The hidden answer, computed here by a second route: numerical minimization along the
    IsoFLOP line (compute_optimal_numeric) rather than the closed form the lab uses."""
    n, d = ch.compute_optimal_numeric(lab._law, lab.target_compute)
    n, d = float(np.ravel(n)[0]), float(np.ravel(d)[0])
    return n, float(
        lab._law.E
        + lab._law.A / n**lab._law.alpha
        + lab._law.B / d**lab._law.beta
    )


def test_grade_full_marks_for_the_truth():
    lab = L.Lab(11, 1e19)
    n, loss = _truth(lab)
    g = lab.grade(n, loss)
    assert (g.score, g.max_score, g.n_opt_score, g.loss_score) == (
        10.0,
        10.0,
        5.0,
        5.0,
    )
    assert "full marks" in g.feedback and f"{n:.3g}" not in g.feedback


def test_grade_known_partial_and_zero_scores():
    lab = L.Lab(11, 1e19)
    n, loss = _truth(lab)
    # halfway (in log ratio) between full (1.1x) and zero (2x) gives 2.5 of 5 points
    half_ratio = math.exp(0.5 * (math.log(1.1) + math.log(2.0)))
    g = lab.grade(
        n * half_ratio, loss + 0.055
    )  # 0.055 is halfway from 0.01 to 0.1
    assert g.n_opt_score == pytest.approx(2.5, abs=1e-4)
    assert g.loss_score == pytest.approx(2.5, abs=1e-4)
    assert "too large" in g.feedback and "too high" in g.feedback
    g = lab.grade(n / 3, loss - 0.3)
    assert (g.score, g.n_opt_score, g.loss_score) == (0.0, 0.0, 0.0)
    assert (
        "too small" in g.feedback
        and "too low" in g.feedback
        and "Hint" in g.feedback
    )


def test_grade_feedback_hides_truth_unless_revealed():
    lab = L.Lab(5, 1e19)
    n, loss = _truth(lab)
    hidden = lab.grade(n * 1.7, loss + 0.2).feedback
    shown = lab.grade(n * 1.7, loss + 0.2, reveal=True).feedback
    assert f"{n:.3g}" not in hidden and f"{loss:.4f}" not in hidden
    assert f"{n:.3g}" in shown and f"{loss:.4f}" in shown
    assert lab.n_grades == 2


def test_isoflop_study_recovers_truth():
    """The lab's intended use works: approach 2 on five IsoFLOP budgets predicts N_opt at
    100x the budget within a factor 1.5 for several seeds."""
    for seed in range(3):
        lab = L.Lab(seed, 1e19)
        for c in [1e16, 3e16, 1e17, 3e17, 1e18]:
            n = np.sqrt(c / 120) * np.logspace(-1, 1, 6)
            lab.train(n, c / (6 * n))
        r = lab.runs
        iso = ch.isoflop_minima(r.n_params, r.compute, r.loss, window=None)
        n_true, _ = _truth(lab)
        assert abs(
            math.log(float(iso.n_fit.predict(lab.target_compute)) / n_true)
        ) < math.log(1.5)


def test_runs_to_csv_round_trip(tmp_path):
    lab = L.Lab(4, 1e19)
    lab.train([1e7, 2e7], [1e9, 1e9])
    lab.to_csv(tmp_path / "runs.csv")
    back = pd.read_csv(tmp_path / "runs.csv")
    pd.testing.assert_frame_equal(back, lab.runs)


def test_runs_is_a_copy():
    lab = L.Lab(4, 1e19)
    lab.train(1e7, 1e9)
    runs = lab.runs
    runs.loc[0, "loss"] = 0.0
    assert lab.runs.loss[0] > 1.0


def test_isoflop_design_spends_what_it_plans():
    plan = L.isoflop_design(
        [1e16, 1e17], n_sizes=5, spread=4.0, tokens_per_param=10.0
    )
    np.testing.assert_allclose(
        6 * plan.n_params * plan.n_tokens, plan.compute, rtol=1e-12
    )
    first = plan[plan.compute == 1e16].n_params.to_numpy()
    np.testing.assert_allclose(
        first[[0, -1]], np.sqrt(1e16 / 60) * np.array([0.25, 4.0])
    )


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"budgets": [-1.0]}, "budgets"),
        ({"budgets": [1e17], "n_sizes": 2}, "n_sizes"),
        ({"budgets": [1e17], "spread": 1.0}, "spread"),
        ({"budgets": [1e17], "tokens_per_param": 0}, "tokens_per_param"),
    ],
)
def test_isoflop_design_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        L.isoflop_design(**kwargs)


def test_lab_figures_have_labelled_axes():
    import matplotlib.pyplot as plt

    from scaling_lib.plotting import lab as plots

    lab = L.Lab(0, 1e19)
    plan = L.isoflop_design([1e16, 1e17, 1e18], n_sizes=5)
    lab.train(plan.n_params.to_numpy(), plan.n_tokens.to_numpy())
    r = lab.runs
    iso = ch.isoflop_minima(
        r.n_params, r.compute, r.loss, budgets=[1e16, 1e17, 1e18], window=None
    )
    for fig in (
        plots.plot_lab_spending(r, lab.budget_flops),
        plots.plot_lab_prediction(
            iso, lab._law, lab.target_compute, truth=lab._law
        ),
    ):
        for ax in fig.axes:
            assert ax.get_xlabel() and ax.get_ylabel()
        plt.close(fig)


def test_to_csv_refuses_a_bad_path_and_a_missing_directory(tmp_path):
    lab = L.Lab(4, 1e19)
    with pytest.raises(ValueError, match="path"):
        lab.to_csv(3)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        lab.to_csv(tmp_path / "missing" / "runs.csv")
    assert not (tmp_path / "missing").exists()


def test_train_names_both_sizes_when_shapes_differ_or_the_budget_is_short():
    lab = L.Lab(0, 1e19)
    with pytest.raises(ValueError, match="same length") as info:
        lab.train([1e7, 2e7], [1e9, 1e9, 1e9])
    assert "n_params" in str(info.value) and "n_tokens" in str(info.value)
    with pytest.raises(L.BudgetExceeded) as info:
        lab.train(1e10, 1e12)
    assert "n_params" in str(info.value) and "n_tokens" in str(info.value)
    assert lab.remaining_flops == 1e19


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"noise": 2.0}, "noise"),
        ({"budget_flops": 1e307}, "budget_flops"),  # 100x overflows
    ],
)
def test_constructor_refuses_values_that_overflow(kwargs, name):
    with pytest.raises(ValueError, match=name):
        L.Lab(0, **kwargs)


def test_grade_refuses_a_non_bool_reveal_and_survives_a_tiny_n_opt():
    lab = L.Lab(0, 1e19)
    with pytest.raises(ValueError, match="reveal"):
        lab.grade(1e9, 2.0, reveal="yes")
    g = lab.grade(
        5e-324, 2.0
    )  # the ratio to the truth underflows; its log does not
    assert g.n_opt_score == 0.0 and "too small" in g.feedback


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"budgets": [[1e17]]}, "budgets"),
        ({"budgets": []}, "budgets"),
        ({"budgets": [1e17], "n_sizes": 10**6}, "n_sizes"),
        ({"budgets": 1e300, "tokens_per_param": 1e-300}, "tokens_per_param"),
    ],
)
def test_isoflop_design_refuses_shapes_and_overflows(kwargs, name):
    with pytest.raises(ValueError, match=name):
        L.isoflop_design(**kwargs)


def test_grade_takes_the_one_element_array_a_fit_predicts():
    # what ``fit.predict([lab.target_compute])`` returns: graded like the number it holds
    a, b = L.Lab(0, 1e19), L.Lab(0, 1e19)
    assert a.grade(np.array([2e9]), 2.3).score == b.grade(2e9, 2.3).score


def test_a_one_element_series_is_a_number_to_the_checks():
    import pandas as pd

    from scaling_lib.exercises import parse_answer

    assert parse_answer(pd.Series([5.0], index=[7]), "N") == 5.0
