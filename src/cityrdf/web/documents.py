"""The RDF documents at the IRIs' own paths: resources (/id/…), ontology terms and the ontology
(also at its owl:versionIRI), as HTML or any RDF format, by content negotiation, `?format=` (a
suffix, a format's name or its media type) or a suffix; and the full incoming links of a hub."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from cityrdf.rdf import documents as rdf_documents
from cityrdf.rdf.namespaces import ONTOLOGY_IRI
from cityrdf.views.parts import iri_for_path
from cityrdf.views.resource import RDF_FORMATS, serialize
from cityrdf.web.common import MEDIA_OF, PAGE_TYPES, negotiated, openapi_ok
from cityrdf.web.site import Site
from cityrdf.web.worker import STORE_LOCK

# `?format=` also takes the formats' names (as rdflib and Jena spell them) and media types.
FORMAT_NAMES = {
    "turtle": "ttl",
    "json-ld": "jsonld",
    "xml": "rdf",
    "rdfxml": "rdf",
    "rdf/xml": "rdf",
    "pretty-xml": "rdf",
    "ntriples": "nt",
    "n-triples": "nt",
} | PAGE_TYPES


def format_name(name: str | None) -> str | None:
    return None if name is None else FORMAT_NAMES.get(name.lower(), name)


def split_suffix(path: str) -> tuple[str, str | None]:
    stem, dot, suffix = path.rpartition(".")
    if dot and (suffix in RDF_FORMATS or suffix == "html") and "/" not in suffix:
        return stem, suffix
    return path, None


def chosen(request: Request, fmt: str) -> dict[str, str]:
    """The headers of a negotiated answer: it varies on Accept, and names the document it is, as
    Apache's MultiViews does (`Content-Location: tehran.ttl`)."""
    name = request.url.path.rsplit("/", 1)[-1]
    return {"Vary": "Accept", "Content-Location": f"{name}.{fmt}"}


def routes(site: Site) -> APIRouter:
    router = APIRouter()

    async def describe(request: Request, path: str, format: str | None) -> Response:
        path, suffix = split_suffix(path)
        iri = iri_for_path(path)
        if iri is None or iri == ONTOLOGY_IRI:
            raise HTTPException(404, f"no resource at /{path}")
        if not await site.exists_async(iri):
            raise HTTPException(404, f"no resource <{iri}>")
        fmt = suffix or negotiated(request, format_name(format))

        def render() -> tuple[bytes, str]:
            with STORE_LOCK.reading():
                if fmt == "html":
                    return site.pages.resource(iri).encode(), "text/html; charset=utf-8"
                return serialize(site.model.document(iri), fmt), MEDIA_OF[fmt]

        return (await site.kept((iri, fmt), render)).response(
            request, chosen(request, fmt) if suffix is None else {"Vary": "Accept"}
        )

    @router.get("/id/{path:path}", responses=openapi_ok(*PAGE_TYPES))
    async def resource(request: Request, path: str, format: str | None = None) -> Response:
        return await describe(request, "id/" + path, format)

    @router.get("/ontology/term/{name}", responses=openapi_ok(*PAGE_TYPES))
    async def term(request: Request, name: str, format: str | None = None) -> Response:
        return await describe(request, "ontology/term/" + name, format)

    @router.get("/incoming/{path:path}.ttl", responses=openapi_ok("text/turtle"))
    async def incoming(request: Request, path: str) -> Response:
        """Every triple that points at a resource whose document carries only the first of them."""
        iri = iri_for_path(path)
        if iri is None or not await site.exists_async(iri):
            raise HTTPException(404, f"no resource at /{path}")

        def render() -> tuple[bytes, str]:
            with STORE_LOCK.reading():
                if not rdf_documents.has_full_incoming(site.model.store, iri):
                    return b"", ""
                return serialize(site.model.incoming_document(iri), "ttl"), MEDIA_OF["ttl"]

        rendered = await site.kept(("incoming", iri), render)
        if not rendered.media_type:  # its own document holds all of them
            raise HTTPException(404, f"<{iri}> has no separate incoming links")
        return rendered.response(request, {})

    @router.get("/ontology{suffix:path}", responses=openapi_ok(*PAGE_TYPES))
    async def ontology(request: Request, suffix: str, format: str | None = None) -> Response:
        # the versionIRI (`/ontology/0.1.0`) is the ontology this server holds
        version = (rdf_documents.version_path(site.model.ontology_document) or "").removeprefix(
            "ontology"
        )
        if version and suffix.startswith(version):
            suffix = suffix[len(version) :]
        fmt = {"": None, "/": "html", ".html": "html"}.get(
            suffix, suffix.lstrip(".") if suffix[1:] in RDF_FORMATS else "?"
        )
        if fmt == "?":
            raise HTTPException(404, f"no resource at /ontology{suffix}")
        headers = {"Vary": "Accept"}
        if fmt is None:
            fmt = negotiated(request, format_name(format))
            headers = chosen(request, fmt)

        def render() -> tuple[bytes, str]:
            if fmt == "html":
                return site.ontology_html.encode(), "text/html; charset=utf-8"
            with STORE_LOCK.reading():
                return serialize(site.model.ontology_document, fmt), MEDIA_OF[fmt]

        return (await site.kept((ONTOLOGY_IRI, fmt), render)).response(request, headers)

    return router
