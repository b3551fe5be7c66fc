"""`cityrdf import pacts FILE.csv|FILE.xlsx`: a researcher's own table of twinning pacts, as project data.

Every row is checked as it is read; then the whole project with the table's triples must pass the
SHACL shapes and the QC queries, exactly as `cityrdf validate` runs them (the reasoner aside), before
anything is renamed into place. The triples go to the project's in-memory store as they are
serialized to the temporary data file, in one pass: none is parsed back or held in a list. Any
failure writes nothing and reports each bad row as `FILE:ROW: column: reason` (ROW counts the
header as row 1, as spreadsheets do), or says what in the rest of the project would break. One
import at a time holds the project's lock (cityrdf.fs.lock) from reading the project to renaming the
new file into place. A good table becomes `data/imported/<stem>.ttl`, written by Oxigraph's Turtle
serializer; re-importing the same table rewrites the same bytes. A run first removes the temporary files a killed run left. Tables are
read within bounds (cityrdf.importer.table: rows, columns, bytes, an XLSX's inflated size).
docs/decisions/0003-imported-dates.md says how dates are kept.

Modules: `table` reads the file, `project` indexes what the project holds, `rows` checks each row
and `resolve` its names, `terms` and `triples` make the data file's triples, `output` says where
it may be written.
"""

from __future__ import annotations

import filecmp
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cityrdf.errors import BadInput, NotConforming
from cityrdf.fs import atomic
from cityrdf.fs.lock import project_lock
from cityrdf.importer import output
from cityrdf.importer.project import ProjectIndex
from cityrdf.importer.rows import RowError, TableImport
from cityrdf.importer.table import read_table
from cityrdf.importer.terms import compact
from cityrdf.importer.triples import table_quads
from cityrdf.project import writing_sources
from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import PREFIXES
from cityrdf.text import plural

__all__ = ["BadRows", "ImportResult", "ProjectWouldBreak", "import_pacts", "run"]

# Which column a SHACL finding on an agreement is about, by the property that fired.
COLUMN_OF_PATH = {
    PREFIXES["cr"] + "party": "partner",
    PREFIXES["cr"] + "status": "status",
    PREFIXES["cr"] + "signingDate": "date",
    PREFIXES["cr"] + "statedDate": "date",
    PREFIXES["cr"] + "attestedBy": "partner",
    PREFIXES["cr"] + "country": "partner_country",
    PREFIXES["dcterms"] + "source": "source",
}


@dataclass
class ImportResult:
    out: Path
    rows: int
    agreements_new: int
    attestations_existing: int
    cities_new: int
    changed: bool


class BadRows(NotConforming):
    """Rows that break the rules; `lines` has one `FILE:ROW: column: reason` each. Exit 2 when a
    cell cannot be read at all (a malformed IRI, a control character), else 1."""

    def __init__(self, source: Path, errors: list[RowError]):
        errors = sorted(set(errors), key=lambda e: (e.row, e.column, e.reason))
        self.lines = [e.line(source) for e in errors]
        if any(e.malformed for e in errors):
            self.exit_code = BadInput.exit_code
        more = f" (and {plural(len(errors) - 1, 'more problem')})" if len(errors) > 1 else ""
        super().__init__(f"{self.lines[0]}{more}; nothing written")


class ProjectWouldBreak(NotConforming):
    """The rows are good, but the project with them would not validate (e.g. another imported
    table names a city this one no longer creates)."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        more = f" (and {plural(len(lines) - 1, 'more problem')})" if len(lines) > 1 else ""
        super().__init__(
            f"the project would not validate with this import: {lines[0]}{more}; nothing written"
        )


OUTPUT_PREFIXES = {p: PREFIXES[p] for p in ("cr", "crid", "rdfs", "xsd", "skos", "dcterms", "prov")}
HEADER = "# Imported with `cityrdf import pacts {name}`; edit the table and import it again.\n"


def import_pacts(
    source: Path, out: Path | None = None, lock_wait: float | None = None, new_city: bool = False
) -> ImportResult:
    """Check every row of `source` and the whole project with them; write only if all is good.
    A name close to a known city's is refused as a likely typo unless `new_city`."""
    source = Path(source)
    target = output.output_path(source, out)
    with project_lock(lock_wait):
        output.remove_leftovers(target)  # a killed import's half-written file
        output.check_replaceable(target)
        files = [f for f in graph.source_files() if f.resolve() != target]
        store = graph.load_store(files, entail=False)
        table = TableImport(source, ProjectIndex.of_store(store), new_city=new_city)
        rows = 0
        for number, row in read_table(source):
            table.check_row(number, row)
            rows += 1
        if not rows:
            raise BadInput(f"{source}:2: the table has a header but no rows")
        if table.errors:
            raise BadRows(source, table.errors)
        try:
            changed = write_checked(table, target, store, files)
        except OSError as err:  # disk full, read-only folder: nothing was replaced
            raise BadInput(
                f"{target}: cannot write the data file ({err.strerror}); nothing written"
            ) from None
    new = sum(1 for a in table.agreements.values() if not a.existing)
    attested = sum(len(a.pacts) for a in table.agreements.values() if a.existing)
    return ImportResult(target, rows, new, attested, len(table.cities_new), changed)


