"""`cityrdf publish` offers the nanopublications: np/ files, a dump listed in SHA256SUMS, and a
"Cite as nanopublication" link on the page of each claim and pact."""

from __future__ import annotations

import hashlib
from pathlib import Path

import html5lib
import pyoxigraph as ox
import pytest

from cityrdf import describe, nanopubs, publish
from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import BASE, DCAT, PROV, SPDX


@pytest.fixture(scope="module")
def site(mini_project, tmp_path_factory, monkeypatch_module) -> Path:
    out = tmp_path_factory.mktemp("published") / "site"
    publish.publish(out)
    return out


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1796083200")
        yield patch


def test_each_pact_page_links_to_its_nanopub_whose_trusty_uri_verifies(site):
    pacts = nanopubs.items(graph.load_store())
    assert pacts  # the fixture has pacts
    for item in pacts:
        page = site / (item[len("https://w3id.org/cityrdf/") :] + ".html")
        tree = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
        links = [a.get("href") for a in tree.iter("a") if a.text == "Cite as nanopublication"]
        assert len(links) == 1, page
        target = (page.parent / links[0]).resolve()
        assert target == (site / "np" / (item[len(nanopubs.CRID) :] + ".trig")).resolve()
        np_iri = nanopubs.verify(target.read_bytes())
        assert np_iri.startswith(nanopubs.NP_BASE + item[len(nanopubs.CRID) :] + ".RA")


def test_a_city_page_has_no_nanopub_link(site):
    page = (site / "id/city/tehran.html").read_text(encoding="utf-8")
    assert "Cite as nanopublication" not in page


def test_the_nanopub_dump_is_in_sha256sums_and_dated_by_source_date_epoch(site):
    sums = dict(
        reversed(line.split("  ")) for line in (site / "dumps/SHA256SUMS").read_text().splitlines()
    )
    dump = (site / "dumps" / nanopubs.DUMP_NAME).read_bytes()
    assert sums[nanopubs.DUMP_NAME] == hashlib.sha256(dump).hexdigest()
    assert b'"2026-12-01T00:00:00Z"^^' in dump


def test_the_catalogue_lists_the_nanopub_dump_as_a_data_set_of_its_own(site):
    catalog = ox.Store()
    catalog.load(path=site / "catalog.ttl", format=ox.RdfFormat.TURTLE)

    def subject(p: ox.NamedNode, o) -> ox.NamedNode | ox.BlankNode:
        (found,) = {q.subject for q in catalog.quads_for_pattern(None, p, o)}
        return found

    def value(s, p: ox.NamedNode):
        (found,) = {q.object for q in catalog.quads_for_pattern(s, p, None)}
        return found

    dist = subject(DCAT.downloadURL, ox.NamedNode(BASE + "dumps/" + nanopubs.DUMP_NAME))
    claims = subject(DCAT.distribution, dist)
    assert claims != describe.DATASET
    assert ox.Quad(describe.CATALOG, DCAT.dataset, claims) in catalog
    assert value(claims, PROV.wasDerivedFrom) == describe.DATASET
    digest = value(value(dist, SPDX.checksum), SPDX.checksumValue)
    dump = (site / "dumps" / nanopubs.DUMP_NAME).read_bytes()
    assert digest.value == hashlib.sha256(dump).hexdigest()
