"""ontology/cityrdf.ttl: metadata, every term of docs/model.md, and the axioms the model asks for."""

import re

import pytest
import rdflib  # rdflib.XSD, not imported by name: pytest probes module globals and XSD warns
from rdflib import RDF, RDFS, BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, QB, SKOS

import cityrdf
from cityrdf.project import current_project
from cityrdf.rdf.namespaces import ONTOLOGY_IRI
from tests.ontology.conftest import CR, CRID, DBO, WDT

ONTOLOGY = URIRef(ONTOLOGY_IRI)
VANN = "http://purl.org/vocab/vann/"
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)


def cr_terms(graph):
    return sorted(
        {s for t in TERM_TYPES for s in graph.subjects(RDF.type, t) if str(s).startswith(str(CR))}
    )


def langs(graph, subject, predicate):
    return sorted(o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal))


def test_ontology_header_has_title_description_licence_and_version(core):
    assert langs(core, ONTOLOGY, DCTERMS.title) == ["en", "fa"]
    assert langs(core, ONTOLOGY, DCTERMS.description) == ["en", "fa"]
    assert core.value(ONTOLOGY, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert core.value(ONTOLOGY, DCTERMS.created) == Literal("2026-11-27", datatype=rdflib.XSD.date)
    modified = core.value(ONTOLOGY, DCTERMS.modified)
    assert modified is not None and modified.datatype == rdflib.XSD.date
    assert modified.toPython() >= core.value(ONTOLOGY, DCTERMS.created).toPython()
    assert core.value(ONTOLOGY, DCTERMS.creator) is not None
    assert core.value(ONTOLOGY, DCTERMS.bibliographicCitation) is not None
    assert core.value(ONTOLOGY, URIRef(VANN + "preferredNamespacePrefix")) == Literal("cr")
    assert core.value(ONTOLOGY, URIRef(VANN + "preferredNamespaceUri")) == Literal(str(CR))


def test_ontology_version_is_the_package_version(core):
    # One source for the version: pyproject.toml; the ontology must follow it.
    version = str(core.value(ONTOLOGY, OWL.versionInfo))
    assert version == cityrdf.__version__
    assert core.value(ONTOLOGY, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")


def test_every_cr_term_the_model_names_is_declared(core, model_md):
    named = {CR[name] for name in re.findall(r"\bcr:([A-Za-z][A-Za-z0-9]*)", model_md)}
    assert named, "docs/model.md names no cr: terms?"
    # the argument layer's terms are declared in their own vocabulary file
    argument = rdflib.Graph().parse(current_project().ontology_dir / "argument.ttl")
    assert sorted(named - set(cr_terms(core)) - set(cr_terms(argument))) == []


@pytest.mark.parametrize("predicate", [RDFS.label, SKOS.definition])
def test_every_cr_term_has_one_english_and_one_persian(core, predicate):
    wrong = {
        str(t): langs(core, t, predicate)
        for t in cr_terms(core)
        if langs(core, t, predicate) != ["en", "fa"]
    }
    assert wrong == {}


def test_no_cr_property_is_both_object_and_datatype_property(core):
    both = set(core.subjects(RDF.type, OWL.ObjectProperty)) & set(
        core.subjects(RDF.type, OWL.DatatypeProperty)
    )
    assert both == set()


def test_every_reused_term_used_in_an_axiom_is_declared(core):
    # OWL 2 DL needs every class and property typed; skip our own and the built-in vocabularies.
    builtin = (str(RDF), str(RDFS), str(OWL), str(rdflib.XSD))
    used = set()
    for s, p, o in core:
        used.add(p)
        if p in (RDFS.subClassOf, RDFS.domain, RDFS.range, OWL.onClass, RDF.first, RDF.type):
            used.add(o)
    used = {u for u in used if isinstance(u, URIRef) and not str(u).startswith(builtin)}
    declared = set(core.subjects(RDF.type, None))
    undeclared = sorted(str(u) for u in used - declared if not str(u).startswith(str(CRID)))
    assert undeclared == []


def test_twinned_with_is_symmetric_not_transitive_and_aligned(core):
    types = set(core.objects(CR.twinnedWith, RDF.type))
    assert OWL.SymmetricProperty in types
    assert OWL.TransitiveProperty not in types
    assert (core.value(CR.twinnedWith, RDFS.domain), core.value(CR.twinnedWith, RDFS.range)) == (
        CR.City,
        CR.City,
    )
    assert set(core.objects(CR.twinnedWith, SKOS.closeMatch)) == {WDT.P190, DBO.twinCity}
    assert (SKOS.closeMatch, RDF.type, OWL.AnnotationProperty) in core


def test_signing_date_ranges_over_a_day_a_month_or_a_year(core):
    union = core.value(CR.signingDate, RDFS.range)
    assert isinstance(union, BNode) and (union, RDF.type, RDFS.Datatype) in core
    assert set(Collection(core, core.value(union, OWL.unionOf))) == {
        rdflib.XSD.date,
        rdflib.XSD.gYearMonth,
        rdflib.XSD.gYear,
    }
    assert (CR.signingDate, RDF.type, OWL.DatatypeProperty) in core


def test_an_agreement_has_exactly_two_parties_that_are_cities(core):
    restrictions = [
        r
        for r in core.objects(CR.TwinningAgreement, RDFS.subClassOf)
        if (r, OWL.onProperty, CR.party) in core
    ]
    assert len(restrictions) == 1
    r = restrictions[0]
    assert core.value(r, OWL.qualifiedCardinality).toPython() == 2
    assert core.value(r, OWL.onClass) == CR.City


def test_places_agreements_organisations_and_people_are_pairwise_disjoint(core):
    groups = [
        set(Collection(core, core.value(d, OWL.members)))
        for d in core.subjects(RDF.type, OWL.AllDisjointClasses)
    ]
    expected = {
        CR.City,
        CR.Country,
        CR.WorldRegion,
        CR.AdministrativeRegion,
        ORG.Organization,
        CR.TwinningAgreement,
        FOAF.Person,
    }
    assert expected in groups


@pytest.mark.parametrize(
    "dsd, dimensions, measures",
    [
        ("partnerships-by-region", {CR.refRegion}, {CR.partnerships}),
        ("partnerships-by-country", {CR.refCountry}, {CR.partnerships}),
        ("claims", {CR.quantity, CR.claimedBy}, {CR.value}),
    ],
)
def test_data_structure_definitions_name_their_components(core, dsd, dimensions, measures):
    node = CRID[f"dsd/{dsd}"]
    assert (node, RDF.type, QB.DataStructureDefinition) in core
    components = list(core.objects(node, QB.component))
    found = {
        p: {core.value(c, p) for c in components} - {None}
        for p in (QB.dimension, QB.measure, QB.attribute)
    }
    assert found[QB.dimension] == dimensions
    assert found[QB.measure] == measures
    assert DCTERMS.source in found[QB.attribute]
    for prop, kind in [(d, QB.DimensionProperty) for d in dimensions] + [
        (m, QB.MeasureProperty) for m in measures
    ]:
        assert (prop, RDF.type, kind) in core


def test_every_cr_term_is_defined_by_the_ontology(core):
    # rdfs:isDefinedBy is how Protégé, Widoco and LOV tell a vocabulary's own terms from reused ones
    argument = rdflib.Graph().parse(current_project().ontology_dir / "argument.ttl")
    undefined = [
        str(t)
        for graph in (core, argument)
        for t in cr_terms(graph) + sorted(graph.subjects(RDF.type, OWL.AnnotationProperty))
        if str(t).startswith(str(CR)) and graph.value(t, RDFS.isDefinedBy) != ONTOLOGY
    ]
    assert undefined == []
