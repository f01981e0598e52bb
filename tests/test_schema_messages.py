"""Schema errors as a clinician reads them: code, place, pointer and words.

Every broken case starts from a minimal valid case written as YAML text, so
the line numbers in the assertions can be checked by eye against the text.
The minimal case is seven lines long; text added with ``extra`` starts on
line 8.
"""

from __future__ import annotations

import re

import pytest

from helpers import assert_at, case_text, diagnose, only, show, validators_agree
from caseforge.validate import validate_file


# Every broken variant is registered here, so that the last test can check
# that the fast validator and python-jsonschema agree on all of them.
BROKEN: dict[str, str] = {}


def broken(name: str, text: str) -> str:
    assert name not in BROKEN
    BROKEN[name] = text
    return text


# ---------------------------------------------------------------------------
# The minimal case is valid.


def test_minimal_case_is_valid():
    assert diagnose(case_text()) == []


def test_validate_file_reports_the_file_and_position(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(case_text(patient="patient:\n  age: {value: 62, unit: a}\n  sex: F"), "utf-8")
    report = validate_file(str(path))
    assert [(d.code, d.file, d.line, d.column) for d in report.diagnostics] == [("CF204", str(path), 4, 8)]
    assert report.has_errors


# ---------------------------------------------------------------------------
# CF201: a required field is missing. The position is the parent's key (or
# line 1 for the root, or the list item itself).

MISSING_CONSENT = broken("missing consent", case_text(consent=None))
MISSING_PATIENT = broken("missing patient", case_text(patient=None))
MISSING_TITLE = broken("missing title", case_text(title=None))


@pytest.mark.parametrize(
    "text, field, purpose",
    [
        (MISSING_CONSENT, "consent", "publish"),  # CARE 13: consent to publish
        (MISSING_PATIENT, "patient", "de-identified"),  # CARE 5: the patient, de-identified
        (MISSING_TITLE, "title", "what the case is about"),  # CARE 1
    ],
    ids=["consent", "patient", "title"],
)
def test_missing_property_at_root(text, field, purpose):
    found = only(text)
    assert_at(found, "CF201", 1, 1, "")
    assert f"`{field}`" in found.message
    assert "missing" in found.message
    # The hint must say what the field is for, not only its CARE item number.
    assert found.hint and purpose in found.hint, show([found])


MISSING_SEX = broken("missing patient.sex", case_text(patient="patient:\n  age: {value: 62, unit: a}"))


def test_missing_nested_property():
    found = only(MISSING_SEX)
    assert_at(found, "CF201", 2, 1, "/patient")  # the `patient:` key
    assert "`patient`" in found.message and "`sex`" in found.message
    # "CARE 5a." alone does not tell a clinician what to write.
    assert found.hint and "sex" in found.hint.lower(), show([found])


MISSING_RESULT = broken(
    "test without result",
    case_text("""
        diagnostic_assessment:
          tests:
            - id: hb
              name: haemoglobin
        """),
)


def test_missing_property_in_list_item():
    found = only(MISSING_RESULT)
    assert_at(found, "CF201", 10, 7, "/diagnostic_assessment/tests/0")  # the item, `- id: hb`
    assert "`result`" in found.message
    assert "diagnostic_assessment.tests[0]" in found.message
    assert "result of a test" in found.hint
    assert "`result: {value: 130, unit: g/L}`" in found.hint


MISSING_EVENT_FIELDS = broken(
    "event without id, kind, summary",
    case_text("""
        timeline:
          - time: 2021-09-29
        """),
)


def test_every_missing_property_is_reported():
    found = diagnose(MISSING_EVENT_FIELDS)
    assert [(d.code, d.line, d.column, d.pointer) for d in found] == [("CF201", 9, 5, "/timeline/0")] * 3
    assert {re.search(r"missing `(\w+)`", d.message).group(1) for d in found} == {"id", "kind", "summary"}


# ---------------------------------------------------------------------------
# CF202: an unknown key. The position is the key itself.

MISSPELT_ROOT = broken(
    "misspelt root key",
    case_text("""
        intervetions:
          - kind: drug
            name: tocilizumab
        """),
)


def test_misspelt_key_at_root():
    found = only(MISSPELT_ROOT)
    assert_at(found, "CF202", 8, 1, "/intervetions")
    assert "`intervetions`" in found.message
    assert found.hint == "Did you mean `interventions`?"


MISSPELT_NESTED = broken(
    "misspelt nested key",
    case_text(patient="patient: {agee: {value: 62, unit: a}, sex: female}"),
)


def test_misspelt_nested_key():
    found = diagnose(MISSPELT_NESTED)
    unknown = [d for d in found if d.code == "CF202"]
    assert len(unknown) == 1, show(found)
    assert_at(unknown[0], "CF202", 2, 11, "/patient/agee")  # `agee` inside the braces
    assert "`agee`" in unknown[0].message and "`patient`" in unknown[0].message
    assert unknown[0].hint == "Did you mean `age`?"
    # The misspelling also leaves `age` missing; that is reported too, on `patient:`.
    assert [(d.code, d.line, d.column, d.pointer) for d in found if d.code != "CF202"] == [("CF201", 2, 1, "/patient")]


UNKNOWN_NO_MATCH = broken("unknown key without close match", case_text("hospital: Zhejiang University\n"))


def test_unknown_key_without_close_match_lists_allowed_keys():
    found = only(UNKNOWN_NO_MATCH)
    assert_at(found, "CF202", 8, 1, "/hospital")
    assert "`hospital`" in found.message
    assert found.hint.startswith("Allowed here:")
    for key in ("title", "patient", "consent", "timeline", "interventions", "follow_up"):
        assert f"`{key}`" in found.hint


COMMA_IN_FLOW = broken(
    "comma inside a flow mapping",
    case_text("""
        timeline:
          - id: presentation
            kind: presentation
            summary: Referred with fever
            time: {as_published: on July 21, 2020}
        """),
)


def test_comma_inside_flow_mapping_makes_a_key():
    found = only(COMMA_IN_FLOW)
    assert_at(found, "CF202", 12, 38, "/timeline/0/time/2020")
    assert "`2020`" in found.message
    assert "comma" in found.hint and "quotes" in found.hint
    assert "Did you mean" not in found.hint


# ---------------------------------------------------------------------------
# CF204: a value that is not one of the allowed ones.

SEX_F = broken("sex: F", case_text(patient="patient:\n  age: {value: 62, unit: a}\n  sex: F"))
SEX_FEMALE = broken("sex: Female", case_text(patient="patient:\n  age: {value: 62, unit: a}\n  sex: Female"))


@pytest.mark.parametrize("text, typed", [(SEX_F, "F"), (SEX_FEMALE, "Female")], ids=["F", "Female"])
def test_sex_not_allowed_suggests_female(text, typed):
    found = only(text)
    assert_at(found, "CF204", 4, 8, "/patient/sex")
    assert f"`{typed}`" in found.message
    for allowed in ("female", "male", "intersex", "unknown", "not_reported"):
        assert allowed in found.message
    assert found.hint == "Did you mean `female`?"


STATUS_WORDS = broken(
    "status in words",
    case_text("patient_perspective: {status: Not reported, reason: The report does not give it.}\n"),
)


def test_status_written_in_words_suggests_the_value():
    found = only(STATUS_WORDS)
    assert_at(found, "CF204", 8, 31, "/patient_perspective/status")
    assert "not_applicable" in found.message and "not_reported" in found.message
    assert found.hint == "Did you mean `not_reported`?"


# ---------------------------------------------------------------------------
# CF203: a value of the wrong kind.

AGE_IN_WORDS = broken("age: 62 years", case_text(patient="patient:\n  age: 62 years\n  sex: female"))


def test_quantity_written_as_text():
    found = only(AGE_IN_WORDS)
    assert_at(found, "CF203", 3, 8, "/patient/age")
    assert "`patient.age`" in found.message and "mapping" in found.message
    assert "{value: 62, unit: " in found.hint


def test_quantity_written_as_text_suggests_a_ucum_unit():
    # The hint says "(the unit in UCUM)"; it must then show the UCUM code for
    # years, `a`, not the word the author typed (`years` is not UCUM).
    found = only(AGE_IN_WORDS)
    assert "{value: 62, unit: a}" in found.hint, show([found])


AGE_BARE_NUMBER = broken("age: 62", case_text(patient="patient:\n  age: 62\n  sex: female"))


def test_age_as_bare_number_shows_an_age_example():
    found = only(AGE_BARE_NUMBER)
    assert_at(found, "CF203", 3, 8, "/patient/age")
    assert "mapping" in found.message and "a number" in found.message
    # An age needs a time unit: the example must be an age, not a pressure.
    assert "mm[Hg]" not in found.hint, show([found])
    assert "unit: a}" in found.hint, show([found])


KEYWORDS_TEXT = broken("keywords as text", case_text("keywords: case report\n"))


def test_list_written_as_text():
    found = only(KEYWORDS_TEXT)
    assert_at(found, "CF203", 8, 11, "/keywords")
    assert "`keywords`" in found.message and "list" in found.message and "not text" in found.message
    assert "[case report" in found.hint


QUOTED_NUMBER = broken(
    "quoted number",
    case_text("""
        diagnostic_assessment:
          tests:
            - name: haemoglobin
              result: {value: "35", unit: g/L}
        """),
)
QUOTED_DECIMAL = broken(
    "quoted decimal",
    case_text("""
        diagnostic_assessment:
          tests:
            - name: haemoglobin
              result: {value: "35.5", unit: g/L}
        """),
)


@pytest.mark.parametrize("text, number", [(QUOTED_NUMBER, "35"), (QUOTED_DECIMAL, "35.5")], ids=["35", "35.5"])
def test_quoted_number(text, number):
    found = only(text)
    assert_at(found, "CF203", 11, 23, "/diagnostic_assessment/tests/0/result/value")
    assert "must be a number, not text" in found.message


@pytest.mark.parametrize("text, number", [(QUOTED_NUMBER, "35"), (QUOTED_DECIMAL, "35.5")], ids=["35", "35.5"])
def test_quoted_number_hint_keeps_the_number(text, number):
    # A hint that changes the number (`3` for "35") would put a wrong value
    # in the case; the hint must show the number exactly as written.
    found = only(text)
    assert f"`{number}`" in found.hint, show([found])


NUMBER_WITH_UNIT = broken(
    "number with its unit",
    case_text("""
        clinical_findings:
          - name: intraocular pressure, left eye
            value: {value: 35 mmHg, unit: "mm[Hg]"}
        """),
)


def test_number_written_with_its_unit():
    found = only(NUMBER_WITH_UNIT)
    assert_at(found, "CF203", 10, 20, "/clinical_findings/0/value/value")
    assert "must be a number" in found.message
    assert found.hint == "Write the number alone (`35`) and put the unit in `unit`."


def test_bare_year_is_a_date():
    # YAML reads `2021` as a number; the format accepts a year written so.
    text = case_text("""
        timeline:
          - id: presentation
            kind: presentation
            summary: Referred with fever
            time: 2021
        """)
    assert diagnose(text) == []
    assert validators_agree(text)


SMALL_NUMBER_AS_TIME = broken(
    "small number as a time",
    case_text("""
        timeline:
          - id: car-t-2
            kind: intervention
            summary: Second CAR-T infusion
          - id: fever-resolved
            kind: response
            summary: Temperature back to normal
            time: 12
        """),
)


def test_small_number_as_time():
    found = only(SMALL_NUMBER_AS_TIME)
    assert_at(found, "CF207", 15, 11, "/timeline/1/time")
    assert "`12`" in found.message


def test_small_number_as_time_explains_year_or_day():
    # `time: 12` is most likely day 12. "must be at least 1000" invites the
    # author to make up a year; the message must say a bare number is read
    # as a year, and the hint show the relative form `{day: 12, of: ...}`.
    found = only(SMALL_NUMBER_AS_TIME)
    assert "year" in found.message + (found.hint or ""), show([found])
    assert "{day: 12, of: " in (found.hint or ""), show([found])


# ---------------------------------------------------------------------------
# CF205: text not in the required form.

DATE_DMY = broken(
    "date as dd/mm/yyyy",
    case_text("""
        timeline:
          - id: lymphodepletion
            kind: intervention
            summary: Lymphodepletion with fludarabine and cyclophosphamide
            time: 29/09/2021
        """),
)


def test_date_not_iso():
    found = only(DATE_DMY)
    assert_at(found, "CF205", 12, 11, "/timeline/0/time")
    assert "`29/09/2021`" in found.message and "ISO 8601 date" in found.message
    assert re.search(r"\b\d{4}-\d{2}-\d{2}\b", found.hint), show([found])


ID_CAPITALS = broken(
    "id with capitals",
    case_text("""
        timeline:
          - id: CAR-T-2
            kind: intervention
            summary: Second CAR-T infusion, donor-derived
        """),
)


def test_id_with_capitals_suggests_lower_case():
    found = only(ID_CAPITALS)
    assert_at(found, "CF205", 9, 9, "/timeline/0/id")
    assert "`CAR-T-2`" in found.message and "id" in found.message and "lower-case" in found.message
    assert found.hint == "Write it in lower case: `car-t-2`."


BAD_DOI = broken(
    "doi with its URL",
    case_text("""
        source:
          citation: Kong D, et al. J Zhejiang Univ Sci B. 2022;23(10):876-880.
          doi: https://doi.org/10.1631/jzus.B2200128
        """),
)


def test_bad_doi():
    found = only(BAD_DOI)
    assert_at(found, "CF205", 10, 8, "/source/doi")
    assert "https://doi.org/10.1631/jzus.B2200128" in found.message and "DOI" in found.message
    assert "10." in found.message  # the form: 10.xxxx/...
    assert re.search(r"10\.\d{4,9}/\S+", found.hint)


BAD_DURATION = broken(
    "duration in words",
    case_text("""
        timeline:
          - id: transplant
            kind: intervention
            summary: Haploidentical stem cell transplant
          - id: relapse-eye
            kind: relapse
            summary: Extramedullary relapse in the left eye
            time: {after: 2 months, of: transplant}
        """),
)


def test_bad_duration():
    found = only(BAD_DURATION)
    assert_at(found, "CF205", 15, 19, "/timeline/1/time/after")
    assert "`2 months`" in found.message and "ISO 8601 duration" in found.message
    assert "P2M" in found.hint


# ---------------------------------------------------------------------------
# oneOf: the error of the branch the author meant, not "not valid under any
# of the given schemas".

VAGUE = "not valid under any of the given schemas"

PERSPECTIVE_NO_REASON = broken("not_reported without reason", case_text("patient_perspective: {status: not_reported}\n"))


def test_one_of_reports_the_missing_reason():
    found = only(PERSPECTIVE_NO_REASON)
    assert VAGUE not in found.message
    assert_at(found, "CF201", 8, 1, "/patient_perspective")
    assert "`reason`" in found.message
    assert "Why the element is not applicable or not reported" in found.hint


PERSPECTIVE_MISSPELT_REASON = broken(
    "not_reported with misspelt reason",
    case_text("patient_perspective: {status: not_reported, reson: The report does not give it.}\n"),
)


def test_one_of_reports_a_misspelt_key_in_the_meant_branch():
    found = diagnose(PERSPECTIVE_MISSPELT_REASON)
    assert all(VAGUE not in d.message for d in found), show(found)
    unknown = [d for d in found if d.code == "CF202"]
    assert len(unknown) == 1, show(found)
    assert_at(unknown[0], "CF202", 8, 45, "/patient_perspective/reson")
    assert unknown[0].hint == "Did you mean `reason`?"


NONE_OCCURRED_FALSE = broken(
    "none_occurred: false",
    case_text("""
        follow_up:
          adverse_events: {none_occurred: false}
        """),
)


def test_one_of_none_occurred_false():
    found = only(NONE_OCCURRED_FALSE)
    assert VAGUE not in found.message
    assert_at(found, "CF204", 9, 35, "/follow_up/adverse_events/none_occurred")
    assert "`false`" in found.message and "true" in found.message


def test_none_occurred_false_points_to_listing_the_events():
    # `none_occurred: false` means events did occur. "allowed: true" alone
    # invites the author to state the opposite of the report; the hint must
    # say to list the events instead.
    found = only(NONE_OCCURRED_FALSE)
    hint = found.hint or ""
    assert "adverse event" in hint.lower().replace("_", " "), show([found])


ADVERSE_EVENT_NOT_IN_LIST = broken(
    "one adverse event without a list",
    case_text("""
        follow_up:
          adverse_events: {name: cytokine release syndrome, grade: 2}
        """),
)


def test_one_of_adverse_event_written_without_a_list():
    found = only(ADVERSE_EVENT_NOT_IN_LIST)
    assert VAGUE not in found.message, show([found])
    assert "{'name'" not in found.message  # no Python dict in a clinician's message
    assert_at(found, "CF203", 9, 19, "/follow_up/adverse_events")
    assert "list" in found.message


# ---------------------------------------------------------------------------
# CF208: a field that needs another.

DAY_WITHOUT_OF = broken(
    "day without of",
    case_text("""
        timeline:
          - id: crs-2-onset
            kind: adverse_event
            summary: Grade 2 cytokine release syndrome
            time: {day: 7}
        """),
)


def test_day_without_of():
    found = only(DAY_WITHOUT_OF)
    assert_at(found, "CF208", 12, 11, "/timeline/0/time")
    assert "`day`" in found.message and "`of`" in found.message
    assert "count from" in found.hint and "of: car-t-2" in found.hint


VALUE_WITHOUT_UNIT = broken(
    "result value without unit",
    case_text("""
        diagnostic_assessment:
          tests:
            - name: haemoglobin
              result: {value: 130}
        """),
)


def test_result_value_without_unit():
    found = only(VALUE_WITHOUT_UNIT)
    assert_at(found, "CF208", 11, 15, "/diagnostic_assessment/tests/0/result")
    assert "`value`" in found.message and "`unit`" in found.message
    assert "UCUM" in found.hint and "unit: g/L" in found.hint


# ---------------------------------------------------------------------------
# CF207 and CF206: out of range, empty.

GRADE_6 = broken(
    "adverse event grade 6",
    case_text("""
        follow_up:
          adverse_events:
            - name: cytokine release syndrome
              grade: 6
        """),
)


def test_grade_out_of_range():
    found = only(GRADE_6)
    assert_at(found, "CF207", 11, 14, "/follow_up/adverse_events/0/grade")
    assert "`6`" in found.message and "at most 5" in found.message


EMPTY_TITLE = broken("empty title", case_text(title='title: ""'))


def test_empty_title():
    found = only(EMPTY_TITLE)
    assert_at(found, "CF206", 1, 8, "/title")
    assert "`title`" in found.message and "empty" in found.message
    assert "write it" in found.hint.lower()


def test_empty_required_field_is_not_told_to_remove_it():
    # The title is required: "or remove it" leads straight to CF201, and the
    # `status: not_reported` advice cannot apply to a title.
    found = only(EMPTY_TITLE)
    assert "remove" not in found.hint and "not_reported" not in found.hint, show([found])


# ---------------------------------------------------------------------------
# Several errors in one file: all of them, sorted by line.

SEVERAL = broken(
    "several errors",
    case_text(
        """
        keywords: case report
        patient_perspective: {status: not_reported}
        """,
        title='title: ""',
        patient="patient:\n  age: 62 years\n  sex: F",
    ),
)


def test_several_errors_are_all_reported_in_line_order():
    found = diagnose(SEVERAL)
    assert [(d.code, d.line, d.pointer) for d in found] == [
        ("CF206", 1, "/title"),
        ("CF203", 3, "/patient/age"),
        ("CF204", 4, "/patient/sex"),
        ("CF203", 8, "/keywords"),
        ("CF201", 9, "/patient_perspective"),
    ], show(found)


SEVERAL_IN_ONE_OF = broken(
    "several errors inside one oneOf value",
    case_text("""
        follow_up:
          adverse_events:
            - name: cytokine release syndrome
              grade: 6
            - name: skin rash
              outcome: Resolved
        """),
)


def test_several_errors_inside_one_of_are_all_reported():
    # `adverse_events` is a oneOf (a list, or `none_occurred: true`): both
    # broken events must be reported, not only the first.
    found = diagnose(SEVERAL_IN_ONE_OF)
    assert [(d.code, d.line, d.pointer) for d in found] == [
        ("CF207", 11, "/follow_up/adverse_events/0/grade"),
        ("CF204", 13, "/follow_up/adverse_events/1/outcome"),
    ], show(found)


SEVERAL_IN_ONE_TIME = broken(
    "several errors inside one time",
    case_text("""
        timeline:
          - id: crs-2-onset
            kind: adverse_event
            summary: Grade 2 cytokine release syndrome
            time: {day: 1, date: 30/09/2021}
        """),
)


def test_several_errors_inside_one_time_are_all_reported():
    found = diagnose(SEVERAL_IN_ONE_TIME)
    assert sorted((d.code, d.pointer) for d in found) == [
        ("CF205", "/timeline/0/time/date"),
        ("CF208", "/timeline/0/time"),
    ], show(found)


# ---------------------------------------------------------------------------
# The fast validator (jsonschema-rs) and python-jsonschema must agree, or a
# valid file could be refused or an invalid one let through.


def test_validators_agree_on_the_minimal_case():
    assert validators_agree(case_text())


@pytest.mark.parametrize("name", list(BROKEN))
def test_validators_agree_on_broken_variant(name):
    assert validators_agree(BROKEN[name])
    assert diagnose(BROKEN[name])  # every variant here breaks the schema


# ---------------------------------------------------------------------------
# Found in review: each of these once gave a wrong or dangerous answer.


def test_a_number_with_a_comma_is_never_rewritten() -> None:
    # "1,000" may be a thousand or one: a hint must not choose.
    found = only(case_text("interventions:\n  - kind: drug\n    name: tocilizumab\n    dose: 1,000 mg\n"))
    assert_at(found, "CF203", 11, 11, "/interventions/0/dose")
    assert found.hint == "Example: {value: 400, unit: mg}"


def test_an_overflowing_number_is_reported_where_it_is() -> None:
    found = only(case_text("clinical_findings:\n  - {name: temperature, value: {value: 1e999, unit: Cel}}\n"))
    assert_at(found, "CF203", 9, 40, "/clinical_findings/0/value/value")
    assert "must be a number" in found.message and "too large" in found.hint


def test_text_of_spaces_only_is_refused() -> None:
    found = only(case_text(title='title: "   "'))
    assert_at(found, "CF206", 1, 8, "/title")
    assert "only spaces" in found.message


def test_an_empty_section_is_refused() -> None:
    found = only(case_text("discussion: {}\n"))
    assert_at(found, "CF206", 8, 13, "/discussion")
    assert "empty" in found.message


def test_a_misplaced_key_is_told_where_it_belongs() -> None:
    found = only(case_text("adverse_events: {none_occurred: true}\n"))
    assert_at(found, "CF202", 8, 1, "/adverse_events")
    assert found.hint == "`adverse_events` belongs under `follow_up`; move it there."


def test_a_merge_key_is_named_as_such() -> None:
    found = only(case_text(patient="patient:\n  age: {value: 62, unit: a}\n  sex: female\n  <<: {}"))
    assert found.code == "CF202" and "merge keys" in found.hint


def test_age_in_years_old_suggests_the_ucum_code() -> None:
    found = only(case_text(patient="patient:\n  age: 62 years old\n  sex: female"))
    assert "`{value: 62, unit: a}`" in found.hint


def test_two_forms_mixed_in_one_value_are_named() -> None:
    found = only(case_text("follow_up:\n  adverse_events: {none_occurred: true, status: not_reported, reason: x}\n"))
    assert found.code == "CF299"
    assert "one of them" in found.message
    assert "none_occurred: true" in found.hint and "status: not_reported" in found.hint


def test_an_abstract_can_be_marked_not_reported_as_a_whole() -> None:
    assert diagnose(case_text("abstract: {status: not_reported, reason: The letter has no abstract.}\n")) == []


def test_a_pathological_file_stops_after_a_hundred_problems() -> None:
    stray = "".join(f"stray{index}: 1\n" for index in range(5000))
    found = diagnose(case_text(stray))
    assert len(found) == 101
    assert found[-1].code == "CF002" and found[-1].severity.value == "info"
