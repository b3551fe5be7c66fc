"""Persian literals of the ontology: Persian letters, and the ZWNJs the paper's plain text lost."""

import re

import pytest
import rdflib
from rdflib import RDFS, SKOS, Literal

from cityrdf.project import current_project

ARABIC_YEH_KAF = re.compile("[\u064a\u0643]")
# Words the paper's text prints without ZWNJ; standard orthography joins these with U+200C.
LOST_ZWNJ = [
    re.compile(
        r"(?<![\u0600-\u06ff\u200c])ن?می(?!ان|لاد|راث|زان|ز\b|سر)[\u0600-\u06ff]"
    ),  # می‌شود, not میان or میسر
    re.compile(r"[ه](ها|های|هایی)(?![\u0600-\u06ff])"),  # خواهرخوانده‌ها
    re.compile("بینالملل|بینالمللی"),
]


def persian_literals(graph):
    return sorted({o for o in graph.objects() if isinstance(o, Literal) and o.language == "fa"})


@pytest.fixture(scope="module")
def every_ontology_file() -> rdflib.Graph:
    """All of ontology/, not only the three files of the `ontology` fixture: the argument, the
    paper's parts and the prose are Persian text too."""
    graph = rdflib.Graph()
    for path in sorted(current_project().ontology_dir.glob("*.ttl")):
        graph.parse(path)
    return graph


def test_ontology_has_persian_text(ontology):
    assert len(persian_literals(ontology)) > 100


def test_no_arabic_yeh_or_kaf_in_persian(every_ontology_file):
    found = [str(o) for o in persian_literals(every_ontology_file) if ARABIC_YEH_KAF.search(o)]
    assert found == []


@pytest.mark.parametrize("pattern", LOST_ZWNJ, ids=["mi-prefix", "ha-after-heh", "beynolmelal"])
def test_no_zwnj_lost_in_persian(every_ontology_file, pattern):
    assert [str(o) for o in persian_literals(every_ontology_file) if pattern.search(o)] == []


def test_the_checks_catch_what_they_look_for():
    assert ARABIC_YEH_KAF.search("شهر كيوتو")
    bad = ["روابط بینالملل", "خواهرخواندهها", "برقرار میشود"]
    assert all(any(p.search(s) for p in LOST_ZWNJ) for s in bad)
    good = [
        "روابط بین‌الملل",
        "خواهرخوانده‌ها",
        "برقرار می‌شود",
        "میان شهرها",
        "سال میلادی",
        "میسر نیست",
    ]
    assert not any(p.search(s) for p in LOST_ZWNJ for s in good)


# Definitions and notes are text a person reads, so a number in their Persian prose is written in
# Persian digits, as in a label (docs/model.md, "Persian text"); an identifier in Latin script may
# carry ASCII digits (`1394-02`, `P190`, `ISO 3166`), and a value shown as such is quoted («1373»), so
# only a number standing alone between Persian words, spaces or punctuation is checked.
PROSE = [SKOS.definition, SKOS.scopeNote, RDFS.comment, SKOS.editorialNote]
ASCII_NUMBER_IN_PROSE = re.compile(r"(?<![A-Za-z0-9_:/.«\\-])[0-9]+(?![A-Za-z0-9_:/.»\\-])")


def test_definitions_and_notes_write_prose_numbers_in_persian_digits():
    prose = [
        (path.name, str(o))
        for path in sorted(current_project().ontology_dir.glob("*.ttl"))
        for p in PROSE
        for o in rdflib.Graph().parse(path).objects(None, p)
        if isinstance(o, Literal) and o.language == "fa" and ASCII_NUMBER_IN_PROSE.search(o)
    ]
    assert prose == []


def test_the_prose_number_check_leaves_identifiers_alone():
    assert ASCII_NUMBER_IN_PROSE.search("نخستین خواهرخواندگی اروپایی در 1920 یا")
    assert ASCII_NUMBER_IN_PROSE.search("(1 = فروردین)")
    for identifier in (
        "«1394-02»",
        "مانند «1373»",
        "ویژگی P190",
        "ISO 3166-1",
        "crid:city/x2",
        "v1.2",
    ):
        assert not ASCII_NUMBER_IN_PROSE.search(identifier), identifier
