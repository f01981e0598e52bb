"""Project configuration: which profile, how strict, which codes matter where.

Settings live in ``caseforge.toml``, keys at the top level::

    profile = "care-2016"      # the checklist cases are judged against
    strict = true              # CARE warnings become errors

    [severity]                 # a code's level: "error", "warning", "info" or "off"
    CF406 = "error"
    CF409 = "off"

    [per-file-ignores]         # glob (from this file's folder) = codes not reported there
    "cases/legacy/**" = ["CF406", "CF409"]
    "**/draft-*.yaml" = ["CF501"]

or in ``pyproject.toml``, the same keys under ``[tool.caseforge]``::

    [tool.caseforge]
    profile = "scare-2023"

    [tool.caseforge.severity]
    CF406 = "error"

    [tool.caseforge.per-file-ignores]
    "*.yaml" = ["CF501"]

The file is looked for in the starting folder and then in each folder above
it, up to the root of the file system; the first ``caseforge.toml``, or
``pyproject.toml`` with a ``[tool.caseforge]`` table, is used (a
``pyproject.toml`` without one is passed over, and ``caseforge.toml`` wins
over ``pyproject.toml`` in the same folder), as ruff and mypy do.

Globs are matched against the case's path relative to the configuration
file's folder, written with ``/``: ``*`` and ``?`` stay within one folder,
``[abc]`` is one of the characters, and ``**`` as a whole part of the path
stands for any number of folders, none included. So ``*.yaml`` matches only
cases in that folder itself, ``cases/legacy/**`` everything below
``cases/legacy``, and ``**/draft-*.yaml`` a draft in any folder.

Codes may be written in either case (``cf406`` is CF406), as ``caseforge
explain`` and suppression comments accept them. The codes of the first
hundreds, CF0xx to CF2xx, cannot be given a level or ignored: a file that
cannot be read, a mistake in this configuration, a case that is not readable
YAML or whose structure is wrong each mean that nothing after them was
checked, and silencing one would report success. The CF0xx codes about the
report itself (too many problems, suppression comments) are held to the
same rule, so that a setting never hides how much was checked.

Every mistake in the file (TOML syntax, an unknown key, a value of the wrong
kind, an unknown profile, code or level, a code that cannot be configured)
is a CF003 diagnostic placed at its line and column, never a traceback:
:func:`load` raises :class:`ConfigError` carrying all of them.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from caseforge.codes import CODES
from caseforge.diagnostics import Category, Diagnostic, Severity, make
from caseforge.suggest import closest

CONFIG_FILE = "caseforge.toml"
PYPROJECT = "pyproject.toml"
KEYS = ("profile", "strict", "severity", "per-file-ignores")
LEVELS = ("error", "warning", "info", "off")
# Codes no setting may drop or change: the files family (CF0xx: a file that
# cannot be read, a configuration with a mistake, the report's own notes), and
# reading and schema (CF1xx, CF2xx: the case's structure is wrong, so nothing
# after them was checked). Letting a setting hide one would report success.
UNTOUCHABLE = frozenset(code for code in CODES if code[:3] in ("CF0", "CF1", "CF2")) - {"CF002", "CF004"}


def _default_profile() -> str:
    # Imported here so that reading the settings does not load the CARE package.
    from caseforge.care.profiles import DEFAULT

    return DEFAULT


@dataclass(frozen=True)
class Settings:
    """The project's settings; the defaults are those of a project without a file."""

    profile: str = field(default_factory=_default_profile)
    strict: bool = False
    # A code's level as configured; None means "off".
    severity: dict[str, Severity | None] = field(default_factory=dict)
    ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    # The configuration file's folder, which the globs are relative to.
    root: Path | None = None
    path: Path | None = None


