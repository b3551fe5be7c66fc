"""Every feature speaks for one criterion, and every concept it cites is in the ontology."""

from __future__ import annotations

import pyoxigraph as ox

from cityrdf.opportunities.criteria import CRITERIA, concept_iris
from cityrdf.opportunities.features import FEATURES
from cityrdf.project import current_project
from cityrdf.rdf.graph import load_store
from cityrdf.rdf.namespaces import SKOS


def test_each_feature_belongs_to_exactly_one_criterion():
    owners = [c.slug for f in FEATURES for c in CRITERIA if f in c.features]
    assert len(owners) == len(FEATURES)
    assert {f for c in CRITERIA for f in c.features} == set(FEATURES)


def test_every_cited_concept_has_english_and_persian_labels_in_the_ontology():
    ontology = current_project().ontology_dir
    theory = load_store([ontology / "theory.ttl", ontology / "theory-prose.ttl"], entail=False)
    for iri in concept_iris():
        labels = theory.quads_for_pattern(ox.NamedNode(iri), SKOS.prefLabel, None)
        languages = {q.object.language for q in labels}
        assert {"en", "fa"} <= languages, iri
