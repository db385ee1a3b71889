"""Safe output: nothing is lost, nothing is half-written, nothing is overwritten without `--force`.

How a file (or a group of files that belong together, e.g. the forecast's CSV + XLSX) is written:

1. Every file is written to a temporary file beside its target, named `.NAME.wfm-tmp-<host>-<pid>-<random>`,
   and flushed to disk (fsync). A failure here (disk full, permission, read-only folder, a bug in the writer)
   removes the temporaries and leaves every previous output untouched; OS errors become `OutputError`
   (exit 2, the path and the reason, no traceback).
2. For a group, a journal `.NAME.wfm-group-<host>-<pid>-<random>.json` listing the temporary -> final moves is
   written (atomically) once all temporaries are complete.
3. The temporaries are put in place in the group's order. Without `--force` with an exclusive operation
   (`os.link(tmp, final)`, which fails when `final` exists; where hard links are not supported, an
   `O_CREAT | O_EXCL` reservation of `final` followed by a rename), so of two concurrent writers exactly one
   succeeds and the other gets `OutputExistsError` ("exists; pass --force"); a group placed so far is then
   taken back. With `--force`, `os.replace` (atomic per file).
4. The journal is removed.

A group may also remove a file (an item whose writer is None: an output this run does not write, e.g. the
forecast's XLSX under `--no-xlsx`, which would otherwise stay beside the new CSV and disagree with it). With
`--force` it is removed in its place in the group's order (and by the roll-forward below); without `--force`
it must not exist, like any other output.

A process killed during step 3 leaves the journal: the next wfm write into (or check of) that folder finishes
the moves (roll forward), so a pair never stays mismatched. Temporaries and journals whose writer is gone (same
host and the process is dead, or older than `STALE_AFTER_S`) are removed then too.
"""

from __future__ import annotations

import errno
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pandas as pd

from wfm.atomic_steps import (TMP_TAG, OutputError, consumed, fsync_dir, host_tag, make_temp, os_error,
                              owner_tag, place_exclusive, reason, refuse_non_regular, remove_quietly, run_writer,
                              temp_path)
from wfm.errors import OutputExistsError

GROUP_TAG = ".wfm-group-"
STALE_AFTER_S = 3600.0  # a temporary of another host (or of a live pid, after a day) is stale after this
PROBE_BYTES = 16 * 1024

_OWNER = re.compile(r"-(?P<host>[0-9a-f]{6})-(?P<pid>\d+)-[0-9a-f]+(?:\.json)?\Z")


# ---------------------------------------------------------------------------------------------------- stale files

def _pid_alive(pid: int) -> bool | None:
    """True/False on POSIX; None where it cannot be told safely (Windows: os.kill would end the process)."""
    if sys.platform.startswith("win"):
        return None
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return None
    return True


def _is_stale(name: str, mtime: float, now: float) -> bool:
    m = _OWNER.search(name)
    age = now - mtime
    if m is None:
        return age > STALE_AFTER_S
    if m["host"] == host_tag():
        alive = _pid_alive(int(m["pid"]))
        if alive is False:
            return True
        if alive is True:
            return age > 24 * STALE_AFTER_S  # a reused pid
    return age > STALE_AFTER_S


def _recover_journal(journal: Path) -> None:
    """Finish the moves of a group whose writer was killed while placing it (roll forward)."""
    try:
        spec = json.loads(journal.read_text(encoding="utf-8"))
        moves = [(journal.parent / (t or ""), journal.parent / f) for t, f in spec["moves"]]
        exclusive = bool(spec.get("exclusive"))
    except (OSError, ValueError, KeyError, TypeError):
        moves, exclusive = [], False
    for tmp, final in moves:
        if tmp == journal.parent:  # a removal (no temporary): only ever journalled with --force
            if not exclusive:
                remove_quietly(final)
            continue
        if not os.path.lexists(tmp):
            continue
        try:
            if exclusive:
                try:
                    os.link(tmp, final)
                except FileExistsError:
                    pass
            else:
                os.replace(tmp, final)
        except OSError:
            pass
        remove_quietly(tmp)
    remove_quietly(journal)


def _legacy_temp(name: str, targets: Sequence[Path]) -> bool:
    """A temporary of an older wfm (`tempfile.mkstemp`: `.STEM.xxxxxxxx.SUFFIX.tmp`) for one of `targets`."""
    return any(re.fullmatch(rf"\.{re.escape(t.stem)}\.[a-z0-9_]{{8}}{re.escape(t.suffix)}\.tmp", name)
               for t in targets)


