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
import gc
import hashlib
import json
import os
import re
import secrets
import socket
import stat
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from wfm.errors import OutputExistsError, WfmError

TMP_TAG = ".wfm-tmp-"
GROUP_TAG = ".wfm-group-"
STALE_AFTER_S = 3600.0  # a temporary of another host (or of a live pid, after a day) is stale after this
PROBE_BYTES = 16 * 1024

_OWNER = re.compile(r"-(?P<host>[0-9a-f]{6})-(?P<pid>\d+)-[0-9a-f]+(?:\.json)?\Z")


class OutputError(WfmError):
    """An output could not be written (disk full, no permission, read-only folder...): exit 2, no traceback."""

    exit_code = 2


def _host_tag() -> str:
    return hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]


def _owner_tag() -> str:
    return f"{_host_tag()}-{os.getpid()}-{secrets.token_hex(4)}"


def temp_path(path: Path) -> Path:
    """A fresh, recognisable temporary name beside `path`."""
    return path.parent / f".{path.name}{TMP_TAG}{_owner_tag()}"


def _reason(exc: OSError) -> str:
    if exc.errno is not None:
        return os.strerror(exc.errno)
    return str(exc) or type(exc).__name__


def _error(action: str, path: Path, exc: OSError) -> OutputError:
    return OutputError(f"cannot {action} {path}: {_reason(exc)}")


def _refuse_non_regular(path: Path) -> None:
    """An existing output that is a folder, device, pipe or socket is never replaced (as root, a rename onto
    /dev/full would replace the device with the output)."""
    try:
        st = os.stat(path)
    except OSError:
        return  # absent, or a dangling symbolic link: the new file takes its place
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(f"cannot write {path}: it is a folder")
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(f"cannot write {path}: it is not a regular file (a device, pipe or socket)")


def _quiet_unraisable(_args: object) -> None:
    """Drop the 'Exception ignored in <generator>' noise of a writer's half-run generators (openpyxl's lxml
    streams) when its failure is already reported as an OutputError."""


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
    if m["host"] == _host_tag():
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
                _remove(final)
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
        _remove(tmp)
    _remove(journal)


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
                    _remove(Path(e.path))
        except OSError:
            pass


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


# ------------------------------------------------------------------------------------------------ before the work

def check_writable(path: str | Path, force: bool) -> None:
    """Fail fast, before any long computation: `OutputExistsError` when `path` exists and `force` is False;
    `OutputError` when it is a folder, or its folder cannot be created or written (a probe file is written,
    flushed and removed in the folder, or in the nearest existing parent folder when it does not exist yet)."""
    path = Path(path)
    _refuse_non_regular(path)
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
    probe = probe_in / f".{path.name}{TMP_TAG}{_owner_tag()}"
    try:
        fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        try:
            os.write(fd, b"\0" * PROBE_BYTES)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {probe_in}: {_reason(exc)}") from None
    finally:
        _remove(probe)


# ------------------------------------------------------------------------------------------------------- writing

