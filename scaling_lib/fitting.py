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

from ._validation import (
    as_float,
    as_int,
    as_level,
    as_nonnegative_float,
    as_numeric_array,
    as_positive_array,
    as_positive_float,
    as_rng,
    check_same_shape,
)

__all__ = [
    "PowerLawFit",
    "OffsetPowerLawFit",
    "fit_power_law",
    "fit_power_law_offset",
    "synthetic_power_law",
    "exponent_spread",
    "percentile_interval",
    "BootstrapSamples",
]


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
        """Evaluate the fitted law at ``x`` (must be > 0).

        Raises ``ValueError`` if the fit failed (it has no law to evaluate) or if the
        prediction at some ``x`` overflows the range of a float.
        """
        x = as_positive_array(x, "x")
        if not self.success:
            raise ValueError(
                f"this fit failed ({self.message}); it cannot predict"
            )
        return _checked_prediction(
            np.log(self.prefactor) + self.exponent * np.log(x), x
        )

    def exponent_interval(self, level: float = 0.95) -> tuple[float, float]:
        """Two-sided confidence interval for the exponent from the t distribution
        (``(nan, nan)`` when there is no degree of freedom left to estimate it)."""
        level = as_level(level)
        dof = self.residuals.size - 2
        if dof < 1 or not np.isfinite(self.exponent_stderr):
            return (float("nan"), float("nan"))
        from scipy import (
            stats,
        )  # imported here: scipy.stats alone takes ~0.3 s to import

        t = stats.t.ppf(0.5 + level / 2, dof)
        return (
            self.exponent - t * self.exponent_stderr,
            self.exponent + t * self.exponent_stderr,
        )


def _checked_prediction(log_y, x):
    """``exp(log_y)``, refusing a prediction beyond the range of a float."""
    log_y = np.asarray(log_y, dtype=float)
    if np.any(log_y > np.log(np.finfo(float).max)):
        raise ValueError(
            f"x is too large: the prediction overflows a float at x={x!r}"
        )
    return np.exp(log_y)


def _fit_arrays(x, y):
    """Validate the data of a fit: 1-D, finite, > 0, same length, at least one point."""
    x = as_positive_array(x, "x", ndim=1, min_size=1)
    y = as_positive_array(y, "y", ndim=1, min_size=1)
    check_same_shape(x=x, y=y)
    return x, y


def _not_identifiable(x, n_params: int) -> str | None:
    """Why ``n_params`` parameters of a law in ``log x`` cannot be fitted, or None."""
    if x.size < n_params:
        return (
            f"{x.size} point{'s' * (x.size != 1)} cannot identify {n_params} parameters: "
            f"at least {n_params} are needed"
        )
    lx = np.log(x)
    if np.ptp(lx) <= 1e-9 * max(1.0, float(np.abs(lx).max())):
        return "all x are equal: the exponent is not identifiable (no spread in x)"
    if n_params > 2 and np.unique(lx).size < n_params:
        return (
            f"x has only {np.unique(lx).size} distinct values: {n_params} parameters are "
            "not identifiable"
        )
    return None


def _failed_power_law(n: int, message: str) -> PowerLawFit:
    nan = float("nan")
    return PowerLawFit(nan, nan, nan, np.full(n, nan), nan, False, message)


