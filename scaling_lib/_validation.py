"""Input checks shared by every module.

Every public function of ``scaling_lib`` passes each of its arguments through one of these
helpers before using it. Each helper returns the argument in a canonical form (a float array,
a float, an int, one of the allowed strings, a ``numpy.random.Generator``) or raises a
``ValueError`` whose message names the argument and shows the offending value, so that a
mistake never turns into a silent NaN, a ``TypeError`` from deep inside NumPy, or a hang.

Argument kinds
--------------
arrays      :func:`as_float_array` (finite), :func:`as_positive_array`,
            :func:`as_nonnegative_array`, :func:`as_probability_array`,
            :func:`as_count_array` (whole numbers: devices, layers, tokens); ``ndim=1`` and
            ``min_size`` refuse 2-D input and empty or too short input;
            :func:`check_same_shape` and :func:`check_min_length` relate several arrays.
scalars     :func:`as_float` (finite; optional bounds), :func:`as_positive_float`,
            :func:`as_nonnegative_float`, :func:`as_level` (a probability in (0, 1)).
integers    :func:`as_int` (strict: refuses bools, floats, strings and values beyond its
            bounds), :func:`as_positive_int` (also accepts integral floats such as ``4.0``).
choices     :func:`as_choice` (the message lists the allowed values), :func:`as_bool`.
objects     :func:`as_instance`: a result or view of the library (a fit, a figure's view).
frames      :func:`check_columns` (the message lists the missing columns).
results     :func:`check_finite_result`: finite inputs whose product or quotient leaves the
            range of a float (1e300 tokens, 1e-300 FLOP/s) are refused by name.
randomness  :func:`as_rng`: ``None``, an int seed or a ``numpy.random.Generator``, through
            ``numpy.random.default_rng`` (Scientific Python SPEC 7).
"""

from __future__ import annotations

import numbers
import operator
import os

import numpy as np

__all__ = [
    "as_float_array",
    "as_numeric_array",
    "as_positive_array",
    "as_nonnegative_array",
    "as_probability_array",
    "as_count_array",
    "as_float",
    "as_positive_float",
    "as_nonnegative_float",
    "as_level",
    "as_int",
    "as_positive_int",
    "as_choice",
    "as_bool",
    "as_rng",
    "as_path",
    "as_instance",
    "check_columns",
    "check_same_shape",
    "check_min_length",
    "check_runs",
    "check_finite_result",
    "MAX_INT",
]

#: The largest integer every helper accepts by default: above 2**53 a float cannot hold every
#: integer, and no count in the course (layers, samples, resamples, seeds) comes near it.
MAX_INT = 2**53


def _show(value, limit: int = 80) -> str:
    """A short, never-failing description of ``value`` for an error message."""
    try:
        if isinstance(value, np.ndarray) or (
            isinstance(value, (list, tuple)) and len(value) > 6
        ):
            arr = np.asarray(value)
            if arr.ndim and arr.dtype.kind in "biuf":
                text = np.array2string(
                    arr.ravel()[:6], precision=4, separator=", "
                )
                if arr.size > 6:
                    text = text[:-1] + ", ...]"
                if arr.ndim > 1:
                    text += f" (shape {arr.shape})"
                return text
        text = repr(value)
    except Exception:  # a repr that fails must not hide the real error
        text = f"<{type(value).__name__}>"
    if len(text) > limit:
        text = (
            text[: limit - 5] + " ...]"
            if text[:1] in "[("
            else text[: limit - 4] + " ..."
        )
    return text


def _is_missing(item) -> bool:
    if item is None:
        return True
    try:
        import pandas as pd

        return item is pd.NA or item is pd.NaT
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False


