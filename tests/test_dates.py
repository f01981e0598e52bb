"""Calendar dates: partial dates as intervals, calendar arithmetic, impossible and future dates."""

from __future__ import annotations

from datetime import date

import pytest

from caseforge.dates import DateError, Interval, parse_date, parse_duration
from helpers import assert_at, case_text, diagnose, only


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2021-09-29", date(2021, 9, 29), date(2021, 9, 29)),
        ("2021-02", date(2021, 2, 1), date(2021, 2, 28)),
        ("2020-02", date(2020, 2, 1), date(2020, 2, 29)),
        ("2021", date(2021, 1, 1), date(2021, 12, 31)),
        (2021, date(2021, 1, 1), date(2021, 12, 31)),
        ("2021-09-29T08:30+08:00", date(2021, 9, 29), date(2021, 9, 29)),
    ],
)
def test_a_partial_date_is_the_interval_it_may_stand_for(text: str, earliest: date, latest: date) -> None:
    assert parse_date(text) == Interval(earliest, latest)


def test_a_date_without_a_year_has_no_interval_of_its_own() -> None:
    assert parse_date("--03-06") is None


@pytest.mark.parametrize(("text", "words"), [("2021-02-30", "February 2021 has 28 days"), ("2021-13", "months run from 01 to 12"), ("--02-30", "February has 29 days"), ("2021-09-29T25:00", "time of day")])
def test_impossible_dates_are_refused_in_plain_words(text: str, words: str) -> None:
    with pytest.raises(DateError, match=words):
        parse_date(text)


def test_months_are_added_as_on_a_calendar() -> None:
    # A month after 31 January is the end of February, not 30 days later.
    assert parse_duration("P1M").added_to(date(2021, 1, 31)) == date(2021, 2, 28)
    assert parse_duration("P2M").added_to(date(2021, 2, 14)) == date(2021, 4, 14)
    assert parse_duration("P1Y").added_to(date(2020, 2, 29)) == date(2021, 2, 28)
    assert parse_duration("P2W").added_to(date(2021, 9, 29)) == date(2021, 10, 13)
    assert parse_duration("P3D").added_to(date(2021, 3, 1), sign=-1) == date(2021, 2, 26)


def test_a_partial_date_shifted_keeps_its_width() -> None:
    april = parse_date("2021-02").shifted(parse_duration("P2M"))
    assert april == Interval(date(2021, 4, 1), date(2021, 4, 28))


# --- the check, on small cases ------------------------------------------------


def test_an_impossible_date_is_located_at_the_date() -> None:
    found = only(case_text("timeline:\n  - {id: a, kind: test, summary: s, time: 2021-02-30}\n"))
    assert_at(found, "CF401", 9, 43, "/timeline/0/time")
    assert "February 2021 has 28 days" in found.message


def test_an_impossible_date_inside_a_relative_time() -> None:
    found = only(case_text("timeline:\n  - {id: a, kind: test, summary: s, time: {date: 2021-13, as_published: x}}\n"))
    assert_at(found, "CF401", 9, 50, "/timeline/0/time/date")


def test_a_date_in_the_future_is_an_error() -> None:
    found = only(case_text("follow_up:\n  last_follow_up: 2999-01-01\n"))
    assert_at(found, "CF402", 9, 19, "/follow_up/last_follow_up")


def test_possible_dates_pass() -> None:
    text = case_text("timeline:\n  - {id: a, kind: test, summary: s, time: 2020-02-29}\n  - {id: b, kind: test, summary: s, start: 2021, end: --03-06}\n")
    assert diagnose(text) == []
