"""Watching a scaling law happen: random-feature regression on data with a power-law spectrum.

This is the linear random-feature model of Maloney, Roberts & Sully (2022), "A solvable model of
neural scaling laws" (arXiv:2210.16859), small enough to run in a couple of seconds in NumPy:

1. **Data.** A latent vector x in R^M has independent Gaussian coordinates with variances
   lambda_i = i^-(1+alpha), i = 1..M: a power-law spectrum, like the spectra of natural data
   (MRS). The target is linear in the latent space, y = w . x, with teacher weights
   w_i ~ N(0, 1) and no label noise.
2. **Model.** N random features phi = U x, with U an N x M matrix of N(0, 1) entries that is
   never trained (the random-feature map of MRS, in its linear version).
3. **Training.** Ridge regression of y on phi over D samples, with a small ridge ``ridge`` times
   the mean eigenvalue of the feature covariance (to tame the interpolation peak at N = D).
4. **Test loss.** Computed exactly, not on a test sample: with v = U^T beta the learned map in
   latent space, L = sum_i lambda_i (v_i - w_i)^2 / sum_i lambda_i w_i^2, the mean squared error
   on fresh data divided by the variance of y (so a model that predicts 0 has L = 1).

MRS show that when N, D << M the test loss scales as L ~ N^-alpha when the features are the
bottleneck (N << D) and as L ~ D^-alpha when the data is (D << N): the exponent of the loss is the
exponent of the spectrum minus one. :func:`random_feature_experiment` measures L over a grid of
N and D; :meth:`RandomFeatureResult.params_law` and :meth:`RandomFeatureResult.data_law` fit the
two exponents in those regimes, to compare with ``alpha``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import (
    as_float,
    as_int,
    as_positive_array,
    as_positive_float,
    as_rng,
)
from .fitting import PowerLawFit, _failed_power_law, fit_power_law

__all__ = [
    "power_law_spectrum",
    "RandomFeatureResult",
    "random_feature_experiment",
]


#: Bounds that keep one experiment within seconds and memory of a laptop: the latent dimension
#: M, the largest N or D, the number of seeds, the spectral exponent and the relative ridge.
MAX_LATENT_DIM = 100_000
MAX_SIZE = 20_000
MAX_SEEDS = 1000
ALPHA_RANGE = (0.0, 10.0)
RIDGE_RANGE = (1e-12, 1e6)


def power_law_spectrum(latent_dim: int, alpha: float) -> np.ndarray:
    """Variances lambda_i = i^-(1+alpha), i = 1..latent_dim.

    The data model of Maloney et al. (2022).

    ``latent_dim`` is an integer in [1, 100 000] and ``alpha`` a float in (0, 10].

    Examples
    --------
    >>> power_law_spectrum(4, 1.0).round(4)
    array([1.    , 0.25  , 0.1111, 0.0625])
    """
    latent_dim = as_int(
        latent_dim, "latent_dim", minimum=1, maximum=MAX_LATENT_DIM
    )
    alpha = as_float(
        alpha, "alpha", low=ALPHA_RANGE[0], low_open=True, high=ALPHA_RANGE[1]
    )
    return np.arange(1, latent_dim + 1, dtype=float) ** -(1.0 + alpha)


@dataclass(frozen=True)
class RandomFeatureResult:
    """Losses measured by :func:`random_feature_experiment`.

    Attributes
    ----------
    n_features : ndarray of int, shape (n_N,)
        The model sizes N.
    n_samples : ndarray of int, shape (n_D,)
        The training-set sizes D.
    losses : ndarray, shape (n_seeds, n_N, n_D)
        Normalized test loss of every run.
    alpha, latent_dim, ridge : float, int, float
        The settings of the experiment.
    """

    n_features: np.ndarray
    n_samples: np.ndarray
    losses: np.ndarray = field(repr=False)
    alpha: float
    latent_dim: int
    ridge: float

    @property
    def loss(self) -> np.ndarray:
        """Geometric mean of the loss over seeds, shape (n_N, n_D)."""
        return np.exp(np.log(self.losses).mean(axis=0))

    def grid(self):
        """``(N, D, L)`` as three flat arrays, one entry per grid point (for fitting)."""
        n, d = np.meshgrid(self.n_features, self.n_samples, indexing="ij")
        return (
            n.ravel().astype(float),
            d.ravel().astype(float),
            self.loss.ravel(),
        )

    def params_law(self, ratio: float = 4.0) -> PowerLawFit:
        """Power law L(N) at the largest D, through the N with N <= D_max / ``ratio``
        (the regime where the features, not the data, are the bottleneck).

        A failed fit (``success=False``) says so when ``ratio`` leaves fewer than 2 sizes."""
        ratio = as_positive_float(ratio, "ratio")
        sel = self.n_features <= self.n_samples.max() / ratio
        return _regime_fit(
            self.n_features[sel], self.loss[sel, -1], ratio, "N"
        )

    def data_law(self, ratio: float = 4.0) -> PowerLawFit:
        """Power law L(D) at the largest N, through the D with D <= N_max / ``ratio``
        (the regime where the data, not the features, are the bottleneck).

        A failed fit (``success=False``) says so when ``ratio`` leaves fewer than 2 sizes."""
        ratio = as_positive_float(ratio, "ratio")
        sel = self.n_samples <= self.n_features.max() / ratio
        return _regime_fit(self.n_samples[sel], self.loss[-1, sel], ratio, "D")


def _regime_fit(sizes, loss, ratio, label) -> PowerLawFit:
    if sizes.size < 2:
        return _failed_power_law(
            sizes.size,
            f"ratio={ratio!r} leaves {sizes.size} value(s) of "
            f"{label} in the regime: a power law needs 2",
        )
    return fit_power_law(sizes, loss)


def _sizes(values, name):
    arr = as_positive_array(values, name, ndim=1, min_size=1)
    if np.any(arr != np.round(arr)):
        raise ValueError(
            f"{name} must hold whole numbers, got {name}={arr.tolist()!r}"
        )
    if np.any(arr > MAX_SIZE):
        raise ValueError(
            f"{name} must be <= {MAX_SIZE:,} (memory and time), got "
            f"max({name})={int(arr.max()):,}"
        )
    return np.unique(arr.astype(int))


def random_feature_experiment(
    n_features,
    n_samples,
    *,
    alpha: float = 1.0,
    latent_dim: int = 4096,
    ridge: float = 1e-3,
    n_seeds: int = 8,
    rng=None,
) -> RandomFeatureResult:
    """Train random-feature ridge regressions over a grid of model and data sizes.

    For each seed, one teacher, one feature matrix U (N_max x M) and one training set
    (D_max samples) are drawn; smaller models use the first N features and smaller data sets the
    first D samples, so that the grid varies one thing at a time. The training features and
    targets are drawn from their exact joint Gaussian distribution (covariance
    [U; w] Lambda [U; w]^T), which is cheaper than drawing the M-dimensional latent vectors.

    Parameters
    ----------
    n_features, n_samples : array_like of int
        The grid of N and D (1-D, positive whole numbers up to 20,000; sorted and
        de-duplicated).
    alpha : float
        Spectral exponent, in (0, 10]: lambda_i = i^-(1+alpha). The theory predicts loss
        exponents ``alpha``.
    latent_dim : int
        M, up to 100,000; keep it several times larger than the largest N and D (MRS show the
        power law ends, and the loss plateaus, when N or D approaches M).
    ridge : float
        Ridge strength relative to the mean eigenvalue of the empirical feature covariance,
        in [1e-12, 1e6].
    n_seeds : int
        Independent repetitions (teacher, features and data all redrawn), 1 to 1000.
    rng : None, int or numpy.random.Generator
        Source of randomness (SPEC 7); ``None`` means the fixed seed 0.

    Returns
    -------
    RandomFeatureResult

    Raises
    ------
    ValueError
        Naming the argument, if a size is not a positive whole number, a setting is outside
        its range, or ``rng`` is not None, an int seed or a ``Generator``.

    Examples
    --------
    >>> res = random_feature_experiment([8, 16, 32], [64, 128], latent_dim=512, n_seeds=2)
    >>> res.loss.shape
    (3, 2)
    >>> bool(res.loss[-1, -1] < res.loss[0, -1])   # more features, lower loss
    True
    """
    ns = _sizes(n_features, "n_features")
    ds = _sizes(n_samples, "n_samples")
    lam = power_law_spectrum(latent_dim, alpha)
    latent_dim, alpha = lam.size, as_float(alpha, "alpha")
    ridge = as_float(ridge, "ridge", low=RIDGE_RANGE[0], high=RIDGE_RANGE[1])
    n_seeds = as_int(n_seeds, "n_seeds", minimum=1, maximum=MAX_SEEDS)
    rng = as_rng(rng, default_seed=0)
    if (int(ns.max()) + 1) * latent_dim > 2 * 10**7 or int(ds.max()) * int(
        ns.max()
    ) > 2 * 10**7:
        raise ValueError(
            f"the grid is too large for memory: max(n_features)={int(ns.max()):,}, "
            f"max(n_samples)={int(ds.max()):,}, latent_dim={latent_dim:,} "
            "(keep (N+1) * M and D * N below 2e7)"
        )
    losses = np.empty((n_seeds, ns.size, ds.size))
    try:
        for s in range(n_seeds):
            losses[s] = _one_seed(ns, ds, lam, ridge, rng)
    except (
        np.linalg.LinAlgError
    ) as exc:  # only reachable through extreme settings
        raise ValueError(
            f"the regression is singular for ridge={ridge!r}, alpha={alpha!r}: "
            "choose a larger ridge or a smaller alpha"
        ) from exc
    if not np.all(
        np.isfinite(losses)
    ):  # only reachable through extreme settings
        raise ValueError(
            f"the losses are not finite for ridge={ridge!r}, alpha={alpha!r}, "
            f"latent_dim={latent_dim!r}: choose a larger ridge"
        )
    return RandomFeatureResult(ns, ds, losses, alpha, latent_dim, ridge)


def _one_seed(ns, ds, lam, ridge, rng) -> np.ndarray:
    """Losses of one seed over the grid: shape (len(ns), len(ds))."""
    latent_dim = lam.size
    sqrt_lam = np.sqrt(lam)
    n_max, d_max = int(ns.max()), int(ds.max())
    out = np.empty((ns.size, ds.size))
    w = rng.standard_normal(latent_dim)  # teacher, y = w . x
    u = rng.standard_normal(
        (n_max, latent_dim)
    )  # random feature map, phi = U x
    # (phi, y) = [U; w^T] x is Gaussian with covariance [U; w^T] Lambda [U; w^T]^T: sample
    # it directly, which costs (N+1)^2 M instead of D M N for drawing x in M dimensions
    a = np.vstack([u, w]) * sqrt_lam
    cov = a @ a.T
    chol = np.linalg.cholesky(
        cov + 1e-12 * np.trace(cov) / cov.shape[0] * np.eye(n_max + 1)
    )
    sample = rng.standard_normal((d_max, n_max + 1)) @ chol.T
    feats, y = sample[:, :n_max], sample[:, n_max]
    signal = float(cov[n_max, n_max])  # variance of y, w^T Lambda w
    for j, d in enumerate(ds):
        gram_all = feats[:d].T @ feats[:d] / d  # empirical feature covariance
        proj_all = feats[:d].T @ y[:d] / d
        for i, n in enumerate(ns):
            gram = gram_all[:n, :n]
            reg = ridge * np.trace(gram) / n
            beta = np.linalg.solve(gram + reg * np.eye(n), proj_all[:n])
            # test loss (U^T beta - w)^T Lambda (U^T beta - w), expanded with the blocks of
            # cov = [U; w] Lambda [U; w]^T so that nothing M-dimensional is touched
            err2 = (
                beta @ cov[:n, :n] @ beta - 2 * beta @ cov[:n, n_max] + signal
            )
            out[i, j] = max(float(err2), 0.0) / signal
    return out
