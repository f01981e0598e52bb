"""`caseforge checklist` and the completeness options of `caseforge validate`,
run as a user runs them."""

from __future__ import annotations

import codecs
import csv
import io
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import CASES, COMPLETE_CASE, MINIMAL_CASE, run_caseforge

HALF_WRITTEN = COMPLETE_CASE.replace("  challenges: Confusion after a race is usually put down to heat or exhaustion.\n", "").replace(
    "patient_perspective: She had not known that drinking too much could be harmful.\n",
    "patient_perspective: {status: not_reported, reason: The report does not give it.}\n",
)


def csv_rows(text: str) -> list[dict[str, str]]:
    """The rows of a CSV checklist, which starts with the byte-order mark Excel
    needs to read UTF-8 (a reader decodes it with "utf-8-sig")."""
    assert text.startswith("\ufeff"), "the CSV starts with a byte-order mark"
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "case.yaml").write_text(HALF_WRITTEN)
    return tmp_path


def test_validate_ends_with_a_completeness_line_per_case(folder: Path) -> None:
    result = run_caseforge("validate", "case.yaml", cwd=folder)
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0].startswith("case.yaml:") and "warning CF502 CARE 2016 8b" in lines[0]
    assert lines[-2] == "case.yaml: CARE 2016 28/30: missing 8b, 12"
    assert lines[-1] == "Checked 1 file: 0 errors, 1 warning."


def test_strict_makes_every_gap_an_error_and_fails(folder: Path) -> None:
    result = run_caseforge("validate", "--strict", "case.yaml", cwd=folder)
    assert result.returncode == 1
    assert "error CF502 CARE 2016 8b" in result.stdout
    assert "error CF502 CARE 2016 12 (patient perspective) is marked not reported" in result.stdout
    assert result.stdout.splitlines()[-1] == "Checked 1 file: 2 errors, 0 warnings in 1 file."


def test_the_configuration_chooses_the_profile_and_strictness(folder: Path) -> None:
    (folder / "caseforge.toml").write_text('profile = "care-2013"\nstrict = true\n')
    result = run_caseforge("validate", "case.yaml", cwd=folder)
    assert result.returncode == 1
    assert "case.yaml: CARE 2013 26/28: missing 8b, 12" in result.stdout
    overridden = run_caseforge("validate", "--no-strict", "--profile", "care-2016", "case.yaml", cwd=folder)
    assert overridden.returncode == 0 and "CARE 2016 28/30" in overridden.stdout


def test_the_configuration_can_set_a_care_code_off_for_some_files(folder: Path) -> None:
    (folder / "pyproject.toml").write_text('[tool.caseforge.per-file-ignores]\n"case.yaml" = ["CF502"]\n')
    result = run_caseforge("validate", "case.yaml", cwd=folder)
    assert "CF502" not in result.stdout
    assert "CARE 2016 28/30: missing 8b, 12" in result.stdout, "the score still counts the gap"


def test_a_mistake_in_the_configuration_stops_with_its_location(folder: Path) -> None:
    (folder / "caseforge.toml").write_text('profile = "care2016"\n')
    result = run_caseforge("validate", "case.yaml", cwd=folder)
    assert result.returncode == 2
    assert "caseforge.toml:1:" in result.stderr and "CF003" in result.stderr and "care-2016" in result.stderr


def test_an_unknown_profile_on_the_command_line_is_a_usage_error_with_a_suggestion(folder: Path) -> None:
    result = run_caseforge("validate", "--profile", "bmj", "case.yaml", cwd=folder)
    assert result.returncode == 2
    assert "no profile `bmj`" in result.stderr and "bmj-case-reports" in result.stderr


def test_checklist_as_markdown_has_a_row_per_element(folder: Path) -> None:
    result = run_caseforge("checklist", "case.yaml", cwd=folder)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ") and not line.startswith("| Item")]
    assert len(rows) == 30
    assert rows[0].startswith("| 1 | Title | ") and "**reported** | title (line 3)" in rows[0]
    (challenges,) = [row for row in rows if row.startswith("| 8b |")]
    assert "**not reported**" in challenges
    (perspective,) = [row for row in rows if row.startswith("| 12 |")]
    assert "The report does not give it." in perspective
    assert "28 of 30 elements" in result.stdout


def test_checklist_for_another_profile(folder: Path) -> None:
    result = run_caseforge("checklist", "--profile", "scare-2023", "--format", "json", "case.yaml", cwd=folder)
    body = json.loads(result.stdout)
    assert body["profile"] == "scare-2023" and len(body["items"]) == 34
    assert body["score"]["missing"] == ["highlights", "8b", "12", "operator", "setting", "technique"]


