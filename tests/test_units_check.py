"""The units check as an author meets it: UCUM codes, kinds, plausible values, doses."""

from __future__ import annotations

import json

import pytest

from caseforge.units import display
from caseforge.units.spelling import discouraged, suggest
from helpers import assert_at, case_text, diagnose, only, run_caseforge


@pytest.mark.parametrize(
    ("written", "ucum"),
    [
        ("mmHg", "mm[Hg]"),
        ("x10^9/L", "10*9/L"),
        ("×10⁹/L", "10*9/L"),
        ("X10E9/L", "10*9/L"),
        ("mcg", "ug"),
        ("µg/mL", "ug/mL"),
        ("°C", "Cel"),
        ("° C", "Cel"),
        ("IU/L", "[IU]/L"),
        ("mEq/L", "meq/L"),
        ("cells/kg", "{cells}/kg"),
        ("mg/kg/hr", "mg/kg/h"),
        ("sec", "s"),
        ("yr", "a"),
        ("mL/min/1.73m2", "mL/min/{1.73_m2}"),
        ("mL/min/1.73 m²", "mL/min/{1.73_m2}"),
        ("bpm", "{beats}/min"),
        ("x 10^9/L", "10*9/L"),
        ("× 10⁹/L", "10*9/L"),
        ("mg/24 hr", "mg/(24.h)"),
        ("µIU/mL", "u[IU]/mL"),
        ("Kg", "kg"),
        ("m^2", "m2"),
        ("cm H2O", "cm[H2O]"),
        ("mOsm/kg", "mosm/kg"),
    ],
)
def test_what_authors_write_gets_the_ucum_code(written: str, ucum: str) -> None:
    assert suggest(written) == ucum


def test_no_suggestion_for_what_cannot_be_guessed() -> None:
    assert suggest("furlongs per fortnight") is None
    assert suggest("μ") is None  # "u" would be the dalton
    assert suggest("mm[Hg]") is None  # already valid: nothing to suggest


@pytest.mark.parametrize(("code", "better"), [("ml", "mL"), ("mg/dl", "mg/dL"), ("g%", "g/dL"), ("mmol/l", "mmol/L"), ("10^9/L", "10*9/L"), ("Mg", "mg"), ("mg/ML", "mg/mL")])
def test_valid_but_misreadable_codes_have_a_preferred_form(code: str, better: str) -> None:
    assert discouraged(code)[0] == better


def test_good_codes_are_not_discouraged() -> None:
    assert discouraged("mL") is None and discouraged("mmol/L") is None


@pytest.mark.parametrize(
    ("value", "code", "shown"),
    [
        (2.99, "10*6/kg", "2.99 × 10⁶/kg"),
        (35, "mm[Hg]", "35 mmHg"),
        (39, "Cel", "39 °C"),
        (50, "ug", "50 µg"),
        (120, "[IU]/L", "120 IU/L"),
        (30, "mg/m2", "30 mg/m²"),
        (90, "mL/min/{1.73_m2}", "90 mL/min/1.73 m²"),
        (6.7, "%", "6.7%"),
        (3.3, "10*9/L", "3.3 × 10⁹/L"),
        (6.5, "%{HbA1c}", "6.5%HbA1c"),
        (350, "{CD4}/uL", "350 CD4/µL"),
        (140, "meq/L", "140 mEq/L"),
        (0.1 + 0.2, "mg", "0.3 mg"),
        (2, "/[HPF]", "2 /HPF"),
    ],
)
def test_quantities_are_shown_as_clinicians_write_them(value: float, code: str, shown: str) -> None:
    assert display.quantity(value, code) == shown


# --- the check, on small cases -----------------------------------------------


def findings(extra: str) -> str:
    return case_text("clinical_findings:\n" + extra)


def test_an_invalid_unit_is_located_at_the_unit_with_the_ucum_code() -> None:
    found = only(findings("  - {name: intraocular pressure, value: {value: 35, unit: mmHg}}\n"))
    assert_at(found, "CF301", 9, 59, "/clinical_findings/0/value/unit")
    assert found.message == "`mmHg` is not a UCUM unit."
    assert found.hint == "Write `mm[Hg]` (mmHg in UCUM)."


def test_a_discouraged_unit_is_a_warning() -> None:
    found = only(findings("  - {name: urine output, value: {value: 300, unit: ml}}\n"))
    assert (found.code, found.severity.value) == ("CF302", "warning")
    assert found.hint.startswith("Write `mL`")


def test_an_age_must_be_a_time() -> None:
    found = only(case_text(patient="patient:\n  age: {value: 62, unit: kg}\n  sex: female"))
    assert_at(found, "CF303", 3, 26, "/patient/age/unit")
    assert "not a unit of time" in found.message


def test_a_valid_unit_of_the_wrong_kind_for_the_test() -> None:
    found = only(case_text("diagnostic_assessment:\n  tests:\n    - {name: haemoglobin, result: {value: 130, unit: MG}}\n"))
    assert_at(found, "CF303", 10, 54, "/diagnostic_assessment/tests/0/result/unit")
    assert found.message == "Haemoglobin is a mass concentration, but `MG` is not a unit of that kind."
    assert found.hint == "Use a unit such as `g/L`, `g/dL`, `mmol/L`."


def test_a_unit_slip_is_caught_and_the_right_unit_named() -> None:
    found = only(case_text("diagnostic_assessment:\n  tests:\n    - {name: Hb, result: {value: 130, unit: g/dL}}\n"))
    assert_at(found, "CF304", 10, 34, "/diagnostic_assessment/tests/0/result/value")
    assert "130 g/L would be possible" in found.hint


