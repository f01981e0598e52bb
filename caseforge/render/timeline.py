"""The timeline of a case page: its events on a scale of days from day 0, and
those with only a calendar date on a scale of dates, as an inline SVG, and the
same events as rows of a table beside it.

Lanes. An event goes in the lane of its kind (`LANES`, the one table of
it). Interventions and adverse events join their lanes too, unless a
timeline event of the lane's kind stands for them: one that names them in
`related`, or counts from them at day 0. Lanes with nothing drawn are left
out of a panel.

Panels. The first panel counts days from day 0 (`index_event`), as
`TimeCourse.days_from` gives them. When day 0 has no calendar date, events
with a date cannot be counted from it; they are drawn in a second panel of
the same SVG, "By calendar date", with the same lanes. An event is drawn in
one panel at most (`Row.panel`): by its day when it has one, else by its
date. When day 0 has a date, every dated event has a day, and there is one
panel.

Scale. x is the day number (or the calendar day): a range of days is drawn at
its midpoint, with a faint band over the range when it is wider than one day.
An entry with a start and an end is a bar. Over a long course, the axis is
broken where nothing happens for a long stretch (compared with the stretches
where things happen), so that a cluster of days stays readable in a course of
years; each piece has its own linear scale, with ticks at whole days, weeks
or months from day 0 (or at dates: days, Mondays, first days of months,
years).

Undrawn events. An event with neither a day nor a date is not drawn: it is a
row of the table marked "time not known"; the SVG's description says how
many there are, and so does `Timeline.note`, a line for the page to print
under the figure, so that what is drawn is not taken for all there is.

Text. The viewBox is about as wide as the page's column, so that labels of
13 units and ticks of 12.5 show at about those sizes in pixels. A label runs
right of its marker (or left, near the right edge) as far as the next marker
of its track, and is cut there with an ellipsis; widths are estimated from
Arial's, as no font is loaded. Lane names sit on the page's background, over
the lines of the days; a heading too long for the width is cut, and given in
full in its title.

Order. Rows follow `TimeCourse.ordered`, placed by the midpoint of their
time, so that a month ("2020-07") and a day within it are ordered by where
they are drawn; an undated row goes after the latest day of what comes
before it in that order.

Safety. Every piece of case text is escaped (`html.escape`, quotes too) and
characters XML does not allow are dropped. Styling is by classes, with
colours from Material's CSS custom properties or `currentColor`, so light and
dark schemes both work; there is no script, font or external reference, and
the same case always gives the same SVG.
"""

from __future__ import annotations

import html
import itertools
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable, Iterator

from caseforge.checks.timecourse import course_of
from caseforge.dates import Interval
from caseforge.source import Document
from caseforge.timecourse import TimeCourse, index_event, resolve


@dataclass(frozen=True)
class Lane:
    key: str  # the CSS class `cf-lane-KEY` and the events' `data-lane`
    name: str
    kinds: tuple[str, ...]  # the timeline kinds drawn in it
    section: str | None  # entries of this section join it (a path of keys)
    colour: str  # the fallback of `--cf-timeline-KEY`, legible on light and dark


LANES: tuple[Lane, ...] = (
    Lane("presentation", "Presentation and diagnosis", ("presentation", "symptom", "admission", "discharge", "diagnosis", "relapse", "other"), None, "#5c6bc0"),
    Lane("interventions", "Interventions", ("intervention",), "interventions", "#00897b"),
    Lane("tests", "Tests", ("test",), None, "#8e24aa"),
    Lane("adverse-events", "Adverse events", ("adverse_event",), "follow_up/adverse_events", "#e53935"),
    Lane("outcomes", "Outcomes", ("response", "follow_up", "death"), None, "#f57c00"),
)
_LANE_OF_KIND = {kind: lane for lane in LANES for kind in lane.kinds}

UNDATED = "time not known"


@dataclass(frozen=True)
class Row:
    """One event, for the table beside the SVG (texts unescaped)."""

    id: str
    lane: str  # the lane's name
    summary: str
    day: str  # "Day +14", "Day +28 to +31", "Day +1 until Day +12", or "time not known"
    date: str  # the calendar date ("29 Sep 2021", "Apr 2021"), or ""
    days: tuple[int, int] | None  # the day numbers of its start, as a range; None: no known day
    end_days: tuple[int, int] | None  # of its end, for a course
    lane_key: str
    dates: tuple[date, date] | None  # the calendar days its start may fall on; None: no date
    end_dates: tuple[date, date] | None  # of its end, for a course
    approximate: bool  # its time is marked approximate

    @property
    def panel(self) -> str:
        """Where it is drawn: "days" (from day 0) when it has a day, else
        "dates" (by calendar date) when it has a date, else "" (not drawn)."""
        return "days" if self.days is not None else "dates" if self.dates is not None else ""

    @property
    def drawn(self) -> bool:
        """Whether the SVG has its one `.cf-event` (in either panel)."""
        return bool(self.panel)


