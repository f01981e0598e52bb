"""Test results for the page: the series a trend chart draws, and the rows of the tests table.

A series is one analyte measured at least twice with a number, across the
diagnostic assessment and the follow-up. Results are grouped by the analyte
the test name (or its LOINC code) finds in the analyte table; a test the
table does not know is grouped by its name, set apart from words that only
say where or when it was sampled (``CAR-T cells in peripheral blood, peak``
and ``CAR-T cells in peripheral blood`` are one series). Two things keep
results of one analyte apart: a specimen other than blood (protein in urine
is not protein in serum) and words after a comma that are not sampling
words (``intraocular pressure, left eye`` and ``, right eye``). A measured
part of a result (``components``) is grouped as ``test, part``, or as the
part alone when that is an analyte (haemoglobin in a blood count).

Every value of a series is in one unit: the first usual unit of the analyte
that all of them convert to, else the written unit most of them convert to. Nothing is
dropped without a word: a value whose unit does not convert is kept in
``unconverted``, and one whose day (counted from day 0, the index event)
is not known is kept in ``unplaced``; the page lists both under the chart.
A test without an id is placed by its own time like any entry
(``{day: 14, of: arrival}`` is Day +14 of the arrival's day, and its date
when the arrival's date is exact), though nothing can refer to it.
A reference range is drawn only when every test of the series that gives
one in numbers gives the same (after conversion); the table shows each
test's own.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Iterator, NamedTuple

from caseforge.checks.timecourse import birth_interval, course_of
from caseforge.dates import Interval
from caseforge.source import Document
from caseforge.timecourse import TimeCourse, index_event, resolve
from caseforge.units import analytes, display
from caseforge.units.conversion import convert

MINUS = "\u2212"
NOT_KNOWN = "time not known"
_COMPARATORS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "~": "~"}
_HIGH = frozenset({"high", "critically_high"})
_LOW = frozenset({"low", "critically_low"})
SECTIONS = ("diagnostic_assessment", "follow_up")

# A result of a series: its pointer, the result (or component) and its test;
# and a function from a test's pointer and mapping to its days from day 0.
_Member = tuple[str, dict[str, Any], dict[str, Any]]
_Days = Callable[[str, dict[str, Any]], tuple[int, int] | None]


class Band(NamedTuple):
    """A reference range in a series' unit; either end may be open."""

    low: float | None
    high: float | None


@dataclass(frozen=True)
class Reading:
    """One numeric result: a point of a chart, or a value listed beside it."""

    value: float  # in the series' unit (in ``unit`` for an unconverted one)
    unit: str  # the UCUM unit of ``value``
    shown: str  # the value as published: "<0.01 ng/mL", "3.3 × 10⁹/L"
    comparator: str | None
    days: tuple[int, int] | None  # days from day 0, as the range the case allows
    test_id: str | None
    pointer: str  # JSON pointer of the result (or of the component)
    time: str  # "Day +14", "Day +84 to +93", or "time not known"

    @property
    def day(self) -> float | None:
        """Where the reading stands on a chart: the middle of its days."""
        return None if self.days is None else (self.days[0] + self.days[1]) / 2


@dataclass(frozen=True)
class Series:
    """The values of one analyte over time, in one unit."""

    key: str  # the analyte's id (or the normalised name of a test the table does not know), "@specimen" if not blood
    name: str
    unit: str  # UCUM
    points: tuple[Reading, ...]  # placed in time, in day order
    unplaced: tuple[Reading, ...]  # in ``unit``, but with no known day
    unconverted: tuple[Reading, ...]  # in a unit that does not convert to ``unit``
    reference_range: Band | None

    @property
    def chartable(self) -> bool:
        """Whether there is a trend to draw: at least two points placed in time."""
        return len(self.points) >= 2


@dataclass(frozen=True)
class Marker:
    """An intervention to mark on a chart: one day, or a course from start to end."""

    label: str
    start: tuple[int, int]
    end: tuple[int, int] | None  # a course with a known end
    kind: str
    identifier: str
    pointer: str


@dataclass(frozen=True)
class Row:
    """One line of the tests table."""

    name: str
    value: str  # as clinicians write it; words for a text result; "" when only components
    components: tuple[tuple[str, str], ...]  # (part, value)
    reference_range: str
    flag: str | None  # "high" or "low"
    interpretation: str | None
    time: str  # "Day +14 · 2021-10-13", "2020-07", "time not known"
    time_as_published: str | None
    test_id: str | None
    pointer: str
    section: str  # "diagnostic_assessment" or "follow_up"


