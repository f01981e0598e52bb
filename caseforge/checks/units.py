"""Units: every unit is UCUM, of the right kind, and every value plausible.

- Every `unit` in the case must be a valid UCUM code (CF301); the hint gives
  the exact code for what authors usually write (`mmHg` -> `mm[Hg]`).
- Valid but discouraged codes (`ml`, `g%`) get a warning (CF302).
- A unit must measure what its field or test measures (CF303): an age or a
  duration is a time; a test that caseforge knows (see
  :mod:`caseforge.units.analytes`) takes a unit of its kind, so haemoglobin in
  `MG` (megagauss, valid UCUM) is refused.
- A value outside what is physiologically possible for its test is almost
  always a unit slip (haemoglobin 130 g/dL); it gets a warning with the value
  in the test's usual units (CF304).
- A dose must have a unit a dose can have (CF305); a drug without route or
  frequency is reported for CARE item 9b (CF501).
"""

from __future__ import annotations

from typing import Any, Iterator

from caseforge.checks import check, located, mappings
from caseforge.diagnostics import Diagnostic
from caseforge.source import Document
from caseforge.units.analytes import Analyte, dose_kinds, dose_units, find
from caseforge.units.conversion import convert
from caseforge.units.kinds import kind_of
from caseforge.units.ucum import UcumError, parse

_TIME_FIELDS = ("age", "duration")
_MEASURED_LISTS = ("/diagnostic_assessment/tests", "/follow_up/tests", "/clinical_findings")


@check
def units(document: Document) -> Iterator[Diagnostic]:
    for pointer, mapping in mappings(document):
        yield from _unit_problems(document, pointer, mapping)
    yield from _test_values(document)
    yield from _doses(document)


def _unit_problems(document: Document, pointer: str, mapping: dict[str, Any]) -> Iterator[Diagnostic]:
    code = mapping.get("unit")
    if not isinstance(code, str):
        return
    where = f"{pointer}/unit"
    from caseforge.units.spelling import discouraged, suggest

    try:
        parse(code)
    except UcumError as error:
        better = suggest(code)
        hint = f"Write `{better}` ({_display().unit(better)} in UCUM)." if better else "Write the unit as a UCUM code: `mg/dL`, `10*9/L`, `mm[Hg]`, `Cel`, `ug`, `[IU]/L`."
        yield located(document, "CF301", where, error.message, hint)
        return
    preferred = discouraged(code)
    if preferred:
        yield located(document, "CF302", where, f"`{code}` is valid UCUM but easily misread.", f"Write `{preferred[0]}`: {preferred[1]}")
    field = pointer.rsplit("/", 1)[-1]
    if field in _TIME_FIELDS and kind_of(code).name != "time":
        yield located(document, "CF303", where, f"`{field}` is in `{code}`, which is not a unit of time.", "Write it in `a` (years), `mo`, `wk`, `d` or `h`.")


def _test_values(document: Document) -> Iterator[Diagnostic]:
    """Tests and findings that caseforge knows: the unit's kind and the value."""
    for pointer, mapping in mappings(document):
        entry = pointer.rsplit("/", 1)[0]
        if entry not in _MEASURED_LISTS or not isinstance(mapping.get("name"), str):
            continue
        name = mapping["name"]
        coding = mapping.get("coding") or {}
        loinc = coding.get("code") if coding.get("system") == "LOINC" else None
        key = "result" if isinstance(mapping.get("result"), dict) else "value"
        measured = mapping.get(key) if isinstance(mapping.get(key), dict) else {}
        analyte = _analyte_for(name, mapping.get("specimen"), loinc) if measured else None
        if analyte is not None:
            yield from _analyte_value(document, f"{pointer}/{key}", measured, analyte)
        for index, part in enumerate(measured.get("components") or mapping.get("components") or []):
            where = f"{pointer}/{key}/components/{index}" if measured.get("components") else f"{pointer}/components/{index}"
            if isinstance(part, dict) and isinstance(part.get("name"), str):
                analyte = _analyte_for(f"{part['name']} {name}", mapping.get("specimen"), None) or _analyte_for(part["name"], mapping.get("specimen"), None)
                if analyte is not None:
                    yield from _analyte_value(document, where, part, analyte)


# Fluids other than blood: a test on one of them is not the blood test of the
# same name (urine sodium is not serum sodium), unless the analyte says so.
_OTHER_FLUIDS = ("urine", "csf", "cerebrospinal", "pleural", "ascit", "peritoneal", "synovial", "stool", "faec", "fec", "saliva", "sweat", "vitreous", "aqueous", "amniotic", "bronch", "sputum", "drain")


