"""The strict YAML reader: what an author sees when a case file cannot be read.

Every refusal is one diagnostic with a stable code, a 1-based line and column
that point at the mistake (columns count characters, not bytes), and a
message or hint that names the cause. Nothing ever raises.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from caseforge.diagnostics import Diagnostic, Severity
from caseforge.source import MAX_BYTES, Document, escape_pointer_token, load, loads

PATH = "case.yaml"


def diag(raw: bytes | str, path: str = PATH) -> Diagnostic:
    """The single diagnostic a file that cannot be read is refused with."""
    document, diagnostics = loads(raw, path)
    assert document is None
    assert len(diagnostics) == 1, diagnostics
    found = diagnostics[0]
    assert found.file == path
    assert found.severity is Severity.ERROR
    return found


def read(raw: bytes | str) -> Document:
    """A file that must be read without a word."""
    document, diagnostics = loads(raw, PATH)
    assert diagnostics == []
    assert document is not None
    return document


def at(found: Diagnostic) -> tuple[int | None, int | None]:
    return found.line, found.column


def words(found: Diagnostic) -> str:
    """Message and hint together, lower-cased, for key-word checks."""
    return f"{found.message} {found.hint or ''}".lower()


def run_isolated(expression: str) -> subprocess.CompletedProcess[str]:
    """`loads(<expression>)` in a fresh interpreter, so a C crash fails only the test."""
    code = (
        "from caseforge.source import loads\n"
        f"document, diagnostics = loads({expression})\n"
        "print(*[f'{d.code} {d.line}:{d.column}' for d in diagnostics])\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )


# --- YAML syntax ----------------------------------------------------------


def test_colon_inside_a_plain_value_is_located_at_the_second_colon() -> None:
    found = diag(b"title: Outcome: remission\n")
    assert found.code == "CF104"
    assert at(found) == (1, 15)
    assert "colon" in words(found)
    assert "quote" in words(found)


def test_column_counts_characters_not_bytes_before_a_syntax_error() -> None:
    found = diag("title: ééé: x\n".encode())
    assert found.code == "CF104"
    assert at(found) == (1, 11)


def test_syntax_error_on_a_later_line() -> None:
    found = diag(b"title: A case\nsummary: Outcome: remission\n")
    assert found.code == "CF104"
    assert at(found) == (2, 17)


def test_unclosed_quote() -> None:
    found = diag(b'title: "Fever of unknown origin\nsummary: x\n')
    assert found.code == "CF104"
    # The reader only gives up at the end of the file; the author needs the
    # opening quote, where the mistake is.
    assert at(found) == (1, 8)
    assert "quot" in words(found)
    assert "clos" in found.hint.lower()


def test_tab_used_for_indentation() -> None:
    found = diag(b"patient:\n  age: 3\n\tsex: female\n")
    assert found.code == "CF104"
    assert at(found) == (3, 1)
    assert "tab" in found.message.lower()
    assert "tab" in found.hint.lower() and "spaces" in found.hint.lower()


def test_tab_is_recognised_after_non_ascii_text_on_earlier_lines() -> None:
    found = diag("title: Fièvre aiguë\npatient:\n\tage: 3\n".encode())
    assert found.code == "CF104"
    assert at(found) == (3, 1)
    assert "spaces" in found.hint.lower()


def test_value_starting_with_star_is_an_undefined_alias() -> None:
    found = diag(b"title: A case\nsummary: *remission\n")
    assert found.code == "CF104"
    assert at(found) == (2, 10)
    assert "quote" in found.hint.lower()


def test_value_starting_with_star_and_punctuation() -> None:
    found = diag(b"summary: *complete* remission\n")
    assert found.code == "CF104"
    assert found.line == 1
    assert "`*`" in found.hint and "quote" in found.hint.lower()


# --- duplicate keys -------------------------------------------------------


def test_duplicate_key_is_located_at_the_second_occurrence() -> None:
    found = diag(b"title: First\nsummary: x\ntitle: Second\n")
    assert found.code == "CF105"
    assert at(found) == (3, 1)
    assert "`title`" in found.message
    assert "line 1" in found.message


def test_duplicate_key_nested_deeper() -> None:
    raw = b"""\
