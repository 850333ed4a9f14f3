"""Contract of ``scaling_lib.plotting.kaplan``: the figures of Chapter 2 and its L(N, D) widget,
called as notebooks/02_kaplan.ipynb calls them, on the shipped Porian et al. runs."""

from __future__ import annotations

import math
from functools import lru_cache

from contract_support import (
    FIGURE,
    Entry,
    _floats,
    array,
    custom,
    integer,
    number,
    text,
    thing,
)

N_FIT = 7  # the notebook fits on the first 7 budgets and holds the rest out


@lru_cache(maxsize=1)
def _porian():
    from scaling_lib import chinchilla as ch
    from scaling_lib.data import PORIAN_FIGURE1_STEPS, load_porian_isoflops

    # the Kaplan-like set-up of Porian et al. (2024), as the notebook loads it
    _, *setup = PORIAN_FIGURE1_STEPS[0]
    keys = ("hparams", "warmup", "decay", "param_count", "loss_split")
    runs = load_porian_isoflops(dataset="rw", **dict(zip(keys, setup)))
    c, n, loss = (runs[k].to_numpy() for k in ("flops", "params", "loss"))
    return c, n, loss, ch.isoflop_minima(n, c, loss)


def _frontier():
    c, n, loss, iso = _porian()
    return {
        "compute": c.copy(),
        "n_params": n.copy(),
        "loss": loss.copy(),
        "result": iso,
    }


def _extrapolation():
    from scaling_lib.fitting import fit_power_law, fit_power_law_offset

    table = _porian()[3].table
    good = table[table.interior]
    x, y = good.compute.to_numpy(), good.loss_opt.to_numpy()
    return {
        "x": x,
        "y": y,
        "n_fit": N_FIT,
        "fits": {
            "pure": fit_power_law(x[:N_FIT], y[:N_FIT]),
            "offset": fit_power_law_offset(x[:N_FIT], y[:N_FIT]),
        },
        "xlabel": "compute C (FLOPs)",
        "ylabel": "loss (nats/token)",
    }


@lru_cache(maxsize=1)
def _random_features():
    from scaling_lib.kaplan import fit_kaplan_loss
    from scaling_lib.random_features import random_feature_experiment

    rf = random_feature_experiment(
        [8, 16, 32, 64], [16, 32, 64, 128], latent_dim=128, n_seeds=1, rng=0
    )
    return rf, fit_kaplan_loss(*rf.grid(), n_starts=4, rng=0)


def _point():
    from scaling_lib.plotting.kaplan import lnd_point_figure

    return lnd_point_figure(1e9, 2e10)


def _point_parts():
    state = _point()
    return {
        "fig": state.fig,
        "constants": state.constants,
        "artists": state.artists,
    }


def _n_held():
    return len(_extrapolation()["x"])


POSITIVE = number(low=0, low_open=True)
ARRAY = array()
# a failed fit is refused like a non-fit: there is no law to draw
FITS = custom(None, "abc", {}, [1.0], {"a": 3}, {3: None}, {"a": None})
REFERENCE = custom(
    "abc", 3, {}, [("a",)], [(3, 0.5)], [("a", math.nan)], [("a", "x")]
)

# plot_lnd_point and lnd_point_figure take the same arguments
POINT_FIGURE = Entry(
    lambda: {"n_params": 1e9, "n_tokens": 2e10},
    {"n_params": POSITIVE, "n_tokens": POSITIVE, "constants": thing()},
    result="none",
    **FIGURE,
)

ENTRIES = {
    "scaling_lib.plotting.kaplan": {
        "plot_kaplan_laws": Entry(
            dict, {"constants": thing()}, result="none", **FIGURE
        ),
        "plot_lnd_curves": Entry(
            dict,
            {"n_params": ARRAY, "constants": thing()},
            result="none",
            **FIGURE,
        ),
        "plot_sample_efficiency": Entry(
            dict,
            {"targets": ARRAY, "constants": thing()},
            result="none",
            **FIGURE,
        ),
        "plot_lnd_point": POINT_FIGURE,
        "lnd_point_figure": POINT_FIGURE,
        "lnd_point_update": Entry(
            lambda: {"state": _point(), "n_params": 1e10, "n_tokens": 1e11},
            {
                "state": thing(),
                # any slider position gives a finite loss
                "n_params": number(
                    low=0, low_open=True, good=_floats(1e5, 1e13)
                ),
                "n_tokens": number(
                    low=0, low_open=True, good=_floats(1e7, 1e14)
                ),
            },
            **FIGURE,
        ),
        "LndPoint": Entry(
            _point_parts,
            {
                "fig": thing(),
                "constants": thing(),
                "artists": custom(None, "abc", [1], {}, {"line_d": 3}),
            },
            result="none",
            **FIGURE,
        ),
        "plot_isoflop_frontier": Entry(
            _frontier,
            {
                "compute": ARRAY,
                "n_params": ARRAY,
                "loss": ARRAY,
                "result": thing(),
                "reference": REFERENCE,
            },
            ("compute", "n_params", "loss"),
            result="none",
            **FIGURE,
        ),
        "plot_extrapolation": Entry(
            _extrapolation,
            {
                "x": ARRAY,
                "y": ARRAY,
                "n_fit": integer(minimum=1, maximum=_n_held()),
                "fits": FITS,
                "xlabel": text(),
                "ylabel": text(),
            },
            ("x", "y"),
            result="none",
            **FIGURE,
        ),
        "plot_random_features": Entry(
            lambda: {
                "result": _random_features()[0],
                "fit": _random_features()[1],
            },
            {"result": thing(), "fit": custom("abc", 3, {}, [1.0])},
            result="none",
            **FIGURE,
        ),
    }
}
