"""`build`, `publish` and `import pacts` write atomically: a process killed mid-write leaves the previous output.

Each command runs in a subprocess on a throw-away project (CITYRDF_HOME). A hook makes it stop for a
minute at its worst moment (new output fully staged, not yet swapped into place); the test waits for
the staging to appear, SIGKILLs the process, and checks the previous output is intact.
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

# Runs the CLI with `module.function` delayed, so that the kill lands between staging and swap.
HOOKED_CLI = """
import sys, time, importlib
module, function = sys.argv[1].rsplit(".", 1)
target = importlib.import_module(module)
original = getattr(target, function)
def stalled(*args, **kwargs):
    time.sleep(60)
    return original(*args, **kwargs)
setattr(target, function, stalled)
from cityrdf.cli import main
main(sys.argv[2:])
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


def kill_when(root: Path, hook: str, args: list[str], staged) -> None:
    """Run the CLI with `hook` stalled, SIGKILL it once `staged()` is true."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOOKED_CLI, hook, *args],
        cwd=root,
        env={**os.environ, "CITYRDF_HOME": str(root)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    try:
        while not staged():
            assert process.poll() is None, f"exited before staging: {process.stderr.read()!r}"
            assert time.monotonic() < deadline, "no staging appeared"
            time.sleep(0.02)
        time.sleep(0.2)  # let it reach the stalled call
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path / "project")


def change_the_data(root: Path) -> None:
    with (root / "data" / "project.ttl").open("a", encoding="utf-8") as data:
        data.write(
            '<https://w3id.org/cityrdf/id/city/seoul> <http://www.w3.org/2004/02/skos/core#altLabel> "Soul"@en .\n'
        )


def test_killed_build_leaves_the_previous_dist(project):
    dist = project / "dist"
    assert cityrdf(project, "build", "--no-reasoner", "--out", str(dist)).returncode == 0
    before = snapshot(dist)
    change_the_data(project)
    kill_when(
        project,
        "cityrdf.build._swap",
        ["build", "--no-reasoner", "--out", str(dist)],
        lambda: any(p.name.startswith(".dist-") for p in project.iterdir()),
    )
    assert snapshot(dist) == before


def test_killed_publish_leaves_the_previous_site(project):
    site = project / "site"
    assert cityrdf(project, "publish", "--out", str(site)).returncode == 0
    before = snapshot(site)
    change_the_data(project)
    kill_when(
        project,
        "cityrdf.publish.swap_into_place",
        ["publish", "--out", str(site)],
        lambda: any(p.name.startswith(".site.building-") for p in project.iterdir()),
    )
    assert snapshot(site) == before


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