def fit_power_law(x, y) -> PowerLawFit:
    """Fit ``y = prefactor * x**exponent`` by least squares on ``log y`` against ``log x``.

    Parameters
    ----------
    x, y : array_like
        Positive, finite values of the same length; at least two points.

    Returns
    -------
    PowerLawFit
        Exponent, prefactor, residuals in log space, ``success`` and ``message``. When the data
        cannot identify the line (one point, or all ``x`` equal) ``success`` is False, the
        numbers are NaN and ``message`` says why.

    Raises
    ------
    ValueError
        If ``x`` or ``y`` is empty, not 1-D, has a non-positive, NaN or infinite entry, or if
        their lengths differ. The message names the argument.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1.0, 10.0, 100.0])
    >>> fit = fit_power_law(x, 3.0 * x**-0.5)
    >>> round(fit.exponent, 6), round(fit.prefactor, 6)
    (-0.5, 3.0)
    """
    x, y = _fit_arrays(x, y)
    why = _not_identifiable(x, 2)
    if why:
        return _failed_power_law(x.size, why)
    lx, ly = np.log(x), np.log(y)
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
    return PowerLawFit(
        float(slope),
        float(np.exp(intercept)),
        stderr,
        residuals,
        float(r2),
        True,
        f"least squares in log space on {lx.size} points",
    )


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
        """Evaluate the fitted law at ``x`` (must be > 0); ``ValueError`` if the fit failed."""
        x = as_positive_array(x, "x")
        if not self.success:
            raise ValueError(
                f"this fit failed ({self.message}); it cannot predict"
            )
        return self.offset + _checked_prediction(
            np.log(self.prefactor) + self.exponent * np.log(x), x
        )


