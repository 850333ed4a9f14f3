"""Figures of Chapter 5 (inverse scaling): heatmap of tasks by model size, per-task curves
with error bars along size and along training, a trend fit with its verdict, the grid of
verdicts, and the distractor-task toy model."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap, TwoSlopeNorm
from matplotlib.patches import Patch

from .._validation import (
    _show,
    as_choice,
    as_float,
    as_instance,
    as_int,
    as_nonnegative_array,
    as_positive_array,
    as_probability_array,
    check_columns,
    check_same_shape,
)
from . import COLORS, _check_axes, _check_text, log_axes, new_figure

__all__ = [
    "plot_size_heatmap",
    "plot_size_curves",
    "plot_training_curves",
    "plot_trend_fit",
    "TrendFitView",
    "update_trend_fit",
    "final_checkpoint_trend_view",
    "plot_verdict_grid",
    "plot_distractor_toy",
    "plot_loss_vs_accuracy",
    "VERDICT_COLORS",
    "size_styles",
]

#: Colour of each verdict of :func:`scaling_lib.inverse.classify_trend`.
VERDICT_COLORS = {
    "positive": COLORS[2],
    "inverse": COLORS[1],
    "U-shaped": COLORS[0],
    "inverted-U": COLORS[3],
    "flat": "#DDDDDD",
}

_Z95 = 1.96  # two-sided 95 % normal interval


_SIZE_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")

# Columns each figure reads from the table of scaling_lib.data.load_inverse_scaling.
_FINAL_COLUMNS = ["task", "task_name", "size", "n_params", "final"]
_SCORE_COLUMNS = ["task", "task_name", "size", "accuracy", "accuracy_se"]


def _sequence(value, name: str, what: str) -> list:
    """``value`` as a non-empty list: a 1-D list, tuple, array or index, never a single
    string, a dict or a set (whose order is not the reader's)."""
    try:
        flat = not isinstance(value, (str, bytes, dict, set, frozenset)) and (
            np.ndim(value) == 1
        )
    except Exception:  # ragged nested lists
        flat = False
    if not flat or len(value) == 0:
        one = (
            f" (for one, write [{value!r}])" if isinstance(value, str) else ""
        )
        raise ValueError(
            f"{name} must be a non-empty list of {what}, got {_show(value)}{one}"
        )
    return list(value)


def _choices(values, name: str, allowed: list, what: str) -> list:
    """A non-empty list whose every entry is one of ``allowed``."""
    values = _sequence(values, name, what)
    return [
        as_choice(v, f"{name}[{i}]", allowed) for i, v in enumerate(values)
    ]


def _frame(frame, columns) -> pd.DataFrame:
    """The inverse-scaling table (or a subset of its rows) with ``columns``."""
    return check_columns(frame, "frame", columns, min_rows=1)


def _tasks_of(frame) -> list:
    return list(dict.fromkeys(str(t) for t in frame["task"]))


def _final(frame) -> pd.DataFrame:
    """The rows at the final checkpoint, one per (task, size)."""
    final = frame[frame["final"].eq(True).to_numpy()]
    if final.empty:
        raise ValueError(
            "frame has no row at the final checkpoint (column final is never True)"
        )
    if final.duplicated(["task", "size"]).any():
        raise ValueError(
            "frame has more than one final-checkpoint row for a (task, size) pair"
        )
    return final


def _scores(rows, se: bool = True):
    """The accuracies of ``rows`` in [0, 1] (and their standard errors >= 0)."""
    acc = as_probability_array(rows["accuracy"], "frame.accuracy")
    if not se:
        return acc
    return acc, as_nonnegative_array(rows["accuracy_se"], "frame.accuracy_se")


def _size_order(rows) -> list:
    """The model sizes present in ``rows``, in the order of the size category (70m first)
    when the column is categorical, else in order of appearance."""
    present = set(rows["size"])
    column = rows["size"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        return [s for s in column.cat.categories if s in present]
    return list(dict.fromkeys(column))


def _points(scale, accuracy, accuracy_se, where: str = ""):
    """One trend's points: scale > 0, accuracy in [0, 1], standard errors >= 0 (0 is a
    real value: a task every model answers identically), all of one length."""
    scale = as_positive_array(scale, f"{where}scale", ndim=1, min_size=1)
    accuracy = as_probability_array(
        accuracy, f"{where}accuracy", ndim=1, min_size=1
    )
    accuracy_se = as_nonnegative_array(
        accuracy_se, f"{where}accuracy_se", ndim=1, min_size=1
    )
    check_same_shape(
        **{
            f"{where}scale": scale,
            f"{where}accuracy": accuracy,
            f"{where}accuracy_se": accuracy_se,
        }
    )
    return scale, accuracy, accuracy_se


def _classification(result, name: str = "result"):
    from ..inverse import TrendClassification

    return as_instance(
        result,
        name,
        TrendClassification,
        what="a TrendClassification from scaling_lib.inverse.classify_trend",
    )


def size_styles(sizes) -> dict:
    """Colour and marker of each model size: cividis without its pale end (so the largest
    model stays visible on white), and a different marker per size.

    ``sizes`` is a non-empty list of distinct labels (``"70m"``, ...)."""
    sizes = _sequence(sizes, "sizes", "distinct model-size labels")
    for i, s in enumerate(sizes):
        try:
            hash(s)
        except TypeError:
            raise ValueError(
                f"sizes[{i}] must be a label such as '70m', got {_show(s)}"
            ) from None
    if len(set(sizes)) != len(sizes):
        raise ValueError(f"sizes must not repeat a label, got {_show(sizes)}")
    cmap = plt.get_cmap("cividis")
    return {
        s: (
            cmap(0.8 * k / max(1, len(sizes) - 1)),
            _SIZE_MARKERS[k % len(_SIZE_MARKERS)],
        )
        for k, s in enumerate(sizes)
    }


def _names(frame, tasks):
    names = frame.drop_duplicates("task").set_index("task").task_name
    return [names[t] for t in tasks]


def plot_size_heatmap(frame: pd.DataFrame, *, tasks=None, clip: float = 25.0):
    """Task x model-size heatmap at the final checkpoint.

    Colour: change of accuracy from the 70M model, in points (red = worse, blue = better),
    clipped at ``clip`` points so that one or two erratic tasks do not wash out the others;
    clipped cells are marked with a triangle. Text: the accuracy itself in per cent.
    """
    final = _final(_frame(frame, [*_FINAL_COLUMNS, "accuracy"]))
    if tasks is not None:
        tasks = _choices(tasks, "tasks", _tasks_of(final), "task ids of frame")
    clip = as_float(clip, "clip", low=0, low_open=True, high=100)
    _scores(final, se=False)
    table = final.pivot(index="task", columns="size", values="accuracy")
    tasks = list(table.index) if tasks is None else tasks
    table = table.loc[tasks]
    if table.isna().any(axis=None):
        raise ValueError(
            "frame lacks the final accuracy of some (task, size) pairs of the heatmap"
        )
    delta = 100 * (table.to_numpy() - table.to_numpy()[:, :1])
    fig, ax = new_figure(width=8.0, height=0.42 * len(tasks) + 1.6)
    lim = min(float(clip), max(5.0, float(np.abs(delta).max())))
    image = ax.imshow(
        np.clip(delta, -lim, lim),
        cmap="RdBu",
        norm=TwoSlopeNorm(0, -lim, lim),
        aspect="auto",
    )
    for i in range(delta.shape[0]):
        for j in range(delta.shape[1]):
            clipped = abs(delta[i, j]) > lim
            ax.text(
                j,
                i,
                f"{100 * table.iloc[i, j]:.0f}"
                + ("\u25b4" if clipped else ""),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if abs(delta[i, j]) > 0.6 * lim else "black",
            )
    ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns])
    ax.set_yticks(range(len(tasks)), _names(frame, tasks))
    ax.set_xlabel("Pythia model (parameters), final checkpoint (300B tokens)")
    ax.grid(False)
    fig.colorbar(
        image,
        ax=ax,
        extend="both",
        label=f"accuracy minus the 70M model's (points; \u25b4 beyond \u00b1{lim:.0f})",
    )
    ax.set_title("Accuracy (%) by task and model size")
    return fig


