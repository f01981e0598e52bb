"""The time course: anchors that lead somewhere, times that agree, an order that holds.

- CF403: a chain of anchors that comes back to where it started.
- CF404: a date and a relative time of one entry that cannot both be true,
  beyond the precision of a partial date.
- CF405: an entry that ends before it starts.
- CF406 (warning): timeline events listed out of their order in time.
- CF407: an adverse event dated before every intervention named as its cause.
- CF408: an outcome dated before the intervention it assesses.

Times are placed by :mod:`caseforge.timecourse`; an entry that cannot be
dated is never reported for its order.
"""

from __future__ import annotations

from typing import Any, Iterator

from caseforge.checks import check, located, mappings
from caseforge.dates import Interval
from caseforge.diagnostics import Diagnostic
from caseforge.source import Document
from caseforge.timecourse import TimeCourse, resolve


@check
def time_course(document: Document) -> Iterator[Diagnostic]:
    entries = {mapping["id"]: (pointer, mapping) for pointer, mapping in mappings(document) if isinstance(mapping.get("id"), str)}
    course = resolve(entries)
    for problem in course.problems:
        if problem.kind == "cycle":
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
            yield located(document, "CF405", f"{pointer}/end", f"`{identifier}` ends ({_show(end)}) before it starts ({_show(start)}).", "Check the start and the end against the report.")


def _timeline_order(document: Document, course: TimeCourse) -> Iterator[Diagnostic]:
    events = document.data.get("timeline") or []
    placed = [(index, event["id"], course.start.get(event["id"])) for index, event in enumerate(events) if isinstance(event, dict) and isinstance(event.get("id"), str)]
    dated = [(index, identifier, interval) for index, identifier, interval in placed if interval is not None]
    for (_, before_id, before), (index, after_id, after) in zip(dated, dated[1:]):
        if after.latest < before.earliest:
            order = [identifier for _, identifier, _ in sorted(dated, key=lambda item: (item[2].earliest, item[0]))]
            yield located(document, "CF406", f"/timeline/{index}", f"`{after_id}` ({_show(after)}) is listed after `{before_id}` ({_show(before)}), which comes later.", "List the timeline in order of time: " + ", ".join(f"`{identifier}`" for identifier in order) + ".")
            return  # one out-of-order pair is enough: the hint gives the whole order


def _causes_and_assessments(document: Document, course: TimeCourse) -> Iterator[Diagnostic]:
    follow_up = document.data.get("follow_up") or {}
    events = follow_up.get("adverse_events")
    for index, event in enumerate(events if isinstance(events, list) else []):
        causes = [cause for cause in event.get("attributed_to", []) if course.start.get(cause) is not None]
        onset = course.start.get(event.get("id", "")) if isinstance(event.get("id"), str) else None
        if onset is not None and causes and all(onset.latest < course.start[cause].earliest for cause in causes):
            named = ", ".join(f"`{cause}`" for cause in causes)
            yield located(document, "CF407", f"/follow_up/adverse_events/{index}", f"The adverse event `{event['id']}` ({_show(onset)}) is dated before {named}, named as its cause.", "Check the dates, or the intervention it is attributed to.")
    outcomes = follow_up.get("clinician_assessed")
    for index, outcome in enumerate(outcomes if isinstance(outcomes, list) else []):
        when = course.start.get(outcome.get("id", "")) if isinstance(outcome.get("id"), str) else None
        for assessed in outcome.get("assesses", []):
            given = course.start.get(assessed)
            if when is not None and given is not None and when.latest < given.earliest:
                yield located(document, "CF408", f"/follow_up/clinician_assessed/{index}", f"The outcome `{outcome['id']}` ({_show(when)}) is dated before `{assessed}` ({_show(given)}), which it assesses.", "Check the dates of the outcome and of the intervention.")


def _show(interval: Interval) -> str:
    return interval.shown()
