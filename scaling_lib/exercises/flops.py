"""Checks for the exercises of chapter 1 (counting FLOPs and memory).

Every check fixes the inputs its exercise states and computes the expected answer from the
published numbers written out below (a paper's table, a released checkpoint's parameter count,
a datasheet) or by a second method, never with :mod:`scaling_lib.flops` or
:mod:`scaling_lib.inference`, so a bug there cannot make a wrong answer pass. Feedback comes from
:func:`scaling_lib.exercises.check_close`.
"""

from __future__ import annotations

import math

from . import (
    Feedback,
    _how_far,
    _not_a_function,
    _run,
    check_close,
    parse_answer,
)

__all__ = [
    "check_training_days",
    "check_gpt2_small_params",
    "check_crossover_appendix_f",
    "check_devices_for_model_states",
    "check_activation_gb",
    "check_forward_flops",
    "check_mfu_llama3_8b",
    "check_decode_ms_llama2_70b",
    "check_remat_share",
]


def check_training_days(answer_days) -> Feedback:
    """Exercise 1.1: GPT-3's 3.14e23 FLOPs (Brown et al. 2020, Table D.1) on 1,024 A100s of
    312 TFLOP/s dense BF16 (datasheet) at 40 % MFU. How many days?"""
    expected = 3.14e23 / (1024 * 312e12 * 0.40) / 86400
    hint = "time = C / (devices x peak FLOP/s x MFU), then divide the seconds by 86,400."
    value = parse_answer(answer_days, "training time")
    if not isinstance(value, Feedback) and math.isclose(
        value * 2, expected, rel_tol=0.02
    ):
        hint = "use the dense peak (312 TFLOP/s), not the 2:4-sparse one."
    return check_close(
        answer_days, expected, name="training time", unit="days", hint=hint
    )


#: GPT-2 small as released (Radford et al. 2019; the Hugging Face ``gpt2`` checkpoint):
#: 124,439,808 parameters, the output matrix tied to the token embedding.
_GPT2_SMALL_PARAMS = 124_439_808


def check_gpt2_small_params(answer) -> Feedback:
    """Exercise 1.2: the exact parameter count of GPT-2 small, embeddings included."""
    value = parse_answer(answer, "N")
    if isinstance(value, Feedback):
        return value
    d, V, n_ctx, L = 768, 50257, 1024, 12
    hints = {  # typical wrong counts, and what they miss
        _GPT2_SMALL_PARAMS
        + V * d: "the output matrix is tied to the token embedding: count "
        "it once.",
        _GPT2_SMALL_PARAMS
        - n_ctx * d: "GPT-2 learns its position embeddings: count them.",
        _GPT2_SMALL_PARAMS
        - L * (9 * d + 4 * d)
        - 2 * d: "count the biases and the LayerNorm gains and biases too.",
        _GPT2_SMALL_PARAMS
        - 2 * d: "do not forget the final LayerNorm after the last block.",
    }
    if value == _GPT2_SMALL_PARAMS:
        return Feedback(
            True,
            f"N = {value:,.0f}: correct, the released checkpoint's count.",
        )
    hint = hints.get(
        value,
        "an exact count is an integer: go through the block matrix by "
        "matrix, then biases, LayerNorms and the two embeddings.",
    )
    return check_close(
        value, _GPT2_SMALL_PARAMS, name="N", rtol=0.0, hint=hint
    )


