"""Every diagnostic code is documented, and every code the code raises exists."""

from __future__ import annotations

import re

import pytest

from caseforge.codes import CODES
from caseforge.diagnostics import Category
from helpers import REPO

FAMILY = {
    "0": Category.SYNTAX, "1": Category.SYNTAX, "2": Category.SCHEMA, "3": Category.UNITS,
    "4": Category.DATES, "5": Category.CARE, "6": Category.PRIVACY, "7": Category.REFERENCES,
    "8": Category.CONSISTENCY,
}


@pytest.mark.parametrize("code", sorted(CODES))
def test_code_has_its_documentation(code: str) -> None:
    entry = CODES[code]
    assert re.fullmatch(r"CF\d{3}", entry.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry.name)
    for text in (entry.summary, entry.explanation, entry.fix_hint, entry.example, entry.fixed):
        assert text.strip()
    assert entry.example != entry.fixed
    assert entry.category is FAMILY[code[2]], "the hundreds give the family"


def test_names_are_unique() -> None:
    names = [entry.name for entry in CODES.values()]
    assert len(names) == len(set(names))


def test_every_code_raised_in_the_package_is_registered() -> None:
    raised: set[str] = set()
    for path in (REPO / "caseforge").rglob("*.py"):
        if path.name == "codes.py":
            continue
        raised |= set(re.findall(r'"(CF\d{3})"', path.read_text()))
    assert raised, "the scan should find the codes the package raises"
    assert raised <= set(CODES), raised - set(CODES)


@pytest.mark.parametrize("code", [code for code in sorted(CODES) if code[2] in "12357"])
def test_the_fixed_example_of_a_code_is_valid_yaml(code: str) -> None:
    from caseforge.source import loads

    fixed = CODES[code].fixed
    if fixed.startswith(("#", "(")):  # a comment or a description, not YAML
        return
    document, problems = loads(fixed.encode(), "example.yaml")
    assert problems == [] and document is not None
