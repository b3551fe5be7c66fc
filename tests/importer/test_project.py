"""What the importer knows of the project: its cities, and the ones a new name is close to."""

import difflib

import pytest

from cityrdf.importer.project import NEAR_CUTOFF, Place, ProjectIndex
from cityrdf.text import label_key

LABELS = ["Tehran", "Seoul", "Nantes", "Isfahan", "Kuala Lumpur", "Rio de Janeiro", "Ur", "Bo"]


@pytest.fixture
def index() -> ProjectIndex:
    index = ProjectIndex()
    for n, label in enumerate(LABELS):
        index.add_city(Place(f"https://example.org/city/{n}", label, ""))
    return index


@pytest.mark.parametrize(
    "name",
    ["Teheran", "Seol", "Nante", "Isfahaan", "Kuala Lumpor", "Rio de Janero", "Ul", "B", "Bor",
     "Tehran Tehran", "Zzz", "", "Isfahan Province", "Sseoul", "tehran"],
)  # fmt: skip
def test_the_near_cities_are_difflibs_close_matches_among_all_labels(index, name):
    """Leaving out the labels too long or short to reach the cutoff changes no answer."""
    keys = index.project_city_keys
    plain = difflib.get_close_matches(label_key(name), keys, n=3, cutoff=NEAR_CUTOFF)
    assert index.near_cities(name) == list(dict.fromkeys(keys[k] for k in plain))


def test_a_misspelled_name_finds_its_city(index):
    assert index.near_cities("Teheran") == ["https://example.org/city/0"]
    assert index.near_cities("Benchton") == []
