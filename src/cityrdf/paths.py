"""Where the sources (ontology, shapes, data, queries) and the built artefacts live."""

import os
from pathlib import Path


def project_root() -> Path:
    """The checkout that holds `ontology/` and `data/`: $CITYRDF_HOME, else the one above this file."""
    env = os.environ.get("CITYRDF_HOME")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2]


ROOT = project_root()
ONTOLOGY_DIR = ROOT / "ontology"
SHAPES_DIR = ROOT / "shapes"
DATA_DIR = ROOT / "data"
LINKS_DIR = DATA_DIR / "links"
QUERIES_DIR = ROOT / "queries"
QC_DIR = QUERIES_DIR / "qc"
DIST_DIR = ROOT / "dist"
SITE_DIR = ROOT / "site"
WORLD_DIR = ROOT / "world"  # the world layer (`cityrdf world import`), built from outside sources