def _analyte_for(name: str, specimen: object, loinc: str | None) -> Analyte | None:
    analyte = find(name, loinc)
    if analyte is None or loinc:
        return analyte
    context = f"{name} {specimen if isinstance(specimen, str) else ''}".lower()
    known = " ".join((analyte.name, *analyte.synonyms)).lower()
    if any(fluid in context and fluid not in known for fluid in _OTHER_FLUIDS):
        return None
    return analyte


def _analyte_value(document: Document, pointer: str, measured: dict[str, Any], analyte: Analyte) -> Iterator[Diagnostic]:
    value, code = measured.get("value"), measured.get("unit")
    if not isinstance(code, str) or not isinstance(value, (int, float)) or isinstance(value, bool):
        return
    try:
        kind = kind_of(code)
    except UcumError:
        return  # reported as CF301 already
    usual = analyte.units
    if not any(convert(1.0, code, other, analyte.molar_mass) is not None for other in usual):
        shown = ", ".join(f"`{other}`" for other in usual[:4])
        measures = f"measures {_article(kind.name)}" if kind.name != "other" else "is not a unit of that kind"
        yield located(document, "CF303", f"{pointer}/unit", f"{_capital(analyte.name)} is {_article(analyte.kind)}, but `{code}` {measures}.", f"Use a unit such as {shown}.")
        return
    low, high, range_unit = analyte.plausible.low, analyte.plausible.high, analyte.plausible.unit
    in_range_unit = convert(float(value), code, range_unit, analyte.molar_mass)
    if in_range_unit is None or low <= in_range_unit <= high:
        return
    possible = f"{_display().quantity(low, range_unit)} to {_display().quantity(high, range_unit)}"
    yield located(
        document,
        "CF304",
        f"{pointer}/value",
        f"{_capital(analyte.name)} of {_display().quantity(value, code)} is outside what is possible ({possible}); a unit slip is likely.",
        _slip_hint(value, code, analyte),
    )


def _slip_hint(value: float, code: str, analyte: Analyte) -> str:
    """Which usual unit would make the value possible, if one does."""
    plausible = analyte.plausible
    for other in analyte.units:
        if other == code:
            continue
        again = convert(float(value), other, plausible.unit, analyte.molar_mass)
        if again is not None and plausible.low <= again <= plausible.high:
            return f"Check the unit: {_display().quantity(value, other)} would be possible. If the report itself prints this unit, keep it as published: the warning then records the report's slip."
    return "Check the value and the unit against the report; if the report prints them so, keep them as published."


def _capital(name: str) -> str:
    # "haemoglobin" starts a sentence as "Haemoglobin"; "pH" and "eGFR" stay.
    return name[:1].upper() + name[1:] if name[:2].islower() else name


def _article(name: str) -> str:
    return f"an {name}" if name[:1] in "aeiou" else f"a {name}"


def _doses(document: Document) -> Iterator[Diagnostic]:
    for pointer, mapping in mappings(document):
        if mapping.get("kind") not in ("drug", "chemotherapy", "immunotherapy", "cell_therapy", "preventive", "supportive"):
            continue
        if "/interventions/" not in f"{pointer}/" and "/past_interventions/" not in f"{pointer}/":
            continue
        dose = mapping.get("dose")
        if isinstance(dose, dict) and isinstance(dose.get("unit"), str):
            yield from _dose_unit(document, f"{pointer}/dose/unit", dose["unit"])
        if mapping.get("kind") == "drug":
            missing = [name for name in ("route", "frequency") if name not in mapping]
            if missing:
                what = " and ".join(f"`{name}`" for name in missing)
                yield located(document, "CF501", f"{pointer}/name", f"{_capital(str(mapping.get('name', 'This drug')))} has no {what} (CARE 9b).", f"Add {what} as the report gives {'them' if len(missing) > 1 else 'it'}. If the report lacks {'them' if len(missing) > 1 else 'it'}, the warning records the gap; `# caseforge: ignore[CF501]` on this line accepts it.")


def _dose_unit(document: Document, pointer: str, code: str) -> Iterator[Diagnostic]:
    try:
        kind = kind_of(code)
    except UcumError:
        return  # reported as CF301 already
    if any(kind.measures_the_same_as(kind_of(example)) for example in dose_units()):
        return
    examples = ", ".join(f"{dose.name} (`{dose.units[0]}`)" for dose in dose_kinds()[:7])
    yield located(document, "CF305", pointer, f"`{code}` measures {_article(kind.name)}, which a dose cannot be.", f"A dose is one of the kinds in caseforge's dose table: {examples}, and more.")


def _display():  # type: ignore[no-untyped-def]
    """The display module, imported only when a message needs it."""
    from caseforge.units import display

    return display
