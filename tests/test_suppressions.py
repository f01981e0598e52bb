"""Suppression comments in a case file, `caseforge explain`, and the progress line."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from caseforge.source import loads
from caseforge.validate import check_document
from helpers import COMPLETE_CASE, run_caseforge, show

# The complete case with the route of its drug left out: one CF501, on the
# line of the drug's name (line 44).
NO_ROUTE = COMPLETE_CASE.replace("    route: intravenous\n", "")
NAME_LINE = "    name: sodium chloride 3%\n"


def codes(text: str, profile: str | None = "care-2016") -> list[tuple[str, int | None]]:
    document, problems = loads(text.encode(), "case.yaml")
    assert document is not None, problems
    found, _ = check_document(document, profile)
    return [(item.code, item.line) for item in found]


def line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_the_unsuppressed_case_has_one_warning_on_the_drug_line() -> None:
    assert codes(NO_ROUTE) == [("CF501", line_of(NO_ROUTE, "name: sodium chloride"))]


def test_a_comment_on_the_line_suppresses_that_code_there() -> None:
    text = NO_ROUTE.replace(NAME_LINE, "    name: sodium chloride 3%  # caseforge: ignore[CF501]\n")
    assert codes(text) == []


def test_a_comment_on_another_line_suppresses_nothing_and_says_so() -> None:
    text = NO_ROUTE.replace("    frequency: three boluses\n", "    frequency: three boluses  # caseforge: ignore[CF501]\n")
    found = codes(text)
    assert ("CF501", line_of(text, "name: sodium chloride")) in found
    assert ("CF004", line_of(text, "three boluses")) in found


def test_a_file_wide_comment_at_the_top_suppresses_the_code_everywhere() -> None:
    text = "# caseforge: ignore-file[CF501]\n" + NO_ROUTE
    assert codes(text) == []


def test_a_file_wide_comment_after_the_first_key_is_refused() -> None:
    text = NO_ROUTE.replace("keywords:", "# caseforge: ignore-file[CF501]\nkeywords:")
    found = codes(text)
    assert ("CF005", line_of(text, "ignore-file")) in found and ("CF501", line_of(text, "name: sodium chloride")) in found


def test_codes_must_be_named_and_exist() -> None:
    bare = NO_ROUTE.replace(NAME_LINE, "    name: sodium chloride 3%  # caseforge: ignore\n")
    assert ("CF005", line_of(bare, "# caseforge: ignore")) in codes(bare)
    typo = NO_ROUTE.replace(NAME_LINE, "    name: sodium chloride 3%  # caseforge: ignore[CF5O1]\n")
    document, _ = loads(typo.encode(), "case.yaml")
    assert document is not None
    found, _ = check_document(document, "care-2016")
    (wrong,) = [item for item in found if item.code == "CF005"]
    assert "`CF5O1` is not a caseforge code" in wrong.message and wrong.hint == "Did you mean CF501?"


def test_reading_problems_cannot_be_suppressed() -> None:
    text = "# caseforge: ignore-file[CF104]\n" + COMPLETE_CASE
    found = codes(text)
    assert [code for code, _ in found] == ["CF005"]


def test_a_comment_like_text_inside_a_quoted_value_is_not_a_suppression() -> None:
    text = NO_ROUTE.replace(NAME_LINE, '    name: "sodium chloride 3% # caseforge: ignore[CF501]"\n')
    assert [code for code, _ in codes(text)] == ["CF501"]


INTRODUCTION = "introduction: Hyponatraemia after endurance events is reported sporadically [@hew2005].\n"
# The introduction as block text that cites a reference the case does not
# have: one CF702, reported where the block starts (its `|` or `>` line).
BLOCK_INTRODUCTION = "introduction: {header}\n  Hyponatraemia after endurance events is reported sporadically [@hew2099].\n"


def test_a_block_text_citing_an_unknown_reference_is_reported_on_its_indicator_line() -> None:
    text = COMPLETE_CASE.replace(INTRODUCTION, BLOCK_INTRODUCTION.format(header="|"))
    assert codes(text) == [("CF702", line_of(text, "introduction: |"))]


@pytest.mark.parametrize("indicator", ["|", ">", "|-", ">+", "|2", ">-1", "|+2", "&intro |"])
def test_a_comment_after_a_block_indicator_is_a_suppression(indicator: str) -> None:
    text = COMPLETE_CASE.replace(INTRODUCTION, BLOCK_INTRODUCTION.format(header=f"{indicator}  # caseforge: ignore[CF702]"))
    assert codes(text) == []


def test_an_unused_suppression_after_a_block_indicator_is_reported() -> None:
    text = COMPLETE_CASE.replace(INTRODUCTION, BLOCK_INTRODUCTION.format(header="|  # caseforge: ignore[CF702, CF501]"))
    assert codes(text) == [("CF004", line_of(text, "introduction: |"))]


def test_comment_like_text_inside_a_block_is_not_a_suppression() -> None:
    # On the lines of the text itself, `#` is part of the text.
    text = COMPLETE_CASE.replace(INTRODUCTION, "introduction: |\n  Reported sporadically [@hew2099].  # caseforge: ignore[CF702]\n")
    assert codes(text) == [("CF702", line_of(text, "introduction: |"))]
    folded = COMPLETE_CASE.replace(INTRODUCTION, "introduction: >\n  # caseforge: ignore[CF702]\n  Reported sporadically [@hew2099].\n")
    assert codes(folded) == [("CF702", line_of(folded, "introduction: >"))]


def test_several_codes_in_one_comment_and_the_unused_one_reported() -> None:
    text = NO_ROUTE.replace(NAME_LINE, "    name: sodium chloride 3%  # caseforge: ignore[CF501, CF304]\n")
    found = codes(text)
    assert found == [("CF004", line_of(text, "ignore[CF501, CF304]"))], show([])


def test_suppressions_hide_completeness_warnings_too(tmp_path: Path) -> None:
    text = COMPLETE_CASE.replace("  challenges: Confusion after a race is usually put down to heat or exhaustion.\n", "").replace(
        "diagnostic_assessment:\n", "diagnostic_assessment:  # caseforge: ignore[CF502]\n")
    (tmp_path / "case.yaml").write_text(text)
    result = run_caseforge("validate", "case.yaml", cwd=tmp_path)
    assert "CF502" not in result.stdout
    assert "CARE 2016 29/30: missing 8b" in result.stdout, "the score still counts the gap"


def test_explain_prints_what_a_code_means_and_how_to_fix_it() -> None:
    result = run_caseforge("explain", "cf501")
    assert result.returncode == 0
    assert result.stdout.startswith("CF501 dose-schedule-missing (warning, care)")
    assert "How to fix it:" in result.stdout and "frequency: single dose" in result.stdout
    assert run_caseforge("explain", "unused-suppression").stdout.startswith("CF004 ")
    wrong = run_caseforge("explain", "CF5O1")
    assert wrong.returncode == 2 and "CF501" in wrong.stderr


def _on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run caseforge with its output on a pseudo-terminal, as a person sees it."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "caseforge", *args], cwd=cwd, stdin=terminal, stdout=terminal, stderr=terminal, env=env)
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(controller)
    return b"".join(chunks).decode(errors="replace")


def test_a_progress_line_on_a_terminal_for_many_files_and_not_elsewhere(tmp_path: Path) -> None:
    for number in range(60):
        (tmp_path / f"case-{number:02d}.yaml").write_text(COMPLETE_CASE)
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    seen = _on_a_terminal(["validate", "-j", "1", "."], tmp_path, env)
    assert "Checking cases: 30/60" in seen and "Checked 60 files: no problems found." in seen
    assert "Checking cases" not in run_caseforge("validate", "-j", "1", ".", cwd=tmp_path, env=env).stderr
    assert "Checking cases" not in _on_a_terminal(["validate", "-j", "1", "."], tmp_path, {**env, "CI": "true"})


def test_a_structure_error_cannot_be_suppressed() -> None:
    text = COMPLETE_CASE.replace("  sex: female\n", "  sex: F  # caseforge: ignore[CF204]\n")
    found = codes(text)
    assert ("CF204", line_of(text, "sex: F")) in found and ("CF005", line_of(text, "sex: F")) in found