class ConfigError(Exception):
    """The configuration file has mistakes, each a located CF003 diagnostic."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(item.message for item in diagnostics))
        self.diagnostics = diagnostics


def find(start: Path) -> Path | None:
    """The configuration file for ``start``: in it or the nearest folder above."""
    folder = Path(os.path.abspath(start))
    if folder.is_file():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _configures_caseforge(pyproject):
            return pyproject
    return None


def load(start: Path | None = None) -> Settings:
    """The settings for ``start`` (by default the current folder).

    Without a configuration file these are the defaults; a file with
    mistakes raises :class:`ConfigError`.
    """
    path = find(Path.cwd() if start is None else start)
    return Settings() if path is None else read(path)


def read(path: Path) -> Settings:
    """The settings in one configuration file (``caseforge.toml`` or ``pyproject.toml``)."""
    shown = _shown(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        message = f"The configuration file cannot be read: {error.strerror or error}."
        raise ConfigError([make("CF003", shown, message, hint="Check the file's permissions.")]) from None
    try:
        # Some Windows editors start UTF-8 files with a byte-order mark; it is harmless.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        message = "The configuration file is not UTF-8 text."
        hint = "Save it as UTF-8 (in most editors: File, Save with encoding, UTF-8)."
        raise ConfigError([make("CF003", shown, message, hint=hint, line=line, column=1)]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([_syntax_error(shown, text, error)]) from None
    table: tuple[str, ...] = ("tool", "caseforge") if path.name == PYPROJECT else ()
    checker = _Checker(text, shown, table)
    settings = checker.settings(_table_at(data, table), path)
    if checker.problems:
        raise ConfigError(checker.problems)
    return settings


def adjust(settings: Settings, path: str, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics of one case file as the settings want them reported.

    ``path`` is the file as given on the command line; the globs of
    ``per-file-ignores`` see it relative to the configuration's folder. A
    code ignored for the file, or set to "off", is dropped; a code with a
    level of its own gets it; with ``strict``, a CARE warning becomes an
    error unless its code has a level of its own.

    The codes in :data:`UNTOUCHABLE` (CF0xx to CF2xx but the report's notes
    CF002, too many problems, and CF004, an unused suppression: a file that cannot be
    read, a mistake in the configuration, a case that is not readable YAML
    or has the wrong structure) are never dropped or changed: each means
    that nothing after it was checked, and silencing it would report success.
    """
    ignored = _ignored(settings, path)
    kept: list[Diagnostic] = []
    for diagnostic in diagnostics:
        code = diagnostic.code
        if code not in UNTOUCHABLE:
            if code in ignored:
                continue
            if code in settings.severity:
                level = settings.severity[code]
                if level is None:
                    continue
                diagnostic = replace(diagnostic, severity=level)
            elif settings.strict and diagnostic.category is Category.CARE and diagnostic.severity is Severity.WARNING:
                diagnostic = replace(diagnostic, severity=Severity.ERROR)
        kept.append(diagnostic)
    return kept


# --- Finding and reading ---------------------------------------------------

# `[tool.caseforge]` or `[tool.caseforge.severity]` at the start of a line.
_OUR_HEADER = re.compile(r"^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*caseforge[ \t]*[\].]", re.MULTILINE)


def _configures_caseforge(pyproject: Path) -> bool:
    try:
        text = pyproject.read_bytes().decode("utf-8-sig", "replace")
    except OSError:
        return False
    try:
        tool = tomllib.loads(text).get("tool")
    except tomllib.TOMLDecodeError:
        # A broken pyproject.toml that visibly configures caseforge is ours, so
        # that its mistake is reported instead of the settings being dropped.
        return _OUR_HEADER.search(text) is not None
    return isinstance(tool, dict) and "caseforge" in tool


def _table_at(data: dict[str, Any], keys: tuple[str, ...]) -> object:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key, {})
    return data


