"""Inverse scaling: telling a task that gets worse with scale from one that gets better, from
one that turns around, and from noise.

The central tool is :func:`classify_trend`, a stated statistical test that puts a sequence of
accuracies (one per model size, or one per training checkpoint) into one of five classes:

``"positive"``, ``"inverse"``, ``"U-shaped"``, ``"inverted-U"``, ``"flat"``.

The test
--------
Let ``u`` be ``log10`` of the scale variable (parameters or training tokens), rescaled to
[-1, 1], ``y`` the accuracies and ``s`` their standard errors from the evaluation harness.

1. Every point gets variance ``s**2 + tau**2``. ``s`` is only the sampling error of a finite
   item set; models of neighbouring sizes also differ for reasons no smooth trend captures
   (initialization, data order), so an extra between-model variance ``tau**2`` is estimated
   from the residuals with the Paule-Mandel rule (the value of ``tau**2 >= 0`` that makes the
   weighted residual sum of squares equal its degrees of freedom), as in random-effects
   meta-analysis (DerSimonian & Laird 1986; Paule & Mandel 1982).
2. Fit the quadratic ``y = b0 + b1 u + b2 u**2`` by weighted least squares. The verdict is
   ``"U-shaped"`` (``b2 > 0``) or ``"inverted-U"`` (``b2 < 0``) only if all of these hold:
   the curvature ``b2`` differs from 0 with two-sided p < ``alpha`` (t test, n - 3 degrees of
   freedom); its turning point lies inside the range of the data; the *observed* accuracies at
   both ends lie at least ``min_effect`` beyond the fitted extremum (below a peak, above a
   trough); and the most extreme *observed* interior point also lies at least ``min_effect``
   beyond both ends. A parabola is symmetric, so on a curve that rises and then saturates its
   vertex overshoots the data and its fitted "fall" after the vertex is an artefact; the
   last two conditions ask the data, not the parabola, for the turn (the failure and the
   remedy are those of quadratic U tests in general, Simonsohn 2018, "Two lines").
3. Otherwise fit the line ``y = b0 + b1 u``, with the ``tau**2`` of the parabola (estimated
   once, from the richer model). If the slope differs from 0 with p < ``alpha`` (n - 2 degrees
   of freedom) and the fitted change over the whole range is at least ``min_effect``, the
   verdict is ``"positive"`` or ``"inverse"``; otherwise ``"flat"`` (which means "no trend we
   can distinguish from noise", not "constant"). A ``tau**2`` estimated from the line's own
   residuals would absorb the line's lack of fit: on a step-like monotone rise (a jump between
   the two smallest models, then a plateau) it swells until the slope is not significant, and
   a 35-point rise reads "flat".

Defaults: ``alpha = 0.05``, ``min_effect = 0.05`` (five accuracy points).

Limits. The test treats the points as independent given the trend. They are not quite: every
model answers the same items (so item difficulty is shared), and along training the points are
checkpoints of one run (same initialization and data order), which ``tau**2`` does not model.
A turn smaller than ``min_effect``, or one with only one or two points on one side, is called
monotone or flat; a monotone curve is never called U-shaped or inverted-U (its most extreme
point is an end), but a noisy one can be if an interior point is off by ``min_effect``. The
parabola's ``tau**2`` still absorbs whatever a parabola cannot fit: a jump confined to the last
(or first) point, with a plateau elsewhere, is indistinguishable from one outlying model and
can read "flat".

:func:`michaelov_regression` re-runs the published analysis of Michaelov & Bergen (2023)
(one ordinary regression per task over all 64 size x checkpoint points, with an interaction)
so that the two can be compared, and :func:`benjamini_hochberg` is the multiple-comparison
correction they applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # for annotations only; pandas is imported where it is used
    import pandas as pd

from ._validation import (
    as_bool,
    as_float,
    as_float_array,
    as_int,
    as_nonnegative_array,
    as_positive_array,
    as_probability_array,
    check_columns,
    check_finite_result,
    check_min_length,
    check_same_shape,
)

__all__ = [
    "TREND_LABELS",
    "TrendClassification",
    "WeightedPolyFit",
    "weighted_polyfit",
    "classify_trend",
    "classify_tasks",
    "endpoint_change",
    "benjamini_hochberg",
    "michaelov_regression",
    "distractor_accuracy",
    "dominance_pairs",
]

#: The five verdicts of :func:`classify_trend`.
TREND_LABELS = ("positive", "inverse", "U-shaped", "inverted-U", "flat")


@dataclass(frozen=True)
class WeightedPolyFit:
    """Result of :func:`weighted_polyfit`.

    Attributes
    ----------
    coef : ndarray
        Coefficients ``b0, b1, ...`` of ``y = b0 + b1 u + b2 u**2 + ...``.
    stderr : ndarray
        Their standard errors.
    pvalue : ndarray
        Two-sided p-values of the t tests ``b_k = 0`` with ``dof`` degrees of freedom.
    tau : float
        Estimated between-point standard deviation added to every standard error.
    dof : int
        Residual degrees of freedom, ``n - (degree + 1)``.
    """

    coef: np.ndarray
    stderr: np.ndarray
    pvalue: np.ndarray
    tau: float
    dof: int

    def predict(self, u):
        """Evaluate the fitted polynomial at ``u`` (same units as the fit's ``u``); a ``u`` so
        far out that the polynomial overflows is refused by name."""
        return self._at(as_float_array(u, "u"), u=u)

    def _at(self, x: np.ndarray, **inputs):
        """The polynomial at validated ``x``; ``inputs`` name the argument if it overflows."""
        with np.errstate(over="ignore", invalid="ignore"):
            y = sum(c * x**k for k, c in enumerate(self.coef))
        return check_finite_result(y, "predictions", **inputs)


def _wls(design, y, var):
    w = 1.0 / var
    xtw = design.T * w
    cov = np.linalg.inv(xtw @ design)
    coef = cov @ (xtw @ y)
    resid = y - design @ coef
    return coef, cov, float((w * resid**2).sum())


def weighted_polyfit(
    u, y, se, degree: int, *, min_se: float = 1e-3, tau: float | None = None
) -> WeightedPolyFit:
    """Weighted least-squares polynomial with an estimated extra variance (Paule-Mandel).

    Each point has variance ``max(se, min_se)**2 + tau**2``; ``tau**2`` is 0 when the
    weighted residual sum of squares with ``tau = 0`` is already at most the degrees of
    freedom, and otherwise the root of ``sum(r**2 / (se**2 + tau**2)) = n - degree - 1``
    (Paule & Mandel 1982). Coefficient errors come from the inverse of the weighted normal
    matrix and are tested with a t distribution.

    Parameters
    ----------
    u, y, se : array_like
        Predictor, response and standard errors of the response, same length; at least
        ``degree + 2`` points.
    degree : int
        1 (line) or 2 (parabola).
    min_se : float
        Floor on ``se`` so that a point measured as exactly 0 % or 100 % (standard error 0)
        does not get infinite weight.
    tau : float or None
        ``None`` (default): estimate the extra standard deviation by Paule-Mandel. A number
        >= 0: use it as given (how :func:`classify_trend` reuses the parabola's ``tau`` in the
        line fit).

    Returns
    -------
    WeightedPolyFit

    Examples
    --------
    >>> import numpy as np
    >>> u = np.linspace(-1, 1, 8)
    >>> fit = weighted_polyfit(u, 0.5 + 0.1 * u, np.full(8, 0.01), 1)
    >>> np.round(fit.coef, 6).tolist(), fit.tau
    ([0.5, 0.1], 0.0)
    """
    from scipy import (
        optimize,
        stats,
    )  # here, so that importing the module stays fast

    degree = as_int(degree, "degree", minimum=1, maximum=2)
    u = as_float_array(u, "u", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    se = as_nonnegative_array(se, "se", ndim=1)
    check_same_shape(u=u, y=y, se=se)
    check_min_length(u, "u", degree + 2)
    if np.ptp(u) == 0:
        raise ValueError(f"u must not be constant, got u={u.tolist()}")
    min_se = as_float(min_se, "min_se", low=0, low_open=True, high=1e6)
    if np.any(se > 1e6):
        raise ValueError(
            f"se must be <= 1e6 (a standard error on the scale of y), got "
            f"{float(se.max())!r}"
        )
    base = np.maximum(se, min_se) ** 2
    design = np.vander(u, degree + 1, increasing=True)
    dof = u.size - (degree + 1)
    if tau is not None:
        tau2, chi2 = as_float(tau, "tau", low=0, high=1e6) ** 2, -np.inf
    else:
        _, _, chi2 = _wls(design, y, base)
        tau2 = 0.0
    if chi2 > dof:
        # Paule-Mandel: the generalized Q statistic equals its expectation, n - p.
        def excess(t2):
            return _wls(design, y, base + t2)[2] - dof

        upper = float(np.var(y)) + base.max()
        while excess(upper) > 0:
            upper *= 4
        tau2 = optimize.brentq(excess, 0.0, upper, xtol=1e-14, rtol=1e-12)
    coef, cov, _ = _wls(design, y, base + tau2)
    stderr = np.sqrt(np.diag(cov))
    pvalue = 2 * stats.t.sf(np.abs(coef / stderr), dof)
    return WeightedPolyFit(coef, stderr, pvalue, float(np.sqrt(tau2)), dof)


@dataclass(frozen=True)
class TrendClassification:
    """Result of :func:`classify_trend`.

    Attributes
    ----------
    label : str
        One of :data:`TREND_LABELS`.
    change : float
        Fitted change of accuracy from the smallest to the largest scale, from the line
        (accuracy units: 0.05 is five points).
    slope_pvalue : float
        p-value of the line's slope.
    curvature_pvalue : float
        p-value of the parabola's ``u**2`` coefficient.
    turning_x : float
        ``log10`` of the scale at the parabola's turning point (``nan`` if it lies outside
        the data or the curvature is exactly 0).
    fall, rise : float
        For the parabola: the change from the observed first accuracy to the fitted value at
        the turning point, and from there to the observed last accuracy (``nan`` when the
        turning point is outside the data).
    tau : float
        Extra between-point standard deviation estimated in the parabola fit.
    line, parabola : WeightedPolyFit
        The two fits, in the rescaled variable ``u``.
    x_center, x_halfwidth : float
        ``u = (log10(scale) - x_center) / x_halfwidth``.
    message : str
        The verdict in words, with the numbers that decided it.
    """

    label: str
    change: float
    slope_pvalue: float
    curvature_pvalue: float
    turning_x: float
    fall: float
    rise: float
    tau: float
    line: WeightedPolyFit
    parabola: WeightedPolyFit
    x_center: float
    x_halfwidth: float
    message: str

    def to_u(self, log10_scale):
        """Map ``log10(scale)`` to the rescaled variable ``u`` of the fits."""
        return (
            as_float_array(log10_scale, "log10_scale") - self.x_center
        ) / self.x_halfwidth

    def predict(self, log10_scale, which: str = "auto"):
        """Fitted accuracy at ``log10(scale)``; ``which`` is ``"line"``, ``"parabola"`` or
        ``"auto"`` (the parabola for a U-shaped or inverted-U verdict, the line otherwise)."""
        if which not in ("auto", "line", "parabola"):
            raise ValueError(
                f"which must be 'auto', 'line' or 'parabola', got {which!r}"
            )
        if which == "auto":
            which = (
                "parabola"
                if self.label in ("U-shaped", "inverted-U")
                else "line"
            )
        fit = self.parabola if which == "parabola" else self.line
        return fit._at(self.to_u(log10_scale), log10_scale=log10_scale)


def classify_trend(
    scale,
    accuracy,
    accuracy_se,
    *,
    alpha: float = 0.05,
    min_effect: float = 0.05,
    min_se: float = 1e-3,
) -> TrendClassification:
    """Classify how accuracy changes with scale: positive, inverse, U-shaped, inverted-U or flat.

    The test is described in the module docstring: a parabola in ``log10(scale)`` fitted by
    weighted least squares (harness standard errors plus a Paule-Mandel extra variance);
    significant curvature with an interior turning point, both observed ends at least
    ``min_effect`` beyond the fitted extremum and an observed interior point at least
    ``min_effect`` beyond both ends gives a U or inverted U; otherwise a significant line with a
    fitted change of at least ``min_effect`` gives positive or inverse; otherwise flat.

    Parameters
    ----------
    scale : array_like
        Parameters or training tokens, > 0; at least five distinct values are needed.
    accuracy : array_like
        Accuracies in [0, 1], same length.
    accuracy_se : array_like
        Their standard errors, >= 0, same length.
    alpha : float
        Significance threshold of both t tests (no correction for the number of tasks).
    min_effect : float
        Smallest change, in accuracy units, that counts as a trend (0.05 = five points).
    min_se : float
        Floor on the standard errors (see :func:`weighted_polyfit`).

    Returns
    -------
    TrendClassification

    Raises
    ------
    ValueError
        If an input is out of range or the lengths differ; the message names the argument.

    References
    ----------
    Paule & Mandel (1982), J. Res. NBS 87, 377; McKenzie et al. (2023), Wei et al. (2023)
    for the trend shapes.

    Examples
    --------
    >>> import numpy as np
    >>> n = np.logspace(7, 10, 8)
    >>> se = np.full(8, 0.01)
    >>> classify_trend(n, np.linspace(0.8, 0.5, 8), se).label
    'inverse'
    >>> u = np.linspace(-1, 1, 8)
    >>> classify_trend(n, 0.4 + 0.3 * u**2, se).label
    'U-shaped'
    >>> classify_trend(n, np.full(8, 0.5), se).label
    'flat'
    """
    x = np.log10(as_positive_array(scale, "scale", ndim=1))
    y = as_probability_array(accuracy, "accuracy", ndim=1)
    se = as_nonnegative_array(accuracy_se, "accuracy_se", ndim=1)
    check_same_shape(scale=x, accuracy=y, accuracy_se=se)
    alpha = as_float(
        alpha, "alpha", low=0, high=1, low_open=True, high_open=True
    )
    min_effect = as_float(min_effect, "min_effect", low=0)
    min_se = as_float(min_se, "min_se", low=0, low_open=True, high=0.5)
    if np.any(se > 0.5):  # a proportion's standard error is at most 0.5
        raise ValueError(
            f"accuracy_se must be <= 0.5, got {float(se.max())!r}"
        )
    if np.unique(x).size < 5:
        raise ValueError(
            f"scale needs at least 5 distinct values, got {np.unique(x).size}"
        )
    center, half = (x.max() + x.min()) / 2, (x.max() - x.min()) / 2
    u = (x - center) / half
    # tau**2 is estimated once, from the richer model, and reused for the line: estimated
    # from the line's own residuals it would absorb the line's lack of fit (a step-like rise
    # misfits a line systematically) and leave the slope test with no power.
    parab = weighted_polyfit(u, y, se, 2, min_se=min_se)
    line = weighted_polyfit(u, y, se, 1, min_se=min_se, tau=parab.tau)
    b0, b1, b2 = parab.coef
    change = 2 * line.coef[1]  # fitted line from u = -1 to u = +1
    turning_x = fall = rise = float("nan")
    # Observed accuracy at the two ends (the mean if several points share an end).
    y_first, y_last = (
        float(y[u == u.min()].mean()),
        float(y[u == u.max()].mean()),
    )
    inner = y[(u > u.min()) & (u < u.max())]
    if b2 != 0:
        u_star = -b1 / (2 * b2)  # vertex of the parabola
        if -1 < u_star < 1:
            turning_x = center + half * u_star
            y_star = float(parab.predict(u_star))
            fall = y_star - y_first  # observed first point -> fitted extremum
            rise = y_last - y_star  # fitted extremum -> observed last point
    curved = parab.pvalue[2] < alpha and np.isfinite(turning_x)
    # The data must show the turn too: the most extreme interior point lies beyond both ends.
    lowest = float(inner.min()) if inner.size else float("nan")
    highest = float(inner.max()) if inner.size else float("nan")
    trough_seen = min(y_first, y_last) - lowest >= min_effect
    peak_seen = highest - max(y_first, y_last) >= min_effect
    label = None
    if (
        curved
        and b2 > 0
        and -fall >= min_effect
        and rise >= min_effect
        and trough_seen
    ):
        label = "U-shaped"
    elif (
        curved
        and b2 < 0
        and fall >= min_effect
        and -rise >= min_effect
        and peak_seen
    ):
        label = "inverted-U"
    if label is not None:
        message = (
            f"{label}: curvature p = {parab.pvalue[2]:.2g} < {alpha}, turning point at "
            f"10^{turning_x:.2f}, change {fall:+.3f} from the first point to the fitted "
            f"extremum, then {rise:+.3f} to the last point"
        )
    elif line.pvalue[1] < alpha and abs(change) >= min_effect:
        label = "positive" if change > 0 else "inverse"
        message = (
            f"{label}: slope p = {line.pvalue[1]:.2g} < {alpha}, fitted change "
            f"{change:+.3f} over the range"
        )
    else:
        label = "flat"
        message = (
            f"flat: slope p = {line.pvalue[1]:.2g}, fitted change {change:+.3f}, "
            f"curvature p = {parab.pvalue[2]:.2g} (alpha {alpha}, min_effect "
            f"{min_effect})"
        )
    return TrendClassification(
        label,
        float(change),
        float(line.pvalue[1]),
        float(parab.pvalue[2]),
        float(turning_x),
        fall,
        rise,
        parab.tau,
        line,
        parab,
        float(center),
        float(half),
        message,
    )


def classify_tasks(
    frame: pd.DataFrame, *, along: str = "size", **kwargs
) -> pd.DataFrame:
    """Apply :func:`classify_trend` to every task of the inverse-scaling data.

    The data are those of :func:`~scaling_lib.data.load_inverse_scaling`.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of ``load_inverse_scaling()`` (columns ``task, size, step, n_params,
        n_tokens, final, accuracy, accuracy_se``).
    along : {"size", "training"}
        ``"size"``: one classification per task, across the eight sizes at the final
        checkpoint. ``"training"``: one per task and model size, across the eight checkpoints.
    **kwargs
        Passed to :func:`classify_trend` (``alpha``, ``min_effect``, ``min_se``).

    Returns
    -------
    pandas.DataFrame
        Columns ``task``, (``size`` for training), ``label``, ``change``, ``slope_p``,
        ``curvature_p``, ``turning_x``, ``tau``.

    Examples
    --------
    >>> from scaling_lib.data import load_inverse_scaling
    >>> table = classify_tasks(load_inverse_scaling(), along="size")
    >>> table.set_index("task").loc["isp_memo_trap", "label"]
    'inverse'
    """
    import pandas as pd  # here, so that importing the module stays fast

    if along not in ("size", "training"):
        raise ValueError(f"along must be 'size' or 'training', got {along!r}")
    check_columns(
        frame,
        "frame",
        [
            "task",
            "size",
            "step",
            "n_params",
            "n_tokens",
            "final",
            "accuracy",
            "accuracy_se",
        ],
        min_rows=1,
    )
    rows = []
    if along == "size":
        groups = frame[frame.final].groupby("task", sort=True)
        keys, scale = ["task"], "n_params"
    else:
        groups = frame.groupby(["task", "size"], sort=True, observed=True)
        keys, scale = ["task", "size"], "n_tokens"
    for key, group in groups:
        group = group.sort_values(scale)
        res = classify_trend(
            group[scale], group.accuracy, group.accuracy_se, **kwargs
        )
        key = key if isinstance(key, tuple) else (key,)
        rows.append(
            {
                **dict(zip(keys, key)),
                "label": res.label,
                "change": res.change,
                "slope_p": res.slope_pvalue,
                "curvature_p": res.curvature_pvalue,
                "turning_x": res.turning_x,
                "tau": res.tau,
            }
        )
    out = pd.DataFrame(rows)
    if along == "training":
        out["size"] = pd.Categorical(
            out["size"], categories=frame["size"].cat.categories, ordered=True
        )
    return out


def endpoint_change(acc_first, se_first, acc_last, se_last):
    """Difference of two accuracies, its standard error and its z score, treating the two as
    independent.

    ``diff = acc_last - acc_first``, ``se = sqrt(se_first**2 + se_last**2)``, ``z = diff/se``:
    the simplest test of a trend, comparing only the two ends. Two models scored on the *same*
    items are paired, not independent (an item hard for one tends to be hard for the other), so
    the standard error of their difference is usually smaller than this; with item-level
    outputs a paired test (McNemar's, or a bootstrap over items) is the right one.

    Returns
    -------
    tuple of float
        ``(diff, se, z)``.

    Examples
    --------
    >>> d, s, z = endpoint_change(0.80, 0.03, 0.70, 0.04)
    >>> round(d, 3), round(s, 3), round(z, 2)
    (-0.1, 0.05, -2.0)
    """
    a = as_probability_array(acc_first, "acc_first")
    b = as_probability_array(acc_last, "acc_last")
    sa = as_nonnegative_array(se_first, "se_first")
    sb = as_nonnegative_array(se_last, "se_last")
    for name, value in (
        ("acc_first", a),
        ("se_first", sa),
        ("acc_last", b),
        ("se_last", sb),
    ):
        if value.size != 1:
            raise ValueError(
                f"{name} must be a single number, got {value.tolist()!r}"
            )
    for name, value in (("se_first", sa), ("se_last", sb)):
        if float(value) > 0.5:  # a proportion's standard error is at most 0.5
            raise ValueError(
                f"{name} must be <= 0.5 (a standard error of an accuracy), got "
                f"{float(value)!r}"
            )
    diff = float(b - a)
    se = float(np.sqrt(sa**2 + sb**2))
    if se == 0:
        raise ValueError(
            "se_first and se_last are both 0: the z score is undefined"
        )
    return diff, se, diff / se


def benjamini_hochberg(pvalues) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (the false-discovery-rate step-up procedure).

    Implements ``p_adj(i) = min_{j >= i} m p_(j) / j`` over the sorted p-values, capped at 1
    (Benjamini & Hochberg 1995; identical to R's ``p.adjust(method="BH")``, which
    Michaelov & Bergen used across their 36 tests).

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, 0.03, 0.20]).round(3).tolist()
    [0.04, 0.053, 0.053, 0.2]
    """
    p = as_probability_array(pvalues, "pvalues", ndim=1)
    check_min_length(p, "pvalues", 1)
    m = p.size
    order = np.argsort(p)
    scaled = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def michaelov_regression(
    frame: pd.DataFrame, *, nominal_sizes: bool = True
) -> pd.DataFrame:
    """Re-run the regression of Michaelov & Bergen (2023) for every task.

    For each task, ordinary least squares over the 64 (size, checkpoint) points of
    ``z(accuracy) ~ z(log10 N) * z(log10 D)``, where ``z`` standardizes (mean 0, sample
    standard deviation 1), as in their ``StatisticalAnalysis.Rmd``; t statistics of the three
    terms with 60 residual degrees of freedom; two-sided p-values; then Benjamini-Hochberg
    over all 3 x (number of tasks) tests.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of ``load_inverse_scaling()``.
    nominal_sizes : bool
        Use the round sizes of the model names (70e6, ..., 12e9) as the authors did (True),
        or the exact total counts published with the suite, ``PYTHIA_PARAMS`` (False).

    Returns
    -------
    pandas.DataFrame
        Columns ``task, effect, t, df, p_raw, p`` (``p`` corrected), one row per task and
        effect (``"Parameters"``, ``"Tokens"``, ``"Interaction"``).

    Examples
    --------
    >>> from scaling_lib.data import load_inverse_scaling
    >>> reg = michaelov_regression(load_inverse_scaling())
    >>> print(f'{reg.set_index(["task", "effect"]).loc[("isp_memo_trap", "Parameters"), "t"]:.2f}')
    -10.05
    """
    from .data import PYTHIA_NOMINAL_PARAMS

    def z(v):
        return (v - v.mean()) / v.std(ddof=1)

    import pandas as pd
    from scipy import stats

    check_columns(
        frame,
        "frame",
        ["task", "size", "n_params", "n_tokens", "accuracy"],
        min_rows=1,
    )
    nominal_sizes = as_bool(nominal_sizes, "nominal_sizes")
    rows = []
    for task, group in frame.groupby("task", sort=True):
        if nominal_sizes:
            n = (
                group["size"]
                .astype(str)
                .map(PYTHIA_NOMINAL_PARAMS)
                .to_numpy(float)
            )
        else:
            n = group.n_params.to_numpy(float)
        zn, zd = z(np.log10(n)), z(np.log10(group.n_tokens.to_numpy(float)))
        zy = z(group.accuracy.to_numpy(float))
        design = np.column_stack([np.ones_like(zn), zn, zd, zn * zd])
        coef, *_ = np.linalg.lstsq(design, zy, rcond=None)
        resid = zy - design @ coef
        dof = len(zy) - design.shape[1]
        cov = (resid @ resid / dof) * np.linalg.inv(design.T @ design)
        t = coef / np.sqrt(np.diag(cov))
        for k, effect in enumerate(
            ["Parameters", "Tokens", "Interaction"], start=1
        ):
            rows.append(
                {
                    "task": task,
                    "effect": effect,
                    "t": float(t[k]),
                    "df": dof,
                    "p_raw": float(2 * stats.t.sf(abs(t[k]), dof)),
                }
            )
    out = pd.DataFrame(rows)
    out["p"] = benjamini_hochberg(out.p_raw)
    return out


def distractor_accuracy(
    loss,
    *,
    loss_distractor: float,
    loss_true: float,
    width: float = 0.05,
    chance: float = 0.5,
):
    """Accuracy of a toy model in which an easy distractor task is learned before the real one.

    The distractor ability switches on as the loss falls below ``loss_distractor`` and the
    real ability below ``loss_true`` (< ``loss_distractor``), each as a logistic in the loss
    with width ``width``:
    ``p_d = 1 / (1 + exp((loss - loss_distractor) / width))``, likewise ``p_t``.
    A model with the real ability answers right; one with only the distractor answers wrong;
    one with neither guesses (``chance``):
    ``accuracy = p_t + (1 - p_t) (1 - p_d) chance``.
    This is the explanation Wei et al. (2023) give for U-shaped scaling and McKenzie et al.
    (2023) for the "distractor task" cause; the logistic switch is our illustration.

    Parameters
    ----------
    loss : array_like
        Loss values, > 0 (nats per token).
    loss_distractor, loss_true : float
        Loss at which each ability is half learned; ``loss_true < loss_distractor``.
    width : float
        Width of both switches, > 0.
    chance : float
        Accuracy of guessing, in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> acc = distractor_accuracy(np.array([3.0, 2.3, 1.6]), loss_distractor=2.5,
    ...                           loss_true=2.0, width=0.05)
    >>> np.round(acc, 2).tolist()
    [0.5, 0.01, 1.0]
    """
    loss = as_positive_array(loss, "loss")
    loss_distractor = as_float(
        loss_distractor, "loss_distractor", low=0, low_open=True
    )
    loss_true = as_float(loss_true, "loss_true", low=0, low_open=True)
    width = as_float(width, "width", low=0, low_open=True)
    chance = as_float(chance, "chance", low=0, high=1)
    if not loss_true < loss_distractor:
        raise ValueError(
            f"loss_true must be < loss_distractor, got loss_true={loss_true!r}, "
            f"loss_distractor={loss_distractor!r}"
        )
    from scipy import stats

    p_d = stats.logistic.sf(loss, loc=loss_distractor, scale=width)
    p_t = stats.logistic.sf(loss, loc=loss_true, scale=width)
    return p_t + (1 - p_t) * (1 - p_d) * chance


def dominance_pairs(n_params, n_tokens, accuracy):
    """Law-free check of "lower loss goes with lower accuracy" over (size, tokens) points.

    Any loss law that decreases in both N and D (such as Hoffmann et al.'s eq. 2) gives a lower
    loss to a point that has at least as many parameters *and* at least as many tokens as
    another (and more of one). Only those pairs are ordered by every such law; the others are
    ordered differently by different constants. This counts the dominated pairs and the share
    in which the dominating point has the lower accuracy.

    Parameters
    ----------
    n_params, n_tokens, accuracy : array_like
        One value per point, same length; accuracies in [0, 1].

    Returns
    -------
    (int, float, float)
        Number of dominated pairs, share with lower accuracy at the dominating point, share
        with equal accuracy.

    Examples
    --------
    >>> dominance_pairs([1, 2, 2], [1, 1, 2], [0.9, 0.8, 0.7])
    (3, 1.0, 0.0)
    """
    n = as_positive_array(n_params, "n_params", ndim=1)
    d = as_positive_array(n_tokens, "n_tokens", ndim=1)
    y = as_probability_array(accuracy, "accuracy", ndim=1)
    check_same_shape(n_params=n, n_tokens=d, accuracy=y)
    ge = (n[:, None] >= n[None, :]) & (d[:, None] >= d[None, :])
    strict = (n[:, None] > n[None, :]) | (d[:, None] > d[None, :])
    dom = ge & strict  # row point dominates column point
    pairs = int(dom.sum())
    if pairs == 0:
        raise ValueError(
            "no point dominates another in both n_params and n_tokens"
        )
    lower = float((y[:, None] < y[None, :])[dom].mean())
    equal = float((y[:, None] == y[None, :])[dom].mean())
    return pairs, lower, equal
