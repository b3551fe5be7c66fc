"""The namespaces of cityrdf and of the vocabularies it reuses (docs/model.md)."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, QB, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/cityrdf/"
CR = Namespace(BASE + "ontology#")
CRID = Namespace(BASE + "id/")
ONTOLOGY_IRI = BASE + "ontology"

SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
BIBO = Namespace("http://purl.org/ontology/bibo/")
FABIO = Namespace("http://purl.org/spar/fabio/")
CITO = Namespace("http://purl.org/spar/cito/")
DBO = Namespace("http://dbpedia.org/ontology/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
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
