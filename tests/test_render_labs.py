"""Test results on the page: trend series, their SVG charts, and the tests table."""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ElementTree

import pytest

from caseforge.diagnostics import Severity
from caseforge.render import charts, labs
from caseforge.source import Document, load, loads
from caseforge.render.timeline import text_width
from helpers import CASES, COMPLETE_CASE, case_text, diagnose

SVG = "{http://www.w3.org/2000/svg}"

# Day 0 is the CAR-T infusion on 2021-09-29; the admission is day -9.
COURSE = textwrap.dedent("""
    index_event: car-t
    timeline:
      - {id: admission, kind: admission, summary: Admitted, time: 2021-09-20}
    interventions:
      - {id: flu-cy, kind: chemotherapy, name: lymphodepletion, start: {day: -5, of: car-t}, end: {day: -3, of: car-t}}
      - {id: car-t, kind: cell_therapy, name: CD19 CAR-T cells, time: 2021-09-29}
      - {id: toci, kind: drug, name: tocilizumab, time: {day: 8, of: car-t}}
      - {id: later, kind: drug, name: eltrombopag, start: {follows: car-t}}
""").lstrip()


def document(extra: str) -> Document:
    """A case of the minimal sections and ``extra``, checked to be a valid case."""
    text = case_text(extra)
    errors = [d for d in diagnose(text) if d.severity is Severity.ERROR]
    assert not errors, [(d.code, d.message) for d in errors]
    found, problems = loads(text.encode("utf-8"), "case.yaml")
    assert found is not None, problems
    return found


def case_with(diagnostic: list[str], follow_up: list[str] | None = None) -> str:
    text = COURSE + "diagnostic_assessment:\n  tests:\n" + "".join(f"    - {line}\n" for line in diagnostic)
    if follow_up:
        text += "follow_up:\n  tests:\n" + "".join(f"    - {line}\n" for line in follow_up)
    return text


def by_key(document: Document) -> dict[str, labs.Series]:
    return {series.key: series for series in labs.series(document)}


