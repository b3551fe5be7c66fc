"""`cityrdf import pacts FILE.csv|FILE.xlsx`: a researcher's own table of twinning pacts, as project data.

Every row is checked (row rules, then the project's SHACL shapes on the rows' triples); if any row
is bad nothing is written and each bad row is reported as `FILE:ROW: column: reason` (ROW counts the
header as row 1, as spreadsheets do). A good table becomes `data/imported/<stem>.ttl`, written
atomically; re-importing the same table rewrites the same bytes. docs/decisions/0003-imported-dates.md
says how dates are kept.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from cityrdf import atomic, dates, graph, paths
from cityrdf.errors import BadInput, NotConforming
from cityrdf.namespaces import CR, CRID, PREFIXES, sparql_prologue

REQUIRED_COLUMNS = ("city", "partner", "partner_country", "date", "calendar", "status", "source")
OPTIONAL_COLUMNS = ("city_fa", "partner_fa")
STATUSES = ("listed", "unofficial", "official", "friendship")
COUNTRY_NOT_STATED = CRID["concept/data-issues/country-not-stated"]
# Which column a SHACL finding on an agreement is about, by the property that fired.
COLUMN_OF_PATH = {
    CR.party: "partner",
    CR.status: "status",
    CR.signingDate: "date",
    CR.statedDate: "date",
    CR.attestedBy: "partner",
    CR.country: "partner_country",
    DCTERMS.source: "source",
}
ARABIC_TO_PERSIAN = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9"})
ZWNJ = "\u200c"


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def line(self, source: Path) -> str:
        return f"{source}:{self.row}: {self.column}: {self.reason}"


@dataclass
class ImportResult:
    out: Path
    rows: int
    agreements_new: int
    attestations_existing: int
    cities_new: int
    changed: bool


# ---------------------------------------------------------------------------------------------
# Reading the table


def read_table(source: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV or XLSX file as (row number, column -> text), or BadInput for an unreadable file."""
    if not source.is_file():
        raise BadInput(f"{source}: no such file")
    suffix = source.suffix.lower()
    if suffix == ".csv":
        records = _csv_records(source)
    elif suffix == ".xlsx":
        records = _xlsx_records(source)
    else:
        raise BadInput(f"{source}: unknown table type {source.suffix!r} (expected .csv or .xlsx)")
    try:
        header = next(records)
    except StopIteration:
        raise BadInput(
            f"{source}:1: the file is empty (expected a header row: {', '.join(REQUIRED_COLUMNS)})"
        ) from None
    columns = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    extra = [c for c in columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    doubled = sorted({c for c in columns if columns.count(c) > 1})
    if missing or extra or doubled:
        problems = [f"missing column(s) {', '.join(missing)}"] if missing else []
        problems += [f"unknown column(s) {', '.join(map(repr, extra))}"] if extra else []
        problems += [f"repeated column(s) {', '.join(doubled)}"] if doubled else []
        raise BadInput(
            f"{source}:1: {'; '.join(problems)} (the columns are {', '.join(REQUIRED_COLUMNS)}, optionally {', '.join(OPTIONAL_COLUMNS)})"
        )
    rows = []
    for number, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines at the end of a spreadsheet export
        if len(record) != len(columns):
            raise BadInput(
                f"{source}:{number}: the row has {len(record)} fields, the header has {len(columns)}"
            )
        rows.append((number, dict(zip(columns, (cell.strip() for cell in record)))))
    return rows


def _csv_records(source: Path) -> Iterator[list[str]]:
    try:
        text = source.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = source.read_bytes()[: err.start].count(b"\n") + 1
        raise BadInput(
            f"{source}:{line}: not UTF-8 (byte 0x{err.object[err.start]:02x} at offset {err.start}); save the table as UTF-8"
        ) from None
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise BadInput(f"{source}:{line}: NUL byte; this is not a CSV text file")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)

    def records() -> Iterator[list[str]]:
        try:
            yield from reader
        except csv.Error as err:
            raise BadInput(f"{source}:{reader.line_num}: not valid CSV: {err}") from None

    return records()