@dataclass(frozen=True)
class Timeline:
    svg: str  # "" when no event has a known day or date
    rows: tuple[Row, ...]

    @property
    def note(self) -> str:
        """A line to print under the SVG when it leaves events out ("11 of
        16 events have no known time; they are listed in the table."), so
        that what is drawn is not taken for all there is; "" when the SVG
        draws every event (or there is no SVG)."""
        undrawn = sum(1 for row in self.rows if not row.drawn)
        if not self.svg or not undrawn:
            return ""
        if undrawn == 1:
            return f"1 of {len(self.rows)} events has no known time; it is listed in the table."
        return f"{undrawn} of {len(self.rows)} events have no known time; they are listed in the table."

    def markdown_table(self) -> str:
        """The rows as a Markdown table, every cell escaped for HTML and Markdown."""
        lines = ["| Day | Date | Lane | Event |", "| --- | --- | --- | --- |"]
        lines += [f"| {_markdown(row.day)} | {_markdown(row.date)} | {_markdown(row.lane)} | {_markdown(row.summary)} |" for row in self.rows]
        return "\n".join(lines) + "\n" if self.rows else ""

    def html_table(self) -> str:
        """The rows as an HTML table, each row carrying its event's `data-id`."""
        if not self.rows:
            return ""
        cells = "".join(
            f'<tr data-id="{_escape(row.id)}"><td>{_escape(row.day)}</td><td>{_escape(row.date)}</td><td>{_escape(row.lane)}</td><td>{_escape(row.summary)}</td></tr>'
            for row in self.rows
        )
        return f"<table><thead><tr><th>Day</th><th>Date</th><th>Lane</th><th>Event</th></tr></thead><tbody>{cells}</tbody></table>"


def timeline(document: Document, prefix: str = "cf-timeline") -> Timeline:
    """The timeline of a validated case; ``prefix`` starts the ids of the
    SVG's title and description (unique on a page with several timelines)."""
    data = document.data if isinstance(document.data, dict) else {}
    entries, course = course_of(document)
    items = _items(data)
    ends = {f"{item.id} end": (f"{entries[item.id][0]}/end", {"time": item.end}) for item in items if item.end is not None and item.id in entries}
    if ends:  # the ends of courses, placed by the same rules as starts
        course = resolve({**entries, **ends})
    index = index_event(data)
    rows = [_row(item, course, index) for item in items]
    rows = _in_order(rows, course, {identifier: mapping for identifier, (_, mapping) in entries.items()}, index)
    start = course.start.get(index) if index is not None else None
    day_zero = start.earliest if start is not None and start.exact else None
    return Timeline(_svg(rows, _index_name(data, entries, index), day_zero, prefix), tuple(rows))


# --- What is on the timeline -------------------------------------------------


@dataclass(frozen=True)
class _Item:
    id: str
    lane: Lane
    summary: str
    time: Any  # its `time` or `start`
    end: Any


def _items(data: dict[str, Any]) -> list[_Item]:
    """The timeline's events, then the entries of other sections that join a lane."""
    items: list[_Item] = []
    stood_for: dict[str, set[str]] = {lane.key: set() for lane in LANES}
    for event in data.get("timeline") or []:
        if not isinstance(event, dict) or not isinstance(event.get("id"), str):
            continue
        lane = _LANE_OF_KIND.get(event.get("kind"), _LANE_OF_KIND["other"])
        time = event.get("time", event.get("start"))
        items.append(_Item(event["id"], lane, _text(event.get("summary")) or event["id"], time, event.get("end")))
        named = stood_for[lane.key]
        named.update(other for other in event.get("related") or [] if isinstance(other, str))
        if isinstance(time, dict) and time.get("day") == 0 and isinstance(time.get("of"), str):
            named.add(time["of"])
    for lane in LANES:
        for entry in _section(data, lane.section):
            identifier = entry.get("id")
            if isinstance(identifier, str) and identifier not in stood_for[lane.key] and ("time" in entry or "start" in entry):
                items.append(_Item(identifier, lane, _summary(entry) or identifier, entry.get("time", entry.get("start")), entry.get("end")))
    return items


def _section(data: dict[str, Any], path: str | None) -> list[dict[str, Any]]:
    found: Any = data if path else None
    for key in (path or "").split("/"):
        found = found.get(key) if isinstance(found, dict) else None
    return [entry for entry in found if isinstance(entry, dict)] if isinstance(found, list) else []


def _summary(entry: dict[str, Any]) -> str:
    """An intervention or adverse event in a phrase: its name, and its grade."""
    name = _text(entry.get("name"))
    grade = entry.get("grade")
    return f"{name}, grade {grade}" if isinstance(grade, int) and not isinstance(grade, bool) and name else name


def _row(item: _Item, course: TimeCourse, index: str | None) -> Row:
    days = course.days_from(index, item.id) if index is not None else None
    end_days = course.days_from(index, f"{item.id} end") if days is not None and item.end is not None else None
    approximate = isinstance(item.time, dict) and item.time.get("approximate") is True
    about = "about " if approximate else ""
    if days is None:
        day = UNDATED
    elif end_days is not None:
        day = f"{about}{_days(days)} until {_days(end_days)}"
    else:
        day = about + _days(days)
    start, end = course.start.get(item.id), course.start.get(f"{item.id} end") if item.end is not None else None
    shown = " until ".join(_calendar(interval) for interval in (start, end) if interval is not None) if start is not None else ""
    dates = (start.earliest, start.latest) if start is not None else None
    end_dates = (end.earliest, end.latest) if start is not None and end is not None else None
    return Row(item.id, item.lane.name, item.summary, day, shown, days, end_days, item.lane.key, dates, end_dates, approximate)


