"""The timeline of a case page: one SVG element per event with a known day or
date (days from day 0 in one panel, calendar dates in a second when day 0 has
no date), lanes, bars for courses, undated events in the table only,
readable ticks, and case text escaped."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from caseforge.render.timeline import LABEL_MOST, LABEL_SIZE, LANE_SIZE, LANES, WIDTH, Timeline, fit, text_width, timeline
from caseforge.source import Document, load, loads
from helpers import CASES, REPO, case_text

SVG = "{http://www.w3.org/2000/svg}"
EXAMPLES = sorted(CASES.glob("*.yaml"))
SEED = CASES / "donor-car-t-extramedullary-relapse.yaml"


def document(text: str) -> Document:
    found, problems = loads(text.encode("utf-8"), "case.yaml")
    assert found is not None, problems
    return found


def render(extra: str) -> Timeline:
    return timeline(document(case_text(extra)))


def parsed(result: Timeline) -> ElementTree.Element:
    return ElementTree.fromstring(result.svg)


def events(result: Timeline) -> list[ElementTree.Element]:
    return [g for g in parsed(result).iter(f"{SVG}g") if "cf-event" in g.get("class", "").split()]


def drawn_ids(result: Timeline) -> list[str]:
    return [g.get("data-id", "") for g in events(result)]


def lanes_of(result: Timeline) -> dict[str, str]:
    return {g.get("data-id", ""): g.get("data-lane", "") for g in events(result)}


def texts(result: Timeline, css_class: str) -> list[str]:
    return [node.text or "" for node in parsed(result).iter(f"{SVG}text") if node.get("class") == css_class]


def x_of(event: ElementTree.Element) -> float:
    marker = event.find(f"{SVG}circle")
    assert marker is not None
    return float(marker.get("cx", "nan"))


def panels(result: Timeline) -> dict[str, ElementTree.Element]:
    return {g.get("class", "").split()[-1].removeprefix("cf-panel-"): g for g in parsed(result).iter(f"{SVG}g") if "cf-panel" in g.get("class", "").split()}


def panel_ids(result: Timeline, panel: str) -> list[str]:
    return [g.get("data-id", "") for g in panels(result)[panel].iter(f"{SVG}g") if "cf-event" in g.get("class", "").split()]


def panel_texts(result: Timeline, panel: str, css_class: str) -> list[str]:
    return [node.text or "" for node in panels(result)[panel].iter(f"{SVG}text") if node.get("class") == css_class]


def label_of(event: ElementTree.Element) -> ElementTree.Element | None:
    return next((node for node in event.iter(f"{SVG}text") if node.get("class") == "cf-label"), None)


def desc(result: Timeline) -> str:
    node = parsed(result).find(f"{SVG}desc")
    assert node is not None
    return node.text or ""


# One admission at day 0 and events around it; further lines are appended.
STAY = """\
    timeline:
      - id: admission
        kind: admission
        summary: Admitted with fever
        time: 2021-09-29
      - id: culture
        kind: test
        summary: Blood cultures grow E. coli
        time: {day: 2, of: admission}
      - id: rash
        kind: adverse_event
        summary: Rash
        time: {day: 9, of: admission}
      - id: cured
        kind: response
        summary: Afebrile and well
        time: {day: 14, of: admission}
