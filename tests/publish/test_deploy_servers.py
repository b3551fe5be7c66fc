"""One table of content-negotiation cases, run against real Apache 2.4 (deploy/.htaccess), real
nginx (deploy/nginx-cityrdf*.conf with deploy/cityrdf-conneg.js) and `cityrdf serve`, all three
serving the mini fixture project: the three must agree, on media types and validators too; and
deploy/w3id.htaccess on real Apache. Where a server cannot follow a rule the
case says so (a strict xfail with the reason), rather than leaving the case out."""

from __future__ import annotations

import http.client
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import html5lib
import pyoxigraph as ox
import pytest
import rdflib  # the served documents are compared as graphs with rdflib.compare
from rdflib.compare import isomorphic

from cityrdf import publish, serve
from cityrdf.rdf.namespaces import VOID
from tests.publish.expected import ontology_as_written
from tests.publish.web_servers import start_apache, start_nginx, start_w3id

MEDIA = {
    "html": "text/html",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "nt": "application/n-triples",
}
PARSERS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml", "nt": "nt"}
RESOURCES = {
    "city": "id/city/tehran",
    "agreement": "id/agreement/seoul--tehran",
    "ontology": "ontology",
    "work with parts": "id/work/zahrani-rajaei",  # also a folder: its parts are below it
    "term": "ontology/term/City",
    "versionIRI": "ontology/0.1.0",  # the version the site holds: the ontology's document
}
SUFFIXES = tuple("." + fmt for fmt in ("html", "ttl", "jsonld", "rdf", "nt"))
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# (Accept header or None for no header, expected: a format, or 406)
ACCEPT_CASES = [
    (None, "html"),
    ("*/*", "html"),
    (BROWSER, "html"),
    ("text/*", "html"),
    ("text/html", "html"),
    ("text/turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/rdf+xml", "rdf"),
    ("application/n-triples", "nt"),
    ("TEXT/Turtle", "ttl"),
    ("text/turtle;q=0, */*;q=0.1", "html"),
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "jsonld"),
    ("text/turtle;q=0.9, application/ld+json", "jsonld"),
    ("application/*", "jsonld"),
    ("application/*;q=0.5, text/html;q=0.4", "jsonld"),
    ("text/*;q=0.5, text/turtle", "ttl"),
    # a header with no media range in it is read as no header
    ("", "html"),
    # a q-value outside the grammar drops its range
    ("text/turtle;q=abc, text/html;q=0.1", "html"),
    ("application/n-triples, text/turtle;q=0.999", "nt"),
    ("application/rdf+xml;q=0.3, text/html;q=0.2", "rdf"),
    ("text/html;q=0, */*;q=0.5", "ttl"),
    ("text/html;q=0, text/turtle;q=0, application/ld+json;q=0.1", "jsonld"),
    ("text/turtle, */*", "html"),
    ("text/turtle;q=1, */*;q=1", "html"),
    # more than three decimals is outside RFC 9110's qvalue grammar (Apache reads it as 0)
    ("text/turtle;q=0.0001", 406),
    ("text/turtle;q=0.0001, */*;q=0.5", "html"),
    ("text/html;q=0.5, application/n-triples;q=0.501", "nt"),
    ("image/png", 406),
    ("application/json", 406),
    ("text/html;q=0", 406),
    (
        "text/turtle;q=0, application/ld+json;q=0, application/rdf+xml;q=0, application/n-triples;q=0, text/html;q=0",
        406,
    ),
]
CLOSE_Q = (
    "mod_negotiation multiplies q by the source quality (qs, 3 decimals) that makes ties go to "
    "HTML first, so q-values less than about 1 % apart can swap"
)
# What a server cannot express, said where the table is read (deploy/.htaccess says it too).
NO_Q_BELOW_ONE = (
    "mod_negotiation lowers */* to q=0.01 when no q-value in a header is below 1 (none at all, "
    "or only q=1), so Turtle wins the tie that serve and nginx give to HTML (RFC 9110 leaves ties "
    "to the server)"
)
EMPTY_ACCEPT = (
    "mod_negotiation reads an empty Accept header as a list of no acceptable types and answers "
    "406, where serve and nginx read it as no header (RFC 9110 allows both)"
)
BAD_Q = (
    "mod_negotiation reads a q-value that does not start with 0 as 1 (`q=abc` is 1), where serve "
    "and nginx drop the range whose q-value is outside RFC 9110's grammar"
)
KNOWN_LIMITS = {
    ("apache", ""): EMPTY_ACCEPT,
    ("apache", "text/turtle;q=abc, text/html;q=0.1"): BAD_Q,
    ("apache", "text/turtle, */*"): NO_Q_BELOW_ONE,
    ("apache", "text/turtle;q=1, */*;q=1"): NO_Q_BELOW_ONE,
    ("apache", "text/html;q=0.5, application/n-triples;q=0.501"): CLOSE_Q,
    ("apache", "application/n-triples, text/turtle;q=0.999"): CLOSE_Q,
}


