"""The rules each row of a table obeys, and the resources its pacts become."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cityrdf.importer import resolve
from cityrdf.importer.project import Place, ProjectIndex
from cityrdf.importer.table import NAME_COLUMNS, source_problem, text_problem
from cityrdf.importer.terms import STATUSES, slug_of
from cityrdf.rdf import dates, iris
from cityrdf.rdf.namespaces import CRID
from cityrdf.text import slug


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str
    malformed: bool = False  # the cell cannot be read (exit 2), rather than breaks a rule (exit 1)

    def line(self, source: Path) -> str:
        return f"{source}:{self.row}: {self.column}: {self.reason}"


# Slots: a 200,000-row table keeps as many pacts and agreements.
@dataclass(slots=True)
class Pact:
    row: int
    city: str
    partner: str
    status: str
    date: dates.StatedDate | None
    source: str


@dataclass(slots=True)
class Agreement:
    iri: str
    first: Pact
    existing: bool
    pacts: list[Pact] = field(default_factory=list)  # the rows that attest it


class TableImport:
    """One table's rows, checked one at a time, with the resources they name and the row each
    comes from (cityrdf.importer.triples writes them)."""

    def __init__(self, source: Path, index: ProjectIndex, new_city: bool = False):
        self.source = source
        self.index = index
        self.new_city = new_city  # accept a new city even when its name is close to a known one
        self.stem = slug(source.stem) or "table"
        self.file_entity = f"{CRID}dataset/import-{self.stem}"
        self.list_prefix = f"{CRID}list/import-{self.stem}--"
        self.errors: list[RowError] = []
        self.pacts: list[Pact] = []
        self.agreements: dict[str, Agreement] = {}
        self.origin: dict[str, tuple[int, str]] = {}  # resource -> (row, column) it comes from

    def error(self, row: int, column: str, reason: str, malformed: bool = False) -> None:
        self.errors.append(RowError(row, column, reason, malformed))

    def check_row(self, number: int, row: dict[str, str]) -> None:
        before = len(self.errors)
        for column in NAME_COLUMNS:
            problem = text_problem(row.get(column, ""))
            if problem:
                self.error(number, column, problem, malformed=True)
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
            wrong_source = source_problem(row["source"])
            if wrong_source:
                self.error(number, "source", *wrong_source)
        if len(self.errors) > before:
            return
        country = resolve.country(self, number, row)
        city = resolve.city(self, number, row, "city", country=None)
        partner = resolve.city(self, number, row, "partner", country=country)
        if city and partner and city == partner:
            self.error(number, "partner", f"the partner is the city itself ({row['partner']!r})")
        if city and partner and len(self.errors) == before:  # both resolved when no error
            self._add_pact(Pact(number, city, partner, status, stated, row["source"]))

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

    def _add_pact(self, pact: Pact) -> None:
        """Keep the pact; a pair named twice in one table is one agreement, so its rows must agree."""
        self.pacts.append(pact)
        self.origin.setdefault(self.list_of(pact.city), (pact.row, "city"))
        a, b = sorted((pact.city, pact.partner))
        existing = self.index.agreements.get(frozenset((a, b)))
        agreement_iri = existing or iris.agreement(a, b)
        agreement = self.agreements.get(agreement_iri)
        if agreement is None:
            agreement = Agreement(agreement_iri, pact, bool(existing))
            self.agreements[agreement_iri] = agreement
            if not existing and pact.date is not None and pact.date.calendar == dates.JALALI:
                self.origin[self.date_of(agreement_iri, pact.date)] = (pact.row, "date")
        elif not existing:
            self._check_same_pact(agreement.first, pact)
        agreement.pacts.append(pact)

    def _check_same_pact(self, first: Pact, again: Pact) -> None:
        if first.status != again.status:
            self.error(
                again.row,
                "status",
                f"{again.status!r}, but row {first.row} gives {first.status!r} for the same pair",
            )
        if first.date != again.date:

            def stated(p: Pact) -> str:
                return p.date.text + " " + p.date.calendar if p.date else "no date"

            self.error(
                again.row,
                "date",
                f"{stated(again)}, but row {first.row} gives {stated(first)} for the same pair",
            )

    def list_of(self, city: str) -> str:
        return self.list_prefix + slug_of(city)

    def entry_of(self, pact: Pact) -> str:
        return f"{self.list_of(pact.city)}/{pact.row}"

    def date_of(self, agreement: str, stated: dates.StatedDate) -> str:
        """The cr:SolarHijriDate node of a new agreement's Jalali date."""
        return iris.resource("date", f"{slug_of(agreement)}-{stated.text}")

    def row_of(self, resource: str) -> tuple[int, str] | None:
        """The row (and column) a resource of this import comes from; None if it is not one."""
        if resource in self.origin:
            return self.origin[resource]
        if resource in self.agreements:
            return (self.agreements[resource].first.row, "city")
        if resource.startswith(self.list_prefix):
            last = resource.rsplit("/", 1)[1]
            return (int(last), "partner") if last.isdigit() else (1, "city")
        if resource == self.file_entity:
            return (1, "city")
        return None

    @property
    def cities_new(self) -> list[Place]:
        return [p for p in self.index.cities.values() if p.new_from_row is not None]

    @property
    def countries_new(self) -> list[Place]:
        return [p for p in self.index.countries.values() if p.new_from_row is not None]
