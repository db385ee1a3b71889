"""The file-system steps of `wfm.atomic`: temporary names, fsync, exclusive placement, a writer run to a
temporary, and OS errors turned into `OutputError` (exit 2, the path and the reason, no traceback)."""

from __future__ import annotations

import gc
import hashlib
import os
import secrets
import socket
import stat
import sys
from collections.abc import Callable
from pathlib import Path

from wfm.errors import WfmError

TMP_TAG = ".wfm-tmp-"


class OutputError(WfmError):
    """An output could not be written (disk full, no permission, read-only folder...): exit 2, no traceback."""

    exit_code = 2


def host_tag() -> str:
    return hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]


def owner_tag() -> str:
    return f"{host_tag()}-{os.getpid()}-{secrets.token_hex(4)}"


def temp_path(path: Path) -> Path:
    """A fresh, recognisable temporary name beside `path`."""
    return path.parent / f".{path.name}{TMP_TAG}{owner_tag()}"


def reason(exc: OSError) -> str:
    if exc.errno is not None:
        return os.strerror(exc.errno)
    return str(exc) or type(exc).__name__


def os_error(action: str, path: Path, exc: OSError) -> OutputError:
    return OutputError(f"cannot {action} {path}: {reason(exc)}")


def refuse_non_regular(path: Path) -> None:
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


def quiet_unraisable(_args: object) -> None:
    """Drop the 'Exception ignored in <generator>' noise of a writer's half-run generators (openpyxl's lxml
    streams) when its failure is already reported as an OutputError."""


def remove_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def make_temp(path: Path) -> Path:
    tmp = temp_path(path)
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)  # the umask applies: outputs are shared
    os.close(fd)
    return tmp


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR if sys.platform.startswith("win") else os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
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


def place_exclusive(tmp: Path, final: Path) -> bool:
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
        remove_quietly(final)
        raise
    return False


def run_writer(writer: Callable[[Path], object], tmp: Path, target: Path) -> None:
    """`writer(tmp)` and fsync; an OSError (disk full, permission) becomes an OutputError raised outside the
    handler, so the writer's frames (and the generators they hold) are freed first, quietly."""
    failure: OutputError | None = None
    hook = sys.unraisablehook
    try:
        writer(tmp)
        fsync_file(tmp)
    except OSError as exc:
        failure = os_error("write", target, exc)
        sys.unraisablehook = quiet_unraisable
    if failure is not None:
        try:
            gc.collect()
        finally:
            sys.unraisablehook = hook
        raise failure


def consumed(tmp: Path | None) -> bool:
    """Whether a group's step was carried out: its temporary renamed into place, or its removal done."""
    return tmp is None or not os.path.lexists(tmp)