def _numeric(value, name: str) -> np.ndarray:
    """``value`` as a float array without a finiteness check; refuses strings, bools, None,
    dicts, complex numbers and ragged or non-numeric sequences."""
    if value is None or isinstance(value, (str, bytes, dict, set, frozenset)):
        raise ValueError(
            f"{name} must be numeric, got {type(value).__name__} {_show(value)}"
        )
    try:
        raw = np.asarray(value)
    except Exception as exc:  # ragged lists, objects with a failing __array__
        raise ValueError(
            f"{name} must be numeric, got {_show(value)}"
        ) from exc
    kind = raw.dtype.kind
    if kind in "biuf":
        if (
            kind == "b" and raw.ndim == 0
        ):  # True for a number is a slip; arrays of outcomes are 0/1
            raise ValueError(
                f"{name} must be numeric, got the bool {_show(value)}"
            )
        return raw.astype(float)
    if kind == "c":
        raise ValueError(f"{name} must be real, got complex {_show(value)}")
    if kind == "O":
        flat = raw.ravel()
        missing = np.array([_is_missing(item) for item in flat], dtype=bool)
        if (
            missing.any()
        ):  # None / pd.NA inside a table column: a missing value, i.e. NaN
            raw = np.where(missing.reshape(raw.shape), np.nan, raw)
            flat = raw.ravel()
        for item in flat:
            if isinstance(item, (bool, np.bool_)) or not isinstance(
                item, numbers.Real
            ):
                raise ValueError(
                    f"{name} must be numeric, got {_show(item)} in "
                    f"{name}={_show(value)}"
                )
        try:
            return raw.astype(float)
        except OverflowError as exc:  # Python ints such as 10**400
            raise ValueError(
                f"{name} must be finite, got a number too large for a float in "
                f"{name}={_show(value)}"
            ) from exc
    raise ValueError(f"{name} must be numeric, got {raw.dtype} {_show(value)}")


def as_numeric_array(
    value, name: str, *, ndim: int | None = None
) -> np.ndarray:
    """Return ``value`` as a float array that may hold NaN and inf (bootstrap samples, scores
    with missing values); everything that is not a number is refused as in
    :func:`as_float_array`."""
    arr = _numeric(value, name)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(
            f"{name} must be a {ndim}-D array, got shape {arr.shape}: "
            f"{name}={_show(value)}"
        )
    return arr


def as_float_array(
    value,
    name: str,
    *,
    allow_nan: bool = False,
    ndim: int | None = None,
    min_size: int | None = None,
) -> np.ndarray:
    """Return ``value`` as a float array; raise ``ValueError`` naming ``name`` if it is not
    numeric, not finite (NaN allowed with ``allow_nan``), has another number of dimensions than
    ``ndim``, or fewer than ``min_size`` entries.

    Examples
    --------
    >>> as_float_array([1, 2], "x")
    array([1., 2.])
    >>> as_float_array("3", "x")
    Traceback (most recent call last):
    ...
    ValueError: x must be numeric, got str '3'
    """
    arr = _numeric(value, name)
    bad = ~np.isfinite(arr) if not allow_nan else np.isinf(arr)
    if np.any(bad):
        first = arr[bad].ravel()[0] if arr.ndim else arr
        raise ValueError(
            f"{name} must be finite, got {float(first)!r} in {name}={_show(value)}"
        )
    if ndim is not None and arr.ndim != ndim:
        what = {0: "a single number", 1: "a 1-D array"}.get(
            ndim, f"a {ndim}-D array"
        )
        raise ValueError(
            f"{name} must be {what}, got shape {arr.shape}: {name}={_show(value)}"
        )
    if min_size is not None and arr.size < min_size:
        raise ValueError(
            f"{name} needs at least {min_size} value{'s' * (min_size != 1)}, "
            f"got {arr.size}: {name}={_show(value)}"
        )
    return arr


def as_positive_array(value, name: str, **kwargs) -> np.ndarray:
    """Return ``value`` as a float array of strictly positive, finite numbers (``ndim`` and
    ``min_size`` as in :func:`as_float_array`)."""
    arr = as_float_array(value, name, **kwargs)
    if np.any(arr <= 0):
        first = arr[arr <= 0].ravel()[0] if arr.ndim else arr
        raise ValueError(
            f"{name} must be > 0, got {float(first)!r} in {name}={_show(value)}"
        )
    return arr


def as_nonnegative_array(value, name: str, **kwargs) -> np.ndarray:
    """Return ``value`` as a float array of finite numbers >= 0."""
    arr = as_float_array(value, name, **kwargs)
    if np.any(arr < 0):
        first = arr[arr < 0].ravel()[0] if arr.ndim else arr
        raise ValueError(
            f"{name} must be >= 0, got {float(first)!r} in {name}={_show(value)}"
        )
    return arr


