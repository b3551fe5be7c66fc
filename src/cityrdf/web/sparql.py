"""The read-only SPARQL 1.1 Protocol endpoint at /sparql: query via GET, POST form or POST direct,
the protocol's dataset parameters, and a Service Description for a GET without a query.

Every query is checked (cityrdf.sparql.guard: a text up to INLINE_CHECK characters in the event
loop, a longer one in a thread) and only the text the check returns is evaluated, in a walled-off
worker (cityrdf.web.worker), whose answer is awaited in the event loop: no network, bounded time,
memory, rows and bytes.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from yarl import URL

from cityrdf.errors import BadInput
from cityrdf.query import to_iri
from cityrdf.sparql.guard import UPDATE_REFUSED, QueryRefused, check_query
from cityrdf.sparql.service_description import service_graph
from cityrdf.web.common import MEDIA_OF, PAGE_TYPES, openapi_errors, openapi_ok, short
from cityrdf.web.conneg import negotiate
from cityrdf.web.evaluate import GRAPH_TYPES, RESULT_MEDIA, Answer, Job, Limits
from cityrdf.web.site import Site, description_bytes
from cityrdf.web.worker import StreamedAnswer, WorkerPool, dataset_hash

QueryAnswerer = Callable[[Request, dict[str, list[str]]], Awaitable[Response]]
SPARQL_MEDIA = sorted({media.split(";")[0] for media in RESULT_MEDIA.values()} | set(GRAPH_TYPES))
DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")
JOB_PARAMS = ("format", "output", *DATASET_PARAMS)  # what, beside the text and Accept, shapes a job
MAX_CHECKED_JOBS = 1024
MAX_CHECKED_TEXT = 16 * 1024  # characters: longer texts are checked each time they come
# characters: a text up to this long is checked in the event loop (at most about a millisecond,
# less than handing it to a thread and back costs under load); a longer one in a thread
INLINE_CHECK = 4 * 1024
# answers larger than this are sent as the client reads them, part by part from their worker;
# smaller ones are read whole, which frees the worker at once
STREAM_FROM = 2**20
SPARQL_PARAMETERS = [
    {
        "name": "query",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE); none gives the "
        "query page (HTML) or the service description (RDF)",
    },
    {
        "name": "format",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "result format instead of Accept: json, xml, csv, tsv, ttl, nt, jsonld or rdf",
    },
    *(
        {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
        for name in DATASET_PARAMS
    ),
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


def form_fields(encoded: str, where: str) -> dict[str, list[str]]:
    """`a=1&b=2` as a dict of lists, as `parse_qs` reads it; 400 if a %-escape does not decode as
    UTF-8 (not U+FFFD). yarl's decoder (in C) takes ~13 µs for a 3 KB query where `parse_qs`
    takes ~120; it decodes invalid UTF-8 to U+FFFD, so only where one appears is the string
    decoded again, strictly."""
    fields: dict[str, list[str]] = {}
    replaced = False
    for key, value in URL.build(query_string=encoded, encoded=True).query.items():
        replaced = replaced or "\ufffd" in key or "\ufffd" in value
        fields.setdefault(key, []).append(value)
    if not replaced:
        return fields
    try:
        return parse_qs(encoded, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise HTTPException(400, f"the {where} holds a %-escape that is not UTF-8") from None


def query_fields(request: Request) -> dict[str, list[str]]:
    """The query string as `form_fields` reads it."""
    return form_fields(request.scope["query_string"].decode("latin-1"), "query string")


async def posted_fields(request: Request) -> dict[str, list[str]]:
    """A POST's parameters: the query string's, and the form's or the query's in the body."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "request body is not UTF-8") from None
    params = query_fields(request)
    if media == "application/x-www-form-urlencoded":
        params.update(form_fields(text, "form body"))
    elif media == "application/sparql-query":
        params["query"] = [text]
    elif media == "application/sparql-update":
        raise HTTPException(403, UPDATE_REFUSED)
    else:
        raise HTTPException(415, "POST a form or application/sparql-query")
    return params


