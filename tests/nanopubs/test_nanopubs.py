"""`cityrdf export nanopubs`: one nanopublication per claim and pact, whose four graphs hold what
they should and whose Trusty URI two independent implementations verify, offline."""

from __future__ import annotations

import re
from pathlib import Path

import nanopub_sign
import pyoxigraph as ox
import pytest
import rdflib  # the nanopub library reads nanopublications as rdflib graphs
from nanopub.trustyuri.rdf import RdfHasher
from rdflib.compare import isomorphic

from cityrdf import cli, nanopubs
from cityrdf.errors import BadInput
from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import sparql_prologue

FIXTURE = Path(__file__).parent / "fixtures" / "claims.ttl"
CRID = "https://w3id.org/cityrdf/id/"
NP = rdflib.Namespace("http://www.nanopub.org/nschema#")
CREATED = "2026-12-07T09:00:00Z"
PREFIXES = """
@prefix cr: <https://w3id.org/cityrdf/ontology#> .
@prefix crid: <https://w3id.org/cityrdf/id/> .
@prefix mp: <http://purl.org/mp/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix cito: <http://purl.org/spar/cito/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


@pytest.fixture(scope="module")
def fixture_store() -> ox.Store:
    return graph.load_store([FIXTURE], entail=False)


@pytest.fixture(scope="module")
def written(fixture_store, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("nanopubs")
    for name, data in nanopubs.files(nanopubs.build_all(fixture_store, CREATED)).items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return out


def four_graphs(path: Path) -> tuple[str, dict[str, rdflib.Graph]]:
    """The nanopub IRI of a TriG file and its head, assertion, provenance and pubinfo as graphs,
    found through the head as the nanopub schema says (rdflib's reading)."""
    dataset = rdflib.Dataset()
    dataset.parse(path, format="trig")
    heads = [g for g in dataset.graphs() if (None, rdflib.RDF.type, NP.Nanopublication) in g]
    assert len(heads) == 1
    head = heads[0]
    np_iri = head.value(None, rdflib.RDF.type, NP.Nanopublication)
    graphs = {"head": head}
    for name, link in (
        ("assertion", NP.hasAssertion),
        ("provenance", NP.hasProvenance),
        ("pubinfo", NP.hasPublicationInfo),
    ):
        graphs[name] = dataset.graph(head.value(np_iri, link))
        assert len(graphs[name]) > 0, name
    named = {g.identifier for g in dataset.graphs() if len(g)}
    assert named == {g.identifier for g in graphs.values()}  # four graphs, no others
    return str(np_iri), graphs


def library_trusty_check(path: Path) -> bool:
    """The `nanopub` library's hash of the file, with the file's own code read as the artefact."""
    # the library hashes literals as written: it turns rdflib's normalisation off when imported,
    # which a test run may have turned on again since (pySHACL does)
    normalize, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:
        dataset = rdflib.Dataset()
        dataset.parse(path, format="trig")
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
    quads = [(g, s, p, o) for s, p, o, g in dataset.quads((None, None, None, None)) if g]
    head = next(s for g, s, p, o in quads if o == NP.Nanopublication)
    code = re.search(r"\.(RA[A-Za-z0-9_-]{43})$", str(head)).group(1)
    return RdfHasher.make_hash(quads, hashstr=code) == code


def rust_trusty_check(trig: str) -> bool:
    """The Rust nanopub toolkit's check (its own parser and hasher; it raises on a wrong hash)."""
    info = nanopub_sign.Nanopub(trig).check().info()
    return bool(info["trusty_hash"]) and info["uri"]["value"].endswith("." + info["trusty_hash"])


def subtract_skolem(graph: rdflib.Graph, np_iri: str) -> rdflib.Graph:
    """The graph with the nanopub's own `…/_N` IRIs (skolemised blank nodes) as blank nodes again,
    so it compares with a graph written with blank nodes."""
    names: dict = {}

    def back(term):
        if isinstance(term, rdflib.URIRef) and re.fullmatch(re.escape(np_iri) + r"/_\d+", term):
            return names.setdefault(term, rdflib.BNode())
        return term

    found = rdflib.Graph()
    for s, p, o in graph:
        found.add((back(s), p, back(o)))
    return found


def expected(turtle: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=PREFIXES + turtle, format="turtle")


def test_each_claim_and_each_pact_gets_one_nanopub_and_nothing_else_does(written):
    files = sorted(str(p.relative_to(written)) for p in written.rglob("*.trig"))
    assert files == [
        "agreement/isfahan--yazd.trig",
        "cityrdf-nanopubs.trig",
        "concept/findings/capacity.trig",
        "concept/propositions/soft-power.trig",
        "concept/tehran-recommendations/museums.trig",
    ]


def test_each_file_reads_back_as_the_quads_that_were_built_in_both_libraries(
    fixture_store, written
):
    for built in nanopubs.build_all(fixture_store, CREATED):
        path = written / f"{built.path}.trig"
        assert set(ox.parse(path=str(path), format=ox.RdfFormat.TRIG)) == set(built.quads)
        as_built = rdflib.Dataset().parse(
            data=ox.serialize(built.quads, format=ox.RdfFormat.N_QUADS), format="nquads"
        )
        as_read = rdflib.Dataset().parse(path, format="trig")
        assert set(as_read.quads()) == set(as_built.quads())


def test_every_file_parses_as_four_graphs_in_both_libraries_and_its_trusty_uri_verifies(written):
    for path in written.rglob("*.trig"):
        if path.name == nanopubs.DUMP_NAME:
            continue
        np_iri, graphs = four_graphs(path)
        relative = str(path.relative_to(written))[: -len(".trig")]
        assert re.fullmatch(
            re.escape(f"https://w3id.org/cityrdf/np/{relative}.") + "RA[A-Za-z0-9_-]{43}", np_iri
        )
        oxigraph_graphs = {q.graph_name for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG)}
        assert {g.value for g in oxigraph_graphs} == {str(g.identifier) for g in graphs.values()}
        assert library_trusty_check(path)
        assert nanopubs.verify(path.read_bytes()) == np_iri
        assert rust_trusty_check(path.read_text(encoding="utf-8"))


