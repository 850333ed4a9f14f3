"""Tests of Chapter 6's library: data-constrained law (Muennighoff et al. 2023), over-training
law (Gadre et al. 2024), the ladder workflow, and the exercise checks."""

import numpy as np
import pytest

from scaling_lib import chinchilla as ch
from scaling_lib import data_constrained as dc
from scaling_lib import overtraining as ot
from scaling_lib import workflow as wf
from scaling_lib.data import (
    GADRE_FIT_SHAPES,
    load_datablations_runs,
    load_gadre_runs,
)
from scaling_lib.exercises import practice as checks

# ---- data-constrained law: limiting cases ---------------------------------------------------


@pytest.mark.parametrize("u", [1e8, 3e9, 2e11])
def test_no_repetition_gives_the_unique_data(u):
    assert float(dc.effective_data(u, u, 15.4)) == pytest.approx(u, rel=1e-12)


@pytest.mark.parametrize("r_star", [1.0, 5.3, 15.4, 100.0])
def test_many_epochs_saturate_at_u_times_one_plus_r_star(r_star):
    u = 1e9
    assert float(dc.effective_data(u, u * 1e7, r_star)) == pytest.approx(
        u * (1 + r_star), rel=1e-9
    )


def test_few_epochs_are_almost_fresh_and_value_falls_monotonically():
    epochs = np.array([1.0, 1.5, 2, 4, 8, 16, 64, 256])
    value = dc.effective_data(1.0, epochs, 15.4) / epochs
    assert value[1] > 0.98 and np.all(np.diff(value) < 0)


def test_effective_params_equal_n_without_excess_and_saturate():
    base = dc.MUENNIGHOFF_2023_C4_BASE
    u = 1e10
    n_u = float(dc.unique_params(u, base))
    assert float(
        dc.effective_params(0.5 * n_u, u, 5.3, base)
    ) == pytest.approx(0.5 * n_u)
    assert float(
        dc.effective_params(1e6 * n_u, u, 5.3, base)
    ) == pytest.approx(6.3 * n_u, rel=1e-9)


def test_unique_params_is_the_compute_optimal_size_for_that_data():
    base = dc.MUENNIGHOFF_2023_C4_BASE
    c = 1e22
    n_opt, d_opt = base.compute_optimal(c)
    assert float(dc.unique_params(d_opt, base)) == pytest.approx(
        float(n_opt), rel=1e-9
    )


def test_published_law_reproduces_the_authors_readme_examples():
    # datablations README, "Parametric Fit": Figure 1 (right) models.
    law = dc.MUENNIGHOFF_2023
    assert float(law.loss(6.34e9, 242e9, 25e9)) == pytest.approx(
        2.2256440889984477, abs=1e-6
    )
    assert float(law.loss(8.67e9, 178e9, 25e9)) == pytest.approx(
        2.2269634075087867, abs=1e-6
    )


def test_single_epoch_law_is_the_base_law():
    law = dc.MUENNIGHOFF_2023
    n, d = 1e7, 1e9  # N below N_opt(U) (about 5e7 here), one epoch
    assert float(law.loss(n, d, d)) == pytest.approx(
        float(law.base.loss(n, d))
    )


def test_repetition_fit_recovers_known_constants():
    rng = np.random.default_rng(3)
    n = 10 ** rng.uniform(8, 9.5, 80)
    u = 10 ** rng.uniform(8, 10, 80)
    d = u * 10 ** rng.uniform(0, 2.5, 80)
    truth = dc.DataConstrainedLoss(dc.MUENNIGHOFF_2023_C4_BASE, 8.0, 3.0)
    fit = dc.fit_repetition_constants(n, d, u, truth.loss(n, d, u), truth.base)
    assert fit.success
    assert fit.law.r_d_star == pytest.approx(8.0, rel=1e-3)
    assert fit.law.r_n_star == pytest.approx(3.0, rel=1e-3)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(unique_tokens=-1.0, n_tokens=1e9, r_star=15.0), "unique_tokens"),
        (dict(unique_tokens=1e9, n_tokens=np.nan, r_star=15.0), "n_tokens"),
        (dict(unique_tokens=1e9, n_tokens=1e9, r_star=0.0), "r_star"),
        (dict(unique_tokens=2e9, n_tokens=1e9, r_star=15.0), "unique_tokens"),
    ],
)
def test_bad_input_names_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=name):
        dc.effective_data(**kwargs)