def _shown(path: Path) -> str:
    """The path as the author knows it: relative to the current folder if inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# tomllib ends each message with the position: "(at line 3, column 10)".
_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")
_SYNTAX_HINTS = {
    "Invalid value": 'Text needs quotes (profile = "care-2016"); true and false are written in lower case, without quotes.',
    "Cannot overwrite": "A setting is written twice: keep one of them.",
    "Cannot declare": "A table is written twice: keep one [name] line and put its settings under it.",
    "Unterminated string": "A quote is opened and not closed.",
    "Illegal character '\\n'": "A quote is opened and not closed on its line.",
    "Unclosed": "A bracket or brace is opened and not closed.",
}


def _syntax_error(file: str, text: str, error: tomllib.TOMLDecodeError) -> Diagnostic:
    message = str(error)
    position = _POSITION.search(message)
    if position and position.group(1):
        line, column = int(position.group(1)), int(position.group(2))
    else:
        # At the end of the document: point just after the last thing written.
        lines = text.rstrip().split("\n")
        line, column = len(lines), len(lines[-1]) + 1
    reason = message[: position.start()] if position else message
    hint = next((hint for start, hint in _SYNTAX_HINTS.items() if reason.startswith(start)), None)
    if hint is None:
        hint = "Each setting is written key = value on a line of its own, and each table as [name]."
    return make("CF003", file, f"The configuration is not valid TOML: {reason[:1].lower()}{reason[1:]}.", hint=hint, line=line, column=column)


# --- Checking the settings --------------------------------------------------


class _Checker:
    """Checks the settings table, placing each mistake at its key in the text."""

    def __init__(self, text: str, file: str, table: tuple[str, ...]) -> None:
        # tomllib counts lines at "\n" only, so the text is split the same way.
        self.lines = text.split("\n")
        self.file = file
        self.table = table
        self.problems: list[Diagnostic] = []

    def problem(self, keys: tuple[str, ...], message: str, hint: str, value: str | None = None) -> None:
        where = self.table + keys
        line, column = _locate(self.lines, where, value)
        pointer = "".join("/" + key.replace("~", "~0").replace("/", "~1") for key in where)
        self.problems.append(make("CF003", self.file, message, hint=hint, pointer=pointer, line=line, column=column))

    def settings(self, data: object, path: Path) -> Settings:
        if not isinstance(data, dict):
            self.problem((), f"`[tool.caseforge]` must be a table of settings, not {_written(data)}.", "Write the settings under a line [tool.caseforge].")
            data = {}
        for key in data:
            if key not in KEYS:
                self.problem((key,), f"`{key}` is not a setting caseforge knows.", _did_you_mean(key, KEYS, "The settings are " + ", ".join(KEYS) + "."))
        return Settings(
            profile=self.profile(data.get("profile")),
            strict=self.strict(data.get("strict", False)),
            severity=self.severity(data.get("severity", {})),
            ignores=self.ignores(data.get("per-file-ignores", {})),
            root=path.parent,
            path=path,
        )

    def profile(self, value: object) -> str:
        from caseforge.care.profiles import DEFAULT, NAMES

        if value is None:
            return DEFAULT
        listing = "The profiles are " + ", ".join(f'"{name}"' for name in NAMES) + "; `caseforge profiles` describes them."
        if not isinstance(value, str):
            self.problem(("profile",), f"`profile` must be one of the profiles caseforge knows, not {_written(value)}.", listing)
            return DEFAULT
        if value not in NAMES:
            guess = closest(value, NAMES)
            message = f"There is no profile {_written(value)}" + (f'; did you mean "{guess}"?' if guess else ".")
            # Placed at the value, where the correction is typed.
            self.problem(("profile",), message, listing, value)
            return DEFAULT
        return value

    def strict(self, value: object) -> bool:
        if not isinstance(value, bool):
            self.problem(("strict",), f"`strict` must be true or false, not {_written(value)}.", "Write strict = true or strict = false, without quotes.")
            return False
        return value

    def severity(self, value: object) -> dict[str, Severity | None]:
        if not isinstance(value, dict):
            self.problem(("severity",), f"`severity` must be a table of codes and levels, not {_written(value)}.", 'Write a line [severity], then one line a code, such as CF406 = "error".')
            return {}
        levels: dict[str, Severity | None] = {}
        written: dict[str, str] = {}
        for typed, level in value.items():
            keys = ("severity", typed)
            code = self.known_code(keys, typed)
            if code is None:
                continue
            if code in written:
                # TOML sees `cf406` and `CF406` as two keys; they are one code.
                self.problem(keys, f"`{typed}` is the same code as `{written[code]}`, set above.", f"Keep one of the two lines for {code}.")
                continue
            written[code] = typed
            if not isinstance(level, str) or level not in LEVELS:
                listing = f'Write the level in quotes, such as {typed} = "error".'
                hint = _did_you_mean(level, LEVELS, listing, quote='"') if isinstance(level, str) else listing
                self.problem(keys, f'`{typed}` must be "error", "warning", "info" or "off", not {_written(level)}.', hint)
                continue
            levels[code] = None if level == "off" else Severity(level)
        return levels

    def ignores(self, value: object) -> tuple[tuple[str, frozenset[str]], ...]:
        if not isinstance(value, dict):
            message = f"`per-file-ignores` must be a table of file patterns and codes, not {_written(value)}."
            self.problem(("per-file-ignores",), message, 'Write a line [per-file-ignores], then one line a pattern, such as "cases/legacy/**" = ["CF406"].')
            return ()
        found: list[tuple[str, frozenset[str]]] = []
        for pattern, codes in value.items():
            keys = ("per-file-ignores", pattern)
            if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
                self.problem(keys, f'`"{pattern}"` in `per-file-ignores` must be a list of codes, not {_written(codes)}.', f'Put the codes in quotes and brackets: "{pattern}" = ["CF406"].')
                continue
            known = (self.known_code(keys, code, in_value=True) for code in codes)
            found.append((pattern, frozenset(code for code in known if code is not None)))
        return tuple(found)

    def known_code(self, keys: tuple[str, ...], typed: str, in_value: bool = False) -> str | None:
        """The code ``typed`` names, in capitals, if it may be configured;
        if not, None, and the problem is reported."""
        value = typed if in_value else None
        # Written in either case, as `caseforge explain` and suppressions take it.
        code = typed.strip().upper()
        if code in UNTOUCHABLE:
            self.problem(keys, f"`{typed}` cannot be switched off or changed: {_why_untouchable(code)}.", f"Remove {typed} from here.", value)
            return None
        if code not in CODES:
            named = [entry.code for entry in CODES.values() if entry.name == typed.strip().lower()]
            if named:
                hint = f"`{typed}` is the name of {named[0]}: write the code, {named[0]}."
            else:
                hint = _did_you_mean(code, CODES, "Codes are CF and three digits, as caseforge's reports show them, such as CF406.")
            self.problem(keys, f"`{typed}` is not a caseforge code.", hint, value)
            return None
        return code


def _why_untouchable(code: str) -> str:
    """Why a code of :data:`UNTOUCHABLE` cannot be configured, for the message."""
    if code == "CF001":
        return "a file that cannot be read means nothing was checked"
    if code == "CF003":
        return "a mistake in the configuration means nothing was checked"
    if code.startswith("CF0"):
        return "it is about the report itself (how much was checked, the file's suppression comments), which a setting must not hide"
    if code.startswith("CF1"):
        return "a case that cannot be read as YAML is not checked any further, so hiding it would report success"
    return "a case whose structure is wrong is not checked any further, so hiding it would report success"


def _did_you_mean(typed: str, known: Iterable[str], otherwise: str, quote: str = "`") -> str:
    guess = closest(typed, known)
    return f"Did you mean {quote}{guess}{quote}?" if guess is not None else otherwise


def _written(value: object) -> str:
    """A value as it is written in TOML, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return str(value)


