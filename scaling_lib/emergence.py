"""Emergent abilities: metrics, the per-token model of apparent jumps, and sigmoid fits.

Wei et al. (2022) call an ability *emergent* when it is "not present in smaller models but is
present in larger models": performance sits near chance up to some scale and then rises far above
it. Schaeffer, Miranda & Koyejo (2023), with a simple mathematical model, argue that much of the
apparent jump comes from the metric: if each of the ``L`` tokens of an answer is right with
probability ``p`` that improves smoothly with scale, the exact match of the whole answer is
``p**L``: the per-token curve shifted to larger scale (not sharpened), so over the models at
hand it sits at unmeasurably small values for a long time and then rises. This module holds

* the metric transforms of that argument: :func:`sequence_exact_match` (``p**L``), its inverse
  :func:`per_token_accuracy`, :func:`expected_token_errors` (``L (1 - p)``), and the toy model
  :func:`simulate_metrics` in which ``p = exp(-(N / c)**alpha)``;
* :func:`fit_sigmoid`, a logistic curve in ``log10(compute)`` with a known chance floor, the
  usual functional form for downstream accuracy against scale (Ruan et al. 2024 fit sigmoids of
  this kind), and :func:`holdout_prediction`, which fits it below a compute cut-off and scores
  the prediction on the larger models;
* :func:`crossing_point` and :func:`family_crossings`, where a curve (or each family's)
  first crosses a score level; :func:`holdout_table`, hold-out errors for many tasks and
  cut-offs;
* :func:`capability_components`, principal components of benchmark scores, the low-dimensional
  "capability" axis of observational scaling laws (Ruan et al. 2024), and
  :func:`observational_capability`, which builds it from the shipped benchmark table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import (
    as_float,
    as_float_array,
    as_int,
    as_positive_array,
    as_positive_int,
    as_probability_array,
    as_rng,
    check_columns,
    check_finite_result,
    check_min_length,
    check_same_shape,
)

__all__ = [
    "sequence_exact_match",
    "per_token_accuracy",
    "expected_token_errors",
    "token_accuracy_from_loss",
    "simulate_metrics",
    "size_at_exact_match",
    "sigmoid",
    "SigmoidFit",
    "fit_sigmoid",
    "HoldoutPrediction",
    "holdout_prediction",
    "crossing_point",
    "family_crossings",
    "holdout_table",
    "CapabilityPCA",
    "capability_components",
    "observational_capability",
    "CAPABILITY_COLUMNS",
]


# --------------------------------------------------------------------------- metric transforms


def sequence_exact_match(p_token, length):
    """Probability that all ``length`` tokens of an answer are right: ``p_token ** length``.

    The tokens are assumed independent, each right with probability ``p_token``; this is the
    exact-match accuracy of the simple model of Schaeffer et al. (2023),
    ``Accuracy(N) ~ p_N(token)^L``.

    Parameters
    ----------
    p_token : array_like
        Per-token probability of the right token, in [0, 1].
    length : int
        Number of tokens in the answer (>= 1). Arrays broadcast against ``p_token``.

    Returns
    -------
    ndarray
        Exact-match probability in [0, 1].

    Raises
    ------
    ValueError
        If ``p_token`` is outside [0, 1] or ``length`` is not a positive integer.

    Examples
    --------
    >>> round(float(sequence_exact_match(0.9, 5)), 12)
    0.59049
    >>> sequence_exact_match([0.5, 0.9], 2).round(3).tolist()
    [0.25, 0.81]
    """
    p = as_probability_array(p_token, "p_token")
    lengths = _as_lengths(length)
    return p**lengths


def per_token_accuracy(exact_match, length):
    """Invert :func:`sequence_exact_match`: the per-token accuracy ``exact_match ** (1/length)``.

    Parameters
    ----------
    exact_match : array_like
        Sequence exact-match rate in [0, 1].
    length : int
        Number of tokens per answer (>= 1).

    Returns
    -------
    ndarray

    Examples
    --------
    >>> round(float(per_token_accuracy(0.5, 4)), 4)
    0.8409
    """
    em = as_probability_array(exact_match, "exact_match")
    lengths = _as_lengths(length)
    return em ** (1.0 / lengths)


def expected_token_errors(p_token, length):
    """Expected number of wrong tokens in an answer of ``length`` tokens: ``length * (1 - p)``.

    This is the linear "token edit distance" of Schaeffer et al. (2023), which falls
    smoothly where exact match jumps.

    Examples
    --------
    >>> round(float(expected_token_errors(0.9, 5)), 12)
    0.5
    """
    p = as_probability_array(p_token, "p_token")
    lengths = _as_lengths(length)
    return lengths * (1.0 - p)


def token_accuracy_from_loss(loss):
    """Per-token probability of the right token from a per-token cross-entropy (nats):
    ``exp(-loss)`` (Schaeffer et al. 2023, simple model).

    Raises
    ------
    ValueError
        If ``loss`` is negative, NaN or infinite.

    Examples
    --------
    >>> round(float(token_accuracy_from_loss(0.1)), 4)
    0.9048
    """
    arr = as_float_array(loss, "loss")
    if np.any(arr < 0):
        raise ValueError(
            f"loss must be >= 0 (nats per token), got {float(arr[arr < 0].ravel()[0])!r}"
        )
    return np.exp(-arr)


def simulate_metrics(
    n_params,
    *,
    scale: float = 1e8,
    exponent: float = -0.3,
    length: int = 5,
    n_questions: int | None = None,
    rng: np.random.Generator | None = None,
):
    """Toy model of Schaeffer et al. (2023): smooth loss, exact match shifted (not sharpened).

    Per-token cross-entropy falls as a power law in parameters,
    ``loss = (n_params / scale) ** exponent`` (their ``L_CE(N) = (N/c)^alpha`` with
    ``alpha < 0``); the per-token accuracy is ``p = exp(-loss)``; an answer of ``length``
    tokens is exactly right with probability ``p ** length`` and has ``length * (1 - p)`` wrong
    tokens on average.

    Parameters
    ----------
    n_params : array_like
        Model sizes (> 0).
    scale : float
        ``c``: the size at which the per-token loss is 1 nat (> 0).
    exponent : float
        ``alpha`` (< 0): how fast the loss falls.
    length : int
        Tokens per answer (>= 1).
    n_questions : int, optional
        If given, also draw a finite test set of that many questions per model
        (``rng`` required) and return the measured exact-match rate, which usually reads 0
        while ``p ** length`` is below about ``1 / n_questions``.
    rng : None, int or numpy.random.Generator
        Source of randomness for ``n_questions`` (SPEC 7: an int seeds a new generator; None
        draws fresh entropy).

    Returns
    -------
    dict of ndarray
        ``loss, p_token, exact_match, token_errors`` and, with ``n_questions``,
        ``measured_exact_match``.

    Examples
    --------
    >>> out = simulate_metrics([1e8, 1e10], scale=1e8, exponent=-0.3, length=5)
    >>> out["p_token"].round(3).tolist(), out["exact_match"].round(3).tolist()
    ([0.368, 0.778], [0.007, 0.285])
    """
    n = as_positive_array(n_params, "n_params")
    scale = as_float(scale, "scale", low=0, low_open=True)
    exponent = as_float(
        exponent, "exponent", high=0, high_open=True
    )  # loss falls with size
    length = as_positive_int(length, "length")
    rng = as_rng(rng)
    loss = (
        n / scale
    ) ** exponent  # Schaeffer et al. (2023), simple model: L_CE = (N/c)^alpha
    p = token_accuracy_from_loss(
        loss
    )  # per-token probability of the right token
    out = {
        "loss": loss,
        "p_token": p,
        "exact_match": sequence_exact_match(p, length),
        "token_errors": expected_token_errors(p, length),
    }
    if n_questions is not None:
        n_questions = as_positive_int(
            n_questions, "n_questions", maximum=10**9
        )
        out["measured_exact_match"] = (
            rng.binomial(n_questions, p**length) / n_questions
        )
    return out


def size_at_exact_match(
    level, *, length: int, scale: float = 1e8, exponent: float = -0.3
):
    """Model size at which the toy model of :func:`simulate_metrics` reaches exact match ``level``.

    From ``exp(-length * (N / scale)**exponent) = level``:
    ``N = scale * (-ln(level) / length) ** (1 / exponent)``.

    Parameters
    ----------
    level : float
        Exact-match rate strictly between 0 and 1.
    length, scale, exponent
        As in :func:`simulate_metrics`.

    Returns
    -------
    float

    Examples
    --------
    >>> f"{size_at_exact_match(0.5, length=10):.3g}"
    '7.31e+11'
    """
    level = as_float(
        level, "level", low=0, high=1, low_open=True, high_open=True
    )
    length = as_positive_int(length, "length")
    scale = as_float(scale, "scale", low=0, low_open=True)
    exponent = as_float(
        exponent, "exponent", high=0, high_open=True
    )  # loss falls with size
    return float(scale * (-np.log(level) / length) ** (1.0 / exponent))


def _as_lengths(length):
    """The answer length as a float, from a positive integer (one length per call)."""
    return float(as_positive_int(length, "length"))


# --------------------------------------------------------------------------- sigmoid fits


def sigmoid(
    x,
    *,
    midpoint: float,
    slope: float,
    floor: float = 0.0,
    ceiling: float = 1.0,
):
    """Logistic curve from ``floor`` to ``ceiling``:
    ``floor + (ceiling - floor) / (1 + exp(-slope * (x - midpoint)))``.

    With ``x = log10(compute)``, ``midpoint`` is the compute (in decades) at which the score is
    halfway between floor and ceiling and ``slope`` is in 1/decade: the score goes from 10 % to
    90 % of the way in ``2 ln 9 / slope ~ 4.39 / slope`` decades.

    Examples
    --------
    >>> float(sigmoid(22.0, midpoint=22.0, slope=3.0, floor=0.25))
    0.625
    """
    x = as_float_array(x, "x")
    midpoint = as_float(midpoint, "midpoint")
    slope = as_float(slope, "slope", low=0, low_open=True)
    floor = as_float(floor, "floor", low=0, high=1)
    ceiling = as_float(ceiling, "ceiling", low=0, high=1)
    return floor + (ceiling - floor) * 0.5 * (
        1.0 + np.tanh(0.5 * slope * (x - midpoint))
    )


@dataclass(frozen=True)
class SigmoidFit:
    """Result of :func:`fit_sigmoid` (a logistic curve in ``x``, usually ``log10`` compute).

    Attributes
    ----------
    midpoint, slope, floor, ceiling : float
        Parameters of :func:`sigmoid`; ``floor`` is fixed by the caller (chance level).
    residuals : ndarray
        ``y - prediction`` at the fitted points.
    rmse : float
        Root-mean-square residual.
    success : bool
        Whether the optimizer converged and the fit is identifiable.
    message : str
        What happened.
    """

    midpoint: float
    slope: float
    floor: float
    ceiling: float
    residuals: np.ndarray = field(repr=False)
    rmse: float
    success: bool
    message: str

    def predict(self, x):
        """Evaluate the fitted curve at ``x``."""
        return sigmoid(
            x,
            midpoint=self.midpoint,
            slope=self.slope,
            floor=self.floor,
            ceiling=self.ceiling,
        )

    @property
    def width(self) -> float:
        """Distance in ``x`` between 10 % and 90 % of the rise, ``2 ln 9 / slope``."""
        return 2.0 * np.log(9.0) / self.slope

    def x_at(self, level: float) -> float:
        """The ``x`` where the curve reaches score ``level``.

        ``level`` is a single number strictly between floor and ceiling.
        """
        level = as_float(level, "level")
        if not self.floor < level < self.ceiling:
            raise ValueError(
                f"level must lie strictly between floor={self.floor:.3g} and "
                f"ceiling={self.ceiling:.3g}, got {level!r}"
            )
        frac = (level - self.floor) / (self.ceiling - self.floor)
        return float(self.midpoint + np.log(frac / (1.0 - frac)) / self.slope)


def fit_sigmoid(
    x,
    y,
    *,
    floor: float = 0.0,
    ceiling: float | None = None,
    slope_bounds=(0.05, 20.0),
) -> SigmoidFit:
    """Fit ``y = floor + (ceiling - floor) * logistic(slope * (x - midpoint))`` by least squares.

    ``floor`` is fixed (the chance score of the task: 0 for exact match, about 0.25 for a
    four-way multiple choice); ``ceiling`` is fitted within ``(floor, 1]`` unless given.
    Several starting midpoints across the range of ``x`` are tried and the best kept.

    Parameters
    ----------
    x : array_like
        Scale variable, usually ``log10(compute)``; finite.
    y : array_like
        Scores in [0, 1], same length as ``x``; at least four points.
    floor : float
        Score of a model with no ability (chance).
    ceiling : float, optional
        Fix the upper plateau (for example 1.0); fitted if None.
    slope_bounds : (float, float)
        Bounds on ``slope`` (per unit of ``x``).

    Returns
    -------
    SigmoidFit

    Raises
    ------
    ValueError
        For non-finite ``x``, ``y`` outside [0, 1], different lengths, fewer than four points,
        or ``floor``/``ceiling`` outside [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> x = np.linspace(20, 25, 30)
    >>> fit = fit_sigmoid(x, sigmoid(x, midpoint=22.5, slope=2.0, ceiling=0.9))
    >>> round(fit.midpoint, 3), round(fit.slope, 3), round(fit.ceiling, 3)
    (22.5, 2.0, 0.9)
    """
    from scipy.optimize import (
        least_squares,
    )  # here, so that importing the module stays fast

    x = as_float_array(x, "x", ndim=1)
    y = as_probability_array(y, "y", ndim=1)
    check_same_shape(x=x, y=y)
    check_min_length(x, "x", 4)
    floor = as_float(floor, "floor", low=0, high=1)
    if ceiling is not None:
        ceiling = as_float(ceiling, "ceiling", low=0, high=1)
        if ceiling <= floor:
            raise ValueError(
                f"ceiling must be > floor={floor!r}, got {ceiling!r}"
            )
    try:
        lo_s, hi_s = (as_float(b, "slope_bounds") for b in slope_bounds)
    except (TypeError, ValueError):
        raise ValueError(
            f"slope_bounds must be two numbers (low, high), got {slope_bounds!r}"
        )
    if not 0 < lo_s < hi_s:
        raise ValueError(
            f"slope_bounds must satisfy 0 < low < high, got {slope_bounds!r}"
        )
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        nan = float("nan")
        what = "x" if np.ptp(x) == 0 else "y"
        return SigmoidFit(
            nan,
            nan,
            floor,
            nan,
            np.full_like(y, nan),
            nan,
            False,
            f"all {what} are equal: midpoint and slope are not identifiable",
        )
    span = np.ptp(x)
    lo_m, hi_m = x.min() - span, x.max() + span
    free_ceiling = ceiling is None
    c_lo = min(
        floor + 1e-3, 1.0 - 1e-9
    )  # not max(y): noise can lift a point above the plateau
    c_start = min(max(float(y.max()), c_lo), 1.0)

    def unpack(theta):
        m, s = theta[0], theta[1]
        c = theta[2] if free_ceiling else ceiling
        return m, s, c

    def resid(theta):
        m, s, c = unpack(theta)
        return sigmoid(x, midpoint=m, slope=s, floor=floor, ceiling=c) - y

    lower = [lo_m, lo_s] + ([c_lo] if free_ceiling else [])
    upper = [hi_m, hi_s] + ([1.0] if free_ceiling else [])
    best = None
    for m0 in np.linspace(x.min(), x.max(), 7):
        for s0 in (0.5, 2.0, 5.0):
            start = [m0, np.clip(s0, lo_s, hi_s)] + (
                [c_start] if free_ceiling else []
            )
            start = np.clip(start, lower, upper)
            res = least_squares(
                resid,
                start,
                bounds=(lower, upper),
                method="trf",
                xtol=1e-12,
                ftol=1e-12,
                gtol=1e-12,
            )
            if best is None or res.cost < best.cost:
                best = res
    m, s, c = unpack(best.x)
    r = best.fun.copy()
    at_bound = np.isclose(s, lo_s) or np.isclose(s, hi_s)
    # A midpoint on its bound (one span of x beyond the data) is not located by the data either.
    m_at_bound = np.isclose(m, lo_m) or np.isclose(m, hi_m)
    ok = bool(best.success) and not at_bound and not m_at_bound
    msg = f"least squares on {x.size} points, best of 21 starts"
    if at_bound:
        msg += f"; slope hit its bound ({s:.3g}), the rise is not resolved by the data"
    if m_at_bound:
        msg += (
            f"; midpoint hit its bound ({m:.3g}), the rise lies outside what the data "
            "can place"
        )
    return SigmoidFit(
        float(m),
        float(s),
        floor,
        float(c),
        r,
        float(np.sqrt(np.mean(r**2))),
        ok,
        msg,
    )


@dataclass(frozen=True)
class HoldoutPrediction:
    """Result of :func:`holdout_prediction`.

    Attributes
    ----------
    fit : SigmoidFit
        Fitted on the points with ``x < cutoff``.
    cutoff : float
        The cut-off in ``x``.
    train : ndarray of bool
        Which points were used to fit.
    predicted : ndarray
        The fit's prediction at every point.
    errors : ndarray
        ``predicted - y`` at every point.
    test_mae, test_rmse : float
        Mean absolute and root-mean-square error on the held-out points (``x >= cutoff``).
    """

    fit: SigmoidFit
    cutoff: float
    train: np.ndarray = field(repr=False)
    predicted: np.ndarray = field(repr=False)
    errors: np.ndarray = field(repr=False)
    test_mae: float
    test_rmse: float


def holdout_prediction(
    x, y, cutoff: float | None = None, *, train=None, **fit_kwargs
) -> HoldoutPrediction:
    """Fit a sigmoid to the points with ``x < cutoff`` and score it on the points above.

    This is the honest test of "can emergence be predicted from smaller models": the fit never
    sees the models it is judged on.

    Parameters
    ----------
    x, y : array_like
        As in :func:`fit_sigmoid`.
    cutoff : float, optional
        Points with ``x < cutoff`` train, the others test.
    train : array_like of bool, optional
        Instead of ``cutoff``, say which points train (for example "compute below 1e23" while
        ``x`` is another scale axis). Give exactly one of ``cutoff`` and ``train``.
    **fit_kwargs
        Passed to :func:`fit_sigmoid` (``floor``, ``ceiling``, ...).

    Returns
    -------
    HoldoutPrediction
        ``cutoff`` is NaN when ``train`` was given.

    Raises
    ------
    ValueError
        If both or neither of ``cutoff`` and ``train`` are given, if fewer than four points
        train, or if none is left to test.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.linspace(20, 25, 21)
    >>> y = sigmoid(x, midpoint=22.0, slope=3.0)
    >>> res = holdout_prediction(x, y, cutoff=23.0)
    >>> int(res.train.sum()), round(res.test_mae, 6)
    (12, 0.0)
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_probability_array(y, "y", ndim=1)
    check_same_shape(x=x, y=y)
    if (cutoff is None) == (train is None):
        raise ValueError(
            f"give exactly one of cutoff and train, got cutoff={cutoff!r} and "
            f"train={'None' if train is None else 'a mask'}"
        )
    if cutoff is not None:
        cutoff = as_float(cutoff, "cutoff")
        mask = x < cutoff
        where = f"cutoff={cutoff!r}"
    else:
        mask = np.asarray(train)
        if mask.dtype != bool or mask.shape != x.shape:
            raise ValueError(
                f"train must be a boolean mask of shape {x.shape}, got dtype "
                f"{mask.dtype} and shape {mask.shape}"
            )
        cutoff = float("nan")
        where = "train"
    if mask.sum() < 4:
        raise ValueError(
            f"{where} leaves {int(mask.sum())} points of x to fit; need >= 4"
        )
    if (~mask).sum() < 1:
        raise ValueError(
            f"{where} leaves no point to test (max x is {x.max():.4g})"
        )
    fit = fit_sigmoid(x[mask], y[mask], **fit_kwargs)
    if np.isfinite(fit.midpoint):
        pred = fit.predict(x)
    else:  # flat training data (success=False): the only prediction it supports is flat
        pred = np.full(x.shape, float(np.mean(y[mask])))
    err = pred - y
    test = err[~mask]
    return HoldoutPrediction(
        fit,
        cutoff,
        mask,
        pred,
        err,
        float(np.mean(np.abs(test))),
        float(np.sqrt(np.mean(test**2))),
    )


def crossing_point(x, y, level: float):
    """First ``x`` at which the curve ``y(x)`` rises through ``level``, by linear interpolation.

    Points are sorted by ``x``; the crossing lies between the last point below ``level`` before
    the first point at or above it. Used with ``x = log10(compute)`` to say where one family
    "acquires" a task.

    Parameters
    ----------
    x, y : array_like
        Finite values, same length, at least one point.
    level : float
        The score to cross.

    Returns
    -------
    float or None
        The interpolated ``x``; ``x[0]`` if the first point is already at or above ``level``;
        None if the curve never reaches ``level``.

    Examples
    --------
    >>> crossing_point([1.0, 2.0, 3.0], [0.1, 0.3, 0.9], 0.6)
    2.5
    >>> crossing_point([1.0, 2.0], [0.1, 0.2], 0.5) is None
    True
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    check_same_shape(x=x, y=y)
    check_min_length(x, "x", 1)
    level = as_float(level, "level", low=0, high=1)
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    above = np.nonzero(y >= level)[0]
    if above.size == 0:
        return None
    i = int(above[0])
    if i == 0:
        return float(x[0])
    x0, x1, y0, y1 = x[i - 1], x[i], y[i - 1], y[i]
    return float(x0 + (level - y0) * (x1 - x0) / (y1 - y0))


def family_crossings(
    frame,
    level: float,
    *,
    x: str = "compute",
    y: str = "score",
    group: str = "family",
):
    """Where each family's curve first reaches ``level``, in ``log10`` of column ``x``.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per model, with columns ``group``, ``x`` (> 0, e.g. compute in FLOPs) and ``y``.
    level : float
        Score to reach.
    x, y, group : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per family: ``family, n_models, log10_first, log10_last, crossing, status``.
        ``crossing`` is the interpolated ``log10 x`` (see :func:`crossing_point`); ``status`` is
        ``"crossed"`` (bracketed by two models), ``"at or below smallest"`` (the family's
        smallest model already reaches ``level``: ``crossing`` is only an upper bound) or
        ``"not reached"`` (``crossing`` is NaN: the family never gets there).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"family": ["a", "a", "b"], "compute": [1e21, 1e23, 1e22],
    ...                    "score": [0.0, 1.0, 0.1]})
    >>> family_crossings(df, 0.5)[["family", "crossing", "status"]].values.tolist()
    [['a', 22.0, 'crossed'], ['b', nan, 'not reached']]
    """
    import pandas as pd

    check_columns(frame, "frame", [])
    for name, col in (("x", x), ("y", y), ("group", group)):
        if not isinstance(col, str) or col not in frame.columns:
            raise ValueError(
                f"{name} must name a column of frame ({list(frame.columns)}), "
                f"got {col!r}"
            )
    level = as_float(level, "level", low=0, high=1)
    rows = []
    for fam, g in frame.groupby(group, sort=True):
        lx = np.log10(as_positive_array(g[x].to_numpy(float), x))
        c = crossing_point(lx, g[y].to_numpy(float), level)
        if c is None:
            status, c = "not reached", float("nan")
        elif c == lx.min() and g[y].to_numpy(float)[np.argmin(lx)] >= level:
            status = "at or below smallest"
        else:
            status = "crossed"
        rows.append(
            {
                "family": fam,
                "n_models": len(g),
                "log10_first": float(lx.min()),
                "log10_last": float(lx.max()),
                "crossing": c,
                "status": status,
            }
        )
    return pd.DataFrame(rows)


def holdout_table(
    frame,
    tasks,
    cutoffs,
    *,
    x: str = "log10_compute",
    floors=None,
    ceiling: float | None = 1.0,
    bench=None,
    columns=None,
):
    """Hold-out sigmoid predictions for several tasks and compute cut-offs, as a table.

    For every task and cut-off, the models with ``log10(compute) < cutoff`` train a sigmoid in
    column ``x`` (by default ``log10`` compute itself; any other scale axis such as a
    capability score can be given) and the others are predicted (:func:`holdout_prediction`).
    A cut-off may also be the string ``"preregistered"``: the models that Ruan et al. (2024)
    pre-registered as future targets (column ``preregistered``) are predicted from all others.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long format with columns ``model, task, compute, score`` (and ``preregistered`` for
        that split) and ``x`` (``"log10_compute"`` is computed if absent).
    tasks : sequence of str
    cutoffs : sequence of float or "preregistered"
        Cut-offs in ``log10`` FLOPs.
    floors : dict, optional
        ``{task: chance score}``; default 0.
    ceiling : float or None
        Passed to :func:`fit_sigmoid` (default 1.0: a perfect model scores 1; None fits it).
    bench : pandas.DataFrame, optional
        Benchmark scores (:func:`scaling_lib.data.load_emergence_benchmarks`). With it, ``x``
        must be ``"pc1"``, ``"pc2"``, ...: the capability components are refitted for every
        split on the *training* models only (:func:`observational_capability` with
        ``fit_on``), as ObsScaling does, so the held-out models never shape the axis.
    columns : sequence of str, optional
        Benchmarks for that PCA (default :data:`CAPABILITY_COLUMNS`).

    Returns
    -------
    pandas.DataFrame
        ``task, cutoff, x, n_train, n_test, midpoint, slope, test_mae, success``.
    """
    import pandas as pd

    frame = check_columns(
        frame, "frame", ["model", "task", "compute", "score"]
    ).copy()
    if (
        isinstance(tasks, str)
        or not all(
            isinstance(t, str)
            for t in np.ravel(np.asarray(tasks, dtype=object))
        )
        or len(tasks) == 0
    ):
        raise ValueError(
            f"tasks must be a non-empty list of task names, got {tasks!r}"
        )
    if isinstance(cutoffs, str) or np.ndim(cutoffs) != 1 or len(cutoffs) == 0:
        raise ValueError(
            f"cutoffs must be a non-empty list of numbers or 'preregistered', "
            f"got {cutoffs!r}"
        )
    cutoffs = [
        c if isinstance(c, str) else as_float(c, "cutoffs") for c in cutoffs
    ]
    if not isinstance(x, str):
        raise ValueError(f"x must name a column of frame, got {x!r}")
    if floors is not None:
        if not isinstance(floors, dict) or not set(floors) <= set(tasks):
            raise ValueError(
                f"floors must be a dict {{task: chance score}} over tasks "
                f"{list(tasks)}, got {floors!r}"
            )
        floors = {
            t: as_float(f, "floors", low=0, high=1) for t, f in floors.items()
        }
    if ceiling is not None:
        ceiling = as_float(ceiling, "ceiling", low=0, high=1)
    if bench is not None:
        check_columns(bench, "bench", ["model"], min_rows=2)
    if (
        bench is None
        and x not in frame.columns
        and not (x == "log10_compute" and "compute" in frame.columns)
    ):
        raise ValueError(
            f"frame has no column x={x!r}; columns are {list(frame.columns)}"
        )
    if bench is not None and not (x.startswith("pc") and x[2:].isdigit()):
        raise ValueError(
            f"with bench, x must be 'pc1', 'pc2', ...; got x={x!r}"
        )
    if columns is not None and (
        isinstance(columns, (str, dict))
        or np.ndim(columns) != 1
        or len(columns) == 0
        or not all(isinstance(c, str) for c in columns)
    ):
        raise ValueError(
            f"columns must be a non-empty list of benchmark names, got {columns!r}"
        )
    columns = CAPABILITY_COLUMNS if columns is None else tuple(columns)
    floors = floors or {}
    rows = []
    for task in tasks:
        d = frame[frame["task"] == task]
        if d.empty:
            raise ValueError(f"tasks contains {task!r}, which is not in frame")
        for cut in cutoffs:
            if isinstance(cut, str):
                if cut != "preregistered":
                    raise ValueError(
                        f"cutoffs must be numbers or 'preregistered', got {cut!r}"
                    )
                dd = d
                train_models = set(
                    dd.loc[~dd["preregistered"].astype(bool), "model"]
                )
            else:
                dd = d[d["compute"].notna()].copy()
                lc = np.log10(
                    as_positive_array(dd["compute"].to_numpy(float), "compute")
                )
                train_models = set(dd.loc[lc < float(cut), "model"])
            if bench is not None:
                k = int(x[2:])
                coords, _ = observational_capability(
                    bench, columns, n_components=k, fit_on=train_models
                )
                dd = dd.drop(
                    columns=[c for c in coords.columns if c != "model"],
                    errors="ignore",
                ).merge(coords, on="model")
            elif x == "log10_compute" and x not in dd.columns:
                dd = dd[dd["compute"].notna()].assign(
                    log10_compute=np.log10(dd["compute"].to_numpy(float))
                )
            dd = dd[dd[x].notna()]
            train = dd["model"].isin(train_models).to_numpy()
            try:
                res = holdout_prediction(
                    dd[x].to_numpy(float),
                    dd["score"].to_numpy(float),
                    train=train,
                    floor=floors.get(task, 0.0),
                    ceiling=ceiling,
                )
            except ValueError as err:
                raise ValueError(
                    f"cutoffs: the cut-off {cut!r} for task {task!r}: {err}"
                ) from None
            rows.append(
                {
                    "task": task,
                    "cutoff": cut if isinstance(cut, str) else float(cut),
                    "x": x,
                    "n_train": int(train.sum()),
                    "n_test": int((~train).sum()),
                    "midpoint": res.fit.midpoint,
                    "slope": res.fit.slope,
                    "test_mae": res.test_mae,
                    "success": res.fit.success,
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- capability space


@dataclass(frozen=True)
class CapabilityPCA:
    """Principal components of a models-by-benchmarks score matrix.

    Attributes
    ----------
    scores : ndarray, shape (n_models, n_components)
        Each model's coordinates ("PC-1", "PC-2", ...).
    loadings : ndarray, shape (n_components, n_benchmarks)
        Unit vectors; PC-1 is oriented so that its loadings sum to a positive number (higher =
        more capable).
    explained_variance_ratio : ndarray
        Share of the total variance captured by each component.
    mean : ndarray
        Column means that were subtracted.
    """

    scores: np.ndarray
    loadings: np.ndarray
    explained_variance_ratio: np.ndarray
    mean: np.ndarray

    def transform(self, matrix):
        """Coordinates of new models (rows of ``matrix``, same benchmark columns)."""
        m = as_float_array(matrix, "matrix")
        if m.ndim != 2 or m.shape[1] != self.mean.size:
            raise ValueError(
                f"matrix must have shape (n, {self.mean.size}), got {m.shape}"
            )
        with np.errstate(over="ignore", invalid="ignore"):
            coords = (m - self.mean) @ self.loadings.T
        return check_finite_result(coords, "coordinates", matrix=matrix)


def capability_components(matrix, n_components: int = 1) -> CapabilityPCA:
    """PCA of benchmark scores: the low-dimensional capability axis of Ruan et al. (2024).

    Ruan et al. (2024) find that a few principal components of standard benchmark scores
    explain most of their variation across many model families, and use them as a common scale
    axis in place of compute. This is the plain version: centre each column, take
    the singular value decomposition, keep ``n_components``. Rows with a missing value must be
    removed (or imputed) by the caller.

    Parameters
    ----------
    matrix : array_like, shape (n_models, n_benchmarks)
        Finite scores.
    n_components : int
        How many components to keep (<= number of benchmarks).

    Returns
    -------
    CapabilityPCA

    Raises
    ------
    ValueError
        If ``matrix`` is not 2-D, has NaN, or has fewer rows than two.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.linspace(0, 1, 6)
    >>> pca = capability_components(np.column_stack([t, 2 * t, 0.5 * t]))
    >>> round(float(pca.explained_variance_ratio[0]), 6)
    1.0
    >>> bool(np.all(np.diff(pca.scores[:, 0]) > 0))
    True
    """
    m = as_float_array(matrix, "matrix")
    if np.any(np.abs(m) > 1e150):
        raise ValueError(
            f"matrix values must be below 1e150 in size, got "
            f"{float(np.abs(m).max())!r}"
        )
    if m.ndim != 2:
        raise ValueError(
            f"matrix must be 2-D (models x benchmarks), got shape {m.shape}"
        )
    check_min_length(m[:, 0] if m.shape[1] else m, "matrix", 2)
    k = as_int(n_components, "n_components", minimum=1)
    if k > m.shape[1]:
        raise ValueError(
            f"n_components must be <= {m.shape[1]} benchmarks, got {k}"
        )
    mean = m.mean(axis=0)
    centred = m - mean
    _, sing, vt = np.linalg.svd(centred, full_matrices=False)
    total = float((sing**2).sum())
    ratio = sing**2 / total if total > 0 else np.zeros_like(sing)
    loadings = vt[:k].copy()
    for i in range(k):
        if loadings[i].sum() < 0:
            loadings[i] *= -1.0
    return CapabilityPCA(centred @ loadings.T, loadings, ratio[:k], mean)


CAPABILITY_COLUMNS = ("mmlu", "arc_c", "hellaswag", "winogrande", "truthfulqa")


def observational_capability(
    bench, columns=CAPABILITY_COLUMNS, *, n_components: int = 2, fit_on=None
):
    """Capability coordinates of every model with all ``columns`` scored (Ruan et al. 2024).

    Parameters
    ----------
    bench : pandas.DataFrame
        :func:`scaling_lib.data.load_emergence_benchmarks` (or a subset of its rows).
    columns : sequence of str
        Benchmarks to use. The default leaves out GSM8K (arithmetic word problems, too close to
        the arithmetic tasks being predicted; Ruan et al. also drop it for arithmetic) and the
        two benchmarks with many missing values (XWinograd, HumanEval).
    n_components : int
        Components to keep.
    fit_on : collection of str, optional
        Model names whose scores define the components (the training split of a hold-out
        test); every model is then placed on them with :meth:`CapabilityPCA.transform`.
        ObsScaling splits models into training and test sets first and fits its PCA on the
        training models only (``plot_scaling_predictions`` in ``utils/plot.py`` of the
        authors' code); a PCA that has seen the held-out models leaks information about them.
        Default: fit on every row.

    Returns
    -------
    (pandas.DataFrame, CapabilityPCA)
        ``model`` and ``pc1, pc2, ...`` for the rows with complete scores, and the PCA itself.

    Examples
    --------
    >>> from scaling_lib.data import load_emergence_benchmarks
    >>> coords, pca = observational_capability(load_emergence_benchmarks())
    >>> len(coords), round(float(pca.explained_variance_ratio[0]), 2)
    (145, 0.87)
    """
    import pandas as pd

    check_columns(bench, "bench", ["model"], min_rows=2)
    if fit_on is not None:
        if isinstance(fit_on, (str, bytes, dict)) or not hasattr(
            fit_on, "__iter__"
        ):
            raise ValueError(
                f"fit_on must be a collection of model names, got {fit_on!r}"[
                    :200
                ]
            )
        fit_on = list(fit_on)
        if not all(isinstance(m, str) for m in fit_on):
            raise ValueError(
                f"fit_on must hold model names (str), got {fit_on!r}"[:200]
            )
    if (
        columns is None
        or isinstance(columns, str)
        or np.ndim(columns) != 1
        or not all(isinstance(c, str) for c in columns)
        or len(columns) == 0
    ):
        raise ValueError(
            f"columns must be a non-empty list of benchmark names, got {columns!r}"
        )
    columns = list(columns)
    missing = [c for c in columns if c not in bench.columns]
    if missing:
        raise ValueError(
            f"columns={missing!r} not in bench; columns are {list(bench.columns)}"
        )
    n_components = as_int(n_components, "n_components", minimum=1)
    rows = bench[bench[columns].notna().all(axis=1)]
    fit_rows = (
        rows if fit_on is None else rows[rows["model"].isin(set(fit_on))]
    )
    if len(fit_rows) < 2:
        raise ValueError(
            f"fit_on selects {len(fit_rows)} models with complete scores; need >= 2"
        )
    pca = capability_components(
        fit_rows[columns].to_numpy(float), n_components
    )
    scores = pca.transform(rows[columns].to_numpy(float))
    coords = pd.DataFrame({"model": rows["model"].to_numpy()})
    for i in range(n_components):
        coords[f"pc{i + 1}"] = scores[:, i]
    return coords, pca
