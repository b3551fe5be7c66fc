"""Files and folders written whole or not at all: a temporary sibling, flushed to disk, then one rename.

POSIX rename replaces the target atomically, so a reader (or a crash) sees the old file or the new
one, never half of it. The new file gets the permissions an ordinary new file would (0666 less the
umask), not mkstemp's private 0600, since these are data files meant to be read and published.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path

from cityrdf.project import refuse_overwriting_sources

_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` to write; it becomes `path` when the block ends normally and
    is removed when it raises."""
    path = Path(path)
    refuse_overwriting_sources(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, 0o666 & ~_UMASK)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_bytes(path: Path, content: bytes) -> None:
    with replacing(path) as temporary:
        temporary.write_bytes(content)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_files(files: Mapping[Path, str | bytes]) -> None:
    """Write several files all or nothing: each to a temporary sibling first, then every rename
    once every file is written (text as UTF-8)."""
    with ExitStack() as renames:  # a failed write unwinds the stack: no file is replaced
        for path, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            renames.enter_context(replacing(path)).write_bytes(data)


# --- folders (dist/, site/) ---------------------------------------------------------------------
#
# A folder is built in a staging sibling, `.NAME.staging-PID-XXXX`, and exchanged with the old one in
# one renameat2(RENAME_EXCHANGE) call (Linux ≥ 3.15): at every instant `NAME` is the old tree or the
# new one, never missing. The old tree, now under the staging name, is removed afterwards. Where the
# kernel or the file system cannot exchange, two renames are used, with the old tree parked as
# `.NAME.retired-PID-XXXX`; a run killed between them leaves NAME missing, and the next run puts the
# parked tree back before it does anything else. Folders whose process is gone are removed on the
# next run; `.gitignore` keeps them out of `git status`.

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
STAGING, RETIRED = "staging", "retired"


def _renameat2():
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):  # not glibc ≥ 2.28, or not Linux
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    return function


_RENAMEAT2 = _renameat2()


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one step; False where the system cannot (the paths are untouched)."""
    if _RENAMEAT2 is None:
        return False
    import ctypes

    if (
        _RENAMEAT2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
        == 0
    ):
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):  # e.g. a file system without it
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def _siblings(out: Path, kind: str) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.{kind}-*"))


def _process_alive(folder: Path) -> bool:
    try:
        pid = int(folder.name.rsplit("-", 2)[-2])
    except ValueError:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def recover(out: Path) -> None:
    """Undo what a killed run left beside `out`: put a parked tree back if `out` is missing, and
    remove staging and parked folders whose process is gone."""
    out = Path(out)
    retired = [p for p in _siblings(out, RETIRED) if not _process_alive(p)]
    if not out.exists() and retired:
        newest = max(retired, key=lambda p: p.stat().st_mtime)
        newest.rename(out)
        retired.remove(newest)
    for folder in [*retired, *(p for p in _siblings(out, STAGING) if not _process_alive(p))]:
        shutil.rmtree(folder, ignore_errors=True)


def staging_dir(out: Path) -> Path:
    """A new empty folder beside `out` to build it in (readable like any new folder), after
    recovering from a killed earlier run."""
    out = Path(out)
    refuse_overwriting_sources(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.{STAGING}-{os.getpid()}-", dir=out.parent))
    staging.chmod(0o777 & ~_UMASK)  # mkdtemp makes it private; dist/ and site/ are published
    return staging


def swap_dir(staging: Path, out: Path) -> None:
    """Put the complete folder `staging` in the place of `out` without a moment where `out` is missing;
    the old tree is removed afterwards."""
    staging, out = Path(staging), Path(out)
    if not out.exists():
        staging.rename(out)
        return
    if exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # the old tree, under the staging name
        return
    parked = Path(tempfile.mkdtemp(prefix=f".{out.name}.{RETIRED}-{os.getpid()}-", dir=out.parent))
    parked.rmdir()
    out.rename(parked)
    try:
        staging.rename(out)
    except BaseException:
        parked.rename(out)
        raise
    shutil.rmtree(parked, ignore_errors=True)
