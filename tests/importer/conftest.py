"""A throw-away project (CITYRDF_HOME) with the real ontology and shapes and a small data file."""

import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).parent
REAL_ROOT = HERE.parents[1]


def make_project(root: Path) -> Path:
    """A project folder holding a copy of the real ontology and shapes and the fixture data."""
    shutil.copytree(
        REAL_ROOT / "ontology", root / "ontology", ignore=shutil.ignore_patterns("*.html")
    )
    shutil.copytree(
        REAL_ROOT / "shapes", root / "shapes", ignore=shutil.ignore_patterns("fixtures")
    )
    (root / "data").mkdir()
    shutil.copy(HERE / "fixtures" / "project.ttl", root / "data" / "project.ttl")
    return root


@pytest.fixture
def project(tmp_path, use_project) -> Path:
    """The fixture project, the current project of in-process calls and subprocesses."""
    root = make_project(tmp_path / "project")
    use_project(root)
    return root
