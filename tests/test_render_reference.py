"""The generated reference pages: diagnostic codes, the case format, CARE profiles."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any, Iterator

import markdown
import pytest
import yaml

from caseforge.care.profiles import PROFILES
from caseforge.codes import CODES
from caseforge.render import reference
from caseforge.schema import case_schema

EXTENSIONS = ["tables", "attr_list", "toc", "fenced_code"]


def html(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


def ids(page: str) -> set[str]:
    return set(re.findall(r' id="([^"]+)"', html(page)))


class _Tables(HTMLParser):
    """The number of cells of each row, table by table."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(page: str) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(html(page))
    return parser.tables


def pages() -> dict[str, str]:
    found = {"codes": reference.codes_page(), "format": reference.format_page(), "care": reference.care_page()}
    found.update({f"profile {name}": reference.profiles_page_items(name) for name in PROFILES})
    return found


def yaml_blocks(page: str) -> list[str]:
    return re.findall(r"^(`{3,})yaml\n(.*?)^\1$", page, re.MULTILINE | re.DOTALL)


# Tables and escaping


@pytest.mark.parametrize("name", list(pages()))
def test_page_converts_and_every_row_has_the_header_s_cells(name: str) -> None:
    page = pages()[name]
    found = tables(page)
    assert found, "every page has a table"
    for table in found:
        assert {len(row) for row in table} == {len(table[0])}, table
    assert "{#" not in html(page), "an explicit id was left as text"


@pytest.mark.parametrize("name", ["codes", "format", "care"])
def test_every_link_within_a_page_has_its_target(name: str) -> None:
    page = pages()[name]
    assert set(re.findall(r'href="#([^"]+)"', html(page))) <= ids(page)


@pytest.mark.parametrize(
    "text, cell",
    [
        ("a | b", "a \\| b"),
        ("one\ntwo", "one two"),
        ("`a|b` and c|d", "`a|b` and c\\|d"),
        ("already \\| escaped", "already \\| escaped"),
        ("stray ` tick | pipe", "stray &#96; tick \\| pipe"),
        ("``a ` b`` | c", "``a ` b`` \\| c"),
    ],
)
def test_cell_escapes_pipes_and_newlines_outside_code(text: str, cell: str) -> None:
    assert reference.cell(text) == cell
    row = tables(f"| x | y |\n| --- | --- |\n| {reference.cell(text)} | next |\n")[0][1]
    assert len(row) == 2 and row[1] == "next"


def test_a_pipe_in_a_summary_does_not_break_its_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(CODES, "CF203", replace(CODES["CF203"], summary="Text | number,\nor a `list|mapping` with a stray ` tick"))
    rows = [row for table in tables(reference.codes_page()) for row in table if row[0] == "CF203"]
    assert rows == [["CF203", "wrong-type", "error", "Text | number, or a list|mapping with a stray ` tick"]]


# Diagnostic codes


def test_every_code_has_a_row_and_a_section_with_its_anchor() -> None:
    page = reference.codes_page()
    anchors = ids(page)
    for code in CODES.values():
        anchor = code.code.lower()
        assert f"## {code.code} {code.name} {{#{anchor}}}\n" in page
        assert anchor in anchors
        assert f"| [{code.code}](#{anchor}) | {code.name} | {code.severity.value} |" in page


def test_codes_page_explains_families_and_exit_statuses() -> None:
    page = reference.codes_page()
    for family in "012345678":
        assert f"**CF{family}xx**" in page
    assert "status 0" in page and "2 for a usage error" in page


def test_code_examples_are_fenced_by_what_they_are() -> None:
    page = reference.codes_page()
    section = {code: page.split(f"{{#{code.lower()}}}")[1].split("\n## ")[0] for code in ("CF001", "CF003", "CF203", "CF102")}
    assert "```console\n$ caseforge validate cases/typo.yaml\n```" in section["CF001"]
    assert "```toml\nstrict = yes" in section["CF003"]
    assert "```yaml\nage: 62 years\n```" in section["CF203"] and "```yaml\nage: {value: 62, unit: a}\n```" in section["CF203"]
    assert "```" not in section["CF102"] and "*a 5 MB file of pasted laboratory exports*" in section["CF102"]


# The case format


def nodes(node: Any) -> Iterator[dict[str, Any]]:
    """Every mapping within a piece of the schema."""
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    if isinstance(node, dict):
        yield node
    for child in children:
        yield from nodes(child)