def _xlsx_records(source: Path) -> Iterator[list[str]]:
    import openpyxl  # only needed for spreadsheets

    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
    except Exception as err:  # noqa: BLE001 -- openpyxl raises zip, XML and key errors for non-workbooks
        raise BadInput(f"{source}: not an XLSX workbook ({type(err).__name__}: {err})") from None
    return ([_cell_text(v) for v in row] for row in rows)


def _cell_text(value) -> str:
    """A spreadsheet cell as the text a person typed: a date cell as YYYY-MM-DD, 2015.0 as 2015."""
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------------------------------------
# What the project already holds


def label_key(text: str) -> str:
    """Labels compare case-insensitively, with Arabic ي/ك as Persian ی/ک and without ZWNJ."""
    text = unicodedata.normalize("NFC", text).translate(ARABIC_TO_PERSIAN).replace(ZWNJ, "")
    return " ".join(text.casefold().split())


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


@dataclass
class Place:
    iri: URIRef
    label_en: str = ""
    label_fa: str = ""
    country: URIRef | None = None
    new_from_row: int | None = None


@dataclass
class ProjectIndex:
    """Cities, countries and agreements of the project graph, found by label or IRI."""

    store: ox.Store
    cities: dict[URIRef, Place] = field(default_factory=dict)
    countries: dict[URIRef, Place] = field(default_factory=dict)
    city_keys: dict[str, set[URIRef]] = field(default_factory=dict)
    country_keys: dict[str, set[URIRef]] = field(default_factory=dict)
    agreements: dict[frozenset, URIRef] = field(default_factory=dict)
    iris: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, files: list[Path]) -> ProjectIndex:
        index = cls(graph.load_store(files, entail=False))
        for kind, places, keys in (
            ("City", index.cities, index.city_keys),
            ("Country", index.countries, index.country_keys),
        ):
            for row in index._select(
                f"SELECT ?p ?l ?pred WHERE {{ ?p a cr:{kind} ; ?pred ?l . FILTER(?pred IN (rdfs:label, skos:altLabel)) }}"
            ):
                iri, label = URIRef(row["p"].value), row["l"]
                place = places.setdefault(iri, Place(iri))
                if row["pred"].value == str(RDFS.label) and label.language in ("en", "fa"):
                    setattr(place, f"label_{label.language}", label.value)
                keys.setdefault(label_key(label.value), set()).add(iri)
            for place in places.values():
                keys.setdefault(label_key(str(place.iri)), set()).add(place.iri)
        for row in index._select("SELECT ?c ?k WHERE { ?c a cr:City ; cr:country ?k }"):
            index.cities.setdefault(
                URIRef(row["c"].value), Place(URIRef(row["c"].value))
            ).country = URIRef(row["k"].value)
        for row in index._select(
            "SELECT ?a ?x ?y WHERE { ?a a cr:TwinningAgreement ; cr:party ?x, ?y . FILTER(STR(?x) < STR(?y)) }"
        ):
            index.agreements[frozenset((URIRef(row["x"].value), URIRef(row["y"].value)))] = URIRef(
                row["a"].value
            )
        index.iris = {q.subject.value for q in index.store if isinstance(q.subject, ox.NamedNode)}
        return index

    def _select(self, query: str):
        return self.store.query(sparql_prologue() + query)

    def find(self, text: str, kind: str) -> set[URIRef]:
        """The cities (or countries) whose label, alternative label or IRI is `text`."""
        keys = self.city_keys if kind == "city" else self.country_keys
        if text.startswith(("crid:", "cr:")):
            text = PREFIXES[text.split(":", 1)[0]] + text.split(":", 1)[1]
        return keys.get(label_key(text), set())

    def add_city(self, place: Place) -> None:
        self.cities[place.iri] = place
        self.iris.add(str(place.iri))
        for text in (place.label_en, place.label_fa, str(place.iri)):
            if text:
                self.city_keys.setdefault(label_key(text), set()).add(place.iri)


# ---------------------------------------------------------------------------------------------
# Turning rows into triples


@dataclass
class Pact:
    row: int
    city: URIRef
    partner: URIRef
    status: str
    date: dates.StatedDate | None
    source: str


