"""The UCUM engine: parse, validate, compare and convert unit codes.

Codes are read with ucumvert's UCUM grammar (``ucum_grammar.lark``) by lark's
LALR parser, and evaluated against the UCUM definitions file that ucumvert
ships (``vendor/ucum-essence.xml``, UCUM 2.2). The definitions are read from
that file at run time and never copied into this code: the UCUM licence lets
us use the file unchanged, not derived copies of its tables.

Why it is built this way:

- Start-up. Cases are validated on every commit. ``import ucumvert`` would
  import pint (about 160 ms), so that package is never imported: its folder is
  found with ``importlib.util.find_spec`` and the two files are read from
  there. Importing this module costs next to nothing; the first parse loads
  lark, the parser and the definitions, from a per-user cache after the first
  run.
- Lexing. In the grammar a prefix and a unit atom are separate terminals that
  overlap (``m`` is milli and metre, ``mm`` is both), which only a
  backtracking parser can sort out, at a millisecond a code. Here the code is
  cut into symbols at the operators; a symbol is an atom of the definitions or
  else a prefix and a metric atom (the grammar's atom lists are generated from
  the same file), and the LALR parser checks the structure with the grammar's
  rules and its annotation, exponent and factor terminals.
- Exactness. Factors are fractions (the definitions give pi to 64 digits), so
  a conversion between ratio units is exact until the final float.
"""

from __future__ import annotations

import math
import os
import pickle
import re
import sys
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, NamedTuple, NoReturn

if TYPE_CHECKING:  # imported when first needed: they cost milliseconds at start-up
    from fractions import Fraction
    from xml.etree import ElementTree

    from lark import Lark, Token, Tree
    from lark.parsers.lalr_interactive_parser import InteractiveParser

# Bump when what is cached changes (the tables' shape, or how they are read
# from the definitions), so that caches written before are not read.
_CACHE_FORMAT = 2
# UCUM sets no bound, but no real unit needs more; a bound keeps a stray
# `10*99999999` from computing an enormous exact power.
_MAX_EXPONENT = 99
# Real codes are a few dozen characters; evaluation recurses once per operator
# or parenthesis, so a pasted paragraph must not reach Python's recursion limit.
_MAX_LENGTH = 200

# A symbol runs up to the next operator, parenthesis, brace, sign or digit;
# square brackets enclose anything but brackets (`[m/s2/Hz^(1/2)]`, `B[10.nV]`).
# Leading digits belong to it only when a symbol character follows: `10*` is
# an atom and `12h` a mistake for `12.h`, while `12` alone is a factor.
_SYMBOL = re.compile(r"[0-9]*(?:\[[^\[\]]*\]|[^.\/(){}\[\]+\-0-9])+")

# What the terminals of ucumvert's grammar are called.
_PREFIX_SHORT, _PREFIX_LONG = "PREFIX_SHORT", "PREFIX_LONG"
_METRIC, _NON_METRIC = "UNIT_METRIC", "UNIT_NON_METRIC"
_FACTOR, _EXPONENT, _ANNOTATION = "FACTOR", "EXPONENT", "ANNOTATION"
_OPERATOR, _DIVIDE, _OPEN, _CLOSE, _END = "OPERATOR", "DIVIDE", "LPAR", "RPAR", "$END"

# The functions of the special units, by the name the definitions give them:
# (value on the special scale -> value in the ratio unit, and back). The ratio
# unit is the function's `value` times its `Unit` in the definitions file.
_FUNCTIONS: dict[str, tuple[Callable[[float], float], Callable[[float], float]]] = {
    "Cel": (lambda x: x + 273.15, lambda r: r - 273.15),  # 0 Cel is 273.15 K
    "degF": (lambda x: x + 459.67, lambda r: r - 459.67),  # in rankine, 5/9 K
    "degRe": (lambda x: x + 218.52, lambda r: r - 218.52),  # in 5/4 K: 273.15 K
    "pH": (lambda x: 10**-x, lambda r: -math.log10(r)),
    "ln": (math.exp, math.log),
    "lg": (lambda x: 10**x, math.log10),
    "lgTimes2": (lambda x: 10 ** (x / 2), lambda r: 2 * math.log10(r)),  # field levels
    "ld": (lambda x: 2**x, math.log2),
    "tanTimes100": (lambda x: math.atan(x / 100), lambda r: 100 * math.tan(r)),  # in rad
    "100tan": (lambda x: math.degrees(math.atan(x / 100)), lambda r: 100 * math.tan(math.radians(r))),  # in deg
    "hpX": (lambda x: 10**-x, lambda r: -math.log10(r)),  # homeopathic dilutions
    "hpC": (lambda x: 100**-x, lambda r: -math.log(r, 100)),
    "hpM": (lambda x: 1000**-x, lambda r: -math.log(r, 1000)),
    "hpQ": (lambda x: 50000**-x, lambda r: -math.log(r, 50000)),
    "sqrt": (lambda x: x * x, math.sqrt),
}