# --- Placing a key in the text ----------------------------------------------

# A key is bare (letters, digits, `-`, `_`) or quoted; a dotted key joins several.
_PART = r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+'
_DOTTED = rf"(?:{_PART})(?:[ \t]*\.[ \t]*(?:{_PART}))*"
_TABLE = re.compile(rf"[ \t]*\[[ \t]*({_DOTTED})[ \t]*\]")
_ARRAY_OF_TABLES = re.compile(r"[ \t]*\[\[")
_KEY = re.compile(rf"[ \t]*({_DOTTED})[ \t]*=")


def _key_path(dotted: str) -> tuple[str, ...]:
    return tuple(_unquoted(part) for part in re.findall(_PART, dotted))


def _unquoted(part: str) -> str:
    if part[0] not in "\"'":
        return part
    try:
        # TOML's escapes are not quite JSON's or Python's: let tomllib read them.
        return str(tomllib.loads(f"k = {part}")["k"])
    except tomllib.TOMLDecodeError:
        return part[1:-1]


def _locate(lines: list[str], wanted: tuple[str, ...], value: str | None = None) -> tuple[int, int]:
    """Line and column (1-based) of the key at ``wanted``, or of ``value`` in its value.

    Good enough rather than a parser: the first line, after the header of the
    table it is in, whose key matches; a key inside an inline table is found
    by its text in that line; failing both, the nearest enclosing table or key.
    """
    nearest = (0, 1, 1)
    table: tuple[str, ...] | None = ()
    for number, line in enumerate(lines, 1):
        if _ARRAY_OF_TABLES.match(line):
            table = None  # settings are never in an array of tables
            continue
        header = _TABLE.match(line)
        key = None if header or table is None else _KEY.match(line)
        if header:
            table = path = _key_path(header.group(1))
            column = header.start(1) + 1
        elif table is not None and key:
            path, column = table + _key_path(key.group(1)), key.start(1) + 1
        else:
            continue
        if wanted[: len(path)] != path:
            continue
        if key and path != wanted:
            # An inline table: `severity = {CF406 = "off"}`.
            last = re.escape(wanted[-1])
            inline = re.compile(rf"""(?<![\w-])(?:"{last}"|'{last}'|{last})[ \t]*=""").search(line, key.end())
            if inline:
                path, column = wanted, inline.start() + 1
        if path == wanted:
            if value is not None:
                return _value_at(lines, number, column, value) or (number, column)
            return number, column
        if len(path) > nearest[0]:
            nearest = (len(path), number, column)
    return nearest[1], nearest[2]


