"""Consistency of the ontology with the data, and its unsatisfiable classes, under HermiT (OWL 2 DL).

HermiT runs as its own command line (`org.semanticweb.HermiT.cli.CommandLine -U`, the jar owlready2
ships) in a subprocess that starts before the SHACL and QC checks, so a build waits for the longer
of the two rather than their sum (`start` … `Verdict.result`). `-U` asks only what the verdict
needs: HermiT checks consistency first (an inconsistent graph ends in its
`InconsistentOntologyException`), then lists the classes equivalent to owl:Nothing. Anything else
it prints (a usage error, a parse failure, a crash, a timeout) is reported as an error, never read
as consistent. The JVM runs with the client compiler only (`-XX:TieredStopAtLevel=1`): this short
run spends half its CPU in the optimising compiler otherwise.

HermiT accepts only the OWL 2 datatype map (OWL 2 Syntax §4), which lacks `xsd:date`, `xsd:gYear`
and `xsd:gYearMonth`, the datatypes our dates use (docs/model.md). So the reasoner's copy of the
graph (never the data) encodes them in `xsd:hexBinary`, which the project never uses (a graph that
does gets an error): a literal becomes the octets `SLOT·k` zero bytes + its lexical form in UTF-8,
where k is the datatype whose XSD lexical pattern the form matches (1 date, 2 gYearMonth, 3 gYear,
0 none; the three lexical spaces are disjoint), and each datatype becomes the surrogate
`xsd:hexBinary[minLength SLOT·k, maxLength SLOT·k + SLOT − 1]`. This is exact: two literals get
the same value only if they have the same lexical form (time zones +00:00, -00:00 and Z spelled
alike), a literal lies in a surrogate only if its form matches that datatype's pattern, and the
surrogates' values are disjoint from strings and numbers as the XSD value spaces are. So HermiT
rejects a year where a full date is required, a number or a string where a year is. (An earlier
encoding, `xsd:string` restricted by `xsd:pattern`, said the same but cost HermiT seconds of
automaton work per build.) Other unsupported datatypes are ignored (`--ignoreUnsupportedDatatypes`);
their lexical forms are checked by SHACL (`sh:datatype`). `owl:imports` triples are dropped: the
sources are all loaded already, and HermiT must never fetch anything.

HermiT's answer depends only on the graph, so when the caller names the files the store was loaded
from, it is cached under `.cache/reasoner/`, keyed by the SHA-256 of those files' bytes and of this
module: validating unchanged sources again does not start the JVM.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

import pyoxigraph as ox

from cityrdf.errors import CityrdfError
from cityrdf.project import current_project
from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import BASE, OWL, RDF, RDFS, XSD

HEX_BINARY = XSD.hexBinary
SURROGATE_NS = BASE + "reasoner#"
_ZONE = "(Z|[+-][0-9]{2}:[0-9]{2})?"
# XSD 1.1 Part 2 §3.3.9 (date), §3.3.10 (gYearMonth), §3.3.11 (gYear): lexical spaces, k = 1, 2, 3.
SURROGATE_PATTERNS = {
    XSD.date: "-?[0-9]{4,}-[0-9]{2}-[0-9]{2}" + _ZONE,
    XSD.gYearMonth: "-?[0-9]{4,}-[0-9]{2}" + _ZONE,
    XSD.gYear: "-?[0-9]{4,}" + _ZONE,
}
_UTC = re.compile(r"[+-]00:00$")
JAVA_MEMORY_MB = 1000  # the graph is small; a larger heap crowds a shared machine
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto")
TIMEOUT_SECONDS = 600
NOTHING = OWL.Nothing.value
EQUIVALENTS_HEADER = f"Classes equivalent to '{NOTHING}':"
INCONSISTENT = "org.semanticweb.owlapi.reasoner.InconsistentOntologyException"
_JAVA_EXCEPTION = re.compile(r'^Exception in thread "[^"]*" ([\w.$]+)(?::\s*(.*))?$')


@dataclass
class ReasonerReport:
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    error: str | None = None  # HermiT could not run on the graph (e.g. not OWL 2 DL)

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable and self.error is None


class Verdict:
    """HermiT running on a graph in a subprocess; `result()` waits for it and reads its answer."""

    def __init__(self, report: ReasonerReport | None = None, cache: Path | None = None):
        self._report, self._cache = report, cache
        self._process: subprocess.Popen | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None

    def _launch(self, ntriples: bytes) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="cityrdf-reasoner-")
        folder = Path(self._tmp.name)
        (folder / "graph.nt").write_bytes(ntriples)
        self._out = (folder / "stdout").open("w+b")
        self._err = (folder / "stderr").open("w+b")
        try:
            command = hermit_command(folder / "graph.nt")
            self._process = subprocess.Popen(
                command, stdout=self._out, stderr=self._err, cwd=folder
            )
        except BaseException:
            self.close()
            raise

    def result(self) -> ReasonerReport:
        if self._report is None:
            assert self._process is not None  # a Verdict without a report was launched
            try:
                returncode = self._process.wait(timeout=TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.close()
                self._report = ReasonerReport(False, error=f"HermiT ran over {TIMEOUT_SECONDS} s")
            else:
                self._out.seek(0), self._err.seek(0)
                self._report = read_answer(returncode, self._out.read(), self._err.read())
                self.close()
            if self._cache is not None and self._report.error is None:
                _store_cached(self._cache, self._report)  # a failure to run is not cached
        return self._report

    def close(self) -> None:
        """Stop HermiT if it still runs (the caller gave up) and remove its files."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        if self._tmp is not None:
            self._out.close()
            self._err.close()
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def check_consistency(files: Iterable[Path]) -> ReasonerReport:
    """Load `files` (ontology and data) and ask HermiT whether they are consistent."""
    return check_store(graph.load_store(list(files), entail=False))


