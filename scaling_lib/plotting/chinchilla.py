"""Figures of Chapter 3 (Chinchilla and IsoFLOP analysis).

Every function returns the ``Figure`` and checks its arguments first: fit results and views
must be the library's own objects (``as_instance``), tables of runs must hold positive numbers,
and a bad value gets a ``ValueError`` that names the argument.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.artist import Artist
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.ticker import (
    FuncFormatter,
    LogLocator,
    NullFormatter,
    NullLocator,
)

from .. import chinchilla as ch
from .._validation import (
    _show,
    as_float,
    as_float_array,
    as_instance,
    as_level,
    as_positive_array,
    as_positive_float,
    as_probability_array,
    check_columns,
    check_same_shape,
)
from . import (
    COLORS,
    _check_text,
    close,
    freeze_layout,
    log_axes,
    new_figure,
    plain_log_ticks,
)  # noqa: F401 (close: re-exported)

__all__ = [
    "close",
    "LiveRefit",
    "live_refit_figure",
    "live_refit_view",
    "live_refit_update",
    "plot_runs_and_frontiers",
    "plot_envelope",
    "plot_isoflop_profiles",
    "plot_bootstrap",
    "plot_tokens_per_param",
    "plot_kaplan_vs_chinchilla",
    "plot_porian_exponents",
    "plot_window_sensitivity",
    "plot_early_stop_spread",
    "plot_inference_optimal",
    "show_inference_optimal",
]

_LOSS = "final loss (nats/token)"
_C = "training compute C (FLOPs)"
_N = "parameters N"
#: The most lifetime inference tokens a figure accepts (10^30, far beyond any corpus).
_MAX_TOKENS = 1e30


def _runs_table(
    runs, name: str, columns, *, min_rows: int = 1
) -> pd.DataFrame:
    """``runs`` if it is a data frame whose ``columns`` hold positive, finite numbers."""
    check_columns(runs, name, columns, min_rows=min_rows)
    for column in columns:
        as_positive_array(runs[column].to_numpy(), f"{name}.{column}", ndim=1)
    return runs


def _fits(value, name: str = "fits", *, min_size: int = 0) -> dict:
    """``value`` as a dict ``{label (str): ParametricLoss}`` of at least ``min_size`` laws."""
    if not isinstance(value, Mapping) or len(value) < min_size:
        size = "a non-empty" if min_size else "a"
        raise ValueError(
            f"{name} must be {size} dict {{label: ParametricLoss}}, got "
            f"{type(value).__name__} {_show(value)}"
        )
    for label, law in value.items():
        if not isinstance(label, str):
            raise ValueError(
                f"{name} must have str labels, got the label {_show(label)}"
            )
        as_instance(law, f"{name}[{label!r}]", ch.ParametricLoss)
    return dict(value)


def _bootstrap(boot) -> ch.BootstrapResult:
    """``boot`` if it is a bootstrap of approach 3 with at least 2 converged resamples."""
    as_instance(
        boot,
        "boot",
        ch.BootstrapResult,
        what="a BootstrapResult (scaling_lib.chinchilla.bootstrap)",
    )
    k = int(np.sum(boot.converged))
    if k < 2:
        raise ValueError(
            f"boot has {k} converged resamples of {len(boot.converged)}: at least 2 "
            "are needed to show their spread"
        )
    return boot


def _fit_with_params(fit, name: str) -> ch.ParametricLossFit:
    """``fit`` if it is a fit of approach 3 that found parameters."""
    as_instance(
        fit,
        name,
        ch.ParametricLossFit,
        what="a ParametricLossFit (scaling_lib.chinchilla.fit_parametric_loss)",
    )
    if fit.params is None:
        raise ValueError(
            f"{name} must be a fit with parameters, got a failed fit: {fit.message}"
        )
    return fit


def _budgets(compute, default) -> np.ndarray:
    """The budgets of a figure's x axis: ``default`` when ``compute`` is None."""
    if compute is None:
        return default
    return as_positive_array(compute, "compute", ndim=1, min_size=1)


def _curve(function, name: str, compute: np.ndarray) -> np.ndarray:
    """The values of ``function`` (of compute) at ``compute``: positive, one per budget."""
    if not callable(function):
        raise ValueError(
            f"{name} must be a function of compute (FLOPs), got "
            f"{type(function).__name__} {_show(function)}"
        )
    label = f"{name}(compute)"
    values = as_positive_array(function(compute), label)
    check_same_shape(compute=compute, **{label: values})
    return values


