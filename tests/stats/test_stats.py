"""`cityrdf stats`: the counts are SPARQL over the project graph, with the build's entailments."""

import json

from cityrdf import stats
from cityrdf.rdf import graph

NUMBERS = """
@prefix cr: <https://w3id.org/cityrdf/ontology#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix fabio: <http://purl.org/spar/fabio/> .
@prefix bibo: <http://purl.org/ontology/bibo/> .
@prefix claim: <https://w3id.org/cityrdf/id/claim/> .
@prefix observation: <https://w3id.org/cityrdf/id/observation/partnerships-by-region/> .
@prefix concept: <https://w3id.org/cityrdf/id/concept/> .
@prefix work: <https://w3id.org/cityrdf/id/work/> .
@prefix membership: <https://w3id.org/cityrdf/id/membership/> .

claim:relations-worldwide a cr:Claim, qb:Observation .
claim:iranian-pacts a cr:Claim .
concept:findings\\/capacity a <http://purl.org/mp/Claim>, skos:Concept .
observation:europe a qb:Observation .
concept:soft-power-sources\\/culture a skos:Concept .
work:zahrani-rajaei a fabio:ResearchPaper .
work:nye-2004 a bibo:Book .
work:zahrani-rajaei\\/part\\/intro a cr:PaperPart .
membership:tehran--metropolis a org:Membership .
"""


def test_counts_on_the_tiny_project(tiny_project):
    (tiny_project / "data" / "numbers.ttl").write_text(NUMBERS)
    counts = stats.stats()
    assert counts == {
        "cities": 3,
        "countries": 2,
        "agreements": 2,
        "memberships": 1,
        "claims": 1,  # the paper's claims (mp:Claim), not its numbers
        "figures": 2,  # two cr:Claim, one also typed qb:Observation
        "table-cells": 1,  # a table observation that is not a figure of the text
        "concepts": 2,
        "works": 2,  # paper parts are not works
        "triples": len(graph.load_store()),
    }


def test_triples_include_the_derived_twinned_with_shortcut(tiny_project):
    assert stats.stats()["triples"] == len(graph.load_store(entail=False)) + 4


def test_cli_json_matches_the_module(tiny_project, run_cityrdf_here):
    result = run_cityrdf_here("stats", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == stats.stats()


def test_cli_table_has_one_row_per_count(tiny_project, run_cityrdf_here):
    result = run_cityrdf_here("stats")
    assert result.returncode == 0, result.stderr
    rows = dict(line.split() for line in result.stdout.strip().splitlines())
    assert rows["cities"] == "3" and rows["agreements"] == "2"
