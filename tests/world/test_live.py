"""Live Wikidata as a world source, against a real SPARQL server (Oxigraph on loopback) loaded with
P190 statements in Wikidata's shape: paging, the P580 qualifier, en/fa labels, the cache."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cityrdf.errors import BadInput
from cityrdf.sparql.wikidata import WikidataClient
from cityrdf.world import run as world_run
from cityrdf.world.live import Bounds, read_live
from tests.misbehaving_endpoint import MisbehavingEndpoint

from .conftest import FIXTURES, NOW

CRID = "https://w3id.org/cityrdf/id/"


def test_every_statement_is_read_page_by_page_with_qualifier_labels_and_country(
    live_endpoint, tmp_path
):
    client = WikidataClient(endpoint=live_endpoint.url, cache_dir=tmp_path, backoff=0)
    before = live_endpoint.requests
    source = read_live(client, page_size=2)
    # 3 statements in pages of 2: two pages, then one question for the places' labels
    assert live_endpoint.requests - before == 3
    pairs = {(s.a.qid, s.b.qid, s.start) for s in source.statements}
    assert pairs == {("Q42053", "Q641", ""), ("Q641", "Q42053", ""), ("Q3616", "Q65", "1974-01-01")}
    assert source.labels["Q42053"] == {"en": "Isfahan", "fa": "اصفهان"}
    isfahan = next(s.a for s in source.statements if s.a.qid == "Q42053")
    assert (isfahan.iso2, isfahan.country_qid) == ("IR", "Q794")
    assert source.coordinates["Q641"] == pytest.approx((45.43866, 12.335))


def test_a_rerun_is_answered_from_the_cache(live_endpoint, tmp_path):
    read_live(WikidataClient(endpoint=live_endpoint.url, cache_dir=tmp_path), page_size=2)
    before = live_endpoint.requests
    again = read_live(WikidataClient(endpoint=live_endpoint.url, cache_dir=tmp_path), page_size=2)
    assert live_endpoint.requests == before
    assert len(again.statements) == 3


def test_the_live_graph_keeps_the_papers_iris_and_its_dates_disagree_queryably(
    live_endpoint, tmp_path
):
    client = WikidataClient(endpoint=live_endpoint.url, cache_dir=tmp_path / "cache")
    world_run.run(
        client=client, places=FIXTURES / "populated-places.csv", out_dir=tmp_path, now=NOW
    )
    store = ox.Store()
    store.load(path=str(tmp_path / "wikidata-live.nq"), format=ox.RdfFormat.N_QUADS)
    from cityrdf.rdf.graph import load_store

    project = load_store()
    for quad in store:
        project.add(quad)
    # the paper says 1972 for Los Angeles - Tehran; the (illustrative) live statement says 1974
    found = [
        (r["paper"].value, r["live"].value)
        for r in project.query(
            """PREFIX cr: <https://w3id.org/cityrdf/ontology#>
            SELECT ?paper ?live WHERE {
              ?agreement cr:signingDate ?paper .
              GRAPH <https://w3id.org/cityrdf/graph/world/wikidata-live> {
                ?agreement cr:attestedBy ?record . ?record <http://purl.org/dc/terms/date> ?live } }"""
        )
    ]
    assert found == [("1972", "1974-01-01")]
    labels = {
        (r["l"].value, r["l"].language)
        for r in store.query(
            f"SELECT ?l WHERE {{ GRAPH ?g {{ <{CRID}city/wd/Q641> "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?l } }"
        )
    }
    assert labels == {("Venice", "en"), ("ونیز", "fa")}


def test_an_endpoint_that_keeps_failing_is_a_clear_error(tmp_path):
    from tests.links.conftest import _serve

    for server in _serve(None, "500"):
        client = WikidataClient(
            endpoint=server.url, cache_dir=tmp_path, backoff=0, attempts=2, timeout=2
        )
        with pytest.raises(BadInput, match=r"HTTP 500\b.*after 2 attempts"):
            read_live(client)


@pytest.fixture(scope="module")
def misbehaving():
    server = MisbehavingEndpoint().start()
    yield server
    server.stop()


def test_an_endpoint_that_always_sends_a_full_page_is_stopped_at_the_page_bound(
    misbehaving, tmp_path
):
    client = WikidataClient(endpoint=misbehaving.url("/endless-pages"), cache_dir=tmp_path)
    with pytest.raises(BadInput, match="still a full page of 2 statements after 5 pages; stopped"):
        read_live(client, page_size=2, bounds=Bounds(max_pages=5))
    assert len(list(tmp_path.iterdir())) == 5  # the cache holds the pages read, no more


def test_an_endpoint_that_ignores_offset_is_stopped_at_the_second_page(misbehaving, tmp_path):
    client = WikidataClient(endpoint=misbehaving.url("/same-page"), cache_dir=tmp_path)
    with pytest.raises(BadInput, match="same page for OFFSET 0 and 2; it ignores OFFSET"):
        read_live(client, page_size=2)
    assert len(list(tmp_path.iterdir())) == 2


def test_the_answers_of_one_run_are_bounded_in_bytes(misbehaving, tmp_path):
    client = WikidataClient(endpoint=misbehaving.url("/endless-pages"), cache_dir=tmp_path)
    with pytest.raises(BadInput, match="the answers passed 1 MiB together; stopped"):
        read_live(client, page_size=2_000, bounds=Bounds(max_bytes=2**20))
    cached = sum(f.stat().st_size for f in tmp_path.iterdir())
    assert 2**20 < cached < 2**20 + 2 * 400_000  # one page (~250 KB) past the bound at most


def test_values_that_are_no_wikidata_items_and_codes_that_are_no_iso_codes_are_skipped(tmp_path):
    """An endpoint that is not Wikidata may answer any IRI: only Wikidata items are places (an IRI
    ending in a QID elsewhere is not that item), and only two capital letters are an ISO code."""
    from tests.links.conftest import _serve

    store = ox.Store()
    store.load(path=str(FIXTURES / "wikidata-live.ttl"), format=ox.RdfFormat.TURTLE)
    # INVENTED items Q9990201 and Q9990202, and an IRI outside Wikidata that ends in Tehran's QID
    store.load(
        input=b"""@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix p: <http://www.wikidata.org/prop/> .
@prefix ps: <http://www.wikidata.org/prop/statement/> .
@prefix wds: <http://www.wikidata.org/entity/statement/> .
<http://evil.example/entity/Q3616> p:P190 wds:evil-1 . wds:evil-1 ps:P190 wd:Q65 .
wd:Q9990201 p:P190 wds:Q9990201-1 . wds:Q9990201-1 ps:P190 wd:Q9990202 .
wd:Q9990201 wdt:P17 <http://evil.example/entity/Q794> .
wd:Q9990202 wdt:P17 wd:Q9990203 . wd:Q9990203 wdt:P297 "=1+1" .
""",
        format=ox.RdfFormat.TURTLE,
    )
    for server in _serve(store):
        source = read_live(WikidataClient(endpoint=server.url, cache_dir=tmp_path, backoff=0))
    pairs = {(s.a.qid, s.b.qid) for s in source.statements}
    assert ("Q3616", "Q65") in pairs and ("Q9990201", "Q9990202") in pairs
    assert len(source.statements) == 4  # the fixture's 3 and Q9990201's; not the outside IRI's
    refs = {r.qid: r for s in source.statements for r in (s.a, s.b)}
    assert (refs["Q9990201"].country_qid, refs["Q9990201"].iso2) == (None, None)
    assert (refs["Q9990202"].country_qid, refs["Q9990202"].iso2) == ("Q9990203", None)