def _tokens(value, name: str) -> np.ndarray:
    """Lifetime inference tokens: positive (the axis is logarithmic), at most 1e30."""
    tokens = as_positive_array(value, name, ndim=1, min_size=1)
    if tokens.max() > _MAX_TOKENS:
        raise ValueError(
            f"{name} must be <= {_MAX_TOKENS:g}, got {tokens.max():g} in "
            f"{name}={_show(value)}"
        )
    return tokens


def plot_runs_and_frontiers(
    runs: pd.DataFrame, fits: Mapping[str, ch.ParametricLoss]
):
    """The digitized runs in the (C, N) plane coloured by loss (as Hoffmann et al.'s Figure 4,
    left) with the compute-optimal frontier ``N_opt(C)`` of each parametric fit (``fits``: a
    non-empty dict ``{label: ParametricLoss}``)."""
    runs = _runs_table(runs, "runs", ["compute", "n_params", "loss"])
    fits = _fits(fits, min_size=1)
    fig, ax = new_figure()
    sc = ax.scatter(
        runs.compute,
        runs.n_params,
        c=runs.loss,
        cmap="viridis_r",
        s=14,
        norm=Normalize(runs.loss.min(), runs.loss.quantile(0.98)),
    )
    fig.colorbar(sc, ax=ax, label=_LOSS)
    c = np.logspace(
        np.log10(runs.compute.min()) - 0.3,
        np.log10(runs.compute.max()) + 0.3,
        100,
    )
    styles = ["-", "--", ":", "-."]
    for i, (label, params) in enumerate(fits.items()):
        n_opt, _ = params.compute_optimal(c)
        ax.plot(
            c,
            n_opt,
            color=COLORS[(i + 1) % len(COLORS)],
            ls=styles[i % 4],
            lw=2,
            label=f"{label}: a = {params.a:.3f}",
        )
    ax.legend(loc="upper left", fontsize=8)
    log_axes(
        ax, _C, _N, title="Runs (colour = loss) and compute-optimal frontiers"
    )
    return freeze_layout(fig)


def plot_envelope(runs: pd.DataFrame, envelope: ch.EnvelopeResult):
    """Approach 1: the envelope of lowest loss against compute (left) and the model sizes on it
    with the power law ``N_opt ∝ C^a`` (right)."""
    runs = _runs_table(runs, "runs", ["compute", "loss"])
    as_instance(
        envelope,
        "envelope",
        ch.EnvelopeResult,
        what="an EnvelopeResult (scaling_lib.chinchilla.envelope_fit)",
    )
    fig, (ax0, ax1) = new_figure(2, width=9.6, height=3.6)
    ax0.scatter(runs.compute, runs.loss, s=8, color="0.7", label="all runs")
    fr = envelope.frontier
    ax0.step(fr.compute, fr.loss, where="post", color=COLORS[1], lw=1.5)
    ax0.scatter(fr.compute, fr.loss, s=14, color=COLORS[1], label="envelope")
    log_axes(ax0, _C, _LOSS, title="Lowest loss for each amount of compute")
    plain_log_ticks(ax0.yaxis)
    ax0.legend()
    ax1.scatter(
        fr.compute,
        fr.n_params,
        s=14,
        color=COLORS[1],
        label="runs on the envelope",
    )
    if envelope.n_fit is not None:
        c = np.logspace(
            np.log10(fr.compute.min()), np.log10(fr.compute.max()), 50
        )
        ax1.plot(
            c,
            envelope.n_fit.predict(c),
            color=COLORS[0],
            label=rf"fit: $N \propto C^{{{envelope.a:.2f}}}$",
        )
    log_axes(ax1, _C, _N, title="Model size on the envelope")
    ax1.legend()
    return fig


