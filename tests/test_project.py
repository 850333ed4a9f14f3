"""The project stays installable: Binder uses the same pins, every pin is exact."""

import re


def _pins(path):
    lines = [ln.split("#")[0].strip() for ln in path.read_text().splitlines()]
    return sorted(ln for ln in lines if ln)


def test_binder_uses_the_same_pins(root):
    assert _pins(root / "binder" / "requirements.txt") == _pins(
        root / "requirements.txt"
    ), "binder/requirements.txt differs from requirements.txt: copy it over"
    assert (
        root / "binder" / "runtime.txt"
    ).read_text().strip() == "python-3.11"


def test_every_requirement_is_pinned(root):
    for pin in _pins(root / "requirements.txt"):
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", pin), (
            f"not an exact pin: {pin}"
        )
    direct = {
        p.split("==")[0].lower() for p in _pins(root / "requirements.in")
    }
    locked = {
        p.split("==")[0].lower() for p in _pins(root / "requirements.txt")
    }
    assert direct <= locked, (
        f"in requirements.in but not locked: {direct - locked}"
    )


def test_committed_notebooks_are_executed(root):
    import nbformat

    for path in sorted((root / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = [
            c for c in nb.cells if c.cell_type == "code" and c.source.strip()
        ]
        assert code, f"{path.name} has no code"
        assert all(c.execution_count for c in code), (
            f"{path.name} has cells that were not run"
        )
        assert nb.metadata.get("kernelspec", {}).get("name") == "python3", (
            path.name
        )
