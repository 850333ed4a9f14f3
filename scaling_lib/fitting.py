"""Fitting power laws, honestly.

A power law ``y = prefactor * x**exponent`` is a straight line on log-log axes:
``log y = log prefactor + exponent * log x``.  :func:`fit_power_law` fits that line by ordinary
least squares in log space, which weights every point by its *relative* error, the natural
choice when ``y`` spans several orders of magnitude (Clauset, Shalizi & Newman 2009 discuss
the pitfalls of doing this for probability distributions; here ``y`` is a measured quantity
such as a loss or an optimal model size, not a histogram).

:func:`fit_power_law_offset` adds an irreducible term, ``y = offset + prefactor * x**exponent``,
the form of every loss law in the course (for example Hoffmann et al. 2022, eq. 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, stats

from ._validation import as_positive_array, check_min_length, check_same_shape

__all__ = ["PowerLawFit", "OffsetPowerLawFit", "fit_power_law", "fit_power_law_offset",
           "synthetic_power_law", "exponent_spread", "percentile_interval"]


@dataclass(frozen=True)
class PowerLawFit:
    """Result of :func:`fit_power_law`: ``y = prefactor * x**exponent``.

    Attributes
    ----------
    exponent, prefactor : float
        The fitted slope in log-log space and ``exp`` of the intercept.
    exponent_stderr : float
        Standard error of the exponent from ordinary least squares (``nan`` with two points,
        where the line passes through both and no error can be estimated).
    residuals : ndarray
        ``log(y) - log(prediction)`` for every point (natural log); 0.01 is about 1 %.
    r_squared : float
        Coefficient of determination in log space.
    success : bool
        False when the fit could not be trusted (for example all ``x`` equal).
    message : str
        Human-readable description of the outcome.
    """

    exponent: float
    prefactor: float
    exponent_stderr: float
    residuals: np.ndarray = field(repr=False)
    r_squared: float
    success: bool
    message: str

    def predict(self, x):
        """Evaluate the fitted law at ``x`` (must be > 0)."""
        x = as_positive_array(x, "x")
        return self.prefactor * x**self.exponent

    def exponent_interval(self, level: float = 0.95) -> tuple[float, float]:
        """Two-sided confidence interval for the exponent from the t distribution."""
        if not 0 < level < 1:
            raise ValueError(f"level must lie in (0, 1), got {level!r}")
        dof = self.residuals.size - 2
        if dof < 1 or not np.isfinite(self.exponent_stderr):
            return (float("nan"), float("nan"))
        t = stats.t.ppf(0.5 + level / 2, dof)
        return (self.exponent - t * self.exponent_stderr, self.exponent + t * self.exponent_stderr)


def fit_power_law(x, y) -> PowerLawFit:
    """Fit ``y = prefactor * x**exponent`` by least squares on ``log y`` against ``log x``.

    Parameters
    ----------
    x, y : array_like
        Positive, finite values of the same length; at least two points.

    Returns
    -------
    PowerLawFit
        Exponent, prefactor, residuals in log space, ``success`` and ``message``.

    Raises
    ------
    ValueError
        If ``x`` or ``y`` has a non-positive, NaN or infinite entry, if their lengths differ, or
        if there are fewer than two points. The message names the argument.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1.0, 10.0, 100.0])
    >>> fit = fit_power_law(x, 3.0 * x**-0.5)
    >>> round(fit.exponent, 6), round(fit.prefactor, 6)
    (-0.5, 3.0)
    """
    x = as_positive_array(x, "x").ravel()
    y = as_positive_array(y, "y").ravel()
    check_same_shape(x=x, y=y)
    check_min_length(x, "x", 2)
    lx, ly = np.log(x), np.log(y)
    if np.ptp(lx) == 0:
        nan = float("nan")
        return PowerLawFit(nan, nan, nan, np.full_like(ly, nan), nan, False,
                           "all x are equal: the exponent is not identifiable")
    design = np.column_stack([np.ones_like(lx), lx])
    coef, *_ = np.linalg.lstsq(design, ly, rcond=None)
    intercept, slope = coef
    residuals = ly - design @ coef
    ss_res = float(residuals @ residuals)
    ss_tot = float(((ly - ly.mean()) ** 2).sum())
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else 1.0
    dof = lx.size - 2
    if dof > 0:
        sigma2 = ss_res / dof
        stderr = float(np.sqrt(sigma2 / ((lx - lx.mean()) ** 2).sum()))
    else:
        stderr = float("nan")
    return PowerLawFit(float(slope), float(np.exp(intercept)), stderr, residuals, float(r2), True,
                       f"least squares in log space on {lx.size} points")


@dataclass(frozen=True)
class OffsetPowerLawFit:
    """Result of :func:`fit_power_law_offset`: ``y = offset + prefactor * x**exponent``."""

    offset: float
    prefactor: float
    exponent: float
    residuals: np.ndarray = field(repr=False)
    success: bool
    message: str

    def predict(self, x):
        """Evaluate the fitted law at ``x`` (must be > 0)."""
        x = as_positive_array(x, "x")
        return self.offset + self.prefactor * x**self.exponent


def fit_power_law_offset(x, y, *, offset_bounds=(0.0, None)) -> OffsetPowerLawFit:
    """Fit ``y = offset + prefactor * x**exponent`` (an irreducible term plus a power law).

    The fit minimizes squared error of ``log y``, like :func:`fit_power_law`, with a bounded
    trust-region solver started from the plain power law fitted to ``y - 0.9 * min(y)``.

    Parameters
    ----------
    x, y : array_like
        Positive, finite values of the same length; at least four points (three parameters
        plus one degree of freedom).
    offset_bounds : (float, float or None)
        Bounds on ``offset``; the upper bound defaults to ``min(y)``.

    Returns
    -------
    OffsetPowerLawFit

    Raises
    ------
    ValueError
        For non-positive, NaN or infinite input, mismatched lengths or fewer than four points.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.logspace(0, 4, 20)
    >>> fit = fit_power_law_offset(x, 1.7 + 5.0 * x**-0.3)
    >>> round(fit.offset, 3), round(fit.exponent, 3)
    (1.7, -0.3)
    """
    x = as_positive_array(x, "x").ravel()
    y = as_positive_array(y, "y").ravel()
    check_same_shape(x=x, y=y)
    check_min_length(x, "x", 4)
    lo, hi = offset_bounds
    hi = float(y.min()) * (1 - 1e-9) if hi is None else float(hi)
    start = fit_power_law(x, np.maximum(y - 0.9 * y.min(), 1e-12 * y.max()))
    p0 = [min(max(0.9 * y.min(), lo), hi), np.log(start.prefactor), start.exponent]
    if not np.all(np.isfinite(p0)):
        p0 = [lo, 0.0, -0.5]
    lx, ly = np.log(x), np.log(y)

    def resid(p):
        off, log_a, k = p
        return np.log(off + np.exp(log_a + k * lx)) - ly

    res = optimize.least_squares(resid, p0, bounds=([lo, -np.inf, -np.inf], [hi, np.inf, np.inf]),
                                 method="trf", x_scale="jac", xtol=1e-14, ftol=1e-14, gtol=1e-14)
    off, log_a, k = res.x
    return OffsetPowerLawFit(float(off), float(np.exp(log_a)), float(k), res.fun.copy(),
                             bool(res.success), str(res.message))


def synthetic_power_law(x, *, exponent: float, prefactor: float = 1.0, offset: float = 0.0,
                        noise: float = 0.0, rng: np.random.Generator | None = None) -> np.ndarray:
    """Draw ``y = (offset + prefactor * x**exponent) * exp(noise * z)`` with ``z ~ N(0, 1)``.

    Multiplicative (log-normal) noise of relative size ``noise`` is what measured losses show:
    a 1 % scatter at every scale, not a fixed absolute scatter.

    Examples
    --------
    >>> y = synthetic_power_law([1, 10, 100], exponent=-0.5, prefactor=2.0)
    >>> y.round(3).tolist()
    [2.0, 0.632, 0.2]
    """
    x = as_positive_array(x, "x")
    if noise < 0 or not np.isfinite(noise):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    if not np.isfinite(exponent):
        raise ValueError(f"exponent must be finite, got {exponent!r}")
    y = offset + prefactor * x**exponent
    if noise > 0:
        if rng is None:
            raise ValueError("rng must be a numpy.random.Generator when noise > 0, got None")
        y = y * np.exp(noise * rng.standard_normal(x.shape))
    return y


def exponent_spread(decades, *, exponent: float = -0.5, noise: float = 0.05, n_points: int = 10,
                    n_trials: int = 200, rng: np.random.Generator) -> np.ndarray:
    """Standard deviation of the fitted exponent when ``x`` spans ``decades`` orders of magnitude.

    For each entry of ``decades``, draw ``n_trials`` data sets of ``n_points`` log-spaced points
    from a power law with multiplicative noise, fit each one by least squares in log space (the
    closed-form slope that :func:`fit_power_law` computes, vectorised over the trials) and return
    the spread of the fitted exponents. Least-squares theory predicts it falls like
    ``1 / decades``.

    Examples
    --------
    >>> s = exponent_spread([1, 4], rng=np.random.default_rng(0))
    >>> bool(s[0] > 3 * s[1])
    True
    """
    decades = as_positive_array(decades, "decades")
    if n_points < 3:
        raise ValueError(f"n_points must be >= 3, got {n_points!r}")
    if n_trials < 2:
        raise ValueError(f"n_trials must be >= 2, got {n_trials!r}")
    out = np.empty(decades.shape)
    for i, span in np.ndenumerate(decades):
        x = np.logspace(0, span, n_points)
        lx = np.log(x)
        ly = np.log(synthetic_power_law(np.broadcast_to(x, (n_trials, n_points)),
                                        exponent=exponent, noise=noise, rng=rng))
        # vectorized least-squares slopes of every trial at once
        slopes = ((lx - lx.mean()) * (ly - ly.mean(axis=1, keepdims=True))).sum(axis=1)
        slopes /= ((lx - lx.mean()) ** 2).sum()
        out[i] = slopes.std(ddof=1)
    return out


def percentile_interval(samples, level: float = 0.95) -> tuple[float, float]:
    """Two-sided percentile interval of bootstrap ``samples`` (non-finite samples are dropped).

    Examples
    --------
    >>> lo, hi = percentile_interval(np.arange(101.0), 0.9)
    >>> round(lo, 6), round(hi, 6)
    (5.0, 95.0)
    """
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level!r}")
    samples = np.asarray(samples, dtype=float)
    ok = samples[np.isfinite(samples)]
    if ok.size == 0:
        raise ValueError("samples has no finite value")
    lo, hi = np.quantile(ok, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)