def test_a_changed_quote_no_longer_matches_its_trusty_uri(written, tmp_path):
    original = (written / "concept/findings/capacity.trig").read_text(encoding="utf-8")
    tampered = original.replace("ایفای نقش", "ایفای سهم")
    assert tampered != original
    path = tmp_path / "tampered.trig"
    path.write_text(tampered, encoding="utf-8")
    assert not library_trusty_check(path)
    with pytest.raises(BadInput, match="does not hash to its Trusty URI"):
        nanopubs.verify(tampered)
    with pytest.raises(Exception, match="hash of the nanopublication is different"):
        nanopub_sign.Nanopub(tampered).check()


def test_a_triple_outside_the_four_graphs_is_refused_with_a_reason(written):
    original = (written / "concept/findings/capacity.trig").read_text(encoding="utf-8")
    added = (
        original + '\n<https://example.org/s> <https://example.org/p> "in the default graph" .\n'
    )
    with pytest.raises(BadInput, match="no default-graph quad"):
        nanopubs.verify(added)


def test_assertion_holds_the_claims_own_triples_and_its_support_and_nothing_foreign(written):
    np_iri, graphs = four_graphs(written / "concept/findings/capacity.trig")
    assert isomorphic(
        subtract_skolem(graphs["assertion"], np_iri),
        expected("""
        crid:concept\\/findings\\/capacity a skos:Concept , mp:Claim ;
            skos:inScheme crid:scheme\\/findings ;
            skos:prefLabel "twinning gives cities capacity"@en , "خواهرخواندگی به شهرها ظرفیت می‌دهد"@fa ;
            cr:position 1 .  # Oxigraph's store keeps xsd:positiveInteger as xsd:integer
        crid:concept\\/propositions\\/soft-power mp:supports crid:concept\\/findings\\/capacity .
        crid:support\\/soft-power--capacity a mp:Statement ;
            rdfs:label "soft power supports capacity"@en ;
            cr:supportedBy crid:concept\\/propositions\\/soft-power ;
            cr:supports crid:concept\\/findings\\/capacity .
        crid:argument\\/capacity--answers--question a cr:ArgumentLink ;
            cr:linkFrom crid:concept\\/findings\\/capacity ;
            cr:linkTo crid:concept\\/research-design\\/question ;
            cr:textAnchor [ a oa:SpecificResource ;
                oa:hasSource crid:work\\/zahrani-rajaei\\/part\\/abstract ;
                oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "نتایج پژوهش نشان می‌دهد" ] ] .
        """),
    )
    _, pact = four_graphs(written / "agreement/isfahan--yazd.trig")
    objects = {str(o) for o in pact["assertion"].objects()}
    assert "http://example.org/elsewhere" not in objects  # not an IRI the paper graph defines
    assert f"{CRID}city/isfahan" in objects and f"{CRID}city/yazd" in objects
    assert not any("wikidata" in str(term) for quad in pact["assertion"] for term in quad)


