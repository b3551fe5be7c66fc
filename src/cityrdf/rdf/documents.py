"""What a resource's RDF document holds and how each format writes it (docs/decisions/0008).

A document is the resource's concise bounded description, the triples that point at it (so a
client that follows links finds a city's pacts from the city, as DBpedia and Pubby do), at most
INCOMING_LIMIT per predicate, and the labels of what it links to and what links to it. Literals
keep the datatypes the sources wrote: Oxigraph's store keeps `xsd:nonNegativeInteger` and the
other integer subtypes as `xsd:integer`, so `SourceDatatypes` reads them back from the sources.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import BASE, CRID, OWL, PREFIXES, RDF, RDFS, XSD
from cityrdf.views.parts import site_path

# A hub (a country with hundreds of cities, the paper's table every pact comes from) would make
# its document mostly backlinks: past this many per predicate, the rest are in the resource's
# incoming-links document (`incoming_iri`), which the document names with rdfs:seeAlso.
RDF_TYPE = RDF.type.value
INCOMING_LIMIT = 100
INCOMING_DIR = "incoming/"
# XSD 1.1 §3.4: the types derived from xsd:integer, which Oxigraph stores as xsd:integer.
INTEGER_SUBTYPES = frozenset(
    XSD[name].value
    for name in (
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
    "nt": ox.RdfFormat.N_TRIPLES,
}
# a Turtle prefix name (PN_PREFIX, restricted to what our folder names use)
PREFIX_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


class SourceDatatypes:
    """The integer subtypes the sources give their literals, to undo the store's `xsd:integer`.

    A literal is found by its subject, predicate and value; a blank node's literal (an OWL
    cardinality) by predicate and value alone, when the sources give that pair one datatype."""

    def __init__(self, files: Iterable[Path]):
        self.by_subject: dict[tuple[str, str, int], ox.NamedNode] = {}
        by_predicate: dict[tuple[str, int], set[str]] = {}
        for path in files:
            for t in graph.parse_file(path):
                o = t.object
                if not isinstance(o, ox.Literal) or not _is_integer(o):
                    continue
                key = (t.predicate.value, int(o.value))
                by_predicate.setdefault(key, set()).add(o.datatype.value)
                if isinstance(t.subject, ox.NamedNode) and o.datatype.value in INTEGER_SUBTYPES:
                    self.by_subject[(t.subject.value, *key)] = o.datatype
        self.by_predicate = {
            key: ox.NamedNode(types.pop())
            for key, types in by_predicate.items()
            if len(types) == 1 and next(iter(types)) in INTEGER_SUBTYPES
        }

    def restore(self, triples: Iterable[ox.Triple]) -> list[ox.Triple]:
        restored = []
        for t in triples:
            o = t.object
            if isinstance(o, ox.Literal) and o.datatype == XSD.integer:
                key = (t.predicate.value, int(o.value))
                datatype = (
                    self.by_subject.get((t.subject.value, *key))
                    if isinstance(t.subject, ox.NamedNode)
                    else self.by_predicate.get(key)
                )
                if datatype is not None:
                    t = ox.Triple(t.subject, t.predicate, ox.Literal(o.value, datatype=datatype))
            restored.append(t)
        return restored


def _is_integer(literal: ox.Literal) -> bool:
    if literal.datatype != XSD.integer and literal.datatype.value not in INTEGER_SUBTYPES:
        return False
    try:
        int(literal.value)
    except ValueError:
        return False
    return True


def incoming_iri(iri: str) -> str | None:
    """Where all the triples that point at one of our resources are, when its document is full:
    beside where its documents live (a term `…/ontology#City`: incoming/ontology/term/City.ttl)."""
    path = site_path(iri)
    return f"{BASE}{INCOMING_DIR}{path}.ttl" if path else None


def resource_document(
    store: ox.Store, iri: str, limit: int | None = INCOMING_LIMIT
) -> list[ox.Triple]:
    """The resource's concise bounded description (every triple about it, and recursively every
    triple about the blank nodes those reach: unions, restrictions, lists, text anchors), the
    blank-node axioms that annotate its statements (`owl:annotatedSource` it: the evidence of a
    mapping), the triples from other IRIs that point at it (`limit` per predicate, the rest named
    by rdfs:seeAlso; None: all), and the labels of the resources at the other ends."""
    node = ox.NamedNode(iri)
    triples: dict[ox.Triple, None] = {}
    annotations = [
        q.subject
        for q in store.quads_for_pattern(None, OWL.annotatedSource, node)
        if isinstance(q.subject, ox.BlankNode)
    ]
    # the resource's own triples first
    todo: list[ox.NamedNode | ox.BlankNode] = [*annotations, node]
    seen: set[ox.NamedNode | ox.BlankNode] = set()
    while todo:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for q in store.quads_for_pattern(subject, None, None):
            triples[q.triple] = None
            if isinstance(q.object, ox.BlankNode):
                todo.append(q.object)
    more = False
    for predicate, subjects in backlinks(store, node).items():
        if limit is not None and len(subjects) > limit:
            subjects, more = subjects[:limit], True
        for subject in subjects:
            triples[ox.Triple(subject, predicate, node)] = None
    if more and (elsewhere := incoming_iri(iri)):
        triples[ox.Triple(node, RDFS.seeAlso, ox.NamedNode(elsewhere))] = None
    others = {t.object for t in triples if isinstance(t.object, ox.NamedNode)}
    others |= {t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}
    for other in sorted(others - seen, key=lambda n: n.value):
        for q in store.quads_for_pattern(other, RDFS.label, None):
            triples[q.triple] = None
    return list(triples)


def backlinks(store: ox.Store, node: ox.NamedNode) -> dict[ox.NamedNode, list[ox.NamedNode]]:
    """The IRIs that point at `node`, by predicate, in IRI order. A blank node pointing at it is
    part of another IRI's description (a text anchor's oa:hasSource, a list cell), which that
    IRI's document carries whole."""
    found: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for q in store.quads_for_pattern(None, None, node):
        if isinstance(q.subject, ox.NamedNode):
            found.setdefault(q.predicate, set()).add(q.subject)
    return {
        predicate: sorted(subjects, key=lambda n: n.value)
        for predicate, subjects in sorted(found.items(), key=lambda item: item[0].value)
    }