def clean_folder(folder: str | Path, targets: Sequence[Path] = ()) -> None:
    """Finish groups whose writer was killed, then remove stale wfm temporaries in `folder` (and those of an
    older wfm for `targets`); best effort, errors are ignored."""
    folder = Path(folder)
    now = time.time()
    try:
        entries = [e for e in os.scandir(folder) if e.name.startswith(".")]
    except OSError:
        return
    for e in entries:
        if GROUP_TAG in e.name and e.name.endswith(".json"):
            try:
                if _is_stale(e.name, e.stat(follow_symlinks=False).st_mtime, now):
                    _recover_journal(Path(e.path))
            except OSError:
                pass
    for e in entries:
        try:
            if TMP_TAG in e.name or (_legacy_temp(e.name, targets) and e.is_file(follow_symlinks=False)):
                if os.path.lexists(e.path) and _is_stale(e.name, e.stat(follow_symlinks=False).st_mtime, now):
                    remove_quietly(Path(e.path))
        except OSError:
            pass




def check_writable(path: str | Path, force: bool) -> None:
    """Fail fast, before any long computation: `OutputExistsError` when `path` exists and `force` is False;
    `OutputError` when it is a folder, or its folder cannot be created or written (a probe file is written,
    flushed and removed in the folder, or in the nearest existing parent folder when it does not exist yet)."""
    path = Path(path)
    refuse_non_regular(path)
    folder = path.parent if str(path.parent) else Path(".")
    if folder.is_dir():
        clean_folder(folder, [path])
    if os.path.lexists(path) and not force:
        raise OutputExistsError(path)
    probe_in = folder
    while not probe_in.exists():
        if probe_in.parent == probe_in:
            break
        probe_in = probe_in.parent
    if not probe_in.is_dir():
        raise OutputError(f"cannot write {path}: {probe_in} is not a folder")
    probe = probe_in / f".{path.name}{TMP_TAG}{owner_tag()}"
    try:
        fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        try:
            os.write(fd, b"\0" * PROBE_BYTES)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {probe_in}: {reason(exc)}") from None
    finally:
        remove_quietly(probe)



# ------------------------------------------------------------------------------------------------------- writing

def write_group(items: Sequence[tuple[str | Path, Callable[[Path], object] | None]], *,
                force: bool = False) -> list[Path]:
    """Write several files that belong together (all in one folder): every `writer(tmp)` first, then all are put
    in place in the given order (see the module docstring). Either all new files are in place or, on an error
    before placing, none is and the previous ones are untouched. A writer None removes that file as part of the
    group (with `force`; without it the file must not exist)."""
    targets = _check_group([Path(p) for p, _ in items], force)
    if not targets:
        return []
    group = _Group(targets, force)
    try:
        group.write_temps([writer for _, writer in items])
        group.write_journal()
        group.place()
    except OSError as exc:
        group.fail(exc)
    finally:
        group.clean_up()
    return targets


def _check_group(targets: list[Path], force: bool) -> list[Path]:
    """The targets of a group, after the checks made before anything is written (one folder, distinct names,
    the folder created and cleaned, no existing output replaced without `force`)."""
    if not targets:
        return []
    folder = targets[0].parent
    if any(t.parent != folder for t in targets):
        raise ValueError("write_group: every file of a group must be in one folder")
    keys = [os.path.normcase(t.name).casefold() for t in targets]
    if len(set(keys)) != len(keys):
        dup = next(t for t, k in zip(targets, keys) if keys.count(k) > 1)
        raise OutputError(f"cannot write {dup}: two outputs of one run would share this file name")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise os_error("create the folder", folder, exc) from None
    clean_folder(folder, targets)
    for t in targets:
        refuse_non_regular(t)
        if not force and os.path.lexists(t):
            raise OutputExistsError(t)
    return targets


