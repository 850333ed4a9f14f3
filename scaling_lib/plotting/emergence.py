"""Figures of Chapter 4 (emergence): task scores against training compute coloured by family,
the same IPA outputs under exact match and BLEU, the per-token toy model of apparent jumps, and the
hold-out test of a sigmoid fitted below a compute cut-off."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .._validation import (
    _show,
    as_bool,
    as_float,
    as_float_array,
    as_instance,
    as_int,
    as_positive_array,
    as_positive_float,
    as_positive_int,
    as_probability_array,
    as_rng,
    check_columns,
    check_same_shape,
)
from ..emergence import (
    HoldoutPrediction,
    SigmoidFit,
    simulate_metrics,
    size_at_exact_match,
)
from . import COLORS, _check_text, log_axes, new_figure

__all__ = [
    "HIGHLIGHT_FAMILIES",
    "family_colors",
    "plot_tasks_vs_compute",
    "plot_metric_comparison",
    "plot_exact_match_vs_scale",
    "plot_exact_match_length",
    "ExactMatchLengthView",
    "update_exact_match_length",
    "figure_png",
    "plot_holdout",
    "plot_family_crossings",
]

#: Families drawn in colour (others in grey): the ones with at least three models that bracket
#: the jumps, plus the largest recent families.
HIGHLIGHT_FAMILIES = (
    "Pythia",
    "OPT",
    "BLOOM",
    "GPT-Neo/J",
    "StarCoder",
    "Llama",
    "Llama-2",
    "Qwen1.5",
)
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _as_names(value, name: str, what: str = "family names") -> list:
    """``value`` as a list of str: a list, a tuple or a 1-D array of names."""
    if (
        isinstance(value, (np.ndarray, pd.Index, pd.Series))
        and value.ndim == 1
    ):
        value = value.tolist()
    if not isinstance(value, (list, tuple)) or not all(
        isinstance(v, str) for v in value
    ):
        raise ValueError(
            f"{name} must be a list of {what} (str), got {_show(value)}"
        )
    return list(value)


def _annotation(value, name: str, *, score: bool = False) -> tuple:
    """A ``(compute, text)`` pair, or with ``score`` a ``(compute, score, text)`` triple: where
    to draw (FLOPs > 0), the score of a published result (in [0, 1]) and its label."""
    shape = f"(compute in FLOPs, {'score, ' * score}text)"
    if (
        not isinstance(value, (tuple, list))
        or len(value) != 2 + score
        or not isinstance(value[-1], str)
    ):
        raise ValueError(f"{name} must be {shape}, got {_show(value)}")
    compute = as_positive_float(value[0], name)
    if score:
        return compute, as_float(value[1], name, low=0, high=1), value[2]
    return compute, value[1]


def _per_task(value, name: str, tasks: list) -> dict:
    """None (nothing to draw) or a dict whose keys are among the drawn ``tasks``."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(
            f"{name} must be a dict {{task: ...}} or None, got {_show(value)}"
        )
    unknown = [k for k in value if k not in tasks]
    if unknown:
        raise ValueError(
            f"{name} names tasks that are not drawn: {unknown!r}; tasks are {tasks}"
        )
    return value


def family_colors(families=HIGHLIGHT_FAMILIES) -> dict:
    """Colour and marker of each highlighted family: ``{family: (color, marker)}``."""
    families = _as_names(families, "families")
    return {
        f: (COLORS[i % len(COLORS)], _MARKERS[i % len(_MARKERS)])
        for i, f in enumerate(families)
    }