def incoming_document(store: ox.Store, iri: str) -> list[ox.Triple]:
    """Every triple from another IRI that points at `iri`, with the labels of their subjects."""
    node = ox.NamedNode(iri)
    triples: dict[ox.Triple, None] = {}
    for predicate, subjects in backlinks(store, node).items():
        for subject in subjects:
            triples[ox.Triple(subject, predicate, node)] = None
    linking = {
        t.subject for t in triples if isinstance(t.subject, ox.NamedNode)
    }  # backlinks are IRIs
    for subject in sorted(linking, key=lambda n: n.value):
        for q in store.quads_for_pattern(subject, RDFS.label, None):
            triples[q.triple] = None
    return list(triples)


def has_full_incoming(store: ox.Store, iri: str, limit: int = INCOMING_LIMIT) -> bool:
    """Whether some predicate points at `iri` from more IRIs than its document carries."""
    return any(len(s) > limit for s in backlinks(store, ox.NamedNode(iri)).values())


def document_prefixes(triples: Iterable[ox.Triple]) -> dict[str, str]:
    """The project's prefixes, with `crid:` replaced by one prefix per folder of `id/` that the
    triples use (`city:tehran`, `part:networks`): a Turtle local name cannot hold a `/` unescaped,
    so `crid:city/tehran` would be written `crid:city\\/tehran`."""
    prefixes = {name: ns for name, ns in PREFIXES.items() if name != "crid"}
    folders: set[str] = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(str(CRID)):
                folder, slash, _ = term.value.rpartition("/")
                if slash and len(folder) >= len(str(CRID)):
                    folders.add(folder + "/")
    used = {
        ns
        for t in triples
        for term in (t.subject, t.predicate, t.object, getattr(t.object, "datatype", None))
        if isinstance(term, ox.NamedNode)
        for ns in (term.value.rpartition("#")[0] + "#", term.value.rpartition("/")[0] + "/")
    }
    prefixes = {name: ns for name, ns in prefixes.items() if ns in used}
    taken = set(PREFIXES)
    for folder in sorted(folders):
        segments = folder[len(str(CRID)) :].strip("/").split("/")
        for name in (segments[-1], "-".join(segments)):
            if PREFIX_NAME.fullmatch(name) and name not in taken:
                prefixes[name] = folder
                taken.add(name)
                break
    return prefixes


