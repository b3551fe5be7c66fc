"""Files that are not resource documents: static assets, dumps, VoID, DCAT and CITATION.cff."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from cityrdf import publish
from cityrdf.views import assets as site_assets
from cityrdf.web.common import openapi_ok
from cityrdf.web.site import Site

TURTLE = "text/turtle"
STATIC_MEDIA = {".css": "text/css", ".js": "text/javascript"}
DUMP_MEDIA = {".ttl": "text/turtle", ".gz": "application/gzip", ".jsonld": "application/ld+json"}


def routes(site: Site) -> APIRouter:
    router = APIRouter()

    @router.get("/static/{name}", responses=openapi_ok(*STATIC_MEDIA.values()))
    async def static(request: Request, name: str) -> Response:
        assets = site_assets.static_files()
        if name not in assets:
            raise HTTPException(404, f"no static file {name!r}")
        media = STATIC_MEDIA["." + name.rsplit(".", 1)[-1]]
        return (await site.kept(("static", name), lambda: (assets[name], media))).response(request)

    @router.get("/dumps/{name}", responses=openapi_ok(*DUMP_MEDIA.values(), "text/plain"))
    def dump(request: Request, name: str) -> Response:
        if name not in site.dumps:
            raise HTTPException(404, f"no dump {name!r}")
        media = DUMP_MEDIA.get("." + name.rsplit(".", 1)[-1], "text/plain; charset=utf-8")
        return site.rendered(("dump", name), lambda: (site.dumps[name], media)).response(request)

    @router.get("/void.ttl", responses=openapi_ok("text/turtle"))
    @router.get("/.well-known/void", responses=openapi_ok("text/turtle"))
    def void(request: Request) -> Response:
        base = str(request.base_url)
        return site.for_base(("void", base), base, lambda: (site.void(base), TURTLE)).response(
            request
        )

    @router.get("/catalog.ttl", responses=openapi_ok("text/turtle"))
    def catalog(request: Request) -> Response:
        base = str(request.base_url)
        rendered = site.for_base(("catalog", base), base, lambda: (site.catalog(base), TURTLE))
        return rendered.response(request)

    @router.get("/CITATION.cff", responses=openapi_ok("text/plain"))
    def citation(request: Request) -> Response:
        def render() -> tuple[bytes, str]:
            return publish.citation_cff(site.store).encode(), "text/plain; charset=utf-8"

        return site.rendered("CITATION.cff", render).response(request)

    return router
