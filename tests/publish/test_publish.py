"""`cityrdf publish`: every page and RDF file parses, every internal link resolves, the catalogue
records are right, and a failed publish leaves the previous site intact."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib
import pyoxigraph as ox
import pytest
import rdflib  # the documents and dumps are compared as graphs with rdflib.compare
from rdflib.compare import isomorphic

from cityrdf import describe, publish
from cityrdf.errors import BadInput
from cityrdf.rdf import graph, rdflib_bridge
from cityrdf.rdf.namespaces import CR, DCAT, DCTERMS, OWL, RDF, SD, SPDX, VOID, XSD
from tests.publish.expected import as_written

CRID = "https://w3id.org/cityrdf/id/"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
RDF_PARSERS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".rdf": "xml"}


def read_turtle(path: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=path, format=ox.RdfFormat.TURTLE)
    return store


def has(g: ox.Store, s, p, o) -> bool:
    return next(g.quads_for_pattern(s, p, o), None) is not None


def objects(g: ox.Store, s, p) -> set:
    return {q.object for q in g.quads_for_pattern(s, p, None)}


def value(g: ox.Store, s, p):
    """The one object of `s p`, or None; a second one fails the test."""
    found = objects(g, s, p)
    assert len(found) <= 1, (s, p, found)
    return next(iter(found), None)


@pytest.fixture(scope="module")
def site(mini_project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("published") / "site"
    publish.publish(out)
    return out


def html_links(page: Path) -> list[str]:
    tree = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
    return [
        el.get("href") or el.get("src") for el in tree.iter() if el.get("href") or el.get("src")
    ]


SITE_BASE = "https://w3id.org/cityrdf/"
ELEMENT_ID = re.compile(r'\sid="([^"]+)"')


def linked_file(root: Path, page: Path, href: str) -> Path | None:
    """The site file an internal link opens (None for a link elsewhere). One of our IRIs
    (`https://w3id.org/cityrdf/id/city/tehran`) opens the page published for it, as on a host."""
    parts = urlsplit(href)
    if href.startswith(SITE_BASE):
        stem = root / unquote(parts.path.removeprefix(urlsplit(SITE_BASE).path))
        pages = (stem, stem.with_name(stem.name + ".html"), stem / "index.html")
        found = next((p for p in pages if p.is_file()), None)
        assert found, f"{page.relative_to(root)} links to {href}, which has no page"
        return found
    if parts.scheme or href.startswith("mailto:"):
        return None
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    assert target.is_file(), f"{page.relative_to(root)} links to missing {href}"
    return target


def check_site(root: Path) -> int:
    """Parse every page strictly and every RDF file, and resolve every internal link to a file,
    and its #fragment to an element of that page."""
    checked = 0
    ids: dict[Path, set[str]] = {}
    for page in root.rglob("*.html"):
        html5lib.HTMLParser(strict=True).parse(page.read_bytes())
        for href in html_links(page):
            target = linked_file(root, page, href)
            fragment = unquote(urlsplit(href).fragment)
            if target is None or not fragment or target.suffix != ".html":
                continue
            if target not in ids:
                ids[target] = set(ELEMENT_ID.findall(target.read_text(encoding="utf-8")))
            assert fragment in ids[target], f"{page.relative_to(root)}: {href} has no #{fragment}"
        checked += 1
    for path in root.rglob("*"):
        if path.suffix in RDF_PARSERS:
            rdflib.Graph().parse(path, format=RDF_PARSERS[path.suffix])
            checked += 1
    return checked


def test_the_link_check_sees_a_missing_anchor_and_a_page_less_iri(tmp_path):
    (tmp_path / "a.html").write_text(
        '<!DOCTYPE html><html lang="en"><title>a</title><p id="x">', encoding="utf-8"
    )
    page = tmp_path / "b.html"
    for href, error in (("a.html#y", "has no #y"), (SITE_BASE + "shapes#z", "has no page")):
        page.write_text(
            f'<!DOCTYPE html><html lang="en"><title>b</title><a href="{href}">l</a>',
            encoding="utf-8",
        )
        with pytest.raises(AssertionError, match=error):
            check_site(tmp_path)
    page.write_text(
        f'<!DOCTYPE html><html lang="en"><title>b</title><a href="{SITE_BASE}a#x">l</a>',
        encoding="utf-8",
    )
    assert check_site(tmp_path) == 2


