"""Only cityrdf's own lines on stdout and stderr; the libraries' log lines (matplotlib, rdflib,
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


def test_plot_prints_nothing_but_verbose_shows_what_the_libraries_log(project):
    """matplotlib logs its font search at DEBUG: quiet without --verbose, there with it, so the
    quiet runs here are quiet because of the filter, not because nothing was logged."""
    picture = project / "network.png"
    quiet = cityrdf(project, "plot", "network", "--out", str(picture))
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == ""
    loud = cityrdf(project, "--verbose", "plot", "network", "--out", str(picture))
    assert loud.returncode == 0, loud.stderr
    assert "DEBUG matplotlib.font_manager:" in loud.stderr


@pytest.mark.parametrize(
    "args",
    [["build", "--no-reasoner", "--out", "{root}/dist"], ["validate", "--no-reasoner"], ["stats"]],
)
def test_other_verbs_print_only_their_own_lines(project, args):
    done = cityrdf(project, *(a.replace("{root}", str(project)) for a in args))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
