"""Tests of the shipped data: provenance (README, licence, checksum) and the shared loaders."""

import re
from pathlib import Path

import pytest

from scaling_lib.data import (
    DATA_DIR,
    data_path,
    load_chinchilla_runs,
    load_porian_isoflops,
    load_porian_optima,
    read_table,
    sha256,
)

DATA_FILES = sorted(
    p for p in DATA_DIR.glob("*/*") if p.suffix in {".csv", ".tsv"}
)


def test_every_data_set_has_a_readme_and_is_shipped():
    folders = sorted(
        p
        for p in DATA_DIR.iterdir()
        if p.is_dir() and not p.name.startswith("_")
    )
    assert {f.name for f in folders} >= {
        "chinchilla",
        "porian2024",
        "emergence",
        "inverse_scaling",
    }
    for folder in folders:
        readme = folder / "README.md"
        assert readme.is_file(), f"{folder} has no README.md"
        text = readme.read_text()
        assert re.search(r"[Cc]ommit", text), f"{readme} names no commit"
        assert re.search(r"[Ll]icen[cs]e", text), (
            f"{readme} says nothing of the licence"
        )


@pytest.mark.parametrize(
    "path", DATA_FILES, ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_checksum_matches_readme(path: Path):
    readme = (path.parent / "README.md").read_text()
    assert sha256(path) in readme, (
        f"{path.name}: its SHA-256 is not the one in the README"
    )


def test_licence_files_are_shipped_where_the_source_has_one():
    for name in [
        "porian2024/LICENSE",
        "emergence/LICENSE-obsscaling.txt",
        "inverse_scaling/LICENSE-emergent-inabilities.txt",
    ]:
        assert (DATA_DIR / name).is_file(), name


def test_porian_loader_shape_and_units():
    df = load_porian_isoflops()
    assert len(df) == 1745
    # C = 6 N D under every counting convention (README "Files")
    assert ((6 * df.params * df.tokens / df.flops - 1).abs() < 1e-6).all()
    assert df.flops.min() == 1.25e16 and df.flops.max() == 2.56e19
    assert len(load_porian_optima()) == 177


def test_porian_filters_are_checked():
    with pytest.raises(ValueError, match="decay='cosine' is not in the data"):
        load_porian_isoflops(decay="cosine")
    with pytest.raises(
        ValueError, match="flops is not a configuration column"
    ):
        load_porian_isoflops(flops=1e17)


def test_missing_file_and_changed_columns_fail_clearly(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing"):
        load_porian_isoflops(path=tmp_path / "nope.csv")
    bad = tmp_path / "bad.csv"
    src = (
        (DATA_DIR / "porian2024" / "porian2024_isoflop_points.csv")
        .read_text()
        .splitlines()
    )
    bad.write_text(
        "\n".join([src[0].removesuffix(",loss") + ",val_loss"] + src[1:])
        + "\n"
    )
    with pytest.raises(
        ValueError, match=r"columns changed.*missing \['loss'\]"
    ):
        load_porian_isoflops(path=bad)
    short = tmp_path / "short.csv"
    short.write_text("\n".join(src[:10]) + "\n")
    with pytest.raises(ValueError, match="expected 1745 data rows, found 9"):
        load_porian_isoflops(path=short)
    with pytest.raises(ValueError, match="columns changed"):
        read_table(columns=["a"], path=short)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: load_chinchilla_runs(exclude_highest=2.0), "exclude_highest"),
        (
            lambda: load_chinchilla_runs(exclude_highest=True),
            "exclude_highest",
        ),
        (lambda: load_chinchilla_runs(exclude_highest=245), "exclude_highest"),
        (lambda: load_chinchilla_runs(path=123), "path"),
        (lambda: load_porian_isoflops(path={}), "path"),
        (lambda: load_porian_isoflops(decay=["kaplan"]), "decay"),
        (lambda: read_table("porian2024", "x.csv", columns=None), "columns"),
        (
            lambda: read_table("porian2024", "x.csv", columns=["a"], rows=2.5),
            "rows",
        ),
        (
            lambda: read_table("porian2024", "x.csv", columns=["a"], sep=3),
            "sep",
        ),
        (lambda: data_path(), "parts"),
        (lambda: data_path("..", "fitting.py"), "parts"),
        (lambda: data_path(3), "parts"),
        (lambda: sha256(None), "path"),
    ],
)
def test_bad_arguments_name_themselves(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize("where", ["README.md", "."])
def test_a_path_that_is_not_a_table_is_refused_by_name(where):
    # an existing file that is not a CSV, and a directory: both name path
    with pytest.raises(ValueError, match="path="):
        load_chinchilla_runs(path=DATA_DIR / "chinchilla" / where)