def check_store(store: ox.Store, sources: Iterable[Path] | None = None) -> ReasonerReport:
    """HermiT's verdict on `store`; cached when `sources`, the files it was loaded from, are given."""
    with start(store, sources) as verdict:
        return verdict.result()


def start(store: ox.Store, sources: Iterable[Path] | None = None) -> Verdict:
    """Start HermiT on `store` (or find its cached verdict) and return without waiting."""
    cache = None if sources is None else _cache_path(sources)
    if cache is not None and cache.is_file():
        return Verdict(ReasonerReport(**json.loads(cache.read_text(encoding="utf-8"))))
    quads = list(store.quads_for_pattern(None, None, None, None))
    if any(_mentions_hex_binary(q) for q in quads):
        return Verdict(
            ReasonerReport(False, error=f"the graph uses {HEX_BINARY.value}, {ENCODING_CLASH}")
        )
    verdict = Verdict(cache=cache)
    verdict._launch(graph.rdf_bytes(reasoner_triples(store, quads), ox.RdfFormat.N_TRIPLES))
    return verdict


ENCODING_CLASH = "which the reasoner needs for its encoding of XSD dates"


def hermit_command(ntriples: Path) -> list[str]:
    java = shutil.which("java")
    if java is None:
        raise CityrdfError(
            "java not found: the reasoner needs a JRE (apt-get install default-jre-headless)"
        )
    spec = importlib.util.find_spec("owlready2")  # only for its HermiT jar: no import needed
    if spec is None or not spec.submodule_search_locations:
        raise CityrdfError("owlready2 is not installed: the reasoner uses the HermiT jar it ships")
    hermit = Path(spec.submodule_search_locations[0]) / "hermit"
    # owlready2's patched classes (the folder) come before the jar they patch.
    classpath = os.pathsep.join([str(hermit), str(hermit / "HermiT.jar")])
    no_network = [f"-D{scheme}.proxyHost=127.0.0.1" for scheme in ("http", "https")] + [
        f"-D{scheme}.proxyPort=9" for scheme in ("http", "https")
    ]  # a second wall behind the dropped owl:imports: any fetch fails at a closed local port
    return [
        java,
        f"-Xmx{JAVA_MEMORY_MB}M",
        *JAVA_OPTIONS,
        *no_network,
        "-cp",
        classpath,
        "org.semanticweb.HermiT.cli.CommandLine",
        "-U",
        "-N",
        "--ignoreUnsupportedDatatypes",
        ntriples.as_uri(),
    ]


def read_answer(returncode: int, stdout: bytes, stderr: bytes) -> ReasonerReport:
    """HermiT's `-U -N` output as a verdict: consistent with the listed unsatisfiable classes only
    when it exits 0 and prints the list; inconsistent only on its InconsistentOntologyException."""
    out = stdout.decode("utf-8", "replace").replace("\r", "").splitlines()
    err = stderr.decode("utf-8", "replace").replace("\r", "").splitlines()
    exception = next((m for line in err if (m := _JAVA_EXCEPTION.match(line))), None)
    if returncode != 0 and exception is not None and exception.group(1) == INCONSISTENT:
        return ReasonerReport(consistent=False)
    if returncode == 0 and exception is None and out and out[0] == EQUIVALENTS_HEADER:
        listed = [line.removeprefix("\t") for line in out[1:]]
        if all(line and not line[0].isspace() for line in listed):
            return ReasonerReport(consistent=True, unsatisfiable=sorted(set(listed) - {NOTHING}))
    return ReasonerReport(consistent=False, error=_java_reason(returncode, exception, err + out))


