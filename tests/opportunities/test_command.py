"""`cityrdf opportunities CITY` on the world fixture: ranked, explained, recorded apart, and clear
errors without a world layer or for an unknown city."""

from __future__ import annotations

import csv
import io
import json
import re

import pyoxigraph as ox
import pytest

from cityrdf.opportunities import command, store
from cityrdf.opportunities.command import COLUMNS

from .conftest import write_world

CITY = "https://w3id.org/cityrdf/id/city/"
SUGGESTIONS = "https://w3id.org/cityrdf/graph/suggestions"
CR = "https://w3id.org/cityrdf/ontology#"
PROV = "http://www.w3.org/ns/prov#"


def table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def world_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model") / "world"
    write_world(folder)
    return store.world_model(store.load(folder))


@pytest.fixture(scope="module")
def tehran_rows(tmp_path_factory) -> list[dict[str, str]]:
    folder = tmp_path_factory.mktemp("tehran") / "world"
    write_world(folder)
    return table(command.run("tehran", top=10, fmt="csv", world_dir=folder))


def test_csv_has_the_researchers_columns_and_leaves_out_existing_partners(tehran_rows, world_model):
    rows = tehran_rows
    assert list(rows[0]) == list(COLUMNS)
    assert [r["rank"] for r in rows] == [str(n) for n in range(1, 11)]
    partners = world_model.partners(CITY + "tehran")
    assert {CITY + "beijing", CITY + "baghdad"} <= partners  # wikidata-2016 and wikipedia pacts
    assert not {r["candidate"] for r in rows} & (partners | {CITY + "tehran"})
    probabilities = [float(r["probability"]) for r in rows]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(0.0 <= p <= 1.0 for p in probabilities)
    tehran = world_model.city(CITY + "tehran")
    for row in rows:
        city = world_model.city(row["candidate"])
        assert row["labelEn"] == city.label and row["labelFa"] == city.labels.get("fa", "")
        assert row["qid"] == (city.qid or "").rsplit("/", 1)[-1]
        assert row["country"] == city.country_label
        if city.population:
            ratio = city.population / tehran.population
            assert float(row["populationRatio"]) == pytest.approx(ratio, abs=1e-3)


def test_persian_labels_come_from_the_world_layer(tehran_rows):
    assert any(r["labelFa"] for r in tehran_rows)


def test_shared_partner_evidence_names_the_partners_the_graph_shows(tehran_rows, world_model):
    rows = tehran_rows
    said = re.compile(r"twinned with (\d+) of Tehran's partners: ([^;]+)")
    checked = 0
    for row in rows:
        shared = world_model.partners(row["candidate"]) & world_model.partners(CITY + "tehran")
        found = said.search(row["evidence"])
        assert bool(found) == bool(shared), row
        if found:
            labels = {world_model.city(k).label for k in shared}
            assert int(found.group(1)) == len(shared)
            assert set(found.group(2).rstrip("…").split(", ")) <= labels
            assert int(row["sharedPartners"]) == len(shared)
            checked += 1
    assert checked


def test_country_option_keeps_only_candidates_of_that_country(world_dir):
    rows = table(command.run("tehran", top=5, fmt="csv", country="China", world_dir=world_dir))
    assert rows and {r["country"] for r in rows} == {"China"}


def test_include_existing_may_suggest_a_current_partner(world_dir, world_model):
    rows = table(
        command.run("tehran", top=60, fmt="csv", exclude_existing=False, world_dir=world_dir)
    )
    assert {r["candidate"] for r in rows} & world_model.partners(CITY + "tehran")


def test_json_notes_say_which_criteria_no_data_measures_and_what_numbers_mean(world_dir):
    answer = json.loads(command.run("tehran", top=3, fmt="json", world_dir=world_dir))
    assert len(answer["suggestions"]) == 3
    assert any("immigrant" in note for note in answer["notes"])
    assert any("festivals" in note for note in answer["notes"])
    assert any(note.startswith("probability:") for note in answer["notes"])
    assert any(note.startswith("contribution:") for note in answer["notes"])
    assert sum(answer["criterionWeights"].values()) == pytest.approx(1.0)