def plot_isoflop_profiles(
    n_params,
    compute,
    loss,
    result: ch.IsoFLOPResult,
    *,
    budgets=None,
    rtol: float = 0.1,
    title: str = "",
):
    """Approach 2: loss against model size for each budget with its parabola and minimum (left),
    and the minima with the power law ``N_opt ∝ C^a`` (right). ``budgets`` and ``rtol`` group
    the runs as in :func:`scaling_lib.chinchilla.group_budgets`."""
    n = as_positive_array(n_params, "n_params", ndim=1, min_size=1)
    c = as_positive_array(compute, "compute", ndim=1, min_size=1)
    ell = as_positive_array(loss, "loss", ndim=1, min_size=1)
    check_same_shape(n_params=n, compute=c, loss=ell)
    as_instance(
        result,
        "result",
        ch.IsoFLOPResult,
        what="an IsoFLOPResult (scaling_lib.chinchilla.isoflop_minima)",
    )
    _check_text(title=title)
    grid, group = ch.group_budgets(c, budgets, rtol)
    fig, (ax0, ax1) = new_figure(2, width=9.6, height=3.8)
    cmap = colormaps["plasma"]
    table = result.table
    fitted_top = (
        -np.inf
    )  # the highest run inside a fitted window: always shown
    for k in range(grid.size):
        sel = group == k
        if not sel.any():
            continue
        cb = np.exp(np.mean(np.log(c[sel])))
        color = cmap(0.85 * k / max(grid.size - 1, 1))
        ax0.scatter(n[sel], ell[sel], s=10, color=color)
        row = table[np.isclose(table.compute, cb, rtol=1e-9)]
        if len(row) and np.isfinite(row.n_opt.iloc[0]):
            r = row.iloc[0]
            half = (
                np.inf if result.window is None else result.window * np.log(10)
            )
            u_lo = max(np.log(n[sel].min()), np.log(r.n_opt) - half)
            u_hi = min(np.log(n[sel].max()), np.log(r.n_opt) + half)
            inside = np.abs(np.log(n[sel]) - np.log(r.n_opt)) <= half
            if r.interior and inside.any():
                fitted_top = max(fitted_top, float(ell[sel][inside].max()))
            u = np.linspace(
                u_lo, u_hi, 60
            )  # the parabola only where it was fitted
            ax0.plot(
                np.exp(u),
                r.loss_opt + r.curvature * (u - np.log(r.n_opt)) ** 2,
                color=color,
                lw=1,
                label=f"{cb:.2g}",
            )
            if r.interior:
                ax0.plot(r.n_opt, r.loss_opt, "k*", ms=7)
    log_axes(
        ax0,
        _N,
        _LOSS,
        logy=False,
        title=title or "IsoFLOP profiles (star = minimum)",
    )
    if len(table) and table.interior.any():
        # zoom on the minima, but never hide a run a parabola was fitted to
        top = float(table.loss_opt[table.interior].max()) + 0.8
        ax0.set_ylim(ell.min() - 0.05, max(top, fitted_top + 0.1))
    ax0.legend(title="C (FLOPs)", fontsize=6, title_fontsize=7, ncol=2)
    good = table[table.interior]
    ax1.scatter(
        good.compute,
        good.n_opt,
        color=COLORS[0],
        zorder=3,
        label="parabola minima",
    )
    bad = table[~table.interior & np.isfinite(table.n_opt)]
    if len(bad):
        ax1.scatter(
            bad.compute,
            bad.n_opt,
            facecolor="none",
            edgecolor=COLORS[1],
            label="no interior minimum (left out)",
        )
    if result.n_fit is not None:
        cc = np.logspace(
            np.log10(table.compute.min()), np.log10(table.compute.max()), 50
        )
        ax1.plot(
            cc,
            result.n_fit.predict(cc),
            color=COLORS[0],
            label=rf"$N_{{opt}} \propto C^{{{result.a:.3f}}}$",
        )
    log_axes(
        ax1, _C, r"optimal parameters $N_{opt}$", title="Minima and power law"
    )
    ax1.legend(fontsize=8)
    return freeze_layout(fig)


def plot_bootstrap(
    boot: ch.BootstrapResult, references: Mapping[str, ch.ParametricLoss]
):
    """Bootstrap distributions of ``alpha, beta, E`` and ``a`` with published values marked
    (``references``: a dict ``{label: ParametricLoss}``, may be empty)."""
    boot = _bootstrap(boot)
    references = _fits(references, "references")
    fig, axes = new_figure(4, width=10.5, height=3.0)
    s = boot.samples[boot.converged]
    p = boot.point.params
    for ax, name in zip(axes, ["alpha", "beta", "E", "a"]):
        ax.hist(s[name], bins=40, color="0.75")
        ax.axvline(
            getattr(p, name), color="k", lw=1.5, label="fit to all runs"
        )
        for i, (label, ref) in enumerate(references.items()):
            ax.axvline(
                getattr(ref, name),
                color=COLORS[(i + 1) % len(COLORS)],
                ls=["--", ":", "-."][i % 3],
                lw=2,
                label=label,
            )
        ax.set_xlabel(
            {
                "alpha": r"$\alpha$",
                "beta": r"$\beta$",
                "E": "E (nats/token)",
                "a": r"$a = \beta/(\alpha+\beta)$",
            }[name]
        )
        ax.set_yticks([])
    axes[0].set_ylabel(f"number of fits (of {len(s)} resamples)")
    axes[0].legend(fontsize=7, loc="upper left")
    return fig


