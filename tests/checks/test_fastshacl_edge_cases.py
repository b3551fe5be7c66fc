"""fastshacl beside pySHACL on data written to find where the two could read a constraint apart.

One case per kind of constraint the project's shapes use, each on the shapes of `shapes/` and the
shape fixtures' base graph: ill-formed literals, language tags in another case or with a region,
whitespace that is not a space, Persian text at the length limit (a ZWNJ and a diacritic are
characters), a literal where a node is expected. The two validation reports must be the same graph,
and each case must report what it was written to break.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib  # the reports as graphs, compared by rdflib.compare (blank nodes)
from rdflib.compare import isomorphic

from cityrdf.checks import fastshacl
from cityrdf.rdf.namespaces import SH
from tests import shacl_runs

PREFIXES = """
@prefix cr:   <https://w3id.org/cityrdf/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa:   <http://www.w3.org/ns/oa#> .
@base <https://w3id.org/cityrdf/id/> .
"""
PART = "<work/fixture-paper/part/sister-cities-of-iran>"
ZWNJ, KASRA = "\u200c", "\u0650"
# 80 characters of Persian: eleven «می‌شود » (7 each, with the ZWNJ) and three more
PERSIAN_80 = ("می" + ZWNJ + "شود ") * 11 + "شهر"
assert len(PERSIAN_80) == 80


def anchored(quote: str) -> str:
    return (
        f"<list/yazd/5> cr:textAnchor [ a oa:SpecificResource ; oa:hasSource {PART} ;"
        f' oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{quote}" ] ] .'
    )


# case -> (data added to the base graph, the (focus node, constraint) pairs it must break)
CASES = {
    "datatype": (
        # 1394.0 is not an xsd:integer, a tagged literal is not an xsd:string, xsd:int is not
        # xsd:integer, and 30 February is no xsd:date (inside the signing date's sh:or)
        (
            '<date/adv> a cr:SolarHijriDate ; cr:jalaliYear "1394.0"^^xsd:integer ;'
            ' cr:jalaliMonth "2"^^xsd:int ; cr:jalaliText "1394-02"@fa ;'
            ' cr:gregorianStart "2015-04-21"^^xsd:date ; cr:gregorianEnd "2015-05-21"^^xsd:date ;'
            " cr:dateOf <city/yazd> ."
            "<agreement/isfahan--yazd> a cr:TwinningAgreement ; cr:party <city/isfahan> , <city/yazd> ;"
            " cr:status <concept/agreement-status/listed> ; cr:attestedBy <list/yazd/5> ;"
            f' prov:wasDerivedFrom {PART} ; cr:signingDate "2015-02-30"^^xsd:date .'
        ),
        {("date/adv", "Datatype"), ("agreement/isfahan--yazd", "Or")},
    ),
    "count": (
        # the same country twice is one value; three labels are one too many
        (
            '<city/qom> a cr:City ; rdfs:label "Qom"@en , "قم"@fa , "Qom" ;'
            " cr:country <country/iran> , <country/iran> , <country/china> ."
        ),
        {("city/qom", "MaxCount")},
    ),
    "pattern": (
        # a no-break space and a unit separator are whitespace to one regex engine, not the other
        (
            '<city/qom> a cr:City ; rdfs:label "Qom\\u00A0City"@en , "قم\\u001Fشهر"@fa ;'
            " cr:country <country/iran> ."
        ),
        {("city/qom", "Pattern")},
    ),
    "languageIn": (
        # a region subtag is in the range "fa"; no tag is in no range
        '<list/yazd/5> cr:statedName "اصفهان"@fa-IR , "Esfahan" .',
        {("list/yazd/5", "LanguageIn")},
    ),
    "uniqueLang": (
        # tags differ only in case: the same language; fa and fa-IR are not
        (
            '<city/qom> a cr:City ; rdfs:label "Qom"@en , "Ghom"@EN ; cr:country <country/iran> .'
            '<city/kish> a cr:City ; rdfs:label "کیش"@fa , "جزیره کیش"@fa-IR , "Kish"@en ;'
            " cr:country <country/iran> ."
        ),
        {("city/qom", "UniqueLang")},
    ),
    "class": (
        # a city where a country belongs, and a country's name as a literal
        (
            '<city/qom> a cr:City ; rdfs:label "Qom"@en , "قم"@fa ; cr:country <city/yazd> .'
            '<city/kish> a cr:City ; rdfs:label "Kish"@en , "کیش"@fa ; cr:country "Iran" .'
        ),
        {("city/qom", "Class"), ("city/kish", "Class")},
    ),
    "in": (
        # an IRI in another case and the status's name as text are not in the list
        (
            "<agreement/isfahan--yazd> a cr:TwinningAgreement ; cr:party <city/isfahan> , <city/yazd> ;"
            " cr:status <concept/agreement-status/Listed> ; cr:attestedBy <list/yazd/5> ;"
            f" prov:wasDerivedFrom {PART} ."
            "<agreement/xian--yazd> a cr:TwinningAgreement ; cr:party <city/xian> , <city/yazd> ;"
            ' cr:status "listed" ; cr:attestedBy <list/yazd/5> ;'
            f" prov:wasDerivedFrom {PART} ."
        ),
        {("agreement/isfahan--yazd", "In"), ("agreement/xian--yazd", "In")},
    ),
    "node": (
        # a title outside the scheme of titles, and a title given as text
        (
            "<designation/yazd--adv> a cr:Designation ; cr:holder <city/yazd> ;"
            ' cr:title <concept/titles/unknown> , "Cultural capital"@en .'
        ),
        {("designation/yazd--adv", "Node")},
    ),
    "sparql": (
        # twinned with itself, and with a literal, neither by an agreement
        '<city/yazd> cr:twinnedWith <city/yazd> , "Isfahan" .',
        {("city/yazd", "SPARQL")},
    ),
    "maxLength": (
        # one diacritic (a kasra) more than 80 characters that count each ZWNJ
        anchored(PERSIAN_80[:-1] + KASRA + PERSIAN_80[-1]),
        {("list/yazd/5", "Node")},
    ),
}


def report_graph(results: list[fastshacl.ValidationResult]) -> rdflib.Graph:
    """The results as an sh:ValidationReport's results (messages left out: free text)."""
    store = ox.Store()
    for r in results:
        result = ox.BlankNode()
        store.add(ox.Quad(result, ox.NamedNode(str(SH) + "type"), SH.ValidationResult))
        for predicate, value in [
            (SH.focusNode, r.focus_node),
            (SH.resultPath, r.result_path),
            (SH.value, r.value),
            (SH.sourceConstraintComponent, r.component),
            (SH.sourceShape, r.source_shape),
            (SH.resultSeverity, r.severity),
        ]:
            if value is not None:
                store.add(ox.Quad(result, predicate, value))
    return rdflib.Graph().parse(
        data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt"
    )


