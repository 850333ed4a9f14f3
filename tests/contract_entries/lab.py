"""Contract entries of the scaling lab (notebooks/07_scaling_lab.ipynb): ``scaling_lib.lab``,
its figures and its checks."""

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from contract_support import (
    FIGURE,
    RESULT_RECORD,
    Entry,
    array,
    boolean,
    count,
    custom,
    first_at,
    integer,
    method,
    number,
    path,
    rng,
    thing,
)

REFUSAL = (
    "exception raised by Lab.train for a run it does not train (a ValueError whose "
    "message names n_params or n_tokens); not called by a user"
)
POSITIVE = number(low=0, low_open=True)
BUDGETS = [1e16, 1e17, 1e18]

# a directory for the CSV of the valid to_csv call, removed when the tests end
_TMP = tempfile.TemporaryDirectory(prefix="lab-contract-")


def _lab():
    from scaling_lib.lab import Lab

    return Lab(seed=0, budget_flops=1e19)


def _studied_lab():
    """A lab with a small IsoFLOP grid: 3 budgets of 5 sizes (1.1e18 of 1e19 FLOPs)."""
    from scaling_lib.lab import isoflop_design

    lab = _lab()
    plan = isoflop_design(BUDGETS, n_sizes=5)
    lab.train(plan.n_params.to_numpy(), plan.n_tokens.to_numpy())
    return lab


def _prediction():
    from scaling_lib import chinchilla as ch

    runs = _studied_lab().runs
    iso = ch.isoflop_minima(
        runs.n_params, runs.compute, runs.loss, budgets=BUDGETS, window=None
    )
    return {
        "iso": iso,
        "fit": ch.HOFFMANN_2022,
        "target_compute": 1e21,
        "truth": ch.BESIROGLU_2024,
    }


def _vertex(n_params, loss):
    """A right answer to exercise 7.1: the vertex of the parabola in log N."""
    c2, c1, _ = np.polyfit(np.log(n_params), loss, 2)
    if c2 <= 0:
        raise ValueError("the parabola opens downwards: no minimum")
    return float(np.exp(-c1 / (2 * c2)))


RUNS = custom(
    None,
    "abc",
    {},
    [1, 2],
    pd.DataFrame({"a": [1.0]}),
    pd.DataFrame({"n_params": [], "n_tokens": [], "compute": []}),
    pd.DataFrame({"n_params": [1e7], "n_tokens": [1e9], "compute": [-6e16]}),
    pd.DataFrame({"n_params": ["x"], "n_tokens": [1e9], "compute": [6e16]}),
)

ENTRIES = {
    "scaling_lib.lab": {
        "RunRefused": REFUSAL,
        "BudgetExceeded": REFUSAL,
        "OutOfRange": REFUSAL,
        "GradeResult": RESULT_RECORD,
        "draw_law": Entry(lambda: {"rng": 0}, {"rng": rng()}),
        "isoflop_design": Entry(
            lambda: {"budgets": BUDGETS, "n_sizes": 5},
            {
                # a single budget is accepted as a number; 2-D input is refused
                "budgets": array(),
                "n_sizes": count().plus(1, 2, 1001),
                "spread": number(low=1, low_open=True),
                "tokens_per_param": POSITIVE,
            },
            result="none",
        ),
        "Lab": Entry(
            lambda: {"seed": 0, "budget_flops": 1e19},
            {
                "seed": rng(),
                "budget_flops": POSITIVE,
                "noise": number(low=0, high=1),
                "target_factor": number(low=1),
            },
            result="none",
        ),
        "Lab.train": Entry(
            lambda: {"n_params": [1e7, 2e7, 4e7], "n_tokens": [1e9, 2e9, 4e9]},
            {
                # arrays of any shape broadcast (a grid of runs), and an empty batch
                # trains nothing; outside SIZE_LIMITS is OutOfRange, a ValueError; at the
                # upper limit the run costs more than the budget, so only the lower is good
                "n_params": array(
                    ndim1=False, min_size=0, low=1e5, high=1e11
                ).accepting(first_at(1e5)),
                "n_tokens": array(
                    ndim1=False, min_size=0, low=1e6, high=1e13
                ).accepting(first_at(1e6)),
            },
            ("n_params", "n_tokens"),
            call=method(_lab, "train"),
        ),
        "Lab.grade": Entry(
            lambda: {"n_opt": 5e9, "loss": 2.3},
            {"n_opt": POSITIVE, "loss": POSITIVE, "reveal": boolean()},
            call=method(_lab, "grade"),
        ),
        "Lab.to_csv": Entry(
            lambda: {"path": Path(_TMP.name) / "runs.csv"},
            {"path": path()},
            call=method(_studied_lab, "to_csv"),
            result="none",
        ),
    },
    "scaling_lib.plotting.lab": {
        "plot_lab_spending": Entry(
            lambda: {"runs": _studied_lab().runs, "budget_flops": 1e19},
            {"runs": RUNS, "budget_flops": POSITIVE},
            result="none",
            **FIGURE,
        ),
        "plot_lab_prediction": Entry(
            _prediction,
            {
                "iso": thing(),
                "fit": thing(),
                "target_compute": number(low=0, low_open=True, high=1e40),
                "truth": custom("abc", 3, {}, [1.0]),
            },
            result="none",
            **FIGURE,
        ),
    },
    "scaling_lib.exercises.lab": {
        "check_vertex": Entry(
            lambda: {"func": _vertex},
            {"rng": rng()},
            answers=("func",),
            result="feedback",
            examples=6,
        ),
        "check_study": Entry(
            lambda: {"lab": _studied_lab(), "n_opt": 5e9, "loss": 2.3},
            {
                "lab": thing(),
                "min_budgets": integer(minimum=2, maximum=1000),
                "min_sizes": integer(minimum=3, maximum=1000),
            },
            answers=("n_opt", "loss"),
            result="feedback",
        ),
    },
}
