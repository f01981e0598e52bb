"""`caseforge validate` as users and CI see it: output, formats, exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import COMPLETE_CASE, MINIMAL_CASE, run_caseforge

BROKEN = MINIMAL_CASE.replace("sex: female", "sex: F")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "good.yaml").write_text(COMPLETE_CASE)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "bad.yml").write_text(BROKEN)
    (tmp_path / "notes.txt").write_text("not a case")
    return tmp_path


def test_valid_file_exits_0_with_summary(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(COMPLETE_CASE)
    result = run_caseforge("validate", "good.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "good.yaml: CARE 2016 30/30: complete\nChecked 1 file: no problems found.\n"


def test_error_exits_1_with_located_line_and_hint(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BROKEN)
    result = run_caseforge("validate", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 1
    first, hint, summary = result.stdout.splitlines()
    assert first.startswith("bad.yaml:4:8: error CF204 `patient.sex` is `F`")
    assert hint == "    hint: Did you mean `female`?"
    assert summary == "Checked 1 file: 1 error, 0 warnings in 1 file."


def test_folder_means_every_yaml_below_it_in_sorted_order(folder: Path) -> None:
    result = run_caseforge("validate", "--format", "json", ".", cwd=folder)
    report = json.loads(result.stdout)
    assert [entry["path"] for entry in report["files"]] == ["good.yaml", "sub/bad.yml"]
    assert result.returncode == 1


def test_no_path_means_the_cases_folder(folder: Path) -> None:
    (folder / "cases").mkdir()
    (folder / "cases" / "one.yaml").write_text(COMPLETE_CASE)
    result = run_caseforge("validate", cwd=folder)
    assert result.returncode == 0
    assert "Checked 1 file" in result.stdout


def test_missing_file_exits_2_and_says_so(tmp_path: Path) -> None:
    result = run_caseforge("validate", "nowhere.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "nowhere.yaml: error CF001 There is no file `nowhere.yaml`." in result.stdout


def test_missing_file_beside_a_broken_one_still_exits_2(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BROKEN)
    result = run_caseforge("validate", "bad.yaml", "nowhere.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "CF204" in result.stdout and "CF001" in result.stdout


def test_folder_without_cases_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_caseforge("validate", "empty", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout.startswith("empty: error CF001 `empty` holds no case files (*.yaml, *.yml).")
    assert result.stdout.splitlines()[-1] == "Checked 0 files (1 path could not be read): 1 error, 0 warnings."


def test_folder_without_cases_is_reported_in_json_too(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "good.yaml").write_text(COMPLETE_CASE)
    result = run_caseforge("validate", "--format", "json", "empty", "good.yaml", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert [(entry["path"], entry["readable"]) for entry in report["files"]] == [("empty", False), ("good.yaml", True)]
    assert result.returncode == 2


def test_no_cases_folder_and_no_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run_caseforge("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert "There is no cases/ folder here" in result.stderr


def test_the_same_file_named_twice_is_checked_once(tmp_path: Path) -> None:
    (tmp_path / "bad.YAML").write_text(BROKEN)
    result = run_caseforge("validate", "--format", "json", "bad.YAML", str(tmp_path / "bad.YAML"), ".", cwd=tmp_path)
    assert [entry["path"] for entry in json.loads(result.stdout)["files"]] == ["bad.YAML"]


def test_unknown_option_exits_2(tmp_path: Path) -> None:
    result = run_caseforge("validate", "--frmat", "json", cwd=tmp_path)
    assert result.returncode == 2
    assert "No such option" in result.stderr


def test_json_document_shape(folder: Path) -> None:
    result = run_caseforge("validate", "--format", "json", "good.yaml", "sub/bad.yml", cwd=folder)
    report = json.loads(result.stdout)
    assert report["tool"] == "caseforge" and report["format"] == 1
    assert report["counts"] == {"files": 2, "files_with_errors": 1, "error": 1, "warning": 0, "info": 0}
    good, bad = report["files"]
    care = {"profile": "care-2016", "met": 30, "items": 30, "missing": [], "partial": [], "not_applicable": ["5d"]}
    assert good == {"path": "good.yaml", "readable": True, "valid": True, "counts": {"error": 0, "warning": 0, "info": 0}, "care": care, "diagnostics": []}
    assert bad["care"] is None, "a case whose structure is wrong is not judged for completeness"
    (diagnostic,) = bad["diagnostics"]
    assert diagnostic == {
        "file": "sub/bad.yml",
        "line": 4,
        "column": 8,
        "pointer": "/patient/sex",
        "code": "CF204",
        "severity": "error",
        "category": "schema",
        "message": diagnostic["message"],
        "hint": "Did you mean `female`?",
    }
    assert "female" in diagnostic["message"]


def test_json_for_an_unreadable_file(tmp_path: Path) -> None:
    result = run_caseforge("validate", "--format", "json", "gone.yaml", cwd=tmp_path)
    entry = json.loads(result.stdout)["files"][0]
    assert entry["readable"] is False and entry["valid"] is False
    assert entry["diagnostics"][0]["code"] == "CF001"
    assert entry["diagnostics"][0]["line"] is None
    assert result.returncode == 2


def test_no_colour_when_not_a_terminal(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BROKEN)
    assert "\x1b[" not in run_caseforge("validate", "bad.yaml", cwd=tmp_path).stdout


def test_colour_on_request_and_never_with_no_color(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BROKEN)
    coloured = run_caseforge("validate", "--color", "always", "bad.yaml", cwd=tmp_path).stdout
    assert "\x1b[31merror\x1b[0m" in coloured
    plain = run_caseforge("validate", "bad.yaml", cwd=tmp_path, env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in plain


def test_no_colour_on_a_terminal_when_no_color_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    from caseforge.cli import _use_colour

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert _use_colour("auto", Terminal()) is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert _use_colour("auto", Terminal()) is False


def test_many_files_in_parallel_keep_their_order(tmp_path: Path) -> None:
    names = []
    for index in range(60):
        name = f"case-{index:03}.yaml"
        (tmp_path / name).write_text(BROKEN if index % 7 == 0 else COMPLETE_CASE)
        names.append(name)
    result = run_caseforge("validate", "--format", "json", "--jobs", "2", ".", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert [entry["path"] for entry in report["files"]] == names
    assert [entry["valid"] for entry in report["files"]] == [index % 7 != 0 for index in range(60)]


def test_version() -> None:
    result = run_caseforge("--version")
    assert result.returncode == 0 and result.stdout.startswith("caseforge, version ")


def test_readme_tour_output_is_what_caseforge_prints(tmp_path: Path) -> None:
    """The README shows a real run; keep it true."""
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    case_text = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    shown = readme.split("```console\n", 1)[1].split("```", 1)[0].splitlines()
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "appendicitis-child.yaml").write_text(case_text)
    command = shown[0].removeprefix("$ caseforge ").split()
    result = run_caseforge(*command, cwd=tmp_path)
    assert result.stdout.splitlines() == shown[1:]


# --- Folders: symbolic links and folders that cannot be read ----------------


def test_a_folder_reached_through_a_symbolic_link_is_searched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from caseforge.validate import find_case_files

    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "linked.yaml").write_text(COMPLETE_CASE)
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "own.yaml").write_text(COMPLETE_CASE)
    (tmp_path / "cases" / "shared").symlink_to(tmp_path / "shared", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    assert find_case_files(["cases"]) == (["cases/own.yaml", "cases/shared/linked.yaml"], [])
    result = run_caseforge("validate", "--format", "json", "cases", cwd=tmp_path)
    assert [entry["path"] for entry in json.loads(result.stdout)["files"]] == ["cases/own.yaml", "cases/shared/linked.yaml"]
    assert result.returncode == 0, result.stdout


def test_a_symbolic_link_loop_ends_and_each_case_is_found_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from caseforge.validate import find_case_files

    inner = tmp_path / "cases" / "2024"
    inner.mkdir(parents=True)
    (inner / "one.yaml").write_text(COMPLETE_CASE)
    (inner / "up").symlink_to(tmp_path / "cases", target_is_directory=True)  # a loop
    (tmp_path / "cases" / "self").symlink_to(".", target_is_directory=True)  # another
    # A link to a folder that is searched anyway: its cases keep their own path.
    (tmp_path / "cases" / "a-link").symlink_to(inner, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    assert find_case_files(["cases"]) == (["cases/2024/one.yaml"], [])


def test_a_folder_that_cannot_be_listed_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from caseforge.validate import find_case_files

    (tmp_path / "cases" / "locked").mkdir(parents=True)
    (tmp_path / "cases" / "locked" / "hidden.yaml").write_text(COMPLETE_CASE)
    (tmp_path / "cases" / "open.yaml").write_text(COMPLETE_CASE)
    scandir = os.scandir

    # Tests may run as root, whom permissions do not stop: refuse the listing as the system would.
    def refusing(path: str = ".") -> object:
        if os.path.basename(os.fspath(path)) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    monkeypatch.chdir(tmp_path)
    files, reports = find_case_files(["cases"])
    assert files == ["cases/open.yaml"]
    (report,) = reports
    assert (report.path, report.readable) == ("cases/locked", False)
    (diagnostic,) = report.diagnostics
    assert diagnostic.code == "CF001" and diagnostic.file == "cases/locked"
    assert diagnostic.message == "The folder `cases/locked` cannot be read (Permission denied), so the cases in it were not checked."
    assert diagnostic.hint and "permissions" in diagnostic.hint
    # The folder given is itself unreadable: one report, not also "holds no case files".
    files, reports = find_case_files(["cases/locked"])
    assert files == [] and [(item.path, [d.code for d in item.diagnostics]) for item in reports] == [("cases/locked", ["CF001"])]
    assert "holds no case files" not in reports[0].diagnostics[0].message



def test_a_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.yaml")
    result = run_caseforge("validate", "pipe.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "pipe.yaml: error CF001 `pipe.yaml` is not a file but a pipe, socket or device." in result.stdout
