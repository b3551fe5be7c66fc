"""`cityrdf export nanopubs`: each claim of the paper and each pact as a nanopublication with a Trusty URI.

A claim is an `mp:Claim`, or a concept of the findings, propositions or Tehran recommendations
schemes; a pact is a `cr:TwinningAgreement`. The Trusty URIs are computed offline with the
`nanopub` library's trustyuri code, and nothing is signed (docs/decisions/0013-nanopublications.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib  # the nanopub library's hasher works on rdflib terms: its global flag is restored here

from cityrdf import __version__
from cityrdf.errors import BadInput
from cityrdf.fs import atomic
from cityrdf.project import DATA_LICENSE
from cityrdf.rdf import dates, graph
from cityrdf.rdf.canonical import canonical_quads
from cityrdf.rdf.graph import Object
from cityrdf.rdf.namespaces import (
    BASE,
    CITO,
    CR,
    CRID,
    DCTERMS,
    MP,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    XSD,
    Namespace,
    sparql_prologue,
)
from cityrdf.rdf.rdflib_bridge import rdflib_term
from cityrdf.sparql.results import select

NP_BASE = BASE + "np/"
NP = Namespace("http://www.nanopub.org/nschema#")
LICENSE = ox.NamedNode(DATA_LICENSE)
PAPER = CRID["work/zahrani-rajaei"]
PUBLISHER = ox.NamedNode(BASE + "catalog.ttl#publisher")  # the project, as the DCAT record names it
DUMP_NAME = "cityrdf-nanopubs.trig"
SITE_DIR = "np"  # the published site's folder of nanopublications, as the IRIs' np/
CLAIM_SCHEMES = ("findings", "propositions", "tehran-recommendations")
# Stands where the artefact code will be while the code is computed; the trustyuri library reads
# it as a regular expression and normalises it to a space, as the Trusty URI specification does.
PLACEHOLDER = "TRUSTYARTEFACTCODEPLACEHOLDER"
TRUSTY_IRI = re.compile(re.escape(NP_BASE) + r"(?P<path>.+)\.(?P<code>RA[A-Za-z0-9_-]{43})")

# What the paper says about where a claim comes from goes to the provenance graph, not the assertion.
PROVENANCE_PREDICATES = {PROV.wasDerivedFrom, CR.textAnchor}
# Ties of support between claims, and citations: kept in the assertion of the claim they point at.
SUPPORT_NAMESPACES = (str(MP), str(CITO))
# The argument layer's qualified tie between a claim and what it rests on, answers or addresses
# (cr:linkFrom / cr:linkTo, its kind and its anchor; docs/decisions/0012-claims-and-evidence.md).
TIE_CLASSES = {CR.ArgumentLink.value}

SCHEME_IRIS = " ".join(f"<{CRID}scheme/{s}>" for s in CLAIM_SCHEMES)
ITEMS = f"""
SELECT DISTINCT ?item WHERE {{
  {{ ?item a <{MP}Claim> }} UNION {{ ?item a cr:TwinningAgreement }}
  UNION {{ ?item skos:inScheme ?scheme . VALUES ?scheme {{ {SCHEME_IRIS} }} }}
  FILTER(isIRI(?item) && STRSTARTS(STR(?item), STR(crid:)))
}} ORDER BY ?item
"""

PREFIX_LINES = {
    # not crid: its local names hold slashes, which Turtle would have to escape
    **{
        p: PREFIXES[p]
        for p in ("cr", "rdf", "rdfs", "xsd", "skos", "dcterms", "prov", "cito", "oa")
    },
    "np": str(NP),
    "mp": str(MP),
}


@dataclass
class Nanopub:
    """One nanopublication: the resource it is about, its IRI and its quads (graphs named under it)."""

    item: str
    iri: str
    quads: list[ox.Quad]

    @property
    def path(self) -> str:
        """Where it lives under np/ without suffix (`agreement/isfahan--yazd`), as the item under id/."""
        return self.item[len(CRID) :]

    def trig(self) -> bytes:
        prefixes = {"this": self.iri, "sub": self.iri + "/", **PREFIX_LINES}
        return graph.rdf_bytes(self.quads, ox.RdfFormat.TRIG, prefixes)


def creation_time(created: str | None = None) -> str:
    """The `dcterms:created` of every nanopublication of a run, as an xsd:dateTime in UTC: `created`
    (ISO 8601), else $SOURCE_DATE_EPOCH (the reproducible-builds convention), else now."""
    if created is None:
        moment = dates.run_time()
    else:
        try:
            moment = dt.datetime.fromisoformat(created)
        except ValueError:
            raise BadInput(
                f"--created {created!r}: expected an ISO 8601 date-time such as 2026-12-07T09:00:00Z"
            ) from None
        if moment.tzinfo is None:
            raise BadInput(f"--created {created!r}: give the time zone (Z for UTC)")
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def items(store: ox.Store) -> list[str]:
    """The IRIs of the claims and pacts that get a nanopublication, in IRI order."""
    return [row["item"].value for row in select(store, sparql_prologue() + ITEMS)]


class NanopubBuilder:
    """Builds the nanopublications of one store; the paper's authors are read once."""

    def __init__(self, store: ox.Store, created: str):
        self.store = store
        self.created = created
        self.authors = sorted(
            (
                q.object
                for q in store.quads_for_pattern(PAPER, DCTERMS.creator, None)
                if not isinstance(q.object, ox.Triple)
            ),
            key=lambda n: n.value,
        )

    def defined(self, node) -> bool:
        """An IRI the graph itself describes (a subject there), so a nanopub links nothing foreign."""
        return next(self.store.quads_for_pattern(node, None, None), None) is not None

    def description(self, node) -> list[ox.Triple]:
        """`node`'s triples and, recursively, those of the blank nodes they reach."""
        found, todo, seen = [], [node], set()
        while todo:
            subject = todo.pop()
            if subject in seen:
                continue
            seen.add(subject)
            for q in self.store.quads_for_pattern(subject, None, None, ox.DefaultGraph()):
                found.append(q.triple)
                if isinstance(q.object, ox.BlankNode):
                    todo.append(q.object)
        return found

    def support_nodes(self, item: ox.NamedNode) -> list[ox.NamedNode]:
        """The qualified ties that point at `item`: nodes of their own (with their anchor) typed as a
        tie (TIE_CLASSES, or any Micropublications class but mp:Claim), not claims themselves."""
        found = set()
        for q in self.store.quads_for_pattern(None, None, item, ox.DefaultGraph()):
            if not isinstance(q.subject, ox.NamedNode) or q.subject == item:
                continue
            kinds = {
                t.object.value
                for t in self.store.quads_for_pattern(q.subject, RDF.type, None)
                if not isinstance(t.object, ox.Triple)
            }
            if MP.Claim.value not in kinds and any(
                k in TIE_CLASSES or k.startswith(MP) for k in kinds
            ):
                found.add(q.subject)
        return sorted(found, key=lambda n: n.value)

    def parts(self, item: str) -> tuple[list[ox.Triple], list[ox.Triple]]:
        """The assertion's triples and the item's own provenance triples (sources and anchors)."""
        node = ox.NamedNode(item)
        own = self.description(node)
        provenance = [t for t in own if t.subject == node and t.predicate in PROVENANCE_PREDICATES]
        anchors = reachable(
            own, {t.object for t in provenance if isinstance(t.object, ox.BlankNode)}
        )
        assertion = [
            t for t in own if t not in provenance and t.subject not in anchors and self.keeps(t)
        ]
        provenance += [t for t in own if t.subject in anchors]
        # what other claims say of this one: mp:supports / mp:challenges / cito: links to it
        for q in self.store.quads_for_pattern(None, None, node, ox.DefaultGraph()):
            if q.predicate.value.startswith(SUPPORT_NAMESPACES) and isinstance(
                q.subject, ox.NamedNode
            ):
                assertion.append(q.triple)
        for tie in self.support_nodes(node):
            assertion += [t for t in self.description(tie) if self.keeps(t)]
        return unique(assertion), unique(provenance)

    def keeps(self, triple: ox.Triple) -> bool:
        obj = triple.object
        return (
            not isinstance(obj, ox.NamedNode) or triple.predicate == RDF.type or self.defined(obj)
        )

    def quads(self, item: str) -> list[ox.Quad]:
        """The nanopublication's quads, with PLACEHOLDER where the Trusty code stands and its blank
        nodes (the anchors) named under it."""
        this = f"{NP_BASE}{item[len(CRID) :]}.{PLACEHOLDER}"
        sub = this + "/"
        head, assertion_g, provenance_g, pubinfo_g = (
            ox.NamedNode(sub + name) for name in ("Head", "assertion", "provenance", "pubinfo")
        )
        np_node = ox.NamedNode(this)
        assertion, provenance = self.parts(item)

        quads = [
            ox.Quad(np_node, RDF.type, NP.Nanopublication, head),
            ox.Quad(np_node, NP.hasAssertion, assertion_g, head),
            ox.Quad(np_node, NP.hasProvenance, provenance_g, head),
            ox.Quad(np_node, NP.hasPublicationInfo, pubinfo_g, head),
        ]
        quads += [ox.Quad(t.subject, t.predicate, t.object, assertion_g) for t in assertion]
        item_node = ox.NamedNode(item)
        for t in provenance:  # the item's sources and anchors become the assertion's
            subject = assertion_g if t.subject == item_node else t.subject
            quads.append(ox.Quad(subject, t.predicate, t.object, provenance_g))
        quads.append(ox.Quad(assertion_g, PROV.hadPrimarySource, PAPER, provenance_g))
        quads += [
            ox.Quad(assertion_g, PROV.wasAttributedTo, author, provenance_g)
            for author in self.authors
        ]
        software = ox.NamedNode(sub + "software")
        label = next(
            (
                q.object
                for q in self.store.quads_for_pattern(item_node, RDFS.label, None)
                if getattr(q.object, "language", None) == "en"
            ),
            None,
        )
        pubinfo: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal | Object]] = [
            (np_node, DCTERMS.created, ox.Literal(self.created, datatype=XSD.dateTime)),
            (np_node, DCTERMS.creator, PUBLISHER),
            (np_node, DCTERMS.license, LICENSE),
            (np_node, DCTERMS.subject, item_node),
            (np_node, PROV.wasAttributedTo, software),
            (software, RDF.type, PROV.SoftwareAgent),
            (software, RDFS.label, ox.Literal(f"cityrdf {__version__}")),
        ]
        if label is not None:
            pubinfo.append((np_node, RDFS.label, label))
        quads += [ox.Quad(s, p, o, pubinfo_g) for s, p, o in pubinfo]
        return skolemised(canonical_quads(quads), sub)

    def build(self, item: str) -> Nanopub:
        """The nanopublication of `item`: its quads hashed with the placeholder, then the code put
        in its place (the Trusty URI algorithm), so both hold the same blank-node names."""
        draft = self.quads(item)
        code = trusty_code(draft, PLACEHOLDER)
        quads = [ox.Quad(*(with_code(term, code) for term in q)) for q in draft]
        iri = f"{NP_BASE}{item[len(CRID) :]}.{code}"
        return Nanopub(item, iri, sorted(quads, key=quad_order))


