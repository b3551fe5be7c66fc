"""A throw-away project (CITYRDF_HOME) with the real ontology and shapes and a small data file."""

import shutil
from pathlib import Path

import pytest

from cityrdf import paths

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
def project(tmp_path, monkeypatch) -> Path:
    """The fixture project, with cityrdf.paths pointing at it for in-process calls."""
    root = make_project(tmp_path / "project")
    monkeypatch.setenv("CITYRDF_HOME", str(root))
    for name, sub in (
        ("ROOT", ""),
        ("ONTOLOGY_DIR", "ontology"),
        ("SHAPES_DIR", "shapes"),
        ("DATA_DIR", "data"),
        ("LINKS_DIR", "data/links"),
        ("QUERIES_DIR", "queries"),
        ("QC_DIR", "queries/qc"),
    ):
        monkeypatch.setattr(paths, name, root / sub if sub else root)
    return root