def test_every_page_and_rdf_file_parses_and_every_internal_link_resolves(site):
    assert check_site(site) > 100


def test_two_publications_with_one_source_date_are_the_same_bytes(
    mini_project, tmp_path, monkeypatch
):
    """Every file: pages, documents (their blank nodes named afresh by each load), dumps and their
    checksums, VoID and DCAT, and the nanopublications, whose IRIs are meant to be cited."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    first, second = tmp_path / "first", tmp_path / "second"
    for out in (first, second):
        publish.publish(out)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert "_:" in (first / "void.ttl").read_text(encoding="utf-8")  # blank nodes to name
    assert any(path.parts[0] == "np" for path in files)
    different = [str(p) for p in files if (first / p).read_bytes() != (second / p).read_bytes()]
    assert different == []


def test_every_resource_has_a_page_and_four_rdf_documents(site, mini_project):
    subjects = {s for s in rdflib_bridge.load_graph().subjects() if str(s).startswith(CRID)}
    for iri in subjects:
        stem = site / str(iri).removeprefix("https://w3id.org/cityrdf/")
        for suffix in (".html", ".ttl", ".jsonld", ".rdf", ".nt"):
            assert stem.with_name(stem.name + suffix).is_file(), f"{iri} has no {suffix}"
    assert (site / "ontology" / "term" / "City.html").is_file()
    assert (site / "ontology.ttl").is_file() and (site / "ontology" / "index.html").is_file()


def test_the_four_documents_of_every_resource_are_one_graph(site):
    """Every resource and term: its Turtle, JSON-LD, RDF/XML and N-Triples, blank nodes
    canonicalised (RDFC-1.0), hold the same triples."""
    formats = {
        ".ttl": ox.RdfFormat.TURTLE,
        ".jsonld": ox.RdfFormat.JSON_LD,
        ".rdf": ox.RdfFormat.RDF_XML,
        ".nt": ox.RdfFormat.N_TRIPLES,
    }
    pages = [p for folder in ("id", "ontology/term") for p in (site / folder).rglob("*.html")]
    assert len(pages) > 20
    for page in pages:
        graphs = []
        for suffix, fmt in formats.items():
            dataset = ox.Dataset(ox.parse(path=page.with_suffix(suffix), format=fmt))
            dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
            graphs.append(set(dataset))
        assert graphs[0] and all(g == graphs[0] for g in graphs), page.relative_to(site)


def test_city_page_shows_both_names_partners_sources_and_external_links(site):
    page = (site / "id/city/tehran.html").read_text(encoding="utf-8")
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    persian = [d for d in tree.iter("div") if d.get("lang") == "fa"]
    assert persian and persian[0].get("dir") == "rtl"
    assert "تهران" in "".join(persian[0].itertext())
    assert tree.find(".//h1").text == "Tehran"
    assert 'href="seoul.html"' in page and 'href="isfahan.html"' in page
    # the provenance of the derived twinnedWith fact: the pact, its paper part and the cited work
    assert 'href="../agreement/seoul--tehran.html"' in page
    assert "../work/zahrani-rajaei/part/tehran-partners.html" in page
    assert "../work/tehran-municipality-2015.html" in page
    assert 'href="http://www.wikidata.org/entity/Q3616"' in page
    assert 'href="https://sws.geonames.org/112931/"' in page


def test_resource_document_is_its_description_plus_the_labels_it_links_to(site):
    got = rdflib.Graph().parse(site / "id/agreement/isfahan--tehran.ttl")
    expected = rdflib.Graph().parse(
        data="""
        @prefix cr: <https://w3id.org/cityrdf/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        <https://w3id.org/cityrdf/id/agreement/isfahan--tehran> a cr:TwinningAgreement ;
            rdfs:label "Isfahan – Tehran"@en, "اصفهان – تهران"@fa ;
            cr:party <https://w3id.org/cityrdf/id/city/tehran>, <https://w3id.org/cityrdf/id/city/isfahan> ;
            cr:status <https://w3id.org/cityrdf/id/concept/agreement-status/listed> ;
            prov:wasDerivedFrom <https://w3id.org/cityrdf/id/work/zahrani-rajaei/part/tehran-partners> .
        <https://w3id.org/cityrdf/id/city/tehran> rdfs:label "Tehran"@en, "تهران"@fa .
        <https://w3id.org/cityrdf/id/city/isfahan> rdfs:label "Isfahan"@en, "اصفهان"@fa .
        <https://w3id.org/cityrdf/id/concept/agreement-status/listed> rdfs:label "listed"@en, "فهرست‌شده"@fa .
        <https://w3id.org/cityrdf/id/work/zahrani-rajaei/part/tehran-partners>
            rdfs:label "Tehran's sister cities"@en, "خواهرخوانده‌های تهران"@fa .
        cr:TwinningAgreement rdfs:label "twinning agreement"@en, "پیمان خواهرخواندگی"@fa .
    """,
        format="turtle",
    )
    assert isomorphic(got, expected)
    for suffix, fmt in RDF_PARSERS.items():
        assert isomorphic(
            rdflib.Graph().parse(site / f"id/agreement/isfahan--tehran{suffix}", format=fmt), got
        )


def test_dumps_hold_the_whole_graph_and_match_their_checksums(site, mini_project):
    whole = as_written(graph.source_files())  # datatypes as the sources write them
    sums = dict(
        reversed(line.split("  ")) for line in (site / "dumps/SHA256SUMS").read_text().splitlines()
    )
    assert set(sums) == {"cityrdf.ttl", "cityrdf.nt.gz", "cityrdf.jsonld", "cityrdf-nanopubs.trig"}
    for name, digest in sums.items():
        assert hashlib.sha256((site / "dumps" / name).read_bytes()).hexdigest() == digest
    assert isomorphic(rdflib.Graph().parse(site / "dumps/cityrdf.ttl"), whole)
    nt = gzip.decompress((site / "dumps/cityrdf.nt.gz").read_bytes()).decode()
    assert isomorphic(rdflib.Graph().parse(data=nt, format="nt"), whole)
    assert isomorphic(rdflib.Graph().parse(site / "dumps/cityrdf.jsonld", format="json-ld"), whole)


def test_dcat_record_has_licence_version_coverage_and_checksums(site):
    g = read_turtle(site / "catalog.ttl")
    dataset = describe.DATASET
    assert has(g, None, DCAT.dataset, dataset)
    assert has(g, dataset, DCTERMS.license, ox.NamedNode(CC_BY))
    assert has(g, dataset, DCAT.version, None) and has(g, dataset, DCTERMS.publisher, None)
    period = value(g, dataset, DCTERMS.temporal)
    # the fixture's history runs from a 1920 event to a claim about 2015
    assert value(g, period, DCAT.startDate) == ox.Literal("1920", datatype=XSD.gYear)
    assert value(g, period, DCAT.endDate) == ox.Literal("2015", datatype=XSD.gYear)
    assert objects(g, dataset, DCTERMS.spatial) == {
        ox.NamedNode(CRID + "country/iran"),
        ox.NamedNode(CRID + "country/south-korea"),
    }
    sums = dict(
        reversed(line.split("  ")) for line in (site / "dumps/SHA256SUMS").read_text().splitlines()
    )
    media = {
        ".ttl": "text/turtle",
        ".gz": "application/n-triples",
        ".jsonld": "application/ld+json",
    }
    names = set()
    for dist in objects(g, dataset, DCAT.distribution):
        name = value(g, dist, DCAT.downloadURL).value.rsplit("/", 1)[-1]
        names.add(name)
        assert value(g, value(g, dist, SPDX.checksum), SPDX.checksumValue).value == sums[name]
        size = value(g, dist, DCAT.byteSize)
        assert int(size.value) == (site / "dumps" / name).stat().st_size, name
        assert value(g, dist, DCAT.mediaType) == ox.NamedNode(
            describe.IANA + media[Path(name).suffix]
        ), name
    assert names == {"cityrdf.ttl", "cityrdf.nt.gz", "cityrdf.jsonld"}


def test_a_static_site_advertises_a_sparql_endpoint_only_when_told_of_one(
    site, mini_project, tmp_path
):
    """A static site has no endpoint: neither VoID nor DCAT names one unless --sparql-endpoint does."""
    void = read_turtle(site / "void.ttl")
    catalog = read_turtle(site / "catalog.ttl")
    assert not has(void, None, VOID.sparqlEndpoint, None)
    assert not (site / "sparql-service.ttl").exists()  # no endpoint to describe
    assert not has(catalog, None, DCAT.servesDataset, None)
    assert not has(catalog, None, DCAT.service, None)
    endpoint = "https://example.org/sparql"
    publish.publish(tmp_path / "site", endpoint=endpoint)
    void = read_turtle(tmp_path / "site/void.ttl")
    catalog = read_turtle(tmp_path / "site/catalog.ttl")
    assert value(void, describe.DATASET, VOID.sparqlEndpoint) == ox.NamedNode(endpoint)
    service = next(catalog.quads_for_pattern(None, DCAT.servesDataset, describe.DATASET)).subject
    assert value(catalog, service, DCAT.endpointURL) == ox.NamedNode(endpoint)
    description = read_turtle(tmp_path / "site/sparql-service.ttl")
    assert {q.object for q in description.quads_for_pattern(None, SD.endpoint, None)} == {
        ox.NamedNode(endpoint)
    }
    with pytest.raises(BadInput, match="--sparql-endpoint"):
        publish.publish(tmp_path / "other", endpoint="file:///etc/passwd")


def test_void_entities_and_class_partitions_count_the_same_things(site, mini_project):
    """Both count IRIs of the URI space; blank nodes and other sites' IRIs count in neither."""
    void = read_turtle(site / "void.ttl")
    data = graph.load_store()
    space = value(void, describe.DATASET, VOID.uriSpace).value
    ours = {
        q.subject
        for q in data.quads_for_pattern(None, None, None, ox.DefaultGraph())
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(space)
    }
    assert int(value(void, describe.DATASET, VOID.entities).value) == len(ours)
    partitions = {
        value(void, p, VOID["class"]): int(value(void, p, VOID.entities).value)
        for p in objects(void, describe.DATASET, VOID.classPartition)
    }

    def instances(cls: ox.NamedNode) -> set:
        return {q.subject for q in data.quads_for_pattern(None, RDF.type, cls, ox.DefaultGraph())}

    for cls, count in partitions.items():
        assert count == len(instances(cls) & ours), cls
    # the mini ontology's restriction and disjointness axiom are blank nodes: not entities
    assert OWL.Restriction not in partitions and OWL.AllDisjointClasses not in partitions
    assert partitions[OWL.Class] == len(instances(OWL.Class) & ours)
    assert partitions[CR.City] == 3


