"""The time course: anchors that lead somewhere, times that agree, an order that holds.

- CF403: a chain of anchors that comes back to where it started.
- CF404: a date and a relative time of one entry that cannot both be true,
  beyond the precision of a partial date.
- CF405: an entry that ends before it starts.
- CF406 (warning): timeline events listed out of their order in time.
- CF407: an adverse event dated before every intervention named as its cause.
- CF408: an outcome dated before the intervention it assesses.
- CF409 (warning): a date-time without its time zone.
- CF410: an entry dated before the patient was born (from the age at the
  first presentation on the timeline).
- CF411: an age given at an entry that does not fit the age at presentation.
- CF412: a stated duration (of a treatment, or of follow-up from day 0)
  that disagrees with the start and the end.

Times are placed by :mod:`caseforge.timecourse`; an entry that cannot be
dated is never reported for its order.
"""

from __future__ import annotations

from typing import Any, Iterator

from caseforge.checks import check, located, mappings, values
from caseforge.dates import DateError, Interval, has_time_zone, parse_date
from caseforge.diagnostics import Diagnostic
from caseforge.source import Document
from caseforge.timecourse import TimeCourse, born, days_of, index_event, resolve

_resolved: tuple[Document | None, dict[str, tuple[str, dict[str, Any]]], TimeCourse | None] = (None, {}, None)


def course_of(document: Document) -> tuple[dict[str, tuple[str, dict[str, Any]]], TimeCourse]:
    """The entries with an id (id -> pointer and mapping) and their time course,
    resolved once per document; the renderer uses it too."""
    global _resolved
    if _resolved[0] is not document:
        entries = {mapping["id"]: (pointer, mapping) for pointer, mapping in mappings(document) if isinstance(mapping.get("id"), str)}
        _resolved = (document, entries, resolve(entries, birth_interval(document)))
    return _resolved[1], _resolved[2]  # type: ignore[return-value]


@check
def time_course(document: Document) -> Iterator[Diagnostic]:
    entries, course = course_of(document)
    for problem in course.problems:
        if problem.kind == "beyond":
            yield located(document, "CF401", problem.pointer, "This time, counted from its anchor, falls outside the calendar (years 1 to 9999).", "Check the day number or the duration against the report.")
        elif problem.kind == "cycle":
            yield located(document, "CF403", problem.pointer, f"The time of `{problem.detail}` counts from an entry whose time counts back from it: the chain of `of` never reaches a date.", "Date one entry of the chain, or count it from an entry outside the chain.")
        else:
            yield located(document, "CF404", problem.pointer, f"The date and the relative time disagree: {problem.detail}.", "Check both against the report. If the report itself gives both, keep the one it treats as exact and put the other, in its words, in `as_published`.")
    yield from _ends_before_starts(document, entries, course)
    yield from _timeline_order(document, course)
    yield from _causes_and_assessments(document, course)


def _ends_before_starts(document: Document, entries: dict[str, tuple[str, dict[str, Any]]], course: TimeCourse) -> Iterator[Diagnostic]:
    for identifier, (pointer, _) in entries.items():
        start, end = course.start.get(identifier), course.end.get(identifier)
        if start is not None and end is not None and end.latest < start.earliest:
            yield located(document, "CF405", f"{pointer}/end", f"`{identifier}` ends ({end.shown()}) before it starts ({start.shown()}).", "Check the start and the end against the report.")


def _timeline_order(document: Document, course: TimeCourse) -> Iterator[Diagnostic]:
    events = document.data.get("timeline") or []
    placed = [(index, event["id"], course.start.get(event["id"])) for index, event in enumerate(events) if isinstance(event, dict) and isinstance(event.get("id"), str)]
    dated = [(index, identifier, interval) for index, identifier, interval in placed if interval is not None]
    for (_, before_id, before), (index, after_id, after) in zip(dated, dated[1:]):
        if after.latest < before.earliest:
            order = [identifier for _, identifier, _ in sorted(dated, key=lambda item: (item[2].earliest, item[0]))]
            yield located(document, "CF406", f"/timeline/{index}", f"`{after_id}` ({after.shown()}) is listed after `{before_id}` ({before.shown()}), which comes later.", "List the timeline in order of time: " + ", ".join(f"`{identifier}`" for identifier in order) + ".")
            return  # one out-of-order pair is enough: the hint gives the whole order


