"""Fixtures shared by the whole suite. Each helper area adds its fixtures with small edits."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("CITYRDF_HOME", str(ROOT))


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT
