"""What a reader sees first on the project's entity pages: summary, map data, the paper's words,
a dated timeline, sources listed once, schemes in the paper's order; and the site without npm's
files still has every page, with the map replaced by a note."""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

import html5lib
import pyoxigraph as ox
import pytest

from cityrdf import publish
from cityrdf.rdf.namespaces import CR, GEO, MP, OA, RDF, RDFS, SKOS
from cityrdf.views import assets as site_assets

CRID = "https://w3id.org/cityrdf/id/"
BLANK_NODE_ID = re.compile(r"_:[A-Za-z0-9]{6,}")


def objects(store: ox.Store, subject, predicate) -> list:
    return [q.object for q in store.quads_for_pattern(subject, predicate, None)]


@pytest.fixture(scope="module")
def site(project_site) -> Path:
    assert site_assets.has_all(site_assets.MAP_SCRIPTS), "node_modules is missing: run npm ci"
    return project_site


def parse(page: Path):
    return html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)


def text_of(element) -> str:
    """What a reader sees: the text outside <script> elements."""
    skipped = {id(e) for s in element.iter("script") for e in s.iter()}
    return " ".join(
        t for e in element.iter() if id(e) not in skipped for t in (e.text, e.tail) if t
    )


def by_class(tree, tag: str, cls: str) -> list:
    return [e for e in tree.iter(tag) if cls in (e.get("class") or "").split()]


def test_no_page_shows_a_blank_node_id(site):
    shown = {
        str(page.relative_to(site)): found[0]
        for page in site.rglob("*.html")
        if (found := BLANK_NODE_ID.findall(text_of(parse(page))))
    }
    assert not shown, f"{len(shown)} pages show blank-node ids, e.g. {next(iter(shown.items()))}"


def test_every_page_names_its_icon_so_no_visit_asks_the_site_for_a_missing_favicon(site):
    assert not (site / "favicon.ico").exists()  # else a browser's request would find it
    without = [
        str(page.relative_to(site))
        for page in site.rglob("*.html")
        if not any("icon" in (link.get("rel") or "").split() for link in parse(page).iter("link"))
    ]
    assert not without, f"{len(without)} pages name no icon, e.g. {without[:3]}"


def test_the_check_for_blank_node_ids_sees_one(tmp_path):
    page = tmp_path / "p.html"
    page.write_text("<p>source: _:f36ed2a9c1</p><script>var _:abcdefgh</script>", encoding="utf-8")
    assert BLANK_NODE_ID.findall(text_of(parse(page))) == ["_:f36ed2a9c1"]


# one of our own IRIs written as a CURIE (crid:list/tehran-foreign/17), where a reader expects a name
OUR_IRI_AS_NAME = re.compile(r"\bcrid:[a-z]")


def names_shown(tree) -> list[str]:
    """What a page offers as names: its title, its headings and the text of its links."""
    tags = ("title", "h1", "h2", "h3", "a", "summary")
    return [text_of(e).strip() for tag in tags for e in tree.iter(tag)]


def test_no_resource_page_names_a_resource_by_its_iri(site):
    """Unlabelled resources (a list's rows, memberships, observations) are named from their parts,
    and a resource labelled in Persian only shows that label, not `crid:…`."""
    shown = {
        str(page.relative_to(site)): found
        for page in sorted((site / "id").rglob("*.html"))
        if (found := [n for n in names_shown(parse(page)) if OUR_IRI_AS_NAME.search(n)])
    }
    assert not shown, f"{len(shown)} pages name resources by IRI, e.g. {next(iter(shown.items()))}"


def test_the_ontology_and_shapes_pages_name_the_resources_they_link_to(site):
    """cr:Claim's code list is "quantities", not crid:scheme/quantities (prose may still cite an
    IRI pattern such as crid:agreement/{a}--{b})."""
    pages = [
        site / "ontology.html",
        site / "shapes/index.html",
        *(site / "ontology").glob("*.html"),
    ]
    shown = {
        str(page.relative_to(site)): found
        for page in pages
        if (
            found := [
                text_of(a) for a in parse(page).iter("a") if OUR_IRI_AS_NAME.search(text_of(a))
            ]
        )
    }
    assert not shown, shown


