"""Reading the shipped data files with checks, so that a missing file or a changed column
fails loudly with a message that says what was expected."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from .._validation import as_int, as_path

DATA_DIR = Path(__file__).resolve().parent

__all__ = ["DATA_DIR", "data_path", "read_table", "sha256"]


def _check_parts(parts) -> tuple[str, ...]:
    if not parts or not all(isinstance(p, str) and p for p in parts):
        raise ValueError(
            f"parts must be one or more non-empty str (folder, file name), got "
            f"parts={parts!r}"
        )
    if any(p in ("..", ".") or "/" in p or "\\" in p for p in parts):
        raise ValueError(
            f"parts must name a file below scaling_lib/data, one folder per part "
            f"and no '..', got parts={parts!r}"
        )
    return parts


def data_path(*parts: str) -> Path:
    """Path of a shipped data file; ``FileNotFoundError`` naming it if it is absent.

    ``parts`` are non-empty strings, one per folder level below ``scaling_lib/data``
    (``ValueError`` naming ``parts`` otherwise)."""
    path = DATA_DIR.joinpath(*_check_parts(parts))
    if not path.is_file():
        raise FileNotFoundError(
            f"data file {path} is missing; it ships with scaling_lib (see its README in "
            f"{path.parent}); reinstall the package or restore the file"
        )
    return path


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file, to compare with the checksum in the data set's README.

    ``ValueError`` naming ``path`` if it is not a path; ``FileNotFoundError`` if it is absent."""
    path = as_path(path, "path")
    if not path.is_file():
        raise FileNotFoundError(f"path {path} is not a file")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_table(
    *parts: str,
    columns: list[str],
    rows: int | None = None,
    sep: str = ",",
    path: Path | None = None,
) -> pd.DataFrame:
    """Read a CSV/TSV and check its header and row count.

    Parameters
    ----------
    *parts : str
        Path of the file below ``scaling_lib/data``.
    columns : list of str
        The exact, ordered header the file must have.
    rows : int, optional
        The number of data rows the file must have.
    sep : str
        Field separator.
    path : Path, optional
        Read this file instead (used by tests to feed a malformed copy).

    Raises
    ------
    FileNotFoundError
        If the file is absent.
    ValueError
        If the header differs from ``columns`` or the row count from ``rows``, or an argument
        has the wrong kind (the message names it).
    """
    if (
        isinstance(columns, (str, bytes))
        or not isinstance(columns, (list, tuple))
        or not columns
        or not all(isinstance(c, str) for c in columns)
    ):
        raise ValueError(
            f"columns must be a non-empty list of str, got columns={columns!r}"
        )
    if rows is not None:
        rows = as_int(rows, "rows", minimum=0)
    if sep not in (",", "\t", ";", "|"):
        raise ValueError(
            f"sep must be one of [',', '\\t', ';', '|'], got sep={sep!r}"
        )
    path = as_path(path, "path") if path is not None else data_path(*parts)
    if path.is_dir():
        raise ValueError(
            f"path must be a data file, got the directory path={str(path)!r}"
        )
    if not path.is_file():
        raise FileNotFoundError(
            f"data file {path} is missing (path={str(path)!r})"
        )
    try:
        frame = pd.read_csv(path, sep=sep)
    except (
        ValueError,
        UnicodeDecodeError,
    ) as exc:  # ParserError is a ValueError
        raise ValueError(
            f"path={str(path)!r} cannot be read as a table with sep={sep!r}: {exc}"
        ) from None
    found = list(frame.columns)
    if found != list(columns):
        missing = [c for c in columns if c not in found]
        extra = [c for c in found if c not in columns]
        raise ValueError(
            f"path={str(path)!r}: columns changed; expected columns={list(columns)}, "
            f"found {found} "
            f"(missing {missing}, unexpected {extra}; is sep={sep!r} right?)"
        )
    if rows is not None and len(frame) != rows:
        raise ValueError(
            f"path={str(path)!r}: expected {rows} data rows, found {len(frame)}"
        )
    return frame
