"""The reference pages generated from the code's own documentation: the
diagnostic codes (:data:`caseforge.codes.CODES`), the case format (the JSON
Schema's descriptions and examples) and the CARE profiles
(:data:`caseforge.care.profiles.PROFILES`).

Each page is a Markdown string for Python-Markdown with the ``tables``,
``attr_list``, ``toc`` and ``fenced_code`` extensions (what MkDocs Material
uses). Sections that other pages link to carry an explicit id
(``{#cf203}``, ``{#patient}``, ``{#def-quantity}``), so the links do not
depend on how a heading is slugified. Everything taken from the sources
goes through :func:`cell` in a table and into fenced blocks long enough for
their content, so no text of theirs can break the page.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator

import yaml

from caseforge.care.profiles import PROFILES
from caseforge.codes import CODES, Code
from caseforge.diagnostics import Severity
from caseforge.schema import case_schema

_TICKS = re.compile(r"`+")
_CELL_TOKENS = re.compile(r"\\.|`+|\|")


# Markdown building blocks


def cell(text: object) -> str:
    """``text`` as one cell of a Markdown table: one line, and every pipe
    outside a code span escaped. Python-Markdown's tables leave pipes inside
    a code span alone (and would show a backslash there), but pair backtick
    runs across the whole row, so a run without its closing run is written
    as an entity that does not count as one."""
    text = " ".join(str(text).split())
    out, position = [], 0
    for token in _CELL_TOKENS.finditer(text):
        if token.start() < position:
            continue  # within a code span already copied
        out.append(text[position : token.start()])
        mark, position = token.group(), token.end()
        if mark == "|":
            out.append("\\|")
        elif mark.startswith("`"):
            closing = next((run for run in _TICKS.finditer(text, position) if len(run.group()) == len(mark)), None)
            out.append("&#96;" * len(mark) if closing is None else text[token.start() : closing.end()])
            position = closing.end() if closing else position
        else:
            out.append(mark)  # an escaped character, kept as written
    out.append(text[position:])
    return "".join(out)


def _table(headers: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """A Markdown table; every cell goes through :func:`cell`."""
    headers = list(headers)
    lines = ["| " + " | ".join(cell(header) for header in headers) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _code(text: str) -> str:
    """``text`` as an inline code span, whatever backticks it holds."""
    ticks = "`" * (max((len(run) for run in _TICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _fence(text: str, language: str) -> str:
    """A fenced code block longer than any run of backticks in ``text``."""
    fence = "`" * max(3, max((len(run) + 1 for run in _TICKS.findall(text)), default=0))
    return f"{fence}{language}\n{text.rstrip()}\n{fence}\n"


def _dump(value: Any, flow: bool | None, width: int) -> str:
    """``value`` in YAML, without the end marker PyYAML puts after a lone plain value."""
    text = yaml.safe_dump(value, sort_keys=False, default_flow_style=flow, allow_unicode=True, width=width)
    return text[: -len("...\n")] if text.endswith("\n...\n") else text


def _yaml(value: Any) -> str:
    """``value`` as a YAML document, written as an author would write it."""
    # A mapping of plain values is written in block style at the top
    # (`title: ...`, not `{title: ...}`); deeper ones in flow style.
    flat = isinstance(value, dict) and not any(isinstance(child, (dict, list)) for child in value.values())
    return _dump(value, False if flat else None, 120)


def _inline_yaml(value: Any) -> str:
    """``value`` in YAML on one line (`'>='`, `{value: 62, unit: a}`)."""
    return _dump(value, True, 1_000_000).strip()


def _values(values: Iterable[Any]) -> str:
    """Allowed values as code, each once (`1` and `"1"` are one value to a reader)."""
    seen: dict[str, Any] = {}
    for value in values:
        seen.setdefault(str(value), value)
    return ", ".join(_code(_inline_yaml(value)) for value in seen.values())


def _page(*blocks: str) -> str:
    return "\n".join(block.rstrip("\n") + "\n" for block in blocks if block)


# Diagnostic codes

_FAMILIES = (
    ("0", "files: reading a case file or the configuration"),
    ("1", "YAML: the syntax of the file"),
    ("2", "schema: the fields of the case format"),
    ("3", "units: UCUM codes and plausible values"),
    ("4", "dates: the calendar and the time course"),
    ("5", "CARE: completeness against the reporting checklist"),
    ("6", "privacy"),
    ("7", "references: ids and what refers to them"),
    ("8", "consistency between the parts of a case"),
)


def codes_page() -> str:
    """The page of every diagnostic code: a table, then a section each
    (anchor: the code in lower case, ``#cf203``)."""
    intro = (
        "# Diagnostic codes\n\n"
        "Every problem caseforge reports carries a code: `CF` and three digits. Codes are "
        "stable: once released, a code keeps its meaning and is never reused, so a code in a "
        "configuration file, a script or an old report always means the same thing. The "
        "hundreds give the family:\n\n"
        + "".join(f"- **CF{digit}xx** {what}{'' if any(code[2] == digit for code in CODES) else ' (no codes yet)'}\n" for digit, what in _FAMILIES)
        + "\nEach code has a severity. An **error** means the case is wrong and will not be "
        "published; a **warning** asks for a look (under `--strict`, a CARE warning is an "
        "error); **info** is a remark. A project can change a code's severity, or switch it "
        "off for some files, in its [configuration](configuration.md).\n\n"
        "`caseforge validate` exits with status 0 when there is no error, 1 when there is at "
        "least one, and 2 for a usage error or a path that cannot be read.\n"
    )
    table = _table(("code", "name", "severity", "summary"), ((f"[{code.code}](#{code.code.lower()})", code.name, code.severity.value, code.summary) for code in CODES.values()))
    return _page(intro, "## All codes {#all-codes}\n", table, *(_code_section(code) for code in CODES.values()))


def _code_section(code: Code) -> str:
    level = {Severity.ERROR: "Error", Severity.WARNING: "Warning", Severity.INFO: "Info"}[code.severity]
    return _page(
        f"## {code.code} {code.name} {{#{code.code.lower()}}}\n",
        f"**{level}** ({code.category.value}). {code.summary}\n",
        code.explanation + "\n",
        f"**How to fix.** {code.fix_hint}\n",
        "**Example**\n",
        _example(code.example),
        "**Fixed**\n",
        _example(code.fixed),
    )


_TOML_LINE = re.compile(r"\[[\w.\"-]+\]|[\w.\"-]+\s*=\s*\S.*")


def _example(text: str) -> str:
    """A code's example: a command line, a configuration (TOML), a
    description in parentheses (a file too large to show), or YAML."""
    if text.startswith("caseforge "):
        return _fence("$ " + text, "console")
    if text.startswith("(") and text.endswith(")") and "\n" not in text:
        return "*" + re.sub(r"([\\`*_\[\]<])", r"\\\1", text[1:-1]) + "*\n"
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and all(_TOML_LINE.fullmatch(line.strip()) for line in lines):
        return _fence(text, "toml")
    return _fence(text, "yaml")


# The case format

_WORDS = {"string": "text", "number": "number", "integer": "whole number", "boolean": "true or false", "object": "mapping", "array": "list", "null": "nothing"}


def _def_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref", "")
    return ref[len("#/$defs/") :] if ref.startswith("#/$defs/") else None


# What a definition is called on the page, where its name is not plain words.
_TITLES = {"ref": "id of another entry", "refs": "ids of other entries", "markdown": "Markdown text", "element": "CARE element", "not_documented": "not reported or not applicable", "time_detail": "time in detail", "follow_up": "follow-up"}


def _title(name: str) -> str:
    return _TITLES.get(name, name.replace("_", " "))


def _def_link(name: str) -> str:
    return f"[{_title(name)}](#def-{name})"


def _capital(text: str) -> str:
    """The first letter of ``text`` (or of its first link's text) in upper case."""
    at = 1 if text.startswith("[") else 0
    return text[:at] + text[at : at + 1].upper() + text[at + 1 :]


def _or(words: list[str]) -> str:
    """`a or b`, `a, b or c`."""
    return " or ".join(words) if len(words) < 3 else ", ".join(words[:-1]) + " or " + words[-1]


def _is_inline_object(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" and "properties" in schema and "$ref" not in schema


def _kind(schema: dict[str, Any], inline: str = "") -> str:
    """The form of a value in words: text, list of [event](#def-event),
    one of: `a`, `b`, either X or Y. ``inline`` is the anchor of the table
    of an object written in place."""
    if (name := _def_name(schema)) is not None:
        return _def_link(name)
    if "const" in schema:
        return f"always {_code(_inline_yaml(schema['const']))}"
    if "enum" in schema:
        return "one of: " + _values(schema["enum"])
    if "oneOf" in schema:
        return "either " + _or([_kind(alternative, inline) for alternative in schema["oneOf"]])
    kind = schema.get("type")
    if kind == "array":
        return "list of " + _kind(schema.get("items", {}), inline)
    if _is_inline_object(schema):
        return f"[entry](#{inline})" if inline else "entry"
    if isinstance(kind, list):
        return " or ".join(_WORDS.get(one, one) for one in kind)
    return _WORDS.get(kind, "any value") if kind else "any value"


def _resolved(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The schema and the definitions its ``$ref``s lead to, outermost first."""
    defs = case_schema()["$defs"]
    seen = 0
    while schema is not None and seen < 8:
        yield schema
        name = _def_name(schema)
        schema = defs.get(name) if name else None
        seen += 1


def _description(schema: dict[str, Any], short: bool = False) -> str:
    """A value's own description, or that of the definition it refers to
    (its first sentence when ``short``, for a row of a table)."""
    for depth, node in enumerate(_resolved(schema)):
        if "description" in node:
            text = node["description"]
            return _first_sentence(text) if short and depth else text
    return ""


_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_LABEL = re.compile(r"CARE \w+\.")


def _first_sentence(text: str) -> str:
    """Up to the first full stop outside a code span, past a label such as "CARE 5c."."""
    for end in _SENTENCE_END.finditer(text):
        sentence = text[: end.end()]
        if sentence.count("`") % 2 == 0 and not _LABEL.fullmatch(sentence):
            return sentence
    return text


def _examples(schema: dict[str, Any]) -> list[Any]:
    return next((node["examples"] for node in _resolved(schema) if "examples" in node), [])


def _object_of(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The object whose fields a section lists: the schema, or what a list holds."""
    if _is_inline_object(schema):
        return schema
    if schema.get("type") == "array" and _is_inline_object(schema.get("items", {})):
        return schema["items"]
    return None


def _required_words(schema: dict[str, Any]) -> dict[str, str]:
    """For each field of an object: "yes", "no", or when another field needs it."""
    needed_by: dict[str, list[str]] = {}
    for field, needs in schema.get("dependentRequired", {}).items():
        for need in needs:
            needed_by.setdefault(need, []).append(field)
    words = {}
    for field in schema["properties"]:
        if field in schema.get("required", ()):
            words[field] = "yes"
        elif field in needed_by:
            words[field] = f"when {_or([_code(name) for name in needed_by[field]])} is given"
        else:
            words[field] = "no"
    return words


def _fields(schema: dict[str, Any], anchor: str, title: str, level: int) -> str:
    """The table of an object's fields (under a heading of ``level`` when
    ``title`` is given), then a table for each object written in place
    within it (the entries of `changes`), a level below."""
    required = _required_words(schema)
    rows, nested = [], []
    for field, prop in schema["properties"].items():
        inner = _object_of(prop)
        inner_anchor = f"{anchor}-{field}"
        if inner is not None:
            nested.append(_fields(inner, inner_anchor, f"{title or _title(anchor.removeprefix('def-'))}: each entry of {_code(field)}", level + 1))
        examples = prop.get("examples", [])
        sample = f" For example {', '.join(_code(_inline_yaml(one)) for one in examples)}." if examples else ""
        what = f"{_description(prop, short=True)} *{_capital(_kind(prop, inner_anchor))}.*{sample}"
        rows.append((_code(field), what.strip(), required[field]))
    note = "Give at least one of these fields.\n" if schema.get("minProperties") else ""
    table = _table(("field", "what it is", "required"), rows)
    heading = f"{'#' * level} {title} {{#{anchor}}}\n" if title else ""
    return _page(heading, note, table, *nested)


def _references(node: Any) -> Iterator[str]:
    """The definitions a schema refers to directly (not through them)."""
    if isinstance(node, dict):
        if (name := _def_name(node)) is not None:
            yield name
        for value in node.values():
            yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def used_definitions() -> list[str]:
    """The definitions a case can meet, from its top-level fields down, in the schema's order."""
    schema = case_schema()
    found: set[str] = set()
    waiting = list(_references(schema["properties"]))
    while waiting:
        name = waiting.pop()
        if name not in found:
            found.add(name)
            waiting.extend(_references(schema["$defs"][name]))
    return [name for name in schema["$defs"] if name in found]


def format_page() -> str:
    """The case format, from the schema: a section for each top-level field
    (anchor: its name), then each definition they use (``#def-NAME``)."""
    schema = case_schema()
    required = set(schema.get("required", ()))
    properties = schema["properties"]
    intro = (
        "# The case format\n\n"
        f"{schema['description']}\n\n"
        "A case is one YAML file. This page lists every field a case can have, in the order a "
        "case is usually written, then the parts that recur within them (a quantity, a time, a "
        "test). Only the title, the patient and the consent are required by the format; the "
        "[CARE check](care.md) asks for the rest, and an element that does not apply is marked "
        "`{status: not_applicable, reason: ...}` rather than left out. A key that is not listed "
        "here is an error ([CF202](codes.md#cf202)). Editors that read the JSON Schema show the "
        "same descriptions as you type.\n"
    )
    overview = _table(("field", "what it is", "required"), ((f"[{_code(name)}](#{name})", _first_sentence(_description(prop)), "yes" if name in required else "no") for name, prop in properties.items()))
    sections = [_property_section(name, prop, name in required) for name, prop in properties.items()]
    used = used_definitions()
    definitions = [_definition_section(name, used) for name in used]
    heading = "## Reusable parts {#definitions}\n\nThe forms that recur in the fields above, each with its own fields.\n"
    return _page(intro, overview, *sections, heading, *definitions)


def _property_section(name: str, schema: dict[str, Any], required: bool) -> str:
    need = "**Required.**" if required else "Optional."
    inner = _object_of(schema)
    anchor = f"{name}-entry"
    blocks = [
        f"## {_code(name)} {{#{name}}}\n",
        f"{need} Written as: {_kind(schema, anchor if inner is not None else '')}.\n",
        _description(schema) + "\n",
    ]
    if inner is not None:
        blocks.append(_fields(inner, anchor, f"{_code(name)}: the fields of an entry", 3))
    blocks += [_fence(_yaml({name: example}), "yaml") for example in _examples(schema)]
    return _page(*blocks)


def _definition_section(name: str, used: list[str]) -> str:
    schema = case_schema()["$defs"][name]
    inner = _object_of(schema)
    blocks = [f"### {_title(name)} {{#def-{name}}}\n", schema.get("description", "")]
    if inner is None:
        blocks.append(f"Written as: {_kind(schema)}.\n")
    else:
        blocks.append("A list of entries with these fields:\n" if inner is not schema else "")
        blocks.append(_fields(inner, f"def-{name}", "", 3))
    examples = schema.get("examples", [])
    plain = [example for example in examples if not isinstance(example, (dict, list))]
    written = [example for example in examples if isinstance(example, (dict, list))]
    if plain:
        blocks.append(("For example " if len(plain) == 1 else "Examples: ") + ", ".join(_code(_inline_yaml(example)) for example in plain) + (", or:\n" if written else ".\n"))
    elif written:
        blocks.append("For example:\n")
    blocks += [_fence(_yaml(example), "yaml") for example in written]
    places = _used_in(name, used)
    if places:
        blocks.append("Used in: " + ", ".join(places) + ".\n")
    return _page(*blocks)


def _used_in(name: str, used: list[str]) -> list[str]:
    """Links to the top-level fields and the definitions (of those on the page) that refer to ``name``."""
    schema = case_schema()
    places = [f"[{_code(field)}](#{field})" for field, prop in schema["properties"].items() if name in _references(prop)]
    places += [_def_link(other) for other in used if other != name and name in _references(schema["$defs"][other])]
    return places


# CARE completeness and profiles


def _field_cell(field: str) -> str:
    """An item's field as code, each top-level field linked to the case format."""
    top = case_schema()["properties"]
    parts = []
    for part in (piece.strip() for piece in field.split(",")):
        first = re.split(r"[.\[]", part, maxsplit=1)[0]
        parts.append(f"[{_code(part)}](case-format.md#{first})" if first in top else _code(part))
    return ", ".join(parts) if field else "none of its own"


def profiles_page_items(name: str) -> str:
    """The element-by-element table of the profile ``name`` (KeyError for an unknown one)."""
    profile = PROFILES[name]
    rows = ((item.id, item.topic, item.asks, _field_cell(item.field), item.criterion, "no" if item.id in profile.required else "yes") for item in profile.items)
    return _table(("element", "topic", "what it asks", "field", "how it is judged", "not applicable accepted"), rows)


def care_page() -> str:
    """CARE completeness: how elements are judged, the CARE 2016 table, and the other profiles."""
    default = PROFILES["care-2016"]
    intro = (
        "# CARE completeness\n\n"
        "Besides checking that a case is well formed, caseforge judges whether it gives every "
        "element of a reporting checklist: CARE 2016 unless the project chooses another "
        "profile. Each element is *reported*, *partly reported* (some of what it asks for is "
        "there), *not reported*, or *not applicable*. An element that does not apply is marked "
        "in its own field, `{status: not_applicable, reason: ...}`, or, when it has no field of "
        "its own, in `checklist`; a mark of `not_reported` records that the published report "
        "lacks it. A missing element is reported as [CF502](codes.md#cf502), a partly reported "
        "one as [CF503](codes.md#cf503): warnings, which `--strict` (for a submission) turns "
        "into errors. The criteria are mechanical, so an editor can see why an element was "
        "judged as it was; `caseforge profiles NAME` prints them too. Consent (element 13) is "
        "more than an element: a case without it is an error under every profile "
        "([CF504](codes.md#cf504)) and is never published.\n"
    )
    others = "".join(f"- [{profile.title}](profiles.md#{profile.name}) (`{profile.name}`): {profile.summary}\n" for profile in PROFILES.values() if profile is not default)
    return _page(
        intro,
        f"## {default.title} {{#{default.name}}}\n",
        f"{default.summary}\n",
        profiles_page_items(default.name),
        "## Other profiles {#other-profiles}\n",
        "Each is described, with its sources, on the [profiles](profiles.md) page.\n",
        others,
    )
