"""Figures of chapter 1: where the FLOPs and the bytes of a Transformer go.

Every function takes numbers computed by :mod:`scaling_lib.flops` (or shapes) and returns the
``Figure``.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .. import flops as F
from .._validation import (
    as_count_array,
    as_int,
    as_positive_array,
    as_positive_float,
    check_same_shape,
)
from . import COLORS, close, log_axes, new_figure, plain_log_ticks  # noqa: F401 (close: re-export)

_MAX_CTX, _MAX_D, _MAX_BATCH = 2**24, 2**17, 2**20


def _shape_dict(value, name: str) -> dict:
    """A non-empty ``{label: TransformerShape}``, else a ValueError naming ``name``."""
    if (
        not isinstance(value, dict)
        or not value
        or not all(isinstance(v, F.TransformerShape) for v in value.values())
    ):
        raise ValueError(
            f"{name} must be a non-empty dict of TransformerShape, got {value!r}"[
                :200
            ]
        )
    return value


def _capacity(value, name: str = "device_memory_gb"):
    """None (no line) or a memory in GB > 0."""
    return None if value is None else as_positive_float(value, name)


def _device_line(ax, device_memory_gb) -> None:
    """A dashed line at one device's memory, if one is given."""
    if device_memory_gb:
        ax.axhline(
            device_memory_gb,
            color="k",
            ls="--",
            lw=1,
            label=f"{device_memory_gb:g} GB device",
        )


def _device(value, name: str = "device"):
    from ..inference import Device

    if not isinstance(value, Device):
        raise ValueError(
            f"{name} must be a scaling_lib.inference.Device, got {value!r}"[
                :200
            ]
        )
    return value


__all__ = [
    "plot_flops_breakdown",
    "plot_ratio_to_6nd",
    "plot_attention_share",
    "plot_attention_share_map",
    "plot_table_a4",
    "plot_measured_vs_analytic",
    "plot_memory_breakdown",
    "plot_params_and_flops",
    "plot_kv_cache",
    "plot_roofline",
    "plot_decode_map",
    "plot_decode_point",
    "AttentionShareView",
    "update_attention_share",
    "DecodePointView",
    "update_decode_point",
    "close",
]

_OPS = [
    "embeddings",
    "attention_qkv",
    "attention_logits",
    "attention_reduction",
    "attention_projection",
    "feedforward",
    "logits",
]
_OP_LABELS = {
    "embeddings": "embedding (one-hot product)",
    "attention_qkv": "Q, K, V projections",
    "attention_logits": r"$QK^\top$ and softmax",
    "attention_reduction": "softmax @ V",
    "attention_projection": "output projection",
    "feedforward": "feed-forward",
    "logits": "final logits",
}
_OP_COLORS = dict(
    zip(
        _OPS,
        [
            COLORS[7],
            COLORS[0],
            COLORS[1],
            COLORS[3],
            COLORS[5],
            COLORS[2],
            COLORS[4],
        ],
    )
)


def _op_shares(shape) -> list[float]:
    """Shares of the forward FLOPs (Appendix F) in the order of ``_OPS``; the softmax, too thin
    to see, is merged into the ``QK^T`` logits."""
    f = F.chinchilla_forward_flops(shape)
    merged = dict(
        f, attention_logits=f["attention_logits"] + f["attention_softmax"]
    )
    return [merged[op] / f["total"] for op in _OPS]


