"""Alt text for figures glued from another document.

myst-nb 1.x renders a cross-document ``{glue}`` (``:doc:`` option) as a bare image: the
``:alt:`` option exists only on ``{glue:figure}``, which cannot glue from another document. The
alt text of a figure is therefore kept where the figure is made, in the notebook cell's metadata
(``"mystnb": {"image": {"alt": "..."}}``, which myst-nb uses on the notebook page), and this
post-transform gives the same alt text to the glued copy on the prose page. Both copies are the
same PNG, and myst-nb names an image file by the SHA-256 of its bytes, so the file name finds
the cell.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

_GLUED_PNG = "application/papermill.record/image/png"


def _alt_by_hash(notebooks: Path) -> dict[str, str]:
    """SHA-256 of every glued PNG whose cell has alt text -> that alt text."""
    found = {}
    for path in sorted(notebooks.glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        for cell in cells:
            alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")
            if not alt:
                continue
            for output in cell.get("outputs", []):
                png = output.get("data", {}).get(_GLUED_PNG)
                if png:
                    data = "".join(png) if isinstance(png, list) else png
                    found[hashlib.sha256(base64.b64decode(data)).hexdigest()] = alt
    return found


class GluedFigureAlt(SphinxPostTransform):
    """Set the alt text of glued images that have none (after myst-nb resolves the glue)."""

    default_priority = 900

    def run(self, **kwargs) -> None:
        table = getattr(self.env, "_glued_alt", None)
        if table is None:
            table = _alt_by_hash(Path(self.env.srcdir) / "notebooks")
            self.env._glued_alt = table
        for image in self.document.findall(nodes.image):
            if image.get("alt"):
                continue
            alt = table.get(Path(image.get("uri", "")).stem)
            if alt:
                image["alt"] = alt


def setup(app):
    app.add_post_transform(GluedFigureAlt)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