def plot_size_curves(
    frame: pd.DataFrame, tasks, *, ncols: int = 3, results=None
):
    """Accuracy against parameters at the final checkpoint, one panel per task, with 95 %
    error bars (1.96 harness standard errors). ``results`` (task -> TrendClassification)
    adds the fitted trend and the verdict to each panel."""
    final = _final(_frame(frame, [*_FINAL_COLUMNS, "accuracy", "accuracy_se"]))
    tasks = _choices(tasks, "tasks", _tasks_of(final), "task ids of frame")
    # 3.2 in per column: at most 15 keep the figure within new_figure's 50 in
    ncols = as_int(ncols, "ncols", minimum=1, maximum=15)
    if results is not None:
        if not isinstance(results, dict):
            raise ValueError(
                "results must be a dict task -> TrendClassification, got "
                f"{type(results).__name__} {_show(results)}"
            )
        for task, res in results.items():
            _classification(res, f"results[{task!r}]")
    final = final[final.task.isin(tasks)]
    _scores(final)
    nrows = int(np.ceil(len(tasks) / ncols))
    fig, axes = new_figure(
        ncols, nrows, width=3.2 * ncols, height=2.6 * nrows, squeeze=False
    )
    for ax, task in zip(axes.flat, tasks):
        g = final[final.task == task].sort_values("n_params")
        ax.errorbar(
            g.n_params,
            g.accuracy,
            yerr=_Z95 * g.accuracy_se,
            fmt="o",
            ms=4,
            color=COLORS[0],
            capsize=2,
        )
        span = 100 * (g.accuracy.max() - g.accuracy.min())
        title = f"{g.task_name.iloc[0]}\n(points span {span:.0f} pts"
        if results is not None and task in results:
            res = results[task]
            grid = np.linspace(
                np.log10(g.n_params.min()), np.log10(g.n_params.max()), 100
            )
            ax.plot(
                10**grid,
                res.predict(grid),
                color=VERDICT_COLORS[res.label],
                lw=2,
            )
            title += f"; {res.label}"
        title += ")"
        log_axes(ax, "parameters", "accuracy", logy=False, title=title)
    for ax in list(axes.flat)[len(tasks) :]:
        ax.set_visible(False)
    fig.canvas.draw()  # lay the figure out once, then freeze that layout, so
    fig.set_layout_engine(
        "none"
    )  # every rendering (displayed, glued) is byte-identical
    return fig