def test_the_check_for_iris_as_names_sees_a_link_and_not_prose(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        '<h1>Ankara</h1><a href="x.html"><bdi>crid:list/tehran-foreign/17</bdi></a>'
        "<p>the IRI is crid:agreement/{a}--{b}</p>",
        encoding="utf-8",
    )
    assert [n for n in names_shown(parse(page)) if OUR_IRI_AS_NAME.search(n)] == [
        "crid:list/tehran-foreign/17"
    ]


CURIE = re.compile(r"^[a-z]+:[A-Za-z]")


def test_every_page_says_in_words_what_a_resource_is_and_what_its_summary_lists(site):
    """The type line under the name and the property names of the summary are words ("concept",
    "in scheme", "journal article"), for standard vocabularies as for ours, not skos:Concept; and
    a gazetteer entry is "GeoNames 112931", not its IRI."""
    curies = {}
    for page in sorted((site / "id").rglob("*.html")):
        tree = parse(page)
        shown = [text_of(b).strip() for p in by_class(tree, "p", "types") for b in p.iter("bdi")]
        summary = by_class(tree, "aside", "summary")
        shown += [text_of(dt).strip() for a in summary for dt in a.iter("dt")]
        # what a summary links to is named too: "GeoNames 112931", not its IRI
        shown += [text_of(link).strip() for a in summary for link in a.iter("a")]
        if found := [name for name in shown if CURIE.match(name) or name.startswith("http")]:
            curies[str(page.relative_to(site))] = found
    assert not curies, f"{len(curies)} pages show CURIEs, e.g. {next(iter(curies.items()))}"


def test_a_mappings_annotations_are_shown_in_words(site):
    """A city's link to GeoNames or Wikidata carries SSSOM annotations; its statement table names
    them ("confidence", "name match"), not by their IRIs."""
    shown = {
        str(page.relative_to(site)): found[0]
        for page in sorted((site / "id").rglob("*.html"))
        if (found := re.findall(r"https://w3id.org/(?:sssom|semapv)/\S+", text_of(parse(page))))
    }
    assert not shown, f"{len(shown)} pages, e.g. {next(iter(shown.items()))}"
    assert "mapping justification: name match" in text_of(parse(site / "id/city/almaty.html"))


def test_the_persian_statement_tables_write_numbers_dates_and_source_marks_in_persian_digits(site):
    latin = {}
    for page in sorted((site / "id").rglob("*.html")):
        for block in by_class(parse(page), "div", "fa"):
            marks = [text_of(a) for sup in by_class(block, "sup", "refs") for a in sup.iter("a")]
            values = [
                text_of(b) for b in block.iter("bdi") if re.fullmatch(r"[0-9۰-۹:.-]+", text_of(b))
            ]
            if found := [t for t in marks + values if re.search("[0-9]", t)]:
                latin[str(page.relative_to(site))] = found[:3]
    assert not latin, f"{len(latin)} pages, e.g. {next(iter(latin.items()))}"
    block = by_class(parse(site / "id/agreement/ankara--tehran.html"), "div", "fa")[0]
    assert "۲۰۱۳-۱۲-۱۸" in text_of(block) and "[۱]" in text_of(block)
    # a date the paper states in the Solar Hijri calendar, labelled in English only in the data
    block = by_class(parse(site / "id/agreement/bishkek--tehran.html"), "div", "fa")[0]
    dates = ["".join(a.itertext()) for a in block.iter("a") if "/date/" in a.get("href")]
    assert dates and set(dates) == {"۱۳۷۳ (هجری شمسی)"}


PERSIAN_LETTER = re.compile("[\u0600-\u06ff]")