class UcumError(ValueError):
    """A code that is not valid UCUM, or two units that do not convert.

    ``message`` is plain English for a clinician; ``position`` is the 0-based
    index in the code where the problem is, or None when it is the whole.
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


# Units are remembered across runs in a pickle: a change to this class needs
# a new _CACHE_FORMAT, or old files would be read into the new shape.
@dataclass(frozen=True)
class Unit:
    """A valid UCUM code and what it means.

    ``factor`` is the unit's magnitude in UCUM's base units (m, s, g, rad, K,
    C, cd, whose exponents ``dimension`` gives); for a special unit (one on a
    scale with an offset or a logarithm, like ``Cel`` or ``[pH]``) it is the
    magnitude of the ratio unit under it, ``special`` is the special atom,
    ``special_scale`` the prefix written on it (``dB`` is 1/10 of ``B``) and
    ``special_function`` the name of its function in the definitions.
    ``arbitrary`` names the arbitrary units in it (``[IU]``), which convert to
    nothing but themselves; they are given as the definitions define them, so
    ``[IU]`` (defined as ``[iU]``) gives ``{"[iU]"}``.
    """

    code: str
    factor: float
    dimension: tuple[int, ...]
    special: str | None
    arbitrary: frozenset[str]
    exact_factor: Fraction
    arbitrary_exponents: tuple[tuple[str, int], ...]
    special_scale: Fraction
    special_function: str | None = None

    def is_dimensionless(self) -> bool:
        """True for pure numbers (`1`, `%`, `10*3`), not for arbitrary units."""
        return not any(self.dimension) and not self.arbitrary


@cache
def parse(code: str) -> Unit:
    """The unit a case-sensitive UCUM code stands for; raises UcumError if invalid.

    Results are remembered across runs (see :func:`_remembered`): a case's
    units rarely change between two commits, and a remembered code needs no
    parser at all, where loading the parser costs some 30 ms.
    """
    known = _remembered()
    if code in known:
        return known[code]
    # Only valid codes are remembered: the probes that build suggestions and
    # messages would otherwise fill the cache with codes nobody wrote.
    unit = _parse_fresh(code)
    _remember(code, unit)
    return unit


def _parse_fresh(code: str) -> Unit:
    term = _term(code)
    try:
        float(term.factor)
    except OverflowError:
        raise UcumError(f"`{code}` is too large a unit to compute with.") from None
    special = term.special
    return Unit(
        code=code,
        factor=float(term.factor),
        dimension=term.dimension,
        special=None if special is None else special.code,
        arbitrary=frozenset(name for name, _ in term.arbitrary),
        exact_factor=term.factor,
        arbitrary_exponents=term.arbitrary,
        special_scale=_number("1") if special is None else special.scale,
        special_function=None if special is None else str(_engine().tables.atoms[special.code].function),
    )


# At most this many codes are remembered: a group's cases use a few hundred,
# and a flood of odd codes must not make every later run slower to start.
_REMEMBER_AT_MOST = 1000


@cache
def _remembered() -> dict[str, Unit]:
    """The codes parsed in earlier runs, read from the per-user cache."""
    path = _results_path()
    if path is None:
        return {}
    try:
        with path.open("rb") as file:
            known = pickle.load(file)
    # Missing, half-written or from another version: start afresh.
    except Exception:
        return {}
    if not isinstance(known, dict) or not all(isinstance(unit, Unit) for unit in known.values()):
        return {}
    return known


def _remember(code: str, result: Unit) -> None:
    """Add a result to the per-user cache, written whole or not at all."""
    known = _remembered()
    path = _results_path()
    if path is None or len(known) >= _REMEMBER_AT_MOST:
        return
    known[code] = result
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as file:
            pickle.dump(known, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
    except OSError:  # a read-only home only means parsing again next time
        with suppress(OSError):
            partial.unlink()


@cache
def _results_path() -> Path | None:
    """The cache file of parsed codes, named for what the results depend on:
    the cache format, caseforge's version and the definitions file."""
    folder = _cache_folder()
    if folder is None:
        return None
    try:
        definitions = (_ucumvert_folder() / "vendor" / "ucum-essence.xml").stat()
    except (OSError, ModuleNotFoundError):
        return None
    from caseforge import __version__

    python = f"{sys.version_info[0]}{sys.version_info[1]}"
    engine = os.stat(__file__)  # a changed engine must not read old results
    key = f"{_CACHE_FORMAT}-{__version__}-{definitions.st_size}-{definitions.st_mtime_ns}-{engine.st_size}-{engine.st_mtime_ns}-{python}"
    return folder / f"units-{key}.pickle"