def plot_training_curves(
    frame: pd.DataFrame, task: str, *, sizes=None, ax=None
):
    """Accuracy against training tokens for each model size on one task, with 95 % error bars.

    ``sizes`` (default: every size of the task) is a list of model sizes of ``frame``;
    ``ax`` an Axes to draw into (default: a new figure)."""
    frame = _frame(frame, [*_SCORE_COLUMNS, "n_tokens"])
    task = as_choice(task, "task", _tasks_of(frame))
    g = frame[frame.task == task]
    present = _size_order(g)
    sizes = (
        present
        if sizes is None
        else _choices(sizes, "sizes", present, "model sizes of the task")
    )
    if ax is not None:
        _check_axes(ax)
    g = g[g["size"].isin(sizes)]
    _scores(g)
    if ax is None:
        fig, ax = new_figure(width=6.4, height=4.0)
    else:
        fig = ax.figure
    styles = size_styles(sizes)
    for size in sizes:
        s = g[g["size"] == size].sort_values("n_tokens")
        color, marker = styles[size]
        ax.errorbar(
            s.n_tokens,
            s.accuracy,
            yerr=_Z95 * s.accuracy_se,
            marker=marker,
            ms=4,
            capsize=2,
            lw=1.2,
            color=color,
            label=size,
        )
    log_axes(
        ax,
        "training tokens",
        "accuracy",
        logy=False,
        title=g.task_name.iloc[0],
    )
    ax.legend(title="model", fontsize=8, ncol=2)
    return fig


