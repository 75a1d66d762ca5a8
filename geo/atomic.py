"""Atomic file writing: a result file is either complete or absent, never half written.

Every file the tool writes (plan, exports, summary, scenario JSON, cache
manifests) goes through :func:`atomic_write`: the content is written to a
temporary file in the target folder and moved over the target with
:func:`os.replace`, which is atomic on one file system. A failure removes the
temporary file and raises :class:`~geo.errors.OutputError` naming the folder
and the cause (permission denied, disk full, not a folder).
"""

from __future__ import annotations

import errno
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geo.errors import OutputError

#: errno -> (cause, what to do) for the failures users actually meet.
_CAUSES: dict[int, tuple[str, str]] = {
    errno.EACCES: ("permission denied", "choose a folder you may write to or fix its rights"),
    errno.EPERM: ("permission denied", "choose a folder you may write to or fix its rights"),
    errno.EROFS: ("the file system is read-only", "choose a folder on a writable disk"),
    errno.ENOSPC: ("the disk is full (ENOSPC)", "free some space or choose another disk"),
    errno.EDQUOT: ("the disk quota is used up", "free some space or choose another disk"),
    errno.ENOTDIR: ("a path part is a file, not a folder", "give a folder path"),
    errno.EEXIST: ("a file with that name is in the way", "give a folder path"),
    errno.EISDIR: ("the target is a folder", "give a file name, not a folder"),
    errno.ENAMETOOLONG: ("the name is too long", "choose a shorter path"),
    errno.ENOENT: ("a folder cannot be created there", "check the path or create it first"),
}


def output_error(path: Path, exc: OSError, *, folder: bool = False) -> OutputError:
    """An :class:`OutputError` for ``exc`` raised while writing ``path`` (a file or folder)."""
    cause, remedy = _CAUSES.get(
        exc.errno or 0, (exc.strerror or str(exc) or "input/output error", "try another folder")
    )
    what = f"the folder {path}" if folder else f"{path.name} in {path.parent}"
    return OutputError(f"Cannot write {what}: {cause}. Fix: {remedy}.")


def ensure_folder(folder: str | os.PathLike[str]) -> Path:
    """Create ``folder`` (with parents) if needed and check it is a writable folder.

    Raises
    ------
    OutputError
        If it is a file, cannot be created, or is not writable.
    """
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path} is a file, not a folder: give a folder path for the output.")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(path, exc, folder=True) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise output_error(path, PermissionError(errno.EACCES, "permission denied"), folder=True)
    return path


def temp_path(path: Path) -> Path:
    """A unique, not yet existing file name next to ``path`` with the same suffix."""
    return path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.tmp{path.suffix}")


def atomic_write(path: str | os.PathLike[str], writer: Callable[[Path], Any]) -> Path:
    """Write ``path`` through ``writer(tmp_path)`` and move the result into place.

    Parameters
    ----------
    path
        The file to (re)place.
    writer
        Writes the complete file at the path it is given (which does not exist yet).

    Raises
    ------
    OutputError
        If the folder is missing, not a folder or not writable, or the disk is full;
        no partial file is left behind.
    """
    target = Path(path)
    if target.is_dir():
        raise output_error(target, IsADirectoryError(errno.EISDIR, "is a directory"))
    ensure_folder(target.parent)
    tmp = temp_path(target)
    try:
        writer(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise output_error(target, exc) from None
    finally:
        tmp.unlink(missing_ok=True)
    return target


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Atomically write ``data`` to ``path``."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def write_text(
    path: str | os.PathLike[str], text: str, encoding: str = "utf-8", newline: str | None = None
) -> Path:
    """Atomically write ``text`` to ``path``."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding=encoding, newline=newline))