def dataset_options(params: dict[str, list[str]], site: Site, names_dataset: bool) -> dict:
    """store.query's dataset arguments: the protocol's parameters override the query's FROM and
    FROM NAMED; without either, the default graph is the site's (the project graphs' union)."""
    if any(name in params for name in DATASET_PARAMS):
        try:
            graphs = {
                name: [to_iri(v, name) for v in params.get(name, [])] for name in DATASET_PARAMS
            }
        except BadInput as err:
            raise HTTPException(400, str(err)) from None
        return {
            "default_graph": graphs["default-graph-uri"],
            "named_graphs": graphs["named-graph-uri"],
        }
    if names_dataset or site.default_graph is None:
        return {}
    return {"default_graph": site.default_graph}


def routes(site: Site, pool: WorkerPool) -> tuple[APIRouter, QueryAnswerer]:
    """The /sparql routes, and the function that answers a query request (for `QueryLane`)."""
    router = APIRouter()
    settings = site.settings
    # Queries beyond max_queries wait here, in the event loop, rather than each holding one of the
    # thread pool's workers (which pages need too) while it waits for a process slot.
    query_slots = asyncio.Semaphore(settings.max_queries)
    # Queries with many patterns (slow to plan) may hold all workers but one: a flood of them
    # leaves a worker for light queries, such as the pages' questions.
    costly_slots = asyncio.Semaphore(max(1, settings.max_queries - 1))
    # The jobs of the requests that passed the check, by what the request asked: the check reads
    # a text the same way each time, so a text asked again skips it (and its thread).
    checked_jobs: dict[tuple, tuple[Job, bool]] = {}  # (job, whether it is light)

    def answer(result: Answer | StreamedAnswer, done=lambda: None) -> Response:
        """The response; `done()` once the answer has left its worker."""
        headers = {"Vary": "Accept"}
        if result.truncated:
            headers["Cityrdf-Truncated"] = f"results capped at {settings.max_results}"
        if isinstance(result, Answer):
            done()
            if result.status == 200:  # a validator, and the mark of an answer kept in front
                headers["ETag"] = 'W/"' + hashlib.sha256(result.body).hexdigest()[:32] + '"'
            return Response(
                result.body,
                status_code=result.status,
                media_type=result.media_type,
                headers=headers,
            )

        headers["Content-Length"] = str(result.length)
        return PartByPart(result, done, headers)

    async def sparql_answer(request: Request, params: dict[str, list[str]]) -> Response:
        if "update" in params:
            raise HTTPException(403, UPDATE_REFUSED)
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            raise HTTPException(400, "expected exactly one non-empty 'query' parameter")
        accept = request.headers.get("accept") or "*/*"
        asked = (queries[0], accept, *(tuple(params.get(name, ())) for name in JOB_PARAMS))
        job, light = checked_jobs.get(asked, (None, False))
        if job is None:
            try:
                if len(queries[0]) <= INLINE_CHECK:
                    checked = check_query(queries[0])
                else:
                    checked = await run_in_threadpool(check_query, queries[0])
            except QueryRefused as refused:
                return short(refused.status, str(refused))
            job = Job(
                query=checked.text,
                accept=accept,
                fmt=next(iter(params.get("format") or params.get("output") or []), None),
                options=dataset_options(params, site, checked.names_dataset),
            )
            light = checked.light
            if len(checked_jobs) < MAX_CHECKED_JOBS and len(queries[0]) <= MAX_CHECKED_TEXT:
                checked_jobs[asked] = (job, light)
        kept = pool.cached(job)  # the same text asked before, of the same data: no worker needed
        if kept is not None:
            return answer(kept)
        held: list[asyncio.Semaphore] = []
        try:
            async with asyncio.timeout(settings.timeout):
                for slots in ([] if light else [costly_slots]) + [query_slots]:
                    await slots.acquire()
                    held.append(slots)
        except TimeoutError:
            for slots in held:
                slots.release()
            return short(
                503,
                f"server busy: {settings.max_queries} queries are running; try again shortly",
                {"Retry-After": "1"},
            )

        def release() -> None:
            for slots in held:
                slots.release()

        try:
            result = await pool.run_async(job, STREAM_FROM)
        except BaseException:
            release()
            raise
        return answer(result, release)  # a streamed answer holds its slots until it is sent

    def description(request: Request, fmt: str) -> Response:
        if fmt == "html":
            return HTMLResponse(site.pages.query_page(site.questions))
        endpoint = str(request.url_for("sparql_get"))
        described = service_graph(site.dataset, endpoint, site.default_graph)
        body = description_bytes(described, fmt)
        return Response(body, media_type=MEDIA_OF[fmt], headers={"Vary": "Accept"})

    @router.get(
        "/sparql",
        responses={
            **openapi_ok(*PAGE_TYPES, *SPARQL_MEDIA),
            **openapi_errors(403, 408, 503),
        },
        openapi_extra={"parameters": SPARQL_PARAMETERS},
    )
    async def sparql_get(request: Request) -> Response:
        params = query_fields(request)
        wanted = negotiate(request.headers.get("accept"), list(PAGE_TYPES))
        if not params.get("query") and "update" not in params and wanted:
            return await run_in_threadpool(description, request, PAGE_TYPES[wanted])
        return await sparql_answer(request, params)

    @router.post(
        "/sparql",
        responses={**openapi_ok(*SPARQL_MEDIA), **openapi_errors(403, 408, 415, 503)},
        openapi_extra={"parameters": SPARQL_PARAMETERS[1:], "requestBody": SPARQL_BODY},
    )
    async def sparql_post(request: Request) -> Response:
        return await sparql_answer(request, await posted_fields(request))

    return router, sparql_answer


