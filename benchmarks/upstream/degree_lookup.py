"""Oxigraph's in-memory store: a join that tests `?c a ex:City` once per row grows with the square
of the rows when every row names the same city. Standalone (pyoxigraph only, no network):

    python benchmarks/upstream/degree_lookup.py [--agreements 1000 2000 4000]

N agreements, each with two parties: a city of its own and a second one that is either another
city of its own (no hub) or the same city for all (a hub, as Tehran is in a table of Iranian
pacts). Each party has the `twinnedWith` triples a build derives, so the hub is the subject of N
triples. The same COUNT is asked in two forms: as written (a nested-loop join that tests
`?a a ex:City` for each row) and with the cities as a sub-select (joined by hash).
"""

from __future__ import annotations

import argparse
import time

import pyoxigraph as ox

EX = "http://example.org/"
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
CITY, AGREEMENT = ox.NamedNode(EX + "City"), ox.NamedNode(EX + "Agreement")
PARTY, TWINNED = ox.NamedNode(EX + "party"), ox.NamedNode(EX + "twinnedWith")
HUB = ox.NamedNode(EX + "hub")

AGREEMENTS = f"{{ SELECT DISTINCT ?this WHERE {{ ?this a <{AGREEMENT.value}> }} }}"
AS_WRITTEN = f"""SELECT (COUNT(*) AS ?n) WHERE {{ {AGREEMENTS}
    ?this <{PARTY.value}> ?a , ?b . ?a a <{CITY.value}> . ?b a <{CITY.value}> .
    FILTER (STR(?a) < STR(?b)) }}"""
SUB_SELECT = f"""SELECT (COUNT(*) AS ?n) WHERE {{ {AGREEMENTS}
    ?this <{PARTY.value}> ?a , ?b .
    {{ SELECT ?a WHERE {{ ?a a <{CITY.value}> }} }} {{ SELECT ?b WHERE {{ ?b a <{CITY.value}> }} }}
    FILTER (STR(?a) < STR(?b)) }}"""


def store_of(agreements: int, hub: bool, twinned: bool) -> ox.Store:
    quads = [ox.Quad(HUB, TYPE, CITY)]
    for i in range(agreements):
        agreement, own = ox.NamedNode(f"{EX}agreement{i}"), ox.NamedNode(f"{EX}city{i}")
        other = HUB if hub else ox.NamedNode(f"{EX}other{i}")
        quads += [
            ox.Quad(agreement, TYPE, AGREEMENT),
            ox.Quad(agreement, PARTY, own),
            ox.Quad(agreement, PARTY, other),
            ox.Quad(own, TYPE, CITY),
            ox.Quad(other, TYPE, CITY),
        ]
        if twinned:
            quads += [ox.Quad(own, TWINNED, other), ox.Quad(other, TWINNED, own)]
    store = ox.Store()
    store.extend(quads)
    return store


def seconds(store: ox.Store, query: str) -> tuple[float, int]:
    start = time.perf_counter()
    count = int(next(store.query(query))["n"].value)
    return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, nargs="+", default=[1000, 2000, 4000])
    args = parser.parse_args()
    print(f"pyoxigraph {ox.__version__}; seconds (rows found)")
    print("| data | agreements | as written | cities as a sub-select |")
    print("|---|---|---|---|")
    for name, hub, twinned in (
        ("no hub", False, True),
        ("one hub, twinnedWith", True, True),
        ("one hub, no twinnedWith", True, False),
    ):
        for agreements in args.agreements:
            store = store_of(agreements, hub, twinned)
            (written, n), (hashed, m) = seconds(store, AS_WRITTEN), seconds(store, SUB_SELECT)
            assert n == m == agreements, (n, m)
            print(f"| {name} | {agreements:,} | {written:.3f} | {hashed:.3f} |", flush=True)


if __name__ == "__main__":
    main()
