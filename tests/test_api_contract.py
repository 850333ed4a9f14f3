"""The API contract, tested for every public function: a bad value of any argument gets a
``ValueError`` that names the argument (or, for a fit, a failed result with a message); a
student's answer to a ``check_*`` helper gets a ``Feedback``, never an exception; valid values
give finite results, and a fit of valid data succeeds.

Every bad and good value an argument's kind lists (``Kind.refuse``, ``Kind.accept``: the
non-numbers, non-finite values, bounds, empty and 2-D arrays, fractions for whole numbers,
closed bounds, every choice) is tried, one call each; hypothesis then draws
``Entry.examples`` more at random (``SETTINGS``: 12 unless the entry says otherwise).

``CONTRACT`` lists, per module, every public function (and every public method of a public
class) with a valid call and the kind of each argument. A module in ``COVERED`` must list all
of its public functions: :func:`test_every_public_function_has_a_contract` fails as soon as one
is added without an entry, and :func:`test_every_module_of_the_library_is_in_the_contract`
as soon as a module is added outside ``COVERED``. The entries of the chapters' figure and check
modules are in ``contract_entries/`` (one file per module), loaded below.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import math
import numbers
import re
import signal
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import contract_entries  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from contract_support import (  # noqa: E402
    ANSWER_VALUES,
    ANSWERS,
    FIGURE,
    NOT_A_NUMBER,
    RESULT_RECORD,
    Entry,
    FromValid,
    _floats,
    array,
    axes,
    boolean,
    choice,
    count,
    custom,
    integer,
    method,
    names,
    nonfinite,
    number,
    path,
    rng,
    text,
    thing,
)
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from scaling_lib import fitting, random_features  # noqa: E402
from scaling_lib.data import DATA_DIR  # noqa: E402
from scaling_lib.data import _chinchilla as _chinchilla_data  # noqa: E402
from scaling_lib.data import _gadre as _gadre_data  # noqa: E402
from scaling_lib.exercises import Feedback  # noqa: E402

SETTINGS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
    ],
)


def _xy():
    x = np.logspace(0, 3, 8)
    return {"x": x, "y": 2 * x**-0.5}


def _offset_xy():
    x = np.logspace(0, 4, 12)
    return {"x": x, "y": 1.7 + 5 * x**-0.3}


def _fit():
    return fitting.fit_power_law(**_xy())


def _offset_fit():
    return fitting.fit_power_law_offset(**_offset_xy())


def _rf_result():
    return random_features.random_feature_experiment(
        [4, 8, 16], [16, 32, 64], latent_dim=128, n_seeds=1
    )


ARRAY = array()
#: the arrays of a set of training runs, and the Huber threshold of approach 3
RUN_ARRAYS = {"n_params": ARRAY, "n_tokens": ARRAY, "loss": ARRAY}
DELTA = number(low=0, low_open=True)
#: starts of a parametric fit: rows (a, b, e, alpha, beta); None (valid) is the default grid
STARTS = custom(
    "abc", [], [1.0] * 4, [[1.0] * 4], [[[1.0] * 5]], [[math.nan] * 5], {}
)
RANGE_N = array(whole=True, high=20_000)
CHINCHILLA_CSV = ("chinchilla", "svg_extracted_data.csv")
CHINCHILLA_COLUMNS = _chinchilla_data._COLUMNS  # the shipped file's header
PORIAN = dict(
    dataset="rw",
    hparams="base",
    warmup="long",
    decay="kaplan",
    param_count="kaplan",
    loss_split="train",
)
PORIAN_KINDS = {k: choice(v) for k, v in PORIAN.items()} | {"path": path()}

CONTRACT: dict[str, dict[str, Entry | str]] = {
    "scaling_lib.fitting": {
        "fit_power_law": Entry(
            _xy, {"x": ARRAY, "y": ARRAY}, ("x", "y"), result="fit"
        ),
        "BootstrapSamples": RESULT_RECORD,
        "BootstrapSamples.interval": Entry(
            lambda: {"level": 0.9},
            {"level": number(low=0, high=1, low_open=True, high_open=True)},
            call=method(lambda: _BOOTSTRAP_EXPONENT(), "interval"),
        ),
        "fit_power_law_offset": Entry(
            _offset_xy,
            {
                "x": ARRAY,
                "y": ARRAY,
                "offset_bounds": custom(
                    None,
                    3,
                    "ab",
                    (-1.0, None),
                    (0.0, -1.0),
                    (math.nan, None),
                    (1e9, None),
                    (0.0, 1.0, 2.0),
                ),
            },
            ("x", "y"),
            result="fit",
        ),
        "synthetic_power_law": Entry(
            lambda: {"x": [1.0, 10.0], "exponent": -0.5, "noise": 0.1},
            {
                "x": array(ndim1=False, min_size=0),
                "exponent": number(good=_floats(-3, 3)),
                "prefactor": number(
                    low=0, low_open=True, good=_floats(1e-3, 1e3)
                ),
                "offset": number(low=0, good=_floats(0, 10)),
                "noise": number(low=0, high=10, good=_floats(0, 1)),
                "rng": rng(),
            },
        ),
        "exponent_spread": Entry(
            lambda: {"decades": [1.0, 2.0], "n_trials": 20, "rng": 0},
            {
                "decades": array(ndim1=False, low=1e-3, high=100),
                "exponent": number(low=-10, high=10),
                "noise": number(low=0, high=10),
                "n_points": integer(
                    minimum=3, maximum=100_000, good=st.integers(3, 20)
                ),
                "n_trials": integer(
                    minimum=2, maximum=100_000, good=st.integers(2, 50)
                ),
                "rng": rng(),
            },
        ),
        "percentile_interval": Entry(
            lambda: {"samples": np.linspace(0, 1, 50)},
            {
                "samples": custom(
                    None,
                    "abc",
                    {},
                    [[1.0, 2.0], [3.0, 4.0]],
                    [],
                    [math.nan] * 4,
                    [0.5],
                    [1, "a"],
                ),
                "level": number(low=0, high=1, low_open=True, high_open=True),
            },
        ),
        "PowerLawFit": RESULT_RECORD,
        "PowerLawFit.predict": Entry(
            lambda: {"x": [1.0, 2.0]},
            {"x": array(ndim1=False, min_size=0)},
            call=method(_fit, "predict"),
        ),
        "PowerLawFit.exponent_interval": Entry(
            lambda: {},
            {"level": number(low=0, high=1, low_open=True, high_open=True)},
            call=method(_fit, "exponent_interval"),
        ),
        "OffsetPowerLawFit": RESULT_RECORD,
        "OffsetPowerLawFit.predict": Entry(
            lambda: {"x": [1.0, 2.0]},
            {"x": array(ndim1=False, min_size=0)},
            call=method(_offset_fit, "predict"),
        ),
    },
    "scaling_lib.random_features": {
        "power_law_spectrum": Entry(
            lambda: {"latent_dim": 16, "alpha": 1.0},
            {
                "latent_dim": integer(
                    minimum=1, maximum=100_000, good=st.integers(1, 1000)
                ),
                "alpha": number(low=0, high=10, low_open=True),
            },
        ),
        "random_feature_experiment": Entry(
            lambda: {
                "n_features": [4, 8],
                "n_samples": [16],
                "latent_dim": 64,
                "n_seeds": 1,
            },
            {
                "n_features": RANGE_N,
                "n_samples": RANGE_N,
                "alpha": number(
                    low=0, high=10, low_open=True, good=_floats(0.1, 3)
                ),
                "latent_dim": integer(
                    minimum=1, maximum=100_000, good=st.integers(32, 128)
                ),
                "ridge": number(low=1e-12, high=1e6, good=_floats(1e-6, 10)),
                "n_seeds": integer(
                    minimum=1, maximum=1000, good=st.integers(1, 2)
                ),
                "rng": rng(),
            },
            examples=6,
        ),
        "RandomFeatureResult": RESULT_RECORD,
        "RandomFeatureResult.params_law": Entry(
            lambda: {},
            {"ratio": number(low=0, low_open=True)},
            call=method(_rf_result, "params_law"),
            result="fit",
            examples=6,
        ),
        "RandomFeatureResult.data_law": Entry(
            lambda: {
                "ratio": 0.25
            },  # the default 4 leaves one D of this small grid
            {"ratio": number(low=0, low_open=True)},
            call=method(_rf_result, "data_law"),
            result="fit",
            examples=6,
        ),
        "RandomFeatureResult.grid": Entry(
            lambda: {}, call=method(_rf_result, "grid")
        ),
    },
    "scaling_lib.data": {
        "data_path": Entry(
            lambda: {"*": CHINCHILLA_CSV},
            {"*": custom((), ("..", "x.csv"), (3,), ("",), (None,), ("a/b",))},
        ),
        "read_table": Entry(
            lambda: {"*": CHINCHILLA_CSV, "columns": CHINCHILLA_COLUMNS},
            {
                "*": custom((), ("..", "x.csv"), (3,)),
                "columns": custom(None, "abc", [], [1, 2]),
                # the count and separator of this file: no other value is good here
                "rows": integer(minimum=0, optional=True).accepting(None, 245),
                "sep": choice(",", "\t", ";", "|").accepting(","),
                "path": path(),
            },
        ),
        "sha256": Entry(
            lambda: {"path": DATA_DIR / "chinchilla" / "README.md"},
            {"path": custom(None, 3, {}, "", ["x"])},
        ),
        "load_porian_isoflops": Entry(
            lambda: dict(PORIAN), PORIAN_KINDS, examples=6
        ),
        "load_porian_optima": Entry(
            lambda: {"dataset": "rw"}, PORIAN_KINDS, examples=6
        ),
        "load_chinchilla_runs": Entry(
            dict,
            {
                "exclude_highest": integer(minimum=0, maximum=244),
                "path": path(),
            },
        ),
        "load_emergence_benchmarks": Entry(dict, {"path": path()}),
        "load_emergence_evals": Entry(
            dict,
            {
                "drop_flagged": boolean(),
                "path": path(),
                "benchmark_path": path(),
            },
            examples=6,
        ),
        "load_emergence_long": Entry(
            lambda: {"tasks": "ipa_bleu"},
            {
                "tasks": custom(3, [3], "nope", [], {}, 2.5),
                "drop_flagged": boolean(),
                "require_compute": boolean(),
                "path": path(),
                "benchmark_path": path(),
            },
            examples=6,
        ),
        "load_inverse_scaling": Entry(dict, {"path": path()}),
        "load_inverse_scaling_tests": Entry(dict, {"path": path()}),
        "parse_test_cell": Entry(
            lambda: {"text": "t(60)=-4.22, p<0.001"},
            {"text": custom(None, 3, "", "abc", ["t(60)=-4.22, p<0.001"])},
        ),
        "EmergenceTask": RESULT_RECORD,
    },
    "scaling_lib.exercises": {
        "Feedback": Entry(
            lambda: {"ok": True, "message": "right"},
            {"ok": custom(None, 1, "yes", 0.0), "message": text()},
        ),
        "parse_answer": Entry(
            lambda: {"answer": 1.5, "name": "N"},
            {"name": text()},
            answers=("answer",),
            result="none",
        ),
        "parse_choice": Entry(
            lambda: {"answer": "a", "name": "verdict", "choices": ["a", "b"]},
            {"name": text(), "choices": custom(None, "ab", [], [1, 2], 3)},
            answers=("answer",),
            result="none",
        ),
        "parse_collection": Entry(
            lambda: {"answer": ["a"], "name": "tasks"},
            {"name": text()},
            answers=("answer",),
            result="none",
        ),
        "check_close": Entry(
            lambda: {"answer": 1.0, "expected": 1.0, "name": "N"},
            {
                "expected": number(),
                "rtol": number(low=0, high=1, high_open=True),
                "name": text(),
                "unit": text(),
                "hint": text(),
            },
            answers=("answer",),
            result="feedback",
        ),
    },
    "scaling_lib.plotting": {
        "use_course_style": Entry(dict, result="none"),
        "close": Entry(
            lambda: {"fig": plt.figure()},
            {"fig": thing()},
            result="none",
            **FIGURE,
        ),
        "freeze_layout": Entry(
            lambda: {"fig": plt.figure()},
            {"fig": thing()},
            result="none",
            **FIGURE,
        ),
        "new_figure": Entry(
            dict,
            {
                "ncols": integer(minimum=1, maximum=20),
                "nrows": integer(minimum=1, maximum=20),
                "width": number(low=0.5, high=50),
                "height": number(low=0.5, high=50),
            },
            result="none",
            **FIGURE,
        ),
        "log_axes": Entry(
            lambda: {"ax": axes(), "xlabel": "x", "ylabel": "y"},
            {
                "ax": thing(),
                "xlabel": text(),
                "ylabel": text(),
                "logx": boolean(),
                "logy": boolean(),
                "title": text(optional=True),
            },
            result="none",
            **FIGURE,
        ),
        "plain_log_ticks": Entry(
            lambda: {"axis": axes().xaxis},
            {"axis": thing(), "ticks": array(optional=True)},
            result="none",
            **FIGURE,
        ),
        "plot_fit_with_residuals": Entry(
            lambda: {**_xy(), "fit": _fit(), "xlabel": "x", "ylabel": "y"},
            {
                "x": ARRAY,
                "y": ARRAY,
                "fit": thing(),
                "xlabel": text(),
                "ylabel": text(),
                "label": text(optional=True),
            },
            ("x", "y"),
            result="none",
            **FIGURE,
        ),
    },
    "scaling_lib.plotting.power_laws": {
        "plot_linear_vs_loglog": Entry(
            _xy,
            {"x": ARRAY, "y": ARRAY, "xlabel": text(), "ylabel": text()},
            ("x", "y"),
            result="none",
            **FIGURE,
        ),
        "plot_extrapolation": Entry(
            lambda: {
                "x_fit": _offset_xy()["x"],
                "y_fit": _offset_xy()["y"],
                "x_true": np.logspace(0, 6, 20),
                "y_true": 1.7 + 5 * np.logspace(0, 6, 20) ** -0.3,
            },
            {
                "x_fit": ARRAY,
                "y_fit": ARRAY,
                "x_true": ARRAY,
                "y_true": ARRAY,
                "xlabel": text(),
                "ylabel": text(),
            },
            ("x_fit", "y_fit"),
            result="none",
            **FIGURE,
        ),
        "plot_exponent_spread": Entry(
            lambda: {
                "decades": [1.0, 2.0, 4.0],
                "spread": [0.1, 0.05, 0.025],
                "noise": 0.05,
            },
            {
                "decades": ARRAY,
                "spread": ARRAY,
                "noise": number(low=0, high=10),
            },
            ("decades", "spread"),
            result="none",
            **FIGURE,
        ),
        "plot_power_law_explorer": Entry(
            dict,
            {
                "noise": number(low=0, high=1),
                "decades_fit": number(low=0.5, high=6),
                "offset": number(low=0, high=100),
                "seed": rng(),
            },
            result="none",
            **FIGURE,
        ),
    },
}


# ------------------------------------------------------------------ chapter 6 (practice)
def _ch6_runs():
    n = np.array([1e7, 3e7, 1e8, 3e8, 1e8, 3e7, 1e7, 3e8])
    u = np.array([1e8, 3e8, 1e9, 1e9, 2e8, 1e8, 1e9, 3e9])
    d = u * np.array([1, 2, 4, 8, 16, 32, 1, 2])
    from scaling_lib.data_constrained import MUENNIGHOFF_2023

    return {
        "n_params": n,
        "n_tokens": d,
        "unique_tokens": u,
        "loss": MUENNIGHOFF_2023.loss(n, d, u),
    }


def _ch6_law():
    from scaling_lib.data_constrained import MUENNIGHOFF_2023

    return MUENNIGHOFF_2023


def _ch6_ot():
    from scaling_lib.chinchilla import ParametricLoss

    law = ParametricLoss(E=1.8, A=300.0, B=900.0, alpha=0.3, beta=0.3)
    n = np.array([1e7, 8e7, 1.5e8, 4e8, 1e7, 4e8])
    d = n * np.array([20, 20, 20, 20, 320, 80])
    return {"n_params": n, "n_tokens": d, "loss": law.loss(n, d)}


def _ch6_curve():
    from scaling_lib.workflow import simulate_learning_curve

    s = np.arange(100.0, 5001.0, 100.0)
    return {"steps": s, "loss": simulate_learning_curve(1e8, s, noise=0.0)}


def _ch6_lc_fit():
    from scaling_lib.workflow import fit_learning_curve

    return fit_learning_curve(**_ch6_curve())


def _ch6_view():
    from scaling_lib.plotting.practice import DataConstrainedView

    return DataConstrainedView(_ch6_law())


def _ch6_ladder():
    from scaling_lib.chinchilla import HOFFMANN_2022
    from scaling_lib.workflow import simulate_ladder

    r = simulate_ladder(
        HOFFMANN_2022, [1e18, 1e19, 1e20], sizes_per_budget=5, rng=0
    )
    return {
        "n_params": r.n_params.to_numpy(),
        "n_tokens": r.n_tokens.to_numpy(),
        "loss": r.loss.to_numpy(),
    }


def _ch6_frames():
    table = pd.DataFrame(
        {"decades": [0.2, 1.0], "relative_error": [0.01, -0.02]}
    )
    band = pd.DataFrame(
        {
            "decades": [0.0, 1.0],
            "lower": [2.0, 1.9],
            "upper": [2.1, 2.2],
            "predicted": [2.05, 2.0],
            "true_loss": [2.05, 2.01],
        }
    )
    return {"table": table, "band": band}


def _ch6_hoffmann():
    from scaling_lib.chinchilla import HOFFMANN_2022

    return HOFFMANN_2022


POS_ANY = array(ndim1=False, min_size=0)
POSITIVE = number(low=0, low_open=True)
DC_ARRAYS = {
    k: ARRAY for k in ("n_params", "n_tokens", "unique_tokens", "loss")
}
DC_SAME = ("n_params", "n_tokens", "unique_tokens", "loss")
FRAME6 = custom(None, "abc", {}, [1, 2], pd.DataFrame({"a": [1.0]}))

CONTRACT["scaling_lib.data"].update(
    {
        "load_datablations_runs": Entry(
            dict, {"include_dedup": boolean(), "path": path()}
        ),
        "load_gadre_runs": Entry(
            lambda: {"train_dataset": "rpj"},
            {
                "train_dataset": custom("wikipedia", 3, "", ["rpj"], {}),
                "eval_set": choice(*_gadre_data._EVALS),
                "path": path(),
            },
        ),
    }
)
CONTRACT.update(
    {
        "scaling_lib.data_constrained": {
            "repetitions": Entry(
                lambda: {"n_tokens": [4e9, 2e9], "unique_tokens": [1e9, 1e9]},
                {"n_tokens": POS_ANY, "unique_tokens": POS_ANY},
            ),
            "effective_data": Entry(
                lambda: {
                    "unique_tokens": 1e9,
                    "n_tokens": 4e9,
                    "r_star": 15.4,
                },
                {
                    "unique_tokens": POS_ANY,
                    "n_tokens": POS_ANY,
                    "r_star": POSITIVE,
                },
            ),
            "unique_params": Entry(
                lambda: {"unique_tokens": 1e9, "base": _ch6_hoffmann()},
                {"unique_tokens": POS_ANY, "base": thing()},
            ),
            "effective_params": Entry(
                lambda: {
                    "n_params": 1e9,
                    "unique_tokens": 1e9,
                    "r_star": 5.3,
                    "base": _ch6_hoffmann(),
                },
                {
                    "n_params": POS_ANY,
                    "unique_tokens": POS_ANY,
                    "r_star": POSITIVE,
                    "base": thing(),
                },
            ),
            "DataConstrainedLoss": Entry(
                lambda: {
                    "base": _ch6_hoffmann(),
                    "r_d_star": 15.4,
                    "r_n_star": 5.3,
                },
                {
                    "base": thing(),
                    "r_d_star": POSITIVE,
                    "r_n_star": POSITIVE,
                    "source": text(),
                },
                result="none",
            ),
            "DataConstrainedLoss.effective_data": Entry(
                lambda: {"n_tokens": 4e9, "unique_tokens": 1e9},
                {"n_tokens": POS_ANY, "unique_tokens": POS_ANY},
                call=method(_ch6_law, "effective_data"),
            ),
            "DataConstrainedLoss.effective_params": Entry(
                lambda: {"n_params": 1e9, "unique_tokens": 1e9},
                {"n_params": POS_ANY, "unique_tokens": POS_ANY},
                call=method(_ch6_law, "effective_params"),
            ),
            "DataConstrainedLoss.loss": Entry(
                lambda: {
                    "n_params": 1e9,
                    "n_tokens": 4e9,
                    "unique_tokens": 1e9,
                },
                {
                    "n_params": POS_ANY,
                    "n_tokens": POS_ANY,
                    "unique_tokens": POS_ANY,
                },
                call=method(_ch6_law, "loss"),
            ),
            "RepetitionFit": RESULT_RECORD,
            "repetition_objective": Entry(
                lambda: {"law": _ch6_law(), **_ch6_runs()},
                {"law": thing(), **DC_ARRAYS, "delta": POSITIVE},
                DC_SAME,
            ),
            "fit_repetition_constants": Entry(
                lambda: {
                    **_ch6_runs(),
                    "base": _ch6_law().base,
                    "starts": [15.0, 5.0],
                },
                {
                    **DC_ARRAYS,
                    "base": thing(),
                    "delta": POSITIVE,
                    "starts": array(ndim1=False, optional=True),
                },
                DC_SAME,
                result="fit",
                examples=4,
            ),
            "paper_like_mask": Entry(
                _ch6_runs, {**DC_ARRAYS, "max_epochs": number(low=1)}, DC_SAME
            ),
            "data_constrained_optimum": Entry(
                lambda: {
                    "law": _ch6_law(),
                    "compute": 1e21,
                    "unique_tokens": 1e10,
                    "n_grid": 101,
                },
                {
                    "law": thing(),
                    "compute": POSITIVE,
                    "unique_tokens": POSITIVE,
                    "n_grid": integer(minimum=11, maximum=10**6),
                },
            ),
        },
        "scaling_lib.overtraining": {
            "OverTrainingFit": RESULT_RECORD,
            "fit_overtraining_law": Entry(
                _ch6_ot,
                {
                    **RUN_ARRAYS,
                    "objective": choice("least_squares", "huber_log"),
                },
                ("n_params", "n_tokens", "loss"),
                result="fit",
                examples=2,
            ),
            "loss_vs_multiplier": Entry(
                lambda: {
                    "params": _ch6_hoffmann(),
                    "n_params": 1e9,
                    "multiplier": 2.0,
                },
                {
                    "params": thing(),
                    "n_params": POS_ANY,
                    "multiplier": POS_ANY,
                },
            ),
        },
        "scaling_lib.workflow": {
            "simulate_ladder": Entry(
                lambda: {
                    "law": _ch6_hoffmann(),
                    "budgets": [1e18, 1e19],
                    "rng": 0,
                },
                {
                    "law": thing(),
                    "budgets": ARRAY,
                    "sizes_per_budget": integer(minimum=1, maximum=1000),
                    "spread": number(low=1, low_open=True, high=1e6),
                    "noise": number(low=0, high=1),
                    "rng": rng(),
                },
                result="none",
            ),
            "HoldoutResult": RESULT_RECORD,
            "holdout_by_compute": Entry(
                lambda: {**_ch6_ladder(), "cutoff": 2e19},
                {
                    **RUN_ARRAYS,
                    "cutoff": POSITIVE,
                    "starts": STARTS,
                },
                ("n_params", "n_tokens"),
                result="none",
                examples=4,
            ),
            "prediction_band": Entry(
                lambda: {
                    **_ch6_ladder(),
                    "targets": [1e21],
                    "n_resamples": 5,
                    "rng": 0,
                },
                {
                    **RUN_ARRAYS,
                    "targets": ARRAY,
                    "level": number(
                        low=0, high=1, low_open=True, high_open=True
                    ),
                    "n_resamples": integer(minimum=1, maximum=100_000),
                    "rng": rng(),
                },
                ("n_params", "loss"),
                result="none",
                examples=3,
            ),
            "ladder_prediction_errors": Entry(
                lambda: {
                    "law": _ch6_hoffmann(),
                    "budgets": [1e18, 1e19, 1e20],
                    "target": 1e22,
                    "seeds": [0],
                    "noise": 0.0,
                },
                {
                    "law": thing(),
                    "budgets": ARRAY,
                    # 1 size on each of the 3 budgets is 3 runs, too few for 5
                    # parameters: refused by name; 2 sizes (6 runs) is the least fitted
                    "sizes_per_budget": integer(minimum=2, maximum=1000),
                    "target": POSITIVE,
                    "seeds": custom(None, 3, "ab", [], [-1], [1.5], [None]),
                    "noise": number(low=0, high=1),
                },
                examples=3,
            ),
            "LearningCurveFit": RESULT_RECORD,
            "LearningCurveFit.predict": Entry(
                lambda: {"steps": [1e3, 1e4]},
                {"steps": POS_ANY},
                call=method(_ch6_lc_fit, "predict"),
            ),
            "fit_learning_curve": Entry(
                _ch6_curve,
                {"steps": ARRAY, "loss": ARRAY},
                ("steps", "loss"),
                result="fit",
            ),
            "simulate_learning_curve": Entry(
                lambda: {"n_params": 1e8, "steps": [1e3, 1e4], "rng": 0},
                {
                    "n_params": POSITIVE,
                    "steps": POS_ANY,
                    "noise": number(low=0, high=1),
                    "rng": rng(),
                },
            ),
        },
        "scaling_lib.plotting.practice": {
            "plot_holdout": Entry(
                _ch6_frames,
                {"table": FRAME6, "band": FRAME6, "cutoff": POSITIVE},
                result="none",
                **FIGURE,
            ),
            "plot_effective_data": Entry(
                lambda: {"r_stars": {"a": 15.4}},
                {
                    "r_stars": custom(
                        None, {}, {"a": -1.0}, {"a": "x"}, [15.4], 3
                    ),
                    "runs": custom("abc", {}, pd.DataFrame({"a": [1.0]})),
                    "laws": custom("abc", [1], {"a": 3}),
                },
                result="none",
                **FIGURE,
            ),
            "DataConstrainedView": Entry(
                lambda: {"law": _ch6_law()},
                {"law": thing(), "n_params": POSITIVE},
                result="none",
                **FIGURE,
            ),
            "DataConstrainedView.update": Entry(
                lambda: {"log10_unique": 10.0, "epochs": 4.0},
                {
                    "log10_unique": number(low=3, high=15),
                    "epochs": number(low=1, high=1e6),
                },
                call=method(_ch6_view, "update"),
                result="none",
                **FIGURE,
            ),
            "update_data_constrained": Entry(
                lambda: {
                    "view": _ch6_view(),
                    "log10_unique": 10.0,
                    "epochs": 4.0,
                },
                {
                    "view": thing(),
                    "log10_unique": number(low=3, high=15),
                    "epochs": number(low=1, high=1e6),
                },
                result="none",
                **FIGURE,
            ),
            "data_constrained_view": Entry(
                dict, {"n_params": POSITIVE}, result="none", **FIGURE
            ),
            "plot_overtraining": Entry(
                lambda: {
                    "runs": pd.DataFrame(
                        {
                            "n_params": [1e7, 1e7],
                            "multiplier": [1.0, 8.0],
                            "loss": [3.5, 3.3],
                        }
                    ),
                    "law": _ch6_hoffmann(),
                    "fit_max": 4.0,
                    "label": "runs",
                },
                {
                    "runs": FRAME6,
                    "law": thing(),
                    "fit_max": POSITIVE,
                    "label": text(),
                    "fit_min": POSITIVE,
                    "one_exponent": custom("abc", 3, {}),
                },
                result="none",
                **FIGURE,
            ),
            "plot_learning_curves": Entry(
                lambda: {
                    "n_params_list": [1e7, 1e8],
                    "steps": np.logspace(3, 5, 10),
                },
                {
                    "n_params_list": ARRAY,
                    "steps": ARRAY,
                    "early": custom("abc", 3, (1, 2), ([1.0], [2.0], 3)),
                },
                result="none",
                **FIGURE,
            ),
        },
        "scaling_lib.exercises.practice": {
            "check_effective_data_function": Entry(
                lambda: {"func": lambda u, d, r: d},
                {},
                answers=("func",),
                result="feedback",
            ),
            "check_effective_tokens": Entry(
                lambda: {"answer": 1e11},
                answers=("answer",),
                result="feedback",
            ),
            "check_half_value_epochs": Entry(
                lambda: {"answer": 11.0},
                {"r_star": number(low=0, low_open=True, high=1e6)},
                answers=("answer",),
                result="feedback",
            ),
            "check_epochs_for_value": Entry(
                lambda: {"answer": 5.0},
                {
                    "loss_of_value": number(
                        low=0, high=1, low_open=True, high_open=True
                    ),
                    "r_star": number(low=0, low_open=True, high=1e6),
                },
                answers=("answer",),
                result="feedback",
            ),
            "check_overtrain_tokens": Entry(
                lambda: {"answer": 100.0, "law": _ch6_hoffmann()},
                {"law": thing()},
                answers=("answer",),
                result="feedback",
            ),
            "check_data_wall_gap": Entry(
                lambda: {
                    "answer": -0.03,
                    "n_params": 1e10,
                    "unique_tokens": 1e11,
                    "epochs_a": 4,
                    "epochs_b": 16,
                },
                {
                    "n_params": number(low=0, low_open=True, high=1e15),
                    "unique_tokens": number(low=0, low_open=True, high=1e16),
                    "epochs_a": number(low=1, high=1e6),
                    "epochs_b": number(low=1, high=1e6),
                },
                answers=("answer",),
                result="feedback",
            ),
            "check_allocation_function": Entry(
                lambda: {"func": lambda law, c, u: (1e9, c / 6e9)},
                answers=("func",),
                result="feedback",
            ),
            "check_allocation_epochs": Entry(
                lambda: {"answer": 7.0}, answers=("answer",), result="feedback"
            ),
        },
    }
)

COVERED = list(CONTRACT)
_FIRST_TABLE = {
    m: dict(e) for m, e in CONTRACT.items()
}  # before the chapters merge in

# ------------------------------------------------------------------ chapters 2 to 6


def _shape():
    from scaling_lib.flops import TransformerShape

    return TransformerShape(
        n_layers=12, d_model=768, n_heads=12, n_ctx=1024, vocab_size=50257
    )


def _hoffmann():
    from scaling_lib.chinchilla import HOFFMANN_2022

    return HOFFMANN_2022


def _kaplan():
    from scaling_lib.kaplan import KAPLAN_2020

    return KAPLAN_2020


def _runs(every=4):
    from scaling_lib.data import load_chinchilla_runs

    r = load_chinchilla_runs().iloc[::every]
    return {
        "n_params": r.n_params.to_numpy(),
        "n_tokens": r.n_tokens.to_numpy(),
        "loss": r.loss.to_numpy(),
    }


def _iso(compute_name="compute"):
    from scaling_lib.data import load_porian_isoflops

    r = load_porian_isoflops(**PORIAN)
    return {
        "n_params": r.params.to_numpy(),
        compute_name: r.flops.to_numpy(),
        "loss": r.loss.to_numpy(),
    }


def _sig():
    x = np.linspace(20, 25, 12)
    return {"x": x, "y": 1 / (1 + np.exp(-2 * (x - 22.5)))}


def _long():
    from scaling_lib.data import load_emergence_long

    return load_emergence_long()


def _inverse():
    from scaling_lib.data import load_inverse_scaling

    return load_inverse_scaling()


def _trend():
    return {
        "scale": np.logspace(7, 10, 8),
        "accuracy": np.linspace(0.8, 0.6, 8),
        "accuracy_se": np.full(8, 0.02),
    }


def _result(module, name, valid):
    """A factory of the result ``module.name(**valid())``, built once: the methods called on
    it do not change it."""

    @functools.cache
    def factory():
        return getattr(importlib.import_module(module), name)(**valid())

    return factory


_SIGMOID_FIT = _result("scaling_lib.emergence", "fit_sigmoid", lambda: _sig())
_BOOTSTRAP = _result(
    "scaling_lib.chinchilla",
    "bootstrap",
    lambda: {**_runs(8), "n_resamples": 3, "rng": 0},
)
_BOOTSTRAP_EXPONENT = _result(
    "scaling_lib.kaplan",
    "bootstrap_exponent",
    lambda: {**_xy(), "n_boot": 50, "rng": 0},
)
_TREND = _result("scaling_lib.inverse", "classify_trend", lambda: _trend())
_POLYFIT = _result(
    "scaling_lib.inverse",
    "weighted_polyfit",
    lambda: {
        "u": np.linspace(-1, 1, 8),
        "y": np.linspace(0.8, 0.6, 8) + 0.05 * np.linspace(-1, 1, 8) ** 2,
        "se": np.full(8, 0.02),
        "degree": 2,
    },
)
_PCA = _result(
    "scaling_lib.emergence",
    "capability_components",
    lambda: {"matrix": np.random.default_rng(0).random((10, 3))},
)
_KAPLAN_FIT = _result(
    "scaling_lib.kaplan",
    "fit_kaplan_loss",
    lambda: {**_kaplan_grid(), "n_starts": 3, "rng": 0},
)
LEVEL = number(low=0, high=1, low_open=True, high_open=True)
#: any real x: finite, any shape, empty allowed
ANY_X = array(positive=False, ndim1=False, min_size=0)
#: standard errors: >= 0 (a task answered the same way by every seed has 0, and the fits
#: floor it at min_se), finite, one per point
SE = array(positive=False, low=0)
SE_ONE = array(positive=False, ndim1=False, min_size=0, low=0)
#: the same, where a parabola is evaluated: 1e300 squared overflows and is refused by name;
#: 1e299 is not a bound of the function (its square overflows too), so nothing is accepted there
PARABOLA_X = array(
    positive=False, ndim1=False, min_size=0, high=1e299
).accepting()


def _chapter(module, name):
    def factory():
        return getattr(importlib.import_module(module), name)

    return factory


SHAPE = {"shape": thing()}
CONST = {"constants": thing()}
PARAMS = {"params": thing()}
POS = array(ndim1=False, min_size=0)
PROB = array(ndim1=False, min_size=0, positive=False, low=0, high=1)
FRAME = custom(None, "abc", {}, [1, 2], pd.DataFrame({"a": [1.0]}))
POS_NUMBER = number(low=0, low_open=True)

CHAPTERS: dict[str, dict[str, Entry | str]] = {
    "scaling_lib.kaplan": {
        "KaplanConstants": Entry(
            dict,
            {
                k: number(low=0, low_open=True)
                for k in (
                    "alpha_n",
                    "n_c",
                    "alpha_d",
                    "d_c",
                    "alpha_c_min",
                    "c_c_min",
                    "alpha_c",
                    "c_c",
                    "alpha_b",
                    "b_star",
                    "alpha_s",
                    "s_c",
                    "p_n",
                    "n_e",
                    "p_b",
                    "b_e",
                    "p_s",
                    "s_e",
                    "p_d",
                    "d_e",
                    "p_n_raw",
                    "n_e_raw",
                )
            },
            result="none",
        ),
        "KaplanConstants.source": Entry(
            lambda: {"name": "alpha_n"},
            {"name": choice("alpha_n")},
            call=method(_kaplan, "source"),
            result="none",
        ),
        "KaplanConstants.unit": Entry(
            lambda: {"name": "n_c"},
            {"name": choice("n_c")},
            call=method(_kaplan, "unit"),
            result="none",
        ),
        "KaplanConstants.rows": Entry(
            dict, call=method(_kaplan, "rows"), result="none"
        ),
        "flops_to_pf_days": Entry(lambda: {"compute": 1e20}, {"compute": POS}),
        "pf_days_to_flops": Entry(lambda: {"pf_days": 1.0}, {"pf_days": POS}),
        **{
            f: Entry(lambda a=a: {a: np.logspace(7, 10, 4)}, {a: POS, **CONST})
            for f, a in (
                ("loss_from_params", "n_params"),
                ("loss_from_tokens", "n_tokens"),
                ("loss_from_compute", "compute"),
                ("optimal_params", "compute"),
                ("optimal_tokens", "compute"),
                ("optimal_batch_size", "compute"),
                ("optimal_steps", "compute"),
            )
        },
        "overfitting_tokens": Entry(
            lambda: {"n_params": np.logspace(7, 10, 4)},
            {
                "n_params": POS,
                **CONST,
                "threshold": number(low=0, high=1, low_open=True),
            },
        ),
        "loss_from_params_tokens": Entry(
            lambda: {"n_params": 1e9, "n_tokens": 2e10},
            {"n_params": POS, "n_tokens": POS, **CONST},
        ),
        "loss_from_params_steps": Entry(
            lambda: {"n_params": 1e9, "steps": 1e5},
            {"n_params": POS, "steps": POS, **CONST},
        ),
        "overfitting_ratio": Entry(
            lambda: {"n_params": 1e9, "n_tokens": 2e10},
            {"n_params": POS, "n_tokens": POS, **CONST},
        ),
        "critical_batch_size": Entry(
            lambda: {"loss": 3.0}, {"loss": POS, **CONST}
        ),
        "tokens_to_reach_loss": Entry(
            lambda: {"loss": 3.0, "n_params": 1e9},
            {"loss": POS, "n_params": POS, **CONST},
        ),
        "predicted_allocation_exponents": Entry(dict, CONST),
        "resource_factor": Entry(
            lambda: {"exponent": 0.076},
            {
                "exponent": POS,
                "loss_ratio": number(
                    low=0, high=1, low_open=True, high_open=True
                ),
            },
        ),
        "KaplanLossFit": RESULT_RECORD,
        "KaplanLossFit.predict": Entry(
            lambda: {"n_params": [1e8, 1e9], "n_tokens": [1e9, 1e10]},
            {"n_params": POS, "n_tokens": POS},
            call=method(_KAPLAN_FIT, "predict"),
        ),
        "fit_kaplan_loss": Entry(
            lambda: {**_kaplan_grid(), "n_starts": 3},
            {
                **RUN_ARRAYS,
                "n_starts": integer(minimum=1, maximum=1000),
                "rng": rng(),
            },
            ("n_params", "loss"),
            result="fit",
            examples=4,
        ),
        "IsoFlopFrontier": RESULT_RECORD,
        "compute_efficient_frontier": Entry(
            lambda: _iso(),
            {
                "compute": ARRAY,
                "n_params": ARRAY,
                "loss": ARRAY,
                "window": custom("abc", -1.0, 0.0, [1.0], math.nan),
            },
            ("compute", "loss"),
            result="none",
        ),
        "BootstrapExponent": RESULT_RECORD,
        "bootstrap_exponent": Entry(
            lambda: {**_xy(), "n_boot": 50},
            {
                "x": ARRAY,
                "y": ARRAY,
                "n_boot": integer(minimum=1, maximum=10**5),
                "rng": rng(),
            },
            ("x", "y"),
            result="none",
        ),
    },
    "scaling_lib.chinchilla": {
        "ParametricLoss": Entry(
            lambda: {
                "E": 1.69,
                "A": 406.4,
                "B": 410.7,
                "alpha": 0.34,
                "beta": 0.28,
            },
            {
                **{
                    k: number(low=0, low_open=True)
                    for k in ("E", "A", "B", "alpha", "beta")
                },
                "source": text(),
            },
            result="none",
        ),
        "ParametricLoss.from_lse": Entry(
            lambda: {"theta": [6.0, 6.0, 0.5, 0.3, 0.3]},
            {
                "theta": custom(
                    None,
                    "abc",
                    [],
                    [1.0] * 4,
                    [[6.0, 6.0, 0.5, 0.3, 0.3]],
                    [6.0, 6.0, 0.5, 0.3, math.nan],
                    [1000.0, 6.0, 0.5, 0.3, 0.3],
                    [6.0, 6.0, 0.5, -0.3, 0.3],
                ),
                "source": text(),
            },
            call=method(_hoffmann, "from_lse"),
            result="none",
        ),
        "ParametricLoss.loss": Entry(
            lambda: {"n_params": 1e9, "n_tokens": 2e10},
            {"n_params": POS, "n_tokens": POS},
            call=method(_hoffmann, "loss"),
        ),
        **{
            f"ParametricLoss.{m}": Entry(
                lambda: {"compute": 1e22},
                {"compute": POS},
                call=method(_hoffmann, m),
                result="none",
            )
            for m in ("compute_optimal", "tokens_per_param", "optimal_loss")
        },
        "ParametricLoss.n_tokens_for_loss": Entry(
            lambda: {"n_params": 1e10, "target_loss": 2.2},
            {"n_params": POS, "target_loss": POS},
            call=method(_hoffmann, "n_tokens_for_loss"),
        ),
        "AllocationExponents": RESULT_RECORD,
        "compute_optimal_numeric": Entry(
            lambda: {"params": _hoffmann(), "compute": np.logspace(20, 24, 3)},
            {**PARAMS, "compute": POS},
            result="none",
        ),
        "allocation_table": Entry(
            lambda: {"params": _hoffmann()},
            {**PARAMS, "n_params": array(optional=True)},
            result="none",
        ),
        "default_start_grid": Entry(dict),
        "allocation": Entry(
            lambda: {"A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28},
            {k: array(ndim1=False) for k in ("A", "B", "alpha", "beta")},
            result="none",
        ),
        "design_problem": Entry(
            lambda: {k: _runs()[k] for k in ("n_params", "n_tokens")},
            {"n_params": ARRAY, "n_tokens": ARRAY},
            ("n_params", "n_tokens"),
            result="none",
        ),
        "group_budgets": Entry(
            lambda: {"compute": _iso()["compute"]},
            {
                "compute": ARRAY,
                "budgets": array(optional=True),
                "rtol": number(low=0, high=1, low_open=True),
            },
            result="none",
        ),
        "stopping_points": Entry(
            lambda: {
                **_runs(8),
                "starts": np.array([[6.0, 6.0, 0.5, 0.3, 0.3]]),
            },
            {
                **RUN_ARRAYS,
                "delta": DELTA,
                "reduction": choice("sum", "mean"),
                "starts": STARTS,
            },
            ("n_params", "loss"),
            result="none",
        ),
        "huber_objective": Entry(
            lambda: {**_runs(), "theta": np.array([6.0, 6.0, 0.5, 0.3, 0.3])},
            {
                # shape (5,) or (S, 5) is valid: one row of four, or 3-D, is not
                "theta": custom(
                    None, "abc", [1.0], [[1.0] * 4], [[[1.0] * 5]]
                ),
                **RUN_ARRAYS,
                "delta": DELTA,
            },
            ("n_params", "loss"),
        ),
        "ParametricLossFit": RESULT_RECORD,
        "fit_parametric_loss": Entry(
            lambda: _runs(8),
            {
                **RUN_ARRAYS,
                "delta": DELTA,
                "n_polish": integer(minimum=1, maximum=1000),
                "max_iter": integer(minimum=1, maximum=10**5),
                "starts": STARTS,
            },
            ("n_params", "loss"),
            result="fit",
            examples=4,
        ),
        "fit_parametric_loss_reference": Entry(
            lambda: {
                **_runs(8),
                "starts": np.array([[6.0, 6.0, 0.5, 0.3, 0.3]]),
            },
            {
                **RUN_ARRAYS,
                "delta": DELTA,
                "reduction": choice("sum", "mean"),
                "starts": STARTS,
            },
            ("n_params", "loss"),
            result="fit",
            examples=4,
        ),
        "refit_parametric_loss": Entry(
            lambda: {
                **_runs(8),
                "previous": _chapter(
                    "scaling_lib.chinchilla", "fit_parametric_loss"
                )()(**_runs(8)),
            },
            {
                **RUN_ARRAYS,
                "previous": thing(),
                "delta": DELTA,
            },
            ("n_params", "loss"),
            result="fit",
            examples=3,
        ),
        "BootstrapResult": RESULT_RECORD,
        "BootstrapResult.interval": Entry(
            lambda: {"level": 0.9},
            {"level": LEVEL},
            call=method(_BOOTSTRAP, "interval"),
        ),
        "BootstrapResult.tokens_per_param": Entry(
            lambda: {"compute": [1e21, 1e23]},
            {"compute": POS},
            call=method(_BOOTSTRAP, "tokens_per_param"),
        ),
        "bootstrap": Entry(
            lambda: {**_runs(8), "n_resamples": 3},
            {
                **RUN_ARRAYS,
                "n_resamples": integer(minimum=1, maximum=10**5),
                "rng": rng(),
                "delta": DELTA,
                # None (the default) fits the runs first
                "fit": custom("abc", 3, {}, [1.0]),
                "max_iter": integer(minimum=1, maximum=10**5),
            },
            ("n_params", "loss"),
            result="none",
            examples=3,
        ),
        "IsoFLOPResult": RESULT_RECORD,
        "isoflop_minima": Entry(
            _iso,
            {
                "n_params": ARRAY,
                "compute": ARRAY,
                "loss": ARRAY,
                "budgets": array(optional=True),
                "rtol": number(low=0, high=1, low_open=True),
                "min_points": integer(minimum=3, maximum=1000),
                # decades of N; None (a valid value) fits the whole curve
                "window": custom(
                    0, -1.0, 101.0, "a", math.nan, math.inf, [1.0], True
                ),
            },
            ("n_params", "loss"),
            result="fit",
        ),
        "IsoFLOPBootstrap": RESULT_RECORD,
        "bootstrap_isoflop": Entry(
            lambda: {**_iso(), "n_resamples": 5},
            {
                "n_params": ARRAY,
                "compute": ARRAY,
                "loss": ARRAY,
                "n_resamples": integer(minimum=1, maximum=10**5),
                "rng": rng(),
                "budgets": array(optional=True),
                "rtol": number(low=0, high=1, low_open=True),
                "min_points": integer(minimum=3, maximum=1000),
                # decades of N; None (a valid value) fits the whole curve
                "window": custom(
                    0, -1.0, 101.0, "a", math.nan, math.inf, [1.0], True
                ),
            },
            ("n_params", "loss"),
            result="none",
            examples=4,
        ),
        "EnvelopeResult": RESULT_RECORD,
        "envelope_fit": Entry(
            _iso,
            {"n_params": ARRAY, "compute": ARRAY, "loss": ARRAY},
            ("n_params", "loss"),
            result="fit",
        ),
        "InferenceOptimum": RESULT_RECORD,
        "compute_for_loss": Entry(
            lambda: {"params": _hoffmann(), "target_loss": 2.2},
            {**PARAMS, "target_loss": number(low=0, low_open=True)},
        ),
        "inference_optimal": Entry(
            lambda: {
                "params": _hoffmann(),
                "target_loss": 2.2,
                "inference_tokens": 1e12,
            },
            {
                **PARAMS,
                "target_loss": number(low=0, low_open=True),
                "inference_tokens": array(ndim1=False, positive=False),
            },
            result="none",
        ),
    },
    "scaling_lib.exercises.kaplan": {
        "check_lnd_loss": Entry(
            lambda: {"answer": 2.4, "n_params": 1e9, "n_tokens": 2e10},
            {"n_params": POS_NUMBER, "n_tokens": POS_NUMBER},
            answers=("answer",),
            result="feedback",
        ),
        "check_pf_days": Entry(
            lambda: {"answer": 1.0, "compute": 1e20},
            {"compute": POS_NUMBER},
            answers=("answer",),
            result="feedback",
        ),
        "check_optimal_params": Entry(
            lambda: {"answer": 1e9, "compute": 1e20},
            {"compute": POS_NUMBER},
            answers=("answer",),
            result="feedback",
        ),
        "check_overfitting_tokens": Entry(
            lambda: {"answer": 1e10, "n_params": 1e9},
            {"n_params": POS_NUMBER},
            answers=("answer",),
            result="feedback",
        ),
        "check_table6_ratio": Entry(
            lambda: {"answer": 1.0}, answers=("answer",), result="feedback"
        ),
        "check_spectrum_exponent": Entry(
            lambda: {"answer": 0.5},
            {
                "alpha": number(low=0, high=10, low_open=True),
                "tolerance": number(low=0, high=10, low_open=True),
            },
            answers=("answer",),
            result="feedback",
        ),
        "check_exponent": Entry(
            lambda: {"answer": 0.5, "expected": 0.5},
            {
                "expected": number(),
                "name": text(),
                "tolerance": number(low=0, low_open=True),
            },
            answers=("answer",),
            result="feedback",
        ),
        "check_loglog_fit": Entry(
            lambda: {"func": lambda x, y: (0.0, 1.0)},
            {"rng": rng()},
            answers=("func",),
            result="feedback",
        ),
    },
    "scaling_lib.exercises.chinchilla": {
        "check_compute_optimal": Entry(
            lambda: {"n_params": 1e10, "n_tokens": 1e11, "compute": 1e22},
            {"compute": POS_NUMBER, **PARAMS},
            answers=("n_params", "n_tokens"),
            result="feedback",
        ),
        "check_swapped_ratio": Entry(
            lambda: {"answer": 2.0, "compute": 1e22},
            {"compute": POS_NUMBER, **PARAMS},
            answers=("answer",),
            result="feedback",
        ),
        "check_loss_gap": Entry(
            lambda: {
                "answer": 0.01,
                "n_params": 1e10,
                "n_tokens": 1e11,
                "params": _hoffmann(),
            },
            {"n_params": POS_NUMBER, "n_tokens": POS_NUMBER, **PARAMS},
            answers=("answer",),
            result="feedback",
        ),
        "check_isoflop_exponent": Entry(
            lambda: {
                "answer": 0.5,
                "dataset": "owt2",
                "step": "Correcting warmup",
            },
            {
                "dataset": choice("rw", "owt2"),
                "step": choice("Correcting warmup"),
            },
            answers=("answer",),
            result="feedback",
        ),
        "check_inference_optimal": Entry(
            lambda: {
                "n_params": 1e10,
                "n_tokens": 1e12,
                "params": _hoffmann(),
                "target_loss": 2.0,
                "inference_tokens": 1e13,
            },
            {
                **PARAMS,
                "target_loss": number(low=1.7, high=10),
                "inference_tokens": POS_NUMBER,
            },
            answers=("n_params", "n_tokens"),
            result="feedback",
        ),
        "check_tokens_per_param": Entry(
            lambda: {"answer": 20.0, "compute": 1e22, "params": _hoffmann()},
            {"compute": POS_NUMBER, **PARAMS},
            answers=("answer",),
            result="feedback",
        ),
        "check_huber_objective": Entry(
            lambda: {"func": lambda *a: 0.0},
            {"rng": rng()},
            answers=("func",),
            result="feedback",
        ),
    },
    "scaling_lib.emergence": {
        "sequence_exact_match": Entry(
            lambda: {"p_token": 0.9, "length": 5},
            {"p_token": PROB, "length": count()},
        ),
        "per_token_accuracy": Entry(
            lambda: {"exact_match": 0.5, "length": 5},
            {"exact_match": PROB, "length": count()},
        ),
        "expected_token_errors": Entry(
            lambda: {"p_token": 0.9, "length": 5},
            {"p_token": PROB, "length": count()},
        ),
        "token_accuracy_from_loss": Entry(
            lambda: {"loss": np.array([0.5, 1.0])},
            {"loss": array(ndim1=False, min_size=0, positive=False)},
        ),
        "size_at_exact_match": Entry(
            lambda: {"level": 0.5, "length": 10},
            {
                "level": number(low=0, high=1, low_open=True, high_open=True),
                "length": count(),
                "scale": number(low=0, low_open=True),
                "exponent": number(high=0, high_open=True),
            },
        ),
        "simulate_metrics": Entry(
            lambda: {"n_params": np.logspace(7, 10, 4)},
            {
                "n_params": POS,
                "scale": number(low=0, low_open=True),
                "exponent": number(),
                "length": count(),
                "n_questions": count(optional=True),
                "rng": rng(),
            },
            result="none",
        ),
        "sigmoid": Entry(
            lambda: {
                "x": np.linspace(20, 25, 8),
                "midpoint": 22.0,
                "slope": 2.0,
            },
            {
                "x": array(ndim1=False, positive=False, min_size=0),
                "midpoint": number(),
                "slope": number(low=0, low_open=True),
                "floor": number(low=0, high=1),
                "ceiling": number(low=0, high=1),
            },
        ),
        "SigmoidFit": RESULT_RECORD,
        "SigmoidFit.predict": Entry(
            lambda: {"x": [21.0, 23.0]},
            {"x": ANY_X},
            call=method(_SIGMOID_FIT, "predict"),
        ),
        "SigmoidFit.x_at": Entry(
            lambda: {"level": 0.5},
            {
                # strictly between the fit's floor (0) and ceiling (about 1)
                "level": custom(
                    None,
                    "a",
                    [0.5],
                    np.array([0.4, 0.6]),
                    math.nan,
                    math.inf,
                    10**400,
                    0.0,
                    1.0,
                    -0.5,
                    True,
                )
            },
            call=method(_SIGMOID_FIT, "x_at"),
        ),
        "fit_sigmoid": Entry(
            _sig,
            {
                "x": array(positive=False),
                "y": array(positive=False),
                # floor=1 leaves no room for a rise: the fit fails and says so
                "floor": number(low=0, high=1).accepting(0.0),
                "ceiling": custom("abc", 1.5, -0.1, math.nan, [0.5]),
                "slope_bounds": custom(None, (2.0, 1.0), (-1.0, 1.0), "ab"),
            },
            ("x", "y"),
            result="fit",
        ),
        "HoldoutPrediction": RESULT_RECORD,
        "holdout_prediction": Entry(
            lambda: {**_sig(), "train": _sig()["x"] < 22.5},
            {
                "x": array(positive=False),
                "y": array(positive=False),
                # the valid call gives train: any cutoff besides is refused by name
                "cutoff": custom("abc", math.nan, [22.5], 22.5),
                "train": custom(
                    "abc",
                    3,
                    [True] * 3,
                    np.ones(12),
                    np.zeros(12, bool),
                    np.ones(12, bool),
                    np.arange(12) < 3,
                ),
                # **fit_kwargs, passed to fit_sigmoid
                "floor": number(low=0, high=1),
                "ceiling": custom("abc", 1.5, -0.1, math.nan, [0.5]),
            },
            ("x", "y"),
            result="none",
        ),
        "crossing_point": Entry(
            lambda: {**_sig(), "level": 0.5},
            {
                "x": array(positive=False),
                "y": array(positive=False),
                "level": number(low=0, high=1),
            },
            ("x", "y"),
            result="none",
        ),
        "family_crossings": Entry(
            lambda: {"frame": _long(), "level": 0.5},
            {
                "frame": FRAME,
                "level": number(low=0, high=1),
                "x": text(),
                "y": text(),
                "group": text(),
            },
            result="none",
        ),
        "holdout_table": Entry(
            lambda: {
                "frame": _long(),
                "tasks": ["arith_3digit_add"],
                "cutoffs": [23.0],
            },
            {
                "frame": FRAME,
                "tasks": custom(None, 3, "nope", [3], []),
                "cutoffs": array(positive=False),
                "x": text(),
                "floors": custom(
                    "abc", 0.25, [0.25], {"arith_3digit_add": "a"}
                ),
                "ceiling": custom("abc", 1.5, -0.1, math.nan, [0.5]),
                # None (the default) keeps x as it is
                "bench": custom(
                    "abc", 3, {}, [1, 2], pd.DataFrame({"a": [1.0]})
                ),
                "columns": custom("mmlu", 3, {}, [3], [], [["a"]]),
            },
            result="none",
        ),
        "CapabilityPCA": RESULT_RECORD,
        "CapabilityPCA.transform": Entry(
            lambda: {"matrix": np.random.default_rng(1).random((4, 3))},
            {
                "matrix": custom(
                    None,
                    "abc",
                    [],
                    [1.0, 2.0, 3.0],
                    [[1.0, 2.0]],
                    [[np.nan, 1.0, 1.0]],
                    [[1.0, 10**400, 1.0]],
                    [[-1.7e308, 1.7e308, 1.7e308]],  # coordinates overflow
                )
            },
            call=method(_PCA, "transform"),
        ),
        "capability_components": Entry(
            lambda: {"matrix": np.random.default_rng(0).random((10, 3))},
            {
                "matrix": custom(
                    None, "abc", [], [1.0, 2.0], [[np.nan, 1.0], [1.0, 2.0]]
                ),
                "n_components": integer(minimum=1, maximum=3),
            },
            result="none",
        ),
        "observational_capability": Entry(
            lambda: {
                "bench": _chapter(
                    "scaling_lib.data", "load_emergence_benchmarks"
                )()()
            },
            {
                "bench": FRAME,
                "columns": custom(None, "mmlu", [], ["nope"]),
                "n_components": integer(minimum=1, maximum=5),
                # None (the default) fits on every model
                "fit_on": custom(
                    "abc", 3, {}, [[1.0, 2.0]], [1.0], ["nope"], {"a": 1}
                ),
            },
            result="none",
        ),
    },
    "scaling_lib.inverse": {
        "WeightedPolyFit": RESULT_RECORD,
        "WeightedPolyFit.predict": Entry(
            lambda: {"u": [-0.5, 0.5]},
            {"u": PARABOLA_X},
            call=method(_POLYFIT, "predict"),
        ),
        "weighted_polyfit": Entry(
            lambda: {
                "u": np.linspace(-1, 1, 8),
                "y": np.linspace(0.8, 0.6, 8),
                "se": np.full(8, 0.02),
                "degree": 1,
            },
            {
                "u": array(positive=False),
                "y": array(positive=False),
                "se": SE,
                "degree": integer(minimum=1, maximum=2),
                "min_se": number(low=0, low_open=True),
                "tau": custom(-1.0, math.nan, math.inf, "abc", [0.1, 0.2]),
            },
            ("u", "y"),
            result="none",
        ),
        "TrendClassification": RESULT_RECORD,
        "TrendClassification.predict": Entry(
            lambda: {"log10_scale": [7.5, 9.5], "which": "parabola"},
            {
                "log10_scale": PARABOLA_X,
                "which": choice("auto", "line", "parabola"),
            },
            call=method(_TREND, "predict"),
        ),
        "TrendClassification.to_u": Entry(
            lambda: {"log10_scale": [7.5, 9.5]},
            {"log10_scale": ANY_X},
            call=method(_TREND, "to_u"),
        ),
        "classify_trend": Entry(
            _trend,
            {
                "scale": ARRAY,
                "accuracy": PROB,
                "accuracy_se": SE,
                "alpha": number(low=0, high=1, low_open=True, high_open=True),
                "min_effect": number(low=0),
                "min_se": number(low=0, low_open=True),
            },
            ("scale", "accuracy"),
            result="none",
        ),
        "classify_tasks": Entry(
            lambda: {"frame": _inverse()},
            {
                "frame": FRAME,
                "along": choice("size", "training"),
                "min_se": number(low=0, low_open=True),
            },
            result="none",
        ),
        "endpoint_change": Entry(
            lambda: {
                "acc_first": 0.8,
                "se_first": 0.02,
                "acc_last": 0.6,
                "se_last": 0.02,
            },
            {
                "acc_first": PROB,
                "se_first": SE_ONE,
                "acc_last": PROB,
                "se_last": SE_ONE,
            },
        ),
        "benjamini_hochberg": Entry(
            lambda: {"pvalues": [0.01, 0.2, 0.03]},
            {"pvalues": array(positive=False, low=0, high=1)},
        ),
        "michaelov_regression": Entry(
            lambda: {"frame": _inverse()},
            {"frame": FRAME, "nominal_sizes": boolean()},
            result="none",
        ),
        "dominance_pairs": Entry(
            lambda: {
                "n_params": [1e8, 1e9, 1e9],
                "n_tokens": [1e9, 1e9, 2e9],
                "accuracy": [0.8, 0.7, 0.6],
            },
            {"n_params": ARRAY, "n_tokens": ARRAY, "accuracy": PROB},
            ("n_params", "n_tokens", "accuracy"),
            result="none",
        ),
        "distractor_accuracy": Entry(
            lambda: {
                "loss": np.linspace(2.0, 3.0, 8),
                "loss_distractor": 2.5,
                "loss_true": 2.0,
            },
            {
                "loss": POS,
                "loss_distractor": number(low=0, low_open=True),
                "loss_true": number(low=0, low_open=True),
                "width": number(low=0, low_open=True),
                "chance": number(low=0, high=1),
            },
        ),
    },
}

for _module, _entries in CHAPTERS.items():
    CONTRACT[_module] = dict(_entries)  # a copy: entry files add to it
    COVERED.append(_module)


def TransformerShape_tiny():  # noqa: N802 - names what it builds
    from scaling_lib.flops import TransformerShape

    return TransformerShape(
        n_layers=2, d_model=16, n_heads=2, n_ctx=8, vocab_size=50
    )


# ------------------------------------------------------------------ chapters 0 and 1
def _view(cls):
    """A fresh widget view of ``scaling_lib.plotting.<module>.<cls>``."""

    def factory():
        from scaling_lib.plotting import flops as pf
        from scaling_lib.plotting import power_laws as pp

        return getattr(pf if hasattr(pf, cls) else pp, cls)()

    return factory


def _widget(cls, update_fn, kinds, **valid):
    """Entries for a widget view's ``update`` method and the plain update function, every
    argument of both with its kind."""
    return {
        f"{cls}.update": Entry(
            dict,
            kinds,
            call=method(_view(cls), "update"),
            result="none",
            **FIGURE,
        ),
        update_fn: Entry(
            lambda: {"view": _view(cls)(), **valid},
            {"view": thing(), **kinds},
            result="none",
            **FIGURE,
        ),
    }


def _counter():
    from scaling_lib.counted import FlopCounter

    return FlopCounter()


def _device():
    from scaling_lib.inference import H100_SXM

    return H100_SXM


def _modern():
    from scaling_lib.flops import MIXTRAL_8X7B

    return MIXTRAL_8X7B


def _memory_configs():
    from scaling_lib.flops import GPT3_175B, training_memory

    return {"1 device": training_memory(GPT3_175B)}


SHAPE_COUNT = {"shape": thing()}
#: whole counts >= 1 of any shape (devices, layers, heads): 2.5 is refused, 8.0 is not
WHOLE = array(ndim1=False, min_size=0, whole=True)
#: a count of tokens or FLOPs that may be 0: finite, not negative, any shape
CONTEXT = custom(
    *NOT_A_NUMBER, [1.0, math.nan], [1.0, math.inf], [-1.0], [1.0, 10**400]
)
CAPACITY = custom(
    0, -1.0, "80", math.nan, [80.0], True
)  # optional device memory, GB
OPTIONAL_COUNT = custom(
    0, -1.0, "1e9", math.nan, math.inf, [1.0, 2.0], True
)  # None = default
STUDENT_FUNCTION = custom(None, 3, "f", [1])
#: the optional shape arguments of the attention-share figures
ATTENTION_SHAPE = {
    "n_layers": integer(minimum=1, maximum=1000),
    "d_head": integer(minimum=1, maximum=2**17),
    "vocab_size": integer(minimum=1, maximum=10**7),
}
CH01: dict[str, dict[str, Entry | str]] = {
    "scaling_lib.flops": {
        "TransformerShape": Entry(
            lambda: {
                "n_layers": 12,
                "d_model": 768,
                "n_heads": 12,
                "n_ctx": 1024,
                "vocab_size": 50257,
            },
            {
                "n_layers": count(),
                "d_model": count().accepting(768.0),  # divisible by n_heads
                "n_heads": count(),
                "n_ctx": count(),
                "vocab_size": count(),
                "d_ff": count(optional=True),
                "n_kv_heads": count(optional=True),
                "mlp": choice("standard", "gated"),
                "n_experts": count(),
                "experts_per_token": count().accepting(1.0),  # <= n_experts
                "tied_embeddings": boolean(),
                "biases": boolean(),
                "learned_positions": boolean(),
            },
            result="none",
        ),
        "PublishedModel": RESULT_RECORD,
        "PublishedRun": RESULT_RECORD,
        "TableA4Row": RESULT_RECORD,
        **{
            f: Entry(lambda: {"shape": _shape()}, SHAPE_COUNT)
            for f in (
                "kaplan_n_params",
                "gopher_n_params",
                "kaplan_flops_breakdown",
                "forward_flops_per_token",
                "chinchilla_forward_flops",
                "attention_flops_share",
                "param_breakdown",
            )
        },
        **{
            f: Entry(
                lambda: {"shape": _modern()},
                {**SHAPE_COUNT, "embeddings": boolean()},
            )
            for f in ("n_params", "active_params")
        },
        "chinchilla_training_flops": Entry(
            lambda: {"shape": _shape(), "n_tokens": 3e11},
            {**SHAPE_COUNT, "n_tokens": CONTEXT},
        ),
        "ratio_to_6nd": Entry(
            lambda: {"shape": _shape()},
            {
                **SHAPE_COUNT,
                "count_embeddings": boolean(),
                "count_logits": boolean(),
                "n_params_6nd": OPTIONAL_COUNT,
            },
        ),
        "table_a4_ratios": Entry(
            lambda: {"count_embeddings": True, "count_logits": True},
            {
                "count_embeddings": boolean(),
                "count_logits": boolean(),
                "n_params_convention": choice(
                    "gopher", "gopher_untied", "non_embedding", "kaplan"
                ),
            },
        ),
        "training_flops": Entry(
            lambda: {"n_params": 1e9, "n_tokens": 2e10},
            {"n_params": POS, "n_tokens": CONTEXT},
        ),
        "activation_memory_per_layer": Entry(
            lambda: {"shape": _shape()},
            {
                **SHAPE_COUNT,
                "micro_batch_size": count(),
                "tensor_parallel": count(),
                "sequence_parallel": boolean(),
                "recompute": choice("none", "selective", "full"),
            },
        ),
        "training_memory": Entry(
            lambda: {"shape": _shape()},
            {
                **SHAPE_COUNT,
                "n_params_override": OPTIONAL_COUNT,
                "micro_batch_size": count(),
                "data_parallel": count(),
                "tensor_parallel": count(),
                "pipeline_parallel": count(),
                "zero_stage": custom(-1, 4, 1.5, "1", None, True),
                "recompute": choice("none", "selective", "full"),
                "sequence_parallel": boolean(),
                # **deprecated: the old name n_params=, still accepted with a warning
                "n_params": OPTIONAL_COUNT,
            },
        ),
        "training_time": Entry(
            lambda: {
                "compute": 3e23,
                "n_devices": 1024,
                "peak_flops": 312e12,
                "mfu": 0.4,
            },
            {
                "compute": CONTEXT,
                "n_devices": WHOLE,
                "peak_flops": POS,
                "mfu": number(low=0, high=1, low_open=True),
            },
        ),
    },
    "scaling_lib.counted": {
        "FlopCounter": Entry(
            dict,
            {
                "counts": custom(
                    "abc",
                    10**400,
                    [("x", 1)],
                    {"x": -5.5},
                    {"x": -1},
                    {"x": 10**400},
                    {"x": math.nan},
                    {"x": "1"},
                    {3: 1},
                )
            },
            result="none",
        ),
        "FlopCounter.add": Entry(
            lambda: {"name": "x", "flops": 10},
            {"name": text(), "flops": integer(minimum=0)},
            call=method(_counter, "add"),
            result="none",
        ),
        "FlopCounter.matmul": Entry(
            lambda: {"name": "x", "a": np.ones((2, 3)), "b": np.ones((3, 4))},
            {
                "name": text(),
                "a": custom(None, "a", [1.0], np.ones(3)),
                "b": custom(None, "b", np.ones((4, 4))),
            },
            call=method(_counter, "matmul"),
            result="none",
        ),
        "counted_forward": Entry(
            lambda: {
                "shape": TransformerShape_tiny(),
                "tokens": np.arange(8) % 50,
            },
            {
                **SHAPE_COUNT,
                "tokens": custom(
                    None, "abc", [], [[1, 2]], [-1], [10**6], [1.5]
                ),
                "rng": rng(),
                "counter": custom("c", 3, {}),
            },
            result="none",
        ),
    },
    "scaling_lib.inference": {
        "Device": Entry(
            lambda: {
                "name": "X",
                "peak_flops": 1e15,
                "memory_bandwidth": 3e12,
                "memory_bytes": 8e10,
                "source": "a datasheet",
            },
            {
                "name": text(),
                "peak_flops": number(low=0, low_open=True),
                "memory_bandwidth": number(low=0, low_open=True),
                "memory_bytes": number(low=0, low_open=True),
                "source": text(),
            },
            result="none",
        ),
        "ThroughputReport": RESULT_RECORD,
        "matmul_params_per_token": Entry(
            lambda: {"shape": _modern()}, SHAPE_COUNT
        ),
        "weight_bytes": Entry(
            lambda: {"shape": _modern()},
            {**SHAPE_COUNT, "bytes_per_param": number(low=0, low_open=True)},
        ),
        **{
            f: Entry(
                lambda: {"shape": _modern(), "n_context": 4096},
                {**SHAPE_COUNT, "n_context": CONTEXT},
            )
            for f in (
                "forward_flops_per_token",
                "flops_breakdown_per_token",
                "decode_flops",
            )
        },
        "prefill_flops": Entry(
            lambda: {"shape": _modern(), "n_prompt": 4096},
            {**SHAPE_COUNT, "n_prompt": CONTEXT},
        ),
        "kv_cache_bytes": Entry(
            lambda: {"shape": _modern(), "n_tokens": 4096},
            {
                **SHAPE_COUNT,
                "n_tokens": CONTEXT,
                "bytes_per_value": number(low=0, low_open=True),
            },
        ),
        "experts_read": Entry(
            lambda: {"shape": _modern(), "batch_size": 4},
            {**SHAPE_COUNT, "batch_size": POS},
        ),
        "decode_step": Entry(
            lambda: {
                "shape": _modern(),
                "device": _device(),
                "batch_size": 4,
                "n_context": 128,
            },
            {
                **SHAPE_COUNT,
                "device": thing(),
                "batch_size": POS,
                "n_context": CONTEXT,
                "bytes_per_param": number(low=0, low_open=True),
                "bytes_per_value": number(low=0, low_open=True),
            },
            result="none",
        ),
        "palm_model_flops_per_token": Entry(
            lambda: {
                "n_params": 540e9,
                "n_layers": 118,
                "n_heads": 48,
                "d_head": 256,
                "seq_len": 2048,
            },
            {
                "n_params": POS,
                **{
                    k: WHOLE
                    for k in ("n_layers", "n_heads", "d_head", "seq_len")
                },
            },
        ),
        "mfu": Entry(
            lambda: {
                "tokens_per_second": 2e5,
                "flops_per_token": 3e12,
                "n_devices": 6144,
                "peak_flops": 275e12,
            },
            {
                "tokens_per_second": POS,
                "flops_per_token": POS,
                "n_devices": WHOLE,
                "peak_flops": POS,
            },
        ),
    },
    "scaling_lib.exercises.flops": {
        "check_training_days": Entry(
            lambda: {"answer_days": 1.0},
            {},
            answers=("answer_days",),
            result="feedback",
        ),
        **{
            f: Entry(
                lambda: {"answer": 1.0},
                {},
                answers=("answer",),
                result="feedback",
            )
            for f in (
                "check_gpt2_small_params",
                "check_crossover_appendix_f",
                "check_devices_for_model_states",
                "check_activation_gb",
                "check_mfu_llama3_8b",
                "check_decode_ms_llama2_70b",
                "check_remat_share",
            )
        },
        "check_forward_flops": Entry(
            lambda: {"func": lambda **c: 1.0},
            {},
            answers=("func",),
            result="feedback",
        ),
    },
    "scaling_lib.exercises.power_laws": {
        **{
            f: Entry(
                lambda: {"answer": 1.0},
                {},
                answers=("answer",),
                result="feedback",
            )
            for f in (
                "check_halving_factor",
                "check_extrapolation_factor",
                "check_porian_exponent",
            )
        },
        "check_fit_function": Entry(
            lambda: {"func": lambda x, y: (1.0, 1.0)},
            {},
            answers=("func",),
            result="feedback",
        ),
    },
    "scaling_lib.plotting.flops": {
        "plot_flops_breakdown": Entry(
            lambda: {"shapes": {"a": _shape()}},
            {"shapes": custom(None, {}, [1], {"a": 3})},
            result="none",
            **FIGURE,
        ),
        "plot_ratio_to_6nd": Entry(
            lambda: {"shapes": [_shape(), TransformerShape_tiny()]},
            {
                "shapes": custom(None, [], [1], "a"),
                "n_ctx_values": custom(None, [], [0], ["a"]),
            },
            result="none",
            **FIGURE,
        ),
        "plot_attention_share": Entry(
            dict,
            {
                "n_ctx": integer(minimum=1, maximum=2**24),
                "d_model": integer(minimum=1, maximum=2**17),
                **ATTENTION_SHAPE,
            },
            result="none",
            **FIGURE,
        ),
        "AttentionShareView": Entry(
            lambda: {"widths": (256, 1024)},
            {"widths": custom(None, [], [0], "a"), **ATTENTION_SHAPE},
            result="none",
            **FIGURE,
        ),
        **_widget(
            "AttentionShareView",
            "update_attention_share",
            {
                "n_ctx": integer(minimum=1, maximum=2**24),
                "d_model": integer(minimum=1, maximum=2**17),
            },
            n_ctx=2048,
            d_model=1024,
        ),
        "plot_attention_share_map": Entry(
            dict,
            ATTENTION_SHAPE,
            result="none",
            examples=2,
        ),
        "plot_table_a4": Entry(
            lambda: {"conventions": {"a": np.ones(6)}},
            {"conventions": custom(None, {}, {"a": [1.0]}, [1])},
            result="none",
            **FIGURE,
        ),
        "plot_measured_vs_analytic": Entry(
            lambda: {
                "analytic": [1.0, 2.0],
                "measured": [1.1, 2.1],
                "d_model": [16, 32],
            },
            {"analytic": ARRAY, "measured": ARRAY, "d_model": ARRAY},
            ("analytic", "measured"),
            result="none",
            **FIGURE,
        ),
        "plot_memory_breakdown": Entry(
            lambda: {"configs": _memory_configs()},
            {
                "configs": custom(None, {}, [1], {"a": 3}),
                "device_memory_gb": CAPACITY,
            },
            result="none",
            **FIGURE,
        ),
        "plot_params_and_flops": Entry(
            lambda: {"models": {"a": _modern()}},
            {
                "models": custom(None, {}, [1], {"a": 3}),
                "n_context": integer(minimum=0, maximum=2**24),
            },
            result="none",
            **FIGURE,
        ),
        "plot_kv_cache": Entry(
            lambda: {"shape": _modern()},
            {
                **SHAPE_COUNT,
                "device_memory_gb": CAPACITY,
                "n_tokens": array(whole=True, high=2**24, optional=True),
                "kv_heads": custom(
                    {}, [1], "a", {"a": 0}, {"a": "x"}, {"a": 2.5}
                ),
                "bytes_per_value": number(low=0, low_open=True, high=64),
            },
            result="none",
            **FIGURE,
        ),
        "plot_roofline": Entry(
            lambda: {"shape": _modern(), "devices": {"H100": _device()}},
            {
                **SHAPE_COUNT,
                "devices": custom(None, {}, [1], {"a": 3}),
                "batch_sizes": array(whole=True, high=2**20),
                "n_context": integer(minimum=0, maximum=2**24),
            },
            result="none",
            **FIGURE,
        ),
        "plot_decode_map": Entry(
            lambda: {"shape": _modern(), "device": _device()},
            {
                **SHAPE_COUNT,
                "device": thing(),
                "batch_sizes": array(high=2**20, optional=True),
                "contexts": array(high=2**24, optional=True),
            },
            result="none",
            **FIGURE,
        ),
        "plot_decode_point": Entry(
            dict,
            {
                "batch_size": integer(minimum=1, maximum=2**20),
                "n_context": integer(minimum=0, maximum=2**24),
                "shape": custom("a", 3, [1]),
                "device": custom("a", 3, [1]),
            },
            result="none",
            **FIGURE,
        ),
        "DecodePointView": Entry(
            dict,
            {"shape": custom("a", 3, [1]), "device": custom("a", 3, [1])},
            result="none",
            **FIGURE,
        ),
        **_widget(
            "DecodePointView",
            "update_decode_point",
            {
                "batch_size": integer(minimum=1, maximum=2**20),
                "n_context": integer(minimum=0, maximum=2**24),
            },
            batch_size=1,
            n_context=128,
        ),
    },
}
CH01["scaling_lib.plotting.power_laws"] = {
    "PowerLawExplorerView": Entry(
        dict, {"seed": rng()}, result="none", **FIGURE
    ),
    **_widget(
        "PowerLawExplorerView",
        "update_power_law_explorer",
        {
            "noise": number(low=0, high=1),
            "decades_fit": number(low=0.5, high=6),
            "offset": number(low=0, high=100),
        },
        noise=0.02,
        decades_fit=2.0,
        offset=1.0,
    ),
}
for _module, _entries in CH01.items():
    CONTRACT.setdefault(_module, {}).update(_entries)
    if _module not in COVERED:
        COVERED.append(_module)

# Chapter figure and check modules: one file each in contract_entries/, all enforced.
for _module, _entries in contract_entries.load().items():
    CONTRACT.setdefault(_module, {}).update(_entries)
    if _module not in COVERED:
        COVERED.append(_module)


def _kaplan_grid():
    from scaling_lib.kaplan import loss_from_params_tokens

    n, d = (
        a.ravel()
        for a in np.meshgrid(np.logspace(7, 9, 4), np.logspace(8, 10, 4))
    )
    return {
        "n_params": n,
        "n_tokens": d,
        "loss": loss_from_params_tokens(n, d),
    }


# ------------------------------------------------------------------ enumerating the public API
def public_api(module_name: str) -> set[str]:
    """Public callables defined in ``module_name`` (or in a private submodule of it, as
    ``scaling_lib.data`` re-exports its loaders), plus ``Class.method`` for every public
    method (class and static methods too) a public class defines itself."""
    mod = importlib.import_module(module_name)
    names = set()
    for name, obj in vars(mod).items():
        where = getattr(obj, "__module__", "") or ""
        if name.startswith("_") or not callable(obj):
            continue
        if not (where == module_name or where.startswith(module_name + ".")):
            continue
        names.add(name)
        if inspect.isclass(obj):
            names |= {
                f"{name}.{m}"
                for m, v in vars(obj).items()
                if not m.startswith("_")
                and (
                    inspect.isfunction(v)
                    or isinstance(v, (classmethod, staticmethod))
                )
            }
    return names


@pytest.mark.parametrize("module", COVERED)
def test_every_public_function_has_a_contract(module):
    missing = sorted(public_api(module) - set(CONTRACT.get(module, {})))
    assert not missing, (
        f"{module}: public functions without a contract entry: {missing}"
    )
    stale = sorted(set(CONTRACT.get(module, {})) - public_api(module))
    assert not stale, (
        f"{module}: contract entries for names that are not public: {stale}"
    )


def _library_modules():
    """Every public module of scaling_lib (no part of the name starting with ``_``)."""
    import pkgutil

    import scaling_lib

    return [
        m.name
        for m in pkgutil.walk_packages(scaling_lib.__path__, "scaling_lib.")
        if not any(part.startswith("_") for part in m.name.split("."))
    ]


def test_every_module_of_the_library_is_in_the_contract():
    """A new module cannot escape the contract: it is covered itself, or its package is
    covered and re-exports every public name of it (as ``scaling_lib.chinchilla`` does)."""

    def covered(module):
        if module in COVERED:
            return True
        parent = module.rpartition(".")[0]
        return parent in COVERED and public_api(module) <= public_api(parent)

    missing = [m for m in _library_modules() if not covered(m)]
    assert not missing, f"modules outside the contract: {missing}"


# ------------------------------------------------------------------ calling
def _resolve(module, name):
    if name.split(".")[0] not in vars(importlib.import_module(module)):
        raise LookupError(name)
    obj = importlib.import_module(module)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


class Hang(AssertionError):
    pass


def _alarm(signum, frame):
    raise Hang(f"no answer within {CALL_TIMEOUT} s: a loop without a bound?")


CALL_TIMEOUT = 10


def _call(module, name, entry, kwargs):
    fn = entry.call or _resolve(module, name)
    args = kwargs.pop("*", ())
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(CALL_TIMEOUT)
    try:
        return fn(*args, **kwargs)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        plt.close("all")


def _check_valid_result(entry, out):
    if entry.result == "fit":
        assert out.success is True, (
            f"a fit of valid data must succeed: {out.message!r}"
        )
        assert not nonfinite(out, frames=False), (
            f"a successful fit holds NaN or inf: {out!r}"
        )
    elif entry.result == "feedback":
        assert isinstance(out, Feedback)
    elif entry.result == "finite":
        assert not nonfinite(out, frames=False), (
            f"non-finite result from valid input: {out!r}"
        )


TABLE = CONTRACT
CASES = [
    (m, n) for m in TABLE for n, e in TABLE[m].items() if isinstance(e, Entry)
]
ARG_CASES = [(m, n, a) for m, n in CASES for a in TABLE[m][n].kinds]
ANSWER_CASES = [(m, n, a) for m, n in CASES for a in TABLE[m][n].answers]
LENGTH_CASES = [(m, n) for m, n in CASES if TABLE[m][n].same_length]


def _entry(module, name):
    """The contract entry of ``module.name``."""
    return TABLE[module][name]


def _kind(case):
    module, name, arg = case
    return _entry(module, name).kinds[arg]


def _id(case):
    """``plotting.kaplan:plot_x:fit``: select one module's cases with ``-k plotting.kaplan``."""
    if not isinstance(case, tuple):
        return str(case)
    return ":".join((case[0].removeprefix("scaling_lib."), *case[1:]))


