"""A tiny NumPy Transformer whose matrix multiplications are counted as they run.

:class:`FlopCounter` reads the FLOPs of every product off the shapes actually multiplied, and
:func:`counted_forward` runs a GPT-style forward pass through it, so that the analytic counts of
:mod:`scaling_lib.flops` (Hoffmann et al. 2022, Appendix F) can be checked against a measured
one. Both names are also importable from :mod:`scaling_lib.flops`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._validation import as_int, as_rng
from .flops import (
    TransformerShape,
    _require_gpt_style,  # noqa: F401
)

__all__ = ["FlopCounter", "counted_forward"]


# --------------------------------------------------------------------------------------------
# A tiny NumPy Transformer whose FLOPs are counted as they run
# --------------------------------------------------------------------------------------------


@dataclass
class FlopCounter:
    """Counts FLOPs by operation name while a computation runs.

    :meth:`matmul` multiplies two arrays with ``@`` and adds ``2 x m x k x n`` FLOPs per
    (batched) product, read from the shapes of the arrays actually multiplied. :meth:`add`
    records element-wise work whose count the caller states. ``counts`` (default empty) is
    the tally to start from: a dict of operation names to whole FLOP counts >= 0.

    Examples
    --------
    >>> c = FlopCounter()
    >>> _ = c.matmul("demo", np.ones((3, 4)), np.ones((4, 5)))
    >>> c.counts["demo"]
    120
    """

    counts: dict = field(default_factory=dict)

    def __post_init__(self):
        # the counts a counter starts from: {operation name: whole FLOPs >= 0}, copied
        if not isinstance(self.counts, dict):
            raise ValueError(
                "counts must be a dict {operation name: FLOPs}, got "
                f"{type(self.counts).__name__}"
            )
        for key in self.counts:
            if not isinstance(key, str):
                raise ValueError(
                    f"counts must have str operation names, got {key!r}"[:200]
                )
        self.counts = {
            key: as_int(v, f"counts[{key!r}]"[:60], minimum=0)
            for key, v in self.counts.items()
        }

    def add(self, name: str, flops: int) -> None:
        if not isinstance(name, str):
            raise ValueError(f"name must be a str, got {name!r}")
        self.counts[name] = self.counts.get(name, 0) + as_int(
            flops, "flops", minimum=0
        )

    def matmul(self, name: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if not isinstance(name, str):
            raise ValueError(f"name must be a str, got {name!r}")
        for arg, v in (("a", a), ("b", b)):
            if not isinstance(v, np.ndarray) or v.ndim < 2:
                raise ValueError(
                    f"{arg} must be a NumPy array with at least 2 dimensions, got "
                    f"{type(v).__name__}"
                )
        if a.shape[-1] != b.shape[-2]:
            raise ValueError(
                f"a and b do not multiply: a has shape {a.shape}, b {b.shape}"
            )
        out = a @ b
        k = a.shape[-1]
        # out has shape (..., m, n); each entry: k multiplies, k adds
        self.add(name, 2 * k * out.size)
        return out

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _layer_norm(x, c: FlopCounter, eps: float = 1e-5):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    c.add(
        "other", 6 * x.size
    )  # mean, subtract, square, mean, subtract, divide (no gain/bias)
    return (x - mu) / np.sqrt(var + eps)


#: Memory :func:`counted_forward` may use (float64 arrays alive at once); larger shapes are
#: refused by name instead of exhausting the machine.
MAX_FORWARD_BYTES = 2 * 2**30


def _forward_bytes(s: TransformerShape, n: int) -> int:
    """Bytes of the largest float64 arrays alive at once in :func:`counted_forward`: the
    embedding tables, the one-hot tokens and the logits, one layer's weights, the attention
    scores (three arrays of ``h x n x n``) and the MLP activations."""
    d, f, h, V = s.d_model, s.d_ff, s.n_heads, s.vocab_size
    floats = (
        V * d
        + s.n_ctx * d
        + 2 * n * V
        + 4 * d * d
        + 2 * d * f
        + 3 * h * n * n
        + 2 * n * f
    )
    return 8 * floats


def counted_forward(
    shape: TransformerShape,
    tokens,
    *,
    rng: np.random.Generator | None = None,
    counter: FlopCounter | None = None,
):
    """Run a tiny GPT-style forward pass in NumPy and count its FLOPs by operation.

    The embedding is a one-hot matrix times the embedding table (so it costs the FLOPs that
    Hoffmann et al. 2022, Appendix F charges it), attention uses the full ``n x n`` score
    matrix with a causal mask, and every matrix multiplication goes through
    :meth:`FlopCounter.matmul`, which reads the FLOPs off the shapes it actually multiplies.
    The softmax is counted element by element as performed (subtract max, exponentiate,
    divide: 3 per score, plus the max and sum reductions); layer norms, GELU and residual adds
    go to ``"other"``, which Appendix F does not count.

    Parameters
    ----------
    shape : TransformerShape
        Keep it tiny (the weights are random and dense): a shape and sequence that need more
        than :data:`MAX_FORWARD_BYTES` are refused.
    tokens : array_like of int
        One sequence of token ids, length ``<= n_ctx``; each in ``[0, vocab_size)``.
    rng : numpy.random.Generator, optional
        Source of the random weights (default ``np.random.default_rng(0)``).
    counter : FlopCounter, optional
        Where to count; a new one is made if omitted.

    Returns
    -------
    logits : ndarray, shape (len(tokens), vocab_size)
    counter : FlopCounter
        Counts keyed like :func:`chinchilla_forward_flops` (``embeddings``, ``attention_qkv``,
        ``attention_logits``, ``attention_softmax``, ``attention_reduction``,
        ``attention_projection``, ``feedforward``, ``logits``) plus ``softmax_reductions`` and
        ``other``.

    Examples
    --------
    >>> s = TransformerShape(2, 16, 4, 8, 11)
    >>> logits, c = counted_forward(s, np.arange(8))
    >>> logits.shape
    (8, 11)
    >>> from scaling_lib.flops import chinchilla_forward_flops
    >>> c.counts["attention_qkv"] == chinchilla_forward_flops(s)["attention_qkv"]
    True
    """
    s = _require_gpt_style(shape, "counted_forward")
    tok = np.asarray(tokens)
    if (
        tok.ndim != 1
        or tok.size == 0
        or not np.issubdtype(tok.dtype, np.integer)
    ):
        raise ValueError(
            f"tokens must be a non-empty 1-D array of integer ids, got {tokens!r}"
        )
    if tok.size > s.n_ctx:
        raise ValueError(
            f"tokens must have at most n_ctx={s.n_ctx} entries, got {tok.size}"
        )
    if tok.min() < 0 or tok.max() >= s.vocab_size:
        raise ValueError(
            f"tokens must lie in [0, vocab_size={s.vocab_size}), got "
            f"min {tok.min()} and max {tok.max()}"
        )
    need = _forward_bytes(s, tok.size)
    if need > MAX_FORWARD_BYTES:
        raise ValueError(
            f"shape is too large for a dense NumPy forward pass of {tok.size} tokens: it "
            f"needs about {need / 2**30:.1f} GiB (limit {MAX_FORWARD_BYTES / 2**30:.0f} "
            "GiB); use a tiny shape, or fewer tokens"
        )
    rng = as_rng(rng, "rng", default_seed=0)
    if counter is not None and not isinstance(counter, FlopCounter):
        raise ValueError(
            f"counter must be a FlopCounter or None, got {counter!r}"
        )
    c = FlopCounter() if counter is None else counter
    n, d, h, dh, f, V = (
        tok.size,
        s.d_model,
        s.n_heads,
        s.d_head,
        s.d_ff,
        s.vocab_size,
    )
    w = lambda *shp: rng.standard_normal(shp) / math.sqrt(shp[0])  # noqa: E731

    wte = w(V, d)
    wpe = w(s.n_ctx, d)
    one_hot = np.zeros((n, V))
    one_hot[np.arange(n), tok] = 1.0
    x = c.matmul("embeddings", one_hot, wte)  # one-hot (n, V) @ (V, d)
    x = x + wpe[:n]
    c.add("other", x.size)
    mask = np.triu(np.ones((n, n), dtype=bool), k=1)
    for _ in range(s.n_layers):
        # attention block
        y = _layer_norm(x, c)
        q = c.matmul("attention_qkv", y, w(d, d))
        k = c.matmul("attention_qkv", y, w(d, d))
        v = c.matmul("attention_qkv", y, w(d, d))
        q, k, v = (
            t.reshape(n, h, dh).transpose(1, 0, 2) for t in (q, k, v)
        )  # (h, n, dh)
        scores = c.matmul(
            "attention_logits", q, k.transpose(0, 2, 1)
        )  # (h, n, n)
        scores = np.where(mask, -np.inf, scores / math.sqrt(dh))
        c.add("other", scores.size)  # the 1/sqrt(dh)
        m = scores.max(-1, keepdims=True)
        e = np.exp(scores - m)
        p = e / e.sum(-1, keepdims=True)
        c.add(
            "attention_softmax", 3 * scores.size
        )  # subtract, exp, divide per score
        c.add("softmax_reductions", 2 * h * n * (n - 1))  # row max and row sum
        z = c.matmul("attention_reduction", p, v)  # (h, n, dh)
        z = z.transpose(1, 0, 2).reshape(n, d)
        x = x + c.matmul("attention_projection", z, w(d, d))
        c.add("other", x.size)
        # MLP block
        y = _layer_norm(x, c)
        u = c.matmul("feedforward", y, w(d, f))
        u = (
            0.5 * u * (1 + np.tanh(0.7978845608 * (u + 0.044715 * u**3)))
        )  # GELU (tanh form)
        c.add("other", 9 * u.size)  # 9 element-wise operations above
        x = x + c.matmul("feedforward", u, w(f, d))
        c.add("other", x.size)
    x = _layer_norm(x, c)
    logits = c.matmul("logits", x, wte.T)  # tied unembedding
    return logits, c
