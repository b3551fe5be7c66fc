"""Every feature speaks for one criterion, and every concept it cites is in the ontology."""

from __future__ import annotations

import rdflib
from rdflib.namespace import SKOS

from cityrdf.opportunities.criteria import CRITERIA, concept_iris
from cityrdf.opportunities.features import FEATURES
from cityrdf.project import current_project


def test_each_feature_belongs_to_exactly_one_criterion():
    owners = [c.slug for f in FEATURES for c in CRITERIA if f in c.features]
    assert len(owners) == len(FEATURES)
    assert {f for c in CRITERIA for f in c.features} == set(FEATURES)


def test_every_cited_concept_has_english_and_persian_labels_in_the_ontology():
    theory = rdflib.Graph().parse(current_project().ontology_dir / "theory.ttl")
    theory.parse(current_project().ontology_dir / "theory-prose.ttl")
    for iri in concept_iris():
        languages = {label.language for label in theory.objects(rdflib.URIRef(iri), SKOS.prefLabel)}
        assert {"en", "fa"} <= languages, iri
