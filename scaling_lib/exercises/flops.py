"""Checks for the exercises of chapter 1 (counting FLOPs and memory).

Each function recomputes the expected answer with :mod:`scaling_lib.flops` and compares it with
the student's number through :func:`scaling_lib.exercises.check_close`.
"""

from __future__ import annotations

import math

from .. import flops as F
from . import Feedback, check_close, parse_answer

__all__ = ["check_training_days", "check_n_params", "check_crossover_context",
           "check_devices_for_model_states"]


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
    return Feedback(False, f"{value:g} devices is not right: the states take "
                           f"{bytes_per_param * n_params / 1e9:,.0f} GB. Hint: round up, a "
                           f"device cannot be shared in part.")