def reachable(triples: list[ox.Triple], roots: set) -> set:
    """The blank nodes reachable from `roots` through `triples` (roots included)."""
    found, todo = set(), list(roots)
    while todo:
        node = todo.pop()
        if node in found:
            continue
        found.add(node)
        todo += [
            t.object for t in triples if t.subject == node and isinstance(t.object, ox.BlankNode)
        ]
    return found


def unique(triples: list[ox.Triple]) -> list[ox.Triple]:
    return list(dict.fromkeys(triples))


def skolemised(quads: list[ox.Quad], sub: str) -> list[ox.Quad]:
    """`quads` with each blank node replaced by `sub_1`, `sub_2` … (the nanopub convention), in
    the order the quads come (canonical_quads: by RDFC-1.0 names, the same on every run)."""
    names: dict[ox.BlankNode, ox.NamedNode] = {}

    def skolem(term):
        if not isinstance(term, ox.BlankNode):
            return term
        return names.setdefault(term, ox.NamedNode(f"{sub}_{len(names) + 1}"))

    return [ox.Quad(*(skolem(term) for term in q)) for q in quads]


def with_code(term, code: str):
    """`term` with the Trusty code where PLACEHOLDER stands (only this nanopublication's IRIs)."""
    if isinstance(term, ox.NamedNode) and PLACEHOLDER in term.value:
        return ox.NamedNode(term.value.replace(PLACEHOLDER, code))
    return term


