"""The link files in RDF: each link with its method, score, date and source; GeoNames facts said of the
GeoNames feature with their provenance."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

from cityrdf import links
from cityrdf.links.scores import DEFAULT_THRESHOLD
from cityrdf.rdf.graph import load_store
from cityrdf.rdf.namespaces import GEO, OWL, PROV, SKOS, XSD, sparql_prologue

from .support import CRID, GN, TODAY, WD, live_client


def test_links_carry_method_score_date_and_source(wikidata_endpoint, link_project):
    links.run(
        sources=link_project["sources"],
        out_dir=link_project["links"],
        today=TODAY,
        client=live_client(wikidata_endpoint, link_project["cache"]),
    )
    g = load_store([link_project["links"] / "wikidata.ttl"], entail=False)
    tehran, q3616 = ox.NamedNode(CRID + "city/tehran"), ox.NamedNode(WD + "Q3616")
    assert ox.Quad(tehran, SKOS.exactMatch, q3616) in g
    assert not list(g.quads_for_pattern(None, OWL.sameAs, None))
    rows = list(
        g.query(
            sparql_prologue()
            + f"""
        PREFIX sssom: <https://w3id.org/sssom/>
        SELECT ?how ?score ?date ?source WHERE {{
          VALUES (?s ?t) {{ ({tehran} {q3616}) }}
          ?a owl:annotatedSource ?s ; owl:annotatedProperty skos:exactMatch ; owl:annotatedTarget ?t ;
             sssom:mapping_justification ?how ; sssom:confidence ?score ; sssom:mapping_date ?date ;
             dcterms:source ?source }}"""
        )
    )
    assert len(rows) == 1
    how, score, date, source = (rows[0][v] for v in ("how", "score", "date", "source"))
    assert how.value == "https://w3id.org/semapv/vocab/LexicalMatching"
    assert float(score.value) >= DEFAULT_THRESHOLD
    assert date.datatype == XSD.date and dt.date.fromisoformat(date.value) == TODAY
    assert "Wikidata" in source.value


def test_enrichment_gives_geonames_coordinates_with_provenance(link_project):
    links.run(sources=link_project["sources"], out_dir=link_project["links"], today=TODAY)
    g = load_store([link_project["links"] / "geonames-enrichment.ttl"], entail=False)
    tehran = ox.NamedNode(f"{GN}112931/")

    def value(predicate: ox.NamedNode) -> ox.NamedNode | ox.Literal:
        (quad,) = g.quads_for_pattern(tehran, predicate, None)
        return quad.object

    assert 35 < float(value(GEO.lat).value) < 36 and 51 < float(value(GEO.long).value) < 52
    assert value(PROV.wasDerivedFrom) == ox.NamedNode("https://www.geonames.org/")


def test_the_tracked_link_files_link_by_exact_match_to_canonical_iris_with_sourced_points():
    """data/links/ as checked in: skos:exactMatch only (never owl:sameAs, which would import every
    statement of the target), GeoNames features as https://sws.geonames.org/N/, and a position
    only on a GeoNames feature that says where it comes from."""
    import re

    from cityrdf.project import current_project

    folder = current_project().links_dir
    link_files = load_store([folder / "wikidata.ttl", folder / "geonames.ttl"], entail=False)
    owl_axiom_terms = {OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget}
    links_made = [
        q
        for q in link_files
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(CRID)
    ]
    assert links_made and {q.predicate for q in links_made} == {SKOS.exactMatch}
    assert not list(link_files.quads_for_pattern(None, OWL.sameAs, None))
    targets = {q.object.value for q in links_made}
    geonames = {t for t in targets if "geonames" in t}
    wikidata = targets - geonames
    assert all(re.fullmatch(r"https://sws\.geonames\.org/[1-9]\d*/", t) for t in geonames)
    assert all(re.fullmatch(r"http://www\.wikidata\.org/entity/Q[1-9]\d*", t) for t in wikidata)
    assert {q.predicate for q in link_files if q.predicate not in owl_axiom_terms} >= {
        ox.NamedNode("https://w3id.org/sssom/mapping_justification")
    }
    enrichment = load_store([folder / "geonames-enrichment.ttl"], entail=False)
    placed = {q.subject for q in enrichment.quads_for_pattern(None, GEO.lat, None)}
    assert placed and all(s.value in geonames for s in placed)
    sourced = {q.subject for q in enrichment.quads_for_pattern(None, PROV.wasDerivedFrom, None)}
    assert placed <= sourced