def test_fit_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="loss"):
        dc.fit_repetition_constants(
            [1e8, 2e8, 3e8],
            [1e9] * 3,
            [1e9] * 3,
            [3.0, 3.0],
            dc.MUENNIGHOFF_2023_C4_BASE,
        )


def test_datablations_loader_matches_the_readme_sanity_checks():
    runs = load_datablations_runs()
    assert (
        len(runs) == 296
        and len(load_datablations_runs(include_dedup=True)) == 308
    )
    # README "Sanity checks": N = 4.2B, D = 84B at 1 epoch: loss 2.457.
    row = runs[(runs.run_name == "4b284b84b")]
    assert float(row.loss.iloc[0]) == pytest.approx(2.457, abs=1e-3)


# ---- over-training ---------------------------------------------------------------------------


def test_gadre_default_fit_reproduces_the_authors_errors():
    # scaling_explorer.ipynb (mlfoundations/scaling), cell 2 output: relative errors 0.7103 %
    # (open_lm_1b, M = 640) and 0.7320 % (open_lm_7b, M = 20) on C4 eval, RedPajama.
    rpj = load_gadre_runs("rpj")
    small = rpj[rpj.model_shape.isin(GADRE_FIT_SHAPES)]
    five = small[
        (small.multiplier == 1)
        | ((small.model_shape == "d=96_l=8_h=4") & (small.multiplier == 16))
    ]
    law = ot.fit_overtraining_law(
        five.n_params, five.n_tokens, five.loss
    ).params
    big = rpj[
        rpj.model_shape.isin(["open_lm_1b", "open_lm_7b"])
        & (rpj.compute > 2.5e20)
    ]
    err = dict(
        zip(
            big.model_shape,
            100 * (law.loss(big.n_params, big.n_tokens) / big.loss - 1),
        )
    )
    assert err["open_lm_1b"] == pytest.approx(0.7103, abs=0.01)
    assert err["open_lm_7b"] == pytest.approx(0.7320, abs=0.01)


def test_gadre_loader_rejects_unknown_names():
    with pytest.raises(ValueError, match="train_dataset"):
        load_gadre_runs("wikipedia")
    with pytest.raises(ValueError, match="eval_set"):
        load_gadre_runs(eval_set="mmlu")


def test_loss_vs_multiplier_uses_twenty_tokens_per_parameter():
    law = ch.HOFFMANN_2022
    assert float(ot.loss_vs_multiplier(law, 1e9, 1.0)) == pytest.approx(
        float(law.loss(1e9, 2e10))
    )


# ---- workflow ----------------------------------------------------------------------------------


def test_ladder_is_deterministic_per_seed_and_accepts_generators():
    a = wf.simulate_ladder(ch.HOFFMANN_2022, [1e18, 1e19], rng=5)
    b = wf.simulate_ladder(ch.HOFFMANN_2022, [1e18, 1e19], rng=5)
    c = wf.simulate_ladder(
        ch.HOFFMANN_2022, [1e18, 1e19], rng=np.random.default_rng(5)
    )
    d = wf.simulate_ladder(ch.HOFFMANN_2022, [1e18, 1e19], rng=6)
    assert a.equals(b) and a.equals(c) and not a.equals(d)


def test_prediction_band_is_deterministic_and_widens_with_distance():
    ladder = wf.simulate_ladder(
        ch.BESIROGLU_2024, np.logspace(18, 20, 4), noise=0.01, rng=1
    )
    targets = [1e20, 1e22, 1e24]
    b1 = wf.prediction_band(
        ladder.n_params,
        ladder.n_tokens,
        ladder.loss,
        targets,
        n_resamples=60,
        rng=2,
    )
    b2 = wf.prediction_band(
        ladder.n_params,
        ladder.n_tokens,
        ladder.loss,
        targets,
        n_resamples=60,
        rng=2,
    )
    assert b1.equals(b2)
    assert np.all(np.diff(b1.width) > 0)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(budgets=[-1e18]), "budgets"),
        (dict(budgets=[1e18], spread=1.0), "spread"),
        (dict(budgets=[1e18], noise=-0.1), "noise"),
        (dict(budgets=[1e18], sizes_per_budget=0), "sizes_per_budget"),
    ],
)
def test_ladder_bad_input_names_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=name):
        wf.simulate_ladder(ch.HOFFMANN_2022, **kwargs)