def plot_flops_breakdown(shapes: dict):
    """Horizontal stacked bars: share of forward FLOPs by operation (Hoffmann et al. App. F).

    Parameters
    ----------
    shapes : dict
        ``{label: TransformerShape}``, one bar each.
    """
    shapes = _shape_dict(shapes, "shapes")
    fig, ax = new_figure(height=0.6 * len(shapes) + 1.8)
    labels = list(shapes)
    left = np.zeros(len(labels))
    shares = np.array([_op_shares(s) for s in shapes.values()])
    for k, op in enumerate(_OPS):
        ax.barh(
            labels,
            100 * shares[:, k],
            left=100 * left,
            color=_OP_COLORS[op],
            label=_OP_LABELS[op],
        )
        left += shares[:, k]
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of forward-pass FLOPs, Appendix F count (%)")
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.legend(
        ncol=4, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.25)
    )
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
    if (
        isinstance(shapes, (str, bytes, dict))
        or not hasattr(shapes, "__len__")
        or not shapes
        or not all(isinstance(s, F.TransformerShape) for s in shapes)
    ):
        raise ValueError(
            f"shapes must be a non-empty sequence of TransformerShape, got "
            f"{shapes!r}"[:200]
        )
    if (
        isinstance(n_ctx_values, (str, bytes, dict))
        or not hasattr(n_ctx_values, "__len__")
        or len(n_ctx_values) == 0
    ):
        raise ValueError(
            f"n_ctx_values must be a non-empty sequence of context lengths, got "
            f"{n_ctx_values!r}"
        )
    n_ctx_values = [
        as_int(v, "n_ctx_values", minimum=1, maximum=_MAX_CTX)
        for v in n_ctx_values
    ]
    fig, ax = new_figure()
    for i, n_ctx in enumerate(n_ctx_values):
        ss = [dataclasses.replace(s, n_ctx=n_ctx) for s in shapes]
        n = np.array([F.kaplan_n_params(s) for s in ss], dtype=float)
        full = np.array(
            [3 * F.chinchilla_forward_flops(s)["total"] / s.n_ctx for s in ss]
        )
        r = full / (6 * n)
        ax.plot(n, r, "o-", color=COLORS[i], label=f"n_ctx = {n_ctx:,}")
        if i == 0:
            for j in (0, len(ss) - 1):
                ax.annotate(
                    f"d_model = {ss[j].d_model}",
                    (n[j], r[j]),
                    fontsize=8,
                    textcoords="offset points",
                    xytext=(6, -14) if j == 0 else (0, 12),
                    ha="left" if j == 0 else "right",
                )
    ax.axhline(1, color="k", lw=0.8)
    log_axes(ax, "non-embedding parameters N", "full count / 6ND", logy=False)
    ax.legend()
    return fig