"""


# --- The example cases --------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_each_drawn_row_is_one_event_of_the_svg_and_the_others_only_listed(path: Path) -> None:
    case, _ = load(path)
    assert case is not None
    result = timeline(case)
    drawn = [row for row in result.rows if row.drawn]
    undrawn = [row for row in result.rows if not row.drawn]
    assert len(events(result)) == len(drawn), "one .cf-event per drawn row, across the panels"
    assert sorted(drawn_ids(result)) == sorted(row.id for row in drawn)
    assert len({row.id for row in drawn}) == len(drawn)
    assert all(row.day == "time not known" and row.date == "" for row in undrawn)
    assert all(f'data-id="{row.id}"' not in result.svg for row in undrawn)
    for row in drawn:  # in the panel of its day, else of its date
        assert row.panel == ("days" if row.days is not None else "dates")
        assert row.id in panel_ids(result, row.panel)
    timeline_ids = {event["id"] for event in case.data["timeline"]}
    assert timeline_ids <= {row.id for row in result.rows}
    for panel in panels(result):
        assert f"{sum(row.panel == panel for row in drawn)} events are drawn" in desc(result)
    assert f"{len(undrawn)} more events have neither a known day nor a calendar date" in desc(result)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_the_example_timelines_are_deterministic_and_accessible(path: Path) -> None:
    case, _ = load(path)
    again, _ = load(path)
    assert case is not None and again is not None
    result = timeline(case)
    assert result == timeline(again)
    root = parsed(result)
    assert root.get("role") == "img" and root.get("width") == "100%"
    title = root.find(f"{SVG}title")
    assert title is not None and title.get("id") == root.get("aria-labelledby")
    assert root.find(f"{SVG}desc").get("id") == root.get("aria-describedby")  # type: ignore[union-attr]
    assert "day 0 is" in desc(result)
    for forbidden in ("<script", "href", "url(", "@import", "@font-face", "style=", "<image", "<foreignObject"):
        assert forbidden not in result.svg
    for event in events(result):
        assert event.find(f"{SVG}title") is not None, "every event has its hover text"


def test_the_seed_draws_its_second_infusion_and_what_follows_it() -> None:
    case, _ = load(SEED)
    assert case is not None
    result = timeline(case)
    rows = {row.id: row for row in result.rows}
    assert rows["car-t-2-infusion"].day == "Day 0"
    assert rows["crs-2-onset"].day == "Day +1"
    assert rows["response-1-month"].day == "Day +28 to +31"
    assert rows["presentation"].day == "time not known" and rows["presentation"].date == "21 Jul 2020"
    assert rows["presentation"].drawn and rows["presentation"].panel == "dates"
    assert rows["relapse-eye"].date == "1 Apr 2021 to 28 Apr 2021"
    assert rows["diagnosis-ball"].date == "Jul 2020"
    # Interventions that no intervention event stands for join their lane;
    # those an event stands for (in `related`, or counted from at day 0) do not.
    assert rows["tocilizumab-1"].lane == "Interventions" and rows["eltrombopag"].lane == "Interventions"
    assert {"car-t-2", "haplo-hsct", "tocilizumab-2", "lymphodepletion-2"}.isdisjoint(rows)
    assert "lymphodepletion-1" not in rows  # it has no time of its own
    assert rows["thrombocytopenia"].lane == "Adverse events" and "crs-2" not in rows
    lanes = lanes_of(result)
    assert lanes["car-t-2-infusion"] == "interventions" and lanes["car-t-2-peak"] == "tests"
    assert lanes["crs-2-onset"] == "adverse-events" and lanes["fever-resolved"] == "outcomes"
    # Rows are in order of days, the undated after what they follow in time.
    days = [row.days[0] for row in result.rows if row.days is not None]
    assert days == sorted(days)


def test_the_seed_draws_its_dated_history_by_calendar_date_as_day_0_has_no_date() -> None:
    case, _ = load(SEED)
    assert case is not None
    result = timeline(case)
    rows = {row.id: row for row in result.rows}
    assert list(panels(result)) == ["days", "dates"]
    by_day, by_date = panel_ids(result, "days"), panel_ids(result, "dates")
    assert sorted(by_day) == sorted(row.id for row in result.rows if row.panel == "days")
    assert sorted(by_date) == sorted(row.id for row in result.rows if row.panel == "dates")
    assert not set(by_day) & set(by_date), "no event is drawn twice"
    assert {"car-t-2-infusion", "crs-2-onset", "response-3-months"} <= set(by_day)
    history = {"presentation", "diagnosis-ball", "transplant", "engraftment", "relapse-eye", "relapse-abdomen", "lymphodepletion-2-start", "last-follow-up"}
    assert history <= set(by_date)
    assert all(rows[identifier].day == "time not known" and rows[identifier].date for identifier in by_date)
    assert len(by_day) + len(by_date) == sum(row.drawn for row in result.rows) == len(events(result))
    # Headed, each with its own scale: days from day 0, and dates.
    assert panel_texts(result, "days", "cf-panel-name") == ["Days from day 0 (donor-derived CD19 CAR-T cells)"]
    assert panel_texts(result, "dates", "cf-panel-name") == ["By calendar date"]
    assert "Day 0" in panel_texts(result, "days", "cf-tick")
    month = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    dates = panel_texts(result, "dates", "cf-tick")
    assert len(dates) >= 3 and all(re.fullmatch(f"([1-9][0-9]? )?{month} 20(20|21|22)", label) for label in dates), dates
    assert len(panels(result)["dates"].findall(f"{SVG}line[@class='cf-day0']")) == 0
    # The course of engraftment is a bar; the events in the same lane keep their labels apart.
    engraftment = [g for g in events(result) if g.get("data-id") == "engraftment"][0]
    assert engraftment.get("data-panel") == "dates" and engraftment.find(f"{SVG}rect[@class='cf-bar']") is not None
    words = desc(result)
    assert "two panels" in words and "day 0 is donor-derived CD19 CAR-T cells, which has no date" in words
    assert f"{len(by_day)} events are drawn on the scale of days" in words
    assert f"{len(by_date)} events are drawn by calendar date" in words
    assert f"{len(result.rows) - len(by_day) - len(by_date)} more events have neither a known day nor a calendar date" in words
    assert "The scale of calendar dates is broken" in words
    assert parsed(result).findtext(f"{SVG}title") == "Timeline of the case, in days from day 0 and by calendar date"


def test_the_seed_keeps_lane_names_clear_of_the_line_of_day_0() -> None:
    case, _ = load(SEED)
    assert case is not None
    days = panels(timeline(case))["days"]
    children = list(days)
    (zero,) = [child for child in children if child.get("class") == "cf-day0"]
    day_0 = float(zero.get("x1", "nan"))
    lanes = [child for child in children if "cf-lane" in child.get("class", "").split()]
    assert len(lanes) == 4
    crossed = []
    for lane in lanes:
        assert children.index(zero) < children.index(lane), "the line is drawn first, under the lanes"
        name = lane.find(f"{SVG}text[@class='cf-lane-name']")
        back = lane.find(f"{SVG}rect[@class='cf-lane-back']")
        assert name is not None and back is not None and name.text
        left, right = float(back.get("x", "nan")), float(back.get("x", "nan")) + float(back.get("width", "nan"))
        top, bottom = float(back.get("y", "nan")), float(back.get("y", "nan")) + float(back.get("height", "nan"))
        # The background covers the name (and the line of day 0 where it crosses it).
        assert left <= 4 and float(name.get("x", "nan")) + text_width(name.text, LANE_SIZE, bold=True) <= right
        assert top <= float(name.get("y", "nan")) - LANE_SIZE and float(name.get("y", "nan")) + 3 <= bottom
        if float(name.get("x", "nan")) <= day_0 <= float(name.get("x", "nan")) + text_width(name.text, LANE_SIZE, bold=True):
            crossed.append(name.text)
            assert left < day_0 < right
    assert crossed == ["Interventions", "Adverse events", "Outcomes"]


def test_the_seed_rows_run_in_time_order() -> None:
    case, _ = load(SEED)
    assert case is not None
    order = [row.id for row in timeline(case).rows]
    # The course of events that follows the diagnosis ("2020-07") comes after
    # the referral of 21 July, not between the month's first day and it.
    assert order.index("presentation") < order.index("induction") < order.index("relapse-marrow") < order.index("car-t-1-infusion")
    assert order.index("diagnosis-ball") < order.index("induction")
    assert order.index("car-t-1-undetectable") < order.index("transplant") < order.index("relapse-eye") < order.index("relapse-abdomen")
    assert order.index("lymphodepletion-2-start") < order.index("car-t-2-infusion") < order.index("response-3-months") < order.index("last-follow-up")
    assert order[:2] == ["diagnosis-ball", "presentation"] and order[-1] == "last-follow-up"


def test_the_brucellosis_case_counts_days_back_from_admission() -> None:
    case, _ = load(CASES / "paediatric-brucellosis.yaml")
    assert case is not None
    result = timeline(case)
    rows = {row.id: row for row in result.rows}
    assert rows["abdominal-pain-onset"].day == "Day \u221231 to \u221228"
    assert rows["brucella-diagnosed"].day == "about Day +14"
    assert [row.id for row in result.rows[:3]] == ["abdominal-pain-onset", "weight-loss-onset", "fever-onset"]
    approximate = [g for g in events(result) if g.get("data-id") == "brucella-diagnosed"]
    assert "cf-approximate" in approximate[0].get("class", "")
    # Most of its events have no known time: the figure says so.
    assert (len(result.rows), len(events(result))) == (16, 5)
    assert result.note == "11 of 16 events have no known time; they are listed in the table."


def test_the_note_under_the_figure_counts_what_is_not_drawn() -> None:
    assert render(STAY).note == ""  # every event is drawn
    one = render(STAY + "      - {id: relapse, kind: relapse, summary: Fever again, time: {follows: cured}}\n")
    assert one.note == "1 of 5 events has no known time; it is listed in the table."
    none = render("    index_event: nowhere\n    timeline:\n      - {id: a, kind: test, summary: s, time: {follows: b}}\n      - {id: b, kind: test, summary: t, time: {precedes: a}}\n")
    assert none.svg == "" and none.note == ""  # no figure to note under


# --- Lanes ----------------------------------------------------------------------


def test_every_kind_of_event_has_exactly_one_lane() -> None:
    schema = json.loads((REPO / "caseforge/data/case.schema.json").read_text())
    kinds = schema["$defs"]["event_kind"]["enum"]
    for kind in kinds:
        assert sum(kind in lane.kinds for lane in LANES) == 1, kind
    assert sorted(kind for lane in LANES for kind in lane.kinds) == sorted(kinds)


def test_lanes_run_top_to_bottom_and_empty_ones_are_left_out() -> None:
    result = render(STAY)
    names = texts(result, "cf-lane-name")
    assert names == ["Presentation and diagnosis", "Tests", "Adverse events", "Outcomes"]
    assert lanes_of(result) == {"admission": "presentation", "culture": "tests", "rash": "adverse-events", "cured": "outcomes"}
    assert [row.lane for row in result.rows] == names


def test_interventions_and_adverse_events_join_their_lanes_once() -> None:
    result = render(
        STAY
        + """\
      - id: antibiotics-started
        kind: intervention
        summary: Ceftriaxone started
        time: {day: 0, of: admission}
        related: [ceftriaxone]
    interventions:
      - id: ceftriaxone
        kind: drug
        name: ceftriaxone
        time: {day: 0, of: admission}
      - id: paracetamol
        kind: drug
        name: paracetamol
        time: {day: 1, of: admission}
      - id: advice
        kind: lifestyle
        name: advice on hydration
    follow_up:
      adverse_events:
        - id: diarrhoea
          name: diarrhoea
          grade: 1
          time: {day: 5, of: admission}