def broken(results: list[fastshacl.ValidationResult]) -> set[tuple[str, str]]:
    base = "https://w3id.org/cityrdf/id/"
    return {
        (
            "_:"
            if isinstance(r.focus_node, ox.BlankNode)
            else r.focus_node.value.removeprefix(base),
            r.component.value.removeprefix(str(SH)).removesuffix("ConstraintComponent"),
        )
        for r in results
    }


@pytest.mark.parametrize("case", CASES)
def test_edge_case_reports_the_same_graph_as_pyshacl(case):
    data, expected = CASES[case]
    store = shacl_runs.fixture_store(None, entail=True)
    store.load((PREFIXES + data).encode(), format=ox.RdfFormat.TURTLE)
    shapes = shacl_runs.shapes()
    fast = fastshacl.validate(store, shapes)
    reference = fastshacl.pyshacl_results(store, shapes)
    assert expected <= broken(reference), sorted(broken(reference))
    assert isomorphic(report_graph(fast), report_graph(reference)), sorted(
        broken(fast) ^ broken(reference)
    )


@pytest.mark.parametrize(
    "quote, too_long",
    [
        (PERSIAN_80, False),
        (PERSIAN_80[:-1] + KASRA + PERSIAN_80[-1], True),
        (PERSIAN_80 + "ی", True),
        (PERSIAN_80[:-1] + "\U0001ee00", False),  # outside the BMP: still one character
    ],
    ids=["80", "80-and-a-diacritic", "81", "80-with-a-supplementary-character"],
)
def test_persian_quote_length_counts_characters_alike_in_both_engines(quote, too_long):
    """sh:maxLength 80 on oa:exact, through sh:node on the anchor: ZWNJs and diacritics count."""
    assert len(quote) == 81 if too_long else len(quote) == 80
    store = shacl_runs.fixture_store(None, entail=True)
    store.load((PREFIXES + anchored(quote)).encode(), format=ox.RdfFormat.TURTLE)
    shapes = shacl_runs.shapes()
    fast = fastshacl.validate(store, shapes)
    assert isomorphic(report_graph(fast), report_graph(fastshacl.pyshacl_results(store, shapes)))
    assert (("list/yazd/5", "Node") in broken(fast)) is too_long


def test_an_ill_formed_date_is_not_compared_by_its_text():
    """The one difference left, and pySHACL's: SHACL's sh:lessThanOrEquals reports a pair of values
    that cannot be compared (section 4.5.4); pySHACL compares an ill-formed xsd:date by its text,
    fastshacl by SPARQL's <=, which cannot compare it. Both report the ill-formed date itself."""
    store = shacl_runs.fixture_store(None, entail=True)
    data = (
        '<date/adv> a cr:SolarHijriDate ; cr:jalaliYear 1393 ; cr:jalaliText "1393" ;'
        ' cr:gregorianStart "2015-02-30"^^xsd:date ; cr:gregorianEnd "2015-03-20"^^xsd:date ;'
        " cr:dateOf <city/yazd> ."
    )
    store.load((PREFIXES + data).encode(), format=ox.RdfFormat.TURTLE)
    shapes = shacl_runs.shapes()
    fast = broken(fastshacl.validate(store, shapes))
    reference = broken(fastshacl.pyshacl_results(store, shapes))
    assert ("date/adv", "Datatype") in fast & reference
    assert fast - reference == {("date/adv", "LessThanOrEquals")}
    assert reference - fast == set()