def _scatter_families(
    ax,
    frame: pd.DataFrame,
    *,
    y: str = "score",
    x: str = "compute",
    highlight=HIGHLIGHT_FAMILIES,
    scale: float = 1.0,
    label: bool = True,
):
    styles = family_colors(highlight)
    others = frame[~frame.family.isin(highlight)]
    ax.scatter(
        others[x],
        scale * others[y],
        s=14,
        color="#BBBBBB",
        zorder=1,
        label="other families" if label else None,
    )
    for fam in highlight:
        g = frame[frame.family == fam].sort_values(x)
        if g.empty:
            continue
        color, marker = styles[fam]
        ax.plot(
            g[x], scale * g[y], "-", color=color, lw=1, alpha=0.7, zorder=2
        )
        ax.scatter(
            g[x],
            scale * g[y],
            s=22,
            color=color,
            marker=marker,
            zorder=3,
            edgecolors="#333333",
            linewidths=0.4,
            label=fam if label else None,
        )


def plot_tasks_vs_compute(
    frame: pd.DataFrame,
    tasks,
    *,
    ncols: int = 3,
    marks=None,
    points=None,
    chance=None,
    highlight=HIGHLIGHT_FAMILIES,
):
    """Score against training compute (log axis), one panel per task, coloured by family.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`scaling_lib.data.load_emergence_long`.
    tasks : sequence of str
        Task names to draw, one panel each.
    marks : dict, optional
        ``{task: (compute, text)}``: a vertical dashed line, e.g. the emergence scale reported
        by Wei et al. (2022), Table 1; the text is written inside the panel, right of the line.
    points : dict, optional
        ``{task: (compute, score, text)}``: a published result drawn as a star, e.g. GPT-3
        175B on 3-digit addition (Brown et al. 2020, Sec. 3.9.1).
    chance : dict, optional
        ``{task: score}``: a dotted horizontal line at the chance score (multiple choice).
    highlight : sequence of str
        Families drawn in colour and joined by lines; the rest are grey.
    """
    check_columns(
        frame,
        "frame",
        ["task", "family", "compute", "score", "metric", "label"],
        min_rows=1,
    )
    tasks = _as_names(tasks, "tasks", "task names")
    missing = sorted(set(tasks) - set(frame.task))
    if not tasks or missing:
        raise ValueError(
            f"tasks must name one or more tasks of frame, got {_show(tasks)}"
            + (f": {missing} not in frame.task" if missing else "")
        )
    drawn = frame[frame.task.isin(tasks)]
    as_positive_array(drawn["compute"].to_numpy(), "frame['compute']")
    as_probability_array(drawn["score"].to_numpy(), "frame['score']")
    # 3.3 in per column: at most 15 keep the figure within new_figure's 50 in
    ncols = as_int(ncols, "ncols", minimum=1, maximum=15)
    marks = {
        t: _annotation(v, f"marks[{t!r}]")
        for t, v in _per_task(marks, "marks", tasks).items()
    }
    points = {
        t: _annotation(v, f"points[{t!r}]", score=True)
        for t, v in _per_task(points, "points", tasks).items()
    }
    chance = {
        t: as_float(v, f"chance[{t!r}]", low=0, high=1)
        for t, v in _per_task(chance, "chance", tasks).items()
    }
    highlight = _as_names(highlight, "highlight")
    nrows = int(np.ceil(len(tasks) / ncols))
    fig, axes = new_figure(
        ncols,
        nrows,
        width=3.3 * ncols,
        height=2.8 * nrows + 0.6,
        sharex=True,
        squeeze=False,
    )
    for ax, task in zip(axes.ravel(), tasks):
        sub = frame[frame.task == task]
        _scatter_families(
            ax, sub, highlight=highlight, label=ax is axes.ravel()[0]
        )
        metric = sub.metric.iloc[0] if len(sub) else ""
        log_axes(
            ax,
            "training compute 6ND (FLOPs)",
            f"{metric} (fraction)",
            logy=False,
            title=sub.label.iloc[0] + (" (BLEU)" if metric == "BLEU" else "")
            if len(sub)
            else task,
        )
        ax.set_ylim(-0.03, 1.03)
        if task in marks:
            c, text = marks[task]
            ax.axvline(c, color="k", ls="--", lw=1)
            ax.text(c, 0.98, " " + text, fontsize=7, va="top", ha="left")
        if task in points:
            c, score, text = points[task]
            ax.plot([c], [score], "*", ms=11, color="k", zorder=4)
            ax.annotate(
                text,
                (c, score),
                xytext=(-4, -12),
                textcoords="offset points",
                fontsize=7,
                ha="right",
            )
        if task in chance:
            ax.axhline(chance[task], color="grey", ls=":", lw=1)
            ax.text(
                ax.get_xlim()[0],
                chance[task],
                " chance",
                fontsize=7,
                va="bottom",
                color="grey",
            )
    for ax in axes.ravel()[len(tasks) :]:
        ax.set_visible(False)
    fig.legend(loc="outside lower center", ncols=5, fontsize=8)
    fig.canvas.draw()  # lay the figure out once, then freeze that layout, so
    fig.set_layout_engine(
        "none"
    )  # every rendering (displayed, glued) is byte-identical
    return fig


