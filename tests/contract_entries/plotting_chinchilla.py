"""Contract entries of ``scaling_lib.plotting.chinchilla`` (Chapter 3 figures and the live-refit
widget). The valid calls mirror notebooks/03_chinchilla.ipynb on small inputs: a subset of the
digitized Chinchilla runs, two of Porian et al.'s steps, a bootstrap of 20 resamples."""

from __future__ import annotations

import dataclasses
import math
from functools import lru_cache

import numpy as np
import pandas as pd
from contract_support import (
    FIGURE,
    Entry,
    _floats,
    array,
    custom,
    number,
    text,
    thing,
)

from scaling_lib import chinchilla as ch
from scaling_lib import kaplan as K
from scaling_lib.data import (
    PORIAN_FIGURE1_STEPS,
    load_chinchilla_runs,
    load_porian_isoflops,
)
from scaling_lib.plotting import chinchilla as pc

CONFIG = ["hparams", "warmup", "decay", "param_count", "loss_split"]
BUDGETS = [
    6e18,
    1e19,
    3e19,
    6e19,
    1e20,
    3e20,
    6e20,
    1e21,
    3e21,
]  # as the notebook


def _runs(every: int = 4) -> pd.DataFrame:
    return load_chinchilla_runs().iloc[::every]


def _ndl(runs) -> tuple:
    """The columns approach 3 fits: ``n_params, n_tokens, loss``."""
    return runs.n_params, runs.n_tokens, runs.loss


@lru_cache(maxsize=None)
def _fit():
    """Approach 3 on all the runs (the fit the live-refit widget starts from)."""
    return ch.fit_parametric_loss(*_ndl(_runs(1)))


@lru_cache(maxsize=None)
def _boot():
    return ch.bootstrap(*_ndl(_runs()), n_resamples=20, rng=0)


@lru_cache(maxsize=None)
def _iso():
    runs = load_chinchilla_runs()
    return ch.isoflop_minima(
        runs.n_params, runs.compute, runs.loss, budgets=BUDGETS, rtol=0.15
    )


def _porian(step):
    return load_porian_isoflops(dataset="rw", **dict(zip(CONFIG, step[1:])))


@lru_cache(maxsize=None)
def _porian_steps() -> pd.DataFrame:
    rows = []
    for step in PORIAN_FIGURE1_STEPS[:2]:
        pts = _porian(step)
        boot = ch.bootstrap_isoflop(
            pts.params, pts.flops, pts.loss, n_resamples=50, rng=0
        )
        lo, hi = boot.interval(0.95)
        rows.append(
            {
                "step": step[0],
                "dataset": "rw",
                "a": boot.point.a,
                "lower": lo,
                "upper": hi,
            }
        )
    return pd.DataFrame(rows)


@lru_cache(maxsize=None)
def _window_table() -> pd.DataFrame:
    windows = [0.4, 0.6, None]
    table = {}
    for step in PORIAN_FIGURE1_STEPS[:2]:
        pts = _porian(step)
        table[step[0]] = [
            ch.isoflop_minima(pts.params, pts.flops, pts.loss, window=w).a
            for w in windows
        ]
    return pd.DataFrame(
        table, index=[w if w is not None else "whole" for w in windows]
    )


@lru_cache(maxsize=None)
def _stop_a() -> np.ndarray:
    # 5 of the paper's 4,500 starts on 60 runs: the notebook takes 1,500 starts on all runs
    starts = ch.default_start_grid()[::900]
    ends = ch.stopping_points(*_ndl(_runs()), starts=starts, reduction="mean")
    return ends.a[ends.valid].to_numpy()


def _live():
    """A fresh widget state (updates change it in place)."""
    return pc.live_refit_figure(_runs(2), _fit())


def _failed_fit():
    """A fit of approach 3 on runs that cannot identify the law (20 tokens per parameter)."""
    n = np.logspace(7, 9, 8)
    return ch.fit_parametric_loss(n, 20 * n, ch.HOFFMANN_2022.loss(n, 20 * n))


def _frames(columns) -> list:
    """Data frames that have something wrong with ``columns`` (all numeric, > 0)."""
    good = {c: [1e19, 2e19] for c in columns}
    return [
        pd.DataFrame({c: v for c, v in good.items() if c != columns[-1]}),
        pd.DataFrame(good).iloc[:0],
        pd.DataFrame({**good, columns[0]: [1e19, -1.0]}),
        pd.DataFrame({**good, columns[-1]: [1e19, math.nan]}),
        pd.DataFrame({**good, columns[-1]: ["a", "b"]}),
    ]


