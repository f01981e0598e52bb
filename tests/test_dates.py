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


# --- the time course ------------------------------------------------------------


def timeline(*events: str) -> str:
    return case_text("timeline:\n" + "".join(f"  - {event}\n" for event in events))


def test_a_relative_time_is_placed_from_its_anchor() -> None:
    from caseforge.source import loads
    from caseforge.checks import mappings
    from caseforge.timecourse import resolve

    text = timeline(
        "{id: haplo, kind: intervention, summary: s, time: 2021-02}",
        "{id: eye, kind: relapse, summary: s, time: {after: P2M, of: haplo}}",
        "{id: crs, kind: adverse_event, summary: s, time: {day: 7, of: eye}}",
    )
    document, _ = loads(text.encode(), "case.yaml")
    entries = {m["id"]: (p, m) for p, m in mappings(document) if "id" in m}
    course = resolve(entries)
    assert course.start["eye"] == Interval(date(2021, 4, 1), date(2021, 4, 28))
    assert course.start["crs"] == Interval(date(2021, 4, 8), date(2021, 5, 5))
    assert course.problems == []


def test_a_cycle_of_anchors_is_an_error() -> None:
    found = diagnose(timeline("{id: a, kind: test, summary: s, time: {day: 2, of: b}}", "{id: b, kind: test, summary: s, time: {day: -2, of: a}}"))
    assert [item.code for item in found] == ["CF403"]


def test_a_date_and_a_relative_time_that_disagree() -> None:
    found = only(timeline("{id: haplo, kind: intervention, summary: s, time: 2021-02}", "{id: eye, kind: relapse, summary: s, time: {date: 2021-06, after: P2M, of: haplo}}"))
    assert_at(found, "CF404", 10, 48, "/timeline/1/time")
    assert "2021-06-01 to 2021-06-30 against 2021-04-01 to 2021-04-28" in found.message


def test_a_partial_date_agrees_with_a_day_inside_it() -> None:
    text = timeline("{id: haplo, kind: intervention, summary: s, time: 2021-02-14}", "{id: eye, kind: relapse, summary: s, time: {date: 2021-04, after: P2M, of: haplo}}")
    assert diagnose(text) == []


def test_an_entry_that_ends_before_it_starts() -> None:
    found = only(timeline("{id: course, kind: intervention, summary: s, start: 2021-09-29, end: 2021-09-20}"))
    assert_at(found, "CF405", 9, 74, "/timeline/0/end")


def test_timeline_out_of_order_is_a_warning_with_the_right_order() -> None:
    found = only(timeline("{id: late, kind: test, summary: s, time: 2021-10}", "{id: early, kind: test, summary: s, time: 2021-09}"))
    assert (found.code, found.severity.value) == ("CF406", "warning")
    assert found.hint == "List the timeline in order of time: `early`, `late`."


def test_an_adverse_event_before_its_cause() -> None:
    text = case_text(
        "interventions:\n  - {id: car-t-2, kind: cell_therapy, name: CAR-T, time: 2021-09-29}\n"
        "follow_up:\n  adverse_events:\n    - {id: crs, name: CRS, time: {day: -3, of: car-t-2}, attributed_to: [car-t-2]}\n"
    )
    found = only(text)
    assert found.code == "CF407" and "`car-t-2`" in found.message


def test_an_outcome_before_what_it_assesses() -> None:
    text = case_text(
        "interventions:\n  - {id: car-t-2, kind: cell_therapy, name: CAR-T, time: 2021-09-29}\n"
        "follow_up:\n  clinician_assessed:\n    - {id: cr, summary: remission, time: 2021-08, assesses: [car-t-2]}\n"
    )
    found = only(text)
    assert found.code == "CF408"


def _course(text: str):
    from caseforge.checks import mappings
    from caseforge.source import loads
    from caseforge.timecourse import resolve

    document, _ = loads(text.encode(), "case.yaml")
    return resolve({m["id"]: (p, m) for p, m in mappings(document) if "id" in m})


def test_day_numbers_along_a_chain_need_no_calendar_date() -> None:
    course = _course(timeline(
        "{id: ld, kind: intervention, summary: s, time: 2021-09-29}",
        "{id: car-t, kind: intervention, summary: s, time: {follows: ld}}",
        "{id: crs, kind: adverse_event, summary: s, time: {day: 1, of: car-t}}",
        "{id: peak, kind: test, summary: s, time: {day: 14, of: car-t}}",
        "{id: month, kind: response, summary: s, time: {after: P1M, of: car-t}}",
    ))
    assert course.days_from("car-t", "crs") == (1, 1)
    assert course.days_from("car-t", "peak") == (14, 14)
    assert course.days_from("car-t", "month") == (28, 31)  # a month is 28 to 31 days
    assert course.days_from("crs", "peak") == (13, 13)
    assert course.days_from("car-t", "ld") is None  # not on the chain, and car-t is undated


def test_day_numbers_between_dated_entries_are_as_wide_as_their_dates() -> None:
    course = _course(timeline("{id: a, kind: test, summary: s, time: 2021-09-29}", "{id: b, kind: test, summary: s, time: 2021-10}"))
    assert course.days_from("a", "b") == (2, 32)
    assert course.exactness() == (1, 1, 0)


