"""The strict reader: YAML text in, plain data and a map of positions out.

A case file is read the way an author's editor reads it (YAML 1.2 core
schema: ``2021-09-29`` and ``no`` stay text, only ``true``/``false`` are
booleans) and with no silent surprises: duplicate keys, several documents,
foreign tags, alias bombs, oversized files and bytes that are not UTF-8 are
all reported with a line and column instead of being resolved quietly.

The position map records, for every JSON pointer into the data, where its
value starts and (for mapping members) where its key starts, so that every
later stage can point an author at the exact place in the file.
"""

from __future__ import annotations

import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from caseforge.diagnostics import Diagnostic, make

# A case report is a few dozen kilobytes; a file 50 times that is a mistake
# (a pasted data dump) or an attack, and reading it would slow every commit.
MAX_BYTES = 1024 * 1024
# Anchors and aliases are legitimate YAML but rare in case files; bounding
# their expansion stops "billion laughs" files before they cost anything.
MAX_ALIAS_USES = 100
MAX_NODES = 200_000
MAX_DEPTH = 64

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_SCALAR_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL}

Position = tuple[int, int]


@dataclass(frozen=True)
class Document:
    """A case file read into plain data, with where each part was written.

    Positions are looked up in the composed YAML nodes only when asked for:
    most files have nothing to report, and a map built up front would cost
    more than the rest of validation.
    """

    path: str
    data: Any
    root: yaml.Node
    # The text as read: suppression comments are found in it.
    text: str = field(default="", repr=False, compare=False)

    def position(self, pointer: str) -> Position:
        """Line and column (1-based) where the value at ``pointer`` starts.

        A pointer that is not in the file (a missing member) falls back to
        its nearest ancestor that is.
        """
        return _mark(self._find(pointer)[0].start_mark)

    def key_position(self, pointer: str) -> Position:
        """Where the key naming ``pointer`` starts, or its value for list items."""
        value, key, found = self._find(pointer)
        return _mark((key if found and key else value).start_mark)

    def _find(self, pointer: str) -> tuple[yaml.Node, yaml.Node | None, bool]:
        """The node at ``pointer`` (or its nearest ancestor), the key node that
        names it, and whether the whole pointer was found."""
        node: yaml.Node = self.root
        key: yaml.Node | None = None
        for token in pointer.split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, yaml.MappingNode):
                member = next((pair for pair in node.value if pair[0].value == token), None)
                if member is None:
                    return node, key, False
                key, node = member
            elif isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
                key, node = None, node.value[int(token)]
            else:
                return node, key, False
        return node, key, True


def _mark(mark: yaml.Mark) -> Position:
    return mark.line + 1, mark.column + 1


def escape_pointer_token(token: str) -> str:
    """Escape one JSON pointer reference token (RFC 6901)."""
    if "~" not in token and "/" not in token:
        return token
    return token.replace("~", "~0").replace("/", "~1")


_BOOL_TEXT = re.compile(r"true|True|TRUE|false|False|FALSE")
_NULL_TEXT = re.compile(r"~|null|Null|NULL|")
_INT_TEXT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
# .inf and .nan are core-schema floats, but no clinical value is infinite or
# not a number; left as text they meet the schema's "must be a number".
_FLOAT_TEXT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_NUMBER_START = frozenset("-+.0123456789")


def _plain_scalar_tag(text: str) -> str:
    """The YAML 1.2 core schema's tag for an unquoted scalar."""
    first = text[:1]
    if first in _NUMBER_START and first:
        if _INT_TEXT.fullmatch(text):
            return _INT
        if _FLOAT_TEXT.fullmatch(text):
            return _FLOAT
    elif first in "tTfF" and _BOOL_TEXT.fullmatch(text):
        return _BOOL
    elif first in "~nN" and _NULL_TEXT.fullmatch(text):
        return _NULL
    return _STR


class _CoreResolver:
    """Implicit typing by the YAML 1.2 core schema, as editors apply it.

    The composer calls these for every node, so they do the least they can:
    PyYAML's general resolver (path resolvers, a regex list per first
    character) took a third of the reading time.
    """

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return _plain_scalar_tag(value) if implicit[0] else _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

try:
    from yaml.cyaml import CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    CParser = None

if CParser is not None:

    class _Parser(CParser, _CoreResolver):  # type: ignore[misc]
        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)

else:  # pragma: no cover - PyYAML built without libyaml

    class _Parser(  # type: ignore[no-redef]
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        yaml.composer.Composer,
        _CoreResolver,
    ):
        def __init__(self, text: str) -> None:
            yaml.reader.Reader.__init__(self, text)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)