def used_definitions() -> set[str]:
    """Every definition reachable from the top-level fields."""
    schema = case_schema()
    found: set[str] = set()
    frontier = {node["$ref"].split("/")[-1] for node in nodes(schema["properties"]) if "$ref" in node}
    while frontier - found:
        found |= frontier
        frontier = {node["$ref"].split("/")[-1] for name in found for node in nodes(schema["$defs"][name]) if "$ref" in node}
    return found


def test_every_top_level_field_and_every_definition_it_uses_has_a_section() -> None:
    page = reference.format_page()
    anchors = ids(page)
    schema = case_schema()
    assert set(schema["properties"]) <= anchors
    assert {f"def-{name}" for name in used_definitions()} <= anchors
    assert {"quantity", "time", "age", "range", "element", "not_documented", "event", "test", "result", "intervention", "adverse_event", "outcome", "reference", "finding", "diagnosis"} <= used_definitions()
    # In the schema's order.
    order = [page.index(f"{{#{name}}}") for name in schema["properties"]]
    assert order == sorted(order)


def test_required_fields_are_marked() -> None:
    page = reference.format_page()
    schema = case_schema()
    for name in schema["properties"]:
        section = page.split(f"{{#{name}}}\n")[1]
        assert section.lstrip().startswith("**Required.**" if name in schema["required"] else "Optional.")
    overview = tables(page)[0]
    assert {row[0] for row in overview if row[2] == "yes"} == set(schema["required"])
    patient = page.split("{#def-patient}")[1].split("\n### ")[0]
    assert "| `age` |" in patient and re.search(r"\| `age` \|.*\| yes \|", patient)
    assert re.search(r"\| `gender` \|.*\| no \|", patient)
    detail = page.split("{#def-time_detail}")[1].split("\n### ")[0]
    assert re.search(r"\| `of` \|.*\| when `day`, `after` or `before` is given \|", detail)


def test_every_allowed_value_is_listed_as_code() -> None:
    page = reference.format_page()
    spans = {span.strip("'") for span in re.findall(r"`([^`\n]+)`", page)}
    for values in (node["enum"] for node in nodes(case_schema()) if "enum" in node):
        assert {str(value) for value in values} <= spans, values
    assert "*One of: `female`, `male`, `intersex`, `unknown`, `not_reported`.*" in page


def test_examples_are_yaml_that_round_trips() -> None:
    page = reference.format_page()
    blocks = yaml_blocks(page)
    loaded = [yaml.safe_load(text) for _, text in blocks]
    schema = case_schema()
    for name, prop in schema["properties"].items():
        target = schema["$defs"][prop["$ref"].split("/")[-1]] if "examples" not in prop and "$ref" in prop else prop
        for example in target.get("examples", []):
            assert {name: example} in loaded, name
    for name in used_definitions():
        for example in schema["$defs"][name].get("examples", []):
            if isinstance(example, (dict, list)):
                assert example in loaded, name
            else:
                section = page.split(f"{{#def-{name}}}")[1].split("\n### ")[0]
                line = next(line for line in section.splitlines() if line.startswith(("Examples: ", "For example ")))
                inline = [yaml.safe_load(span) for span in re.findall(r"`([^`]+)`", line)]
                assert example in inline, name


def test_references_are_links_and_one_of_is_in_words() -> None:
    page = reference.format_page()
    assert "Written as: list of [event](#def-event)." in page
    assert "Written as: either [abstract](#def-abstract) or [not reported or not applicable](#def-not_documented)." in page
    assert "#def-intervention-changes" in page  # an object written in place gets a table of its own


# CARE


def test_each_profile_s_table_lists_its_elements_and_what_it_refuses() -> None:
    for name, profile in PROFILES.items():
        rows = tables(reference.profiles_page_items(name))[0]
        assert rows[0] == ["element", "topic", "what it asks", "field", "how it is judged", "not applicable accepted"]
        assert [row[0] for row in rows[1:]] == [item.id for item in profile.items]
        assert {row[0] for row in rows[1:] if row[5] == "no"} == set(profile.required)
    assert {"11d", "12"} == PROFILES["bmj-case-reports"].required
    with pytest.raises(KeyError):
        reference.profiles_page_items("no-such-profile")


def test_care_page_has_the_default_table_and_points_to_the_others() -> None:
    page = reference.care_page()
    assert page.startswith("# CARE completeness\n")
    assert reference.profiles_page_items("care-2016") in page
    for name in PROFILES:
        if name != "care-2016":
            assert f"(profiles.md#{name}) (`{name}`)" in page
