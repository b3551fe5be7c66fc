"""Only cityrdf's own lines on stdout and stderr; the libraries' log lines (pyLODE, asyncio, rdflib,
httpx) and Python warnings appear with --verbose only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .importer.conftest import make_project


def cityrdf(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cityrdf.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
        env={**os.environ, "CITYRDF_HOME": str(root), "CITYRDF_DEBUG": ""},
        timeout=300,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("quiet") / "project")


def test_publish_prints_only_its_own_line(project):
    done = cityrdf(project, "publish", "--out", str(project / "site"))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.splitlines() == [done.stdout.strip()]
    assert done.stdout.startswith("published ")


def test_verbose_shows_what_the_libraries_log(project):
    """The same run with --verbose: pyLODE's INFO and asyncio's DEBUG lines are there, so the quiet
    run above is quiet because of the filter, not because nothing was logged."""
    done = cityrdf(project, "--verbose", "publish", "--out", str(project / "site"))
    assert done.returncode == 0, done.stderr
    assert "DEBUG asyncio:" in done.stderr and "INFO root: Loading background" in done.stderr
    assert done.stdout.startswith("published ")


@pytest.mark.parametrize(
    "args",
    [["build", "--no-reasoner", "--out", "{root}/dist"], ["validate", "--no-reasoner"], ["stats"]],
)
def test_other_verbs_print_only_their_own_lines(project, args):
    done = cityrdf(project, *(a.replace("{root}", str(project)) for a in args))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
