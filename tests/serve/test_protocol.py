"""The SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/) as cityrdf serve answers it,
case by case from the spec and its test suite's names, over the project dataset of
cityrdf.rdf.dataset."""

from __future__ import annotations

from urllib.parse import parse_qs

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib import URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF

from cityrdf import serve
from cityrdf.project import current_project
from cityrdf.rdf import dataset, graph
from cityrdf.web import sparql

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")  # not in rdflib.namespace

ONTOLOGY = dataset.ONTOLOGY_GRAPH.value
PAPER = dataset.PAPER_GRAPH.value
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
JSON = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"


def count(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def graphs(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [b["g"]["value"] for b in response.json()["results"]["bindings"]]


def query_get(base_url: str, query: str, **params) -> httpx.Response:
    return httpx.get(
        base_url + "/sparql",
        params=[("query", query), *[(k, v) for k, vs in params.items() for v in vs]],
        headers={"accept": JSON},
        timeout=30,
    )


@pytest.fixture(scope="module")
def triples_in(mini_project) -> dict[str, int]:
    """How many triples each graph holds, counted from the source files (entailments aside)."""
    ontology = {t for path in graph.ontology_files() for t in graph.parse_file(path)}
    return {ONTOLOGY: len(ontology), "project": len(graph.load_store())}


# --- query operation ----------------------------------------------------------------------------


def test_query_get_post_form_and_post_direct_give_the_same_answer(base_url, triples_in):
    by_get = query_get(base_url, COUNT)
    by_form = httpx.post(
        base_url + "/sparql", data={"query": COUNT}, headers={"accept": JSON}, timeout=30
    )
    by_direct = httpx.post(
        base_url + "/sparql",
        content=COUNT,
        headers={"content-type": "application/sparql-query; charset=utf-8", "accept": JSON},
        timeout=30,
    )
    # the default graph is the project graph that `cityrdf validate` reads, entailments included
    assert count(by_get) == count(by_form) == count(by_direct) == triples_in["project"]


@pytest.mark.parametrize(
    "query, accept, media",
    [
        (
            "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
            "application/sparql-results+xml",
            "application/sparql-results+xml",
        ),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "text/csv", "text/csv"),
        (
            "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
            "text/tab-separated-values",
            "text/tab-separated-values",
        ),
        ("ASK { ?s ?p ?o }", JSON, JSON),
        ("ASK { ?s ?p ?o }", "application/sparql-results+xml", "application/sparql-results+xml"),
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "text/turtle", "text/turtle"),
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "application/rdf+xml", "application/rdf+xml"),
        (f"DESCRIBE <{PAPER}>", "application/n-triples", "application/n-triples"),
    ],
)
def test_query_content_types(base_url, query, accept, media):
    response = httpx.get(
        base_url + "/sparql", params={"query": query}, headers={"accept": accept}, timeout=30
    )
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media


# --- the RDF dataset: protocol parameters, FROM and FROM NAMED ----------------------------------


def test_default_graph_uri_names_the_default_graph(base_url, triples_in):
    response = query_get(base_url, COUNT, **{"default-graph-uri": [ONTOLOGY]})
    assert count(response) == triples_in[ONTOLOGY]


def test_two_default_graph_uris_merge(base_url, triples_in):
    response = query_get(base_url, COUNT, **{"default-graph-uri": [ONTOLOGY, PAPER]})
    assert count(response) == triples_in["project"]  # the mini project has these two graphs


def test_named_graph_uri_limits_the_named_graphs(base_url):
    everything = graphs(query_get(base_url, GRAPHS))
    assert everything == sorted([ONTOLOGY, PAPER])  # every graph is a named graph too
    only_paper = query_get(base_url, GRAPHS, **{"named-graph-uri": [PAPER]})
    assert graphs(only_paper) == [PAPER]
    # with only named graphs given, the default graph of that dataset is empty
    assert count(query_get(base_url, COUNT, **{"named-graph-uri": [PAPER]})) == 0


def test_full_dataset_from_the_protocol(base_url, triples_in):
    params = {"default-graph-uri": [ONTOLOGY], "named-graph-uri": [PAPER, ONTOLOGY]}
    assert count(query_get(base_url, COUNT, **params)) == triples_in[ONTOLOGY]
    assert graphs(query_get(base_url, GRAPHS, **params)) == sorted([ONTOLOGY, PAPER])


