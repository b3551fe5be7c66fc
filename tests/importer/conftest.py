"""A throw-away project (CITYRDF_HOME) with the real ontology and shapes and a small data file."""

import shutil
from pathlib import Path

import pytest

from cityrdf import paths

HERE = Path(__file__).parent
REAL_ROOT = HERE.parents[1]

# docs/decisions/0003-imported-dates.md asks for these two shape changes; until the project's shapes
# have them, the tests apply them to their copy (test_shapes_accept_imports says when that ends).
PROPOSED_SHAPE_CHANGES = {
    "sh:minCount 1 ; sh:class cr:PaperPart ;":
        "sh:minCount 1 ; sh:or ( [ sh:class cr:PaperPart ] [ sh:class cr:ImportedFile ] ) ;",
    '[ sh:datatype xsd:gYear ; sh:pattern "^(19[0-9]{2}|20[0-2][0-9]|2030)$" ]\n        ) ;':
        '[ sh:datatype xsd:gYear ; sh:pattern "^(19[0-9]{2}|20[0-2][0-9]|2030)$" ]\n'
        '            [ sh:datatype xsd:gYearMonth ; sh:pattern "^(19[0-9]{2}|20[0-2][0-9]|2030)-" ]\n        ) ;',
}


def shapes_accept_imports(text: str) -> bool:
    return "cr:ImportedFile" in text and "xsd:gYearMonth" in text


def shapes_with_import_support(text: str) -> str:
    if shapes_accept_imports(text):
        return text
    for old, new in PROPOSED_SHAPE_CHANGES.items():
        assert text.count(old) == 1, f"the shapes changed; update PROPOSED_SHAPE_CHANGES: {old!r}"
        text = text.replace(old, new)
    return text


def make_project(root: Path) -> Path:
    """A project folder holding a copy of the real ontology and shapes and the fixture data."""
    shutil.copytree(REAL_ROOT / "ontology", root / "ontology", ignore=shutil.ignore_patterns("*.html"))
    (root / "shapes").mkdir()
    for shape_file in (REAL_ROOT / "shapes").glob("*.ttl"):
        text = shape_file.read_text(encoding="utf-8")
        (root / "shapes" / shape_file.name).write_text(shapes_with_import_support(text), encoding="utf-8")
    (root / "data").mkdir()
    shutil.copy(HERE / "fixtures" / "project.ttl", root / "data" / "project.ttl")
    return root


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """The fixture project, with cityrdf.paths pointing at it for in-process calls."""
    root = make_project(tmp_path / "project")
    monkeypatch.setenv("CITYRDF_HOME", str(root))
    for name, sub in (("ROOT", ""), ("ONTOLOGY_DIR", "ontology"), ("SHAPES_DIR", "shapes"),
                      ("DATA_DIR", "data"), ("LINKS_DIR", "data/links"), ("QUERIES_DIR", "queries"),
                      ("QC_DIR", "queries/qc")):
        monkeypatch.setattr(paths, name, root / sub if sub else root)
    return root
