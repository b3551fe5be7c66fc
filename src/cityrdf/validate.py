"""`cityrdf validate`: the SHACL shapes, the QC queries and the reasoner, over the project or given files.

Three checks, one report. Every finding names the focus node, what fired, a message in English and
the file the focus node is described in, so the person who wrote the data knows what to fix.
"""

from __future__ import annotations

import contextlib
import json
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from cityrdf.checks import reasoner
from cityrdf.checks.reasoner import ReasonerReport, Verdict
from cityrdf.errors import BadInput
from cityrdf.project import current_project
from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import PREFIXES, SH, sparql_prologue
from cityrdf.sparql.results import select
from cityrdf.text import plural

VIOLATION = "Violation"
QC_SUFFIX = "-violation.rq"
ENGINES = ("fastshacl", "pyshacl")
# ODK's QC queries name the offending resource ?entity; other names are accepted in this order.
QC_FOCUS_VARIABLES = ("entity", "focus", "resource", "s", "subject", "term")


@dataclass(frozen=True)
class Finding:
    check: str  # "shacl", "qc" or "reasoner"
    severity: str  # SHACL's sh:Violation / sh:Warning / sh:Info, by local name
    focus_node: str
    message: str
    component: str = ""  # SHACL constraint component, QC query file, or reasoner test
    path: str = ""
    value: str = ""
    source: str = ""  # file(s) where the focus node is a subject


@dataclass
class ValidationReport:
    files: list[Path]
    triples: int
    findings: list[Finding] = field(default_factory=list)
    reasoner: ReasonerReport | None = None  # None when the reasoner was not asked

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == VIOLATION]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def summary(self) -> str:
        warnings = len(self.findings) - len(self.violations)
        if self.reasoner is None:
            hermit = "reasoner skipped"
        else:
            hermit = "HermiT: consistent" if self.reasoner.ok else "HermiT: NOT consistent"
        return (
            f"{plural(len(self.violations), 'violation')}, {plural(warnings, 'warning')} "
            f"in {plural(len(self.files), 'file')} ({self.triples} triples); {hermit}"
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "conforms": self.conforms,
                "violations": len(self.violations),
                "triples": self.triples,
                "files": [_display(p) for p in self.files],
                "reasoner": None if self.reasoner is None else asdict(self.reasoner),
                "results": [asdict(f) for f in self.findings],
            },
            ensure_ascii=False,
            indent=2,
        )

    def to_text(self) -> str:
        lines = []
        for f in self.findings:
            where = f"{f.source}: " if f.source else ""
            path = f" {compact(f.path)}" if f.path else ""
            value = f" (value {compact(f.value)})" if f.value else ""
            lines.append(
                f"{where}{compact(f.focus_node) or '(graph)'} [{f.severity}] "
                f"{compact(f.component)}{path}{value}\n    {f.message}"
            )
        lines.append(("OK: " if self.conforms else "FAILED: ") + self.summary())
        return "\n".join(lines)


def validate_files(
    files: list[Path] | None = None,
    reason: bool = True,
    engine: str = "fastshacl",
    with_project: bool = False,
) -> ValidationReport:
    """Validate the project graph; or `files` with the ontology alone; or, `with_project`, `files`
    added to the project graph (would they fit in?)."""
    if files:
        base = graph.source_files() if with_project else graph.ontology_files()
        known = {p.resolve() for p in base}
        files = base + [Path(f) for f in files if Path(f).resolve() not in known]
    else:
        files = graph.source_files()
    store = graph.load_store(files)
    return validate_store(store, files, reason=reason, engine=engine)


def validate_store(
    store: ox.Store,
    files: list[Path],
    reason: bool = True,
    engine: str = "fastshacl",
) -> ValidationReport:
    """Run every check on a store loaded from `files`; HermiT works in its own process meanwhile."""
    with start_reasoner(store, files, reason) as verdict:
        report = ValidationReport(files=list(files), triples=len(store))
        report.findings = _with_sources(store_findings(store, engine), files)
        return add_reasoner(report, verdict)


def store_findings(store: ox.Store, engine: str = "fastshacl") -> list[Finding]:
    """The SHACL and QC findings on `store`, their queries in one pool (graph.query_threads)."""
    with graph.query_threads() as queries, ThreadPoolExecutor(max_workers=1) as side:
        shacl = side.submit(shacl_findings, store, engine, queries)
        qc = qc_findings(store, queries)
        return shacl.result() + qc


def start_reasoner(store: ox.Store, files: list[Path], reason: bool = True):
    """HermiT started on `store` (a context manager giving its Verdict), or None when not asked."""
    return reasoner.start(store, files) if reason else contextlib.nullcontext()


def add_reasoner(report: ValidationReport, verdict: Verdict | None) -> ValidationReport:
    """`report` with HermiT's verdict and its findings, once it is in (unchanged for None)."""
    if verdict is not None:
        report.reasoner = verdict.result()
        report.findings += _with_sources(reasoner_findings(report.reasoner), report.files)
    return report


