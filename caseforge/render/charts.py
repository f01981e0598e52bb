"""Trend charts of test results as small static SVG: no JavaScript, no fonts, themed by CSS.

This is our own code, not a charting library: matplotlib would add numpy and
some 40 MB, draw text as glyph paths or name a font, and fix its colours
when it renders, so a chart could not follow Material's light and dark
schemes; pygal fixes its palette in its own style classes and loads its
tooltips' script from the web; Vega and Altair need JavaScript (in the
browser, or a bundled engine) to draw anything at all. A line chart with a
reference band, intervention markers and tooltips is some two hundred lines
here and gives an SVG of a few kilobytes whose colours are CSS custom
properties (``--md-primary-fg-color``, ``currentColor``). It works offline
and writes the same bytes for the same case, so site builds can be compared.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Sequence

from caseforge.render.labs import MINUS, Marker, Series, day_label
from caseforge.render.timeline import fit, text_width
from caseforge.units import display

WIDTH = 640
PLOT_HEIGHT = 200
LEFT, RIGHT, BOTTOM = 58, 32, 34
TOP = 22  # above the plot: the unit
LANE = 14  # height of one row of intervention labels, at the top inside the plot
LANES = 3  # rows of them at most
FONT = 11
LABEL_CHARS = 32
PAD = 0.04  # of the days shown: room left of the first tick when something is drawn on it

_DANGLING = frozenset({"and", "or", "with", "of", "the", "for", "to", "in", "on", "before", "after", "a"})

# The line's colour is the theme's link colour, which Material keeps legible
# in both schemes (in the light one it is the primary colour itself).
_LINE = "var(--md-typeset-a-color,var(--md-primary-fg-color,#3f51b5))"
STYLE = (
    ".cf-chart{max-width:100%;height:auto;font-family:var(--md-text-font-family,system-ui,sans-serif);font-size:11px}"
    ".cf-chart text{fill:currentColor}"
    ".cf-chart .cf-tick{fill-opacity:.75}"
    ".cf-chart .cf-grid{stroke:currentColor;stroke-opacity:.12}"
    ".cf-chart .cf-axis{stroke:currentColor;stroke-opacity:.5}"
    ".cf-chart .cf-range{fill:currentColor;fill-opacity:.07}"
    ".cf-chart .cf-range-label{fill-opacity:.55;font-style:italic}"
    ".cf-chart .cf-line{fill:none;stroke:" + _LINE + ";stroke-width:2}"
    ".cf-chart .cf-point{fill:" + _LINE + ";stroke:var(--md-default-bg-color,#fff);stroke-width:1.5}"
    ".cf-chart .cf-bound{fill:var(--md-default-bg-color,#fff);stroke:" + _LINE + ";stroke-width:2}"
    ".cf-chart .cf-days{stroke:" + _LINE + ";stroke-width:2;stroke-opacity:.5}"
    ".cf-chart .cf-marker{stroke:currentColor;stroke-opacity:.55;stroke-dasharray:4 3}"
    ".cf-chart .cf-course{fill:currentColor;fill-opacity:.25}"
    # Marker labels sit inside the plot, clear of the lines under them.
    ".cf-chart .cf-marker-label{fill-opacity:.85;paint-order:stroke;stroke:var(--md-default-bg-color,#fff);stroke-width:3px;stroke-linejoin:round;stroke-opacity:.9}"
)


def nice_step(span: float, count: int = 5, smallest: float = 0.0) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about ``count`` steps
    over ``span``, and no smaller than ``smallest``."""
    raw = max(span / max(count, 1) if span > 0 else 1.0, smallest)
    power = 10 ** math.floor(math.log10(raw))
    return next(factor * power for factor in (1, 2, 5, 10) if factor * power >= raw * 0.999)


def nice_ticks(low: float, high: float, count: int = 5, smallest: float = 0.0) -> list[float]:
    """Ticks in 1-2-5 steps (no smaller than ``smallest``) from a multiple of
    the step at or below ``low`` to one at or above ``high``."""
    if high < low:
        low, high = high, low
    if high == low:
        low, high = low - (abs(low) or 1) / 2, high + (abs(high) or 1) / 2
    step = nice_step(high - low, count, smallest)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(index * step, 12) for index in range(first, last + 1)]


