"""Probe: call every public function of every scaling_lib module with bad inputs and tally
what happens. Not a test (pytest does not collect it); run it by hand:

    python tests/probe_bad_inputs.py [--timeout 5] [--details probe.md] [module ...]

For each public function, a valid baseline call is built from ``VALID`` (by argument name) and
``BASELINE`` (by function). Then, one argument at a time, the baseline value is replaced by bad
values of its kind (negative, zero, NaN, inf, empty, mismatched length, 2-D for 1-D,
str/None/dict/list, 1e300, 1e-300, huge ints, and int/Generator/RandomState/str as ``rng``), and
the outcome is classified:

named      ``ValueError`` whose message names the argument (the contract), or a documented
           ``FileNotFoundError`` for a path
unnamed    ``ValueError`` that does not name the argument
other      any other exception escaping (``TypeError``, ``IndexError``, ...)
garbage    NaN/inf returned where the baseline returned finite values, a value that is bad for
           every function (NaN, inf, str for a number, None, dict, RandomState as rng) accepted,
           or a fit reporting ``success=True`` on a degenerate data set (``DEGENERATE``)
hang       no answer within ``--timeout`` seconds
accepted   a value that may be legitimate for this argument (negative, 0, 1e300, empty, 2-D,
           ...) gave finite output: listed for review, not counted as a failure

Functions whose baseline call itself fails are listed as "no baseline" (not probed).
Result records (dataclasses returned by fits) are not probed as constructors.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import numbers
import pkgutil
import resource
import signal
import sys
import warnings
from collections import Counter, defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from contract_support import names, nonfinite  # noqa: E402  (tests/ is the script's directory)
from test_api_contract import (  # noqa: E402  (the contract's own valid inputs)
    _ch6_frames,
    _ch6_ladder,
    _ch6_ot,
    _shape,
)

import scaling_lib  # noqa: E402

OUTCOMES = ["named", "unnamed", "other", "garbage", "hang", "accepted"]

# Result records: returned by the library, not built by users from raw input.
RESULT_TYPES = {
    "PowerLawFit",
    "OffsetPowerLawFit",
    "RandomFeatureResult",
    "AllocationExponents",
    "ParametricLossFit",
    "BootstrapResult",
    "IsoFLOPResult",
    "IsoFLOPBootstrap",
    "EnvelopeResult",
    "InferenceOptimum",
    "SigmoidFit",
    "HoldoutPrediction",
    "CapabilityPCA",
    "KaplanLossFit",
    "IsoFlopFrontier",
    "BootstrapExponent",
    "WeightedPolyFit",
    "TrendClassification",
    "FlopCounter",
    "PublishedRun",
    "TableA4Row",
    "EmergenceTask",
}
# Every module is probed; where the probe has no baseline of its own, the contract test's valid
# call serves (see _contract_call).
SKIP_MODULES: set[str] = set()


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout


# ---------------------------------------------------------------- valid baseline values
def _cache(fn):
    box = {}

    def get():
        if "v" not in box:
            box["v"] = fn()
        return box["v"]

    return get


@_cache
def _chinchilla_runs():
    from scaling_lib.data import load_chinchilla_runs

    return load_chinchilla_runs().iloc[::4].reset_index(drop=True)


@_cache
def _inverse_frame():
    from scaling_lib.data import load_inverse_scaling

    return load_inverse_scaling()


@_cache
def _emergence_long():
    from scaling_lib.data import load_emergence_long

    return load_emergence_long()


@_cache
def _emergence_bench():
    from scaling_lib.data import load_emergence_benchmarks

    return load_emergence_benchmarks()


@_cache
def _isoflop():
    from scaling_lib.data import (
        PORIAN_CONFIG_COLUMNS,
        PORIAN_FIGURE1_STEPS,
        load_porian_isoflops,
    )

    _, *setup = PORIAN_FIGURE1_STEPS[0]  # Kaplan's set-up, RefinedWeb runs
    return load_porian_isoflops(
        **dict(zip(PORIAN_CONFIG_COLUMNS, ["rw", *setup]))
    )


def _params():
    from scaling_lib.chinchilla import HOFFMANN_2022

    return HOFFMANN_2022


def _fit():
    from scaling_lib.fitting import fit_power_law

    x = np.logspace(0, 3, 8)
    return fit_power_law(x, 2 * x**-0.5)


X8 = np.logspace(0, 3, 8)
VALID = {  # by argument name
    "n_params": lambda: np.logspace(7, 10, 8),
    "n_tokens": lambda: np.logspace(9, 12, 8),
    "compute": lambda: np.logspace(18, 22, 8),
    "loss": lambda: np.linspace(3.5, 2.2, 8),
    "x": lambda: X8.copy(),
    "y": lambda: 2 * X8**-0.5,
    "shape": _shape,
    "params": _params,
    "rng": lambda: np.random.default_rng(0),
    "steps": lambda: np.logspace(3, 5, 8),
    "pf_days": lambda: np.logspace(-2, 2, 8),
    "samples": lambda: np.linspace(0, 1, 50),
    "decades": lambda: np.array([1.0, 2.0, 4.0]),
    "latent_dim": lambda: 64,
    "alpha": lambda: 1.0,
    "n_features": lambda: [4, 8],
    "n_samples": lambda: [16, 32],
    "answer": lambda: 1.0,
    "expected": lambda: 1.0,
    "name": lambda: "N",
    "p_token": lambda: 0.9,
    "length": lambda: 5,
    "exact_match": lambda: 0.5,
    "bleu_100": lambda: 30.0,
    "midpoint": lambda: 22.0,
    "slope": lambda: 2.0,
    "level": lambda: 0.5,
    "frame": _inverse_frame,
    "theta": None,
    "target_loss": lambda: 2.2,
    "inference_tokens": lambda: 1e12,
    "text": lambda: "1/2",
    "columns": None,
    "path": None,
    "matrix": lambda: np.random.default_rng(0).random((10, 3)),
    "bench": _emergence_bench,
    "ax": None,
    "axis": None,
    "fit": _fit,
    "xlabel": lambda: "x",
    "ylabel": lambda: "y",
    "x_fit": lambda: X8.copy(),
    "y_fit": lambda: 2 * X8**-0.5,
    "x_true": lambda: np.logspace(0, 4, 8),
    "y_true": lambda: 2 * np.logspace(0, 4, 8) ** -0.5,
    "spread": lambda: np.array([0.1, 0.05, 0.025]),
    "noise": lambda: 0.05,
    "tokens": lambda: np.arange(8) % 100,
    "d_model": lambda: 768,
    "answer_days": lambda: 30.0,
    "n_devices": lambda: 1024,
    "peak_flops": lambda: 312e12,
    "mfu": lambda: 0.4,
    "device_memory_gb": lambda: 80.0,
    "acc_first": lambda: 0.8,
    "se_first": lambda: 0.02,
    "acc_last": lambda: 0.6,
    "se_last": lambda: 0.02,
    "pvalues": lambda: [0.01, 0.2, 0.03],
    "scale": lambda: np.logspace(7, 10, 8),
    "accuracy": lambda: np.linspace(0.8, 0.6, 8),
    "accuracy_se": lambda: np.full(8, 0.02),
    "loss_distractor": lambda: 2.0,
    "loss_true": lambda: 2.5,
    "u": lambda: np.linspace(-1, 1, 8),
    "se": lambda: np.full(8, 0.02),
    "degree": lambda: 1,
    "exponent": lambda: -0.5,
    "E": lambda: 1.69,
    "A": lambda: 406.4,
    "B": lambda: 410.7,
    "beta": lambda: 0.28,
    "target": lambda: 0.5,
    "n_layers": lambda: 12,
    "n_heads": lambda: 12,
    "n_ctx": lambda: 1024,
    "vocab_size": lambda: 50257,
    "ok": lambda: False,
    "message": lambda: "why",
    "choices": lambda: ["positive", "inverse"],
}

# Arguments of check_* helpers that hold a student's answer: any value must give a Feedback
# (a failing one when the value is not an answer of the right kind), never an exception.
ANSWER_PARAMS = {"answer", "answer_days", "func"}  # func: a student's function
ANSWER_PARAMS_BY_FUNCTION = {
    "check_compute_optimal": {"n_params", "n_tokens"},
    "check_inference_optimal": {"n_params", "n_tokens"},
}

BASELINE = {  # by function: keyword arguments that override VALID
    "scaling_lib.chinchilla.fit_parametric_loss": lambda: _runs_kwargs(),
    "scaling_lib.chinchilla.bootstrap": lambda: {
        **_runs_kwargs(),
        "n_resamples": 3,
    },
    "scaling_lib.chinchilla.huber_objective": lambda: {
        **_runs_kwargs(),
        "theta": np.array([6.0, 6.0, 0.5, 0.3, 0.3]),
    },
    "scaling_lib.chinchilla.isoflop_minima": lambda: _iso_kwargs(),
    "scaling_lib.chinchilla.envelope_fit": lambda: _iso_kwargs(),
    "scaling_lib.chinchilla.bootstrap_isoflop": lambda: {
        **_iso_kwargs(),
        "n_resamples": 5,
    },
    "scaling_lib.chinchilla.compute_optimal_numeric": lambda: {
        "params": _params(),
        "compute": np.logspace(20, 24, 3),
    },
    "scaling_lib.kaplan.fit_kaplan_loss": lambda: _kaplan_grid(),
    "scaling_lib.kaplan.compute_efficient_frontier": lambda: _iso_kwargs(),
    "scaling_lib.kaplan.bootstrap_exponent": lambda: {"n_boot": 50},
    "scaling_lib.kaplan.tokens_to_reach_loss": lambda: {
        "loss": 3.0,
        "n_params": 1e9,
    },
    "scaling_lib.kaplan.critical_batch_size": lambda: {"loss": 3.0},
    "scaling_lib.emergence.fit_sigmoid": lambda: _sigmoid_data(),
    "scaling_lib.emergence.holdout_prediction": lambda: {
        **_sigmoid_data(),
        "cutoff": 22.5,
    },
    "scaling_lib.emergence.crossing_point": lambda: {
        **_sigmoid_data(),
        "level": 0.5,
    },
    "scaling_lib.emergence.family_crossings": lambda: {
        "frame": _emergence_long(),
        "level": 0.5,
    },
    "scaling_lib.emergence.holdout_table": lambda: {
        "frame": _emergence_long(),
        "tasks": [_emergence_long().task.iloc[0]],
        "cutoffs": [
            float(np.log10(_emergence_long().compute.dropna()).median())
        ],
    },
    "scaling_lib.emergence.token_accuracy_from_loss": lambda: {
        "loss": np.array([0.5, 1.0])
    },
    "scaling_lib.emergence.sigmoid": lambda: {"x": np.linspace(20, 25, 8)},
    "scaling_lib.inverse.classify_trend": lambda: {},
    "scaling_lib.inverse.distractor_accuracy": lambda: {
        "loss": np.linspace(2.0, 3.0, 8),
        "loss_distractor": 2.5,
        "loss_true": 2.0,
    },
    "scaling_lib.data.parse_test_cell": lambda: {
        "text": "t(60)=-4.22, p<0.001"
    },
    "scaling_lib.chinchilla.fit_parametric_loss_reference": lambda: {
        **_runs_kwargs(),
        "starts": np.array([[6.0, 6.0, 0.5, 0.3, 0.3]]),
    },
    "scaling_lib.flops.training_memory": lambda: {"n_params": 1.2e8},
    "scaling_lib.flops.chinchilla_training_flops": lambda: {"n_tokens": 3e11},
    "scaling_lib.flops.table_a4_ratios": lambda: {
        "count_embeddings": True,
        "count_logits": True,
    },
    "scaling_lib.counted.counted_forward": lambda: {"shape": _tiny_shape()},
    "scaling_lib.data.data_path": lambda: {
        "*parts": ("chinchilla", "svg_extracted_data.csv")
    },
    "scaling_lib.data.read_table": lambda: {
        "*parts": ("chinchilla", "svg_extracted_data.csv"),
        "columns": [
            "x",
            "y",
            "color",
            "Model Size",
            "Training FLOP",
            "hex_color",
            "loss",
        ],
    },
    "scaling_lib.data.sha256": lambda: {
        "path": Path(scaling_lib.__file__).parent
        / "data"
        / "chinchilla"
        / "README.md"
    },
    "scaling_lib.exercises.check_close": lambda: {
        "answer": 1.0,
        "expected": 1.0,
        "name": "N",
    },
    "scaling_lib.exercises.Feedback": lambda: {"ok": True, "message": "fine"},
    "scaling_lib.exercises.inverse.check_label": lambda: {
        "answer": "inverse",
        "expected": "inverse",
        "name": "t",
    },
    "scaling_lib.exercises.inverse.check_labels": lambda: {
        "answer": {"a"},
        "expected": {"a"},
    },
    "scaling_lib.exercises.inverse.check_endpoint_z": lambda: _inv_task(),
    "scaling_lib.exercises.inverse.check_turning_point": lambda: _inv_task(),
    "scaling_lib.exercises.chinchilla.check_isoflop_exponent": lambda: {
        "answer": 0.5,
        "dataset": "rw",
        "step": "Reproducing Kaplan et al.",
    },
    "scaling_lib.exercises.chinchilla.check_compute_optimal": lambda: {
        "n_params": 1e10,
        "n_tokens": 2e11,
        "compute": 1.2e22,
    },
    "scaling_lib.exercises.chinchilla.check_inference_optimal": lambda: {
        "n_params": 1e10,
        "n_tokens": 2e11,
        "params": _params(),
        "target_loss": 2.2,
        "inference_tokens": 1e12,
    },
    "scaling_lib.exercises.chinchilla.check_loss_gap": lambda: {
        "n_params": 1e10,
        "n_tokens": 2e11,
    },
    "scaling_lib.exercises.chinchilla.check_swapped_ratio": lambda: {
        "compute": 1e22
    },
    "scaling_lib.exercises.chinchilla.check_tokens_per_param": lambda: {
        "compute": 1e22
    },
    "scaling_lib.exercises.kaplan.check_lnd_loss": lambda: {
        "n_params": 1e9,
        "n_tokens": 2e10,
    },
    "scaling_lib.exercises.kaplan.check_pf_days": lambda: {"compute": 1e20},
    "scaling_lib.exercises.kaplan.check_optimal_params": lambda: {
        "compute": 1e20
    },
    "scaling_lib.exercises.kaplan.check_overfitting_tokens": lambda: {
        "n_params": 1e9
    },
    "scaling_lib.exercises.emergence.check_decades": lambda: {
        "expected": 22.0
    },
    "scaling_lib.exercises.flops.check_training_days": lambda: {
        "compute": 3e23
    },
    "scaling_lib.exercises.flops.check_devices_for_model_states": lambda: {
        "n_params": 1e10
    },
    "scaling_lib.plotting.log_axes": lambda: {"ax": _axes()},
    "scaling_lib.plotting.plain_log_ticks": lambda: {"axis": _axes().xaxis},
}


# ---- chapter 6 (practice): baselines of its modules
def _ch6_dc():
    from scaling_lib.data_constrained import MUENNIGHOFF_2023

    return MUENNIGHOFF_2023


def _ch6_runs():
    n = np.array([1e7, 3e7, 1e8, 3e8, 1e8, 3e7, 1e7, 3e8])
    u = np.array([1e8, 3e8, 1e9, 1e9, 2e8, 1e8, 1e9, 3e9])
    d = u * np.array([1, 2, 4, 8, 16, 32, 1, 2])
    return {
        "n_params": n,
        "n_tokens": d,
        "unique_tokens": u,
        "loss": _ch6_dc().loss(n, d, u),
    }


def _ch6_view():
    from scaling_lib.plotting.practice import DataConstrainedView

    return DataConstrainedView(_ch6_dc())


BASELINE.update(
    {
        "scaling_lib.data_constrained.repetitions": lambda: {
            "n_tokens": [4e9, 2e9],
            "unique_tokens": [1e9, 1e9],
        },
        "scaling_lib.data_constrained.effective_data": lambda: {
            "unique_tokens": 1e9,
            "n_tokens": 4e9,
            "r_star": 15.4,
        },
        "scaling_lib.data_constrained.unique_params": lambda: {
            "unique_tokens": 1e9,
            "base": _params(),
        },
        "scaling_lib.data_constrained.effective_params": lambda: {
            "n_params": 1e9,
            "unique_tokens": 1e9,
            "r_star": 5.3,
            "base": _params(),
        },
        "scaling_lib.data_constrained.DataConstrainedLoss": lambda: {
            "base": _params(),
            "r_d_star": 15.4,
            "r_n_star": 5.3,
        },
        "scaling_lib.data_constrained.repetition_objective": lambda: {
            "law": _ch6_dc(),
            **_ch6_runs(),
        },
        "scaling_lib.data_constrained.fit_repetition_constants": lambda: {
            **_ch6_runs(),
            "base": _ch6_dc().base,
            "starts": [15.0, 5.0],
        },
        "scaling_lib.data_constrained.paper_like_mask": _ch6_runs,
        "scaling_lib.data_constrained.data_constrained_optimum": lambda: {
            "law": _ch6_dc(),
            "compute": 1e21,
            "unique_tokens": 1e10,
            "n_grid": 101,
        },
        "scaling_lib.overtraining.fit_overtraining_law": _ch6_ot,
        "scaling_lib.overtraining.loss_vs_multiplier": lambda: {
            "params": _params(),
            "n_params": 1e9,
            "multiplier": 2.0,
        },
        "scaling_lib.workflow.simulate_ladder": lambda: {
            "law": _params(),
            "budgets": [1e18, 1e19],
            "rng": 0,
        },
        "scaling_lib.workflow.holdout_by_compute": lambda: {
            **_ch6_ladder(),
            "cutoff": 2e19,
        },
        "scaling_lib.workflow.prediction_band": lambda: {
            **_ch6_ladder(),
            "targets": [1e21],
            "n_resamples": 5,
            "rng": 0,
        },
        "scaling_lib.workflow.ladder_prediction_errors": lambda: {
            "law": _params(),
            "budgets": [1e18, 1e19, 1e20],
            "target": 1e22,
            "seeds": [0],
            "noise": 0.0,
        },
        "scaling_lib.workflow.fit_learning_curve": lambda: {
            "steps": np.arange(100.0, 5001.0, 100.0),
            "loss": 2.0 + (2e3 / np.arange(100.0, 5001.0, 100.0)) ** 0.7,
        },
        "scaling_lib.workflow.simulate_learning_curve": lambda: {
            "n_params": 1e8,
            "steps": [1e3, 1e4],
            "rng": 0,
        },
        "scaling_lib.plotting.practice.plot_holdout": _ch6_frames,
        "scaling_lib.plotting.practice.plot_effective_data": lambda: {
            "r_stars": {"a": 15.4}
        },
        "scaling_lib.plotting.practice.DataConstrainedView": lambda: {
            "law": _ch6_dc()
        },
        "scaling_lib.plotting.practice.data_constrained_view": lambda: {
            "n_params": 1e9
        },
        "scaling_lib.plotting.practice.update_data_constrained": lambda: {
            "view": _ch6_view(),
            "log10_unique": 10.0,
            "epochs": 4.0,
        },
        "scaling_lib.plotting.practice.plot_overtraining": lambda: {
            "runs": __import__("pandas").DataFrame(
                {
                    "n_params": [1e7, 1e7],
                    "multiplier": [1.0, 8.0],
                    "loss": [3.5, 3.3],
                }
            ),
            "law": _params(),
            "fit_max": 4.0,
            "label": "runs",
        },
        "scaling_lib.plotting.practice.plot_learning_curves": lambda: {
            "n_params_list": [1e7, 1e8],
            "steps": np.logspace(3, 5, 10),
        },
        "scaling_lib.exercises.practice.check_effective_data_function": lambda: {
            "func": lambda u, d, r: d
        },
        "scaling_lib.exercises.practice.check_overtrain_tokens": lambda: {
            "answer": 100.0,
            "law": _params(),
        },
        "scaling_lib.exercises.practice.check_data_wall_gap": lambda: {
            "answer": -0.03,
            "n_params": 1e10,
            "unique_tokens": 1e11,
            "epochs_a": 4,
            "epochs_b": 16,
        },
        "scaling_lib.exercises.practice.check_allocation_function": lambda: {
            "func": lambda law, c, u: (1e9, c / 6e9)
        },
    }
)
ANSWER_PARAMS_BY_FUNCTION.update(
    {
        "check_effective_data_function": {"func"},
        "check_allocation_function": {"func"},
    }
)


def _runs_kwargs():
    r = _chinchilla_runs()
    return {
        "n_params": r.n_params.to_numpy(),
        "n_tokens": r.n_tokens.to_numpy(),
        "loss": r.loss.to_numpy(),
    }


def _iso_kwargs():
    r = _isoflop()
    return {
        "n_params": r.params.to_numpy(),
        "compute": r.flops.to_numpy(),
        "loss": r.loss.to_numpy(),
    }


def _kaplan_grid():
    from scaling_lib.kaplan import loss_from_params_tokens

    n, d = np.meshgrid(np.logspace(7, 9, 4), np.logspace(8, 10, 4))
    n, d = n.ravel(), d.ravel()
    return {
        "n_params": n,
        "n_tokens": d,
        "loss": loss_from_params_tokens(n, d),
        "n_starts": 3,
    }


def _sigmoid_data():
    x = np.linspace(20, 25, 12)
    return {"x": x, "y": 1 / (1 + np.exp(-2 * (x - 22.5)))}


def _inv_task():
    f = _inverse_frame()
    return {"answer": 1.0, "frame": f, "task": f.task.iloc[0]}


def _tiny_shape():
    from scaling_lib.flops import TransformerShape

    return TransformerShape(
        n_layers=2, d_model=16, n_heads=2, n_ctx=8, vocab_size=50
    )


def _axes():
    import matplotlib.pyplot as plt

    return plt.subplots()[1]


# ---------------------------------------------------------------- bad values by kind
class Bad:
    """A bad value with a label; ``always_bad`` when no function may accept it."""

    def __init__(self, label, value, always_bad):
        self.label, self.value, self.always_bad = label, value, always_bad


def bad_values(name, base, n_arrays, annotation=""):
    """Bad values for an argument whose valid value is ``base`` and whose annotation (a string,
    under ``from __future__ import annotations``) is ``annotation``."""
    if name in ("rng", "seed"):
        return [
            Bad("rng=int", 0, False),
            Bad("rng=Generator", np.random.default_rng(1), False),
            Bad("rng=RandomState", np.random.RandomState(0), True),
            Bad("rng=str", "seed", True),
            Bad("rng=float", 1.5, True),
        ]
    if (
        base is None
    ):  # an optional argument left at its default: its kind is unknown
        return [
            Bad("dict", {}, False),
            Bad("str", "abc", False),
            Bad("int", 3, False),
        ]
    if (
        isinstance(base, numbers.Integral)
        and not isinstance(base, (bool, np.bool_))
        and "int" not in annotation
    ):
        # not annotated as int, with a whole valid value (2 bytes, a batch of 8 sequences):
        # a real number may be legitimate, so probe it as one
        base = float(base)
    common = [
        Bad("None", None, True),
        # an empty mapping is a valid value of a mapping (no marks, no extra fits)
        Bad(
            "dict", {}, "dict" not in annotation and not isinstance(base, dict)
        ),
    ]
    if isinstance(base, (bool, np.bool_)):
        return common + [Bad("str", "yes", True), Bad("int 2", 2, False)]
    if isinstance(base, numbers.Integral):
        return common + [
            Bad("negative", -1, False),
            Bad("zero", 0, False),
            Bad("float", 2.5, True),
            Bad("bool", True, True),
            Bad("huge int", 10**30, True),
            Bad("str", "3", True),
            Bad("NaN", float("nan"), True),
        ]
    if isinstance(base, numbers.Real):
        return common + [
            Bad("negative", -1.0, False),
            Bad("zero", 0.0, False),
            Bad("NaN", float("nan"), True),
            Bad("inf", float("inf"), True),
            Bad("1e300", 1e300, False),
            Bad("1e-300", 1e-300, False),
            Bad("huge int", 10**400, True),
            Bad("str", "abc", True),
            Bad("list", [1.0, 2.0], False),
        ]
    if isinstance(base, pd.DataFrame):
        return common + [
            Bad("str", "abc", True),
            Bad("empty frame", base.iloc[:0], False),
            Bad("missing column", base.drop(columns=base.columns[-1]), False),
            Bad("list", [1, 2], True),
        ]
    if isinstance(base, str):
        return [
            Bad("None", None, False),
            Bad("unknown str", "no-such-choice", False),
            Bad("int", 3, False),
            Bad("list", ["a"], False),
        ]
    if isinstance(base, Path):
        return [
            Bad("int", 123, True),
            Bad("dict", {}, True),
            Bad("missing file", base.with_name("no_such_file.csv"), False),
        ]
    if (
        isinstance(base, (list, tuple, np.ndarray, pd.Series))
        and np.asarray(base).dtype.kind in "iuf"
    ):
        arr = np.asarray(base, dtype=float)
        out = common + [
            Bad("str", "abc", True),
            Bad("list of str", ["a"] * max(arr.size, 1), True),
            Bad("negative", -arr - 1, False),
            Bad("zero", np.zeros_like(arr), False),
            Bad("NaN", _first(arr, np.nan), True),
            Bad("inf", _first(arr, np.inf), True),
            Bad("empty", np.array([]), False),
            Bad("1e300", np.full_like(arr, 1e300), False),
            Bad("1e-300", np.full_like(arr, 1e-300), False),
        ]
        if arr.ndim == 1 and arr.size > 1:
            out.append(Bad("2-D", np.stack([arr, arr]), False))
            out.append(Bad("mismatched length", arr[:-1], n_arrays > 1))
        return out
    if isinstance(base, (set, frozenset)):
        return common + [
            Bad("str", "abc", False),
            Bad("NaN", float("nan"), True),
            Bad("number", 3.0, True),
        ]
    return common + [Bad("str", "abc", base is not None), Bad("int", 3, True)]


def _first(arr, value):
    out = arr.copy()
    if out.size:
        out.flat[0] = value
    return out


# ---------------------------------------------------------------- running and classifying
def public_functions(module_name):
    mod = importlib.import_module(module_name)
    out = []
    for name, obj in vars(mod).items():
        where = getattr(obj, "__module__", "") or ""
        if name.startswith("_") or not callable(obj):
            continue
        if where == module_name or where.startswith(module_name + "._"):
            out.append((name, obj))
    return out


def modules():
    names = [
        "scaling_lib." + m.name
        for m in pkgutil.walk_packages(scaling_lib.__path__)
    ]
    for pkg in (
        "scaling_lib.chinchilla",
        "scaling_lib.exercises",
        "scaling_lib.plotting",
        "scaling_lib.data",
    ):
        mod = importlib.import_module(pkg)
        names += [
            pkg + "." + m.name for m in pkgutil.iter_modules(mod.__path__)
        ]
    names = [
        n
        for n in dict.fromkeys(names)
        if not any(p.startswith("_") for p in n.split(".")[1:])
        and n not in SKIP_MODULES
    ]
    return sorted(names)


def call(fn, kwargs, timeout):
    args = kwargs.pop("*parts", ())
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return ("ok", fn(*args, **kwargs))
    except Timeout:
        return ("hang", None)
    except BaseException as exc:  # noqa: BLE001 - the probe classifies every escape
        if isinstance(exc, KeyboardInterrupt):
            raise
        return ("exc", exc)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        import matplotlib.pyplot as plt

        plt.close("all")


def _public_name(qual):
    """``scaling_lib.chinchilla.fit.fit_parametric_loss`` -> the name users import,
    ``scaling_lib.chinchilla.fit_parametric_loss`` (the package re-exports its submodules)."""
    module, _, name = qual.rpartition(".")
    if module.startswith("scaling_lib.chinchilla."):
        return f"scaling_lib.chinchilla.{name}"
    return qual


def _contract_entry(qual):
    """The API contract test's entry for ``qual``: an ``Entry``, a string for a record the
    library returns, or None."""
    import test_api_contract as contract

    module, _, name = _public_name(qual).rpartition(".")
    table = contract.CONTRACT
    return table.get(module, {}).get(name)


def _contract_call(qual):
    """The valid call the API contract test writes for ``qual`` (its own baseline when the
    probe has none), or an empty dict."""
    from contract_support import Entry

    entry = _contract_entry(qual)
    if isinstance(entry, Entry) and entry.call is None:
        return entry.valid()
    return {}


def baseline_kwargs(qual, fn):
    sig = inspect.signature(fn)
    if _public_name(qual) in BASELINE:
        given = BASELINE[_public_name(qual)]()
    else:
        given = _contract_call(qual)
    kwargs = {}
    for p in sig.parameters.values():
        if p.kind is p.VAR_KEYWORD:
            continue
        if p.kind is p.VAR_POSITIONAL:
            if "*parts" in given:
                kwargs["*parts"] = given["*parts"]
            continue
        if p.name in given:
            kwargs[p.name] = given[p.name]
        elif p.default is not p.empty:
            kwargs[p.name] = p.default
        elif VALID.get(p.name) is not None:
            kwargs[p.name] = VALID[p.name]()
        else:
            raise LookupError(
                f"no valid value for required argument {p.name!r}"
            )
    return kwargs


# Values that look bad but that a function documents as valid: (function, argument, bad value).
_DROPPED = "non-finite samples are dropped (documented)"
_GRIDS = "independent grids or lists: their lengths need not match"
_UNREACHABLE = (
    "inf where the target loss is below L(N): documented, and drawn as a gap"
)
DOCUMENTED = {  # (function, argument, bad value): why the function accepts it
    ("percentile_interval", "samples", "NaN"): _DROPPED,
    ("percentile_interval", "samples", "inf"): _DROPPED,
    ("random_feature_experiment", "n_features", "mismatched length"): _GRIDS,
    ("random_feature_experiment", "n_samples", "mismatched length"): _GRIDS,
    ("plot_learning_curves", "n_params_list", "mismatched length"): _GRIDS,
    ("plot_learning_curves", "steps", "mismatched length"): _GRIDS,
    ("ladder_prediction_errors", "budgets", "mismatched length"): _GRIDS,
    ("parse_collection", "answer", "str"): "one name is a set of one",
    ("tokens_to_reach_loss", "loss", "1e-300"): _UNREACHABLE,
    ("tokens_to_reach_loss", "loss", "list"): _UNREACHABLE,
    ("tokens_to_reach_loss", "n_params", "1e-300"): _UNREACHABLE,
    ("tokens_to_reach_loss", "n_params", "list"): _UNREACHABLE,
}


def classify(param, bad, status, result, base_finite, fn_name, answers=()):
    if status == "ok" and (fn_name, param, bad.label) in DOCUMENTED:
        return "accepted"
    if status == "hang":
        return "hang"
    # a student's answer: the contract entry's ``answers``, or the names listed above
    if (
        param in answers
        or param in ANSWER_PARAMS
        or param in ANSWER_PARAMS_BY_FUNCTION.get(fn_name, ())
    ):
        if status == "exc":
            return (
                "other"  # a check must answer any typed answer with feedback
            )
        if bad.always_bad and bool(result):
            return "garbage"
        return "named" if bad.always_bad else "accepted"
    if status == "exc":
        exc = result
        msg = str(exc)
        if (
            isinstance(exc, FileNotFoundError) and "path" in param
        ):  # documented
            return "named"
        if (
            type(exc) is ValueError
            or isinstance(exc, ValueError)
            and not isinstance(exc, (UnicodeError,))
        ):
            return "named" if names(msg, param) else "unnamed"
        return "other"
    if bad.label in ("rng=int", "rng=Generator"):
        return "named"  # a valid rng accepted: what SPEC 7 asks
    if base_finite and nonfinite(result):
        return "garbage"
    if bad.always_bad:
        return "garbage"
    return "accepted"


DEGENERATE = [  # (function, kwargs factory, why the data cannot identify the fit)
    (
        "scaling_lib.fitting.fit_power_law",
        lambda: {"x": [3.0] * 5, "y": [1, 2, 3, 4, 5]},
        "one x value",
    ),
    (
        "scaling_lib.fitting.fit_power_law",
        lambda: {"x": [3.0], "y": [1.0]},
        "one point",
    ),
    (
        "scaling_lib.fitting.fit_power_law_offset",
        lambda: {"x": np.logspace(0, 3, 8), "y": np.full(8, 2.0)},
        "constant y",
    ),
    (
        "scaling_lib.fitting.fit_power_law_offset",
        lambda: {"x": np.full(8, 10.0), "y": np.linspace(2, 3, 8)},
        "one x value",
    ),
    (
        "scaling_lib.emergence.fit_sigmoid",
        lambda: {
            "x": np.linspace(20, 25, 12),
            "y": np.zeros(12),
            "ceiling": 1.0,
        },
        "flat zero",
    ),
    (
        "scaling_lib.emergence.fit_sigmoid",
        lambda: {
            "x": np.linspace(20, 25, 12),
            "y": np.linspace(0.9, 0.1, 12),
            "ceiling": 1.0,
        },
        "falling scores",
    ),
    (
        "scaling_lib.kaplan.fit_kaplan_loss",
        lambda: _kaplan_tied(),
        "D proportional to N",
    ),
    (
        "scaling_lib.chinchilla.fit_parametric_loss",
        lambda: _one_size(),
        "one model size",
    ),
    (
        "scaling_lib.kaplan.bootstrap_exponent",
        lambda: {"x": [1e20] * 5, "y": [3.0, 2.9, 2.8, 2.9, 3.1]},
        "one x value",
    ),
    (
        "scaling_lib.kaplan.compute_efficient_frontier",
        lambda: _below_optimum(),
        "grid below the optimum",
    ),
    (
        "scaling_lib.overtraining.fit_overtraining_law",
        lambda: {**_ch6_ot(), "n_tokens": 20 * _ch6_ot()["n_params"]},
        "D proportional to N",
    ),
    (
        "scaling_lib.data_constrained.fit_repetition_constants",
        lambda: {
            **_ch6_runs(),
            "n_tokens": _ch6_runs()["unique_tokens"],
            "base": _ch6_dc().base,
        },
        "no repeated data",
    ),
    (
        "scaling_lib.workflow.fit_learning_curve",
        lambda: {"steps": np.full(8, 100.0), "loss": np.linspace(3, 2, 8)},
        "one step count",
    ),
]


def _kaplan_tied():
    from scaling_lib.kaplan import loss_from_params_tokens

    n = np.logspace(7, 10, 12)
    return {
        "n_params": n,
        "n_tokens": 20 * n,
        "loss": loss_from_params_tokens(n, 20 * n),
        "n_starts": 3,
    }


def _one_size():
    d = np.logspace(9, 11, 40)
    return {
        "n_params": np.full(40, 1e9),
        "n_tokens": d,
        "loss": 1.69 + 406.4 / 1e9**0.34 + 410.7 / d**0.28,
    }


def _below_optimum():
    """Per budget, only the sizes below the best one tried: no interior minimum anywhere."""
    r = _isoflop()
    best = r.loc[r.groupby("flops").loss.idxmin()].set_index("flops").params
    keep = r.params.to_numpy() < r.flops.map(best).to_numpy()
    return {
        "compute": r.flops.to_numpy()[keep],
        "n_params": r.params.to_numpy()[keep],
        "loss": r.loss.to_numpy()[keep],
    }


def _resolve(qual):
    mod, _, name = qual.rpartition(".")
    return getattr(importlib.import_module(mod), name)


def run(selected, timeout, details):
    tally = defaultdict(Counter)
    rows = []
    no_baseline = []
    for module_name in selected:
        for name, fn in public_functions(module_name):
            qual = f"{module_name}.{name}"
            if inspect.isclass(fn) and (
                name in RESULT_TYPES
                or issubclass(fn, BaseException)
                or isinstance(_contract_entry(qual), str)
            ):
                continue  # a record the library returns, or an exception it raises
            try:
                base = baseline_kwargs(qual, fn)
            except Exception as exc:  # noqa: BLE001
                no_baseline.append((qual, f"{type(exc).__name__}: {exc}"))
                continue
            status, result = call(fn, dict(base), timeout)
            if status != "ok":
                no_baseline.append(
                    (
                        qual,
                        f"baseline call failed: {type(result).__name__}: "
                        f"{str(result)[:120]}",
                    )
                )
                continue
            base_finite = not nonfinite(result)
            arrays = sum(
                isinstance(v, (np.ndarray, list)) for v in base.values()
            )
            params = inspect.signature(fn).parameters
            for param, value in base.items():
                if param == "*parts":
                    continue
                annotation = str(params[param].annotation)
                optional = (
                    params[param].default is None or "None" in annotation
                )
                for bad in bad_values(param, value, arrays, annotation):
                    kwargs = dict(base)
                    kwargs[param] = bad.value
                    if optional and bad.value is None:
                        continue  # None is this argument's documented default
                    status, result = call(fn, kwargs, timeout)
                    outcome = classify(
                        param,
                        bad,
                        status,
                        result,
                        base_finite,
                        name,
                        answers=getattr(_contract_entry(qual), "answers", ()),
                    )
                    tally[module_name][outcome] += 1
                    if outcome != "named":
                        text = (
                            f"{type(result).__name__}: {str(result)[:140]}"
                            if status == "exc"
                            else status
                        )
                        rows.append(
                            (
                                module_name,
                                name,
                                param,
                                bad.label,
                                outcome,
                                text,
                            )
                        )
    for qual, make, why in DEGENERATE:
        module_name = qual.rpartition(".")[0]
        if module_name not in selected:
            continue
        status, result = call(_resolve(qual), make(), timeout)
        if status == "ok":
            outcome = (
                "garbage"
                if getattr(result, "success", None) is True
                or (not hasattr(result, "success") and not nonfinite(result))
                else "named"
            )
        elif status == "hang":
            outcome = "hang"
        else:
            # a refusal of degenerate data must say which data it refuses
            outcome = (
                "other"
                if not isinstance(result, ValueError)
                else "named"
                if any(k in str(result) for k in make())
                else "unnamed"
            )
        tally[module_name][outcome] += 1
        if outcome != "named":
            rows.append(
                (
                    module_name,
                    qual.rpartition(".")[2],
                    "(data)",
                    why,
                    outcome,
                    status
                    if status != "exc"
                    else f"{type(result).__name__}: {result}",
                )
            )
    return tally, rows, no_baseline


def report(tally, rows, no_baseline, details):
    head = (
        f"{'module':34s}"
        + "".join(f"{o:>10s}" for o in OUTCOMES)
        + f"{'calls':>8s}"
    )
    print(head)
    total = Counter()
    for module_name in sorted(tally):
        c = tally[module_name]
        total.update(c)
        print(
            f"{module_name:34s}"
            + "".join(f"{c[o]:10d}" for o in OUTCOMES)
            + f"{sum(c.values()):8d}"
        )
    print(
        f"{'total':34s}"
        + "".join(f"{total[o]:10d}" for o in OUTCOMES)
        + f"{sum(total.values()):8d}"
    )
    if no_baseline:
        print(f"\nnot probed (no valid baseline call): {len(no_baseline)}")
        for qual, why in no_baseline:
            print(f"  {qual}: {why}")
    if details:
        with open(details, "w") as fh:
            fh.write(
                "| module | function | argument | bad value | outcome | what happened |\n"
            )
            fh.write("|---|---|---|---|---|---|\n")
            for r in rows:
                fh.write(
                    "| "
                    + " | ".join(
                        str(x).replace("|", "/").replace("\n", " ") for x in r
                    )
                    + " |\n"
                )
        print(f"\ndetails of every call that is not 'named': {details}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "modules", nargs="*", help="modules to probe (default: all)"
    )
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument(
        "--details", default=None, help="write every non-contract call here"
    )
    args = parser.parse_args(argv)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(
        resource.RLIMIT_AS,
        (min(4 * 2**30, hard) if hard > 0 else 4 * 2**30, hard),
    )
    signal.signal(signal.SIGALRM, _alarm)
    selected = args.modules or modules()
    tally, rows, no_baseline = run(selected, args.timeout, args.details)
    report(tally, rows, no_baseline, args.details)
    return 0


if __name__ == "__main__":
    sys.exit(main())
