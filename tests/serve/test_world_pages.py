"""A served city page sets the paper's pacts beside the world layer's the server's dataset holds,
each partner with the sources that attest it, and lists no world-only pact among the paper's."""

from __future__ import annotations

from pathlib import Path

import html5lib
import pyoxigraph as ox

from cityrdf.rdf.graph import load_store
from cityrdf.web.site import Settings, Site

WORLD = Path(__file__).parents[1] / "fixtures" / "world" / "world.nq"
ISFAHAN = "https://w3id.org/cityrdf/id/city/isfahan"
VENICE = "https://w3id.org/cityrdf/id/city/wd/Q641"  # Isfahan's partner in the 2016 crawl only


def served_site() -> Site:
    dataset = ox.Store()
    dataset.load(path=str(WORLD), format=ox.RdfFormat.N_QUADS)
    return Site(load_store(), Settings(), dataset)


def test_a_served_city_page_shows_each_partner_with_its_sources():
    site = served_site()
    view = site.model.view(ISFAHAN)
    assert view.world_sources[0] == "paper" and "wikidata-2016" in view.world_sources
    by_partner = {row.partner.value: row.attested for row in view.comparison}
    crawl = view.world_sources.index("wikidata-2016")
    assert by_partner[VENICE][0] is False and by_partner[VENICE][crawl] is True
    assert by_partner["https://w3id.org/cityrdf/id/city/baalbek"][0] is True  # the paper's
    assert VENICE not in {p.value for pact in view.pacts for p in pact.partners}
    tree = html5lib.parse(site.pages.resource(ISFAHAN), namespaceHTMLElements=False)
    rows = tree.findall(".//table[@class='comparison']/tbody/tr")
    venice = [r for r in rows if "".join(r.find("td").itertext()).startswith("Venice")]
    assert len(venice) == 1
    cells = ["".join(td.itertext()) for td in venice[0].findall("td")]
    assert cells[1] == "—" and cells[1 + crawl] == "yes"


def test_pages_of_cities_only_the_world_layer_knows_are_not_served():
    site = served_site()
    assert VENICE not in site.model.pages
