"""The analyte table: common tests and measures, and the kinds of quantity a dose can have.

caseforge knows some hundred and fifty common tests and measures (the
blood count, chemistry, liver and kidney tests, coagulation, inflammation,
cytokines, tumour markers, blood gas, lipids, cardiac and endocrine tests,
vital signs, body measures and a few others common in case reports). The
table is ``caseforge/data/analytes.json``. For each analyte it gives:

- ``id``: a stable slug (``haemoglobin``, ``il-6``).
- ``name``: the name clinicians use; ``synonyms``: abbreviations and other
  spellings (``Hb``, ``Hgb``, ``hemoglobin``).
- ``category``: one of :data:`CATEGORIES`.
- ``kind``: what it measures, one of :data:`KINDS`.
- ``units``: the usual UCUM units, the most common first. A few analytes
  also take a unit of another kind: a differential count may be a percentage
  of the white cells, HbA1c may be in mmol/mol.
- ``loinc``: its LOINC code, given only where the code is certain.
- ``molar_mass`` (g/mol): where mass and substance units are both in use
  (glucose in mg/dL and mmol/L), the factor that links them.
- ``plausible``: the range that is physiologically possible, in sick and well
  patients of any age; it is not a reference range. A value outside it is
  almost always a unit slip or a typo (haemoglobin 130 g/dL). A value whose
  unit does not convert to the range's unit is not range-checked.

How a test name is matched to an analyte (:func:`find`):

1. A LOINC code that the table knows decides. An unknown code is ignored and
   the name decides.
2. Names are compared ignoring case, accents, spaces and punctuation, with
   Greek letters spelt out: ``IL-6``, ``IL6`` and ``il 6`` are the same, and
   so are ``IFN-γ`` and ``IFN-gamma``. Abbreviations and full names are
   listed as synonyms, so ``IL-6`` and ``interleukin 6`` both find IL-6.
3. The whole name, if it is a known name or synonym.
4. Otherwise the part of the name before a comma, a bracket or a
   connecting word (``by``, ``on``, ``at``, ``in``, ``from``, ``during``,
   ``after``, ``before``): its longest run of leading words that is a known
   name or synonym, when every word after that run is a qualifier (see
   below). So ``haemoglobin, venous`` is haemoglobin, ``CRP (high
   sensitivity)`` is CRP, ``blasts by flow cytometry`` is blasts and
   ``troponin I peak`` is troponin I; but words that run on without a comma
   may change what is measured, so ``creatinine clearance``, ``weight loss``
   and ``haemoglobin F`` are not creatinine, weight and haemoglobin. Words
   are separated by spaces and ``, ; : ( ) [ ] { } %``. A hyphen, slash, dot
   or plus joins rather than separates, so a known name is never found
   inside a word: ``Naproxen`` is not sodium (``Na``), ``ALTERNATIVE`` is
   not ALT, ``K-ras`` is not potassium and ``AST/ALT ratio`` is not AST.
5. Otherwise a first word that only says where or when the sample was taken
   (see :data:`QUALIFIERS`: ``serum``, ``blood``, ``arterial``, ``peak``,
   ``maximum``, ``admission``, ...) is set aside and steps 3 and 4 are tried
   on the rest, word by word: ``serum sodium``, ``maximum body temperature``
   and ``arterial blood pressure, systolic`` are found. A name that is itself
   known keeps its first word: ``blood urea nitrogen`` is BUN.

A name that matches nothing is not an analyte caseforge knows, and its value
is not checked.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib.resources import files
from typing import Any, NamedTuple

# What an analyte measures. The unit of a value tells its dimension; the kind
# also says what the dimension cannot: a fraction from a ratio, pH from a
# concentration, a score from a count.
KINDS: dict[str, str] = {
    "mass concentration": "mass per volume: g/L, mg/dL, ng/mL",
    "substance concentration": "amount of substance per volume: mmol/L, umol/L, meq/L",
    "number concentration": "count per volume: 10*9/L, /uL, {copies}/mL",
    "catalytic concentration": "enzyme activity per volume: U/L, ukat/L",
    "arbitrary concentration": "international or arbitrary units per volume: m[IU]/L, U/mL (tumour markers)",
    "fraction": "a part of a whole: %",
    "ratio": "a quotient of two quantities: {INR}, {ratio}, mg/mmol",
    "acidity": "pH: [pH]",
    "osmolality": "osmoles per mass of water: mosm/kg",
    "temperature": "Cel, [degF]",
    "pressure": "mm[Hg], kPa, cm[H2O]",
    "rate": "events per time: /min",
    "volume rate": "volume per time: mL/min, mL/min/{1.73_m2}",
    "mass rate": "mass per time: g/d",
    "velocity": "length per time: mm/h",
    "time": "s, ms, wk",
    "mass": "kg, g, pg",
    "length": "cm, m",
    "area": "m2",
    "volume": "fL, mL",
    "mass per area": "kg/m2",
    "score": "points on a clinical scale: {score}",
    "dimensionless": "a pure number: 1",
}

CATEGORIES: tuple[str, ...] = (
    "blood count",
    "chemistry",
    "liver",
    "kidney",
    "coagulation",
    "inflammation",
    "cytokines",
    "tumour markers",
    "blood gas",
    "lipids and glycaemia",
    "cardiac",
    "endocrine",
    "vital signs",
    "body measures",
    "other",
)

# First words that say where or when a sample was taken, not what was measured.
QUALIFIERS: frozenset[str] = frozenset(
    {
        "serum", "plasma", "blood", "whole", "peripheral", "arterial", "venous", "capillary",
        "fasting", "random", "admission", "baseline", "initial", "preoperative", "postoperative", "repeat",
        "peak", "maximum", "max", "minimum", "min", "nadir", "highest", "lowest",
    }
)

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_QUALIFYING = re.compile(r"[,;(\[]|\s(?:by|on|at|in|from|during|after|before)\s", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s,;:()\[\]{}%]+")
_SPELLED_OUT = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa", "λ": "lambda", "æ": "ae", "œ": "oe", "ß": "ss"}


class Plausible(NamedTuple):
    """The physiologically possible range of an analyte, in ``unit``."""

    low: float
    high: float
    unit: str


class Analyte(NamedTuple):
    """One test or measure of the table (named tuples: quicker to create at
    import than dataclasses, and this module loads on every run)."""

    id: str
    name: str
    synonyms: tuple[str, ...]
    category: str
    kind: str
    units: tuple[str, ...]
    plausible: Plausible
    loinc: str | None = None
    molar_mass: float | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The name and every synonym."""
        return (self.name, *self.synonyms)


