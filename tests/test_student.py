"""The student edition and its autograding (classroom.edition, nbgrader), and the solution-free
build of the site (book/_ext/student_site.py).

Grading runs nbgrader autograde locally: each graded notebook is executed in this environment,
offline and without Docker (a few seconds each).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from classroom import edition

ROOT = Path(__file__).resolve().parent.parent
LAB = ROOT / "notebooks" / "07_scaling_lab.ipynb"
STUDENT_SITE = ROOT / "_build" / "student-site" / "_build" / "html"


def _solutions(nb):
    """Source of every solution cell (nbgrader) of a notebook, and the hidden test lines."""
    sols = [
        c.source
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    ]
    hidden = re.findall(
        r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS",
        "\n".join(c.source for c in nb.cells),
        re.DOTALL,
    )
    return sols, [h.strip() for h in hidden if h.strip()]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    return out, edition.build_student_edition(out, [LAB])


def test_lab_is_an_assignment():
    assert LAB in edition.assignments()


def test_student_edition_has_no_solutions_and_no_hidden_tests(built):
    out, (student,) = built
    source = nbformat.read(LAB, as_version=4)
    sols, hidden = _solutions(source)
    assert len(sols) == 4 and len(hidden) == 2
    text = student.read_text(encoding="utf-8")
    nb = nbformat.read(student, as_version=4)
    for sol in sols:
        first_line = next(line for line in sol.splitlines() if line.strip())
        assert first_line not in text
    for block in hidden:
        for line in block.splitlines():
            if len(line.strip()) > 25 and not line.strip().startswith("#"):
                assert line.strip() not in text, line
    assert "HIDDEN TESTS" not in text
    assert "solution-start" not in text and "solution-end" not in text
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    # the exercises and their check calls are all there
    assert text.count("```{exercise}") == 4
    assert "checks.check_vertex(vertex_log_n)" in text
    assert (out / "student-edition.zip").is_file() and (
        out / "autograder.zip"
    ).is_file()


def test_student_edition_executes(built):
    """The worked example runs; the only cells that fail are the blanks and what needs them."""
    from nbclient import NotebookClient

    _, (student,) = built
    nb = nbformat.read(student, as_version=4)
    NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(student.parent)}},
    ).execute()
    allowed = set()
    for i, cell in enumerate(nb.cells):
        if "nbgrader" in cell.metadata:
            allowed.add(i)
            if cell.metadata["nbgrader"].get("solution"):
                allowed.add(i + 1)  # the check call right after the blank
    failed = {
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
        and any(o.output_type == "error" for o in c.outputs)
    }
    assert failed and failed <= allowed, sorted(failed - allowed)


def test_solutions_get_full_marks(built):
    out, _ = built
    report = edition.grade(LAB, student="solution", course=out / "autograder")
    assert report.auto_max == 10 and report.auto_score == report.auto_max, str(
        report
    )
    assert report.manual_max == 7


def test_unmodified_student_notebook_does_not(built):
    out, (student,) = built
    report = edition.grade(student, student="blank", course=out / "autograder")
    assert report.auto_score == 0 < report.auto_max, str(report)


def test_hidden_tests_are_restored_when_grading(built, tmp_path):
    """A study whose design passes the public check but whose prediction is far off gets the
    design's points and not the prediction's: the hidden test ran."""
    out, (student,) = built
    nb = nbformat.read(student, as_version=4)
    source = nbformat.read(LAB, as_version=4)
    for cell, src in zip(
        (c for c in nb.cells if "nbgrader" in c.metadata),
        (c for c in source.cells if "nbgrader" in c.metadata),
    ):
        if cell.metadata["nbgrader"]["grade_id"] == "lab-ex-study-solution":
            cell.source = (
                src.source
                + "\nmy_n_opt = my_n_opt * 5  # a wrong extrapolation\n"
            )
    path = tmp_path / LAB.name
    nbformat.write(nb, path)
    report = edition.grade(path, student="wrong", course=out / "autograder")
    assert report.by_cell["lab-ex-study-design"] == "2 / 2"
    assert report.by_cell["lab-ex-study-prediction"] == "0 / 5"


# --- the solution-free site ---------------------------------------------------------------

_PAGE = """# Page

```{exercise}
:label: ex-one

Compute two plus two.
```

```{solution-start} ex-one
:class: dropdown
```
SECRET-GATED-ANSWER
```{solution-end}
```