def _attention_shape(n_ctx, d_model, n_layers, d_head, vocab_size):
    n_heads = max(1, int(d_model) // d_head)
    return F.TransformerShape(
        n_layers, n_heads * d_head, n_heads, int(n_ctx), vocab_size
    )


class AttentionShareView:
    """The attention-share widget: for one shape, the FLOP breakdown (left) and the
    context-dependent share against ``n_ctx`` (right), drawn once; :meth:`update` (or
    :func:`update_attention_share`) moves it to a new ``(n_ctx, d_model)`` by changing the
    artists only. The curves of every width in ``widths`` are computed once, at creation.

    The "context share" is the part of the forward FLOPs that grows with ``n_ctx`` per token
    (``QK^T``, softmax, softmax @ V), the part ``6ND`` leaves out.
    """

    def __init__(
        self,
        widths=tuple(2**k for k in range(8, 15)),
        *,
        n_layers: int = 24,
        d_head: int = 64,
        vocab_size: int = 32000,
    ):
        if (
            isinstance(widths, (str, bytes))
            or np.ndim(widths) != 1
            or len(widths) == 0
        ):
            raise ValueError(
                f"widths must be a non-empty sequence of d_model values, got "
                f"{widths!r}"[:200]
            )
        widths = [
            as_int(
                w.item() if isinstance(w, np.generic) else w,
                "widths",
                minimum=1,
                maximum=_MAX_D,
            )
            for w in widths
        ]
        n_layers = as_int(n_layers, "n_layers", minimum=1, maximum=1000)
        d_head = as_int(d_head, "d_head", minimum=1, maximum=_MAX_D)
        vocab_size = as_int(vocab_size, "vocab_size", minimum=1, maximum=10**7)
        self.n_layers, self.d_head, self.vocab_size = (
            n_layers,
            d_head,
            vocab_size,
        )
        self.ctx = np.unique(np.geomspace(128, 2**20, 60).astype(int))
        self.fig, (self.ax0, self.ax1) = new_figure(2, width=9.5, height=3.8)
        self.bars = self.ax0.barh(
            [_OP_LABELS[o] for o in _OPS],
            np.zeros(len(_OPS)),
            color=[_OP_COLORS[o] for o in _OPS],
        )
        self.ax0.invert_yaxis()
        self.ax0.set_xlabel("share of forward FLOPs (%)")
        self.ax0.set_xlim(0, 100)
        self.lines = {}
        for i, d in enumerate(sorted(set(widths))):
            y = [
                100
                * F.attention_flops_share(
                    _attention_shape(c, d, n_layers, d_head, vocab_size)
                )
                for c in self.ctx
            ]
            (self.lines[d],) = self.ax1.plot(
                self.ctx,
                y,
                color=COLORS[i % len(COLORS)],
                lw=1,
                label=f"d_model = {d}",
            )
        (self.point,) = self.ax1.plot([self.ctx[0]], [0.0], "ko")
        log_axes(
            self.ax1,
            "context length n_ctx (tokens)",
            "context-dependent share (%)",
            logy=False,
        )
        self.ax1.set_ylim(0, 100)
        # no legend and no minor ticks: fewer texts to lay out at every slider move; the
        # title names the thick curve, the thin ones are the other widths of the slider
        from matplotlib.ticker import NullLocator

        self.ax1.xaxis.set_minor_locator(NullLocator())
        self._widths_text = (
            f"thin: d_model = {min(self.lines)} to {max(self.lines)}"
        )
        self.fig.canvas.draw()  # lay out once; updates keep the layout
        self.fig.set_layout_engine("none")

    def update(self, n_ctx: int = 2048, d_model: int = 1024):
        """Show ``(n_ctx, d_model)``; returns the figure."""
        n_ctx = as_int(n_ctx, "n_ctx", minimum=1, maximum=_MAX_CTX)
        d_model = as_int(d_model, "d_model", minimum=1, maximum=_MAX_D)
        shape = _attention_shape(
            n_ctx, d_model, self.n_layers, self.d_head, self.vocab_size
        )
        for bar, share in zip(self.bars, _op_shares(shape)):
            bar.set_width(100 * share)
        self.ax0.set_title(
            f"d_model = {shape.d_model}, n_ctx = {int(n_ctx):,}", fontsize=10
        )
        for d, line in self.lines.items():
            line.set_linewidth(2.5 if d == shape.d_model else 1)
        self.ax1.set_title(
            f"thick: d_model = {shape.d_model}; {self._widths_text}",
            fontsize=9,
        )
        self.point.set_data(
            [int(n_ctx)], [100 * F.attention_flops_share(shape)]
        )
        return self.fig


def update_attention_share(view: AttentionShareView, n_ctx: int, d_model: int):
    """The widget's update step (a plain function, for benchmarks): ``view.update``."""
    if not isinstance(view, AttentionShareView):
        raise ValueError(f"view must be an AttentionShareView, got {view!r}")
    return view.update(n_ctx, d_model)


def plot_attention_share(
    n_ctx: int = 2048,
    d_model: int = 1024,
    *,
    n_layers: int = 24,
    d_head: int = 64,
    vocab_size: int = 32000,
):
    """One frame of the attention-share widget (see :class:`AttentionShareView`)."""
    d_model = as_int(d_model, "d_model", minimum=1, maximum=_MAX_D)
    n_ctx = as_int(n_ctx, "n_ctx", minimum=1, maximum=_MAX_CTX)
    widths = sorted({256, 1024, 4096, 16384, d_model})
    view = AttentionShareView(
        widths, n_layers=n_layers, d_head=d_head, vocab_size=vocab_size
    )
    return view.update(n_ctx, d_model)


def plot_attention_share_map(
    *, n_layers: int = 24, d_head: int = 64, vocab_size: int = 32000
):
    """Heat map of the context-dependent share of forward FLOPs over ``n_ctx`` and ``d_model``.

    Dashed contours mark 10 % and 50 %; the dotted line is ``n_ctx = 12 d_model``, where
    Kaplan's context term equals ``2N`` (Kaplan et al. 2020, section 2.1).
    """
    n_layers = as_int(n_layers, "n_layers", minimum=1, maximum=1000)
    d_head = as_int(d_head, "d_head", minimum=1, maximum=_MAX_D)
    vocab_size = as_int(vocab_size, "vocab_size", minimum=1, maximum=10**7)
    ctx = np.geomspace(256, 2**20, 49)
    widths = np.geomspace(256, 32768, 29)
    share = np.empty((widths.size, ctx.size))
    for i, d in enumerate(widths):
        h = max(1, int(round(d / d_head)))
        for j, c in enumerate(ctx):
            share[i, j] = F.attention_flops_share(
                F.TransformerShape(n_layers, h * d_head, h, int(c), vocab_size)
            )
    fig, ax = new_figure(width=6.4, height=4.4)
    mesh = ax.pcolormesh(
        ctx,
        widths,
        100 * share,
        shading="auto",
        cmap="viridis",
        vmin=0,
        vmax=100,
    )
    ax.contour(
        ctx, widths, 100 * share, levels=[10, 50], colors="w", linestyles="--"
    )
    # labels placed by hand and not cut into the lines: on log axes the automatic inline
    # placement can erase a long stretch of a contour
    for level, (x, y) in zip((10, 50), ((1.2e3, 1.6e3), (1.0e4, 1.6e3))):
        ax.text(
            x, y, f"{level} %", color="w", fontsize=9, ha="right", va="bottom"
        )
    ax.plot(12 * widths, widths, "w:", lw=1.5)
    ax.text(
        6e4,
        2.2e3,
        "n_ctx = 12 d_model",
        color="w",
        fontsize=8,
        ha="left",
        va="top",
    )
    ax.set_xlim(ctx[0], ctx[-1])
    log_axes(ax, "context length n_ctx (tokens)", "d_model")
    ax.grid(False)
    fig.colorbar(
        mesh, ax=ax, label="context-dependent share of forward FLOPs (%)"
    )
    return fig


def plot_table_a4(conventions: dict):
    """Table A4 of Hoffmann et al. (2022): published ratios and ours under several conventions.

    Parameters
    ----------
    conventions : dict
        ``{label: array of six ratios}`` (e.g. from :func:`scaling_lib.flops.table_a4_ratios`).
    """
    if not isinstance(conventions, dict) or not conventions:
        raise ValueError(
            f"conventions must be a non-empty dict of six ratios each, got "
            f"{conventions!r}"[:200]
        )
    conventions = {
        k: as_positive_array(v, "conventions", ndim=1)
        for k, v in conventions.items()
    }
    if any(v.size != len(F.HOFFMANN_TABLE_A4) for v in conventions.values()):
        raise ValueError(
            "conventions must hold six ratios each, one per row of Table A4"
        )
    rows = F.HOFFMANN_TABLE_A4
    n = np.array([F.gopher_n_params(r.shape) for r in rows], dtype=float)
    fig, ax = new_figure()
    ax.plot(
        n,
        [r.ratio_published for r in rows],
        "ks",
        ms=9,
        mfc="none",
        label="Table A4 (published)",
    )
    for i, (label, ratios) in enumerate(conventions.items()):
        ax.plot(n, ratios, "o-", color=COLORS[i], ms=4, label=label)
    log_axes(
        ax,
        "parameters N (Table A9 convention)",
        "FLOP ratio (full count / 6ND)",
        logy=False,
    )
    ax.axhline(1, color="k", lw=0.8)
    ax.legend(fontsize=8)
    return fig


def plot_measured_vs_analytic(analytic, measured, d_model):
    """Excess of the measured (counted) forward FLOPs over the analytic count of Appendix F, in
    percent, against the width ``d_model`` (log x): what Appendix F leaves out shrinks like
    ``1/d``."""
    a = as_positive_array(analytic, "analytic", ndim=1)
    m = as_positive_array(measured, "measured", ndim=1)
    d = as_positive_array(d_model, "d_model", ndim=1)
    check_same_shape(analytic=a, measured=m, d_model=d)
    fig, ax = new_figure(height=3.6)
    excess = 100 * (m / a - 1)
    ax.plot(
        d, excess, "o-", color=COLORS[0], label="measured / Appendix F - 1"
    )
    ax.plot(
        d,
        excess[0] * d[0] / d,
        "--",
        color="0.5",
        label=r"$\propto 1/d_\mathrm{model}$",
    )
    log_axes(
        ax, "d_model (tiny models)", "measured / analytic - 1 (%)", logy=False
    )
    plain_log_ticks(ax.xaxis, ticks=d)
    ax.set_ylim(0, None)
    ax.legend()
    return fig


def plot_memory_breakdown(
    configs: dict, device_memory_gb: float | None = 80.0
):
    """Training memory per device (GB, log scale) by part, one column of markers per
    configuration, with the total: markers rather than bars, whose length means nothing on a
    log axis.

    Parameters
    ----------
    configs : dict
        ``{label: dict}`` as returned by :func:`scaling_lib.flops.training_memory`.
    device_memory_gb : float, optional
        Draw a line at this capacity (80 GB: an A100 or H100 with 80 GB).
    """
    parts = ["weights", "gradients", "optimizer_states", "activations"]
    if (
        not isinstance(configs, dict)
        or not configs
        or not all(
            isinstance(v, dict) and set(parts) | {"total"} <= set(v)
            for v in configs.values()
        )
    ):
        raise ValueError(
            "configs must be a non-empty dict of training_memory results, got "
            f"{configs!r}"[:200]
        )
    device_memory_gb = _capacity(device_memory_gb)
    names = {
        "weights": "weights (16-bit)",
        "gradients": "gradients (16-bit)",
        "optimizer_states": "Adam states + fp32 master",
        "activations": "activations",
    }
    markers = {
        "weights": "o",
        "gradients": "s",
        "optimizer_states": "D",
        "activations": "^",
    }
    fig, ax = new_figure(width=7.5, height=4.2)
    labels = list(configs)
    x = np.arange(len(labels))
    for i, p in enumerate(parts):
        gb = np.array([configs[k][p] / 1e9 for k in labels])
        ax.plot(
            x + (i - 1.5) * 0.08,
            gb,
            markers[p],
            color=COLORS[i],
            ms=7,
            ls="none",
            label=names[p],
        )
    total = np.array([configs[k]["total"] / 1e9 for k in labels])
    ax.plot(x, total, "k_", ms=30, mew=2, ls="none", label="total")
    for xi, t in zip(x, total):
        ax.annotate(
            f"{t:,.0f} GB",
            (xi, t),
            textcoords="offset points",
            xytext=(0, 5),
            ha="center",
            fontsize=8,
        )
    _device_line(ax, device_memory_gb)
    ax.set_xticks(x, labels, fontsize=8)
    ax.set_xlim(-0.5, len(labels) - 0.5)
    ax.set_yscale("log")
    ax.set_ylabel("memory per device (GB)")
    ax.grid(axis="x", visible=False)
    ax.legend(
        fontsize=8, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.18)
    )
    return fig


