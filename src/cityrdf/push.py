"""`cityrdf push`: replace a named graph of an external SPARQL 1.1 store with the build, then verify it.

The build travels through the Graph Store HTTP Protocol into a staging graph, in parts small enough for
the store (Virtuoso 7 stalls on very large requests), and one SPARQL Update `MOVE` then replaces the
target graph. A Graph Store request is not atomic in Virtuoso (a crash mid-PUT keeps the triples
loaded so far), but an update request is (SPARQL 1.1 Update §2.2: "treated atomically"; on Virtuoso
with `DEFINE sql:log-enable 1`), so the target is always its old or its complete new self.
"""

from __future__ import annotations

import hashlib
import html
import re
import time
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from cityrdf import paths
from cityrdf.endpoints import IRI_FORBIDDEN, require_http_url
from cityrdf.errors import BadInput, CityrdfError, NotConforming
from cityrdf.graph import parse_file

PART_TRIPLES = 50_000
TIMEOUT_SECONDS = 600.0
IRI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S")
# Virtuoso's own pragma: run the update with logging, as one transaction (not row by row).
VIRTUOSO_TRANSACTIONAL = "DEFINE sql:log-enable 1\n"


@dataclass(frozen=True)
class StoreEndpoints:
    """The three doors of a SPARQL 1.1 store: query, update and Graph Store Protocol."""

    query: str
    update: str
    graph_store: str

    @classmethod
    def resolve(
        cls,
        endpoint: str,
        graph_store: str | None = None,
        update: str | None = None,
        authenticated: bool = False,
    ) -> StoreEndpoints:
        """Fill in what was not given from Virtuoso's layout (`/sparql`, `/sparql-auth`, …)."""
        for option, url in (
            ("--endpoint", endpoint),
            ("--store-url", graph_store),
            ("--update-url", update),
        ):
            if url is not None:
                require_http_url(url, option)
        parts = urlsplit(endpoint)
        base_path = re.sub(r"/sparql(-auth)?/?$", "", parts.path)
        if (graph_store is None or update is None) and base_path == parts.path:
            raise BadInput(
                f"{endpoint}: cannot tell this store's Graph Store and update endpoints; "
                "pass --store-url and --update-url (Virtuoso: …/sparql-graph-crud-auth, …/sparql-auth)"
            )
        suffix = "-auth" if authenticated else ""

        def sibling(path: str) -> str:
            return urlunsplit((parts.scheme, parts.netloc, base_path + path, "", ""))

        return cls(
            query=endpoint,
            update=update or sibling("/sparql" + suffix),
            graph_store=graph_store or sibling("/sparql-graph-crud" + suffix),
        )


@dataclass(frozen=True)
class PushReport:
    graph: str
    triples: int
    parts: int
    seconds: float

    def summary(self, endpoint: str) -> str:
        return (
            f"pushed {self.triples} triples to <{self.graph}> at {endpoint} "
            f"in {self.parts} part(s), {self.seconds:.1f} s; triple count verified"
        )


class ChallengeAuth(httpx.Auth):
    """Basic or Digest, whichever the store's 401 challenge asks for (Virtuoso's `-auth` wants Digest)."""

    def __init__(self, user: str, password: str):
        self._schemes = {
            "digest": httpx.DigestAuth(user, password),
            "basic": httpx.BasicAuth(user, password),
        }
        self._chosen: httpx.Auth | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._chosen is None:
            response = yield request
            if response.status_code != 401:
                return
            scheme = response.headers.get("www-authenticate", "").split(" ", 1)[0].lower()
            if scheme not in self._schemes:
                return
            self._chosen = self._schemes[scheme]
        yield from self._chosen.auth_flow(request)


class StoreClient:
    """HTTP to one store; every failure becomes a CityrdfError that says what was being done."""

    def __init__(
        self,
        endpoints: StoreEndpoints,
        user: str | None,
        password: str | None,
        timeout: float = TIMEOUT_SECONDS,
    ):
        self.endpoints = endpoints
        self.user = user
        auth = ChallengeAuth(user, password) if user is not None else None
        self.http = httpx.Client(
            auth=auth,
            timeout=httpx.Timeout(timeout, connect=10.0),
            headers={"User-Agent": "cityrdf-push (https://w3id.org/cityrdf)"},
        )
        self.is_virtuoso = False

    def close(self) -> None:
        self.http.close()

    def send(
        self, doing: str, method: str, url: str, ok: Iterable[int] = (), **kwargs
    ) -> httpx.Response:
        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.TransportError as err:
            reason = str(err) or type(err).__name__
            raise CityrdfError(f"{doing}: the store at {url} did not answer ({reason})") from None
        self.is_virtuoso |= response.headers.get("server", "").startswith("Virtuoso")
        if response.status_code in (401, 403):
            who = (
                f"user {self.user!r}" if self.user else "anonymous access (pass --user/--password)"
            )
            raise BadInput(
                f"{doing}: the store at {url} refused {who}: HTTP {response.status_code}"
            )
        if response.status_code >= 400 and response.status_code not in ok:
            raise CityrdfError(
                f"{doing}: HTTP {response.status_code} from {url}: {_error_text(response)}"
            )
        return response

    def drop_graph(self, graph: str, doing: str) -> None:
        self.send(doing, "DELETE", self.endpoints.graph_store, ok=(404,), params={"graph": graph})

    def upload(self, graph: str, part: bytes, replace: bool, doing: str) -> None:
        self.send(
            doing,
            "PUT" if replace else "POST",
            self.endpoints.graph_store,
            params={"graph": graph},
            content=part,
            headers={"Content-Type": "application/n-triples; charset=utf-8"},
        )

    def update(self, text: str, doing: str) -> None:
        pragma = VIRTUOSO_TRANSACTIONAL if self.is_virtuoso else ""
        self.send(doing, "POST", self.endpoints.update, data={"update": pragma + text})

    def count(self, graph: str, doing: str) -> int:
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        response = self.send(
            doing,
            "POST",
            self.endpoints.query,
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
        )
        try:
            return int(response.json()["results"]["bindings"][0]["n"]["value"])
        except (ValueError, KeyError, IndexError, TypeError):
            raise CityrdfError(
                f"{doing}: {self.endpoints.query} did not answer with SPARQL JSON results"
            ) from None


