"""Oxigraph's in-memory store: a join of a small DISTINCT sub-select with a triple pattern reads every
triple of the pattern's predicate, however few rows the sub-select has. Standalone (pyoxigraph only,
no network):

    python benchmarks/upstream/subquery_join.py [--triples 100000 400000 1600000]

N subjects carry `ex:derivedFrom` (as every imported agreement carries prov:wasDerivedFrom); ten of
them are also `ex:Designation`s. The same SELECT of the ten designations' values is asked in three
forms: the designations as a DISTINCT sub-select (how a SHACL engine binds the focus nodes of a
shape), as a plain pattern, and as VALUES naming them. Also printed: the store's resident memory per
quad, read from /proc (Linux).
"""

from __future__ import annotations

import argparse
import time

import pyoxigraph as ox

EX = "http://example.org/"
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DESIGNATION, DERIVED = ox.NamedNode(EX + "Designation"), ox.NamedNode(EX + "derivedFrom")
FEW = 10
# an instance of the class or of a subclass (SHACL's reading of sh:targetClass)
INSTANCE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"


def store_of(subjects: int) -> ox.Store:
    store = ox.Store()
    batch = []
    for i in range(subjects):
        subject = ox.NamedNode(f"{EX}agreement/{i}")
        batch.append(ox.Quad(subject, DERIVED, ox.NamedNode(f"{EX}source/{i % 1000}")))
        if i < FEW:
            batch.append(ox.Quad(subject, TYPE, DESIGNATION))
        if len(batch) >= 50_000:
            store.extend(batch)
            batch = []
    store.extend(batch)
    return store


def forms() -> dict[str, str]:
    tail = f"?this <{DERIVED.value}> ?value ."
    values = " ".join(f"<{EX}agreement/{i}>" for i in range(FEW))
    return {
        "DISTINCT sub-select": f"SELECT ?this ?value WHERE {{ {{ SELECT DISTINCT ?this WHERE "
        f"{{ ?this {INSTANCE} <{DESIGNATION.value}> }} }} {tail} }}",
        "plain pattern": f"SELECT ?this ?value WHERE {{ ?this {INSTANCE} <{DESIGNATION.value}> . {tail} }}",
        "VALUES": f"SELECT ?this ?value WHERE {{ VALUES ?this {{ {values} }} {tail} }}",
    }


def resident_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[100_000, 400_000, 1_600_000])
    args = parser.parse_args()
    print(f"pyoxigraph {ox.__version__}; seconds per query (best of 3)")
    for triples in args.triples:
        before = resident_mb()
        store = store_of(triples)
        per_quad = (resident_mb() - before) * 1024 * 1024 / len(store)
        cells = []
        for name, query in forms().items():
            best = float("inf")
            for _ in range(3):
                start = time.perf_counter()
                rows = list(store.query(query))
                best = min(best, time.perf_counter() - start)
            assert len(rows) == FEW, (name, len(rows))
            cells.append(f"{name} {best:.4f}")
        print(f"{len(store):>10,} quads ({per_quad:.0f} B each): " + "; ".join(cells), flush=True)
        del store


if __name__ == "__main__":
    main()
