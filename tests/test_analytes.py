"""The analyte table (caseforge/data/analytes.json) and how test names are matched to it."""

from __future__ import annotations

import json
import re
from collections import Counter
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterator, NamedTuple

import pytest

from caseforge.source import load
from caseforge.units.analytes import CATEGORIES, KINDS, QUALIFIERS, Analyte, analytes, dose_kinds, dose_units, find, normalise
from caseforge.units.conversion import convert
from caseforge.units.ucum import is_valid
from helpers import CASES

RAW: dict[str, Any] = json.loads(files("caseforge").joinpath("data", "analytes.json").read_text("utf-8"))
FIELDS = {"id": str, "name": str, "synonyms": list, "category": str, "kind": str, "units": list, "loinc": str, "molar_mass": float, "plausible": dict}
OPTIONAL = {"loinc", "molar_mass"}
MASS_UNIT = re.compile(r"^[munpk]?g/")
SUBSTANCE_UNIT = re.compile(r"^[munpf]?mol/")


# --- the file --------------------------------------------------------------


def test_the_file_says_what_it_is_and_where_it_comes_from() -> None:
    assert set(RAW) == {"$comment", "sources", "analytes", "doses"}
    assert "plausible" in RAW["$comment"] and "UCUM" in RAW["$comment"]
    assert "no copyrighted table" in RAW["sources"] and "LOINC" in RAW["sources"]


@pytest.mark.parametrize("entry", RAW["analytes"], ids=lambda entry: entry.get("id", "?"))
def test_every_field_has_its_type(entry: dict[str, Any]) -> None:
    assert set(FIELDS) - OPTIONAL <= set(entry) <= set(FIELDS)
    for field, value in entry.items():
        expected = (int, float) if FIELDS[field] is float else FIELDS[field]
        assert isinstance(value, expected) and not isinstance(value, bool), field
    assert all(isinstance(text, str) and text.strip() == text and text for text in [*entry["synonyms"], *entry["units"]])
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry["id"])
    plausible = entry["plausible"]
    assert set(plausible) == {"low", "high", "unit"}
    assert all(isinstance(plausible[bound], (int, float)) for bound in ("low", "high"))


def test_ids_are_unique() -> None:
    repeated = [key for key, count in Counter(entry["id"] for entry in RAW["analytes"]).items() if count > 1]
    assert not repeated


def test_no_two_names_or_synonyms_compare_equal() -> None:
    """Across the whole table, so that a name can only ever mean one analyte."""
    owners: dict[str, list[str]] = {}
    for analyte in analytes():
        for name in analyte.names:
            owners.setdefault(normalise(name), []).append(f"{analyte.id}: {name}")
    clashes = {key: names for key, names in owners.items() if len(names) > 1}
    assert not clashes
    assert "" not in owners


def test_there_are_at_least_ninety_analytes_in_every_category() -> None:
    counts = Counter(analyte.category for analyte in analytes())
    assert len(analytes()) >= 90
    assert set(counts) == set(CATEGORIES), "every category is used and no other"


def test_kinds_come_from_the_documented_vocabulary() -> None:
    used = {analyte.kind for analyte in analytes()}
    assert used == set(KINDS)


@pytest.mark.parametrize(
    "name",
    [
        # blood count
        "haemoglobin", "haematocrit", "RBC", "WBC", "neutrophils", "lymphocytes", "monocytes", "eosinophils", "basophils",
        "platelets", "MCV", "MCH", "MCHC", "RDW", "reticulocytes",
        # chemistry
        "sodium", "potassium", "chloride", "bicarbonate", "urea", "BUN", "creatinine", "glucose", "calcium", "ionised calcium",
        "magnesium", "phosphate", "uric acid", "total protein", "albumin",
        # liver
        "ALT", "AST", "ALP", "GGT", "total bilirubin", "direct bilirubin", "LDH",
        # kidney
        "eGFR", "cystatin C", "urine protein/creatinine ratio",
        # coagulation
        "PT", "aPTT", "INR", "fibrinogen", "D-dimer",
        # inflammation and cytokines
        "CRP", "ESR", "procalcitonin", "ferritin", "IL-6", "IL-10", "IFN-gamma", "TNF-alpha",
        # tumour markers
        "CEA", "AFP", "CA-125", "CA 19-9", "PSA", "beta-hCG",
        # blood gas
        "pH", "pO2", "pCO2", "base excess", "lactate", "HCO3",
        # lipids, HbA1c, cardiac, thyroid
        "cholesterol", "HDL", "LDL", "triglycerides", "HbA1c", "troponin", "BNP", "NT-proBNP", "TSH", "free T4",
        # vital signs and body measures
        "body temperature", "heart rate", "respiratory rate", "systolic blood pressure", "diastolic blood pressure",
        "oxygen saturation", "weight", "height", "BMI", "body surface area", "head circumference",
        # others common in case reports
        "intraocular pressure", "CD4 count", "blasts",
    ],
)
def test_the_common_tests_are_there(name: str) -> None:
    assert find(name) is not None


