"""The time course of a case: every dated entry placed on the calendar.

Each entry with an id and a time (`time`, or `start` and `end`) is placed as
an interval of days, [earliest, latest]: a date gives its own interval, and a
time relative to another entry (`day: 7, of: x`, `after: P2M, of: x`) is
that entry's interval moved by the offset, so the imprecision of a partial
date or of months is kept. Entries that no chain of anchors dates stay
unplaced (`follows`, `precedes` and `during` only order them). The
resolution runs once and is shared by the checks and, later, the renderer.

What is found on the way (a cycle of anchors, a date and a relative time
that disagree) is kept in ``problems`` for the dates check to report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from caseforge.dates import DateError, Duration, Interval, parse_date, parse_duration


@dataclass(frozen=True)
class Problem:
    kind: str  # "cycle" or "disagree"
    pointer: str
    detail: str


@dataclass
class TimeCourse:
    """Where each entry with an id lies in time, as far as the case says."""

    start: dict[str, Interval | None] = field(default_factory=dict)
    end: dict[str, Interval | None] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # For entries timed relative to others: the entry their chain of anchors
    # ends at, and their distance from it in days (low, high).
    offset: dict[str, tuple[str, int, int]] = field(default_factory=dict)

    def days_from(self, index: str, identifier: str) -> tuple[int, int] | None:
        """The day numbers of an entry counted from the index event (its day 0),
        as the range the case allows: (7, 7) is "Day +7"; None if unknown.

        Two entries on one chain of anchors are counted along the chain, so a
        case reads "Day +14" without any calendar date; two dated entries are
        counted by their dates, as precisely as the dates are; when both
        ways hold, the narrower range they share is given.
        """
        here, zero = self.offset.get(identifier), self.offset.get(index)
        chain = (here[1] - zero[2], here[2] - zero[1]) if here is not None and zero is not None and here[0] == zero[0] else None
        start, when = self.start.get(index), self.start.get(identifier)
        dates = ((when.earliest - start.latest).days, (when.latest - start.earliest).days) if start is not None and when is not None else None
        if chain is not None and dates is not None:
            # Both hold; each may be the more precise ("P1Y after" is 337 to
            # 372 days, two exact dates are one number).
            low, high = max(chain[0], dates[0]), min(chain[1], dates[1])
            return (low, high) if low <= high else chain
        return chain or dates

    def ordered(self, entries: dict[str, Any]) -> list[str]:
        """The entries in time order, for a timeline: dated ones by date, the
        others placed just after what they follow (or count from) and just
        before what they precede; entries with no clue keep the file's order
        at the end."""
        rank: dict[str, float | None] = {}

        def rank_of(identifier: str, seen: frozenset[str]) -> float | None:
            if identifier in rank:
                return rank[identifier]
            place = self.start.get(identifier)
            value: float | None = float(place.earliest.toordinal()) if place is not None else None
            time = entries.get(identifier, {}).get("time") or entries.get(identifier, {}).get("start")
            if value is None and isinstance(time, dict) and identifier not in seen:
                for key, step in (("follows", 0.001), ("of", 0.001), ("during", 0.001), ("precedes", -0.001)):
                    other = time.get(key)
                    if isinstance(other, str) and other in entries:
                        anchor = rank_of(other, seen | {identifier})
                        if anchor is not None:
                            value = anchor + step * (1 if key != "of" or time.get("day", 1) >= 0 else -1)
                            break
            rank[identifier] = value
            return value

        position = {identifier: index for index, identifier in enumerate(entries)}
        known = [identifier for identifier in entries if rank_of(identifier, frozenset()) is not None]
        unknown = [identifier for identifier in entries if rank[identifier] is None]
        return sorted(known, key=lambda identifier: (rank[identifier], position[identifier])) + unknown

    def exactness(self) -> tuple[int, int, int]:
        """How many entries are placed to one day, to a wider interval, or not at all."""
        exact = sum(1 for place in self.start.values() if place is not None and place.exact)
        wider = sum(1 for place in self.start.values() if place is not None and not place.exact)
        return exact, wider, len(self.start) - exact - wider


@dataclass(frozen=True)
class _Entry:
    pointer: str
    start_key: str  # `time` or `start`
    start: Any
    end: Any


def resolve(entries: dict[str, tuple[str, dict[str, Any]]], birth: Interval | None = None) -> TimeCourse:
    """Place every entry; ``entries`` maps an id to its pointer and mapping.
    With the patient's ``birth``, a time given only as an age is placed too."""
    timed = {
        identifier: _Entry(pointer, "time" if "time" in mapping else "start", mapping.get("time", mapping.get("start")), mapping.get("end"))
        for identifier, (pointer, mapping) in entries.items()
    }
    course = TimeCourse()
    resolver = _Resolver(timed, course, birth)
    for identifier in timed:
        resolver.start_of(identifier)
        resolver.end_of(identifier)
    return course