def log_ticks(low: float, high: float) -> list[float]:
    """Powers of ten from one at or below ``low`` to one at or above ``high``
    (every other one beyond eight decades)."""
    first, last = math.floor(math.log10(low) + 1e-9), math.ceil(math.log10(high) - 1e-9)
    every = 1 if last - first <= 8 else 2
    return [10.0**power for power in range(first, last + 1, every)]


def uses_log_scale(values: Sequence[float]) -> bool:
    """Whether values call for a log axis: all positive, spanning more than two orders of magnitude."""
    return bool(values) and min(values) > 0 and max(values) / min(values) > 100


@dataclass(frozen=True)
class _Frame:
    """Where a chart's plot area lies, and how days and values map into it."""

    days: tuple[float, float]
    values: tuple[float, float]
    log: bool
    top: float  # of the plot
    bottom: float
    head: float = 0.0  # the rows of marker labels at the top of the plot, above the values

    def x(self, day: float) -> float:
        return _scale(day, *self.days, LEFT, WIDTH - RIGHT)

    def y(self, value: float) -> float:
        if self.log:
            low, high = self.values
            return _scale(math.log10(max(value, low)), math.log10(low), math.log10(high), self.bottom, self.top + self.head)
        return _scale(value, *self.values, self.bottom, self.top + self.head)


def trend_svg(series: Series, markers: Sequence[Marker] = ()) -> str:
    """The series' placed points as a line chart over days from day 0, with
    its reference range and the interventions that fall within its days."""
    if not series.points:
        raise ValueError(f"{series.name}: no value has a known day to chart")
    first_day = min(point.days[0] for point in series.points if point.days)
    last_day = max(point.days[1] for point in series.points if point.days)
    reach = max(7.0, (last_day - first_day) / 4)  # markers this near the points are shown too
    shown = [m for m in markers if m.start[0] <= last_day + reach and (m.end or m.start)[1] >= first_day - reach]
    x_ticks = nice_ticks(min([first_day] + [m.start[0] for m in shown]), max([last_day] + [(m.end or m.start)[1] for m in shown]), 6, smallest=1)
    values = [point.value for point in series.points]
    log = uses_log_scale(values)
    if log:
        y_ticks = log_ticks(min(values), max(values))
    else:
        limits = values + [end for end in (series.reference_range or ()) if end is not None]
        low, high = min(limits), max(limits)
        if 0 < low < 0.4 * high:
            low = 0.0  # proportions read true from zero when the values come near it anyway
        y_ticks = nice_ticks(low, high, 4)
    # Day 0 (or whatever is drawn on the first tick) would hide in the axis:
    # the days start a little before it then.
    span = x_ticks[-1] - x_ticks[0]
    leftmost = min([point.days[0] for point in series.points if point.days] + [_middle(m.start) for m in shown])
    days = (x_ticks[0] - PAD * span if leftmost <= x_ticks[0] + PAD * span / 4 else x_ticks[0], x_ticks[-1])
    frame = _Frame(days, (y_ticks[0], y_ticks[-1]), log, TOP, TOP + PLOT_HEIGHT)
    labels = _labels(shown, frame)
    head = LANE * (max((row for row, _, _, _ in labels.values()), default=-1) + 1)
    frame = _Frame(days, frame.values, log, TOP, TOP + PLOT_HEIGHT + head, head + 6 if head else 0.0)

    unit = display.unit(series.unit)
    height = frame.bottom + BOTTOM
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cf-chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img">',
        f"<title>{_text(series.name + (f' ({unit})' if unit else ''))}</title>",
        f"<desc>{_text(describe(series, shown, log))}</desc>",
        f"<style>{STYLE}</style>",
    ]
    out += _band(series, frame)
    out += _axes(frame, x_ticks, y_ticks, " ".join(filter(None, (unit, "(log scale)" if log else ""))))
    out += [_marker(marker, labels.get(marker.identifier), frame) for marker in shown]
    out += _points(series, frame)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _band(series: Series, frame: _Frame) -> list[str]:
    """The reference range as a shaded band, labelled inside it, or above it when thin."""
    if series.reference_range is None:
        return []
    low, high = series.reference_range
    # An open top stops below the marker labels.
    band_top = frame.y(min(high, frame.values[1])) if high is not None else frame.y(frame.values[1])
    band_bottom = frame.y(max(low, frame.values[0])) if low is not None else frame.bottom
    if band_bottom <= band_top:
        return []
    out = [f'<rect class="cf-range" x="{LEFT}" y="{_n(band_top)}" width="{WIDTH - LEFT - RIGHT}" height="{_n(band_bottom - band_top)}"/>']
    label_y = band_top + 12 if band_bottom - band_top >= 16 else band_top - 4 if band_top - 12 >= frame.top + frame.head else None
    if label_y is not None:
        out.append(f'<text class="cf-range-label" x="{WIDTH - RIGHT - 4}" y="{_n(label_y)}" text-anchor="end">reference range</text>')
    return out