def is_valid(code: str) -> bool:
    """Whether ``code`` is a valid case-sensitive UCUM code."""
    try:
        parse(code)
    except UcumError:
        return False
    return True


def commensurable(a: str, b: str) -> bool:
    """Whether values in ``a`` can be converted to ``b`` (raises UcumError if either is invalid).

    That needs the same dimension and, for arbitrary units, the same ones to
    the same powers: `[IU]/L` never converts to `mmol/L`.
    """
    return _same_kind(parse(a), parse(b))


def convert(value: float, source: str, target: str) -> float:
    """``value`` in ``source`` expressed in ``target``.

    Between ratio units the factors are exact; a special unit goes through
    its function (39 Cel is 102.2 [degF]). Raises UcumError for an invalid
    code, for units that measure different things, and for a value with no
    counterpart (a pH of zero concentration).
    """
    src, dst = parse(source), parse(target)
    if not _same_kind(src, dst):
        raise UcumError(
            f"`{source}` cannot be converted to `{target}`: they measure different things "
            f"(`{source}` is {canonical(source)[1]}, `{target}` is {canonical(target)[1]} in base units)."
        )
    if src.special is None and dst.special is None:
        return _exactly(value, src.exact_factor / dst.exact_factor)
    if src.special == dst.special:  # only the prefixes differ: 20 dB is 2 B
        return _exactly(value, src.special_scale / dst.special_scale)
    try:
        return _from_base(_to_base(value, src), dst)
    except (ValueError, OverflowError, ZeroDivisionError):
        raise UcumError(f"{value} `{source}` has no value in `{target}`.") from None


def canonical(code: str) -> tuple[float, str]:
    """The factor and the base units of a code: `N` is (1000.0, "m.s-2.g").

    Base units come in the order m, s, g, rad, K, C, cd, then arbitrary units;
    a pure number is "1". For a special unit this describes its ratio unit
    (`Cel` gives (1.0, "K")): use :func:`convert` for its values.
    """
    unit = parse(code)
    names = _engine().tables.base_codes
    powers = [*zip(names, unit.dimension, strict=True), *unit.arbitrary_exponents]
    text = ".".join(name if power == 1 else f"{name}{power}" for name, power in powers if power)
    return unit.factor, text or "1"


# ---------------------------------------------------------------------------
# Values


def _same_kind(a: Unit, b: Unit) -> bool:
    return a.dimension == b.dimension and a.arbitrary_exponents == b.arbitrary_exponents


def _exactly(value: float, ratio: Fraction) -> float:
    """``value * ratio`` rounded once, at the end."""
    if not math.isfinite(value):
        return value * float(ratio)
    try:
        return float(_number(value) * ratio)
    except OverflowError:
        raise UcumError(f"{value} is too large to convert.") from None


def _to_base(value: float, unit: Unit) -> float:
    """The magnitude, in base units, of ``value`` in ``unit``."""
    if unit.special is None:
        return value * unit.factor
    forward, _ = _FUNCTIONS[str(unit.special_function)]
    return forward(value * float(unit.special_scale)) * unit.factor


def _from_base(magnitude: float, unit: Unit) -> float:
    """The value in ``unit`` of a magnitude in base units."""
    if unit.special is None:
        return magnitude / unit.factor
    _, backward = _FUNCTIONS[str(unit.special_function)]
    return backward(magnitude / unit.factor) / float(unit.special_scale)