title: A case
patient:
  age: {value: 62, unit: a}
  history:
    smoker: false
    diabetes: true
    smoker: true
"""
    found = diag(raw)
    assert found.code == "CF105"
    assert at(found) == (7, 5)
    assert "`smoker`" in found.message
    assert "line 5" in found.message


def test_duplicate_key_inside_a_flow_mapping_in_a_list() -> None:
    found = diag(b"timeline:\n  - {id: a, day: 1, id: b}\n")
    assert found.code == "CF105"
    assert at(found) == (2, 21)
    assert "line 2" in found.message


def test_same_key_in_different_mappings_is_fine() -> None:
    document = read(b"a: {id: 1}\nb: {id: 2}\n")
    assert document.data == {"a": {"id": 1}, "b": {"id": 2}}


# --- several documents ----------------------------------------------------


def test_second_document_is_refused() -> None:
    found = diag(b"title: First case\n---\ntitle: Second case\n")
    assert found.code == "CF106"
    assert at(found) == (2, 1)
    assert "more than one" in found.message.lower()
    assert "---" in found.hint


def test_a_leading_document_marker_alone_is_one_document() -> None:
    assert read(b"---\ntitle: A case\n").data == {"title": "A case"}


# --- tags -----------------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    ["!!python/object/apply:os.system", "!!python/object/new:os.system"],
)
def test_python_tag_is_refused_and_nothing_runs(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "executed"
    raw = f"title: A case\nsummary: {tag} ['touch {marker}']\n".encode()
    found = diag(raw)
    assert found.code == "CF107"
    assert at(found) == (2, 10)
    assert tag in found.message
    assert "remove the tag" in found.hint.lower()
    assert not marker.exists()


def test_python_tag_in_a_file_on_disk_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    case = tmp_path / "case.yaml"
    case.write_text(f"!!python/object/apply:os.system ['touch {marker}']\n")
    document, diagnostics = load(case)
    assert document is None
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("CF107", 1, 1)]
    assert not marker.exists()


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("!!binary aGVsbG8=", "!!binary"),
        ("!!set {a, b}", "!!set"),
        ("!foo bar", "!foo"),
        ("!!timestamp 2021-09-29", "!!timestamp"),
    ],
)
def test_foreign_tag_is_refused(value: str, shown: str) -> None:
    found = diag(f"title: A case\nphoto: {value}\n".encode())
    assert found.code == "CF107"
    assert at(found) == (2, 8)
    assert f"`{shown}`" in found.message
    assert "remove the tag" in found.hint.lower()


def test_foreign_tag_on_a_key_is_refused() -> None:
    found = diag(b"title: A case\n!foo summary: x\n")
    assert found.code == "CF107"
    assert at(found) == (2, 1)
    assert "`!foo`" in found.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("!!str 12", "12"),
        ("!!str 2021-09-29", "2021-09-29"),
        ("!!str true", "true"),
        ("!!int 12", 12),
        ("!!int 0x1F", 31),
        ("!!float 1", 1.0),
        ("!!bool True", True),
        ("!!null ~", None),
        ("!!seq [1, 2]", [1, 2]),
        ("!!map {b: 1}", {"b": 1}),
    ],
)
def test_standard_tag_that_fits_its_value(value: str, expected: object) -> None:
    got = read(f"a: {value}\n".encode()).data["a"]
    assert got == expected
    assert type(got) is type(expected)


@pytest.mark.parametrize(
    ("value", "tag"),
    [("!!int abc", "!!int"), ("!!float 1.2.3", "!!float"), ("!!bool yes", "!!bool"), ("!!null x", "!!null")],
)
def test_standard_tag_that_does_not_fit_its_value(value: str, tag: str) -> None:
    found = diag(f"title: A case\nage: {value}\n".encode())
    assert found.code == "CF107"
    assert at(found) == (2, 6)
    assert f"`{tag}`" in found.message
    assert value.split()[1] in found.message


# --- anchors and aliases --------------------------------------------------


def billion_laughs(width: int = 9, depth: int = 9) -> bytes:
    lines = ['lol0: &lol0 "lol"']
    for level in range(1, depth + 1):
        items = ", ".join([f"*lol{level - 1}"] * width)
        lines.append(f"lol{level}: &lol{level} [{items}]")
    return ("\n".join(lines) + "\n").encode()


def test_billion_laughs_is_refused_before_it_expands() -> None:
    # Expanded, this file is 9**9 strings; refused, it is one diagnostic.
    found = diag(billion_laughs())
    assert found.code == "CF108"
    assert found.line is not None and 1 <= found.line <= 10
    assert found.column is not None
    assert "alias" in words(found)


def test_alias_to_its_own_list_is_refused() -> None:
    found = diag(b"title: A case\na: &a [1, *a]\n")
    assert found.code == "CF108"
    assert at(found) == (2, 4)  # where the anchored list starts
    assert "alias" in words(found)


def test_alias_to_its_own_mapping_is_refused() -> None:
    found = diag(b"a: &a {b: *a}\n")
    assert found.code == "CF108"
    assert at(found) == (1, 4)


def test_a_few_aliases_are_allowed() -> None:
    document = read(b"unit: &u mg\na: {value: 1, unit: *u}\nb: {value: 2, unit: *u}\n")
    assert document.data["a"]["unit"] == document.data["b"]["unit"] == "mg"


# --- deep nesting ---------------------------------------------------------


def test_very_deep_brackets_give_a_diagnostic_not_a_crash() -> None:
    result = run_isolated('b"a: " + b"[" * 100000')
    assert result.returncode == 0, result.stderr
    assert "CF104" in result.stdout
    assert "Traceback" not in result.stderr


def test_very_deep_block_lists_give_a_diagnostic_not_a_crash() -> None:
    # "- - - x" nests lists without brackets: 100000 levels are 200 kB.
    result = run_isolated('b"- " * 100000 + b"x\\n"')
    assert result.returncode == 0, (result.returncode, result.stderr)
    assert "CF104" in result.stdout


def test_nesting_beyond_the_depth_limit_is_refused() -> None:
    found = diag(b"a: " + b"[" * 100 + b"]" * 100 + b"\n")
    assert found.code == "CF104"
    assert found.line == 1
    assert "deep" in found.message.lower()


# --- size -----------------------------------------------------------------


def test_file_over_the_size_bound_is_refused() -> None:
    found = diag(b"title: " + b"x" * (MAX_BYTES - 7) + b"\n" + b"x")
    assert found.code == "CF102"
    assert "larger" in found.message.lower()


def test_file_exactly_at_the_size_bound_is_read() -> None:
    raw = b"title: " + b"x" * (MAX_BYTES - 8) + b"\n"
    assert len(raw) == MAX_BYTES
    assert len(read(raw).data["title"]) == MAX_BYTES - 8


def test_size_bound_applies_to_files_on_disk(tmp_path: Path) -> None:
    at_bound = tmp_path / "at-bound.yaml"
    at_bound.write_bytes(b"title: " + b"x" * (MAX_BYTES - 8) + b"\n")
    document, diagnostics = load(at_bound)
    assert diagnostics == [] and document is not None

    over = tmp_path / "over.yaml"
    over.write_bytes(b"title: " + b"x" * (MAX_BYTES - 7) + b"\n")
    assert over.stat().st_size == MAX_BYTES + 1
    document, diagnostics = load(over)
    assert document is None
    assert [d.code for d in diagnostics] == ["CF102"]
    assert diagnostics[0].file == str(over)


# --- encoding -------------------------------------------------------------


def test_latin1_byte_is_located_in_characters() -> None:
    raw = b"title: A case\npatient: x\nsummary: Fi\xc3\xa8vre, fi\xe8vre\n"
    found = diag(raw)
    assert found.code == "CF101"
    # "summary: Fièvre, fi" is 19 characters (21 bytes); the bad byte follows.
    assert at(found) == (3, 20)
    assert "0xe8" in found.message
    assert "utf-8" in words(found)


def test_latin1_file_on_disk(tmp_path: Path) -> None:
    case = tmp_path / "latin1.yaml"
    case.write_bytes("title: A case\nsummary: Fièvre\n".encode("latin-1"))
    document, diagnostics = load(case)
    assert document is None
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("CF101", 2, 12)]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file_with_a_byte_order_mark_is_refused(encoding: str) -> None:
    text = "title: A case\n"
    raw = text.encode(encoding)
    if encoding != "utf-16":
        raw = "\ufeff".encode(encoding) + raw
    found = diag(raw)
    assert found.code == "CF101"
    assert at(found) == (1, 1)
    assert "utf-16" in found.message.lower()
    assert "utf-8" in found.hint.lower()


def test_utf8_byte_order_mark_is_accepted_and_does_not_shift_columns() -> None:
    document = read("\ufefftitle: Fièvre\n".encode())
    assert document.data == {"title": "Fièvre"}
    assert document.key_position("/title") == (1, 1)
    assert document.position("/title") == (1, 8)


# --- empty files ----------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"\n\n", b"   \n\t\n", b"\xef\xbb\xbf"])
def test_empty_file(raw: bytes) -> None:
    found = diag(raw)
    assert found.code == "CF103"
    assert "empty" in found.message.lower()


def test_comments_only_file() -> None:
    found = diag(b"# A case report\n# to be written\n")
    assert found.code == "CF103"
    assert "comment" in found.message.lower()


# --- control characters ---------------------------------------------------


def test_nul_byte_is_located() -> None:
    found = diag(b"title: A case\nsummary: ab\x00c\n")
    assert found.code == "CF104"
    assert at(found) == (2, 12)
    assert "U+0000" in found.message
    assert "control character" in found.message


def test_nul_byte_after_non_ascii_text_is_located_in_characters() -> None:
    found = diag("title: Fièvre aiguë\nsummary: né\x00\n".encode())
    assert found.code == "CF104"
    assert at(found) == (2, 12)


# --- YAML 1.2 core scalars ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-09-29", "2021-09-29"),
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("n", "n"),
        ("No", "No"),
        ("OFF", "OFF"),
        ("true", True),
        ("false", False),
        ("True", True),
        ("TRUE", True),
        ("FALSE", False),
        ("tRUE", "tRUE"),
        ("~", None),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("", None),
        ("12", 12),
        ("-3", -3),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("0x1F", 31),
        ("0o17", 15),
        (".nan", ".nan"),
        (".inf", ".inf"),
        ("-.inf", "-.inf"),
        (".NaN", ".NaN"),
        ("1_000", "1_000"),
        ("0b101", "0b101"),
        ("1:30", "1:30"),
        ("'12'", "12"),
        ('"true"', "true"),
    ],
)
def test_core_schema_scalar(text: str, expected: object) -> None:
    got = read(f"a: {text}\n".encode()).data["a"]
    assert got == expected
    assert type(got) is type(expected)


# --- position map ---------------------------------------------------------

POSITIONS = b"""\
title: A case
patient:
  age: {value: 62, unit: a}
  sex: female