# --- units, ranges, molar masses, codes --------------------------------------


@pytest.mark.parametrize("analyte", analytes(), ids=lambda analyte: analyte.id)
def test_units_are_valid_ucum_and_the_range_is_in_one_of_them(analyte: Analyte) -> None:
    invalid = [unit for unit in (*analyte.units, analyte.plausible.unit) if not is_valid(unit)]
    assert not invalid
    assert len(set(analyte.units)) == len(analyte.units)
    assert analyte.plausible.unit in analyte.units


@pytest.mark.parametrize("analyte", analytes(), ids=lambda analyte: analyte.id)
def test_the_plausible_range_is_a_range(analyte: Analyte) -> None:
    assert analyte.plausible.low < analyte.plausible.high


@pytest.mark.parametrize("analyte", analytes(), ids=lambda analyte: analyte.id)
def test_a_molar_mass_is_positive_and_given_exactly_where_mass_and_substance_units_meet(analyte: Analyte) -> None:
    both = any(MASS_UNIT.match(unit) for unit in analyte.units) and any(SUBSTANCE_UNIT.match(unit) for unit in analyte.units)
    assert (analyte.molar_mass is not None) == both
    assert analyte.molar_mass is None or analyte.molar_mass > 0


@pytest.mark.parametrize("analyte", analytes(), ids=lambda analyte: analyte.id)
def test_the_most_common_unit_converts_into_the_range(analyte: Analyte) -> None:
    """The range is in the first unit's kind, so the first unit is always range-checked."""
    assert convert(1.0, analyte.units[0], analyte.plausible.unit, analyte.molar_mass) is not None


def _loinc_check_digit(number: str) -> int:
    """LOINC's mod 10 check digit (the Luhn algorithm on the digits before the hyphen)."""
    total = 0
    for position, digit in enumerate(int(char) for char in reversed(number)):
        doubled = digit * 2 if position % 2 == 0 else digit
        total += doubled // 10 + doubled % 10
    return (10 - total % 10) % 10


def test_loinc_codes_are_well_formed_and_unique() -> None:
    codes = [analyte.loinc for analyte in analytes() if analyte.loinc]
    assert len(codes) == len(set(codes))
    for code in codes:
        number, check = code.split("-")
        assert number.isdigit() and check.isdigit(), code
        assert _loinc_check_digit(number) == int(check), f"{code}: the check digit does not match"


def test_the_loinc_check_digit_is_computed_as_loinc_does() -> None:
    assert _loinc_check_digit("12345") == 5  # the example in LOINC's users' guide
    assert _loinc_check_digit("718") == 7


# --- doses -------------------------------------------------------------------


def test_dose_kinds_are_unique_with_valid_example_units() -> None:
    kinds = dose_kinds()
    assert len({kind.id for kind in kinds}) == len(kinds)
    assert all(kind.units and kind.name and kind.example for kind in kinds)
    assert [unit for unit in dose_units() if not is_valid(unit)] == []


@pytest.mark.parametrize("unit", ["mg", "mg/kg", "mg/m2", "mL", "10*6/kg", "[IU]", "[IU]/kg", "mmol", "mg/h", "ug/kg/min", "Gy"])
def test_the_usual_kinds_of_dose_are_there(unit: str) -> None:
    assert unit in dose_units()


# --- matching names ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code", "expected"),
    [
        # 1. a known LOINC code decides, an unknown one is ignored
        ("full blood count", "718-7", "haemoglobin"),
        ("sodium", "99999-9", "sodium"),
        ("sodium", " 2951-2 ", "sodium"),
        # 2. case, spacing, punctuation and Greek letters do not matter
        ("IL-6", None, "il-6"),
        ("IL6", None, "il-6"),
        ("il 6", None, "il-6"),
        ("interleukin 6", None, "il-6"),
        ("Interleukin-6", None, "il-6"),
        ("IFN-γ", None, "ifn-gamma"),
        ("TNF-α", None, "tnf-alpha"),
        ("HAEMOGLOBIN", None, "haemoglobin"),
        ("hæmoglobin", None, "haemoglobin"),
        # 3. the whole name, a synonym
        ("Hb", None, "haemoglobin"),
        ("Hgb", None, "haemoglobin"),
        ("hemoglobin", None, "haemoglobin"),
        ("blood urea nitrogen", None, "blood-urea-nitrogen"),
        ("mean corpuscular haemoglobin concentration", None, "mchc"),
        # 4. the longest run of leading words
        ("haemoglobin, venous", None, "haemoglobin"),
        ("CRP (high sensitivity)", None, "crp"),
        ("carcinoembryonic antigen (CEA), peak", None, "cea"),
        ("intraocular pressure, left eye", None, "intraocular-pressure"),
        ("troponin I, peak", None, "troponin-i"),
        ("troponin, peak", None, "troponin"),
        ("Hb A1c", None, "hba1c"),
        ("bilirubin (direct)", None, "direct-bilirubin"),
        ("bilirubin", None, "total-bilirubin"),
        ("PaO2/FiO2", None, "pf-ratio"),
        ("CA 19-9", None, "ca-19-9"),
        ("Ca", None, "calcium"),
        ("blasts by flow cytometry (MRD assay)", None, "blasts"),
        # 5. a first word about the sample or the moment is set aside
        ("serum sodium", None, "sodium"),
        ("plasma glucose", None, "glucose"),
        ("maximum body temperature", None, "body-temperature"),
        ("arterial blood pressure, systolic", None, "systolic-blood-pressure"),
        ("peak serum creatinine", None, "creatinine"),
        ("lowest platelet count", None, "platelets"),
    ],
)
def test_find(name: str, code: str | None, expected: str) -> None:
    found = find(name, code)
    assert found is not None and found.id == expected


