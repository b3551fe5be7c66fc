"""One writer at a time: an advisory lock on the project, held for a whole read-check-write.

`fcntl.flock` on `.cityrdf.lock` at the project root (gitignored, outside the sources). The kernel
drops the lock when the holder exits, however it exits, so a killed import never leaves the
project locked.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cityrdf.errors import CityrdfError
from cityrdf.project import current_project

LOCK_NAME = ".cityrdf.lock"
POLL_SECONDS = 0.1


class ProjectBusy(CityrdfError):
    """Another cityrdf process holds the project's write lock for longer than we wait."""


def lock_path() -> Path:
    return current_project().root / LOCK_NAME


@contextmanager
def project_lock(wait_seconds: float | None = None) -> Iterator[None]:
    """Hold the project's write lock for the block; wait up to `wait_seconds` (default
    $CITYRDF_LOCK_WAIT or 600 s) for another writer to finish, then fail with ProjectBusy."""
    if wait_seconds is None:
        wait_seconds = float(os.environ.get("CITYRDF_LOCK_WAIT", "600"))
    path = lock_path()
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise ProjectBusy(f"{path}: cannot open the project's lock file ({err.strerror})") from None
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ProjectBusy(
                        f"another cityrdf process is writing the project (it holds {path}); "
                        f"waited {wait_seconds:g} s; try again when it has finished"
                    ) from None
                time.sleep(POLL_SECONDS)
        yield
    finally:
        os.close(handle)  # closing the descriptor releases the lock
