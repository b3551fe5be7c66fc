"""`cityrdf stats`: how many cities, agreements, claims … the project graph holds, counted with SPARQL."""

from __future__ import annotations

import json

import pyoxigraph as ox

from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import sparql_prologue
from cityrdf.sparql.results import select

# What each count counts: a graph pattern binding ?x (docs/model.md names the classes).
COUNTED = {
    "cities": "?x a cr:City",
    "countries": "?x a cr:Country",
    "agreements": "?x a cr:TwinningAgreement",
    "memberships": "?x a org:Membership",
    # the paper's claims (findings, propositions, recommendations, conclusions: data/claims.ttl)
    "claims": "?x a mp:Claim",
    # the numbers the text states (cr:Claim ⊑ qb:Observation) and the cells of its two tables
    "figures": "?x a cr:Claim",
    "table-cells": "?x a qb:Observation FILTER NOT EXISTS { ?x a cr:Claim }",
    "concepts": "?x a skos:Concept",
    "works": """?x a ?type .
        VALUES ?type { fabio:ResearchPaper bibo:Book bibo:Thesis bibo:AcademicArticle
                       bibo:Webpage bibo:Article bibo:Document }""",
}


def count(store: ox.Store) -> dict[str, int]:
    counts = {name: _count_distinct(store, pattern) for name, pattern in COUNTED.items()}
    counts["triples"] = len(store)
    return counts


def _count_distinct(store: ox.Store, pattern: str) -> int:
    query = f"{sparql_prologue()}SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}"
    return int(next(iter(select(store, query)))["n"].value)


def stats() -> dict[str, int]:
    """Counts over the project graph, with the build's entailments (as in dist/)."""
    return count(graph.load_store())


def render(counts: dict[str, int], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(counts, indent=2)
    width = max(map(len, counts))
    return "\n".join(f"{name:<{width}}  {n:>7}" for name, n in counts.items())
