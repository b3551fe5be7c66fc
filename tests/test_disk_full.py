"""A full disk is bad input, said clearly (exit 2, one line), by `build`, `publish` and `import`,
and nothing is half-written or left behind.

The disk is a real 256 KiB tmpfs, filled to the last byte, when this process may mount one (root with
CAP_SYS_ADMIN, as in CI's container); elsewhere ENOSPC is injected at Python's `open` for writing,
the call every writer in cityrdf goes through.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .importer.conftest import make_project
from .test_crash_safety import PACTS

INJECT_ENOSPC = """
import builtins, errno, io, os, sys
real_open = builtins.open
full = sys.argv[1]
class Full(io.RawIOBase):
    def writable(self): return True
    def write(self, data): raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
def open_on_a_full_disk(file, mode="r", *args, **kwargs):
    if str(file).startswith(full) and set(mode) & set("wax+"):
        real_open(file, mode, *args, **kwargs).close()  # the file is made; its bytes are not
        return io.BufferedWriter(Full()) if "b" in mode else io.TextIOWrapper(io.BufferedWriter(Full()))
    return real_open(file, mode, *args, **kwargs)
builtins.open = io.open = open_on_a_full_disk
from cityrdf.cli import main
main(sys.argv[2:])
"""


def _mount_tmpfs(folder: Path) -> bool:
    if os.geteuid() != 0:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@pytest.fixture(params=["tmpfs", "injected"])
def full_disk(request, tmp_path) -> tuple[Path, str]:
    """A folder on a full disk, and how it is full."""
    folder = tmp_path / "full"
    folder.mkdir()
    if request.param == "tmpfs":
        if not _mount_tmpfs(folder):
            pytest.skip("cannot mount a tmpfs here (not root or no CAP_SYS_ADMIN)")
        try:
            with (folder / "filler").open("wb") as filler:
                while True:
                    filler.write(b"\0" * 4096)
                    filler.flush()
        except OSError as err:
            assert err.errno == errno.ENOSPC
        yield folder, "tmpfs"
        subprocess.run(["umount", str(folder)], check=True)
    else:
        yield folder, "injected"


def cityrdf(project: Path, how: str, full: Path, *args: str) -> subprocess.CompletedProcess:
    prefix = [sys.executable, "-m", "cityrdf.cli"]
    if how == "injected":
        prefix = [sys.executable, "-c", INJECT_ENOSPC, str(full)]
    return subprocess.run(
        [*prefix, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
        env={**os.environ, "CITYRDF_HOME": str(project), "CITYRDF_DEBUG": ""},
        timeout=300,
    )


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path / "project")


def check_said_clearly(done: subprocess.CompletedProcess) -> None:
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and "no space left on" in lines[0].lower(), lines
    assert "internal error" not in lines[0]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "filler")


@pytest.mark.parametrize(
    "verb",
    [["build", "--no-reasoner", "--out", "{full}/dist"], ["publish", "--out", "{full}/site"]],
)
def test_build_and_publish_on_a_full_disk_say_so(project, full_disk, verb):
    full, how = full_disk
    done = cityrdf(project, how, full, *(a.replace("{full}", str(full)) for a in verb))
    check_said_clearly(done)
    assert leftovers(full) == []  # no half-written dist/ or site/, no staging folder


def test_import_on_a_full_disk_says_so(project, full_disk, tmp_path):
    full, how = full_disk
    table = tmp_path / "pacts.csv"
    table.write_text(PACTS, encoding="utf-8")
    done = cityrdf(project, how, full, "import", "pacts", str(table), "--out", f"{full}/pacts.ttl")
    check_said_clearly(done)
    assert not any(name.endswith(".ttl") for name in leftovers(full))


def test_the_injection_really_fills_the_disk(tmp_path):
    """The fallback's own check: a write under the folder fails with ENOSPC, others do not."""
    namespace: dict = {}
    code = INJECT_ENOSPC.split("from cityrdf.cli")[0].replace("sys.argv[1]", repr(str(tmp_path)))
    real = (builtins.open, io.open)
    try:
        exec(code, namespace)  # noqa: S102 -- the test's own helper text
        with pytest.raises(OSError) as failure, open(tmp_path / "x", "wb") as out:
            out.write(b"data")
            out.flush()
    finally:
        builtins.open, io.open = real
    assert failure.value.errno == errno.ENOSPC