# ---------------------------------------------------------------- the series


def series(document: Document) -> list[Series]:
    """The analytes measured at least twice with a number, in the order first met."""
    days = _timed(document).days
    groups: dict[str, list[_Member]] = {}
    names: dict[str, tuple[str, analytes.Analyte | None]] = {}
    for pointer, test in _tests(document):
        result = test["result"]
        measured = [(f"{pointer}/result", result, test, _group(test["name"], _loinc(test), test.get("specimen")))] if _number(result.get("value")) else []
        for index, part in enumerate(result.get("components") or []):
            # A part has no range of its own; "blood pressure, systolic" is an
            # analyte, and so is "haemoglobin" as a part of a blood count.
            group = _group(f"{test['name']}, {part['name']}", None, test.get("specimen"), fallback=part["name"])
            measured.append((f"{pointer}/result/components/{index}", part, {**test, "reference_range": None}, group))
        for where, value, owner, (key, name, found) in measured:
            names.setdefault(key, (name, found))
            groups.setdefault(key, []).append((where, value, owner))
    return [_series(key, *names[key], members, days) for key, members in groups.items() if len(members) >= 2]


def _group(name: str, code: str | None, specimen: Any, fallback: str | None = None) -> tuple[str, str, analytes.Analyte | None]:
    """The key, the name and the analyte of a series a result belongs to.

    The analyte (or, for a test the table does not know, the name without
    sampling words), kept apart by what follows a comma when it is not a
    sampling word (``intraocular pressure, left eye`` and ``, right eye``)
    and by a specimen other than blood (urine protein is not serum protein).
    """
    found = analytes.find(name, code) or (analytes.find(fallback) if fallback else None)
    if found is None:
        key, shown = _name_key(name), _plain_name(name)
    else:
        key, shown = found.id, found.name
        head, _, clause = (part.strip() for part in name.partition(","))
        if clause and not _sampling_words(clause) and analytes.find(head, code) is found:
            key, shown = f"{key}/{analytes.normalise(clause)}", f"{shown}, {clause}"
    if isinstance(specimen, str) and specimen.strip() and not _sampling_words(specimen):
        key, shown = f"{key}@{analytes.normalise(specimen)}", f"{shown} ({specimen.strip()})"
    return key, shown, found


def _series(key: str, name: str, analyte: analytes.Analyte | None, members: list[_Member], days: _Days) -> Series:
    molar_mass = analyte.molar_mass if analyte else None
    unit = _common_unit([(result["value"], result["unit"]) for _, result, _ in members], analyte)
    points: list[Reading] = []
    unplaced: list[Reading] = []
    unconverted: list[Reading] = []
    ranges: set[Band] = set()
    for pointer, result, test in members:
        placed = days(pointer.partition("/result")[0], test)
        value = _to(result["value"], result["unit"], unit, molar_mass)
        reading = Reading(
            value=result["value"] if value is None else value,
            unit=result["unit"] if value is None else unit,
            shown=published(result),
            comparator=result.get("comparator"),
            days=placed,
            test_id=test.get("id"),
            pointer=pointer,
            time=day_label(placed) if placed else NOT_KNOWN,
        )
        (unconverted if value is None else points if placed else unplaced).append(reading)
        band = _band(test.get("reference_range"), unit, molar_mass)
        if band is not None:
            ranges.add(band)
    points.sort(key=lambda reading: reading.day or 0.0)  # every point has its day
    return Series(key, name, unit, tuple(points), tuple(unplaced), tuple(unconverted), ranges.pop() if len(ranges) == 1 else None)


def _common_unit(values: list[tuple[float, str]], analyte: analytes.Analyte | None) -> str:
    """The first usual unit every value converts to; else, of the units
    written, the one most values convert to (then the most written, then the
    first met)."""
    molar_mass = analyte.molar_mass if analyte else None
    if analyte is not None:
        for usual in analyte.units:
            if all(_to(value, unit, usual, molar_mass) is not None for value, unit in values):
                return usual
    written = Counter(unit for _, unit in values)  # in the order first met

    def reach(target: str) -> tuple[int, int]:
        return sum(_to(value, unit, target, molar_mass) is not None for value, unit in values), written[target]

    return max(written, key=reach)


