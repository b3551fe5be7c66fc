"""`build`, `publish` and `import pacts` write atomically: a process killed at any point leaves the
previous output or the new one, whole, and the next run cleans up what the killed one left.

Each command runs in a subprocess on a throw-away project (CITYRDF_HOME). A hook makes it stop for a
minute at one moment (the new output staged but not swapped; just after the one-step exchange; between
the two renames of the fallback used where the kernel cannot exchange); the test waits for the
process to reach it, SIGKILLs it, and checks what is on disk.
"""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .importer.conftest import make_project

# Runs the CLI with `module.function` delayed, so that the kill lands at that call. With AFTER set,
# the delay applies only once `after` has been called (e.g. rmtree after the exchange), and SKIP
# calls later still (the second rename of two); with NO_EXCHANGE the kernel's renameat2 is taken
# away (the two-rename fallback).
HOOKED_CLI = """
import sys, time, importlib
hook, after, skip, no_exchange = sys.argv[1:5]
calls = [0]
def resolve(name):
    module, function = name.rsplit(".", 1)
    try:
        return importlib.import_module(module), function
    except ImportError:
        owner, klass = module.rsplit(".", 1)
        return getattr(importlib.import_module(owner), klass), function
armed = [not after]
if after:
    owner, name = resolve(after)
    passed = getattr(owner, name)
    def arming(*args, **kwargs):
        armed[0] = True
        return passed(*args, **kwargs)
    setattr(owner, name, arming)
target, function = resolve(hook)
original = getattr(target, function)
def stalled(*args, **kwargs):
    calls[0] += armed[0]
    if calls[0] > int(skip):
        open(".stalled", "w").close()  # tells the test the process is at the hooked call
        time.sleep(60)
    return original(*args, **kwargs)
setattr(target, function, stalled)
if no_exchange == "1":
    import cityrdf.fs.atomic
    cityrdf.fs.atomic._RENAMEAT2 = None
from cityrdf.cli import main
main(sys.argv[5:])
"""
PACTS = (
    "city,partner,partner_country,date,calendar,status,source,partner_fa\n"
    "Isfahan,Nantes,France,1394-02,jalali,friendship,https://example.org/nantes,نانت\n"
)


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def cityrdf(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        check=False,
        args=[sys.executable, "-m", "cityrdf.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "CITYRDF_HOME": str(root)},
        timeout=300,
        cwd=root,
    )


def kill_when(
    root: Path,
    hook: str,
    args: list[str],
    staged,
    after: str = "",
    skip: int = 0,
    no_exchange: bool = False,
) -> None:
    """Run the CLI with `hook` stalled, SIGKILL it once `staged()` is true."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOOKED_CLI, hook, after, str(skip), str(int(no_exchange)), *args],
        cwd=root,
        env={**os.environ, "CITYRDF_HOME": str(root)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    try:
        while not (staged() and (root / ".stalled").exists()):
            assert process.poll() is None, f"exited before staging: {process.stderr.read()!r}"
            assert time.monotonic() < deadline, "no staging appeared"
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    (root / ".stalled").unlink()


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path / "project")


def change_the_data(root: Path) -> None:
    with (root / "data" / "project.ttl").open("a", encoding="utf-8") as data:
        data.write(
            '<https://w3id.org/cityrdf/id/city/seoul> <http://www.w3.org/2004/02/skos/core#altLabel> "Soul"@en .\n'
        )


def staged(root: Path, out: str):
    return lambda: any(p.name.startswith(f".{out}.staging-") for p in root.iterdir())


def hidden(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith((".dist", ".site")))


VERBS = {
    "dist": ["build", "--no-reasoner", "--out"],
    "site": ["publish", "--out"],
}


@pytest.mark.parametrize("out", ["dist", "site"])
def test_killed_before_the_swap_leaves_the_previous_output_and_the_next_run_cleans_up(project, out):
    target = project / out
    args = [*VERBS[out], str(target)]
    assert cityrdf(project, *args).returncode == 0
    before = snapshot(target)
    change_the_data(project)
    kill_when(project, "cityrdf.fs.atomic.swap_dir", args, staged(project, out))
    assert snapshot(target) == before
    assert [n.split("-")[0] for n in hidden(project)] == [f".{out}.staging"]  # the killed run's
    assert cityrdf(project, *args).returncode == 0
    assert hidden(project) == [] and snapshot(target) != before


@pytest.mark.parametrize("out", ["dist", "site"])
def test_killed_after_the_exchange_leaves_the_new_output_whole(project, out):
    """The exchange is one system call: killed just after it, the new tree is in place and the old one
    waits under the staging name for the next run to remove it."""
    target = project / out
    args = [*VERBS[out], str(target)]
    assert cityrdf(project, *args).returncode == 0
    change_the_data(project)
    kill_when(
        project, "shutil.rmtree", args, staged(project, out), after="cityrdf.fs.atomic.exchange"
    )
    assert "Soul" in "".join(p.read_text("utf-8") for p in target.rglob("*.ttl"))  # the new data
    assert [n.split("-")[0] for n in hidden(project)] == [f".{out}.staging"]
    assert cityrdf(project, *args).returncode == 0 and hidden(project) == []


@pytest.mark.parametrize("out", ["dist", "site"])
def test_without_exchange_a_kill_between_the_renames_is_repaired_by_the_next_run(project, out):
    """Where the kernel cannot exchange (two renames), the window remains: the next run puts the
    parked tree back first, then replaces it."""
    target = project / out
    args = [*VERBS[out], str(target)]
    assert cityrdf(project, *args).returncode == 0
    before = snapshot(target)
    change_the_data(project)
    kill_when(
        project,
        "pathlib.Path.rename",
        args,
        lambda: not target.exists(),
        after="cityrdf.fs.atomic.swap_dir",
        skip=1,  # the first rename parks the old tree; the kill lands before the second
        no_exchange=True,
    )
    assert not target.exists()
    (parked,) = [project / n for n in hidden(project) if n.startswith(f".{out}.retired-")]
    assert snapshot(parked) == before
    # the next run starts by putting the parked tree back (atomic.staging_dir calls recover)
    from cityrdf.fs import atomic

    atomic.recover(target)
    assert snapshot(target) == before
    assert [n for n in hidden(project) if "retired" in n] == []
    assert cityrdf(project, *args).returncode == 0 and hidden(project) == []


def test_staging_folders_are_out_of_git_status():
    root = Path(__file__).resolve().parents[1]
    names = [
        ".dist.staging-123-abc/x",
        ".site.retired-123-abc/x",
        "data/imported/.pacts.ttl.k2j4.tmp",
    ]
    for name in names:
        done = subprocess.run(
            ["git", "check-ignore", "--no-index", "-q", name], cwd=root, check=False
        )
        assert done.returncode == 0, f"{name} is not ignored"


def test_killed_import_leaves_the_previous_data_file(project, tmp_path):
    table = tmp_path / "pacts.csv"
    table.write_text(PACTS, encoding="utf-8")
    assert cityrdf(project, "import", "pacts", str(table)).returncode == 0
    imported = project / "data" / "imported"
    before = snapshot(imported)
    table.write_text(PACTS.replace("friendship", "official"), encoding="utf-8")
    kill_when(
        project,
        "os.replace",
        ["import", "pacts", str(table)],
        lambda: any(p.name.endswith(".tmp") for p in imported.iterdir()),
    )
    leftovers = [p.name for p in imported.iterdir() if p.name.startswith(".")]
    assert snapshot(imported) == {
        **before,
        **{name: snapshot(imported)[name] for name in leftovers},
    }
    assert all(name.endswith(".tmp") for name in leftovers)  # hidden, and not in the project graph
    assert [p.name for p in sorted(imported.glob("*.ttl"))] == ["pacts.ttl"]
