"""The namespaces of cityrdf and of the vocabularies it reuses (docs/model.md), as Oxigraph terms.

pyoxigraph is the package's one term model; it has no namespace helper, so `Namespace` is the one
line that makes `CR.City` an `ox.NamedNode`. A namespace is also its IRI as a string, so
`str(CR)`, `f"{CR}City"` and the PREFIX lines read as they did with rdflib's namespaces.
"""

from __future__ import annotations

import pyoxigraph as ox


class Namespace(str):
    """An IRI prefix whose attributes and items are the `ox.NamedNode`s under it."""

    __slots__ = ()

    def __getitem__(self, name: object) -> ox.NamedNode:  # type: ignore[override]
        return ox.NamedNode(str.__str__(self) + str(name))

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        return self[name]

    def __str__(self) -> str:
        return str.__str__(self)


# `DCTERMS.title`, `SKOS.index`: a term whose name is also a `str` method would otherwise be that
# method, silently. Set after the class so the type checker keeps reading them as methods and
# asks for `NS["title"]`, which is what code should write.
def _term_named(name: str) -> property:
    return property(lambda namespace: namespace[name])


for _name in [n for n in dir(str) if not n.startswith("_")]:
    setattr(Namespace, _name, _term_named(_name))
del _name


BASE = "https://w3id.org/cityrdf/"
CR = Namespace(BASE + "ontology#")
CRID = Namespace(BASE + "id/")
ONTOLOGY_IRI = BASE + "ontology"

# W3C and community vocabularies
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
QB = Namespace("http://purl.org/linked-data/cube#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
BIBO = Namespace("http://purl.org/ontology/bibo/")
FABIO = Namespace("http://purl.org/spar/fabio/")
CITO = Namespace("http://purl.org/spar/cito/")
DBO = Namespace("http://dbpedia.org/ontology/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
GN = Namespace("https://sws.geonames.org/")
SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
SH = Namespace("http://www.w3.org/ns/shacl#")
TIME = Namespace("http://www.w3.org/2006/time#")
OA = Namespace("http://www.w3.org/ns/oa#")
MP = Namespace("http://purl.org/mp/")  # Micropublications: the paper's claims

PREFIXES: dict[str, str] = {
    "cr": str(CR),
    "crid": str(CRID),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "qb": str(QB),
    "foaf": str(FOAF),
    "schema": str(SCHEMA),
    "geo": str(GEO),
    "bibo": str(BIBO),
    "fabio": str(FABIO),
    "cito": str(CITO),
    "dbo": str(DBO),
    "wd": str(WD),
    "wdt": str(WDT),
    "sh": str(SH),
    "time": str(TIME),
    "oa": str(OA),
    "mp": str(MP),
}


def sparql_prologue() -> str:
    """PREFIX lines for every namespace above, for queries built in code."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
