"""Every kind of page of the published project site, in Chromium at desktop and phone widths:
screenshots kept in tests/artifacts/, no serious or critical axe-core violation, nothing off-screen
sideways, maps drawn from the site's own files with no request leaving it (tests/browser/probe.mjs)."""

from __future__ import annotations

import pytest

from tests.browser.probe import ARTIFACTS, CHROMIUM, VIEWPORTS, probe, serious

# one page of each kind (path in the site, without .html); a claim is found below, as claims come
# from data files that may be renamed
PAGES = {
    "city": "id/city/tehran",
    "pact": "id/agreement/budapest--tehran",
    "country": "id/country/iran",
    "network": "id/network/metropolis",
    "concept": "id/concept/agreement-status/listed",
    "scheme": "id/scheme/agreement-status",
    "cities-index": "cities",
    "home": "index",
    "ontology": "ontology",
    "ontology-term": "ontology/term/City",
    "questions": "questions",
}
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]


@pytest.fixture(scope="module")
def report(project_site) -> list[dict]:
    """The probe's findings for every page kind at both widths, from a site published offline."""
    site = project_site
    pages = dict(PAGES)
    pages["claim"] = str(min((site / "id" / "claim").glob("*.html")).relative_to(site))[:-5]
    return probe(
        [{"name": name, "url": (site / f"{path}.html").as_uri()} for name, path in pages.items()],
        origin=site.as_uri(),
    )


def test_every_page_kind_is_screenshot_at_both_widths(report):
    taken = {(r["name"], r["viewport"]) for r in report}
    assert taken == {(name, v) for name in [*PAGES, "claim"] for v in VIEWPORTS}
    for name, viewport in taken:
        assert (ARTIFACTS / f"{name}-{viewport}.png").stat().st_size > 10_000


def test_no_serious_or_critical_accessibility_violation(report):
    assert not serious(report)


def test_nothing_sticks_out_sideways_on_a_phone_or_a_desktop(report):
    for r in report:
        layout = r["layout"]
        assert not layout["found"], (r["name"], r["viewport"], layout["found"][:5])
        assert layout["scrollWidth"] <= layout["width"], (r["name"], r["viewport"], layout)


def test_maps_are_drawn_offline_from_the_sites_own_files(report):
    by_page = {(r["name"], r["viewport"]): r for r in report}
    for name in ("city", "pact", "country", "network", "cities-index"):
        assert by_page[(name, "desktop")]["maps"] == 1, name
    for r in report:
        assert r["drawn"] == r["maps"], (r["name"], r["viewport"])
        assert r["foreign"] == [], (r["name"], r["viewport"], r["foreign"][:3])


def test_the_city_page_is_shorter_than_the_raw_table_was(report):
    """Tehran's page was 5,500 px of property table; the tables are now folded under a summary."""
    city = next(r for r in report if r["name"] == "city" and r["viewport"] == "desktop")
    assert city["height"] < 4000


def test_the_ontology_page_opens_folded_to_a_few_screens(report):
    """It was 44,753 px in one piece; now each term is one line until opened."""
    ontology = next(r for r in report if r["name"] == "ontology" and r["viewport"] == "desktop")
    assert ontology["height"] < 12_000
