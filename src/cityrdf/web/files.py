"""Files that are not resource documents: static assets, dumps, VoID, DCAT and CITATION.cff."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from cityrdf import publish
from cityrdf.pages import STATIC_FILES, static_file
from cityrdf.web.common import openapi_ok
from cityrdf.web.site import Site

STATIC_MEDIA = {".css": "text/css", ".js": "text/javascript"}
DUMP_MEDIA = {".ttl": "text/turtle", ".gz": "application/gzip", ".jsonld": "application/ld+json"}


def routes(site: Site) -> APIRouter:
    router = APIRouter()

    @router.get("/static/{name}", responses=openapi_ok(*STATIC_MEDIA.values()))
    def static(name: str) -> Response:
        if name not in STATIC_FILES:
            raise HTTPException(404, f"no static file {name!r}")
        return Response(static_file(name), media_type=STATIC_MEDIA["." + name.rsplit(".", 1)[-1]])

    @router.get("/dumps/{name}", responses=openapi_ok(*DUMP_MEDIA.values(), "text/plain"))
    def dump(name: str) -> Response:
        if name not in site.dumps:
            raise HTTPException(404, f"no dump {name!r}")
        media = DUMP_MEDIA.get("." + name.rsplit(".", 1)[-1], "text/plain; charset=utf-8")
        return Response(site.dumps[name], media_type=media)

    @router.get("/void.ttl", responses=openapi_ok("text/turtle"))
    @router.get("/.well-known/void", responses=openapi_ok("text/turtle"))
    def void(request: Request) -> Response:
        return Response(site.void(str(request.base_url)), media_type="text/turtle")

    @router.get("/catalog.ttl", responses=openapi_ok("text/turtle"))
    def catalog(request: Request) -> Response:
        return Response(site.catalog(str(request.base_url)), media_type="text/turtle")

    @router.get("/CITATION.cff", responses=openapi_ok("text/plain"))
    def citation() -> Response:
        return Response(publish.citation_cff(site.store), media_type="text/plain; charset=utf-8")

    return router
