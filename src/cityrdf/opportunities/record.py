"""Suggestions as RDF: `world/suggestions.nq`, graph …/graph/suggestions, each suggestion
`prov:wasGeneratedBy` an activity that records the model, its parameters, its criterion weights and
the world files (with their SHA-256) it read. A new run for a city replaces that city's suggestions.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from cityrdf.fs import atomic
from cityrdf.opportunities.criteria import CRITERIA, UNMEASURED
from cityrdf.opportunities.store import SUGGESTIONS_GRAPH
from cityrdf.opportunities.suggest import Suggestion
from cityrdf.rdf import iris
from cityrdf.rdf.namespaces import CR, CRID, GEO, PROV, RDF, RDFS, SKOS, XSD, sparql_prologue
from cityrdf.text import city_slug

# World-layer cities (not the paper's, whose labels the project graph holds) get their names here
WORLD_NODES = (f"{CRID}city/wd/", f"{CRID}city/world/")
CANDIDATE_LABEL = RDFS.label
CRITERION_SCHEME = f"{CRID}scheme/opportunity-criteria"


def criterion_iri(slug: str) -> str:
    return f"{CRID}concept/opportunity-criteria/{slug}"


def write(
    path: Path,
    city: str,
    suggestions: list[Suggestion],
    model: dict[str, object],
    weights: dict[str, float],
    inputs: dict[str, str],
) -> str:
    """Write (or replace) `city`'s suggestions in `path`; returns the activity's IRI."""
    return write_all(path, {city: suggestions}, model, weights, inputs, city_slug(city))


def write_all(
    path: Path,
    found: dict[str, list[Suggestion]],
    model: dict[str, object],
    weights: dict[str, float],
    inputs: dict[str, str],
    name: str,
) -> str:
    """Write (or replace) the suggestions of every city of `found` in `path`, made by one activity
    named `name`; `model` is the fitted ranker's parameters. Returns the activity's IRI."""
    graph = ox.NamedNode(SUGGESTIONS_GRAPH)
    store = ox.Store()
    if path.is_file():
        store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    for city in found:
        _forget(store, city)
    now = datetime.now(UTC).replace(microsecond=0)
    activity = f"{CRID}activity/opportunities/{name}-{now:%Y%m%dT%H%M%SZ}"
    quads = []

    def add(
        s: str | ox.BlankNode,
        p: ox.NamedNode,
        o: ox.NamedNode | ox.Literal | ox.BlankNode | str,
    ) -> None:
        subject = s if isinstance(s, ox.BlankNode) else ox.NamedNode(s)
        obj = ox.NamedNode(o) if isinstance(o, str) else o
        quads.append(ox.Quad(subject, p, obj, graph))

    def literal(value: object, datatype: str) -> ox.Literal:
        return ox.Literal(str(value), datatype=XSD[datatype])

    add(activity, RDF.type, PROV.Activity)
    add(
        activity,
        RDFS.label,
        ox.Literal(f"cityrdf opportunities for {name}", language="en"),
    )
    add(activity, PROV.startedAtTime, literal(now.isoformat(), "dateTime"))
    parameters = {**model, "inputs": inputs}
    add(activity, CR.modelParameters, ox.Literal(json.dumps(parameters, sort_keys=True)))
    for file in sorted(inputs):  # world/{source}.nq holds the dataset crid:dataset/world/{source}
        add(activity, PROV.used, f"{CRID}dataset/world/{Path(file).stem}")
    for slug, weight in sorted(weights.items()):
        node = ox.BlankNode()
        add(activity, CR.criterionWeight, node)
        add(node, RDF.type, CR.CriterionWeight)
        add(node, CR.restsOn, criterion_iri(slug))
        add(node, CR.weight, literal(f"{weight:.4f}", "decimal"))
    for concept, reason in UNMEASURED:
        add(activity, SKOS.editorialNote, ox.Literal(f"not measured: {reason}", language="en"))
        if concept:
            add(activity, SKOS.related, concept)
    for criterion in CRITERIA:
        iri = criterion_iri(criterion.slug)
        add(iri, RDF.type, SKOS.Concept)
        add(iri, SKOS.inScheme, CRITERION_SCHEME)
        add(iri, SKOS.prefLabel, ox.Literal(criterion.label_en, language="en"))
        add(iri, SKOS.prefLabel, ox.Literal(criterion.label_fa, language="fa"))
        for concept in criterion.concepts:
            add(iri, SKOS.related, concept)
    add(CRITERION_SCHEME, RDF.type, SKOS.ConceptScheme)
    for city, suggestions in found.items():
        add_suggestions(add, literal, activity, city, suggestions)
    store.extend(quads)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic.replacing(path) as temporary:
        store.dump(str(temporary), ox.RdfFormat.N_QUADS)
    return activity


def add_suggestions(add, literal, activity: str, city: str, suggestions: list[Suggestion]) -> None:
    for s in suggestions:
        iri = iris.suggestion(city, s.candidate)
        add(iri, RDF.type, CR.PartnerSuggestion)
        add(iri, CR.suggestedFor, city)
        add(iri, CR.candidate, s.candidate)
        add(iri, CR.rank, literal(s.rank, "positiveInteger"))
        add(iri, CR.score, literal(f"{s.probability:.6f}", "decimal"))
        for criterion in s.criteria:
            add(iri, CR.restsOn, criterion_iri(criterion.slug))
        for criterion, fact in zip(s.criteria, s.evidence, strict=True):  # explain pairs them
            node = ox.BlankNode()
            add(iri, CR.explainedBy, node)
            add(node, RDF.type, CR.CriterionEvidence)
            add(node, CR.restsOn, criterion_iri(criterion.slug))
            add(node, CR.evidence, ox.Literal(fact, language="en"))
        for flag in s.flags:  # what to check before acting on it (duplicate, hub, one partner)
            add(iri, SKOS.editorialNote, ox.Literal(flag, language="en"))
        add(iri, PROV.wasGeneratedBy, activity)
        if (
            s.lat is not None and s.lon is not None
        ):  # the candidate's world-layer position, for maps
            add(s.candidate, GEO.lat, literal(f"{s.lat:.5f}", "decimal"))
            add(s.candidate, GEO.long, literal(f"{s.lon:.5f}", "decimal"))
        if s.candidate.startswith(WORLD_NODES):  # its names, for pages that hold no world layer
            for text, lang in ((s.label, s.label_language), (s.label_fa, "fa")):
                if text and lang:
                    add(s.candidate, CANDIDATE_LABEL, ox.Literal(text, language=lang))


def _forget(store: ox.Store, city: str) -> None:
    """Remove the city's earlier suggestions and the activities nothing points to any more."""
    store.update(
        sparql_prologue()
        + f"""
        DELETE {{ GRAPH ?g {{ ?e ?p ?o }} }} WHERE {{ GRAPH ?g {{
          ?s cr:suggestedFor <{city}> ; cr:explainedBy ?e . ?e ?p ?o }} }};
        DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s cr:suggestedFor <{city}> ; ?p ?o }} }};
        DELETE {{ GRAPH ?g {{ ?c geo:lat ?lat ; geo:long ?long }} }} WHERE {{ GRAPH ?g {{
          ?c geo:lat ?lat ; geo:long ?long FILTER NOT EXISTS {{ ?s cr:candidate ?c }} }} }};
        DELETE {{ GRAPH ?g {{ ?c {CANDIDATE_LABEL} ?name }} }} WHERE {{ GRAPH ?g {{
          ?c {CANDIDATE_LABEL} ?name FILTER NOT EXISTS {{ ?s cr:candidate ?c }} }} }};
        DELETE {{ GRAPH ?g {{ ?w ?p ?o }} }} WHERE {{ GRAPH ?g {{
          ?a a prov:Activity ; cr:criterionWeight ?w . ?w ?p ?o
          FILTER NOT EXISTS {{ ?s prov:wasGeneratedBy ?a }} }} }};
        DELETE {{ GRAPH ?g {{ ?a ?p ?o }} }} WHERE {{ GRAPH ?g {{
          ?a a prov:Activity ; ?p ?o FILTER NOT EXISTS {{ ?s prov:wasGeneratedBy ?a }} }} }}
        """
    )
