"""Converting a value between units, through a molar mass where one is known.

Plain conversions are UCUM's (exact factors, special units through their
functions). A mass concentration and a substance concentration of the same
analyte (glucose in mg/dL and mmol/L) are linked by the analyte's molar mass.
"""

from __future__ import annotations

from caseforge.units.kinds import kind_of
from caseforge.units.ucum import UcumError, convert as ucum_convert

_MASS_CONCENTRATION = "mass concentration"
_SUBSTANCE_CONCENTRATION = "substance concentration"


def convert(value: float, source: str, target: str, molar_mass: float | None = None) -> float | None:
    """``value`` in ``source`` expressed in ``target``, or None if they do not convert."""
    try:
        if kind_of(source).measures_the_same_as(kind_of(target)):
            return ucum_convert(value, source, target)
        if molar_mass is None:
            return None
        kinds = (kind_of(source).name, kind_of(target).name)
        if kinds == (_MASS_CONCENTRATION, _SUBSTANCE_CONCENTRATION):
            return ucum_convert(ucum_convert(value, source, "g/L") / molar_mass, "mol/L", target)
        if kinds == (_SUBSTANCE_CONCENTRATION, _MASS_CONCENTRATION):
            return ucum_convert(ucum_convert(value, source, "mol/L") * molar_mass, "g/L", target)
    except UcumError:
        return None
    return None


def in_usual_units(value: float, code: str, usual: tuple[str, ...], molar_mass: float | None = None) -> list[tuple[float, str]]:
    """The value in each of a test's other usual units it converts to
    (haemoglobin 130 g/L is 13 g/dL; glucose 90 mg/dL is 5.0 mmol/L)."""
    found: list[tuple[float, str]] = []
    for other in usual:
        if other == code:
            continue
        converted = convert(value, code, other, molar_mass)
        if converted is not None:
            found.append((converted, other))
    return found