def _causes_and_assessments(document: Document, course: TimeCourse) -> Iterator[Diagnostic]:
    follow_up = document.data.get("follow_up") or {}
    events = follow_up.get("adverse_events")
    for index, event in enumerate(events if isinstance(events, list) else []):
        causes = [cause for cause in event.get("attributed_to", []) if course.start.get(cause) is not None]
        onset = course.start.get(event.get("id", "")) if isinstance(event.get("id"), str) else None
        if onset is not None and causes and all(onset.latest < course.start[cause].earliest for cause in causes):
            named = ", ".join(f"`{cause}`" for cause in causes)
            yield located(document, "CF407", f"/follow_up/adverse_events/{index}", f"The adverse event `{event['id']}` ({onset.shown()}) is dated before {named}, named as its cause.", "Check the dates, or the intervention it is attributed to.")
    outcomes = follow_up.get("clinician_assessed")
    for index, outcome in enumerate(outcomes if isinstance(outcomes, list) else []):
        when = course.start.get(outcome.get("id", "")) if isinstance(outcome.get("id"), str) else None
        for assessed in outcome.get("assesses", []):
            given = course.start.get(assessed)
            if when is not None and given is not None and when.latest < given.earliest:
                yield located(document, "CF408", f"/follow_up/clinician_assessed/{index}", f"The outcome `{outcome['id']}` ({when.shown()}) is dated before `{assessed}` ({given.shown()}), which it assesses.", "Check the dates of the outcome and of the intervention.")



@check
def stated_durations(document: Document) -> Iterator[Diagnostic]:
    """CF412: a treatment's stated duration against its start and end."""
    entries, course = course_of(document)
    follow_up = document.data.get("follow_up") or {}
    index = index_event(document.data)
    if isinstance(follow_up.get("duration"), dict) and index in entries and "last_follow_up" in follow_up:
        # The stated length of follow-up, from the index event to the last
        # visit; named so that no id of the case can clash with it.
        anchor = entries[index][1]
        length = {"start": anchor.get("time", anchor.get("start")), "end": follow_up["last_follow_up"], "duration": follow_up["duration"]}
        entries = {**entries, "the follow-up": ("/follow_up", length)}
        course = resolve(entries, birth_interval(document))
    for identifier, (pointer, mapping) in entries.items():
        stated = days_of(mapping.get("duration"))
        start, end = course.start.get(identifier), course.end.get(identifier)
        if stated is None or start is None or end is None:
            continue
        # Both ends count: a course from day 1 to day 3 lasts 3 days.
        shortest, longest = (end.earliest - start.latest).days + 1, (end.latest - start.earliest).days + 1
        if stated[1] < shortest - 1 or stated[0] > longest + 1:
            span = f"{shortest} days" if shortest == longest else f"{shortest} to {longest} days"
            yield located(document, "CF412", f"{pointer}/duration", f"`{identifier}` is stated to last {mapping['duration']['value']} {mapping['duration']['unit']}, but its start and end are {span} apart.", "Check the duration, the start and the end against the report.")


@check
def zones_and_birth(document: Document) -> Iterator[Diagnostic]:
    """CF409: date-times without a time zone; CF410 and CF411: birth and ages."""
    for pointer, value in values(document):
        if isinstance(value, str) and "T" in value and pointer.rpartition("/")[2] in ("date", "time", "start", "end") and value[:4].isdigit() and not has_time_zone(value):
            yield located(document, "CF409", pointer, f"`{value}` gives a time of day without its time zone.", "Add the zone as the report gives it (`Z` for UTC, or an offset such as `+08:00`), or give the date alone.")
    birth = birth_interval(document)
    if birth is None:
        return
    entries, course = course_of(document)
    for identifier, (pointer, mapping) in entries.items():
        when = course.start.get(identifier)
        if when is not None and when.latest < birth.earliest:
            yield located(document, "CF410", pointer, f"`{identifier}` ({when.shown()}) is dated before the patient was born (from the age at presentation, {birth.shown()}).", "Check the date, and the patient's age.")
        time = mapping.get("time")
        if when is not None and isinstance(time, dict) and "age" in time:
            implied = born(when, time["age"])
            if implied is not None and not implied.overlaps(birth):
                yield located(document, "CF411", f"{pointer}/time/age", f"The age at `{identifier}` does not fit the age at presentation: one puts the birth at {implied.shown()}, the other at {birth.shown()}.", "Check both ages and the dates against the report.")


def birth_interval(document: Document) -> Interval | None:
    """When the patient was born, from the age at presentation and its date."""
    patient = document.data.get("patient") or {}
    presentation = _presentation(document)
    return born(presentation, patient.get("age")) if presentation is not None else None


def _presentation(document: Document) -> Interval | None:
    """The date of the first presentation (or admission) on the timeline."""
    for event in document.data.get("timeline") or []:
        if isinstance(event, dict) and event.get("kind") in ("presentation", "admission"):
            time = event.get("time")
            written = time.get("date") if isinstance(time, dict) else time
            try:
                return parse_date(written) if isinstance(written, (str, int)) else None
            except DateError:
                return None
    return None
