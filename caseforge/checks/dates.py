"""Dates: every date is one the calendar has, and none lies in the future.

- A date the calendar does not have (`2021-02-30`, month 13) is an error at
  the date (CF401).
- A date after today is an error: a case report describes what happened
  (CF402).

The time course itself (relative times resolved against their anchors, and
the checks of order and consistency) is built on these dates; see
:mod:`caseforge.dates`.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterator

from caseforge.checks import check, located, values
from caseforge.dates import DateError, parse_date
from caseforge.diagnostics import Diagnostic
from caseforge.source import Document

# Fields that hold a date: a whole time given as a date, or its `date` part.
_TIME_FIELDS = frozenset({"time", "start", "end", "onset", "last_follow_up"})


@check
def calendar_dates(document: Document) -> Iterator[Diagnostic]:
    today = date.today()
    for pointer, value in values(document):
        if not _is_date_field(pointer, value):
            continue
        try:
            interval = parse_date(value)
        except DateError as error:
            yield located(document, "CF401", pointer, str(error), "Check the date against the report; write it as YYYY-MM-DD, YYYY-MM or YYYY.")
            continue
        if interval is not None and interval.earliest > today:
            yield located(document, "CF402", pointer, f"`{value}` is in the future.", "Check the year: a case report describes what has happened.")


def _is_date_field(pointer: str, value: Any) -> bool:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return False
    field = pointer.rpartition("/")[2]
    # `date` inside a time, or a time written as a bare date (`time: 2021-09-29`).
    return field == "date" or field in _TIME_FIELDS