"""
    )
    lanes = lanes_of(result)
    assert lanes["paracetamol"] == "interventions" and lanes["antibiotics-started"] == "interventions"
    assert "ceftriaxone" not in lanes  # the timeline event stands for it
    assert "advice" not in {row.id for row in result.rows}  # no time: not on a timeline
    assert lanes["diarrhoea"] == "adverse-events"
    assert {row.id: row.summary for row in result.rows}["diarrhoea"] == "diarrhoea, grade 1"


# --- The scale ------------------------------------------------------------------


def test_a_course_is_a_bar_from_its_start_to_its_end() -> None:
    result = render(
        STAY
        + """\
      - id: antibiotics
        kind: intervention
        summary: Ceftriaxone
        start: {day: 2, of: admission}
        end: {day: 9, of: admission}
"""
    )
    (course,) = [g for g in events(result) if g.get("data-id") == "antibiotics"]
    assert course.get("class") == "cf-event cf-course"
    bar = course.find(f"{SVG}rect[@class='cf-bar']")
    assert bar is not None
    start, width = float(bar.get("x", "nan")), float(bar.get("width", "nan"))
    by_id = {g.get("data-id"): g for g in events(result)}
    assert start == pytest.approx(x_of(by_id["culture"]), abs=0.1)  # day 2
    assert start + width == pytest.approx(x_of(by_id["rash"]), abs=0.1)  # day 9
    row = {row.id: row for row in result.rows}["antibiotics"]
    assert row.day == "Day +2 until Day +9"
    assert row.date == "1 Oct 2021 until 8 Oct 2021"


def test_events_are_placed_in_proportion_to_their_days() -> None:
    by_id = {g.get("data-id"): x_of(g) for g in events(render(STAY))}
    zero, two, nine, fourteen = by_id["admission"], by_id["culture"], by_id["rash"], by_id["cured"]
    assert zero < two < nine < fourteen
    assert (nine - two) / (fourteen - zero) == pytest.approx(7 / 14, abs=0.01)


def test_an_imprecise_day_is_drawn_at_its_middle_over_a_faint_band() -> None:
    result = render(STAY + "      - {id: later, kind: follow_up, summary: Seen again, time: 2021-11}\n")
    (later,) = [g for g in events(result) if g.get("data-id") == "later"]
    band = later.find(f"{SVG}rect[@class='cf-span']")
    assert band is not None
    low, high = float(band.get("x", "nan")), float(band.get("x", "nan")) + float(band.get("width", "nan"))
    assert low < x_of(later) < high
    assert {row.id: row.day for row in result.rows}["later"] == "Day +33 to +62"


def test_undated_events_are_listed_but_not_drawn_and_counted_in_the_description() -> None:
    result = render(STAY + "      - {id: relapse, kind: relapse, summary: Fever again, time: {follows: cured}}\n")
    row = {row.id: row for row in result.rows}["relapse"]
    assert row.day == "time not known" and row.days is None and row.date == ""
    assert "relapse" not in drawn_ids(result)
    assert "1 more event has neither a known day nor a calendar date" in desc(result)
    assert [row.id for row in result.rows][-1] == "relapse"  # after what it follows


def test_ticks_are_whole_days_weeks_or_months_from_day_0_with_the_date_under_them() -> None:
    result = render(STAY + "      - {id: onset, kind: symptom, summary: Fever begins, time: {day: -30, of: admission}}\n")
    labels = texts(result, "cf-tick")
    assert "Day 0" in labels
    days = []
    for label in labels:
        match = re.fullmatch("Day (0|\\+[1-9][0-9]*|\u2212[1-9][0-9]*)", label)
        assert match, label
        days.append(int(match.group(1).replace("\u2212", "-")))
    assert days == sorted(days) and min(days) < 0 < max(days)
    steps = {b - a for a, b in zip(days, days[1:])}
    assert len(steps) == 1 and steps.pop() in (1, 2, 7, 14, 30)
    dates = texts(result, "cf-tick-date")
    assert "29 Sep 2021" in dates
    assert "Day \u221230" == {row.id: row.day for row in result.rows}["onset"]


def test_no_dates_under_the_ticks_when_day_0_has_no_exact_date() -> None:
    result = render(STAY.replace("time: 2021-09-29", "time: 2021-09"))
    assert texts(result, "cf-tick-date") == []
    assert "Day 0" in texts(result, "cf-tick")


def test_a_course_of_years_is_broken_where_nothing_happens_and_clusters_stay_readable() -> None:
    result = render(
        STAY
        + """\
      - {id: first-episode, kind: presentation, summary: First episode, time: 2020-01-10}
      - {id: first-treated, kind: intervention, summary: Treated, time: 2020-01-12}
      - {id: late-check, kind: follow_up, summary: Well at two years, time: 2023-09-29}
