"""A city's HTML page shows its suggested partners in their own section, labelled as predictions,
and never among the facts."""

from __future__ import annotations

from pathlib import Path

import html5lib
import pyoxigraph as ox

from cityrdf.opportunities.criteria import CRITERIA
from cityrdf.rdf.graph import load_store
from cityrdf.rdf.namespaces import CR
from cityrdf.views.render import Pages
from cityrdf.views.resource import SiteModel
from cityrdf.views.terms import SUGGESTIONS_GRAPH

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


def test_criteria_are_shown_by_label_in_the_order_of_the_criteria():
    """As `cityrdf publish` makes the page: the suggestions graph in a store of its own, so the
    criteria's labels are read from there, not from the project."""
    suggestions = ox.Store()
    suggestions.load(path=str(SUGGESTIONS), format=ox.RdfFormat.TRIG)
    model = SiteModel(load_store())
    model.suggestions_store = suggestions
    tree = html5lib.parse(Pages(model).resource(TEHRAN), namespaceHTMLElements=False)
    first = tree.find(".//section[@id='suggestions']//tbody/tr")
    cell = first.findall("td")[3]
    shown = ["".join(bdi.itertext()) for bdi in cell.iter("bdi")]
    rests_on = {
        q.object.value.rpartition("/")[2]
        for q in suggestions.quads_for_pattern(None, CR.restsOn, None, SUGGESTIONS_GRAPH)
        if q.subject.value.endswith("/suggestion/tehran--wd-q1353")
    }
    assert len(rests_on) > 1
    assert shown == [c.label_en for c in CRITERIA if c.slug in rests_on]
    assert "crid:" not in "".join(cell.itertext())


def test_the_server_shows_the_suggestions_its_dataset_holds():
    """`cityrdf serve` finds the suggestions in the SPARQL dataset (the world layer's
    `suggestions.nq`) and gives them to the pages in a store of their own, as publish does."""
    from cityrdf.web.site import Settings, Site

    project = load_store()
    dataset = load_store()
    dataset.load(path=str(SUGGESTIONS), format=ox.RdfFormat.TRIG)
    served = Site(project, Settings(), dataset)
    assert not any(project.quads_for_pattern(None, None, None, SUGGESTIONS_GRAPH))
    tree = html5lib.parse(served.pages.resource(TEHRAN), namespaceHTMLElements=False)
    rows = tree.findall(".//section[@id='suggestions']//tbody/tr")
    assert ["".join(r.findall("td")[1].itertext()).strip() for r in rows][1] == "Isfahan"
    assert len(rows) == 3
    without = Site(project, Settings(), load_store())
    assert without.model.suggestions_store is None
    plain = html5lib.parse(without.pages.resource(TEHRAN), namespaceHTMLElements=False)
    assert plain.find(".//section[@id='suggestions']") is None


def test_suggested_places_link_to_their_page_or_wikidata_never_to_an_iri_without_a_page():
    """As `cityrdf publish` makes the page (the suggestions in a store of their own): a suggested
    world-layer city has no page, so its name links to its Wikidata item (its IRI is minted from
    the QID), not to its own IRI, which would lead nowhere; a city of the paper links to its page."""
    suggestions = ox.Store()
    suggestions.load(path=str(SUGGESTIONS), format=ox.RdfFormat.TRIG)
    model = SiteModel(load_store())
    model.suggestions_store = suggestions
    tree = html5lib.parse(Pages(model).resource(TEHRAN), namespaceHTMLElements=False)
    rows = tree.find(".//section[@id='suggestions']//tbody").findall("tr")
    # the candidate's cell of each row, in rank order: Delhi, Isfahan, Madrid
    links = [row.findall("td")[1].find("a").get("href") for row in rows]
    assert links == [
        "https://www.wikidata.org/wiki/Q1353",
        "isfahan.html",  # beside tehran.html
        "https://www.wikidata.org/wiki/Q2807",
    ]
    section = html5lib.serialize(tree.find(".//section[@id='suggestions']"), tree="etree")
    assert 'href="https://w3id.org/cityrdf/' not in section


def test_a_suggestions_evidence_comes_most_decisive_criterion_first(tmp_path):
    """The facts behind a suggestion in the order of the weights the run gives their criteria,
    as the writer records them: not alphabetically, nor in the order of the criteria."""
    from cityrdf.opportunities import record
    from cityrdf.opportunities.suggest import Suggestion

    said = {
        "shared-partners": "twinned with 2 of Tehran's partners: Baku, Kabul",
        "twinning-activity": "Delhi has 40 partners",
        "country-ties": "Tehran already has 1 partner in India",
        "same-name": "same name",
    }
    weights = {"shared-partners": 0.5, "country-ties": 0.3, "twinning-activity": 0.1}
    weights["same-name"] = 0.1  # a tie: the order of the criteria decides
    criteria = [c for c in CRITERIA if c.slug in said]
    delhi = Suggestion(
        1, f"{TEHRAN[: -len('tehran')]}wd/Q1353", "Delhi", None, None, 0.5, criteria,
        [said[c.slug] for c in criteria],
    )  # fmt: skip
    path = tmp_path / "suggestions.nq"
    record.write(path, TEHRAN, [delhi], {}, weights, {})
    record.write(path, TEHRAN, [delhi], {}, weights, {})  # a new run replaces the first
    suggestions = ox.Store()
    suggestions.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    explained = list(suggestions.quads_for_pattern(None, CR.explainedBy, None, SUGGESTIONS_GRAPH))
    assert len(explained) == len(said)
    model = SiteModel(load_store())
    model.suggestions_store = suggestions
    tree = html5lib.parse(Pages(model).resource(TEHRAN), namespaceHTMLElements=False)
    cell = tree.find(".//section[@id='suggestions']//tbody/tr").findall("td")[4]
    shown = "".join(cell.itertext()).split("; ")
    expected = ["shared-partners", "country-ties", "twinning-activity", "same-name"]
    assert shown == [said[slug] for slug in expected]
    assert shown != sorted(shown)
