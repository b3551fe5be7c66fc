"""Load the project's sources into the embedded Oxigraph store, with the entailments the build adds.

Every reader of the graph (build, validate, query, publish, serve) goes through `load_store`, so a
syntax error is reported the same way everywhere: `FILE:LINE:COLUMN: reason`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path

import pyoxigraph as ox

from cityrdf.errors import BadInput
from cityrdf.project import current_project
from cityrdf.rdf.namespaces import RDF, sparql_prologue

RDF_SUFFIXES = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}

# SPARQL rules the build applies; each says which standard makes the new triples follow.
ENTAILMENT_RULES = {
    # docs/model.md: the symmetric shortcut is derived from the agreements, in both directions.
    "twinned-with": """
        INSERT { ?a cr:twinnedWith ?b . ?b cr:twinnedWith ?a }
        WHERE { ?agreement a cr:TwinningAgreement ; cr:party ?a, ?b . FILTER(?a != ?b) }
    """,
    # SKOS §5.4: skos:prefLabel is a sub-property of rdfs:label.
    "pref-label-is-label": """
        INSERT { ?c rdfs:label ?l } WHERE { ?c skos:prefLabel ?l }
    """,
    # docs/decisions/0012: a link of the paper's argument is named by its kind and the resource it
    # names (the claim, where the kind names the question or hypothesis), from their current labels.
    "argument-link-label": """
        INSERT { ?link rdfs:label ?label } WHERE {
          # The named resource as a pattern's variable, not a BIND's: Oxigraph then looks up its
          # labels, where it joined every label of the graph with the few links (0.8 s at 1 M).
          {
            ?link a cr:ArgumentLink ; cr:linkKind ?kind ; cr:linkFrom ?named ; cr:linkTo ?to .
            VALUES ?kind { <https://w3id.org/cityrdf/id/concept/argument-link-kinds/answers>
                           <https://w3id.org/cityrdf/id/concept/argument-link-kinds/bears-out> }
          } UNION {
            ?link a cr:ArgumentLink ; cr:linkKind ?kind ; cr:linkFrom ?from ; cr:linkTo ?named .
            FILTER (?kind NOT IN (<https://w3id.org/cityrdf/id/concept/argument-link-kinds/answers>,
                                  <https://w3id.org/cityrdf/id/concept/argument-link-kinds/bears-out>))
          }
          ?kind skos:prefLabel ?kindLabel .
          ?named rdfs:label ?namedLabel .
          FILTER(lang(?namedLabel) = lang(?kindLabel))
          BIND(STRLANG(CONCAT(STR(?kindLabel), ": ", STR(?namedLabel)), lang(?kindLabel)) AS ?label)
        }
    """,
}


def rdf_format(path: Path) -> ox.RdfFormat:
    try:
        return RDF_SUFFIXES[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(RDF_SUFFIXES))
        raise BadInput(f"{path}: unknown RDF file type {path.suffix!r} (expected one of {known})")


# What Oxigraph may hold in a triple's subject and object (RDF 1.2 triple terms too)
Subject = ox.NamedNode | ox.BlankNode | ox.Triple
Object = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def rdf_bytes(
    data: Iterable[ox.Triple] | Iterable[ox.Quad],
    format: ox.RdfFormat,
    prefixes: dict[str, str] | None = None,
) -> bytes:
    """`data` written by Oxigraph in `format`: `ox.serialize` without an output file, whose stub
    says `bytes | None` for every call."""
    written = ox.serialize(data, format=format, prefixes=prefixes)
    assert written is not None  # None only when it wrote to an output
    return written


BOM = b"\xef\xbb\xbf"


def _require_file(path: Path) -> None:
    if path.is_dir():
        raise BadInput(f"{path}: is a folder, not an RDF file")
    if not path.is_file():
        raise BadInput(f"{path}: no such file")


def _source(path: Path) -> dict:
    """What Oxigraph reads `path` from: the file, or its bytes after a byte-order mark (Windows
    editors start UTF-8 with one; the RDF syntaxes do not allow it)."""
    with path.open("rb") as head:
        if head.read(3) != BOM:
            return {"path": str(path)}
    return {"input": path.read_bytes()[3:]}


def parse_file(path: Path) -> list[ox.Triple]:
    """The triples of one RDF file, or BadInput naming the file, line and column."""
    path = Path(path)
    _require_file(path)
    fmt = rdf_format(path)
    if fmt == ox.RdfFormat.RDF_XML:
        # Oxigraph's streaming RDF/XML parser accepts a document cut short (no closing root tag).
        position = _xml_error_position(path)
        if position:
            _raise_at(path, *position, "RDF/XML is not well-formed XML")
    try:
        triples = [q.triple for q in ox.parse(**_source(path), format=fmt)]
    except SyntaxError as err:
        reason = str(err.msg if hasattr(err, "msg") else err)
        reason = reason.split(":", 1)[1].strip() if reason.startswith("Parser error at") else reason
        line, column = err.lineno, err.offset
        if not line and fmt == ox.RdfFormat.RDF_XML:  # Oxigraph's XML errors carry no position
            line, column = _xml_error_position(path) or (None, None)
        return _raise_at(path, line, column, reason)
    except (ValueError, OSError, UnicodeDecodeError) as err:
        raise BadInput(f"{path}: {err}") from None
    if not triples:
        raise BadInput(f"{path}: no triples (the file is empty or holds only prefixes)")
    return triples


def _xml_error_position(path: Path) -> tuple[int, int] | None:
    """Where expat finds `path` not well-formed (line, 1-based column), if it does."""
    from xml.parsers import expat

    try:
        expat.ParserCreate().Parse(path.read_bytes(), True)
    except expat.ExpatError as err:
        return err.lineno, err.offset + 1
    return None


def _raise_at(path: Path, line: int | None, column: int | None, reason: str):
    where = f"{path}:{line}:{column}" if line else str(path)
    raise BadInput(f"{where}: {reason}") from None


def source_files(with_links: bool = True) -> list[Path]:
    """The ontology and data files the project graph is made of, in a stable order."""
    project = current_project()
    files = sorted(project.ontology_dir.glob("*.ttl")) + sorted(project.data_dir.glob("*.ttl"))
    # Users' tables brought in with `cityrdf import pacts` (cityrdf.importer).
    files += sorted(project.imported_dir.glob("*.ttl"))
    if with_links and project.links_dir.is_dir():
        files += sorted(project.links_dir.glob("*.ttl"))
    return files


def ontology_files() -> list[Path]:
    return sorted(current_project().ontology_dir.glob("*.ttl"))


def shape_files() -> list[Path]:
    return sorted(current_project().shapes_dir.glob("*.ttl"))


def load_store(files: Iterable[Path] | None = None, entail: bool = True) -> ox.Store:
    """An in-memory Oxigraph store holding `files` (default: the project graph) in its default graph."""
    store = ox.Store()
    for path in source_files() if files is None else files:
        load_file(store, Path(path))
    if entail:
        apply_entailments(store)
    return store


def load_file(store: ox.Store, path: Path, to_graph: ox.NamedNode | None = None) -> None:
    """Parse `path` straight into `store` (Oxigraph's own loader: no Python object per triple,
    a third faster than parse_file at 1 M triples), with parse_file's errors. Triples go to
    `to_graph` (default: the default graph); the quads of an N-Quads file keep their graph."""
    _require_file(path)
    fmt = rdf_format(path)
    if fmt == ox.RdfFormat.RDF_XML:
        parse_file(path)  # its checks (well-formed XML, positions) are the slow path's anyway
    before = len(store)
    try:
        store.load(**_source(path), format=fmt, to_graph=to_graph)
    except SyntaxError as err:
        parse_file(path)  # reports the error with its FILE:LINE:COLUMN
        raise BadInput(f"{path}: {err}") from None  # (only if the two parsers disagree)
    except (ValueError, OSError, UnicodeDecodeError) as err:
        raise BadInput(f"{path}: {err}") from None
    if len(store) == before:
        parse_file(path)  # refuses a file with no triples; one repeating loaded triples is fine


def files_describing(files: Iterable[Path], iris: set[str]) -> dict[str, list[Path]]:
    """For each of `iris`, the files in which it is a subject, so a report can say which file to
    fix. Called only when there is something to report: it reads the files again, which the store
    cannot answer (it holds their union)."""
    wanted = set()
    for iri in iris:
        with contextlib.suppress(ValueError):  # a blank node's or a literal's text, or none
            wanted.add(ox.NamedNode(iri))
    found: dict[str, list[Path]] = {}
    if not wanted:
        return found
    for path in files:
        for subject in _subjects_among(Path(path), wanted):
            found.setdefault(subject.value, []).append(Path(path))
    return found


def _subjects_among(path: Path, wanted: set[ox.NamedNode]) -> set[ox.NamedNode]:
    """The subjects of `path` that are in `wanted`. The file was loaded already, so it is read
    without checking its IRIs again (lenient); its errors are load_file's."""
    try:
        quads = ox.parse(**_source(path), format=rdf_format(path), lenient=True)
        return {subject for subject in (q.subject for q in quads) if subject in wanted}
    except (SyntaxError, ValueError, OSError, UnicodeDecodeError):
        load_file(ox.Store(), path)  # the error with its FILE:LINE:COLUMN
        raise


def query_threads(queries: Executor | None = None) -> AbstractContextManager[Executor]:
    """`queries`, or else a new pool of one thread per core, to run queries on a store side by
    side: Oxigraph releases the GIL while it evaluates. Checks that run together share one pool,
    so that no more queries (each holding its intermediate results) run at once than there are
    cores, and none's slowest query leaves a core idle at the end."""
    if queries is not None:
        return contextlib.nullcontext(queries)
    return ThreadPoolExecutor(max_workers=os.cpu_count() or 1)


def apply_entailments(store: ox.Store) -> None:
    for rule in ENTAILMENT_RULES.values():
        store.update(sparql_prologue() + rule)


Term = ox.NamedNode | ox.BlankNode | ox.Literal


def list_members(head: Term, value: Callable[[Term, ox.NamedNode], Term | None]) -> list[Term]:
    """The members of the RDF list starting at `head` (RDF 1.1 Semantics §D.3): rdf:first of each
    cell, along rdf:rest to rdf:nil; a cycle or a cell without rdf:first ends it. `value(node,
    predicate)` reads one object from whatever holds the triples (a store, a document's index)."""
    members: list[Term] = []
    seen: set[Term] = set()
    node: Term | None = head
    while node is not None and node != RDF.nil and node not in seen:
        seen.add(node)
        first = value(node, RDF.first)
        if first is None:
            break
        members.append(first)
        node = value(node, RDF.rest)
    return members