def test_provenance_names_the_paper_its_authors_the_part_and_carries_the_quotes(written):
    np_iri, graphs = four_graphs(written / "agreement/isfahan--yazd.trig")
    assertion = graphs["assertion"].identifier.n3()
    assert isomorphic(
        subtract_skolem(graphs["provenance"], np_iri),
        expected(f"""
        {assertion} prov:wasDerivedFrom crid:work\\/zahrani-rajaei\\/part\\/table ;
            prov:hadPrimarySource crid:work\\/zahrani-rajaei ;
            prov:wasAttributedTo crid:person\\/mostafa-zahrani , crid:person\\/alireza-rajaei ;
            cr:textAnchor
              [ a oa:SpecificResource ; oa:hasSource crid:work\\/zahrani-rajaei\\/part\\/table ;
                oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "اصفهان، ایران" ] ] ,
              [ a oa:SpecificResource ; oa:hasSource crid:work\\/zahrani-rajaei\\/part\\/table ;
                oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "یزد، ایران" ] ] .
        """),
    )


def test_pubinfo_gives_creator_licence_date_subject_and_the_software(written):
    np_iri, graphs = four_graphs(written / "concept/propositions/soft-power.trig")
    this = rdflib.URIRef(np_iri)
    software = rdflib.URIRef(np_iri + "/software")
    from cityrdf import __version__

    assert isomorphic(
        graphs["pubinfo"],
        expected(f"""
        <{this}> dcterms:created "{CREATED}"^^xsd:dateTime ;
            dcterms:creator <https://w3id.org/cityrdf/catalog.ttl#publisher> ;
            dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
            dcterms:subject crid:concept\\/propositions\\/soft-power ;
            prov:wasAttributedTo <{software}> .
        <{software}> a prov:SoftwareAgent ; rdfs:label "cityrdf {__version__}" .
        """),
    )


def test_the_dump_holds_every_nanopub_and_nothing_more(written):
    dump = rdflib.Dataset().parse(written / nanopubs.DUMP_NAME, format="trig")
    parts = rdflib.Dataset()
    for path in written.rglob("*.trig"):
        if path.name != nanopubs.DUMP_NAME:
            parts.parse(path, format="trig")
    assert set(dump.quads()) == set(parts.quads())
    heads = {s for s, *_ in dump.quads((None, rdflib.RDF.type, NP.Nanopublication, None))}
    assert len(heads) == 4


def test_same_graph_and_date_give_the_same_bytes_and_another_date_another_iri(fixture_store):
    first = nanopubs.files(nanopubs.build_all(fixture_store, CREATED))
    again = nanopubs.files(nanopubs.build_all(graph.load_store([FIXTURE], entail=False), CREATED))
    assert first == again
    later = nanopubs.build_all(fixture_store, "2026-12-08T09:00:00Z")
    assert {np.iri for np in later}.isdisjoint(
        {np.iri for np in nanopubs.build_all(fixture_store, CREATED)}
    )