def plot_metric_comparison(
    wide: pd.DataFrame, *, highlight=HIGHLIGHT_FAMILIES
):
    """The same IPA-transliteration outputs scored two ways: exact match and BLEU against
    compute (linear and log score axes), and BLEU against exact match.

    ``wide`` is :func:`scaling_lib.data.load_emergence_evals` restricted to rows with compute
    and both IPA scores (the caller drops flagged values).
    """
    scores = ["ipa_exact_match", "ipa_bleu"]
    check_columns(wide, "wide", ["family", "compute", *scores], min_rows=1)
    as_positive_array(wide["compute"].to_numpy(), "wide['compute']")
    for col in scores:
        as_probability_array(wide[col].to_numpy(), f"wide[{col!r}]")
    highlight = _as_names(highlight, "highlight")
    fig, axes = new_figure(3, 2, width=11.0, height=6.6)
    for col, (metric, name) in enumerate(
        [("ipa_exact_match", "exact match"), ("ipa_bleu", "BLEU")]
    ):
        for row, logy in enumerate([False, True]):
            ax = axes[row, col]
            d = wide.rename(columns={metric: "score"})
            if logy:
                d = d[d.score > 0]
            _scatter_families(
                ax, d, highlight=highlight, label=(row == 0 and col == 0)
            )
            log_axes(
                ax,
                "training compute 6ND (FLOPs)",
                f"IPA {name} (fraction)",
                logy=logy,
                title=f"IPA transliterate, {name}"
                + (" (log scale)" if logy else ""),
            )
            if logy:
                ax.set_ylim(1e-4, 1.5)
            else:
                ax.set_ylim(-0.02, 0.7)
    ax = axes[0, 2]
    _scatter_families(
        ax,
        wide,
        x="ipa_exact_match",
        y="ipa_bleu",
        highlight=highlight,
        label=False,
    )
    log_axes(
        ax,
        "IPA exact match (fraction)",
        "IPA BLEU (fraction)",
        logx=False,
        logy=False,
        title="the same outputs, two metrics",
    )
    ax = axes[1, 2]
    d = wide[(wide.ipa_exact_match > 0)]
    _scatter_families(
        ax,
        d,
        x="ipa_exact_match",
        y="ipa_bleu",
        highlight=highlight,
        label=False,
    )
    log_axes(
        ax,
        "IPA exact match (fraction, log)",
        "IPA BLEU (fraction, log)",
        title="same, log-log (models with exact match > 0)",
    )
    fig.legend(loc="outside lower center", ncols=5, fontsize=8)
    fig.canvas.draw()  # lay the figure out once, then freeze that layout, so
    fig.set_layout_engine(
        "none"
    )  # every rendering (displayed, glued) is byte-identical
    return fig


