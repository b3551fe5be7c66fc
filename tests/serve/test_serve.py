"""`cityrdf serve` over real HTTP: content negotiation, the SPARQL protocol, and the read-only limits."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import httpx
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from cityrdf.web.common import PAGE_TYPES

TEHRAN = "https://w3id.org/cityrdf/id/city/tehran"
PARTNERS = f"SELECT ?p WHERE {{ <{TEHRAN}> <https://w3id.org/cityrdf/ontology#twinnedWith> ?p }} ORDER BY ?p"


def get(base_url: str, path: str, accept: str | None = None, **params) -> httpx.Response:
    headers = {"accept": accept} if accept is not None else {}
    return httpx.get(base_url + path, headers=headers, params=params, timeout=30)


def raw_request(base_url: str, target: str) -> tuple[int, bytes]:
    """Send the request line as written (no client-side path normalisation), return status and body."""
    host = urlsplit(base_url)
    with socket.create_connection((host.hostname, host.port), timeout=10) as conn:
        conn.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.parametrize(
    "accept, media",
    [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/n-triples", "application/n-triples"),
        ("text/html", "text/html"),
        ("*/*", "text/html"),
        ("text/html;q=0.2, text/turtle;q=0.9", "text/turtle"),
        ("application/rdf+xml;q=0.5, application/*;q=0.8", "application/ld+json"),
    ],
)
def test_resource_content_negotiation_honours_accept_and_q_values(base_url, accept, media):
    response = get(base_url, "/id/city/tehran", accept)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert "accept" in response.headers["vary"].lower()


@pytest.mark.parametrize(
    "fmt, parser", [("ttl", "turtle"), ("jsonld", "json-ld"), ("rdf", "xml"), ("nt", "nt")]
)
def test_format_parameter_and_suffix_give_the_same_graph(base_url, fmt, parser):
    by_param = rdflib.Graph().parse(
        data=get(base_url, "/id/city/tehran", "text/html", format=fmt).text, format=parser
    )
    by_suffix = rdflib.Graph().parse(
        data=get(base_url, f"/id/city/tehran.{fmt}").text, format=parser
    )
    assert len(by_param) > 5 and isomorphic(by_param, by_suffix)
    assert (
        rdflib.URIRef(TEHRAN),
        rdflib.RDFS.label,
        rdflib.Literal("تهران", lang="fa"),
    ) in by_param


def test_city_page_has_persian_block_and_partner_links(base_url):
    page = get(base_url, "/id/city/tehran", "text/html").text
    assert '<div lang="fa" dir="rtl"' in page and "تهران" in page and "Tehran" in page
    assert 'href="/id/city/seoul"' in page
    assert get(base_url, "/id/city/seoul").status_code == 200


def test_unproducible_type_is_406_and_unknown_resource_is_404(base_url):
    assert get(base_url, "/id/city/tehran", "application/pdf").status_code == 406
    assert get(base_url, "/id/city/tehran", "text/html", format="pdf").status_code == 406
    missing = get(base_url, "/id/city/atlantis")
    assert (
        missing.status_code == 404
        and "atlantis" in missing.text
        and "Traceback" not in missing.text
    )


def test_ontology_and_terms_dereference(base_url):
    assert "cityrdf" in get(base_url, "/ontology", "text/html").text.lower()
    ontology = rdflib.Graph().parse(
        data=get(base_url, "/ontology", "text/turtle").text, format="turtle"
    )
    assert (
        rdflib.URIRef("https://w3id.org/cityrdf/ontology#City"),
        rdflib.RDF.type,
        rdflib.OWL.Class,
    ) in ontology
    assert get(base_url, "/ontology/term/City", "text/turtle").status_code == 200


def test_catalogue_artefacts_are_served(base_url):
    void = get(base_url, "/.well-known/void")
    assert void.status_code == 200 and "void#" in void.text
    assert rdflib.Graph().parse(data=get(base_url, "/catalog.ttl").text, format="turtle")
    sums = get(base_url, "/dumps/SHA256SUMS").text
    assert "cityrdf.nt.gz" in sums and get(base_url, "/dumps/cityrdf.nt.gz").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "/static/../../../etc/passwd",
        "/static/..%2f..%2fetc%2fpasswd",
        "/dumps/..%2f..%2fpyproject.toml",
        "/id/city/..%2f..%2f..%2fetc%2fpasswd",
        "/id/../../etc/passwd",
        "/ontology/term/..%2f..%2fetc",
    ],
)
def test_path_traversal_is_refused(base_url, target):
    status, body = raw_request(base_url, target)
    assert 400 <= status < 500
    assert b"root:" not in body and b"[project]" not in body


def sparql(base_url: str, query: str, fmt) -> SPARQLWrapper:
    client = SPARQLWrapper(base_url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_select_in_json_xml_and_csv(base_url):
    rows = sparql(base_url, PARTNERS, JSON).queryAndConvert()["results"]["bindings"]
    assert [r["p"]["value"] for r in rows] == [
        "https://w3id.org/cityrdf/id/city/isfahan",
        "https://w3id.org/cityrdf/id/city/seoul",
    ]
    xml = sparql(base_url, PARTNERS, XML).queryAndConvert()
    assert [u.firstChild.data for u in xml.getElementsByTagName("uri")] == [
        r["p"]["value"] for r in rows
    ]
    csv = sparql(base_url, PARTNERS, CSV).queryAndConvert().decode()
    assert csv.splitlines() == ["p", *(r["p"]["value"] for r in rows)]


def test_sparqlwrapper_ask_and_construct(base_url):
    assert (
        sparql(base_url, f"ASK {{ <{TEHRAN}> ?p ?o }}", JSON).queryAndConvert()["boolean"] is True
    )
    construct = f"CONSTRUCT {{ <{TEHRAN}> ?p ?o }} WHERE {{ <{TEHRAN}> ?p ?o }} LIMIT 3"
    result = sparql(base_url, construct, TURTLE).queryAndConvert()
    g = rdflib.Graph().parse(data=result, format="turtle")
    assert len(g) == 3


def test_post_form_and_sparql_query_bodies_and_tsv(base_url):
    form = httpx.post(
        base_url + "/sparql",
        data={"query": PARTNERS},
        headers={"accept": "text/tab-separated-values"},
    )
    assert form.status_code == 200
    assert form.text.splitlines() == [
        "?p",
        f"<{TEHRAN.replace('tehran', 'isfahan')}>",
        f"<{TEHRAN.replace('tehran', 'seoul')}>",
    ]
    direct = httpx.post(
        base_url + "/sparql",
        content=PARTNERS,
        headers={
            "content-type": "application/sparql-query",
            "accept": "application/sparql-results+json",
        },
    )
    assert len(direct.json()["results"]["bindings"]) == 2


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "GET", "params": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {"method": "GET", "params": {"update": "DELETE WHERE { ?s ?p ?o }"}},
        {"method": "POST", "data": {"update": "CLEAR ALL"}},
        {
            "method": "POST",
            "content": "LOAD <http://example.org/x.ttl>",
            "headers": {"content-type": "application/sparql-update"},
        },
        {
            "method": "POST",
            "content": "DROP ALL",
            "headers": {"content-type": "application/sparql-query"},
        },
        {
            "method": "GET",
            "params": {
                "query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
            },
        },
    ],
)
def test_updates_loads_and_service_calls_are_refused(base_url, request_kwargs):
    method = request_kwargs.pop("method")
    response = httpx.request(method, base_url + "/sparql", timeout=30, **request_kwargs)
    assert response.status_code in (400, 403)
    assert len(response.text) < 300 and "Traceback" not in response.text
    count = httpx.get(
        base_url + "/sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
        headers={"accept": "text/csv"},
    ).text.splitlines()[1]
    assert int(count) > 50  # nothing was deleted


def test_result_cap_truncates_and_says_so(base_url):
    response = get(
        base_url, "/sparql", "application/sparql-results+json", query="SELECT * { ?s ?p ?o }"
    )
    assert len(response.json()["results"]["bindings"]) == 5
    assert "5" in response.headers["cityrdf-truncated"]


def test_query_past_the_deadline_is_stopped_with_a_4xx(base_url):
    heavy = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    response = get(base_url, "/sparql", "text/csv", query=heavy)
    assert response.status_code == 408 and "limit" in response.text
    assert get(base_url, "/sparql", "text/csv", query=PARTNERS).status_code == 200  # still serving


def test_bad_query_and_bad_accept_give_short_4xx(base_url):
    bad = get(base_url, "/sparql", "*/*", query="SELEKT nothing")
    assert bad.status_code == 400 and "does not parse" in bad.text
    assert get(base_url, "/sparql", "image/png", query=PARTNERS).status_code == 406
    assert (
        httpx.post(
            base_url + "/sparql", content="x", headers={"content-type": "image/png"}
        ).status_code
        == 415
    )


def test_body_and_url_limits(base_url):
    big = httpx.post(
        base_url + "/sparql",
        content="#" * 5000,
        headers={"content-type": "application/sparql-query"},
    )
    assert big.status_code == 413
    assert get(base_url, "/sparql", query="ASK {}" + " " * 3000).status_code == 414


def test_cors_allows_reads_from_any_origin(base_url):
    response = get(base_url, "/sparql", "application/sparql-results+json", query="ASK {}")
    assert response.status_code == 200  # simple GET: the header comes with the answer
    response = httpx.get(base_url + "/id/city/tehran", headers={"origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = httpx.options(
        base_url + "/sparql",
        headers={
            "origin": "https://example.org",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert (
        preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]
    )


def test_query_page_offers_the_stored_questions(base_url):
    page = get(base_url, "/sparql", "text/html").text
    assert (
        "tehran-partners" in page
        and "خواهرخوانده‌های تهران" in page
        and '<script src="/static/sparql.js"' in page
    )
    assert get(base_url, "/static/sparql.js").status_code == 200


MEDIA_RANGES = st.sampled_from(
    [
        *PAGE_TYPES,
        "*/*",
        "text/*",
        "application/*",
        "image/png",
        "application/json",
        "text/plain",
        "foo",
        "",
        "*/html",
        "text/turtle;level=1",
    ]
)
Q_VALUES = st.one_of(
    st.none(), st.floats(-1, 2).map(lambda q: f"{q:.3f}"), st.text("0123456789.xq-", max_size=5)
)


@st.composite
def accept_headers(draw) -> str:
    parts = []
    for media in draw(st.lists(MEDIA_RANGES, max_size=5)):
        q = draw(Q_VALUES)
        parts.append(media if q is None else f"{media};q={q}")
    noise = draw(st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=10))
    # HTTP drops leading and trailing whitespace from header values (and httpx refuses to send it)
    return (", ".join(parts) + draw(st.sampled_from(["", noise]))).strip()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(accept=accept_headers())
def test_any_accept_header_gives_an_offered_type_or_406_never_5xx(base_url, accept):
    response = httpx.get(base_url + "/id/city/tehran", headers={"accept": accept}, timeout=30)
    assert response.status_code in (200, 406), (accept, response.status_code, response.text)
    if response.status_code == 200:
        assert response.headers["content-type"].split(";")[0] in PAGE_TYPES


def test_serve_on_a_taken_port_says_so_in_one_line(run_cityrdf):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cityrdf("serve", "--port", str(port))
    assert result.returncode == 2, result.stderr
    assert (
        result.stderr == f"error: 127.0.0.1:{port}: Address already in use; choose another --port\n"
    )
    assert "Traceback" not in result.stderr and result.stdout == ""