def _java_reason(returncode: int, exception, lines: list[str]) -> str:
    """One line saying why HermiT gave no verdict."""
    if exception is not None:
        return f"{exception.group(1).rsplit('.', 1)[-1]}: {exception.group(2) or ''}".strip(": ")
    said = next((line.strip() for line in lines if line.strip()), "no output")
    return f"HermiT exited with status {returncode} without a verdict: {said}"


def _cache_path(sources: Iterable[Path]) -> Path:
    digest = hashlib.sha256(Path(__file__).read_bytes())  # a change here invalidates the cache
    for path in sorted(Path(p) for p in sources):
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return current_project().cache_dir / "reasoner" / f"{digest.hexdigest()}.json"


def _store_cached(cached: Path, report: ReasonerReport) -> None:
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(report.__dict__), encoding="utf-8")
    os.replace(tmp, cached)


def _mentions_hex_binary(quad: ox.Quad) -> bool:
    return any(
        (isinstance(t, ox.NamedNode) and t == HEX_BINARY)
        or (isinstance(t, ox.Literal) and t.datatype == HEX_BINARY)
        for t in (quad.subject, quad.predicate, quad.object)
    )


# --- the reasoner's copy of the graph -----------------------------------------------------------


def reasoner_triples(store: ox.Store, quads: list[ox.Quad] | None = None) -> list[ox.Triple]:
    """The store's triples, `owl:imports` dropped, XSD dates encoded as described above."""
    quads = list(store.quads_for_pattern(None, None, None, None)) if quads is None else quads
    slot = 1 + max(
        (
            len(q.object.value.encode())
            for q in quads
            if isinstance(q.object, ox.Literal) and q.object.datatype in SURROGATE_PATTERNS
        ),
        default=0,
    )
    triples = [
        ox.Triple(_surrogate_term(q.subject, slot), q.predicate, _surrogate_term(q.object, slot))
        for q in quads
        if q.predicate != OWL.imports
    ]
    return triples + [t for dt in SURROGATE_PATTERNS for t in _surrogate_definition(dt, slot)]


def _surrogate_term(term, slot: int):
    if isinstance(term, ox.NamedNode) and term in SURROGATE_PATTERNS:
        return _surrogate_iri(term)
    if isinstance(term, ox.Literal) and term.datatype in SURROGATE_PATTERNS:
        return encode_date(term.value, slot)
    return term


def lexical_class(lexical: str) -> int:
    """k of the datatype whose XSD lexical pattern `lexical` matches (1, 2, 3), or 0."""
    for k, pattern in enumerate(SURROGATE_PATTERNS.values(), start=1):
        if re.fullmatch(pattern, lexical):
            return k
    return 0


def encode_date(lexical: str, slot: int) -> ox.Literal:
    """`lexical` as an xsd:hexBinary whose length says which date datatype it belongs to."""
    form = _UTC.sub("Z", lexical)
    octets = b"\0" * (slot * lexical_class(lexical)) + form.encode()
    return ox.Literal(octets.hex().upper(), datatype=HEX_BINARY)


def _surrogate_iri(datatype: ox.NamedNode) -> ox.NamedNode:
    return ox.NamedNode(SURROGATE_NS + datatype.value.removeprefix(str(XSD)))


def _surrogate_definition(datatype: ox.NamedNode, slot: int) -> list[ox.Triple]:
    """`S ≡ xsd:hexBinary[minLength …, maxLength …]` in the RDF mapping of OWL 2 (DatatypeDefinition)."""
    k = list(SURROGATE_PATTERNS).index(datatype) + 1
    surrogate, restriction = _surrogate_iri(datatype), ox.BlankNode()
    cells, facets = [ox.BlankNode(), ox.BlankNode()], [ox.BlankNode(), ox.BlankNode()]
    count = XSD.nonNegativeInteger
    return [
        ox.Triple(surrogate, RDF.type, RDFS.Datatype),
        ox.Triple(surrogate, OWL.equivalentClass, restriction),
        ox.Triple(restriction, RDF.type, RDFS.Datatype),
        ox.Triple(restriction, OWL.onDatatype, HEX_BINARY),
        ox.Triple(restriction, OWL.withRestrictions, cells[0]),
        ox.Triple(cells[0], RDF.first, facets[0]),
        ox.Triple(cells[0], RDF.rest, cells[1]),
        ox.Triple(cells[1], RDF.first, facets[1]),
        ox.Triple(cells[1], RDF.rest, RDF.nil),
        ox.Triple(facets[0], XSD.minLength, ox.Literal(str(slot * k), datatype=count)),
        ox.Triple(facets[1], XSD.maxLength, ox.Literal(str(slot * k + slot - 1), datatype=count)),
    ]