def _axes(frame: _Frame, x_ticks: list[float], y_ticks: list[float], name: str) -> list[str]:
    """Grid lines and values up the side, days along the bottom, the unit at the top."""
    out = []
    for tick in y_ticks:
        at = frame.y(tick)
        out.append(f'<line class="cf-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_n(at)}" y2="{_n(at)}"/>')
        out.append(f'<text class="cf-tick" x="{LEFT - 6}" y="{_n(at + 4)}" text-anchor="end">{_tick(tick, y_ticks, frame.log)}</text>')
    for tick in x_ticks:
        at = frame.x(tick)
        out.append(f'<line class="cf-axis" x1="{_n(at)}" x2="{_n(at)}" y1="{frame.bottom}" y2="{frame.bottom + 4}"/>')
        out.append(f'<text class="cf-tick" x="{_n(at)}" y="{frame.bottom + 17}" text-anchor="middle">{day_label((int(tick), int(tick)))}</text>')
    out.append(f'<line class="cf-axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{frame.bottom}" y2="{frame.bottom}"/>')
    out.append(f'<line class="cf-axis" x1="{LEFT}" x2="{LEFT}" y1="{frame.top}" y2="{frame.bottom}"/>')
    if name:
        out.append(f'<text class="cf-unit" x="4" y="13">{_text(name)}</text>')
    return out


def _points(series: Series, frame: _Frame) -> list[str]:
    """The line, each point with its tooltip, and a bar across the days of an imprecise one.
    A bound ("<0.01") is an open circle."""
    placed = [(point, frame.x(point.day or 0.0), frame.y(point.value)) for point in series.points]  # all have days
    out = ['<polyline class="cf-line" points="' + " ".join(f"{_n(x)},{_n(y)}" for _, x, y in placed) + '"/>']
    for point, x, y in placed:
        low, high = point.days or (0, 0)
        if low != high:
            out.append(f'<line class="cf-days" x1="{_n(frame.x(low))}" x2="{_n(frame.x(high))}" y1="{_n(y)}" y2="{_n(y)}"/>')
        kind = "cf-bound" if point.comparator in ("<", "<=", ">", ">=") else "cf-point"
        out.append(f'<circle class="{kind}" cx="{_n(x)}" cy="{_n(y)}" r="4.5"><title>{_text(f"{point.shown} · {point.time}")}</title></circle>')
    return out


def describe(series: Series, markers: Sequence[Marker] = (), log: bool = False) -> str:
    """What the chart shows, in words, for readers who cannot see it."""
    first, last = series.points[0], series.points[-1]
    unit = display.unit(series.unit)
    count = len(series.points)
    words = [f"{series.name}{f' in {unit}' if unit else ''}: {count} value{'s' if count != 1 else ''}, from {first.shown} ({first.time}) to {last.shown} ({last.time})."]
    if series.reference_range is not None:
        low, high = series.reference_range
        ends = [end for end in (low, high) if end is not None]
        limits = " to ".join([display.quantity(end, "1") for end in ends[:-1]] + [display.quantity(ends[-1], series.unit)])
        words.append(f"Reference range {'from ' if high is None else 'up to ' if low is None else ''}{limits}.")
    if log:
        words.append("Log scale.")
    if markers:
        words.append("Marked: " + "; ".join(f"{m.label} ({day_label(m.start)}{f' to {day_label(m.end)}' if m.end else ''})" for m in markers) + ".")
    others = len(series.unplaced) + len(series.unconverted)
    if others:
        words.append(f"{others} more value{'s are' if others != 1 else ' is'} listed below the chart.")
    return " ".join(words)


