"""Never a traceback: the example cases, mutated the way careless or hostile edits would.

Each mutation swaps a day number, a value, a unit, a date, a duration or an
anchor for an odd one (huge, negative, impossible, beyond the calendar) and
validates the result. Whatever it finds, validation must report it, not raise.
"""

from __future__ import annotations

import random
import re

import pytest

from caseforge.source import loads
from caseforge.care.profiles import NAMES
from caseforge.validate import check_document
from helpers import CASES

UNITS = ["mmHg", "10*400/L", "Cel/h", "[pH]", "g%", "Mg", "kg", "/min", "{cells}/uL", "10^9/L", "mg/24.h", "%", "1", "[IU]", "U", "ml", "a", "[degF]", "m[IU]/L", "µg", "{", "10*99999999"]
MUTATIONS = [
    (r"day: -?\d+", lambda pick: f"day: {pick([0, -1, 99999999999, -99999999999, 365000])}"),
    (r"value: [\d.]+", lambda pick: f"value: {pick([0, -1, 1e308, 1e-300, 123456789, 0.1])}"),
    (r"unit: [^,}\n]+", lambda pick: f'unit: "{pick(UNITS)}"'),
    (r"\b20\d\d-\d\d-\d\d\b", lambda pick: pick(["2021-02-30", "0001-01-01", "9999-12-31", "2021-13-01", "--02-29", "2021"])),
    (r"P\d+[DWMY]", lambda pick: pick(["P0D", "P99999Y", "P1.5M", "PT36H", "P9999Y"])),
    (r"of: [a-z0-9-]+", lambda pick: pick(["of: car-t-2", "of: arrival", "of: haplo-hsct", "of: fever", "of: nowhere"])),
    # A whole section of the case removed (the completeness check then has gaps to judge).
    (r"(?m)^[a-z_]+:(?:.*\n)(?:[ #-].*\n|\n)*", lambda pick: ""),
]


def mutated(seed: int) -> str:
    rng = random.Random(seed)
    text = rng.choice(sorted(CASES.glob("*.yaml"))).read_text()
    for _ in range(rng.randint(1, 6)):
        pattern, make = rng.choice(MUTATIONS)
        matches = list(re.finditer(pattern, text))
        if matches:
            match = rng.choice(matches)
            text = text[: match.start()] + make(rng.choice) + text[match.end() :]
    return text


@pytest.mark.parametrize("seed", range(150))
def test_a_mutated_case_is_reported_never_raised(seed: int) -> None:
    document, problems = loads(mutated(seed).encode(), "mutated.yaml")
    found = check_document(document, NAMES[seed % len(NAMES)], strict=seed % 2 == 0)[0] if document is not None else problems
    assert all(item.code.startswith("CF") for item in found)
