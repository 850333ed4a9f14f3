"""Chapters 2 and 3 as assignments: their student edition has no solutions, the solution
notebooks get full marks and the unmodified student notebooks do not (nbgrader, locally)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from classroom import edition

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = {
    "02_kaplan": (6, 17),
    "03_chinchilla": (7, 22),
}  # exercises, points (auto + hand)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("student23")
    notebooks = [ROOT / "notebooks" / f"{name}.ipynb" for name in CHAPTERS]
    return out, dict(
        zip(CHAPTERS, edition.build_student_edition(out, notebooks))
    )


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_is_an_assignment_without_solutions(built, name):
    _, students = built
    source = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    text = students[name].read_text(encoding="utf-8")
    n_ex, _ = CHAPTERS[name]
    assert text.count("```{exercise}") == n_ex
    for cell in source.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            first = next(
                line for line in cell.source.splitlines() if line.strip()
            )
            assert first not in text, first
    assert "HIDDEN TESTS" not in text and "solution-start" not in text
    assert (
        "def fit_loglog" not in text
        and "def huber_objective(theta" not in text
    )


@pytest.mark.parametrize("name", CHAPTERS)
def test_solutions_get_full_marks_and_the_blank_edition_does_not(built, name):
    out, students = built
    report = edition.grade(
        ROOT / "notebooks" / f"{name}.ipynb",
        student="solution",
        course=out / "autograder",
    )
    assert report.auto_max > 0 and report.auto_score == report.auto_max, str(
        report
    )
    assert report.auto_max + report.manual_max == CHAPTERS[name][1]
    blank = edition.grade(
        students[name], student="blank", course=out / "autograder"
    )
    assert blank.auto_score == 0 < blank.auto_max, str(blank)