def _runs_kind(*columns):
    return custom(None, "abc", {}, [1.0, 2.0], *_frames(list(columns)))


HOFF = ch.HOFFMANN_2022
FITS = custom(None, "abc", [HOFF], {"a": 3}, {"a": None}, {3: HOFF})
FITS_NONEMPTY = custom(None, "abc", [HOFF], {}, {"a": 3}, {3: HOFF})
FIT = custom(None, "abc", 3, {}, [1.0], HOFF, _failed_fit())
BAD_CURVES = (
    3,
    "f",
    [1.0],
    lambda c: -c,
    lambda c: np.full_like(c, np.nan),
    lambda c: c[:-1],
    lambda c: "abc",
)
#: an optional count of tokens: None keeps the default, anything else must be in (0, 1e30]
OPTIONAL_TOKENS = custom(
    "abc", 0.0, -1.0, math.nan, math.inf, [1e13], True, 1e31
)
LEVEL = number(low=0, high=1, low_open=True, high_open=True)
A_VALUE = number(low=0, high=1)


def _porian_bad() -> list:
    good = pd.DataFrame(
        {
            "step": ["s1", "s2"],
            "dataset": ["rw", "rw"],
            "a": [0.8, 0.6],
            "lower": [0.7, 0.5],
            "upper": [0.9, 0.7],
        }
    )
    return [
        good.drop(columns="upper"),
        good.iloc[:0],
        good.assign(lower=[0.85, 0.5]),  # lower > a
        good.assign(a=[math.nan, 0.6]),
        good.assign(step=[1, 2]),
        pd.concat([good, good.iloc[:1].assign(dataset="c4")]),  # c4 lacks s2
        good.assign(authors=["x", "y"]),
    ]


def _window_bad() -> list:
    good = pd.DataFrame(
        {"s1": [0.8, 0.7], "s2": [0.6, 0.5]}, index=[0.6, "whole"]
    )
    return [
        pd.DataFrame(),
        good.set_axis(["x", "whole"]),
        good.set_axis([-0.5, "whole"]),
        good.set_axis([0.6, 0.6]),
        good.iloc[1:],  # no window, only the whole curve
        good.assign(s1=[math.inf, 0.7]),
        good.assign(s1=["a", "b"]),
    ]


def _models_bad() -> list:
    good = ch.KNOWN_MODELS
    return [
        good.drop(columns="model"),
        good.assign(model=[1, 2, 3]),
        good.assign(n_params=[175e9, -1.0, 70e9]),
        good.assign(n_tokens=[300e9, math.nan, 1.4e12]),
    ]


def _live_fields() -> dict:
    state = _live()
    return {f.name: getattr(state, f.name) for f in dataclasses.fields(state)}


