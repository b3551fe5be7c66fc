"""`cityrdf push`: replace a named graph of an external SPARQL 1.1 store with the build, then verify it.

Verified means more than a count: the graph is read back (Graph Store GET) and its content checksum
(SHA-256 of the canonical N-Triples, blank nodes named by RDF canonicalisation) must equal the
build's, before the move into place and after it.

The build travels through the Graph Store HTTP Protocol into a staging graph, in parts small enough for
the store (Virtuoso 7 stalls on very large requests), and one SPARQL Update `MOVE` then replaces the
target graph. A Graph Store request is not atomic in Virtuoso (a crash mid-PUT keeps the triples
loaded so far), but an update request is (SPARQL 1.1 Update §2.2: "treated atomically"; on Virtuoso
with `DEFINE sql:log-enable 1`), so the target is always its old or its complete new self.

Every answer of the store is read within its request's deadline and a byte cap, counted on the wire
and once inflated (cityrdf.sparql.remote.read_body): a graph read back may be four times the build's
N-Triples (at least 64 MiB), any other answer 64 MiB.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from cityrdf.errors import BadInput, CityrdfError, NotConforming
from cityrdf.project import current_project
from cityrdf.rdf.graph import parse_file, rdf_bytes
from cityrdf.sparql import remote
from cityrdf.sparql.endpoints import IRI_FORBIDDEN, require_http_url

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
    checksum: str

    def summary(self, endpoint: str) -> str:
        return (
            f"pushed {self.triples} triples to <{self.graph}> at {endpoint} "
            f"in {self.parts} part(s), {self.seconds:.1f} s; triple count and content "
            f"verified (sha256 {self.checksum[:16]}…)"
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
        # push() refuses --user without --password
        auth = ChallengeAuth(user, password) if user is not None and password is not None else None
        self.deadline = remote.Deadline(timeout)  # for each request's whole exchange
        self.http = remote.client(
            self.deadline,
            auth=auth,
            headers={"User-Agent": "cityrdf-push (https://w3id.org/cityrdf)"},
        )
        self.is_virtuoso = False

    def close(self) -> None:
        self.http.close()

    def send(
        self,
        doing: str,
        method: str,
        url: str,
        ok: Iterable[int] = (),
        limit: int = remote.MAX_ANSWER_BYTES,
        **kwargs,
    ) -> tuple[httpx.Response, bytes]:
        """The store's response and its body, read within the deadline and `limit` bytes (on the
        wire and inflated: cityrdf.sparql.remote.read_body)."""
        self.deadline.restart()
        headers = {"Accept-Encoding": remote.ACCEPT_ENCODING, **kwargs.pop("headers", {})}
        try:
            request = self.http.build_request(method, url, headers=headers, **kwargs)
            response = self.http.send(request, stream=True)
            try:
                body = remote.read_body(response, url, limit, self.deadline)
            finally:
                response.close()
        except httpx.TimeoutException:
            raise CityrdfError(
                f"{doing}: the store at {url} gave no complete answer within "
                f"{self.deadline.seconds:g} s"
            ) from None
        except httpx.TransportError as err:
            reason = str(err) or type(err).__name__
            raise CityrdfError(f"{doing}: the store at {url} did not answer ({reason})") from None
        except remote.EndpointError as err:
            raise CityrdfError(f"{doing}: {err}") from None
        if (
            300 <= response.status_code < 400
        ):  # never followed: the request carries data and credentials
            where = response.headers.get("location", "")[:200] or "nowhere"
            raise CityrdfError(
                f"{doing}: the store at {url} redirects (HTTP {response.status_code}) to {where!r}; "
                "push does not follow redirects: give the store's own URLs "
                "(--endpoint, --store-url, --update-url)"
            )
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
                f"{doing}: HTTP {response.status_code} from {url}: "
                f"{remote.error_text(body, response)}"
            )
        return response, body

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

    def read_back(self, graph: str, doing: str, limit: int) -> list[ox.Triple]:
        """The triples the store holds in `graph`, as it sends them back (Graph Store GET), read
        no further than `limit` bytes."""
        response, body = self.send(
            doing,
            "GET",
            self.endpoints.graph_store,
            limit=limit,
            params={"graph": graph},
            headers={"Accept": "application/n-triples, text/turtle;q=0.9"},
        )
        media = response.headers.get("content-type", "").split(";")[0].strip()
        fmt = ox.RdfFormat.from_media_type(media) if media else None
        if fmt not in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE):
            raise CityrdfError(
                f"{doing}: {self.endpoints.graph_store} sent {media or 'no Content-Type'}, "
                "not N-Triples or Turtle"
            )
        try:
            return list(ox.parse(body, format=fmt))
        except (SyntaxError, ValueError) as err:
            reason = " ".join(str(err).split())[:200]
            raise CityrdfError(f"{doing}: the store's copy does not parse ({reason})") from None

    def count(self, graph: str, doing: str) -> int:
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        response, body = self.send(
            doing,
            "POST",
            self.endpoints.query,
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
        )
        kind = response.headers.get("content-type", "")
        try:  # parsed and checked by Oxigraph (depth, shape, terms) before it is read
            captured = remote.parse_results(body, kind, self.endpoints.query, self.deadline, 1)
            return int(captured.solutions()[0]["n"].value)
        except remote.EndpointError as err:
            raise CityrdfError(f"{doing}: {err}") from None
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            raise CityrdfError(
                f"{doing}: {self.endpoints.query} did not answer with a count"
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
    timeout: float = TIMEOUT_SECONDS,
) -> PushReport:
    """Replace `graph` at the store with the build's triples and check the store holds all of them.

    `on_part(i, n)` is called before part i of n is uploaded (progress, or a fault test's trigger);
    `timeout` bounds each request's whole exchange.
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
        rdf_bytes(part, ox.RdfFormat.N_TRIPLES) for part in split_into_parts(triples, part_triples)
    ]
    staging = staging_graph(graph)
    untouched = f"<{graph}> is unchanged"
    retry = f"{untouched}; run the push again"

    expected = content_checksum(triples)
    # The store's copy is read back as N-Triples or Turtle: about the size of the build's own.
    read_back_limit = max(remote.MAX_ANSWER_BYTES, 4 * sum(map(len, parts)))
    client = StoreClient(endpoints, user, password, timeout)
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
        verify(
            client,
            staging,
            triples,
            expected,
            f"reading the staging graph back ({retry})",
            read_back_limit,
        )
        client.update(
            f"MOVE <{staging}> TO <{graph}>",
            f"replacing <{graph}> with the staging graph (the store applies an update request "
            "whole or not at all, so the graph is its old or its new self; run the push again)",
        )
        stored = client.count(graph, f"counting <{graph}> after the move")
        if stored != len(triples):
            raise NotConforming(
                f"<{graph}> at {endpoint} holds {stored} triples but the build has {len(triples)}"
            )
        verify(
            client,
            graph,
            triples,
            expected,
            f"reading <{graph}> back after the move",
            read_back_limit,
        )
    finally:
        client.close()
    return PushReport(graph, len(triples), len(parts), time.monotonic() - began, expected)


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
        build_file = current_project().dist_dir / "cityrdf.nt"
        if not build_file.is_file():
            raise BadInput(f"{build_file}: no build to push; run `cityrdf build` first")
    triples = list(dict.fromkeys(parse_file(Path(build_file))))
    if not triples:
        raise BadInput(f"{build_file}: holds no triples; nothing to push")
    return triples


def content_checksum(triples: Iterable[ox.Triple]) -> str:
    """SHA-256 of the graph's canonical N-Triples (RDF canonicalisation names the blank nodes, so
    two graphs get one checksum exactly when they are isomorphic), lines sorted."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)  # one process: stable enough
    lines = sorted(rdf_bytes(dataset, ox.RdfFormat.N_QUADS).splitlines())
    return hashlib.sha256(b"\n".join(lines)).hexdigest()


def verify(
    client: StoreClient,
    graph: str,
    triples: list[ox.Triple],
    expected: str,
    doing: str,
    limit: int = remote.MAX_ANSWER_BYTES,
) -> None:
    """NotConforming unless the store sends back exactly the build's graph (up to blank node names),
    in at most `limit` bytes."""
    held = client.read_back(graph, doing, limit)
    if content_checksum(held) == expected:
        return
    built, sent = set(map(str, triples)), set(map(str, held))
    missing = sorted(t for t in built - sent if "_:" not in t) or sorted(built - sent)
    example = f"; e.g. it lacks {missing[0][:200]}" if missing else ""
    raise NotConforming(
        f"{doing}: the store holds other data than the build ({len(held)} triples sent back, "
        f"{len(triples)} built; content checksums differ{example})"
    )


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