@pytest.mark.parametrize(
    "name",
    [
        "Naproxen",  # Na
        "ALTERNATIVE",  # ALT
        "Caffeine",  # Ca
        "Kell antigen",  # K
        "K-ras mutation",  # K, joined by a hyphen
        "AST/ALT ratio",  # AST, joined by a slash
        "HBsAg",  # Hb
        "serum protein electrophoresis",  # not total protein
        "blood pressure",  # two analytes, not one
        "peripheral blood smear",
        "CD34+ cells infused",  # not CD4
        "Brucella antibody titre",
        "",
        "—",
    ],
)
def test_find_refuses(name: str) -> None:
    assert find(name) is None


def test_qualifiers_are_normalised_words() -> None:
    assert all(word == normalise(word) for word in QUALIFIERS)
    assert not [word for word in QUALIFIERS if find(word) is not None]


# --- the example cases -------------------------------------------------------


class Measured(NamedTuple):
    case: str
    name: str
    value: float
    unit: str
    analyte: Analyte
    in_range_unit: float | None


# Printed in the report as it stands; the range is there to catch exactly this.
KNOWN_SLIPS = {("paediatric-brucellosis.yaml", "haemoglobin", 7.9, "mg/dL")}


def _quantities(node: Any, outer: str | None = None) -> Iterator[tuple[str, str | None, float, str]]:
    """(name, enclosing name, value, unit) of every named quantity: findings, results, components."""
    if isinstance(node, list):
        for item in node:
            yield from _quantities(item, outer)
        return
    if not isinstance(node, dict):
        return
    name = node.get("name") if isinstance(node.get("name"), str) else None
    if name and _is_number(node.get("value")) and isinstance(node.get("unit"), str):
        yield name, outer, node["value"], node["unit"]
    for field in ("value", "result"):
        held = node.get(field)
        if name and isinstance(held, dict) and _is_number(held.get("value")) and isinstance(held.get("unit"), str):
            yield name, None, held["value"], held["unit"]
    for child in node.values():
        yield from _quantities(child, name or outer)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _measured(path: Path) -> Iterator[Measured]:
    document, _ = load(path)
    assert document is not None
    for name, outer, value, unit in _quantities(document.data):
        analyte = find(name) or (find(f"{outer}, {name}") if outer else None)
        if analyte is not None:
            in_range_unit = convert(float(value), unit, analyte.plausible.unit, analyte.molar_mass)
            yield Measured(path.name, name, value, unit, analyte, in_range_unit)


MEASURED = [measured for path in sorted(CASES.glob("*.yaml")) for measured in _measured(path)]


@pytest.mark.parametrize(
    ("analyte", "value", "unit"),
    [
        ("haemoglobin", 130, "g/L"),
        ("platelets", 6.5, "10*10/L"),
        ("white-blood-cell-count", 3.3, "10*9/L"),
        ("cea", 18.1, "ng/mL"),
        ("body-temperature", 39, "Cel"),
        ("intraocular-pressure", 35, "mm[Hg]"),
        ("body-temperature", 98, "[degF]"),
        ("systolic-blood-pressure", 108, "mm[Hg]"),
        ("direct-bilirubin", 0.4, "mg/dL"),
    ],
)
def test_the_example_cases_name_their_tests_so_that_they_are_found(analyte: str, value: float, unit: str) -> None:
    assert (analyte, value, unit) in {(measured.analyte.id, measured.value, measured.unit) for measured in MEASURED}


@pytest.mark.parametrize("measured", MEASURED, ids=lambda measured: f"{measured.case}:{measured.name}:{measured.value} {measured.unit}")
def test_published_values_of_the_example_cases_are_plausible(measured: Measured) -> None:
    """Each value in a unit of its analyte's kind lies inside the plausible range; a known slip lies outside."""
    if measured.in_range_unit is None:
        pytest.skip(f"{measured.unit} does not convert to the range's unit")
    plausible = measured.analyte.plausible
    inside = plausible.low <= measured.in_range_unit <= plausible.high
    slip = (measured.case, measured.name, measured.value, measured.unit) in KNOWN_SLIPS
    assert inside != slip, f"{measured.analyte.id}: {measured.in_range_unit} {plausible.unit}, range {plausible.low} to {plausible.high}"
