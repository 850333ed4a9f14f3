"""Serve MathJax 3 from the built site instead of a CDN.

The Python package ``django-static-mathjax`` ships MathJax 3.2.2 (Apache-2.0). This extension
copies its ``es5`` build into ``_build/html/_static/mathjax`` and points Sphinx's ``mathjax_path``
there, so equations render in a classroom with a poor connection and in offline tests.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import mathjax  # the django-static-mathjax distribution

MATHJAX_ES5 = Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5"
# Only what tex-chtml needs at run time: the combined component and its fonts, plus the
# lazily loaded accessibility/menu extensions, keeping the site small.
_KEEP = ("tex-chtml.js", "output/chtml/fonts/woff-v2", "a11y", "ui", "input/tex/extensions",
         "sre")


def _copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    for rel in _KEEP:
        src = MATHJAX_ES5 / rel
        dst = target / rel
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        elif src.is_file():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def _set_path(app, config):
    config.mathjax_path = "mathjax/tex-chtml.js"


def setup(app):
    if not (MATHJAX_ES5 / "tex-chtml.js").is_file():
        raise RuntimeError(f"MathJax not found at {MATHJAX_ES5}; install django-static-mathjax")
    app.connect("config-inited", _set_path, priority=900)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
