"""A city's HTML page shows its suggested partners in their own section, labelled as predictions,
and never among the facts."""

from __future__ import annotations

from pathlib import Path

import html5lib
import pyoxigraph as ox

from cityrdf.rdf.graph import load_store
from cityrdf.views.render import Pages
from cityrdf.views.resource import SiteModel

SUGGESTIONS = Path(__file__).parents[1] / "query" / "fixtures" / "opportunities.trig"
TEHRAN = "https://w3id.org/cityrdf/id/city/tehran"


def page(with_suggestions: bool):
    store = load_store()
    if with_suggestions:
        store.load(path=str(SUGGESTIONS), format=ox.RdfFormat.TRIG)
    html = Pages(SiteModel(store)).resource(TEHRAN)
    return html5lib.parse(html, namespaceHTMLElements=False)


def test_suggestions_have_their_own_labelled_section():
    tree = page(with_suggestions=True)
    section = tree.find(".//section[@id='suggestions']")
    assert section is not None
    heading = "".join(section.find("h2").itertext())
    assert "predictions, not facts" in heading and "پیش‌بینی، نه واقعیت" in heading
    rows = section.findall(".//tbody/tr")
    assert ["".join(r.find("td").itertext()) for r in rows] == ["1", "2", "3"]
    assert "".join(rows[1].findall("td")[1].itertext()) == "Isfahan"
    for table in tree.findall(".//table[@class='facts']") + tree.findall(
        ".//table[@class='facts incoming']"
    ):
        assert "suggestion/" not in html5lib.serialize(table, tree="etree")


def test_a_city_without_suggestions_has_no_such_section():
    assert page(with_suggestions=False).find(".//section[@id='suggestions']") is None
