"""The server's settings and what it serves: the stores and the artefacts rendered once."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool

from cityrdf import describe, publish
from cityrdf.rdf import documents as rdf_documents
from cityrdf.rdf import graph
from cityrdf.views.render import Pages
from cityrdf.views.resource import SiteModel, stored_questions
from cityrdf.views.terms import SUGGESTIONS_GRAPH
from cityrdf.web.common import Rendered
from cityrdf.web.worker import STORE_LOCK

MAX_RENDERED = 100_000  # bodies kept in memory; past that, render on each request
MAX_BASES = 8  # base URLs (Host headers) whose VoID and DCAT documents are kept


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0  # seconds a SPARQL query may run before its worker is killed
    max_results: int = 10_000  # rows (or triples) a SPARQL answer may carry
    max_answer_bytes: int = 32 * 2**20  # bytes of a SPARQL answer
    query_memory: int = 512 * 2**20  # bytes a query worker may allocate beyond the server's own
    max_body: int = 64 * 1024  # bytes of a POST body
    max_url: int = 8 * 1024  # bytes of path plus query string
    # queries evaluated at once, each in a forked process; twice the cores, as part of each query's
    # time is the fork and the hand-off, not CPU; more would only slow them all down
    max_queries: int = 2 * (os.cpu_count() or 1)
    # slow clients: a request's headers must arrive within header_timeout seconds, and an idle
    # kept-alive connection is closed after keep_alive seconds
    header_timeout: float = 10.0
    keep_alive: float = 5.0
    # a client that reads nothing of an answer for this long is dropped, and the answer with it
    write_timeout: float = 10.0


# rdflib's names for the suffixes of RDF_FORMATS


def suggestions_of(dataset: ox.Store) -> ox.Store | None:
    """The partner suggestions the dataset holds (the world layer's `suggestions.nq`) in a store
    of their own, as `cityrdf publish` gives them to the city pages; None if it holds none."""
    quads = dataset.quads_for_pattern(None, None, None, SUGGESTIONS_GRAPH)
    first = next(quads, None)
    if first is None:
        return None
    suggestions = ox.Store()
    suggestions.extend([first, *quads])
    return suggestions


class Site:
    """What the server renders, with the artefacts that do not change while it runs cached.

    `store` holds the project graph in its default graph (pages, documents, dumps); `dataset` is
    what SPARQL queries see: the named graphs of cityrdf.rdf.dataset, with `default_graph` the graphs
    a query's default graph is made of (None: the dataset store's own default graph).
    """

    def __init__(
        self,
        store: ox.Store,
        settings: Settings,
        dataset: ox.Store | None = None,
        default_graph: list[ox.NamedNode] | None = None,
    ):
        self.store = store
        self.dataset = store if dataset is None else dataset
        self.default_graph = default_graph
        self.settings = settings
        self.model = SiteModel(store)
        self.model.suggestions_store = suggestions_of(self.dataset)
        if self.dataset is not store:  # the world layer's graphs, for the city pages' comparison
            self.model.world_store = self.dataset
        self.pages = Pages(self.model, mode="server", sparql=True)
        self.questions = stored_questions()
        # read now: the sources are the ones the server started with, even if files change later
        self.ontology_files = graph.ontology_files()
        self.shape_files = graph.shape_files()
        # what the server renders, rendered once: the store does not change while it runs
        self.started = time.time()
        self._rendered: dict[Hashable, Rendered] = {}
        self._bases: set[str] = set()
        self._exists: dict[str, bool] = {}  # (a dict: safe to read while another thread adds)

    def rendered(self, key: Hashable, render: Callable[[], tuple[bytes, str]]) -> Rendered:
        """The body `render()` gives (bytes, media type), rendered on first use and kept."""
        found = self._rendered.get(key)
        if found is None:
            body, media = render()
            found = Rendered(body, media, self.started)
            if len(self._rendered) < MAX_RENDERED:
                self._rendered[key] = found
        return found

    async def kept(self, key: Hashable, render: Callable[[], tuple[bytes, str]]) -> Rendered:
        """`rendered` for async routes: a body already kept is served without leaving the event
        loop; rendering (which reads the store) runs in the thread pool."""
        found = self._rendered.get(key)
        if found is None:
            found = await run_in_threadpool(self.rendered, key, render)
        return found

    async def exists_async(self, iri: str) -> bool:
        return iri in self._exists or await run_in_threadpool(self.exists, iri)

    def for_base(self, key: Hashable, base_url: str, render) -> Rendered:
        """As `rendered`, for a body that names the request's base URL: kept for the first few
        base URLs only, as any client may send another Host."""
        if base_url in self._bases or len(self._bases) < MAX_BASES:
            self._bases.add(base_url)
            return self.rendered(key, render)
        body, media = render()
        return Rendered(body, media, self.started)

    def exists(self, iri: str) -> bool:
        """Whether the store describes `iri`; only resources that exist are remembered."""
        if iri in self._exists:
            return True
        with STORE_LOCK.reading():
            found = self.model.exists(iri)
        if found and len(self._exists) < MAX_RENDERED:
            self._exists[iri] = True
        return found

    @cached_property
    def ontology_html(self) -> str:
        return self.pages.ontology(self.model.ontology_document)

    @cached_property
    def shapes_html(self) -> str:
        # as `cityrdf publish` writes it: in the authors' order
        return self.pages.shapes([t for path in self.shape_files for t in graph.parse_file(path)])

    @cached_property
    def index_html(self) -> dict[str, str]:
        """The home page and the index pages by name, rendered once: the store does not change."""
        with STORE_LOCK.reading():
            indexes = self.pages.index_pages()
            return {
                "index": self.pages.home(indexes),
                **{page.name: self.pages.index(page) for page in indexes},
            }

    @cached_property
    def dumps(self) -> dict[str, bytes]:
        blobs = publish.dump_blobs(self.store)
        blobs["SHA256SUMS"] = publish.sha256sums_file(publish.checksums(blobs)).encode()
        return blobs

    @cached_property
    def named_graphs(self) -> list[ox.NamedNode]:
        return sorted(
            (g for g in self.dataset.named_graphs() if isinstance(g, ox.NamedNode)),
            key=lambda g: g.value,
        )

    def void(self, base_url: str) -> bytes:
        return description_bytes(
            describe.void_graph(self.store, base_url, endpoint=base_url + "sparql")
        )

    def catalog(self, base_url: str) -> bytes:
        sums = publish.checksums({k: v for k, v in self.dumps.items() if k != "SHA256SUMS"})
        return description_bytes(
            describe.dcat_graph(self.store, base_url, sums, endpoint=base_url + "sparql")
        )


def description_bytes(description: list[ox.Triple], fmt: str = "ttl") -> bytes:
    """A description of the data or the service (VoID, DCAT, the SPARQL service description) as
    `fmt` (a suffix of RDF_FORMATS), in canonical form: the same bytes for each request (HEAD and
    GET agree)."""
    return rdf_documents.serialize(describe.canonical_description(description), fmt)
