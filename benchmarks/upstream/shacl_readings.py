"""Two readings of SHACL where a peer engine differs from the spec, each in a few triples, for the
engines' issue trackers (README.md beside this file). No network; the engines are optional:

    .venv/bin/python benchmarks/upstream/shacl_readings.py     # pip install '.[bench]' for pyrudof;
                                                               # npm ci --prefix benchmarks/peers

1. sh:maxLength counts characters (SHACL §4.4.2: "the string length of the lexical form", which
   SPARQL's STRLEN counts in characters); 50 Persian letters are 100 bytes of UTF-8.
2. sh:targetClass reaches the SHACL instances of a class through rdfs:subClassOf in the *data*
   graph (SHACL §3.2.1, §2.1.3.1 "SHACL instance"), not only in the shapes graph.

pySHACL is the reference: it reads both as the spec does.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PEERS = Path(__file__).resolve().parents[1] / "peers"
PREFIXES = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
PERSIAN_50 = "ش" * 50  # 50 characters, 100 bytes in UTF-8
CASES = {
    "maxLength counts characters (50 Persian letters, limit 80)": (
        PREFIXES + f'ex:x ex:name "{PERSIAN_50}"@fa .\n',
        PREFIXES + "ex:S a sh:NodeShape ; sh:targetNode ex:x ;\n"
        "  sh:property [ sh:path ex:name ; sh:maxLength 80 ] .\n",
        0,
    ),
    "targetClass follows rdfs:subClassOf in the data graph": (
        PREFIXES + "ex:Capital rdfs:subClassOf ex:City .\nex:x a ex:Capital .\n",
        PREFIXES + "ex:S a sh:NodeShape ; sh:targetClass ex:City ;\n"
        "  sh:property [ sh:path ex:name ; sh:minCount 1 ] .\n",
        1,
    ),
}


def pyshacl_results(data: Path, shapes: Path) -> int:
    import pyshacl
    import rdflib

    _, report, _ = pyshacl.validate(
        rdflib.Graph().parse(data), shacl_graph=rdflib.Graph().parse(shapes), inference="none"
    )
    return len(
        list(report.subjects(rdflib.RDF.type, rdflib.URIRef(str(rdflib.SH.ValidationResult))))
    )


def pyrudof_results(data: Path, shapes: Path) -> int | str:
    try:
        import pyrudof
    except ImportError:
        return "not installed (pip install '.[bench]')"
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(str(data), format=pyrudof.RDFFormat.Turtle)
    rudof.read_shacl(str(shapes))
    return len(rudof.validate_shacl().violations)


def shacl_engine_results(data: Path, shapes: Path) -> int | str:
    node = shutil.which("node")
    if node is None or not (PEERS / "node_modules" / "shacl-engine").is_dir():
        return "not installed (npm ci --prefix benchmarks/peers)"
    done = subprocess.run(
        [node, str(PEERS / "validate.mjs"), str(data), str(shapes)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode:
        return f"failed: {done.stderr.strip()[:200]}"
    return int(json.loads(done.stdout)["results"])


def main() -> None:
    engines = {"pySHACL": pyshacl_results, "pyrudof": pyrudof_results}
    engines["shacl-engine"] = shacl_engine_results
    print("| case | spec | " + " | ".join(engines) + " |")
    print("|---|---|" + "---|" * len(engines))
    with tempfile.TemporaryDirectory() as tmp:
        for name, (data_text, shapes_text, expected) in CASES.items():
            data, shapes = Path(tmp, "data.ttl"), Path(tmp, "shapes.ttl")
            data.write_text(data_text, encoding="utf-8")
            shapes.write_text(shapes_text, encoding="utf-8")
            found = [str(run(data, shapes)) for run in engines.values()]
            print(f"| {name} | {expected} | " + " | ".join(found) + " |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