def check_crossover_appendix_f(answer) -> Feedback:
    """Exercise 1.3: d_model = 4096, 32 heads, d_ff = 4 d_model. At what context does the
    context-dependent part of Appendix F's forward count (QK^T, softmax, weighted sum) equal
    the weight part (Q, K, V, output, feed-forward), per token and layer?

    Solved here by bisection on the operation-by-operation sums, not by the closed form.
    """
    d, h = 4096, 32

    def excess(n):  # per token and layer, Hoffmann et al. 2022, Appendix F
        context = (
            2 * n * d + 3 * h * n + 2 * n * d
        )  # logits, softmax, reduction
        weights = 2 * 3 * d * d + 2 * d * d + 2 * 2 * d * 4 * d
        return context - weights

    lo, hi = 1.0, 1e7
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if excess(mid) < 0 else (lo, mid)
    expected = (lo + hi) / 2
    value = parse_answer(answer, "n_ctx")
    hint = "per token and layer, equate 4 n_ctx d_attn + 3 n_heads n_ctx with 24 d_model^2."
    if not isinstance(value, Feedback):
        if math.isclose(value, 12 * d, rel_tol=1e-3):
            hint = (
                "12 d_model is Kaplan's causal count; Appendix F charges the full score "
                "matrix and the softmax."
            )
        elif math.isclose(value, 6 * d, rel_tol=1e-3):
            hint = (
                "close: you left out the softmax, 3 FLOPs per score and head."
            )
    return check_close(
        answer, expected, name="n_ctx", unit="tokens", rtol=1e-3, hint=hint
    )


def check_devices_for_model_states(answer) -> Feedback:
    """Exercise 1.4a: the fewest GPUs of 96e9 bytes each that hold the mixed-precision Adam
    states (16 bytes per parameter; Rajbhandari et al. 2020, section 3.1) of Chinchilla 70B,
    fully sharded. Chinchilla has 70.06e9 parameters in Hoffmann et al.'s convention (Table
    A9 style count of Table 4's shape); 70e9 gives the same answer."""
    expected = math.ceil(16 * 70.06e9 / 96e9)
    value = parse_answer(answer, "the number of GPUs")
    if isinstance(value, Feedback):
        return value
    if value == expected:
        return Feedback(True, f"{expected} GPUs: correct.")
    hint = (
        "round up: a GPU cannot be shared in part, and the states must fit."
        if value < expected
        else "that is more than needed: divide the bytes of the states by the bytes of one GPU "
        "and round up."
    )
    if value < expected / 3:
        hint = "mixed-precision Adam keeps 16 bytes per parameter, not 2 or 4."
    too = "too few" if value < expected else "too many"
    return Feedback(False, f"{value:g} GPUs is {too}. Hint: {hint}")


def check_activation_gb(answer) -> Feedback:
    """Exercise 1.4b: activations of one 2,048-token sequence of Chinchilla 70B (80 layers,
    d_model 8192, 64 heads) without recomputation, in 1e9 bytes: Korthikanti et al. (2023),
    eq. (1), ``s b h (34 + 5 a s / h)`` per layer, b = 1."""
    s, h, a, L = 2048, 8192, 64, 80
    expected = L * s * h * (34 + 5 * a * s / h) / 1e9
    return check_close(
        answer,
        expected,
        name="activation memory",
        unit="GB",
        rtol=0.01,
        hint="eq. (1) of Korthikanti et al. is per layer; data parallelism and "
        "ZeRO do not shard activations.",
    )


# ------------------------------------------------------------------ exercise 1.5
#: Released checkpoints (total parameters, as counted in the published weights):
#: Llama 3 8B 8,030,261,248 (Meta model card: 32 layers, d_model 4096, 32 heads, 8 K/V heads,
#: d_ff 14336, vocabulary 128,256, untied), Mixtral 8x7B 46,702,792,704 (Jiang et al. 2024,
#: section 2: 32 layers, d_model 4096, 32 heads, 8 K/V heads, d_ff 14336, vocabulary 32,000,
#: 8 experts, 2 per token) and Mistral 7B 7,241,732,096 (Jiang et al. 2023, Table 1).
_RELEASED = {
    "Llama 3 8B": (
        8_030_261_248,
        dict(
            n_layers=32,
            d_model=4096,
            n_heads=32,
            n_kv_heads=8,
            d_ff=14336,
            vocab_size=128256,
            n_experts=1,
            experts_per_token=1,
        ),
    ),
    "Mistral 7B": (
        7_241_732_096,
        dict(
            n_layers=32,
            d_model=4096,
            n_heads=32,
            n_kv_heads=8,
            d_ff=14336,
            vocab_size=32000,
            n_experts=1,
            experts_per_token=1,
        ),
    ),
    "Mixtral 8x7B": (
        46_702_792_704,
        dict(
            n_layers=32,
            d_model=4096,
            n_heads=32,
            n_kv_heads=8,
            d_ff=14336,
            vocab_size=32000,
            n_experts=8,
            experts_per_token=2,
        ),
    ),
}


