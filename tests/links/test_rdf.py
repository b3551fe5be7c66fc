"""The link files in RDF: each link with its method, score, date and source; GeoNames facts said of the
GeoNames feature with their provenance."""

from __future__ import annotations

import rdflib
from rdflib.namespace import OWL, SKOS

from cityrdf import links
from cityrdf.links.scores import DEFAULT_THRESHOLD

from .support import CRID, GN, TODAY, WD, live_client


def test_links_carry_method_score_date_and_source(wikidata_endpoint, link_project):
    links.run(
        sources=link_project["sources"],
        out_dir=link_project["links"],
        today=TODAY,
        client=live_client(wikidata_endpoint, link_project["cache"]),
    )
    g = rdflib.Graph().parse(link_project["links"] / "wikidata.ttl")
    tehran, q3616 = rdflib.URIRef(CRID + "city/tehran"), rdflib.URIRef(WD + "Q3616")
    assert (tehran, SKOS.exactMatch, q3616) in g
    assert not list(g.triples((None, OWL.sameAs, None)))
    rows = list(
        g.query(
            """
        PREFIX sssom: <https://w3id.org/sssom/>
        SELECT ?how ?score ?date ?source WHERE {
          ?a owl:annotatedSource ?s ; owl:annotatedProperty skos:exactMatch ; owl:annotatedTarget ?t ;
             sssom:mapping_justification ?how ; sssom:confidence ?score ; sssom:mapping_date ?date ;
             dcterms:source ?source }""",
            initBindings={"s": tehran, "t": q3616},
            initNs={"owl": OWL, "skos": SKOS, "dcterms": rdflib.namespace.DCTERMS},
        )
    )
    assert len(rows) == 1
    how, score, date, source = rows[0]
    assert str(how) == "https://w3id.org/semapv/vocab/LexicalMatching"
    assert float(score) >= DEFAULT_THRESHOLD and date.toPython() == TODAY
    assert "Wikidata" in str(source)


def test_enrichment_gives_geonames_coordinates_with_provenance(link_project):
    links.run(sources=link_project["sources"], out_dir=link_project["links"], today=TODAY)
    g = rdflib.Graph().parse(link_project["links"] / "geonames-enrichment.ttl")
    tehran = rdflib.URIRef(f"{GN}112931/")
    geo = rdflib.Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
    assert 35 < float(g.value(tehran, geo.lat)) < 36 and 51 < float(g.value(tehran, geo.long)) < 52
    assert g.value(tehran, rdflib.namespace.PROV.wasDerivedFrom) == rdflib.URIRef(
        "https://www.geonames.org/"
    )