def test_mass_and_substance_units_convert_through_the_molar_mass() -> None:
    # Glucose 90 mg/dL is 5 mmol/L: plausible in either unit.
    text = case_text("diagnostic_assessment:\n  tests:\n    - {name: glucose, result: {value: 90, unit: mg/dL}}\n    - {name: glucose, result: {value: 5, unit: mmol/L}}\n")
    assert diagnose(text) == []


def test_a_dose_in_a_concentration_is_refused() -> None:
    found = only(case_text("interventions:\n  - {kind: drug, name: tocilizumab, route: intravenous, frequency: single dose, dose: {value: 400, unit: mg/dL}}\n"))
    assert_at(found, "CF305", 9, 106, "/interventions/0/dose/unit")
    assert "mass per body surface area (`mg/m2`)" in found.hint


def test_a_drug_dose_without_route_or_frequency_is_reported_for_care() -> None:
    found = only(case_text("interventions:\n  - {kind: drug, name: tocilizumab, dose: {value: 480, unit: mg}}\n"))
    assert (found.code, found.category.value, found.severity.value) == ("CF501", "care", "warning")
    assert "`route` and `frequency`" in found.message


def test_cells_per_kilogram_is_a_dose() -> None:
    text = case_text("interventions:\n  - {kind: cell_therapy, name: CAR-T cells, dose: {value: 2.99, unit: 10*6/kg}}\n")
    assert diagnose(text) == []


# --- caseforge units ---------------------------------------------------------


def test_units_command_explains_each_code_and_fails_on_an_invalid_one() -> None:
    result = run_caseforge("units", "mm[Hg]", "mmHg", "10*9/L")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("mm[Hg]  valid UCUM; pressure; shown as mmHg")
    assert lines[1].startswith("mmHg    not UCUM") and "Did you mean `mm[Hg]` (mmHg)?" in lines[1]
    assert lines[2].startswith("10*9/L  valid UCUM; number concentration; shown as 10⁹/L")


def test_units_command_as_json_and_exit_0_when_all_valid() -> None:
    result = run_caseforge("units", "--format", "json", "Cel", "ml")
    assert result.returncode == 0
    first, second = json.loads(result.stdout)
    assert first["kind"] == "temperature" and first["display"] == "°C"
    assert second["preferred"] == "mL"


def test_a_value_in_the_other_usual_units_of_its_test() -> None:
    from caseforge.units.analytes import find
    from caseforge.units.conversion import in_usual_units

    haemoglobin = find("haemoglobin")
    shown = {unit: round(value, 3) for value, unit in in_usual_units(130, "g/L", haemoglobin.units, haemoglobin.molar_mass)}
    assert shown["g/dL"] == 13.0
    glucose = find("glucose")
    shown = {unit: round(value, 2) for value, unit in in_usual_units(90, "mg/dL", glucose.units, glucose.molar_mass)}
    assert shown["mmol/L"] == 5.0


# --- found in review ----------------------------------------------------------


def test_a_clinical_finding_is_checked_like_a_test() -> None:
    found = only(findings("  - {name: body temperature, value: {value: 102, unit: Cel}}\n"))
    assert_at(found, "CF304", 9, 45, "/clinical_findings/0/value/value")
    assert "102 °F would be possible" in found.hint


def test_the_parts_of_a_blood_pressure_are_checked() -> None:
    text = findings("  - name: blood pressure\n    components:\n      - {name: systolic, value: 1080, unit: \"mm[Hg]\"}\n      - {name: diastolic, value: 66, unit: \"mm[Hg]\"}\n")
    found = only(text)
    assert_at(found, "CF304", 11, 33, "/clinical_findings/0/components/0/value")


def test_a_test_on_another_fluid_is_not_the_blood_test() -> None:
    text = case_text("diagnostic_assessment:\n  tests:\n    - {name: sodium, specimen: urine, result: {value: 20, unit: mmol/L}}\n")
    assert diagnose(text) == []


def test_run_on_words_change_what_is_measured() -> None:
    text = case_text("diagnostic_assessment:\n  tests:\n    - {name: creatinine clearance, result: {value: 90, unit: mL/min}}\n")
    assert diagnose(text) == []


@pytest.mark.parametrize("unit", ["U", "U/kg", "mg/m2/d", "[IU]/kg", "mL/h"])
def test_doses_of_many_kinds_are_doses(unit: str) -> None:
    text = case_text(f"interventions:\n  - {{kind: drug, name: insulin, route: subcutaneous, frequency: once daily, dose: {{value: 10, unit: \"{unit}\"}}}}\n")
    assert diagnose(text) == []


def test_ph_is_an_acidity_and_keeps_its_case() -> None:
    found = only(case_text("diagnostic_assessment:\n  tests:\n    - {name: platelets, result: {value: 79, unit: \"[pH]\"}}\n"))
    assert found.code == "CF303"
    assert "measures an acidity" in found.message


def test_an_enormous_exponent_is_refused_not_computed() -> None:
    found = only(findings("  - {name: count, value: {value: 1, unit: \"10*99999999/L\"}}\n"))
    assert found.code == "CF301" and "exponent" in found.message


def test_a_value_too_large_to_convert_is_not_a_crash() -> None:
    found = only(case_text("diagnostic_assessment:\n  tests:\n    - {name: haemoglobin, result: {value: 1e300, unit: g/dL}}\n"))
    assert found.code == "CF304"
    assert found.message.startswith("Haemoglobin of 1e+300 g/dL is outside what is possible")