def quad_order(q: ox.Quad) -> tuple:
    graph_name = q.graph_name
    name = "" if isinstance(graph_name, ox.DefaultGraph) else graph_name.value
    return (name, str(q.subject), str(q.predicate), str(q.object))


@contextmanager
def spaces_in_iris_allowed() -> Iterator[None]:
    """The Trusty URI algorithm hashes IRIs with a space where the code goes; rdflib warns about
    each such IRI, which is expected here."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def trusty_code(quads: list[ox.Quad], artefact: str) -> str:
    """The Trusty URI artefact code (`RA…`, RDF module) of `quads`, in which `artefact` stands where
    the code goes: the `nanopub` library's RdfHasher over the quads as rdflib terms."""
    rows = [
        tuple(rdflib_term(_hashed(t)) for t in (q.graph_name, q.subject, q.predicate, q.object))
        for q in quads
    ]
    with spaces_in_iris_allowed():
        return _rdf_hasher().make_hash(rows, hashstr=artefact)


def _hashed(
    term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph,
) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A term of a nanopublication's quad: all are in named graphs, none is a triple term."""
    if isinstance(term, ox.DefaultGraph | ox.Triple):
        raise BadInput(f"{term}: a nanopublication has no default-graph quad and no triple term")
    return term


def _rdf_hasher():
    """The `nanopub` library's RdfHasher. Importing it sets rdflib's process-wide
    NORMALIZE_LITERALS to False; that is put back, and the terms hashed here never depend on it."""
    normalize = rdflib.NORMALIZE_LITERALS
    try:
        from nanopub.trustyuri.rdf import RdfHasher
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
    return RdfHasher


