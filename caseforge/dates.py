"""Calendar dates as case reports give them: partial, and so intervals.

A report may date an event to the day (`2021-09-29`), the month (`2021-04`),
the year (`2021`), or a day of a year it does not name (`--03-06`). Each is
read here as the interval of days it may stand for, so that later stages
keep the imprecision instead of inventing a day. Durations (`P2M`) are
added as on a calendar: a month after 31 January is the last day of
February, not 30 days later.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_DATE = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})(?:T(?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.\d+)?)?(?P<zone>Z|[+-]\d{2}:?\d{2})?)?)?)?"
    r"|--(?P<bare_month>\d{2})(?:-(?P<bare_day>\d{2}))?"
)
_DURATION = re.compile(
    r"P(?!$)(?:(?P<years>\d+(?:\.\d+)?)Y)?(?:(?P<months>\d+(?:\.\d+)?)M)?(?:(?P<weeks>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<days>\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?"
)


class DateError(ValueError):
    """A date that the calendar does not have (`2021-02-30`), in plain words."""


@dataclass(frozen=True)
class Interval:
    """The days a time may stand for, both ends included."""

    earliest: date
    latest: date

    @property
    def exact(self) -> bool:
        return self.earliest == self.latest

    def shifted(self, duration: Duration, sign: int = 1) -> Interval:
        return Interval(duration.added_to(self.earliest, sign), duration.added_to(self.latest, sign))

    def shown(self) -> str:
        """`2021-09-29`, or `2021-04-01 to 2021-04-30`."""
        if self.exact:
            return self.earliest.isoformat()
        return f"{self.earliest.isoformat()} to {self.latest.isoformat()}"

    def overlaps(self, other: Interval) -> bool:
        return self.earliest <= other.latest and other.earliest <= self.latest


@dataclass(frozen=True)
class Duration:
    """An ISO 8601 duration, kept in calendar parts."""

    years: int = 0
    months: int = 0
    days: int = 0

    def added_to(self, day: date, sign: int = 1) -> date:
        """``day`` moved by this duration as on a calendar (sign -1: back)."""
        months = day.month - 1 + sign * (12 * self.years + self.months)
        year, month = day.year + months // 12, months % 12 + 1
        try:
            clamped = min(day.day, calendar.monthrange(year, month)[1])
            return date(year, month, clamped) + timedelta(days=sign * self.days)
        except (ValueError, OverflowError):
            raise DateError("That time falls outside the calendar (years 1 to 9999).") from None


def parse_date(text: str | int) -> Interval | None:
    """The days a date may stand for; None for a date without a year
    (`--03-06`), which only an anchor can place. Raises DateError for a date
    the calendar does not have."""
    match = _DATE.fullmatch(str(text))
    if match is None:
        raise DateError(f"`{text}` is not an ISO 8601 date.")
    parts = match.groupdict()
    if parts["bare_month"]:
        _check_day(2000, int(parts["bare_month"]), int(parts["bare_day"] or 1), text)  # 2000: a leap year
        return None
    year = int(parts["year"])
    if not parts["month"]:
        return Interval(date(year, 1, 1), date(year, 12, 31))
    month = int(parts["month"])
    if not parts["day"]:
        _check_day(year, month, 1, text)
        return Interval(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
    day = _check_day(year, month, int(parts["day"]), text)
    if parts["hour"] and (int(parts["hour"]) > 23 or int(parts["minute"]) > 59 or int(parts["second"] or 0) > 59):
        raise DateError(f"`{text}` has a time of day that does not exist.")
    return Interval(day, day)


def _check_day(year: int, month: int, day: int, text: str | int) -> date:
    if not 1 <= month <= 12:
        raise DateError(f"`{text}` has month {month:02d}; months run from 01 to 12.")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        name = calendar.month_name[month]
        raise DateError(f"`{text}` is not a day of the calendar: {name} {year if year != 2000 else ''} has {last} days.".replace("  ", " "))
    return date(year, month, day)


def has_time_zone(text: str) -> bool:
    """Whether a date-time names its time zone (`Z` or an offset)."""
    match = _DATE.fullmatch(text)
    return bool(match and match.group("zone"))


def parse_duration(text: str) -> Duration:
    """An ISO 8601 duration in whole calendar parts; hours round to days."""
    match = _DURATION.fullmatch(text)
    if match is None:
        raise DateError(f"`{text}` is not an ISO 8601 duration.")
    part = {key: float(value) for key, value in match.groupdict().items() if value}
    days = part.get("days", 0) + 7 * part.get("weeks", 0) + part.get("hours", 0) / 24 + part.get("minutes", 0) / 1440
    return Duration(int(part.get("years", 0)), int(part.get("months", 0)), round(days))
