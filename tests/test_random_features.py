"""Tests of scaling_lib.random_features: the solvable model of Maloney, Roberts & Sully (2022)."""

import numpy as np
import pytest

from scaling_lib.random_features import (
    power_law_spectrum,
    random_feature_experiment,
)

# The grid and seed used in notebooks/02_kaplan.ipynb.
N_GRID = 2 ** np.arange(4, 10)  # 16 ... 512 features
D_GRID = 2 ** np.arange(4, 12)  # 16 ... 2048 samples


@pytest.fixture(scope="module")
def experiment():
    return random_feature_experiment(
        N_GRID, D_GRID, alpha=1.0, rng=np.random.default_rng(0)
    )


def test_spectrum_is_a_power_law():
    lam = power_law_spectrum(1000, 0.5)
    slope = np.polyfit(np.log(np.arange(1, 1001)), np.log(lam), 1)[0]
    assert slope == pytest.approx(-1.5)


def test_measured_exponents_match_theory(experiment):
    # Maloney, Roberts & Sully (2022): for lambda_i ~ i^-(1+alpha) and N, D << M the test loss
    # scales as N^-alpha (features the bottleneck) and D^-alpha (data the bottleneck).
    # Stated tolerance for this seed and grid (alpha = 1): 0.1 for the feature exponent, fitted
    # over 1.5 decades of N; 0.2 for the data exponent, fitted over less than one decade of D
    # (16 to 128 samples), where the law has not yet reached its asymptotic slope.
    assert -experiment.params_law().exponent == pytest.approx(1.0, abs=0.1)
    assert -experiment.data_law().exponent == pytest.approx(1.0, abs=0.2)
    # the data exponent is measured below the theory, never above it (pre-asymptotic)
    assert -experiment.data_law().exponent < 1.0


def test_loss_falls_with_features_and_with_data(experiment):
    loss = experiment.loss
    assert np.all(np.diff(loss[:, -1]) < 0)  # more features at the largest D
    assert np.all(np.diff(loss[-1, :]) < 0)  # more data at the largest N
    assert np.all(loss < 1.5)


def test_reproducible():
    a = random_feature_experiment(
        [8, 16],
        [32, 64],
        latent_dim=256,
        n_seeds=2,
        rng=np.random.default_rng(5),
    )
    b = random_feature_experiment(
        [8, 16],
        [32, 64],
        latent_dim=256,
        n_seeds=2,
        rng=np.random.default_rng(5),
    )
    np.testing.assert_array_equal(a.losses, b.losses)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(n_features=[0, 8], n_samples=[16]), "n_features"),
        (dict(n_features=[8.5], n_samples=[16]), "n_features"),
        (dict(n_features=[8], n_samples=[np.nan]), "n_samples"),
        (dict(n_features=[8], n_samples=[16], alpha=-1.0), "alpha"),
        (dict(n_features=[8], n_samples=[16], ridge=0.0), "ridge"),
    ],
)
def test_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        random_feature_experiment(**kwargs)


def test_int_seed_is_the_generator_it_names():
    # SPEC 7: rng=5 means np.random.default_rng(5); rng=None means the fixed seed 0
    a = random_feature_experiment(
        [8, 16, 32], [64, 128], latent_dim=256, n_seeds=2, rng=5
    )
    b = random_feature_experiment(
        [8, 16, 32],
        [64, 128],
        latent_dim=256,
        n_seeds=2,
        rng=np.random.default_rng(5),
    )
    np.testing.assert_array_equal(a.losses, b.losses)
    c = random_feature_experiment([8], [16], latent_dim=64, n_seeds=1)
    d = random_feature_experiment([8], [16], latent_dim=64, n_seeds=1, rng=0)
    np.testing.assert_array_equal(c.losses, d.losses)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(rng=np.random.RandomState(0)), "rng"),
        (dict(rng="seed"), "rng"),
        (dict(rng=1.5), "rng"),
        (dict(n_seeds=True), "n_seeds"),
        (dict(n_seeds=10**30), "n_seeds"),
        (dict(latent_dim=2.5), "latent_dim"),
        (dict(n_features=[[8, 16]]), "n_features"),
        (dict(n_features=[]), "n_features"),
        (dict(n_samples=[10**9]), "n_samples"),
        (dict(ridge="small"), "ridge"),
        (dict(alpha=1e300), "alpha"),
    ],
)
def test_bad_settings_name_the_argument(kwargs, name):
    args = (
        dict(n_features=[8], n_samples=[16], latent_dim=64, n_seeds=1) | kwargs
    )
    with pytest.raises(ValueError, match=name):
        random_feature_experiment(**args)


def test_a_regime_with_too_few_sizes_is_a_failed_fit(experiment):
    fit = experiment.params_law(ratio=1e6)
    assert not fit.success and "ratio=1000000.0 leaves 0" in fit.message
    with pytest.raises(ValueError, match="ratio"):
        experiment.data_law(ratio=-1)
