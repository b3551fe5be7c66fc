"""The HTML pages that are not resource documents: home, index pages, questions, shapes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from cityrdf.web.site import Site

HTML = "text/html; charset=utf-8"
INDEX_PAGES = ("cities", "pacts", "networks", "concepts", "resources")
# the pages that a path with a trailing slash (`/cities/`) redirects to
PAGES = (*INDEX_PAGES, "questions", "shapes", "sparql")


def routes(site: Site) -> APIRouter:
    """Registered last: `/{page}` would otherwise take the paths of the other routers."""
    router = APIRouter()

    async def page(request: Request, name: str, render) -> Response:
        html = await site.kept(("page", name), lambda: (render().encode(), HTML))
        return html.response(request)

    @router.get("/shapes", response_class=HTMLResponse)
    async def shapes(request: Request) -> Response:
        return await page(request, "shapes", lambda: site.shapes_html)

    @router.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> Response:
        return await page(request, "index", lambda: site.index_html["index"])

    @router.get("/questions", response_class=HTMLResponse)
    async def questions(request: Request) -> Response:
        return await page(request, "questions", lambda: site.pages.questions(site.questions))

    @router.get("/{name}/", include_in_schema=False)
    async def folder(request: Request, name: str) -> Response:
        """`/cities/` is the page `/cities`; any other folder is a plain 404, never a redirect."""
        if name not in PAGES:
            raise HTTPException(404, f"no page /{name}/")
        return RedirectResponse(request.url.replace(path=f"/{name}"), status_code=307)

    @router.get("/{name}", response_class=HTMLResponse)
    async def index(request: Request, name: str) -> Response:
        stem = name.removesuffix(".html")
        if stem == "index":
            return await home(request)
        if stem == "questions":
            return await questions(request)
        if stem not in INDEX_PAGES:
            raise HTTPException(404, f"no page /{name}")
        return await page(request, stem, lambda: site.index_html[stem])

    return router
