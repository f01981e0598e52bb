"""The timeline of a case page: its events on a scale of days from day 0, as
an inline SVG, and the same events as rows of a table beside it.

Lanes. An event goes in the lane of its kind (`LANES`, the one table of
it). Interventions and adverse events join their lanes too, unless a
timeline event of the lane's kind stands for them: one that names them in
`related`, or counts from them at day 0. Lanes with nothing drawn are left
out of the SVG.

Scale. x is the day number from day 0 (`index_event`), as
`TimeCourse.days_from` gives it: a range of days, drawn at its midpoint,
with a faint band over the range when it is wider than one day. An entry
with a start and an end is a bar. Over a long course, the axis is broken
where nothing happens for a long stretch (compared with the stretches where
things happen), so that a cluster of days stays readable in a course of
years; each piece has its own linear scale, with ticks at whole days, weeks
or months from day 0.

Undated events. An event whose day cannot be found is not drawn: it is a row
of the table marked "time not known", and the SVG's description says how
many there are, so that what is drawn is not taken for all there is.

Safety. Every piece of case text is escaped (`html.escape`, quotes too) and
characters XML does not allow are dropped. Styling is by classes, with
colours from Material's CSS custom properties or `currentColor`, so light and
dark schemes both work; there is no script, font or external reference, and
the same case always gives the same SVG.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable

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
    days: tuple[int, int] | None  # the day numbers of its start, as a range; None: not drawn
    end_days: tuple[int, int] | None  # of its end, for a course
    lane_key: str

    @property
    def drawn(self) -> bool:
        return self.days is not None


@dataclass(frozen=True)
class Timeline:
    svg: str  # "" when no event has a known day
    rows: tuple[Row, ...]

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
    rows = _in_order(rows, course, {identifier: mapping for identifier, (_, mapping) in entries.items()})
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
    about = "about " if isinstance(item.time, dict) and item.time.get("approximate") is True else ""
    if days is None:
        day = UNDATED
    elif end_days is not None:
        day = f"{about}{_days(days)} until {_days(end_days)}"
    else:
        day = about + _days(days)
    when = [course.start.get(item.id), course.start.get(f"{item.id} end") if item.end is not None else None]
    shown = " until ".join(_calendar(interval) for interval in when if interval is not None) if when[0] is not None else ""
    return Row(item.id, item.lane.name, item.summary, day, shown, days, end_days, item.lane.key)


def _in_order(rows: list[Row], course: TimeCourse, entries: dict[str, Any]) -> list[Row]:
    """Rows by day; an undated row goes after the dated row it follows in the
    case's order of time (`TimeCourse.ordered`), or first if none does."""
    by_id = {row.id: row for row in rows}
    key: dict[str, tuple[float, int]] = {}
    anchor = -math.inf
    for position, identifier in enumerate(course.ordered(entries)):
        row = by_id.get(identifier)
        if row is not None:
            anchor = _middle(row.days) if row.days is not None else anchor
            key[identifier] = (anchor, position)
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
    if first.day == 1 and (last + timedelta(days=1)).day == 1 and first.year == last.year:
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


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARACTERS else text[: LABEL_CHARACTERS - 1].rstrip() + "\u2026"


# --- The scale ---------------------------------------------------------------

WIDTH = 800  # of the viewBox; the SVG itself is 100% wide
LEFT, RIGHT = 40, 760  # the plotted days
LABEL_CHARACTERS = 28  # longer summaries are cut, with an ellipsis
CHARACTER = 6.4  # the width of a character of a 12px label, roughly
LINEAR_DAYS = 120  # a course up to this long is drawn on one linear scale
BREAK_DAYS = 30  # a break hides at least this many days,
BREAK_SHARE = 0.08  # and this share of the course;
MOST_PIECES = 6  # the axis has at most this many pieces
BREAK_WIDTH = 26
TICK_SPACING = 56  # the least room for a tick
TICK_CHARACTER, DATE_CHARACTER = 6.2, 5.6  # widths of a character of the tick labels, roughly
TICK_STEPS = (1, 2, 7, 14, 30, 60, 90, 180, 365, 730, 1825, 3650)


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