def cases():
    for kind, path in RESOURCES.items():
        for accept, expected in ACCEPT_CASES:
            yield kind, path, accept, expected
        for fmt in MEDIA:  # a suffix URL is that format whatever Accept says
            yield kind, f"{path}.{fmt}", "image/png" if fmt == "html" else "text/html", fmt
    yield "ontology folder", "ontology/", "text/turtle", "html"
    yield "type map", "ontology.var", None, 404
    yield "missing resource", "id/city/atlantis", "text/turtle", 404
    yield "missing resource", "id/city/atlantis", "image/png", 404
    yield "missing term", "ontology/term/Atlantis", None, 404
    yield "missing suffix", "id/city/atlantis.ttl", None, 404


SERVERS = ("apache", "nginx", "serve")
CASES = list(cases())


@pytest.fixture(scope="module")
def site(mini_project):
    # world-readable: Apache's children drop root for an unprivileged user
    folder = Path(tempfile.mkdtemp(prefix="cityrdf-deploy-"))
    folder.chmod(0o755)
    publish.publish(folder / "site")
    yield folder / "site"
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def servers(site, mini_project, start_loopback_server, tmp_path_factory):
    started = {}
    try:
        started["apache"] = start_apache(site, tmp_path_factory.mktemp("apache"))
        started["nginx"] = start_nginx(site, tmp_path_factory.mktemp("nginx"))
        server, url = start_loopback_server(serve.Settings())
        urls = {name: s.url for name, s in started.items()} | {"serve": url}
        yield urls
        server.should_exit = True
    finally:
        for s in started.values():
            s.stop()


def fetch(url: str, accept: str | None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={} if accept is None else {"Accept": accept})
    # urllib adds no Accept header of its own, so None really sends none
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def expected_graph(site: Path, path: str, fmt: str, mini_project: Path) -> rdflib.Graph:
    stem = path.rsplit(".", 1)[0] if path.endswith(SUFFIXES) else path
    if stem in ("ontology", RESOURCES["versionIRI"]):
        return ontology_as_written(mini_project / "ontology" / "cityrdf.ttl")
    return rdflib.Graph().parse(site / f"{stem}.ttl", format="turtle")


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize(
    "kind, path, accept, expected",
    CASES,
    ids=[f"{k}:{p}:{a}" for k, p, a, _ in CASES],
)
def test_conneg_table(servers, site, mini_project, server, kind, path, accept, expected, request):
    limit = KNOWN_LIMITS.get((server, accept))
    if limit and not path.endswith(SUFFIXES) and kind in RESOURCES:
        request.applymarker(pytest.mark.xfail(reason=limit, strict=True))
    status, headers, body = fetch(f"{servers[server]}/{path}", accept)
    negotiated = not path.endswith((*SUFFIXES, "/"))
    if isinstance(expected, int):
        assert status == expected, f"{server} {path} Accept {accept!r}: {status}"
        if status == 406:  # the answer depends on Accept, so a cache must key it on Accept too
            assert "accept" in headers.get("vary", "").lower(), f"{server}: {headers.get('vary')}"
        return
    assert status == 200, f"{server} {path} Accept {accept!r}: {status} {body[:200]!r}"
    media = headers.get("content-type", "").split(";")[0].strip()
    assert media == MEDIA[expected], f"{server} {path} Accept {accept!r}: {media}"
    if media.startswith("text/"):  # Turtle's registration asks for it when the text is not ASCII
        charset = headers["content-type"].replace(" ", "").lower().split(";")[1:]
        assert charset == ["charset=utf-8"], f"{server} {path}: {headers['content-type']}"
    if negotiated:
        assert "accept" in headers.get("vary", "").lower(), f"{server}: Vary {headers.get('vary')}"
        # and it names the document it is: the resource's file of that format
        named = urllib.parse.urljoin(f"/{path}", headers.get("content-location", ""))
        assert named == f"/{path}.{expected}", f"{server} {path}: {headers.get('content-location')}"
    if expected == "html":
        tree = html5lib.parse(body, namespaceHTMLElements=False)
        assert tree.find(".//h1") is not None
    else:
        got = rdflib.Graph().parse(data=body, format=PARSERS[expected])
        assert isomorphic(got, expected_graph(site, path, expected, mini_project))


