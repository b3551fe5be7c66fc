"""What every route shares: short plain-text errors, page content negotiation, request limits,
the headers every answer carries, HEAD, and the OpenAPI helpers."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match

from cityrdf.web.conneg import negotiate

PAGE_TYPES = {
    "text/html": "html",
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
    "application/n-triples": "nt",
}
MEDIA_OF = {fmt: media for media, fmt in PAGE_TYPES.items()}


def short(status: int, message: str, headers: Mapping[str, str] | None = None) -> PlainTextResponse:
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


def negotiated(request: Request, fmt: str | None, offered: dict[str, str] = PAGE_TYPES) -> str:
    """The format a document is wanted in: `?format=` if given, else the Accept header; 406."""
    if fmt is not None:
        if fmt not in offered.values():
            raise HTTPException(406, f"format {fmt!r} is not one of: {', '.join(offered.values())}")
        return fmt
    media = negotiate(request.headers.get("accept"), list(offered))
    if media is None:
        # the 406 depends on Accept as a 200 would: a cache must not give it to other clients
        raise HTTPException(
            406, "this resource is available as " + ", ".join(offered), {"Vary": "Accept"}
        )
    return offered[media]


# The OpenAPI description (/openapi.json) says what each route really answers, so that clients and
# schemathesis (tests/load/test_schemathesis.py) can rely on it.
def openapi_ok(*media: str) -> dict:
    return {200: {"description": "OK", "content": {m: {} for m in media}}}


def openapi_errors(*codes: int) -> dict:
    return {
        code: {"description": HTTPStatus(code).phrase, "content": {"text/plain": {}}}
        for code in codes
    }


def install_error_handlers(app: FastAPI, routes: list[BaseRoute]) -> None:
    """Every error is one short line of plain text, never a stack trace; a 405 lists the methods
    `routes` allow at that path."""

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, err: HTTPException):
        headers = err.headers
        if err.status_code == 405:  # Starlette's Allow names only the first route with this path
            methods = {
                m
                for route in routes
                if route.matches({**request.scope, "method": "GET"})[0] is not Match.NONE
                for m in getattr(route, "methods", None) or ()
            }
            methods |= {"HEAD"} if "GET" in methods else set()
            headers = {"Allow": ", ".join(sorted(methods))}
        return short(err.status_code, str(err.detail), headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError):
        return short(400, "bad request parameters")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, err: Exception):  # never a stack trace to a visitor
        return short(500, "internal error")


class RequestLimits:
    """414 for over-long URLs and 413 for over-large bodies, before any route sees the request."""

    def __init__(self, app, max_url: int, max_body: int):
        self.app, self.max_url, self.max_body = app, max_url, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.max_body
        if len(scope.get("raw_path", b"")) + len(scope.get("query_string", b"")) > self.max_url:
            return await short(414, f"URL longer than {self.max_url} bytes")(scope, receive, send)
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


class EveryAnswer:
    """The outermost layer: `X-Content-Type-Options: nosniff` on every answer (errors included),
    and HEAD wherever GET is (RFC 9110 §9.3.2): answered as GET, headers kept, body dropped."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}

        async def sending(message):
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k != b"x-content-type-options"
                ]
                message = {
                    **message,
                    "headers": [*headers, (b"x-content-type-options", b"nosniff")],
                }
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        return await self.app(scope, receive, sending)


class Rendered:
    """A body rendered once, with the validators that let clients revalidate it (RFC 9110 §13)."""

    def __init__(self, body: bytes, media_type: str, modified: float):
        self.body, self.media_type = body, media_type
        # weak: the same representation may travel gzip-encoded or not
        self.etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        self.last_modified = formatdate(modified, usegmt=True)
        self.modified = int(modified)

    def response(self, request: Request, headers: dict[str, str] | None = None) -> Response:
        validators = {"ETag": self.etag, "Last-Modified": self.last_modified, **(headers or {})}
        if self.unchanged_for(request):
            return Response(status_code=304, headers=validators)
        return Response(self.body, media_type=self.media_type, headers=validators)

    def unchanged_for(self, request: Request) -> bool:
        """If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2); tags compare weakly."""
        match = request.headers.get("if-none-match")
        if match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
            return "*" in tags or self.etag.removeprefix("W/") in tags
        since = request.headers.get("if-modified-since")
        if since:
            try:
                return parsedate_to_datetime(since).timestamp() >= self.modified
            except (TypeError, ValueError):
                return False
        return False