"""
    )
    by_id = {g.get("data-id"): x_of(g) for g in events(result)}
    assert by_id["first-episode"] < by_id["first-treated"] < by_id["admission"] < by_id["late-check"]
    assert by_id["cured"] - by_id["admission"] > 100, "two weeks around day 0 keep room to read"
    assert by_id["first-treated"] - by_id["first-episode"] > 10
    assert "The scale is broken where nothing happens" in desc(result)
    labels = texts(result, "cf-tick")
    assert "Day 0" in labels and len(labels) >= 3
    # Tick labels do not run into one another.
    ticks = sorted(float(node.get("x", "nan")) for node in parsed(result).iter(f"{SVG}text") if node.get("class") == "cf-tick")
    assert all(b - a >= 45 for a, b in zip(ticks, ticks[1:]))


LONG = "Ultrasound shows hepatosplenomegaly and a small right pleural effusion, and a liver abscess"


def test_labels_are_short_and_the_full_summary_is_in_the_title() -> None:
    result = render(STAY.replace("Blood cultures grow E. coli", LONG))
    (culture,) = [g for g in events(result) if g.get("data-id") == "culture"]
    label = label_of(culture)
    assert label is not None and label.text is not None
    # Alone in its track, it has the room up to the edge, but no more than LABEL_MOST characters.
    assert 28 < len(label.text) <= LABEL_MOST and label.text.endswith("\u2026")
    assert LONG.startswith(label.text[:-1])
    assert float(label.get("x", "nan")) + text_width(label.text, LABEL_SIZE) <= WIDTH
    assert culture.findtext(f"{SVG}title", "").startswith(LONG + " (Day +2")


def test_a_label_is_cut_where_the_next_marker_of_its_track_stands() -> None:
    result = render(STAY.replace("Blood cultures grow E. coli", LONG) + "      - {id: scan, kind: test, summary: CT scan, time: {day: 9, of: admission}}\n")
    by_id = {g.get("data-id"): g for g in events(result)}
    culture, scan = by_id["culture"], by_id["scan"]
    assert culture.find(f"{SVG}circle").get("cy") == scan.find(f"{SVG}circle").get("cy"), "one track"  # type: ignore[union-attr]
    label = label_of(culture)
    assert label is not None and label.text is not None and label.text.endswith("\u2026")
    assert LONG.startswith(label.text[:-1])
    right = float(label.get("x", "nan")) + text_width(label.text, LABEL_SIZE)
    assert right <= x_of(scan) - 7 - 4, "clear of the next marker"
    assert right >= x_of(scan) - 7 - 8 - text_width(" hepatosplenomegaly", LABEL_SIZE), "using the room up to it"
    assert label_of(scan) is not None and label_of(scan).text == "CT scan"  # type: ignore[union-attr]


def test_labels_near_the_right_edge_run_left_and_stay_inside() -> None:
    result = render(STAY.replace("Afebrile and well", "Afebrile and well, discharged home with oral antibiotics"))
    for event in events(result):
        label = label_of(event)
        if label is None or not label.text:
            continue
        x, width = float(label.get("x", "nan")), text_width(label.text, LABEL_SIZE)
        left, right = (x, x + width) if label.get("text-anchor") == "start" else (x - width, x)
        assert 0 <= left and right <= WIDTH, label.text
    (cured,) = [g for g in events(result) if g.get("data-id") == "cured"]
    assert label_of(cured).get("text-anchor") == "end"  # type: ignore[union-attr]


def test_text_is_drawn_at_a_readable_size() -> None:
    """The viewBox is about as wide as the page's column (some 688 px), so
    that sizes in it are about sizes on the screen: no text under 12 px."""
    result = render(STAY)
    root = parsed(result)
    width = float(root.get("viewBox", "").split()[2])
    assert width == WIDTH <= 720
    style = root.findtext(f"{SVG}style", "")
    sizes = {css: float(size) for css, size in re.findall(r"\.cf-timeline(?: \.([a-z0-9-]+))?\{[^}]*font-size:([0-9.]+)px", style)}
    assert sizes[""] >= 13 and sizes["cf-lane-name"] >= 13 and sizes["cf-tick"] >= 12 and sizes["cf-tick-date"] >= 12
    assert min(sizes.values()) * 688 / width >= 12


def test_a_long_heading_is_cut_to_the_width_and_given_in_full_in_its_title() -> None:
    name = "Admitted with abdominal pain and fever; tachycardic, with hepatosplenomegaly and a palpable spleen tip"
    result = render(STAY.replace("Admitted with fever", name))
    days = panels(result)["days"]
    (shown,) = panel_texts(result, "days", "cf-panel-name")
    assert shown.startswith("Days from day 0 (Admitted with abdominal pain") and shown.endswith("\u2026)")
    assert 4 + text_width(shown, 14, bold=True) <= WIDTH
    assert fit("a b c", 1000, 14) == "a b c"
    (heading,) = [g for g in days.iter(f"{SVG}g") if g.get("class") == "cf-panel-heading"]
    assert heading.findtext(f"{SVG}title") == f"Days from day 0 ({name})"
    # A heading that fits has no title of its own.
    assert not [g for g in parsed(render(STAY)).iter(f"{SVG}g") if g.get("class") == "cf-panel-heading"]


def test_crowded_days_stack_their_labels_instead_of_overlapping() -> None:
    same_day = "".join(f"      - {{id: test-{n}, kind: test, summary: Test number {n}, time: {{day: 3, of: admission}}}}\n" for n in range(5))
    result = render(STAY + same_day)
    tests = [g for g in events(result) if g.get("data-lane") == "tests"]
    heights = {g.find(f"{SVG}circle").get("cy") for g in tests}  # type: ignore[union-attr]
    assert len(heights) == len(tests) == 6


# --- Panels ---------------------------------------------------------------------

# Day 0 follows a dated event but has no date of its own.
UNDATED_ZERO = """\
    index_event: infusion
    timeline:
      - {id: diagnosis, kind: diagnosis, summary: Lymphoma diagnosed, time: 2020-03}
      - {id: conditioning, kind: intervention, summary: Conditioning, start: 2020-06-01, end: 2020-06-04}
      - {id: infusion, kind: intervention, summary: Cells infused, time: {follows: conditioning}}
      - {id: fever, kind: adverse_event, summary: Fever, time: {day: 2, of: infusion}}
      - {id: scan, kind: test, summary: Scan clear, time: {day: 30, of: infusion}}
      - {id: seen, kind: follow_up, summary: Seen in clinic, time: 2020-09-15}
      - {id: unsure, kind: other, summary: Tired, time: {follows: seen}}
