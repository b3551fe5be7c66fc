"""The view of one resource: what its "what links here" block shows, and its RDF document."""

from __future__ import annotations

import html5lib
import pyoxigraph as ox

from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import CR, CRID, ORG, QB, RDF, RDFS
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


def named(store: ox.Store, node: ox.NamedNode, en: str | None, fa: str | None = None) -> None:
    for text, lang in ((en, "en"), (fa, "fa")):
        if text:
            store.add(ox.Quad(node, RDFS.label, ox.Literal(text, language=lang)))


def heading_and_link(store: ox.Store, iri: ox.NamedNode, linked_from: ox.NamedNode):
    """The page's <h1>, and the text of the link to it on a page that links to it."""
    pages = Pages(SiteModel(store, ontology_files=[]))
    page = html5lib.parse(pages.resource(iri.value), namespaceHTMLElements=False)
    other = html5lib.parse(pages.resource(linked_from.value), namespaceHTMLElements=False)
    href = iri.value.rsplit("/", 1)[-1] + ".html"
    links = {"".join(a.itertext()) for a in other.iter("a") if a.get("href", "").endswith(href)}
    return "".join(page.find(".//h1").itertext()), links


def test_a_row_of_the_papers_list_is_named_by_its_list_position_and_city():
    store, row, listed, city = ox.Store(), CRID["list/x/17"], CRID["list/x"], CRID["city/a"]
    named(store, listed, "Tehran's foreign sister cities", "فهرست خارجی")
    named(store, city, "Ankara", "آنکارا")
    for p, o in ((RDF.type, CR.ListEntry), (CR.inList, listed), (CR.names, city),
                 (CR.position, ox.Literal("17", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))):  # fmt: skip
        store.add(ox.Quad(row, p, o))
    store.add(ox.Quad(CRID["agreement/a--b"], CR.attestedBy, row))
    model = SiteModel(store, ontology_files=[])
    assert model.view(row.value).labels == {
        "en": ["Tehran's foreign sister cities, no. 17: Ankara"],
        "fa": ["فهرست خارجی، ردیف ۱۷: آنکارا"],
    }
    heading, links = heading_and_link(store, row, CRID["agreement/a--b"])
    assert heading == "Tehran's foreign sister cities, no. 17: Ankara"
    assert links == {heading, "فهرست خارجی، ردیف ۱۷: آنکارا"}  # English and Persian tables


def test_a_membership_an_argument_link_and_an_observation_are_named_from_their_parts():
    store = ox.Store()
    membership, city, network = CRID["membership/a--n"], CRID["city/a"], CRID["network/n"]
    named(store, city, "Tehran", "تهران")
    named(store, network, "Metropolis", "متروپلیس")
    store.add(ox.Quad(membership, RDF.type, ORG.Membership))
    store.add(ox.Quad(membership, ORG.member, city))
    store.add(ox.Quad(membership, ORG.organization, network))
    observation, dataset, country = CRID["observation/d/c"], CRID["dataset/d"], CRID["country/c"]
    named(store, dataset, "Partnerships by country", "مشارکت به تفکیک کشور")
    named(store, country, "China", "چین")
    store.add(ox.Quad(CR.refCountry, RDF.type, QB.DimensionProperty))
    store.add(ox.Quad(observation, RDF.type, QB.Observation))
    store.add(ox.Quad(observation, QB.dataSet, dataset))
    store.add(ox.Quad(observation, CR.refCountry, country))
    store.add(ox.Quad(observation, CR.partnerships, ox.Literal("164")))
    link, kind = CRID["argument/x--attributed-to--membership-a--n"], CRID["concept/k/attributed-to"]
    named(store, kind, "attributed to", "منتسب به")
    store.add(ox.Quad(link, RDF.type, CR.ArgumentLink))
    store.add(ox.Quad(link, CR.linkKind, kind))
    store.add(ox.Quad(link, CR.linkTo, membership))
    model = SiteModel(store, ontology_files=[])
    assert model.view(link.value).labels == {
        "en": ["attributed to: Tehran in Metropolis"],
        "fa": ["منتسب به: عضویت تهران در متروپلیس"],
    }
    assert model.view(membership.value).labels == {
        "en": ["Tehran in Metropolis"],
        "fa": ["عضویت تهران در متروپلیس"],
    }
    assert model.view(observation.value).labels == {
        "en": ["Partnerships by country: China"],
        "fa": ["مشارکت به تفکیک کشور: چین"],
    }


def test_a_resource_named_only_in_persian_shows_that_name_not_its_iri():
    store, work, concept = ox.Store(), CRID["work/w-1395"], CRID["concept/s/soft-power"]
    named(store, work, None, "قدرت نرم")
    named(store, concept, "soft power")
    store.add(ox.Quad(concept, CR.citesAsEvidence, work))
    heading, links = heading_and_link(store, work, concept)
    assert heading == "قدرت نرم"
    assert links == {"قدرت نرم"}


def test_a_city_without_coordinates_says_why_it_is_on_no_map():
    store = ox.Store()
    store.add(ox.Quad(CITY, RDF.type, CR.City))
    named(store, CITY, "A", "آ")
    html = Pages(SiteModel(store, ontology_files=[])).resource(CITY.value)
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    said = [dd for dd in tree.iter("dd") if dd.get("class") == "no-place"]
    assert len(said) == 1 and "neither the paper nor a gazetteer" in "".join(said[0].itertext())
    assert not any(f.get("class") == "map" for f in tree.iter("figure"))