def _ticks(pieces: list[_Piece]) -> list[int]:
    """Days to label: on each piece, multiples of the smallest step of days,
    weeks or months that leaves room for the labels (day 0 among them); on a
    piece with room for one, day 0 or the middle."""
    wanted: list[int] = []
    for piece in pieces:
        room = int((piece.right - piece.left) // TICK_SPACING) + 1
        for step in TICK_STEPS:
            days = list(range(math.ceil(piece.first / step) * step, math.floor(piece.last) + 1, step))
            if len(days) <= room:
                break
        lone = 0 if piece.first <= 0 <= piece.last else round((piece.first + piece.last) / 2)
        wanted += days if len(days) > 1 else [lone]
    return _apart(pieces, wanted, lambda day: len(_day(day)) * TICK_CHARACTER)


def _apart(pieces: list[_Piece], days: list[int], width: Callable[[int], float]) -> list[int]:
    """Those of ``days`` whose labels, ``width`` wide and centred, keep apart;
    day 0 first."""
    kept: list[int] = [0] if 0 in days else []
    for day in days:
        if all(abs(_x(pieces, day) - _x(pieces, other)) >= (width(day) + width(other)) / 2 + 8 for other in kept):
            kept.append(day)
    return sorted(kept)


# --- The SVG -----------------------------------------------------------------

TOP = 6
HEADER = 20  # the lane's name
TRACK = 20  # one row of markers and labels
LANE_GAP = 8
MOST_TRACKS = 12


def _css() -> str:
    lanes = "".join(f".cf-timeline .cf-lane-{lane.key}{{--cf-lane:var(--cf-timeline-{lane.key},{lane.colour})}}" for lane in LANES)
    return (
        ".cf-timeline{font-family:inherit;font-size:12px}"
        # Text keeps clear of the lines under it with a halo of the background.
        ".cf-timeline text{fill:currentColor;paint-order:stroke;stroke:var(--md-default-bg-color,#fff);stroke-width:3px;stroke-linejoin:round;stroke-opacity:.85}"
        ".cf-timeline .cf-lane-name{font-weight:700}"
        ".cf-timeline .cf-swatch{fill:var(--cf-lane)}"
        ".cf-timeline .cf-lane-rule{stroke:currentColor;stroke-opacity:.15}"
        ".cf-timeline .cf-grid{stroke:currentColor;stroke-opacity:.12}"
        ".cf-timeline .cf-day0{stroke:var(--md-accent-fg-color,#f50057);stroke-width:1.5;stroke-dasharray:4 3}"
        ".cf-timeline .cf-axis{stroke:currentColor;stroke-opacity:.6}"
        ".cf-timeline .cf-tick-date{font-size:11px;fill-opacity:.7}"
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


def _marks(rows: list[Row], pieces: list[_Piece]) -> list[_Mark]:
    """Each drawn row placed on a track of its lane, its label where it does
    not run into another (cut short, or left out when the lane is crowded)."""
    marks: list[_Mark] = []
    tracks: dict[str, list[float]] = {}  # lane: where each track's last label ends
    for row in sorted((row for row in rows if row.days is not None), key=lambda row: _middle(row.days or (0, 0))):
        assert row.days is not None
        x = _x(pieces, _middle(row.days))
        end = max(_x(pieces, _middle(row.end_days)), x + 4) if row.end_days is not None else x
        low, high = _x(pieces, row.days[0]), _x(pieces, (row.end_days or row.days)[1])
        label = _short(row.summary)
        width = len(label) * CHARACTER
        label_x, anchor, reach = end + 9, "start", (x - 7, end + 9 + width)
        if reach[1] > WIDTH - 2:
            label_x, anchor, reach = x - 9, "end", (x - 9 - width, end + 7)
        ends = tracks.setdefault(row.lane_key, [])
        track = next((i for i, last in enumerate(ends) if last + 8 <= reach[0]), None)
        if track is None and len(ends) < MOST_TRACKS:
            track = len(ends)
            ends.append(-math.inf)
        if track is None:  # a crowded lane: the marker alone, its words in the title and the table
            track = min(range(len(ends)), key=lambda i: (ends[i], i))
            label, reach = "", (x - 7, end + 7)
        ends[track] = max(ends[track], reach[1])
        marks.append(_Mark(row, x, end, low, high, label, label_x, anchor, track))
    return marks


def _svg(rows: list[Row], index_name: str, day_zero: date | None, prefix: str) -> str:
    drawn = [row for row in rows if row.days is not None]
    if not drawn:
        return ""
    points = [0.0] + [_middle(row.days) for row in drawn if row.days] + [_middle(row.end_days) for row in drawn if row.end_days]
    pieces = _pieces(points)
    marks = _marks(rows, pieces)
    lanes = [lane for lane in LANES if any(mark.row.lane_key == lane.key for mark in marks)]
    body: list[str] = []
    y = TOP
    for lane in lanes:
        mine = [mark for mark in marks if mark.row.lane_key == lane.key]
        height = HEADER + TRACK * (max(mark.track for mark in mine) + 1) + LANE_GAP
        body.append(f'<g class="cf-lane cf-lane-{lane.key}">')
        body.append(f'<rect class="cf-swatch" x="4" y="{y + 5}" width="10" height="10" rx="2"/>')
        body.append(f'<text class="cf-lane-name" x="19" y="{y + 14}">{_escape(lane.name)}</text>')
        body += [_event(mark, y + HEADER + TRACK * mark.track + TRACK / 2) for mark in mine]
        body.append("</g>")
        y += height
        body.append(f'<line class="cf-lane-rule" x1="0" x2="{WIDTH}" y1="{y - LANE_GAP / 2}" y2="{y - LANE_GAP / 2}"/>')
    axis = y + 2
    ticks = _ticks(pieces)
    dated = _apart(pieces, ticks, lambda day: len(_date_after(day_zero, day)) * DATE_CHARACTER) if day_zero else []
    under = [f'<rect class="cf-break" x="{_number(a.right + 3)}" y="{TOP}" width="{_number(b.left - a.right - 6)}" height="{axis - TOP}"/>' for a, b in zip(pieces, pieces[1:])]
    under += [f'<line class="cf-grid" x1="{_number(_x(pieces, day))}" x2="{_number(_x(pieces, day))}" y1="{TOP}" y2="{axis}"/>' for day in ticks if day != 0]
    under.append(f'<line class="cf-day0" x1="{_number(_x(pieces, 0))}" x2="{_number(_x(pieces, 0))}" y1="{TOP}" y2="{axis}"/>')
    scale = [f'<line class="cf-axis" x1="{_number(piece.left)}" x2="{_number(piece.right)}" y1="{axis}" y2="{axis}"/>' for piece in pieces]
    for a, b in zip(pieces, pieces[1:]):  # the break: two slanted strokes
        scale += [f'<line class="cf-axis" x1="{_number(x - 3)}" x2="{_number(x + 3)}" y1="{axis + 5}" y2="{axis - 5}"/>' for x in (a.right + 6, b.left - 6)]
    for day in ticks:
        x = _x(pieces, day)
        label = _day(day)
        anchor = "start" if x - len(label) * 3.3 < 0 else "end" if x + len(label) * 3.3 > WIDTH else "middle"
        scale.append(f'<line class="cf-axis" x1="{_number(x)}" x2="{_number(x)}" y1="{axis}" y2="{axis + 4}"/>')
        scale.append(f'<text class="cf-tick" x="{_number(x)}" y="{axis + 17}" text-anchor="{anchor}">{_escape(label)}</text>')
        when = _date_after(day_zero, day) if day_zero is not None and day in dated else ""
        if when:
            scale.append(f'<text class="cf-tick-date" x="{_number(x)}" y="{axis + 31}" text-anchor="{anchor}">{_escape(when)}</text>')
    height = axis + (38 if day_zero else 24)
    title, desc = f"{prefix}-title", f"{prefix}-desc"
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cf-timeline" width="100%" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{_escape(title)}" aria-describedby="{_escape(desc)}">',
        f'<title id="{_escape(title)}">Timeline of the case, in days from day 0</title>',
        f'<desc id="{_escape(desc)}">{_escape(_description(rows, lanes, pieces, index_name, day_zero))}</desc>',
        f"<style>{_css()}</style>",
    ]
    return "\n".join(head + under + body + scale + ["</svg>"]) + "\n"


def _event(mark: _Mark, y: float) -> str:
    row = mark.row
    course = row.end_days is not None
    classes = "cf-event cf-course" if course else "cf-event"
    if row.day.startswith("about "):
        classes += " cf-approximate"
    said = f"{row.summary} ({row.day}{', ' + row.date if row.date else ''})"
    parts = [f'<g class="{classes}" data-id="{_escape(row.id)}" data-lane="{_escape(row.lane_key)}">', f"<title>{_escape(said)}</title>"]
    if mark.high - mark.low > 1 and (mark.low < mark.x - 0.5 or mark.high > mark.end + 0.5):
        parts.append(f'<rect class="cf-span" x="{_number(mark.low)}" y="{_number(y - 7)}" width="{_number(mark.high - mark.low)}" height="14" rx="3"/>')
    if course:
        parts.append(f'<rect class="cf-bar" x="{_number(mark.x)}" y="{_number(y - 5)}" width="{_number(mark.end - mark.x)}" height="10" rx="3"/>')
    else:
        parts.append(f'<circle class="cf-marker" cx="{_number(mark.x)}" cy="{_number(y)}" r="5"/>')
    if mark.label:
        parts.append(f'<text class="cf-label" x="{_number(mark.label_x)}" y="{_number(y + 4)}" text-anchor="{mark.anchor}">{_escape(mark.label)}</text>')
    return "".join(parts) + "</g>"


def _description(rows: list[Row], lanes: list[Lane], pieces: list[_Piece], index_name: str, day_zero: date | None) -> str:
    drawn = sum(1 for row in rows if row.days is not None)
    undated = len(rows) - drawn
    zero = f"day 0 is {index_name}" + (f" ({_date(day_zero)})" if day_zero else "")
    words = [
        f"The events of the case on a scale of days, {zero}.",
        f"{drawn} {'event is' if drawn == 1 else 'events are'} drawn, in lanes: {', '.join(lane.name for lane in lanes)}.",
    ]
    if undated:
        words.append(f"{undated} more {'event has' if undated == 1 else 'events have'} no known day and {'is' if undated == 1 else 'are'} listed only in the table.")
    if len(pieces) > 1:
        hidden = "; ".join(f"{_day(math.ceil(a.last))} to {_day(math.floor(b.first))}" for a, b in zip(pieces, pieces[1:]))
        words.append(f"The scale is broken where nothing happens for a long time: {hidden}.")
    words.append("Bars are courses from start to end; faint bands show how imprecisely a time is known.")
    return " ".join(words)
