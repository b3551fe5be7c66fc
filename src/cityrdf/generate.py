"""Synthetic graphs in cityrdf's own ontology, for benchmarks at world scale.

`synthetic_lines` draws a twinning network with heavy-tailed partner counts (preferential
attachment, as real twinning networks have a few hubs: Tehran, Beijing, Saint Petersburg …)
and mostly reciprocal listings. `pairs_lines` turns a real `QID<TAB>QID` pairs file (the
Wikidata P190 crawl's shape) into the same ontology. Both write N-Triples lines that conform
to shapes/ and pass the QC queries, as the paper's data does (every resource derived from a part
carries a text anchor into it), so that `cityrdf validate` measures the real work.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from cityrdf.errors import BadInput
from cityrdf.fs import atomic
from cityrdf.fs.textfile import numbered_lines
from cityrdf.rdf import namespaces as ns

# The lines are N-Triples text made with f-strings from plain strings: building an Oxigraph term
# per IRI makes generation four times slower. A term's `str` is its N-Triples form.
RDF_TYPE, LABEL = str(ns.RDF.type), str(ns.RDFS.label)
DERIVED = str(ns.PROV.wasDerivedFrom)
ID, CR, OA, ORG = str(ns.CRID), str(ns.CR), str(ns.OA), str(ns.ORG)
# The words a generated resource's text anchor quotes from the generated part, by kind.
QUOTES = {
    "agreement": "پیمان خواهرخواندگی",
    "list": "فهرست شهرهای خواهرخوانده",
    "entry": "شهر خواهرخوانده",
    "network": "شبکه شهرها",
    "membership": "عضو شبکه",
}
STATUS = {"listed": 0.85, "unofficial": 0.1, "friendship": 0.05}
# Ten times the largest benchmark graph: a typo of a few digits is refused, not run until the disk
# or the memory is full.
MAX_GENERATED = 10_000_000
# Persian syllables for city names that pass the shapes' Persian-script check.
SYLLABLES = [
    "تا",
    "بر",
    "کو",
    "شی",
    "ران",
    "دا",
    "مه",
    "نو",
    "گل",
    "سا",
    "پر",
    "زا",
    "یا",
    "لو",
    "خو",
    "فر",
]


def _iri(path: str) -> str:
    return f"<{ID}{path}>"


def _cr(name: str) -> str:
    return f"<{CR}{name}>"


@lru_cache(maxsize=4096)  # labels, quotes and small numbers repeat
def _lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    if lang:
        return str(ox.Literal(text, language=lang))
    return str(ox.Literal(text, datatype=ns.XSD[datatype] if datatype else None))


def _t(s: str, p: str, o: str) -> str:
    return f"{s} {p} {o} .\n"


def _persian_name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))


def _anchor_lines(subject: str, part: str, kind: str) -> Iterator[str]:
    """A text anchor (docs/decisions/0005) from `subject` into the generated part."""
    label = hashlib.sha1(subject.encode()).hexdigest()[:16]
    anchor, selector = f"_:a{label}", f"_:s{label}"
    yield _t(subject, _cr("textAnchor"), anchor)
    yield _t(anchor, RDF_TYPE, f"<{OA}SpecificResource>")
    yield _t(anchor, f"<{OA}hasSource>", part)
    yield _t(anchor, f"<{OA}hasSelector>", selector)
    yield _t(selector, RDF_TYPE, f"<{OA}TextQuoteSelector>")
    yield _t(selector, f"<{OA}exact>", _lit(QUOTES[kind]))


def _source_lines(source: str) -> Iterator[str]:
    """The synthetic source every generated fact is derived from (shapes want a cr:PaperPart)."""
    work, part = _iri(f"work/{source}"), _iri(f"work/{source}/part/data")
    yield _t(work, RDF_TYPE, str(ns.FABIO.ResearchPaper))
    yield _t(work, str(ns.DCTERMS["title"]), _lit(f"Generated source {source}", "en"))
    yield _t(part, RDF_TYPE, _cr("PaperPart"))
    yield _t(part, LABEL, _lit("Generated data", "en"))
    yield _t(part, LABEL, _lit("داده‌های ساختگی", "fa"))
    yield _t(part, str(ns.DCTERMS.isPartOf), work)
    yield _t(part, _cr("position"), _lit("1", datatype="positiveInteger"))


def _city_lines(slug: str, en: str, fa: str, country: str) -> Iterator[str]:
    city = _iri(f"city/{slug}")
    yield _t(city, RDF_TYPE, _cr("City"))
    yield _t(city, LABEL, _lit(en, "en"))
    yield _t(city, LABEL, _lit(fa, "fa"))
    yield _t(city, _cr("country"), _iri(f"country/{country}"))


def _country_lines(slug: str, en: str, fa: str) -> Iterator[str]:
    country = _iri(f"country/{slug}")
    yield _t(country, RDF_TYPE, _cr("Country"))
    yield _t(country, LABEL, _lit(en, "en"))
    yield _t(country, LABEL, _lit(fa, "fa"))


def _agreement_lines(
    a: str,
    b: str,
    status: str,
    year: int | None,
    listed_by: Iterable[str],
    part: str,
    positions: dict[str, int],
) -> Iterator[str]:
    a, b = sorted((a, b))
    agreement = _iri(f"agreement/{a}--{b}")
    yield _t(agreement, RDF_TYPE, _cr("TwinningAgreement"))
    yield _t(agreement, _cr("party"), _iri(f"city/{a}"))
    yield _t(agreement, _cr("party"), _iri(f"city/{b}"))
    yield _t(agreement, _cr("status"), _iri(f"concept/agreement-status/{status}"))
    if year:
        yield _t(agreement, _cr("signingDate"), _lit(str(year), datatype="gYear"))
    yield _t(agreement, DERIVED, part)
    yield from _anchor_lines(agreement, part, "agreement")
    for lister in listed_by:
        other = b if lister == a else a
        entry = _iri(f"list/{lister}/{other}")
        yield _t(agreement, _cr("attestedBy"), entry)
        yield _t(entry, RDF_TYPE, _cr("ListEntry"))
        yield _t(entry, _cr("inList"), _iri(f"list/{lister}"))
        yield _t(entry, _cr("names"), _iri(f"city/{other}"))
        positions[lister] = positions.get(lister, 0) + 1
        yield _t(entry, _cr("position"), _lit(str(positions[lister]), datatype="positiveInteger"))
        yield _t(entry, DERIVED, part)
        yield from _anchor_lines(entry, part, "entry")


def synthetic_lines(cities: int, pacts: int, seed: int = 0) -> Iterator[str]:
    """N-Triples of a synthetic twinning network of `cities` cities and about `pacts` agreements."""
    if cities < 2 or pacts < 1:
        raise BadInput("generate: need --cities ≥ 2 and --pacts ≥ 1")
    if cities > MAX_GENERATED or pacts > MAX_GENERATED:
        raise BadInput(f"generate: --cities and --pacts are at most {MAX_GENERATED:,}")
    if pacts > cities * (cities - 1) // 2:
        raise BadInput(
            f"generate: {cities} cities allow at most {cities * (cities - 1) // 2} pacts"
        )
    rng = random.Random(seed)
    part = _iri("work/generated/part/data")
    yield from _source_lines("generated")
    n_countries = max(1, cities // 50)
    for c in range(n_countries):
        yield from _country_lines(f"gen-{c}", f"Country {c}", _persian_name(rng))
    for c in range(cities):
        yield from _city_lines(
            f"gen-{c}", f"City {c}", _persian_name(rng), f"gen-{rng.randrange(n_countries)}"
        )
    # Preferential attachment: each new pact picks one end in proportion to its current degree.
    ends: list[int] = list(range(cities))
    seen: set[tuple[int, int]] = set()
    statuses, weights = list(STATUS), list(STATUS.values())
    positions: dict[str, int] = {}
    while len(seen) < pacts:
        a, b = rng.choice(ends), rng.randrange(cities)
        pair = (min(a, b), max(a, b))
        if a == b or pair in seen:
            continue
        seen.add(pair)
        ends += [a, b]
        year = rng.randint(1950, 2024) if rng.random() < 0.7 else None
        # Mostly reciprocal: 90 % of pacts are listed by both cities, the rest by one.
        listed_by = [f"gen-{a}", f"gen-{b}"] if rng.random() < 0.9 else [f"gen-{a}"]
        status = rng.choices(statuses, weights)[0]
        yield from _agreement_lines(
            f"gen-{a}", f"gen-{b}", status, year, listed_by, part, positions
        )
    yield from _list_lines(positions, part)
    n_networks = max(1, cities // 100)
    for n in range(n_networks):
        network = _iri(f"network/gen-{n}")
        yield _t(network, RDF_TYPE, _cr("CityNetwork"))
        yield _t(network, LABEL, _lit(f"Network {n}", "en"))
        yield _t(network, LABEL, _lit(_persian_name(rng), "fa"))
        yield _t(network, DERIVED, part)
        yield from _anchor_lines(network, part, "network")
    for c in rng.sample(range(cities), k=min(cities, cities // 5 or 1)):
        yield from _membership_lines(f"gen-{c}", f"gen-{rng.randrange(n_networks)}", part)


def _list_lines(item_counts: dict[str, int], part: str) -> Iterator[str]:
    for slug, count in sorted(item_counts.items()):
        lst = _iri(f"list/{slug}")
        yield _t(lst, RDF_TYPE, _cr("SisterCityList"))
        yield _t(lst, LABEL, _lit(f"Sister cities of {slug}", "en"))
        yield _t(lst, _cr("itemCount"), _lit(str(count), datatype="nonNegativeInteger"))
        yield _t(lst, _cr("listOf"), _iri(f"city/{slug}"))
        yield _t(lst, DERIVED, part)
        yield from _anchor_lines(lst, part, "list")


def _membership_lines(city: str, network: str, part: str) -> Iterator[str]:
    membership = _iri(f"membership/{city}--{network}")
    yield _t(membership, RDF_TYPE, f"<{ORG}Membership>")
    yield _t(membership, f"<{ORG}member>", _iri(f"city/{city}"))
    yield _t(membership, f"<{ORG}organization>", _iri(f"network/{network}"))
    yield _t(membership, DERIVED, part)
    yield from _anchor_lines(membership, part, "membership")


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """`QID<TAB>QID` lines; a malformed line is a BadInput naming FILE:LINE."""
    pairs = []
    for number, line in numbered_lines(path, "pairs file"):
        if not line.strip():
            continue
        row = line.split("\t")
        if len(row) != 2 or not all(q.startswith("Q") and q[1:].isdigit() for q in row):
            raise BadInput(f"{path}:{number}: expected QID<TAB>QID, got {row!r:.80}")
        pairs.append((row[0], row[1]))
    if not pairs:
        raise BadInput(f"{path}: no pairs (expected QID<TAB>QID lines)")
    return pairs


def pairs_lines(pairs: list[tuple[str, str]], seed: int = 0) -> Iterator[str]:
    """The real network's shape in cityrdf's ontology: one agreement per unordered pair,
    listed by each city that states it (a directed statement is a listing)."""
    rng = random.Random(seed)
    part = _iri("work/wikidata-p190/part/data")
    yield from _source_lines("wikidata-p190")
    yield from _country_lines("unknown", "Unknown country", "کشور نامعلوم")
    qids = sorted({q for pair in pairs for q in pair}, key=lambda q: int(q[1:]))
    for qid in qids:
        yield from _city_lines(qid.lower(), qid, _persian_name(rng), "unknown")
    listings: dict[tuple[str, str], list[str]] = {}
    for a, b in pairs:
        if a != b:
            listings.setdefault((min(a, b, key=_qnum), max(a, b, key=_qnum)), []).append(a.lower())
    positions: dict[str, int] = {}
    for (a, b), listed_by in listings.items():
        yield from _agreement_lines(
            a.lower(), b.lower(), "listed", None, sorted(set(listed_by)), part, positions
        )
    yield from _list_lines(positions, part)


def _qnum(qid: str) -> int:
    return int(qid[1:])


def write_lines(lines: Iterable[str], out: Path) -> int:
    """Write N-Triples atomically; returns the number of triples."""
    out = Path(out)
    if out.suffix != ".nt":
        raise BadInput(f"{out}: generate writes N-Triples; name the output *.nt")
    count = 0
    with atomic.replacing(out) as temporary, open(temporary, "w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(line)
            count += 1
    return count