def fit_power_law_offset(
    x, y, *, offset_bounds=(0.0, None)
) -> OffsetPowerLawFit:
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
        ``success`` is False, with a ``message`` that says why, when the data cannot identify
        the three parameters (fewer than four points or fewer than three distinct ``x``, all
        ``y`` equal, a Jacobian of lower rank at the solution) or the solver did not converge.

    Raises
    ------
    ValueError
        For empty, 2-D, non-positive, NaN or infinite input, mismatched lengths, or bad
        ``offset_bounds``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.logspace(0, 4, 20)
    >>> fit = fit_power_law_offset(x, 1.7 + 5.0 * x**-0.3)
    >>> round(fit.offset, 3), round(fit.exponent, 3)
    (1.7, -0.3)
    """
    x, y = _fit_arrays(x, y)
    lo, hi = _offset_bounds(offset_bounds, y)

    def failed(why):
        nan = float("nan")
        return OffsetPowerLawFit(
            nan, nan, nan, np.full(x.size, nan), False, why
        )

    why = _not_identifiable(x, 3)
    if why is None and x.size < 4:
        why = (
            f"{x.size} points leave no degree of freedom for 3 parameters: at least 4 are "
            "needed"
        )
    if why is None and np.ptp(np.log(y)) <= 1e-12:
        why = "all y are equal: the prefactor and the exponent are not identifiable"
    if why:
        return failed(why)
    start = fit_power_law(x, np.maximum(y - 0.9 * y.min(), 1e-12 * y.max()))
    p0 = [
        min(max(0.9 * y.min(), lo), hi),
        np.log(start.prefactor),
        start.exponent,
    ]
    if not np.all(np.isfinite(p0)):
        p0 = [lo, 0.0, -0.5]
    lx, ly = np.log(x), np.log(y)

    def resid(p):
        off, log_a, k = p
        return np.log(off + np.exp(log_a + k * lx)) - ly

    from scipy import (
        optimize,
    )  # imported here, where it is used: a slow import

    with np.errstate(over="ignore", invalid="ignore"):
        res = optimize.least_squares(
            resid,
            p0,
            bounds=([lo, -np.inf, -np.inf], [hi, np.inf, np.inf]),
            method="trf",
            x_scale="jac",
            xtol=1e-14,
            ftol=1e-14,
            gtol=1e-14,
            max_nfev=5000,
        )
    off, log_a, k = res.x
    if not (
        res.success
        and np.all(np.isfinite(res.x))
        and np.all(np.isfinite(res.fun))
    ):
        return failed(f"the solver did not converge: {res.message}")
    sv = np.linalg.svd(res.jac, compute_uv=False)
    if sv[-1] <= 1e-10 * sv[0]:
        return failed(
            "the data cannot identify offset, prefactor and exponent separately "
            "(the Jacobian at the solution has lower rank than 3)"
        )
    return OffsetPowerLawFit(
        float(off),
        float(np.exp(log_a)),
        float(k),
        res.fun.copy(),
        True,
        str(res.message),
    )


def _offset_bounds(bounds, y) -> tuple[float, float]:
    """Validate ``offset_bounds`` = (low, high or None): 0 <= low < high <= min(y)."""
    try:
        lo, hi = bounds
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"offset_bounds must be a pair (low, high or None), got {bounds!r}"
        ) from exc
    lo = as_float(lo, "offset_bounds[0]", low=0.0)
    top = float(y.min()) * (1 - 1e-9)
    hi = (
        top
        if hi is None
        else as_float(hi, "offset_bounds[1]", low=lo, low_open=True)
    )
    if lo >= top:
        raise ValueError(
            f"offset_bounds[0] must be below min(y) = {float(y.min()):.4g} (the "
            f"power-law term must stay positive), got offset_bounds={bounds!r}"
        )
    return lo, min(hi, top)


def synthetic_power_law(
    x,
    *,
    exponent: float,
    prefactor: float = 1.0,
    offset: float = 0.0,
    noise: float = 0.0,
    rng=None,
) -> np.ndarray:
    """Draw ``y = (offset + prefactor * x**exponent) * exp(noise * z)`` with ``z ~ N(0, 1)``.

    Multiplicative (log-normal) noise of relative size ``noise`` is what measured losses show:
    the same relative scatter (``noise`` = 0.01 is about 1 %) at every scale, not a fixed
    absolute scatter.

    Parameters
    ----------
    x : array_like
        Positive, finite scales (any shape).
    exponent : float
        Finite exponent (negative for a falling loss).
    prefactor : float
        Positive factor of the power law.
    offset : float
        Irreducible term, >= 0.
    noise : float
        Relative size of the multiplicative noise, in [0, 10].
    rng : None, int or numpy.random.Generator
        Source of the noise (SPEC 7); ``None`` means the fixed seed 0, so that two runs agree.

    Raises
    ------
    ValueError
        Naming the argument, for a bad value or when ``y`` would overflow a float.

    Examples
    --------
    >>> y = synthetic_power_law([1, 10, 100], exponent=-0.5, prefactor=2.0)
    >>> y.round(3).tolist()
    [2.0, 0.632, 0.2]
    """
    x = as_positive_array(x, "x")
    exponent = as_float(exponent, "exponent")
    prefactor = as_positive_float(prefactor, "prefactor")
    offset = as_nonnegative_float(offset, "offset")
    noise = as_nonnegative_float(noise, "noise", high=10.0)
    rng = as_rng(rng, default_seed=0)
    log_term = np.log(prefactor) + exponent * np.log(x)
    if np.any(log_term > np.log(np.finfo(float).max) - 30):
        raise ValueError(
            f"prefactor * x**exponent overflows a float: exponent={exponent!r}, "
            f"prefactor={prefactor!r}, max(x)={float(np.max(x))!r}"
        )
    y = offset + np.exp(log_term)
    if noise > 0:
        y = y * np.exp(noise * rng.standard_normal(x.shape))
    if not np.all((y > 0) & np.isfinite(y)):
        raise ValueError(
            f"y underflows to 0 or overflows: exponent={exponent!r}, "
            f"prefactor={prefactor!r}, offset={offset!r}, noise={noise!r}"
        )
    return y


def exponent_spread(
    decades,
    *,
    exponent: float = -0.5,
    noise: float = 0.05,
    n_points: int = 10,
    n_trials: int = 200,
    rng,
) -> np.ndarray:
    """Standard deviation of the fitted exponent when ``x`` spans ``decades`` orders of magnitude.

    For each entry of ``decades``, draw ``n_trials`` data sets of ``n_points`` log-spaced points
    from a power law with multiplicative noise, fit each one by least squares in log space
    (the slope :func:`fit_power_law` finds, computed in closed form for all trials at once) and
    return the spread of the fitted exponents. Least-squares theory predicts it falls like
    ``1 / decades``.

    ``decades`` lie in [0.001, 100]; ``exponent`` in [-10, 10]; ``noise`` in [0, 10];
    ``n_points`` in [3, 100 000], ``n_trials`` in [2, 100 000] with at most 10**7 draws per
    entry of ``decades``; ``rng`` is None, an int seed or a ``Generator`` (SPEC 7).

    Examples
    --------
    >>> s = exponent_spread([1, 4], rng=np.random.default_rng(0))
    >>> bool(s[0] > 3 * s[1])
    True
    """
    decades = as_positive_array(decades, "decades", min_size=1)
    if np.any((decades > 100) | (decades < 1e-3)):
        raise ValueError(
            f"decades must lie in [0.001, 100] (x = 10**decades must stay a float "
            f"and have a spread), got decades={decades.tolist()!r}"
        )
    exponent = as_float(exponent, "exponent", low=-10.0, high=10.0)
    noise = as_nonnegative_float(noise, "noise", high=10.0)
    n_points = as_int(n_points, "n_points", minimum=3, maximum=100_000)
    n_trials = as_int(n_trials, "n_trials", minimum=2, maximum=100_000)
    if n_points * n_trials > 10**7:
        raise ValueError(
            f"n_points * n_trials must be <= 10**7, got n_points={n_points}, "
            f"n_trials={n_trials}"
        )
    rng = as_rng(rng)
    out = np.empty(decades.shape)
    for i, span in np.ndenumerate(decades):
        x = np.logspace(0, span, n_points)
        lx = np.log(x)
        ly = np.log(
            synthetic_power_law(
                np.broadcast_to(x, (n_trials, n_points)),
                exponent=exponent,
                noise=noise,
                rng=rng,
            )
        )
        # vectorized least-squares slopes of every trial at once
        slopes = (
            (lx - lx.mean()) * (ly - ly.mean(axis=1, keepdims=True))
        ).sum(axis=1)
        slopes /= ((lx - lx.mean()) ** 2).sum()
        out[i] = slopes.std(ddof=1)
    return out


class BootstrapSamples:
    """Base of a bootstrap result that holds one refitted value per resample in ``samples``
    (NaN where a resample could not be refitted) and reports a percentile interval of it."""

    samples: np.ndarray

    @property
    def n_refitted(self) -> int:
        """Resamples that could be refitted (finite samples)."""
        return int(np.isfinite(self.samples).sum())

    @property
    def success(self) -> bool:
        """True when at least two resamples were refitted, so that an interval exists."""
        return self.n_refitted >= 2

    @property
    def message(self) -> str:
        """How many resamples were refitted, and why there is no interval if there is none."""
        text = f"{self.n_refitted} of {self.samples.size} resamples refitted"
        return text if self.success else text + ": no interval can be formed"

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Percentile interval of the finite samples (``ValueError`` explaining why when fewer
        than two resamples could be refitted)."""
        return percentile_interval(self.samples, level)


def percentile_interval(samples, level: float = 0.95) -> tuple[float, float]:
    """Two-sided percentile interval of bootstrap ``samples`` (non-finite samples are dropped).

    Raises ``ValueError`` naming ``samples`` when fewer than two finite samples remain (every
    resample failed, or the bootstrap was empty): there is then no interval to report, and a
    zero-width one would claim a certainty the data do not give.

    Examples
    --------
    >>> lo, hi = percentile_interval(np.arange(101.0), 0.9)
    >>> round(lo, 6), round(hi, 6)
    (5.0, 95.0)
    """
    level = as_level(level)
    samples = as_numeric_array(samples, "samples", ndim=1)
    ok = samples[np.isfinite(samples)]
    if ok.size < 2:
        raise ValueError(
            f"samples has {ok.size} finite value{'s' * (ok.size != 1)} out of "
            f"{samples.size}: no interval can be formed (did every resample fail to "
            "fit?)"
        )
    lo, hi = np.quantile(ok, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)
