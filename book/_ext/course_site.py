"""Site fixes for the course's Jupyter Book build.

1. Serve MathJax 3 from the built site instead of a CDN. The Python package ``django-static-mathjax`` ships MathJax 3.2.2 (Apache-2.0). This extension
copies its ``es5`` build into ``_build/html/_static/mathjax`` and points Sphinx's ``mathjax_path``
there, so equations render in a classroom with a poor connection and in offline tests.
2. Drop repeated inline scripts. sphinx-thebe 0.3.1 registers its configuration script on every
   ``env-before-read-docs`` event, which fires more than once in a Jupyter Book build; the page
   then declares ``const THEBE_JS_URL`` twice and the browser raises a SyntaxError.
3. Wait for kernel replies in short slices while notebooks execute. With ipywidgets, the
   asynchronous client of jupyter_client (as used by nbclient, hence by myst-nb) sometimes misses
   the wake-up for an ``execute_reply`` that has already arrived, and then sleeps for the whole
   cell timeout (120 s) before reading it. Polling in slices of half a second bounds that stall.
"""

from __future__ import annotations

import queue
import shutil
from pathlib import Path
from time import monotonic

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


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        attributes = getattr(script, "attributes", {})
        key = (getattr(script, "filename", None) or "", tuple(sorted(attributes.items())))
        if key not in seen:  # the same script at another priority is still the same script
            seen.add(key)
            unique.append(script)
    context["script_files"][:] = unique


def _patch_reply_polling() -> None:
    from jupyter_client.channels import AsyncZMQSocketChannel

    original = AsyncZMQSocketChannel.get_msg
    if getattr(original, "_sliced", False):
        return

    async def get_msg(self, timeout=None):
        deadline = None if timeout is None else monotonic() + timeout
        while True:
            step = 0.5 if deadline is None else max(0.0, min(0.5, deadline - monotonic()))
            try:
                return await original(self, timeout=step)
            except queue.Empty:
                if deadline is not None and monotonic() >= deadline:
                    raise

    get_msg._sliced = True
    AsyncZMQSocketChannel.get_msg = get_msg


def setup(app):
    if not (MATHJAX_ES5 / "tex-chtml.js").is_file():
        raise RuntimeError(f"MathJax not found at {MATHJAX_ES5}; install django-static-mathjax")
    _patch_reply_polling()
    app.connect("config-inited", _set_path, priority=900)
    app.connect("build-finished", _copy_mathjax)
    # early: a later handler may return a template name, which stops the event (emit_firstresult)
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