def _value_at(lines: list[str], line: int, column: int, value: str) -> tuple[int, int] | None:
    """Where the string ``value`` is written in the value of the key at ``line``, ``column``."""
    literal = re.compile(rf"""(["']){re.escape(value)}\1""")
    for number in range(line, len(lines) + 1):
        text = lines[number - 1]
        if number > line and (_TABLE.match(text) or _KEY.match(text)):
            break  # the next key: the value was not found in this one
        found = literal.search(text, column - 1 if number == line else 0)
        if found:
            return number, found.start() + 1
    return None


# --- Applying the settings --------------------------------------------------


def _ignored(settings: Settings, path: str) -> frozenset[str]:
    relative = _relative(settings.root, path) if settings.ignores else None
    if relative is None:
        return frozenset()
    return frozenset().union(*(codes for glob, codes in settings.ignores if _glob(glob).fullmatch(relative)))


def _relative(root: Path | None, path: str) -> str | None:
    """``path`` as the globs see it: relative to ``root``, written with ``/``."""
    if root is None:
        return None
    # As spelled first; then through symbolic links, for a project reached by one.
    for absolute in (os.path.abspath, os.path.realpath):
        try:
            return Path(absolute(path)).relative_to(absolute(root)).as_posix()
        except ValueError:
            continue
    return None


@cache
def _glob(pattern: str) -> re.Pattern[str]:
    """A regular expression for a glob, as ruff's per-file-ignores read it.

    ``*`` and ``?`` do not cross ``/``; ``**`` as a whole part of the path is
    any number of folders (``**/`` none or more, a final ``/**`` everything
    below); ``[...]`` is a class (``[!...]`` its complement).
    """
    pattern = pattern.removeprefix("./")
    out: list[str] = []
    i, end = 0, len(pattern)
    while i < end:
        char = pattern[i]
        whole = (i == 0 or pattern[i - 1] == "/") and pattern.startswith("**", i) and (i + 2 == end or pattern[i + 2] == "/")
        if whole:
            out.append(".*" if i + 2 == end else "(?:[^/]*/)*")
            i += 3
        elif char == "*":
            out.append("[^/]*")
            while i < end and pattern[i] == "*":
                i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[" and (close := _class_end(pattern, i)) > 0:
            # Escaped so that the class means only its characters to `re`.
            body = re.sub(r"([\\\[\]^&~|])", r"\\\1", pattern[i + 1 : close])
            out.append("[^/" + body[1:] + "]" if body.startswith("!") else "[" + body + "]")
            i = close + 1
        else:
            out.append(re.escape(char))
            i += 1
    return re.compile("".join(out))


def _class_end(pattern: str, start: int) -> int:
    """The index of the `]` closing the class opened at ``start``, or -1."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "!":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1  # a `]` first in the class is the character itself
    return pattern.find("]", i)