# --------------------------------------------------------------------------------------------
# Today's shapes and the cost of inference (scaling_lib.inference)
# --------------------------------------------------------------------------------------------

_PARAM_PARTS = {
    "embeddings (input + output)": COLORS[7],
    "attention Q, O": COLORS[0],
    "attention K, V": COLORS[5],
    "MLP (used by a token)": COLORS[2],
    "MLP (experts not used)": COLORS[6],
}
_FLOP_PARTS = {
    "attention_qo": ("Q, O projections", COLORS[0]),
    "attention_kv": ("K, V projections", COLORS[5]),
    "mlp": ("MLP", COLORS[2]),
    "logits": ("logits (output matrix)", COLORS[7]),
    "attention_context": ("attention over the context", COLORS[1]),
}


def _param_shares(shape):
    p = F.param_breakdown(shape)
    d, L = shape.d_model, shape.n_layers
    qo, kv = L * 2 * d * shape.d_attn, L * 2 * d * shape.d_kv
    used = p["mlp"] // shape.n_experts * shape.experts_per_token
    parts = {
        "embeddings (input + output)": p["embedding"]
        + p["positions"]
        + p["unembedding"],
        "attention Q, O": qo,
        "attention K, V": kv,
        "MLP (used by a token)": used,
        "MLP (experts not used)": p["mlp"] - used,
    }
    return {k: v / p["total"] for k, v in parts.items()}


