"""Checks for the exercises of chapter 1 (counting FLOPs and memory).

Each function recomputes the expected answer with :mod:`scaling_lib.flops` and compares it with
the student's number through :func:`scaling_lib.exercises.check_close`.
"""

from __future__ import annotations

import math

from .. import flops as F
from . import Feedback, check_close, parse_answer

__all__ = ["check_training_days", "check_n_params", "check_crossover_context",
           "check_devices_for_model_states", "check_kv_cache_function", "check_mfu_llama3_8b",
           "check_decode_ms_llama2_70b"]


def check_training_days(answer_days, *, compute: float, n_devices: int, peak_flops: float,
                        mfu: float) -> Feedback:
    """Is ``answer_days`` the wall-clock time to spend ``compute`` FLOPs on these devices?

    Examples
    --------
    >>> bool(check_training_days(28.4, compute=3.14e23, n_devices=1024, peak_flops=312e12,
    ...                          mfu=0.4))
    True
    """
    expected = float(F.training_time(compute, n_devices, peak_flops, mfu)) / 86400
    return check_close(answer_days, expected, name="training time", unit="days",
                       hint="time = C / (devices x peak FLOP/s x MFU), then divide the "
                            "seconds by 86,400.")


def check_n_params(answer, shape: F.TransformerShape, *, embeddings: bool = True) -> Feedback:
    """Is ``answer`` the exact parameter count of a GPT-style ``shape`` (see ``n_params``)?

    Examples
    --------
    >>> bool(check_n_params(124.4e6, F.GPT2_SMALL))
    True
    """
    expected = F.n_params(shape, embeddings=embeddings)
    hint = ("count the tied token embedding and the learned positions once each, and the "
            "biases and LayerNorm gains." if embeddings else
            "leave out the token and position embeddings.")
    return check_close(answer, expected, name="N", rtol=0.005, hint=hint)


def check_crossover_context(answer, d_model: int) -> Feedback:
    """Is ``answer`` the context length at which Kaplan's context term equals ``2N``?

    Setting ``2 n_layers n_ctx d_model = 2 x 12 n_layers d_model**2`` gives
    ``n_ctx = 12 d_model`` (Kaplan et al. 2020, section 2.1).

    Examples
    --------
    >>> bool(check_crossover_context(49152, 4096))
    True
    """
    return check_close(answer, 12 * d_model, name="n_ctx", unit="tokens",
                       hint="equate 2 n_layers n_ctx d_attn with 2N = 24 n_layers d_model^2.")


def check_devices_for_model_states(answer, *, n_params: float, device_memory_gb: float,
                                   bytes_per_param: int = 16) -> Feedback:
    """Is ``answer`` the fewest devices whose memory can hold the model states?

    Mixed-precision Adam needs 16 bytes per parameter (Rajbhandari et al. 2020, section 3.1);
    fully sharded (ZeRO stage 3) these bytes are split evenly over the devices.

    Examples
    --------
    >>> bool(check_devices_for_model_states(14, n_params=70e9, device_memory_gb=80))
    True
    """
    expected = math.ceil(bytes_per_param * n_params / (device_memory_gb * 1e9))
    value = parse_answer(answer, "the number of devices")
    if isinstance(value, Feedback):
        return value
    if value == expected:
        return Feedback(True, f"{expected} devices: correct ({bytes_per_param} x {n_params:.3g} "
                              f"bytes = {bytes_per_param * n_params / 1e9:,.0f} GB).")
    hint = ("round up, a device cannot be shared in part." if value < expected else
            "that is more than needed: divide the bytes of the states by the memory of one "
            "device and round up.")
    return Feedback(False, f"{value:g} devices is not right: the states take "
                           f"{bytes_per_param * n_params / 1e9:,.0f} GB. Hint: {hint}")


# --------------------------------------------------------------------------------------------
# Inference and utilization. Each check recomputes its answer from the published numbers
# written out below, not with scaling_lib.flops or scaling_lib.inference.
# --------------------------------------------------------------------------------------------