class DoseKind(NamedTuple):
    """A kind of quantity a dose can have, with example UCUM units."""

    id: str
    name: str
    units: tuple[str, ...]
    example: str


class _Table(NamedTuple):
    analytes: tuple[Analyte, ...]
    doses: tuple[DoseKind, ...]
    by_key: dict[str, Analyte]
    by_loinc: dict[str, Analyte]


def analytes() -> tuple[Analyte, ...]:
    """Every analyte of the table, in the table's order."""
    return _table().analytes


def dose_kinds() -> tuple[DoseKind, ...]:
    """The kinds of quantity a dose can have (mass, mass per body mass, cells per kg, ...)."""
    return _table().doses


def dose_units() -> tuple[str, ...]:
    """Every example unit of every dose kind, in the table's order."""
    return tuple(unit for kind in dose_kinds() for unit in kind.units)


def find(name: str, code: str | None = None) -> Analyte | None:
    """The analyte a test called ``name`` (with LOINC ``code``, if given) measures, or None.

    The rules are in this module's documentation.
    """
    table = _table()
    if code and code.strip() in table.by_loinc:
        return table.by_loinc[code.strip()]
    whole = _words(name)
    # What follows a comma, a bracket or a word like "by" qualifies the name
    # ("haemoglobin, venous", "CRP (high sensitivity)", "blasts by flow
    # cytometry"); words run on without one may change it ("creatinine
    # clearance", "weight loss") and must match as a whole.
    head = _words(_QUALIFYING.split(name, maxsplit=1)[0])
    for words, leading in ((whole, False), (head, True)):
        while words:
            key = "".join(words)
            found = _leading_match(words, table.by_key) if leading else table.by_key.get(key)
            if found is not None:
                return found
            if words[0] not in QUALIFIERS:
                break
            words = words[1:]
    return None


def _words(text: str) -> list[str]:
    return [key for key in map(normalise, _SEPARATORS.split(text)) if key]


def normalise(text: str) -> str:
    """The form in which names are compared: lower case letters and digits only."""
    if text.isascii():  # the common case, without Unicode decomposition
        return _NOT_ALNUM.sub("", text.lower())
    spelled = "".join(_SPELLED_OUT.get(char, char) for char in text.casefold())
    decomposed = unicodedata.normalize("NFKD", spelled)
    return "".join(char for char in decomposed if char.isascii() and char.isalnum())


def _leading_match(words: list[str], by_key: dict[str, Analyte]) -> Analyte | None:
    """The analyte named by the longest run of leading words followed only by
    qualifiers ("troponin I peak"), or None."""
    for end in range(len(words), 0, -1):
        found = by_key.get("".join(words[:end]))
        if found is not None and all(word in QUALIFIERS for word in words[end:]):
            return found
    return None


@cache
def _table() -> _Table:
    raw = json.loads(files("caseforge").joinpath("data", "analytes.json").read_text("utf-8"))
    entries = tuple(_analyte(entry) for entry in raw["analytes"])
    doses = tuple(DoseKind(entry["id"], entry["name"], tuple(entry["units"]), entry["example"]) for entry in raw["doses"])
    by_key = {normalise(name): analyte for analyte in entries for name in analyte.names}
    by_loinc = {analyte.loinc: analyte for analyte in entries if analyte.loinc}
    return _Table(entries, doses, by_key, by_loinc)


def _analyte(entry: dict[str, Any]) -> Analyte:
    plausible = entry["plausible"]
    return Analyte(
        id=entry["id"],
        name=entry["name"],
        synonyms=tuple(entry["synonyms"]),
        category=entry["category"],
        kind=entry["kind"],
        units=tuple(entry["units"]),
        plausible=Plausible(float(plausible["low"]), float(plausible["high"]), plausible["unit"]),
        loinc=entry.get("loinc"),
        molar_mass=entry.get("molar_mass"),
    )