def plot_params_and_flops(models: dict, n_context: int = 4096):
    """Where the parameters (left) and the forward FLOPs per token at ``n_context`` (right) go,
    for several shapes, in percent: GPT-3's standard MLP and multi-head attention against
    gated-MLP, grouped-query and mixture-of-experts shapes.

    Parameters
    ----------
    models : dict
        ``{label: TransformerShape}``.
    n_context : int
        Tokens each generated token attends to.
    """
    from .. import inference as I

    models = _shape_dict(models, "models")
    n_context = as_int(n_context, "n_context", minimum=0, maximum=_MAX_CTX)
    fig, (ax0, ax1) = new_figure(
        2, width=10, height=0.55 * len(models) + 2.4, sharey=True
    )
    labels = list(models)
    left = np.zeros(len(labels))
    shares = [_param_shares(s) for s in models.values()]
    for part, color in _PARAM_PARTS.items():
        v = np.array([100 * sh[part] for sh in shares])
        ax0.barh(labels, v, left=left, color=color, label=part)
        left += v
    left = np.zeros(len(labels))
    br = [I.flops_breakdown_per_token(s, n_context) for s in models.values()]
    for part, (name, color) in _FLOP_PARTS.items():
        v = np.array([100 * b[part] / b["total"] for b in br])
        ax1.barh(labels, v, left=left, color=color, label=name)
        left += v
    ax0.set_xlabel("share of parameters (%)")
    ax1.set_xlabel(
        f"share of forward FLOPs per token at {n_context:,} tokens of context (%)"
    )
    for ax in (ax0, ax1):
        ax.set_xlim(0, 100)
        ax.grid(axis="y", visible=False)
        ax.legend(
            fontsize=8, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.22)
        )
    ax0.invert_yaxis()
    fig.canvas.draw()  # lay the figure out once, then freeze that layout, so
    fig.set_layout_engine(
        "none"
    )  # every rendering (displayed, glued) is byte-identical
    return fig


