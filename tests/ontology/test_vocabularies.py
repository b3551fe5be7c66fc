"""ontology/vocabularies.ttl: the controlled vocabularies the data points at (docs/model.md)."""

import re

import pytest
from rdflib import RDF
from rdflib.namespace import SKOS

from tests.ontology.conftest import CRID

SCHEMES = {
    "agreement-status": {
        "listed",
        "unofficial",
        "official",
        "friendship",
        "concluded",
        "memorandum-signed",
    },
    "titles": {
        "cultural-capital-of-the-islamic-world",
        "tourism-capital-of-the-islamic-world",
        "unesco-world-heritage-inscription",
        "unesco-historic-fabric-registration",
    },
    "value-qualifiers": {"more-than", "exactly"},
}


def slugs(graph, scheme: str) -> set[str]:
    prefix = f"{CRID}concept/{scheme}/"
    found = {str(c) for c in graph.subjects(SKOS.inScheme, CRID[f"scheme/{scheme}"])}
    assert all(c.startswith(prefix) for c in found), found
    return {c.removeprefix(prefix) for c in found}


@pytest.mark.parametrize("scheme, expected", sorted(SCHEMES.items()))
def test_scheme_holds_the_concepts_of_the_model(vocabularies, scheme, expected):
    assert slugs(vocabularies, scheme) == expected


def test_data_issues_are_exactly_those_the_model_lists(vocabularies, model_md):
    listed = model_md.split("## Flags", 1)[1].split("Issues:", 1)[1].split("\n\n", 1)[0]
    assert slugs(vocabularies, "data-issues") == set(re.findall(r"`([a-z-]+)`", listed))


def test_every_concept_has_labels_definition_and_a_place_in_its_scheme(vocabularies):
    problems = []
    for c in set(vocabularies.subjects(RDF.type, SKOS.Concept)):
        labels = sorted(o.language for o in vocabularies.objects(c, SKOS.prefLabel))
        definitions = {o.language for o in vocabularies.objects(c, SKOS.definition)}
        scheme = vocabularies.value(c, SKOS.inScheme)
        if labels != ["en", "fa"] or "en" not in definitions:
            problems.append((c, labels, definitions))
        if scheme is None or (scheme, SKOS.hasTopConcept, c) not in vocabularies:
            problems.append((c, "not a top concept of its scheme"))
    assert problems == []


def test_the_papers_word_for_unofficial_is_kept(vocabularies):
    unofficial = CRID["concept/agreement-status/unofficial"]
    assert "نارسمی" in {str(o) for o in vocabularies.objects(unofficial, SKOS.altLabel)}