def test_a_claim_keeps_its_trusty_iri_across_loads_of_the_project(project_store):
    """The project's claims carry anchors that quote the same words (a claim's and a tie's to
    it), which only their context tells apart: each load names them afresh, the IRIs stay."""
    first = nanopubs.build_all(project_store, CREATED)
    again = nanopubs.build_all(graph.load_store(), CREATED)
    assert [np.iri for np in first] == [np.iri for np in again]
    assert [np.trig() for np in first] == [np.trig() for np in again]
    for np in first:
        assert nanopubs.verify(np.trig()) == np.iri


def test_creation_time_comes_from_the_option_then_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")
    assert nanopubs.creation_time() == "2026-12-01T00:00:00Z"
    assert nanopubs.creation_time("2026-12-07T12:30:00+03:30") == "2026-12-07T09:00:00Z"
    with pytest.raises(BadInput, match="time zone"):
        nanopubs.creation_time("2026-12-07T09:00:00")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "last tuesday")
    with pytest.raises(BadInput, match="SOURCE_DATE_EPOCH"):
        nanopubs.creation_time()


def test_export_of_the_project_writes_one_verified_nanopub_per_claim_and_pact(tmp_path, capsys):
    out = tmp_path / "np"
    with pytest.raises(SystemExit) as exit_:
        cli.main(["export", "nanopubs", "--out", str(out), "--created", CREATED])
    assert exit_.value.code in (0, None)
    store = graph.load_store()
    counted = store.query(
        sparql_prologue()
        + """SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
          { ?c a <http://purl.org/mp/Claim> } UNION { ?c a cr:TwinningAgreement }
          UNION { ?c skos:inScheme ?s
                  FILTER(?s IN (crid:scheme\\/findings, crid:scheme\\/propositions,
                                crid:scheme\\/tehran-recommendations)) } }"""
    )
    claims_and_pacts = int(next(iter(counted))["n"].value)
    files = [p for p in out.rglob("*.trig") if p.name != nanopubs.DUMP_NAME]
    assert claims_and_pacts > 0 and len(files) == claims_and_pacts
    assert f"{claims_and_pacts} nanopublications" in capsys.readouterr().out
    for path in files:
        four_graphs(path)
        assert library_trusty_check(path), path
        assert rust_trusty_check(path.read_text(encoding="utf-8")), path


def test_a_bad_date_or_a_foreign_folder_is_one_line_and_exit_2(run_cityrdf, tmp_path):
    result = run_cityrdf("export", "nanopubs", "--out", tmp_path / "np", "--created", "yesterday")
    assert result.returncode == 2 and not (tmp_path / "np").exists()
    assert result.stderr.strip().count("\n") == 0 and "--created 'yesterday'" in result.stderr
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "keep.txt").write_text("mine")
    result = run_cityrdf("export", "nanopubs", "--out", tmp_path / "notes")
    assert result.returncode == 2 and "not an earlier nanopub export" in result.stderr
    assert (tmp_path / "notes" / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes"]  # no staging folder left


def test_a_second_export_replaces_the_first_whole(run_cityrdf, tmp_path):
    out = tmp_path / "np"
    first = run_cityrdf("export", "nanopubs", "--out", out, "--created", CREATED)
    assert first.returncode == 0, first.stderr
    (out / "agreement" / "stale.trig").write_text("left from an older graph")
    before = (out / nanopubs.DUMP_NAME).read_bytes()
    again = run_cityrdf("export", "nanopubs", "--out", out, "--created", "2026-12-08T09:00:00Z")
    assert again.returncode == 0, again.stderr
    assert not (out / "agreement" / "stale.trig").exists()
    after = (out / nanopubs.DUMP_NAME).read_bytes()
    assert after != before and b'"2026-12-08T09:00:00Z"^^' in after
    assert sorted(p.name for p in tmp_path.iterdir()) == ["np"]
