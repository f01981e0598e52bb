"""The example cases: they validate cleanly and hold the published facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseforge.source import load
from caseforge.validate import validate_file
from helpers import CASES

EXAMPLES = sorted(CASES.glob("*.yaml"))
SEED = CASES / "donor-car-t-extramedullary-relapse.yaml"


def test_there_are_at_least_two_examples_of_different_kinds() -> None:
    assert len(EXAMPLES) >= 2
    ages = {load(path)[0].data["patient"]["age"]["value"] for path in EXAMPLES}
    assert len(ages) == len(EXAMPLES), "the examples should be different patients"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_validates_with_no_errors(path: Path) -> None:
    report = validate_file(str(path))
    assert not report.has_errors, [item.message for item in report.diagnostics]


def test_the_examples_warn_only_about_what_their_reports_lack() -> None:
    """Both reports omit some routes, frequencies and doses (CARE 9b) and
    other CARE elements; the brucellosis report prints haemoglobin as
    7.9 mg/dL, a unit slip the check must catch."""
    seed = validate_file(str(SEED))
    assert {item.code for item in seed.diagnostics} == {"CF501", "CF502", "CF503"}
    assert seed.care is not None and seed.care.line() == "CARE 2016 17/30: missing 3a, 3b, 3c, 3d, 5d, 8b, 9c, 12; partly 1, 5c, 8a, 9b, 10a"
    child = validate_file(str(CASES / "paediatric-brucellosis.yaml"))
    assert {item.code for item in child.diagnostics} == {"CF501", "CF502", "CF503", "CF304"}
    assert child.care is not None and child.care.line() == "CARE 2016 20/30: missing 5d, 10b, 10c, 10d, 11a, 12; partly 5c, 8a, 9b, 10a"
    (slip,) = [item for item in child.diagnostics if item.code == "CF304"]
    assert slip.message.startswith("Haemoglobin of 7.9 mg/dL is outside what is possible")
    assert "7.9 g/dL would be possible" in slip.hint


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_cites_its_publication(path: Path) -> None:
    source = load(path)[0].data["source"]
    assert source["doi"].startswith("10.")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_names_the_schema_for_editors(path: Path) -> None:
    assert path.read_text().startswith("# yaml-language-server: $schema=../schema/case.schema.json")


def _tests_by_id(data: dict) -> dict[str, dict]:
    tests = data["diagnostic_assessment"]["tests"] + data["follow_up"]["tests"]
    return {test["id"]: test for test in tests}


def test_seed_case_keeps_the_published_numbers_and_units() -> None:
    data = load(SEED)[0].data
    tests = _tests_by_id(data)
    published = {
        "bm-blasts-dx": (88, "%"),
        "mrd-dx": (82.69, "%"),
        "mrd-after-cvad-1": (0.011, "%"),
        "bm-blasts-relapse": (16, "%"),
        "mrd-relapse": (2.38, "%"),
        "chimerism": (99.9, "%"),
        "cea-peak": (18.1, "ng/mL"),
        "car-t-1-expansion": (37.1, "%"),
        "car-t-2-expansion": (78.1, "%"),
        "car-t-2-persistence": (6.7, "%"),
        "wbc-last": (3.3, "10*9/L"),
        "hb-last": (130, "g/L"),
        "plt-last": (6.5, "10*10/L"),
    }
    for test_id, (value, unit) in published.items():
        result = tests[test_id]["result"]
        assert (result["value"], result["unit"]) == (value, unit), test_id
    findings = {finding["id"]: finding for finding in data["clinical_findings"]}
    assert findings["iop-left"]["value"] == {"value": 35, "unit": "mm[Hg]", "as_published": "35 mmHg"}
    assert findings["fever-crs-2"]["value"]["value"] == 39


def test_seed_case_keeps_the_published_doses_and_days() -> None:
    data = load(SEED)[0].data
    interventions = {item["id"]: item for item in data["interventions"]}
    assert interventions["car-t-1"]["dose"] == {"value": 2.99, "unit": "10*6/kg", "as_published": "2.99×106 kg-1"}
    assert interventions["car-t-2"]["dose"]["value"] == 2.01
    assert interventions["tocilizumab-1"]["dose"] == {"value": 400, "unit": "mg"}
    assert interventions["tocilizumab-2"]["dose"] == {"value": 480, "unit": "mg"}
    assert interventions["tocilizumab-2"]["time"]["day"] == 8
    fludarabine, cyclophosphamide = interventions["lymphodepletion-1"]["components"]
    assert fludarabine["dose"] == {"value": 30, "unit": "mg/m2"}
    assert (fludarabine["start"]["day"], fludarabine["end"]["day"]) == (-4, -2)
    assert cyclophosphamide["dose"] == {"value": 500, "unit": "mg/m2"}
    assert (cyclophosphamide["start"]["day"], cyclophosphamide["end"]["day"]) == (-3, -2)
    assert interventions["eltrombopag"]["dose"] == {"value": 50, "unit": "mg"}
    assert interventions["lymphodepletion-2"]["start"] == "2021-09-29"
    assert data["follow_up"]["last_follow_up"] == "2022-03-06"
    grades = [event["grade"] for event in data["follow_up"]["adverse_events"] if "grade" in event]
    assert grades == [2, 2]