def _in_order(rows: list[Row], course: TimeCourse, entries: dict[str, Any], index: str | None) -> list[Row]:
    """Rows in the case's order of time (`TimeCourse.ordered`), each placed
    at the midpoint of its time: its day (counted from where day 0 falls), or
    its calendar date. That order ranks a month by its first day, so the
    events that follow "2020-07" would come before "2020-07-21"; here an
    undated row goes after the latest day of what precedes it instead, and
    keeps its place in that order among equals."""
    by_id = {row.id: row for row in rows}
    ordered = course.ordered(entries)

    def when(identifier: str, zero: float | None) -> tuple[float, float] | None:
        """Where an entry is placed, and the latest day it may be (by its
        date alone while day 0 is not placed)."""
        row = by_id.get(identifier)
        if row is not None and row.days is not None and zero is not None:
            return zero + _middle(row.days), zero + row.days[1]
        place = course.start.get(identifier)
        if place is None:
            return None
        return (place.earliest.toordinal() + place.latest.toordinal()) / 2, float(place.latest.toordinal())

    def walk(zero: float | None) -> Iterator[tuple[str, float]]:
        latest = -math.inf
        for identifier in ordered:
            found = when(identifier, zero)
            if found is not None:
                latest = max(latest, found[1])
            yield identifier, found[0] if found is not None else latest

    # Day 0 is where its date puts it, else just after what precedes it (when
    # nothing does, the days alone order the rows counted from it).
    zero = next((place for identifier, place in walk(None) if identifier == index), 0.0)
    key = {identifier: (place, position) for position, (identifier, place) in enumerate(walk(zero if math.isfinite(zero) else 0.0))}
    return sorted(rows, key=lambda row: key.get(row.id, (math.inf, 0)))


def _index_name(data: dict[str, Any], entries: dict[str, tuple[str, dict[str, Any]]], index: str | None) -> str:
    if index is None:
        return ""
    mapping = entries.get(index, ("", {}))[1]
    return _text(mapping.get("summary")) or _summary(mapping) or index


# --- Words for days and dates ------------------------------------------------

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MINUS = "\u2212"


def _signed(day: int) -> str:
    return "0" if day == 0 else f"+{day}" if day > 0 else f"{MINUS}{-day}"


def _day(day: int) -> str:
    """`Day 0`, `Day +14`, `Day −30` (with the minus sign)."""
    return f"Day {_signed(day)}"


def _days(days: tuple[int, int]) -> str:
    low, high = days
    return _day(low) if low == high else f"{_day(low)} to {_signed(high)}"


def _date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _date_after(day_zero: date, days: int) -> str:
    try:
        return _date(day_zero + timedelta(days=days))
    except OverflowError:  # beyond the calendar's years 1 to 9999
        return ""


def _calendar(interval: Interval) -> str:
    """`29 Sep 2021`; a whole month `Apr 2021`; a whole year `2021`; else from and to."""
    first, last = interval.earliest, interval.latest
    if interval.exact:
        return _date(first)
    if first.day == 1 and (last == date.max or (last + timedelta(days=1)).day == 1) and first.year == last.year:
        if first.month == last.month:
            return f"{_MONTHS[first.month - 1]} {first.year}"
        if (first.month, last.month) == (1, 12):
            return str(first.year)
    return f"{_date(first)} to {_date(last)}"


def _middle(days: tuple[int, int]) -> float:
    return (days[0] + days[1]) / 2


# --- Text --------------------------------------------------------------------

# Characters XML 1.0 does not allow (the rest of C0, surrogates, U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Characters Markdown (or Material's extensions) may give a meaning to in a
# table cell, and quotes; written as references, they are only characters.
_MARKDOWN = {ord(character): f"&#{ord(character)};" for character in "\\`*_{}[]|~^=:$#\"'"}


def _text(value: Any) -> str:
    """Case text on one line, without characters XML refuses."""
    return " ".join(_NOT_XML.sub("", value).split()) if isinstance(value, str) else ""


def _escape(text: str) -> str:
    return html.escape(_text(text), quote=True)


def _markdown(text: str) -> str:
    return html.escape(_text(text), quote=False).translate(_MARKDOWN)


# The advance widths of Arial (and of Liberation Sans, Helvetica and Roboto,
# near enough), in thousandths of the size, of the characters from " " to "~".
_ARIAL = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, *(556,) * 10, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611,
    278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556,
    500, 722, 500, 500, 500, 334, 260, 334, 584,
)
SPARE = 1.06  # other system fonts (San Francisco, Segoe UI) run a little wider
BOLD = 1.1


def text_width(text: str, size: float, bold: bool = False) -> float:
    """How wide ``text`` is drawn at ``size`` in the page's sans-serif, a
    little generously (no font is loaded, so it is an estimate)."""
    total = 0
    for character in text:
        code = ord(character)
        if 32 <= code < 127:
            total += _ARIAL[code - 32]
        else:  # wide scripts take a whole em; the rest about a lower-case letter
            total += 1000 if character == "\u2026" or unicodedata.east_asian_width(character) in "WF" else 600
    return total / 1000 * size * SPARE * (BOLD if bold else 1)


def fit(text: str, room: float, size: float, bold: bool = False, least: int = 1) -> str:
    """``text``, or as much of it as fits in ``room`` with an ellipsis (cut
    at a word when that keeps most of it); "" when fewer than ``least``
    characters would be left."""
    if text_width(text, size, bold) <= room:
        return text
    room -= text_width("\u2026", size, bold)
    kept, used = 0, 0.0
    for character in text:
        used += text_width(character, size, bold)
        if used > room:
            break
        kept += 1
    return _cut(text, kept, least)


def _cut(text: str, kept: int, least: int = 1) -> str:
    """The first ``kept`` characters of ``text`` and an ellipsis, back to the
    end of a word when that keeps most of them; "" when fewer than ``least``."""
    cut = text[:kept]
    word = cut[: cut.rfind(" ")] if " " in cut and not text[kept : kept + 1].isspace() else cut
    if len(word.rstrip()) >= 0.6 * kept:
        cut = word
    cut = cut.rstrip().rstrip(",;:(-\u2013\u2014/").rstrip()
    return cut + "\u2026" if len(cut) >= least else ""


