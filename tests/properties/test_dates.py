"""Properties of cityrdf.rdf.dates: Jalali <-> Gregorian round trips and contiguous spans."""

import calendar
import datetime as dt
import itertools

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityrdf.rdf import dates
from cityrdf.rdf.namespaces import XSD

# The range the shapes accept, in days both calendars can name (1279-01-01 SH is 1900-03-21).
DAYS = st.dates(min_value=dt.date(1900, 3, 21), max_value=dt.date(2030, 12, 31))
JALALI_YEARS = st.integers(min_value=1279, max_value=1409)


@st.composite
def jalali_days(draw):
    year = draw(JALALI_YEARS)
    month = draw(st.integers(1, 12))
    return year, month, draw(st.integers(1, dates.jalali_month_length(year, month)))


@settings(max_examples=300, deadline=None)
@given(DAYS)
def test_gregorian_day_round_trips_through_jalali(day):
    jalali = dates.gregorian_to_jalali(day)
    assert dates.parse_date(jalali.text, "jalali") == jalali
    assert jalali.gregorian_span() == (day, day)
    assert jalali.gregorian_literal() == ox.Literal(day.isoformat(), datatype=XSD.date)


@settings(max_examples=300, deadline=None)
@given(jalali_days())
def test_jalali_day_round_trips_through_gregorian(ymd):
    assert dates.gregorian_to_jalali(dates.jalali_to_gregorian(*ymd)) == dates.StatedDate(
        "jalali", *ymd
    )


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1279, max_value=1408))
def test_jalali_years_and_months_tile_the_gregorian_calendar(year):
    start, end = dates.parse_date(f"{year}", "jalali").gregorian_span()
    assert (end - start).days + 1 in (365, 366)
    assert dates.parse_date(f"{year + 1}", "jalali").gregorian_span()[0] == end + dt.timedelta(
        days=1
    )
    months = [dates.parse_date(f"{year}-{m:02d}", "jalali").gregorian_span() for m in range(1, 13)]
    assert months[0][0] == start and months[-1][1] == end
    assert all(a[1] + dt.timedelta(days=1) == b[0] for a, b in itertools.pairwise(months))
    # A Jalali year always straddles two Gregorian years, so it has no Gregorian signing date.
    assert dates.parse_date(f"{year}", "jalali").gregorian_literal() is None


@settings(max_examples=200, deadline=None)
@given(st.integers(1900, 2030), st.integers(1, 12), st.integers(29, 40))
def test_gregorian_days_past_the_month_end_are_refused(year, month, day):
    text = f"{year}-{month:02d}-{day:02d}"
    if day <= calendar.monthrange(year, month)[1]:
        assert dates.parse_date(text).gregorian_span() == (dt.date(year, month, day),) * 2
    else:
        with pytest.raises(dates.InvalidDate, match="does not exist"):
            dates.parse_date(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12))
def test_any_text_is_a_date_or_a_reason(text):
    try:
        stated = dates.parse_date(text, "jalali")
    except dates.InvalidDate as err:
        assert str(err)
    else:
        assert stated.text == text.strip()


@pytest.mark.parametrize(
    "text", ["1394-13-01", "1398-12-30", "1394-00-10", "1394-07-31", "1278", "1410"]
)
def test_impossible_jalali_dates_are_refused(text):
    with pytest.raises(dates.InvalidDate):
        dates.parse_date(text, "jalali")


def test_leap_esfand_has_30_days():
    assert dates.parse_date("1399-12-30", "jalali").gregorian_span()[0] == dt.date(2021, 3, 20)