def plot_tokens_per_param(
    boot: ch.BootstrapResult,
    fits: Mapping[str, ch.ParametricLoss],
    *,
    compute=None,
    level: float = 0.95,
):
    """Compute-optimal tokens per parameter against budget: bootstrap band of our fit, the
    published fits, and Hoffmann et al.'s Table 3 (approach 1). ``level`` is the probability
    of the band, in (0, 1)."""
    boot = _bootstrap(boot)
    fits = _fits(fits)
    c = _budgets(compute, np.logspace(18, 28.5, 70))
    level = as_level(level)
    fig, ax = new_figure()
    tpp = boot.tokens_per_param(c)
    lo, hi = np.quantile(tpp, [(1 - level) / 2, (1 + level) / 2], axis=0)
    ax.fill_between(
        c,
        lo,
        hi,
        color=COLORS[0],
        alpha=0.25,
        label=f"our fit, {level:.0%} bootstrap band",
    )
    ax.plot(
        c,
        boot.point.params.tokens_per_param(c),
        color=COLORS[0],
        lw=2,
        label="our fit",
    )
    for i, (label, params) in enumerate(fits.items()):
        ax.plot(
            c,
            params.tokens_per_param(c),
            color=COLORS[(i + 1) % len(COLORS)],
            ls=["--", ":", "-."][i % 3],
            lw=2,
            label=label,
        )
    t3 = ch.HOFFMANN_2022_TABLE3
    ax.scatter(
        t3.compute,
        t3.n_tokens / t3.n_params,
        color="k",
        marker="s",
        s=18,
        zorder=3,
        label="Hoffmann et al. Table 3 (approach 1)",
    )
    log_axes(
        ax,
        _C,
        "tokens per parameter D/N",
        title="Compute-optimal tokens per parameter",
    )
    plain_log_ticks(ax.yaxis, [5, 10, 20, 50, 100, 200, 500])
    ax.legend(fontsize=7)
    return freeze_layout(fig)


def plot_kaplan_vs_chinchilla(
    kaplan_optimal_params: Callable,
    fits: Mapping[str, ch.ParametricLoss],
    *,
    models: pd.DataFrame | None = None,
    compute=None,
    kaplan_raw: Callable | None = None,
):
    """``N_opt(C)`` of Kaplan et al. (2020) and of Chinchilla fits on one figure, with GPT-3,
    Gopher and Chinchilla placed at their own (N, C = 6ND). ``kaplan_raw`` (optional) is Kaplan
    et al.'s fit of the same frontier against raw compute (``N ∝ C^0.88``), the one on the same
    compute axis as the Chinchilla curves. ``models`` (default ``KNOWN_MODELS``) has columns
    ``model, n_params, n_tokens``."""
    c = _budgets(compute, np.logspace(18, 26, 60))
    kaplan_n = _curve(kaplan_optimal_params, "kaplan_optimal_params", c)
    raw_n = None if kaplan_raw is None else _curve(kaplan_raw, "kaplan_raw", c)
    fits = _fits(fits)
    if models is None:
        models = ch.KNOWN_MODELS
    _runs_table(models, "models", ["n_params", "n_tokens"])
    check_columns(models, "models", ["model"])
    for name in models.model:
        if not isinstance(name, str):
            raise ValueError(
                f"models.model must hold names (str), got {_show(name)}"
            )
    fig, ax = new_figure()
    ax.plot(
        c,
        kaplan_n,
        color=COLORS[1],
        lw=2,
        label=r"Kaplan et al. 2020: $N \propto C_{min}^{0.73}$ (non-embedding N; $C_{min}$)",
    )
    if raw_n is not None:
        ax.plot(
            c,
            raw_n,
            color=COLORS[1],
            lw=1.5,
            ls="-.",
            label=r"Kaplan et al. 2020: $N \propto C^{0.88}$ (raw compute)",
        )
    for i, (label, params) in enumerate(fits.items()):
        ax.plot(
            c,
            params.compute_optimal(c)[0],
            color=[COLORS[0], COLORS[2], COLORS[3]][i % 3],
            ls=["-", "--", ":"][i % 3],
            lw=2,
            label=f"{label}: $N \\propto C^{{{params.a:.2f}}}$",
        )
    offsets = {"GPT-3": (-95, -6), "Gopher": (-85, 8), "Chinchilla": (8, -14)}
    for _, m in models.iterrows():
        cm = 6 * m.n_params * m.n_tokens
        ax.scatter(cm, m.n_params, color="k", zorder=3, s=25)
        ax.annotate(
            f"{m.model}: {m.n_tokens / m.n_params:.1f} tokens/param",
            (cm, m.n_params),
            textcoords="offset points",
            xytext=offsets.get(m.model, (6, 4)),
            fontsize=7,
        )
    log_axes(
        ax,
        _C,
        r"compute-optimal parameters $N_{opt}$",
        title="Two answers to the same question",
    )
    ax.legend(fontsize=7, loc="upper left")
    return fig


