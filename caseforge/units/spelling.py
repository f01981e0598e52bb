"""From what authors write to UCUM: suggestions for common unit spellings.

Published reports write units for the eye (`mmHg`, `×10⁹/L`, `°C`, `mcg`,
`IU/L`, `mEq/L`); UCUM needs exact, case-sensitive codes (`mm[Hg]`,
`10*9/L`, `Cel`, `ug`, `[IU]/L`, `meq/L`). :func:`suggest` rewrites the
usual spellings and offers the result only if it is itself valid UCUM, so a
hint never sends an author from one wrong unit to another.

Some codes are valid UCUM but easily misread or discouraged in clinical
use; :func:`discouraged` names them with the code to prefer.
"""

from __future__ import annotations

import re
from functools import cache

from caseforge.units.ucum import is_valid

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")

# Whole words an author writes, and their UCUM code. Matched on the text
# between operators, so `hr` in `/hr` is rewritten but not inside `[thr]`.
_WORDS = {
    "mmhg": "mm[Hg]",
    "cmh2o": "cm[H2O]",
    "mcg": "ug",
    "µg": "ug",
    "μg": "ug",
    "mcl": "uL",
    "kg": "kg",
    "mosm": "mosm",
    "uiu": "u[IU]",
    "µl": "uL",
    "μl": "uL",
    "µmol": "umol",
    "μmol": "umol",
    "°c": "Cel",
    "ºc": "Cel",
    "degc": "Cel",
    "℃": "Cel",
    "°f": "[degF]",
    "ºf": "[degF]",
    "degf": "[degF]",
    "℉": "[degF]",
    "iu": "[IU]",
    "ui": "[IU]",
    "meq": "meq",
    "miu": "m[IU]",
    "kiu": "k[IU]",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    "mins": "min",
    "minute": "min",
    "minutes": "min",
    "day": "d",
    "days": "d",
    "wk": "wk",
    "wks": "wk",
    "week": "wk",
    "weeks": "wk",
    "mo": "mo",
    "mos": "mo",
    "mth": "mo",
    "month": "mo",
    "months": "mo",
    "y": "a",
    "yr": "a",
    "yrs": "a",
    "year": "a",
    "years": "a",
    "cells": "{cells}",
    "cell": "{cells}",
    "copies": "{copies}",
    "beats": "{beats}",
    "breaths": "{breaths}",
    "bpm": "{beats}/min",
    "kgs": "kg",
    "lbs": "[lb_av]",
    "lb": "[lb_av]",
    "ft": "[ft_i]",
    "in": "[in_i]",
    "inch": "[in_i]",
    "inches": "[in_i]",
    "ml": "mL",
    "dl": "dL",
    "l": "L",
    "cc": "mL",
    "1.73m2": "{1.73_m2}",
    "1.73m²": "{1.73_m2}",
}

# Powers of ten as they are printed: x10^9, ×10⁹, X10E9, 10^9, 10e9.
_POWER = re.compile(r"^(?:[xX×*·]\s*)?10\s*(?:\^|\*\*|\*|e|E)?\s*([-+]?\d+)$")


def suggest(text: str) -> str | None:
    """The valid UCUM code an author most likely meant by ``text``, or None."""
    candidate = _rewrite(text)
    if candidate and candidate != text and is_valid(candidate):
        return candidate
    return None


@cache
def _rewrite(text: str) -> str:
    cleaned = text.strip().translate(_SUPERSCRIPTS)
    # Micro only before a unit: a lone "µ" is no unit, and "u" alone is the dalton.
    cleaned = re.sub("[µμ](?=[A-Za-z])", "u", cleaned)
    cleaned = re.sub(r"\s*/\s*", "/", cleaned)
    # "x 10^9", "10 ^ 9": the spacing of one power of ten.
    cleaned = re.sub(r"([xX×*·])\s*10\s*(\^|\*\*|[eE])?\s*(?=[-+]?\d)", lambda m: f"{m.group(1)}10{m.group(2) or ''}", cleaned)
    cleaned = re.sub(r"(?i)\bcm\s*h2o\b", "cm[H2O]", cleaned)
    cleaned = re.sub(r"(?<=[A-Za-z])\^(\d)", r"\1", cleaned)  # m^2 is m2
    # "/24 hr" divides by 24 hours: UCUM needs the brackets, "/(24.h)".
    cleaned = re.sub(r"/(\d+)\s*([A-Za-z]+)\b", lambda m: f"/({m.group(1)}.{_WORDS.get(m.group(2).lower(), m.group(2))})", cleaned)
    # "° C", "x 10^9", "per L" are spacing of the same thing.
    cleaned = re.sub(r"°\s+([CF])\b", r"°\1", cleaned)
    cleaned = re.sub(r"\bper\s+", "/", cleaned)
    # eGFR's body surface area, before "." is read as a multiplication.
    cleaned = re.sub(r"1\.73\s*m(?:2|²|\^2)", "{1.73_m2}", cleaned)
    parts = re.split(r"([/.])", cleaned.replace(" ", "."))
    return "".join(part if part in "/." else _rewrite_part(part) for part in parts)


def _rewrite_part(part: str) -> str:
    if not part:
        return part
    power = _POWER.match(part)
    if power:
        return f"10*{power.group(1)}"
    word = _WORDS.get(part.lower())
    if word is not None:
        return word
    # A unit with a printed exponent: m2, cm3, m²: UCUM writes them the same.
    return part


_LITRE = "UCUM's litre is `L`; lower-case `l` is easily read as the digit 1."
_DISCOURAGED = [
    (r"(?<![A-Za-z\[])(m|d|u|n|c)?l(?![A-Za-z\]])", lambda m: f"{m.group(1) or ''}L", _LITRE),
    (r"(?<![A-Za-z\[])(m)?g%", lambda m: f"{m.group(1) or ''}g/dL", "`g%` means grams per 100 mL to some readers and per 100 g to others; write `g/dL`."),
    (r"(?<![A-Za-z\[])M(?=(?:g|L|l|mol|eq|U)(?![A-Za-z]))", lambda m: "m", "A capital `M` is mega (a million): `Mg` is a tonne. Milli is a lower-case `m`."),
    (r"10\^", lambda m: "10*", "`10*` is the form laboratories and FHIR use for powers of ten."),
]


def discouraged(code: str) -> tuple[str, str] | None:
    """For a valid but discouraged code: the code to prefer and why."""
    for pattern, replacement, why in _DISCOURAGED:
        rewritten = re.sub(pattern, replacement, code)
        if rewritten != code and is_valid(rewritten):
            return rewritten, why
    return None