def _band(reference: Any, unit: str, molar_mass: float | None) -> Band | None:
    """A test's reference range in ``unit``; None if it has no numbers or does not convert."""
    if not isinstance(reference, dict) or "unit" not in reference:
        return None
    ends: list[float | None] = []
    for given in (reference.get("low"), reference.get("high")):
        converted = None if given is None else _to(given, reference["unit"], unit, molar_mass)
        if given is not None and converted is None:
            return None
        ends.append(None if converted is None else round(converted, 9))
    return Band(*ends) if ends != [None, None] else None


def markers(document: Document) -> list[Marker]:
    """The interventions whose day is known, to mark on the charts."""
    entries, course = course_of(document)
    index = index_event(document.data)
    found = []
    for number, given in enumerate(document.data.get("interventions") or []):
        identifier = given.get("id")
        if not isinstance(identifier, str) or index is None or identifier not in entries:
            continue
        start = course.days_from(index, identifier)
        if start is None:
            continue
        end = _days_at(course, index, identifier, given.get("end")) if "start" in given else None
        found.append(Marker(given["name"], start, end, given["kind"], identifier, f"/interventions/{number}"))
    return found


def _days_at(course: TimeCourse, index: str, identifier: str, time: Any) -> tuple[int, int] | None:
    """The days from day 0 of an entry's end: along its chain (`day` of an
    anchor), or by the calendar when both are dated."""
    if isinstance(time, dict) and isinstance(time.get("day"), int) and isinstance(time.get("of"), str):
        anchor = course.days_from(index, time["of"])
        if anchor is not None:
            return anchor[0] + time["day"], anchor[1] + time["day"]
    end, zero = course.end.get(identifier), course.start.get(index)
    if end is None or zero is None:
        return None
    return (end.earliest - zero.latest).days, (end.latest - zero.earliest).days


# ---------------------------------------------------------------- the table


def lab_table(document: Document) -> list[Row]:
    """A row for every test of the diagnostic assessment and the follow-up, in file order."""
    timed = _timed(document)
    rows = []
    for pointer, test in _tests(document):
        result = test["result"]
        identifier = test.get("id")
        found = analytes.find(test["name"], _loinc(test))
        value = published(result) if _number(result.get("value")) else ""
        text = result.get("text")
        if text:
            value = f"{value} ({text})" if value else text
        time = test.get("time")
        rows.append(
            Row(
                name=test["name"],
                value=value,
                components=tuple((part["name"], published(part)) for part in result.get("components") or []),
                reference_range=range_text(test.get("reference_range")),
                flag=flag(result, test.get("reference_range"), test.get("interpretation"), found.molar_mass if found else None),
                interpretation=test.get("interpretation"),
                time=when(timed.days(pointer, test), timed.interval(pointer, test), time),
                time_as_published=time.get("as_published") if isinstance(time, dict) else None,
                test_id=identifier,
                pointer=pointer,
                section=pointer.split("/")[1],
            )
        )
    return rows


def flag(result: dict[str, Any], reference: dict[str, Any] | None, interpretation: str | None, molar_mass: float | None = None) -> str | None:
    """"high", "low" or None: from the interpretation when the case gives
    one, else from the value against the reference range (converted to the
    range's unit). A bound counts only when it settles it: "<5" is low
    against a range from 10, but says nothing against a range up to 3."""
    if interpretation is not None:
        return "high" if interpretation in _HIGH else "low" if interpretation in _LOW else None
    if not _number(result.get("value")) or not isinstance(reference, dict) or "unit" not in reference:
        return None
    value = _to(result["value"], result["unit"], reference["unit"], molar_mass)
    if value is None:
        return None
    comparator = result.get("comparator")
    low, high = reference.get("low"), reference.get("high")
    if high is not None and comparator not in ("<", "<=") and (value > high or (comparator == ">" and value >= high)):
        return "high"
    if low is not None and comparator not in (">", ">=") and (value < low or (comparator == "<" and value <= low)):
        return "low"
    return None


def published(result: dict[str, Any]) -> str:
    """A value as clinicians write it: the comparator, the number and the unit ("<0.01 ng/mL")."""
    comparator = _COMPARATORS.get(result.get("comparator") or "", "")
    return comparator + display.quantity(result["value"], result["unit"])


