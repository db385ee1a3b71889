"""Atomic output: write to a temporary file beside the target, then rename over it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from wfm.errors import OutputExistsError


def check_writable(path: Path, force: bool) -> None:
    """Raise `OutputExistsError` when `path` exists and `force` is False."""
    if path.exists() and not force:
        raise OutputExistsError(path)


@contextmanager
def atomic_path(path: str | Path, *, force: bool = True) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces `path` in one rename.

    On any exception the temporary file is removed and `path` (the last good output) is left untouched.
    """
    path = Path(path)
    check_writable(path, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)  # mkstemp makes owner-only files; outputs are shared with HR
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_atomic(path: str | Path, writer: Callable[[Path], object], *, force: bool = True) -> Path:
    """Call `writer(tmp_path)` and move the result to `path` atomically."""
    with atomic_path(path, force=force) as tmp:
        writer(tmp)
    return Path(path)


def write_csv(df: pd.DataFrame, path: str | Path, *, force: bool = True) -> Path:
    """Write `df` as UTF-8 CSV (no index) atomically. Text fields a spreadsheet could read as a formula (= + - @
    tab CR at the start, not a number) get a leading apostrophe, control characters are removed
    (`wfm.safe_text.escape_frame`); wfm's readers of its own CSVs undo it (`wfm.safe_text.unescape_series`)."""
    from wfm.safe_text import escape_frame

    safe = escape_frame(df)
    return write_atomic(path, lambda p: safe.to_csv(p, index=False), force=force)


def write_text(text: str, path: str | Path, *, force: bool = True) -> Path:
    """Write `text` atomically."""
    return write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"), force=force)