class NotInFormat(ValueError):
    """The answer holds a term the format asked for cannot write."""


JSONLD_TRIPLE_TERMS = (
    "the answer holds triple terms, which JSON-LD cannot write; "
    "ask for Turtle, N-Triples or RDF/XML"
)


def jsonld(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """Compact JSON-LD whose context (the prefixes, inline so that a client needs no second
    request) turns IRIs into `cr:party`, `city:tehran`.

    Oxigraph writes the expanded form; this shortens its IRIs with the prefixes (JSON-LD 1.1 IRI
    compaction, for a context made only of prefixes), writes rdf:type as `@type` and a single value
    without its array. docs/decisions/0018 says why it is not PyLD's or rdflib's compaction."""
    name_of = {namespace: name for name, namespace in prefixes.items()}
    compacted_iris: dict[str, str] = {}

    def iri(value: str) -> str:
        """The compact IRI under the longest prefix (every prefix ends in `/` or `#`)."""
        if value not in compacted_iris:
            compacted_iris[value] = value
            end = len(value) - 1
            while end > 0 and value not in name_of:
                end = max(value.rfind("/", 0, end), value.rfind("#", 0, end))
                rest = value[end + 1 :]
                # `name://…` would read as an absolute IRI, not a compact one
                if end > 0 and rest and not rest.startswith("//") and value[: end + 1] in name_of:
                    compacted_iris[value] = f"{name_of[value[: end + 1]]}:{rest}"
                    break
        return compacted_iris[value]

    def one_or_many(values: list[Any]) -> Any:
        return values[0] if len(values) == 1 else values

    def value(item: dict[str, Any]) -> dict[str, Any]:
        if "@id" in item:
            return {"@id": iri(item["@id"])}
        if "@type" in item:
            return {"@type": iri(item["@type"]), "@value": item["@value"]}
        return item

    def node(expanded: dict[str, Any]) -> dict[str, Any]:
        compacted: dict[str, Any] = {"@id": iri(expanded["@id"])}
        for key in sorted((k for k in expanded if k != "@id"), key=iri):
            if key in ("@type", RDF_TYPE):
                types = [iri(t["@id"] if isinstance(t, dict) else t) for t in expanded[key]]
                compacted["@type"] = one_or_many(types)
            else:
                compacted[iri(key)] = one_or_many([value(v) for v in expanded[key]])
        return compacted

    if any(isinstance(t.object, ox.Triple) for t in triples):
        # Oxigraph's JSON-LD writer has no RDF 1.2 yet: it raises an OSError
        raise NotInFormat(JSONLD_TRIPLE_TERMS)
    nodes = [
        node(n) for n in json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD) or b"[]")
    ]
    context = dict(sorted(prefixes.items()))
    document = (
        {"@context": context, **nodes[0]}
        if len(nodes) == 1
        else {"@context": context, "@graph": nodes}
    )
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def serialize(triples: list[ox.Triple], fmt: str) -> bytes:
    """`triples` as `fmt` (a suffix of RDF_FORMATS): Turtle and JSON-LD with readable names."""
    if fmt == "jsonld":
        return jsonld(triples, document_prefixes(triples))
    prefixes = document_prefixes(triples) if fmt == "ttl" else None
    return graph.rdf_bytes(triples, RDF_FORMATS[fmt], prefixes)


def version_path(ontology: Iterable[ox.Triple]) -> str | None:
    """The site path of the ontology's owl:versionIRI (`ontology/0.1.0`), if it is one of ours:
    the versioned IRI serves the same document as the ontology IRI."""
    for t in ontology:
        if t.predicate == OWL.versionIRI and isinstance(t.object, ox.NamedNode):
            rest = t.object.value[len(BASE) :]
            if t.object.value.startswith(BASE + "ontology/") and re.fullmatch(
                r"ontology/[0-9][0-9A-Za-z.+-]*", rest
            ):
                return rest
    return None