class TableImport:
    """One table's rows, checked and turned into the triples of its data file."""

    def __init__(self, source: Path, index: ProjectIndex):
        self.source = source
        self.index = index
        self.stem = slugify(source.stem) or "table"
        self.file_entity = CRID[f"dataset/import-{self.stem}"]
        self.errors: list[RowError] = []
        self.pacts: list[Pact] = []
        self.origin: dict[URIRef, tuple[int, str]] = {}  # resource -> (row, column) it comes from
        self.graph = Graph()
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace)

    def error(self, row: int, column: str, reason: str) -> None:
        self.errors.append(RowError(row, column, reason))

    # ---- row rules

    def check_row(self, number: int, row: dict[str, str]) -> None:
        before = len(self.errors)
        for column in ("city", "partner", "partner_country", "status", "source"):
            if not row[column]:
                self.error(number, column, "required, but empty")
        status = row["status"].lower()
        if row["status"] and status not in STATUSES:
            self.error(
                number,
                "status",
                f"unknown status {row['status']!r} (expected one of {', '.join(STATUSES)})",
            )
        stated = self._check_date(number, row)
        if row["source"]:
            reason = source_problem(row["source"])
            if reason:
                self.error(number, "source", reason)
        if len(self.errors) > before:
            return
        country = self._resolve_country(number, row["partner_country"])
        city = self._resolve_city(number, row, "city", country=None)
        partner = self._resolve_city(number, row, "partner", country=country)
        if city and partner and city == partner:
            self.error(number, "partner", f"the partner is the city itself ({row['partner']!r})")
        if len(self.errors) == before:
            self.pacts.append(Pact(number, city, partner, status, stated, row["source"]))

    def _check_date(self, number: int, row: dict[str, str]) -> dates.StatedDate | None:
        if not row["date"]:
            if row["calendar"] and row["calendar"].lower() not in dates.CALENDARS:
                self.error(
                    number,
                    "calendar",
                    f"unknown calendar {row['calendar']!r} (expected gregorian or jalali)",
                )
            return None
        if not row["calendar"]:
            self.error(number, "calendar", "required when a date is given (gregorian or jalali)")
            return None
        try:
            return dates.parse_date(row["date"], row["calendar"])
        except dates.InvalidDate as err:
            column = "calendar" if str(err).startswith("unknown calendar") else "date"
            self.error(number, column, str(err))
            return None

    def _resolve_country(self, number: int, text: str) -> URIRef | None:
        found = self.index.find(text, "country")
        if len(found) == 1:
            return next(iter(found))
        reason = (
            "matches several countries: " + ", ".join(sorted(found))
            if found
            else (
                f"no country called {text!r} in the project (give its English or Persian name or its IRI)"
            )
        )
        self.error(number, "partner_country", reason)
        return None

    def _resolve_city(
        self, number: int, row: dict[str, str], column: str, country: URIRef | None
    ) -> URIRef | None:
        name, name_fa = row[column], row.get(f"{column}_fa", "")
        found = self.index.find(name, "city") or (
            self.index.find(name_fa, "city") if name_fa else set()
        )
        if len(found) > 1:
            self.error(
                number,
                column,
                f"{name!r} matches several cities: {', '.join(sorted(found))}; give the IRI",
            )
            return None
        if found:
            iri = next(iter(found))
            known = self.index.cities[iri].country
            if country is not None and known is not None and known != country:
                self.error(
                    number,
                    "partner_country",
                    f"{name} is in {_compact(known)} in the project, not {_compact(country)}",
                )
                return None
            return iri
        if name.startswith(("http://", "https://", "crid:")):
            self.error(number, column, f"no city with the IRI {name} in the project")
            return None
        if not name_fa:
            self.error(number, f"{column}_fa", f"{name!r} is a new city: give its Persian name too")
            return None
        slug = slugify(name)
        if not slug:
            self.error(
                number,
                column,
                f"{name!r} is a new city, and its English name gives no ASCII slug for its IRI",
            )
            return None
        iri, n = CRID[f"city/{slug}"], 1
        while (
            str(iri) in self.index.iris
        ):  # the slug of another city: new cities never take over an IRI
            n += 1
            iri = CRID[f"city/{slug}-{n}"]
        place = Place(iri, name, name_fa.translate(ARABIC_TO_PERSIAN), country, new_from_row=number)
        self.index.add_city(place)
        self.origin[iri] = (number, column)
        return iri

    # ---- triples

    def write_triples(self) -> tuple[int, int]:
        """Add the file, lists, entries, new cities and agreements; return (new agreements, attestations of existing ones)."""
        g, entity = self.graph, self.file_entity
        g.add((entity, RDF.type, PROV.Entity))
        g.add((entity, RDF.type, CR.ImportedFile))
        g.add((entity, RDFS.label, Literal(f"Imported table {self.source.name}", lang="en")))
        g.add((entity, DCTERMS.title, Literal(self.source.name)))
        for place in self.index.cities.values():
            if place.new_from_row is not None:
                self._add_city(place)
        agreed: dict[URIRef, Pact] = {}
        new, attested = 0, 0
        for pact in self.pacts:
            a, b = sorted((pact.city, pact.partner))
            slug_a, slug_b = (str(c).rsplit("/", 1)[1] for c in (a, b))
            entry = self._add_entry(pact)
            existing = self.index.agreements.get(frozenset((a, b)))
            agreement = existing or CRID[f"agreement/{slug_a}--{slug_b}"]
            g.add((agreement, CR.attestedBy, entry))
            g.add((agreement, DCTERMS.source, source_term(pact.source)))
            if existing:
                attested += 1
                continue
            first = agreed.get(agreement)
            if first:
                self._check_same_pact(first, pact)
                continue
            agreed[agreement] = pact
            new += 1
            self.origin[agreement] = (pact.row, "city")
            self._add_agreement(agreement, pact, (a, b))
        return new, attested

    def _add_city(self, place: Place) -> None:
        g = self.graph
        g.add((place.iri, RDF.type, CR.City))
        g.add((place.iri, RDFS.label, Literal(place.label_en, lang="en")))
        g.add((place.iri, RDFS.label, Literal(place.label_fa, lang="fa")))
        g.add((place.iri, PROV.wasDerivedFrom, self.file_entity))
        if place.country is not None:
            g.add((place.iri, CR.country, place.country))
        else:  # the table's first column has no country column of its own
            g.add((place.iri, CR.hasIssue, COUNTRY_NOT_STATED))
            g.add(
                (
                    place.iri,
                    SKOS.editorialNote,
                    Literal(
                        f"Created by importing {self.source.name} (row {place.new_from_row}), which gives no country for it.",
                        lang="en",
                    ),
                )
            )

    def _add_entry(self, pact: Pact) -> URIRef:
        g = self.graph
        city_slug = str(pact.city).rsplit("/", 1)[1]
        sister_list = CRID[f"list/import-{self.stem}--{city_slug}"]
        if (sister_list, RDF.type, CR.SisterCityList) not in g:
            city = self.index.cities[pact.city]
            g.add((sister_list, RDF.type, CR.SisterCityList))
            g.add(
                (
                    sister_list,
                    RDFS.label,
                    Literal(f"Sister cities of {city.label_en} in {self.source.name}", lang="en"),
                )
            )
            g.add((sister_list, CR.listOf, pact.city))
            g.add((sister_list, PROV.wasDerivedFrom, self.file_entity))
            self.origin[sister_list] = (pact.row, "city")
        entry = URIRef(f"{sister_list}/{pact.row}")
        g.add((entry, RDF.type, CR.ListEntry))
        g.add((entry, CR.inList, sister_list))
        g.add((entry, CR.position, Literal(pact.row, datatype=XSD.positiveInteger)))
        g.add((entry, CR.names, pact.partner))
        g.add((entry, PROV.wasDerivedFrom, self.file_entity))
        g.add((entry, DCTERMS.source, source_term(pact.source)))
        self.origin[entry] = (pact.row, "partner")
        return entry

    def _add_agreement(self, agreement: URIRef, pact: Pact, parties: tuple[URIRef, URIRef]) -> None:
        g = self.graph
        a, b = (self.index.cities[p] for p in parties)
        g.add((agreement, RDF.type, CR.TwinningAgreement))
        g.add((agreement, RDFS.label, Literal(f"{a.label_en} – {b.label_en} twinning", lang="en")))
        g.add(
            (agreement, RDFS.label, Literal(f"خواهرخواندگی {a.label_fa} و {b.label_fa}", lang="fa"))
        )
        for party in parties:
            g.add((agreement, CR.party, party))
        g.add((agreement, CR.status, CRID[f"concept/agreement-status/{pact.status}"]))
        g.add((agreement, PROV.wasDerivedFrom, self.file_entity))
        if pact.date is None:
            return
        signing = pact.date.gregorian_literal()
        if signing is not None:
            g.add((agreement, CR.signingDate, signing))
        if pact.date.calendar == dates.JALALI:
            self._add_solar_hijri_date(agreement, pact)

    def _add_solar_hijri_date(self, agreement: URIRef, pact: Pact) -> None:
        g, stated = self.graph, pact.date
        node = CRID[f"date/{str(agreement).rsplit('/', 1)[1]}-{stated.text}"]
        start, end = stated.gregorian_span()
        g.add((agreement, CR.statedDate, node))
        g.add((node, RDF.type, CR.SolarHijriDate))
        g.add((node, RDFS.label, Literal(f"{stated.text} (Solar Hijri)", lang="en")))
        g.add((node, CR.jalaliText, Literal(stated.text)))
        g.add((node, CR.jalaliYear, Literal(stated.year, datatype=XSD.integer)))
        for prop, value in ((CR.jalaliMonth, stated.month), (CR.jalaliDay, stated.day)):
            if value is not None:
                g.add((node, prop, Literal(value, datatype=XSD.integer)))
        g.add((node, CR.gregorianStart, Literal(start.isoformat(), datatype=XSD.date)))
        g.add((node, CR.gregorianEnd, Literal(end.isoformat(), datatype=XSD.date)))
        g.add((node, CR.dateOf, agreement))
        self.origin[node] = (pact.row, "date")

    def _check_same_pact(self, first: Pact, again: Pact) -> None:
        """A pair named twice in one table is one agreement, so its rows must agree on what it is."""
        if first.status != again.status:
            self.error(
                again.row,
                "status",
                f"{again.status!r}, but row {first.row} gives {first.status!r} for the same pair",
            )
        if first.date != again.date:
            stated = lambda p: p.date.text + " " + p.date.calendar if p.date else "no date"
            self.error(
                again.row,
                "date",
                f"{stated(again)}, but row {first.row} gives {stated(first)} for the same pair",
            )

    # ---- the project's shapes

    def check_shapes(self) -> None:
        """SHACL on the new triples together with the project resources they point to."""
        from cityrdf.validate import shacl_findings

        store = self.index.store
        mentioned = {o for o in self.graph.objects() if isinstance(o, URIRef)} | set(
            self.graph.subjects()
        )
        data = project_context(store, sorted(i for i in mentioned if str(i) in self.index.iris))
        data += self.graph
        _entail(data)
        ours = set(self.graph.subjects())
        for finding in shacl_findings(data):
            focus = URIRef(finding.focus_node)
            if focus not in ours or finding.severity != "Violation":
                continue
            row, column = self.origin.get(focus, (self._row_of(focus), "city"))
            path = URIRef(finding.path) if finding.path else None
            if focus in self.origin and str(focus).startswith(str(CRID["city/"])):
                column = self.origin[focus][1] + (
                    "_fa" if "@fa" in finding.message or _is_persian(finding.value) else ""
                )
            elif path in COLUMN_OF_PATH:
                column = COLUMN_OF_PATH[path]
            self.error(row, column, f"{finding.message} ({_compact(str(focus))})")

    def _row_of(self, focus: URIRef) -> int:
        rows = [
            self.origin[o][0] for o in self.graph.objects(focus, CR.attestedBy) if o in self.origin
        ]
        return min(rows, default=1)


