"""The descriptions of the published dataset: VoID (size, partitions, URI space, dumps, endpoint)
and the DCAT catalogue (the dataset, its distributions, the claims' nanopublications, the SPARQL
service), as Oxigraph triples; `cityrdf publish` writes them and `cityrdf serve` answers with them."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

import pyoxigraph as ox

from cityrdf import nanopubs
from cityrdf.project import DATA_LICENSE
from cityrdf.rdf import dates, graph
from cityrdf.rdf.canonical import canonical
from cityrdf.rdf.namespaces import (
    BASE,
    CR,
    CRID,
    DCAT,
    DCTERMS,
    FOAF,
    OWL,
    PROV,
    RDF,
    SPDX,
    VOID,
    XSD,
    sparql_prologue,
)
from cityrdf.sparql.results import select

LICENSE = ox.NamedNode(DATA_LICENSE)
DATASET = ox.NamedNode(BASE + "void.ttl#cityrdf")
CATALOG = ox.NamedNode(BASE + "catalog.ttl#catalog")
IANA = "https://www.iana.org/assignments/media-types/"
# The dumps: file name, media type, IANA compression type (for dcat:compressFormat) or None.
DUMPS = (
    ("cityrdf.ttl", "text/turtle", None),
    ("cityrdf.nt.gz", "application/n-triples", "application/gzip"),
    ("cityrdf.jsonld", "application/ld+json", None),
)
# The dates of what happened (pacts signed, historical events, years that figures describe) make the
# temporal coverage; a designation's year is left out, as a title can be announced for a later year
# (Tabriz, tourism capital 2018, in a 2015 paper).
HISTORY_DATES = """
    SELECT ?date WHERE {
      { ?pact cr:signingDate ?date } UNION { ?event a cr:HistoricalEvent ; cr:year ?date }
      UNION { ?claim cr:refYear ?date }
    }
