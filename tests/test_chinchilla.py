"""Tests of scaling_lib.chinchilla (approaches 1-3 of Hoffmann et al. 2022) and its data loader."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaling_lib import chinchilla as ch
from scaling_lib.data import (
    PORIAN_FIGURE1_STEPS,
    load_chinchilla_runs,
    load_porian_isoflops,
    load_porian_optima,
)
from scaling_lib.fitting import fit_power_law


@pytest.fixture(scope="module")
def runs():
    return load_chinchilla_runs()


@pytest.fixture(scope="module")
def shipped_fit(runs):
    return ch.fit_parametric_loss(runs.n_params, runs.n_tokens, runs.loss)


def synthetic_runs(params, n_runs=120, noise=0.01, seed=0):
    """Runs at random (N, D) with multiplicative log-normal noise on the loss."""
    rng = np.random.default_rng(seed)
    n = 10 ** rng.uniform(7.5, 10.5, n_runs)
    d = 10 ** rng.uniform(9, 12, n_runs)
    loss = params.loss(n, d) * np.exp(rng.normal(0, noise, n_runs))
    return n, d, loss


# ----------------------------------------------------------------------------- published values


def test_hoffmann_eq10_constants():
    # Hoffmann et al. 2022, eq. (10): E = 1.69, A = 406.4, B = 410.7, alpha = 0.34, beta = 0.28
    p = ch.HOFFMANN_2022
    assert (p.E, p.A, p.B, p.alpha, p.beta) == (1.69, 406.4, 410.7, 0.34, 0.28)


def test_unrounded_hoffmann_gives_table2_exponent_and_figure4_model():
    p = ch.HOFFMANN_2022_UNROUNDED
    assert p.A == pytest.approx(406.4, abs=0.05) and p.B == pytest.approx(
        410.7, abs=0.05
    )
    # Table 2, approach 3: a = 0.46, b = 0.54
    assert round(p.a, 2) == 0.46 and round(p.b, 2) == 0.54
    # Figure 4 caption: the optimal model for Gopher's budget (5.76e23 FLOPs, Table 3) is 40B
    n_opt, _ = p.compute_optimal(5.76e23)
    assert n_opt == pytest.approx(40e9, rel=0.03)


def test_besiroglu_exponent():
    # Besiroglu et al. 2024 (README of the data): a = beta / (alpha + beta) = 0.513
    assert ch.BESIROGLU_2024.a == pytest.approx(0.513, abs=0.001)


def test_table3_is_consistent_with_6nd():
    # Hoffmann et al. 2022, Table 3: FLOPs = 6 N D to the table's rounding (67B: "1.5 Trillion"
    # tokens is 1.43T rounded, hence 5 %)
    t = ch.HOFFMANN_2022_TABLE3
    assert np.allclose(6 * t.n_params * t.n_tokens, t.compute, rtol=0.05)
    # and about 20 tokens per parameter at 1B (20.2B tokens)
    assert (t.n_tokens / t.n_params).iloc[1] == pytest.approx(20.2, rel=1e-6)


def test_table2_values():
    t2 = ch.HOFFMANN_2022_TABLE2
    assert [round(v.a, 2) for v in t2.values()] == [0.50, 0.49, 0.46, 0.73]
    assert all(abs(v.a + v.b - 1) < 1e-9 for v in t2.values())


# ----------------------------------------------------------------------------- the closed form


def test_allocation_exponents_not_swapped():
    # a = beta/(alpha+beta): with alpha > beta (Hoffmann's fit), parameters grow slower than data
    p = ch.HOFFMANN_2022
    assert p.a == pytest.approx(0.28 / 0.62) and p.a < 0.5 < p.b
    n1, d1 = p.compute_optimal(1e22)
    n2, d2 = p.compute_optimal(1e23)
    assert np.log10(n2 / n1) == pytest.approx(p.a) and np.log10(
        d2 / d1
    ) == pytest.approx(p.b)


@settings(max_examples=40, deadline=None)
@given(
    E=st.floats(0.5, 3),
    A=st.floats(10, 5000),
    B=st.floats(10, 5000),
    alpha=st.floats(0.1, 0.8),
    beta=st.floats(0.1, 0.8),
    logc=st.floats(17, 27),
)
def test_closed_form_equals_numeric_minimum(E, A, B, alpha, beta, logc):
    p = ch.ParametricLoss(E, A, B, alpha, beta)
    c = 10.0**logc
    n_cf, d_cf = p.compute_optimal(c)
    n_num, d_num = ch.compute_optimal_numeric(p, c)
    assert 6 * n_cf * d_cf == pytest.approx(c, rel=1e-10)
    assert n_num == pytest.approx(n_cf, rel=1e-5)
    # and no allocation on the iso-FLOP line does better
    for k in (0.9, 1.1):
        assert p.loss(n_cf, d_cf) <= p.loss(n_cf * k, d_cf / k)


def test_allocation_table_round_trip():
    t = ch.allocation_table(ch.BESIROGLU_2024)
    n_back, d_back = ch.BESIROGLU_2024.compute_optimal(t.compute.to_numpy())
    assert np.allclose(n_back, t.n_params, rtol=1e-10)
    assert np.allclose(d_back, t.n_tokens, rtol=1e-10)


def test_tokens_for_loss_inverts_the_loss():
    p = ch.HOFFMANN_2022
    d = p.n_tokens_for_loss(1e10, 2.1)
    assert p.loss(1e10, d) == pytest.approx(2.1, rel=1e-12)
    assert np.isinf(
        p.n_tokens_for_loss(1e6, 2.0)
    )  # out of reach for a tiny model


# ----------------------------------------------------------------------------- approach 3 fits


def test_recovers_known_parameters_from_synthetic_runs():
    truth = ch.ParametricLoss(E=1.8, A=500.0, B=2000.0, alpha=0.35, beta=0.37)
    n, d, loss = synthetic_runs(truth, n_runs=200, noise=0.005, seed=1)
    fit = ch.fit_parametric_loss(n, d, loss)
    assert fit.success, fit.message
    # tolerance: 0.03 on exponents, 2 % on E, from 200 runs with 0.5 % loss noise
    assert fit.params.alpha == pytest.approx(0.35, abs=0.03)
    assert fit.params.beta == pytest.approx(0.37, abs=0.03)
    assert fit.params.E == pytest.approx(1.8, rel=0.02)
    assert fit.params.a == pytest.approx(truth.a, abs=0.02)


def test_exact_synthetic_runs_are_fitted_exactly():
    n, d, loss = synthetic_runs(ch.HOFFMANN_2022, n_runs=60, noise=0.0, seed=2)
    fit = ch.fit_parametric_loss(n, d, loss)
    assert fit.success
    assert fit.objective < 1e-12
    assert np.allclose(fit.lse, ch.HOFFMANN_2022.lse, atol=1e-4)


def test_shipped_data_matches_besiroglu_replication(shipped_fit):
    # Besiroglu et al. 2024 "replicate exactly": A = 477.84, B = 2143.86, E = 1.8172,
    # alpha = 0.34731, beta = 0.36718 (README of the data)
    p, ref = shipped_fit.params, ch.BESIROGLU_2024_REPLICATION
    assert shipped_fit.success, shipped_fit.message
    assert shipped_fit.n_points == 240 and shipped_fit.n_starts == 4500
    assert p.E == pytest.approx(ref.E, abs=1e-3)
    assert p.A == pytest.approx(ref.A, rel=5e-3)
    assert p.B == pytest.approx(ref.B, rel=5e-3)
    assert p.alpha == pytest.approx(ref.alpha, abs=1e-4)
    assert p.beta == pytest.approx(ref.beta, abs=1e-4)


def test_shipped_data_optimum_is_stable_across_start_grids(runs, shipped_fit):
    shifted = ch.default_start_grid() + np.array([2.5, 2.5, 0.25, 0.25, 0.25])
    rng = np.random.default_rng(3)
    random = np.column_stack(
        [
            rng.uniform(0, 25, 2000),
            rng.uniform(0, 25, 2000),
            rng.uniform(-1, 1, 2000),
            rng.uniform(0, 2, 2000),
            rng.uniform(0, 2, 2000),
        ]
    )
    for starts in (shifted, random):
        fit = ch.fit_parametric_loss(
            runs.n_params, runs.n_tokens, runs.loss, starts=starts
        )
        assert fit.objective == pytest.approx(shipped_fit.objective, rel=1e-9)
        assert np.allclose(fit.lse, shipped_fit.lse, atol=1e-4)


def test_batched_fit_agrees_with_scipy_loop_on_a_small_grid(runs, shipped_fit):
    grid = ch.default_start_grid()[::450]  # 10 starts keep the loop to seconds
    slow = ch.fit_parametric_loss_reference(
        runs.n_params, runs.n_tokens, runs.loss, starts=grid
    )
    assert slow.success
    assert shipped_fit.objective <= slow.objective * (1 + 1e-9)
    assert slow.params.alpha == pytest.approx(
        shipped_fit.params.alpha, abs=2e-3
    )


def test_huber_objective_matches_definition():
    rng = np.random.default_rng(4)
    n, d, loss = synthetic_runs(
        ch.HOFFMANN_2022, n_runs=30, noise=0.02, seed=5
    )
    theta = ch.BESIROGLU_2024.lse
    r = np.log(ch.BESIROGLU_2024.loss(n, d)) - np.log(loss)
    delta = 1e-3
    huber = np.where(
        np.abs(r) <= delta, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta)
    )
    assert ch.huber_objective(theta, n, d, loss) == pytest.approx(
        huber.sum(), rel=1e-12
    )
    batch = ch.huber_objective(
        np.vstack([theta, theta + rng.normal(0, 0.01, 5)]), n, d, loss
    )
    assert batch.shape == (2,) and batch[0] == pytest.approx(
        huber.sum(), rel=1e-12
    )


def test_failed_fit_reports_success_false_with_message():
    # losses that rise with model size: the best fit needs alpha < 0, outside the model
    rng = np.random.default_rng(6)
    n = 10 ** rng.uniform(7, 10, 40)
    d = 10 ** rng.uniform(9, 12, 40)
    loss = 1.0 + 0.2 * np.log10(n) + 0.05 * rng.random(40)
    fit = ch.fit_parametric_loss(
        n, d, loss, starts=ch.default_start_grid()[::50]
    )
    assert fit.success is False
    assert isinstance(fit.message, str) and fit.message


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(n_params=[1e8, -1e9] + [1e9] * 6), "n_params"),
        (dict(n_tokens=[0.0] + [1e10] * 7), "n_tokens"),
        (dict(loss=[np.nan] + [2.5] * 7), "loss"),
        (dict(loss=[2.5] * 7), "same length"),
    ],
)
def test_bad_input_raises_naming_the_argument(kwargs, name):
    args = dict(n_params=[1e8] * 8, n_tokens=[1e10] * 8, loss=[2.5] * 8)
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        ch.fit_parametric_loss(**args)


def test_too_few_points_raise():
    with pytest.raises(ValueError, match="n_params"):
        ch.fit_parametric_loss([1e8] * 5, [1e10] * 5, [2.5] * 5)
    with pytest.raises(ValueError, match="n_params"):
        ch.isoflop_minima([1e8, 1e9], [1e18, 1e18], [3.0, 2.9])


@pytest.mark.parametrize(
    "func",
    [
        lambda: ch.HOFFMANN_2022.compute_optimal(-1e20),
        lambda: ch.isoflop_minima(
            [1e8, 1e9, 1e10], [1e18, 0.0, 1e18], [3.0, 2.9, 3.1]
        ),
        lambda: ch.envelope_fit([1e8, 1e9], [1e18, -1e19], [3.0, 2.9]),
    ],
)
def test_nonpositive_compute_raises(func):
    with pytest.raises(ValueError, match="compute"):
        func()


def test_parametric_loss_rejects_nonpositive_constants():
    with pytest.raises(ValueError, match="alpha"):
        ch.ParametricLoss(E=1.7, A=400, B=400, alpha=-0.3, beta=0.3)


def test_bootstrap_rejects_bad_rng(runs):
    with pytest.raises(ValueError, match="rng"):
        ch.bootstrap(
            runs.n_params, runs.n_tokens, runs.loss, n_resamples=2, rng="seed"
        )


def test_bootstrap_accepts_an_int_seed_as_spec7_says(runs):
    """SPEC 7: rng may be None, an int or a Generator; an int seed equals default_rng(seed)."""
    b1 = ch.bootstrap_isoflop(
        runs.n_params,
        runs.compute,
        runs.loss,
        n_resamples=20,
        rng=5,
        budgets=[6e18, 1e19, 3e19, 6e19, 1e20],
        rtol=0.15,
    )
    b2 = ch.bootstrap_isoflop(
        runs.n_params,
        runs.compute,
        runs.loss,
        n_resamples=20,
        rng=np.random.default_rng(5),
        budgets=[6e18, 1e19, 3e19, 6e19, 1e20],
        rtol=0.15,
    )
    np.testing.assert_array_equal(b1.a_samples, b2.a_samples)


# ----------------------------------------------------------------------------- bootstrap


def test_bootstrap_interval_covers_truth_and_is_reproducible():
    truth = ch.ParametricLoss(E=1.8, A=500.0, B=2000.0, alpha=0.35, beta=0.37)
    n, d, loss = synthetic_runs(truth, n_runs=150, noise=0.01, seed=7)
    b1 = ch.bootstrap(
        n, d, loss, n_resamples=100, rng=np.random.default_rng(8)
    )
    b2 = ch.bootstrap(
        n, d, loss, n_resamples=100, rng=np.random.default_rng(8)
    )
    pd.testing.assert_frame_equal(b1.samples, b2.samples)
    assert b1.converged.mean() > 0.95
    ci = b1.interval(0.95)
    for name in ("alpha", "beta", "E"):
        assert (
            ci.loc[name, "lower"]
            < getattr(truth, name)
            < ci.loc[name, "upper"]
        )
    tpp = b1.tokens_per_param([1e21, 1e23])
    assert tpp.shape == (b1.converged.sum(), 2) and np.all(tpp > 0)


def test_bootstrap_on_shipped_data_is_close_to_besiroglu(runs, shipped_fit):
    # Besiroglu et al. 2024: 95 % intervals alpha (0.317, 0.373), beta (0.331, 0.415) from
    # 4,000 resamples; 200 resamples here, so allow 0.01 on each end
    boot = ch.bootstrap(
        runs.n_params,
        runs.n_tokens,
        runs.loss,
        n_resamples=200,
        rng=np.random.default_rng(42),
        fit=shipped_fit,
    )
    ci = boot.interval(0.95)
    assert ci.loc["alpha", "lower"] == pytest.approx(0.317, abs=0.01)
    assert ci.loc["alpha", "upper"] == pytest.approx(0.373, abs=0.01)
    assert ci.loc["beta", "lower"] == pytest.approx(0.331, abs=0.01)
    assert ci.loc["beta", "upper"] == pytest.approx(0.415, abs=0.015)


# ----------------------------------------------------------------------------- approaches 1 and 2


def test_isoflop_recovers_exponent_from_exact_profiles():
    truth = ch.BESIROGLU_2024
    budgets = np.logspace(18, 22, 5)
    # sizes sampled around each optimum, +-1 decade, as an IsoFLOP grid would be
    n = np.concatenate(
        [
            truth.compute_optimal(c)[0] * np.logspace(-0.5, 0.5, 9)
            for c in budgets
        ]
    )
    c = np.repeat(budgets, 9)
    res = ch.isoflop_minima(n, c, truth.loss(n, c / (6 * n)))
    assert res.success and res.table.interior.all()
    # a parabola in log N is only an approximation to the profile: tolerance 0.01
    assert res.a == pytest.approx(truth.a, abs=0.01)
    assert res.a + res.b == pytest.approx(1.0, abs=1e-9)


def test_isoflop_flags_a_minimum_at_the_edge():
    n = np.logspace(7, 9, 5)
    res = ch.isoflop_minima(
        n, np.full(5, 1e19), 3.0 - 0.1 * np.log10(n)
    )  # still falling
    assert (
        not res.table.interior.any()
        and not res.success
        and "interior" in res.message
    )


def test_isoflop_groups_noisy_budgets(runs):
    budgets = [6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21]
    res = ch.isoflop_minima(
        runs.n_params, runs.compute, runs.loss, budgets=budgets, rtol=0.15
    )
    assert res.success and len(res.table) == 9
    # Hoffmann et al. 2022, Table 2, approach 2: a = 0.49 (0.462, 0.534)
    assert 0.45 < res.a < 0.56


@pytest.mark.parametrize("dataset", ["rw", "owt2"])
def test_porian_steps_move_from_kaplan_to_chinchilla(dataset):
    exponents = []
    for _, hparams, warmup, decay, param_count, split in PORIAN_FIGURE1_STEPS:
        cfg = dict(
            dataset=dataset,
            hparams=hparams,
            warmup=warmup,
            decay=decay,
            param_count=param_count,
            loss_split=split,
        )
        pts = load_porian_isoflops(**cfg)
        res = ch.isoflop_minima(pts.params, pts.flops, pts.loss)
        authors = load_porian_optima(**cfg).dropna(subset=["n_opt"])
        # within 0.05 of the exponent through the authors' own optima (Akima interpolation);
        # a parabola through the whole curve missed "Counting last layer FLOPs" by 0.08
        assert res.a == pytest.approx(
            fit_power_law(authors.flops, authors.n_opt).exponent, abs=0.05
        )
        exponents.append(res.a)
    # Porian et al. 2024, Figure 1: near Kaplan et al.'s 0.88 against raw compute (Figure 14
    # left; their runs are not adjusted to the critical batch) for the first set-up, about 0.5
    # (Chinchilla's value) at the end
    assert exponents[0] > 0.8 and 0.45 < exponents[-1] < 0.55
    assert exponents[0] - exponents[-1] > 0.25


def test_bootstrap_isoflop_interval_contains_point_estimate():
    cfg = dict(
        dataset="rw",
        hparams="tuned",
        warmup="short",
        decay="const",
        param_count="standard",
        loss_split="val",
    )
    pts = load_porian_isoflops(**cfg)
    boot = ch.bootstrap_isoflop(
        pts.params,
        pts.flops,
        pts.loss,
        n_resamples=300,
        rng=np.random.default_rng(0),
    )
    lo, hi = boot.interval()
    assert lo < boot.point.a < hi and hi - lo < 0.15


def test_envelope_on_shipped_data(runs):
    env = ch.envelope_fit(runs.n_params, runs.compute, runs.loss)
    assert env.success
    loss = env.frontier.loss.to_numpy()
    assert np.all(np.diff(loss) < 0) and np.all(
        np.diff(env.frontier.compute) >= 0
    )
    # Hoffmann et al. 2022, Table 2, approach 1: a = 0.50 (0.488, 0.502)
    assert 0.4 < env.a < 0.6


# ----------------------------------------------------------------------------- inference


def test_inference_optimal_without_inference_is_chinchilla():
    p = ch.HOFFMANN_2022
    res = ch.inference_optimal(p, 2.0, 0.0)
    assert res.n_params == pytest.approx(res.chinchilla_n_params, rel=1e-4)
    assert p.loss(res.n_params, res.n_tokens) == pytest.approx(2.0, rel=1e-10)


def test_more_inference_means_smaller_longer_trained_models():
    res = ch.inference_optimal(ch.BESIROGLU_2024, 2.2, [0.0, 1e11, 1e12, 1e13])
    assert np.all(np.diff(res.n_params) < 0)
    assert np.all(np.diff(res.tokens_per_param) > 0)
    assert np.all(res.total_flops <= res.chinchilla_total_flops * (1 + 1e-9))


def test_inference_optimal_rejects_unreachable_loss():
    with pytest.raises(ValueError, match="target_loss"):
        ch.inference_optimal(ch.HOFFMANN_2022, 1.5, 1e12)
    with pytest.raises(ValueError, match="inference_tokens"):
        ch.inference_optimal(ch.HOFFMANN_2022, 2.0, -1.0)


# ----------------------------------------------------------------------------- data loader


def test_loader_rows_and_exclusion(runs):
    full = load_chinchilla_runs(exclude_highest=0)
    assert len(full) == 245 and len(runs) == 240
    assert runs.loss.max() < full.loss.nlargest(5).min()
    assert np.allclose(runs.n_tokens, runs.compute / (6 * runs.n_params))


def test_loader_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="exclude_highest"):
        load_chinchilla_runs(exclude_highest=-1)
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,loss\n1,2,3\n")
    with pytest.raises(ValueError, match="columns"):
        load_chinchilla_runs(path=bad)


def test_full_fit_is_fast(runs):
    # benchmarks/fit_speed.py holds the real timing (about 0.25 s here for the 4,500 starts);
    # this only catches a gross regression, with a margin for a busy machine.
    import time

    t0 = time.perf_counter()
    ch.fit_parametric_loss(runs.n_params, runs.n_tokens, runs.loss)
    assert time.perf_counter() - t0 < 5.0


def test_allocation_is_computed_in_one_place():
    # Hoffmann et al. 2022, eq. 4: a = beta/(alpha+beta), b = alpha/(alpha+beta),
    # G = (alpha A / (beta B))^(1/(alpha+beta)); the dataclass and the bootstrap use it
    p = ch.HOFFMANN_2022
    a, b, G = ch.allocation(p.A, p.B, p.alpha, p.beta)
    assert (p.a, p.b, p.G) == (float(a), float(b), float(G))
    assert float(a) == pytest.approx(0.28 / 0.62) and float(
        a + b
    ) == pytest.approx(1.0)


def test_parametric_loss_accepts_numpy_numbers():
    law = ch.ParametricLoss(
        E=np.float32(1.7),
        A=np.int64(400),
        B=np.int64(400),
        alpha=np.float64(0.3),
        beta=0.3,
    )
    assert law.a == pytest.approx(0.5)
    with pytest.raises(ValueError, match="E"):
        ch.ParametricLoss(E=True, A=400, B=400, alpha=0.3, beta=0.3)


# ------------------------------------------------------------------ inputs out of any range
def _grid_runs():
    n = np.tile(np.logspace(7, 10, 9), 4)
    c = np.repeat([1e18, 1e19, 1e20, 1e21], 9)
    return n, c, ch.HOFFMANN_2022.loss(n, c / (6 * n))


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"target_loss": 1e300}, "target_loss"),
        # above the loss of the compute-optimal model at 1e6 FLOPs (130.1 nats)
        ({"target_loss": 200.0}, "target_loss"),
        ({"inference_tokens": 1e300}, "inference_tokens"),
    ],
)
def test_inference_optimal_refuses_values_beyond_the_law_by_name(kwargs, name):
    call = {
        "params": ch.HOFFMANN_2022,
        "target_loss": 2.0,
        "inference_tokens": 1e12,
    }
    with pytest.raises(ValueError, match=name):
        ch.inference_optimal(**{**call, **kwargs})


def test_envelope_fit_refuses_tokens_that_overflow_by_name():
    n, c, ell = _grid_runs()
    with pytest.raises(ValueError, match="n_params"):
        ch.envelope_fit(np.full_like(n, 1e-300), c, ell)


def test_reference_fit_refuses_an_empty_start_grid_by_name():
    n, c, ell = _grid_runs()
    with pytest.raises(ValueError, match="starts"):
        ch.fit_parametric_loss_reference(n, c / (6 * n), ell, starts=[])


def test_an_isoflop_bootstrap_whose_point_fit_failed_says_so():
    n, c, ell = _grid_runs()
    # a window of 1e-3 decades holds one run per budget: no parabola anywhere
    boot = ch.bootstrap_isoflop(n, c, ell, n_resamples=20, rng=0, window=1e-3)
    assert not boot.point.success
    assert boot.success is False
    assert boot.message.startswith("the fit to all runs failed")
    with pytest.raises(ValueError, match="no interval"):
        boot.interval()


def test_check_law_names_the_argument_its_caller_gives():
    with pytest.raises(ValueError, match=r"^base must be a ParametricLoss"):
        ch.check_law(3, "base")
    with pytest.raises(ValueError, match=r"^q must be the law of section 4"):
        ch.check_law(None, "q", what="the law of section 4")
