"""Loader for the IsoFLOP runs of Porian et al. (2024), see ``porian2024/README.md``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._validation import as_path
from ._io import read_table

__all__ = [
    "load_porian_isoflops",
    "load_porian_optima",
    "PORIAN_CONFIG_COLUMNS",
    "PORIAN_FIGURE1_STEPS",
]

#: Columns that together identify one training configuration. Never pool across them.
PORIAN_CONFIG_COLUMNS = [
    "dataset",
    "hparams",
    "warmup",
    "decay",
    "param_count",
    "loss_split",
]

#: The five steps of Porian et al. (2024), Figure 1, from Kaplan's set-up to Chinchilla's
#: (label, hparams, warmup, decay, param_count, loss_split); README "Files" section.
PORIAN_FIGURE1_STEPS = [
    ("Reproducing Kaplan et al.", "base", "long", "kaplan", "kaplan", "train"),
    ("Counting last layer FLOPs", "base", "long", "kaplan", "standard", "val"),
    ("Correcting warmup", "base", "short", "kaplan", "standard", "val"),
    ("Cosine decay", "base", "short", "chinchilla", "standard", "val"),
    (
        "Optimizer tuning (no decay)",
        "tuned",
        "short",
        "const",
        "standard",
        "val",
    ),
]

_POINT_COLUMNS = [
    "source_file",
    *PORIAN_CONFIG_COLUMNS,
    "flops",
    "params",
    "tokens",
    "loss",
]
_OPTIMA_COLUMNS = [
    "source_file",
    *PORIAN_CONFIG_COLUMNS,
    "flops",
    "n_opt",
    "t_opt",
    "loss_opt",
    "n_opt_log_std",
    "t_opt_log_std",
]


def _select(frame: pd.DataFrame, filters: dict) -> pd.DataFrame:
    for key, value in filters.items():
        if key not in PORIAN_CONFIG_COLUMNS:
            raise ValueError(
                f"{key} is not a configuration column; use one of {PORIAN_CONFIG_COLUMNS}"
            )
        allowed = sorted(frame[key].unique())
        if not isinstance(value, str) or value not in allowed:
            raise ValueError(
                f"{key}={value!r} is not in the data; choose one of {allowed}"
            )
        frame = frame[frame[key] == value]
    return frame.reset_index(drop=True)


def load_porian_isoflops(
    *, path: Path | None = None, **filters
) -> pd.DataFrame:
    """IsoFLOP points of real training runs (Porian et al. 2024): one row per configuration,
    budget and model size.

    Parameters
    ----------
    path : Path, optional
        Read another copy of the file (tests).
    **filters
        Equality filters on configuration columns, e.g. ``dataset="rw", decay="chinchilla"``.

    Returns
    -------
    pandas.DataFrame
        Columns ``source_file, dataset, hparams, warmup, decay, param_count, loss_split, flops,
        params, tokens, loss``; 1,745 rows unfiltered. ``params`` is ``n_params`` (N) in the
        configuration's counting convention, ``tokens`` is D, ``flops`` is C = 6 N D.

    Examples
    --------
    >>> df = load_porian_isoflops(dataset="rw", hparams="base", warmup="long", decay="kaplan",
    ...                           param_count="kaplan", loss_split="train")
    >>> len(df), df.flops.nunique()
    (107, 11)
    """
    path = None if path is None else as_path(path, "path")
    frame = read_table(
        "porian2024",
        "porian2024_isoflop_points.csv",
        columns=_POINT_COLUMNS,
        rows=None if filters else 1745,
        path=path,
    )
    return _select(frame, filters)


def load_porian_optima(*, path: Path | None = None, **filters) -> pd.DataFrame:
    """The authors' own fitted IsoFLOP optima (derived, not raw data; 177 rows unfiltered).

    Use it to check a fit against Porian et al.'s, never as data to fit.
    """
    path = None if path is None else as_path(path, "path")
    frame = read_table(
        "porian2024",
        "porian2024_isoflop_optima_derived.csv",
        columns=_OPTIMA_COLUMNS,
        rows=None if filters else 177,
        path=path,
    )
    return _select(frame, filters)