def _exponent_table(table) -> pd.DataFrame:
    """``table`` of :func:`plot_porian_exponents`, checked."""
    check_columns(
        table, "table", ["step", "dataset", "a", "lower", "upper"], min_rows=1
    )
    a, lower, upper = (
        as_float_array(table[k].to_numpy(), f"table.{k}", ndim=1)
        for k in ("a", "lower", "upper")
    )
    if np.any(lower > a) or np.any(upper < a):
        row = int(np.flatnonzero((lower > a) | (upper < a))[0])
        raise ValueError(
            f"table needs lower <= a <= upper in every row, got a = {a[row]:g} in "
            f"[{lower[row]:g}, {upper[row]:g}] in row {row}"
        )
    if "authors" in table:  # NaN: no exponent through the authors' optima
        as_float_array(
            table.authors.to_numpy(), "table.authors", ndim=1, allow_nan=True
        )
    for column in ("step", "dataset"):
        for label in table[column]:
            if not isinstance(label, str):
                raise ValueError(
                    f"table.{column} must hold names (str), got {_show(label)}"
                )
    steps = set(table.step)
    for dataset, sub in table.groupby("dataset", sort=False):
        if sub.step.duplicated().any() or set(sub.step) != steps:
            raise ValueError(
                f"table must have one row per step for each dataset; {dataset!r} "
                f"has steps {sub.step.tolist()}"
            )
    return table


def plot_porian_exponents(table: pd.DataFrame):
    """Exponent ``a`` of ``N_opt ∝ C^a`` with bootstrap intervals, step by step from Kaplan's
    set-up to Chinchilla's, for each data set (``table`` columns: ``step, dataset, a, lower,
    upper`` and optionally ``authors``; one row per step for each data set, and
    ``lower <= a <= upper``)."""
    table = _exponent_table(table)
    steps = list(dict.fromkeys(table.step))
    fig, ax = new_figure(width=7.5, height=4.0)
    x = np.arange(len(steps))
    for i, (ds, sub) in enumerate(table.groupby("dataset", sort=False)):
        sub = sub.set_index("step").loc[steps]
        off = (i - 0.5) * 0.18
        ax.errorbar(
            x + off,
            sub.a,
            yerr=[sub.a - sub.lower, sub.upper - sub.a],
            fmt="o",
            color=COLORS[i % len(COLORS)],
            capsize=3,
            label=f"{ds}: windowed parabola, 95% bootstrap",
        )
        if "authors" in sub:
            ax.scatter(
                x + off,
                sub.authors,
                marker="x",
                color=COLORS[i % len(COLORS)],
                s=30,
                label=f"{ds}: through the authors' optima",
            )
    for a, text, color, ls in (
        (0.88, "Kaplan et al., raw C (Fig. 14): 0.88", COLORS[1], "-."),
        (0.73, "Kaplan et al., C_min (Table 6): 0.73", COLORS[3], ":"),
        (0.5, "Chinchilla ≈ 0.5", COLORS[2], "--"),
    ):
        ax.axhline(a, color=color, ls=ls, lw=1)
        ax.text(0.25, a + 0.005, text, fontsize=7, color=color)
    ax.set_xticks(x, [textwrap.fill(s, 14) for s in steps], fontsize=7)
    ax.set_ylabel(r"exponent $a$ in $N_{opt} \propto C^a$")
    ax.set_title("Porian et al. runs: one correction at a time")
    ax.legend(fontsize=7, loc="upper right")
    return freeze_layout(fig)


