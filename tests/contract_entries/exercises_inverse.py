"""Contract of ``scaling_lib.exercises.inverse``: the checks of Chapter 5, called as
notebooks/05_inverse_scaling.ipynb calls them. The student's answer may be anything (a
``Feedback`` comes back); the problem's own parameters are refused by name."""

from __future__ import annotations

import math

from contract_support import Entry, choice, count, custom, number

from scaling_lib.chinchilla import HOFFMANN_2022
from scaling_lib.data import INVERSE_TASKS


def _hoffmann_loss(n):
    """Hoffmann et al. (2022) eq. (2) along D = 20 N, written as the check writes it (the
    boundary is then the check's own to the last bit)."""
    law = HOFFMANN_2022
    return law.E + law.A / n**law.alpha + law.B / (20 * n) ** law.beta


# check_recovery_size solves for N between 1e6 and 1e13 parameters along D = 20 N: the
# threshold must lie strictly between the law's losses at the two ends
RECOVERY_LOW = _hoffmann_loss(1e13)
RECOVERY_HIGH = _hoffmann_loss(1e6)


def _share(*inconsistent):
    """A probability of ``check_paired_se`` that must also fit the other two: refused outside
    [0, 1] and at the ``inconsistent`` values inside it, which break
    max(0, p_a + p_b - 1) <= p_both <= min(p_a, p_b) with the others at their defaults."""
    return custom(*inconsistent, -0.5, 1.5, math.nan, "0.8", None, [0.8], True)


def _answer_only(value):
    return Entry(
        lambda: {"answer": value}, answers=("answer",), result="feedback"
    )


def _pm_tau2(u, y, se, degree):
    """A valid (if wrong) student function: the call runs every case."""
    return 0.0


ENTRIES = {
    "scaling_lib.exercises.inverse": {
        "check_labels": Entry(
            lambda: {"answer": ["a", "b"], "expected": ["a", "c"]},
            {"expected": custom(None, 3, 2.5, {}, [1, 2], ["a", 3], b"x")},
            answers=("answer",),
            result="feedback",
        ),
        "check_z_score": Entry(
            lambda: {"answer": -2.0, "expected": -2.5},
            {"expected": number()},
            answers=("answer",),
            result="feedback",
        ),
        "check_endpoint_z": Entry(
            lambda: {"answer": -1.0, "task": "truthfulqa_mc2"},
            {"task": choice(*INVERSE_TASKS)},
            answers=("answer",),
            result="feedback",
        ),
        "check_paule_mandel": Entry(
            lambda: {"func": _pm_tau2},
            answers=("func",),
            result="feedback",
        ),
        "check_threshold_changes": _answer_only(["isp_memo_trap"]),
        "check_turning_point": Entry(
            lambda: {"answer": 1e9, "along": "size"},
            {"along": choice("size", "training")},
            answers=("answer",),
            result="feedback",
        ),
        "check_bh_p": _answer_only(0.05),
        "check_recovery_size": Entry(
            lambda: {"answer": 1e10, "loss_true": 1.95},
            {
                "loss_true": number(
                    low=RECOVERY_LOW,
                    high=RECOVERY_HIGH,
                    low_open=True,
                    high_open=True,
                )
            },
            answers=("answer",),
            result="feedback",
        ),
        "check_paired_se": Entry(
            lambda: {
                "answer": 0.02,
                "n_items": 400,
                "p_a": 0.80,
                "p_b": 0.70,
                "p_both": 0.65,
            },
            {
                "n_items": count(),
                # p_both = 0.65 with p_b = 0.7 needs p_a in [0.65, 0.95]
                "p_a": _share(0.0, 0.3, 0.6, 0.96, 1.0),
                # p_both = 0.65 with p_a = 0.8 needs p_b in [0.65, 0.85]
                "p_b": _share(0.0, 0.5, 0.6, 0.9, 1.0),
                # p_a = 0.8 and p_b = 0.7 need p_both in [0.5, 0.7]
                "p_both": _share(0.0, 0.2, 0.49, 0.71, 1.0),
            },
            answers=("answer",),
            result="feedback",
        ),
    }
}