def as_count_array(
    value, name: str, *, minimum: int = 1, **kwargs
) -> np.ndarray:
    """Return ``value`` as a float array of whole numbers in [``minimum``, 2**53]: counts of
    devices, layers, heads or tokens, which may come as floats (``8.0``) or arrays.

    Examples
    --------
    >>> as_count_array([8, 16.0], "n_devices")
    array([ 8., 16.])
    >>> as_count_array(2.5, "batch_size")
    Traceback (most recent call last):
    ...
    ValueError: batch_size must be whole numbers >= 1 and <= 2**53, got 2.5 in batch_size=2.5
    """
    arr = as_float_array(value, name, **kwargs)
    bad = (arr != np.floor(arr)) | (arr < minimum) | (arr > MAX_INT)
    if np.any(bad):
        first = arr[bad].ravel()[0] if arr.ndim else arr
        raise ValueError(
            f"{name} must be whole numbers >= {minimum} and <= 2**53, got "
            f"{float(first)!r} in {name}={_show(value)}"
        )
    return arr


def as_probability_array(value, name: str, **kwargs) -> np.ndarray:
    """Return ``value`` as a float array with every entry in [0, 1]."""
    arr = as_float_array(value, name, **kwargs)
    if np.any((arr < 0) | (arr > 1)):
        first = arr[(arr < 0) | (arr > 1)].ravel()[0] if arr.ndim else arr
        raise ValueError(
            f"{name} must lie in [0, 1], got {float(first)!r} in {name}={_show(value)}"
        )
    return arr


