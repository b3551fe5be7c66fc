"""The HTML pages that are not resource documents: home, index pages, questions, shapes."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException

from cityrdf.web.site import Site

INDEX_PAGES = ("cities", "pacts", "networks", "concepts", "resources")


def routes(site: Site) -> APIRouter:
    """Registered last: `/{page}` would otherwise take the paths of the other routers."""
    router = APIRouter()

    @router.get("/shapes", response_class=HTMLResponse)
    def shapes() -> HTMLResponse:
        return HTMLResponse(site.shapes_html)

    @router.get("/", response_class=HTMLResponse)
    def home() -> HTMLResponse:
        return HTMLResponse(site.index_html["index"])

    @router.get("/questions", response_class=HTMLResponse)
    def questions() -> HTMLResponse:
        return HTMLResponse(site.pages.questions(site.questions))

    @router.get("/{page}", response_class=HTMLResponse)
    def index(page: str) -> HTMLResponse:
        name = page.removesuffix(".html")
        if name == "index":
            return home()
        if name == "questions":
            return questions()
        if name not in INDEX_PAGES:
            raise HTTPException(404, f"no page /{page}")
        return HTMLResponse(site.index_html[name])

    return router