def plot_trend_fit(
    scale, accuracy, accuracy_se, result, *, xlabel="parameters", title=None
):
    """Data with 95 % error bars, the fitted line and parabola of a
    :class:`~scaling_lib.inverse.TrendClassification`, and its verdict in the title.

    ``scale`` (> 0), ``accuracy`` (in [0, 1]) and ``accuracy_se`` (>= 0) have one entry per
    point; ``result`` is the classification of those points."""
    scale, accuracy, accuracy_se = _points(scale, accuracy, accuracy_se)
    result = _classification(result)
    _check_text(xlabel=xlabel, title=title)
    fig, ax = new_figure(width=6.0, height=3.8)
    ax.errorbar(
        scale,
        accuracy,
        yerr=_Z95 * accuracy_se,
        fmt="o",
        color="black",
        capsize=2,
        label="data (95 % error bars)",
    )
    grid = np.linspace(np.log10(scale.min()), np.log10(scale.max()), 200)
    ax.plot(
        10**grid,
        result.predict(grid, "line"),
        "--",
        color=COLORS[5],
        label="line",
    )
    ax.plot(
        10**grid,
        result.predict(grid, "parabola"),
        color=COLORS[3],
        label="parabola",
    )
    head = f"{title}: " if title else ""
    log_axes(
        ax,
        xlabel,
        "accuracy",
        logy=False,
        title=f"{head}verdict = {result.label}",
    )
    ax.legend(fontsize=8)
    return fig


class TrendFitView:
    """The figure of :func:`plot_trend_fit` for the widget: one figure whose artists are
    updated in place when the task or a threshold changes.

    ``fits`` maps a task to ``(scale, accuracy, accuracy_se, title)``; ``classify`` is the
    function that turns ``(scale, accuracy, accuracy_se, alpha=, min_effect=)`` into a
    :class:`~scaling_lib.inverse.TrendClassification` (passed in, so that this module does not
    import the statistics). The arguments are checked once, here, so that an update only
    checks what changes: the task and the two thresholds.
    """

    def __init__(self, fits: dict, classify, *, xlabel: str = "parameters"):
        if not isinstance(fits, dict) or not fits:
            raise ValueError(
                "fits must be a non-empty dict task -> (scale, accuracy, accuracy_se, "
                f"title), got {type(fits).__name__} {_show(fits)}"
            )
        checked = {}
        for task, item in fits.items():
            where = f"fits[{task!r}]"
            if not isinstance(task, str):
                raise ValueError(f"fits: the task {where} must be a str")
            if not isinstance(item, (tuple, list)) or len(item) != 4:
                raise ValueError(
                    f"{where} must be (scale, accuracy, accuracy_se, title), "
                    f"got {_show(item)}"
                )
            _check_text(**{f"{where} title": item[3]})
            checked[task] = (*_points(*item[:3], where=f"{where} "), item[3])
        if not callable(classify):
            raise ValueError(
                "classify must be a function such as scaling_lib.inverse.classify_trend, "
                f"got {type(classify).__name__} {_show(classify)}"
            )
        _check_text(xlabel=xlabel)
        self.fits, self.classify = checked, classify
        self._tasks = list(checked)
        self.fig, self.ax = new_figure(width=6.0, height=3.8)
        ax = self.ax
        self.points = ax.errorbar(
            [1.0],
            [0.5],
            yerr=[0.0],
            fmt="o",
            color="black",
            capsize=2,
            label="data (95 % error bars)",
        )
        (self.line,) = ax.plot(
            [1.0], [0.5], "--", color=COLORS[5], label="line"
        )
        (self.parab,) = ax.plot(
            [1.0], [0.5], color=COLORS[3], label="parabola"
        )
        log_axes(ax, xlabel, "accuracy", logy=False, title="\n")
        ax.legend(fontsize=8, loc="best")
        plt.close(
            self.fig
        )  # shown through an image widget, not by the notebook itself
        self._task = None
        self.message = ""

    def _set_errorbars(self, x, y, yerr):
        data_line, caplines, (bars,) = self.points.lines
        data_line.set_data(x, y)
        lo, hi = y - yerr, y + yerr
        caplines[0].set_data(x, lo)
        caplines[1].set_data(x, hi)
        bars.set_segments(
            [np.array([[xi, a], [xi, b]]) for xi, a, b in zip(x, lo, hi)]
        )

    def update(self, task: str, alpha: float = 0.05, min_effect: float = 0.05):
        """Show ``task`` classified at ``alpha`` and ``min_effect``; returns the figure (the
        verdict in words is in ``self.message``)."""
        task = as_choice(task, "task", self._tasks)  # a dozen tasks: cheap
        alpha = as_float(
            alpha, "alpha", low=0, high=1, low_open=True, high_open=True
        )
        min_effect = as_float(min_effect, "min_effect", low=0, high=1)
        scale, acc, se, title = self.fits[task]
        res = self.classify(scale, acc, se, alpha=alpha, min_effect=min_effect)
        if task != self._task:  # the data and the fits depend on the task only
            self._set_errorbars(scale, acc, _Z95 * se)
            grid = np.linspace(
                np.log10(scale.min()), np.log10(scale.max()), 200
            )
            self.line.set_data(10**grid, res.predict(grid, "line"))
            self.parab.set_data(10**grid, res.predict(grid, "parabola"))
            pad = 0.05 * (acc.max() - acc.min() + 0.02)
            self.ax.set_xlim(scale.min() / 1.5, scale.max() * 1.5)
            self.ax.set_ylim(
                min(acc.min() - 1.96 * se.max(), res.predict(grid).min())
                - pad,
                max(acc.max() + 1.96 * se.max(), res.predict(grid).max())
                + pad,
            )
            self._task = task
        self.ax.set_title(f"{title}: verdict = {res.label}")
        self.message = res.message
        return self.fig


