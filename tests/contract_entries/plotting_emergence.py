"""Contract of ``scaling_lib.plotting.emergence`` (Chapter 4 figures and the exact-match widget).

Valid calls draw the shipped emergence data (small task subsets) and the library's own fits; the
hold-out fit is made once and reused, since only the figure is under test.
"""

from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from contract_support import (
    FIGURE,
    Entry,
    array,
    boolean,
    count,
    custom,
    integer,
    method,
    number,
    rng,
    text,
    thing,
)

TASKS = ["arith_3digit_add", "ipa_exact_match"]


@functools.cache
def _long_cached():
    from scaling_lib.data import load_emergence_long

    return load_emergence_long(TASKS)


def _long():
    return _long_cached().copy()


def _ipa():
    from scaling_lib.data import load_emergence_evals

    return load_emergence_evals(drop_flagged=True).dropna(
        subset=["compute", "ipa_exact_match", "ipa_bleu"]
    )


@functools.cache
def _holdout_cached():
    from scaling_lib import emergence as em
    from scaling_lib.data import load_emergence_long

    d = load_emergence_long("arith_3digit_sub")
    x, y = np.log10(d.compute.to_numpy()), d.score.to_numpy()
    return x, y, em.holdout_prediction(x, y, cutoff=22.5, ceiling=1.0)


def _holdout():
    x, y, res = _holdout_cached()
    return {"x": x.copy(), "y": y.copy(), "result": res}


def _crossings():
    from scaling_lib.emergence import family_crossings

    long = _long_cached()
    return family_crossings(long[long.task == "arith_3digit_add"], 0.5)


def _view():
    from scaling_lib.plotting.emergence import ExactMatchLengthView

    return ExactMatchLengthView(5, widget=True)


def _sigmoid_fit():
    return _holdout_cached()[2].fit


#: a data frame that lacks the columns a figure needs (or is not a frame at all)
FRAME = custom(
    None,
    "abc",
    {},
    [1, 2],
    pd.DataFrame({"a": [1.0]}),
    pd.DataFrame(
        columns=["family", "compute", "score", "task", "metric", "label"]
    ),
)
#: family names to draw in colour: a list of str
FAMILIES = custom(None, "Pythia", 3, {}, [1, 2], [["OPT"]], {"OPT": 1})
LENGTH = count()  # an answer length in tokens; an integral float (4.0) is fine
SCALE = number(low=0, low_open=True)
EXPONENT = number(high=0, high_open=True)  # the per-token loss falls with N

ENTRIES = {
    "scaling_lib.plotting.emergence": {
        "family_colors": Entry(dict, {"families": FAMILIES}),
        "plot_tasks_vs_compute": Entry(
            lambda: {
                "frame": _long(),
                "tasks": TASKS,
                "marks": {"arith_3digit_add": (2.3e22, "GPT-3 13B")},
                "points": {"arith_3digit_add": (3.1e23, 0.802, "GPT-3")},
                "chance": {"ipa_exact_match": 0.1},
            },
            {
                "frame": FRAME,
                "tasks": custom(None, "", 3, [], [3], ["no such task"]),
                "ncols": integer(minimum=1, maximum=15),
                "marks": custom(
                    "abc",
                    [1],
                    {"arith_3digit_add": 3},
                    {"arith_3digit_add": (-1.0, "x")},
                    {"arith_3digit_add": (1e22, 3)},
                    {"arith_3digit_add": (1e22, "x", 3)},
                    {"no such task": (1e22, "x")},
                ),
                "points": custom(
                    "abc",
                    [1],
                    {"arith_3digit_add": (1e22, "x")},
                    {"arith_3digit_add": (1e22, 1.5, "x")},
                    {"arith_3digit_add": (float("nan"), 0.5, "x")},
                    {"arith_3digit_add": (1e22, 0.5, None)},
                ),
                "chance": custom(
                    "abc",
                    [0.25],
                    {"arith_3digit_add": -0.1},
                    {"arith_3digit_add": "a"},
                    {"arith_3digit_add": float("nan")},
                    {"no such task": 0.25},
                ),
                "highlight": FAMILIES,
            },
            result="none",
            **FIGURE,
        ),
        "plot_metric_comparison": Entry(
            lambda: {"wide": _ipa()},
            {
                "wide": custom(
                    None,
                    "abc",
                    {},
                    pd.DataFrame({"a": [1.0]}),
                    pd.DataFrame(
                        {
                            "family": ["OPT"],
                            "compute": [float("nan")],
                            "ipa_exact_match": [0.1],
                            "ipa_bleu": [0.2],
                        }
                    ),
                    pd.DataFrame(
                        {
                            "family": ["OPT"],
                            "compute": [1e22],
                            "ipa_exact_match": [1.5],
                            "ipa_bleu": [0.2],
                        }
                    ),
                ),
                "highlight": FAMILIES,
            },
            result="none",
            **FIGURE,
        ),
        "plot_exact_match_vs_scale": Entry(
            lambda: {
                "n_params": np.logspace(6, 13, 30),
                "n_questions": 50,
                "rng": 0,
            },
            {
                "n_params": array(),
                "scale": SCALE,
                "exponent": EXPONENT,
                "lengths": custom(
                    None, "ab", 3, [], [0], [2.5], [[1, 2]], {}, [True]
                ),
                "n_questions": count(optional=True),
                "rng": rng(),
            },
            result="none",
            **FIGURE,
        ),
        "ExactMatchLengthView": Entry(
            lambda: {"length": 5},
            {
                "length": LENGTH,
                "scale": SCALE,
                "exponent": EXPONENT,
                "widget": boolean(),
            },
            result="none",
            **FIGURE,
        ),
        "ExactMatchLengthView.update": Entry(
            lambda: {"length": 20},
            {"length": LENGTH},
            call=method(_view, "update"),
            result="none",
            **FIGURE,
        ),
        "update_exact_match_length": Entry(
            lambda: {"view": _view(), "length": 20},
            {"view": thing(), "length": LENGTH},
            result="none",
            **FIGURE,
        ),
        "figure_png": Entry(
            lambda: {"fig": plt.figure(figsize=(1, 1))},
            {"fig": thing()},
            result="none",
            **FIGURE,
        ),
        "plot_exact_match_length": Entry(
            lambda: {"length": 10},
            {"length": LENGTH, "scale": SCALE, "exponent": EXPONENT},
            result="none",
            **FIGURE,
        ),
        "plot_holdout": Entry(
            lambda: {**_holdout(), "reference": _sigmoid_fit()},
            {
                "x": array(positive=False),
                "y": array(positive=False, low=0, high=1),
                "result": thing(),
                "xlabel": text(),
                "ylabel": text(),
                "title": text(),
                "log10_x": boolean(),
                "reference": custom("abc", 3, {}, [1.0]),
            },
            ("x", "y"),
            result="none",
            **FIGURE,
        ),
        "plot_family_crossings": Entry(
            lambda: {
                "table": _crossings(),
                "reference": (2.3e22, "GPT-3 13B"),
            },
            {
                "table": custom(
                    None,
                    "abc",
                    {},
                    [1, 2],
                    pd.DataFrame({"a": [1.0]}),
                    _crossings().iloc[:0],  # the right columns, no row
                ),
                "reference": custom(
                    "abc", 3, (1e22,), (-1.0, "x"), (1e22, 3), [1e22, "x", 3]
                ),
                "title": text(),
            },
            result="none",
            **FIGURE,
        ),
    }
}