"""


def test_events_with_a_date_and_no_day_from_day_0_are_drawn_in_a_second_panel() -> None:
    result = render(UNDATED_ZERO)
    rows = {row.id: row for row in result.rows}
    assert list(panels(result)) == ["days", "dates"]
    assert sorted(panel_ids(result, "days")) == ["fever", "infusion", "scan"]
    assert sorted(panel_ids(result, "dates")) == ["conditioning", "diagnosis", "seen"]
    assert [row.id for row in result.rows if not row.drawn] == ["unsure"]
    assert len(events(result)) == sum(row.drawn for row in result.rows) == 6
    # Each row keeps its day; the dated ones give their date.
    assert rows["fever"].day == "Day +2" and rows["fever"].date == ""
    assert rows["seen"].day == "time not known" and rows["seen"].date == "15 Sep 2020" and rows["seen"].panel == "dates"
    assert rows["conditioning"].date == "1 Jun 2020 until 4 Jun 2020"
    (conditioning,) = [g for g in events(result) if g.get("data-id") == "conditioning"]
    assert conditioning.find(f"{SVG}rect[@class='cf-bar']") is not None
    assert conditioning.findtext(f"{SVG}title") == "Conditioning (1 Jun 2020 until 4 Jun 2020)"
    assert panel_texts(result, "days", "cf-panel-name") == ["Days from day 0 (Cells infused)"]
    assert panel_texts(result, "dates", "cf-panel-name") == ["By calendar date"]
    # Lanes by panel, in the same order.
    assert panel_texts(result, "days", "cf-lane-name") == ["Interventions", "Tests", "Adverse events"]
    assert panel_texts(result, "dates", "cf-lane-name") == ["Presentation and diagnosis", "Interventions", "Outcomes"]
    # Placed by date: the diagnosis (its month's middle), the conditioning, then the visit.
    x = {g.get("data-id"): x_of(g) for g in events(result) if g.get("data-panel") == "dates" and g.get("data-id") != "conditioning"}
    bar = conditioning.find(f"{SVG}rect[@class='cf-bar']")
    assert bar is not None and x["diagnosis"] < float(bar.get("x", "nan")) < x["seen"]
    # The rows run in time order: day 0 just after the conditioning it follows.
    assert [row.id for row in result.rows] == ["diagnosis", "conditioning", "infusion", "fever", "scan", "seen", "unsure"]
    words = desc(result)
    assert "day 0 is Cells infused, which has no date" in words
    assert "The first panel shows the events on a scale of days from day 0" in words
    assert "the second shows by calendar date the events that have a date but no known day from day 0" in words
    assert "3 events are drawn on the scale of days" in words and "3 events are drawn by calendar date" in words
    assert "1 more event has neither a known day nor a calendar date" in words


def test_a_dated_day_0_puts_every_dated_event_in_the_one_panel_of_days() -> None:
    result = render(UNDATED_ZERO.replace("time: {follows: conditioning}", "time: 2020-06-05"))
    assert list(panels(result)) == ["days"]
    assert sorted(drawn_ids(result)) == ["conditioning", "diagnosis", "fever", "infusion", "scan", "seen"]
    assert all(row.panel == "days" for row in result.rows if row.drawn)
    assert {row.id: row.day for row in result.rows}["seen"] == "Day +102"
    assert "two panels" not in desc(result) and "by calendar date" not in desc(result)
    assert parsed(result).findtext(f"{SVG}title") == "Timeline of the case, in days from day 0"
    single = render(STAY)
    assert list(panels(single)) == ["days"] and texts(single, "cf-panel-name") == ["Days from day 0 (Admitted with fever)"]


def test_without_any_day_the_dated_events_are_drawn_by_date_alone() -> None:
    result = render(UNDATED_ZERO.replace("index_event: infusion", "index_event: nowhere"))
    assert list(panels(result)) == ["dates"]
    assert sorted(drawn_ids(result)) == ["conditioning", "diagnosis", "seen"]
    assert "day 0 is nowhere, which has no date" in desc(result)
    assert parsed(result).findtext(f"{SVG}title") == "Timeline of the case, by calendar date"


@pytest.mark.parametrize(
    ("times", "pattern"),
    [
        (["2020-07-14", "2020-07-17", "2020-07-21", "2020-07-25"], "[1-9][0-9]? (Jul|Aug) 2020"),
        ([f"2020-{month:02d}-15" for month in range(1, 13)] + ["2021-02-15"], "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) 202[01]"),
        ([f"{year}-06" for year in range(2005, 2022)], "20[0-2][0-9]"),
    ],
    ids=["days", "months", "years"],
)
def test_calendar_ticks_are_dates_months_or_years_by_the_scale(times: list[str], pattern: str) -> None:
    dated = "".join(f"      - {{id: e{n}, kind: test, summary: Test {n}, time: {time}}}\n" for n, time in enumerate(times))
    result = render("    index_event: zero\n    timeline:\n      - {id: zero, kind: other, summary: Day 0, time: {follows: e0}}\n" + dated)
    assert len(panel_ids(result, "dates")) == len(times)
    labels = panel_texts(result, "dates", "cf-tick")
    assert len(labels) >= 2 and all(re.fullmatch(pattern, label) for label in labels), labels
    ticks = sorted(float(node.get("x", "nan")) for node in panels(result)["dates"].iter(f"{SVG}text") if node.get("class") == "cf-tick")
    assert all(b - a >= 45 for a, b in zip(ticks, ticks[1:])), "tick labels keep apart"


# --- Safety ---------------------------------------------------------------------


def test_case_text_is_escaped_everywhere() -> None:
    hostile = """\
    index_event: "a\\"b'c"
    timeline:
      - id: "a\\"b'c"
        kind: presentation
        summary: "<script>alert(1)</script> & \\"quotes\\" | *bold*"
        time: 2021-01-01
      - id: "x\\" onload=\\"alert(2)"
        kind: test
        summary: "</text></svg><img src=x onerror=alert(3)>"
        time: {day: 1, of: "a\\"b'c"}
"""
    result = render(hostile)
    assert "<script" not in result.svg and "<img" not in result.svg
    assert "&lt;script&gt;" in result.svg
    root = parsed(result)  # still well-formed XML
    ids = [g.get("data-id") for g in events(result)]
    assert ids == ["a\"b'c", 'x" onload="alert(2)']
    assert root.find(f"{SVG}desc") is not None and "<script>" in desc(result)  # as text, not markup
    table = result.markdown_table()
    assert "<script" not in table and "&lt;script&gt;" in table
    assert all(line.count("|") == 5 for line in table.splitlines())  # no cell is split
    assert "*bold*" not in table
    html_table = result.html_table()
    assert "<script" not in html_table and "<img" not in html_table
    assert 'data-id="a&quot;b&#x27;c"' in html_table


def test_a_case_without_a_timeline_has_no_svg_and_no_rows() -> None:
    result = render("")
    assert result.svg == "" and result.rows == () and result.markdown_table() == ""


def test_the_markdown_table_has_one_row_per_event() -> None:
    result = render(STAY)
    lines = result.markdown_table().splitlines()
    assert lines[0] == "| Day | Date | Lane | Event |"
    assert len(lines) == 2 + len(result.rows)
    assert lines[2].startswith("| Day 0 | 29 Sep 2021 | Presentation and diagnosis | Admitted with fever |")


@pytest.mark.parametrize(
    "extra",
    [
        "timeline: [1, {id: a}, {id: b, kind: nonsense, summary: x, time: {day: 3, of: a}}]\ninterventions: {a: 1}\n",
        "timeline: [{id: a, kind: test, summary: s, start: {day: 0, of: a}, end: {day: -5, of: a}}]\n",
        "timeline: [{id: a, kind: test, summary: s, time: 9999-12-25}, {id: b, kind: test, summary: t, time: {day: 3, of: a}}]\n",
        "index_event: nowhere\ntimeline: [{id: a, kind: test, summary: s, time: 2021}]\n",
        "index_event: nowhere\ntimeline: [{id: a, kind: test, summary: s, time: 0001-01-01}, {id: b, kind: test, summary: t, time: 9999, end: 9999-12-31}]\n",
    ],
)
def test_odd_data_renders_without_failing(extra: str) -> None:
    result = render(extra)
    dated = sorted(row.id for row in result.rows if row.drawn)
    if result.svg:
        assert sorted(drawn_ids(result)) == dated
    else:
        assert dated == []
