"""`cityrdf publish`: the static Linked Data site (pages, RDF per resource, dumps, VoID, DCAT, docs).

The site is built in a temporary folder beside `--out` and swapped in only when complete, so a
failed publish leaves the previous site as it was.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cityrdf import nanopubs
from cityrdf.describe import DATASET, dataset_version, dcat_graph, description_turtle, void_graph
from cityrdf.errors import BadInput
from cityrdf.fs import atomic
from cityrdf.project import current_project
from cityrdf.rdf import documents as rdf_documents
from cityrdf.rdf import graph
from cityrdf.rdf.canonical import canonical
from cityrdf.rdf.namespaces import (
    BASE,
    CRID,
    DCTERMS,
    ONTOLOGY_IRI,
    RDFS,
)
from cityrdf.sparql import service_description
from cityrdf.views import assets as site_assets
from cityrdf.views.parts import site_path
from cityrdf.views.render import Pages
from cityrdf.views.resource import RDF_FORMATS, SiteModel, serialize, stored_questions

# Every site has its VoID description: a folder without one was not written by publish.
SITE_MARK = "void.ttl"


@dataclass
class PublishReport:
    out: Path
    pages: int
    files: int
    bytes: int

    def __str__(self) -> str:
        return f"published {self.pages} pages, {self.files} files ({self.bytes // 1024} KiB) to {self.out}"


def publish(
    out: Path | None = None,
    base_url: str | None = None,
    store: ox.Store | None = None,
    endpoint: str | None = None,
) -> PublishReport:
    """Build the whole site into a temporary folder beside `out`, then swap it into place.

    A static site has no SPARQL endpoint; `endpoint` names one that serves the same data (a
    `cityrdf serve` or a store loaded with `cityrdf push`) for VoID and DCAT to advertise."""
    out = Path(out or current_project().site_dir).resolve()
    if base_url is not None and not re.fullmatch(r"(https?|file)://\S+", base_url):
        raise BadInput(f"--base-url {base_url!r}: expected an http(s):// or file:// URL")
    if base_url is not None and not base_url.endswith("/"):
        base_url += "/"
    if endpoint is not None and not re.fullmatch(r"https?://\S+", endpoint):
        raise BadInput(f"--sparql-endpoint {endpoint!r}: expected an http(s):// URL")
    # the site replaces `out` whole: never a folder of someone else's
    if out.exists() and (
        not out.is_dir() or (any(out.iterdir()) and not (out / SITE_MARK).is_file())
    ):
        raise BadInput(
            f"--out {out}: exists and is not an earlier site (no {SITE_MARK}); "
            "give a new or empty folder"
        )
    store = graph.load_store() if store is None else store
    staging = atomic.staging_dir(out)  # which makes out's parent
    try:
        pages = write_site(staging, store, base_url, endpoint)
        atomic.swap_dir(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    files = [p for p in out.rglob("*") if p.is_file()]
    return PublishReport(out, pages, len(files), sum(p.stat().st_size for p in files))


def write(path: Path, data: str | bytes) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return len(data)


def write_site(
    root: Path, store: ox.Store, base_url: str | None, endpoint: str | None = None
) -> int:
    model = SiteModel(store)
    model.nanopub_paths = nanopubs.site_paths(store)  # written by write_dumps
    # partner suggestions for the paper's cities, made now from the world layer (if imported)
    from cityrdf.opportunities.precomputed import for_paper_cities

    model.suggestions_store = for_paper_cities(store)
    # the world layer's pacts, beside the paper's on each city page, with their sources
    from cityrdf.world.publication import world_store

    model.world_store = world_store()
    pages = Pages(model, mode="absolute" if base_url else "relative", base_url=base_url or "")
    count = 0
    for iri in model.resources():
        path = site_path(iri)
        triples = model.ontology_document if iri == ONTOLOGY_IRI else model.document(iri)
        for fmt in RDF_FORMATS:
            write(root / f"{path}.{fmt}", serialize(triples, fmt))
        if iri != ONTOLOGY_IRI:  # the ontology's page is written below
            write(root / f"{path}.html", pages.resource(iri))
            count += 1
        if rdf_documents.has_full_incoming(store, iri):  # the rest of its backlinks
            incoming = serialize(model.incoming_document(iri), "ttl")
            write(root / f"{rdf_documents.INCOMING_DIR}{path}.ttl", incoming)
    # the versionIRI serves the version this site holds (the ontology IRI's document and page)
    version = rdf_documents.version_path(model.ontology_document)
    if version:
        for fmt in RDF_FORMATS:
            write(root / f"{version}.{fmt}", serialize(model.ontology_document, fmt))
        write(root / f"{version}.html", pages.ontology(model.ontology_document, version))
        # MultiViews skips `0.1.0.ttl` (it reads `1` and `0` as unknown extensions): a type map
        write(root / f"{version}.var", type_map(version))
    write(root / "ontology.html", pages.ontology(model.ontology_document))
    # the same page for /ontology/ (a folder, as it holds the terms), and Apache's type map
    write(
        root / "ontology" / "index.html", pages.ontology(model.ontology_document, "ontology/index")
    )
    for iri in model.resources():  # Apache's type maps for resources that are also folders
        path = site_path(iri)
        if path is not None and (root / path).is_dir():
            write(root / f"{path}.var", type_map(path))
    indexes = pages.index_pages()
    for page in indexes:
        write(root / f"{page.name}.html", pages.index(page))
    write(root / "questions.html", pages.questions(stored_questions()))
    write(root / "index.html", pages.home(indexes))
    for name, data in site_assets.static_files().items():
        write(root / "static" / name, data)
    # the page in the authors' order (it names no blank node), the file in canonical form
    shape_triples = [t for path in graph.shape_files() for t in graph.parse_file(path)]
    write(root / "shapes" / "index.html", pages.shapes(shape_triples))
    write(root / "shapes.ttl", serialize(canonical(shape_triples), "ttl"))
    write_catalogue(root, store, base_url or BASE, endpoint)
    # the world layer (world/*.nq, if imported) as its own dataset, under its sources' licences
    from cityrdf.world.publication import write_world

    write_world(root, base_url or BASE, DATASET, store)
    return count + len(indexes) + 4


# Apache negotiates a resource that is also a folder (/ontology, a work with parts) through a type
# map (deploy/.htaccess): MultiViews only sees paths that are not files or folders. The qs values give serve's order on ties (the .htaccess AddType lines too).
SOURCE_QUALITY = {"html": 1, "ttl": 0.999, "jsonld": 0.998, "rdf": 0.997, "nt": 0.996}
MEDIA_TYPES = {
    "html": "text/html",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "nt": "application/n-triples",
}


def type_map(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    records = [f"URI: {name}\n"] + [
        f"URI: {name}.{fmt}\nContent-Type: {MEDIA_TYPES[fmt]}; qs={SOURCE_QUALITY[fmt]}\n"
        for fmt in SOURCE_QUALITY
    ]
    return "\n".join(records)


def dump_blobs(store: ox.Store) -> dict[str, bytes]:
    """The whole graph as Turtle, gzipped N-Triples and JSON-LD, by file name."""
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    triples = canonical(rdf_documents.SourceDatatypes(graph.source_files()).restore(triples))
    return {
        "cityrdf.ttl": serialize(triples, "ttl"),
        # mtime=0 so the same graph always gives the same bytes and the same checksum
        "cityrdf.nt.gz": gzip.compress(serialize(triples, "nt"), mtime=0),
        "cityrdf.jsonld": serialize(triples, "jsonld"),
    }


def checksums(blobs: dict[str, bytes]) -> dict[str, tuple[str, int]]:
    return {name: (hashlib.sha256(data).hexdigest(), len(data)) for name, data in blobs.items()}


def sha256sums_file(sums: dict[str, tuple[str, int]]) -> str:
    """The `sha256sum -c` format."""
    return "".join(f"{digest}  {name}\n" for name, (digest, _) in sums.items())


def write_dumps(root: Path, store: ox.Store) -> dict[str, tuple[str, int]]:
    blobs = dump_blobs(store)
    # each claim and pact as a nanopublication under np/, and all of them as one dump
    written = nanopubs.files(nanopubs.build_all(store, nanopubs.creation_time()))
    blobs[nanopubs.DUMP_NAME] = written.pop(nanopubs.DUMP_NAME)
    for name, data in written.items():
        write(root / nanopubs.SITE_DIR / name, data)
    for name, data in blobs.items():
        write(root / "dumps" / name, data)
    sums = checksums(blobs)
    write(root / "dumps" / "SHA256SUMS", sha256sums_file(sums))
    return sums


def citation_cff(store: ox.Store) -> str:
    """CITATION.cff for the data set, citing the paper it is built from (authors in the paper's order)."""
    paper = CRID["work/zahrani-rajaei"]
    title = next(
        (
            q.object.value
            for q in store.quads_for_pattern(paper, DCTERMS["title"], None)
            if isinstance(q.object, ox.Literal) and q.object.language == "en"
        ),
        "Sister cities",
    )
    lines = [
        "cff-version: 1.2.0",
        'message: "If you use this data, please cite it and the paper it is built from."',
        'title: "cityrdf: a knowledge graph of sister cities"',
        f'version: "{dataset_version()}"',
        "license: CC-BY-4.0",
        "type: dataset",
        f'url: "{BASE}"',
        "authors:",
        '  - name: "cityrdf contributors"',
        "preferred-citation:",
        "  type: article",
        f"  title: {quote_yaml(title)}",
        "  authors:",
    ]
    # dcterms:bibliographicCitation keeps the authors' order; the creators' labels give the names.
    creators = [
        q.object
        for q in store.quads_for_pattern(paper, DCTERMS.creator, None)
        if isinstance(q.object, ox.NamedNode | ox.BlankNode)
    ]
    citation = next(
        (
            q.object.value
            for q in store.quads_for_pattern(paper, DCTERMS.bibliographicCitation, None)
            if not isinstance(q.object, ox.Triple)
        ),
        "",
    )
    names = []
    for creator in creators:
        label = next(
            (
                q.object.value
                for q in store.quads_for_pattern(creator, RDFS.label, None)
                if isinstance(q.object, ox.Literal) and q.object.language == "en"
            ),
            creator.value.rsplit("/", 1)[-1],
        )
        names.append(label)
    names.sort(
        key=lambda n: (
            citation.find(n.split()[-1]) if n.split()[-1] in citation else len(citation),
            n,
        )
    )
    for name in names or ["Zahrani", "Rajaei"]:
        given, _, family = name.rpartition(" ")
        lines.append(f"    - family-names: {quote_yaml(family)}")
        if given:
            lines.append(f"      given-names: {quote_yaml(given)}")
    return "\n".join(lines) + "\n"


def quote_yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_catalogue(root: Path, store: ox.Store, base_url: str, endpoint: str | None) -> None:
    sums = write_dumps(root, store)
    void = description_turtle(void_graph(store, base_url, endpoint))
    write(root / "void.ttl", void)
    write(root / ".well-known" / "void", void)
    write(root / "catalog.ttl", description_turtle(dcat_graph(store, base_url, sums, endpoint)))
    write(root / "CITATION.cff", citation_cff(store))
    if endpoint:  # a static site has no endpoint of its own to describe
        write(root / "sparql-service.ttl", service_description.published_turtle(endpoint))


def run(
    out: Path | None = None, base_url: str | None = None, endpoint: str | None = None
) -> PublishReport:
    """The CLI verb: publish the project graph; raises CityrdfError with a one-line reason."""
    try:
        return publish(out, base_url, endpoint=endpoint)
    except OSError as err:
        raise BadInput(f"publish: {err.filename or out}: {err.strerror}") from None
