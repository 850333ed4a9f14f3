"""Figures of chapter 1: where the FLOPs and the bytes of a Transformer go.

Every function takes numbers computed by :mod:`scaling_lib.flops` (or shapes) and returns the
``Figure``.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .. import flops as F
from . import COLORS, log_axes, new_figure

__all__ = ["plot_flops_breakdown", "plot_ratio_to_6nd", "plot_attention_share",
           "plot_attention_share_map", "plot_table_a4", "plot_measured_vs_analytic",
           "plot_memory_breakdown"]

_OPS = ["embeddings", "attention_qkv", "attention_logits", "attention_softmax",
        "attention_reduction", "attention_projection", "feedforward", "logits"]
_OP_LABELS = {"embeddings": "embeddings", "attention_qkv": "Q, K, V projections",
              "attention_logits": r"$QK^\top$ logits", "attention_softmax": "softmax",
              "attention_reduction": "softmax @ V", "attention_projection": "output projection",
              "feedforward": "feed-forward", "logits": "final logits"}
_OP_COLORS = dict(zip(_OPS, [COLORS[7], COLORS[0], COLORS[1], COLORS[6], COLORS[3], COLORS[5],
                             COLORS[2], COLORS[4]]))


def plot_flops_breakdown(shapes: dict):
    """Horizontal stacked bars: share of forward FLOPs by operation (Hoffmann et al. App. F).

    Parameters
    ----------
    shapes : dict
        ``{label: TransformerShape}``, one bar each.
    """
    fig, ax = new_figure(height=0.6 * len(shapes) + 1.8)
    labels = list(shapes)
    left = np.zeros(len(labels))
    for op in _OPS:
        share = np.array([F.chinchilla_forward_flops(s)[op] / F.chinchilla_forward_flops(s)["total"]
                          for s in shapes.values()])
        ax.barh(labels, 100 * share, left=100 * left, color=_OP_COLORS[op], label=_OP_LABELS[op])
        left += share
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of forward-pass FLOPs (%)")
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.legend(ncol=4, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.25))
    return fig


def plot_ratio_to_6nd(shapes, n_ctx_values=(2048, 8192, 32768)):
    """Full training count (Appendix F, backward = 2 x forward) over ``6ND``, against size.

    ``N`` is Kaplan's non-embedding count; one line per context length.

    Parameters
    ----------
    shapes : sequence of TransformerShape
        A family of models of increasing size (their own ``n_ctx`` is replaced).
    n_ctx_values : sequence of int
    """
    fig, ax = new_figure()
    for i, n_ctx in enumerate(n_ctx_values):
        ss = [dataclasses.replace(s, n_ctx=n_ctx) for s in shapes]
        n = np.array([F.kaplan_n_params(s) for s in ss], dtype=float)
        full = np.array([3 * F.chinchilla_forward_flops(s)["total"] / s.n_ctx for s in ss])
        r = full / (6 * n)
        ax.plot(n, r, "o-", color=COLORS[i], label=f"n_ctx = {n_ctx:,}")
    ax.axhline(1, color="k", lw=0.8)
    log_axes(ax, "non-embedding parameters N", "full count / 6ND", logy=False)
    ax.legend()
    return fig


def plot_attention_share(n_ctx: int = 2048, d_model: int = 1024, *, n_layers: int = 24,
                         d_head: int = 64, vocab_size: int = 32000):
    """For one shape: the FLOP breakdown (left) and the context share against ``n_ctx`` (right).

    The "context share" is the part of the forward FLOPs that grows with ``n_ctx`` per token
    (``QK^T``, softmax, softmax @ V), the part ``6ND`` leaves out.
    """
    n_heads = max(1, d_model // d_head)
    shape = F.TransformerShape(n_layers, n_heads * d_head, n_heads, n_ctx, vocab_size)
    fig, (ax0, ax1) = new_figure(2, width=9.5, height=3.8)
    f = F.chinchilla_forward_flops(shape)
    shares = [100 * f[op] / f["total"] for op in _OPS]
    ax0.barh([_OP_LABELS[o] for o in _OPS], shares, color=[_OP_COLORS[o] for o in _OPS])
    ax0.invert_yaxis()
    ax0.set_xlabel("share of forward FLOPs (%)")
    ax0.set_xlim(0, 100)
    ax0.set_title(f"d_model = {shape.d_model}, n_ctx = {n_ctx:,}", fontsize=10)
    ctx = np.unique(np.geomspace(128, 2**20, 60).astype(int))
    for i, d in enumerate(sorted({256, 1024, 4096, 16384, shape.d_model})):
        h = max(1, d // d_head)
        y = [100 * F.attention_flops_share(F.TransformerShape(n_layers, h * d_head, h, c,
                                                              vocab_size)) for c in ctx]
        ax1.plot(ctx, y, color=COLORS[i % len(COLORS)], lw=2.5 if d == shape.d_model else 1,
                 label=f"d_model = {d}")
    ax1.plot([n_ctx], [100 * F.attention_flops_share(shape)], "ko")
    log_axes(ax1, "context length n_ctx (tokens)", "context-dependent share (%)", logy=False)
    ax1.set_ylim(0, 100)
    ax1.legend(fontsize=8)
    return fig


def plot_attention_share_map(*, n_layers: int = 24, d_head: int = 64, vocab_size: int = 32000):
    """Heat map of the context-dependent share of forward FLOPs over ``n_ctx`` and ``d_model``.

    Dashed contours mark 10 % and 50 %; the dotted line is ``n_ctx = 12 d_model``, where
    Kaplan's context term equals ``2N`` (Kaplan et al. 2020, section 2.1).
    """
    ctx = np.geomspace(256, 2**20, 49)
    widths = np.geomspace(256, 32768, 29)
    share = np.empty((widths.size, ctx.size))
    for i, d in enumerate(widths):
        h = max(1, int(round(d / d_head)))
        for j, c in enumerate(ctx):
            share[i, j] = F.attention_flops_share(
                F.TransformerShape(n_layers, h * d_head, h, int(c), vocab_size))
    fig, ax = new_figure(width=6.4, height=4.4)
    mesh = ax.pcolormesh(ctx, widths, 100 * share, shading="auto", cmap="viridis", vmin=0,
                         vmax=100)
    cs = ax.contour(ctx, widths, 100 * share, levels=[10, 50], colors="w", linestyles="--")
    # labels placed by hand and not cut into the lines: on log axes the automatic inline
    # placement can erase a long stretch of a contour
    for level, (x, y) in zip((10, 50), ((1.2e3, 1.6e3), (1.0e4, 1.6e3))):
        ax.text(x, y, f"{level} %", color="w", fontsize=9, ha="right", va="bottom")
    ax.plot(12 * widths, widths, "w:", lw=1.5)
    ax.text(6e4, 2.2e3, "n_ctx = 12 d_model", color="w", fontsize=8, ha="left", va="top")
    ax.set_xlim(ctx[0], ctx[-1])
    log_axes(ax, "context length n_ctx (tokens)", "d_model")
    ax.grid(False)
    fig.colorbar(mesh, ax=ax, label="context-dependent share of forward FLOPs (%)")
    return fig


def plot_table_a4(conventions: dict):
    """Table A4 of Hoffmann et al. (2022): published ratios and ours under several conventions.

    Parameters
    ----------
    conventions : dict
        ``{label: array of six ratios}`` (e.g. from :func:`scaling_lib.flops.table_a4_ratios`).
    """
    rows = F.HOFFMANN_TABLE_A4
    n = np.array([F.gopher_n_params(r.shape) for r in rows], dtype=float)
    fig, ax = new_figure()
    ax.plot(n, [r.ratio_published for r in rows], "ks", ms=9, mfc="none",
            label="Table A4 (published)")
    for i, (label, ratios) in enumerate(conventions.items()):
        ax.plot(n, ratios, "o-", color=COLORS[i], ms=4, label=label)
    log_axes(ax, "parameters N (Table A9 convention)", "FLOP ratio (full count / 6ND)",
             logy=False)
    ax.axhline(1, color="k", lw=0.8)
    ax.legend(fontsize=8)
    return fig


def plot_measured_vs_analytic(analytic, measured, labels=None):
    """Measured against analytic FLOPs: log-log scatter with ``y = x`` (left) and the excess
    of the measured count over the analytic one, in percent (right)."""
    a = np.asarray(analytic, dtype=float)
    m = np.asarray(measured, dtype=float)
    fig, (ax, ax1) = new_figure(2, width=9.5, height=3.8)
    lo, hi = min(a.min(), m.min()) / 2, max(a.max(), m.max()) * 2
    ax.plot([lo, hi], [lo, hi], "k-", lw=0.8, label="measured = analytic")
    ax.plot(a, m, "o", color=COLORS[0], label="tiny models")
    excess = 100 * (m / a - 1)
    ax1.plot(a, excess, "o-", color=COLORS[0])
    if labels is not None:
        for x, y, e, t in zip(a, m, excess, labels):
            ax.annotate(t, (x, y), textcoords="offset points", xytext=(5, -10), fontsize=7)
            ax1.annotate(t, (x, e), textcoords="offset points", xytext=(5, 4), fontsize=7)
    log_axes(ax, "analytic forward FLOPs (Appendix F)", "measured forward FLOPs (counted)")
    ax.legend()
    log_axes(ax1, "analytic forward FLOPs (Appendix F)", "measured / analytic - 1 (%)",
             logy=False)
    ax1.set_ylim(0, None)
    return fig


def plot_memory_breakdown(configs: dict, device_memory_gb: float | None = 80.0):
    """Bars of training memory per device (GB, log scale), by part, for several configurations.

    Parameters
    ----------
    configs : dict
        ``{label: dict}`` as returned by :func:`scaling_lib.flops.training_memory`.
    device_memory_gb : float, optional
        Draw a line at this capacity (80 GB: an A100 or H100 with 80 GB).
    """
    parts = ["weights", "gradients", "optimizer_states", "activations"]
    names = {"weights": "weights (16-bit)", "gradients": "gradients (16-bit)",
             "optimizer_states": "Adam states + fp32 master", "activations": "activations"}
    fig, ax = new_figure(width=7.5, height=4.2)
    labels = list(configs)
    x = np.arange(len(labels))
    width = 0.18
    for i, p in enumerate(parts):
        gb = np.array([configs[k][p] / 1e9 for k in labels])
        ax.bar(x + (i - 1.5) * width, gb, width, color=COLORS[i], label=names[p])
    total = np.array([configs[k]["total"] / 1e9 for k in labels])
    ax.plot(x, total, "k_", ms=40, mew=2, label="total")
    for xi, t in zip(x, total):
        ax.annotate(f"{t:,.0f} GB", (xi, t), textcoords="offset points", xytext=(0, 4),
                    ha="center", fontsize=8)
    if device_memory_gb:
        ax.axhline(device_memory_gb, color="k", ls="--", lw=1,
                   label=f"{device_memory_gb:g} GB device")
    ax.set_xticks(x, labels, fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel("memory per device (GB)")
    ax.grid(axis="x", visible=False)
    ax.legend(fontsize=7, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.18),
              markerscale=0.4)
    return fig