# ---------------------------------------------------------------------------
# Terms: what a piece of a code means while it is evaluated
#
# The classes of the engine are named tuples: a dataclass costs about a
# millisecond to create at import, a named tuple a tenth of that.


class _Special(NamedTuple):
    """A special unit standing alone, and where it was written."""

    code: str
    scale: Fraction
    position: int | None


class _Term(NamedTuple):
    """The meaning of (part of) a code; ``special`` only while a special unit stands alone."""

    factor: Fraction
    dimension: tuple[int, ...]
    arbitrary: tuple[tuple[str, int], ...] = ()
    special: _Special | None = None

    def times(self, other: _Term) -> _Term:
        _refuse_special(self, other)
        powers = dict(self.arbitrary)
        for code, power in other.arbitrary:
            powers[code] = powers.get(code, 0) + power
        return _Term(
            self.factor * other.factor,
            tuple(a + b for a, b in zip(self.dimension, other.dimension, strict=True)),
            tuple(sorted((code, power) for code, power in powers.items() if power)),
        )

    def power(self, exponent: int) -> _Term:
        if exponent == 1:
            return self
        _refuse_special(self)
        return _Term(
            self.factor**exponent,
            tuple(a * exponent for a in self.dimension),
            tuple((code, power * exponent) for code, power in self.arbitrary),
        )


def _refuse_special(*terms: _Term) -> None:
    """A value on an offset or logarithmic scale has no product, quotient or power."""
    for term in terms:
        if term.special is not None:
            raise UcumError(_special_message(term), term.special.position)


def _special_message(term: _Term) -> str:
    assert term.special is not None
    tables = _engine().tables
    code = term.special.code
    message = (
        f"`{code}` ({tables.atoms[code].name}) is a special unit, on a scale with an offset "
        "or a logarithm: it must stand alone, not be multiplied, divided or raised to a power."
    )
    if term.dimension == tables.unit_vector("K"):
        message += " For a change of temperature use K (a rise per hour is `K/h`)."
    return message


# ---------------------------------------------------------------------------
# The definitions file


class _Atom(NamedTuple):
    """One unit of the definitions file, as written there."""

    code: str
    name: str
    metric: bool
    arbitrary: bool
    base: bool
    value: str  # for a special unit, of its ratio unit
    unit: str  # the code the atom is defined in
    function: str | None  # a special unit's


class _Tables(NamedTuple):
    """What the evaluation needs from the definitions file."""

    prefixes: dict[str, str]  # code -> value, longest codes first
    atoms: dict[str, _Atom]
    base_codes: tuple[str, ...]  # the order of a dimension's exponents

    def unit_vector(self, base: str | None) -> tuple[int, ...]:
        """The dimension of a base unit, or of a pure number for None."""
        return tuple(int(code == base) for code in self.base_codes)


def _read_tables(xml: bytes) -> _Tables:
    from xml.etree import ElementTree

    root = ElementTree.fromstring(xml)  # the file ships with ucumvert: no untrusted XML
    prefixes = {element.get("Code", ""): _find(element, "value").get("value", "") for element in root.iterfind("{*}prefix")}
    atoms = {}
    bases = []
    for element in root.iterfind("{*}base-unit"):
        code = element.get("Code", "")
        atoms[code] = _Atom(code, element.findtext("{*}name", ""), True, False, True, "1", "1", None)
        bases.append(code)
    for element in root.iterfind("{*}unit"):
        value = _find(element, "value")
        function = value.find("{*}function")
        source = value if function is None else function
        code = element.get("Code", "")
        atoms[code] = _Atom(
            code,
            element.findtext("{*}name", ""),
            element.get("isMetric") == "yes",
            element.get("isArbitrary") == "yes",
            False,
            source.get("value", ""),
            source.get("Unit", ""),
            None if function is None else function.get("name"),
        )
    return _Tables(dict(sorted(prefixes.items(), key=lambda item: -len(item[0]))), atoms, tuple(bases))


def _find(element: ElementTree.Element, tag: str) -> ElementTree.Element:
    found = element.find("{*}" + tag)
    if found is None:
        raise ValueError(f"the UCUM definitions have a {element.tag} without {tag}")
    return found


