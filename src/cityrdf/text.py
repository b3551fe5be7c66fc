"""Text folding for cityrdf: Persian letters, the keys names and quotes are compared by, and slugs.

Every module that compares names or quotes, or makes an IRI from a name, imports these; a second
copy of a fold is a second answer to "are these the same name?".
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from cityrdf.rdf.namespaces import CRID

ZWNJ = "\u200c"

# Arabic letters that standard Persian orthography writes with its own: yeh and alef maksura as
# Farsi yeh (ی), kaf as keheh (ک). Stored text is folded with these only.
ARABIC_TO_PERSIAN = {"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9"}
_PERSIAN_LETTERS = str.maketrans(ARABIC_TO_PERSIAN)

# Spellings that matching treats as one letter but that stay as written in stored text: teh marbuta
# and heh with yeh above (the ezafe hamza written as one letter) as heh, alef with hamza or madda
# as alef.
MATCHING_VARIANTS = {
    **ARABIC_TO_PERSIAN,
    "\u0629": "\u0647",
    "\u06c0": "\u0647",
    "\u0623": "\u0627",
    "\u0625": "\u0627",
    "\u0622": "\u0627",
}
# Arabic short vowels, tanwin, shadda and sukun (U+064B..U+0652): GeoNames writes some, the paper none.
_HARAKAT = "".join(chr(c) for c in range(0x064B, 0x0653))
_DIGITS = {chr(0x06F0 + d): str(d) for d in range(10)} | {
    chr(0x0660 + d): str(d) for d in range(10)
}

# Display text in Persian writes Extended Arabic-Indic digits; machine-readable values keep 0-9.
_TO_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

_NAME_FOLD = str.maketrans(MATCHING_VARIANTS | {c: None for c in " \u200c\u200d-‐’'`" + _HARAKAT})
_QUOTE_FOLD = str.maketrans(MATCHING_VARIANTS | _DIGITS)
# The plain text lost its ZWNJs and breaks lines anywhere: every kind of space (ZWNJ, ZWJ, NBSP,
# bidi marks, line breaks), tatweel and every Arabic mark (U+064B..U+065F, superscript alef) go.
_QUOTE_DROPPED = re.compile(r"[\s\u200c\u200d\u200e\u200f\u00a0\u0640\u064b-\u065f\u0670]")
# Every byte but a-z, for bytes.translate to delete (the world layer keys half a million names).
_NOT_A_TO_Z = bytes(c for c in range(256) if not 97 <= c <= 122)


# Unicode's bidi controls (LRM, RLM, ALM, embeddings, overrides, isolates): presentation, not text.
# A page sets direction with <bdi> and dir; a label that carries one (Natural Earth writes
# "Granada" + LRM) differs from the same name without it, invisibly.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def without_bidi_controls(text: str) -> str:
    """`text` without Unicode's bidi control characters (ZWNJ and ZWJ stay: they are spelling)."""
    return _BIDI_CONTROLS.sub("", text)


def persian(text: str) -> str:
    """Text as stored: NFC, with Arabic yeh and kaf written as Persian ی and ک."""
    return unicodedata.normalize("NFC", text).translate(_PERSIAN_LETTERS)


def persian_digits(text: str) -> str:
    """`text` with its digits 0-9 written as Persian digits (۰-۹), for Persian display text."""
    return text.translate(_TO_PERSIAN_DIGITS)


def label_key(text: str) -> str:
    """A label as the importer compares it: case-folded, Persian letters, no ZWNJ, single spaces."""
    return " ".join(persian(text).replace(ZWNJ, "").casefold().split())


def name_key(text: str) -> str:
    """Exact-match key of a place name: case-folded, letter variants folded, and spaces, ZWNJ,
    hyphens, apostrophes and short vowels dropped (the paper lost its ZWNJs; GeoNames varies)."""
    return text.translate(_NAME_FOLD).casefold()


def ascii_key(text: str) -> str:
    """Transliteration key: diacritics dropped, letters a-z only ("Iași" ~ "Iasi", "Ürümqi" ~ "Urumqi")."""
    decomposed = unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
    return decomposed.lower().translate(None, _NOT_A_TO_Z).decode("ascii")


def words_key(text: str) -> str:
    """A name as compared across outside sources in any script: case-folded, accents dropped,
    punctuation as spaces, ß as ss, words kept apart ("Frankfurt am Main" ≠ "Frankfurtam Main")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.replace("ß", "ss").split())


def quote_key(text: str) -> str:
    """The form in which a quote and the paper's plain text are compared: letter variants and
    Persian or Arabic-Indic digits folded, spaces, ZWNJ, tatweel and diacritics dropped."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTE_FOLD)
    return _QUOTE_DROPPED.sub("", text)


def slug(text: str) -> str:
    """The IRI segment made from a name: lower-case ASCII words joined by hyphens, accents dropped
    ("Freiburg im Breisgau" → freiburg-im-breisgau, "São Paulo" → sao-paulo, "Gießen" → giessen).
    Minted IRIs rest on it: another letter without an ASCII base (ø, ł) separates words."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def city_slug(iri: str) -> str:
    """A city IRI as one path segment: `tehran` for …/id/city/tehran, `wd-q90` for …/city/wd/Q90,
    `world-de-x` for …/city/world/de/x; an IRI outside …/id/city/ by a 12-digit hash of it."""
    local = iri.removeprefix(f"{CRID}city/")
    if local == iri:
        return hashlib.sha1(iri.encode()).hexdigest()[:12]
    return local.replace("/", "-").lower()


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 row`, `2 rows`; `plural(1, "new city", "new cities")` for a plural not made with -s."""
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"
