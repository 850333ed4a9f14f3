"""Loader for the over-training runs of Gadre et al. (2024), see
``gadre2024_overtraining/README.md``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._validation import as_choice
from ._io import read_table

__all__ = ["load_gadre_runs", "GADRE_FIT_SHAPES"]

_EVALS = [
    "openlm",
    "c4_val",
    "paloma_c4_en",
    "paloma_dolma_100_programing_languages",
    "paloma_falcon-refinedweb",
    "paloma_ptb",
    "paloma_redpajama",
    "val_de-en_100",
]
_COLUMNS = [
    "name",
    "train_dataset",
    "model_shape",
    "params",
    "params_no_embed",
    "tokens",
    "chinchilla_multiplier",
    "flops_6ND",
    "lr",
    "wd",
    "warmup_steps",
    "global_batch_size",
    *[f"loss_{e}" for e in _EVALS],
]

#: The four small shapes the authors fit their laws to (``scaling/shared.py:fit_ds``).
GADRE_FIT_SHAPES = [
    "d=96_l=8_h=4",
    "d=512_l=8_h=4",
    "d=576_l=24_h=8",
    "d=1024_l=24_h=8",
]


def load_gadre_runs(
    train_dataset: str | None = None,
    *,
    eval_set: str = "c4_val",
    path: Path | None = None,
) -> pd.DataFrame:
    """Final losses of 104 open_lm models trained at token multipliers 0.25 to 32 times the
    compute-optimal 20 tokens per parameter (Gadre et al. 2024).

    Parameters
    ----------
    train_dataset : {"c4_original", "rpj", "rw_original"}, optional
        Keep only the runs trained on this data set.
    eval_set : str
        Which evaluation loss becomes the ``loss`` column; ``"c4_val"`` is the authors' default
        (``scaling_explorer.ipynb``).
    path : Path, optional
        Read another copy of the file (tests).

    Returns
    -------
    pandas.DataFrame
        The file's columns plus ``n_params`` (N, total), ``n_tokens`` (D), ``multiplier`` (M, so
        that D = 20 M N), ``compute`` (6ND) and ``loss`` (nats/token on ``eval_set``).

    Examples
    --------
    >>> runs = load_gadre_runs("rpj")
    >>> len(runs), float(runs.multiplier.max())
    (35, 32.0)
    """
    eval_set = as_choice(eval_set, "eval_set", tuple(_EVALS))
    if train_dataset is not None:
        train_dataset = as_choice(
            train_dataset,
            "train_dataset",
            ("c4_original", "rpj", "rw_original"),
        )
    frame = read_table(
        "gadre2024_overtraining",
        "gadre2024_overtraining_losses.csv",
        columns=_COLUMNS,
        rows=104,
        path=path,
    )
    if train_dataset is not None:
        frame = frame[frame.train_dataset == train_dataset]
    frame = frame.assign(
        n_params=frame.params.astype(float),
        n_tokens=frame.tokens.astype(float),
        multiplier=frame.chinchilla_multiplier.astype(float),
        compute=6.0 * frame.params.astype(float) * frame.tokens.astype(float),
        loss=frame[f"loss_{eval_set}"].astype(float),
    )
    return frame.reset_index(drop=True)