# ---------------------------------------------------------------------------
# Loading: lark, the grammar and the definitions, through a per-user cache


class _Engine(NamedTuple):
    parser: Lark
    tables: _Tables
    annotation: re.Pattern[str]
    exponent: re.Pattern[str]
    factor: re.Pattern[str]


@cache
def _engine() -> _Engine:
    """Everything the first parse needs, loaded once per process."""
    folder = _ucumvert_folder()
    grammar = (folder / "ucum_grammar.lark").read_bytes()
    xml = (folder / "vendor" / "ucum-essence.xml").read_bytes()
    path = _cache_path(grammar, xml)
    loaded = _load_cache(path) if path else None
    if loaded is None:
        from lark import Lark

        parser = Lark(grammar.decode("utf-8"), start="main_term", parser="lalr", lexer="basic")
        loaded = _read_tables(xml), parser
        if path:
            _save_cache(path, *loaded)
    tables, parser = loaded
    terminals = {terminal.name: terminal.pattern for terminal in parser.terminals}
    annotation, exponent, factor = (
        re.compile(terminals[name].to_regexp()) for name in (_ANNOTATION, _EXPONENT, _FACTOR)
    )
    return _Engine(parser, tables, annotation, exponent, factor)


def _ucumvert_folder() -> Path:
    """ucumvert's folder, found without running its ``__init__`` (which imports pint)."""
    spec = find_spec("ucumvert")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("caseforge needs the ucumvert package for UCUM: pip install 'ucumvert>=0.3.2,<0.4'")
    return Path(spec.submodule_search_locations[0])


def _cache_path(grammar: bytes, xml: bytes) -> Path | None:
    """Where the built parser and the read definitions are kept, keyed by what they depend on."""
    import hashlib

    import lark

    folder = _cache_folder()
    if folder is None:
        return None
    key = hashlib.sha256()
    versions = repr((lark.__version__, sys.version_info[:2], _CACHE_FORMAT)).encode()
    for part in (grammar, xml, versions):
        key.update(hashlib.sha256(part).digest())
    return folder / f"ucum-{key.hexdigest()[:24]}.pickle"


def _cache_folder() -> Path | None:
    """The per-user cache folder of the platform, or None without a home."""
    try:
        if sys.platform == "win32":
            base = os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local"
        elif sys.platform == "darwin":
            base = Path.home() / "Library" / "Caches"
        else:
            # The XDG rule: a relative XDG_CACHE_HOME is ignored.
            configured = os.environ.get("XDG_CACHE_HOME", "")
            base = configured if os.path.isabs(configured) else Path.home() / ".cache"
    except RuntimeError:
        return None
    return Path(base) / "caseforge"


def _load_cache(path: Path) -> tuple[_Tables, Lark] | None:
    import pickle

    from lark import Lark

    try:
        with path.open("rb") as file:
            tables = pickle.load(file)
            parser = Lark.load(file)
    # Missing, half-written by a crash or from an older caseforge: any failure
    # to read it only means building again.
    except Exception:
        return None
    return (tables, parser) if isinstance(tables, _Tables) else None


def _save_cache(path: Path, tables: _Tables, parser: Lark) -> None:
    """Write the cache whole or not at all: validation runs in parallel processes."""
    import pickle

    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as file:
            pickle.dump(tables, file, protocol=pickle.HIGHEST_PROTOCOL)
            parser.save(file)
        os.replace(partial, path)
    except OSError:  # a read-only home costs the next run the build, nothing more
        with suppress(OSError):
            partial.unlink()


# ---------------------------------------------------------------------------
# Parsing


@cache
def _term(code: str) -> _Term:
    """What a code means; also used for the codes that define atoms."""
    if not code:
        raise UcumError("The unit is empty; a number without a unit is `1`.")
    if len(code) > _MAX_LENGTH:
        raise UcumError(f"A unit of {len(code)} characters is not a unit code; UCUM codes are short (`mg/dL`).")
    for index, char in enumerate(code):
        if not "!" <= char <= "~":
            raise UcumError(_character_message(char), index)
    engine = _engine()
    return _evaluate(_tree(code, engine), engine.tables)