def plot_inference_optimal(
    params: ch.ParametricLoss,
    target_loss: float,
    *,
    inference_tokens: Sequence[float] | None = None,
    highlight: float | None = None,
):
    """Sardana et al. (2024): the model that reaches ``target_loss`` at the lowest total cost,
    against lifetime inference tokens: size and training tokens (left), tokens per parameter and
    the saving against the compute-optimal model (right). ``inference_tokens`` and
    ``highlight`` are positive (the axis is logarithmic) and at most 1e30."""
    as_instance(params, "params", ch.ParametricLoss)
    target_loss = as_positive_float(target_loss, "target_loss")
    d_inf = (
        np.logspace(9, 14, 40)
        if inference_tokens is None
        else _tokens(inference_tokens, "inference_tokens")
    )
    if highlight is not None:
        highlight = as_positive_float(highlight, "highlight", high=_MAX_TOKENS)
    res = ch.inference_optimal(params, target_loss, d_inf)
    fig, (ax0, ax1) = new_figure(2, width=9.6, height=3.6)
    ax0.plot(d_inf, res.n_params, color=COLORS[0], lw=2, label="parameters N")
    ax0.plot(
        d_inf, res.n_tokens, color=COLORS[1], lw=2, label="training tokens D"
    )
    ax0.axhline(
        res.chinchilla_n_params[0],
        color=COLORS[0],
        ls=":",
        lw=1,
        label="compute-optimal N",
    )
    ax0.axhline(
        res.chinchilla_n_tokens[0],
        color=COLORS[1],
        ls=":",
        lw=1,
        label="compute-optimal D",
    )
    log_axes(
        ax0,
        "lifetime inference tokens",
        "parameters N, training tokens D",
        title=f"Cheapest model reaching loss {target_loss:.3f}",
    )
    ax0.legend(fontsize=7)
    ax1.plot(
        d_inf,
        res.tokens_per_param,
        color=COLORS[2],
        lw=2,
        label="tokens per parameter",
    )
    log_axes(
        ax1, "lifetime inference tokens", "training tokens per parameter D/N"
    )
    # ticks at 1, 2, 5 x 10^k written plainly (20, 50, 100): the default minor labels overlap
    ax1.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    ax1.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax1.yaxis.set_minor_formatter(NullFormatter())
    saving = 1 - res.total_flops / res.chinchilla_total_flops
    ax1b = ax1.twinx()
    ax1b.plot(
        d_inf,
        100 * saving,
        color=COLORS[3],
        ls="--",
        lw=1.5,
        label="total FLOPs saved",
    )
    ax1b.set_ylabel("total FLOPs saved vs compute-optimal (%)")
    ax1b.grid(False)
    lines = ax1.get_lines() + ax1b.get_lines()
    ax1.legend(
        lines, [ln.get_label() for ln in lines], fontsize=7, loc="upper left"
    )
    if highlight is not None:
        one = ch.inference_optimal(params, target_loss, highlight)
        for ax, ys in (
            (ax0, (one.n_params, one.n_tokens)),
            (ax1, (one.tokens_per_param,)),
        ):
            for yv in ys:
                ax.plot(highlight, float(yv), "ko", ms=6)
        ax1.set_title(
            f"N = {float(one.n_params):.3g}, D = {float(one.n_tokens):.3g}, "
            f"D/N = {float(one.tokens_per_param):.0f}",
            fontsize=9,
        )
    return fig


