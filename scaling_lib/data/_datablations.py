"""Loader for the data-constrained runs of Muennighoff et al. (2023), see
``datablations/README.md``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._validation import as_bool
from ._io import read_table

__all__ = ["load_datablations_runs"]

_COLUMNS = [
    "run_name",
    "params",
    "tokens",
    "unique_tokens",
    "epochs",
    "val_loss",
    "seed",
    "dedup",
    "note",
]


def load_datablations_runs(
    *, include_dedup: bool = False, path: Path | None = None
) -> pd.DataFrame:
    """Final C4 validation losses of GPT-2-style models trained on repeated data (Muennighoff et
    al. 2023): one row per run, with the shared vocabulary's column names.

    Parameters
    ----------
    include_dedup : bool
        Keep the 12 runs on deduplicated C4. The authors' notebook leaves them out, which leaves
        296 runs; its fit uses 182 of them (README, "Columns"; the paper's Appendix A).
    path : Path, optional
        Read another copy of the file (tests).

    Returns
    -------
    pandas.DataFrame
        Columns ``run_name, n_params, n_tokens, unique_tokens, epochs, loss, seed, dedup, note``:
        N, total tokens D, unique tokens U, D/U, and the final validation loss (nats/token).

    Examples
    --------
    >>> runs = load_datablations_runs()
    >>> len(runs), int((runs.epochs == 1).sum())
    (296, 41)
    """
    include_dedup = as_bool(include_dedup, "include_dedup")
    frame = read_table(
        "datablations",
        "datablations_c4_final_val_loss.csv",
        columns=_COLUMNS,
        rows=308,
        path=path,
    )
    if not include_dedup:
        frame = frame[frame.dedup == 0]
    frame = frame.rename(
        columns={
            "params": "n_params",
            "tokens": "n_tokens",
            "val_loss": "loss",
        }
    )
    return frame.reset_index(drop=True)