def suggestions_for(path, city: str) -> list[ox.NamedNode]:
    graph = ox.Store()
    graph.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    assert {q.graph_name.value for q in graph} == {SUGGESTIONS}
    return [
        q.subject
        for q in graph.quads_for_pattern(
            None, ox.NamedNode(CR + "suggestedFor"), ox.NamedNode(city)
        )
    ], graph


def test_suggestions_go_to_their_own_graph_with_the_activity_that_made_them(world_dir):
    command.run("tehran", top=4, fmt="csv", world_dir=world_dir)
    command.run("isfahan", top=3, fmt="csv", world_dir=world_dir)
    command.run("tehran", top=2, fmt="csv", world_dir=world_dir)  # replaces Tehran's four
    path = world_dir / "suggestions.nq"
    tehran, graph = suggestions_for(path, CITY + "tehran")
    isfahan, _ = suggestions_for(path, CITY + "isfahan")
    assert (len(tehran), len(isfahan)) == (2, 3)
    activities = {
        q.object
        for s in tehran
        for q in graph.quads_for_pattern(s, ox.NamedNode(PROV + "wasGeneratedBy"), None)
    }
    assert len(activities) == 1
    activity = activities.pop()
    parameters = json.loads(
        next(
            graph.quads_for_pattern(activity, ox.NamedNode(CR + "modelParameters"), None)
        ).object.value
    )
    assert parameters["kind"] == "boosted"
    assert set(parameters["inputs"]) == {"wikidata-2016.nq", "wikipedia.nq"}
    assert all(v.startswith("sha256:") for v in parameters["inputs"].values())
    weights = [
        float(
            next(graph.quads_for_pattern(q.object, ox.NamedNode(CR + "weight"), None)).object.value
        )
        for q in graph.quads_for_pattern(activity, ox.NamedNode(CR + "criterionWeight"), None)
    ]
    assert len(weights) == 8 and sum(weights) == pytest.approx(1.0, abs=1e-3)
    # Two activities remain (Tehran's second run, Isfahan's); Tehran's first is gone.
    assert len(list(graph.quads_for_pattern(None, None, ox.NamedNode(PROV + "Activity")))) == 2


def test_cli_prints_ranked_suggestions(project_with_own_world, run_cityrdf):
    write_world(project_with_own_world.world_dir)
    done = run_cityrdf("opportunities", "tehran", "--top", "3", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = table(done.stdout)
    assert len(rows) == 3 and list(rows[0]) == list(COLUMNS)
    assert (project_with_own_world.world_dir / "suggestions.nq").is_file()


def test_cli_without_a_world_layer_says_how_to_import_it(project_with_own_world, run_cityrdf):
    done = run_cityrdf("opportunities", "tehran")
    assert done.returncode == 2
    assert "cityrdf world import" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_cli_unknown_city_is_one_line_and_exit_2(project_with_own_world, run_cityrdf):
    write_world(project_with_own_world.world_dir)
    done = run_cityrdf("opportunities", "atlantis")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: unknown city 'atlantis': give a slug (tehran), a QID (Q3616), an IRI or an English label"
    ]


def test_csv_cells_go_through_the_project_csv_writer():
    from cityrdf.opportunities.suggest import Suggestion

    formula = Suggestion(
        1, CITY + "x", "=HYPERLINK(1)", None, "@Country", 0.5, [], ["+1 pact"], label_fa="-x"
    )
    row = table(command.render([formula], "csv", "X", {}))[0]
    assert row["labelEn"] == "'=HYPERLINK(1)" and row["country"] == "'@Country"
    assert row["labelFa"] == "'-x" and row["evidence"] == "'+1 pact"
    assert row["probability"] == "0.5000"