class _Unchanged(Exception):
    """The checked file is the one already in place: keep that one (and its mtime)."""


def write_checked(table: TableImport, target: Path, store: ox.Store, files: list[Path]) -> bool:
    """Serialize the table's triples into a temporary file beside `target` while adding them to
    `store`, check the whole project with them, and rename the file into place; False if `target`
    already held the same bytes."""
    new_folder = not target.parent.exists()
    try:
        with writing_sources(output.imported_dir()), atomic.replacing(target) as temporary:
            with temporary.open("wb") as handle:
                handle.write(HEADER.format(name=table.source.name).encode("utf-8"))
                quads = added_to(store, table_quads(table))
                ox.serialize(quads, handle, ox.RdfFormat.TURTLE, prefixes=OUTPUT_PREFIXES)
            graph.apply_entailments(store)
            check_project(table, store, files)
            if target.is_file() and filecmp.cmp(temporary, target, shallow=False):
                raise _Unchanged
    except _Unchanged:
        return False
    except BaseException:
        if new_folder and not any(target.parent.iterdir()):
            target.parent.rmdir()  # a refused import leaves no trace, not even data/imported/
        raise
    return True


# Triples go into the store in batches: one call per triple costs more than the insert itself.
STORE_BATCH = 50_000


def added_to(store: ox.Store, quads: Iterator[ox.Quad]) -> Iterator[ox.Quad]:
    """`quads` as they come, each also added to `store`: the file is written and the project gets
    its triples in one pass, with no Turtle parsed back or kept in memory. A batch is added on a
    second thread while the next one is made and written: Oxigraph releases the GIL while it
    inserts (about 4 µs a quad, as long as making and writing it), so the two overlap. One batch at
    a time is in flight, so at most two are held."""
    batch: list[ox.Quad] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-store") as inserter:
        adding: Future | None = None
        for quad in quads:
            batch.append(quad)
            if len(batch) == STORE_BATCH:
                if adding is not None:
                    adding.result()
                adding = inserter.submit(store.extend, batch)
                batch = []
            yield quad
        if adding is not None:
            adding.result()
    store.extend(batch)


def check_project(table: TableImport, store: ox.Store, files: list[Path]) -> None:
    """The shapes and QC queries on the whole project with the new triples: findings on the
    table's own resources become row errors, any other finding refuses the import as a whole."""
    from cityrdf.validate import VIOLATION, store_findings

    findings = [f for f in store_findings(store) if f.severity == VIOLATION]
    row_errors, elsewhere = [], []
    for finding in findings:
        origin = table.row_of(finding.focus_node)
        if origin is None:
            elsewhere.append(finding)
            continue
        row, column = origin
        if finding.focus_node in table.origin and "/city/" in finding.focus_node:
            persian = "@fa" in finding.message or any(
                "\u0600" <= c <= "\u06ff" for c in finding.value
            )
            column += "_fa" if persian else ""
        elif finding.path in COLUMN_OF_PATH:
            column = COLUMN_OF_PATH[finding.path]
        row_errors.append(
            RowError(row, column, f"{finding.message} ({compact(finding.focus_node)})")
        )
    if row_errors:
        raise BadRows(table.source, row_errors)
    if elsewhere:
        described_in = graph.files_describing(files, {f.focus_node for f in elsewhere})
        lines = []
        for f in elsewhere:
            where = ", ".join(map(str, described_in.get(f.focus_node, [])))
            lines.append(f"{where + ': ' if where else ''}{compact(f.focus_node)}: {f.message}")
        raise ProjectWouldBreak(sorted(set(lines)))


def run(source: Path, out: Path | None = None, echo=print, new_city: bool = False) -> ImportResult:
    """The CLI's `import pacts`: bad rows are echoed one per line before the error is raised."""
    try:
        result = import_pacts(source, out, new_city=new_city)
    except (BadRows, ProjectWouldBreak) as err:
        for line in err.lines:
            echo(line)
        raise
    echo(
        f"{'wrote' if result.changed else 'unchanged'} {result.out}: {plural(result.rows, 'row')}, "
        f"{plural(result.agreements_new, 'new agreement')}, "
        f"{plural(result.attestations_existing, 'attestation')} of known ones, "
        f"{plural(result.cities_new, 'new city', 'new cities')}"
    )
    return result