def test_holdout_needs_a_run_above_the_cutoff():
    runs = wf.simulate_ladder(ch.HOFFMANN_2022, [1e18, 1e19], rng=0)
    with pytest.raises(ValueError, match="cutoff"):
        wf.holdout_by_compute(
            runs.n_params, runs.n_tokens, runs.loss, cutoff=1e22
        )


# ---- exercise checks: right answers pass, typical wrong answers fail, expected value hidden --


def _d_prime(u, d, r):
    return u + u * r * (1 - np.exp(-np.maximum(d / u - 1, 0) / r))


def test_check_effective_data_function():
    assert checks.check_effective_data_function(_d_prime)

    def counting_all_epochs(u, d, r):  # R_D = D/U
        return u + u * r * (1 - np.exp(-(d / u) / r))

    def fresh(u, d, r):
        return d

    for wrong in (counting_all_epochs, fresh):
        fb = checks.check_effective_data_function(wrong)
        assert not fb and "Hint" in fb


def test_check_epochs_for_value_hides_the_answer():
    right = 5.168
    assert checks.check_epochs_for_value(right)
    fb = checks.check_epochs_for_value(
        15.4
    )  # R_D* itself, a typical confusion
    assert not fb and "5.1" not in fb


def test_check_overtrain_tokens_computes_the_target_itself():
    rpj = load_gadre_runs("rpj")
    n_1b = float(rpj[rpj.model_shape == "open_lm_1b"].n_params.iloc[0])
    law = ch.ParametricLoss(E=1.837, A=166.2, B=287.2, alpha=0.273, beta=0.273)
    target = float(law.loss(n_1b, 20 * n_1b))
    d = float(law.n_tokens_for_loss(4e8, target))
    assert checks.check_overtrain_tokens(d / 4e8, law)
    fb = checks.check_overtrain_tokens(
        d, law
    )  # tokens, not tokens per parameter
    assert not fb and "divide by N" in fb and f"{d / 4e8:.4g}" not in fb
    fb = checks.check_overtrain_tokens(20, law)  # the compute-optimal ratio
    assert not fb and "Hint" in fb


def test_check_effective_tokens_and_half_value_epochs():
    assert checks.check_effective_tokens(_d_prime(25e9, 250e9, 15.4))
    fb = checks.check_effective_tokens(195)  # billions, not tokens
    assert not fb and "tokens, not billions" in fb
    right = 1 + 15.387756 * np.log(2)
    assert checks.check_half_value_epochs(right)
    fb = checks.check_half_value_epochs(right - 1)  # R_D, not epochs
    assert not fb and "beyond the first" in fb and f"{right:.4g}" not in fb
    fb = checks.check_half_value_epochs(
        1 + 15.387756
    )  # the average-value reading
    assert not fb and "differentiate" in fb


def test_check_epochs_for_value_hint():
    fb = checks.check_epochs_for_value(2.0)
    assert not fb and "Hint" in fb


def test_check_allocation_function_and_epochs():
    good = dc.data_constrained_optimum
    assert checks.check_allocation_function(good)

    def chinchilla(law, c, u):  # ignores repetition
        return tuple(float(v) for v in law.base.compute_optimal(c))

    fb = checks.check_allocation_function(chinchilla)
    assert not fb and "Hint" in fb
    fb = checks.check_allocation_function(lambda law, c, u: (1e9, 1e10))
    assert not fb and "6ND" in fb
    n, d = dc.data_constrained_optimum(dc.MUENNIGHOFF_2023, 1e23, 100e9)
    assert checks.check_allocation_epochs(d / 100e9)
    n_ch, d_ch = (
        float(v) for v in dc.MUENNIGHOFF_2023.base.compute_optimal(1e23)
    )
    fb = checks.check_allocation_epochs(d_ch / 100e9)
    assert not fb and "Hint" in fb and f"{d / 100e9:.4g}" not in fb


# ---- new library pieces ----------------------------------------------------------------------