def show_inference_optimal(
    params: ch.ParametricLoss, log10_budget: float, log10_inference: float
) -> None:
    """Widget callback: the figure of :func:`plot_inference_optimal` for the loss that a
    compute-optimal model reaches with ``10**log10_budget`` FLOPs, highlighting
    ``10**log10_inference`` inference tokens; displayed, then closed so that moving a slider
    does not accumulate open figures. ``log10_budget`` lies in [6, 40] (the budgets
    :func:`scaling_lib.chinchilla.compute_for_loss` searches), ``log10_inference`` in [0, 30].
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    as_instance(params, "params", ch.ParametricLoss)
    log10_budget = as_float(log10_budget, "log10_budget", low=6.0, high=40.0)
    log10_inference = as_float(
        log10_inference, "log10_inference", low=0.0, high=30.0
    )
    target = float(params.optimal_loss(10.0**log10_budget))
    fig = plot_inference_optimal(
        params, target, highlight=10.0**log10_inference
    )
    display(fig)
    plt.close(fig)


_REFIT_COLUMNS = ["compute", "n_params", "n_tokens", "loss"]
_REFIT_ARTISTS = ("kept", "dropped", "line", "text")


@dataclass
class LiveRefit:
    """State of the live-refit widget: the runs, the fit to all of them, the current refit,
    and the artists that :func:`live_refit_update` changes in place."""

    fig: object
    runs: pd.DataFrame
    full: ch.ParametricLossFit
    current: ch.ParametricLossFit
    artists: dict = field(repr=False)

    def __post_init__(self):
        as_instance(self.fig, "fig", Figure, what="a matplotlib Figure")
        _runs_table(self.runs, "runs", _REFIT_COLUMNS)
        _fit_with_params(self.full, "full")
        _fit_with_params(self.current, "current")
        if not isinstance(self.artists, dict) or set(self.artists) != set(
            _REFIT_ARTISTS
        ):
            raise ValueError(
                f"artists must be a dict with the keys {list(_REFIT_ARTISTS)}, got "
                f"{_show(self.artists)}"
            )
        for key, artist in self.artists.items():
            as_instance(artist, f"artists[{key!r}]", Artist)


_REFIT_C = np.logspace(18, 25, 50)


def live_refit_figure(
    runs: pd.DataFrame, full: ch.ParametricLossFit
) -> LiveRefit:
    """The figure of the live refit: runs in the (C, N) plane (kept in colour, left out in
    grey), the frontier ``N_opt(C)`` of the fit to all runs (dashed) and of the refit, and the
    refitted constants. Built once; :func:`live_refit_update` changes its artists. ``runs``
    has columns ``compute, n_params, n_tokens, loss``; ``full`` is a fit with parameters."""
    runs = _runs_table(runs, "runs", _REFIT_COLUMNS)
    full = _fit_with_params(full, "full")
    fig, ax = new_figure(width=6.8, height=4.0)
    c, n = runs.compute.to_numpy(), runs.n_params.to_numpy()
    dropped = ax.scatter(
        c[:0], n[:0], s=10, color="0.8", label="runs left out"
    )
    kept = ax.scatter(c, n, s=10, color=COLORS[0], label="runs in the fit")
    ax.plot(
        _REFIT_C,
        full.params.compute_optimal(_REFIT_C)[0],
        color="k",
        ls="--",
        lw=1,
        label=f"all runs: $a$ = {full.params.a:.3f}",
    )
    (line,) = ax.plot(
        _REFIT_C,
        full.params.compute_optimal(_REFIT_C)[0],
        color=COLORS[1],
        lw=2,
        label="refit",
    )
    text = ax.text(
        0.98,
        0.03,
        "",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=8,
        family="monospace",
    )
    log_axes(
        ax,
        _C,
        "parameters N",
        title="Approach 3, refitted on the runs you keep",
    )
    ax.legend(fontsize=7, loc="upper left")
    ax.set_xlim(1e18, 1e25)
    for axis in (
        ax.xaxis,
        ax.yaxis,
    ):  # fewer ticks, and plain text rather than
        axis.set_minor_locator(
            NullLocator()
        )  # mathtext: each is laid out at every change
        axis.set_major_formatter(
            FuncFormatter(lambda v, _: f"1e{np.log10(v):.0f}")
        )
    state = LiveRefit(
        fig,
        runs,
        full,
        full,
        {"kept": kept, "dropped": dropped, "line": line, "text": text},
    )
    _show_fit(state, full, int(len(runs)))
    fig.canvas.draw()  # lay out once, not at every change
    fig.set_layout_engine("none")
    return state


def live_refit_view() -> LiveRefit:
    """:func:`live_refit_figure` on the digitized runs of Besiroglu et al. (2024) and the fit
    to all of them (the state the chapter's widget starts from)."""
    from ..data import load_chinchilla_runs

    runs = load_chinchilla_runs()
    return live_refit_figure(
        runs, ch.fit_parametric_loss(runs.n_params, runs.n_tokens, runs.loss)
    )


def _show_fit(
    state: LiveRefit, fit: ch.ParametricLossFit, n_kept: int
) -> None:
    p = fit.params
    state.artists["line"].set_ydata(p.compute_optimal(_REFIT_C)[0])
    state.artists["text"].set_text(
        f"{n_kept} runs  alpha = {p.alpha:.3f}  beta = {p.beta:.3f}\n"
        f"E = {p.E:.3f}  a = beta/(alpha+beta) = {p.a:.3f}"
    )


def live_refit_update(
    state: LiveRefit,
    log10_c_min: float,
    log10_c_max: float,
    log10_delta: float = -3.0,
):
    """One step of the live refit: keep the runs with ``10**log10_c_min <= C <=
    10**log10_c_max``, refit approach 3 with Huber ``delta = 10**log10_delta`` from the
    fit to all runs (:func:`scaling_lib.chinchilla.refit_parametric_loss`), update the
    figure's artists and render it. Returns the refit, or None when fewer than 6 runs are kept
    or they cannot identify the law (the figure says so). ``log10_delta`` lies in [-10, 2]."""
    as_instance(
        state,
        "state",
        LiveRefit,
        what="a LiveRefit (from live_refit_figure or live_refit_view)",
    )
    lo = as_float(log10_c_min, "log10_c_min")
    hi = as_float(log10_c_max, "log10_c_max")
    log10_delta = as_float(log10_delta, "log10_delta", low=-10.0, high=2.0)
    if lo > hi:
        raise ValueError(
            f"log10_c_min must be <= log10_c_max, got {log10_c_min!r}, "
            f"{log10_c_max!r}"
        )
    runs = state.runs
    logc = np.log10(runs.compute.to_numpy())
    keep = (logc >= lo) & (logc <= hi)
    xy = np.column_stack([runs.compute.to_numpy(), runs.n_params.to_numpy()])
    state.artists["kept"].set_offsets(xy[keep])
    state.artists["dropped"].set_offsets(xy[~keep])
    fit = None
    if keep.sum() >= 6:
        sub = runs[keep]
        fit = ch.refit_parametric_loss(
            state.full,
            sub.n_params,
            sub.n_tokens,
            sub.loss,
            delta=10.0**log10_delta,
        )
    if fit is None or fit.params is None:
        state.artists["text"].set_text(
            f"{int(keep.sum())} runs: too few, or they cannot identify the law"
        )
        fit = None
    else:
        state.current = fit
        _show_fit(state, fit, int(keep.sum()))
    return fit


def plot_window_sensitivity(table: pd.DataFrame):
    """Exponent ``a`` of each Porian et al. step against the half-width of the IsoFLOP window
    (``table``: index = window in decades, one column per step; a last row labelled ``whole``
    holds the parabola through the whole curve, drawn at the right edge; NaN: no fit)."""
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise ValueError(
            "table must be a non-empty DataFrame (index: windows in decades, one "
            f"column per step), got {type(table).__name__} {_show(table)}"
        )
    if table.index.has_duplicates:
        raise ValueError(
            f"table must have one row per window, got {list(table.index)}"
        )
    windows = [
        w for w in table.index if not (isinstance(w, str) and w == "whole")
    ]
    if not windows:
        raise ValueError(
            f"table needs a window in decades, got {list(table.index)}"
        )
    for w in windows:
        as_positive_float(w, "table.index (window in decades)")
    as_float_array(table.to_numpy(), "table", allow_nan=True)
    fig, ax = new_figure(width=7.0, height=3.8)
    x_whole = max(windows) + 0.25
    for i, step in enumerate(table.columns):
        ax.plot(
            windows,
            table.loc[windows, step],
            "o-",
            color=COLORS[i % len(COLORS)],
            ms=4,
            label=step,
        )
        if "whole" in table.index:
            ax.plot(
                [x_whole],
                [table.loc["whole", step]],
                "s",
                mfc="none",
                ms=6,
                color=COLORS[i % len(COLORS)],
            )
    ax.axvline(ch.ISOFLOP_WINDOW, color="0.5", ls=":", lw=1)
    ax.text(
        ch.ISOFLOP_WINDOW + 0.01,
        ax.get_ylim()[1] - 0.02,
        "course default",
        fontsize=7,
        va="top",
    )
    ticks = list(windows) + ([x_whole] if "whole" in table.index else [])
    ax.set_xticks(
        ticks,
        [f"{w:g}" for w in windows]
        + (["whole\ncurve"] if "whole" in table.index else []),
    )
    ax.set_xlabel(
        "half-width of the window around the lowest run (decades of N)"
    )
    ax.set_ylabel(r"exponent $a$ in $N_{opt} \propto C^a$")
    ax.set_title("How the IsoFLOP window moves the exponent (RefinedWeb)")
    ax.legend(fontsize=7, loc="center right")
    return fig


def plot_early_stop_spread(a_values, *, optimum: float, published: float):
    """Histogram of the allocation exponent ``a`` at which L-BFGS-B stops, one value per start,
    with the true optimum and the published value marked (every value in [0, 1])."""
    a_values = as_probability_array(a_values, "a_values", ndim=1, min_size=1)
    optimum = as_float(optimum, "optimum", low=0.0, high=1.0)
    published = as_float(published, "published", low=0.0, high=1.0)
    fig, ax = new_figure(width=6.4, height=3.6)
    ax.hist(a_values, bins=np.linspace(0, 1, 51), color="0.6")
    ax.axvline(
        optimum,
        color=COLORS[0],
        lw=2,
        label=f"optimum of the objective: {optimum:.2f}",
    )
    ax.axvline(
        published,
        color=COLORS[1],
        ls="--",
        lw=2,
        label=f"Hoffmann et al. approach 3: {published:.2f}",
    )
    ax.set_xlabel(r"$a = \beta/(\alpha+\beta)$ where the optimizer stopped")
    ax.set_ylabel(f"number of starts (of {a_values.size})")
    ax.set_title("Mean objective, L-BFGS-B defaults: one end point per start")
    ax.legend(fontsize=7)
    return fig