def test_a_date_time_without_its_zone_is_a_warning() -> None:
    found = only(timeline("{id: a, kind: test, summary: s, time: 2021-09-29T08:30}"))
    assert (found.code, found.severity.value) == ("CF409", "warning")


def test_an_entry_before_birth() -> None:
    text = case_text(
        patient="patient:\n  age: {value: 6, unit: a}\n  sex: female",
        extra="timeline:\n  - {id: p, kind: presentation, summary: s, time: 2021-03}\ndiagnostic_assessment:\n  tests:\n    - {id: old, name: x-ray, result: {text: normal}, time: 2010-05}\n",
    )
    found = only(text)
    assert found.code == "CF410" and "`old`" in found.message


def test_a_stated_duration_against_start_and_end() -> None:
    wrong = only(case_text("interventions:\n  - {id: doxy, kind: drug, name: doxycycline, route: oral, frequency: twice daily, start: 2021-09-01, end: 2021-09-10, duration: {value: 6, unit: wk}}\n"))
    assert wrong.code == "CF412" and "10 days apart" in wrong.message
    right = case_text("interventions:\n  - {id: doxy, kind: drug, name: doxycycline, route: oral, frequency: twice daily, start: 2021-09-01, end: 2021-10-12, duration: {value: 6, unit: wk}}\n")
    assert diagnose(right) == []


def test_ages_that_do_not_fit_together() -> None:
    text = case_text(
        extra="timeline:\n  - {id: p, kind: presentation, summary: s, time: 2020-07}\n  - {id: later, kind: follow_up, summary: s, time: {date: 2021, age: {value: 70, unit: a}}}\n",
    )
    found = only(text)
    assert found.code == "CF411" and found.pointer == "/timeline/1/time/age"


def test_the_length_of_follow_up_is_counted_from_the_index_event() -> None:
    text = case_text(
        extra="index_event: p\ntimeline:\n  - {id: p, kind: presentation, summary: s, time: 2021-01-10}\nfollow_up:\n  last_follow_up: 2021-03-10\n  duration: {value: 1, unit: a}\n",
    )
    found = only(text)
    assert found.code == "CF412" and found.pointer == "/follow_up/duration"


def test_day_zero_defaults_to_the_first_presentation() -> None:
    from caseforge.timecourse import index_event

    assert index_event({"timeline": [{"id": "a", "kind": "test"}, {"id": "b", "kind": "presentation"}]}) == "b"
    assert index_event({"timeline": [{"id": "a", "kind": "test"}]}) == "a"
    assert index_event({"index_event": "x", "timeline": []}) == "x"


def test_undated_entries_are_ordered_by_their_relations() -> None:
    from caseforge.checks import mappings
    from caseforge.source import loads
    from caseforge.timecourse import resolve

    text = timeline(
        "{id: relapse, kind: relapse, summary: s, time: {follows: second}}",
        "{id: first, kind: intervention, summary: s, time: 2020-08}",
        "{id: referral, kind: test, summary: s, time: {precedes: first}}",
        "{id: second, kind: intervention, summary: s, time: {follows: first}}",
        "{id: unknown, kind: other, summary: s}",
    )
    document, _ = loads(text.encode(), "case.yaml")
    entries = {m["id"]: m for _, m in mappings(document) if "id" in m}
    course = resolve({identifier: ("", mapping) for identifier, mapping in entries.items()})
    assert course.ordered(entries) == ["referral", "first", "second", "relapse", "unknown"]


@pytest.mark.parametrize("time", ["{day: 99999999999, of: p}", "{after: P99999Y, of: p}", "{before: P9999Y, of: p}"])
def test_a_time_beyond_the_calendar_is_reported_not_a_crash(time: str) -> None:
    found = only(timeline("{id: p, kind: presentation, summary: s, time: 2021-01-01}", f"{{id: b, kind: test, summary: s, time: {time}}}"))
    assert found.code == "CF401" and "outside the calendar" in found.message


def test_during_places_an_entry_within_the_span_it_names() -> None:
    course = _course(timeline(
        "{id: stay, kind: admission, summary: s, start: 2021-03-02, end: 2021-03-20}",
        "{id: fit, kind: symptom, summary: s, time: {during: stay}}",
    ))
    assert course.start["fit"] == Interval(date(2021, 3, 2), date(2021, 3, 20))


def test_a_time_given_only_as_an_age_is_placed_from_birth() -> None:
    from caseforge.checks import mappings
    from caseforge.source import loads
    from caseforge.timecourse import born, resolve

    text = timeline("{id: p, kind: presentation, summary: s, time: 2020-07-21}", "{id: first-fit, kind: symptom, summary: s, time: {age: {value: 3, unit: a}}}")
    document, _ = loads(text.encode(), "case.yaml")
    birth = born(Interval(date(2020, 7, 21), date(2020, 7, 21)), {"value": 62, "unit": "a"})
    course = resolve({m["id"]: (p, m) for p, m in mappings(document) if "id" in m}, birth)
    placed = course.start["first-fit"]
    assert placed.earliest.year == 1960 and placed.latest.year == 1962


def test_days_from_takes_the_narrower_of_the_chain_and_the_dates() -> None:
    course = _course(timeline(
        "{id: zero, kind: diagnosis, summary: s, time: 2020-01-01}",
        "{id: later, kind: follow_up, summary: s, time: {after: P1Y, of: zero, date: 2021-01-01}}",
    ))
    assert course.days_from("zero", "later") == (366, 366)