```{solution} ex-one
SECRET-PLAIN-ANSWER
```
"""


def _build(tmp_path, hide: bool, upstream: bool = False):
    """Build a one-page project strictly (-W) in a fresh process; return its HTML."""
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "index.md").write_text(_PAGE)
    ext = ["myst_parser", "sphinx_exercise"] + (
        [] if upstream else ["student_site"]
    )
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
        f"extensions = {ext!r}\nhide_solutions = {upstream!r}\n"
        + ("" if upstream else f"course_hide_solutions = {hide!r}\n")
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "-q",
            "-E",
            "-b",
            "html",
            str(src),
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
    )
    if run.returncode:
        raise RuntimeError(run.stderr)
    return (tmp_path / "out" / "index.html").read_text()


def test_site_keeps_solutions_by_default(tmp_path):
    html = _build(tmp_path, hide=False)
    assert "SECRET-GATED-ANSWER" in html and "SECRET-PLAIN-ANSWER" in html


def test_site_without_solutions_builds_strictly(tmp_path):
    html = _build(tmp_path, hide=True)
    assert "Compute two plus two" in html
    assert "SECRET" not in html and 'class="solution' not in html


def test_upstream_hide_solutions_still_needs_the_workaround(tmp_path):
    """sphinx-exercise#89: if this stops failing, hide_solutions works upstream and
    book/_ext/student_site.py can go."""
    with pytest.raises(
        RuntimeError, match="unknown node type: <solution_end_node"
    ):
        _build(tmp_path, hide=True, upstream=True)


def test_strip_notebook_sources():
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        from student_site import strip_notebook
    finally:
        sys.path.remove(str(ROOT / "book" / "_ext"))
    nb = json.loads(LAB.read_text(encoding="utf-8"))
    text = json.dumps(strip_notebook(nb))
    sols, hidden = _solutions(nbformat.read(LAB, as_version=4))
    assert "solution-start" not in text and "HIDDEN TESTS" not in text
    assert "def vertex_log_n" not in text and "Stage 1" not in text
    assert "checks.check_vertex(vertex_log_n)" in text


@pytest.mark.site
def test_built_student_site_has_no_solutions():
    """After `make book-student`: no solution on any page, nor in any downloadable source."""
    if not STUDENT_SITE.is_dir():
        pytest.skip("the student site is not built (make book-student)")
    pages = list(STUDENT_SITE.rglob("*.html"))
    assert (STUDENT_SITE / "notebooks" / "07_scaling_lab.html").is_file()
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert 'class="solution' not in html, page
        assert "def vertex_log_n" not in html, page
    lab = (STUDENT_SITE / "notebooks" / "07_scaling_lab.html").read_text(
        encoding="utf-8"
    )
    assert lab.count('class="exercise') >= 4
    for source in (STUDENT_SITE / "_sources").rglob("*.ipynb"):
        text = source.read_text(encoding="utf-8")
        assert "solution-start" not in text and "HIDDEN TESTS" not in text, (
            source
        )


# --- chapter notebooks converted to the classroom markup -------------------------------------

CHAPTERS = [
    ROOT / "notebooks" / "00_power_laws.ipynb",
    ROOT / "notebooks" / "01_flops.ipynb",
    ROOT / "notebooks" / "04_emergence.ipynb",
    ROOT / "notebooks" / "05_inverse_scaling.ipynb",
]


@pytest.fixture(scope="module", params=CHAPTERS, ids=lambda p: p.stem)
def chapter_built(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("student-" + request.param.stem)
    (student,) = edition.build_student_edition(out, [request.param])
    return request.param, out, student


def test_chapter_is_an_assignment_without_solutions(chapter_built):
    source, _, student = chapter_built
    assert source in edition.assignments()
    sols, hidden = _solutions(nbformat.read(source, as_version=4))
    text = student.read_text(encoding="utf-8")
    assert sols
    for sol in sols:
        first_line = next(line for line in sol.splitlines() if line.strip())
        if len(first_line.strip()) > 25:
            assert first_line not in text, first_line
    assert "HIDDEN TESTS" not in text and "solution-start" not in text
    # every exercise is numbered, labelled with its kind and time, and has a check cell
    nb = nbformat.read(source, as_version=4)
    titles = [
        c.source.splitlines()[0]
        for c in nb.cells
        if c.cell_type == "markdown" and c.source.startswith("```{exercise}")
    ]
    assert titles and all(
        re.match(
            r"```\{exercise\} \d\.\d · (compute|implement|derive|"
            r"explain) · \d+ min: ",
            t,
        )
        for t in titles
    ), titles


def test_chapter_solutions_get_full_marks_and_blank_does_not(chapter_built):
    source, out, student = chapter_built
    report = edition.grade(
        source, student="solution", course=out / "autograder"
    )
    assert report.auto_max > 0 and report.auto_score == report.auto_max, str(
        report
    )
    blank = edition.grade(student, student="blank", course=out / "autograder")
    assert blank.auto_score == 0 < blank.auto_max, str(blank)