class QueryLane:
    """A query by GET or POST to /sparql, answered without the router and FastAPI's request
    handling (about 0.1 ms of the 0.8 ms a new query text cost the server). It sits inside the
    app's own middleware (request limits, CORS, gzip, nosniff, HEAD), so the answer is the one the
    route would give; any other request, and a GET without a query, goes on to the app."""

    def __init__(self, app, answer: QueryAnswerer):
        self.app, self.answer = app, answer

    async def __call__(self, scope, receive, send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"] == "/sparql"
            and scope["method"] in ("GET", "POST")
        ):
            request = Request(scope, receive)
            response: Response | None
            try:
                if scope["method"] == "POST":
                    response = await self.answer(request, await posted_fields(request))
                else:
                    params = query_fields(request)
                    # without a query, the route: the service description, or its 400
                    response = (
                        await self.answer(request, params)
                        if params.get("query") or "update" in params
                        else None
                    )
            except HTTPException as err:  # as the app's handler answers it
                response = short(err.status_code, str(err.detail), err.headers)
            except ClientDisconnect:  # gone before its body came in full: no one to answer
                return None
            if response is not None:
                return await response(scope, receive, send)
        return await self.app(scope, receive, send)


class PartByPart(StreamingResponse):
    """A streamed answer sent as the client reads it. However the sending ends (in full, the client
    gone, cancelled), the rest of the answer is dropped with its worker and `done()` is called."""

    def __init__(self, result: StreamedAnswer, done, headers: dict[str, str]):
        async def parts():
            while part := await run_in_threadpool(result.read):
                yield part

        super().__init__(
            parts(), status_code=result.status, media_type=result.media_type, headers=headers
        )
        self.result, self.done = result, done

    async def __call__(self, scope, receive, send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.result.close()
            self.done()


def worker_pool(site: Site) -> WorkerPool:
    """The query workers, forked from the server with the dataset loaded. The site's dataset does
    not change while it is served: its digest is taken once, here (before `--processes` forks
    the servers), not by each server as it starts nor at each worker's replacement."""
    settings = site.settings
    limits = Limits(
        settings.timeout, settings.max_results, settings.max_answer_bytes, settings.query_memory
    )
    fixed = dataset_hash(site.dataset)
    return WorkerPool(site.dataset, limits, settings.max_queries, fixed_hash=fixed)