def test_pages_keep_their_media_types(servers):
    """nginx's inherited MIME table is not replaced: pages, styles and dumps keep their types."""
    for server in SERVERS:
        for path, media in [
            ("index.html", "text/html; charset=utf-8="),
            ("cities.html" if server != "serve" else "cities", "text/html; charset=utf-8="),
            ("static/style.css", "text/css"),
            ("dumps/cityrdf.nt.gz", "application/gzip="),  # bytes: no charset
            ("dumps/cityrdf.ttl", "text/turtle; charset=utf-8="),  # Turtle is always UTF-8
            ("dumps/SHA256SUMS", "text/plain; charset=utf-8="),
            ("CITATION.cff", "text/plain; charset=utf-8="),
            ("void.ttl", "text/turtle; charset=utf-8="),
            (".well-known/void", "text/turtle; charset=utf-8="),
            ("ontology/0.1.0.ttl", "text/turtle; charset=utf-8="),
        ]:
            status, headers, _ = fetch(f"{servers[server]}/{path}", None)
            assert status == 200, (server, path)
            got = headers.get("content-type", "").replace(" ", "").lower()
            # a trailing "=": exactly this Content-Type; else the type, whatever parameters follow
            exact = media.endswith("=")
            media = media.removesuffix("=").replace(" ", "")
            assert (got if exact else got.split(";")[0]) == media, (server, path, got)


def test_static_servers_give_the_nanopublications_their_type_and_every_data_file_cors(servers):
    """The site's TriG dump is application/trig (nginx's MIME table has no .trig), and a browser
    script may read every data file the static servers hold, VoID's well-known path included."""
    for server in ("apache", "nginx"):
        for path, media in [
            ("dumps/cityrdf-nanopubs.trig", "application/trig"),
            (".well-known/void", "text/turtle"),
            ("catalog.ttl", "text/turtle"),
            ("dumps/SHA256SUMS", "text/plain"),
        ]:
            status, headers, _ = fetch(f"{servers[server]}/{path}", None)
            assert status == 200, (server, path)
            assert headers["content-type"].split(";")[0] == media, (server, path)
            assert headers.get("access-control-allow-origin") == "*", (server, path)


def test_only_the_server_with_an_endpoint_advertises_one(servers):
    """VoID from the static site (Apache, nginx) names no SPARQL endpoint; serve's names its own."""
    for server in SERVERS:
        status, _, body = fetch(f"{servers[server]}/void.ttl", None)
        assert status == 200
        endpoints = {
            t.object
            for t in ox.parse(body, format=ox.RdfFormat.TURTLE)
            if t.predicate == VOID.sparqlEndpoint
        }
        expected = {ox.NamedNode(servers[server] + "/sparql")} if server == "serve" else set()
        assert endpoints == expected, server


# RFC 9110 §8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE
ENTITY_TAG = re.compile(r'(W/)?"[\x21\x23-\x7e\x80-\xff]*"')


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize(
    "path, accept",
    [("id/city/tehran", "text/turtle"), ("ontology", "text/html"), ("void.ttl", None)],
)
def test_every_etag_is_well_formed_and_answers_revalidate(servers, server, path, accept):
    """An ETag, where a server sends one, is an RFC 9110 entity-tag (Apache's negotiated one lost
    its closing quote, so deploy/.htaccess sends none); Last-Modified is always there, and a
    conditional request with it gets 304."""
    status, headers, _ = fetch(f"{servers[server]}/{path}", accept)
    assert status == 200
    etag = headers.get("etag")
    assert etag is None or ENTITY_TAG.fullmatch(etag), (server, path, etag)
    assert "last-modified" in headers, (server, path)
    conditions = [{"If-Modified-Since": headers["last-modified"]}]
    if etag:
        conditions.append({"If-None-Match": etag})
    for condition in conditions:
        status, answer, body = one_request(
            "GET", f"{servers[server]}/{path}", condition | ({"Accept": accept} if accept else {})
        )
        assert (status, body) == (304, b""), (server, path, condition)
        if accept:  # a negotiated answer's 304 says what it varies on, as its 200 does
            assert "accept" in answer.get("vary", "").lower(), (server, path, condition)