def plot_exact_match_vs_scale(
    n_params,
    *,
    scale: float = 1e8,
    exponent: float = -0.3,
    lengths=(1, 5, 20),
    n_questions: int | None = None,
    rng=None,
):
    """Toy model of Schaeffer et al. (2023): per-token loss and accuracy fall/rise smoothly,
    exact match ``p**L`` is the same curve shifted to larger N, token errors
    ``L(1-p)`` fall smoothly."""
    n_params = as_positive_array(n_params, "n_params", ndim=1, min_size=1)
    scale = as_positive_float(scale, "scale")
    exponent = as_float(exponent, "exponent", high=0, high_open=True)
    if isinstance(lengths, np.ndarray) and lengths.ndim == 1:
        lengths = lengths.tolist()
    if not isinstance(lengths, (list, tuple)) or not lengths:
        raise ValueError(
            f"lengths must be a list of answer lengths, got {_show(lengths)}"
        )
    lengths = [as_positive_int(v, "lengths", maximum=10**6) for v in lengths]
    if n_questions is not None:
        n_questions = as_positive_int(
            n_questions, "n_questions", maximum=10**9
        )
    rng = as_rng(rng)  # one stream for every length
    fig, axes = new_figure(3, 1, width=11.0, height=3.5)
    base = simulate_metrics(n_params, scale=scale, exponent=exponent, length=1)
    ax = axes[0]
    ax.plot(n_params, base["loss"], color=COLORS[0])
    log_axes(
        ax,
        "parameters N",
        "per-token loss (nats)",
        title=r"smooth: per-token loss $(N/c)^{\alpha}$",
    )
    for i, length in enumerate(lengths):
        out = simulate_metrics(
            n_params,
            scale=scale,
            exponent=exponent,
            length=length,
            n_questions=n_questions,
            rng=rng,
        )
        color = COLORS[(i + 1) % len(COLORS)]
        name = f"L={length}" + (" (= per-token p)" if length == 1 else "")
        axes[1].plot(
            n_params,
            out["exact_match"],
            color=color,
            label=f"exact match, {name}",
        )
        if n_questions is not None:
            axes[1].plot(
                n_params, out["measured_exact_match"], ".", color=color, ms=4
            )
        axes[2].plot(
            n_params, out["token_errors"], color=color, label=f"L={length}"
        )
    if 1 not in lengths:  # with L = 1 the exact-match curve is p itself
        axes[1].plot(
            n_params,
            base["p_token"],
            "k--",
            lw=1,
            label="per-token accuracy p",
        )
    log_axes(
        axes[1],
        "parameters N",
        "probability",
        logy=False,
        title=r"shifted: exact match $p^L$ (same shape, later)",
    )
    axes[1].legend(fontsize=8)
    log_axes(
        axes[2],
        "parameters N",
        "expected wrong tokens L(1-p)",
        logy=False,
        title=r"smooth again: token errors $L(1-p)$",
    )
    axes[2].legend(fontsize=8)
    return fig


class ExactMatchLengthView:
    """One figure of exact match ``p**length`` against N, with the per-token accuracy, whose
    artists a slider for ``length`` updates in place (no new figure per change).

    What does not depend on ``length`` (the grid of N, the per-token accuracy ``p``, the axes)
    is computed once; :meth:`update` only raises ``p`` to the new power and moves the 50 % line.
    """

    def __init__(
        self,
        length: int = 5,
        *,
        scale: float = 1e8,
        exponent: float = -0.3,
        widget: bool = False,
    ):
        length = as_positive_int(length, "length", maximum=10**6)
        self.scale = as_positive_float(scale, "scale")
        self.exponent = as_float(exponent, "exponent", high=0, high_open=True)
        widget = as_bool(widget, "widget")
        self.n = np.logspace(6, 13, 300)
        self.p = simulate_metrics(
            self.n, scale=self.scale, exponent=self.exponent, length=1
        )["p_token"]
        self.fig, ax = new_figure(width=6.0, height=3.6)
        self.ax = ax
        ax.plot(self.n, self.p, "k--", lw=1, label="per-token accuracy p")
        (self.curve,) = ax.plot(
            self.n, self.p, color=COLORS[1], lw=2, label="exact match"
        )
        self.half = ax.axvline(1e9, color=COLORS[1], ls=":", lw=1)
        log_axes(ax, "parameters N", "probability", logy=False, title="\n")
        ax.set_ylim(-0.02, 1.02)
        self.legend = ax.legend(fontsize=8, loc="upper left")
        self.fig.canvas.draw()  # lay out once; updates keep this layout
        self.fig.set_layout_engine("none")
        if widget:  # shown through figure_png by the widget, not by the notebook itself
            import matplotlib.pyplot as plt

            plt.close(self.fig)
        self.update(length)

    def update(self, length: int):
        """Show answers of ``length`` tokens; returns the figure."""
        length = as_positive_int(length, "length", maximum=10**6)
        self.curve.set_ydata(self.p**length)
        self.legend.get_texts()[1].set_text(f"exact match $p^{{{length}}}$")
        n_half = size_at_exact_match(
            0.5, length=length, scale=self.scale, exponent=self.exponent
        )
        if n_half <= self.n.max():
            self.half.set_xdata([n_half, n_half])
            self.half.set_visible(True)
            where = f"50 % exact match at N = {n_half:.2g}"
        else:  # long answers: the 50 % point lies beyond the drawn range
            self.half.set_visible(False)
            where = (
                f"50 % exact match not reached below N = {self.n.max():.0e}"
            )
        self.ax.set_title(f"answers of L = {length} tokens:\n{where}")
        return self.fig