def _expected_from_release(total, c, n_context):
    """2 FLOPs per weight a token uses, from the released count: drop the input embedding
    (a lookup), the RMSNorm gains (not in the exercise's count) and the idle experts; then add
    4 n_layers n_context d_model for the scores and the weighted sum."""
    L, d, V = c["n_layers"], c["d_model"], c["vocab_size"]
    idle = L * (c["n_experts"] - c["experts_per_token"]) * 3 * d * c["d_ff"]
    weights = total - V * d - (2 * L + 1) * d - idle
    return 2 * weights + 4 * L * n_context * d


def _expected_generated(c, n_context):
    """The same count term by term, for shapes without a release (a second method)."""
    L, d, h, kv, f = (
        c["n_layers"],
        c["d_model"],
        c["n_heads"],
        c["n_kv_heads"],
        c["d_ff"],
    )
    d_head = d // h
    per_layer = (
        d * d
        + d * d  # Q and output
        + 2 * d * kv * d_head  # K and V
        + c["experts_per_token"] * 3 * d * f
        + (d * c["n_experts"] if c["n_experts"] > 1 else 0)
    )  # router
    return 2 * (L * per_layer + c["vocab_size"] * d) + 4 * L * n_context * d


_GENERATED = [
    dict(
        n_layers=2,
        d_model=64,
        n_heads=8,
        n_kv_heads=2,
        d_ff=96,
        vocab_size=100,
        n_experts=4,
        experts_per_token=1,
    ),
    dict(
        n_layers=3,
        d_model=48,
        n_heads=4,
        n_kv_heads=4,
        d_ff=128,
        vocab_size=37,
        n_experts=1,
        experts_per_token=1,
    ),
    dict(
        n_layers=1,
        d_model=32,
        n_heads=4,
        n_kv_heads=1,
        d_ff=40,
        vocab_size=11,
        n_experts=6,
        experts_per_token=3,
    ),
]


def check_forward_flops(func) -> Feedback:
    """Exercise 1.5: does ``func(n_layers, d_model, n_heads, n_kv_heads, d_ff, vocab_size,
    n_experts, experts_per_token, n_context)`` give the forward FLOPs of one token? Tried on
    three released models (expected values from their checkpoints' parameter counts) and on
    shapes generated here."""
    if not callable(func):
        return _not_a_function(
            func,
            "forward_flops(n_layers, d_model, n_heads, n_kv_heads, d_ff, "
            "vocab_size, n_experts, experts_per_token, n_context)",
        )
    cases = [
        (name, c, n, _expected_from_release(total, c, n), 1e-4)
        for name, (total, c) in _RELEASED.items()
        for n in (1, 2048)
    ]
    cases += [
        (f"a generated shape {c}", c, n, _expected_generated(c, n), 1e-9)
        for c in _GENERATED
        for n in (0, 17)
    ]
    for name, c, n, expected, tol in cases:
        got, failed = _run(
            func,
            n_context=n,
            **c,
            on=f"{name} at n_context = {n}",
            usage="a function of the nine shape arguments, by name, returning "
            "the forward FLOPs of one token",
            returns="the count your function returns",
        )
        if failed is not None:
            return failed
        if not math.isclose(got, expected, rel_tol=tol):
            L, d, f = c["n_layers"], c["d_model"], c["d_ff"]
            d_head = d // c["n_heads"]
            diff = got - expected
            hint = "go through the matrices one token multiplies, 2 FLOPs per weight."
            idle = (
                2 * L * (c["n_experts"] - c["experts_per_token"]) * 3 * d * f
            )
            if idle and math.isclose(diff, idle, rel_tol=1e-3):
                hint = "a token goes through experts_per_token experts, not all of them."
            elif (
                math.isclose(
                    diff,
                    2 * 2 * L * d * (c["n_heads"] - c["n_kv_heads"]) * d_head,
                    rel_tol=1e-3,
                )
                and c["n_heads"] != c["n_kv_heads"]
            ):
                hint = "K and V have n_kv_heads heads, not n_heads."
            elif math.isclose(
                diff, -2 * L * c["experts_per_token"] * d * f, rel_tol=1e-3
            ):
                hint = "a gated MLP has three d_model x d_ff matrices."
            elif math.isclose(diff, 2 * c["vocab_size"] * d, rel_tol=1e-3):
                hint = "the input embedding is a lookup: it costs no FLOPs."
            elif math.isclose(diff, -2 * c["vocab_size"] * d, rel_tol=1e-3):
                hint = "the output matrix (d_model x vocab_size) makes the logits: count it."
            elif math.isclose(diff, -2 * L * n * d, rel_tol=1e-3) and n:
                hint = "the scores and the weighted sum cost 2 n_context d_model each."
            return Feedback(
                False,
                f"Your count for {name} at n_context = {n} "
                f"{_how_far(got, expected, 1e-3)}. Hint: {hint}",
            )
    return Feedback(
        True,
        "Correct on Llama 3 8B, Mistral 7B, Mixtral 8x7B and three generated "
        "shapes.",
    )