# --- The scale ---------------------------------------------------------------

# The viewBox is about as wide as the page's column (some 690 px on a
# desktop), so that a size in it is about that size on the screen.
WIDTH = 700  # of the viewBox; the SVG itself is 100% wide
LEFT, RIGHT = 36, 664  # the plotted days
LABEL_SIZE, LANE_SIZE, HEADING_SIZE, TICK_SIZE = 13, 13, 14, 12.5  # font sizes
LABEL_MOST = 48  # characters: a longer summary is cut, with an ellipsis, whatever the room
LABEL_LEAST = 4  # characters: a label cut shorter is left out (the marker keeps its title)
LABEL_ROOM = 96  # the room a label may count on before the next marker in its track
LINEAR_DAYS = 120  # a course up to this long is drawn on one linear scale
BREAK_DAYS = 30  # a break hides at least this many days,
BREAK_SHARE = 0.08  # and this share of the course;
MOST_PIECES = 6  # the axis has at most this many pieces
BREAK_WIDTH = 26
TICK_SPACING = 64  # the least room for a tick
TICK_STEPS = (1, 2, 7, 14, 30, 60, 90, 180, 365, 730, 1825, 3650)
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000)  # between ticks on a scale of dates
LAST_DAY = date.max.toordinal()


@dataclass(frozen=True)
class _Piece:
    first: float  # days
    last: float
    left: float  # x
    right: float