def _random(entry, test):
    """Run ``test(data)`` on ``entry.examples`` random draws (``SETTINGS`` if unset)."""
    n = entry.examples or SETTINGS.max_examples
    given(data=st.data())(settings(SETTINGS, max_examples=n)(test))()


def _refusal_problem(case, bad) -> str | None:
    """None if ``bad`` in place of the argument is refused as the contract says: a
    ``ValueError`` that names the argument, or, for a fit only, a failed fit that says why;
    otherwise what went wrong."""
    module, name, arg = case
    entry = _entry(module, name)
    kwargs = entry.valid()
    if isinstance(bad, FromValid):
        if kwargs.get(arg) is None:
            return (
                None  # left at its default in the valid call: nothing to alter
            )
        bad = bad.make(kwargs[arg])
    kwargs[arg] = bad
    label = "parts" if arg == "*" else arg
    call = f"{name}({arg}={bad!r})"
    try:
        out = _call(module, name, entry, kwargs)
    except ValueError as exc:
        if names(str(exc), label):
            return None
        return f"{call}: the message does not name {label}: {exc}"
    except Hang:
        raise
    except Exception as exc:
        return f"{call} raised {type(exc).__name__}: {exc}"
    if entry.result == "fit" and out.success is False and out.message:
        return (
            None  # the one other way to refuse: a fit that fails and says why
        )
    return f"{call} was accepted and returned {out!r:.300}"