def check_mfu_llama3_8b(answer) -> Feedback:
    """Exercise 1.6: Llama 3 8B (N = 8.03e9, 32 layers, 32 heads of 128, sequences of 8,192
    tokens) on 64 H100s (989 TFLOP/s dense BF16 each), 64 sequences per step, 1.3 s per step.
    MFU with the model FLOPs of Chowdhery et al. (2023), Appendix B?"""
    tokens_per_second = 64 * 8192 / 1.3
    flops_per_token = 6 * 8.03e9 + 12 * 32 * 32 * 128 * 8192  # 6N + 12 L H Q T
    expected = tokens_per_second * flops_per_token / (64 * 989e12)
    return check_close(
        answer,
        expected,
        name="MFU",
        rtol=0.02,
        hint="MFU = tokens/s x (6N + 12 L H Q T) / (devices x dense peak); "
        "tokens/s = sequences x tokens per sequence / step time.",
    )


def check_decode_ms_llama2_70b(answer) -> Feedback:
    """Exercise 1.7: Llama 2 70B (68,976,648,192 parameters, d_model 8192, vocabulary 32,000,
    untied) in 16-bit on 8 H100s (3.35 TB/s each), batch 1, short context: every weight except
    the input token embedding (a lookup reads one row of it) read once per token, the GPUs
    sharing the work perfectly. Lower bound on the milliseconds per generated token?"""
    expected = 2 * (68_976_648_192 - 32000 * 8192) / (8 * 3.35e12) * 1e3
    value = parse_answer(answer, "time per token")
    hint = (
        "at batch 1 decoding is memory-bound: bytes of weights over the total memory "
        "bandwidth, not FLOPs over peak."
    )
    if not isinstance(value, Feedback):
        if math.isclose(
            value, 2 * 68_976_648_192 / (8 * 3.35e12) * 1e3, rel_tol=5e-4
        ):
            hint = "leave out the input embedding table: a lookup reads one row of it."
        elif math.isclose(value, 8 * expected, rel_tol=0.01):
            hint = "the 8 GPUs read their shares at the same time."
    return check_close(
        answer,
        expected,
        name="time per token",
        unit="ms",
        rtol=1e-3,
        hint=hint,
    )


def check_remat_share(answer) -> Feedback:
    """Exercise 1.8a: PaLM 540B's run has 46.2 % MFU and 57.8 % hardware FLOPs utilization
    (Chowdhery et al. 2023, Appendix B). What fraction of the FLOPs the chips executed was
    rematerialization?"""
    expected = 1 - 0.462 / 0.578
    value = parse_answer(answer, "rematerialization share")
    hint = "the chips executed HFU x peak; of that, MFU x peak was the model's own work."
    if not isinstance(value, Feedback) and math.isclose(
        value, 0.578 - 0.462, rel_tol=0.01
    ):
        hint = "a share of the executed FLOPs: divide by the HFU."
    return check_close(
        answer, expected, name="rematerialization share", rtol=0.01, hint=hint
    )