_Label = tuple[int, float, str, str]  # row, x, anchor, text


def _marker(marker: Marker, label: _Label | None, frame: _Frame) -> str:
    """A dashed line at the day given (two, and a bar between, for a course), its label in its row."""
    start = frame.x(_middle(marker.start))
    end = frame.x(_middle(marker.end)) if marker.end else None
    when = day_label(marker.start) + (f" to {day_label(marker.end)}" if marker.end else "")
    parts = [f'<g class="cf-intervention"><title>{_text(f"{marker.label} · {when}")}</title>']
    for at in (start,) if end is None else (start, end):
        parts.append(f'<line class="cf-marker" x1="{_n(at)}" x2="{_n(at)}" y1="{frame.top}" y2="{frame.bottom}"/>')
    if end is not None:
        parts.append(f'<rect class="cf-course" x="{_n(start)}" y="{frame.top}" width="{_n(max(end - start, 1))}" height="3"/>')
    if label is not None:
        row, at, anchor, text = label
        parts.append(f'<text class="cf-marker-label" x="{_n(at)}" y="{_n(frame.top + 12 + LANE * row)}" text-anchor="{anchor}">{_text(text)}</text>')
    parts.append("</g>")
    return "".join(parts)


def _labels(markers: Sequence[Marker], frame: _Frame) -> dict[str, _Label]:
    """Each marker's label, at the top inside the plot: right of its line,
    or left of it near the right edge, cut to the room there is; a row for
    each, staggered down so that no two overlap (at most three rows; a label
    that finds no room is left to the marker's tooltip). Labels stay inside
    the plot, clear of the values up its side."""
    low, high = LEFT + 4, WIDTH - RIGHT - 2
    ends: list[float] = []
    found: dict[str, _Label] = {}
    for marker in sorted(markers, key=lambda m: (m.start[0], m.identifier)):
        line = frame.x(_middle(marker.start))
        text = _short(marker.label)
        right, left = high - (line + 4), line - 4 - low
        if text_width(text, FONT) <= right or right >= left:
            text, anchor, at = fit(text, right, FONT, least=3), "start", line + 4
            reach = (line - 2, at + text_width(text, FONT))
        else:
            text, anchor, at = fit(text, left, FONT, least=3), "end", line - 4
            reach = (at - text_width(text, FONT), line + 2)
        if not text:
            continue
        row = next((row for row, end in enumerate(ends) if end + 6 <= reach[0]), None)
        if row is None and len(ends) < LANES:
            row = len(ends)
            ends.append(-math.inf)
        if row is not None:
            ends[row] = reach[1]
            found[marker.identifier] = (row, at, anchor, text)
    return found


def _middle(days: tuple[int, int]) -> float:
    return (days[0] + days[1]) / 2


def _short(label: str) -> str:
    """A label cut at a word to fit above a chart."""
    if len(label) <= LABEL_CHARS:
        return label
    words = label[: LABEL_CHARS - 1].rsplit(" ", 1)[0].split()
    while len(words) > 1 and words[-1].lower() in _DANGLING:
        words.pop()
    return " ".join(words).rstrip(",;:(-") + "…"


def _tick(value: float, ticks: Sequence[float], log: bool) -> str:
    if log:
        power = round(math.log10(value))
        text = f"10{str(power).translate(str.maketrans('-0123456789', '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'))}" if abs(power) >= 5 else f"{value:.{max(0, -power)}f}"
    else:
        step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
        decimals = max(0, -math.floor(math.log10(step) + 1e-9))
        text = f"{value:.{decimals}f}"
        if float(text) == 0:
            text = text.lstrip("-")
    return text.replace("-", MINUS)


def _scale(value: float, low: float, high: float, start: float, end: float) -> float:
    return start + (value - low) / (high - low) * (end - start) if high != low else (start + end) / 2


def _n(number: float) -> str:
    """A coordinate: one decimal, no trailing zero, the same text for the same number."""
    text = f"{number:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _text(text: str) -> str:
    return escape(text, quote=True)