def test_persian_quotes_and_persian_only_names_are_laid_out_right_to_left_as_a_whole(site):
    """A quote of the paper, and a heading that is a Persian name, is one right-to-left block: a
    Persian run marked inside a left-to-right block is aligned left, and the parentheses around
    «(صدرپور و همکاران، ۱۳۹۵: ۱۷۱)» fall outside the run, on the wrong side."""
    wrong = {}
    for page in sorted((site / "id").rglob("*.html")):
        tree = parse(page)
        blocks = [*tree.iter("blockquote"), *tree.iter("h1")]
        persian = [b for b in blocks if not re.search("[A-Za-z]", text_of(b))]
        persian = [b for b in persian if PERSIAN_LETTER.search(text_of(b))]
        if found := [
            text_of(b)[:30] for b in persian if (b.get("lang"), b.get("dir")) != ("fa", "rtl")
        ]:
            wrong[str(page.relative_to(site))] = found
    assert not wrong, f"{len(wrong)} pages, e.g. {next(iter(wrong.items()))}"
    quote = next(parse(site / "id/work/sadrpour-1395.html").iter("blockquote"))
    assert not list(quote.iter("span"))  # the whole quote is the run, parentheses included


def test_a_claim_page_sets_the_papers_other_figures_for_the_same_quantity_beside_it(
    site, project_store
):
    """141 agreements (a cited title) and 149 (the paper's text) count the same thing: a reader of
    either claim sees the other, with its value, without opening the issue's page."""
    for page in sorted((site / "id/claim").glob("*.html")):
        claim = ox.NamedNode(CRID + "claim/" + page.stem)
        (quantity,) = objects(project_store, claim, CR.quantity)
        others = {
            (
                q.subject.value.rsplit("/", 1)[-1] + ".html",
                objects(project_store, q.subject, CR.value)[0].value,
            )
            for q in project_store.quads_for_pattern(None, CR.quantity, quantity)
            if q.subject != claim
        }
        shown = {
            (li.find("a").get("href").rsplit("/", 1)[-1], li.find("data").get("value"))
            for ul in by_class(parse(page), "ul", "figures")
            for li in ul.iter("li")
        }
        assert shown == others, page.name
    page = site / "id/claim/sister-city-agreements-of-iranian-cities-141.html"
    figures = by_class(parse(page), "ul", "figures")[0]
    assert "149" in text_of(figures)


def test_a_pact_page_quotes_the_papers_words(site, project_store):
    pact = ox.NamedNode(CRID + "agreement/budapest--tehran")
    quotes = {
        exact.value
        for anchor in objects(project_store, pact, CR.textAnchor)
        for selector in objects(project_store, anchor, OA.hasSelector)
        for exact in objects(project_store, selector, OA.exact)
    }
    tree = parse(site / "id/agreement/budapest--tehran.html")
    shown = {text_of(b).strip() for b in tree.iter("blockquote")}
    assert quotes and shown == quotes


def test_a_claim_page_names_its_ties_and_their_ends_by_label_never_by_iri(site, project_store):
    """A claim's source, evidence and answers are links with a name: a work with only a Persian
    title, or a tie labelled only in Persian, shows that title, not `crid:…`."""
    claims = {q.subject.value for q in project_store.quads_for_pattern(None, RDF.type, MP.Claim)}
    assert len(claims) > 80
    unnamed = {}
    for claim in sorted(claims):
        tree = parse(site / (claim[len("https://w3id.org/cityrdf/") :] + ".html"))
        shown = [text_of(a).strip() for a in tree.iter("a")]
        if named_by_iri := [text for text in shown if text.startswith("crid:")]:
            unnamed[claim] = named_by_iri
    assert not unnamed, f"{len(unnamed)} claim pages, e.g. {next(iter(unnamed.items()))}"


def test_a_claim_page_summary_shows_the_evidence_the_paper_offers_for_it(site, project_store):
    """What supports a claim (mp:supports pointing at it: a finding, a figure, an advantage) is in
    the page's summary beside what the claim answers, not only among the pages that link here."""
    supported = {}
    for q in project_store.quads_for_pattern(None, MP.supports, None):
        supported.setdefault(q.object.value, set()).add(q.subject.value)
    claims = {q.subject.value for q in project_store.quads_for_pattern(None, RDF.type, MP.Claim)}
    assert len(supported.keys() & claims) > 10
    missing = {}
    for claim in sorted(supported.keys() & claims):
        page = claim[len("https://w3id.org/cityrdf/") :] + ".html"
        summary = by_class(parse(site / page), "aside", "summary")[0]
        linked = {
            posixpath.normpath(posixpath.join(posixpath.dirname(page), a.get("href")))
            for a in summary.iter("a")
        }
        shown = {
            e for e in supported[claim] if e[len("https://w3id.org/cityrdf/") :] + ".html" in linked
        }
        if shown != supported[claim]:
            missing[claim] = supported[claim] - shown
    assert not missing, f"{len(missing)} claim pages, e.g. {next(iter(missing.items()))}"


