"""Dates as people write them: Gregorian or Solar Hijri (Jalali), at year, month or day precision.

Every date the project reads from users goes through `parse_date`, which refuses impossible dates
(2015-02-30, 1394-13-01, 1398-12-30) with a reason, and `StatedDate` converts them with jdatetime.
"""

from __future__ import annotations

import calendar as gregorian_calendar
import datetime as dt
import os
import re
from dataclasses import dataclass

import jdatetime
import pyoxigraph as ox

from cityrdf.errors import BadInput
from cityrdf.rdf.namespaces import XSD

GREGORIAN = "gregorian"
JALALI = "jalali"
CALENDARS = (GREGORIAN, JALALI)
# The shapes accept 1900..2030 CE; 1279..1409 SH covers the same years.
YEAR_RANGE = {GREGORIAN: (1900, 2030), JALALI: (1279, 1409)}
DATE_PATTERN = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


class InvalidDate(ValueError):
    """A date that is malformed or does not exist; `str(err)` says why."""


@dataclass(frozen=True, order=True)
class StatedDate:
    """A date at the precision it was stated: `month` and `day` are None when not given."""

    calendar: str
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def text(self) -> str:
        """The date as stated, in ASCII digits: "1394", "1394-02", "1394-02-15"."""
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p is not None]
        return "-".join(parts)

    def gregorian_span(self) -> tuple[dt.date, dt.date]:
        """The first and last Gregorian day the stated date covers."""
        if self.calendar == GREGORIAN:
            first = dt.date(self.year, self.month or 1, self.day or 1)
            if self.day:
                return first, first
            if self.month:
                return first, first.replace(
                    day=gregorian_calendar.monthrange(self.year, self.month)[1]
                )
            return first, dt.date(self.year, 12, 31)
        first = jdatetime.date(self.year, self.month or 1, self.day or 1)
        if self.day:
            last = first
        elif self.month:
            last = jdatetime.date(self.year, self.month, jalali_month_length(self.year, self.month))
        else:
            last = jdatetime.date(self.year, 12, jalali_month_length(self.year, 12))
        return first.togregorian(), last.togregorian()

    def gregorian_literal(self) -> ox.Literal | None:
        """The finest Gregorian date (day, month or year) that holds the whole span, if there is one.

        A Gregorian date is itself at its own precision. A Jalali day is one Gregorian day; a
        Jalali month or year always straddles two Gregorian months, so it becomes the Gregorian
        year when it lies inside one, else None (docs/decisions/0003-imported-dates.md).
        """
        start, end = self.gregorian_span()
        if start == end:
            return ox.Literal(start.isoformat(), datatype=XSD.date)
        month_end = gregorian_calendar.monthrange(end.year, end.month)[1]
        if (start.year, start.month) == (end.year, end.month) and (start.day, end.day) == (
            1,
            month_end,
        ):
            return ox.Literal(f"{start.year:04d}-{start.month:02d}", datatype=XSD.gYearMonth)
        if start.year == end.year:
            return ox.Literal(f"{start.year:04d}", datatype=XSD.gYear)
        return None


def jalali_month_length(year: int, month: int) -> int:
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if jdatetime.date(year, 1, 1).isleap() else 29


def parse_date(text: str, calendar: str = GREGORIAN) -> StatedDate:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` in `calendar`, or InvalidDate saying what is wrong."""
    calendar = calendar.strip().lower()
    if calendar not in CALENDARS:
        raise InvalidDate(f"unknown calendar {calendar!r} (expected gregorian or jalali)")
    match = DATE_PATTERN.fullmatch(text.strip())
    if not match:
        raise InvalidDate(f"{text!r} is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)")
    year_text, month_text, day_text = match.groups()
    year = int(year_text)
    month = int(month_text) if month_text else None
    day = int(day_text) if day_text else None
    low, high = YEAR_RANGE[calendar]
    if not low <= year <= high:
        raise InvalidDate(f"year {year} is outside {low}..{high} ({calendar})")
    if month is not None and not 1 <= month <= 12:
        raise InvalidDate(f"{text.strip()}: month {month} does not exist (1..12)")
    if day is not None and month is not None:  # the pattern gives no day without a month
        last = (
            gregorian_calendar.monthrange(year, month)[1]
            if calendar == GREGORIAN
            else jalali_month_length(year, month)
        )
        if not 1 <= day <= last:
            raise InvalidDate(
                f"{text.strip()}: day {day} does not exist in that month ({calendar}, 1..{last})"
            )
    return StatedDate(calendar, year, month, day)


def jalali_to_gregorian(year: int, month: int, day: int) -> dt.date:
    return parse_date(f"{year:04d}-{month:02d}-{day:02d}", JALALI).gregorian_span()[0]


def gregorian_to_jalali(day: dt.date) -> StatedDate:
    j = jdatetime.date.fromgregorian(date=day)
    return StatedDate(JALALI, j.year, j.month, j.day)


def run_time() -> dt.datetime:
    """When this build or publication happened, to the second, in UTC: $SOURCE_DATE_EPOCH when it
    is set (https://reproducible-builds.org/specs/source-date-epoch/: two runs of the same sources
    then write the same bytes), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    if not epoch.isdigit():
        raise BadInput(f"SOURCE_DATE_EPOCH={epoch!r}: expected whole seconds since 1970")
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
