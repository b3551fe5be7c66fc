"""`cityrdf serve`'s web application, by concern: pages, RDF documents, the SPARQL protocol, and
static files and dumps; the pieces every route shares (negotiation, limits, errors) in `common`.
In front of it (cityrdf.serve), `kept` answers again, without the framework, what was rendered
once; `server` is the HTTP protocol around it all. The package imports the framework only with the
application: `cityrdf query` forks the same walled worker (`worker`, `sandbox`, `evaluate`)
without it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:
    from fastapi import FastAPI

    from cityrdf.web.site import Settings

__all__ = ["Settings", "create_app"]
GZIP_FROM = 2048  # bytes: answers smaller than this gain too little from compression


def __getattr__(name: str) -> object:
    if name == "Settings":  # imported when asked for, with the framework (PEP 562)
        from cityrdf.web.site import Settings

        return Settings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def create_app(store: ox.Store | None = None, settings: Settings | None = None) -> FastAPI:
    """The ASGI application. Without `store`: pages from the project graph (with the build's
    entailments) and SPARQL over the project dataset (cityrdf.rdf.dataset); with `store`: both from it."""
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware
    from fastapi.middleware.gzip import GZipMiddleware
    from fastapi.responses import Response

    from cityrdf import describe
    from cityrdf.rdf import dataset, graph
    from cityrdf.web import documents, files, pages, sparql
    from cityrdf.web.common import (
        EveryAnswer,
        RequestLimits,
        install_error_handlers,
        openapi_errors,
    )
    from cityrdf.web.site import Settings, Site

    settings = settings or Settings()
    if store is None:
        site = Site(graph.load_store(), settings, dataset.load_dataset(), dataset.PROJECT_GRAPHS)
    else:
        site = Site(store, settings)
    app = FastAPI(
        title="cityrdf",
        version=describe.dataset_version(),
        docs_url=None,
        redoc_url=None,
        default_response_class=Response,
        responses=openapi_errors(400, 404, 405, 406, 413, 414),
        # Starlette would send any `/x/` to `/x` when a route matches it, page or not (the catch-all
        # `/{page}` matches every name): a redirect to a 404. `pages` redirects only to its pages.
        redirect_slashes=False,
    )
    pool = sparql.worker_pool(site)
    app.state.query_pool = pool
    app.router.on_startup.append(pool.start)  # not before: building the app alone forks nothing
    app.router.on_shutdown.append(pool.close)
    sparql_routes, answer_query = sparql.routes(site, pool)
    routers = [documents.routes(site), files.routes(site), sparql_routes, pages.routes(site)]
    for router in routers:  # pages last: it has the catch-all /{page}
        app.include_router(router)
    install_error_handlers(app, [route for router in routers for route in router.routes])
    # middleware added first is the innermost: the query lane sits behind CORS, gzip and the rest
    app.add_middleware(sparql.QueryLane, answer=answer_query)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type"],
        expose_headers=["Cityrdf-Truncated"],
    )
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_FROM, compresslevel=6)
    app.add_middleware(RequestLimits, max_url=settings.max_url, max_body=settings.max_body)
    app.add_middleware(EveryAnswer)
    return app
