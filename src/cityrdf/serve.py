"""`cityrdf serve`: the graph over HTTP — pages and RDF at the IRIs' own paths, and a read-only
SPARQL 1.1 Protocol endpoint, over the embedded Oxigraph store. Binds to 127.0.0.1 by default.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from functools import cached_property
from http import HTTPStatus
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.routing import Match

from cityrdf import graph, publish
from cityrdf.conneg import negotiate
from cityrdf.errors import BadInput
from cityrdf.namespaces import ONTOLOGY_IRI
from cityrdf.pages import STATIC_FILES, Pages, static_file
from cityrdf.site_model import RDF_FORMATS, SiteModel, iri_for_path, serialize, stored_questions
from cityrdf.sparql_protocol import GRAPH_TYPES, RESULT_MEDIA, STORE_LOCK, Answer, run_query

PAGE_TYPES = {
    "text/html": "html",
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
    "application/n-triples": "nt",
}
MEDIA_OF = {fmt: media for media, fmt in PAGE_TYPES.items()}
INDEX_PAGES = ("cities", "pacts", "networks", "concepts", "resources")
STATIC_MEDIA = {".css": "text/css", ".js": "text/javascript"}
DUMP_MEDIA = {".ttl": "text/turtle", ".gz": "application/gzip", ".jsonld": "application/ld+json"}
SPARQL_MEDIA = sorted({media.split(";")[0] for media in RESULT_MEDIA.values()} | set(GRAPH_TYPES))


# The OpenAPI description (/openapi.json) says what each route really answers, so that clients and
# schemathesis (tests/load/test_schemathesis.py) can rely on it.
def openapi_ok(*media: str) -> dict:
    return {200: {"description": "OK", "content": {m: {} for m in media}}}


def openapi_errors(*codes: int) -> dict:
    return {
        code: {"description": HTTPStatus(code).phrase, "content": {"text/plain": {}}}
        for code in codes
    }


SPARQL_PARAMETERS = [
    {
        "name": "query",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE); none gives the query page",
    },
    {
        "name": "format",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "result format instead of Accept: json, xml, csv, tsv, ttl, nt, jsonld or rdf",
    },
]
SPARQL_BODY = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "required": ["query"],
                "properties": {"query": {"type": "string"}},
            }
        },
        "application/sparql-query": {"schema": {"type": "string"}},
    },
}


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0  # seconds a SPARQL query may run before its worker is killed
    max_results: int = 10_000  # rows (or triples) a SPARQL answer may carry
    max_body: int = 64 * 1024  # bytes of a POST body
    max_url: int = 8 * 1024  # bytes of path plus query string
    # queries evaluated at once, each in a forked process; twice the cores, as part of each query's
    # time is the fork and the hand-off, not CPU; more would only slow them all down
    max_queries: int = 2 * (os.cpu_count() or 1)


class Site:
    """What the server renders, with the artefacts that do not change while it runs cached."""

    def __init__(self, store: ox.Store, settings: Settings):
        self.store = store
        self.settings = settings
        self.model = SiteModel(store)
        self.pages = Pages(self.model, mode="server", sparql=True)
        self.questions = stored_questions()
        # read now: the sources are the ones the server started with, even if files change later
        self.ontology_files = graph.ontology_files()
        self.shape_files = graph.shape_files()

    @cached_property
    def ontology_html(self) -> str:
        return self.pages.ontology(self.model.ontology_document)

    @cached_property
    def shapes_html(self) -> str:
        return self.pages.shapes([t for path in self.shape_files for t in graph.parse_file(path)])

    @cached_property
    def index_html(self) -> dict[str, str]:
        """The home page and the index pages by name, rendered once: the store does not change."""
        with STORE_LOCK:
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

    def void(self, base_url: str) -> bytes:
        void = publish.void_graph(self.store, base_url, endpoint=base_url + "sparql")
        return void.serialize(format="turtle").encode()

    def catalog(self, base_url: str) -> bytes:
        sums = publish.checksums({k: v for k, v in self.dumps.items() if k != "SHA256SUMS"})
        catalog = publish.dcat_graph(self.store, base_url, sums, endpoint=base_url + "sparql")
        return catalog.serialize(format="turtle").encode()


def short(status: int, message: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


class RequestLimits:
    """414 for over-long URLs and 413 for over-large bodies, before any route sees the request."""

    def __init__(self, app, settings: Settings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.settings.max_body
        if (
            len(scope.get("raw_path", b"")) + len(scope.get("query_string", b""))
            > self.settings.max_url
        ):
            return await short(414, f"URL longer than {self.settings.max_url} bytes")(
                scope, receive, send
            )
        length = dict(scope.get("headers", [])).get(b"content-length", b"0")
        if not length.isdigit() or int(length) > limit:
            return await short(413, f"request body larger than {limit} bytes")(scope, receive, send)
        received = 0

        async def counted():  # a chunked body has no Content-Length: count as it arrives
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise HTTPException(413, f"request body larger than {limit} bytes")
            return message

        return await self.app(scope, counted, send)


def create_app(store: ox.Store | None = None, settings: Settings = Settings()):
    """The ASGI application; `store` defaults to the project graph with the build's entailments."""
    site = Site(graph.load_store() if store is None else store, settings)
    app = FastAPI(
        title="cityrdf",
        version=publish.dataset_version(),
        docs_url=None,
        redoc_url=None,
        default_response_class=Response,
        responses=openapi_errors(400, 404, 405, 406, 413, 414),
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type"],
        expose_headers=["Cityrdf-Truncated"],
    )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, err: HTTPException):
        headers = err.headers
        if err.status_code == 405:  # Starlette's Allow names only the first route with this path
            methods = {
                m
                for route in app.router.routes
                if route.matches(request.scope)[0] is not Match.NONE
                for m in getattr(route, "methods", None) or ()
            }
            headers = {"Allow": ", ".join(sorted(methods))}
        return short(err.status_code, str(err.detail), headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError):
        return short(400, "bad request parameters")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, err: Exception):  # never a stack trace to a visitor
        return short(500, "internal error")

    def base_url(request: Request) -> str:
        return str(request.base_url)

    def negotiated(request: Request, fmt: str | None) -> str:
        if fmt is not None:
            if fmt not in MEDIA_OF:
                raise HTTPException(406, f"format {fmt!r} is not one of: {', '.join(MEDIA_OF)}")
            return fmt
        media = negotiate(request.headers.get("accept"), list(PAGE_TYPES))
        if media is None:
            raise HTTPException(406, "this resource is available as " + ", ".join(PAGE_TYPES))
        return PAGE_TYPES[media]

    def split_suffix(path: str) -> tuple[str, str | None]:
        stem, dot, suffix = path.rpartition(".")
        if dot and (suffix in RDF_FORMATS or suffix == "html") and "/" not in suffix:
            return stem, suffix
        return path, None

    def describe(request: Request, path: str, format: str | None) -> Response:
        path, suffix = split_suffix(path)
        iri = iri_for_path(path)
        if iri is None or iri == ONTOLOGY_IRI:
            raise HTTPException(404, f"no resource at /{path}")
        with STORE_LOCK:
            if not site.model.exists(iri):
                raise HTTPException(404, f"no resource <{iri}>")
            fmt = suffix or negotiated(request, format)
            if fmt == "html":
                body, media = site.pages.resource(iri).encode(), "text/html; charset=utf-8"
            else:
                body, media = serialize(site.model.document(iri), fmt), MEDIA_OF[fmt]
        return Response(body, media_type=media, headers={"Vary": "Accept"})

    @app.get("/id/{path:path}", responses=openapi_ok(*PAGE_TYPES))
    def resource(request: Request, path: str, format: str | None = None) -> Response:
        return describe(request, "id/" + path, format)

    @app.get("/ontology/term/{name}", responses=openapi_ok(*PAGE_TYPES))
    def term(request: Request, name: str, format: str | None = None) -> Response:
        return describe(request, "ontology/term/" + name, format)

    @app.get("/ontology{suffix:path}", responses=openapi_ok(*PAGE_TYPES))
    def ontology(request: Request, suffix: str, format: str | None = None) -> Response:
        fmt = {"": None, "/": "html", ".html": "html"}.get(
            suffix, suffix.lstrip(".") if suffix[1:] in RDF_FORMATS else "?"
        )
        if fmt == "?":
            raise HTTPException(404, f"no resource at /ontology{suffix}")
        fmt = fmt or negotiated(request, format)
        if fmt == "html":
            return HTMLResponse(site.ontology_html, headers={"Vary": "Accept"})
        with STORE_LOCK:
            body = serialize(site.model.ontology_document, fmt)
        return Response(body, media_type=MEDIA_OF[fmt], headers={"Vary": "Accept"})

    @app.get("/shapes", response_class=HTMLResponse)
    def shapes() -> HTMLResponse:
        return HTMLResponse(site.shapes_html)

    @app.get("/", response_class=HTMLResponse)
    def home() -> HTMLResponse:
        return HTMLResponse(site.index_html["index"])

    @app.get("/questions", response_class=HTMLResponse)
    def questions() -> HTMLResponse:
        return HTMLResponse(site.pages.questions(site.questions))

    @app.get("/static/{name}", responses=openapi_ok(*STATIC_MEDIA.values()))
    def static(name: str) -> Response:
        if name not in STATIC_FILES:
            raise HTTPException(404, f"no static file {name!r}")
        return Response(static_file(name), media_type=STATIC_MEDIA["." + name.rsplit(".", 1)[-1]])

    @app.get("/dumps/{name}", responses=openapi_ok(*DUMP_MEDIA.values(), "text/plain"))
    def dump(name: str) -> Response:
        if name not in site.dumps:
            raise HTTPException(404, f"no dump {name!r}")
        media = DUMP_MEDIA.get("." + name.rsplit(".", 1)[-1], "text/plain; charset=utf-8")
        return Response(site.dumps[name], media_type=media)

    @app.get("/void.ttl", responses=openapi_ok("text/turtle"))
    @app.get("/.well-known/void", responses=openapi_ok("text/turtle"))
    def void(request: Request) -> Response:
        return Response(site.void(base_url(request)), media_type="text/turtle")

    @app.get("/catalog.ttl", responses=openapi_ok("text/turtle"))
    def catalog(request: Request) -> Response:
        return Response(site.catalog(base_url(request)), media_type="text/turtle")

    @app.get("/CITATION.cff", responses=openapi_ok("text/plain"))
    def citation() -> Response:
        return Response(publish.citation_cff(site.store), media_type="text/plain; charset=utf-8")

    def answer(result: Answer) -> Response:
        headers = {"Vary": "Accept"}
        if result.truncated:
            headers["Cityrdf-Truncated"] = f"results capped at {settings.max_results}"
        return Response(
            result.body, status_code=result.status, media_type=result.media_type, headers=headers
        )

    # Queries beyond max_queries wait here, in the event loop, rather than each holding one of the
    # thread pool's workers (which pages need too) while it waits for a process slot.
    query_slots = asyncio.Semaphore(settings.max_queries)

    async def sparql_answer(request: Request, params: dict[str, list[str]]) -> Response:
        if "update" in params:
            raise HTTPException(403, "SPARQL Update is refused: this endpoint is read-only")
        if "default-graph-uri" in params or "named-graph-uri" in params:
            raise HTTPException(400, "default-graph-uri and named-graph-uri are not supported")
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            raise HTTPException(400, "expected exactly one non-empty 'query' parameter")
        fmt = (params.get("format") or params.get("output") or [None])[0]
        accept = request.headers.get("accept") or "*/*"
        try:
            async with asyncio.timeout(settings.timeout):
                await query_slots.acquire()
        except TimeoutError:
            return short(
                503,
                f"server busy: {settings.max_queries} queries are running; try again shortly",
                {"Retry-After": "1"},
            )
        try:
            return answer(
                await run_in_threadpool(
                    run_query,
                    site.store,
                    queries[0],
                    [accept],
                    fmt,
                    settings.timeout,
                    settings.max_results,
                )
            )
        finally:
            query_slots.release()

    @app.get(
        "/sparql",
        responses={**openapi_ok("text/html", *SPARQL_MEDIA), **openapi_errors(403, 408, 503)},
        openapi_extra={"parameters": SPARQL_PARAMETERS},
    )
    async def sparql_get(request: Request) -> Response:
        params = parse_qs(request.url.query, keep_blank_values=True)
        wants_page = negotiate(request.headers.get("accept"), ["text/html"])
        if not params.get("query") and "update" not in params and wants_page:
            return HTMLResponse(await run_in_threadpool(site.pages.query_page, site.questions))
        return await sparql_answer(request, params)

    @app.post(
        "/sparql",
        responses={**openapi_ok(*SPARQL_MEDIA), **openapi_errors(403, 408, 415, 503)},
        openapi_extra={"parameters": SPARQL_PARAMETERS[1:], "requestBody": SPARQL_BODY},
    )
    async def sparql_post(request: Request) -> Response:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await request.body()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPException(400, "request body is not UTF-8") from None
        params = parse_qs(request.url.query, keep_blank_values=True)
        if media == "application/x-www-form-urlencoded":
            params.update(parse_qs(text, keep_blank_values=True))
        elif media == "application/sparql-query":
            params["query"] = [text]
        elif media == "application/sparql-update":
            raise HTTPException(403, "SPARQL Update is refused: this endpoint is read-only")
        else:
            raise HTTPException(415, "POST a form or application/sparql-query")
        return await sparql_answer(request, params)

    @app.get("/{page}", response_class=HTMLResponse)
    def index(page: str) -> HTMLResponse:
        name = page.removesuffix(".html")
        if name == "index":
            return home()
        if name == "questions":
            return questions()
        if name not in INDEX_PAGES:
            raise HTTPException(404, f"no page /{page}")
        return HTMLResponse(site.index_html[name])

    app.add_middleware(RequestLimits, settings=settings)
    return app


def run(
    host: str = "127.0.0.1", port: int = 8000, timeout: float = 10.0, max_results: int = 10_000
) -> None:
    """The CLI verb: serve the project graph until interrupted."""
    import uvicorn

    if timeout <= 0 or max_results <= 0:
        raise BadInput("--timeout and --max-results must be positive")
    settings = Settings(host=host, port=port, timeout=timeout, max_results=max_results)
    uvicorn.run(create_app(settings=settings), host=host, port=port, log_level="warning")
