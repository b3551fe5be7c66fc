"""cityrdf.text: the one fold of Persian letters, the match keys built on it, and slugs."""

from pathlib import Path

import pytest

from cityrdf import text
from cityrdf.rdf.namespaces import CRID

SRC = Path(__file__).resolve().parents[1] / "src" / "cityrdf"
ARABIC_YEH, ALEF_MAKSURA, ARABIC_KAF = "\u064a", "\u0649", "\u0643"
PERSIAN_YEH, KEHEH = "\u06cc", "\u06a9"
ZWNJ = "\u200c"


def test_stored_text_gets_persian_yeh_and_kaf_and_keeps_the_rest():
    assert text.persian("كيف " + ALEF_MAKSURA) == KEHEH + PERSIAN_YEH + "ف " + PERSIAN_YEH
    assert text.persian("کتابخانهٔ مدرسة") == "کتابخانهٔ مدرسة"  # teh marbuta stays as written
    assert text.persian("ا\u0653") == "\u0622"  # NFC: alef + madda above is alef with madda


@pytest.mark.parametrize(
    "key", [text.persian, text.label_key, text.name_key, text.quote_key], ids=lambda f: f.__name__
)
def test_every_key_folds_the_same_arabic_letters(key):
    for arabic, persian in text.ARABIC_TO_PERSIAN.items():
        assert key(arabic) == key(persian), (arabic, persian)
    assert key("شهر كيوتو") == key("شهر کیوتو")


def test_matching_folds_variants_that_stored_text_keeps():
    assert set(text.ARABIC_TO_PERSIAN.items()) < set(text.MATCHING_VARIANTS.items())
    for variant, letter in text.MATCHING_VARIANTS.items():
        assert text.name_key(variant) == text.name_key(letter)
        assert text.quote_key(variant) == text.quote_key(letter)
    assert text.persian("\u0629") != text.persian("\u0647")


def test_label_key_ignores_case_zwnj_and_runs_of_spaces_but_not_words():
    assert text.label_key("  New   York ") == text.label_key("new york")
    assert text.label_key("می" + ZWNJ + "روند") == text.label_key("میروند")
    assert text.label_key("New York") != text.label_key("NewYork")


def test_name_key_drops_separators_and_short_vowels():
    assert text.name_key("Saint-Étienne") == text.name_key("saint étienne")
    assert text.name_key("N'Djamena") == text.name_key("Ndjamena")
    assert text.name_key("تَهران") == text.name_key("تهران")
    assert text.name_key("Köln") != text.name_key("Koln")  # accents are ascii_key's job


def test_ascii_key_keeps_only_a_to_z():
    assert text.ascii_key("Iași") == text.ascii_key("Iasi") == "iasi"
    assert text.ascii_key("Ürümqi") == "urumqi"
    assert text.ascii_key("تهران") == ""


def test_words_key_keeps_words_apart_and_other_scripts():
    assert text.words_key("Frankfurt am Main") == "frankfurt am main"
    assert text.words_key("Gießen") == text.words_key("GIESSEN") == "giessen"
    assert text.words_key("São-Paulo!") == "sao paulo"
    assert text.words_key("Москва") == "москва"


def test_quote_key_matches_printed_text_to_standard_orthography():
    printed = "خواهر خواندگي شهرها در ۱۳۹۴"
    standard = "خواهرخواندگی\u200cشهرها\nدر 1394"
    assert text.quote_key(printed) == text.quote_key(standard)
    assert text.quote_key("هیئت" + ZWNJ + "ها") != text.quote_key("هیئت")
    assert text.quote_key("٢٠١٥") == "2015"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Freiburg im Breisgau", "freiburg-im-breisgau"),
        ("São Paulo", "sao-paulo"),
        ("İzmir", "izmir"),
        ("  Kuala  Lumpur (city) ", "kuala-lumpur-city"),
        # A letter with no ASCII base separates words: world-layer IRIs were minted that way.
        ("Gießen", "giessen"),
        ("Tromsø", "troms"),
        ("تهران", ""),
    ],
)
def test_slug_is_the_iri_segment_already_minted(name, expected):
    assert text.slug(name) == expected


def test_city_slug_is_one_path_segment():
    assert text.city_slug(CRID["city/tehran"].value) == "tehran"
    assert text.city_slug(CRID["city/wd/Q90"].value) == "wd-q90"
    assert text.city_slug(CRID["city/world/de/x"].value) == "world-de-x"
    outside = text.city_slug("http://example.org/city/a/b")
    assert len(outside) == 12 and "/" not in outside
    assert outside != text.city_slug("http://example.org/city/a/c")


def test_no_other_module_folds_arabic_letters_itself():
    """A second copy of the fold is how two keys came to disagree on which letters are the same."""
    arabic = [ARABIC_YEH, ALEF_MAKSURA, ARABIC_KAF, "\\u064a", "\\u0649", "\\u0643"]
    folding = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.name != "text.py"
        and "maketrans" in (source := path.read_text(encoding="utf-8"))
        and any(letter in source for letter in arabic)
    ]
    assert folding == []


def test_bidi_controls_go_and_zwnj_stays():
    from cityrdf.text import without_bidi_controls

    assert without_bidi_controls("Granada\u200e") == "Granada"
    marked = "\u2067\u0645\u06cc\u200c\u0631\u0648\u062f\u2069\u200f\u061c\u202b\u202c"
    assert without_bidi_controls(marked) == "\u0645\u06cc\u200c\u0631\u0648\u062f"