def test_from_and_from_named_are_honoured(base_url, triples_in):
    from_ontology = f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY}> WHERE {{ ?s ?p ?o }}"
    assert count(query_get(base_url, from_ontology)) == triples_in[ONTOLOGY]
    from_named = f"SELECT DISTINCT ?g FROM NAMED <{PAPER}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert graphs(query_get(base_url, from_named)) == [PAPER]
    # FROM of a graph that is not there: an empty default graph, as the spec says
    nowhere = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/cityrdf/graph> WHERE { ?s ?p ?o }"
    assert count(query_get(base_url, nowhere)) == 0


def test_protocol_dataset_overrides_the_query_dataset(base_url, triples_in):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{PAPER}> WHERE {{ ?s ?p ?o }}"
    response = query_get(base_url, query, **{"default-graph-uri": [ONTOLOGY]})
    assert count(response) == triples_in[ONTOLOGY]


def test_dataset_parameters_in_a_form_and_in_the_url_of_a_direct_post(base_url, triples_in):
    form = httpx.post(
        base_url + "/sparql",
        data={"query": COUNT, "default-graph-uri": ONTOLOGY},
        headers={"accept": JSON},
        timeout=30,
    )
    direct = httpx.post(
        base_url + "/sparql",
        params={"default-graph-uri": ONTOLOGY},
        content=COUNT,
        headers={"content-type": "application/sparql-query", "accept": JSON},
        timeout=30,
    )
    assert count(form) == count(direct) == triples_in[ONTOLOGY]


def test_rdflib_sparqlstore_reads_one_named_graph(base_url, triples_in):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(base_url + "/sparql", returnFormat="json")
    ontology = rdflib.Graph(store=store, identifier=URIRef(ONTOLOGY))
    assert len(ontology) == triples_in[ONTOLOGY]


# --- bad requests -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, kwargs, status",
    [
        ("GET", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        (
            "POST",
            {"content": "query=ASK%7B%7D&query=ASK%7B%7D", "headers": {"content-type": FORM}},
            400,
        ),
        ("GET", {"params": {"query": "ASK {}", "default-graph-uri": "not an iri"}}, 400),
        ("GET", {"params": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}, 403),
        ("GET", {"params": {"update": "CLEAR ALL"}}, 403),
        ("POST", {"data": {"update": "CLEAR ALL"}}, 403),
        (
            "POST",
            {"content": "CLEAR ALL", "headers": {"content-type": "application/sparql-update"}},
            403,
        ),
        ("POST", {"content": "ASK {}", "headers": {"content-type": "text/plain"}}, 415),
        ("POST", {"content": "ASK {}"}, 415),  # no content type at all
        ("POST", {"content": "query=%FF", "headers": {"content-type": FORM}}, 400),
        ("POST", {"content": b"query=ASK{}\xff", "headers": {"content-type": FORM}}, 400),
        (
            "POST",
            {"content": b"ASK {}\xff", "headers": {"content-type": "application/sparql-query"}},
            400,
        ),
        ("GET", {"params": {"query": 'ASK { FILTER("%FF") }'}}, 200),  # a literal %FF is fine
        ("PUT", {"content": "ASK {}"}, 405),
        ("GET", {"params": {"query": "SELEKT * {}"}}, 400),
    ],
)
def test_bad_requests_get_a_short_4xx(base_url, method, kwargs, status):
    response = httpx.request(method, base_url + "/sparql", timeout=30, **kwargs)
    assert response.status_code == status, response.text
    if status != 200:
        assert response.text.count("\n") == 1 and "Traceback" not in response.text


@pytest.mark.parametrize(
    "encoded",
    ["", "a", "a=", "&&a=1&", "a=1&a=2", "+", "%2B=%2b+x", "x=%20", "a=1;b=2", "=x", "a==b",
     "%zz=%4", "q=%C3%A9", "q=\u00c3\u00a9", "a=%00&b=%EF%BF%BD", "q=" + "%41+" * 2000],
)  # fmt: skip
def test_form_fields_read_a_string_as_parse_qs_does(encoded):
    assert sparql.form_fields(encoded, "query string") == parse_qs(encoded, keep_blank_values=True)


