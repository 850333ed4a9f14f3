"""The student edition of Chapter 6's notebook: the solutions get full marks, the unmodified
student notebook does not, and no solution or hidden test reaches the student."""

from __future__ import annotations

from pathlib import Path

import pytest

from classroom import edition

ROOT = Path(__file__).resolve().parent.parent
NB = ROOT / "notebooks" / "06_practice.ipynb"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("student6")
    return out, edition.build_student_edition(out, [NB])


def test_chapter_6_is_an_assignment():
    assert NB in edition.assignments()


def test_student_edition_has_the_exercises_but_no_solutions(built):
    _, (student,) = built
    text = student.read_text(encoding="utf-8")
    assert text.count("```{exercise}") == 6
    for call in [
        "checks.check_effective_data_function(my_effective_data)",
        "checks.check_half_value_epochs(epochs_half)",
        "checks.check_epochs_for_value(epochs_90)",
        "checks.check_overtrain_tokens(tpp_400m, q)",
        "checks.check_data_wall_gap(gap, 10e9, 100e9, 4, 16)",
        "checks.check_allocation_function(my_allocation)",
    ]:
        assert call in text, call
    assert "def my_allocation" not in text and "brentq(value_gap" not in text
    assert "HIDDEN TESTS" not in text and "_n_ref" not in text


def test_solutions_get_full_marks(built):
    out, _ = built
    report = edition.grade(NB, student="solution", course=out / "autograder")
    assert report.auto_max == 15 and report.auto_score == report.auto_max, str(
        report
    )


def test_unmodified_student_notebook_does_not(built):
    out, (student,) = built
    report = edition.grade(student, student="blank", course=out / "autograder")
    assert report.auto_score == 0 < report.auto_max, str(report)
