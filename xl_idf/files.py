"""Files written whole or not at all, and the paths a run must never write over.

Every output of xl-idf (a report, an annotated copy, a template) is first written to a temporary
file in the target's own folder, then moved onto the target: a crash or an interrupt leaves
either the old file or the new one, never half of one (SPEC 4.3). Moving replaces the directory
entry, so a target that is a link to another file leaves that file untouched.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

# Extensions of spreadsheet files: a text report is never written under one of them.
WORKBOOK_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods"})


def write_atomically(target: Path, write: Callable[[BinaryIO], object]) -> None:
    """Call `write` on a temporary file beside `target`, then move it onto `target`.

    On Linux the file is first written without a name (O_TMPFILE): a process killed while
    writing (SIGKILL included) leaves nothing behind. It gets a name only once complete, and is
    then moved onto `target`.
    """
    anonymous = _anonymous_file(target.parent)
    if anonymous is None:
        handle, name = tempfile.mkstemp(
            prefix=f".~{target.name}.", suffix=".tmp", dir=target.parent
        )
    else:
        handle, name = anonymous, ""
    temporary = Path(name) if name else None
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
            if temporary is None:
                temporary = _name_it(stream.fileno(), target)
        temporary.replace(target)
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def _anonymous_file(folder: Path) -> int | None:
    """A file without a name in `folder`, open for writing; None where the system has none."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not Path("/proc/self/fd").is_dir():
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY, 0o644)
    except OSError:
        return None  # a file system without O_TMPFILE: a named temporary file instead


def _name_it(handle: int, target: Path) -> Path:
    """Give the complete anonymous file a temporary name beside `target`."""
    # linkat() with AT_SYMLINK_FOLLOW on /proc/self/fd/N, which Python issues only when given
    # a directory descriptor: plain link() would link the /proc entry itself (EXDEV).
    descriptors = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(100):
            name = f".~{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
            temporary = target.with_name(name)
            try:
                os.link(str(handle), temporary, src_dir_fd=descriptors, follow_symlinks=True)
            except FileExistsError:
                continue
            return temporary
    finally:
        os.close(descriptors)
    raise FileExistsError(f"aucun nom temporaire libre près de « {target} »")


def write_text_atomically(target: Path, text: str, encoding: str = "utf-8") -> None:
    """Write `text` to `target` whole or not at all."""
    write_atomically(target, lambda stream: stream.write(text.encode(encoding)))


@dataclass(frozen=True)
class Protected:
    """Files that an output must never replace, known by path and by inode (hard links too)."""

    paths: frozenset[Path]
    inodes: frozenset[tuple[int, int]]

    @classmethod
    def of(cls, files: Iterable[Path]) -> Protected:
        """The checked `files`, resolved once (a run may hold thousands)."""
        paths: set[Path] = set()
        inodes: set[tuple[int, int]] = set()
        for path in files:
            paths.add(path.resolve())
            try:
                status = path.stat()
            except OSError:
                continue  # gone or hidden: nothing there to overwrite
            inodes.add((status.st_dev, status.st_ino))
        return cls(frozenset(paths), frozenset(inodes))

    def covers(self, target: Path) -> bool:
        """Whether writing `target` would replace one of the protected files."""
        if target.resolve() in self.paths:
            return True
        try:
            status = target.stat()
        except OSError:
            return False
        return (status.st_dev, status.st_ino) in self.inodes


def writable_folder(folder: Path) -> str | None:
    """Why files cannot be written in `folder` (created if missing), in French; None if they can.

    Checked by writing and removing a probe file, as permissions alone do not tell (a read-only
    mount, an ACL, root on a read-only file system).
    """
    from xl_idf import french

    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".~xl-idf-", suffix=".tmp", dir=folder)
        os.close(handle)
        Path(name).unlink()
    except OSError as exc:
        return french.os_error(exc)
    return None