def test_a_non_utf8_escape_in_the_query_string_is_400_not_replaced(base_url):
    response = httpx.get(base_url + "/sparql?query=ASK%20%7B%20FILTER(%22%FF%22)%20%7D", timeout=30)
    assert response.status_code == 400 and "UTF-8" in response.text


# --- service description ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept, fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld")]
)
def test_get_without_a_query_gives_the_service_description(base_url, accept, fmt):
    response = httpx.get(base_url + "/sparql", headers={"accept": accept}, timeout=30)
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    described = rdflib.Graph().parse(data=response.text, format=fmt)
    endpoint = URIRef(base_url + "/sparql")
    assert (endpoint, RDF.type, SD.Service) in described
    assert (endpoint, SD.endpoint, endpoint) in described
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in described
    formats = {str(f) for f in described.objects(endpoint, SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    names = {
        str(name)
        for default in described.objects(endpoint, SD.defaultDataset)
        for named in described.objects(default, SD.namedGraph)
        for name in described.objects(named, SD.name)
    }
    assert names == {ONTOLOGY, PAPER}
    # the default graph is the union of named graphs the description lists, and of no other
    sources = {
        str(source)
        for default in described.objects(endpoint, SD.defaultDataset)
        for graph_ in described.objects(default, SD.defaultGraph)
        for source in described.objects(graph_, DCTERMS.source)
    }
    assert sources == names


def test_get_without_a_query_and_no_rdf_or_html_wanted_is_400(base_url):
    response = httpx.get(base_url + "/sparql", headers={"accept": JSON}, timeout=30)
    assert response.status_code == 400


# --- RDF 1.2 triple terms in every result format ------------------------------------------------

TRIPLE_TERM = ox.Triple(
    ox.NamedNode("urn:a"),
    ox.NamedNode("urn:says"),
    ox.Literal('tab\there, <quote> "&"', language="en"),
)
NESTED = ox.Triple(ox.BlankNode("b1"), ox.NamedNode("urn:about"), TRIPLE_TERM)


@pytest.fixture(scope="module")
def triple_term_url(start_loopback_server):
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:claim"), ox.NamedNode("urn:reifies"), NESTED))
    server, url = start_loopback_server(serve.Settings(), store)
    yield url
    server.should_exit = True


@pytest.mark.parametrize(
    "accept, fmt",
    [
        ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ],
)
def test_triple_terms_come_out_right_in_json_xml_and_tsv(triple_term_url, accept, fmt):
    response = httpx.get(
        triple_term_url + "/sparql",
        params={"query": "SELECT ?o WHERE { ?s ?p ?o }"},
        headers={"accept": accept},
        timeout=30,
    )
    assert response.status_code == 200
    # read back with Oxigraph's own results parser: the term is the one in the store
    (solution,) = list(ox.parse_query_results(response.content, format=fmt))
    read = solution["o"]
    assert isinstance(read, ox.Triple) and read.predicate == NESTED.predicate
    assert read.object == TRIPLE_TERM  # nested, with its language tag and escapes intact


def test_triple_terms_in_csv_are_refused_as_not_acceptable(triple_term_url):
    """SPARQL CSV has no syntax for a triple term (and Oxigraph's CSV writer splits one whose
    literal holds a comma): the client is told to ask for JSON, XML or TSV."""
    response = httpx.get(
        triple_term_url + "/sparql",
        params={"query": "SELECT ?o WHERE { ?s ?p ?o }"},
        headers={"accept": "text/csv"},
        timeout=30,
    )
    assert response.status_code == 406
    assert "triple terms" in response.text and "JSON, XML or TSV" in response.text


@pytest.mark.parametrize(
    "accept, fmt",
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/ld+json", None),
    ],
)
def test_a_constructed_triple_term_comes_out_or_is_refused_as_not_acceptable(
    triple_term_url, accept, fmt
):
    """Turtle, N-Triples and RDF/XML carry a triple term; Oxigraph's JSON-LD writer cannot yet,
    and the client is told which formats can (not that the query failed)."""
    response = httpx.get(
        triple_term_url + "/sparql",
        params={"query": "CONSTRUCT { <urn:x> <urn:says> ?o } WHERE { ?s ?p ?o }"},
        headers={"accept": accept},
        timeout=30,
    )
    if fmt is None:
        assert response.status_code == 406, response.text
        assert "triple terms" in response.text and "Turtle, N-Triples or RDF/XML" in response.text
        return
    assert response.status_code == 200, response.text
    (read,) = ox.parse(response.content, format=fmt)
    assert read.object == NESTED


def test_the_world_folder_is_the_current_projects(mini_project):
    world = current_project().world_dir
    assert world == mini_project / "world" and not world.exists()


def test_the_published_site_carries_the_same_service_description(base_url, tmp_path):
    from cityrdf import publish

    publish.publish(tmp_path / "site", base_url=base_url + "/", endpoint=base_url + "/sparql")
    published = rdflib.Graph().parse(tmp_path / "site" / "sparql-service.ttl", format="turtle")
    served = httpx.get(base_url + "/sparql", headers={"accept": "text/turtle"}, timeout=30)
    assert isomorphic(published, rdflib.Graph().parse(data=served.text, format="turtle"))


def test_a_query_by_get_gets_cors_gzip_nosniff_and_head_like_every_answer(base_url):
    """Queries by GET skip the router (cityrdf.web.sparql.QueryLane), not the app's middleware."""
    binds = " ".join(
        f"BIND(CONCAT(?v{i}, ?v{i}, ?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(5)
    )  # 8 characters four times over, five times: an 8 KB answer
    query = f'SELECT ?v5 WHERE {{ BIND("abcdefgh" AS ?v0) {binds} }}'
    asked = {"params": {"query": query}, "timeout": 30}
    json_media = "application/sparql-results+json"
    cross = httpx.get(
        base_url + "/sparql",
        headers={"origin": "https://example.org", "accept": json_media},
        **asked,
    )
    assert cross.status_code == 200, cross.text
    assert cross.headers["access-control-allow-origin"] == "*"
    assert cross.headers["x-content-type-options"] == "nosniff"
    assert cross.json()["results"]["bindings"][0]["v5"]["value"] == "abcdefgh" * 4**5
    zipped = httpx.get(
        base_url + "/sparql", headers={"accept": json_media, "accept-encoding": "gzip"}, **asked
    )
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.json() == cross.json()
    head = httpx.head(base_url + "/sparql", headers={"accept": json_media}, **asked)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == cross.headers["content-type"]
    truncated = httpx.get(
        base_url + "/sparql",
        params={"query": "SELECT * WHERE { VALUES ?n { 1 2 3 4 5 6 7 } }"},
        headers={"origin": "https://example.org"},
        timeout=30,
    )
    assert truncated.headers["cityrdf-truncated"] == "results capped at 5"
    assert "cityrdf-truncated" in truncated.headers["access-control-expose-headers"].lower()


def test_a_query_by_post_gets_cors_gzip_and_nosniff_like_a_query_by_get(base_url):
    """Queries by POST, form or direct, take the same lane as by GET, inside the same middleware."""
    binds = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}, ?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(5))
    query = f'SELECT ?v5 WHERE {{ BIND("ijklmnop" AS ?v0) {binds} }}'  # an 8 KB answer
    headers = {
        "origin": "https://example.org",
        "accept": "application/sparql-results+json",
        "accept-encoding": "gzip",
    }
    by_get = httpx.get(base_url + "/sparql", params={"query": query}, headers=headers, timeout=30)
    posts = {
        "form": {"data": {"query": query}},
        "direct": {
            "content": query.encode(),
            "headers": {**headers, "content-type": "application/sparql-query"},
        },
    }
    for how, sent in posts.items():
        answer = httpx.post(base_url + "/sparql", **{"headers": headers, **sent}, timeout=30)
        assert answer.status_code == 200, (how, answer.text)
        assert answer.headers["access-control-allow-origin"] == "*", how
        assert answer.headers["x-content-type-options"] == "nosniff", how
        assert answer.headers["content-encoding"] == "gzip", how
        assert answer.json() == by_get.json(), how
    refused = httpx.post(
        base_url + "/sparql",
        content=b"query=ASK%20%7B%7D",
        headers={**headers, "content-type": "text/plain"},
        timeout=30,
    )
    assert refused.status_code == 415 and "sparql-query" in refused.text
    assert refused.headers["x-content-type-options"] == "nosniff"
    assert refused.headers["access-control-allow-origin"] == "*"