def _character_message(char: str) -> str:
    if char.isspace():
        return "A UCUM code has no spaces."
    if char in "µμ":
        return f"`{char}` is not allowed: UCUM codes are plain ASCII, and micro is `u` (`ug`, `umol/L`)."
    return f"`{char}` is not allowed: UCUM codes use only plain ASCII letters, digits and symbols."


def _tree(code: str, engine: _Engine) -> Tree[Token]:
    """The grammar's parse tree of a code, fed token by token as the parser expects them."""
    parser = engine.parser.parse_interactive("")
    for token in _tokens(code, engine, parser.choices):
        _feed(parser, token, code)
    tree: Tree[Token] = _feed(parser, _token(_END, "", len(code)), code)
    return tree


def _feed(parser: InteractiveParser, token: Token, code: str) -> Any:
    """Feed one token; fed the end, the parser gives back the tree."""
    from lark.exceptions import UnexpectedToken

    try:
        return parser.feed_token(token)
    except UnexpectedToken as error:
        raise UcumError(*_unexpected(code, token, set(error.expected))) from None


def _tokens(code: str, engine: _Engine, choices: Callable[[], dict[str, Any]]) -> Iterator[Token]:
    """The grammar's tokens for a code; ``choices`` gives what the parser accepts next."""
    position = 0
    while position < len(code):
        tokens = _next_tokens(code, position, engine, choices())
        yield from tokens
        position += sum(map(len, tokens))


def _next_tokens(code: str, position: int, engine: _Engine, expected: dict[str, Any]) -> list[Token]:
    """The token (or prefix and atom) at ``position``.

    What the parser expects next tells a leading `/` (DIVIDE in the grammar)
    from one between terms (OPERATOR), and an exponent from a factor.
    """
    char = code[position]
    if char in "./()":
        kind = {".": _OPERATOR, "/": _DIVIDE if _DIVIDE in expected else _OPERATOR, "(": _OPEN, ")": _CLOSE}[char]
        return [_token(kind, char, position)]
    if char == "{":
        problem = "An annotation `{...}` must be closed by `}` and cannot hold braces."
        return [_matched(engine.annotation, _ANNOTATION, code, position, problem)]
    if (char.isdigit() or char in "+-") and _EXPONENT in expected:
        problem = "An exponent is a whole number other than 0, like `m2` or `s-1`."
        return [_matched(engine.exponent, _EXPONENT, code, position, problem)]
    symbol = _SYMBOL.match(code, position)
    if symbol:
        return _atom_tokens(symbol.group(), position, engine.tables)
    if char.isdigit():
        problem = "A number in a unit is a whole number that does not start with 0."
        return [_matched(engine.factor, _FACTOR, code, position, problem)]
    if char in "+-":
        _failed(f"`{char}` can only start an exponent, right after a unit (`m-1`).", position)
    if char == "[":
        _failed("`[` is not closed by `]`.", position)
    _failed(f"`{char}` cannot come here.", position)


def _matched(pattern: re.Pattern[str], kind: str, code: str, position: int, problem: str) -> Token:
    match = pattern.match(code, position)
    if match is None:
        _failed(problem, position)
    return _token(kind, match.group(), position)


def _failed(message: str, position: int) -> NoReturn:
    raise UcumError(message, position)


def _token(kind: str, text: str, position: int) -> Token:
    from lark import Token

    return Token(kind, text, start_pos=position, end_pos=position + len(text))


def _atom_tokens(symbol: str, position: int, tables: _Tables) -> list[Token]:
    """A symbol as one atom, or as a prefix and a metric atom."""
    atom = tables.atoms.get(symbol)
    if atom is not None:
        return [_token(_METRIC if atom.metric else _NON_METRIC, symbol, position)]
    for prefix in tables.prefixes:
        atom = tables.atoms.get(symbol[len(prefix) :]) if symbol.startswith(prefix) else None
        if atom is None:
            continue
        if not atom.metric:
            _failed(f"`{atom.code}` ({atom.name}) cannot take a prefix: it is not a metric unit.", position)
        kind = _PREFIX_LONG if len(prefix) > 1 else _PREFIX_SHORT
        return [_token(kind, prefix, position), _token(_METRIC, atom.code, position + len(prefix))]
    raise UcumError(_unknown_message(symbol, tables), position)


