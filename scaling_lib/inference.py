"""The cost of running a Transformer: FLOPs per generated token, memory, time and utilization.

Arithmetic on a :class:`~scaling_lib.flops.TransformerShape` and a :class:`Device`:

* FLOPs: every weight a token goes through costs 2 FLOPs (one multiply-accumulate); attention
  over ``n`` earlier tokens adds ``4 n_layers n d_attn`` (the ``QK^T`` scores and the weighted
  sum of the values, 2 FLOPs per multiply-accumulate each). Summed over a prompt of ``n``
  tokens with a causal mask this is ``2 n_layers d_attn n (n + 1)``, Kaplan et al.'s (2020,
  Table 1) ``2 n_layers n_ctx d_attn`` per token on average.
* memory: weights (``bytes_per_param`` each) and the key/value cache, ``2 n_layers n_kv_heads
  d_head`` values per token (Shazeer 2019; Ainslie et al. 2023).
* time: a roofline (Williams et al. 2009): a step takes at least its FLOPs over the peak FLOP/s
  and at least its bytes over the memory bandwidth; decoding one token per sequence reads every
  weight once per step, so at small batch the bandwidth decides.
* utilization: model FLOPs utilization (MFU) from an observed throughput, with the model FLOPs
  per token ``6N + 12 L H Q T`` of Chowdhery et al. (2023), Appendix B.

The token embedding is a table lookup and costs no FLOPs here (the executed convention; compare
Hoffmann et al. 2022, Appendix F, who charge it as a one-hot matrix product). The output
(logits) matrix is a real matrix product and is counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import (
    as_count_array,
    as_float,
    as_nonnegative_array,
    as_positive_array,
    as_positive_float,
    check_finite_result,
)
from .flops import (
    PEAK_FLOPS,
    TransformerShape,
    _check_shape,
    active_params,
    n_params,
    param_breakdown,
)

__all__ = [
    "Device",
    "H100_SXM",
    "A100_SXM",
    "DEVICES",
    "matmul_params_per_token",
    "forward_flops_per_token",
    "flops_breakdown_per_token",
    "prefill_flops",
    "decode_flops",
    "kv_cache_bytes",
    "weight_bytes",
    "experts_read",
    "decode_step",
    "palm_model_flops_per_token",
    "mfu",
    "ThroughputReport",
    "PALM_540B_THROUGHPUT",
    "MT_NLG_530B_THROUGHPUT",
]


@dataclass(frozen=True)
class Device:
    """An accelerator: dense 16-bit peak FLOP/s, memory bandwidth (bytes/s) and memory (bytes)."""

    name: str
    peak_flops: float
    memory_bandwidth: float
    memory_bytes: float
    source: str

    def __post_init__(self):
        for name in ("name", "source"):
            if not isinstance(getattr(self, name), str):
                raise ValueError(
                    f"{name} must be a str, got {getattr(self, name)!r}"
                )
        for name in ("peak_flops", "memory_bandwidth", "memory_bytes"):
            object.__setattr__(
                self, name, as_positive_float(getattr(self, name), name)
            )

    @property
    def ridge_intensity(self) -> float:
        """FLOPs per byte above which a kernel can be compute-bound: peak / bandwidth."""
        return self.peak_flops / self.memory_bandwidth


#: NVIDIA H100 SXM5 80 GB. Datasheet: BF16 Tensor Core 1,979 TFLOPS "with sparsity", the dense
#: figure is half (989 TFLOPS); HBM3 bandwidth 3.35 TB/s.
H100_SXM = Device(
    "H100 SXM",
    PEAK_FLOPS["H100"],
    3.35e12,
    80e9,
    "NVIDIA H100 Tensor Core GPU datasheet (SXM): 1,979 TFLOPS BF16 with "
    "sparsity, 989 dense; 3.35 TB/s; 80 GB",
)
#: NVIDIA A100 80 GB SXM. Datasheet: BF16 Tensor Core 312 TFLOPS (624 with sparsity); HBM2e
#: bandwidth 2,039 GB/s.
A100_SXM = Device(
    "A100 80GB SXM",
    PEAK_FLOPS["A100"],
    2.039e12,
    80e9,
    "NVIDIA A100 Tensor Core GPU datasheet (80GB SXM): 312 TFLOPS BF16 dense, "
    "624 with sparsity; 2,039 GB/s; 80 GB",
)
DEVICES = {"H100": H100_SXM, "A100": A100_SXM}


# --------------------------------------------------------------------------------------------
# FLOPs
# --------------------------------------------------------------------------------------------


def matmul_params_per_token(shape: TransformerShape) -> int:
    """Weights one token is multiplied by: the active non-embedding parameters and the output
    matrix (``vocab_size x d_model``), which produces the logits even when it is tied."""
    s = _check_shape(shape)
    return int(active_params(s) + s.vocab_size * s.d_model)


def forward_flops_per_token(shape: TransformerShape, n_context) -> np.ndarray:
    """Forward FLOPs of one token that attends to ``n_context`` tokens (itself included).

    ``2 x matmul_params_per_token + 4 n_layers n_context d_attn``. Grouped-query attention
    does not reduce this: every query head still meets every key.

    Examples
    --------
    >>> from scaling_lib.flops import LLAMA3_8B
    >>> float(forward_flops_per_token(LLAMA3_8B, 0)) == 2 * (8030261248 - 128256 * 4096)
    True
    """
    s = _check_shape(shape)
    n = as_nonnegative_array(n_context, "n_context")
    return 2.0 * matmul_params_per_token(s) + 4.0 * s.n_layers * n * s.d_attn


def flops_breakdown_per_token(
    shape: TransformerShape, n_context: float
) -> dict[str, float]:
    """Forward FLOPs of one token at context ``n_context``, by part: ``attention_qo`` (query
    and output projections), ``attention_kv`` (key and value projections), ``mlp`` (the
    routed experts, router included), ``logits``, ``attention_context`` (scores and weighted
    values over ``n_context`` tokens), ``other`` (norm gains and biases) and ``total``.

    ``n_context`` is a single finite number >= 0 (an array is refused with a ``ValueError``:
    the parts are floats, one per name; call it once per context length).

    Examples
    --------
    >>> from scaling_lib.flops import LLAMA3_8B
    >>> b = flops_breakdown_per_token(LLAMA3_8B, 8192)
    >>> b["total"] == float(forward_flops_per_token(LLAMA3_8B, 8192))
    True
    """
    s = _check_shape(shape)
    n = as_float(n_context, "n_context", low=0)
    p = param_breakdown(s)
    L, d = s.n_layers, s.d_model
    qo, kv = 2 * L * d * s.d_attn, 2 * L * d * s.d_kv
    mlp = p["mlp"] // s.n_experts * s.experts_per_token + p["router"]
    out = {
        "attention_qo": 2.0 * qo,
        "attention_kv": 2.0 * kv,
        "mlp": 2.0 * mlp,
        "logits": 2.0 * s.vocab_size * d,
        "attention_context": 4.0 * L * n * s.d_attn,
    }
    # what the active parameters hold beyond the matrices above: norm gains and biases
    out["other"] = 2.0 * (active_params(s) - qo - kv - mlp)
    out["total"] = float(forward_flops_per_token(s, n))
    return out


def prefill_flops(shape: TransformerShape, n_prompt) -> np.ndarray:
    """Forward FLOPs to process a prompt of ``n_prompt`` tokens at once, causally masked.

    Token ``t`` (1-based) attends to ``t`` tokens, so the sum is
    ``2 W n + 2 n_layers d_attn n (n + 1)`` with ``W`` from :func:`matmul_params_per_token`.
    Kernels that compute the full score matrix and then mask it do about twice the attention
    part (the count of Hoffmann et al. 2022, Appendix F).

    ``n_prompt`` is a whole number of tokens (or an array of them) in [0, 2**53]; anything
    else (2.5, a negative count, 1e300, NaN) raises a ``ValueError`` naming ``n_prompt``.
    Within that range the result is always finite.

    Examples
    --------
    >>> from scaling_lib.flops import TransformerShape
    >>> s = TransformerShape(1, 8, 2, 16, 10)
    >>> float(prefill_flops(s, 3)) == sum(float(forward_flops_per_token(s, t)) for t in (1, 2, 3))
    True
    """
    s = _check_shape(shape)
    n = as_count_array(n_prompt, "n_prompt", minimum=0)
    return 2.0 * matmul_params_per_token(
        s
    ) * n + 2.0 * s.n_layers * s.d_attn * n * (n + 1)


def decode_flops(shape: TransformerShape, n_context) -> np.ndarray:
    """Forward FLOPs to generate one token after ``n_context`` earlier tokens (a decode step of
    one sequence): :func:`forward_flops_per_token` at ``n_context + 1``."""
    n = as_nonnegative_array(n_context, "n_context")
    return forward_flops_per_token(shape, n + 1)


# --------------------------------------------------------------------------------------------
# Memory
# --------------------------------------------------------------------------------------------


def kv_cache_bytes(
    shape: TransformerShape, n_tokens, bytes_per_value: float = 2
) -> np.ndarray:
    """Bytes of the key/value cache for ``n_tokens`` tokens of one sequence.

    Each layer keeps a key and a value vector of ``n_kv_heads x d_head`` numbers per token:
    ``2 n_layers n_kv_heads d_head n_tokens bytes_per_value``. With grouped-query attention
    (Ainslie et al. 2023) the cache shrinks by ``n_heads / n_kv_heads``; with multi-query
    attention (Shazeer 2019, one key/value head) by ``n_heads``.

    Examples
    --------
    >>> from scaling_lib.flops import LLAMA2_70B
    >>> float(kv_cache_bytes(LLAMA2_70B, 1))  # 2 x 80 layers x 8 heads x 128 x 2 bytes
    327680.0
    """
    s = _check_shape(shape)
    n = as_nonnegative_array(n_tokens, "n_tokens")
    b = as_positive_float(bytes_per_value, "bytes_per_value", high=64)
    return 2.0 * s.n_layers * s.d_kv * n * b


def weight_bytes(shape: TransformerShape, bytes_per_param: float = 2) -> float:
    """Bytes to hold every parameter (all experts, embeddings included): ``N x bytes_per_param``
    (2 for 16-bit weights, 1 for 8-bit, 0.5 for 4-bit)."""
    b = as_positive_float(bytes_per_param, "bytes_per_param", high=64)
    return float(n_params(shape, embeddings=True) * b)


def experts_read(shape: TransformerShape, batch_size) -> np.ndarray:
    """Expected number of distinct experts per block that a decode step of ``batch_size``
    tokens touches, if each token picks its ``experts_per_token`` experts uniformly at random:
    ``E (1 - (1 - k/E)^B)``. Real routers are not uniform; this is a model, not a measurement."""
    s = _check_shape(shape)
    b = as_positive_array(batch_size, "batch_size")
    e, k = s.n_experts, s.experts_per_token
    return e * (1.0 - (1.0 - k / e) ** b)


def decode_step(
    shape: TransformerShape,
    device: Device,
    batch_size=1,
    n_context=0,
    *,
    bytes_per_param: float = 2,
    bytes_per_value: float = 2,
) -> dict:
    """Roofline estimate of one decode step: ``batch_size`` sequences each generate one token.

    The step reads the weights once (the token embedding only for the rows it looks up, which
    is negligible, so it is left out unless the output matrix is tied to it: then the whole
    matrix is read to produce the logits; for a mixture of experts only the experts touched, see
    :func:`experts_read`) and each sequence's key/value cache, and does ``batch_size`` times
    :func:`decode_flops`. Its time is at least ``max(FLOPs / peak, bytes / bandwidth)``: a
    lower bound that ignores communication, kernel launches and imperfect overlap.

    Returns
    -------
    dict
        ``flops``, ``bytes``, ``intensity`` (FLOPs per byte), ``compute_time`` and
        ``memory_time`` (s), ``time`` (s per step, the larger of the two; also the time per
        generated token of each sequence), ``tokens_per_second`` (all sequences) and
        ``memory_bound`` (bool). Array-valued if the inputs are arrays.

    Examples
    --------
    >>> from scaling_lib.flops import LLAMA3_8B
    >>> step = decode_step(LLAMA3_8B, H100_SXM, batch_size=1, n_context=1000)
    >>> bool(step["memory_bound"]), round(float(step["time"]) * 1e3, 1)  # ms per token
    (True, 4.5)
    """
    s = _check_shape(shape)
    if not isinstance(device, Device):
        raise ValueError(f"device must be a Device, got {device!r}")
    b = as_positive_array(batch_size, "batch_size")
    n = as_nonnegative_array(n_context, "n_context")
    parts_bytes = as_positive_float(
        bytes_per_param, "bytes_per_param", high=64
    )
    bytes_per_value = as_positive_float(
        bytes_per_value, "bytes_per_value", high=64
    )
    one_expert = (
        param_breakdown(s)["mlp"] / s.n_experts
    )  # one expert, all blocks
    idle = (
        one_expert * (s.n_experts - experts_read(s, b))
        if s.n_experts > 1
        else 0.0
    )
    # an untied token embedding is looked up row by row, not streamed: leave it out; a tied
    # one is also the output matrix, read in full for the logits
    lookup_only = 0 if s.tied_embeddings else s.vocab_size * s.d_model
    weights = n_params(s, embeddings=True) - lookup_only - idle
    weight_b = weights * parts_bytes
    with np.errstate(over="ignore"):
        flops = b * decode_flops(s, n)
        byts = weight_b + b * kv_cache_bytes(s, n + 1, bytes_per_value)
    check_finite_result(
        np.append(np.ravel(flops), np.ravel(byts)),
        "FLOPs and bytes",
        batch_size=batch_size,
        n_context=n_context,
    )
    t_c = flops / device.peak_flops
    t_m = byts / device.memory_bandwidth
    t = np.maximum(t_c, t_m)
    return {
        "flops": flops,
        "bytes": byts,
        "intensity": flops / byts,
        "compute_time": t_c,
        "memory_time": t_m,
        "time": t,
        "tokens_per_second": b / t,
        "memory_bound": t_m >= t_c,
    }


# --------------------------------------------------------------------------------------------
# Model FLOPs utilization
# --------------------------------------------------------------------------------------------


def palm_model_flops_per_token(
    n_params, n_layers, n_heads, d_head, seq_len
) -> np.ndarray:
    """Training FLOPs per token as Chowdhery et al. (2023), Appendix B count them:
    ``6N + 12 L H Q T`` (``6N`` for the weights, forward and backward; ``12 L H Q T`` for the
    attention matmuls over the full ``T x T`` score matrix; no rematerialization).

    ``n_params`` is > 0; ``n_layers``, ``n_heads``, ``d_head`` and ``seq_len`` are whole
    numbers >= 1 (floats such as ``118.0`` are accepted, ``2.5`` is not) up to 2**53; a
    ``ValueError`` names the argument that is not. Inputs whose FLOPs overflow a 64-bit float
    raise a ``ValueError`` naming them.

    Examples
    --------
    >>> r = PALM_540B_THROUGHPUT
    >>> round(float(palm_model_flops_per_token(r.n_params, r.n_layers, r.n_heads, r.d_head,
    ...                                        r.seq_len)) / 1e12, 2)
    3.28
    """
    n = as_positive_array(n_params, "n_params")
    L = as_count_array(n_layers, "n_layers")
    h = as_count_array(n_heads, "n_heads")
    q = as_count_array(d_head, "d_head")
    t = as_count_array(seq_len, "seq_len")
    with np.errstate(over="ignore", invalid="ignore"):
        # Chowdhery et al. 2023, Appendix B
        flops = 6.0 * n + 12.0 * L * h * q * t
    return check_finite_result(
        flops,
        "FLOPs per token",
        n_params=n_params,
        n_layers=n_layers,
        n_heads=n_heads,
        d_head=d_head,
        seq_len=seq_len,
    )


def mfu(
    tokens_per_second, flops_per_token, n_devices, peak_flops
) -> np.ndarray:
    """Model FLOPs utilization: observed tokens/s times model FLOPs per token, over the peak
    FLOP/s of all devices (Chowdhery et al. 2023, section 4.1 and Appendix B).

    ``tokens_per_second``, ``flops_per_token`` and ``peak_flops`` are > 0; ``n_devices`` is a
    whole number >= 1 (``8.0`` is accepted, ``2.5`` is not) up to 2**53. A ``ValueError``
    names the argument that is not, or the inputs when the ratio overflows a 64-bit float (or
    its denominator underflows to zero).

    Examples
    --------
    >>> r = MT_NLG_530B_THROUGHPUT  # PaLM Appendix B: 29.7 % without attention
    >>> round(float(mfu(r.tokens_per_second, 6 * r.n_params, r.n_devices, r.peak_flops)), 3)
    0.298
    """
    tps = as_positive_array(tokens_per_second, "tokens_per_second")
    f = as_positive_array(flops_per_token, "flops_per_token")
    n = as_count_array(n_devices, "n_devices")
    p = as_positive_array(peak_flops, "peak_flops")
    with np.errstate(
        over="ignore", invalid="ignore", divide="ignore", under="ignore"
    ):
        ratio = tps * f / (n * p)
    return check_finite_result(
        ratio,
        "MFU",
        tokens_per_second=tokens_per_second,
        flops_per_token=flops_per_token,
        peak_flops=peak_flops,
    )


@dataclass(frozen=True)
class ThroughputReport:
    """A published training throughput and the MFU its authors derive from it."""

    name: str
    n_params: float
    tokens_per_second: float
    n_devices: int
    peak_flops: float
    mfu_without_attention: float
    mfu_with_attention: float | None
    n_layers: int | None = None
    n_heads: int | None = None
    d_head: int | None = None
    seq_len: int | None = None
    source: str = ""
    hfu_published: float | None = None


#: PaLM 540B: Chowdhery et al. (2023), Table 1 (118 layers, 48 heads, 540.35B parameters; its
#: caption: "the attention head size is always 256", so d_head is not d_model / n_heads = 384),
#: section 5 (sequence length 2048) and Appendix B (238.3K tokens/s on 6144 TPU v4 chips of
#: 275 peak matmul TFLOP/s; MFU 45.7 % without self-attention, 46.2 % with it; hardware FLOPs
#: utilization, rematerialization included, 57.8 %). With these, 6N + 12LHQT is 3.28 TFLOPs per
#: token and gives the 46.2 %.
PALM_540B_THROUGHPUT = ThroughputReport(
    "PaLM 540B",
    540.35e9,
    238.3e3,
    6144,
    275e12,
    0.457,
    0.462,
    n_layers=118,
    n_heads=48,
    d_head=256,
    seq_len=2048,
    source="Chowdhery et al. 2023, Table 1 and its caption, section 4.1 and Appendix B",
    hfu_published=0.578,
)
#: Megatron-Turing NLG 530B as computed in Chowdhery et al. (2023), Appendix B: 65.43K tokens/s
#: (1920 x 2048 / 60.1 s) on 2240 A100s of 312 TFLOP/s; "29.7 % without attention".
MT_NLG_530B_THROUGHPUT = ThroughputReport(
    "Megatron-Turing NLG 530B",
    530e9,
    65.43e3,
    2240,
    312e12,
    0.297,
    0.302,
    source="Chowdhery et al. 2023, Appendix B (from Smith et al. 2022)",
)