def plot_kv_cache(
    shape,
    *,
    n_tokens=None,
    kv_heads=None,
    device_memory_gb: float | None = 80.0,
    bytes_per_value: float = 2,
):
    """Key/value-cache memory of one sequence against context length, for multi-head,
    grouped-query and multi-query versions of ``shape`` (log-log), with the 16-bit weights
    and one device's memory for scale.

    ``n_tokens`` (default 256 to 2**20) is a 1-D array of at least two whole context lengths,
    at most 2**24; ``kv_heads`` maps a label to a number of K/V heads."""
    from .. import inference as I

    F._check_shape(shape)
    device_memory_gb = _capacity(device_memory_gb)
    n = (
        np.geomspace(256, 2**20, 60)
        if n_tokens is None
        else as_count_array(n_tokens, "n_tokens", ndim=1, min_size=2)
    )
    if np.any(n > _MAX_CTX):
        raise ValueError(
            f"n_tokens must be at most {_MAX_CTX} tokens, got {n.max():g}"
        )
    if kv_heads is not None and (
        not isinstance(kv_heads, dict) or not kv_heads
    ):
        raise ValueError(
            f"kv_heads must be a non-empty dict {{label: K/V heads}}, got "
            f"{kv_heads!r}"[:200]
        )
    bytes_per_value = as_positive_float(
        bytes_per_value, "bytes_per_value", high=64
    )
    if kv_heads is None:
        kv_heads = {
            f"multi-head ({shape.n_heads} K/V heads)": shape.n_heads,
            f"grouped-query ({shape.n_kv_heads} K/V heads)": shape.n_kv_heads,
            "multi-query (1 K/V head)": 1,
        }
    fig, ax = new_figure()
    for i, (label, kv) in enumerate(kv_heads.items()):
        try:
            s = dataclasses.replace(shape, n_kv_heads=kv)
        except ValueError as exc:
            raise ValueError(f"kv_heads: {exc}") from None
        ax.plot(
            n,
            I.kv_cache_bytes(s, n, bytes_per_value) / 1e9,
            color=COLORS[i],
            lw=2,
            label=label,
        )
    ax.axhline(
        I.weight_bytes(shape) / 1e9,
        color="0.3",
        ls="-.",
        lw=1,
        label="weights, 16-bit",
    )
    _device_line(ax, device_memory_gb)
    log_axes(
        ax,
        "context length (tokens in the cache)",
        "KV cache of one sequence (GB)",
    )
    ax.legend(fontsize=8)
    return fig