def _with_sources(findings: list[Finding], files: list[Path]) -> list[Finding]:
    described_in = graph.files_describing(files, {f.focus_node for f in findings})
    # Named once per focus node: thousands of findings may share a few nodes and files.
    sources = {node: ", ".join(_display(p) for p in paths) for node, paths in described_in.items()}
    return [replace(f, source=sources.get(f.focus_node, "")) for f in findings]


def shacl_findings(
    store: ox.Store, engine: str = "fastshacl", queries: Executor | None = None
) -> list[Finding]:
    """SHACL results on `store`, which already holds the ontology (as graph.load_store makes it
    for validate and build).

    `fastshacl` compiles the shapes to SPARQL on Oxigraph (docs/decisions/0004-fast-validation.md);
    `pyshacl` is the reference implementation it is tested against.
    """
    from cityrdf.checks import fastshacl

    if engine not in ENGINES:
        raise BadInput(f"unknown SHACL engine {engine!r} (expected one of {', '.join(ENGINES)})")
    shape_files = graph.shape_files()
    if not shape_files:  # pyshacl would take the data graph as the shapes graph
        return []
    shapes = graph.load_store(shape_files, entail=False)
    results = (
        fastshacl.validate(store, shapes, queries)
        if engine == "fastshacl"
        else fastshacl.pyshacl_results(store, shapes)
    )
    findings = [
        Finding(
            check="shacl",
            severity=r.severity.value.removeprefix(str(SH)) if r.severity else VIOLATION,
            focus_node=_term(r.focus_node),
            message=_english(r.messages),
            component=_term(r.component),
            path=_term(r.result_path),
            value=_term(r.value),
        )
        for r in results
    ]
    return sorted(set(findings), key=lambda f: (f.focus_node, f.component, f.path, f.value))


def qc_findings(store: ox.Store, queries: Executor | None = None) -> list[Finding]:
    """One finding per row of each `queries/qc/*-violation.rq` (the ODK convention: any row fails)."""
    findings = []
    query_files = sorted(current_project().qc_dir.glob("*" + QC_SUFFIX))
    with graph.query_threads(queries) as pool:
        answers = list(pool.map(lambda q: _qc_rows(store, q), query_files))
    for query_file, (variables, rows) in zip(query_files, answers):
        title = _query_title(query_file)
        focus = next(
            (v for v in QC_FOCUS_VARIABLES if v in variables), variables[0] if variables else ""
        )
        for row in rows:
            bound = {v: row[v] for v in variables if row[v] is not None}
            details = ", ".join(f"{v}={compact(_term(t))}" for v, t in bound.items() if v != focus)
            findings.append(
                Finding(
                    check="qc",
                    severity=VIOLATION,
                    focus_node=_term(bound.get(focus)),
                    message=f"{title}" + (f" ({details})" if details else ""),
                    component=_display(query_file),
                )
            )
    return findings


def reasoner_findings(report: ReasonerReport) -> list[Finding]:
    if report.error:
        return [
            Finding("reasoner", VIOLATION, "", f"HermiT could not reason: {report.error}", "hermit")
        ]
    findings = (
        []
        if report.consistent
        else [
            Finding(
                "reasoner",
                VIOLATION,
                "",
                "the ontology with the data is inconsistent (HermiT names no resource: a"
                " resource of two disjoint classes is named by the disjoint-types QC finding)",
                "hermit:consistency",
            )
        ]
    )
    return findings + [
        Finding(
            "reasoner",
            VIOLATION,
            iri,
            "class is unsatisfiable (no individual can be in it)",
            "hermit:satisfiability",
        )
        for iri in report.unsatisfiable
    ]


def _qc_rows(store: ox.Store, query_file: Path) -> tuple[list[str], list]:
    try:
        solutions = select(store, sparql_prologue() + query_file.read_text(encoding="utf-8"))
    except SyntaxError as err:
        raise BadInput(f"{_display(query_file)}: {err}") from None
    return [v.value for v in solutions.variables], list(solutions)


def compact(iri: str) -> str:
    """`crid:city/tehran` for display; anything not under a known prefix stays as it is."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda p: -len(p[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value


def _english(messages) -> str:
    """The English message if there is one, else one without a language, else any."""
    by_lang = {m.language: m.value for m in messages}
    return by_lang.get("en") or by_lang.get(None) or next(iter(by_lang.values()), "")


def _query_title(query_file: Path) -> str:
    """The query's `#+ summary:` line, else its first comment line, else its name."""
    comments = [
        line.lstrip("#+ ").strip()
        for line in query_file.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    ]
    summary = next((c.split(":", 1)[1].strip() for c in comments if c.startswith("summary:")), None)
    return summary or next((c for c in comments if c), query_file.stem)


def _display(path: Path) -> str:
    path, root = Path(path).resolve(), current_project().root
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
