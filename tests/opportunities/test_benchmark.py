"""The temporal benchmark on a small reference folder: its JSON shape, and no 2026 information in
training (the fitted model is the same whatever Wikipedia says; it changes when 2016 changes)."""

from __future__ import annotations

import csv
import importlib.util
import random
from pathlib import Path

import pytest

from cityrdf.opportunities.ranker import Ranker
from cityrdf.opportunities.twin_graph import City, World
from cityrdf.project import current_project

COUNTRIES = {"DE": "Germany", "FR": "France", "PL": "Poland"}


def load_benchmark():
    spec = importlib.util.spec_from_file_location(
        "opportunities_benchmark", current_project().root / "benchmarks" / "opportunities.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def city_rows() -> list[tuple[str, str, str, float, float]]:
    """Thirty invented cities: QID, German label, country code, position."""
    codes = list(COUNTRIES)
    return [
        (f"Q{900000 + n}", f"Stadt {n}", codes[n % 3], 45.0 + n / 10, 5.0 + n / 5)
        for n in range(30)
    ]


def write_reference(
    folder: Path, crawl: list[tuple[int, int]], later: list[tuple[int, int]]
) -> Path:
    cities = city_rows()
    (folder / "wikidata-p190-2016").mkdir(parents=True)
    (folder / "natural-earth-places").mkdir()
    (folder / "wikipedia-twin-cities").mkdir()
    (folder / "wikidata-p190-2016" / "names.tsv").write_text(
        "".join(f"{q}\t{label}\n" for q, label, *_ in cities), encoding="utf-8"
    )
    (folder / "wikidata-p190-2016" / "relations.tsv").write_text(
        "".join(f"{cities[a][0]}\t{cities[b][0]}\n" for a, b in crawl), encoding="utf-8"
    )
    with (folder / "natural-earth-places" / "populated-places.csv").open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(
            [
                "wikidata",
                "geonames",
                "name",
                "name_en",
                "name_de",
                "name_fr",
                "name_es",
                "name_ru",
                "name_zh",
                "country_iso2",
                "country",
                "admin1",
                "latitude",
                "longitude",
                "pop_max",
                "feature_class",
            ]
        )
        for n, (q, label, code, lat, lon) in enumerate(cities):
            out.writerow(
                [
                    q,
                    "",
                    f"Town {n}",
                    f"Town {n}",
                    label,
                    "",
                    "",
                    "",
                    "",
                    code,
                    COUNTRIES[code],
                    "",
                    lat,
                    lon,
                    10000 * (n + 1),
                    "Populated place",
                ]
            )
    with (folder / "wikipedia-twin-cities" / "twin_cities_raw.csv").open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["city1", "country1", "city2", "country2"])
        for a, b in crawl + later:
            out.writerow(
                [f"Town {a}", COUNTRIES[cities[a][2]], f"Town {b}", COUNTRIES[cities[b][2]]]
            )
    return folder


def random_pairs(seed: int, count: int, taken: set) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    pairs = []
    while len(pairs) < count:
        a, b = sorted(rng.sample(range(30), 2))
        if (a, b) not in taken:
            taken.add((a, b))
            pairs.append((a, b))
    return pairs


@pytest.fixture(scope="module")
def benchmark():
    return load_benchmark()


@pytest.fixture(scope="module")
def crawl() -> list[tuple[int, int]]:
    return random_pairs(1, 60, set())


def test_training_ignores_2026_and_follows_2016(benchmark, crawl, tmp_path):
    first = benchmark.run(
        write_reference(tmp_path / "a", crawl, random_pairs(2, 15, set(crawl))),
        rounds=50,
        ablation_cities=0,
    )
    second = benchmark.run(
        write_reference(tmp_path / "b", crawl, random_pairs(3, 15, set(crawl))),
        rounds=50,
        ablation_cities=0,
    )
    changed = benchmark.run(
        write_reference(tmp_path / "c", crawl[1:], random_pairs(2, 15, set(crawl))),
        rounds=50,
        ablation_cities=0,
    )
    assert first["counts"]["new since 2016"] == 15 == second["counts"]["new since 2016"]
    assert first["model"]["trainingDigest"] == second["model"]["trainingDigest"]
    assert first["criterion weights"] == second["criterion weights"]
    assert changed["model"]["trainingDigest"] != first["model"]["trainingDigest"]


def test_hidden_pacts_are_pacts_of_the_earlier_graph(crawl):
    cities = [City(q, label, code, lat=lat, lon=lon) for q, label, code, lat, lon in city_rows()]
    keys = [c.key for c in cities]
    world = World(cities, [(keys[a], keys[b]) for a, b in crawl])
    ranker = Ranker().fit(world)
    edges = {frozenset(e) for e in world.graph.edges}
    assert ranker.hidden_pacts and ranker.hidden_pacts <= edges
    assert ranker.training_pacts == len(edges) - len(ranker.hidden_pacts)


def test_json_has_the_issue_shape(benchmark, crawl, tmp_path):
    result = benchmark.run(
        write_reference(tmp_path / "a", crawl, random_pairs(2, 15, set(crawl))),
        rounds=50,
        ablation_cities=5,
    )
    for scope in ("all", "iran"):
        assert set(result[scope]) == {
            "model",
            "baselines",
            "best baseline",
            "hits@10 over best baseline",
        }
        assert set(result[scope]["baselines"]) == {
            "random",
            "preferential_attachment",
            "common_neighbours",
            "adamic_adar",
            "distance",
        }
    model = result["all"]["model"]
    for metric in ("hits@10", "mrr", "recall@50"):
        low, high = model[f"{metric}-ci"]
        assert 0 <= low <= model[metric] <= high <= 1
    assert result["counts"]["cities ranked"] == model["cities"] > 0
    assert len(result["ablation"]) == 9
