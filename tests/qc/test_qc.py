"""The ontology QC queries (queries/qc/*-violation.rq): silent on a clean fixture, loud on a broken one.

Each query runs in the embedded store exactly as the build runs it (cityrdf.rdf.graph.load_store, with
the build entailments). The clean fixture is split into header, ontology, disjointness and data so
that a broken fixture can either add a defect or replace the part it breaks.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cityrdf.project import current_project
from cityrdf.rdf.graph import load_store
from cityrdf.rdf.namespaces import CR, CRID, FOAF, ONTOLOGY_IRI, ORG, RDFS

FIXTURES = Path(__file__).parent / "fixtures"
CLEAN = ["clean-header.ttl", "clean-ontology.ttl", "clean-disjointness.ttl", "clean-data.ttl"]
QC_DIR = current_project().qc_dir  # the checkout's, read-only
QUERIES = sorted(QC_DIR.glob("*-violation.rq"))

# query name -> (clean file the broken fixture replaces, or None to add it; the entity to be named)
BROKEN = {
    "label-missing": (None, CR.SisterCityList),
    "label-duplicate": (None, CR.sisterOf),
    "label-whitespace": (None, CRID["city/shiraz"]),
    "definition-missing": (None, CR.ListEntry),
    "ontology-metadata": ("clean-header.ttl", ox.NamedNode(ONTOLOGY_IRI)),
    "domain-range-missing": (None, CR.position),
    "domain-range-multiple": (None, CR.party),
    "symmetric-transitive": (None, CR.twinnedWith),
    "disjointness-missing": ("clean-disjointness.ttl", FOAF.Person),
    "undeclared-term": (None, CR.sisterCityOf),
    "arabic-letters": (None, CRID["city/karaj"]),
    "agreement-duplicate": (None, CRID["agreement/yazd--isfahan"]),
    "disjoint-types": (None, CRID["city/isfahan"]),
    "dangling-reference": (None, CRID["work/eskandaran-1319"]),
    "printed-count": (None, CRID["work/p/part/table"]),
    "list-entry-count": (None, CRID["list/isfahan"]),
    "entry-unattested": (None, CRID["list/isfahan/2"]),
    "reference-uncited": (None, CRID["work/nye-2008"]),
    "persian-orthography": (None, CRID["designation/isfahan--capital-2006"]),
    "anchor-missing": (None, CRID["list/isfahan/1"]),
    "argument-shortcut": (
        None,
        CRID["argument/tehran-advantages-capital-city--attributed-to--city-tehran"],
    ),
}


def query_name(path: Path) -> str:
    return path.name.removesuffix("-violation.rq")


def rows(files: list[str], query: Path) -> list[tuple[str, str]]:
    store = load_store([FIXTURES / name for name in files])
    solutions = store.query(query.read_text(encoding="utf-8"))
    assert [v.value for v in solutions.variables] == ["entity", "problem"]
    return [(s["entity"].value, s["problem"].value) for s in solutions]


def test_every_qc_query_has_a_broken_fixture():
    assert {query_name(q) for q in QUERIES} == set(BROKEN)


@pytest.mark.parametrize("query", QUERIES, ids=query_name)
def test_query_opens_with_a_header_saying_what_and_why(query):
    header = query.read_text(encoding="utf-8").split("PREFIX", 1)[0]
    assert header.startswith("# QC: ") and "# Why: " in header


@pytest.mark.parametrize("query", QUERIES, ids=query_name)
def test_clean_fixture_has_no_violations(query):
    assert rows(CLEAN, query) == []


@pytest.mark.parametrize("query", QUERIES, ids=query_name)
def test_broken_fixture_names_the_offending_entity(query):
    replaces, entity = BROKEN[query_name(query)]
    files = [f for f in CLEAN if f != replaces] + [f"broken.{query_name(query)}.ttl"]
    found = rows(files, query)
    assert entity.value in {e for e, _ in found}, found
    assert all(problem for _, problem in found)


def test_arabic_letters_query_ignores_persian_letters_and_other_languages():
    store = ox.Store()
    subject, label = CRID["city/yazd"], RDFS.label
    store.add(ox.Quad(subject, label, ox.Literal("یزد", language="fa")))
    store.add(ox.Quad(subject, label, ox.Literal("يزد", language="ar")))
    assert list(store.query((QC_DIR / "arabic-letters-violation.rq").read_text())) == []


def test_undeclared_term_query_checks_every_namespace_not_only_cr():
    """geo:lat and a foreign class used in data without declarations are named; rdfs:label and
    owl:sameAs (OWL 2's reserved vocabulary) are not."""
    query = QC_DIR / "undeclared-term-violation.rq"
    store = ox.Store()
    store.load(
        b"""@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        <https://w3id.org/cityrdf/id/city/yazd> a <https://schema.org/City> ; geo:lat 31.9 ;
            rdfs:label "Yazd"@en ; owl:sameAs <http://www.wikidata.org/entity/Q181702> .
        """,
        format=ox.RdfFormat.TURTLE,
    )
    found = {(s["entity"].value, s["problem"].value) for s in store.query(query.read_text())}
    assert {e for e, _ in found} == {
        "http://www.w3.org/2003/01/geo/wgs84_pos#lat",
        "https://schema.org/City",
    }


def test_persian_orthography_query_names_each_rule():
    found = rows(
        CLEAN + ["broken.persian-orthography.ttl"],
        QC_DIR / "persian-orthography-violation.rq",
    )
    problems = {entity.rsplit("/", 1)[-1]: problem for entity, problem in found}
    assert problems["isfahan--capital-2006"].startswith("Latin or Arabic-Indic digits")
    assert problems["tehran"].startswith("a suffix ها/های or a prefix می cut off")
    assert problems["yazd"].startswith("the prefix می joined without a ZWNJ")


def test_anchor_missing_query_spares_the_anchored_entry():
    found = rows(CLEAN + ["broken.anchor-missing.ttl"], QC_DIR / "anchor-missing-violation.rq")
    assert [entity for entity, _ in found] == [CRID["list/isfahan/1"].value]


def test_argument_shortcut_query_names_a_shortcut_without_its_link():
    found = rows(
        CLEAN + ["broken.argument-shortcut.ttl"], QC_DIR / "argument-shortcut-violation.rq"
    )
    assert {e for e, _ in found} == {
        CRID["argument/tehran-advantages-capital-city--attributed-to--city-tehran"].value,
        CRID["concept/findings/capacity-for-partnership"].value,
    }


def test_persian_digit_rule_reads_display_labels_only_and_each_rule_gives_a_row():
    """Latin digits in a Persian note are not the digit rule's business; a label breaking two
    rules is named once for each."""
    store = ox.Store()
    store.load(
        """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://w3id.org/cityrdf/id/city/yazd> skos:scopeNote "سال 1390"@fa .
        <https://w3id.org/cityrdf/id/city/karaj> rdfs:label "کتاب های 1390"@fa .
        """.encode(),
        format=ox.RdfFormat.TURTLE,
    )
    query = (QC_DIR / "persian-orthography-violation.rq").read_text(encoding="utf-8")
    found = [(s["entity"].value, s["problem"].value) for s in store.query(query)]
    assert sorted((e.rsplit("/", 1)[-1], p.split(" ", 2)[:2]) for e, p in found) == [
        ("karaj", ["Latin", "or"]),
        ("karaj", ["a", "suffix"]),
    ]


def test_argument_shortcut_query_follows_reversed_kinds():
    """A link of a kind whose shortcut runs from target to source (rests-on: the target supports
    the source) is satisfied by the reversed triple only; the forward one is named."""
    link, claim, evidence = (
        CRID["argument/claim--rests-on--evidence"],
        CRID["concept/findings/claim"],
        CRID["concept/findings/evidence"],
    )
    data = f"""@prefix cr: <https://w3id.org/cityrdf/ontology#> .
        @prefix mp: <http://purl.org/mp/> .
        {link} a cr:ArgumentLink ; cr:linkFrom {claim} ; cr:linkTo {evidence} ;
            cr:linkKind <https://w3id.org/cityrdf/id/concept/argument-link-kinds/rests-on> .
        """
    query = (QC_DIR / "argument-shortcut-violation.rq").read_text(encoding="utf-8")

    def named(shortcut: str) -> set[str]:
        store = ox.Store()
        store.load((data + shortcut).encode(), format=ox.RdfFormat.TURTLE)
        return {s["entity"].value for s in store.query(query)}

    assert named(f"{evidence} mp:supports {claim} .") == set()
    assert named(f"{claim} mp:supports {evidence} .") == {link.value, claim.value}


def test_disjoint_types_query_names_both_classes_and_reads_subclasses():
    query = QC_DIR / "disjoint-types-violation.rq"
    found = dict(rows([*CLEAN, "broken.disjoint-types.ttl"], query))
    assert found == {
        CRID["city/isfahan"].value: f"typed as {CR.City.value} and {CR.Country.value}, "
        "which the ontology declares disjoint",
        CRID["network/metropolis"].value: f"typed as {ORG.Organization.value} and {CR.City.value}, "
        "which the ontology declares disjoint",
    }


def test_disjoint_types_query_reads_each_disjoint_with_pair_alone():
    """A disjoint with B and with C: a resource typed B and C is fine, one typed A and C is not."""
    store = ox.Store()
    store.load(
        b"""@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix ex: <http://example.org/> .
        ex:A owl:disjointWith ex:B , ex:C .
        ex:bc a ex:B , ex:C .
        ex:ac a ex:A , ex:C .""",
        format=ox.RdfFormat.TURTLE,
    )
    found = store.query((QC_DIR / "disjoint-types-violation.rq").read_text(encoding="utf-8"))
    assert [s["entity"].value for s in found] == ["http://example.org/ac"]