def plot_roofline(
    shape,
    devices: dict,
    *,
    batch_sizes=(1, 16, 128, 1024),
    n_context: int = 128,
):
    """Roofline: attainable FLOP/s against arithmetic intensity (FLOPs per byte) for each
    device, with one decode step of ``shape`` at several batch sizes on each (log-log)."""
    from .. import inference as I

    F._check_shape(shape)
    if not isinstance(devices, dict) or not devices:
        raise ValueError(
            f"devices must be a non-empty dict of Device, got {devices!r}"[
                :200
            ]
        )
    for dev in devices.values():
        _device(dev, "devices")
    batch_sizes = as_count_array(
        batch_sizes, "batch_sizes", ndim=1, min_size=1
    )
    if np.any(batch_sizes > _MAX_BATCH):
        raise ValueError(
            f"batch_sizes must be at most {_MAX_BATCH}, got {batch_sizes.max():g}"
        )
    n_context = as_int(n_context, "n_context", minimum=0, maximum=_MAX_CTX)
    fig, ax = new_figure(width=6.8, height=4.4)
    x = np.geomspace(0.3, 3e4, 200)
    markers = "osD^v"
    for i, (name, dev) in enumerate(devices.items()):
        ax.plot(
            x,
            np.minimum(dev.peak_flops, x * dev.memory_bandwidth) / 1e12,
            color=COLORS[i],
            lw=2,
            label=f"{name} ({'open' if i else 'filled'} markers): ridge at "
            f"{dev.ridge_intensity:.0f} FLOPs/byte",
        )
        for j, b in enumerate(batch_sizes):
            st = I.decode_step(shape, dev, b, n_context)
            attained = float(st["flops"] / st["time"]) / 1e12
            ax.plot(
                float(st["intensity"]),
                attained,
                markers[j % len(markers)],
                color=COLORS[i],
                mfc="white" if i else COLORS[i],
                ms=7,
                label=f"batch {b:g}" if i == 0 else None,
            )
    log_axes(
        ax, "arithmetic intensity (FLOPs per byte moved)", "attainable TFLOP/s"
    )
    ax.legend(fontsize=8, loc="lower right")
    return fig


def plot_decode_map(shape, device, *, batch_sizes=None, contexts=None):
    """Static map for the decode widget: tokens per second of one device over batch size and
    context length (roofline lower bound on the time), with the boundary where the weights
    and caches no longer fit in the device's memory and where decoding turns compute-bound."""
    from .. import inference as I

    F._check_shape(shape)
    device = _device(device)
    b = (
        np.geomspace(1, 1024, 41)
        if batch_sizes is None
        else as_positive_array(batch_sizes, "batch_sizes", ndim=1, min_size=2)
    )
    # Llama 3 was trained on 8,192-token sequences (Meta's model card): stop there
    c = (
        np.geomspace(128, 8192, 31)
        if contexts is None
        else as_positive_array(contexts, "contexts", ndim=1, min_size=2)
    )
    if np.any(b > _MAX_BATCH):
        raise ValueError(
            f"batch_sizes must be at most {_MAX_BATCH}, got {b.max():g}"
        )
    if np.any(c > _MAX_CTX):
        raise ValueError(
            f"contexts must be at most {_MAX_CTX}, got {c.max():g}"
        )
    B, C = np.meshgrid(b, c)
    st = I.decode_step(shape, device, B, C)
    mem = I.weight_bytes(shape) + B * I.kv_cache_bytes(shape, C + 1)
    fig, ax = new_figure(width=6.6, height=4.4)
    tps = np.where(mem <= device.memory_bytes, st["tokens_per_second"], np.nan)
    from matplotlib.colors import LogNorm

    fits = tps[np.isfinite(tps)]  # empty when even the weights do not fit
    mesh = ax.pcolormesh(
        b,
        c,
        tps,
        shading="auto",
        cmap="viridis",
        norm=LogNorm(fits.min(), fits.max()) if fits.size else LogNorm(1, 10),
    )
    ax.contour(
        b,
        c,
        mem / device.memory_bytes,
        levels=[1],
        colors="k",
        linestyles="--",
    )
    ax.contour(
        b,
        c,
        st["compute_time"] / st["memory_time"],
        levels=[1],
        colors="w",
        linestyles=":",
    )
    ax.set_title(
        f"dashed: weights + caches fill {device.memory_bytes / 1e9:g} GB; "
        "dotted: compute-bound",
        fontsize=9,
    )
    log_axes(
        ax,
        "batch size (sequences decoded together)",
        "context length (tokens)",
    )
    plain_log_ticks(
        ax.xaxis,
        ticks=[
            t for t in (1, 4, 16, 64, 256, 1024) if b.min() <= t <= b.max()
        ],
    )
    plain_log_ticks(
        ax.yaxis,
        ticks=[
            t
            for t in (128, 256, 512, 1024, 2048, 4096, 8192)
            if c.min() <= t <= c.max()
        ],
    )
    ax.grid(False)
    cb = fig.colorbar(mesh, ax=ax)
    cb.set_label("tokens/s, one device")
    return fig


