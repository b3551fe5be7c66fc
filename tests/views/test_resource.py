"""The view of one resource: what its "what links here" block shows, and its RDF document."""

from __future__ import annotations

import html5lib
import pyoxigraph as ox

from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import CR, CRID, RDF, RDFS
from cityrdf.views.render import Pages
from cityrdf.views.resource import RDF_FORMATS, SiteModel, serialize

CITY = CRID["city/a"]
# argument links to the city: three share one label, as the paper's links to Tehran do
LINKS = {
    CRID["argument/x--attributed-to--city-a"]: "attributed to: A",
    CRID["argument/y--attributed-to--city-a"]: "attributed to: A",
    CRID["argument/z--attributed-to--city-a"]: "attributed to: A",
    CRID["argument/w--recommended-for--city-a"]: "recommended for: A",
}


def linked_block(store: ox.Store):
    html = Pages(SiteModel(store, ontology_files=[])).resource(CITY.value)
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    return next(dl for dl in tree.iter("dl") if dl.get("class") == "linked")


def city_with_links() -> ox.Store:
    store = ox.Store()
    store.add(ox.Quad(CITY, RDF.type, CR.City))
    store.add(ox.Quad(CITY, RDFS.label, ox.Literal("A", language="en")))
    for link, label in LINKS.items():
        store.add(ox.Quad(link, RDFS.label, ox.Literal(label, language="en")))
        store.add(ox.Quad(link, CR.linkTo, CITY))
    return store


def test_links_that_share_a_label_show_it_once_with_a_link_to_each():
    block = linked_block(city_with_links())
    (dd,) = block.iter("dd")
    text = "".join(dd.itertext())
    assert text.count("attributed to: A") == 1
    assert text.count("recommended for: A") == 1
    assert "×3" in text
    hrefs = [a.get("href") for a in dd.iter("a")]
    assert sorted(h.rsplit("/", 1)[-1] for h in hrefs) == sorted(
        link.value.rsplit("/", 1)[-1] + ".html" for link in LINKS
    )
    (dt,) = block.iter("dt")
    assert "(4)" in "".join(dt.itertext())


def test_a_shared_label_numbers_its_links_in_iri_order():
    (dd,) = linked_block(city_with_links()).iter("dd")
    shared = next(span for span in dd.iter("span") if span.get("class") == "same-label")
    numbered = [(a.text, a.get("href").rsplit("/", 1)[-1]) for a in shared.iter("a")]
    assert numbered == [
        ("1", "x--attributed-to--city-a.html"),
        ("2", "y--attributed-to--city-a.html"),
        ("3", "z--attributed-to--city-a.html"),
    ]
    assert [a.get("aria-label") for a in shared.iter("a")] == [
        f"attributed to: A, {n} of 3" for n in (1, 2, 3)
    ]


def test_a_document_with_blank_nodes_has_the_same_bytes_from_two_loads_of_the_project():
    """Each load names the sources' blank nodes afresh; the published bytes must not change."""
    claim = CRID["concept/findings/capacity-for-partnership"].value  # its text anchors
    first, second = (SiteModel(graph.load_store()).document(claim) for _ in range(2))
    assert any(isinstance(t.subject, ox.BlankNode) for t in first)
    assert first[0].subject == ox.NamedNode(claim)  # the resource's own triples lead
    for fmt in RDF_FORMATS:
        assert serialize(first, fmt) == serialize(second, fmt), fmt