"""


def dataset_version() -> str:
    try:
        return package_version("cityrdf")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0.0.0"


def temporal_coverage(store: ox.Store) -> tuple[int, int] | None:
    """The first and last year of HISTORY_DATES, read from the lexical form (gYear or date)."""
    years = [
        int(match.group(0))
        for row in select(store, sparql_prologue() + HISTORY_DATES)
        if (match := re.match(r"-?\d{4}", row["date"].value))
    ]
    return (min(years), max(years)) if years else None


def void_graph(store: ox.Store, base_url: str, endpoint: str | None = None) -> list[ox.Triple]:
    """VoID: size, partitions by class, the URI space, example resources, dumps, when it was
    modified (the run's time, `dates.run_time`), and the SPARQL endpoint when there is one
    (`cityrdf serve`'s, or one named with --sparql-endpoint).

    An entity is an IRI of the URI space (`https://w3id.org/cityrdf/`: resources and ontology
    terms) that the data describes; void:entities counts them, and each class partition counts
    the entities of its class, so neither counts blank nodes or other sites' IRIs."""
    g: list[tuple] = []
    d = DATASET
    triples = list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    subjects = {q.subject for q in triples}
    entities = {s for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(BASE)}
    g.append((d, RDF.type, VOID.Dataset))
    g.append(
        (
            d,
            DCTERMS["title"],
            ox.Literal("cityrdf: sister cities and city diplomacy", language="en"),
        )
    )
    g.append((d, DCTERMS["title"], ox.Literal("شهرهای خواهرخوانده و دیپلماسی شهری", language="fa")))
    g.append((d, DCTERMS.license, LICENSE))
    modified = dates.run_time().strftime("%Y-%m-%dT%H:%M:%SZ")  # $SOURCE_DATE_EPOCH: reproducible
    g.append((d, DCTERMS.modified, ox.Literal(modified, datatype=XSD.dateTime)))
    g.append((d, VOID.triples, ox.Literal(len(triples))))
    g.append((d, VOID.distinctSubjects, ox.Literal(len(subjects))))
    g.append((d, VOID.entities, ox.Literal(len(entities))))
    g.append((d, VOID.properties, ox.Literal(len({q.predicate for q in triples}))))
    g.append((d, VOID.uriSpace, ox.Literal(BASE)))
    if endpoint:
        g.append((d, VOID.sparqlEndpoint, ox.NamedNode(endpoint)))
    g.append((d, VOID.rootResource, CRID["city/tehran"]))
    g.append((d, VOID.exampleResource, CRID["city/tehran"]))
    g.append((d, VOID.vocabulary, ox.NamedNode(str(CR))))
    for name, *_ in DUMPS:
        g.append((d, VOID.dataDump, ox.NamedNode(base_url + "dumps/" + name)))
    classes: dict[str, set] = {}
    for q in store.quads_for_pattern(None, RDF.type, None, ox.DefaultGraph()):
        if isinstance(q.object, ox.Triple):
            continue
        members = classes.setdefault(q.object.value, set())
        if q.subject in entities:
            members.add(q.subject)
    g.append((d, VOID.classes, ox.Literal(len(classes))))
    for cls, members in sorted(classes.items()):
        if not members:  # a class with only blank-node or foreign instances (owl:Axiom, …)
            continue
        part = ox.BlankNode()
        g.append((d, VOID.classPartition, part))
        g.append((part, VOID["class"], ox.NamedNode(cls)))
        g.append((part, VOID.entities, ox.Literal(len(members))))
    return unique_triples(g)


def dcat_graph(
    store: ox.Store, base_url: str, sums: dict[str, tuple[str, int]], endpoint: str | None = None
) -> list[ox.Triple]:
    """A DCAT 3 catalogue record: licence, publisher, version, coverage, distributions, and the
    SPARQL endpoint as a data service when there is one."""
    g: list[tuple] = []
    d, publisher = DATASET, ox.NamedNode(BASE + "catalog.ttl#publisher")
    g.append((CATALOG, RDF.type, DCAT.Catalog))
    g.append((CATALOG, DCTERMS["title"], ox.Literal("cityrdf catalogue", language="en")))
    g.append((CATALOG, DCAT.dataset, d))
    g.append((CATALOG, DCTERMS.publisher, publisher))
    g.append((publisher, RDF.type, FOAF.Organization))
    g.append((publisher, FOAF.name, ox.Literal("cityrdf project")))
    g.append((d, RDF.type, DCAT.Dataset))
    g.append(
        (
            d,
            DCTERMS["title"],
            ox.Literal("cityrdf: sister cities and city diplomacy", language="en"),
        )
    )
    g.append((d, DCTERMS["title"], ox.Literal("شهرهای خواهرخوانده و دیپلماسی شهری", language="fa")))
    g.append(
        (
            d,
            DCTERMS.description,
            ox.Literal(
                "Sister-city agreements, city networks and the theory of city diplomacy, from Zahrani and "
                "Rajaei's Persian paper on sister cities, as Linked Open Data.",
                language="en",
            ),
        )
    )
    g.append((d, DCTERMS.license, LICENSE))
    g.append((d, DCTERMS.publisher, publisher))
    g.append((d, DCAT.version, ox.Literal(dataset_version())))  # DCAT 3
    g.append((d, DCTERMS.source, CRID["work/zahrani-rajaei"]))
    g.append((d, DCAT.landingPage, ox.NamedNode(base_url)))
    for lang in ("en", "fa"):
        g.append(
            (d, DCTERMS.language, ox.NamedNode(f"http://id.loc.gov/vocabulary/iso639-1/{lang}"))
        )
    coverage = temporal_coverage(store)
    if coverage:
        period = ox.NamedNode(BASE + "catalog.ttl#period")
        g.append((d, DCTERMS.temporal, period))
        g.append((period, RDF.type, DCTERMS.PeriodOfTime))
        g.append((period, DCAT.startDate, ox.Literal(f"{coverage[0]:04d}", datatype=XSD.gYear)))
        g.append((period, DCAT.endDate, ox.Literal(f"{coverage[1]:04d}", datatype=XSD.gYear)))
    for q in store.quads_for_pattern(None, RDF.type, CR.Country):
        if not isinstance(q.subject, ox.Triple):
            g.append((d, DCTERMS.spatial, q.subject))
    datasets = [(d, dump) for dump in DUMPS]
    # the claims and pacts as nanopublications (cityrdf.nanopubs): a data set of its own
    if nanopubs.DUMP_NAME in sums:
        claims = ox.NamedNode(BASE + "catalog.ttl#nanopubs")
        g.append((CATALOG, DCAT.dataset, claims))
        g.append((claims, RDF.type, DCAT.Dataset))
        title = "cityrdf: the paper's claims and pacts as nanopublications"
        g.append((claims, DCTERMS["title"], ox.Literal(title, language="en")))
        g.append((claims, DCTERMS.license, LICENSE))
        g.append((claims, DCTERMS.publisher, publisher))
        g.append((claims, PROV.wasDerivedFrom, d))
        datasets.append((claims, (nanopubs.DUMP_NAME, "application/trig", None)))
    for dataset, (name, media_type, compression) in datasets:
        dist = ox.NamedNode(base_url + "dumps/" + name + "#distribution")
        digest, size = sums[name]
        checksum = ox.BlankNode()
        g.append((dataset, DCAT.distribution, dist))
        g.append((dist, RDF.type, DCAT.Distribution))
        g.append((dist, DCTERMS["title"], ox.Literal(f"cityrdf dump ({name})")))
        g.append((dist, DCAT.downloadURL, ox.NamedNode(base_url + "dumps/" + name)))
        g.append((dist, DCAT.accessURL, ox.NamedNode(base_url + "dumps/" + name)))
        g.append((dist, DCAT.mediaType, ox.NamedNode(IANA + media_type)))
        if compression:
            g.append((dist, DCAT.compressFormat, ox.NamedNode(IANA + compression)))
        g.append((dist, DCAT.byteSize, ox.Literal(str(size), datatype=XSD.nonNegativeInteger)))
        g.append((dist, DCTERMS.license, LICENSE))
        g.append((dist, SPDX.checksum, checksum))
        g.append((checksum, RDF.type, SPDX.Checksum))
        g.append((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.append((checksum, SPDX.checksumValue, ox.Literal(digest, datatype=XSD.hexBinary)))
    if not endpoint:
        return unique_triples(g)
    service = ox.NamedNode(endpoint)
    g.append((CATALOG, DCAT.service, service))
    g.append((service, RDF.type, DCAT.DataService))
    g.append((service, DCTERMS["title"], ox.Literal("cityrdf SPARQL endpoint", language="en")))
    g.append((service, DCAT.endpointURL, service))
    g.append(
        (service, DCTERMS.conformsTo, ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/"))
    )
    g.append((service, DCAT.servesDataset, d))
    g.append((service, DCTERMS.license, LICENSE))
    return unique_triples(g)


def unique_triples(rows: list[tuple]) -> list[ox.Triple]:
    """The (subject, predicate, object) rows as triples, each once: a description is a set."""
    return list(dict.fromkeys(ox.Triple(*row) for row in rows))


DESCRIPTION_PREFIXES = {
    "cr": str(CR),
    "owl": str(OWL),
    "rdf": str(RDF),
    "xsd": str(XSD),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "foaf": str(FOAF),
    "prov": str(PROV),
    "spdx": str(SPDX),
    "void": str(VOID),
}


def canonical_description(triples: list[ox.Triple]) -> list[ox.Triple]:
    """A description (VoID, DCAT, a SPARQL service's) in canonical form, led by what it describes:
    the first triple's subject."""
    first = triples[0].subject if triples else None
    return canonical(triples, first if isinstance(first, ox.NamedNode) else None)


def description_turtle(triples: list[ox.Triple]) -> bytes:
    """VoID or DCAT triples as Turtle, with the prefixes of the vocabularies they use."""
    triples = canonical_description(triples)
    iris = {
        term.value
        for t in triples
        for term in (t.subject, t.predicate, t.object, getattr(t.object, "datatype", None))
        if isinstance(term, ox.NamedNode)
    }
    used = {p: ns for p, ns in DESCRIPTION_PREFIXES.items() if any(i.startswith(ns) for i in iris)}
    return graph.rdf_bytes(triples, ox.RdfFormat.TURTLE, used)
