"""Contract entries of ``scaling_lib.plotting.inverse`` (Chapter 5 figures and the trend-fit
widget). Valid calls use the shipped Pythia table of ``load_inverse_scaling`` (a few tasks)
and the library's own classifications."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from contract_support import (
    FIGURE,
    Entry,
    array,
    axes,
    choice,
    custom,
    integer,
    method,
    number,
    text,
    thing,
)

from scaling_lib.data import INVERSE_TASKS, PYTHIA_SIZES

TASK = "isp_memo_trap"
TASKS = tuple(INVERSE_TASKS)


@functools.cache
def _data() -> pd.DataFrame:
    from scaling_lib.data import load_inverse_scaling

    return load_inverse_scaling()


def _frame() -> pd.DataFrame:
    return (
        _data().copy()
    )  # a figure must not change its input; a copy keeps calls apart


def _final_rows(task=TASK):
    d = _data()
    return d[d.final & (d.task == task)].sort_values("n_params")


def _points(task=TASK):
    g = _final_rows(task)
    return {
        "scale": g.n_params.to_numpy(float),
        "accuracy": g.accuracy.to_numpy(float),
        "accuracy_se": g.accuracy_se.to_numpy(float),
    }


@functools.cache
def _classification(task=TASK):
    from scaling_lib.inverse import classify_trend

    return classify_trend(**_points(task))


@functools.cache
def _verdicts() -> pd.DataFrame:
    from scaling_lib.inverse import classify_tasks

    d = _data()
    return classify_tasks(
        d[d.task.isin([TASK, "isp_redefine"])], along="training"
    )


def _classify():
    from scaling_lib.inverse import classify_trend

    return classify_trend


def _view():
    from scaling_lib.plotting.inverse import final_checkpoint_trend_view

    return final_checkpoint_trend_view()


def _memo_loss():
    from scaling_lib.chinchilla import HOFFMANN_2022

    g = _data()[_data().task == TASK]
    return HOFFMANN_2022.loss(
        g.n_params.to_numpy(float), g.n_tokens.to_numpy(float)
    )


def _without(column):
    return _data().drop(columns=column)


# The inverse-scaling table: not a frame, a frame without the columns, a frame with the
# columns but no rows, and (for the final-checkpoint figures) one without a final row.
_NOT_THE_TABLE = [
    None,
    "abc",
    {},
    [1, 2],
    pd.DataFrame({"a": [1.0]}),
    _without("accuracy"),  # every figure of the table reads it
    _data().iloc[:0],
]
FRAME = custom(*_NOT_THE_TABLE)
FINAL_FRAME = custom(
    *_NOT_THE_TABLE, _without("final"), _data()[~_data().final]
)
TASK_LIST = custom(None, TASK, "", 3, [], [3], ["nope"], {TASK: 1}, [[TASK]])
TASK_KIND = choice(*TASKS)
#: accuracies in [0, 1]
PROB = array(positive=False, low=0, high=1)
#: standard errors are >= 0 and 0 is legitimate (a task every model answers identically,
#: e.g. Modus Tollens), so the bound is low=0, not "> 0"
SE = array(positive=False, low=0)
ALPHA = number(low=0, high=1, low_open=True, high_open=True)
MIN_EFFECT = number(low=0, high=1)
OPTIONAL_AX = custom("abc", 3, {}, [1.0])  # None is valid: a new figure

ENTRIES = {
    "scaling_lib.plotting.inverse": {
        "size_styles": Entry(
            lambda: {"sizes": list(PYTHIA_SIZES)},
            {
                "sizes": custom(
                    None, "70m", 3, [], {}, [["70m"]], ["70m", "70m"], [{}]
                )
            },
        ),
        "plot_size_heatmap": Entry(
            lambda: {"frame": _frame(), "tasks": [TASK, "isp_redefine"]},
            {
                "frame": FINAL_FRAME,
                "tasks": custom(TASK, "", 3, [], [3], ["nope"], {TASK: 1}),
                "clip": number(low=0, high=100, low_open=True),
            },
            result="none",
            **FIGURE,
        ),
        "plot_size_curves": Entry(
            lambda: {
                "frame": _frame(),
                "tasks": [TASK, "isp_redefine"],
                "ncols": 2,
                "results": {TASK: _classification()},
            },
            {
                "frame": FINAL_FRAME,
                "tasks": TASK_LIST,
                "ncols": integer(minimum=1, maximum=15),
                "results": custom("abc", 3, [1], {TASK: 3}, {TASK: None}),
            },
            result="none",
            **FIGURE,
        ),
        "plot_training_curves": Entry(
            lambda: {
                "frame": _frame(),
                "task": TASK,
                "sizes": ["70m", "1b", "12b"],
                "ax": axes(),
            },
            {
                "frame": FRAME,
                "task": TASK_KIND,
                "sizes": custom("70m", 3, [], {}, ["nope"], [70], [["70m"]]),
                "ax": OPTIONAL_AX,
            },
            result="none",
            **FIGURE,
        ),
        "plot_trend_fit": Entry(
            lambda: {
                **_points(),
                "result": _classification(),
                "xlabel": "parameters",
                "title": "Memo Trap",
            },
            {
                "scale": array(),
                "accuracy": PROB,
                "accuracy_se": SE,
                "result": thing(),
                "xlabel": text(),
                "title": text(optional=True),
            },
            ("scale", "accuracy", "accuracy_se"),
            result="none",
            **FIGURE,
        ),
        "TrendFitView": Entry(
            lambda: {
                "fits": {TASK: (*_points().values(), "Memo Trap")},
                "classify": _classify(),
                "xlabel": "parameters",
            },
            {
                "fits": custom(
                    None,
                    {},
                    [1],
                    {TASK: 3},
                    {3: ([1.0], [0.5], [0.01], "a")},
                    {TASK: ([1.0], [0.5], [0.01])},
                    {TASK: ([1.0, 2.0], [0.5], [0.01], "a")},
                    {TASK: ([-1.0], [0.5], [0.01], "a")},
                    {TASK: ([1.0], [1.5], [0.01], "a")},
                    {TASK: ([1.0], [0.5], [-0.01], "a")},
                    {TASK: ([1.0], [0.5], [0.01], 3)},
                ),
                "classify": custom(None, 3, "classify_trend", [len]),
                "xlabel": text(),
            },
            result="none",
            **FIGURE,
        ),
        "TrendFitView.update": Entry(
            lambda: {
                "task": "isp_resisting_correction",
                "alpha": 0.05,
                "min_effect": 0.05,
            },
            {"task": TASK_KIND, "alpha": ALPHA, "min_effect": MIN_EFFECT},
            call=method(_view, "update"),
            result="none",
            **FIGURE,
        ),
        "update_trend_fit": Entry(
            lambda: {
                "view": _view(),
                "task": TASK,
                "alpha": 0.05,
                "min_effect": 0.05,
            },
            {
                "view": thing(),
                "task": TASK_KIND,
                "alpha": ALPHA,
                "min_effect": MIN_EFFECT,
            },
            result="none",
            **FIGURE,
        ),
        "final_checkpoint_trend_view": Entry(dict, result="none", **FIGURE),
        "plot_verdict_grid": Entry(
            lambda: {"table": _verdicts().copy(), "names": INVERSE_TASKS},
            {
                "table": custom(
                    None,
                    "abc",
                    {},
                    pd.DataFrame({"a": [1.0]}),
                    _verdicts().iloc[:0],
                    _verdicts().assign(label="nope"),
                    pd.concat([_verdicts(), _verdicts().iloc[:1]]),
                    _verdicts().iloc[1:],
                ),
                "names": custom("abc", 3, [1], {TASK: 3}),
            },
            result="none",
            **FIGURE,
        ),
        "plot_distractor_toy": Entry(
            lambda: {
                "n_params": np.logspace(7, 12, 20),
                "loss": np.linspace(3.0, 2.0, 20),
                "accuracy": np.linspace(0.5, 0.9, 20),
            },
            {"n_params": array(), "loss": array(), "accuracy": PROB},
            ("n_params", "loss", "accuracy"),
            result="none",
            **FIGURE,
        ),
        "plot_loss_vs_accuracy": Entry(
            lambda: {"loss": _memo_loss(), "frame": _frame(), "task": TASK},
            {
                "loss": array(),  # (a valid array of another length is refused too)
                "frame": FRAME,
                "task": TASK_KIND,
            },
            result="none",
            **FIGURE,
        ),
    }
}