class _Group:
    """The state of one `write_group` run: temporaries written, journal, files placed so far."""

    def __init__(self, targets: list[Path], force: bool) -> None:
        self.targets, self.force = targets, force
        self.folder = targets[0].parent
        self.temps: list[Path | None] = []  # None: a file the group removes
        self.journal: Path | None = None
        self.placed: list[tuple[Path, Path, bool]] = []  # (tmp, final, tmp still there) of exclusive placements
        self.replaced = 0  # files put in place with --force
        self.done = False
        self.current = targets[0]

    def write_temps(self, writers: list[Callable[[Path], object] | None]) -> None:
        """Step 1: every writer to a temporary beside its target, flushed to disk."""
        for writer, t in zip(writers, self.targets):
            self.current = t
            if writer is None:
                self.temps.append(None)
                continue
            try:
                tmp = make_temp(t)
            except OSError as exc:
                raise os_error("write", t, exc) from None
            self.temps.append(tmp)
            run_writer(writer, tmp, t)

    def write_journal(self) -> None:
        """Step 2 (groups of more than one file): the journal of the moves, written atomically."""
        if len(self.targets) < 2:
            return
        journal = self.folder / f".{self.targets[0].name}{GROUP_TAG}{owner_tag()}.json"
        self.journal = journal
        spec = {"exclusive": not self.force,
                "moves": [[tmp.name if tmp else None, t.name] for tmp, t in zip(self.temps, self.targets)]}
        jtmp = temp_path(journal)
        try:
            with open(jtmp, "w", encoding="utf-8") as fh:
                json.dump(spec, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(jtmp, journal)
            fsync_dir(self.folder)
        except OSError as exc:
            remove_quietly(jtmp)
            self.journal = None
            raise os_error("write", self.targets[0], exc) from None

    def place(self) -> None:
        """Steps 3 and 4: the temporaries put in place in order (exclusively without --force), journal removed."""
        for tmp, t in zip(self.temps, self.targets):
            self.current = t
            if tmp is None:
                if self.force:
                    _unlink_if_there(t)
                    self.replaced += 1
                elif os.path.lexists(t):
                    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(t))
            elif self.force:
                self.replaced += 1  # counted before: an interrupt may land just after the rename
                os.replace(tmp, t)
            else:
                self.placed.append((tmp, t, place_exclusive(tmp, t)))
        for tmp, _, still in self.placed:
            if still:
                remove_quietly(tmp)
        fsync_dir(self.folder)
        if self.journal is not None:
            remove_quietly(self.journal)
        self.done = True

    def _partly_replaced(self) -> bool:
        return any(consumed(tmp) for tmp in self.temps[:self.replaced])

    def fail(self, exc: OSError) -> NoReturn:
        """Take back what this run placed so far (those files did not exist) and raise the error as wfm's."""
        for tmp, t, still in self.placed:
            try:
                if not still or os.path.samefile(tmp, t):
                    remove_quietly(t)
            except OSError:
                pass
        self.placed.clear()
        if isinstance(exc, FileExistsError) and not self.force:
            raise OutputExistsError(self.current) from None
        if self.journal is not None and self._partly_replaced():
            # Some files are replaced, some not: keep the journal and the temporaries so that the next run
            # in this folder finishes the group rather than leaving it mismatched.
            self.done = True
            raise OutputError(f"cannot write {self.current}: {reason(exc)}; the other files of this output are "
                              f"kept and put in place by the next wfm run writing to {self.folder}") from None
        raise os_error("write", self.current, exc) from None

    def clean_up(self) -> None:
        """After success or failure: the temporaries and journal of an unfinished group are removed, unless it
        was interrupted while placing (Ctrl-C): then the journal lets the next run finish the group."""
        if self.done:
            return
        if self.journal is not None and (self.placed or self._partly_replaced()):
            return
        for tmp in self.temps:
            if tmp is not None:
                remove_quietly(tmp)
        if self.journal is not None:
            remove_quietly(self.journal)


def _unlink_if_there(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def write_atomic(path: str | Path, writer: Callable[[Path], object], *, force: bool = True) -> Path:
    """Call `writer(tmp_path)` and put the result at `path` atomically (exclusively when `force` is False)."""
    return write_group([(path, writer)], force=force)[0]


@contextmanager
def atomic_path(path: str | Path, *, force: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it is put at `path` (as `write_atomic` does). On any
    exception the temporary file is removed and `path` (the last good output) is left untouched."""
    path = Path(path)
    if os.path.lexists(path) and not force:
        raise OutputExistsError(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = make_temp(path)
    except OSError as exc:
        raise os_error("write", path, exc) from None
    try:
        yield tmp
        write_group([(path, lambda p: os.replace(tmp, p))], force=force)
    finally:
        remove_quietly(tmp)


def csv_writer(df: pd.DataFrame, *, sep: str = ",") -> Callable[[Path], None]:
    """A writer of `df` as UTF-8 CSV (no index) with text a spreadsheet could read as a formula escaped."""
    from wfm.safe_text import escape_frame

    safe = escape_frame(df)
    return lambda p: safe.to_csv(p, index=False, sep=sep)


def text_writer(text: str) -> Callable[[Path], None]:
    """A writer of `text` as UTF-8, line endings as given."""
    def write(p: Path) -> None:
        with open(p, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    return write


def write_csv(df: pd.DataFrame, path: str | Path, *, force: bool = True) -> Path:
    """Write `df` as UTF-8 CSV (no index) atomically. Text fields a spreadsheet could read as a formula (= + - @
    tab CR at the start, not a number) get a leading apostrophe, control characters are removed
    (`wfm.safe_text.escape_frame`); wfm's readers of its own CSVs undo it (`wfm.safe_text.unescape_series`)."""
    return write_atomic(path, csv_writer(df), force=force)


def write_text(text: str, path: str | Path, *, force: bool = True) -> Path:
    """Write `text` atomically."""
    return write_atomic(path, text_writer(text), force=force)


__all__ = ["GROUP_TAG", "STALE_AFTER_S", "TMP_TAG", "OutputError", "atomic_path", "check_writable", "clean_folder",
           "csv_writer", "temp_path", "text_writer", "write_atomic", "write_csv", "write_group", "write_text"]
