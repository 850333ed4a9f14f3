"""Loaders for the inverse-scaling results of Michaelov & Bergen (2023), see
``inverse_scaling/README.md``: Pythia models of eight sizes at eight checkpoints, evaluated
zero-shot on ten Inverse Scaling Prize tasks and on TruthfulQA."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ._io import read_table

__all__ = [
    "load_inverse_scaling",
    "load_inverse_scaling_tests",
    "parse_test_cell",
    "INVERSE_TASKS",
    "INVERSE_TASK_CAUSES",
    "ISP_CAUSES",
    "PYTHIA_SIZES",
    "PYTHIA_PARAMS",
    "PYTHIA_NOMINAL_PARAMS",
    "PYTHIA_STEPS",
    "PYTHIA_TOKENS_PER_STEP",
]

#: Model sizes in the order of their parameter count (names used by the Hugging Face Hub ids).
PYTHIA_SIZES = ["70m", "160m", "410m", "1b", "1.4b", "2.8b", "6.9b", "12b"]

#: Total parameters (embeddings included) of each Pythia model, as published with the suite
#: (Biderman et al. 2023) in the "Naming convention and parameter count" table of each model
#: card. Each equals the non-embedding count there plus the input and output embeddings
#: (2 x vocabulary x model dimension).
PYTHIA_PARAMS = {
    "70m": 70_426_624,
    "160m": 162_322_944,
    "410m": 405_334_016,
    "1b": 1_011_781_632,
    "1.4b": 1_414_647_808,
    "2.8b": 2_775_208_960,
    "6.9b": 6_857_302_016,
    "12b": 11_846_072_320,
}

#: The round numbers in the model names; Michaelov & Bergen's regression
#: (``statistical_analysis/StatisticalAnalysis.Rmd``) uses these, not the exact counts.
PYTHIA_NOMINAL_PARAMS = {
    "70m": 70e6,
    "160m": 160e6,
    "410m": 410e6,
    "1b": 1e9,
    "1.4b": 1.4e9,
    "2.8b": 2.8e9,
    "6.9b": 6.9e9,
    "12b": 12e9,
}

#: The eight checkpoints in the data (optimizer steps); 143,000 is the final model.
PYTHIA_STEPS = [2000, 4000, 8000, 16000, 32000, 64000, 128000, 143000]

#: Tokens per optimizer step: 1,024 sequences of 2,048 tokens (Biderman et al. 2023; the README
#: of the data set; the authors' analysis script multiplies steps by this number).
PYTHIA_TOKENS_PER_STEP = 2_097_152

#: Task id in the data -> readable name used in the statistical-tests file.
INVERSE_TASKS = {
    "isp_hindsight_neglect": "Hindsight Neglect",
    "isp_into_the_unknown": "Into the Unknown",
    "isp_memo_trap": "Memo Trap",
    "isp_modus_tollens": "Modus Tollens",
    "isp_neqa": "NeQA",
    "isp_pattern_matching_suppression": "Pattern Match Suppression",
    "isp_redefine": "Redefine",
    "isp_repetitive_algebra": "Repetitive Algebra",
    "isp_resisting_correction": "Resisting Correction",
    "isp_sig_figs": "Sig Figs",
    "truthfulqa_mc1": "TruthfulQA-MC1",
    "truthfulqa_mc2": "TruthfulQA-MC2",
}

#: The four causes of inverse scaling of McKenzie et al. (2023) (each prize task
#: is discussed under one cause; Prompt Injection, the eleventh task, is not in this data).
ISP_CAUSES = {
    "strong prior": "the model prefers what it memorized to what the prompt asks",
    "unwanted imitation": "the model imitates an undesirable pattern of its training data",
    "distractor task": "an easier, related task pulls the answer away from the real task",
    "spurious few-shot": "correct but misleading demonstrations in the prompt",
}

#: Task id -> cause in McKenzie et al. (2023); TruthfulQA (Lin et al. 2022) is not a prize
#: task: its authors attribute its inverse scaling to imitation of human falsehoods.
INVERSE_TASK_CAUSES = {
    "isp_resisting_correction": "strong prior",
    "isp_memo_trap": "strong prior",
    "isp_redefine": "strong prior",
    "isp_modus_tollens": "unwanted imitation",
    "isp_pattern_matching_suppression": "distractor task",
    "isp_neqa": "distractor task",
    "isp_sig_figs": "distractor task",
    "isp_into_the_unknown": "distractor task",
    "isp_hindsight_neglect": "spurious few-shot",
    "isp_repetitive_algebra": "spurious few-shot",
    "truthfulqa_mc1": "(not a prize task)",
    "truthfulqa_mc2": "(not a prize task)",
}

_RESULT_COLUMNS = [
    "ModelName",
    "ModelRevision",
    "Task",
    "Accuracy",
    "Accuracy_SE",
]
_TEST_COLUMNS = ["task_name", "Parameters", "Tokens", "Interaction"]
_CELL = re.compile(
    r"^\s*t\((?P<df>\d+)\)\s*=\s*(?P<t>[-+]?\d+(?:\.\d+)?)\s*,\s*"
    r"p\s*(?P<op>[<=])\s*(?P<p>\d*\.?\d+)\s*$"
)


def parse_test_cell(text: str) -> dict:
    """Parse one cell of the statistical-tests file, such as ``"t(60)=-4.22, p<0.001"``.

    Parameters
    ----------
    text : str
        The cell, ``t(df)=value, p=value`` or ``t(df)=value, p<value``.

    Returns
    -------
    dict
        ``t`` (float), ``df`` (int), ``p`` (float) and ``p_is_upper_bound`` (True when the
        cell says ``p<...``: the p-value is below that bound, not equal to it).

    Raises
    ------
    ValueError
        If the cell does not have that form; the message quotes it.

    Examples
    --------
    >>> parse_test_cell("t(60)=-4.22, p<0.001")
    {'t': -4.22, 'df': 60, 'p': 0.001, 'p_is_upper_bound': True}
    >>> parse_test_cell("t(60)=2.45, p=0.034")["p"]
    0.034
    """
    match = _CELL.match(str(text))
    if match is None:
        raise ValueError(
            f"text must look like 't(60)=-4.22, p<0.001', got {text!r}"
        )
    return {
        "t": float(match["t"]),
        "df": int(match["df"]),
        "p": float(match["p"]),
        "p_is_upper_bound": match["op"] == "<",
    }


def _check_values(
    frame: pd.DataFrame, column: str, allowed: list, name: str
) -> None:
    unknown = sorted(set(frame[column]) - set(allowed))
    if unknown:
        raise ValueError(
            f"{name}: unexpected {column} values {unknown}; expected {allowed}"
        )


def load_inverse_scaling(*, path: Path | None = None) -> pd.DataFrame:
    """Accuracy of the eight Pythia models at eight checkpoints on twelve tasks
    (Michaelov & Bergen 2023; 768 rows).

    Parameters
    ----------
    path : Path, optional
        Read another copy of ``emergent_inabilities_all_results.tsv`` (tests).

    Returns
    -------
    pandas.DataFrame
        One row per (task, size, step), sorted in that order, with columns ``task`` (id, see
        :data:`INVERSE_TASKS`), ``task_name``, ``cause`` (McKenzie et al. 2023), ``size``
        (``"70m"`` ... ``"12b"``, an ordered categorical), ``n_params`` (total parameters,
        :data:`PYTHIA_PARAMS`), ``step``, ``n_tokens`` (= step x 2,097,152),
        ``final`` (True at step 143,000), ``accuracy`` and ``accuracy_se`` (the evaluation
        harness's standard error).

    Raises
    ------
    ValueError
        If the header, the row count, a model, checkpoint or task name differs from the
        shipped file, if the (task, size, step) grid is not complete and unique, or if an
        accuracy lies outside [0, 1] or a standard error is negative.

    Examples
    --------
    >>> df = load_inverse_scaling()
    >>> len(df), df.task.nunique(), df["size"].nunique(), df.step.nunique()
    (768, 12, 8, 8)
    >>> int(df.n_tokens.max())
    299892736000
    """
    raw = read_table(
        "inverse_scaling",
        "emergent_inabilities_all_results.tsv",
        columns=_RESULT_COLUMNS,
        rows=768,
        sep="\t",
        path=path,
    )
    name = (
        Path(path).name
        if path is not None
        else "emergent_inabilities_all_results.tsv"
    )
    models = [f"EleutherAI/pythia-{s}" for s in PYTHIA_SIZES]
    revisions = [f"step{s}" for s in PYTHIA_STEPS]
    _check_values(raw, "ModelName", models, name)
    _check_values(raw, "ModelRevision", revisions, name)
    _check_values(raw, "Task", list(INVERSE_TASKS), name)
    counts = raw.groupby(["Task", "ModelName", "ModelRevision"]).size()
    expected = len(INVERSE_TASKS) * len(models) * len(revisions)
    if len(counts) != expected or (counts != 1).any():
        raise ValueError(
            f"{name}: the (task, model, checkpoint) grid must hold each of the "
            f"{expected} cells exactly once; found {len(counts)} distinct cells, "
            f"{int((counts > 1).sum())} repeated"
        )
    for column in ("Accuracy", "Accuracy_SE"):
        values = pd.to_numeric(raw[column], errors="coerce")
        if values.isna().any():
            raise ValueError(
                f"{name}: column {column} has non-numeric entries"
            )
        raw[column] = values
    if ((raw.Accuracy < 0) | (raw.Accuracy > 1)).any():
        raise ValueError(f"{name}: Accuracy must lie in [0, 1]")
    if (raw.Accuracy_SE < 0).any():
        raise ValueError(f"{name}: Accuracy_SE must be >= 0")
    size = raw.ModelName.str.removeprefix("EleutherAI/pythia-")
    step = raw.ModelRevision.str.removeprefix("step").astype(int)
    frame = pd.DataFrame(
        {
            "task": raw.Task,
            "task_name": raw.Task.map(INVERSE_TASKS),
            "cause": raw.Task.map(INVERSE_TASK_CAUSES),
            "size": pd.Categorical(
                size, categories=PYTHIA_SIZES, ordered=True
            ),
            "n_params": size.map(PYTHIA_PARAMS).astype(np.int64),
            "step": step,
            "n_tokens": step.astype(np.int64) * PYTHIA_TOKENS_PER_STEP,
            "final": step == PYTHIA_STEPS[-1],
            "accuracy": raw.Accuracy.astype(float),
            "accuracy_se": raw.Accuracy_SE.astype(float),
        }
    )
    return frame.sort_values(["task", "size", "step"]).reset_index(drop=True)


def load_inverse_scaling_tests(*, path: Path | None = None) -> pd.DataFrame:
    """The published regression tests of Michaelov & Bergen (2023), one row per task and
    effect (36 rows), with the text cells parsed into numbers.

    Parameters
    ----------
    path : Path, optional
        Read another copy of ``emergent_inabilities_statistical_tests.tsv`` (tests).

    Returns
    -------
    pandas.DataFrame
        Columns ``task`` (id), ``task_name``, ``effect`` (``"Parameters"``, ``"Tokens"`` or
        ``"Interaction"``), ``t``, ``df``, ``p`` (Benjamini-Hochberg corrected across the 36
        tests, rounded to 3 decimals by the authors) and ``p_is_upper_bound``.

    Raises
    ------
    ValueError
        If the header, the row count or a task name differs from the shipped file, or if a
        cell cannot be parsed.

    Examples
    --------
    >>> tests = load_inverse_scaling_tests()
    >>> row = tests[(tests.task == "isp_memo_trap") & (tests.effect == "Parameters")].iloc[0]
    >>> print(row.t, row.df, row.p, row.p_is_upper_bound)
    -10.05 60 0.001 True
    """
    raw = read_table(
        "inverse_scaling",
        "emergent_inabilities_statistical_tests.tsv",
        columns=_TEST_COLUMNS,
        rows=len(INVERSE_TASKS),
        sep="\t",
        path=path,
    )
    name = (
        Path(path).name
        if path is not None
        else "emergent_inabilities_statistical_tests.tsv"
    )
    by_name = {v: k for k, v in INVERSE_TASKS.items()}
    _check_values(raw, "task_name", list(by_name), name)
    rows = []
    for _, record in raw.iterrows():
        for effect in _TEST_COLUMNS[1:]:
            try:
                cell = parse_test_cell(record[effect])
            except ValueError as exc:
                raise ValueError(
                    f"{name}: task {record.task_name!r}, column {effect}: "
                    f"{exc}"
                ) from None
            rows.append(
                {
                    "task": by_name[record.task_name],
                    "task_name": record.task_name,
                    "effect": effect,
                    **cell,
                }
            )
    return pd.DataFrame(rows)