def _acceptance_problem(case, good) -> str | None:
    module, name, arg = case
    entry = _entry(module, name)
    kwargs = entry.valid()
    if isinstance(good, FromValid):
        if kwargs.get(arg) is None:
            return None  # the valid call leaves it at its default: no array to move
        good = good.make(kwargs[arg])
    kwargs[arg] = good
    try:
        _check_valid_result(entry, _call(module, name, entry, kwargs))
    except Hang:
        raise
    except Exception as exc:
        return f"{name}({arg}={good!r}): {type(exc).__name__}: {exc}"
    return None


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_the_valid_call_works(case):
    module, name = case
    entry = _entry(module, name)
    _check_valid_result(entry, _call(module, name, entry, entry.valid()))


def _listed(case, values, problem):
    """``problem(case, value)`` for each of ``values``: every one is tried."""
    problems = [p for value in values if (p := problem(case, value))]
    assert not problems, "\n".join(problems)


def _drawn(case, strategy, problem):
    """``problem(case, value)`` for ``Entry.examples`` values drawn from ``strategy``."""

    def draw(data):
        found = problem(case, data.draw(strategy, label=case[2]))
        assert found is None, found

    _random(_entry(*case[:2]), draw)


@pytest.mark.parametrize("case", ARG_CASES, ids=_id)
def test_every_listed_bad_value_is_refused_by_name(case):
    """Every value the kind lists as bad (``Kind.refuse``) is tried, one call each."""
    refuse = _kind(case).refuse
    assert refuse, f"{_id(case)}: the kind lists no bad value to refuse"
    _listed(case, refuse, _refusal_problem)