def project_context(store: ox.Store, iris: list[URIRef]) -> Graph:
    """The project's own triples about `iris`, and the types of what they point to."""
    context = ox.Store()
    for iri in iris:
        quads = list(store.quads_for_pattern(ox.NamedNode(str(iri)), None, None))
        context.extend(quads)
        for quad in quads:
            if isinstance(quad.object, ox.NamedNode):
                context.extend(
                    store.quads_for_pattern(quad.object, ox.NamedNode(str(RDF.type)), None)
                )
    return graph.to_rdflib(context)


def _entail(data: Graph) -> None:
    """The build's entailments (cityrdf.graph.ENTAILMENT_RULES), which the shapes assume."""
    for rule in graph.ENTAILMENT_RULES.values():
        data.update(sparql_prologue() + rule)


def _is_persian(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def _compact(iri: str) -> str:
    return iri.replace(str(CRID), "crid:")


def source_problem(text: str) -> str | None:
    """Why `text` is neither an http(s) URL nor a citation, or None if it is one of them."""
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        return "contains control characters"
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", text)
    if scheme and (" " not in text or "//" in text.split()[0]):
        parts = urlsplit(text)
        if parts.scheme.lower() not in ("http", "https"):
            return f"a URL must be http:// or https://, not {parts.scheme}:"
        if not parts.hostname or " " in text:
            return f"{text!r} is not a valid URL (host missing or spaces in it)"
        return None
    if len(text) < 8 or not any(ch.isalpha() for ch in text):
        return (
            f"{text!r} is neither a URL nor a citation (author, title, year or a publisher's page)"
        )
    return None


def source_term(text: str) -> URIRef | Literal:
    return URIRef(text) if text.lower().startswith(("http://", "https://")) else Literal(text)


# ---------------------------------------------------------------------------------------------
# The verb


def import_pacts(source: Path, out: Path | None = None) -> ImportResult:
    """Check every row of `source`; write its data file only if all rows are good."""
    source = Path(source)
    rows = read_table(source)
    if not rows:
        raise BadInput(f"{source}:2: the table has a header but no rows")
    out = (
        Path(out) if out else paths.DATA_DIR / "imported" / f"{slugify(source.stem) or 'table'}.ttl"
    )
    # The table's own earlier import is left out, so that importing it again gives the same file.
    project = [f for f in graph.source_files() if f.resolve() != out.resolve()]
    table = TableImport(source, ProjectIndex.load(project))
    for number, row in rows:
        table.check_row(number, row)
    if not table.errors:
        new, attested = table.write_triples()
    if not table.errors:
        table.check_shapes()
    if table.errors:
        raise BadRows(source, sorted(set(table.errors), key=lambda e: (e.row, e.column, e.reason)))
    text = f"# Imported with `cityrdf import pacts {source.name}`; edit the table and import it again.\n"
    text += table.graph.serialize(format="turtle")
    changed = write_atomically(out, text.encode("utf-8"))
    cities = sum(1 for p in table.index.cities.values() if p.new_from_row is not None)
    return ImportResult(out, len(rows), new, attested, cities, changed)


class BadRows(NotConforming):
    """Rows that are well-formed but break the rules; `lines` has one `FILE:ROW: column: reason` each."""

    def __init__(self, source: Path, errors: list[RowError]):
        self.lines = [e.line(source) for e in errors]
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        super().__init__(f"{self.lines[0]}{more}; nothing written")


def write_atomically(path: Path, content: bytes) -> bool:
    """Replace `path` with `content` through a temporary file in the same folder; False if unchanged."""
    if path.is_file() and path.read_bytes() == content:
        return False
    atomic.write_bytes(path, content)
    return True


def run(source: Path, out: Path | None = None, echo=print) -> ImportResult:
    """The CLI's `import pacts`: bad rows are echoed one per line before the error is raised."""
    try:
        result = import_pacts(source, out)
    except BadRows as err:
        for line in err.lines:
            echo(line)
        raise
    echo(
        f"{'wrote' if result.changed else 'unchanged'} {result.out}: {result.rows} rows, "
        f"{result.agreements_new} new agreements, {result.attestations_existing} attestations of known ones, "
        f"{result.cities_new} new cities"
    )
    return result
