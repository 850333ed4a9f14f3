"""Shared fixtures: where the project and the built site are."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def site() -> Path:
    """The built HTML site; its absence is a failure (build it with `make book`), not a skip."""
    if not (SITE / "index.html").is_file():
        pytest.fail(
            f"the site is not built: {SITE / 'index.html'} is missing; run `make book` first"
        )
    return SITE
