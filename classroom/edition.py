"""The student edition of the course's notebooks and their autograding, with nbgrader.

The notebooks in ``notebooks/`` are the *instructor source*: every exercise carries its solution
(between the sphinx-exercise gates ``{solution-start}`` and ``{solution-end}``, shown collapsed on
the site) and its tests, marked with nbgrader cell metadata:

* a solution cell has ``metadata.nbgrader.solution = true``; nbgrader replaces the whole cell
  with a stub (code) or "YOUR ANSWER HERE" (Markdown), so no marker appears in the code the site
  shows; a written answer also has ``grade = true`` and ``points`` (graded by hand);
* a test cell has ``grade = true``, ``locked = true`` and ``points``, and the tag ``remove-cell``
  so the site does not show it; lines between ``### BEGIN HIDDEN TESTS`` and
  ``### END HIDDEN TESTS`` are removed from the student's copy and restored when grading.

``build_student_edition`` turns every notebook that has such cells into an nbgrader assignment,
lets nbgrader write the student version (no solutions, no hidden tests, no outputs), drops the
solution gates that would be empty there, and writes::

    _build/student/notebooks/*.ipynb      the student edition
    _build/student/student-edition.zip    the same, to hand out
    _build/student/autograder/            nbgrader course directory: source notebooks and the
                                          gradebook with the hidden tests (instructors only)
    _build/student/autograder.zip         the same, to move to a grading machine or a hub

``grade`` grades one submitted notebook locally (nbgrader autograde: the notebook is executed
in the current environment, offline, without Docker). Command line::

    python -m classroom.edition student
    python -m classroom.edition grade SUBMISSION.ipynb [--student ID]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CONFIG = Path(__file__).resolve().parent / "nbgrader_config.py"
GATES = ("```{solution-start}", "```{solution-end}")


def is_assignment(notebook: Path) -> bool:
    """Whether ``notebook`` has nbgrader cells (solutions or tests)."""
    nb = nbformat.read(notebook, as_version=4)
    return any("nbgrader" in cell.metadata for cell in nb.cells)


def assignments(notebooks_dir: Path = ROOT / "notebooks") -> list[Path]:
    """The notebooks that are assignments, by name."""
    return sorted(p for p in notebooks_dir.glob("*.ipynb") if is_assignment(p))


def _nbgrader(course: Path, *args: str) -> None:
    # nbgrader runs the `alembic` command of its environment: put that environment on PATH
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join(
        [str(Path(sys.executable).parent), env.get("PATH", "")]
    )
    subprocess.run(
        [sys.executable, "-m", "nbgrader", *args, "--quiet"],
        cwd=course,
        check=True,
        env=env,
    )


def strip_gates(notebook: Path) -> None:
    """Drop the Markdown cells that only open or close a solution (empty without it)."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [
        c
        for c in nb.cells
        if not (
            c.cell_type == "markdown" and c.source.lstrip().startswith(GATES)
        )
    ]
    nbformat.write(nb, notebook)


def _zip(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder.parent))


def build_student_edition(
    out: Path = ROOT / "_build" / "student",
    notebooks: list[Path] | None = None,
) -> list[Path]:
    """Write the student edition and the autograder bundle into ``out``; return the student
    notebooks."""
    notebooks = (
        assignments() if notebooks is None else [Path(p) for p in notebooks]
    )
    if not notebooks:
        raise ValueError("notebooks: no notebook has nbgrader cells")
    if out.exists():
        shutil.rmtree(out)
    course = out / "autograder"
    (out / "notebooks").mkdir(parents=True)
    course.mkdir()
    shutil.copy(CONFIG, course / "nbgrader_config.py")
    written = []
    for nb in notebooks:
        name = nb.stem
        (course / "source" / name).mkdir(parents=True)
        shutil.copy(nb, course / "source" / name / nb.name)
        _nbgrader(course, "generate_assignment", name, "--force")
        student = out / "notebooks" / nb.name
        shutil.copy(course / "release" / name / nb.name, student)
        strip_gates(student)
        written.append(student)
    shutil.rmtree(course / "release")
    _zip(out / "notebooks", out / "student-edition.zip")
    _zip(course, out / "autograder.zip")
    return written


@dataclass(frozen=True)
class GradeReport:
    """Points of one graded submission."""

    assignment: str
    student: str
    auto_score: float
    auto_max: float
    manual_max: float
    by_cell: dict

    def __str__(self) -> str:
        lines = [
            f"{self.assignment}, {self.student}: {self.auto_score:g} / {self.auto_max:g} "
            f"points graded automatically; {self.manual_max:g} more to grade by hand"
        ]
        lines += [f"  {k}: {v}" for k, v in self.by_cell.items()]
        return "\n".join(lines)


def grade(
    submission: Path, *, student: str = "student", course: Path | None = None
) -> GradeReport:
    """Grade one submitted notebook against the autograder bundle (a copy is used, so the
    bundle is left as it was). The submission's file name must be that of the assignment."""
    submission = Path(submission)
    course = (
        ROOT / "_build" / "student" / "autograder"
        if course is None
        else Path(course)
    )
    name = submission.stem
    if not (course / "source" / name).is_dir():
        raise ValueError(
            f"submission: no assignment {name!r} in {course} (run make student)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "course"
        shutil.copytree(course, work)
        target = work / "submitted" / student / name
        target.mkdir(parents=True)
        shutil.copy(submission, target / submission.name)
        _nbgrader(work, "autograde", name, "--student", student, "--force")
        return _report(work, name, student)


def _report(course: Path, name: str, student: str) -> GradeReport:
    import warnings

    from nbgrader.api import Gradebook

    warnings.filterwarnings(
        "ignore", message=".*not in session.*"
    )  # nbgrader's own SQLAlchemy use
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission(name, student)
        auto, auto_max, manual_max, cells = 0.0, 0.0, 0.0, {}
        for nb in sub.notebooks:
            for g in nb.grades:
                if g.cell.cell_type == "code" and g.auto_score is not None:
                    auto += g.auto_score
                    auto_max += g.max_score
                    cells[g.name] = f"{g.auto_score:g} / {g.max_score:g}"
                else:
                    manual_max += g.max_score
                    cells[g.name] = (
                        f"to grade by hand ({g.max_score:g} points)"
                    )
    return GradeReport(name, student, auto, auto_max, manual_max, cells)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m classroom.edition",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "student", help="write the student edition and the autograder bundle"
    )
    g = sub.add_parser("grade", help="grade a submitted notebook")
    g.add_argument("submission", type=Path)
    g.add_argument("--student", default="student")
    g.add_argument(
        "--json", action="store_true", help="print the result as JSON"
    )
    args = parser.parse_args(argv)
    if args.command == "student":
        for path in build_student_edition():
            print(f"wrote {path.relative_to(ROOT)}")
        print(
            "wrote _build/student/student-edition.zip and _build/student/autograder.zip"
        )
        return 0
    report = grade(args.submission, student=args.student)
    print(json.dumps(report.__dict__, indent=1) if args.json else report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