@pytest.mark.parametrize(
    "case", [c for c in ARG_CASES if _kind(c).bad is not None], ids=_id
)
def test_random_bad_values_are_refused_by_name(case):
    """On top of the listed ones, bad values drawn at random (``Entry.examples`` of them)."""
    _drawn(case, _kind(case).bad, _refusal_problem)


@pytest.mark.parametrize(
    "case", [c for c in ARG_CASES if _kind(c).accept], ids=_id
)
def test_every_listed_good_value_is_accepted(case):
    """Every value the kind lists as good (closed bounds, every choice, ...) gives a valid
    result."""
    _listed(case, _kind(case).accept, _acceptance_problem)


@pytest.mark.parametrize(
    "case", [c for c in ARG_CASES if _kind(c).good is not None], ids=_id
)
def test_random_good_values_give_valid_results(case):
    _drawn(case, _kind(case).good, _acceptance_problem)


#: what a failing Feedback says: what kind of answer was expected, or how far the answer is
FEEDBACK_SAYS = re.compile(
    r"\bshould (be|not be|return)\b|\btoo (high|low|large|small|few|many)\b"
    r"|\bwrong sign\b|\borders? of magnitude\b|\ba factor\b"
)


def _is_no_answer(value) -> bool:
    """None, NaN, an empty or non-numeric container, an arbitrary object: no check may mark
    such a value right, whatever the answer's kind."""
    if (
        value is None
        or isinstance(value, (dict, set, frozenset))
        and not value
    ):
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value) is object


