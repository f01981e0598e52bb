"""The kind of quantity a unit measures, as far as units can tell.

UCUM treats the mole as a number (6.022 × 10²³), so `mmol/L` and `10*9/L`
have the same dimension; clinically one is a substance concentration and
the other a count. A unit's kind is therefore its dimension, plus whether it
counts substance (mol, eq, osm, kat, the enzyme unit U) and which arbitrary
units (`[IU]`) it holds. Two units can stand for the same measurement only if
their kinds are equal, or if a molar mass links mass and substance.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from functools import cache

from caseforge.units.ucum import parse

# Atoms that count amount of substance; `U` is the enzyme unit (umol/min),
# and pH is the logarithm of a molar concentration.
_SUBSTANCE = re.compile(r"(?<![A-Za-z\[])(?:[a-zA-Zµ]?(?:mol|eq|osm|kat)|[a-zA-Z]?U)(?![A-Za-z\]'])|\[pH\]")

# Exponents of UCUM's base units: m, s, g, rad, K, C, cd.
_NAMES = {
    (0, 0, 1, 0, 0, 0, 0): "mass",
    (1, 0, 0, 0, 0, 0, 0): "length",
    (2, 0, 0, 0, 0, 0, 0): "area",
    (3, 0, 0, 0, 0, 0, 0): "volume",
    (0, 1, 0, 0, 0, 0, 0): "time",
    (0, -1, 0, 0, 0, 0, 0): "rate",
    (0, 0, 0, 0, 1, 0, 0): "temperature",
    (-1, -2, 1, 0, 0, 0, 0): "pressure",
    (-3, 0, 1, 0, 0, 0, 0): "mass concentration",
    (1, -1, 0, 0, 0, 0, 0): "velocity",
    (3, -1, 0, 0, 0, 0, 0): "volume rate",
    (0, -1, 1, 0, 0, 0, 0): "mass rate",
    (-2, 0, 1, 0, 0, 0, 0): "mass per area",
    (0, 0, -1, 0, 0, 0, 0): "number per mass",
}


class Kind(NamedTuple):
    dimension: tuple[int, ...]
    substance: bool
    arbitrary: frozenset[str]
    special: str | None = None

    def measures_the_same_as(self, other: Kind) -> bool:
        """Whether values convert: Cel and [degF] do, mmol/L and 10*9/L do not."""
        return (self.dimension, self.substance, self.arbitrary) == (other.dimension, other.substance, other.arbitrary)

    @property
    def name(self) -> str:
        """A name a clinician recognises, for messages."""
        if self.special == "[pH]":
            return "acidity"
        if self.arbitrary:
            return "arbitrary units" if not any(self.dimension) else "arbitrary concentration"
        if self.dimension == (-3, 0, 0, 0, 0, 0, 0):
            return "substance concentration" if self.substance else "number concentration"
        if self.dimension == (-3, -1, 0, 0, 0, 0, 0) and self.substance:
            return "catalytic concentration"
        if not any(self.dimension):
            return "amount of substance" if self.substance else "fraction or ratio"
        return _NAMES.get(self.dimension, "other")


@cache
def kind_of(code: str) -> Kind:
    """The kind of quantity of a valid UCUM code (raises UcumError if invalid)."""
    parsed = parse(code)
    bare = re.sub(r"\{[^}]*\}", "", code)
    return Kind(parsed.dimension, bool(_SUBSTANCE.search(bare)), parsed.arbitrary, parsed.special)