class _Resolver:
    def __init__(self, timed: dict[str, _Entry], course: TimeCourse, birth: Interval | None) -> None:
        self.timed = timed
        self.course = course
        self.birth = birth
        self.visiting: set[str] = set()

    def start_of(self, identifier: str) -> Interval | None:
        if identifier in self.course.start:
            return self.course.start[identifier]
        entry = self.timed.get(identifier)
        if entry is None:
            return None  # a dangling anchor is reported by the references check
        if identifier in self.visiting:
            self.course.problems.append(Problem("cycle", f"{entry.pointer}/{entry.start_key}", identifier))
            self.course.start[identifier] = None
            return None
        self.visiting.add(identifier)
        place = self._place(entry.start, f"{entry.pointer}/{entry.start_key}")
        self.course.offset[identifier] = self._offset(identifier, entry.start)
        self.visiting.discard(identifier)
        self.course.start[identifier] = place
        return place

    def end_of(self, identifier: str) -> Interval | None:
        if identifier not in self.course.end:
            entry = self.timed[identifier]
            self.course.end[identifier] = None  # a cycle through `during` finds no end, not a loop
            self.course.end[identifier] = self._place(entry.end, f"{entry.pointer}/end") if entry.end is not None else None
        return self.course.end[identifier]

    def _place(self, time: Any, pointer: str) -> Interval | None:
        if time is None:
            return None
        if not isinstance(time, dict):
            return _date(time)
        written = _date(time["date"]) if "date" in time else None
        try:
            relative = self._relative(time)
        except DateError:
            self.course.problems.append(Problem("beyond", pointer, ""))
            relative = None
        if written is not None and relative is not None:
            if not written.overlaps(relative):
                self.course.problems.append(Problem("disagree", pointer, f"{written.shown()} against {relative.shown()}"))
                return written
            return Interval(max(written.earliest, relative.earliest), min(written.latest, relative.latest))
        if written is None and relative is None and self.birth is not None and "age" in time:
            return lived(self.birth, time["age"])
        return written or relative

    def _offset(self, identifier: str, time: Any) -> tuple[str, int, int]:
        """The entry at the end of this one's chain of anchors, and the days from it."""
        anchor_id = time.get("of") if isinstance(time, dict) else None
        if not isinstance(anchor_id, str) or anchor_id not in self.timed or anchor_id in self.visiting:
            return identifier, 0, 0
        self.start_of(anchor_id)
        root, low, high = self.course.offset.get(anchor_id, (anchor_id, 0, 0))
        if isinstance(time.get("day"), int):
            return root, low + time["day"], high + time["day"]
        for key, sign in (("after", 1), ("before", -1)):
            if isinstance(time.get(key), str):
                shortest, longest = _days_in(parse_duration(time[key]))
                steps = sorted((sign * shortest, sign * longest))
                return root, low + steps[0], high + steps[1]
        return identifier, 0, 0

    def _relative(self, time: dict[str, Any]) -> Interval | None:
        during = time.get("during")
        if isinstance(during, str) and during in self.timed:
            return self._span(during)
        anchor_id = time.get("of")
        if not isinstance(anchor_id, str):
            return None
        anchor = self.start_of(anchor_id)
        if anchor is None:
            return None
        if isinstance(time.get("day"), int):
            return anchor.shifted(parse_duration(f"P{abs(time['day'])}D"), 1 if time["day"] >= 0 else -1)
        for key, sign in (("after", 1), ("before", -1)):
            if isinstance(time.get(key), str):
                return anchor.shifted(parse_duration(time[key]), sign)
        return None


    def _span(self, identifier: str) -> Interval | None:
        """All the days an entry may cover, from its earliest start to its latest end."""
        start, end = self.start_of(identifier), self.end_of(identifier)
        if start is None:
            return None
        if end is None or end.latest < start.earliest:
            return start
        return Interval(start.earliest, end.latest)


# Days a time unit can span, for ages and stated durations.
UNIT_DAYS = {"d": (1, 1), "wk": (7, 7), "mo": (28, 31), "a": (365, 366), "h": (0, 1), "min": (0, 1)}


def days_of(quantity: Any) -> tuple[float, float] | None:
    """The fewest and most days a time quantity (`{value: 6, unit: wk}`) spans."""
    if not isinstance(quantity, dict) or quantity.get("unit") not in UNIT_DAYS:
        return None
    value = quantity.get("value")
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    shortest, longest = UNIT_DAYS[quantity["unit"]]
    return value * shortest, value * longest


def born(when: Interval, age: Any) -> Interval | None:
    """When someone of ``age`` at ``when`` was born (62 years old: between
    63 years less a day and 62 years before); None for a bound (`>= 90`)."""
    from datetime import timedelta

    days = days_of(age)
    if days is None or age.get("comparator"):
        return None
    unit_days = UNIT_DAYS[age["unit"]][1]
    try:
        return Interval(when.earliest - timedelta(days=days[1] + unit_days - 1), when.latest - timedelta(days=days[0]))
    except (OverflowError, ValueError):  # an age beyond the calendar says nothing of birth
        return None


def lived(birth: Interval, age: Any) -> Interval | None:
    """When someone born within ``birth`` was ``age`` old (62 years: from the
    62nd birthday to the day before the 63rd)."""
    from datetime import timedelta

    days = days_of(age)
    if days is None or age.get("comparator"):
        return None
    unit_days = UNIT_DAYS[age["unit"]][1]
    try:
        return Interval(birth.earliest + timedelta(days=days[0]), birth.latest + timedelta(days=days[1] + unit_days - 1))
    except (OverflowError, ValueError):
        return None


def index_event(data: dict[str, Any]) -> str | None:
    """Day 0 of the case: the `index_event` the case names; else its first
    presentation or admission on the timeline; else the first timeline event."""
    if isinstance(data.get("index_event"), str):
        return data["index_event"]
    events = [event for event in data.get("timeline") or [] if isinstance(event, dict) and isinstance(event.get("id"), str)]
    first = next((event for event in events if event.get("kind") in ("presentation", "admission")), events[0] if events else None)
    return first["id"] if first else None


def _days_in(duration: Duration) -> tuple[int, int]:
    """The fewest and most days a duration can span on a calendar."""
    months = 12 * duration.years + duration.months
    return months * 28 + months // 12 + duration.days, months * 31 + duration.days


def _date(value: Any) -> Interval | None:
    try:
        return parse_date(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    except DateError:
        return None  # reported by the dates check