def range_text(reference: dict[str, Any] | None) -> str:
    """A reference range as printed: "115–150 g/L", "≤ 5 mg/L", or its words."""
    if not isinstance(reference, dict):
        return ""
    low, high, unit = reference.get("low"), reference.get("high"), reference.get("unit")
    if unit is not None and low is not None and high is not None:
        # The unit is written once: "4–10 × 10⁹/L", "0–5%". Code "1" prints a bare number.
        return f"{display.quantity(low, '1')}–{display.quantity(high, unit)}"
    if unit is not None and high is not None:
        return f"≤ {display.quantity(high, unit)}"
    if unit is not None and low is not None:
        return f"≥ {display.quantity(low, unit)}"
    return reference.get("text") or ""


def day_label(days: tuple[int, int]) -> str:
    """"Day 0", "Day +14", "Day −30" (a true minus sign), "Day +84 to +93"."""
    low, high = days
    return f"Day {_signed(low)}" if low == high else f"Day {_signed(low)} to {_signed(high)}"


def _signed(day: int) -> str:
    return "0" if day == 0 else f"+{day}" if day > 0 else f"{MINUS}{-day}"


def when(days: tuple[int, int] | None, interval: Any, time: Any) -> str:
    """The day from day 0 and the calendar date: exact, or as partial as written."""
    parts = [day_label(days)] if days else []
    written = time.get("date") if isinstance(time, dict) else time
    if interval is not None and interval.exact:
        parts.append(interval.earliest.isoformat())
    elif isinstance(written, (str, int)) and not isinstance(written, bool):
        parts.append(str(written))
    return " · ".join(parts) or NOT_KNOWN


# ---------------------------------------------------------------- shared


def _tests(document: Document) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every test of the diagnostic assessment and the follow-up, with its pointer."""
    for section in SECTIONS:
        tests = (document.data.get(section) or {}).get("tests")
        for number, test in enumerate(tests if isinstance(tests, list) else []):
            yield f"/{section}/tests/{number}", test


@dataclass(frozen=True)
class _Timed:
    """The time course of a case with its tests placed in it, those without
    an id too (under a key of their pointer, which no id can be)."""

    course: TimeCourse
    index: str | None  # day 0

    @staticmethod
    def key(pointer: str, test: dict[str, Any]) -> str:
        identifier = test.get("id")
        return identifier if isinstance(identifier, str) else f"{pointer} (test)"

    def days(self, pointer: str, test: dict[str, Any]) -> tuple[int, int] | None:
        """A test's days from day 0 (None if not known)."""
        return self.course.days_from(self.index, self.key(pointer, test)) if self.index is not None else None

    def interval(self, pointer: str, test: dict[str, Any]) -> Interval | None:
        """The calendar days a test may fall on (None if not known)."""
        return self.course.start.get(self.key(pointer, test))


_last_timed: tuple[Document | None, _Timed | None] = (None, None)


def _timed(document: Document) -> _Timed:
    """The tests of ``document`` placed in time (once per document, as the
    course itself is)."""
    global _last_timed
    known, timed = _last_timed
    if known is document and timed is not None:
        return timed
    entries, course = course_of(document)
    unnamed = {
        _Timed.key(pointer, test): (pointer, {"time": test["time"]})
        for pointer, test in _tests(document)
        if not isinstance(test.get("id"), str) and test.get("time") is not None
    }
    if unnamed:  # placed by the same rules, with the entries they count from
        course = resolve({**entries, **unnamed}, birth_interval(document))
    timed = _Timed(course, index_event(document.data))
    _last_timed = (document, timed)
    return timed


def _loinc(test: dict[str, Any]) -> str | None:
    coding = test.get("coding")
    return coding["code"] if isinstance(coding, dict) and coding.get("system") == "LOINC" else None


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _to(value: float, unit: str, target: str, molar_mass: float | None) -> float | None:
    return float(value) if unit == target else convert(value, unit, target, molar_mass)


def _plain_name(name: str) -> str:
    """A test name without the words that only say where or when it was sampled."""
    parts = [part.strip() for part in name.split(",")]
    while len(parts) > 1 and _sampling_words(parts[-1]):
        parts.pop()
    words = ", ".join(parts).split()
    while len(words) > 1 and _sampling_words(words[0]):
        words.pop(0)
    return " ".join(words)


def _sampling_words(text: str) -> bool:
    """Whether every word of ``text`` only says where or when a sample was taken ("peak", "peripheral blood")."""
    words = [analytes.normalise(word) for word in text.split()]
    return bool(words) and all(word in analytes.QUALIFIERS for word in words)


def _name_key(name: str) -> str:
    return analytes.normalise(_plain_name(name))