def test_data_constrained_optimum_reproduces_the_readme_example():
    # datablations README: 1e22 FLOPs, 25B unique tokens -> 7.0B parameters, 9.5 epochs.
    n, d = dc.data_constrained_optimum(dc.MUENNIGHOFF_2023, 1e22, 25e9)
    assert n / 1e9 == pytest.approx(7.0, abs=0.05)
    assert d / 25e9 == pytest.approx(9.5, abs=0.05)
    with pytest.raises(ValueError, match="n_grid"):
        dc.data_constrained_optimum(dc.MUENNIGHOFF_2023, 1e22, 25e9, n_grid=3)


def test_paper_like_mask_keeps_epochs_up_to_500_and_drops_harmful_runs():
    runs = load_datablations_runs()
    keep = dc.paper_like_mask(
        runs.n_params, runs.n_tokens, runs.unique_tokens, runs.loss
    )
    assert not keep[runs.epochs.to_numpy() > 500].any()
    assert 150 < keep.sum() < 260  # the paper fits 182 (Appendix A)
    with pytest.raises(ValueError, match="max_epochs"):
        dc.paper_like_mask([1e8], [1e9], [1e9], [3.0], max_epochs=0.5)


def test_one_exponent_fit_with_the_huber_objective():
    true = ch.ParametricLoss(E=1.8, A=300.0, B=900.0, alpha=0.3, beta=0.3)
    n = np.array([1e7, 8e7, 1.5e8, 4e8, 1e7, 4e8, 8e7])
    d = n * np.array([20, 20, 20, 20, 320, 80, 40])
    fit = ot.fit_overtraining_law(n, d, true.loss(n, d), objective="huber_log")
    assert fit.success and fit.params.alpha == pytest.approx(0.3, abs=1e-3)
    with pytest.raises(ValueError, match="objective"):
        ot.fit_overtraining_law(n, d, true.loss(n, d), objective="l1")


def test_learning_curve_fit_and_seed_spread():
    s = np.arange(100, 20001, 100)
    ell = wf.simulate_learning_curve(1e8, s, noise=0.0)
    fit = wf.fit_learning_curve(s, ell)
    assert fit.success and fit.alpha == pytest.approx(0.76, abs=0.01)
    assert not wf.fit_learning_curve([1, 2, 3], [3.0, 2.5, 2.4]).success
    a = wf.simulate_learning_curve(1e8, s, rng=3)
    assert np.array_equal(
        a, wf.simulate_learning_curve(1e8, s, rng=np.random.default_rng(3))
    )
    err = wf.ladder_prediction_errors(
        ch.BESIROGLU_2024, [1e18, 1e19, 1e20], 1e23, seeds=[0, 1], noise=0.01
    )
    assert err.shape == (2,) and np.all(np.abs(err) < 0.2)


def test_widget_update_reuses_one_figure_and_is_fast():
    import time

    from scaling_lib.plotting import practice as plots

    view = plots.DataConstrainedView(dc.MUENNIGHOFF_2023, n_params=1e9)
    lines = list(view.ax.lines)
    t0 = time.perf_counter()
    for k in range(10):
        plots.update_data_constrained(view, 9.0 + 0.2 * k, 2.0 + k)
    per_update = (time.perf_counter() - t0) / 10
    assert list(view.ax.lines) == lines and per_update < 0.15


def test_check_data_wall_gap():
    law = dc.MUENNIGHOFF_2023
    gap = float(law.loss(10e9, 16e11, 1e11) - law.loss(10e9, 4e11, 1e11))
    assert checks.check_data_wall_gap(gap, 10e9, 1e11, 4, 16)
    fb = checks.check_data_wall_gap(
        -gap, 10e9, 1e11, 4, 16
    )  # subtraction the wrong way round
    assert not fb and "order of the subtraction" in fb
    assert f"{gap:.4g}" not in fb


def test_chapter_6_data_ship_with_their_licences():
    from scaling_lib.data import DATA_DIR

    for name in [
        "datablations/LICENSE.md",
        "datablations/README.md",
        "gadre2024_overtraining/LICENSE.txt",
        "gadre2024_overtraining/README.md",
    ]:
        assert (DATA_DIR / name).is_file(), name
