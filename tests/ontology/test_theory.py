"""ontology/theory.ttl: the paper's theory as SKOS schemes, in the paper's order, each concept traced."""

import pytest
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import PROV, SKOS

from tests.ontology.conftest import CR, CRID

POSITIVE_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#positiveInteger")
# The schemes the paper numbers or enumerates, with the count it gives.
NUMBERED = {
    "soft-power-sources": 3,
    "soft-power-traits": 5,
    "formation-routes": 5,
    "success-conditions": 6,
    "capacities": 2,
    "tehran-advantages": 11,
    "tehran-recommendations": 7,
    "tourism-measures": 4,
}
UNNUMBERED = [
    "diplomacy-kinds",
    "soft-power-instruments",
    "partnership-kinds",
    "activity-areas",
    "benefits",
]
PAPER_PARTS = [
    "abstract",
    "introduction",
    "framework",
    "soft-power-sources",
    "soft-power-traits",
    "public-diplomacy-and-soft-power",
    "city-twinning",
    "table-partnerships-by-region",
    "table-partnerships-by-country",
    "formation",
    "benefits",
    "activities",
    "capacities",
    "capacity-cultural-diplomacy",
    "capacity-economic-political",
    "iran-sister-cities",
    "table-iran-sister-cities",
    "tehran-twinning",
    "table-tehran-foreign",
    "tehran-advantages",
    "tehran-recommendations",
    "conclusion",
    "references",
]


def concept(scheme: str, slug: str):
    return CRID[f"concept/{scheme}/{slug}"]


def members(graph, scheme: str):
    return sorted(graph.subjects(SKOS.inScheme, CRID[f"scheme/{scheme}"]))


def test_theory_holds_exactly_the_schemes_of_the_model(theory):
    schemes = {
        str(s).removeprefix(str(CRID) + "scheme/")
        for s in theory.subjects(RDF.type, SKOS.ConceptScheme)
    }
    assert schemes == set(NUMBERED) | set(UNNUMBERED)


@pytest.mark.parametrize("scheme, count", sorted(NUMBERED.items()))
def test_numbered_scheme_has_as_many_concepts_as_the_paper(theory, scheme, count):
    assert len(members(theory, scheme)) == count


@pytest.mark.parametrize("scheme", sorted(NUMBERED) + UNNUMBERED)
def test_positions_run_from_one_without_gaps(theory, scheme):
    positions = sorted(theory.value(c, CR.position).toPython() for c in members(theory, scheme))
    assert positions == list(range(1, len(positions) + 1))


def test_every_concept_has_one_label_per_language_a_position_and_a_paper_part(theory):
    parts = {CRID[f"work/zahrani-rajaei/part/{slug}"] for slug in PAPER_PARTS}
    problems = []
    for c in set(theory.subjects(RDF.type, SKOS.Concept)):
        labels = sorted(o.language for o in theory.objects(c, SKOS.prefLabel))
        position = theory.value(c, CR.position)
        derived = set(theory.objects(c, PROV.wasDerivedFrom))
        if labels != ["en", "fa"]:
            problems.append((c, "labels", labels))
        if not isinstance(position, Literal) or position.datatype != POSITIVE_INTEGER:
            problems.append((c, "position", position))
        if not derived or not derived <= parts:
            problems.append((c, "parts", derived - parts or "none"))
        if not str(c).startswith(str(CRID) + "concept/"):
            problems.append((c, "iri", None))
    assert problems == []


def test_top_concepts_and_has_top_concept_agree(theory):
    tops = set(theory.subject_objects(SKOS.topConceptOf))
    has = {(c, s) for s, c in theory.subject_objects(SKOS.hasTopConcept)}
    assert tops == has
    # every concept is either a top concept or hangs below one
    for c in theory.subjects(RDF.type, SKOS.Concept):
        assert theory.value(c, SKOS.topConceptOf) or theory.value(c, SKOS.broader), c


@pytest.mark.parametrize(
    "scheme, position, english, persian",
    [
        ("soft-power-sources", 1, "culture", "فرهنگ"),
        ("soft-power-sources", 3, "foreign policy", "سیاست خارجی"),
        ("soft-power-traits", 1, "traditionality", "سنتی بودن"),
        ("soft-power-traits", 5, "interdependence of soft and hard power", "وابستگی متقابل"),
        ("formation-routes", 5, "immigrant communities", "وجود مهاجران"),
        ("success-conditions", 6, "exchange of official delegations", "تبادل هیئت‌های رسمی"),
        ("tehran-advantages", 6, "being the capital", "پایتخت بودن"),
        ("tourism-measures", 3, "attaching tourism to diplomacy", "ضمیمه کردن گردشگری به دیپلماسی"),
        (
            "tehran-recommendations",
            7,
            (
                "attention to the public diplomacy of tourism, both an instrument and a driver of"
                " the development of public diplomacy, which can play an effective part"
            ),
            "توجه به دیپلماسی عمومی گردشگری هم به\u200cعنوان ابزار و هم عامل توسعهٔ دیپلماسی عمومی",
        ),
    ],
)
def test_spot_check_concepts_against_the_paper(theory, scheme, position, english, persian):
    [c] = [
        c for c in members(theory, scheme) if theory.value(c, CR.position).toPython() == position
    ]
    assert Literal(english, lang="en") in set(theory.objects(c, SKOS.prefLabel))
    assert Literal(persian, lang="fa") in set(theory.objects(c, SKOS.prefLabel))


def test_theory_links_to_the_model_where_the_paper_does(theory):
    public, city = concept("diplomacy-kinds", "public"), concept("diplomacy-kinds", "city")
    culture = concept("soft-power-sources", "culture")
    sister, friendship = (
        concept("partnership-kinds", "sister-city"),
        concept("partnership-kinds", "friendship-city"),
    )
    assert (public, CR.drawsOnSource, culture) in theory
    assert (concept("diplomacy-kinds", "cultural"), CR.drawsOnSource, culture) in theory
    assert (
        city,
        SKOS.broader,
        public,
    ) in theory  # abstract: city diplomacy is part of public diplomacy
    assert (city, CR.hasPrimeExample, sister) in theory
    assert (sister, RDFS.seeAlso, CR.TwinningAgreement) in theory
    assert (sister, SKOS.closeMatch, concept("agreement-status", "official")) in theory
    assert (friendship, SKOS.closeMatch, concept("agreement-status", "friendship")) in theory


def test_the_tourism_measures_are_the_sub_items_of_the_seventh_recommendation(theory):
    # The paper prints seven bullets of recommendations for Tehran; the seventh, on the public
    # diplomacy of tourism, goes on to the four numbered measures.
    [seventh] = [
        c
        for c in members(theory, "tehran-recommendations")
        if theory.value(c, CR.position).toPython() == 7
    ]
    for measure in members(theory, "tourism-measures"):
        assert (measure, SKOS.related, seventh) in theory
