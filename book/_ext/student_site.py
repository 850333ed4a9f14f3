"""A solution-free build of the site: ``COURSE_EDITION=student jupyter-book build ...``.

sphinx-exercise's own switch, ``hide_solutions = True``, cannot be used: its
``solution-start`` directive then returns nothing while ``solution-end`` still leaves a
``solution_end_node`` that no translator handles, and the build aborts with
``NotImplementedError: ... departing unknown node type: solution_end_node``
(executablebooks/sphinx-exercise#89). Gated solutions are the only kind this book uses.

This extension leaves ``hide_solutions`` off and lets sphinx-exercise merge each gated solution
into one ``solution_node`` as usual; a transform that runs right after that merge then removes
every solution node (gated or not) from the document, with all it contains (text, code cells
and their outputs). Exercises, their labels and their numbering are untouched.

A notebook page also offers its source for download (``_sources/*.ipynb``), solutions and all;
after the build, those copies lose the cells of each gated solution, and test cells lose the
lines between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` (nbgrader's markers).

The student build shares the main build's notebook execution cache. The switch is the Sphinx configuration value ``course_hide_solutions``, which defaults to true
when the environment variable ``COURSE_EDITION`` is ``student`` (Jupyter Book 1 passes no
``-D`` options to Sphinx).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from sphinx.transforms import SphinxTransform
from sphinx_exercise.nodes import solution_end_node, solution_node, solution_start_node

GATE_START, GATE_END = "```{solution-start}", "```{solution-end}"
HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?",
                    re.MULTILINE | re.DOTALL)


class RemoveSolutions(SphinxTransform):
    """Remove every solution from the doctree (after sphinx-exercise's MergeGatedSolutions,
    priority 10, has turned each gated solution into one node)."""

    default_priority = 11

    def apply(self):
        if not self.config.course_hide_solutions:
            return
        for cls in (solution_node, solution_start_node, solution_end_node):
            for node in list(self.document.findall(cls)):
                node.parent.remove(node)


def strip_notebook(nb: dict) -> dict:
    """A notebook (as JSON) without the cells of its gated solutions and without hidden tests."""
    cells, inside = [], False
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown" and source.lstrip().startswith(GATE_START):
            inside = True
            continue
        if cell["cell_type"] == "markdown" and source.lstrip().startswith(GATE_END):
            inside = False
            continue
        if inside:
            continue
        if cell["cell_type"] == "code" and HIDDEN.search(source):
            cell = dict(cell, source=HIDDEN.sub("", source), outputs=[])
        cells.append(cell)
    return dict(nb, cells=cells)


def _strip_sources(app, exception):
    if exception is not None or not app.config.course_hide_solutions:
        return
    for path in Path(app.outdir, "_sources").rglob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(strip_notebook(nb), indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")


def _share_execution_cache(app, config):
    """The student build goes to another output folder; let it reuse the main build's
    execution cache (same notebooks, same outputs) instead of running every notebook again."""
    if (config.course_hide_solutions and "nb_execution_cache_path" in config
            and not config.nb_execution_cache_path):
        config.nb_execution_cache_path = str(Path(app.srcdir, "_build", ".jupyter_cache"))


def setup(app):
    app.setup_extension("sphinx_exercise")
    app.add_config_value("course_hide_solutions",
                         os.environ.get("COURSE_EDITION", "") == "student", "env")
    app.add_transform(RemoveSolutions)
    app.connect("config-inited", _share_execution_cache)
    app.connect("build-finished", _strip_sources)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