def as_float(
    value,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite Python float within ``[low, high]`` (an end is excluded
    when ``low_open`` / ``high_open``); arrays, strings, bools and None are refused.

    Examples
    --------
    >>> as_float(2, "alpha", low=0, low_open=True)
    2.0
    >>> as_float(0.0, "alpha", low=0, low_open=True)
    Traceback (most recent call last):
    ...
    ValueError: alpha must be > 0, got 0.0
    """
    try:
        ndim = np.ndim(value)
    except Exception:  # ragged lists
        ndim = 1
    if ndim:
        raise ValueError(f"{name} must be a single number, got {_show(value)}")
    number = float(as_float_array(value, name))
    if low is not None and (number < low or (low_open and number == low)):
        raise ValueError(
            f"{name} must be {'>' if low_open else '>='} {low:g}, got {_show(value)}"
        )
    if high is not None and (number > high or (high_open and number == high)):
        raise ValueError(
            f"{name} must be {'<' if high_open else '<='} {high:g}, got {_show(value)}"
        )
    return number


def as_positive_float(value, name: str, *, high: float | None = None) -> float:
    """Return ``value`` as a finite float > 0 (and <= ``high`` if given)."""
    return as_float(value, name, low=0.0, low_open=True, high=high)


def as_nonnegative_float(
    value, name: str, *, high: float | None = None
) -> float:
    """Return ``value`` as a finite float >= 0 (and <= ``high`` if given)."""
    return as_float(value, name, low=0.0, high=high)


def as_level(value, name: str = "level") -> float:
    """Return a confidence level, a float strictly between 0 and 1."""
    return as_float(
        value, name, low=0.0, high=1.0, low_open=True, high_open=True
    )


def as_int(
    value,
    name: str,
    *,
    minimum: int | None = None,
    maximum: int | None = MAX_INT,
) -> int:
    """Return ``value`` as a Python int in ``[minimum, maximum]``.

    Strict: bools, floats (even ``4.0``), strings and None are refused, as SPEC-style APIs do,
    so that ``n_resamples=1e3`` or ``n_resamples=True`` is a clear error, not a guess.

    Examples
    --------
    >>> as_int(3, "n_seeds", minimum=1)
    3
    >>> as_int(2.0, "n_seeds", minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: n_seeds must be an integer, got float 2.0
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, numbers.Integral
    ):
        raise ValueError(
            f"{name} must be an integer, got {type(value).__name__} {_show(value)}"
        )
    number = operator.index(value)
    if minimum is not None and number < minimum:
        raise ValueError(
            f"{name} must be an integer >= {minimum}, got {_show(number)}"
        )
    if maximum is not None and number > maximum:
        raise ValueError(
            f"{name} must be an integer <= {maximum:,}, got {_show(number)}"
        )
    return int(number)


def as_positive_int(value, name: str, *, maximum: int | None = MAX_INT) -> int:
    """Return ``value`` as a Python int in ``[1, maximum]``; an integral float such as ``4.0``
    is accepted (tables store sizes as floats), while 2.5, bools and strings are refused."""
    if isinstance(value, (float, np.floating)) and not isinstance(value, bool):
        if not (np.isfinite(value) and float(value).is_integer()):
            raise ValueError(
                f"{name} must be a positive integer, got {_show(value)}"
            )
        value = int(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, numbers.Integral
    ):
        raise ValueError(
            f"{name} must be a positive integer, got {type(value).__name__} "
            f"{_show(value)}"
        )
    if value < 1:
        raise ValueError(
            f"{name} must be a positive integer, got {_show(value)}"
        )
    return as_int(value, name, minimum=1, maximum=maximum)


def as_choice(value, name: str, choices) -> object:
    """Return ``value`` if it is one of ``choices``; otherwise a ``ValueError`` that lists them.

    Examples
    --------
    >>> as_choice("huber", "loss_kind", ("huber", "squared"))
    'huber'
    >>> as_choice(np.str_("huber"), "loss_kind", ("huber", "squared"))
    'huber'
    >>> as_choice("l1", "loss_kind", ("huber", "squared"))
    Traceback (most recent call last):
    ...
    ValueError: loss_kind must be one of ['huber', 'squared'], got 'l1'
    """
    choices = list(choices)
    # a NumPy scalar read from a table is its plain value, on either side
    plain = (np.str_, np.bool_, np.integer)
    choices = [c.item() if isinstance(c, plain) else c for c in choices]
    if isinstance(value, plain):
        value = value.item()
    for choice in choices:
        try:
            if type(value) is type(choice) and value == choice:
                return choice
        except Exception:  # an array compared with a string, etc.
            continue
    raise ValueError(f"{name} must be one of {choices!r}, got {_show(value)}")


def as_bool(value, name: str) -> bool:
    """Return ``value`` if it is a bool (or a NumPy bool); 0, 1, "yes" and None are refused."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise ValueError(f"{name} must be True or False, got {_show(value)}")


def as_rng(
    rng, name: str = "rng", *, default_seed: int | None = None
) -> np.random.Generator:
    """Turn ``rng`` into a ``numpy.random.Generator`` following Scientific Python SPEC 7.

    ``rng`` may be ``None``, an int seed >= 0, a ``numpy.random.Generator`` (used as is), or a
    ``SeedSequence`` / ``BitGenerator``; everything is passed through
    ``numpy.random.default_rng``. A legacy ``numpy.random.RandomState``, a float, a string or a
    bool is refused with a ``ValueError`` naming ``name``.

    ``None`` gives ``default_rng(default_seed)``. SPEC 7 seeds ``None`` from the operating
    system; functions of this course that promise reproducible output by default pass
    ``default_seed=0`` and say so in their docstring.

    Examples
    --------
    >>> as_rng(3).integers(10) == np.random.default_rng(3).integers(10)
    np.True_
    >>> as_rng(np.random.RandomState(0))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: rng must be None, an int seed >= 0 or a numpy.random.Generator ...
    """
    if rng is None:
        return np.random.default_rng(default_seed)
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (np.random.SeedSequence, np.random.BitGenerator)):
        return np.random.default_rng(rng)
    expected = f"{name} must be None, an int seed >= 0 or a numpy.random.Generator (SPEC 7)"
    if isinstance(rng, np.random.RandomState):
        raise ValueError(
            f"{expected}, got RandomState; pass {name}=np.random.default_rng(seed) "
            "instead of the legacy RandomState"
        )
    if isinstance(rng, numbers.Integral) and not isinstance(
        rng, (bool, np.bool_)
    ):
        if rng < 0:
            raise ValueError(f"{expected}, got the negative seed {_show(rng)}")
        return np.random.default_rng(int(rng))
    raise ValueError(f"{expected}, got {type(rng).__name__} {_show(rng)}")


def as_path(value, name: str = "path"):
    """Return ``value`` as a ``pathlib.Path``; anything that is not a str or path-like is
    refused with a ``ValueError`` (a missing file is the caller's ``FileNotFoundError``)."""
    from pathlib import Path

    if isinstance(value, (str, os.PathLike)) and str(value):
        return Path(value)
    raise ValueError(
        f"{name} must be a file path (str or pathlib.Path), got "
        f"{type(value).__name__} {_show(value)}"
    )


def as_instance(value, name: str, types, *, what: str | None = None):
    """Return ``value`` if it is an instance of ``types`` (a class or a tuple of classes);
    otherwise a ``ValueError`` naming ``name``, what was expected (``what``, or the class
    names) and what came.

    Examples
    --------
    >>> as_instance(3, "fit", (dict,), what="a fit result from fit_x")
    Traceback (most recent call last):
    ...
    ValueError: fit must be a fit result from fit_x, got int 3
    """
    if isinstance(value, types):
        return value
    if what is None:
        classes = types if isinstance(types, tuple) else (types,)
        what = "a " + " or ".join(c.__name__ for c in classes)
    raise ValueError(
        f"{name} must be {what}, got {type(value).__name__} {_show(value)}"
    )


def check_columns(frame, name: str, columns, *, min_rows: int = 0):
    """Return ``frame`` if it is a ``pandas.DataFrame`` that has every one of ``columns`` and at
    least ``min_rows`` rows; the message names the missing columns.

    Examples
    --------
    >>> import pandas as pd
    >>> check_columns(pd.DataFrame({"n_params": [1.0]}), "runs", ["n_params", "loss"])
    Traceback (most recent call last):
    ...
    ValueError: runs lacks column(s) ['loss']; it has ['n_params']
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise ValueError(
            f"{name} must be a pandas DataFrame with columns {list(columns)}, got "
            f"{type(frame).__name__} {_show(frame)}"
        )
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{name} lacks column(s) {missing}; it has {list(frame.columns)}"
        )
    if len(frame) < min_rows:
        raise ValueError(
            f"{name} needs at least {min_rows} rows, got {len(frame)}"
        )
    return frame


def check_same_shape(**arrays) -> None:
    """Raise ``ValueError`` unless all keyword arrays have the same shape, naming them."""
    shapes = {name: np.shape(a) for name, a in arrays.items()}
    if len(set(shapes.values())) > 1:
        desc = ", ".join(f"{k} has shape {v}" for k, v in shapes.items())
        raise ValueError(f"arguments must have the same length: {desc}")


def check_min_length(value, name: str, minimum: int) -> None:
    """Raise ``ValueError`` if ``value`` has fewer than ``minimum`` entries."""
    n = np.size(value)
    if n < minimum:
        raise ValueError(f"{name} needs at least {minimum} points, got {n}")


def check_finite_result(result, what: str, **inputs):
    """Return ``result`` if every entry is finite; otherwise a ``ValueError`` that names the
    ``inputs`` (name=value) whose combination overflowed the range of a 64-bit float.

    Examples
    --------
    >>> with np.errstate(over="ignore"):  # the caller computes quietly, then checks
    ...     flops = 6.0 * np.array([1e10]) * 1e300
    >>> check_finite_result(flops, "FLOPs", n_tokens=1e300)
    Traceback (most recent call last):
    ...
    ValueError: FLOPs overflow a 64-bit float (inf or NaN) for n_tokens=1e+300: ...
    """
    if np.all(np.isfinite(result)):
        return result
    shown = ", ".join(f"{k}={_show(v)}" for k, v in inputs.items())
    raise ValueError(
        f"{what} overflow a 64-bit float (inf or NaN) for {shown}: an input is far "
        "outside any physical range"
    )


def check_runs(
    n_params, n_tokens, loss, *, minimum: int = 1, counts: bool = False
):
    """The arrays of a set of training runs, checked: 1-D, positive, finite, one length, at
    least ``minimum`` runs; with ``counts``, also ``N, D >= 1`` (they are counts) and losses
    below 100 nats/token. Returns ``(n, d, loss)`` as float arrays."""
    n = as_positive_array(n_params, "n_params", ndim=1)
    d = as_positive_array(n_tokens, "n_tokens", ndim=1)
    ell = as_positive_array(loss, "loss", ndim=1)
    check_same_shape(n_params=n, n_tokens=d, loss=ell)
    check_min_length(n, "n_params", minimum)
    if counts:
        for arr, name in ((n, "n_params"), (d, "n_tokens")):
            if np.any(arr < 1):
                raise ValueError(
                    f"{name} must be >= 1 (a count), got {float(arr.min())!r}"
                )
        if np.any(ell > 100):
            raise ValueError(
                f"loss must be below 100 nats/token, got {float(ell.max())!r}"
            )
    return n, d, ell
