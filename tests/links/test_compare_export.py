"""`cityrdf compare wikidata` and `cityrdf export quickstatements` on the committed fixtures."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from cityrdf import compare, export, links
from cityrdf.errors import BadInput
from cityrdf.sparql.wikidata import WikidataClient

from .conftest import FIXTURES

PAIRS = FIXTURES / "p190-pairs.tsv"
RETRIEVED = dt.date(2026, 1, 2)


@pytest.fixture
def linked_sources(wikidata_endpoint, link_project):
    """The small project plus the Wikidata links that `cityrdf link` makes against the fixture."""
    client = WikidataClient(
        endpoint=wikidata_endpoint.url, cache_dir=link_project["cache"], backoff=0.01
    )
    links.run(sources=link_project["sources"], out_dir=link_project["links"], client=client)
    return link_project["sources"] + [link_project["links"] / "wikidata.ttl"]


def verdicts(rows) -> dict[frozenset, tuple[str, str]]:
    return {frozenset(r.qids): (r.verdict, r.year_check) for r in rows}


def test_pairs_file_comparison_sorts_pairs_into_both_paper_only_and_years(linked_sources, tmp_path):
    rows = compare.run(pairs=PAIRS, out=tmp_path, sources=linked_sources)
    assert verdicts(rows) == {
        frozenset({"Q3616", "Q8684"}): ("both", "same year"),  # Tehran–Seoul, 1963
        frozenset({"Q3616", "Q649"}): ("both", "different year"),  # Tehran–Moscow, 2015 vs 2014
        frozenset({"Q42053", "Q1361"}): ("both", ""),  # Isfahan–Hyderabad, no dates
        frozenset({"Q3616", "Q90"}): ("paper only", ""),  # Tehran–Paris, not in the crawl
        frozenset({"Q3616", "Q65"}): ("paper only", ""),  # Tehran–Los Angeles
    }
    with (tmp_path / "comparison.csv").open(encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert [r["verdict"] for r in table].count("paper only") == 2
    report = (tmp_path / "comparison.md").read_text(encoding="utf-8")
    assert "- in both: 3" in report and "- only in the paper: 2" in report


def test_live_comparison_agrees_with_the_pairs_file_and_finds_wikidata_only_pairs(
    linked_sources, wikidata_endpoint, tmp_path
):
    client = WikidataClient(
        endpoint=wikidata_endpoint.url, cache_dir=tmp_path / "cache", backoff=0.01
    )
    rows, _, _ = compare.comparison(sources=linked_sources, client=client)
    from_file, _, _ = compare.comparison(pairs=PAIRS, sources=linked_sources)
    assert verdicts(rows) == verdicts(from_file)


def test_wikidata_only_pairs_are_those_of_the_papers_iranian_cities(linked_sources, tmp_path):
    extra = tmp_path / "pairs.tsv"
    extra.write_text(PAIRS.read_text() + "Q3616\tQ1234567\nQ90\tQ7654321\n", encoding="utf-8")
    rows, _, _ = compare.comparison(pairs=extra, sources=linked_sources)
    only = {frozenset(r.qids) for r in rows if r.verdict == "wikidata only"}
    assert only == {
        frozenset({"Q3616", "Q1234567"})
    }  # Paris's own twins are not the paper's subject


def test_malformed_pairs_file_is_reported_with_its_line(linked_sources, tmp_path):
    bad = tmp_path / "pairs.tsv"
    bad.write_text("Q3616\tQ8684\nTehran\tSeoul\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"pairs.tsv:2: expected QID<TAB>QID"):
        compare.comparison(pairs=bad, sources=linked_sources)


def test_quickstatements_add_missing_pacts_both_ways_at_the_printed_precision(
    linked_sources, tmp_path
):
    out = tmp_path / "p190.qs"
    export.run(out, pairs=PAIRS, sources=linked_sources, retrieved=RETRIEVED)
    ref = "S813\t+2026-01-02T00:00:00Z/11"
    paris = 'S854\t"https://w3id.org/cityrdf/id/agreement/paris--tehran"\t' + ref
    la = 'S854\t"https://w3id.org/cityrdf/id/agreement/los-angeles--tehran"\t' + ref
    assert out.read_text(encoding="utf-8").splitlines() == [
        f"Q65\tP190\tQ3616\tP580\t+1972-00-00T00:00:00Z/9\t{la}",
        f"Q3616\tP190\tQ65\tP580\t+1972-00-00T00:00:00Z/9\t{la}",
        f"Q90\tP190\tQ3616\tP580\t+2000-08-17T00:00:00Z/11\t{paris}",
        f"Q3616\tP190\tQ90\tP580\t+2000-08-17T00:00:00Z/11\t{paris}",
    ]


def test_unofficial_pacts_are_exported_only_on_request_and_say_so(linked_sources, tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("Q3616\tQ8684\n", encoding="utf-8")  # Wikidata lacks Isfahan–Hyderabad here
    default = export.run(
        tmp_path / "a.qs", pairs=pairs, sources=linked_sources, retrieved=RETRIEVED
    )
    assert not any("Q1361" in line for line in default)
    asked = export.run(
        tmp_path / "b.qs",
        pairs=pairs,
        sources=linked_sources,
        retrieved=RETRIEVED,
        include_unofficial=True,
        paper_qid="Q123",
    )
    hyderabad = [line for line in asked if "Q1361" in line]
    assert len(hyderabad) == 2
    assert all(
        line.endswith("/* Hyderabad – Isfahan: the paper marks this pair unofficial */")
        for line in hyderabad
    )
    assert all("\tS248\tQ123\t" in line for line in asked)


def test_cli_compare_needs_exactly_one_wikidata_source(run_cityrdf_here, tmp_path):
    result = run_cityrdf_here("compare", "wikidata", "--out", str(tmp_path))
    assert result.returncode == 2 and result.stderr.startswith("error: give exactly one of --pairs")


def test_a_twin_that_is_no_wikidata_item_is_no_pair_of_wikidata(tmp_path):
    """An endpoint may answer any IRI: one outside Wikidata that ends in a QID (here Los Angeles')
    is not that item, so it makes no Wikidata pair."""
    import pyoxigraph as ox

    from .conftest import _serve

    store = ox.Store()
    for path in sorted(FIXTURES.glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    store.load(
        input=b"""@prefix wd: <http://www.wikidata.org/entity/> .
@prefix p: <http://www.wikidata.org/prop/> .
@prefix ps: <http://www.wikidata.org/prop/statement/> .
@prefix wds: <http://www.wikidata.org/entity/statement/> .
wd:Q42053 p:P190 wds:Q42053-outside . wds:Q42053-outside ps:P190 <http://evil.example/Q65> .
""",
        format=ox.RdfFormat.TURTLE,
    )
    for server in _serve(store):
        client = WikidataClient(endpoint=server.url, cache_dir=tmp_path, backoff=0)
        pairs, labels = compare.endpoint_pairs(client, ["Q42053"])
    assert "Q65" not in labels  # its label is not taken for the item either
    assert pairs and frozenset(("Q42053", "Q65")) not in pairs
    assert all(len(pair) == 2 and all(q.startswith("Q") for q in pair) for pair in pairs)