def _unknown_message(symbol: str, tables: _Tables) -> str:
    number = re.match(r"[0-9]+", symbol)
    if number and is_valid(symbol[number.end() :]):
        written = f"{number.group()}.{symbol[number.end() :]}"
        return f"`{symbol}` is not a unit: a number and a unit are joined by `.` (write `{written}`)."
    if _differs_in_case_only(symbol, tables):
        return f"`{symbol}` is not a UCUM unit (UCUM codes are case-sensitive)."
    return f"`{symbol}` is not a UCUM unit."


def _differs_in_case_only(symbol: str, tables: _Tables) -> bool:
    """Whether another case would make a unit of it (`KG` for `kg`), to say so."""
    folded = symbol.casefold()
    metric = [code for code, atom in tables.atoms.items() if atom.metric]
    written = [*tables.atoms, *(prefix + code for prefix in tables.prefixes for code in metric)]
    return any(code.casefold() == folded for code in written)


def _unexpected(code: str, token: Token, expected: set[str]) -> tuple[str, int | None]:
    """Plain English, and where, for a token the grammar does not allow where it is."""
    if token.type == _END and _CLOSE in expected:
        return "A `(` is not closed by `)`.", None
    if token.type == _END:
        return f"The code ends too early: `{code[-1]}` must be followed by a unit.", len(code) - 1
    if token.type == _CLOSE and _OPERATOR in expected:
        return "A `)` has no `(` to close.", token.start_pos
    if _OPERATOR in expected:
        joined = f"`{token}` must be joined to what comes before it by `.` (times) or `/` (divided by)."
        return joined, token.start_pos
    return f"A unit is missing before `{token}`.", token.start_pos


# ---------------------------------------------------------------------------
# Evaluating a parse tree


def _evaluate(node: Tree[Token] | Token, tables: _Tables) -> _Term:
    """The meaning of a node of the grammar's tree; annotations mean nothing."""
    if isinstance(node, str):  # a token: an annotation standing alone is the unit 1
        return _Term(_number("1"), tables.unit_vector(None))
    children: list[Any] = node.children  # their kinds are the grammar's rule's
    if node.data == "simple_unit":
        return _simple_unit(children, tables)
    if node.data == "main_term" and len(children) == 2:  # "/" term
        return _evaluate(children[1], tables).power(-1)
    if node.data == "term":
        left, operator, right = children
        divisor = _evaluate(right, tables)
        return _evaluate(left, tables).times(divisor.power(-1) if operator == "/" else divisor)
    if node.data == "annotatable":  # simple_unit EXPONENT
        base, exponent = children
        if len(base.children) == 1 and base.children[0].type == _FACTOR:
            raise UcumError("A number cannot take an exponent; a power of ten is `10*3`.", exponent.start_pos)
        if abs(int(exponent)) > _MAX_EXPONENT:
            raise UcumError(f"An exponent of {int(exponent)} is beyond any real unit.", exponent.start_pos)
        return _evaluate(base, tables).power(int(exponent))
    return _evaluate(children[0], tables)  # main_term, or a component with its annotation


def _simple_unit(children: list[Token], tables: _Tables) -> _Term:
    *prefix, atom = children
    if atom.type == _FACTOR:
        return _Term(_number(atom), tables.unit_vector(None))
    code = str(atom)
    term = _atom_term(code, tables)
    scale = _number(tables.prefixes[prefix[0]]) if prefix else _number("1")
    if tables.atoms[code].function is not None:
        special = _Special(code, scale, children[0].start_pos)
        return _Term(term.factor, term.dimension, term.arbitrary, special)
    return _Term(term.factor * scale, term.dimension, term.arbitrary)


def _atom_term(code: str, tables: _Tables) -> _Term:
    """An atom from its definition; for a special unit, its ratio unit."""
    atom = tables.atoms[code]
    if atom.base:
        return _Term(_number("1"), tables.unit_vector(code))
    definition = _term(atom.unit)
    term = _Term(definition.factor * _number(atom.value), definition.dimension, definition.arbitrary)
    if atom.arbitrary and not term.arbitrary:  # an arbitrary unit of its own
        return _Term(term.factor, term.dimension, ((code, 1),))
    return term


def _number(number: str | float) -> Fraction:
    """A number exactly: from the definitions (`6.02214076`, `1e-24`), a code or a float."""
    from fractions import Fraction

    return Fraction(number)