ENTRIES = {
    "scaling_lib.plotting.chinchilla": {
        "plot_runs_and_frontiers": Entry(
            lambda: {
                "runs": _runs(),
                "fits": {
                    "Hoffmann et al. eq. 10": ch.HOFFMANN_2022,
                    "Besiroglu et al.": ch.BESIROGLU_2024,
                },
            },
            {
                "runs": _runs_kind("compute", "n_params", "loss"),
                "fits": FITS_NONEMPTY,
            },
            result="none",
            **FIGURE,
        ),
        "plot_envelope": Entry(
            lambda: {
                "runs": (r := _runs()),
                "envelope": ch.envelope_fit(r.n_params, r.compute, r.loss),
            },
            {"runs": _runs_kind("compute", "loss"), "envelope": thing()},
            result="none",
            **FIGURE,
        ),
        "plot_isoflop_profiles": Entry(
            lambda: {
                "n_params": (r := load_chinchilla_runs()).n_params,
                "compute": r.compute,
                "loss": r.loss,
                "result": _iso(),
                "budgets": BUDGETS,
                "rtol": 0.15,
                "title": "Digitized Chinchilla runs, grouped by budget",
            },
            {
                "n_params": array(),
                "compute": array(),
                "loss": array(),
                "result": thing(),
                "budgets": array(optional=True),
                "rtol": number(low=0, high=1, low_open=True),
                "title": text(optional=True),
            },
            ("n_params", "compute", "loss"),
            result="none",
            **FIGURE,
        ),
        "plot_bootstrap": Entry(
            lambda: {
                "boot": _boot(),
                "references": {
                    "Hoffmann et al. eq. 10": ch.HOFFMANN_2022,
                    "Besiroglu et al.": ch.BESIROGLU_2024,
                },
            },
            {"boot": thing(), "references": FITS},
            result="none",
            **FIGURE,
        ),
        "plot_tokens_per_param": Entry(
            lambda: {
                "boot": _boot(),
                "fits": {
                    "Hoffmann et al. eq. 10": ch.HOFFMANN_2022,
                    "Hoffmann et al., unrounded": ch.HOFFMANN_2022_UNROUNDED,
                },
                "compute": np.logspace(18, 26, 10),
            },
            {
                "boot": thing(),
                "fits": FITS,
                "compute": array(optional=True),
                "level": LEVEL,
            },
            result="none",
            **FIGURE,
        ),
        "plot_kaplan_vs_chinchilla": Entry(
            lambda: {
                "kaplan_optimal_params": K.optimal_params,
                "fits": {"Hoffmann et al. eq. 10": ch.HOFFMANN_2022},
                "compute": np.logspace(18, 26, 10),
                # Figure 14 (left) against raw compute, C in PF-days, as the notebook
                "kaplan_raw": lambda c: (
                    K.KAPLAN_2020.n_e_raw
                    * K.flops_to_pf_days(c) ** K.KAPLAN_2020.p_n_raw
                ),
            },
            {
                "kaplan_optimal_params": custom(None, *BAD_CURVES),
                "fits": FITS,
                "models": custom("abc", {}, [1.0], *_models_bad()),
                "compute": array(optional=True),
                "kaplan_raw": custom(*BAD_CURVES),
            },
            result="none",
            **FIGURE,
        ),
        "plot_porian_exponents": Entry(
            lambda: {"table": _porian_steps()},
            {"table": custom(None, "abc", {}, [1.0], *_porian_bad())},
            result="none",
            **FIGURE,
        ),
        "plot_window_sensitivity": Entry(
            lambda: {"table": _window_table()},
            {"table": custom(None, "abc", {}, [1.0], *_window_bad())},
            result="none",
            **FIGURE,
        ),
        "plot_early_stop_spread": Entry(
            lambda: {
                "a_values": _stop_a(),
                "optimum": _fit().params.a,
                "published": ch.HOFFMANN_2022_TABLE2[
                    "3. Parametric modelling of the loss"
                ].a,
            },
            {
                "a_values": array(positive=False, low=0, high=1),
                "optimum": A_VALUE,
                "published": A_VALUE,
            },
            result="none",
            **FIGURE,
        ),
        "plot_inference_optimal": Entry(
            lambda: {
                "params": ch.HOFFMANN_2022,
                "target_loss": float(ch.HOFFMANN_2022.optimal_loss(5.76e23)),
                "inference_tokens": [1e10, 1e12, 1e14],
                "highlight": 1e13,
            },
            {
                "params": thing(),
                "target_loss": number(low=0, low_open=True),
                "inference_tokens": array(optional=True, high=1e30),
                "highlight": OPTIONAL_TOKENS,
            },
            result="none",
            **FIGURE,
        ),
        "show_inference_optimal": Entry(
            lambda: {
                "params": ch.HOFFMANN_2022,
                "log10_budget": 23.76,
                "log10_inference": 13.0,
            },
            {
                "params": thing(),
                "log10_budget": number(low=6, high=40, good=_floats(20, 26)),
                "log10_inference": number(low=0, high=30, good=_floats(9, 14)),
            },
            result="none",
            **FIGURE,
        ),
        "LiveRefit": Entry(
            _live_fields,
            {
                "fig": thing(),
                "runs": _runs_kind("compute", "n_params", "n_tokens", "loss"),
                "full": FIT,
                "current": FIT,
                "artists": custom(
                    None,
                    {},
                    [1.0],
                    {"kept": 3},
                    dict.fromkeys(["kept", "dropped", "line", "text"], 3),
                ),
            },
            result="none",
            **FIGURE,
        ),
        "live_refit_figure": Entry(
            lambda: {"runs": _runs(2), "full": _fit()},
            {
                "runs": _runs_kind("compute", "n_params", "n_tokens", "loss"),
                "full": FIT,
            },
            result="none",
            **FIGURE,
        ),
        "live_refit_view": Entry(dict, result="none", **FIGURE),
        "live_refit_update": Entry(
            lambda: {
                "state": _live(),
                "log10_c_min": 19.0,
                "log10_c_max": 22.5,
                "log10_delta": -3.0,
            },
            {
                "state": thing(),
                "log10_c_min": number(),
                "log10_c_max": number(),
                "log10_delta": number(low=-10, high=2, good=_floats(-4, -1)),
            },
            result="none",
            **FIGURE,
        ),
    }
}