def update_exact_match_length(view: ExactMatchLengthView, length: int):
    """The widget's update step, as a plain function a benchmark can time:
    ``view.update(length)``."""
    as_instance(
        view, "view", ExactMatchLengthView, what="an ExactMatchLengthView"
    )
    return view.update(length)


def figure_png(fig) -> bytes:
    """The figure as PNG bytes, at its own size (no tight bounding box: the layout is fixed),
    for an ``ipywidgets.Image`` that a slider refreshes."""
    import io

    as_instance(fig, "fig", Figure, what="a matplotlib Figure")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def plot_exact_match_length(
    length: int = 5, *, scale: float = 1e8, exponent: float = -0.3
):
    """One curve of exact match ``p**length`` against N, with the per-token accuracy (a static
    :class:`ExactMatchLengthView`)."""
    return ExactMatchLengthView(length, scale=scale, exponent=exponent).fig


def plot_holdout(
    x,
    y,
    result,
    *,
    xlabel: str = "training compute 6ND (FLOPs)",
    ylabel: str = "score (fraction)",
    title: str = "",
    log10_x: bool = True,
    reference=None,
):
    """Points used to fit (filled), held-out points (open), the fitted sigmoid and its
    extrapolation, and optionally a ``reference`` :class:`~scaling_lib.emergence.SigmoidFit`
    (e.g. fitted on all points).

    ``x`` is the variable the sigmoid was fitted on; with ``log10_x`` it is ``log10`` compute
    and is drawn as compute on a log axis.
    """
    x = as_float_array(x, "x", ndim=1, min_size=1)
    y = as_probability_array(y, "y", ndim=1, min_size=1)
    check_same_shape(x=x, y=y)
    result = as_instance(
        result,
        "result",
        HoldoutPrediction,
        what="a HoldoutPrediction from holdout_prediction",
    )
    if np.shape(result.train) != x.shape:
        raise ValueError(
            f"result was computed on {np.size(result.train)} points, x has "
            f"{x.size}: pass the x and y given to holdout_prediction"
        )
    if reference is not None:
        as_instance(
            reference, "reference", SigmoidFit, what="a SigmoidFit or None"
        )
    _check_text(xlabel=xlabel, ylabel=ylabel, title=title, optional=())
    log10_x = as_bool(log10_x, "log10_x")
    if log10_x and np.any(np.abs(x) > 300):
        raise ValueError(
            f"x must be log10 of compute with log10_x=True (|x| <= 300), got "
            f"x={_show(x)}"
        )
    fig, ax = new_figure(width=6.4, height=4.0)
    shown = 10**x if log10_x else x
    train = result.train
    ax.scatter(
        shown[train],
        y[train],
        s=22,
        color=COLORS[0],
        label="fitted (below cut-off)",
    )
    ax.scatter(
        shown[~train],
        y[~train],
        s=26,
        facecolors="none",
        edgecolors=COLORS[1],
        label=f"held out: MAE {result.test_mae:.3f}",
    )
    grid = np.linspace(x.min() - 0.2, x.max() + 0.2, 300)
    gshown = 10**grid if log10_x else grid
    ax.plot(
        gshown,
        result.fit.predict(grid),
        color=COLORS[0],
        lw=2,
        label="sigmoid fit",
    )
    if reference is not None:
        ax.plot(
            gshown,
            reference.predict(grid),
            color="k",
            ls=":",
            lw=1,
            label="sigmoid fitted on all models",
        )
    if np.isfinite(result.cutoff):
        ax.axvline(
            10**result.cutoff if log10_x else result.cutoff,
            color="k",
            ls="--",
            lw=1,
        )
    log_axes(ax, xlabel, ylabel, logx=log10_x, logy=False, title=title)
    ax.set_ylim(-0.03, 1.03)
    ax.legend(fontsize=8, loc="upper left")
    return fig


