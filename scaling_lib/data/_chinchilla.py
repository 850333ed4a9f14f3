"""Loader for the Chinchilla training runs digitized by Besiroglu et al. (2024), see
``chinchilla/README.md``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._validation import as_int, as_path
from ._io import read_table

__all__ = ["load_chinchilla_runs"]

_COLUMNS = [
    "x",
    "y",
    "color",
    "Model Size",
    "Training FLOP",
    "hex_color",
    "loss",
]


def load_chinchilla_runs(
    *, exclude_highest: int = 5, path: Path | None = None
) -> pd.DataFrame:
    """Training runs of Hoffmann et al. (2022), Figure 4 (left), as digitized from the figure's
    SVG by Besiroglu et al. (2024): one row per run.

    Parameters
    ----------
    exclude_highest : int
        Drop this many runs with the highest loss. Besiroglu et al. drop 5 (their notebook's
        ``nr_of_models_excluded = 5``), leaving 240 runs; pass 0 to keep all 245.
    path : Path, optional
        Read another copy of the file (tests).

    Returns
    -------
    pandas.DataFrame
        Columns ``n_params`` (N, the paper's model size), ``compute`` (C, training FLOPs),
        ``n_tokens`` (D = C / (6 N), as Besiroglu et al. derive it; tokens are not in the
        figure) and ``loss`` (final training loss, nats/token, recovered from the colour
        scale), sorted as in the file.

    Examples
    --------
    >>> runs = load_chinchilla_runs()
    >>> len(runs), len(load_chinchilla_runs(exclude_highest=0))
    (240, 245)
    >>> bool(np.allclose(6 * runs.n_params * runs.n_tokens, runs.compute))
    True
    """
    exclude_highest = as_int(
        exclude_highest, "exclude_highest", minimum=0, maximum=244
    )
    path = None if path is None else as_path(path, "path")
    raw = read_table(
        "chinchilla",
        "svg_extracted_data.csv",
        columns=_COLUMNS,
        rows=245,
        path=path,
    )
    frame = pd.DataFrame(
        {
            "n_params": raw["Model Size"].astype(float),
            "compute": raw["Training FLOP"].astype(float),
            "loss": raw["loss"].astype(float),
        }
    )
    frame["n_tokens"] = frame.compute / (6.0 * frame.n_params)
    frame = frame[["n_params", "n_tokens", "compute", "loss"]]
    if exclude_highest:
        # Besiroglu et al. keep loss < sorted(loss)[-5]: the 5 highest losses go.
        threshold = np.sort(frame.loss.to_numpy())[-exclude_highest]
        frame = frame[frame.loss < threshold]
    return frame.reset_index(drop=True)