class DecodePointView:
    """The decode widget: the roofline of ``device`` with one decode step of ``shape``, drawn
    once; :meth:`update` (or :func:`update_decode_point`) moves the step to a new batch size
    and context length and rewrites what it costs (time per token, memory)."""

    def __init__(self, shape=None, device=None):
        from .. import inference as I

        self._I = I
        self.shape = F.LLAMA3_8B if shape is None else F._check_shape(shape)
        self.device = I.H100_SXM if device is None else _device(device)
        self.fig, ax = new_figure(width=6.8, height=4.2)
        x = np.geomspace(0.3, 3e4, 200)
        ax.plot(
            x,
            np.minimum(
                self.device.peak_flops, x * self.device.memory_bandwidth
            )
            / 1e12,
            color=COLORS[0],
            lw=2,
            label=self.device.name,
        )
        (self.point,) = ax.plot(
            [1.0], [1.0], "o", color=COLORS[1], ms=9, label="this decode step"
        )
        self.text = ax.text(
            0.02, 0.97, "", transform=ax.transAxes, va="top", fontsize=9
        )
        log_axes(
            ax,
            "arithmetic intensity (FLOPs per byte moved)",
            "attainable TFLOP/s",
        )
        ax.set_xlim(x[0], x[-1])
        ax.set_ylim(0.1, 3 * self.device.peak_flops / 1e12)
        ax.legend(fontsize=8, loc="lower right")
        self.weight_bytes = I.weight_bytes(self.shape)
        self.fig.canvas.draw()
        self.fig.set_layout_engine("none")

    def update(self, batch_size: int = 1, n_context: int = 4096):
        """Show a step of ``batch_size`` sequences at ``n_context`` tokens; returns the figure."""
        batch_size = as_int(
            batch_size, "batch_size", minimum=1, maximum=_MAX_BATCH
        )
        n_context = as_int(n_context, "n_context", minimum=0, maximum=_MAX_CTX)
        inf, dev = self._I, self.device
        st = inf.decode_step(self.shape, dev, batch_size, n_context)
        mem = self.weight_bytes + batch_size * float(
            inf.kv_cache_bytes(self.shape, n_context + 1)
        )
        self.point.set_data(
            [float(st["intensity"])], [float(st["flops"] / st["time"]) / 1e12]
        )
        bound = "memory-bound" if bool(st["memory_bound"]) else "compute-bound"
        fits = "fits" if mem <= dev.memory_bytes else "does NOT fit"
        self.text.set_text(
            f"{float(st['time']) * 1e3:.3g} ms per step ({bound})\n"
            f"{float(st['tokens_per_second']):.3g} tokens/s\n"
            f"weights + cache {mem / 1e9:.3g} GB: {fits} in "
            f"{dev.memory_bytes / 1e9:g} GB"
        )
        return self.fig


def update_decode_point(
    view: DecodePointView, batch_size: int, n_context: int
):
    """The widget's update step (a plain function, for benchmarks): ``view.update``."""
    if not isinstance(view, DecodePointView):
        raise ValueError(f"view must be a DecodePointView, got {view!r}")
    return view.update(batch_size, n_context)


def plot_decode_point(
    batch_size: int = 1, n_context: int = 4096, *, shape=None, device=None
):
    """One frame of the decode widget (see :class:`DecodePointView`)."""
    return DecodePointView(shape, device).update(batch_size, n_context)
