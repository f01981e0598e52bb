"""CARE completeness: each element reported, missing and partly reported;
the author's marks; the profiles' differences; the diagnostics."""

from __future__ import annotations

import copy
from typing import Any, Callable

import pytest
import yaml

from caseforge.care.assess import assess
from caseforge.care.items import CARE_2016, Status
from caseforge.care.profiles import NAMES, PROFILES, get
from caseforge.diagnostics import Diagnostic, Severity
from caseforge.source import Document, loads
from caseforge.validate import check_document
from helpers import COMPLETE_CASE, show

COMPLETE = yaml.safe_load(COMPLETE_CASE)


def document_of(data: dict[str, Any]) -> Document:
    document, problems = loads(yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode(), "case.yaml")
    assert document is not None, problems
    return document


def changed(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(COMPLETE)
    change(data)
    return data


def statuses(data: dict[str, Any], profile: str = "care-2016") -> dict[str, Status]:
    return {result.item.id: result.finding.status for result in assess(document_of(data), get(profile)).results}


def diagnostics(data: dict[str, Any], profile: str = "care-2016", strict: bool = False) -> list[Diagnostic]:
    found, score = check_document(document_of(data), profile, strict)
    assert score is not None, show(found)
    return found


def drop(*path: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return change


def put(value: Any, *path: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


def test_the_complete_case_meets_every_element_of_care_2016() -> None:
    assert statuses(COMPLETE) == {item.id: (Status.NOT_APPLICABLE if item.id == "5d" else Status.REPORTED) for item in CARE_2016}
    assert diagnostics(COMPLETE) == []


# One change per element that leaves it with nothing: (element, change).
MISSING = [
    ("2", drop("keywords")),
    ("3a", drop("abstract", "introduction")),
    ("3b", drop("abstract", "case")),
    ("3c", drop("abstract", "management")),
    ("3d", drop("abstract", "conclusion")),
    ("4", drop("introduction")),
    ("5b", drop("patient", "main_concerns")),
    ("5c", drop("patient", "history")),
    ("5d", drop("patient", "past_interventions")),
    ("6", drop("clinical_findings")),
    ("7", drop("timeline")),
    ("8a", drop("diagnostic_assessment", "tests")),
    ("8b", drop("diagnostic_assessment", "challenges")),
    ("8d", drop("diagnostic_assessment", "prognosis")),
    ("9c", drop("interventions", 0, "changes")),
    ("10b", drop("follow_up", "tests")),
    ("10c", drop("follow_up", "adherence_tolerability")),
    ("10d", drop("follow_up", "adverse_events")),
    ("11a", drop("discussion", "strengths_limitations")),
    ("11b", drop("discussion", "literature")),
    ("11c", drop("discussion", "rationale")),
    ("11d", drop("discussion", "take_away_lessons")),
    ("12", drop("patient_perspective")),
]


@pytest.mark.parametrize(("element", "change"), MISSING, ids=[element for element, _ in MISSING])
def test_an_element_left_out_is_not_reported_and_warned_with_its_id(element: str, change: Callable[[dict[str, Any]], None]) -> None:
    data = changed(change)
    found = statuses(data)
    assert found[element] is Status.NOT_REPORTED
    assert [status for key, status in found.items() if key != element and not status.met] == [], found
    (warning,) = [item for item in diagnostics(data) if item.code in ("CF502", "CF503")]
    assert (warning.code, warning.severity) == ("CF502", Severity.WARNING)
    assert f"CARE 2016 {element} (" in warning.message
    assert warning.hint and ("Add `" in warning.hint)


# One change per element that leaves part of it: (element, change, words of the message).
PARTIAL = [
    ("1", put("Severe hyponatraemia after a marathon", "title"), '"case report"'),
    ("1", put("A case report", "title"), "area of focus"),
    ("2", put(["hyponatraemia"], "keywords"), "1 key words given; 2 to 5"),
    ("2", put(["a", "b", "c", "d", "e", "f"], "keywords"), "6 key words given"),
    ("4", put("Hyponatraemia after endurance events is reported sporadically.", "introduction"), "cites no reference"),
    ("5a", put("not_reported", "patient", "sex"), "sex is not given"),
    ("5c", drop("patient", "history", "family"), "missing: family"),
    ("7", lambda data: data["timeline"].__delitem__(slice(1, 4)), "at least 3"),
    ("7", lambda data: data["timeline"].pop(3), "no timed event for follow-up"),
    ("8a", drop("diagnostic_assessment", "tests", 0, "time"), "1 test without a time (sodium)"),
    ("8a", drop("diagnostic_assessment", "tests", 0, "reference_range"), "without a reference range"),
    ("8c", drop("diagnostic_assessment", "differential_diagnoses"), "other diagnoses considered"),
    ("9b", drop("interventions", 0, "dose"), "1 drug without a dose (sodium chloride 3%)"),
    ("10a", drop("follow_up", "patient_assessed"), "judged by the patient"),
    ("11b", drop("references"), "no entry in `references`"),
]


@pytest.mark.parametrize(("element", "change", "words"), PARTIAL, ids=[f"{element}-{index}" for index, (element, _, _) in enumerate(PARTIAL)])
def test_an_element_half_written_is_partly_reported_and_says_what_is_missing(element: str, change: Callable[[dict[str, Any]], None], words: str) -> None:
    data = changed(change)
    if element == "11b":
        data["introduction"] = "Hyponatraemia after endurance events is reported sporadically."
        data["discussion"]["literature"] = "Earlier reports describe the same mechanism."
    found = statuses(data)
    assert found[element] is Status.PARTIAL, found
    warnings = [item for item in diagnostics(data) if item.code == "CF503" and f" {element} (" in item.message]
    assert len(warnings) == 1, show(diagnostics(data))
    assert words in warnings[0].message


def test_a_drug_without_route_is_reported_once_per_drug_not_again_for_9b() -> None:
    data = changed(drop("interventions", 0, "route"))
    assert statuses(data)["9b"] is Status.PARTIAL
    assert [item.code for item in diagnostics(data)] == ["CF501"]


def test_a_regimen_needs_no_dose_of_its_own_when_its_components_have_theirs() -> None:
    regimen = {"kind": "chemotherapy", "name": "FLAG", "components": [{"kind": "drug", "name": "fludarabine", "dose": {"value": 30, "unit": "mg/m2"}, "route": "intravenous", "frequency": "daily"}]}
    assert statuses(changed(lambda data: data["interventions"].append(regimen)))["9b"] is Status.REPORTED


def test_a_whole_abstract_marked_not_reported_marks_its_four_parts() -> None:
    data = changed(put({"status": "not_reported", "reason": "A letter without an abstract."}, "abstract"))
    found = assess(document_of(data), get("care-2016")).results
    parts = {result.item.id: result.finding for result in found if result.item.id.startswith("3")}
    assert {finding.status for finding in parts.values()} == {Status.NOT_REPORTED}
    assert {finding.reason for finding in parts.values()} == {"A letter without an abstract."}


def test_a_mark_of_not_reported_is_silent_but_strict_makes_it_an_error() -> None:
    data = changed(put({"status": "not_reported", "reason": "The report does not discuss it."}, "discussion", "strengths_limitations"))
    assert statuses(data)["11a"] is Status.NOT_REPORTED
    assert diagnostics(data) == []
    (error,) = diagnostics(data, strict=True)
    assert error.code == "CF502" and "11a" in error.message and "marked not reported" in error.message
    assert error.pointer == "/discussion/strengths_limitations"


def test_a_part_marked_not_reported_leaves_the_element_partly_reported_without_a_warning() -> None:
    data = changed(put({"status": "not_reported", "reason": "Not given."}, "patient", "history", "family"))
    assert statuses(data)["5c"] is Status.PARTIAL
    assert diagnostics(data) == []
    assert [item.code for item in diagnostics(data, strict=True)] == ["CF503"]


def test_not_applicable_with_a_reason_meets_an_element() -> None:
    data = changed(put({"status": "not_applicable", "reason": "The patient died before follow-up."}, "follow_up", "adherence_tolerability"))
    assert statuses(data)["10c"] is Status.NOT_APPLICABLE
    assert diagnostics(data, strict=True) == []


def test_a_checklist_statement_covers_an_element_without_a_field() -> None:
    def change(data: dict[str, Any]) -> None:
        del data["interventions"][0]["changes"]
        data["checklist"] = [{"item": "9c", "status": "not_applicable", "reason": "The treatment was never changed."}]

    data = changed(change)
    assert statuses(data)["9c"] is Status.NOT_APPLICABLE
    assert diagnostics(data) == []


def test_a_checklist_statement_accepts_a_number_for_an_element_id() -> None:
    data = changed(lambda data: data.update(patient_perspective=None) or data.pop("patient_perspective") and None)
    data["checklist"] = [{"item": 12, "status": "not_applicable", "reason": "The patient was a newborn."}]
    assert statuses(data)["12"] is Status.NOT_APPLICABLE


def test_a_checklist_statement_the_case_contradicts_is_pointed_out() -> None:
    data = changed(lambda data: data.update(checklist=[{"item": "9c", "status": "not_applicable", "reason": "No change."}]))
    (warning,) = diagnostics(data)
    assert warning.code == "CF505" and warning.pointer == "/checklist/0"
    assert "interventions[0].changes" in warning.message


@pytest.mark.parametrize("profile", NAMES)
@pytest.mark.parametrize("status", ["not_reported", "not_obtained"])
def test_a_case_without_consent_is_an_error_under_every_profile(profile: str, status: str) -> None:
    data = changed(put({"status": status}, "consent"))
    errors = [item for item in diagnostics(data, profile) if item.severity is Severity.ERROR]
    assert [item.code for item in errors] == ["CF504"]
    assert errors[0].pointer == "/consent/status" and "cannot be published" in errors[0].message


def test_an_ethics_waiver_is_consent_for_care_but_not_for_the_journals_that_ask_for_the_patients() -> None:
    data = changed(put({"status": "waived", "ethics_approval": "Committee X waived consent."}, "consent"))
    assert diagnostics(data) == []
    for journal in ("bmj-case-reports", "jmcr", "cureus"):
        assert "CF506" in {item.code for item in diagnostics(data, journal)}, journal


def test_every_profile_has_a_title_a_summary_and_distinct_item_ids() -> None:
    for profile in PROFILES.values():
        ids = [item.id for item in profile.items]
        assert len(ids) == len(set(ids)), profile.name
        assert profile.title and profile.summary


def test_care_2013_has_28_elements_its_abstract_in_three_parts() -> None:
    ids = [item.id for item in get("care-2013").items]
    assert len(ids) == 28 and "3d" not in ids and "5d" not in ids
    only_management = changed(drop("abstract", "case"))
    assert statuses(only_management, "care-2013")["3b"] is Status.REPORTED
    no_conclusion = changed(drop("abstract", "conclusion"))
    assert statuses(no_conclusion, "care-2013")["3c"] is Status.NOT_REPORTED
    case_study = changed(put("Hyponatraemia after a marathon: a case study", "title"))
    assert statuses(case_study, "care-2013")["1"] is Status.REPORTED
    assert statuses(case_study, "care-2016")["1"] is Status.PARTIAL


def _operation(**fields: str) -> dict[str, Any]:
    return {"kind": "surgery", "name": "laparoscopic appendicectomy", **fields}


def test_scare_asks_for_highlights_three_to_six_keywords_and_the_surgical_detail() -> None:
    found = statuses(COMPLETE, "scare-2023")
    assert {key for key, status in found.items() if not status.met} == {"highlights", "operator", "setting", "technique"}

    def surgical(data: dict[str, Any]) -> None:
        data["highlights"] = ["One.", "Two.", "Three."]
        data["keywords"] = ["case report", "appendicitis", "laparoscopy"]
        data["interventions"].append(_operation(operator="Consultant surgeon, 12 years in practice", setting="District general hospital", technique="Three ports."))
        data["interventions"].append(_operation(operator="Registrar, supervised"))

    found = statuses(changed(surgical), "scare-2023")
    assert found["highlights"] is found["operator"] is found["2"] is Status.REPORTED
    assert found["setting"] is found["technique"] is Status.PARTIAL
    two_keywords = changed(lambda data: (surgical(data), data.update(keywords=["a", "b"])))
    assert statuses(two_keywords, "scare-2023")["2"] is Status.PARTIAL
    assert statuses(two_keywords, "care-2016")["2"] is Status.REPORTED


def test_scare_more_than_five_highlights_breaks_its_rule() -> None:
    data = changed(put([f"Point {index}." for index in range(6)], "highlights"))
    rules = [item for item in diagnostics(data, "scare-2023") if item.code == "CF506"]
    assert len(rules) == 1 and "6 highlights" in rules[0].message


def test_bmj_case_reports_rules() -> None:
    assert statuses(COMPLETE, "bmj-case-reports")["1"] is Status.PARTIAL  # "case report" in the title
    plain_title = changed(put("Severe hyponatraemia after a marathon", "title"))
    assert statuses(plain_title, "bmj-case-reports")["1"] is Status.REPORTED

    many = changed(put([{"name": f"Author {index}"} for index in range(5)], "authors"))
    assert any(item.code == "CF506" and "5 authors" in item.message for item in diagnostics(many, "bmj-case-reports"))
    assert not any(item.code == "CF506" for item in diagnostics(many, "care-2016"))

    exact_age = changed(put("A 34-year-old runner collapsed after a race.", "abstract", "case"))
    (rule,) = [item for item in diagnostics(exact_age, "bmj-case-reports") if item.code == "CF506"]
    assert rule.pointer == "/abstract/case" and "34-year-old" in rule.message

    long_abstract = changed(put("word " * 160, "abstract", "case"))
    assert any("at most 150" in item.message for item in diagnostics(long_abstract, "bmj-case-reports"))
    assert not any("at most 350" in item.message for item in diagnostics(long_abstract, "jmcr"))


def test_bmj_case_reports_needs_learning_points_and_the_patients_perspective_written() -> None:
    not_applicable = {"status": "not_applicable", "reason": "Not relevant."}
    data = changed(lambda data: (data.update(patient_perspective=not_applicable), data["discussion"].update(take_away_lessons=not_applicable)))
    assert statuses(data, "care-2016")["12"] is Status.NOT_APPLICABLE
    found = statuses(data, "bmj-case-reports")
    assert found["12"] is found["11d"] is Status.NOT_REPORTED
    warned = {item.message.split(" (")[0] for item in diagnostics(data, "bmj-case-reports") if item.code == "CF502"}
    assert warned == {"BMJ Case Reports 11d", "BMJ Case Reports 12"}


def test_jmcr_asks_for_earlier_reports_to_be_cited() -> None:
    def change(data: dict[str, Any]) -> None:
        del data["references"]
        data["introduction"] = "Hyponatraemia after endurance events is reported sporadically."
        data["discussion"]["literature"] = "Earlier reports describe the same mechanism."

    found = diagnostics(changed(change), "jmcr")
    assert any(item.code == "CF506" and item.pointer == "/references" for item in found)


def test_diagnostics_point_at_the_section_where_the_element_belongs() -> None:
    text = COMPLETE_CASE.replace("  challenges: Confusion after a race is usually put down to heat or exhaustion.\n", "")
    document, _ = loads(text.encode(), "case.yaml")
    assert document is not None
    found, _ = check_document(document, "care-2016")
    (missing,) = found
    line = next(number for number, content in enumerate(text.splitlines(), 1) if content.startswith("diagnostic_assessment:"))
    assert (missing.code, missing.line, missing.column) == ("CF502", line, 1)
    assert "diagnostic_assessment.challenges" in (missing.hint or "")


def test_every_element_of_every_profile_documents_its_criterion_and_section() -> None:
    for profile in PROFILES.values():
        for item in profile.items:
            assert item.asks.endswith(".") and item.criterion.endswith(".") and item.topic, (profile.name, item.id)
            assert item.pointer.startswith("/"), item.id


def test_consent_being_sought_is_a_warning_while_the_case_is_written_and_an_error_when_strict() -> None:
    data = changed(put({"status": "pending"}, "consent"))
    (warning,) = diagnostics(data)
    assert (warning.code, warning.severity, warning.pointer) == ("CF507", Severity.WARNING, "/consent/status")
    assert statuses(data)["13"] is Status.NOT_REPORTED


def test_a_placeholder_age_of_at_least_zero_is_not_an_age() -> None:
    data = changed(put({"value": 0, "unit": "a", "comparator": ">="}, "patient", "age"))
    assert statuses(data)["5a"] is Status.PARTIAL