def one_request(
    method: str, url: str, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    """One request as given (no redirect followed, no header added): status, headers, body."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    try:
        connection.request(method, parts.path, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize(
    "path, accept",
    [("id/city/tehran", "text/turtle"), ("id/city/tehran", None), ("id/city/tehran.nt", None)],
)
def test_head_answers_as_get_would_without_a_body(servers, server, path, accept):
    url, headers = f"{servers[server]}/{path}", {"Accept": accept} if accept else {}
    got_status, got, body = one_request("GET", url, headers)
    head_status, head, head_body = one_request("HEAD", url, headers)
    assert got_status == 200 and len(body) == int(got["content-length"]) > 0
    assert (head_status, head_body) == (got_status, b"")
    for name in ("content-type", "vary", "content-length", "last-modified"):
        assert head.get(name) == got.get(name), (server, path, name)


@pytest.mark.parametrize("server", SERVERS)
def test_format_parameter_takes_suffixes_names_and_media_types(servers, site, mini_project, server):
    """`?format=` takes a suffix, a format's name (`turtle`, `json-ld`, …) or a media type, and
    wins over Accept; any other value is 406."""
    for name, fmt in [
        ("ttl", "ttl"),
        ("turtle", "ttl"),
        ("Turtle", "ttl"),
        ("text/turtle", "ttl"),
        ("json-ld", "jsonld"),
        ("application/ld+json", "jsonld"),
        ("rdfxml", "rdf"),
        ("ntriples", "nt"),
        ("n-triples", "nt"),
        ("html", "html"),
    ]:
        for path in ("id/city/tehran", "ontology", RESOURCES["versionIRI"]):
            url = f"{servers[server]}/{path}?format={urllib.parse.quote(name, safe='')}"
            status, headers, body = fetch(url, "text/html")
            assert status == 200, (server, name, path, status)
            assert headers["content-type"].split(";")[0] == MEDIA[fmt], (server, name, path)
            if fmt != "html":
                got = rdflib.Graph().parse(data=body, format=PARSERS[fmt])
                assert isomorphic(got, expected_graph(site, path, fmt, mini_project))
    status, _, _ = fetch(f"{servers[server]}/id/city/tehran?format=yaml", None)
    assert status == 406, server


def test_static_site_has_no_service_description(servers):
    """A static site has no SPARQL endpoint, so it publishes no description of one."""
    for server in ("apache", "nginx"):
        status, _, _ = fetch(f"{servers[server]}/sparql-service.ttl", None)
        assert status == 404, server


@pytest.fixture(scope="module")
def w3id(tmp_path_factory):
    server = start_w3id("data.example.org", tmp_path_factory.mktemp("w3id"))
    yield server.url
    server.stop()


def unfollowed(url: str, accept: str) -> tuple[int, dict[str, str]]:
    """One request, its redirect not followed."""
    status, headers, _ = one_request("GET", url, {"Accept": accept, "Origin": "https://a.example"})
    return status, headers


@pytest.mark.parametrize(
    "path, status, location",
    [
        ("id/city/tehran", 303, "https://data.example.org/cityrdf/id/city/tehran"),
        ("ontology", 303, "https://data.example.org/cityrdf/ontology"),
        ("ontology/0.1.0", 303, "https://data.example.org/cityrdf/ontology/0.1.0"),
        (
            "incoming/id/work/w.ttl",
            302,
            "https://data.example.org/cityrdf/incoming/id/work/w.ttl",
        ),
        ("dumps/cityrdf.ttl", 302, "https://data.example.org/cityrdf/dumps/cityrdf.ttl"),
    ],
)
def test_w3id_redirects_carry_cors(w3id, path, status, location):
    """deploy/w3id.htaccess on real Apache: a browser script may follow every redirect (mod_headers
    leaves `Header set` out of 3xx answers; `always` puts it in)."""
    got, headers = unfollowed(f"{w3id}/cityrdf/{path}", "text/turtle")
    assert (got, headers.get("location")) == (status, location)
    assert headers.get("access-control-allow-origin") == "*"
