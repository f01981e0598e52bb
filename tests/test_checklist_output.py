"""`caseforge checklist -o`: it writes the form, and never destroys a case or writes nonsense."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import COMPLETE_CASE, run_caseforge


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "case.yaml").write_text(COMPLETE_CASE)
    return tmp_path


@pytest.mark.parametrize(("output", "words"), [
    ("case.yaml", "that is the case file itself"),
    ("other.yml", "is named as a case file"),
    ("checklist.pdf", "does not end in .md, .csv, .json or .html"),
    ("missing/checklist.md", "the folder `missing` does not exist"),
])
def test_outputs_that_would_harm_or_mislead_are_refused(folder: Path, output: str, words: str) -> None:
    result = run_caseforge("checklist", "case.yaml", "-o", output, cwd=folder)
    assert result.returncode == 2 and words in result.stderr, result.stderr
    assert (folder / "case.yaml").read_text() == COMPLETE_CASE
    assert not (folder / "checklist.pdf").exists() and not (folder / "missing").exists()


def test_the_case_itself_is_refused_even_with_an_explicit_format(folder: Path) -> None:
    result = run_caseforge("checklist", "case.yaml", "--format", "md", "-o", "./case.yaml", cwd=folder)
    assert result.returncode == 2
    assert (folder / "case.yaml").read_text() == COMPLETE_CASE


def test_a_checklist_written_again_is_replaced_and_keeps_its_mode(folder: Path) -> None:
    assert run_caseforge("checklist", "case.yaml", "-o", "form.html", cwd=folder).returncode == 0
    assert (folder / "form.html").stat().st_mode & 0o044, "readable by others, as files usually are"
    os.chmod(folder / "form.html", 0o640)
    again = run_caseforge("checklist", "case.yaml", "-o", "form.html", cwd=folder)
    assert again.returncode == 0 and again.stderr.startswith("Replaced form.html")
    assert (folder / "form.html").stat().st_mode & 0o777 == 0o640


def test_the_checklist_follows_the_projects_settings(folder: Path) -> None:
    (folder / "case.yaml").write_text(COMPLETE_CASE.replace("time: {day: 0, of: arrival}\n    changes:", "time: {day: 0, of: nowhere}\n    changes:"))
    assert run_caseforge("checklist", "case.yaml", cwd=folder).returncode == 1
    (folder / "caseforge.toml").write_text('[severity]\nCF702 = "warning"\n')
    result = run_caseforge("checklist", "case.yaml", cwd=folder)
    assert result.returncode == 0, result.stderr
