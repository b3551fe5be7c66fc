"""The project's Wikidata links agree with the reference folder of confirmed QIDs: a QID for every
city and country it confirms, none contradicting it, no link for an unconfirmed one.

Run against a small fixture in the repo (facts from the reference folder), and against
../shared/reference-data/wikidata-ids/ itself when that folder is beside the checkout.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest

from cityrdf.errors import BadInput
from cityrdf.links.curated import CURATED_IDS, curated_candidates
from cityrdf.links.decide import decide
from cityrdf.links.model import Place
from cityrdf.links.scores import DEFAULT_THRESHOLD
from cityrdf.project import current_project
from cityrdf.query import cell_text, run
from cityrdf.rdf.graph import load_store
from cityrdf.rdf.namespaces import sparql_prologue

FIXTURE = Path(__file__).parent / "fixtures" / "reference"
SHARED = current_project().root.parent / "shared" / "reference-data" / "wikidata-ids"


def fixture_and_shared(name: str, fixture: Path, shared: Path):
    """`name` parametrised by the small fixture, and by the shared reference data when it is beside
    the checkout (skipped otherwise)."""
    present = pytest.mark.skipif(
        not shared.exists(), reason=f"{shared} is not beside this checkout"
    )
    return pytest.mark.parametrize(
        name, [fixture, pytest.param(shared, marks=present)], ids=["fixture", "shared-reference"]
    )


WD = "http://www.wikidata.org/entity/"


@pytest.fixture(scope="module")
def project_store():
    return load_store()


def reference(folder: Path, name: str) -> dict[str, str]:
    """English name -> confirmed QID ("" when the folder confirms none)."""
    with (folder / name).open(encoding="utf-8", newline="") as f:
        return {row["name_en"]: row["wikidata_qid"] for row in csv.DictReader(f)}


def city_links(store) -> dict[str, str]:
    answer = run("external-links", store=store)
    column = {c: i for i, c in enumerate(answer.columns)}
    return {
        cell_text(row[column["cityLabel"]]): cell_text(row[column["wikidata"]]).removeprefix(WD)
        for row in answer.rows
    }


def country_links(store) -> dict[str, str]:
    query = (
        sparql_prologue()
        + """SELECT ?label ?q WHERE {
      ?c a cr:Country ; rdfs:label ?label FILTER(lang(?label) = "en")
      OPTIONAL { ?c skos:exactMatch ?q FILTER(STRSTARTS(STR(?q), STR(wd:))) } }"""
    )
    return {
        r["label"].value: (r["q"].value.removeprefix(WD) if r["q"] else "")
        for r in store.query(query)
    }


def assert_agrees(links: dict[str, str], confirmed: dict[str, str]) -> None:
    missing = sorted(name for name in confirmed if name not in links)
    assert not missing, f"the reference names places the project lacks: {missing}"
    wrong = {n: (links[n], q) for n, q in confirmed.items() if links[n] != q}
    assert not wrong, f"project QID vs reference QID: {wrong}"


@fixture_and_shared("folder", FIXTURE, SHARED)
def test_every_confirmed_qid_is_linked_and_none_contradicts(folder, project_store):
    assert_agrees(city_links(project_store), reference(folder, "cities.csv"))
    assert_agrees(country_links(project_store), reference(folder, "countries.csv"))


def test_every_country_is_linked_to_wikidata_and_geonames(project_store):
    query = (
        sparql_prologue()
        + """SELECT ?c (COUNT(DISTINCT ?q) AS ?n) WHERE {
      ?c a cr:Country . OPTIONAL { ?c skos:exactMatch ?q } } GROUP BY ?c"""
    )
    counts = {r["c"].value: int(r["n"].value) for r in project_store.query(query)}
    assert counts and all(n == 2 for n in counts.values()), counts


def test_unconfirmed_candidates_go_to_review_never_to_the_links(tmp_path):
    table = tmp_path / CURATED_IDS
    table.write_text(
        "iri,label,wikidata,geonames,justification,confidence,evidence,candidates\n"
        "https://w3id.org/cityrdf/id/city/bam,Bam,,,,,one source only,Q106636 Q604576\n",
        encoding="utf-8",
    )
    place = Place("https://w3id.org/cityrdf/id/city/bam", "city", "Bam")
    candidates = curated_candidates(table)[place.iri]
    decision = decide(place, "wikidata", candidates, DEFAULT_THRESHOLD)
    assert decision.accepted is None
    assert decision.reason == "candidates only: one source only"
    assert {c.target for c in decision.candidates} == {WD + "Q106636", WD + "Q604576"}


def test_a_candidate_that_is_not_a_qid_is_refused_with_its_line(tmp_path):
    table = tmp_path / CURATED_IDS
    table.write_text(
        "iri,label,wikidata,geonames,justification,confidence,evidence,candidates\n"
        "https://w3id.org/cityrdf/id/city/bam,Bam,,,,,x,Q1 P17\n",
        encoding="utf-8",
    )
    with pytest.raises(BadInput, match=r"curated-ids.csv:2: candidate 'P17'"):
        curated_candidates(table)


def test_networks_without_a_confirmed_qid_are_in_the_review_table_with_the_reason():
    with (current_project().links_dir / "review.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if "/network/" in r["place"]]
    networks = {r["place"] for r in rows}
    assert len(networks) == 9
    assert all(r["reason"].startswith(("QID not confirmed", "candidates only")) for r in rows)


WDT = "http://www.wikidata.org/prop/direct/"


def stated_properties() -> dict[str, set[str]]:
    """Each Wikidata property the ontology states (its SSSOM alignment and its own triples), with
    the labels the alignment gives it."""
    from sssom.parsers import parse_sssom_table

    ontology = current_project().ontology_dir
    msdf = parse_sssom_table(ontology / "cityrdf-wikidata.sssom.tsv")
    stated: dict[str, set[str]] = {}
    for object_id, label in zip(msdf.df["object_id"], msdf.df["object_label"]):
        if str(object_id).startswith("wdt:"):
            stated.setdefault(str(object_id).removeprefix("wdt:"), set()).add(str(label))
    for q in load_store([ontology / "cityrdf.ttl"], entail=False):
        for term in (q.subject, q.predicate, q.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(WDT):
                stated.setdefault(term.value.removeprefix(WDT), set())
    return stated


@fixture_and_shared("folder", FIXTURE, SHARED)
def test_every_wikidata_property_stated_is_a_confirmed_one_with_its_meaning(folder):
    with (folder / "properties.csv").open(encoding="utf-8", newline="") as f:
        meaning = {row["property"]: row["meaning"] for row in csv.DictReader(f)}
    stated = stated_properties()
    assert {"P190", "P17", "P463", "P580"} <= set(stated)
    unconfirmed = sorted(set(stated) - set(meaning))
    assert not unconfirmed, f"properties the reference does not confirm: {unconfirmed}"
    # the alignment's label is the reference meaning, without its gloss in parentheses
    wrong = {
        p: labels
        for p, labels in stated.items()
        if labels and labels != {meaning[p].split(" (")[0]}
    }
    assert not wrong, f"property labels that are not the reference meaning: {wrong}"


VERIFIED = current_project().root.parent / "shared" / "reference-data" / "verified-city-ids.csv"
GEONAMES = "https://sws.geonames.org/"


@fixture_and_shared("table", FIXTURE / "verified-city-ids.csv", VERIFIED)
def test_every_verified_geonames_id_is_the_citys_geonames_link(table, project_store):
    """The GeoNames IDs of the paper's main cities (verified-city-ids.csv), matched by their
    English name written without accents (the table writes Brasilia)."""
    from cityrdf.text import ascii_key

    answer = run("external-links", store=project_store)
    column = {c: i for i, c in enumerate(answer.columns)}
    links = {
        ascii_key(cell_text(row[column["cityLabel"]])): cell_text(row[column["geonames"]])
        for row in answer.rows
    }
    with table.open(encoding="utf-8", newline="") as f:
        verified = {
            ascii_key(r["name_en"]): r["geonames_id"] for r in csv.DictReader(f) if r["geonames_id"]
        }
    assert verified
    assert {name: links.get(name) for name in verified} == {
        name: f"{GEONAMES}{n}/" for name, n in verified.items()
    }
