"""Counting the parameters, FLOPs, memory and wall-clock time of a decoder-only Transformer.

Everything here is arithmetic on the shape of the network, and every formula cites the paper,
table or equation it implements:

* parameters: Kaplan et al. (2020), section 2.1 and Table 1 (``N ~ 12 n_layers d_model^2``), the
  exact count of a GPT-2/GPT-3 style decoder, and the count used by Gopher/Chinchilla (Rae et al.
  2021; Hoffmann et al. 2022, Table A9), which has relative-position projections instead of
  learned absolute positions;
* forward FLOPs: Kaplan et al. (2020), Table 1 (per token) and Hoffmann et al. (2022),
  Appendix F (per sequence, operation by operation);
* training FLOPs: ``C ~ 6 N D`` (Kaplan et al. 2020, section 2.1);
* memory: mixed-precision Adam model states (Rajbhandari et al. 2020, section 3.1 and Figure 1)
  and activations (Korthikanti et al. 2023, Table 2);
* time: compute / (devices x peak FLOP/s x MFU), with MFU as defined by Chowdhery et al. (2023,
  section 4.1; formula in their Appendix B).

A FLOP is one floating-point addition or multiplication, so one multiply-accumulate is 2 FLOPs
(Hoffmann et al. 2022, Appendix F: "a factor of 2 to describe the multiply accumulate cost").

A tiny NumPy Transformer whose matrix multiplications are counted as they run
(:class:`FlopCounter`, :func:`counted_forward`, in :mod:`scaling_lib.counted` and importable
from here) checks the analytic counts against a measured one. The cost of inference (KV cache,
decode time, rooflines, MFU) is in :mod:`scaling_lib.inference`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import (
    as_bool,
    as_choice,
    as_count_array,
    as_nonnegative_array,
    as_positive_array,
    as_positive_float,
    as_positive_int,
    check_finite_result,
)

__all__ = [
    "TransformerShape",
    "GPT3_175B",
    "GOPHER_280B",
    "CHINCHILLA_70B",
    "GPT2_SMALL",
    "LLAMA2_70B",
    "LLAMA3_8B",
    "LLAMA3_70B",
    "MISTRAL_7B",
    "MIXTRAL_8X7B",
    "PublishedModel",
    "PUBLISHED_MODELS",
    "PublishedRun",
    "PUBLISHED_RUNS",
    "TableA4Row",
    "HOFFMANN_TABLE_A4",
    "HOFFMANN_TABLE_A9",
    "kaplan_n_params",
    "param_breakdown",
    "n_params",
    "active_params",
    "gopher_n_params",
    "kaplan_flops_breakdown",
    "forward_flops_per_token",
    "chinchilla_forward_flops",
    "chinchilla_training_flops",
    "ratio_to_6nd",
    "table_a4_ratios",
    "attention_flops_share",
    "training_flops",
    "BYTES_PER_PARAM_MIXED_ADAM",
    "training_memory",
    "activation_memory_per_layer",
    "PEAK_FLOPS",
    "training_time",
    "FlopCounter",  # noqa: F822 (served by __getattr__, see the end)
    "counted_forward",  # noqa: F822
]


# --------------------------------------------------------------------------------------------
# Shapes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TransformerShape:
    """The shape of a decoder-only Transformer language model.

    Parameters
    ----------
    n_layers : int
        Number of Transformer blocks.
    d_model : int
        Width of the residual stream.
    n_heads : int
        Number of attention heads; must divide ``d_model``.
    n_ctx : int
        Context length (tokens per training sequence).
    vocab_size : int
        Number of tokens in the vocabulary.
    d_ff : int, optional
        Width of the feed-forward hidden layer; ``4 * d_model`` by default (as in GPT-3 and in
        Hoffmann et al. 2022, Table 4).
    mlp : {"standard", "gated"}, default "standard"
        "standard": two matrices, ``d_model x d_ff`` and ``d_ff x d_model`` (GPT-2/3). "gated":
        three, a gate, an up and a down projection, as in SwiGLU (Shazeer 2020; used by
        PaLM, Llama and Mistral).
    n_kv_heads : int, optional
        Number of key/value heads; ``n_heads`` by default (multi-head attention). Fewer is
        grouped-query attention (Ainslie et al. 2023); 1 is multi-query attention (Shazeer
        2019). Must divide ``n_heads``.
    tied_embeddings : bool, default True
        Whether the output (unembedding) matrix is the token embedding (GPT-2/3) or a separate
        ``vocab_size x d_model`` matrix (Llama, Mistral).
    n_experts, experts_per_token : int, default 1 and 1
        A mixture of experts: every block has ``n_experts`` MLPs and a router, and each token
        goes through ``experts_per_token`` of them (Jiang et al. 2024, abstract: 8 experts, 2 per
        token).
    biases : bool, default True
        Bias vectors in every dense layer and in the norms (LayerNorm gain and bias), as in
        GPT-2/3. False: no biases and RMSNorm (a gain only), as in Llama and Mistral.
    learned_positions : bool, default True
        A learned ``n_ctx x d_model`` position embedding (GPT-2/3). False for rotary position
        embeddings, which have no parameters.

    Attributes
    ----------
    d_head : int
        ``d_model // n_heads`` (the "key/value size" of Rae et al. 2021, Table 1).
    d_attn : int
        ``n_heads * d_head``, the total width of the attention projections (= ``d_model``).

    Raises
    ------
    ValueError
        If a size is not a positive integer, ``d_model`` is not divisible by ``n_heads``,
        ``n_kv_heads`` does not divide ``n_heads``, ``experts_per_token > n_experts`` or ``mlp``
        is not one of the two kinds.

    Examples
    --------
    >>> s = TransformerShape(n_layers=2, d_model=64, n_heads=4, n_ctx=128, vocab_size=1000)
    >>> s.d_ff, s.d_head
    (256, 16)
    >>> TransformerShape(2, 65, 4, 128, 1000)
    Traceback (most recent call last):
    ...
    ValueError: d_model must be divisible by n_heads, got d_model=65 and n_heads=4
    >>> TransformerShape(2, 64, 4, 128, 1000, n_kv_heads=3)
    Traceback (most recent call last):
    ...
    ValueError: n_kv_heads must divide n_heads, got n_kv_heads=3 and n_heads=4
    """

    n_layers: int
    d_model: int
    n_heads: int
    n_ctx: int
    vocab_size: int
    d_ff: int | None = None
    mlp: str = "standard"
    n_kv_heads: int | None = None
    tied_embeddings: bool = True
    n_experts: int = 1
    experts_per_token: int = 1
    biases: bool = True
    learned_positions: bool = True

    def __post_init__(self):
        for name in (
            "n_layers",
            "d_model",
            "n_heads",
            "n_ctx",
            "vocab_size",
            "n_experts",
            "experts_per_token",
        ):
            object.__setattr__(
                self, name, as_positive_int(getattr(self, name), name)
            )
        d_ff = (
            4 * self.d_model
            if self.d_ff is None
            else as_positive_int(self.d_ff, "d_ff")
        )
        object.__setattr__(self, "d_ff", d_ff)
        kv = (
            self.n_heads
            if self.n_kv_heads is None
            else as_positive_int(self.n_kv_heads, "n_kv_heads")
        )
        object.__setattr__(self, "n_kv_heads", kv)
        if self.d_model % self.n_heads:
            raise ValueError(
                f"d_model must be divisible by n_heads, got d_model={self.d_model} "
                f"and n_heads={self.n_heads}"
            )
        if self.n_heads % kv:
            raise ValueError(
                f"n_kv_heads must divide n_heads, got n_kv_heads={kv} and "
                f"n_heads={self.n_heads}"
            )
        if self.experts_per_token > self.n_experts:
            raise ValueError(
                f"experts_per_token must be <= n_experts, got experts_per_token="
                f"{self.experts_per_token} and n_experts={self.n_experts}"
            )
        if self.mlp not in ("standard", "gated"):
            raise ValueError(
                f"mlp must be 'standard' or 'gated', got {self.mlp!r}"
            )
        for name in ("tied_embeddings", "biases", "learned_positions"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(
                    f"{name} must be True or False, got {getattr(self, name)!r}"
                )

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_heads

    @property
    def d_attn(self) -> int:
        return self.n_heads * self.d_head

    @property
    def d_kv(self) -> int:
        """``n_kv_heads * d_head``: the width of the key (and of the value) projection."""
        return self.n_kv_heads * self.d_head


#: GPT-3 175B: Brown et al. (2020), Table 2.1 (96 layers, d_model 12288, 96 heads of size 128,
#: context 2048) with the GPT-2 byte-level BPE vocabulary of 50,257 tokens.
GPT3_175B = TransformerShape(
    n_layers=96, d_model=12288, n_heads=96, n_ctx=2048, vocab_size=50257
)
#: Gopher 280B: Rae et al. (2021), Table 1 and Hoffmann et al. (2022), Table 4 (80 layers,
#: 128 heads, key/value size 128, d_model 16384, d_ff = 4 d_model); 32,000-token vocabulary and
#: 2048-token sequences (Rae et al. 2021, section 3).
GOPHER_280B = TransformerShape(
    n_layers=80, d_model=16384, n_heads=128, n_ctx=2048, vocab_size=32000
)
#: Chinchilla 70B: Hoffmann et al. (2022), Table 4 (80 layers, 64 heads, key/value size 128,
#: d_model 8192, d_ff = 4 d_model), same vocabulary and sequence length as Gopher.
CHINCHILLA_70B = TransformerShape(
    n_layers=80, d_model=8192, n_heads=64, n_ctx=2048, vocab_size=32000
)
#: GPT-2 small (Radford et al. 2019): 12 layers, d_model 768, 12 heads, context 1024.
GPT2_SMALL = TransformerShape(
    n_layers=12, d_model=768, n_heads=12, n_ctx=1024, vocab_size=50257
)

# Today's open models: gated (SwiGLU) MLPs, grouped-query attention, RMSNorm and rotary positions
# (Touvron et al. 2023b, section 2.2; Jiang et al. 2023), and, in the released configurations, no
# biases and an untied output matrix. Sizes are those of the released configurations.
_MODERN = dict(
    mlp="gated", tied_embeddings=False, biases=False, learned_positions=False
)
#: Llama 2 70B: Touvron et al. (2023b), Table 1 (4k context, grouped-query attention for 34B
#: and 70B) and section 2.2 (32k vocabulary); 80 layers, d_model 8192, 64 heads, 8 key/value
#: heads and d_ff 28672 in the released configuration.
LLAMA2_70B = TransformerShape(
    80, 8192, 64, 4096, 32000, 28672, n_kv_heads=8, **_MODERN
)
#: Llama 3 8B and 70B: the Meta Llama 3 model card (8k context, grouped-query attention for both
#: sizes, a 128K-token vocabulary) and the released configurations (32/80 layers, d_model
#: 4096/8192, 32/64 heads, 8 key/value heads, d_ff 14336/28672, vocabulary 128,256).
LLAMA3_8B = TransformerShape(
    32, 4096, 32, 8192, 128256, 14336, n_kv_heads=8, **_MODERN
)
LLAMA3_70B = TransformerShape(
    80, 8192, 64, 8192, 128256, 28672, n_kv_heads=8, **_MODERN
)
#: Mistral 7B: Jiang et al. (2023), Table 1 (dim 4096, 32 layers, head_dim 128, hidden_dim
#: 14336, 32 heads, 8 key/value heads, context 8192, vocabulary 32000).
MISTRAL_7B = TransformerShape(
    32, 4096, 32, 8192, 32000, 14336, n_kv_heads=8, **_MODERN
)
#: Mixtral 8x7B: Jiang et al. (2024), abstract (Mistral 7B's architecture with 8 feed-forward
#: blocks per layer, 2 per token, 32k context) and the released configuration.
MIXTRAL_8X7B = TransformerShape(
    32,
    4096,
    32,
    32768,
    32000,
    14336,
    n_kv_heads=8,
    n_experts=8,
    experts_per_token=2,
    **_MODERN,
)


@dataclass(frozen=True)
class PublishedModel:
    """A released model: its shape and the parameter counts its authors publish."""

    name: str
    shape: TransformerShape
    n_params_published: float
    active_published: float
    source: str


#: Published total and active parameter counts (active = total for a dense model).
PUBLISHED_MODELS = (
    PublishedModel(
        "Llama 2 70B",
        LLAMA2_70B,
        68_976_648_192,
        68_976_648_192,
        "released checkpoint (meta-llama/Llama-2-70b-hf), 68,976,648,192 parameters; "
        "Touvron et al. 2023b, Table 1 names the model '70B', 1.5 % more",
    ),
    PublishedModel(
        "Llama 3 8B", LLAMA3_8B, 8e9, 8e9, "Meta Llama 3 model card: 8B"
    ),
    PublishedModel(
        "Llama 3 70B", LLAMA3_70B, 70e9, 70e9, "Meta Llama 3 model card: 70B"
    ),
    PublishedModel(
        "Mistral 7B",
        MISTRAL_7B,
        7.3e9,
        7.3e9,
        "Mistral AI release announcement of Mistral 7B: 'a 7.3B parameter model'",
    ),
    PublishedModel(
        "Mixtral 8x7B",
        MIXTRAL_8X7B,
        47e9,
        13e9,
        "Jiang et al. 2024, abstract: 47B parameters, 13B active per token",
    ),
)


@dataclass(frozen=True)
class PublishedRun:
    """A published training run: its shape, size, data and the compute its authors report."""

    name: str
    shape: TransformerShape
    n_params_reported: float
    n_tokens: float
    compute_reported: float
    source: str


#: Three runs whose compute the chapter recomputes from the shape.
PUBLISHED_RUNS = (
    PublishedRun(
        "GPT-3 175B",
        GPT3_175B,
        175.0e9,
        300e9,
        3.14e23,
        "Brown et al. 2020, Table 2.1 (shape, 175.0B) and Table D.1 (3.14e23 FLOPs, "
        "300B tokens)",
    ),
    PublishedRun(
        "Gopher 280B",
        GOPHER_280B,
        280e9,
        300e9,
        5.76e23,
        "Rae et al. 2021, Table 1 (shape, 280B, 300B tokens); Hoffmann et al. 2022, "
        "Figure 2 caption (Gopher budget 5.76e23 FLOPs). Their Appendix F: 'we use a "
        "slightly more accurate calculation giving a slightly different value (6.3 x "
        "10^23 compared to 5.76 x 10^23)'; 6.3e23 is 4/3 of the Table A4-convention "
        "count, i.e. that count with the forward pass recomputed (see the chapter)",
    ),
    PublishedRun(
        "Chinchilla 70B",
        CHINCHILLA_70B,
        70e9,
        1.4e12,
        5.76e23,
        "Hoffmann et al. 2022, Table 4 (shape) and section 4 (70B, 1.4T tokens, the "
        "same FLOPs as Gopher)",
    ),
)


@dataclass(frozen=True)
class TableA4Row:
    """One row of Hoffmann et al. (2022), Table A4: a shape and its FLOP ratio to 6ND."""

    label: str
    shape: TransformerShape
    ratio_published: float


def _a4(label, n_layers, d_model, d_ff, n_heads, ratio):
    # sequence length 2048 and the 32,000-token vocabulary of Gopher (Rae et al. 2021,
    # section 3); every row of Table A4 has d_model = n_heads * kv_size.
    return TableA4Row(
        label,
        TransformerShape(n_layers, d_model, n_heads, 2048, 32000, d_ff),
        ratio,
    )


#: Hoffmann et al. (2022), Table A4: "FLOP Ratio (Ours/6ND)" for six shapes.
HOFFMANN_TABLE_A4 = (
    _a4("73M", 10, 640, 2560, 10, 1.03),
    _a4("305M", 20, 1024, 4096, 16, 1.10),
    _a4("552M", 24, 1280, 5120, 10, 1.08),
    _a4("1.1B", 26, 1792, 7168, 14, 1.04),
    _a4("1.6B", 28, 2048, 8192, 16, 1.03),
    _a4("6.8B", 40, 3584, 14336, 28, 0.99),
)


#: Hoffmann et al. (2022), Table A9, the rows whose num_heads x kv_size equals d_model:
#: (label, n_layers, d_model, n_heads, parameters in millions as printed). Sequence length and
#: vocabulary as in :data:`HOFFMANN_TABLE_A4`.
HOFFMANN_TABLE_A9 = (
    ("74M", 10, 640, 10, 74),
    ("306M", 20, 1024, 16, 306),
    ("552M", 24, 1280, 10, 552),
    ("1143M", 26, 1792, 14, 1143),
    ("1593M", 28, 2048, 16, 1593),
    ("6796M", 40, 3584, 28, 6796),
    ("16183M", 47, 5120, 40, 16183),
)


def _check_shape(shape) -> TransformerShape:
    if not isinstance(shape, TransformerShape):
        raise ValueError(f"shape must be a TransformerShape, got {shape!r}")
    return shape


def _broadcast(**arrays) -> None:
    """A ValueError naming the arguments when their shapes do not broadcast together."""
    try:
        np.broadcast_shapes(*(np.shape(a) for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in arrays.items())
        raise ValueError(
            f"{' and '.join(arrays)} must have shapes that broadcast together "
            f"(the same length, or one of them a single number), got {shapes}"
        ) from None


def _require_gpt_style(shape, fn: str) -> TransformerShape:
    """``shape`` if it is a GPT-style block (two-matrix MLP, one K/V head per query head, one
    expert), else a ``ValueError`` naming the field: the counts of Kaplan et al. (2020) and
    Hoffmann et al. (2022) have no term for the others, and would be silently wrong."""
    s = _check_shape(shape)
    why = (
        ("mlp", s.mlp, "'standard'")
        if s.mlp != "standard"
        else ("n_kv_heads", s.n_kv_heads, f"n_heads = {s.n_heads}")
        if s.n_kv_heads != s.n_heads
        else ("n_experts", s.n_experts, "1")
        if s.n_experts != 1
        else None
    )
    if why is not None:
        field, value, needed = why
        raise ValueError(
            f"{fn} counts GPT-style blocks only: shape.{field} must be {needed}, got "
            f"{value!r}; use scaling_lib.inference.flops_breakdown_per_token or "
            f"n_params / active_params for gated, grouped-query or mixture-of-experts shapes"
        )
    return s


# --------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------


def kaplan_n_params(shape: TransformerShape) -> int:
    """Kaplan et al.'s non-embedding parameter count, ``2 d_model n_layers (2 d_attn + d_ff)``.

    With ``d_attn = d_model`` and ``d_ff = 4 d_model`` this is ``12 n_layers d_model**2``.
    Biases, layer norms and all embeddings are left out.

    References
    ----------
    Kaplan et al. (2020), section 2.1, eq. (2.1) and Table 1.

    Examples
    --------
    >>> kaplan_n_params(GPT3_175B) == 12 * 96 * 12288**2
    True
    """
    s = _require_gpt_style(shape, "kaplan_n_params")
    # Kaplan et al. 2020, eq. (2.1): N ~ 2 d_model n_layer (2 d_attn + d_ff)
    return 2 * s.d_model * s.n_layers * (2 * s.d_attn + s.d_ff)


def param_breakdown(shape: TransformerShape) -> dict[str, int]:
    """Parameter count of a decoder-only Transformer, part by part.

    A block has a norm before attention and before the MLP; attention has a query and an
    output projection of width ``d_attn = n_heads d_head`` and a key and a value projection
    of width ``d_kv = n_kv_heads d_head``; the MLP has two matrices ("standard") or three
    ("gated"), and a mixture of experts has ``n_experts`` MLPs and a ``d_model x n_experts``
    router per block. A final norm follows the last block. With ``biases`` every dense layer
    has a bias and every norm a gain and a bias (LayerNorm); without, the norm is RMSNorm
    (a gain only).

    Returns
    -------
    dict
        ``embedding`` (token embedding), ``positions`` (learned positions, else 0),
        ``unembedding`` (0 when tied), ``attention``, ``mlp`` (all experts), ``router``,
        ``norms`` and ``total``.

    References
    ----------
    Radford et al. (2019) and Brown et al. (2020), section 2.1 (GPT-2/3 blocks); Shazeer (2020),
    (gated MLP); Ainslie et al. (2023) (grouped-query attention); Touvron et al. (2023b),
    section 2.2 (RMSNorm, SwiGLU, rotary positions); Jiang et al. (2024) (mixture of experts with
    a router).

    Examples
    --------
    >>> param_breakdown(LLAMA2_70B)["total"]  # the released checkpoint has 68,976,648,192
    68976648192
    """
    s = _check_shape(shape)
    d, a, kv, f, L = s.d_model, s.d_attn, s.d_kv, s.d_ff, s.n_layers
    b = 1 if s.biases else 0
    attention = (
        (d * a + b * a) + 2 * (d * kv + b * kv) + (a * d + b * d)
    )  # Q, K, V, output
    one_mlp = (
        (3 * d * f + b * (2 * f + d))
        if s.mlp == "gated"
        else (2 * d * f + b * (f + d))
    )
    router = d * s.n_experts if s.n_experts > 1 else 0
    norm = (2 if s.biases else 1) * d  # LayerNorm / RMSNorm
    out = {
        "embedding": s.vocab_size * d,
        "positions": s.n_ctx * d if s.learned_positions else 0,
        "unembedding": 0 if s.tied_embeddings else s.vocab_size * d,
        "attention": L * attention,
        "mlp": L * s.n_experts * one_mlp,
        "router": L * router,
        "norms": (2 * L + 1) * norm,
    }
    out["total"] = sum(out.values())
    return {k: int(v) for k, v in out.items()}


_EMBEDDING_PARTS = ("embedding", "positions", "unembedding")


def n_params(shape: TransformerShape, embeddings: bool = False) -> int:
    """Exact parameter count of a decoder-only Transformer (see :func:`param_breakdown`).

    For the default shape (standard MLP, multi-head attention, biases, LayerNorm, learned
    positions, output tied to the token embedding) this is a GPT-2/GPT-3 decoder.

    Parameters
    ----------
    shape : TransformerShape
    embeddings : bool, default False
        If True, add the token embedding (``vocab_size x d_model``), the learned position
        embedding (``n_ctx x d_model``, if any) and a separate output matrix (if untied). False
        gives the non-embedding count of Kaplan et al. (2020), which is the convention of the
        course.

    Returns
    -------
    int

    References
    ----------
    Kaplan et al. (2020), Table 1 (what counts as embedding); Radford et al. (2019) and Brown
    et al. (2020), section 2.1 (the architecture).

    Examples
    --------
    >>> round(n_params(GPT3_175B, embeddings=True) / 1e9, 1)  # Brown et al. Table D.1: 174,600M
    174.6
    """
    embeddings = as_bool(embeddings, "embeddings")
    parts = param_breakdown(shape)
    emb = sum(parts[k] for k in _EMBEDDING_PARTS)
    return int(parts["total"] if embeddings else parts["total"] - emb)


def active_params(shape: TransformerShape, embeddings: bool = False) -> int:
    """Parameters that one token goes through: :func:`n_params` with ``experts_per_token`` MLPs.

    For a dense model this equals :func:`n_params`; for a mixture of experts only the
    ``experts_per_token`` experts a token is routed to count (the router counts in full).

    Examples
    --------
    >>> round(active_params(MIXTRAL_8X7B, embeddings=True) / 1e9, 2)  # Jiang et al.: 13B active
    12.88
    """
    s = _check_shape(shape)
    embeddings = as_bool(embeddings, "embeddings")
    mlp = param_breakdown(s)["mlp"]  # all n_experts MLPs of every block
    idle = mlp // s.n_experts * (s.n_experts - s.experts_per_token)
    return int(n_params(s, embeddings) - idle)


def gopher_n_params(shape: TransformerShape) -> int:
    """Parameter count in the convention of Gopher and Chinchilla (Hoffmann et al. 2022).

    Per block: Q, K, V and output projections (``4 d_model d_attn``), the MLP
    (``2 d_model d_ff``) and the relative-position key projection of Transformer-XL
    (``d_model d_attn``), i.e. ``13 d_model**2`` per block for ``d_ff = 4 d_model``; plus one
    ``vocab_size x d_model`` embedding matrix. There are no learned absolute positions. Norm
    gains and biases (under 0.01 % here) are left out.

    This reproduces the "Parameters" column of Hoffmann et al. (2022), Table A9, within 1M or
    0.05 % (for example 73.7M for the row printed 74M, 16,181M for 16,183M) for the rows whose
    ``num_heads x kv_size`` equals ``d_model``; the few rows where it does not cannot be written
    as a :class:`TransformerShape`, whose ``d_attn`` is ``d_model``. The ``scaling_laws.ipynb``
    notebook of nanoGPT (Karpathy) counts differently (it adds a separate output matrix,
    biases, norms and relative-position biases, 73,825,280 for the row printed 74M); what it
    attributes to correspondence with the authors is only the FLOP side of Table A4 (no
    embedding and logits FLOPs).

    References
    ----------
    Rae et al. (2021), section 3 (relative positional encodings, 32k vocabulary); Hoffmann et al.
    (2022), Appendix F ("we also count embeddings matrices in the total parameter count") and
    Table A9.

    Examples
    --------
    >>> round(gopher_n_params(CHINCHILLA_70B) / 1e9, 2)
    70.06
    >>> round(gopher_n_params(GOPHER_280B) / 1e9, 1)
    279.7
    """
    s = _require_gpt_style(shape, "gopher_n_params")
    per_layer = (
        4 * s.d_model * s.d_attn
        + 2 * s.d_model * s.d_ff
        + s.d_model * s.d_attn
    )
    return int(s.n_layers * per_layer + s.vocab_size * s.d_model)


# --------------------------------------------------------------------------------------------
# Forward FLOPs
# --------------------------------------------------------------------------------------------


def kaplan_flops_breakdown(shape: TransformerShape) -> dict[str, int]:
    """Forward FLOPs per token, row by row, as in Kaplan et al. (2020), Table 1.

    Returns
    -------
    dict
        ``embed`` (4 d_model), ``attention_qkv`` (2 n_layers d_model 3 d_attn),
        ``attention_mask`` (2 n_layers n_ctx d_attn), ``attention_project``
        (2 n_layers d_attn d_model), ``feedforward`` (2 n_layers 2 d_model d_ff) and
        ``de_embed`` (2 d_model vocab_size). Kaplan's ``C_forward`` is the sum of the four
        non-embedding rows; see :func:`forward_flops_per_token`.

    Examples
    --------
    >>> b = kaplan_flops_breakdown(TransformerShape(1, 8, 2, 4, 10))
    >>> b["attention_mask"], b["feedforward"]
    (64, 1024)
    """
    s = _require_gpt_style(shape, "kaplan_flops_breakdown")
    L, d, a, f, n = s.n_layers, s.d_model, s.d_attn, s.d_ff, s.n_ctx
    return {  # Kaplan et al. 2020, Table 1, column "FLOPs per Token"
        "embed": 4 * d,
        "attention_qkv": 2 * L * d * 3 * a,
        "attention_mask": 2 * L * n * a,
        "attention_project": 2 * L * a * d,
        "feedforward": 2 * L * 2 * d * f,
        "de_embed": 2 * d * s.vocab_size,
    }


def forward_flops_per_token(shape: TransformerShape) -> int:
    """Kaplan et al.'s forward-pass FLOPs per token, ``C_forward = 2N + 2 n_layers n_ctx d_attn``.

    ``N`` is the non-embedding count of :func:`kaplan_n_params`; embedding and de-embedding
    FLOPs are left out, as in the paper. Eq. (2.2) is written with ``d_model``; Table 1 has
    ``d_attn``, which is the same here. For gated MLPs, grouped-query attention or a mixture
    of experts use :func:`scaling_lib.inference.forward_flops_per_token`.

    References
    ----------
    Kaplan et al. (2020), Table 1 and eq. (2.2).

    Examples
    --------
    >>> s = GPT3_175B
    >>> forward_flops_per_token(s) == 2 * kaplan_n_params(s) + 2 * 96 * 2048 * 12288
    True
    """
    s = _require_gpt_style(shape, "forward_flops_per_token")
    # Kaplan et al. 2020, eq. (2.2): C_forward ~ 2N + 2 n_layer n_ctx d_attn
    return 2 * kaplan_n_params(s) + 2 * s.n_layers * s.n_ctx * s.d_attn


def chinchilla_forward_flops(shape: TransformerShape) -> dict[str, int]:
    """Forward FLOPs for one sequence of ``n_ctx`` tokens, by operation (Hoffmann et al. 2022).

    The count of Appendix F, with ``seq_len = n_ctx``, ``key_size x num_heads = d_attn`` and
    ``ffw_size = d_ff``; per-layer terms are already multiplied by ``n_layers``.

    Returns
    -------
    dict
        ``embeddings``, ``attention_qkv``, ``attention_logits``, ``attention_softmax``,
        ``attention_reduction``, ``attention_projection``, ``feedforward``, ``logits`` and
        ``total`` (the sum of the others), in FLOPs per sequence.

    References
    ----------
    Hoffmann et al. (2022), Appendix F.

    Examples
    --------
    >>> f = chinchilla_forward_flops(TransformerShape(1, 8, 2, 4, 10))
    >>> f["attention_logits"], f["attention_softmax"], f["total"]
    (256, 96, 8032)
    """
    s = _require_gpt_style(shape, "chinchilla_forward_flops")
    L, S, d, a, f, V, h = (
        s.n_layers,
        s.n_ctx,
        s.d_model,
        s.d_attn,
        s.d_ff,
        s.vocab_size,
        s.n_heads,
    )
    out = {  # Hoffmann et al. 2022, Appendix F, term by term
        "embeddings": 2 * S * V * d,  # 2 x seq_len x vocab_size x d_model
        "attention_qkv": L
        * 2
        * 3
        * S
        * d
        * a,  # 2 x 3 x seq_len x d_model x (key x heads)
        "attention_logits": L
        * 2
        * S
        * S
        * a,  # 2 x seq_len x seq_len x (key x heads)
        "attention_softmax": L
        * 3
        * h
        * S
        * S,  # 3 x num_heads x seq_len x seq_len
        "attention_reduction": L
        * 2
        * S
        * S
        * a,  # 2 x seq_len x seq_len x (key x heads)
        "attention_projection": L
        * 2
        * S
        * a
        * d,  # 2 x seq_len x (key x heads) x d_model
        "feedforward": L
        * 2
        * S
        * (d * f + d * f),  # 2 x seq_len x (d_model x ffw x 2)
        "logits": 2 * S * d * V,  # 2 x seq_len x d_model x vocab_size
    }
    out["total"] = sum(out.values())
    return out


def chinchilla_training_flops(shape: TransformerShape, n_tokens) -> np.ndarray:
    """Training FLOPs from the full count: forward (Appendix F) plus a backward pass of 2x.

    ``3 x total forward FLOPs per sequence x n_tokens / n_ctx`` (Hoffmann et al. 2022,
    Appendix F: "we assume that the backward pass has twice the FLOPs of the forward pass").

    Examples
    --------
    >>> float(chinchilla_training_flops(CHINCHILLA_70B, 1.4e12)) > 5e23
    True
    """
    s = _check_shape(shape)
    d_tokens = as_nonnegative_array(n_tokens, "n_tokens")
    with np.errstate(over="ignore"):
        flops = 3.0 * chinchilla_forward_flops(s)["total"] * d_tokens / s.n_ctx
    return check_finite_result(flops, "training FLOPs", n_tokens=n_tokens)


def ratio_to_6nd(
    shape: TransformerShape,
    *,
    count_embeddings: bool = True,
    count_logits: bool = True,
    n_params_6nd: float | None = None,
) -> float:
    """Ratio of the full training count (Appendix F, backward = 2 x forward) to ``6 N D``.

    Parameters
    ----------
    shape : TransformerShape
    count_embeddings, count_logits : bool, default True
        Whether the numerator includes the embedding and final-logits terms of Appendix F. The
        text of Appendix F says both are included; Table A4 is reproduced only without them
        (see the chapter).
    n_params_6nd : float, optional
        The ``N`` of ``6 N D``; defaults to :func:`gopher_n_params` (the paper's own count,
        which includes one embedding matrix).

    Returns
    -------
    float
        The ratio, independent of ``D``.

    Examples
    --------
    >>> row = HOFFMANN_TABLE_A4[0]
    >>> round(ratio_to_6nd(row.shape, count_embeddings=False, count_logits=False), 2)
    1.03
    """
    s = _check_shape(shape)
    count_embeddings = as_bool(count_embeddings, "count_embeddings")
    count_logits = as_bool(count_logits, "count_logits")
    f = chinchilla_forward_flops(s)
    forward = (
        f["total"]
        - (0 if count_embeddings else f["embeddings"])
        - (0 if count_logits else f["logits"])
    )
    n = (
        gopher_n_params(s)
        if n_params_6nd is None
        else as_positive_float(n_params_6nd, "n_params_6nd")
    )
    # Hoffmann et al. 2022, Appendix F and Table A4: (3 x forward per sequence) / (6 N seq_len)
    return float(3 * forward / (6 * n * s.n_ctx))


_N_CONVENTIONS = {
    "gopher": gopher_n_params,  # Table A9 convention
    "gopher_untied": lambda s: (
        gopher_n_params(s) + s.vocab_size * s.d_model
    ),  # + unembedding
    "non_embedding": lambda s: gopher_n_params(s) - s.vocab_size * s.d_model,
    "kaplan": kaplan_n_params,  # 12 n_layers d_model^2
}


def table_a4_ratios(
    *,
    count_embeddings: bool,
    count_logits: bool,
    n_params_convention: str = "gopher",
) -> np.ndarray:
    """The six ratios of Hoffmann et al. (2022), Table A4, under a stated counting convention.

    Parameters
    ----------
    count_embeddings, count_logits : bool
        Whether the full count includes the embedding and final-logits FLOPs of Appendix F.
    n_params_convention : {"gopher", "gopher_untied", "non_embedding", "kaplan"}
        What ``N`` means in ``6ND``: :func:`gopher_n_params` (one embedding matrix), the same
        plus a separate output matrix, the same minus the embedding matrix, or
        :func:`kaplan_n_params`.

    Returns
    -------
    ndarray of shape (6,)
        In the order of :data:`HOFFMANN_TABLE_A4`.

    Examples
    --------
    >>> np.round(table_a4_ratios(count_embeddings=False, count_logits=False), 2)
    array([1.03, 1.1 , 1.08, 1.04, 1.03, 0.99])
    """
    count_embeddings = as_bool(count_embeddings, "count_embeddings")
    count_logits = as_bool(count_logits, "count_logits")
    n_params_convention = as_choice(
        n_params_convention, "n_params_convention", _N_CONVENTIONS
    )
    n_of = _N_CONVENTIONS[n_params_convention]
    return np.array(
        [
            ratio_to_6nd(
                r.shape,
                count_embeddings=count_embeddings,
                count_logits=count_logits,
                n_params_6nd=n_of(r.shape),
            )
            for r in HOFFMANN_TABLE_A4
        ]
    )


def attention_flops_share(shape: TransformerShape) -> float:
    """Share of the forward FLOPs (Appendix F count) spent on the context-dependent part.

    That part is the ``QK^T`` logits, the softmax and the softmax-times-values reduction: the
    terms that grow with ``n_ctx`` per token and that ``6ND`` ignores.

    Examples
    --------
    >>> round(attention_flops_share(GPT3_175B), 3)
    0.027
    """
    f = chinchilla_forward_flops(shape)
    ctx = (
        f["attention_logits"]
        + f["attention_softmax"]
        + f["attention_reduction"]
    )
    return float(ctx / f["total"])


# --------------------------------------------------------------------------------------------
# Training compute
# --------------------------------------------------------------------------------------------


def training_flops(n_params, n_tokens) -> np.ndarray:
    """The training-compute approximation ``C = 6 N D`` (FLOPs).

    2 FLOPs per parameter per token in the forward pass (one multiply-accumulate) and 4 in the
    backward pass (gradients with respect to the activations and to the weights, one
    multiply-accumulate each).

    Parameters
    ----------
    n_params : array_like
        N, number of parameters (> 0).
    n_tokens : array_like
        D, number of training tokens (>= 0).

    References
    ----------
    Kaplan et al. (2020), section 2.1 ("C ~ 6N" FLOPs per training token); Hoffmann et al.
    (2022), Appendix F.

    Examples
    --------
    >>> float(training_flops(174.6e9, 300e9))  # Brown et al. 2020, Table D.1: 3.14e23
    3.1428e+23
    """
    n = as_positive_array(n_params, "n_params")
    d = as_nonnegative_array(n_tokens, "n_tokens")
    _broadcast(n_params=n, n_tokens=d)
    with np.errstate(over="ignore", invalid="ignore"):
        flops = (
            6.0 * n * d
        )  # Kaplan et al. 2020, section 2.1: C ~ 6 N per token
    return check_finite_result(
        flops, "FLOPs", n_params=n_params, n_tokens=n_tokens
    )


# --------------------------------------------------------------------------------------------
# Memory
# --------------------------------------------------------------------------------------------

#: Bytes per parameter for mixed-precision Adam: fp16 weights (2) + fp16 gradients (2) + fp32
#: master weights, momentum and variance (4 + 4 + 4). Rajbhandari et al. (2020), section 3.1.
BYTES_PER_PARAM_MIXED_ADAM = {
    "weights": 2,
    "gradients": 2,
    "optimizer_states": 12,
}

_RECOMPUTE = ("none", "selective", "full")


def activation_memory_per_layer(
    shape: TransformerShape,
    micro_batch_size: int = 1,
    *,
    tensor_parallel: int = 1,
    sequence_parallel: bool = False,
    recompute: str = "none",
) -> float:
    """Bytes of activations one Transformer layer keeps for the backward pass (16-bit).

    Implements Korthikanti et al. (2023), Table 2, with ``s = n_ctx``, ``b`` the micro-batch
    size, ``h = d_model``, ``a = n_heads`` and ``t`` the tensor-parallel degree:

    ========================================  ===============================
    no recomputation, no sequence parallel    ``s b h (10 + 24/t + 5 a s/(h t))``
    no recomputation, sequence parallel       ``s b h (34/t + 5 a s/(h t))``
    selective recomputation                   ``s b h (10 + 24/t)`` (``34/t`` with sequence par.)
    full recomputation                        ``2 s b h`` (only the layer input is kept)
    ========================================  ===============================

    With ``t = 1`` the first line is eq. (1) of the paper, ``s b h (34 + 5 a s / h)``.

    Examples
    --------
    >>> s = TransformerShape(1, 1024, 16, 2048, 50257)
    >>> activation_memory_per_layer(s) == 2048 * 1024 * (34 + 5 * 16 * 2048 / 1024)
    True
    """
    s = _require_gpt_style(shape, "activation_memory_per_layer")
    b = as_positive_int(micro_batch_size, "micro_batch_size")
    t = as_positive_int(tensor_parallel, "tensor_parallel")
    recompute = as_choice(recompute, "recompute", _RECOMPUTE)
    sequence_parallel = as_bool(sequence_parallel, "sequence_parallel")
    sbh = s.n_ctx * b * s.d_model
    attn = (
        5 * s.n_heads * s.n_ctx / (s.d_model * t)
    )  # softmax input/output and dropout mask
    if recompute == "full":
        return float(2 * sbh)  # Korthikanti et al. 2023, Table 2
    linear = 34 / t if sequence_parallel else 10 + 24 / t
    if recompute == "selective":
        return float(sbh * linear)  # Table 2, "selective recompute"
    return float(sbh * (linear + attn))  # Table 2 / eq. (1)


def training_memory(
    shape: TransformerShape,
    *,
    n_params_override: float | None = None,
    micro_batch_size: int = 1,
    data_parallel: int = 1,
    tensor_parallel: int = 1,
    pipeline_parallel: int = 1,
    zero_stage: int = 0,
    recompute: str = "none",
    sequence_parallel: bool = False,
    **deprecated,
) -> dict:
    """Memory per device for training with mixed-precision Adam, in bytes.

    Model states use :data:`BYTES_PER_PARAM_MIXED_ADAM` (16 bytes per parameter), divided by
    ``tensor_parallel x pipeline_parallel`` (each device holds that share of the weights) and,
    with ZeRO (Rajbhandari et al. 2020, Figure 1), by ``data_parallel`` for the optimizer states
    (stage 1), also the gradients (stage 2), and also the weights (stage 3).

    Activations follow :func:`activation_memory_per_layer`. With pipeline parallelism and the
    1F1B schedule the first stage holds ``n_layers / p`` layers for ``p`` micro-batches in
    flight, i.e. ``n_layers`` layers' worth whatever ``p`` is (Korthikanti et al. 2023,
    section 4.2.3). Buffers, fragmentation, the logits and the embeddings' activations are
    ignored, and so are the ZeRO-3 all-gather buffers and, under full recomputation, the
    working set of the layer being recomputed: the result is a lower bound. The per-layer
    formula assumes dropout masks and a stored ``s x s`` attention matrix; kernels in the
    style of FlashAttention without dropout remove the ``5 a s / h`` term.

    Parameters
    ----------
    shape : TransformerShape
    n_params_override : float, optional
        Parameters to store; defaults to ``n_params(shape, embeddings=True)``. (The old name
        of this argument, ``n_params``, still works with a ``DeprecationWarning``.)
    micro_batch_size, data_parallel, tensor_parallel, pipeline_parallel : int
    zero_stage : {0, 1, 2, 3}
    recompute : {"none", "selective", "full"}
    sequence_parallel : bool

    Returns
    -------
    dict
        ``weights``, ``gradients``, ``optimizer_states``, ``activations`` and ``total``,
        in bytes per device.

    Examples
    --------
    >>> m = training_memory(GPT3_175B, n_params_override=175e9)
    >>> round(m["weights"] + m["gradients"] + m["optimizer_states"]) == 16 * 175e9
    True
    >>> training_memory(GPT3_175B, zero_stage=4)
    Traceback (most recent call last):
    ...
    ValueError: zero_stage must be 0, 1, 2 or 3, got 4
    """
    s = _check_shape(shape)
    if deprecated:
        unknown = set(deprecated) - {"n_params"}
        if unknown:
            raise ValueError(
                f"training_memory got unexpected arguments {sorted(unknown)}"
            )
        import warnings

        warnings.warn(
            "training_memory(n_params=...) is now n_params_override=...",
            DeprecationWarning,
            stacklevel=2,
        )
        if n_params_override is None:
            n_params_override = as_positive_float(
                deprecated["n_params"], "n_params"
            )
    n = (
        float(n_params(s, embeddings=True))
        if n_params_override is None
        else as_positive_float(n_params_override, "n_params_override")
    )
    dp = as_positive_int(data_parallel, "data_parallel")
    tp = as_positive_int(tensor_parallel, "tensor_parallel")
    pp = as_positive_int(pipeline_parallel, "pipeline_parallel")
    if (
        isinstance(zero_stage, bool)
        or zero_stage not in (0, 1, 2, 3)
        or not isinstance(zero_stage, int)
    ):
        raise ValueError(
            f"zero_stage must be 0, 1, 2 or 3, got {zero_stage!r}"
        )
    recompute = as_choice(recompute, "recompute", _RECOMPUTE)
    sequence_parallel = as_bool(sequence_parallel, "sequence_parallel")
    if s.n_layers % pp:
        raise ValueError(
            f"pipeline_parallel must divide n_layers, got pipeline_parallel={pp} "
            f"and n_layers={s.n_layers}"
        )
    if s.n_heads % tp:
        raise ValueError(
            f"tensor_parallel must divide n_heads, got tensor_parallel={tp} and "
            f"n_heads={s.n_heads}"
        )
    per_device = n / (tp * pp)
    b = BYTES_PER_PARAM_MIXED_ADAM
    # Rajbhandari et al. 2020, Figure 1: P_os (stage 1), P_os+g (stage 2), P_os+g+p (stage 3)
    out = {
        "weights": b["weights"] * per_device / (dp if zero_stage >= 3 else 1),
        "gradients": b["gradients"]
        * per_device
        / (dp if zero_stage >= 2 else 1),
        "optimizer_states": b["optimizer_states"]
        * per_device
        / (dp if zero_stage >= 1 else 1),
    }
    layer = activation_memory_per_layer(
        s,
        micro_batch_size,
        tensor_parallel=tp,
        sequence_parallel=sequence_parallel,
        recompute=recompute,
    )
    # Korthikanti et al. 2023, section 4.2.3: 1F1B keeps (L/p layers) x (p micro-batches)
    out["activations"] = layer * s.n_layers
    out["total"] = sum(out.values())
    return out


# --------------------------------------------------------------------------------------------
# Time
# --------------------------------------------------------------------------------------------

#: Dense peak throughput per device in FLOP/s for 16-bit matrix multiplication, from the
#: vendors' datasheets: NVIDIA V100 SXM2 (125 TFLOP/s FP16 Tensor Core), A100 (312 TFLOP/s
#: BF16/FP16 Tensor Core, dense), H100 SXM (989 TFLOP/s BF16 Tensor Core, dense) and Google
#: TPU v4 (275 TFLOP/s BF16).
PEAK_FLOPS = {"V100": 125e12, "A100": 312e12, "H100": 989e12, "TPUv4": 275e12}


def training_time(compute, n_devices, peak_flops, mfu) -> np.ndarray:
    """Wall-clock seconds to spend ``compute`` FLOPs: ``C / (n_devices x peak_flops x mfu)``.

    Parameters
    ----------
    compute : array_like
        Training FLOPs (>= 0), e.g. from :func:`training_flops`.
    n_devices : array_like
        Number of accelerators: whole numbers >= 1 (``8.0`` is accepted, ``2.5`` is not) up to
        2**53.
    peak_flops : array_like
        Peak FLOP/s of one device (> 0), e.g. ``PEAK_FLOPS["A100"]``.
    mfu : array_like
        Model FLOPs utilization in (0, 1]: the fraction of peak spent on the model's FLOPs,
        not counting recomputation (Chowdhery et al. 2023, section 4.1 and Appendix B).

    Returns
    -------
    ndarray
        Seconds.

    Raises
    ------
    ValueError
        Naming the argument that is not as above, or the inputs whose seconds overflow a
        64-bit float (or whose denominator underflows to zero).

    Examples
    --------
    >>> hours = training_time(1e21, 8, PEAK_FLOPS["H100"], 0.5) / 3600
    >>> round(float(hours), 1)
    70.2
    """
    c = as_nonnegative_array(compute, "compute")
    n = as_count_array(n_devices, "n_devices")
    p = as_positive_array(peak_flops, "peak_flops")
    u = as_positive_array(mfu, "mfu")
    if np.any(u > 1):
        raise ValueError(f"mfu must lie in (0, 1], got {mfu!r}")
    _broadcast(compute=c, n_devices=n, peak_flops=p, mfu=u)
    with np.errstate(
        over="ignore", invalid="ignore", divide="ignore", under="ignore"
    ):
        # Chowdhery et al. 2023, section 4.1: MFU = model FLOP/s / peak
        seconds = c / (n * p * u)
    return check_finite_result(
        seconds, "seconds", compute=compute, peak_flops=peak_flops, mfu=mfu
    )


# The counted NumPy forward pass lives in its own module; its names stay importable from here,
# loaded on first use so that importing either module first works.
def __getattr__(name):
    if name in ("FlopCounter", "counted_forward"):
        from . import counted

        return getattr(counted, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