def verify(trig: bytes | str) -> str:
    """The nanopublication IRI of a TriG file whose Trusty URI holds; BadInput if it does not."""
    quads = list(ox.parse(trig, format=ox.RdfFormat.TRIG))
    heads = [
        q.subject.value for q in quads if q.predicate == RDF.type and q.object == NP.Nanopublication
    ]
    if len(heads) != 1 or not (match := TRUSTY_IRI.fullmatch(heads[0])):
        raise BadInput(f"not one nanopublication with a Trusty URI under {NP_BASE}: {heads}")
    code = match["code"]
    if trusty_code(quads, code) != code:
        raise BadInput(f"{heads[0]}: the content does not hash to its Trusty URI")
    return heads[0]


def site_paths(store: ox.Store) -> dict[str, str]:
    """Item IRI -> where its nanopublication lives in the published site, without `.trig`."""
    return {item: f"{SITE_DIR}/{item[len(CRID) :]}" for item in items(store)}


def build_all(store: ox.Store, created: str) -> list[Nanopub]:
    builder = NanopubBuilder(store, created)
    return [builder.build(item) for item in items(store)]


def files(nanopubs: list[Nanopub]) -> dict[str, bytes]:
    """Relative path → content: one TriG file per nanopublication and the combined dump."""
    found = {f"{np.path}.trig": np.trig() for np in nanopubs}
    quads = [q for np in nanopubs for q in np.quads]
    found[DUMP_NAME] = graph.rdf_bytes(quads, ox.RdfFormat.TRIG, PREFIX_LINES)
    return found


def run(out: Path | None, created: str | None = None) -> list[Nanopub]:
    """Write DIR/<kind>/<slug>.trig for each claim and pact and DIR/cityrdf-nanopubs.trig; DIR is
    replaced whole, so it must be new, empty, or an earlier export."""
    if out is None:
        raise BadInput("--out DIR is required")
    out = Path(out).resolve()
    if out.exists() and (
        not out.is_dir() or (any(out.iterdir()) and not (out / DUMP_NAME).is_file())
    ):
        raise BadInput(
            f"--out {out}: exists and is not an earlier nanopub export (no {DUMP_NAME}); "
            "give a new or empty folder"
        )
    stamp = creation_time(created)
    built = build_all(graph.load_store(), stamp)
    staging = atomic.staging_dir(out)
    try:
        for name, data in files(built).items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        atomic.swap_dir(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return built
