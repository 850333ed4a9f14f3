"""Loaders for the emergent-capability evaluations of Ruan, Maddison & Hashimoto (2024),
see ``emergence/README.md``.

Two files ship in ``scaling_lib/data/emergence``: scores of 84 base models on the BIG-bench and
arithmetic tasks that Wei et al. (2022) flagged as emergent, and metadata plus standard benchmark
scores for 148 base models. The loaders join them on ``Model`` and handle every caveat of the
README here, so that notebooks never have to:

* units: ``n_params`` and ``n_tokens`` are plain counts, ``compute`` is training FLOPs
  ``C = 6 N D`` (Kaplan et al. 2020, Sec. 2.1: about 6N FLOPs per training token); the file's
  own ``FLOPs (1E21)`` is kept as ``compute_reported`` and checked against 6ND;
* scales: IPA BLEU is on 0-100 in the file; ``ipa_bleu`` is rescaled to 0-1 and the original is
  kept as ``ipa_bleu_100``;
* models without a public token count (Mistral, Mixtral, Qwen2, Jamba, ...) have ``compute``
  missing (NaN); the long-format loader drops them unless asked not to;
* suspicious values (listed in :data:`EMERGENCE_FLAGS` with the reason) are dropped by the
  long-format loader unless ``drop_flagged=False``;
* the 20 models the authors pre-registered as held-out targets are marked in ``preregistered``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._validation import as_bool, as_path
from ._io import read_table

__all__ = [
    "EmergenceTask",
    "EMERGENCE_TASKS",
    "EMERGENCE_FLAGS",
    "OBSSCALING_PREREGISTERED",
    "OBSSCALING_EVALUATED_FAMILIES",
    "EMERGENCE_BENCHMARK_COLUMNS",
    "load_emergence_benchmarks",
    "load_emergence_evals",
    "load_emergence_long",
]

_EVAL_FILE = ("emergence", "obsscaling_emergent_capability_eval.csv")
_BENCH_FILE = ("emergence", "obsscaling_benchmark_eval.csv")
_EVAL_ROWS = 84
_BENCH_ROWS = 148

_EVAL_COLUMNS = [
    "Model",
    "parsinlu_qa_2_acc",
    "word_unscrambling_2_exact_match",
    "ipa_transliterate_2_exact_match",
    "ipa_transliterate_2_bleu",
    "arithmetic_3ds_2_acc",
    "arithmetic_3da_2_acc",
    "arithmetic_2dm_2_acc",
    "arithmetic_2da_2_acc",
]
_BENCH_COLUMNS = [
    "Model",
    "Model Family",
    "Model Size (B)",
    "Pretraining Data Size (T)",
    "FLOPs (1E21)",
    "MMLU",
    "ARC-C",
    "HellaSwag",
    "Winograd",
    "TruthfulQA",
    "GSM8K",
    "XWinograd",
    "HumanEval",
]

#: Tidy names of the eight standard benchmarks (fractions in [0, 1]); ``winogrande`` is the
#: file's ``Winograd`` column (the Open LLM Leaderboard's WinoGrande task, README).
EMERGENCE_BENCHMARK_COLUMNS = {
    "MMLU": "mmlu",
    "ARC-C": "arc_c",
    "HellaSwag": "hellaswag",
    "Winograd": "winogrande",
    "TruthfulQA": "truthfulqa",
    "GSM8K": "gsm8k",
    "XWinograd": "xwinograd",
    "HumanEval": "humaneval",
}


@dataclass(frozen=True)
class EmergenceTask:
    """One scored task of the emergent-capability file.

    Attributes
    ----------
    name : str
        Tidy column name used by the loaders (for example ``"arith_3digit_add"``).
    source_column : str
        Column in ``obsscaling_emergent_capability_eval.csv``.
    label : str
        Human-readable name for figures.
    metric : str
        ``"accuracy"``, ``"exact match"`` or ``"BLEU"``.
    """

    name: str
    source_column: str
    label: str
    metric: str


#: The eight score columns, in the file's order: BIG-bench tasks that Wei et al. (2022) list as
#: emergent, and the GPT-3 arithmetic tasks of Brown et al. (2020).
EMERGENCE_TASKS = (
    EmergenceTask(
        "persian_qa", "parsinlu_qa_2_acc", "Persian QA (ParsiNLU)", "accuracy"
    ),
    EmergenceTask(
        "word_unscramble",
        "word_unscrambling_2_exact_match",
        "Word unscramble",
        "exact match",
    ),
    EmergenceTask(
        "ipa_exact_match",
        "ipa_transliterate_2_exact_match",
        "IPA transliterate",
        "exact match",
    ),
    EmergenceTask(
        "ipa_bleu", "ipa_transliterate_2_bleu", "IPA transliterate", "BLEU"
    ),
    EmergenceTask(
        "arith_3digit_sub",
        "arithmetic_3ds_2_acc",
        "3-digit subtraction",
        "accuracy",
    ),
    EmergenceTask(
        "arith_3digit_add",
        "arithmetic_3da_2_acc",
        "3-digit addition",
        "accuracy",
    ),
    EmergenceTask(
        "arith_2digit_mul",
        "arithmetic_2dm_2_acc",
        "2-digit multiplication",
        "accuracy",
    ),
    EmergenceTask(
        "arith_2digit_add",
        "arithmetic_2da_2_acc",
        "2-digit addition",
        "accuracy",
    ),
)
_TASK_BY_NAME = {t.name: t for t in EMERGENCE_TASKS}

#: Values that the long-format loader drops by default, keyed by ``(model, task name)``, with the
#: reason. Found by two checks anyone can rerun on the raw file (``tests/test_emergence.py``
#: reruns them): (1) IPA BLEU below 1 (of 100) while the same outputs reach >= 5 % exact match;
#: (2) a family's largest model scoring below a tenth of a smaller sibling on IPA exact match.
#: Both point to a generation or formatting failure of that run rather than to the model's
#: ability; we keep the raw numbers in the wide frame and show them in the chapter. (Qwen-72B,
#: 1.4 % exact match against Qwen-14B's 12.3 %, is just above a tenth and is not flagged; its
#: BLEU of 19/100 does not look like a failed run.)
EMERGENCE_FLAGS = {
    (
        "Qwen/Qwen-7B",
        "ipa_bleu",
    ): "BLEU 0.53/100 while the same outputs reach 6.5% exact match",
    (
        "Qwen/Qwen-14B",
        "ipa_bleu",
    ): "BLEU 0.50/100 while the same outputs reach 12% exact match",
    (
        "Qwen/Qwen1.5-72B",
        "ipa_exact_match",
    ): "exact match 0.8%, below a tenth of Qwen1.5-32B's 29%",
}

#: Models released after Ruan et al.'s paper (May 2024) that the authors pre-registered as
#: held-out targets (``PREREGISTERED_BASE_MODEL_MAP`` in ``utils/constants.py`` of the
#: ObsScaling repository at the commit given in the README); 19 of them are in the
#: emergent-capability file (``google/gemma-2-2b`` is only in the benchmark file).
OBSSCALING_PREREGISTERED = (
    "meta-llama/Meta-Llama-3.1-405B-FP8",
    "meta-llama/Meta-Llama-3.1-70B",
    "meta-llama/Meta-Llama-3.1-8B",
    "Qwen/Qwen1.5-110B",
    "Qwen/Qwen2-72B",
    "Qwen/Qwen2-57B-A14B",
    "Qwen/Qwen2-7B",
    "Qwen/Qwen2-1.5B",
    "Qwen/Qwen2-0.5B",
    "deepseek-ai/DeepSeek-V2",
    "deepseek-ai/DeepSeek-Coder-V2-Base",
    "google/gemma-2-27b",
    "google/gemma-2-9b",
    "google/gemma-2-2b",
    "mistralai/Mixtral-8x22B-v0.1",
    "mistralai/Mistral-Nemo-Base-2407",
    "01-ai/Yi-1.5-34B",
    "01-ai/Yi-1.5-9B",
    "01-ai/Yi-1.5-6B",
    "ai21labs/Jamba-v0.1",
)

#: The 28 families the authors evaluated themselves (``EVAL_BASE_MODEL_FAMILY_MAP``, same file);
#: the other families of the benchmark table carry only metadata and leaderboard numbers.
OBSSCALING_EVALUATED_FAMILIES = (
    "Llama-2",
    "Llama",
    "Llama-3",
    "Llama-3.1",
    "Qwen2",
    "Qwen1.5",
    "Qwen",
    "Mistral",
    "Mixtral",
    "Yi",
    "Yi-1.5",
    "Gemma",
    "Gemma-2",
    "Falcon",
    "Phi",
    "Pythia",
    "BLOOM",
    "GPT-Neo/J",
    "OPT",
    "MPT",
    "XGLM",
    "CodeLlama",
    "StarCoder",
    "StarCoder2",
    "DeepSeek-Coder",
    "DeepSeek-V2",
    "DeepSeek-Coder-V2",
    "Jamba",
)

#: Largest allowed relative gap between 6ND and the file's ``FLOPs (1E21)``.
_COMPUTE_RTOL = 0.01


def _metadata(bench: pd.DataFrame) -> pd.DataFrame:
    """Tidy model metadata with counts in plain units and C = 6 N D."""
    n_params = bench["Model Size (B)"].to_numpy(float) * 1e9
    n_tokens = bench["Pretraining Data Size (T)"].to_numpy(float) * 1e12
    # C = 6 N D training FLOPs (Kaplan et al. 2020, Sec. 2.1: 6N FLOPs per training token).
    compute = 6.0 * n_params * n_tokens
    reported = bench["FLOPs (1E21)"].to_numpy(float) * 1e21
    both = np.isfinite(compute) & np.isfinite(reported)
    if np.any(np.isfinite(compute) != np.isfinite(reported)):
        odd = bench.loc[
            np.isfinite(compute) != np.isfinite(reported), "Model"
        ].tolist()
        raise ValueError(
            f"{_BENCH_FILE[1]}: FLOPs present without tokens (or the reverse) "
            f"for {odd}"
        )
    rel = np.abs(compute[both] / reported[both] - 1.0)
    if rel.size and rel.max() > _COMPUTE_RTOL:
        worst = bench.loc[both, "Model"].to_numpy()[np.argmax(rel)]
        raise ValueError(
            f"{_BENCH_FILE[1]}: 6ND differs from 'FLOPs (1E21)' by "
            f"{rel.max():.1%} for {worst} (allowed {_COMPUTE_RTOL:.0%})"
        )
    return pd.DataFrame(
        {
            "model": bench["Model"].to_numpy(),
            "family": bench["Model Family"].to_numpy(),
            "n_params": n_params,
            "n_tokens": n_tokens,
            "compute": compute,
            "compute_reported": reported,
            "preregistered": bench["Model"]
            .isin(OBSSCALING_PREREGISTERED)
            .to_numpy(),
            "evaluated_family": bench["Model Family"]
            .isin(OBSSCALING_EVALUATED_FAMILIES)
            .to_numpy(),
        }
    )


def load_emergence_benchmarks(*, path: Path | None = None) -> pd.DataFrame:
    """Metadata and standard benchmark scores of 148 base models (Ruan et al. 2024).

    Parameters
    ----------
    path : Path, optional
        Read another copy of ``obsscaling_benchmark_eval.csv`` (tests).

    Returns
    -------
    pandas.DataFrame
        148 rows, columns ``model, family, n_params, n_tokens, compute, compute_reported,
        preregistered, evaluated_family`` then the benchmarks ``mmlu, arc_c, hellaswag,
        winogrande, truthfulqa, gsm8k, xwinograd, humaneval`` (fractions in [0, 1], NaN when
        not evaluated). ``n_params`` is the parameter count (for mixture-of-experts models the
        file's number, not comparable across them), ``n_tokens`` the pretraining tokens and
        ``compute = 6 * n_params * n_tokens`` in FLOPs; the last two are NaN for the 25 models
        whose data size is not public.

    Raises
    ------
    FileNotFoundError
        If the file is missing.
    ValueError
        If its header or row count changed, or if 6ND and the file's ``FLOPs (1E21)``
        disagree by more than 1 %.

    Examples
    --------
    >>> bench = load_emergence_benchmarks()
    >>> len(bench), int(bench.compute.notna().sum()), int(bench.evaluated_family.sum())
    (148, 123, 97)
    """
    bench = read_table(
        *_BENCH_FILE, columns=_BENCH_COLUMNS, rows=_BENCH_ROWS, path=path
    )
    meta = _metadata(bench)
    scores = (
        bench[list(EMERGENCE_BENCHMARK_COLUMNS)]
        .rename(columns=EMERGENCE_BENCHMARK_COLUMNS)
        .astype(float)
    )
    return pd.concat([meta, scores.reset_index(drop=True)], axis=1)


def load_emergence_evals(
    *,
    drop_flagged: bool = False,
    path: Path | None = None,
    benchmark_path: Path | None = None,
) -> pd.DataFrame:
    """Scores of 84 base models on the tasks Wei et al. (2022) called emergent, one row per model.

    By default the raw values are kept (including those listed in :data:`EMERGENCE_FLAGS`).

    Parameters
    ----------
    drop_flagged : bool
        Replace the values listed in :data:`EMERGENCE_FLAGS` by NaN (default False).
    path : Path, optional
        Read another copy of ``obsscaling_emergent_capability_eval.csv`` (tests).
    benchmark_path : Path, optional
        Read another copy of ``obsscaling_benchmark_eval.csv`` (tests).

    Returns
    -------
    pandas.DataFrame
        84 rows: the metadata columns of :func:`load_emergence_benchmarks`, then one column per
        task of :data:`EMERGENCE_TASKS` (``persian_qa, word_unscramble, ipa_exact_match,
        ipa_bleu, arith_3digit_sub, arith_3digit_add, arith_2digit_mul, arith_2digit_add``), all
        on 0-1, and ``ipa_bleu_100``, the file's BLEU on its original 0-100 scale. NaN means
        "not evaluated".

    Raises
    ------
    FileNotFoundError, ValueError
        As :func:`load_emergence_benchmarks`; also if a model has no metadata row.

    Examples
    --------
    >>> evals = load_emergence_evals()
    >>> len(evals), int(evals.compute.notna().sum()), int(evals.preregistered.sum())
    (84, 73, 19)
    >>> round(float(evals.ipa_bleu.max()), 4), round(float(evals.ipa_bleu_100.max()), 2)
    (0.6516, 65.16)
    """
    drop_flagged = as_bool(drop_flagged, "drop_flagged")
    path = None if path is None else as_path(path, "path")
    benchmark_path = (
        None
        if benchmark_path is None
        else as_path(benchmark_path, "benchmark_path")
    )
    raw = read_table(
        *_EVAL_FILE, columns=_EVAL_COLUMNS, rows=_EVAL_ROWS, path=path
    )
    bench = read_table(
        *_BENCH_FILE,
        columns=_BENCH_COLUMNS,
        rows=_BENCH_ROWS,
        path=benchmark_path,
    )
    meta = _metadata(bench)
    unknown = sorted(set(raw["Model"]) - set(meta["model"]))
    if unknown:
        raise ValueError(
            f"{_EVAL_FILE[1]}: models without metadata in {_BENCH_FILE[1]}: "
            f"{unknown}"
        )
    scores = raw.rename(
        columns={t.source_column: t.name for t in EMERGENCE_TASKS}
    )
    scores = scores.rename(columns={"Model": "model"})
    bleu_100 = scores["ipa_bleu"].astype(float)
    if np.any((bleu_100 < 0) | (bleu_100 > 100)):
        raise ValueError(f"{_EVAL_FILE[1]}: IPA BLEU outside 0-100")
    # BLEU is reported on 0-100 (README); every other score is a fraction.
    scores["ipa_bleu"] = bleu_100 / 100.0
    scores["ipa_bleu_100"] = bleu_100
    others = scores[[t.name for t in EMERGENCE_TASKS]]
    if np.any((others < 0) | (others > 1)):
        raise ValueError(f"{_EVAL_FILE[1]}: a score lies outside [0, 1]")
    if drop_flagged:
        for model, task in EMERGENCE_FLAGS:
            cols = [task, "ipa_bleu_100"] if task == "ipa_bleu" else [task]
            scores.loc[scores["model"] == model, cols] = np.nan
    return meta.merge(scores, on="model", how="right", validate="one_to_one")


def load_emergence_long(
    tasks=None,
    *,
    drop_flagged: bool = True,
    require_compute: bool = True,
    path: Path | None = None,
    benchmark_path: Path | None = None,
) -> pd.DataFrame:
    """Tidy emergent-capability scores: one row per model and task, ready to plot and fit.

    Parameters
    ----------
    tasks : str or sequence of str, optional
        Task names from :data:`EMERGENCE_TASKS` (default: all eight).
    drop_flagged : bool
        Drop the values listed in :data:`EMERGENCE_FLAGS` (default True). With False they are
        kept and their reason is in the ``flag`` column.
    require_compute : bool
        Drop models whose training compute is unknown (default True).
    path, benchmark_path : Path, optional
        Other copies of the two files (tests).

    Returns
    -------
    pandas.DataFrame
        Columns ``model, family, n_params, n_tokens, compute, preregistered, task, label,
        metric, score, flag``; ``score`` is on 0-1 for every task; rows with a missing score
        are dropped; sorted by task then compute.

    Raises
    ------
    ValueError
        If ``tasks`` names an unknown task (the message lists the valid names).

    Examples
    --------
    >>> long = load_emergence_long("arith_3digit_add")
    >>> len(long), long.family.nunique()
    (69, 19)
    >>> len(load_emergence_long("ipa_bleu", drop_flagged=False, require_compute=False))
    65
    """
    drop_flagged = as_bool(drop_flagged, "drop_flagged")
    require_compute = as_bool(require_compute, "require_compute")
    if tasks is None:
        names = [t.name for t in EMERGENCE_TASKS]
    else:
        names = (
            [tasks]
            if isinstance(tasks, str)
            else list(tasks)
            if isinstance(tasks, (list, tuple, set, frozenset))
            else [tasks]
        )
        bad = [
            n
            for n in names
            if not isinstance(n, str) or n not in _TASK_BY_NAME
        ]
        if bad or not names:
            raise ValueError(
                f"tasks={tasks!r} is not valid; choose from "
                f"{[t.name for t in EMERGENCE_TASKS]}"
            )
    wide = load_emergence_evals(path=path, benchmark_path=benchmark_path)
    meta_cols = [
        "model",
        "family",
        "n_params",
        "n_tokens",
        "compute",
        "preregistered",
    ]
    long = wide.melt(
        id_vars=meta_cols,
        value_vars=names,
        var_name="task",
        value_name="score",
    )
    long = long[long["score"].notna()].copy()
    long["label"] = long["task"].map(lambda n: _TASK_BY_NAME[n].label)
    long["metric"] = long["task"].map(lambda n: _TASK_BY_NAME[n].metric)
    long["flag"] = [
        EMERGENCE_FLAGS.get((m, t), "")
        for m, t in zip(long["model"], long["task"])
    ]
    if drop_flagged:
        long = long[long["flag"] == ""]
    if require_compute:
        long = long[long["compute"].notna()]
    order = {n: i for i, n in enumerate(names)}
    long = long.assign(_order=long["task"].map(order)).sort_values(
        ["_order", "compute", "model"]
    )
    columns = [*meta_cols, "task", "label", "metric", "score", "flag"]
    return long[columns].reset_index(drop=True)