#: (n_layers, n_heads, n_kv_heads, d_head) for the shapes check_kv_cache_function tries:
#: Llama 2 70B (Touvron et al. 2023b; GQA), GPT-3 175B (Brown et al. 2020, Table 2.1; MHA)
#: and PaLM 540B (Chowdhery et al. 2023, Table 1 and section 2; multi-query, head size 256).
_KV_CASES = {"Llama 2 70B": (80, 64, 8, 128), "GPT-3 175B": (96, 96, 96, 128),
             "PaLM 540B": (118, 48, 1, 256)}


def check_kv_cache_function(func) -> Feedback:
    """Does ``func(n_layers, n_heads, n_kv_heads, d_head, n_tokens, bytes_per_value)`` return
    the key/value-cache bytes of one sequence? Tried on a GQA, an MHA and an MQA shape.

    Examples
    --------
    >>> print(check_kv_cache_function(lambda L, h, kv, dh, n, b: 0))  # doctest: +ELLIPSIS
    Not right for Llama 2 70B: 1 tokens at 2 bytes per value should take ...
    """
    for name, (L, h, kv, dh) in _KV_CASES.items():
        for n_tokens, b in ((1, 2), (4096, 2), (1000, 1)):
            expected = 2 * L * kv * dh * n_tokens * b    # a key and a value per layer and token
            try:
                got = float(func(L, h, kv, dh, n_tokens, b))
            except Exception as exc:  # noqa: BLE001 - report any error to the student
                return Feedback(False, f"Your function raised {type(exc).__name__}: {exc}")
            if not math.isclose(got, expected, rel_tol=1e-9):
                hint = ""
                if math.isclose(got, expected * h / kv, rel_tol=1e-9) and h != kv:
                    hint = (" Hint: only the n_kv_heads key/value heads are cached, not every "
                            "query head.")
                elif math.isclose(got, expected / 2, rel_tol=1e-9):
                    hint = " Hint: a key and a value are cached, two vectors per head."
                return Feedback(False, f"Not right for {name}: {n_tokens} tokens at {b} bytes "
                                       f"per value should take {expected:,.0f} bytes, your "
                                       f"function gives {got:,.0f}.{hint}")
    return Feedback(True, "Correct on a grouped-query, a multi-head and a multi-query shape.")


def check_mfu_llama3_8b(answer) -> Feedback:
    """Exercise: Llama 3 8B (N = 8.03e9, 32 layers, 32 heads of 128, sequences of 8,192 tokens)
    trained on 64 H100s (989 TFLOP/s dense BF16 each), 64 sequences per step, 1.3 s per step.
    What is the MFU with the model FLOPs of Chowdhery et al. (2023), Appendix B?

    Examples
    --------
    >>> bool(check_mfu_llama3_8b(0.9))
    False
    """
    tokens_per_second = 64 * 8192 / 1.3
    flops_per_token = 6 * 8.03e9 + 12 * 32 * 32 * 128 * 8192    # 6N + 12 L H Q T
    expected = tokens_per_second * flops_per_token / (64 * 989e12)
    return check_close(answer, expected, name="MFU", rtol=0.02,
                       hint="MFU = tokens/s x (6N + 12 L H Q T) / (devices x dense peak); "
                            "tokens/s = sequences x tokens per sequence / step time.")


def check_decode_ms_llama2_70b(answer) -> Feedback:
    """Exercise: Llama 2 70B (68,976,648,192 parameters) in 16-bit on 8 H100s (3.35 TB/s each),
    batch 1, short context, every weight read once per token and the GPUs sharing the work
    perfectly. Lower bound on the milliseconds per generated token?

    Examples
    --------
    >>> bool(check_decode_ms_llama2_70b(100))
    False
    """
    expected = 2 * 68_976_648_192 / (8 * 3.35e12) * 1e3
    return check_close(answer, expected, name="time per token", unit="ms", rtol=0.02,
                       hint="at batch 1 decoding is memory-bound: bytes of weights over the "
                            "total memory bandwidth, not FLOPs over peak.")