@pytest.mark.parametrize("case", ANSWER_CASES, ids=_id)
def test_any_answer_gets_feedback_never_an_exception(case):
    """Every answer of ``ANSWER_VALUES``, then ``Entry.examples`` drawn at random."""
    module, name, arg = case
    entry = _entry(module, name)

    def check(value):
        kwargs = entry.valid()
        kwargs[arg] = value
        out = _call(module, name, entry, kwargs)  # must not raise
        if isinstance(out, Feedback):
            if _is_no_answer(value):
                assert not out, (
                    f"{name}({arg}={value!r}) was marked right: {out}"
                )
            if not out:
                assert FEEDBACK_SAYS.search(out), (
                    f"{name}({arg}={value!r}): the feedback says neither what was "
                    f"expected nor how far the answer is: {out}"
                )
        elif name == "parse_answer":
            assert isinstance(out, float) and math.isfinite(out)
            assert isinstance(value, (numbers.Real, str, list, np.ndarray))

    for value in ANSWER_VALUES:
        check(value)
    _random(entry, lambda data: check(data.draw(ANSWERS, label=arg)))


@pytest.mark.parametrize("case", LENGTH_CASES, ids=_id)
def test_mismatched_lengths_are_refused_by_name(case):
    module, name = case
    entry = _entry(module, name)
    first, second = entry.same_length[:2]
    kwargs = entry.valid()
    kwargs[second] = np.asarray(kwargs[second])[:-1]
    with pytest.raises(ValueError, match="same length") as info:
        _call(module, name, entry, kwargs)
    assert names(info.value, first) and names(info.value, second)