def _make_temp(path: Path) -> Path:
    tmp = temp_path(path)
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)  # the umask applies: outputs are shared
    os.close(fd)
    return tmp


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDWR if sys.platform.startswith("win") else os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if sys.platform.startswith("win"):
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _place_exclusive(tmp: Path, final: Path) -> bool:
    """Put `tmp` at `final` only if `final` does not exist (FileExistsError otherwise). True when `tmp` is still
    there (hard link made: the caller removes it), False when it was consumed (fallback: reserve + rename)."""
    try:
        os.link(tmp, final)
        return True
    except FileExistsError:
        raise
    except (OSError, AttributeError, NotImplementedError):
        pass  # no hard links on this file system (FAT, some SMB shares): reserve the name, then rename over it
    fd = os.open(final, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
    os.close(fd)
    try:
        os.replace(tmp, final)
    except BaseException:
        _remove(final)
        raise
    return False


def write_group(items: Sequence[tuple[str | Path, Callable[[Path], object] | None]], *,
                force: bool = False) -> list[Path]:
    """Write several files that belong together (all in one folder): every `writer(tmp)` first, then all are put
    in place in the given order (see the module docstring). Either all new files are in place or, on an error
    before placing, none is and the previous ones are untouched. A writer None removes that file as part of the
    group (with `force`; without it the file must not exist)."""
    targets = [Path(p) for p, _ in items]
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
        raise _error("create the folder", folder, exc) from None
    clean_folder(folder, targets)
    for t in targets:
        _refuse_non_regular(t)
        if not force and os.path.lexists(t):
            raise OutputExistsError(t)

    temps: list[Path | None] = []  # None: a file the group removes
    journal: Path | None = None
    placed: list[tuple[Path, Path, bool]] = []  # (tmp, final, tmp still there) of exclusive placements
    replaced = 0  # files put in place with --force
    done = False
    current = targets[0]
    try:
        for (_, writer), t in zip(items, targets):
            current = t
            if writer is None:
                temps.append(None)
                continue
            try:
                tmp = _make_temp(t)
            except OSError as exc:
                raise _error("write", t, exc) from None
            temps.append(tmp)
            _run_writer(writer, tmp, t)
        if len(targets) > 1:
            journal = folder / f".{targets[0].name}{GROUP_TAG}{_owner_tag()}.json"
            spec = {"exclusive": not force,
                    "moves": [[tmp.name if tmp else None, t.name] for tmp, t in zip(temps, targets)]}
            jtmp = temp_path(journal)
            try:
                with open(jtmp, "w", encoding="utf-8") as fh:
                    json.dump(spec, fh)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(jtmp, journal)
                _fsync_dir(folder)
            except OSError as exc:
                _remove(jtmp)
                journal = None
                raise _error("write", targets[0], exc) from None
        for tmp, t in zip(temps, targets):
            current = t
            if tmp is None:
                if force:
                    _unlink_if_there(t)
                    replaced += 1
                elif os.path.lexists(t):
                    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(t))
            elif force:
                replaced += 1  # counted before: an interrupt may land just after the rename
                os.replace(tmp, t)
            else:
                placed.append((tmp, t, _place_exclusive(tmp, t)))
        for tmp, _, still in placed:
            if still:
                _remove(tmp)
        _fsync_dir(folder)
        if journal is not None:
            _remove(journal)
        done = True
    except OSError as exc:
        for tmp, t, still in placed:  # take back what this run placed so far: those files did not exist
            try:
                if not still or os.path.samefile(tmp, t):
                    _remove(t)
            except OSError:
                pass
        placed.clear()
        if isinstance(exc, FileExistsError) and not force:
            raise OutputExistsError(current) from None
        if journal is not None and any(_consumed(tmp) for tmp in temps[:replaced]):
            # Some files are replaced, some not: keep the journal and the temporaries so that the next run
            # in this folder finishes the group rather than leaving it mismatched.
            done = True
            raise OutputError(f"cannot write {current}: {_reason(exc)}; the other files of this output are kept "
                              f"and put in place by the next wfm run writing to {folder}") from None
        raise _error("write", current, exc) from None
    finally:
        if not done and journal is not None and (placed or any(_consumed(tmp) for tmp in temps[:replaced])):
            pass  # interrupted while placing (Ctrl-C): the journal lets the next run finish the group
        elif not done:
            for tmp in temps:
                if tmp is not None:
                    _remove(tmp)
            if journal is not None:
                _remove(journal)
    return targets


def _run_writer(writer: Callable[[Path], object], tmp: Path, target: Path) -> None:
    """`writer(tmp)` and fsync; an OSError (disk full, permission) becomes an OutputError raised outside the
    handler, so the writer's frames (and the generators they hold) are freed first, quietly."""
    failure: OutputError | None = None
    hook = sys.unraisablehook
    try:
        writer(tmp)
        _fsync(tmp)
    except OSError as exc:
        failure = _error("write", target, exc)
        sys.unraisablehook = _quiet_unraisable
    if failure is not None:
        try:
            gc.collect()
        finally:
            sys.unraisablehook = hook
        raise failure


def _consumed(tmp: Path | None) -> bool:
    """Whether a group's step was carried out: its temporary renamed into place, or its removal done."""
    return tmp is None or not os.path.lexists(tmp)


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
        tmp = _make_temp(path)
    except OSError as exc:
        raise _error("write", path, exc) from None
    try:
        yield tmp
        write_group([(path, lambda p: os.replace(tmp, p))], force=force)
    finally:
        _remove(tmp)


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