def plot_family_crossings(
    table: pd.DataFrame, *, reference=None, title: str = ""
):
    """Dot plot of :func:`scaling_lib.emergence.family_crossings`: for each family the compute
    range of its models (grey bar) and where it crosses the level (dot; open triangle = only an
    upper bound, its smallest model is already above).

    ``reference`` is an optional ``(compute, text)`` pair drawn as a dashed vertical line.
    """
    columns = "family n_models log10_first log10_last crossing status"
    check_columns(table, "table", columns.split(), min_rows=1)
    for col in ("log10_first", "log10_last", "crossing"):
        as_float_array(  # a family that never reaches the level has no crossing (NaN)
            table[col].to_numpy(),
            f"table[{col!r}]",
            allow_nan=col == "crossing",
        )
    if reference is not None:
        reference = _annotation(reference, "reference")
    _check_text(title=title, optional=())
    t = table.sort_values(
        ["crossing", "log10_first"], na_position="last"
    ).reset_index(drop=True)
    fig, ax = new_figure(width=6.4, height=0.28 * len(t) + 1.2)
    labels = {
        "range": "compute range of the family's models",
        "crossed": "crosses between two of its models",
        "at or below smallest": "upper bound: smallest model already above",
    }
    for i, r in t.iterrows():
        ax.plot(
            [10**r.log10_first, 10**r.log10_last],
            [i, i],
            color="#BBBBBB",
            lw=4,
            solid_capstyle="round",
            label=labels.pop("range", None),
        )
        if r.status == "crossed":
            ax.plot(
                10**r.crossing,
                i,
                "o",
                color=COLORS[0],
                ls="none",
                label=labels.pop("crossed", None),
            )
        elif r.status == "at or below smallest":
            ax.plot(
                10**r.crossing,
                i,
                "<",
                color=COLORS[1],
                mfc="none",
                ls="none",
                label=labels.pop("at or below smallest", None),
            )
    ax.set_yticks(
        range(len(t)), [f"{f} ({n})" for f, n in zip(t.family, t.n_models)]
    )
    ax.invert_yaxis()
    if reference is not None:
        ax.axvline(reference[0], color="k", ls="--", lw=1)
        ax.text(
            reference[0], -0.8, " " + reference[1], fontsize=8, va="bottom"
        )
    log_axes(ax, "training compute 6ND (FLOPs)", "", logy=False, title=title)
    ax.set_title(
        title, pad=14
    )  # room for the reference label above the first row
    ax.grid(axis="y", visible=False)
    ax.legend(fontsize=8, loc="lower right")
    fig.canvas.draw()  # lay the figure out once, then freeze that layout, so
    fig.set_layout_engine(
        "none"
    )  # every rendering (displayed, glued) is byte-identical
    return fig
