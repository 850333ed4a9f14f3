"""Contract of ``scaling_lib.exercises.emergence`` (the checks of Chapter 4): a student's answer
always gets a Feedback; the exercise's own settings are refused by name."""

from __future__ import annotations

from contract_support import Entry, choice, count, number, text

from scaling_lib.data import EMERGENCE_TASKS

PROBABILITY = number(low=0, high=1, low_open=True)  # 1 is fine: p ** L = 1
LEVEL = number(low=0, high=1, low_open=True, high_open=True)
SIZE = number(low=0, low_open=True, high=1e30)  # parameters or tokens

ENTRIES = {
    "scaling_lib.exercises.emergence": {
        "check_exact_match": Entry(
            lambda: {"answer": 0.66, "p_token": 0.95, "length": 8},
            {"p_token": PROBABILITY, "length": count()},
            answers=("answer",),
            result="feedback",
        ),
        "check_required_token_accuracy": Entry(
            lambda: {"answer": 0.917, "target": 0.5, "length": 8},
            {"target": PROBABILITY, "length": count()},
            answers=("answer",),
            result="feedback",
        ),
        "check_compute": Entry(
            lambda: {"answer": 8.4e23, "n_params": 70e9, "n_tokens": 2e12},
            {
                "n_params": SIZE,
                "n_tokens": SIZE,
                "rtol": number(low=0, high=1, high_open=True),
            },
            answers=("answer",),
            result="feedback",
        ),
        "check_decades": Entry(
            lambda: {"answer": 22.5, "expected": 22.6},
            {
                "expected": number(),
                "tolerance": number(low=0, high=100),
                "name": text(),
            },
            answers=("answer",),
            result="feedback",
        ),
        "check_pooled_crossing": Entry(
            lambda: {"answer": 22.5, "level": 0.5},
            {
                "level": LEVEL,
                "task": choice(*(t.name for t in EMERGENCE_TASKS)),
            },
            answers=("answer",),
            result="feedback",
        ),
        "check_resolution_size": Entry(
            lambda: {"answer": 3.4e8},
            {
                "n_questions": count(),
                "length": count(),
                "scale": SIZE,
                "exponent": number(low=-10, high=0, high_open=True),
            },
            answers=("answer",),
            result="feedback",
        ),
        "check_crossing_function": Entry(
            lambda: {"func": lambda x, y, level: None},
            answers=("func",),
            result="feedback",
        ),
    }
}