timeline:
  - id: admission
    time: 2021-09-29
  - id: car-t-1
    day: 7
"a/b": 1
"c~d": {"e/f~g": 2}
"""


@pytest.fixture
def positions() -> Document:
    return read(POSITIONS)


@pytest.mark.parametrize(
    ("pointer", "value", "key"),
    [
        ("/title", (1, 8), (1, 1)),
        ("/patient/age", (3, 8), (3, 3)),
        ("/patient/age/value", (3, 16), (3, 9)),
        ("/patient/age/unit", (3, 26), (3, 20)),
        ("/patient/sex", (4, 8), (4, 3)),
        ("/timeline/0/id", (6, 9), (6, 5)),
        ("/timeline/1/id", (8, 9), (8, 5)),
        ("/timeline/1/day", (9, 10), (9, 5)),
    ],
)
def test_position_of_values_and_keys(
    positions: Document, pointer: str, value: tuple[int, int], key: tuple[int, int]
) -> None:
    assert positions.position(pointer) == value
    assert positions.key_position(pointer) == key


def test_list_item_has_no_key_so_its_key_position_is_its_value(positions: Document) -> None:
    assert positions.position("/timeline/1") == (8, 5)
    assert positions.key_position("/timeline/1") == (8, 5)


def test_root_is_at_the_start(positions: Document) -> None:
    assert positions.position("") == (1, 1)


def test_keys_with_slash_and_tilde_are_escaped(positions: Document) -> None:
    assert positions.data["a/b"] == 1
    assert positions.position("/a~1b") == (10, 8)
    assert positions.key_position("/a~1b") == (10, 1)
    assert positions.position("/c~0d/e~1f~0g") == (11, 18)
    assert positions.key_position("/c~0d/e~1f~0g") == (11, 9)


def test_escape_pointer_token_follows_rfc6901() -> None:
    assert escape_pointer_token("a/b") == "a~1b"
    assert escape_pointer_token("c~d") == "c~0d"
    # "~" is escaped first, so "~1" in a key is not mistaken for "/".
    assert escape_pointer_token("~1") == "~01"


def test_missing_member_falls_back_to_its_nearest_ancestor(positions: Document) -> None:
    assert positions.position("/patient/weight") == positions.position("/patient")
    assert positions.position("/patient/age/low") == (3, 8)
    assert positions.key_position("/patient/age/low") == (3, 8)
    assert positions.position("/timeline/7/id") == positions.position("/timeline")
    assert positions.position("/consent/status") == (1, 1)


# --- load() on paths ------------------------------------------------------


def test_load_reads_a_file_and_records_its_path(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("title: A case\n", encoding="utf-8")
    document, diagnostics = load(case)
    assert diagnostics == []
    assert document is not None
    assert document.path == str(case)
    assert document.data == {"title": "A case"}


def test_load_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "typo.yaml"
    document, diagnostics = load(missing)
    assert document is None
    assert len(diagnostics) == 1
    found = diagnostics[0]
    assert found.code == "CF001"
    assert found.file == str(missing)
    assert str(missing) in found.message
    assert "no file" in found.message.lower()


def test_load_folder(tmp_path: Path) -> None:
    document, diagnostics = load(tmp_path)
    assert document is None
    assert len(diagnostics) == 1
    found = diagnostics[0]
    assert found.code == "CF001"
    assert str(tmp_path) in found.message
    assert "folder" in found.message.lower()


def test_load_reports_syntax_errors_with_the_path(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_bytes(b"title: Outcome: remission\n")
    document, diagnostics = load(case)
    assert document is None
    assert [(d.code, d.file, d.line, d.column) for d in diagnostics] == [
        ("CF104", str(case), 1, 15)
    ]


# --- found in review ------------------------------------------------------


def test_a_unicode_line_separator_is_located() -> None:
    # libyaml breaks lines at U+2028 where editors show one line.
    found = diag("title: A case\nsummary: fever and\u2028rash\n".encode())
    assert found.code == "CF104"
    assert at(found) == (2, 19)
    assert "U+2028" in found.message


def test_a_long_blank_line_is_not_mistaken_for_deep_nesting() -> None:
    document = read(b"a: 1\n" + b" " * 600 + b"\nb: 2\n")
    assert document.data == {"a": 1, "b": 2}


def test_an_unclosed_bracket_points_at_the_bracket() -> None:
    found = diag(b"title: A case\nkeywords: [case report, leukaemia\nsex: female\n")
    assert found.code == "CF104"
    assert at(found) == (2, 11)
    assert "not closed" in found.hint


def test_an_overflowing_float_stays_text_for_the_schema_to_refuse() -> None:
    assert read(b"a: 1e999\nb: 2.5e3\n").data == {"a": "1e999", "b": 2500.0}