# ------------------------------------------------------------------ checks and their secrecy
@given(value=_floats(-1e12, 1e12).filter(lambda v: abs(v - 123.456) > 3))
@SETTINGS
def test_a_wrong_answer_never_shows_the_expected_value(value):
    from scaling_lib.exercises import check_close

    out = check_close(value, 123.456, name="N", hint="think again")
    assert not out
    assert "123.5" not in out and "123.46" not in out and "123.456" not in out


@pytest.mark.parametrize(
    "typed, expected", [(1e-300, 1e300), (1e300, 1e-300), (-1e300, -1e-300)]
)
def test_a_check_reports_any_size_of_error_without_overflow(typed, expected):
    from scaling_lib.exercises import check_close

    out = check_close(typed, expected, name="C")
    assert not out and "600 orders of magnitude" in out


@pytest.mark.parametrize(
    "typed",
    [
        10**400,
        None,
        math.nan,
        "ten",
        [1, 2],
        {"a": 1},
        True,
        1j,
        np.array([1.0, 2.0]),
        float("inf"),
    ],
)
def test_what_a_student_can_type_gets_a_failing_check_that_says_what_was_expected(
    typed,
):
    from scaling_lib.exercises import check_close

    out = check_close(typed, 5.0, name="N")
    assert isinstance(out, Feedback) and not out
    assert "single finite number" in out


