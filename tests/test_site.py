"""Checks of the built HTML site (`make book` builds it into _build/html)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

pytestmark = pytest.mark.site


def toc_files(root: Path) -> list[str]:
    """Every document named in _toc.yml (root, chapters and sections, at any depth)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    found = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return found


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)


def test_toc_has_every_chapter_notebook(root):
    files = toc_files(root)
    notebooks = sorted(p.stem for p in (root / "notebooks").glob("*.ipynb"))
    assert notebooks, "no notebooks found"
    for stem in notebooks:
        assert f"notebooks/{stem}" in files, (
            f"notebooks/{stem}.ipynb is not in _toc.yml"
        )


def test_every_toc_page_is_built(root, site):
    for doc in toc_files(root):
        assert (site / f"{doc}.html").is_file(), (
            f"{doc} is in _toc.yml but {doc}.html was not built"
        )


def _targets(site: Path) -> dict[Path, set[str]]:
    ids = {}
    for page in html_pages(site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        ids[page.resolve()] = {tag["id"] for tag in soup.find_all(id=True)}
    return ids


def test_no_broken_internal_links(site):
    ids = _targets(site)
    broken = []
    for page in html_pages(site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        refs = [(a.get("href"), "a") for a in soup.find_all("a", href=True)]
        refs += [
            (t.get("src"), t.name)
            for t in soup.find_all(["img", "script"], src=True)
        ]
        refs += [
            (t.get("href"), "link") for t in soup.find_all("link", href=True)
        ]
        for ref, kind in refs:
            parts = urlsplit(ref)
            if (
                parts.scheme
                or ref.startswith("//")
                or ref.startswith("mailto:")
            ):
                continue
            target = (
                (page.parent / unquote(parts.path)).resolve()
                if parts.path
                else page.resolve()
            )
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(
                    f"{page.relative_to(site)}: {kind} -> {ref} (no file)"
                )
            elif parts.fragment and target.suffix == ".html" and kind == "a":
                if parts.fragment not in ids.get(target, set()):
                    broken.append(
                        f"{page.relative_to(site)}: {ref} (no such anchor)"
                    )
    assert not broken, "broken internal links:\n" + "\n".join(broken)


def test_math_is_served_locally(site):
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert (
        site / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
    ).is_dir()
    for page in html_pages(site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for script in soup.find_all("script", src=True):
            if "mathjax" in script["src"].lower():
                assert not urlsplit(script["src"]).scheme, (
                    f"{page.name} loads MathJax from {script['src']}"
                )


def test_notebook_pages_have_figures_and_no_errors(root, site):
    for nb in sorted((root / "notebooks").glob("*.ipynb")):
        page = site / "notebooks" / f"{nb.stem}.html"
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        images = [
            img for img in soup.select(".cell_output img") if img.get("src")
        ]
        assert images, f"{page.name} shows no figure"
        text = soup.get_text()
        assert "Traceback (most recent call last)" not in text, (
            f"{page.name} shows a traceback"
        )
        assert not soup.select(".output.error, .output.traceback"), (
            f"{page.name} has an error output"
        )


def test_exercises_have_solutions(root, site):
    for nb in sorted((root / "notebooks").glob("*.ipynb")):
        soup = BeautifulSoup(
            (site / "notebooks" / f"{nb.stem}.html").read_text(
                encoding="utf-8"
            ),
            "html.parser",
        )
        exercises = soup.select("div.exercise")
        solutions = soup.select("div.solution")
        assert len(exercises) >= 2, f"{nb.stem}: fewer than two exercises"
        assert len(solutions) >= len(exercises), (
            f"{nb.stem}: an exercise has no solution"
        )


def test_launch_and_download_buttons(site):
    html = (site / "notebooks" / "00_power_laws.html").read_text(
        encoding="utf-8"
    )
    assert "mybinder.org" in html, "no Binder launch button"
    assert "thebe" in html.lower(), "no live-code (Thebe) button"
    assert "00_power_laws.ipynb" in html, "no .ipynb download"
    assert (site / "_sources" / "notebooks" / "00_power_laws.ipynb").is_file()


# -- figures: alt text, and every page with figures shows one -------------------------------

IMAGE_FILE = re.compile(r"\.(png|jpe?g|svg|gif|webp)$", re.IGNORECASE)


def content(soup: BeautifulSoup):
    """The page's article (the theme's logo and icons are not figures of the course)."""
    return (
        soup.select_one("article.bd-article")
        or soup.select_one("main")
        or soup
    )


def alt_problem(img) -> str | None:
    """Why an image's alt text does not say what it shows, or None when it does."""
    alt = (img.get("alt") or "").strip()
    src = img.get("src", "")
    if not alt:
        return "no alt text"
    if alt == src or Path(unquote(src)).name in alt or IMAGE_FILE.search(alt):
        return "alt is its file name"
    if "/" in alt and " " not in alt:
        return f"alt is a path ({alt!r})"
    if len(alt.split()) < 3:
        return f"alt text too short to say what the figure shows ({alt!r})"
    return None


def built_toc_pages(root: Path, site: Path):
    """(document, built page) for each page of the toc that was built (a missing one is
    test_every_toc_page_is_built's failure, not every test's)."""
    return [
        (doc, site / f"{doc}.html")
        for doc in toc_files(root)
        if (site / f"{doc}.html").is_file()
    ]


def test_every_figure_has_alt_text(root, site):
    offenders = []
    for doc, page in built_toc_pages(root, site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        images = content(soup).find_all("img")
        for number, img in enumerate(images, 1):
            problem = alt_problem(img)
            if problem:
                offenders.append(
                    f"{doc}: figure {number} of {len(images)} "
                    f"({Path(unquote(img.get('src', ''))).name[:12]}...): {problem}"
                )
    assert not offenders, (
        f"{len(offenders)} figures without alt text that says what they show:\n"
        + "\n".join(offenders)
    )


FIGURE_IN_MARKDOWN = re.compile(
    r"^(```|:::)\{(glue:figure|figure|image)\}|!\[[^\]]*\]\(", re.MULTILINE
)
HIDDEN = {"remove-cell", "remove-output", "remove_cell", "remove_output"}


def source_has_figures(path: Path) -> bool:
    """Whether a page's source shows a figure: a figure/image/glue:figure directive or a
    Markdown image in prose; a displayed image output in a notebook (glued outputs, which myst-nb
    stores under application/papermill.record/..., and removed outputs do not count)."""
    if path.suffix == ".md":
        return bool(
            FIGURE_IN_MARKDOWN.search(path.read_text(encoding="utf-8"))
        )
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            if FIGURE_IN_MARKDOWN.search("".join(cell["source"])):
                return True
            continue
        if HIDDEN & set(cell.get("metadata", {}).get("tags", [])):
            continue
        for output in cell.get("outputs", []):
            if any(key.startswith("image/") for key in output.get("data", {})):
                return True
    return False


def test_pages_with_figures_show_them(root, site):
    missing = []
    for doc, page in built_toc_pages(root, site):
        source = next(
            (
                root / f"{doc}{ext}"
                for ext in (".md", ".ipynb")
                if (root / f"{doc}{ext}").is_file()
            ),
            None,
        )
        if source is None or not source_has_figures(source):
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        if not [
            img for img in content(soup).find_all("img") if img.get("src")
        ]:
            missing.append(
                f"{doc}: its source has figures, the page shows none"
            )
    assert not missing, "\n".join(missing)