def test_checklist_as_csv_and_json_locate_each_element(folder: Path) -> None:
    table = csv_rows(run_caseforge("checklist", "--format", "csv", "case.yaml", cwd=folder).stdout)
    assert [row["item"] for row in table][:4] == ["1", "2", "3a", "3b"]
    lines = HALF_WRITTEN.splitlines()
    timeline = next(row for row in table if row["item"] == "7")
    assert timeline["status"] == "reported" and lines[int(timeline["lines"]) - 1].startswith("timeline:")
    body = json.loads(run_caseforge("checklist", "--format", "json", "case.yaml", cwd=folder).stdout)
    (findings,) = [item for item in body["items"] if item["item"] == "6"]
    assert findings["pointers"] == ["/clinical_findings"] and findings["anchor"] == "clinical-findings"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_checklist_html_is_a_standalone_page_with_the_case_text_escaped(tmp_path: Path) -> None:
    hostile = COMPLETE_CASE.replace("title: Severe", "title: <script>alert(1)</script><img src=x onerror=alert(2)> Severe")
    (tmp_path / "case.yaml").write_text(hostile)
    (tmp_path / "out").mkdir()
    result = run_caseforge("checklist", "case.yaml", "-o", "out/checklist.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out" / "checklist.html").read_text()
    parser = _Text()
    parser.feed(page)
    assert "script" not in parser.tags and "img" not in parser.tags
    assert "<script>alert(1)</script>" in "".join(parser.text), "the title is shown as text"
    assert "http" not in page, "the page needs nothing from elsewhere"
    assert "Wrote out/checklist.html: the care-2016 checklist of case.yaml" in result.stderr
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["checklist.html"], "no temporary file is left"


def test_checklist_format_follows_the_output_suffix(folder: Path) -> None:
    run_caseforge("checklist", "case.yaml", "-o", "list.csv", cwd=folder)
    assert (folder / "list.csv").read_text(encoding="utf-8-sig").startswith("item,topic,asks,status")


ACCENTED = HALF_WRITTEN.replace("reason: The report does not give it.", "reason: La patiente n'a pas été interrogée.")


def test_a_csv_checklist_starts_with_a_byte_order_mark_for_excel(tmp_path: Path) -> None:
    # Without the mark, Excel on Windows reads the file in the legacy code
    # page and shows "Ã©" for "é"; with it, the accents come out right.
    (tmp_path / "case.yaml").write_text(ACCENTED, encoding="utf-8")
    printed = subprocess.run([sys.executable, "-m", "caseforge", "checklist", "--format", "csv", "case.yaml"], cwd=tmp_path, capture_output=True, timeout=120)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith(codecs.BOM_UTF8 + b"item,topic,asks,status")
    assert printed.stdout.count(codecs.BOM_UTF8) == 1
    assert "été interrogée".encode("utf-8") in printed.stdout
    written = run_caseforge("checklist", "case.yaml", "-o", "list.csv", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert (tmp_path / "list.csv").read_bytes() == printed.stdout, "the file and the printed form are the same bytes"
    with open(tmp_path / "list.csv", encoding="utf-8-sig", newline="") as stream:
        table = list(csv.DictReader(stream))
    (perspective,) = [row for row in table if "interrogée" in row["note"]]
    assert perspective["status"] == "not reported" and list(table[0])[0] == "item"


def test_only_the_csv_form_carries_a_byte_order_mark(folder: Path) -> None:
    for form in ("md", "json", "html"):
        assert not run_caseforge("checklist", "--format", form, "case.yaml", cwd=folder).stdout.startswith("\ufeff"), form


def test_checklist_of_a_case_with_structure_errors_prints_them_instead(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(MINIMAL_CASE.replace("sex: female", "sex: F"))
    result = run_caseforge("checklist", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert "bad.yaml:4:8: error CF204" in result.stderr


def test_checklist_of_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_caseforge("checklist", "gone.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "CF001" in result.stderr


def test_checklist_of_a_case_without_consent_is_written_but_fails(tmp_path: Path) -> None:
    (tmp_path / "case.yaml").write_text(COMPLETE_CASE.replace("  status: obtained\n  given_by: patient\n", "  status: not_reported\n"))
    result = run_caseforge("checklist", "case.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "| 13 | Informed consent |" in result.stdout and "**not reported**" in result.stdout
    assert "error CF504" in result.stderr


@pytest.mark.parametrize("path", sorted(CASES.glob("*.yaml")), ids=lambda path: path.name)
def test_the_examples_checklists(path: Path) -> None:
    result = run_caseforge("checklist", "--format", "json", str(path))
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    validated = json.loads(run_caseforge("validate", "--format", "json", str(path)).stdout)["files"][0]["care"]
    assert body["score"] == validated, "the checklist and the validation report give the same score"
    lines = path.read_text().splitlines()
    for row in body["items"]:
        if row["status"] == "reported":
            assert row["lines"], row["item"]
            key = row["where"][0].rsplit(".", 1)[-1]
            assert key.isdigit() or key in lines[row["lines"][0] - 1], (row["item"], key, lines[row["lines"][0] - 1])


def test_profiles_lists_each_and_explains_one_element_by_element() -> None:
    listing = run_caseforge("profiles")
    assert [line.split()[0] for line in listing.stdout.splitlines()] == ["care-2016", "care-2013", "scare-2023", "bmj-case-reports", "jmcr", "cureus"]
    bmj = run_caseforge("profiles", "bmj-case-reports").stdout
    assert "Field: discussion.take_away_lessons." in bmj and "Not applicable is not accepted." in bmj
    assert "rule  At most four authors." in bmj
    wrong = run_caseforge("profiles", "scare")
    assert wrong.returncode == 2 and "scare-2023" in wrong.stderr


def test_the_profiles_page_documents_every_profile_and_rule() -> None:
    from caseforge.care.profiles import PROFILES
    from helpers import REPO

    page = (REPO / "caseforge" / "data" / "docs" / "profiles.md").read_text()
    for profile in PROFILES.values():
        assert f"## {profile.name}" in page, profile.name
        for rule in profile.rules:
            assert f"`{rule.id}`" in page, (profile.name, rule.id)
