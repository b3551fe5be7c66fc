"""Debian's headless Chromium opens a city page and the query page served on loopback."""

from __future__ import annotations

import subprocess
import tempfile

import html5lib
import httpx
import pytest

from cityrdf import serve
from cityrdf.views.resource import stored_questions
from tests.browser.probe import ARTIFACTS, CHROMIUM, probe, serious

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]


def chromium(*args: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--window-size=1200,900",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-500:]
    return done.stdout


@pytest.fixture(scope="module")
def base_url(mini_project, start_loopback_server):
    server, url = start_loopback_server(serve.Settings())
    yield url
    server.should_exit = True


def test_city_page_renders_persian_and_english_names_and_partner_links(base_url):
    ARTIFACTS.mkdir(exist_ok=True)
    dom = chromium("--dump-dom", base_url + "/id/city/tehran")
    tree = html5lib.parse(dom, namespaceHTMLElements=False)
    assert tree.find(".//h1").text == "Tehran"
    rtl = [div for div in tree.iter("div") if div.get("lang") == "fa"]
    assert rtl and rtl[0].get("dir") == "rtl" and "تهران" in "".join(rtl[0].itertext())
    partners = {a.get("href") for a in tree.iter("a") if a.get("href", "").startswith("/id/city/")}
    assert {"/id/city/seoul", "/id/city/isfahan"} <= partners
    for href in partners:
        assert httpx.get(base_url + href).status_code == 200
    chromium(f"--screenshot={ARTIFACTS / 'city-tehran.png'}", base_url + "/id/city/tehran")
    assert (ARTIFACTS / "city-tehran.png").stat().st_size > 10_000


def test_query_page_is_yasgui_with_a_tab_per_stored_question_and_runs_the_first(base_url):
    ARTIFACTS.mkdir(exist_ok=True)
    dom = chromium("--virtual-time-budget=8000", "--dump-dom", base_url + "/sparql")
    tree = html5lib.parse(dom, namespaceHTMLElements=False)
    tabs = [
        "".join(a.itertext()).strip()
        for a in tree.iter("a")
        if "tab" in (a.get("role") or "") or a.get("aria-controls")
    ]
    titles = [q["title"]["en"] for q in stored_questions()]
    assert titles and all(any(t.startswith(title) for t in tabs) for title in titles), tabs
    table = next(t for t in tree.iter("table") if "dataTable" in (t.get("class") or ""))
    rows = table.findall("./tbody/tr")
    assert len(rows) == 2, dom[-800:]
    assert "https://w3id.org/cityrdf/id/city/isfahan" in "".join(rows[0].itertext())
    chromium(
        "--virtual-time-budget=8000",
        f"--screenshot={ARTIFACTS / 'query-page.png'}",
        base_url + "/sparql",
    )


def test_served_query_and_city_pages_pass_axe_and_fit_a_phone(base_url):
    report = probe(
        [
            {
                "name": "query-page",
                "url": base_url + "/sparql",
                "waitFor": "table.dataTable tbody tr",
            },
            {"name": "served-city", "url": base_url + "/id/city/tehran"},
        ],
        origin=base_url,
    )
    assert len(report) == 4
    assert not serious(report)
    for r in report:
        assert not r["layout"]["found"], (r["name"], r["viewport"], r["layout"]["found"][:5])
        assert r["layout"]["scrollWidth"] <= r["layout"]["width"], (r["name"], r["viewport"])
        assert r["foreign"] == [], (r["name"], r["foreign"][:3])


# IRIs, dates and numbers side by side: more columns than fit, so some are narrower than their text
RESULTS_WITH_DATES = """PREFIX cr: <https://w3id.org/cityrdf/ontology#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?pact ?party ?year ?signed ?recorded ?partyAgain ?pactAgain ?share ?size WHERE {
  ?pact cr:party ?party .
  OPTIONAL { ?pact cr:signingDate ?year }
  BIND("2015-05-12"^^xsd:date AS ?signed)
  BIND("2015-05-12" AS ?recorded)
  BIND(?party AS ?partyAgain)
  BIND(?pact AS ?pactAgain)
  BIND(123456.75 AS ?share)
  BIND(STRLEN(STR(?pact)) * 1000 AS ?size)
}"""


def test_query_results_show_dates_and_numbers_whole(base_url):
    """YASR's table cut what did not fit its column with an ellipsis ("2015-0…", read as a wrong
    date): now no literal is cut, and a short one (a date, a number) takes one line, in a stored
    question's tab and in a tab the visitor adds."""
    page = {
        "url": base_url + "/sparql",
        "waitFor": "table.dataTable tbody tr",
        "query": RESULTS_WITH_DATES,
        "columns": 9,
    }
    report = probe(
        [
            page | {"name": "query-results"},
            page | {"name": "query-results-new-tab", "newTab": True},
        ],
        origin=base_url,
    )
    assert len(report) == 4
    for shown in report:
        values = {literal["value"] for literal in shown["literals"]}
        where = (shown["name"], shown["viewport"])
        assert {"2015-05-12", "1963", "123456.75"} <= values, (where, values)
        cut = [literal for literal in shown["literals"] if literal["cut"]]
        assert not cut, (where, cut[:3])
        split = [
            literal
            for literal in shown["literals"]
            if len(literal["value"]) <= 32 and " " not in literal["value"] and literal["lines"] > 1
        ]
        assert not split, (where, split[:3])