# ------------------------------------------------------------------ degenerate data sets
@pytest.mark.parametrize(
    "fit, kwargs, reason",
    [
        (
            fitting.fit_power_law,
            {"x": [3.0] * 5, "y": [1, 2, 3, 4, 5]},
            "all x are equal",
        ),
        (fitting.fit_power_law, {"x": [3.0], "y": [1.0]}, "cannot identify"),
        (
            fitting.fit_power_law_offset,
            {"x": np.logspace(0, 3, 8), "y": np.full(8, 2.0)},
            "all y are equal",
        ),
        (
            fitting.fit_power_law_offset,
            {"x": np.full(8, 10.0), "y": np.linspace(2, 3, 8)},
            "all x are equal",
        ),
        (
            fitting.fit_power_law_offset,
            {"x": [1, 2, 3], "y": [3, 2, 1]},
            "at least 4",
        ),
    ],
    ids=[
        "one-x",
        "one-point",
        "constant-y",
        "offset-one-x",
        "offset-three-points",
    ],
)
def test_a_fit_the_data_cannot_identify_fails_and_says_why(
    fit, kwargs, reason
):
    out = fit(**kwargs)
    assert out.success is False and reason in out.message


def _entry_tables():
    """Every table of entries before they are merged into ``CONTRACT``: this file's three and
    one per file of ``contract_entries/``."""
    import pkgutil

    tables = {"CONTRACT": _FIRST_TABLE, "CHAPTERS": CHAPTERS, "CH01": CH01}
    for info in pkgutil.iter_modules(contract_entries.__path__):
        file = importlib.import_module(f"contract_entries.{info.name}")
        tables[f"contract_entries/{info.name}.py"] = file.ENTRIES
    return tables


def test_no_function_has_two_contract_entries():
    """The tables are merged by module, a later entry silently replacing an earlier one: a
    function listed twice would be tested by one entry only."""
    where: dict = {}
    for table_name, table in _entry_tables().items():
        for module, entries in table.items():
            for name in entries:
                where.setdefault((module, name), []).append(table_name)
    twice = {f"{m}.{n}": t for (m, n), t in where.items() if len(t) > 1}
    assert not twice, f"functions with two contract entries: {twice}"
    assert len(COVERED) == len(set(COVERED)), "a module is listed twice"
    assert set(COVERED) == set(CONTRACT)
    assert Path(DATA_DIR).is_dir()