def update_trend_fit(
    view: TrendFitView,
    task: str,
    alpha: float = 0.05,
    min_effect: float = 0.05,
):
    """The widget's update step, as a plain function a benchmark can time:
    ``view.update(task, alpha, min_effect)``."""
    view = as_instance(
        view,
        "view",
        TrendFitView,
        what="a TrendFitView such as final_checkpoint_trend_view()",
    )
    return view.update(task, alpha, min_effect)


def final_checkpoint_trend_view() -> TrendFitView:
    """The widget's view for every task along size at the final checkpoint of
    :func:`scaling_lib.data.load_inverse_scaling`, classified by
    :func:`scaling_lib.inverse.classify_trend`."""
    from ..data import INVERSE_TASKS, load_inverse_scaling
    from ..inverse import classify_trend

    data = load_inverse_scaling()
    final = data[data.final].sort_values("n_params")
    fits = {
        t: (
            g.n_params.to_numpy(float),
            g.accuracy.to_numpy(float),
            g.accuracy_se.to_numpy(float),
            INVERSE_TASKS[t],
        )
        for t, g in final.groupby("task")
    }
    return TrendFitView(fits, classify_trend)


def plot_verdict_grid(table: pd.DataFrame, *, names=None):
    """Grid of verdicts (rows: tasks, columns: model sizes) from
    ``classify_tasks(frame, along="training")``; ``names`` maps a task id to the name shown.
    """
    check_columns(table, "table", ["task", "size", "label"], min_rows=1)
    labels = list(VERDICT_COLORS)
    unknown = sorted(set(map(str, table["label"])) - set(labels))
    if unknown:
        raise ValueError(
            f"table has labels {unknown} that are not verdicts {labels}"
        )
    if table.duplicated(["task", "size"]).any():
        raise ValueError(
            "table has more than one verdict for a (task, size) pair"
        )
    if names is not None and (
        not isinstance(names, dict)
        or not all(isinstance(v, str) for v in names.values())
    ):
        raise ValueError(
            f"names must be a dict task id -> name (str), got {_show(names)}"
        )
    grid = table.pivot(index="task", columns="size", values="label")
    if grid.isna().any(axis=None):
        raise ValueError("table lacks the verdict of some (task, size) pairs")
    codes = grid.map(labels.index).to_numpy()
    fig, ax = new_figure(width=8.6, height=0.42 * grid.shape[0] + 1.4)
    ax.imshow(
        codes,
        cmap=ListedColormap([VERDICT_COLORS[k] for k in labels]),
        vmin=-0.5,
        vmax=len(labels) - 0.5,
        aspect="auto",
    )
    ax.set_xticks(range(grid.shape[1]), [str(c) for c in grid.columns])
    ylabels = (
        [names.get(t, t) for t in grid.index] if names else list(grid.index)
    )
    ax.set_yticks(range(grid.shape[0]), ylabels)
    ax.set_xlabel(
        "Pythia model (parameters); each cell: trend over 8 checkpoints"
    )
    ax.grid(False)
    ax.legend(
        handles=[Patch(color=VERDICT_COLORS[k], label=k) for k in labels],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8,
        title="verdict",
    )
    ax.set_xticks(np.arange(grid.shape[1] + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(grid.shape[0] + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", lw=1.5)
    ax.tick_params(which="minor", length=0)
    ax.set_title("Trend over training, per task and model size")
    fig.canvas.draw()  # lay the figure out once, then freeze that layout, so
    fig.set_layout_engine(
        "none"
    )  # every rendering (displayed, glued) is byte-identical
    return fig


def plot_distractor_toy(n_params, loss, accuracy):
    """Two panels: a loss that falls smoothly with parameters, and the toy task accuracy
    computed from that loss (:func:`scaling_lib.inverse.distractor_accuracy`)."""
    n_params = as_positive_array(n_params, "n_params", ndim=1, min_size=2)
    loss = as_positive_array(loss, "loss", ndim=1, min_size=2)
    accuracy = as_probability_array(accuracy, "accuracy", ndim=1, min_size=2)
    check_same_shape(n_params=n_params, loss=loss, accuracy=accuracy)
    fig, (ax1, ax2) = new_figure(2, 1, width=9.0, height=3.4)
    ax1.plot(n_params, loss, color=COLORS[0])
    log_axes(
        ax1,
        "parameters",
        "loss (nats/token)",
        logy=False,
        title="Loss: smooth power law",
    )
    ax2.plot(n_params, accuracy, color=COLORS[1])
    ax2.axhline(0.5, ls=":", color="grey", label="chance")
    ax2.set_ylim(-0.02, 1.02)
    log_axes(
        ax2,
        "parameters",
        "task accuracy",
        logy=False,
        title="Same models: task accuracy is U-shaped",
    )
    ax2.legend(fontsize=8)
    return fig


def plot_loss_vs_accuracy(loss, frame: pd.DataFrame, task: str):
    """Task accuracy of every (size, checkpoint) point against a loss assigned to it, coloured
    by model size: does lower loss mean a better score on this task?

    ``loss`` (> 0, nats/token) has one value per row of ``task`` in ``frame``, in the
    frame's order."""
    frame = _frame(frame, _SCORE_COLUMNS)
    task = as_choice(task, "task", _tasks_of(frame))
    g = frame[frame.task == task]
    loss = as_positive_array(loss, "loss", ndim=1, min_size=1)
    if loss.shape != (len(g),):
        raise ValueError(
            f"loss must have one value per row of the task ({len(g)}), got "
            f"{loss.size}: loss={_show(loss)}"
        )
    _scores(g)
    fig, ax = new_figure(width=6.4, height=4.0)
    sizes = _size_order(g)
    styles = size_styles(sizes)
    for size in sizes:
        mask = (g["size"] == size).to_numpy()
        color, marker = styles[size]
        ax.errorbar(
            loss[mask],
            g.accuracy[mask],
            yerr=_Z95 * g.accuracy_se[mask],
            fmt=marker,
            ms=4,
            capsize=2,
            color=color,
            label=size,
        )
    log_axes(
        ax,
        "loss predicted by the Chinchilla law (nats/token)",
        "accuracy",
        logx=False,
        logy=False,
        title=g.task_name.iloc[0],
    )
    ax.invert_xaxis()
    ax.legend(title="model", fontsize=8, ncol=2)
    fig.canvas.draw()  # lay the figure out once, then freeze that layout, so
    fig.set_layout_engine(
        "none"
    )  # every rendering (displayed, glued) is byte-identical
    return fig