def test_void_is_also_at_well_known_and_counts_the_triples(site, mini_project):
    void = rdflib.Graph().parse(site / "void.ttl")
    assert isomorphic(void, rdflib.Graph().parse(site / ".well-known/void", format="turtle"))
    triples = value(read_turtle(site / "void.ttl"), describe.DATASET, VOID.triples)
    data = graph.load_store()
    assert int(triples.value) == len(
        list(data.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    )


def test_citation_names_the_paper(site):
    cff = (site / "CITATION.cff").read_text(encoding="utf-8")
    assert cff.startswith("cff-version: 1.2.0") and "license: CC-BY-4.0" in cff
    assert re.search(r"family-names: \"Zahrani\"", cff)


def test_questions_page_lists_the_stored_questions(site):
    page = (site / "questions.html").read_text(encoding="utf-8")
    assert (
        "Which cities are twinned with Tehran?" in page
        and "کدام شهرها خواهرخواندهٔ تهران‌اند؟" in page
    )


def test_base_url_makes_internal_links_absolute(mini_project, tmp_path):
    publish.publish(tmp_path / "site", base_url="https://example.org/cityrdf")
    page = (tmp_path / "site/id/city/tehran.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/cityrdf/id/city/seoul.html"' in page
    catalog = (tmp_path / "site/catalog.ttl").read_text(encoding="utf-8")
    assert "https://example.org/cityrdf/dumps/cityrdf.ttl" in catalog


def test_bad_base_url_is_refused_with_a_reason(mini_project, tmp_path):
    with pytest.raises(BadInput, match="--base-url"):
        publish.publish(tmp_path / "site", base_url="not a url")


def test_failed_publish_leaves_the_previous_site_intact(mini_project, tmp_path, monkeypatch):
    out = tmp_path / "site"
    publish.publish(out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish, "write_catalogue", fail)
    with pytest.raises(OSError):
        publish.publish(out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"], (
        "staging folders were left behind"
    )


def test_broken_data_fails_before_touching_the_site(mini_project, tmp_path, run_cityrdf):
    out = tmp_path / "site"
    publish.publish(out)
    marker = (out / "index.html").read_bytes()
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n")
    with pytest.raises(BadInput, match=r"broken.ttl:1:"):
        publish.publish(out, store=graph.load_store([broken]))
    assert (out / "index.html").read_bytes() == marker


@pytest.mark.skipif(
    not any(Path(__file__).parents[2].joinpath("data").glob("*.ttl")), reason="no project data yet"
)
def test_the_real_project_publishes_and_every_link_resolves(published_project):
    assert published_project.pages > 500
    assert check_site(published_project.out) > published_project.pages


def test_void_says_when_the_dataset_was_last_modified(mini_project, monkeypatch):
    """dcterms:modified is the publication's time: $SOURCE_DATE_EPOCH when set, as xsd:dateTime."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765184400")
    void = describe.void_graph(graph.load_store(), "https://w3id.org/cityrdf/")
    modified = [
        t.object for t in void if (t.subject, t.predicate) == (describe.DATASET, DCTERMS.modified)
    ]
    assert modified == [ox.Literal("2025-12-08T09:00:00Z", datatype=XSD.dateTime)]


def test_every_iri_of_ours_in_the_published_rdf_has_a_file_in_the_site(site):
    """Each IRI under the base in any published RDF file (documents, dumps, VoID, DCAT, incoming
    links, nanopublications) is a file of the site, or the page or documents of a resource; a
    nanopublication's Trusty IRI (`np/{path}.RA…`, and its graphs below it) is its `np/{path}.trig`
    (docs/decisions/0013-nanopublications.md: the w3id redirect maps one to the other)."""
    base = describe.BASE
    formats = {
        ".ttl": ox.RdfFormat.TURTLE,
        ".nt": ox.RdfFormat.N_TRIPLES,
        ".trig": ox.RdfFormat.TRIG,
    }
    ours: dict[str, Path] = {}
    for path in site.rglob("*"):
        if path.suffix in formats:
            for quad in ox.parse(path=path, format=formats[path.suffix]):
                for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
                    if isinstance(term, ox.NamedNode) and term.value.startswith(base):
                        ours.setdefault(term.value, path)
    assert len(ours) > 40
    missing = {}
    for iri, where in ours.items():
        local = iri[len(base) :].partition("#")[0]
        if trusty := re.fullmatch(r"(np/.+?)\.RA[A-Za-z0-9_-]{43}(/.*)?", local):
            files = [site / f"{trusty.group(1)}.trig"]
        else:
            files = [site / f"{local}.html", site / local / "index.html", site / local]
        if not any(f.is_file() for f in files):
            missing[iri] = where.relative_to(site)
    assert not missing, list(missing.items())[:5]
