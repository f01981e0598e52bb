"""The UCUM engine: the UCUM functional test suite, case by case, and clinical codes.

The suite is `tests/data/ucum/UcumFunctionalTests.xml`, an unchanged copy
(its notice and source are in SOURCE.md beside it). Every case of its
validation, conversion, multiplication and division sections runs as a test
of its own. An outcome is written to the precision it claims (6.3 x `4.s/m`
is `25`, 6.30 x `4.s/m` is `25.2`), so a result must agree with it to the
expected value's number of significant digits: exactly, from the engine's
exact factors, and to at most 15 digits from the float that ``convert``
returns. The display-name section is not run: conformance does not need
it, and caseforge shows units to clinicians its own way.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Context, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from caseforge.units import ucum
from caseforge.units.ucum import UcumError, canonical, commensurable, convert, is_valid, parse

SUITE = ElementTree.parse(Path(__file__).parent / "data" / "ucum" / "UcumFunctionalTests.xml").getroot()
FLOAT_DIGITS = 15  # what a double holds for certain


def cases(section: str, label: str) -> list[Any]:
    """The cases of one section of the suite, each a test named by its id and codes."""
    section_element = SUITE.find(section)
    assert section_element is not None, section
    return [
        pytest.param(dict(case.attrib), id=f"{case.get('id')} {label.format_map(case.attrib)}")
        for case in section_element.iterfind("case")
    ]


def significant_digits(number: str) -> int:
    """How many digits a number is written with: `0.160` has 3, `1e-7` has 1."""
    mantissa = re.split("[eE]", number)[0].lstrip("+-").replace(".", "")
    return len(mantissa.lstrip("0"))


def rounded(value: Fraction, digits: int) -> Decimal:
    """``value`` to ``digits`` significant digits (half to even, as written outcomes are)."""
    return Context(prec=digits).divide(Decimal(value.numerator), Decimal(value.denominator))


def assert_agrees(exact: Fraction, result: float, expected: str) -> None:
    """The exact value to the expected precision, and the float to as much of it as a float holds."""
    digits = significant_digits(expected)
    assert rounded(exact, digits) == Decimal(expected)
    shown = min(digits, FLOAT_DIGITS)
    assert rounded(Fraction(result), shown) == rounded(Fraction(expected), shown)


# ---------------------------------------------------------------------------
# The UCUM functional test suite


def test_the_suite_has_the_cases_its_source_describes() -> None:
    sections = ("validation", "conversion", "multiplication", "division")
    counts = {section: len(SUITE.findall(f"{section}/case")) for section in sections}
    assert counts == {"validation": 529, "conversion": 30, "multiplication": 2, "division": 3}
    valid = [case.get("valid") for case in SUITE.iterfind("validation/case")]
    assert (valid.count("true"), valid.count("false")) == (490, 39)


@pytest.mark.parametrize("case", cases("validation", "{unit}"))
def test_validation(case: dict[str, str]) -> None:
    assert is_valid(case["unit"]) is (case["valid"] == "true"), case.get("reason")


@pytest.mark.parametrize("case", cases("conversion", "{srcUnit} to {dstUnit}"))
def test_conversion(case: dict[str, str]) -> None:
    source, target = parse(case["srcUnit"]), parse(case["dstUnit"])
    exact = Fraction(case["value"]) * source.exact_factor / target.exact_factor
    result = convert(float(case["value"]), case["srcUnit"], case["dstUnit"])
    assert_agrees(exact, result, case["outcome"])


def check_product(case: dict[str, str], operator: str) -> None:
    """v1 u1 (times or divided by) v2 u2 is canonically vRes uRes (an empty uRes is unity)."""
    product = f"({case['u1']}){operator}({case['u2']})"
    expected = case["uRes"] or "1"
    assert canonical(product)[1] == canonical(expected)[1]
    v1, v2 = Fraction(case["v1"]), Fraction(case["v2"])
    value = v1 * v2 if operator == "." else v1 / v2
    exact = value * parse(product).exact_factor / parse(expected).exact_factor
    assert_agrees(exact, float(value) * convert(1, product, expected), case["vRes"])


@pytest.mark.parametrize("case", cases("multiplication", "{u1} times {u2}"))
def test_multiplication(case: dict[str, str]) -> None:
    check_product(case, ".")


@pytest.mark.parametrize("case", cases("division", "{u1} by {u2}"))
def test_division(case: dict[str, str]) -> None:
    check_product(case, "/")


# ---------------------------------------------------------------------------
# Clinical codes


def test_mercury_pressure_to_kilopascal() -> None:
    assert convert(35, "mm[Hg]", "kPa") == pytest.approx(4.66627)


def test_fever_in_fahrenheit_and_back() -> None:
    assert convert(39, "Cel", "[degF]") == pytest.approx(102.2)
    assert convert(102.2, "[degF]", "Cel") == pytest.approx(39)
    assert convert(39, "Cel", "K") == pytest.approx(312.15)
    assert convert(212, "[degF]", "Cel") == pytest.approx(100)


def test_mass_concentration_is_exact() -> None:
    assert convert(100, "mg/dL", "g/L") == 1.0
    assert convert(1, "g%", "g/L") == 10.0


@pytest.mark.parametrize("code", ["10*9/L", "ug", "MG", "g%", "%", "mm[Hg]", "[IU]/L", "mmol/L", "Cel", "{cells}/uL", "dB"])
def test_valid_clinical_codes(code: str) -> None:
    assert is_valid(code)


@pytest.mark.parametrize("code", ["mmHg", "mcg", "µg", "mg / dL", "iU", "cc", "KG", ""])
def test_invalid_clinical_codes(code: str) -> None:
    assert not is_valid(code)


def test_caret_power_of_ten_is_valid_ucum() -> None:
    # The definitions file defines `10^` as well as `10*` (both "the number ten
    # for arbitrary powers"), so `10^9/L` is valid UCUM and means `10*9/L`.
    assert canonical("10^9/L") == canonical("10*9/L")


def test_megagauss_is_what_MG_means() -> None:
    unit = parse("MG")
    assert unit.factor == 1e5  # 10^6 gauss, a gauss being 10^-4 T = 0.1 g/(s.C)
    assert canonical("MG")[1] == "s-1.g.C-1"


def test_percent_is_a_pure_number() -> None:
    assert parse("%").is_dimensionless()
    assert parse("%").factor == 0.01
    assert parse("mg/g").is_dimensionless()
    assert not parse("[IU]").is_dimensionless()
    assert not parse("mg/dL").is_dimensionless()


def test_arbitrary_units_convert_only_to_themselves() -> None:
    assert not commensurable("[IU]/L", "mmol/L")
    assert not commensurable("[IU]/L", "/L")
    assert not commensurable("[IU]/L", "[arb'U]/L")
    assert not commensurable("[IU]2/L", "[IU]/L")
    assert commensurable("[IU]/L", "m[IU]/mL")
    assert commensurable("[IU]/L", "[iU]/L")  # [IU] is defined as [iU]
    assert convert(5, "m[IU]/mL", "[IU]/L") == 5.0
    assert parse("[IU]/L").arbitrary == frozenset({"[iU]"})
    with pytest.raises(UcumError, match="different things"):
        convert(1, "[IU]/L", "mmol/L")


def test_annotations_carry_no_meaning() -> None:
    assert canonical("{cells}/uL") == canonical("/uL")
    assert canonical("{score}") == (1.0, "1")
    assert parse("10*3{rbc}").factor == 1000


def test_special_unit_in_a_compound_is_explained() -> None:
    with pytest.raises(UcumError) as raised:
        parse("Cel/h")
    assert "`Cel`" in raised.value.message and "special unit" in raised.value.message
    assert "K/h" in raised.value.message
    assert raised.value.position == 0
    for code in ("/Cel", "Cel2", "[degF].m", "2.[pH]"):
        assert not is_valid(code)


def test_prefixed_special_units_scale_their_value() -> None:
    assert convert(20, "dB", "B") == 2.0
    assert convert(39, "Cel", "Cel{rectal}") == 39.0
    assert convert(1, "B", "1") == pytest.approx(10)
    assert convert(60, "dB[SPL]", "Pa") == pytest.approx(0.02)
    assert parse("dB").special == "B"


def test_other_special_functions() -> None:
    assert convert(7.4, "[pH]", "mol/L") == pytest.approx(10**-7.4)
    assert convert(10**-7.4, "mol/L", "[pH]") == pytest.approx(7.4)
    assert convert(100, "%[slope]", "deg") == pytest.approx(45)
    assert convert(100, "[p'diop]", "rad") == pytest.approx(0.785398163)
    assert convert(3, "[hp'_C]", "1") == pytest.approx(1e-6)
    assert convert(1, "Np", "1") == pytest.approx(2.718281828)
    with pytest.raises(UcumError, match="no value"):
        convert(0, "mol/L", "[pH]")


@pytest.mark.parametrize(
    ("code", "position", "words"),
    [
        ("m/", 1, "ends too early"),
        ("g/12h", 2, "write `12.h`"),
        ("k[in_i]", 0, "not a metric unit"),
        ("mg / dL", 2, "no spaces"),
        ("µg", 0, "micro is `u`"),
        ("mmHg", 0, "`mmHg` is not a UCUM unit."),
        ("KG", 0, "case-sensitive"),
        ("m)", 1, "no `(`"),
        ("(m", None, "not closed"),
        ("m.(", 2, "ends too early"),
        ("10+3/ul", 2, "cannot take an exponent"),
        ("m{note", 1, "closed by `}`"),
        ("", None, "empty"),
    ],
)
def test_errors_say_what_and_where(code: str, position: int | None, words: str) -> None:
    with pytest.raises(UcumError) as raised:
        parse(code)
    assert words in raised.value.message
    assert raised.value.position == position


def test_deep_or_long_codes_are_bounded() -> None:
    assert canonical("(" * 99 + "m" + ")" * 99) == (1.0, "m")
    assert canonical("m." * 99 + "m") == (1.0, "m100")
    assert canonical("m/" * 99 + "m") == (1.0, "m-98")
    with pytest.raises(UcumError, match="241 characters"):
        parse("m" + "{note}" * 40)


def test_canonical_forms() -> None:
    assert canonical("N") == (1000.0, "m.s-2.g")
    assert canonical("1000") == (1000.0, "1")
    assert canonical("Cel") == (1.0, "K")
    assert canonical("[IU]/L") == (1000.0, "m-3.[iU]")


# ---------------------------------------------------------------------------
# The definitions, read from ucumvert's unchanged file


def test_every_atom_of_the_definitions_is_defined() -> None:
    tables = ucum._engine().tables
    for code, atom in tables.atoms.items():
        assert parse(code).code == code
        if atom.function:
            assert atom.function in ucum._FUNCTIONS, code
        if atom.metric:
            assert all(is_valid(prefix + code) for prefix in tables.prefixes), code


def test_dimensions_are_in_the_promised_order() -> None:
    assert ucum._engine().tables.base_codes == ("m", "s", "g", "rad", "K", "C", "cd")


def test_special_means_having_a_function() -> None:
    specials = {code for code, atom in ucum._engine().tables.atoms.items() if atom.function}
    assert {"Cel", "[degF]", "[pH]", "B", "B[SPL]", "Np", "%[slope]", "[m/s2/Hz^(1/2)]"} <= specials
    assert all(parse(code).special == code for code in specials)


# ---------------------------------------------------------------------------
# Start-up: nothing is loaded on import, and the built parser is cached per user


def run_python(code: str, cache_home: Path) -> str:
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True)
    return done.stdout.strip()


def test_importing_loads_nothing(tmp_path: Path) -> None:
    heavy = ("lark", "ucumvert", "pint", "fractions", "xml.etree")
    program = f"import sys, caseforge.units.ucum; print([name for name in {heavy!r} if name in sys.modules])"
    assert run_python(program, tmp_path) == "[]"


def test_the_parser_and_the_parsed_codes_are_cached_per_user(tmp_path: Path) -> None:
    program = "from caseforge.units.ucum import convert; print(round(convert(39, 'Cel', '[degF]'), 9))"
    assert run_python(program, tmp_path) == "102.2"
    cached = sorted((tmp_path / "caseforge").iterdir())
    assert [path.name.split("-")[0] for path in cached] == ["ucum", "units"]
    written = [path.stat().st_mtime_ns for path in cached]
    # A second run knows both codes: it needs neither the parser nor pint.
    loaded = "; import sys; print('lark' in sys.modules, 'pint' in sys.modules)"
    assert run_python(program + loaded, tmp_path) == "102.2\nFalse False"
    assert sorted((tmp_path / "caseforge").iterdir()) == cached
    assert [path.stat().st_mtime_ns for path in cached] == written


def test_a_cache_that_cannot_be_written_or_read_costs_only_time(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert run_python("from caseforge.units.ucum import is_valid; print(is_valid('mg/dL'))", blocked) == "True"
    (tmp_path / "caseforge").mkdir()
    program = "from caseforge.units.ucum import is_valid; print(is_valid('mg/dL'))"
    run_python(program, tmp_path)
    cached = list((tmp_path / "caseforge").iterdir())
    assert len(cached) == 2
    for path in cached:
        path.write_bytes(b"garbage")
    assert run_python(program, tmp_path) == "True"
    assert all(path.read_bytes() != b"garbage" for path in cached)