def test_a_city_page_maps_the_city_and_its_partners_from_geonames(site, project_store):
    tree = parse(site / "id/city/tehran.html")
    data = by_class(tree, "script", "map-data")
    assert len(data) == 1
    points = {p["name"]: p for p in json.loads(data[0].text)}
    assert points["Tehran"]["role"] == "self"
    tehran = ox.NamedNode(CRID + "city/tehran")
    partners = {
        label.value
        for o in objects(project_store, tehran, CR.twinnedWith)
        for label in objects(project_store, o, RDFS.label)
        if label.language == "en"
    }
    linked = {name for name, p in points.items() if p["role"] == "linked"}
    assert linked <= partners and len(linked) > 10
    # the suggested partners (predictions; only where a world layer was imported) are drawn
    # apart, never as partners (tests/opportunities/test_precomputed.py draws them for sure)
    suggested = {name for name, p in points.items() if p["role"] == "suggested"}
    assert set(points) == {"Tehran"} | linked | suggested
    assert not suggested & linked
    lat = next(
        lat
        for m in objects(project_store, tehran, SKOS.exactMatch)
        for lat in objects(project_store, m, GEO.lat)
    )
    assert points["Tehran"]["lat"] == pytest.approx(float(lat.value))
    scripts = [s.get("src") for s in tree.iter("script") if s.get("src")]
    assert [s.rsplit("/", 1)[-1] for s in scripts[-len(site_assets.MAP_SCRIPTS) :]] == list(
        site_assets.MAP_SCRIPTS
    )
    for name in site_assets.MAP_SCRIPTS:
        assert (site / "static" / name).is_file()


def test_a_city_timeline_is_in_date_order_with_the_papers_solar_hijri_dates(site):
    tree = parse(site / "id/city/tehran.html")
    timeline = by_class(tree, "ol", "timeline")[0]
    dates = [t.get("datetime") for t in timeline.iter("time")]
    assert dates == sorted(dates) and len(dates) > 10
    years = [text_of(y) for y in by_class(timeline, "span", "year")]
    assert years == sorted(set(years))
    assert "1373 SH" in text_of(timeline)  # Bishkek, as the paper's text dates it


def test_what_links_here_on_a_city_page_shows_each_label_once(site):
    """Tehran's argument links all carry one of two labels ("attributed to: Tehran"): each label
    is shown once, with a numbered link to every resource that has it."""
    tree = parse(site / "id/city/tehran.html")
    linked = by_class(tree, "dl", "linked")[0]
    for dd in linked.iter("dd"):
        # the labels shown before the expandable full list, and those in it
        folded = list(dd.iter("details"))
        hidden = {id(e) for d in folded for e in d.iter()}
        shown = [b for b in dd.iter("bdi") if id(b) not in hidden]
        for bdis in [shown, *(list(d.iter("bdi")) for d in folded)]:
            labels = [text_of(b).strip() for b in bdis]
            assert len(labels) == len(set(labels)), f"repeated labels: {labels}"
    shared = by_class(linked, "span", "same-label")
    assert shared, "Tehran's argument links share labels"
    for span in shared:
        numbers = [a.text for a in span.iter("a")]
        assert len(numbers) > 1 and numbers == [str(n) for n in range(1, len(numbers) + 1)]


def test_sources_are_listed_once_and_rows_point_at_them(site):
    tree = parse(site / "id/city/tehran.html")
    references = by_class(tree, "section", "references")[0]
    items = [text_of(li) for li in references.iter("li")]
    assert len(items) == len(set(items)) > 5
    numbers = {a.get("href") for s in by_class(tree, "sup", "refs") for a in s.iter("a")}
    ids = {f"#{e.get('id')}" for e in references.iter() if e.get("id")}
    assert numbers and numbers <= ids
    # the sources appear once on the page, not once per table row
    assert len(by_class(tree, "span", "source")) <= len(items) + 1