def load(path: str | Path) -> tuple[Document | None, list[Diagnostic]]:
    """Read a case file; the document is None when it could not be read."""
    name = str(path)
    try:
        # A pipe or a device would block the read, or never end: only files are cases.
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            return None, [make("CF001", name, f"`{name}` is not a file but a pipe, socket or device.", hint="Give the case file itself.")]
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        return None, [make("CF001", name, f"`{name}` is a folder, not a case file.")]
    except FileNotFoundError:
        return None, [make("CF001", name, f"There is no file `{name}`.")]
    except OSError as error:
        return None, [make("CF001", name, f"`{name}` cannot be read: {error.strerror}.")]
    return loads(raw, name)


def loads(raw: bytes | str, path: str = "<text>") -> tuple[Document | None, list[Diagnostic]]:
    """Read case text (bytes as stored on disk, or already decoded)."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            size = f"{MAX_BYTES / 1024 / 1024:g} MiB"
            return None, [make("CF102", path, f"The file is larger than {size}, far more than a case report needs.")]
        text, problem = _decode(raw, path)
        if problem:
            return None, [problem]
    else:
        text = raw
    if not text.strip():
        return None, [make("CF103", path, "The file is empty.")]
    separator = _LINE_SEPARATORS.search(text)
    if separator:
        line, column = _line_column(text, separator.start())
        return None, [make("CF104", path, f"The file contains the invisible line separator U+{ord(separator.group()):04X}, which YAML reads as a line break.", hint="Text pasted from a PDF or a word processor often carries it: delete it and type a space or a new line instead.", line=line, column=column)]
    too_deep = _too_deep(text)
    if too_deep is not None:
        return None, [make("CF104", path, f"The file nests lists or mappings more than {_CRASH_GUARD_DEPTH} levels deep.", hint="Check the brackets `[` and `{` (each needs its closing `]` or `}`) and the indentation.", line=too_deep[0], column=too_deep[1])]
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as error:
        return None, [_syntax_diagnostic(error, text, path)]
    except yaml.reader.ReaderError as error:
        # libyaml reports a byte offset; find the character itself instead.
        line, column = _line_column(text, max(0, text.find(chr(error.character))))
        return None, [make("CF104", path, f"The file contains the control character U+{error.character:04X}, which YAML does not allow.", hint="Delete the invisible character and retype the text around it.", line=line, column=column)]
    except yaml.YAMLError as error:  # errors without a position (rare)
        return None, [make("CF104", path, f"The YAML cannot be read: {error}.")]
    if node is None:
        return None, [make("CF103", path, "The file has only comments; a case needs at least a title.")]
    builder = _Builder(path)
    data = builder.build(node)
    if builder.problems:
        return None, builder.problems
    if data is None:
        return None, [make("CF103", path, "The file holds an empty document; a case needs at least a title.")]
    return Document(path, data, node, text), []


def _looks_like_utf16(raw: bytes) -> bool:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = raw[:4096]
    # Text in UTF-16 without a byte-order mark has a NUL in every other byte.
    return len(head) >= 4 and max(head[0::2].count(0), head[1::2].count(0)) * 2 >= len(head) // 2


def _decode(raw: bytes, path: str) -> tuple[str, Diagnostic | None]:
    if _looks_like_utf16(raw):
        return "", make("CF101", path, "The file is saved as UTF-16.", line=1, column=1)
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        start = error.start
        line = raw.count(b"\n", 0, start) + 1
        line_start = raw.rfind(b"\n", 0, start) + 1
        column = len(raw[line_start:start].decode("utf-8", "replace")) + 1
        byte = raw[start : start + 1].hex()
        return "", make(
            "CF101",
            path,
            f"The byte 0x{byte} is not UTF-8 text.",
            line=line,
            column=column,
        )


# YAML 1.1 readers (libyaml among them) break lines at these; editors do not,
# so an author would see one line where the reader sees two.
_LINE_SEPARATORS = re.compile("[\u0085\u2028\u2029]")
_BRACKETS = re.compile(r"[\[\]{}]")
_BLOCK_PREFIX = re.compile(r"^[ \t]*(?:[-?:][ \t]+)*(?=\S)", re.MULTILINE)
# libyaml's composer recurses once per level and overflows the C stack (a
# crash, not an exception) at some tens of thousands of levels, so deep
# nesting is refused before composing. Block nesting needs at least one
# column of indentation or indicator per two levels, and flow nesting a
# bracket per level; counting brackets without regard to quotes over-counts
# only text with unbalanced brackets, far below this bound.
_CRASH_GUARD_DEPTH = 1000


def _too_deep(text: str) -> Position | None:
    """Where nesting may pass the guard depth, if it may."""
    block = max((len(match.group()) for match in _BLOCK_PREFIX.finditer(text)), default=0)
    depth = 2 * block
    if depth > _CRASH_GUARD_DEPTH:
        deepest = max(_BLOCK_PREFIX.finditer(text), key=lambda match: len(match.group()))
        return _line_column(text, deepest.start())
    for match in _BRACKETS.finditer(text):
        depth = depth + 1 if match.group() in "[{" else max(2 * block, depth - 1)
        if depth > _CRASH_GUARD_DEPTH:
            return _line_column(text, match.start())
    return None


def _line_column(text: str, index: int) -> Position:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _compose(text: str) -> yaml.Node | None:
    parser = _Parser(text)
    try:
        return parser.get_single_node()
    finally:
        parser.dispose()


_SYNTAX_HINTS = [
    ("expected a single document", "CF106", "A case file holds one case: remove the `---` (or `...`) line and move the second case to a file of its own."),
    ("mapping values are not allowed", "CF104", "A colon followed by a space starts a new key. If the text itself contains \": \", put the whole value in double quotes."),
    ("could not find expected ':'", "CF104", "Each line of a mapping is `key: value`; a long text can go in quotes, or on the lines after `key: >`."),
    ("while scanning an alias", "CF104", "A value that starts with `*` is read as an alias; put the value in quotes (\"*...\")."),
    ("while scanning an anchor", "CF104", "A value that starts with `&` is read as an anchor; put the value in quotes (\"&...\")."),
    ("found undefined alias", "CF104", "An alias `*name` needs an anchor `&name` earlier in the file; or, if this is text, put it in quotes."),
    ("unknown escape character", "CF104", "Inside double quotes a backslash starts an escape; write `\\\\`, or use single quotes."),
    ("while scanning a quoted scalar", "CF104", "A quotation mark is not closed: add the closing quote."),
    ("that cannot start any token", "CF104", "Values that start with `@`, `` ` ``, `%` or `|`/`>` in odd places must be put in quotes."),
    ("special characters are not allowed", "CF104", "The file contains an invisible control character; delete it and retype the text around it."),
    ("expected ',' or '}'", "CF104", "A `{` is not closed, or two entries inside `{...}` lack a comma between them; if a text inside contains a comma or a colon, put it in quotes."),
    ("expected ',' or ']'", "CF104", "A `[` is not closed, or two entries inside `[...]` lack a comma between them; if a text inside contains a comma, put it in quotes."),
    ("did not find expected key", "CF104", "Check the indentation: keys of the same mapping start in the same column, and list items start with `- `."),
    ("expected <block end>", "CF104", "Check the indentation: keys of the same mapping start in the same column, and list items start with `- `."),
    ("did not find expected '-' indicator", "CF104", "Check the indentation: every item of a list starts with `- ` in the same column."),
]


def _syntax_diagnostic(error: yaml.MarkedYAMLError, text: str, path: str) -> Diagnostic:
    mark = error.problem_mark or error.context_mark
    opened = ("while scanning a quoted scalar", "while parsing a flow mapping", "while parsing a flow sequence")
    if error.context in opened and error.context_mark:
        mark = error.context_mark  # the opening quote or bracket, where the mistake is
    problem = error.problem or error.context or "the YAML is not well formed"
    message = f"YAML syntax: {problem}"
    if error.context and error.problem:
        message += f" ({error.context})"
    code, hint = "CF104", "Check the line above this one too: YAML errors often start there."
    for needle, known_code, known_hint in _SYNTAX_HINTS:
        if needle in message:
            code, hint = known_code, known_hint
            break
    if mark and text[mark.index : mark.index + 1] == "\t":
        message = "YAML syntax: a tab character where YAML needs spaces"
        hint = "Indent with spaces, not tabs (most editors convert tabs to spaces on request)."
    message += "."
    if code == "CF106":
        message = "The file holds more than one YAML document."
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return make(code, path, message, hint=hint, line=line, column=column)


class _Builder:
    """Turns composed nodes into plain data, checking what compose allows."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Diagnostic] = []
        self._seen: set[int] = set()
        self._active: set[int] = set()
        self._alias_uses = 0
        self._collections = 0

    def build(self, node: yaml.Node) -> Any:
        try:
            return self._node(node, 0)
        except _Stop:
            return None

    def _problem(self, code: str, node: yaml.Node, message: str, hint: str | None = None) -> None:
        line, column = _mark(node.start_mark)
        self.problems.append(make(code, self.path, message, hint=hint, line=line, column=column))

    def _node(self, node: yaml.Node, depth: int) -> Any:
        if node.__class__ is yaml.ScalarNode:
            return node.value if node.tag == _STR else self._scalar(node)
        if node.tag not in (_SEQ, _MAP):
            self._foreign_tag(node)
            return None
        self._enter(node, depth)
        try:
            if node.__class__ is yaml.SequenceNode:
                return [self._node(item, depth + 1) for item in node.value]
            return self._mapping(node, depth)
        finally:
            self._active.discard(id(node))

    def _enter(self, node: yaml.Node, depth: int) -> None:
        # Only lists and mappings can multiply through aliases; an aliased
        # scalar costs one value per alias written, bounded by the file size.
        key = id(node)
        if key in self._active:
            self._problem("CF108", node, "An alias refers to the mapping or list that contains it, which never ends.", "Remove the alias (`*name`) and write the content out.")
            raise _Stop
        if key in self._seen:
            self._alias_uses += 1
        self._seen.add(key)
        self._active.add(key)
        self._collections += 1
        if self._alias_uses > MAX_ALIAS_USES or self._collections > MAX_NODES:
            self._problem(
                "CF108",
                node,
                f"Aliases expand to more than the {MAX_ALIAS_USES} uses (or {MAX_NODES:,} lists and mappings) a case file may have.",
                "Write the repeated content out instead of using anchors (`&name`) and aliases (`*name`).",
            )
            raise _Stop
        if depth > MAX_DEPTH:
            self._problem("CF104", node, f"The file nests more than {MAX_DEPTH} levels deep.", "Check the indentation and the brackets: a case needs only a few levels.")
            raise _Stop

    def _mapping(self, node: yaml.MappingNode, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode:
                self._problem("CF109", key_node, "A key must be a plain word, not a list or a mapping.", "Write the key as a single word followed by a colon.")
                continue
            key = key_node.value
            if key_node.tag != _STR:
                self._scalar(key_node)  # a key's tag is checked like a value's
            if key in first_seen:
                earlier = first_seen[key].start_mark.line + 1
                self._problem(
                    "CF105",
                    key_node,
                    f"The key `{key}` appears twice in the same mapping (first on line {earlier}).",
                    f"Keep one `{key}`: merge the two entries, or rename one if they mean different things.",
                )
                continue
            first_seen[key] = key_node
            result[key] = self._node(value_node, depth + 1)
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag not in _SCALAR_TAGS:
            self._foreign_tag(node)
            return text
        if tag == _STR:
            return text
        value = _core_value(tag, text)
        if value is _INVALID:
            short = tag.rsplit(":", 1)[-1]
            self._problem("CF107", node, f"`{text}` does not fit its tag `!!{short}`.", "Remove the tag and write the value plainly.")
            return text
        return value

    def _foreign_tag(self, node: yaml.Node) -> None:
        self._problem(
            "CF107",
            node,
            f"The tag `{_short_tag(node.tag)}` is not allowed in a case file.",
            "Remove the tag: case files hold only text, numbers, true/false, lists and mappings.",
        )


class _Stop(Exception):
    """Raised to abandon a document that is not worth reading further."""


_INVALID = object()


def _core_value(tag: str, text: str) -> Any:
    """The value of a scalar of a core-schema tag, or _INVALID if it does not fit."""
    if tag == _INT and _INT_TEXT.fullmatch(text):
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text)
    if tag == _FLOAT and (_FLOAT_TEXT.fullmatch(text) or _INT_TEXT.fullmatch(text)):
        value = float(text)
        # 1e999 overflows to infinity, which no clinical value is: as text,
        # it meets the schema's "must be a number" at its own line.
        return value if math.isfinite(value) else text
    if tag == _BOOL and _BOOL_TEXT.fullmatch(text):
        return text.lower() == "true"
    if tag == _NULL and _NULL_TEXT.fullmatch(text):
        return None
    return _INVALID


def _short_tag(tag: str) -> str:
    if tag.startswith("tag:yaml.org,2002:"):
        return "!!" + tag[len("tag:yaml.org,2002:") :]
    return tag
