"""Figures of Chapter 5 (inverse scaling): heatmap of tasks by model size, per-task curves
with error bars along size and along training, a trend fit with its verdict, the grid of
verdicts, and the distractor-task toy model."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap, TwoSlopeNorm
from matplotlib.patches import Patch

from . import COLORS, log_axes, new_figure

__all__ = ["plot_size_heatmap", "plot_size_curves", "plot_training_curves", "plot_trend_fit",
           "plot_verdict_grid", "plot_distractor_toy", "plot_loss_vs_accuracy", "VERDICT_COLORS"]

#: Colour of each verdict of :func:`scaling_lib.inverse.classify_trend`.
VERDICT_COLORS = {"positive": COLORS[2], "inverse": COLORS[1], "U-shaped": COLORS[0],
                  "inverted-U": COLORS[3], "flat": "#DDDDDD"}

_Z95 = 1.96   # two-sided 95 % normal interval


def _names(frame, tasks):
    names = frame.drop_duplicates("task").set_index("task").task_name
    return [names[t] for t in tasks]


def plot_size_heatmap(frame: pd.DataFrame, *, tasks=None):
    """Task x model-size heatmap at the final checkpoint.

    Colour: change of accuracy from the 70M model, in points (red = worse, blue = better);
    text: the accuracy itself in per cent.
    """
    final = frame[frame.final]
    table = final.pivot(index="task", columns="size", values="accuracy")
    tasks = list(table.index) if tasks is None else list(tasks)
    table = table.loc[tasks]
    delta = 100 * (table.to_numpy() - table.to_numpy()[:, :1])
    fig, ax = new_figure(width=8.0, height=0.42 * len(tasks) + 1.6)
    lim = max(5.0, float(np.abs(delta).max()))
    image = ax.imshow(delta, cmap="RdBu", norm=TwoSlopeNorm(0, -lim, lim), aspect="auto")
    for i in range(delta.shape[0]):
        for j in range(delta.shape[1]):
            ax.text(j, i, f"{100 * table.iloc[i, j]:.0f}", ha="center", va="center",
                    fontsize=8, color="white" if abs(delta[i, j]) > 0.6 * lim else "black")
    ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns])
    ax.set_yticks(range(len(tasks)), _names(frame, tasks))
    ax.set_xlabel("Pythia model (parameters), final checkpoint (300B tokens)")
    ax.grid(False)
    fig.colorbar(image, ax=ax, label="accuracy minus the 70M model's (points)")
    ax.set_title("Accuracy (%) by task and model size")
    return fig


def plot_size_curves(frame: pd.DataFrame, tasks, *, ncols: int = 3, results=None):
    """Accuracy against parameters at the final checkpoint, one panel per task, with 95 %
    error bars (1.96 harness standard errors). ``results`` (task -> TrendClassification)
    adds the fitted trend and the verdict to each panel."""
    tasks = list(tasks)
    nrows = int(np.ceil(len(tasks) / ncols))
    fig, axes = new_figure(ncols, nrows, width=3.2 * ncols, height=2.6 * nrows, squeeze=False)
    final = frame[frame.final]
    for ax, task in zip(axes.flat, tasks):
        g = final[final.task == task].sort_values("n_params")
        ax.errorbar(g.n_params, g.accuracy, yerr=_Z95 * g.accuracy_se, fmt="o", ms=4,
                    color=COLORS[0], capsize=2)
        title = g.task_name.iloc[0]
        if results is not None and task in results:
            res = results[task]
            grid = np.linspace(np.log10(g.n_params.min()), np.log10(g.n_params.max()), 100)
            ax.plot(10**grid, res.predict(grid), color=VERDICT_COLORS[res.label], lw=2)
            title += f"\n({res.label})"
        log_axes(ax, "parameters", "accuracy", logy=False, title=title)
    for ax in list(axes.flat)[len(tasks):]:
        ax.set_visible(False)
    fig.canvas.draw()                 # lay the figure out once, then freeze that layout, so
    fig.set_layout_engine("none")     # every rendering (displayed, glued) is byte-identical
    return fig


def plot_training_curves(frame: pd.DataFrame, task: str, *, sizes=None, ax=None):
    """Accuracy against training tokens for each model size on one task, with 95 % error bars."""
    g = frame[frame.task == task]
    sizes = list(g["size"].cat.categories) if sizes is None else list(sizes)
    if ax is None:
        fig, ax = new_figure(width=6.4, height=4.0)
    else:
        fig = ax.figure
    cmap = plt.get_cmap("viridis")
    for k, size in enumerate(sizes):
        s = g[g["size"] == size].sort_values("n_tokens")
        ax.errorbar(s.n_tokens, s.accuracy, yerr=_Z95 * s.accuracy_se, marker="o", ms=3,
                    capsize=2, lw=1.2, color=cmap(k / max(1, len(sizes) - 1)), label=size)
    log_axes(ax, "training tokens", "accuracy", logy=False, title=g.task_name.iloc[0])
    ax.legend(title="model", fontsize=8, ncol=2)
    return fig


def plot_trend_fit(scale, accuracy, accuracy_se, result, *, xlabel="parameters", title=None):
    """Data with 95 % error bars, the fitted line and parabola of a
    :class:`~scaling_lib.inverse.TrendClassification`, and its verdict in the title."""
    scale = np.asarray(scale, float)
    fig, ax = new_figure(width=6.0, height=3.8)
    ax.errorbar(scale, accuracy, yerr=_Z95 * np.asarray(accuracy_se), fmt="o", color="black",
                capsize=2, label="data (95 % error bars)")
    grid = np.linspace(np.log10(scale.min()), np.log10(scale.max()), 200)
    ax.plot(10**grid, result.predict(grid, "line"), "--", color=COLORS[5], label="line")
    ax.plot(10**grid, result.predict(grid, "parabola"), color=COLORS[3], label="parabola")
    head = f"{title}: " if title else ""
    log_axes(ax, xlabel, "accuracy", logy=False, title=f"{head}verdict = {result.label}")
    ax.legend(fontsize=8)
    return fig


def plot_verdict_grid(table: pd.DataFrame, *, names=None):
    """Grid of verdicts (rows: tasks, columns: model sizes) from
    ``classify_tasks(frame, along="training")``."""
    grid = table.pivot(index="task", columns="size", values="label")
    labels = list(VERDICT_COLORS)
    codes = grid.map(labels.index).to_numpy()
    fig, ax = new_figure(width=8.6, height=0.42 * grid.shape[0] + 1.4)
    ax.imshow(codes, cmap=ListedColormap([VERDICT_COLORS[k] for k in labels]), vmin=-0.5,
              vmax=len(labels) - 0.5, aspect="auto")
    ax.set_xticks(range(grid.shape[1]), [str(c) for c in grid.columns])
    ylabels = [names.get(t, t) for t in grid.index] if names else list(grid.index)
    ax.set_yticks(range(grid.shape[0]), ylabels)
    ax.set_xlabel("Pythia model (parameters); each cell: trend over 8 checkpoints")
    ax.grid(False)
    ax.legend(handles=[Patch(color=VERDICT_COLORS[k], label=k) for k in labels],
              loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, title="verdict")
    ax.set_xticks(np.arange(grid.shape[1] + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(grid.shape[0] + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", lw=1.5)
    ax.tick_params(which="minor", length=0)
    ax.set_title("Trend over training, per task and model size")
    fig.canvas.draw()                 # lay the figure out once, then freeze that layout, so
    fig.set_layout_engine("none")     # every rendering (displayed, glued) is byte-identical
    return fig


def plot_distractor_toy(n_params, loss, accuracy):
    """Two panels: a loss that falls smoothly with parameters, and the toy task accuracy
    computed from that loss (:func:`scaling_lib.inverse.distractor_accuracy`)."""
    fig, (ax1, ax2) = new_figure(2, 1, width=9.0, height=3.4)
    ax1.plot(n_params, loss, color=COLORS[0])
    log_axes(ax1, "parameters", "loss (nats/token)", logy=False, title="Loss: smooth power law")
    ax2.plot(n_params, accuracy, color=COLORS[1])
    ax2.axhline(0.5, ls=":", color="grey", label="chance")
    ax2.set_ylim(-0.02, 1.02)
    log_axes(ax2, "parameters", "task accuracy", logy=False,
             title="Same models: task accuracy is U-shaped")
    ax2.legend(fontsize=8)
    return fig


def plot_loss_vs_accuracy(loss, frame: pd.DataFrame, task: str):
    """Task accuracy of every (size, checkpoint) point against a loss assigned to it, coloured
    by model size: does lower loss mean a better score on this task?"""
    g = frame[frame.task == task]
    loss = np.asarray(loss, float)
    if loss.shape != (len(g),):
        raise ValueError(f"loss must have one value per row of the task, got shape {loss.shape}")
    fig, ax = new_figure(width=6.4, height=4.0)
    cmap = plt.get_cmap("viridis")
    sizes = list(g["size"].cat.categories)
    for k, size in enumerate(sizes):
        mask = (g["size"] == size).to_numpy()
        ax.errorbar(loss[mask], g.accuracy[mask], yerr=_Z95 * g.accuracy_se[mask], fmt="o",
                    ms=4, capsize=2, color=cmap(k / max(1, len(sizes) - 1)), label=size)
    log_axes(ax, "loss predicted by the Chinchilla law (nats/token)", "accuracy", logx=False,
             logy=False, title=g.task_name.iloc[0])
    ax.invert_xaxis()
    ax.legend(title="model", fontsize=8, ncol=2)
    fig.canvas.draw()                 # lay the figure out once, then freeze that layout, so
    fig.set_layout_engine("none")     # every rendering (displayed, glued) is byte-identical
    return fig
