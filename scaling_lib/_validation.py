"""Input checks shared by every module.

Each helper converts its input to a float array and raises a ``ValueError`` that names the
argument and shows the offending value, so that a mistake never turns into a silent NaN.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_float_array",
    "as_positive_array",
    "as_nonnegative_array",
    "as_probability_array",
    "as_positive_int",
    "check_same_shape",
    "check_min_length",
]


def _show(value) -> str:
    arr = np.asarray(value)
    if arr.ndim == 0:
        return repr(value)
    text = np.array2string(arr.ravel()[:6], precision=4, separator=", ")
    return text if arr.size <= 6 else text[:-1] + ", ...]"


def as_float_array(value, name: str, *, allow_nan: bool = False) -> np.ndarray:
    """Return ``value`` as a float array; raise ``ValueError`` naming ``name`` if it is not finite."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, got {value!r}") from exc
    bad = ~np.isfinite(arr) if not allow_nan else np.isinf(arr)
    if np.any(bad):
        first = arr[bad].ravel()[0] if arr.ndim else arr
        raise ValueError(f"{name} must be finite, got {first!r} in {name}={_show(value)}")
    return arr


def as_positive_array(value, name: str) -> np.ndarray:
    """Return ``value`` as a float array of strictly positive, finite numbers."""
    arr = as_float_array(value, name)
    if np.any(arr <= 0):
        first = arr[arr <= 0].ravel()[0] if arr.ndim else arr
        raise ValueError(f"{name} must be > 0, got {float(first)!r} in {name}={_show(value)}")
    return arr


def as_nonnegative_array(value, name: str) -> np.ndarray:
    """Return ``value`` as a float array of finite numbers >= 0."""
    arr = as_float_array(value, name)
    if np.any(arr < 0):
        first = arr[arr < 0].ravel()[0] if arr.ndim else arr
        raise ValueError(f"{name} must be >= 0, got {float(first)!r} in {name}={_show(value)}")
    return arr


def as_probability_array(value, name: str) -> np.ndarray:
    """Return ``value`` as a float array with every entry in [0, 1]."""
    arr = as_float_array(value, name)
    if np.any((arr < 0) | (arr > 1)):
        first = arr[(arr < 0) | (arr > 1)].ravel()[0] if arr.ndim else arr
        raise ValueError(f"{name} must lie in [0, 1], got {float(first)!r} in {name}={_show(value)}")
    return arr


def as_positive_int(value, name: str) -> int:
    """Return ``value`` as a Python int >= 1; floats such as 2.5, bools and strings are refused."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


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