def parsed(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


HAEMOGLOBIN = document(
    case_with(
        [
            "{id: hb-1, name: haemoglobin, time: 2021-09-20, result: {value: 92, unit: g/L}, reference_range: {low: 115, high: 150, unit: g/L}}",
            "{id: hb-2, name: Hb, time: {day: 3, of: car-t}, result: {value: 8.1, unit: g/dL}, reference_range: {low: 11.5, high: 15, unit: g/dL}}",
            "{id: crp, name: CRP, time: {day: 1, of: car-t}, result: {value: 80, unit: mg/L}}",
        ],
        [
            "{id: hb-3, name: 'haemoglobin, venous', time: {day: 14, of: car-t}, result: {value: 12.9, unit: g/dL}}",
            "{name: haemoglobin, result: {value: 101, unit: g/L}}",
        ],
    )
)


# ---------------------------------------------------------------- grouping


def test_one_analyte_is_one_series_across_sections_names_and_units() -> None:
    (series,) = labs.series(HAEMOGLOBIN)
    assert (series.key, series.name, series.unit) == ("haemoglobin", "haemoglobin", "g/L")
    assert [(point.value, point.days, point.test_id) for point in series.points] == [
        (92.0, (-9, -9), "hb-1"),
        (pytest.approx(81.0), (3, 3), "hb-2"),
        (pytest.approx(129.0), (14, 14), "hb-3"),
    ]
    # Shown as published, in the unit the report used.
    assert [point.shown for point in series.points] == ["92 g/L", "8.1 g/dL", "12.9 g/dL"]
    assert [point.pointer for point in series.points] == [
        "/diagnostic_assessment/tests/0/result",
        "/diagnostic_assessment/tests/1/result",
        "/follow_up/tests/0/result",
    ]
    assert series.chartable


def test_reference_ranges_are_converted_and_drawn_when_they_agree() -> None:
    (series,) = labs.series(HAEMOGLOBIN)
    assert series.reference_range == labs.Band(115.0, 150.0)
    differing = document(case_with([
        "{id: a, name: haemoglobin, time: {day: 1, of: car-t}, result: {value: 92, unit: g/L}, reference_range: {low: 115, high: 150, unit: g/L}}",
        "{id: b, name: haemoglobin, time: {day: 2, of: car-t}, result: {value: 95, unit: g/L}, reference_range: {low: 120, high: 160, unit: g/L}}",
    ]))
    assert labs.series(differing)[0].reference_range is None
    open_ended = document(case_with([
        "{id: a, name: CRP, time: {day: 1, of: car-t}, result: {value: 80, unit: mg/L}, reference_range: {high: 5, unit: mg/L}}",
        "{id: b, name: CRP, time: {day: 2, of: car-t}, result: {value: 4, unit: mg/dL}}",
    ]))
    (crp,) = labs.series(open_ended)
    assert crp.unit == "mg/L" and crp.reference_range == labs.Band(None, 5.0)
    assert [point.value for point in crp.points] == [80.0, pytest.approx(40.0)]


def test_a_test_measured_once_gets_no_series() -> None:
    assert "crp" not in by_key(HAEMOGLOBIN)
    once = document(case_with(["{id: a, name: ferritin, time: {day: 1, of: car-t}, result: {value: 800, unit: ug/L}}"]))
    assert labs.series(once) == []


def test_unknown_tests_group_by_name_without_sampling_words() -> None:
    found = document(case_with(
        ["{id: a, name: 'CAR-T cells in blood, peak', time: {day: 14, of: car-t}, result: {value: 78.1, unit: '%'}}"],
        ["{id: b, name: CAR-T cells in blood, specimen: peripheral blood, time: {day: 90, of: car-t}, result: {value: 6.7, unit: '%'}}"],
    ))
    (series,) = labs.series(found)
    assert (series.key, series.name) == ("cartcellsinblood", "CAR-T cells in blood")
    assert [point.value for point in series.points] == [78.1, 6.7]


def test_sites_and_specimens_keep_results_of_one_analyte_apart() -> None:
    found = document(case_with([
        "{id: a, name: 'intraocular pressure, left eye', time: {day: 1, of: car-t}, result: {value: 35, unit: 'mm[Hg]'}}",
        "{id: b, name: 'intraocular pressure, right eye', time: {day: 1, of: car-t}, result: {value: 15, unit: 'mm[Hg]'}}",
        "{id: c, name: 'intraocular pressure, left eye', time: {day: 9, of: car-t}, result: {value: 21, unit: 'mm[Hg]'}}",
        "{id: d, name: total protein, specimen: serum, time: {day: 1, of: car-t}, result: {value: 60, unit: g/L}}",
        "{id: e, name: 'total protein, fasting', time: {day: 2, of: car-t}, result: {value: 58, unit: g/L}}",
        "{id: f, name: total protein, specimen: urine, time: {day: 1, of: car-t}, result: {value: 0.3, unit: g/L}}",
        "{id: g, name: total protein, specimen: urine, time: {day: 2, of: car-t}, result: {value: 0.5, unit: g/L}}",
    ]))
    series = {s.key: (s.name, [point.test_id for point in s.points]) for s in labs.series(found)}
    assert series == {
        "intraocular-pressure/lefteye": ("intraocular pressure, left eye", ["a", "c"]),
        "total-protein": ("total protein", ["d", "e"]),
        "total-protein@urine": ("total protein (urine)", ["f", "g"]),
    }


def test_values_that_do_not_convert_are_kept_not_dropped() -> None:
    # A differential count may be a number of cells or a share of the white cells.
    found = document(case_with([
        "{id: a, name: neutrophil count, time: {day: -20, of: car-t}, result: {value: 0.4, unit: 10*9/L}}",
        "{id: b, name: neutrophils, time: {day: 30, of: car-t}, result: {value: 1200, unit: /uL}}",
        "{id: c, name: neutrophils, time: {day: 31, of: car-t}, result: {value: 55, unit: '%'}}",
    ]))
    (series,) = labs.series(found)
    assert series.unit == "10*9/L"
    assert [(point.test_id, point.value) for point in series.points] == [("a", 0.4), ("b", pytest.approx(1.2))]
    (kept,) = series.unconverted
    assert (kept.value, kept.unit, kept.shown, kept.time, kept.test_id) == (55, "%", "55%", "Day +31", "c")
    assert "1 more value is listed below the chart." in charts.describe(series)


def test_the_unit_most_values_take_wins_when_no_usual_unit_takes_every_value() -> None:
    found = document(case_with([
        "{id: a, name: neutrophils, time: {day: 1, of: car-t}, result: {value: 40, unit: '%'}}",
        "{id: b, name: neutrophils, time: {day: 2, of: car-t}, result: {value: 1.2, unit: 10*9/L}}",
        "{id: c, name: neutrophils, time: {day: 3, of: car-t}, result: {value: 55, unit: '%'}}",
        "{id: d, name: CD4 cells, time: {day: 1, of: car-t}, result: {value: 20, unit: /uL}}",
        "{id: e, name: CD4 cells, time: {day: 2, of: car-t}, result: {value: 4, unit: '%'}}",
        "{id: f, name: CD4 cells, time: {day: 3, of: car-t}, result: {value: 0.1, unit: 10*9/L}}",
        "{id: g, name: CD4 cells, time: {day: 4, of: car-t}, result: {value: 6, unit: '%'}}",
        "{id: h, name: CD4 cells, time: {day: 5, of: car-t}, result: {value: 150, unit: /uL}}",
        "{id: i, name: CD4 cells, time: {day: 6, of: car-t}, result: {value: 0.2, unit: 10*9/L}}",
        "{id: j, name: CD4 cells, time: {day: 7, of: car-t}, result: {value: 9, unit: '%'}}",
    ]))
    neutrophils, cd4 = labs.series(found)
    assert neutrophils.unit == "%" and [reading.test_id for reading in neutrophils.unconverted] == ["b"]
    # A test the table does not know: % is written most, but more values convert to /uL.
    assert cd4.unit == "/uL" and [p.value for p in cd4.points] == pytest.approx([20, 100, 150, 200])
    assert [reading.test_id for reading in cd4.unconverted] == ["e", "g", "j"]


def test_values_without_a_known_day_are_listed_with_time_not_known() -> None:
    (series,) = labs.series(HAEMOGLOBIN)
    (undated,) = series.unplaced
    assert (undated.value, undated.test_id, undated.time, undated.day) == (101.0, None, "time not known", None)
    ordered_only = document(case_with([
        "{id: a, name: ferritin, time: {follows: car-t}, result: {value: 800, unit: ug/L}}",
        "{id: b, name: ferritin, time: {follows: a}, result: {value: 1900, unit: ug/L}}",
    ]))
    (ferritin,) = labs.series(ordered_only)
    assert ferritin.points == () and len(ferritin.unplaced) == 2 and not ferritin.chartable
    with pytest.raises(ValueError):
        charts.trend_svg(ferritin)


def test_measured_parts_of_results_make_series_too() -> None:
    found = document(case_with([
        "{id: a, name: blood pressure, time: {day: 1, of: car-t}, result: {components: [{name: systolic, value: 90, unit: 'mm[Hg]'}, {name: diastolic, value: 50, unit: 'mm[Hg]'}]}}",
        "{id: b, name: blood pressure, time: {day: 2, of: car-t}, result: {components: [{name: systolic, value: 120, unit: 'mm[Hg]'}, {name: diastolic, value: 70, unit: 'mm[Hg]'}]}}",
    ]))
    series = by_key(found)
    assert [point.value for point in series["systolic-blood-pressure"].points] == [90.0, 120.0]
    assert series["systolic-blood-pressure"].points[0].pointer == "/diagnostic_assessment/tests/0/result/components/0"
    assert len(series) == 2


def test_interventions_with_a_known_day_are_markers() -> None:
    found = labs.markers(HAEMOGLOBIN)
    assert [(m.identifier, m.label, m.start, m.end) for m in found] == [
        ("flu-cy", "lymphodepletion", (-5, -5), (-3, -3)),
        ("car-t", "CD19 CAR-T cells", (0, 0), None),
        ("toci", "tocilizumab", (8, 8), None),
    ]  # eltrombopag only follows the infusion: no day, no marker
    assert found[1].pointer == "/interventions/1"


def test_day_labels_use_a_true_minus_sign() -> None:
    assert labs.day_label((0, 0)) == "Day 0"
    assert labs.day_label((14, 14)) == "Day +14"
    assert labs.day_label((-30, -30)) == "Day \u221230"
    assert labs.day_label((-2, 3)) == "Day \u22122 to +3"


# ---------------------------------------------------------------- flags and the table


@pytest.mark.parametrize(
    ("result", "reference", "interpretation", "expected"),
    [
        ({"value": 8.1, "unit": "g/dL"}, None, "low", "low"),
        ({"value": 8.1, "unit": "g/dL"}, None, "critically_high", "high"),
        # The interpretation decides, even against the range.
        ({"value": 200, "unit": "g/L"}, {"low": 115, "high": 150, "unit": "g/L"}, "normal", None),
        ({"value": 160, "unit": "g/L"}, {"low": 115, "high": 150, "unit": "g/L"}, None, "high"),
        ({"value": 150, "unit": "g/L"}, {"low": 115, "high": 150, "unit": "g/L"}, None, None),
        ({"value": 8.1, "unit": "g/dL"}, {"low": 115, "high": 150, "unit": "g/L"}, None, "low"),
        ({"value": 5, "unit": "mmol/L"}, {"low": 115, "high": 150, "unit": "g/L"}, None, "low"),  # through the molar mass
        ({"value": 3, "unit": "mg/L"}, {"high": 5, "unit": "mg/L"}, None, None),
        ({"value": 3, "unit": "10*9/L"}, {"high": 5, "unit": "mg/L"}, None, None),  # does not convert
        ({"value": 3, "unit": "mg/L"}, {"text": "< 5"}, None, None),
        ({"text": "negative"}, {"high": 5, "unit": "mg/L"}, None, None),
        # A bound counts only when it settles the question.
        ({"value": 5, "unit": "mg/L", "comparator": "<"}, {"low": 5, "high": 10, "unit": "mg/L"}, None, "low"),
        ({"value": 20, "unit": "mg/L", "comparator": "<"}, {"low": 5, "high": 10, "unit": "mg/L"}, None, None),
        ({"value": 10, "unit": "mg/L", "comparator": ">"}, {"low": 5, "high": 10, "unit": "mg/L"}, None, "high"),
        ({"value": 10, "unit": "mg/L", "comparator": ">="}, {"low": 5, "high": 10, "unit": "mg/L"}, None, None),
        ({"value": 2, "unit": "mg/L", "comparator": ">"}, {"low": 5, "high": 10, "unit": "mg/L"}, None, None),
        ({"value": 12, "unit": "mg/L", "comparator": "~"}, {"low": 5, "high": 10, "unit": "mg/L"}, None, "high"),
    ],
)
def test_flag(result: dict, reference: dict | None, interpretation: str | None, expected: str | None) -> None:
    assert labs.flag(result, reference, interpretation, molar_mass=16114.5) == expected


def test_reference_ranges_are_written_as_clinicians_write_them() -> None:
    assert labs.range_text({"low": 115, "high": 150, "unit": "g/L"}) == "115–150 g/L"
    assert labs.range_text({"low": 4, "high": 10, "unit": "10*9/L"}) == "4–10 × 10⁹/L"
    assert labs.range_text({"low": 0, "high": 5, "unit": "%"}) == "0–5%"
    assert labs.range_text({"high": 5, "unit": "mg/L"}) == "≤ 5 mg/L"
    assert labs.range_text({"low": 60, "unit": "mL/min"}) == "≥ 60 mL/min"
    assert labs.range_text({"text": "negative"}) == "negative"
    assert labs.range_text(None) == ""


def test_a_test_without_an_id_is_placed_by_its_own_time() -> None:
    """Nothing can refer to a test without an id, but its time counts from an
    entry all the same: Day +14 of day 0, and the date when day 0's is exact."""
    found = document(case_with(
        ["{id: crp-1, name: CRP, time: {day: 1, of: car-t}, result: {value: 80, unit: mg/L}}"],
        [
            "{name: CRP, time: {day: 14, of: car-t}, result: {value: 12, unit: mg/L}}",
            "{name: CRP, time: {after: P3W, of: toci}, result: {value: 4, unit: mg/L}}",
            "{name: CRP, time: {before: P2D, of: admission}, result: {value: 3, unit: mg/L}}",
            "{name: ferritin, time: {day: 2, of: later}, result: {value: 900, unit: ug/L}}",
            "{name: ferritin, time: 2021-11, result: {value: 700, unit: ug/L}}",
        ],
    ))
    rows = labs.lab_table(found)
    assert [row.time for row in rows] == [
        "Day +1 · 2021-09-30",
        "Day +14 · 2021-10-13",
        "Day +29 · 2021-10-28",  # three weeks after day 8
        "Day \u221211 · 2021-09-18",
        "time not known",  # two days after an entry that only follows day 0
        "Day +33 to +62 · 2021-11",
    ]
    (crp, ferritin) = labs.series(found)
    assert [(point.days, point.test_id, point.pointer) for point in crp.points] == [
        ((-11, -11), None, "/follow_up/tests/2/result"),
        ((1, 1), "crp-1", "/diagnostic_assessment/tests/0/result"),
        ((14, 14), None, "/follow_up/tests/0/result"),
        ((29, 29), None, "/follow_up/tests/1/result"),
    ]
    assert crp.unplaced == () and [point.time for point in crp.points][2] == "Day +14"
    assert [point.days for point in ferritin.points] == [(33, 62)] and len(ferritin.unplaced) == 1
    # Without a date of day 0, the day alone.
    undated = document(COURSE.replace("time: 2021-09-29", "time: {follows: admission}") + "follow_up:\n  tests:\n    - {name: CRP, time: {day: 14, of: car-t}, result: {value: 12, unit: mg/L}}\n")
    assert [row.time for row in labs.lab_table(undated)] == ["Day +14"]


def test_the_complete_case_places_its_follow_up_test() -> None:
    found, problems = loads(COMPLETE_CASE.encode("utf-8"), "complete.yaml")
    assert found is not None, problems
    follow_up = [row for row in labs.lab_table(found) if row.section == "follow_up"]
    assert [(row.name, row.test_id, row.time) for row in follow_up] == [("sodium", None, "Day +14 · 2024-05-05")]
    (sodium,) = labs.series(found)
    assert [point.time for point in sodium.points] == ["Day 0", "Day +14"] and sodium.chartable


def test_the_table_has_a_row_for_every_test() -> None:
    found = document(case_with(
        [
            "{id: hb, name: haemoglobin, time: 2021-09-20, result: {value: 160, unit: g/L}, reference_range: {low: 115, high: 150, unit: g/L}}",
            "{id: trop, name: troponin T, time: {day: 2, of: car-t}, result: {value: 0.01, unit: ug/L, comparator: '<'}}",
            "{id: ct, name: CT, time: {date: 2021-10, as_published: in October}, result: {text: two masses, components: [{name: 'mass, length', value: 3.5, unit: cm}]}}",
            "{id: mrd, name: minimal residual disease, time: {follows: car-t, as_published: later}, result: {value: 0.011, unit: '%', text: remission}}",
        ],
        ["{name: platelet count, result: {value: 6.5, unit: 10*10/L}, interpretation: low}"],
    ))
    rows = labs.lab_table(found)
    assert [(row.name, row.value, row.flag, row.time) for row in rows] == [
        ("haemoglobin", "160 g/L", "high", "Day −9 · 2021-09-20"),
        ("troponin T", "<0.01 µg/L", None, "Day +2 · 2021-10-01"),
        ("CT", "two masses", None, "Day +2 to +32 · 2021-10"),  # October, as written
        ("minimal residual disease", "0.011% (remission)", None, "time not known"),
        ("platelet count", "6.5 × 10¹⁰/L", "low", "time not known"),
    ]
    assert rows[0].reference_range == "115–150 g/L"
    assert rows[2].components == (("mass, length", "3.5 cm"),)
    assert rows[2].time_as_published == "in October"
    assert (rows[3].time_as_published, rows[3].test_id, rows[3].pointer) == ("later", "mrd", "/diagnostic_assessment/tests/3")
    assert [row.section for row in rows] == ["diagnostic_assessment"] * 4 + ["follow_up"]


def test_follow_up_tests_marked_not_reported_give_no_rows() -> None:
    found = document(COURSE + "follow_up:\n  tests: {status: not_reported, reason: None given.}\n")
    assert labs.lab_table(found) == [] and labs.series(found) == []


# ---------------------------------------------------------------- charts


@pytest.mark.parametrize(
    ("low", "high", "count", "expected"),
    [
        (0, 78.1, 4, [0, 20, 40, 60, 80]),
        (0, 1, 5, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (81, 150, 4, [80, 100, 120, 140, 160]),
        (-9, 14, 6, [-10, -5, 0, 5, 10, 15]),
        (36.2, 39.4, 4, [36, 37, 38, 39, 40]),
        (0.011, 0.013, 4, [0.011, 0.0115, 0.012, 0.0125, 0.013]),
        (5, 5, 4, [2, 4, 6, 8]),
    ],
)
def test_nice_ticks(low: float, high: float, count: int, expected: list[float]) -> None:
    assert charts.nice_ticks(low, high, count) == pytest.approx(expected)


def test_nice_steps_are_one_two_or_five_times_a_power_of_ten() -> None:
    assert [charts.nice_step(span, 5) for span in (1, 7, 12, 30, 260, 0.3)] == pytest.approx([0.2, 2, 5, 10, 100, 0.1])
    assert charts.nice_step(3, 6, smallest=1) == 1  # days: never half a day
    assert charts.nice_ticks(0, 1, 5) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]  # no 0.6000000000000001


def test_chart_is_wellformed_accessible_svg() -> None:
    (series,) = labs.series(HAEMOGLOBIN)
    svg = charts.trend_svg(series, labs.markers(HAEMOGLOBIN))
    root = parsed(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert [child.tag for child in root[:2]] == [f"{SVG}title", f"{SVG}desc"]
    assert root[0].text == "haemoglobin (g/L)"
    assert root[1].text == (
        "haemoglobin in g/L: 3 values, from 92 g/L (Day −9) to 12.9 g/dL (Day +14). Reference range 115 to 150 g/L."
        " Marked: lymphodepletion (Day −5 to Day −3); CD19 CAR-T cells (Day 0); tocilizumab (Day +8)."
        " 1 more value is listed below the chart."
    )
    tooltips = [circle.find(f"{SVG}title").text for circle in root.iter(f"{SVG}circle")]
    assert tooltips == ["92 g/L · Day −9", "8.1 g/dL · Day +3", "12.9 g/dL · Day +14"]
    ticks = [text.text for text in root.iter(f"{SVG}text") if text.get("class") == "cf-tick"]
    assert "Day 0" in ticks and "Day −10" in ticks and "Day +10" in ticks
    assert [tick for tick in ticks if not tick.startswith("Day")] == ["80", "100", "120", "140", "160"]
    assert len([rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "cf-range"]) == 1
    assert len([line for line in root.iter(f"{SVG}line") if line.get("class") == "cf-marker"]) == 4  # a course has two
    assert "tocilizumab" in [text.text for text in root.iter(f"{SVG}text")]


def test_chart_is_themeable_self_contained_and_deterministic() -> None:
    (series,) = labs.series(HAEMOGLOBIN)
    svg = charts.trend_svg(series, labs.markers(HAEMOGLOBIN))
    assert svg == charts.trend_svg(series, labs.markers(HAEMOGLOBIN))
    assert "var(--md-primary-fg-color, #3f51b5)".replace(", ", ",") in svg and "currentColor" in svg
    for outside in ("<script", "href", "http://www.w3.org/1999", "@import", "url(", "@font-face", "font-family:Roboto"):
        assert outside not in svg
    assert 'fill="#' not in svg and 'stroke="#' not in svg  # colours come from the style sheet only
    assert len(svg.encode("utf-8")) < 8000


def test_values_over_orders_of_magnitude_get_a_log_axis() -> None:
    found = document(case_with([
        "{id: a, name: blasts, time: {day: -20, of: car-t}, result: {value: 64, unit: '%'}}",
        "{id: b, name: blasts, time: {day: 30, of: car-t}, result: {value: 0.01, unit: '%', comparator: '<'}}",
        "{id: c, name: blasts, time: {day: 90, of: car-t}, result: {value: 0.4, unit: '%'}}",
    ]))
    (series,) = labs.series(found)
    root = parsed(charts.trend_svg(series))
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert "% (log scale)" in texts
    assert [text for text in texts if text and text[0].isdigit()] == ["0.01", "0.1", "1", "10", "100"]
    assert "Log scale." in root[1].text
    bound = [circle for circle in root.iter(f"{SVG}circle") if circle.get("class") == "cf-bound"]
    assert [circle.find(f"{SVG}title").text for circle in bound] == ["<0.01% · Day +30"]
    assert charts.uses_log_scale([64, 0.4, 0.01]) and not charts.uses_log_scale([1, 100])
    assert not charts.uses_log_scale([0, 10, 5000])  # a zero cannot go on a log axis
    assert charts.log_ticks(0.011, 85) == [0.01, 0.1, 1, 10, 100]


def test_hostile_names_are_escaped() -> None:
    hostile = "<script>alert('x')</script> & \"co\""
    found = document(
        COURSE.replace("name: tocilizumab", "name: '<img src=x onerror=alert(1)>'")
        + "diagnostic_assessment:\n  tests:\n"
        + "".join(f"    - {{id: t{day}, name: {json.dumps(hostile)}, time: {{day: {day}, of: car-t}}, result: {{value: {day + 1}, unit: mg/L}}}}\n" for day in (1, 9))
    )
    (series,) = labs.series(found)
    svg = charts.trend_svg(series, labs.markers(found))
    assert "<script" not in svg and "<img" not in svg
    root = parsed(svg)
    assert root[0].text == f"{hostile} (mg/L)"
    assert "<img src=x onerror=alert(1)> · Day +8" in [group.find(f"{SVG}title").text for group in root.iter(f"{SVG}g")]


def plot_box(root: ElementTree.Element) -> tuple[float, float, float]:
    """The plot's left edge (its y-axis), top and bottom."""
    (axis,) = [line for line in root.iter(f"{SVG}line") if line.get("class") == "cf-axis" and line.get("x1") == line.get("x2") and float(line.get("y2")) - float(line.get("y1")) > 50]
    return float(axis.get("x1")), float(axis.get("y1")), float(axis.get("y2"))


def marker_labels(root: ElementTree.Element) -> list[tuple[float, float, float, str]]:
    """Each marker label's left and right ends, its baseline and its text."""
    found = []
    for text in root.iter(f"{SVG}text"):
        if text.get("class") == "cf-marker-label":
            x, width = float(text.get("x")), text_width(text.text, charts.FONT)
            left = x if text.get("text-anchor") == "start" else x - width
            found.append((left, left + width, float(text.get("y")), text.text))
    return found


def test_marker_labels_are_inside_the_plot_at_its_top_clear_of_the_values() -> None:
    (series,) = labs.series(HAEMOGLOBIN)
    root = parsed(charts.trend_svg(series, labs.markers(HAEMOGLOBIN)))
    left, top, bottom = plot_box(root)
    labels = marker_labels(root)
    assert [text for _, _, _, text in labels] == ["lymphodepletion", "CD19 CAR-T cells", "tocilizumab"]
    highest = min(float(t.get("y")) for t in root.iter(f"{SVG}text") if t.get("class") == "cf-tick" and not t.text.startswith("Day"))
    for start, end, y, text in labels:
        assert left < start and end <= charts.WIDTH - charts.RIGHT, text
        assert top < y - 9 and y + 4 < highest - 4, f"{text}: above the values, inside the plot"
    points = [float(circle.get("cy")) for circle in root.iter(f"{SVG}circle")]
    assert min(points) > max(y for _, _, y, _ in labels) + 4
    # Nothing drawn at the first tick: no padding, the first day is the axis.
    assert float([t for t in root.iter(f"{SVG}text") if t.text == "Day \u221210"][0].get("x")) == left


def test_labels_of_markers_are_short_and_kept_apart() -> None:
    assert charts._short("lymphodepletion with fludarabine and cyclophosphamide") == "lymphodepletion…"  # not "with…"
    assert charts._short("tocilizumab") == "tocilizumab"
    crowded = document(COURSE + "".join(
        f"  - {{id: drug-{n}, kind: drug, name: drug number {n}, time: {{day: {n}, of: car-t}}}}\n" for n in range(1, 6)
    ) + "diagnostic_assessment:\n  tests:\n"
        "    - {id: a, name: CRP, time: {day: 1, of: car-t}, result: {value: 80, unit: mg/L}}\n"
        "    - {id: b, name: CRP, time: {day: 9, of: car-t}, result: {value: 20, unit: mg/L}}\n")
    root = parsed(charts.trend_svg(labs.series(crowded)[0], labs.markers(crowded)))
    labels = marker_labels(root)
    assert 0 < len(labels) <= len(labs.markers(crowded))
    assert len({y for _, _, y, _ in labels}) == charts.LANES, "staggered over the rows"
    left = plot_box(root)[0]
    for index, (start, end, y, text) in enumerate(labels):  # no two labels in one row overlap
        assert left < start and end <= charts.WIDTH - charts.RIGHT, text
        for other_start, other_end, other_y, other in labels[index + 1:]:
            assert y != other_y or end + 4 <= other_start or other_end + 4 <= start, (text, other)


# ---------------------------------------------------------------- the seed case


def test_the_seed_case_charts_the_car_t_cells() -> None:
    """Day 0 of the seed is the second CAR-T infusion, which the report only
    orders after the lymphodepletion: results dated by the calendar cannot
    be counted from it, so of three repeated measures only the CAR-T cells
    in blood (Day +14 and three months) can be drawn."""
    seed = load(CASES / "donor-car-t-extramedullary-relapse.yaml")[0]
    assert seed is not None
    series = labs.series(seed)
    assert [(s.key, s.name, s.unit, s.chartable) for s in series] == [
        ("blasts@bonemarrow", "blasts (bone marrow)", "%", False),
        ("mrd@bonemarrow", "minimal residual disease (bone marrow)", "%", False),
        ("cartcellsinperipheralblood", "CAR-T cells in peripheral blood", "%", True),
    ]
    blasts, mrd, car_t = series
    assert [reading.shown for reading in blasts.unplaced] == ["88%", "82.69%", "16%"]
    assert [reading.shown for reading in mrd.unplaced] == ["0.011%", "2.38%"]
    assert car_t.name == "CAR-T cells in peripheral blood"
    assert [(p.shown, p.days, p.time) for p in car_t.points] == [("78.1%", (14, 14), "Day +14"), ("6.7%", (84, 93), "Day +84 to +93")]
    assert [(r.shown, r.test_id) for r in car_t.unplaced] == [("37.1%", "car-t-1-expansion")]
    markers = labs.markers(seed)
    assert [(m.identifier, m.start) for m in markers] == [("car-t-2", (0, 0)), ("tocilizumab-2", (8, 8))]
    root = parsed(charts.trend_svg(car_t, markers))
    assert root[0].text == "CAR-T cells in peripheral blood (%)"
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "cf-tick"]
    assert ticks == ["0", "20", "40", "60", "80", "Day 0", "Day +20", "Day +40", "Day +60", "Day +80", "Day +100"]
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "cf-marker-label"] == ["donor-derived CD19 CAR-T cells", "tocilizumab"]
    # Day 0 is drawn inside the plot, not on its axis, and under its tick.
    axis = plot_box(root)[0]
    infusion = [line for line in root.iter(f"{SVG}line") if line.get("class") == "cf-marker"][0]
    day_0 = [t for t in root.iter(f"{SVG}text") if t.text == "Day 0"][0]
    assert float(infusion.get("x1")) >= axis + 15 and float(day_0.get("x")) == float(infusion.get("x1"))
    assert len([line for line in root.iter(f"{SVG}line") if line.get("class") == "cf-days"]) == 1  # three months: days 84 to 93


def test_the_seed_table() -> None:
    seed = load(CASES / "donor-car-t-extramedullary-relapse.yaml")[0]
    assert seed is not None
    rows = {row.test_id: row for row in labs.lab_table(seed)}
    assert len(rows) == 27
    assert (rows["plt-last"].value, rows["plt-last"].flag, rows["plt-last"].time) == ("6.5 × 10¹⁰/L", "low", "2022-03-06")
    assert (rows["car-t-2-expansion"].time, rows["bm-after-car-t-2"].time) == ("Day +14", "Day +28 to +31")
    assert rows["karyotype"].value == "46,XX,t(1;19)"
    assert len(rows["pet-ct-before"].components) == 6
