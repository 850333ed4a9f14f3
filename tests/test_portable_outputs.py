"""Committed notebook outputs show only digits that every machine reproduces.

NumPy picks SIMD code paths and OpenBLAS picks kernels by CPU, so the last bits of a float are
not portable: a raw ``repr`` such as ``1102244368.383689`` on one machine is
``1102244368.3836935`` on another, and nbval then fails there. The rule: no number in any
committed text output (stream, ``text/plain``, ``text/markdown``, ``text/html``, glue records
``application/papermill.record/*``) shows more than ``MAX_SIGNIFICANT`` significant digits.
Print with a format spec (``f"{x:.3g}"``) and glue rounded values or formatted strings.

Two executions of a notebook on one machine give the same outputs because every notebook seeds
its randomness; nbval (``make test``) checks that a fresh execution reproduces the committed
outputs, which is that second execution.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

MAX_SIGNIFICANT = 6

# Output types that hold text a reader sees or that glue pastes into a page. Images, widget
# state (model ids) and JavaScript are not numbers shown to anyone.
TEXT_MIMETYPES = ("text/plain", "text/markdown", "text/html", "text/latex")
GLUE_PREFIX = "application/papermill.record/"

# A decimal number: digits with a point or an exponent. Integers are exact on every machine.
_NUMBER = re.compile(
    r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][-+]?\d+)?(?![\w.])"
)

# Allowed long numbers, each with why the long form is the point. Keep this list short.
# (notebook file name, exact number as printed)
ALLOWED: set[tuple[str, str]] = set()


def significant_digits(number: str) -> int:
    """Significant digits of a printed decimal number ('0.004913' -> 4, '1.50e+03' -> 3)."""
    mantissa = re.split(r"[eE]", number.lstrip("+-"))[0]
    digits = mantissa.replace(".", "").lstrip("0")
    if (
        "." not in mantissa
    ):  # an integer mantissa with an exponent: trailing zeros do not count
        digits = digits.rstrip("0")
    return len(digits)


def long_numbers(text: str) -> list[str]:
    """The numbers in ``text`` shown with more than ``MAX_SIGNIFICANT`` significant digits."""
    return [
        m.group(0)
        for m in _NUMBER.finditer(text)
        if significant_digits(m.group(0)) > MAX_SIGNIFICANT
    ]


def _as_text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def output_texts(notebook: dict):
    """Yield (cell index, where, text) for every text a committed output shows or glues."""
    for index, cell in enumerate(notebook.get("cells", [])):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                yield index, "stream", _as_text(output.get("text", ""))
            for mimetype, value in output.get("data", {}).items():
                if mimetype in TEXT_MIMETYPES or mimetype.startswith(
                    GLUE_PREFIX
                ):
                    yield index, mimetype, _as_text(value)
            if output.get("output_type") == "error":
                yield index, "error", _as_text(output.get("evalue", ""))


def violations(path: Path) -> list[str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for index, where, text in output_texts(notebook):
        for number in long_numbers(text):
            if (path.name, number) not in ALLOWED:
                found.append(f"{path.name} cell {index} ({where}): {number}")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_outputs_show_only_portable_digits(path):
    found = violations(path)
    assert not found, (
        f"outputs show more than {MAX_SIGNIFICANT} significant digits, which differ between "
        "CPUs; format the number or glue a rounded value:\n  "
        + "\n  ".join(found[:20])
    )


def test_every_allowed_number_is_still_there():
    """The allow-list holds no stale entries."""
    shown = set()
    for path in NOTEBOOKS:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for _, _, text in output_texts(notebook):
            shown.update(
                (path.name, m.group(0)) for m in _NUMBER.finditer(text)
            )
    assert ALLOWED <= shown, (
        f"stale allow-list entries: {sorted(ALLOWED - shown)}"
    )


@pytest.mark.parametrize(
    ("number", "digits"),
    [
        ("0.0049139363423633675", 17),
        ("1102244368.383689", 16),
        ("28.44", 4),
        ("1.244e8", 4),
        ("3.14e+23", 3),
        ("0.381", 3),
        ("1e20", 1),
        ("120.0", 4),
        ("-0.50", 2),
    ],
)
def test_significant_digits(number, digits):
    assert significant_digits(number) == digits


def test_scanner_catches_a_raw_float_in_a_glue_record(tmp_path):
    """Putting a raw float repr back into a glue record makes the check fail."""
    cell = {
        "cell_type": "code",
        "source": "glue('rc_peak', x)",
        "metadata": {},
        "execution_count": 1,
        "outputs": [
            {
                "output_type": "display_data",
                "metadata": {},
                "data": {
                    "application/papermill.record/text/plain": "1102244368.383689"
                },
            }
        ],
    }
    path = tmp_path / "bad.ipynb"
    path.write_text(
        json.dumps(
            {
                "cells": [cell],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )
    assert violations(path) == [
        "bad.ipynb cell 0 (application/papermill.record/text/plain): "
        "1102244368.383689"
    ]


def test_scanner_ignores_integers_names_and_formatted_numbers():
    text = "GPT-3 175B, 1024 A100s, pythia-1.4b, step 143000, 28.4 days, 3.14e+23 FLOPs, v3.2.2"
    assert long_numbers(text) == []