def push(
    endpoint: str,
    graph: str,
    user: str | None = None,
    password: str | None = None,
    build_file: Path | None = None,
    store_url: str | None = None,
    update_url: str | None = None,
    part_triples: int = PART_TRIPLES,
    on_part: Callable[[int, int], None] | None = None,
) -> PushReport:
    """Replace `graph` at the store with the build's triples and check the store holds all of them.

    `on_part(i, n)` is called before part i of n is uploaded (progress, or a fault test's trigger).
    """
    began = time.monotonic()
    _require_iri(graph)
    if (user is None) != (password is None):
        raise BadInput("--user and --password go together")
    endpoints = StoreEndpoints.resolve(
        endpoint, store_url, update_url, authenticated=user is not None
    )
    triples = read_build(build_file)
    parts = [
        ox.serialize(part, format=ox.RdfFormat.N_TRIPLES)
        for part in split_into_parts(triples, part_triples)
    ]
    staging = staging_graph(graph)
    untouched = f"<{graph}> is unchanged"
    retry = f"{untouched}; run the push again"

    client = StoreClient(endpoints, user, password)
    try:
        client.drop_graph(staging, f"clearing the staging graph <{staging}>")
        for number, part in enumerate(parts, start=1):
            if on_part:
                on_part(number, len(parts))
            doing = f"uploading part {number} of {len(parts)} to <{staging}> ({retry})"
            client.upload(staging, part, replace=number == 1, doing=doing)
        staged = client.count(staging, f"counting the staging graph ({retry})")
        if staged != len(triples):
            raise NotConforming(
                f"the store kept {staged} of the build's {len(triples)} triples in the staging "
                f'graph <{staging}> (a store that keeps literals by value merges "01" and "1" '
                f"as xsd:integer); {untouched}"
            )
        client.update(
            f"MOVE <{staging}> TO <{graph}>",
            f"replacing <{graph}> with the staging graph (the store applies an update request "
            "whole or not at all, so the graph is its old or its new self; run the push again)",
        )
        stored = client.count(graph, f"counting <{graph}> after the move")
    finally:
        client.close()
    if stored != len(triples):
        raise NotConforming(
            f"<{graph}> at {endpoint} holds {stored} triples but the build has {len(triples)}"
        )
    return PushReport(graph, len(triples), len(parts), time.monotonic() - began)


def run(
    endpoint: str,
    graph: str,
    user: str | None = None,
    password: str | None = None,
    build_file: Path | None = None,
    store_url: str | None = None,
    update_url: str | None = None,
) -> str:
    """The CLI verb: push, and return the one-line summary to print."""
    report = push(endpoint, graph, user, password, build_file, store_url, update_url)
    return report.summary(endpoint)


def read_build(build_file: Path | None = None) -> list[ox.Triple]:
    """The distinct triples of the build (default dist/cityrdf.nt), the number the store must hold."""
    if build_file is None:
        build_file = paths.DIST_DIR / "cityrdf.nt"
        if not build_file.is_file():
            raise BadInput(f"{build_file}: no build to push; run `cityrdf build` first")
    triples = list(dict.fromkeys(parse_file(Path(build_file))))
    if not triples:
        raise BadInput(f"{build_file}: holds no triples; nothing to push")
    return triples


def split_into_parts(triples: list[ox.Triple], size: int) -> list[list[ox.Triple]]:
    """Parts of at most `size` triples, except that triples sharing a blank node stay together:
    a blank node label means one node only within one document (RDF 1.1 Concepts §3.5)."""
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    def blank_labels(triple: ox.Triple) -> list[str]:
        return [t.value for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)]

    for triple in triples:
        labels = blank_labels(triple)
        for label in labels[1:]:
            parent[root(label)] = root(labels[0])
    units: dict[object, list[ox.Triple]] = {}
    for index, triple in enumerate(triples):
        labels = blank_labels(triple)
        units.setdefault(root(labels[0]) if labels else index, []).append(triple)

    parts: list[list[ox.Triple]] = [[]]
    for unit in units.values():
        if parts[-1] and len(parts[-1]) + len(unit) > size:
            parts.append([])
        parts[-1].extend(unit)
    return parts


def staging_graph(graph: str) -> str:
    """The graph a push of `graph` loads into first; fixed, so a rerun replaces a crashed run's leftovers."""
    return "urn:x-cityrdf:push-staging:" + hashlib.sha256(graph.encode()).hexdigest()[:16]


def _require_iri(graph: str) -> None:
    if not IRI_SCHEME.match(graph) or IRI_FORBIDDEN.search(graph):
        raise BadInput(
            f"--graph {graph!r} is not an absolute IRI (e.g. https://w3id.org/cityrdf/graph)"
        )


def _error_text(response: httpx.Response) -> str:
    """The store's reason in one short line (Virtuoso wraps it in HTML, inside <xmp>)."""
    body = response.text
    found = re.search(r"<xmp>(.*?)</xmp>", body, re.DOTALL)
    text = found.group(1) if found else re.sub(r"<[^>]+>", " ", body)
    return " ".join(html.unescape(text).split())[:300] or response.reason_phrase