def test_a_scheme_lists_its_concepts_in_the_papers_order(site, project_store):
    scheme = ox.NamedNode(CRID + "scheme/soft-power-sources")
    concepts = sorted(
        (q.subject for q in project_store.quads_for_pattern(None, SKOS.inScheme, scheme)),
        key=lambda c: int(objects(project_store, c, CR.position)[0].value),
    )
    tree = parse(site / "id/scheme/soft-power-sources.html")
    members = by_class(tree, "ol", "members")[0]
    shown = [a.get("href").rsplit("/", 1)[-1] for a in members.iter("a")]
    assert len(concepts) > 2
    assert shown == [c.value.rsplit("/", 1)[-1] + ".html" for c in concepts]


def test_no_page_loads_anything_from_another_site(site):
    for page in site.rglob("*.html"):
        tree = parse(page)
        for e in tree.iter():
            if e.tag in ("script", "img") or (e.tag == "link" and e.get("rel") == "stylesheet"):
                assert not re.match(r"(https?:)?//", e.get("src") or e.get("href") or ""), page


def test_without_npm_files_pages_are_written_and_the_map_says_why(site, tmp_path, monkeypatch):
    monkeypatch.setattr(site_assets, "NODE_MODULES", tmp_path / "no-node-modules")
    out = tmp_path / "site"
    publish.publish(out)
    tree = parse(out / "id/city/tehran.html")
    canvas = by_class(tree, "div", "map-canvas")[0]
    assert "npm ci" in text_of(canvas)
    assert by_class(tree, "details", "places")  # the places are still listed
    assert not any((out / "static" / name).exists() for name in site_assets.NPM_FILES)
    sources = [s.get("src") for s in tree.iter("script") if s.get("src")]
    assert not any("d3-geo" in s or "map.js" in s for s in sources)
    # the same pages as with npm's files
    assert sorted(p.relative_to(out) for p in out.rglob("*.html")) == sorted(
        p.relative_to(site) for p in site.rglob("*.html")
    )


def test_a_city_page_sets_the_paper_beside_each_world_source():
    """With a world layer loaded, each partner shows which sources attest the pact; a pact only a
    world source knows stays out of the paper's timeline."""
    from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, Store

    from cityrdf.views.render import Pages
    from cityrdf.views.resource import WORLD_GRAPHS, SiteModel

    def n(local: str) -> NamedNode:
        return NamedNode(CRID + local)

    rdf_type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    party, attested = CR.party, CR.attestedBy
    wikipedia, wikidata = (NamedNode(WORLD_GRAPHS + s) for s in ("wikipedia", "wikidata-2016"))
    store = Store()
    for city in ("a", "b", "c"):
        store.add(Quad(n(f"city/{city}"), rdf_type, CR.City, DefaultGraph()))
        store.add(Quad(n(f"city/{city}"), RDFS.label, Literal(city, language="en")))
    for city in ("a", "b"):
        store.add(Quad(n("agreement/a--b"), party, n(f"city/{city}"), DefaultGraph()))
    store.add(Quad(n("agreement/a--b"), attested, n("list/x/1"), DefaultGraph()))
    store.add(Quad(n("agreement/a--b"), attested, n("record/wikipedia/1"), wikipedia))
    for city in ("a", "c"):
        store.add(Quad(n("agreement/a--c"), party, n(f"city/{city}"), wikidata))
    store.add(Quad(n("agreement/a--c"), attested, n("record/wikidata-2016/7"), wikidata))

    model = SiteModel(store, ontology_files=[])
    view = model.view(CRID + "city/a")
    assert [p.pact.value for p in view.pacts] == [CRID + "agreement/a--b"]
    assert view.world_sources == ["paper", "wikidata-2016", "wikipedia"]
    assert [(r.partner.label("en"), r.attested) for r in view.comparison] == [
        ("b", [True, False, True]),
        ("c", [False, True, False]),
    ]
    table = by_class(
        html5lib.parse(Pages(model).resource(CRID + "city/a"), namespaceHTMLElements=False),
        "table",
        "comparison",
    )[0]
    assert [th.text for th in table.iter("th")] == [
        "partner",
        "paper",
        "wikidata-2016",
        "wikipedia",
    ]