def _pieces(points: list[float]) -> list[_Piece]:
    """A piecewise linear scale over the days ``points`` (at least one)."""
    days = sorted(set(points))
    gaps = [(following - day, day) for day, following in zip(days, days[1:])]
    # A break hides a gap much longer than the usual one between events, and
    # a fair share of the whole course; only the longest such gaps, and none
    # in a short course.
    total = days[-1] - days[0]
    usual = sorted(gap for gap, _ in gaps)[len(gaps) // 2] if gaps else 0
    least = max(BREAK_DAYS, 3 * usual, BREAK_SHARE * total)
    broken = sorted(gaps, reverse=True)[: MOST_PIECES - 1] if total > LINEAR_DAYS else []
    cut_after = {day for gap, day in broken if gap >= least}
    groups: list[list[float]] = []
    for day in days:
        if groups and groups[-1][1] not in cut_after:
            groups[-1][1] = day
        else:
            groups.append([day, day])
    spans: list[tuple[float, float]] = []
    for i, (first, last) in enumerate(groups):
        pad = max(1.5, 0.06 * (last - first), (6 - (last - first)) / 2)
        before = (first - groups[i - 1][1]) / 3 if i else pad
        after = (groups[i + 1][0] - last) / 3 if i + 1 < len(groups) else pad
        spans.append((first - min(pad, before), last + min(pad, after)))
    longest = max(last - first for first, last in spans)
    weights = [max(last - first, 0.3 * longest) for first, last in spans]
    room = (RIGHT - LEFT - BREAK_WIDTH * (len(spans) - 1)) / sum(weights)
    pieces, x = [], float(LEFT)
    for (first, last), weight in zip(spans, weights):
        pieces.append(_Piece(first, last, x, x + weight * room))
        x += weight * room + BREAK_WIDTH
    return pieces


def _x(pieces: list[_Piece], day: float) -> float:
    """Where a day is drawn: on its piece, or within the break it falls in."""
    day = min(max(day, pieces[0].first), pieces[-1].last)
    for piece, following in zip(pieces, pieces[1:] + [None]):
        if day <= piece.last:
            return piece.left + (day - piece.first) / (piece.last - piece.first) * (piece.right - piece.left)
        if following is not None and day < following.first:
            return piece.right + (day - piece.last) / (following.first - piece.last) * (following.left - piece.right)
    return pieces[-1].right


def _piece_of(pieces: list[_Piece], day: float) -> _Piece:
    return next((piece for piece in pieces if day <= piece.last), pieces[-1])


_Tick = tuple[int, str]  # where (a day number, or a calendar day's ordinal) and its label


@dataclass(frozen=True)
class _Step:
    """One choice of ticks: those within a range of whole days, in order."""

    ticks: Callable[[int, int], Iterator[_Tick]]
    spacing: float  # the least room a tick needs


def _every(step: int, label: Callable[[int], str], offset: int = 0) -> Callable[[int, int], Iterator[_Tick]]:
    """Every day that is ``offset`` more than a multiple of ``step``."""
    return lambda first, last: ((day, label(day)) for day in range(first + (offset - first) % step, last + 1, step))


def _month_starts(months: int) -> Callable[[int, int], Iterator[_Tick]]:
    """The first days of months (of years, every 12) a multiple of ``months``
    from the start of the era, as "Jul 2020" (or "2020")."""

    def ticks(first: int, last: int) -> Iterator[_Tick]:
        first, last = max(first, 1), min(last, LAST_DAY)
        day = date.fromordinal(first) if first <= last else date.max
        month = 12 * day.year + day.month - 1 + (day.day != 1)
        for month in itertools.count(month + (-month) % months, months):
            year = month // 12
            if year > date.max.year or (at := date(year, month % 12 + 1, 1).toordinal()) > last:
                return
            yield at, str(year) if months % 12 == 0 else f"{_MONTHS[month % 12]} {year}"

    return ticks


def _on_calendar(ordinal: int) -> str:
    return _date(date.fromordinal(min(max(ordinal, 1), LAST_DAY)))


def _label_room(label: str) -> float:
    return max(TICK_SPACING, text_width(label, TICK_SIZE) + 12)


DAY_STEPS = tuple(_Step(_every(step, _day), TICK_SPACING) for step in TICK_STEPS)
DATE_STEPS = (
    *(_Step(_every(step, _on_calendar), _label_room("21 Jul 2020")) for step in (1, 2)),
    *(_Step(_every(step, _on_calendar, 1), _label_room("21 Jul 2020")) for step in (7, 14)),  # Mondays
    *(_Step(_month_starts(months), _label_room("Jul 2020" if months < 12 else "2020")) for months in MONTH_STEPS),
)


def _ticks(pieces: list[_Piece], steps: tuple[_Step, ...], lone: Callable[[_Piece], _Tick], first: int | None = None) -> list[_Tick]:
    """Ticks to label: on each piece, those of the finest of ``steps`` that
    leaves room for the labels; on a piece with room for one, ``lone``."""
    wanted: list[_Tick] = []
    for piece in pieces:
        first, last = math.ceil(piece.first), math.floor(piece.last)
        for step in steps:
            room = int((piece.right - piece.left) // step.spacing) + 1
            found = list(itertools.islice(step.ticks(first, last), room + 1))
            if len(found) <= room:
                break
        else:  # none leaves room: the coarsest, thinned below
            found = list(steps[-1].ticks(first, last))
        wanted += found if len(found) > 1 else [lone(piece)]
    return _apart(pieces, wanted, first)


def _apart(pieces: list[_Piece], ticks: list[_Tick], first: int | None = None) -> list[_Tick]:
    """Those of ``ticks`` whose labels, centred, keep apart; ``first`` (day 0) first."""
    kept = [tick for tick in ticks if tick[0] == first][:1]
    for tick in ticks:
        if tick not in kept and all(abs(_x(pieces, tick[0]) - _x(pieces, other[0])) >= (text_width(tick[1], TICK_SIZE) + text_width(other[1], TICK_SIZE)) / 2 + 10 for other in kept):
            kept.append(tick)
    return sorted(kept)


# --- The panels --------------------------------------------------------------

_Place = Callable[[Row], tuple[tuple[int, int], tuple[int, int] | None]]


@dataclass(frozen=True)
class _Panel:
    key: str  # "days" or "dates": the class `cf-panel-KEY`
    heading: str  # in full; the SVG shows as much as fits (`_heading`)
    scale: str  # the scale in words, for the description
    rows: list[Row]
    place: _Place  # a row's start and end on the scale, as ranges
    pieces: list[_Piece]
    ticks: list[_Tick]
    under: list[_Tick]  # a second line under some ticks: the dates of days
    zero: float | None  # where the line of day 0 is drawn
    point: Callable[[int], str]  # a point of the scale in words


def _on_days(row: Row) -> tuple[tuple[int, int], tuple[int, int] | None]:
    assert row.days is not None
    return row.days, row.end_days


def _on_dates(row: Row) -> tuple[tuple[int, int], tuple[int, int] | None]:
    assert row.dates is not None
    return _ordinals(row.dates), _ordinals(row.end_dates) if row.end_dates is not None else None


def _ordinals(dates: tuple[date, date]) -> tuple[int, int]:
    return dates[0].toordinal(), dates[1].toordinal()


def _lone_day(piece: _Piece) -> _Tick:
    """Day 0 if the piece has it, else its middle."""
    day = 0 if piece.first <= 0 <= piece.last else round((piece.first + piece.last) / 2)
    return day, _day(day)


def _lone_date(piece: _Piece) -> _Tick:
    middle = round((piece.first + piece.last) / 2)
    return middle, _on_calendar(middle)


def _scale_of(rows: list[Row], place: _Place, also: list[float]) -> list[_Piece]:
    points = list(also)
    for row in rows:
        start, end = place(row)
        points += [_middle(start)] + ([_middle(end)] if end is not None else [])
    return _pieces(points)


def _panels(rows: list[Row], index_name: str, day_zero: date | None) -> list[_Panel]:
    """The days from day 0, if any row has one; the calendar dates of the
    rows that have a date and no day, if any."""
    panels: list[_Panel] = []
    by_day = [row for row in rows if row.panel == "days"]
    if by_day:
        pieces = _scale_of(by_day, _on_days, [0.0])
        ticks = _ticks(pieces, DAY_STEPS, _lone_day, 0)
        dated = [(day, when) for day, _ in ticks if day_zero is not None and (when := _date_after(day_zero, day))]
        heading = "Days from day 0" + (f" ({index_name})" if index_name else "")
        panels.append(_Panel("days", heading, "days from day 0", by_day, _on_days, pieces, ticks, _apart(pieces, dated, 0), 0.0, _day))
    by_date = [row for row in rows if row.panel == "dates"]
    if by_date:
        pieces = _scale_of(by_date, _on_dates, [])
        ticks = _ticks(pieces, DATE_STEPS, _lone_date)
        panels.append(_Panel("dates", "By calendar date", "calendar dates", by_date, _on_dates, pieces, ticks, [], None, _on_calendar))
    return panels


# --- The SVG -----------------------------------------------------------------

TOP = 6
PANEL_HEADER = 26  # the panel's heading
PANEL_GAP = 18  # between panels
HEADER = 22  # the lane's name
TRACK = 22  # one row of markers and labels
LANE_GAP = 8
MOST_TRACKS = 12
GAP = 8  # between a label and the next marker or label in its track


def _css() -> str:
    lanes = "".join(f".cf-timeline .cf-lane-{lane.key}{{--cf-lane:var(--cf-timeline-{lane.key},{lane.colour})}}" for lane in LANES)
    return (
        f".cf-timeline{{font-family:inherit;font-size:{LABEL_SIZE}px}}"
        # Text keeps clear of the lines under it with a halo of the background.
        ".cf-timeline text{fill:currentColor;paint-order:stroke;stroke:var(--md-default-bg-color,#fff);stroke-width:3px;stroke-linejoin:round;stroke-opacity:.85}"
        f".cf-timeline .cf-panel-name{{font-size:{HEADING_SIZE}px;font-weight:700;letter-spacing:.01em}}"
        ".cf-timeline .cf-panel-rule{stroke:currentColor;stroke-opacity:.35}"
        f".cf-timeline .cf-lane-name{{font-size:{LANE_SIZE}px;font-weight:700;fill-opacity:.85}}"
        # The lane's name sits on the background, over the lines of the days.
        ".cf-timeline .cf-lane-back{fill:var(--md-default-bg-color,#fff)}"
        ".cf-timeline .cf-swatch{fill:var(--cf-lane)}"
        ".cf-timeline .cf-lane-rule{stroke:currentColor;stroke-opacity:.15}"
        ".cf-timeline .cf-grid{stroke:currentColor;stroke-opacity:.12}"
        ".cf-timeline .cf-day0{stroke:var(--md-accent-fg-color,#f50057);stroke-width:1.5;stroke-dasharray:4 3}"
        ".cf-timeline .cf-axis{stroke:currentColor;stroke-opacity:.6}"
        f".cf-timeline .cf-tick{{font-size:{TICK_SIZE}px}}"
        f".cf-timeline .cf-tick-date{{font-size:{TICK_SIZE}px;fill-opacity:.7}}"
        ".cf-timeline .cf-break{fill:currentColor;fill-opacity:.035}"
        ".cf-timeline .cf-marker{fill:var(--cf-lane);stroke:var(--md-default-bg-color,#fff);stroke-width:1.5}"
        ".cf-timeline .cf-approximate .cf-marker{fill:var(--md-default-bg-color,#fff);stroke:var(--cf-lane);stroke-width:2}"
        ".cf-timeline .cf-bar{fill:var(--cf-lane);fill-opacity:.85}"
        ".cf-timeline .cf-span{fill:var(--cf-lane);fill-opacity:.18}"
        ".cf-timeline .cf-event:hover .cf-marker,.cf-timeline .cf-event:hover .cf-bar{stroke:currentColor;stroke-width:2}"
        ".cf-timeline .cf-event:hover .cf-label{font-weight:700}"
        + lanes
    )


def _number(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class _Mark:
    row: Row
    x: float  # of the marker, or of the bar's start
    end: float  # of the bar's end (x for a point)
    low: float  # of the faint band over the imprecision
    high: float
    label: str
    label_x: float
    anchor: str  # of the label: "start" (right of the marker) or "end"
    track: int


@dataclass
class _Placing:
    """A mark while its lane is laid out: the label it would like, and the
    room it is sure of in its track (``reach``, from x to x)."""

    row: Row
    x: float
    end: float
    low: float
    high: float
    wanted: str  # the summary, cut at LABEL_MOST characters
    label_x: float
    anchor: str
    reach: tuple[float, float]
    track: int = 0
    labelled: bool = True


def _marks(rows: list[Row], pieces: list[_Piece], place: _Place) -> list[_Mark]:
    """Each row placed on a track of its lane, and labelled as far as the
    room before the next marker of its track allows.

    A label goes right of its marker, or left of it when the room on the
    right is short (near the right edge). Marks take the first track of their lane where the room a label
    is sure of (``LABEL_ROOM``, or its whole width when shorter) is free;
    then each label takes what room there is up to the next mark of its
    track, and is cut there (or left out: a crowded lane draws markers alone,
    their words in their titles and the table)."""
    placing: list[_Placing] = []
    tracks: dict[str, list[float]] = {}  # lane: where each track's last reach ends
    for row, (start, finish) in sorted(((row, place(row)) for row in rows), key=lambda pair: _middle(pair[1][0])):
        x = _x(pieces, _middle(start))
        end = max(_x(pieces, _middle(finish)), x + 4) if finish is not None else x
        # The band stops at a break: the break hides those days.
        low = max(_x(pieces, start[0]), _piece_of(pieces, _middle(start)).left)
        high = min(_x(pieces, (finish or start)[1]), _piece_of(pieces, _middle(finish or start)).right)
        wanted = row.summary if len(row.summary) <= LABEL_MOST else _cut(row.summary, LABEL_MOST - 1)
        width = text_width(wanted, LABEL_SIZE)
        sure = min(width, LABEL_ROOM)
        right, left = WIDTH - 2 - (end + 9), x - 9 - 2
        if right >= min(width, 1.5 * LABEL_ROOM) or right >= left:  # right of it when there is fair room
            mark = _Placing(row, x, end, low, high, wanted, end + 9, "start", (x - 7, end + 9 + min(sure, right)))
        else:
            mark = _Placing(row, x, end, low, high, wanted, x - 9, "end", (x - 9 - min(sure, left), end + 7))
        ends = tracks.setdefault(row.lane_key, [])
        track = next((i for i, last in enumerate(ends) if last + GAP <= mark.reach[0]), None)
        if track is None and len(ends) < MOST_TRACKS:
            track = len(ends)
            ends.append(-math.inf)
        if track is None:  # a crowded lane: the marker alone
            track = min(range(len(ends)), key=lambda i: (ends[i], i))
            mark.labelled, mark.reach = False, (x - 7, end + 7)
        mark.track = track
        ends[track] = max(ends[track], mark.reach[1])
        placing.append(mark)
    marks: list[_Mark] = []
    for _, group in itertools.groupby(sorted(placing, key=lambda mark: (mark.row.lane_key, mark.track)), key=lambda mark: (mark.row.lane_key, mark.track)):
        in_track = list(group)  # in order of x
        free = -math.inf  # where what is drawn so far in the track ends
        for number, mark in enumerate(in_track):
            following = in_track[number + 1] if number + 1 < len(in_track) else None
            if not mark.labelled:
                label = ""
            elif mark.anchor == "start":
                limit = min(WIDTH - 2, following.reach[0] - GAP if following is not None else math.inf)
                if following is not None and following.anchor == "end" and following.labelled:
                    # Two labels face each other: each is sure of its part,
                    # and they share the rest, the first up to half.
                    room = following.label_x - mark.label_x - GAP
                    theirs = text_width(following.wanted, LABEL_SIZE)
                    mine = min(text_width(mark.wanted, LABEL_SIZE), LABEL_ROOM)
                    limit = mark.label_x + max(room - theirs, min(max(room / 2, mine), limit - mark.label_x))
                label = fit(mark.wanted, limit - mark.label_x, LABEL_SIZE, least=LABEL_LEAST)
            else:
                label = fit(mark.wanted, mark.label_x - max(free + GAP, 2), LABEL_SIZE, least=LABEL_LEAST)
            drawn_to = mark.label_x + text_width(label, LABEL_SIZE) if label and mark.anchor == "start" else mark.end + 7
            free = max(free, drawn_to)
            marks.append(_Mark(mark.row, mark.x, mark.end, mark.low, mark.high, label, mark.label_x, mark.anchor, mark.track))
    order = {id(mark.row): number for number, mark in enumerate(placing)}
    return sorted(marks, key=lambda mark: order[id(mark.row)])


def _heading(panel: _Panel) -> tuple[str, str]:
    """The panel's heading as drawn, cut to the width (day 0's name first,
    keeping its brackets), and in full when it is cut ("" when not)."""
    room = WIDTH - 8
    full = panel.heading
    if text_width(full, HEADING_SIZE, bold=True) <= room:
        return full, ""
    head, bracket, name = full.partition(" (")
    if bracket and name.endswith(")"):
        kept = fit(name[:-1], room - text_width(head + " ()", HEADING_SIZE, bold=True), HEADING_SIZE, bold=True)
        if kept:
            return f"{head} ({kept})", full
    return fit(full, room, HEADING_SIZE, bold=True) or "\u2026", full


def _svg(rows: list[Row], index_name: str, day_zero: date | None, prefix: str) -> str:
    panels = _panels(rows, index_name, day_zero)
    if not panels:
        return ""
    drawn: list[str] = []
    lanes: list[list[Lane]] = []
    y: float = TOP
    for number, panel in enumerate(panels):
        if number:
            drawn.append(f'<line class="cf-panel-rule" x1="0" x2="{WIDTH}" y1="{_number(y + PANEL_GAP / 2)}" y2="{_number(y + PANEL_GAP / 2)}"/>')
            y += PANEL_GAP
        parts, its_lanes, y = _panel(panel, y)
        drawn += parts
        lanes.append(its_lanes)
    title, desc = f"{prefix}-title", f"{prefix}-desc"
    scales = " and ".join("in days from day 0" if panel.key == "days" else "by calendar date" for panel in panels)
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cf-timeline" width="100%" viewBox="0 0 {WIDTH} {_number(y)}" role="img" aria-labelledby="{_escape(title)}" aria-describedby="{_escape(desc)}">',
        f'<title id="{_escape(title)}">Timeline of the case, {scales}</title>',
        f'<desc id="{_escape(desc)}">{_escape(_description(rows, panels, lanes, index_name, day_zero))}</desc>',
        f"<style>{_css()}</style>",
    ]
    return "\n".join(head + drawn + ["</svg>"]) + "\n"


def _panel(panel: _Panel, top: float) -> tuple[list[str], list[Lane], float]:
    """A panel's elements from ``top`` down: its heading, lanes and axis; the
    lanes it has; and where it ends."""
    pieces = panel.pieces
    marks = _marks(panel.rows, pieces, panel.place)
    lanes = [lane for lane in LANES if any(mark.row.lane_key == lane.key for mark in marks)]
    shown, full = _heading(panel)
    heading = f'<text class="cf-panel-name" x="4" y="{_number(top + 17)}">{_escape(shown)}</text>'
    body = [f'<g class="cf-panel-heading"><title>{_escape(full)}</title>{heading}</g>' if full else heading]
    y = first = top + PANEL_HEADER
    for lane in lanes:
        mine = [mark for mark in marks if mark.row.lane_key == lane.key]
        height = HEADER + TRACK * (max(mark.track for mark in mine) + 1) + LANE_GAP
        body.append(f'<g class="cf-lane cf-lane-{lane.key}">')
        body.append(f'<rect class="cf-lane-back" x="0" y="{_number(y + 1)}" width="{_number(25 + text_width(lane.name, LANE_SIZE, bold=True))}" height="{HEADER - 2}"/>')
        body.append(f'<rect class="cf-swatch" x="4" y="{_number(y + 6)}" width="11" height="11" rx="2"/>')
        body.append(f'<text class="cf-lane-name" x="20" y="{_number(y + 16)}">{_escape(lane.name)}</text>')
        body += [_event(mark, y + HEADER + TRACK * mark.track + TRACK / 2) for mark in mine]
        body.append("</g>")
        y += height
        body.append(f'<line class="cf-lane-rule" x1="0" x2="{WIDTH}" y1="{_number(y - LANE_GAP / 2)}" y2="{_number(y - LANE_GAP / 2)}"/>')
    axis = y + 2
    span = f'y1="{_number(first)}" y2="{_number(axis)}"'
    under = [f'<rect class="cf-break" x="{_number(a.right + 3)}" y="{_number(first)}" width="{_number(b.left - a.right - 6)}" height="{_number(axis - first)}"/>' for a, b in zip(pieces, pieces[1:])]
    under += [f'<line class="cf-grid" x1="{_number(_x(pieces, at))}" x2="{_number(_x(pieces, at))}" {span}/>' for at, _ in panel.ticks if at != panel.zero]
    if panel.zero is not None:
        under.append(f'<line class="cf-day0" x1="{_number(_x(pieces, panel.zero))}" x2="{_number(_x(pieces, panel.zero))}" {span}/>')
    scale = [f'<line class="cf-axis" x1="{_number(piece.left)}" x2="{_number(piece.right)}" y1="{_number(axis)}" y2="{_number(axis)}"/>' for piece in pieces]
    for a, b in zip(pieces, pieces[1:]):  # the break: two slanted strokes
        scale += [f'<line class="cf-axis" x1="{_number(x - 3)}" x2="{_number(x + 3)}" y1="{_number(axis + 5)}" y2="{_number(axis - 5)}"/>' for x in (a.right + 6, b.left - 6)]
    for lines, css, drop in ((panel.ticks, "cf-tick", 18), (panel.under, "cf-tick-date", 33)):
        for at, label in lines:
            x = _x(pieces, at)
            half = text_width(label, TICK_SIZE) / 2
            anchor = "start" if x - half < 0 else "end" if x + half > WIDTH else "middle"
            if css == "cf-tick":
                scale.append(f'<line class="cf-axis" x1="{_number(x)}" x2="{_number(x)}" y1="{_number(axis)}" y2="{_number(axis + 4)}"/>')
            scale.append(f'<text class="{css}" x="{_number(x)}" y="{_number(axis + drop)}" text-anchor="{anchor}">{_escape(label)}</text>')
    bottom = axis + (41 if panel.under else 26)
    return [f'<g class="cf-panel cf-panel-{panel.key}">', *under, *body, *scale, "</g>"], lanes, bottom


def _event(mark: _Mark, y: float) -> str:
    row = mark.row
    course = (row.end_days if row.panel == "days" else row.end_dates) is not None
    classes = "cf-event cf-course" if course else "cf-event"
    if row.approximate:
        classes += " cf-approximate"
    when = row.day if row.panel == "days" else ("about " if row.approximate else "") + row.date
    also = row.date if row.panel == "days" and row.date else ""
    said = f"{row.summary} ({when}{', ' + also if also else ''})"
    parts = [f'<g class="{classes}" data-id="{_escape(row.id)}" data-lane="{_escape(row.lane_key)}" data-panel="{row.panel}">', f"<title>{_escape(said)}</title>"]
    if mark.high - mark.low > 1 and (mark.low < mark.x - 0.5 or mark.high > mark.end + 0.5):
        parts.append(f'<rect class="cf-span" x="{_number(mark.low)}" y="{_number(y - 7)}" width="{_number(mark.high - mark.low)}" height="14" rx="3"/>')
    if course:
        parts.append(f'<rect class="cf-bar" x="{_number(mark.x)}" y="{_number(y - 5)}" width="{_number(mark.end - mark.x)}" height="10" rx="3"/>')
    else:
        parts.append(f'<circle class="cf-marker" cx="{_number(mark.x)}" cy="{_number(y)}" r="5"/>')
    if mark.label:
        parts.append(f'<text class="cf-label" x="{_number(mark.label_x)}" y="{_number(y + 4.5)}" text-anchor="{mark.anchor}">{_escape(mark.label)}</text>')
    return "".join(parts) + "</g>"


def _counted(number: int, one: str, more: str) -> str:
    return f"{number} {one if number == 1 else more}"


def _description(rows: list[Row], panels: list[_Panel], lanes: list[list[Lane]], index_name: str, day_zero: date | None) -> str:
    keys = [panel.key for panel in panels]
    zero = f"day 0 is {index_name}" + (f" ({_date(day_zero)})" if day_zero else "")
    if keys == ["days"]:
        words = [f"The events of the case on a scale of days, {zero}."]
    elif keys == ["dates"]:
        words = [f"The events of the case by calendar date: {zero}, which has no date, and no event has a known day counted from it."]
    else:
        words = [
            f"The events of the case in two panels: {zero}, which has no date. The first panel shows the events on a scale of days from day 0; "
            "the second shows by calendar date the events that have a date but no known day from day 0."
        ]
    for panel, its_lanes in zip(panels, lanes):
        where = "" if len(panels) == 1 else " on the scale of days" if panel.key == "days" else " by calendar date"
        words.append(f"{_counted(len(panel.rows), 'event is', 'events are')} drawn{where}, in lanes: {', '.join(lane.name for lane in its_lanes)}.")
    undrawn = sum(1 for row in rows if not row.drawn)
    if undrawn:
        words.append(f"{_counted(undrawn, 'more event has', 'more events have')} neither a known day nor a calendar date and {'is' if undrawn == 1 else 'are'} listed only in the table.")
    for panel in panels:
        if len(panel.pieces) > 1:
            hidden = "; ".join(f"{panel.point(math.ceil(a.last))} to {panel.point(math.floor(b.first))}" for a, b in zip(panel.pieces, panel.pieces[1:]))
            which = "" if len(panels) == 1 else f" of {panel.scale}"
            words.append(f"The scale{which} is broken where nothing happens for a long time: {hidden}.")
    words.append("Bars are courses from start to end; faint bands show how imprecisely a time is known.")
    return " ".join(words)
