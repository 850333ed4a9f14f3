"""Helpers shared by the API contract tests and the bad-input probe (not a test module)."""

from __future__ import annotations

import dataclasses
import math
import numbers

import numpy as np
import pandas as pd


def nonfinite(value, *, frames: bool = True, depth: int = 0) -> bool:
    """True if ``value`` holds a NaN or inf: floats, arrays, tuples, lists, dicts, dataclasses
    and (if ``frames``) the numeric columns of data frames. A failed fit (``success=False``)
    may hold NaN: it says so, and counts as finite."""
    if depth > 3 or isinstance(value, (bool, np.bool_, str)):
        return False
    if isinstance(value, numbers.Real):
        return not math.isfinite(float(value))
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "fc" and not np.all(np.isfinite(value))
    if isinstance(value, pd.DataFrame):
        num = value.select_dtypes("number")
        return (
            frames
            and bool(num.size)
            and not np.all(np.isfinite(num.to_numpy(dtype=float)))
        )
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (tuple, list)):
        return any(nonfinite(v, frames=frames, depth=depth + 1) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if getattr(value, "success", True) is False:
            return False
        return any(
            nonfinite(getattr(value, f.name), frames=frames, depth=depth + 1)
            for f in dataclasses.fields(value)
        )
    return False
