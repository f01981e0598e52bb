"""`caseforge validate --format github|sarif`, for CI: GitHub Actions
annotations, SARIF 2.1.0 checked against the official schema, and the
example workflow that uses both."""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from pathlib import Path

import jsonschema
import pytest
import yaml

from caseforge import reporters
from caseforge.codes import CODES
from caseforge.diagnostics import Category, Diagnostic, Severity, make
from caseforge.validate import FileReport
from helpers import COMPLETE_CASE, MINIMAL_CASE, REPO, run_caseforge

BROKEN = MINIMAL_CASE.replace("sex: female", "sex: F")
SARIF_DATA = Path(__file__).parent / "data" / "sarif"
WORKFLOW = REPO / ".github" / "workflows" / "cases.yml"


def diagnostic(code: str = "CF203", severity: Severity = Severity.ERROR, **fields: object) -> Diagnostic:
    values: dict[str, object] = {"file": "cases/a.yaml", "message": "Something is wrong.", "hint": None, "pointer": None, "line": 3, "column": 8}
    values.update(fields)
    return Diagnostic(code=code, severity=severity, category=CODES[code].category if code in CODES else Category.SCHEMA, **values)  # type: ignore[arg-type]


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command read back as the GitHub runner reads it:
    ``::name key=value,...::message``, with the escapes undone."""
    match = re.fullmatch(r"::(\w+) ([^:]*)::(.*)", line)
    assert match, f"not a workflow command: {line!r}"
    name, listed, data = match.groups()

    def undo(value: str, is_property: bool) -> str:
        if is_property:
            value = value.replace("%3A", ":").replace("%2C", ",")
        return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")

    properties = {}
    for pair in listed.split(","):
        key, _, value = pair.partition("=")
        properties[key] = undo(value, True)
    return name, properties, undo(data, False)


# --- GitHub Actions annotations ---------------------------------------------


def test_github_escapes_data_and_properties() -> None:
    item = diagnostic(file="cases/a,b:c%.yaml", message="Rose 50%,\r\nthen fell: twice.", hint="Write it as: `{value: 50, unit: '%'}`.")
    line = reporters.github_annotation(item)
    assert line == (
        "::error file=cases/a%2Cb%3Ac%25.yaml,line=3,col=8,endLine=3,title=CF203 wrong-type"
        "::Rose 50%25,%0D%0Athen fell: twice.%0Ahint: Write it as: `{value: 50, unit: '%25'}`."
    )
    assert "\n" not in line and "\r" not in line
    name, properties, message = parse_command(line)
    assert name == "error"
    assert properties == {"file": "cases/a,b:c%.yaml", "line": "3", "col": "8", "endLine": "3", "title": "CF203 wrong-type"}
    assert message == "Rose 50%,\r\nthen fell: twice.\nhint: Write it as: `{value: 50, unit: '%'}`."


@pytest.mark.parametrize(("severity", "command"), [(Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "notice")])
def test_github_levels(severity: Severity, command: str) -> None:
    assert reporters.github_annotation(diagnostic(severity=severity)).startswith(f"::{command} file=cases/a.yaml,")


def test_github_file_without_line_has_no_line_property() -> None:
    item = make("CF001", "nowhere.yaml", "There is no file `nowhere.yaml`.")
    name, properties, message = parse_command(reporters.github_annotation(item))
    assert name == "error"
    assert properties == {"file": "nowhere.yaml", "title": "CF001 file-unreadable"}
    assert message == "There is no file `nowhere.yaml`.\nhint: " + CODES["CF001"].fix_hint


def test_github_column_defaults_to_1_when_only_the_line_is_known() -> None:
    _, properties, _ = parse_command(reporters.github_annotation(diagnostic(column=None)))
    assert (properties["line"], properties["col"]) == ("3", "1")


def test_github_clean_case_prints_the_care_line_and_summary(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(COMPLETE_CASE)
    result = run_caseforge("validate", "--format", "github", "good.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "good.yaml: CARE 2016 30/30: complete\nChecked 1 file: no problems found.\n"


def test_github_broken_case_exits_1_with_an_annotation_and_the_summary(tmp_path: Path) -> None:
    (tmp_path / "bad, v2: draft.yaml").write_text(BROKEN)
    result = run_caseforge("validate", "--format", "github", ".", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    first, summary = result.stdout.splitlines()
    assert first.startswith("::error file=bad%2C v2%3A draft.yaml,line=4,col=8,endLine=4,title=CF204 value-not-allowed::`patient.sex` is `F`")
    assert first.endswith("%0Ahint: Did you mean `female`?")
    assert summary == "Checked 1 file: 1 error, 0 warnings in 1 file."


def test_github_unreadable_path_exits_2(tmp_path: Path) -> None:
    result = run_caseforge("validate", "--format", "github", "nowhere.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout.startswith("::error file=nowhere.yaml,title=CF001 file-unreadable::There is no file `nowhere.yaml`.")


def test_github_path_given_absolute_is_made_relative(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BROKEN)
    result = run_caseforge("validate", "--format", "github", str(tmp_path / "bad.yaml"), cwd=tmp_path)
    assert result.stdout.startswith("::error file=bad.yaml,line=4,")


def test_plain_lines_cannot_become_commands(tmp_path: Path) -> None:
    """A file name with a line break stays on its CARE line."""
    from dataclasses import replace

    from caseforge.validate import validate_file

    (tmp_path / "good.yaml").write_text(COMPLETE_CASE)
    report = replace(validate_file(str(tmp_path / "good.yaml")), path="x\n::warning::injected")
    assert report.care is not None
    lines = reporters.github([report]).splitlines()
    assert lines == ["x\\n::warning::injected: CARE 2016 30/30: complete", "Checked 1 file: no problems found."]


# --- SARIF ------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, object]:
    return json.loads((SARIF_DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def assert_valid_sarif(document: dict[str, object], schema: dict[str, object]) -> None:
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{list(error.absolute_path)}: {error.message}" for error in errors)


def test_the_schema_is_the_official_one_unchanged(sarif_schema: dict[str, object]) -> None:
    data = (SARIF_DATA / "sarif-schema-2.1.0.json").read_bytes()
    recorded = re.search(r"SHA-256\s+`([0-9a-f]{64})`", (SARIF_DATA / "SOURCE.md").read_text(encoding="utf-8"))
    assert recorded and hashlib.sha256(data).hexdigest() == recorded.group(1)
    assert sarif_schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    jsonschema.Draft4Validator.check_schema(sarif_schema)


def test_the_schema_catches_a_broken_log(sarif_schema: dict[str, object]) -> None:
    """The check below would be worthless if the schema let anything through."""
    validator = jsonschema.Draft4Validator(sarif_schema)
    assert not validator.is_valid({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]})
    assert not validator.is_valid({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"level": "info", "message": {"text": "x"}}]}]})


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "good.yaml").write_text(COMPLETE_CASE)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "bad case, 1.yml").write_text(BROKEN)
    (tmp_path / "empty").mkdir()
    return tmp_path


def test_sarif_from_the_command_is_valid_against_the_official_schema(folder: Path, sarif_schema: dict[str, object]) -> None:
    result = run_caseforge("validate", "--format", "sarif", "good.yaml", "sub", "empty", "gone.yaml", cwd=folder)
    assert result.returncode == 2, "a path that cannot be read still makes the exit status 2"
    document = json.loads(result.stdout)
    assert_valid_sarif(document, sarif_schema)
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json" and document["version"] == "2.1.0"
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "caseforge" and driver["version"]
    assert run["invocations"] == [{"executionSuccessful": False}]
    assert run["properties"]["care"]["good.yaml"]["met"] == 30
    assert run["properties"]["summary"].startswith("Checked 2 files (2 paths could not be read)")


def test_sarif_exit_statuses(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(COMPLETE_CASE)
    (tmp_path / "bad.yaml").write_text(BROKEN)
    clean = run_caseforge("validate", "--format", "sarif", "good.yaml", cwd=tmp_path)
    assert clean.returncode == 0 and json.loads(clean.stdout)["runs"][0]["results"] == []
    assert json.loads(clean.stdout)["runs"][0]["tool"]["driver"]["rules"] == []
    broken = run_caseforge("validate", "--format", "sarif", "bad.yaml", "good.yaml", cwd=tmp_path)
    assert broken.returncode == 1


def test_sarif_rules_only_for_codes_used_and_rule_index_consistent(folder: Path, sarif_schema: dict[str, object]) -> None:
    (folder / "more.yaml").write_text(MINIMAL_CASE.replace("sex: female", "sex: F").replace("age: {value: 62, unit: a}", "age: 62 years"))
    result = run_caseforge("validate", "--format", "sarif", ".", "gone.yaml", cwd=folder)
    run = json.loads(result.stdout)["runs"][0]
    rules, results = run["tool"]["driver"]["rules"], run["results"]
    used = {item["ruleId"] for item in results}
    assert {"CF001", "CF203", "CF204"} <= used
    assert [rule["id"] for rule in rules] == sorted(used), "one rule per code used, no more, in code order"
    for item in results:
        rule = rules[item["ruleIndex"]]
        assert rule["id"] == item["ruleId"]
    rule = rules[[r["id"] for r in rules].index("CF203")]
    entry = CODES["CF203"]
    assert rule["name"] == entry.name
    assert rule["shortDescription"]["text"] == entry.summary
    assert rule["fullDescription"]["text"] == entry.explanation
    assert entry.fix_hint in rule["help"]["text"] and entry.example in rule["help"]["text"] and entry.fixed in rule["help"]["text"]
    assert rule["defaultConfiguration"]["level"] == "error"


def test_sarif_result_location_message_and_pointer(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BROKEN)
    run = json.loads(run_caseforge("validate", "--format", "sarif", "bad.yaml", cwd=tmp_path).stdout)["runs"][0]
    (item,) = run["results"]
    assert item["ruleId"] == "CF204" and item["level"] == "error"
    assert item["message"]["text"].startswith("`patient.sex` is `F`")
    assert item["message"]["text"].endswith("\nhint: Did you mean `female`?")
    assert item["locations"] == [{"physicalLocation": {"artifactLocation": {"uri": "bad.yaml", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 4, "startColumn": 8}}}]
    assert item["properties"]["pointer"] == "/patient/sex"


def test_sarif_unreadable_file_is_a_cf001_result_without_region(tmp_path: Path, sarif_schema: dict[str, object]) -> None:
    result = run_caseforge("validate", "--format", "sarif", "gone.yaml", cwd=tmp_path)
    assert result.returncode == 2
    document = json.loads(result.stdout)
    assert_valid_sarif(document, sarif_schema)
    (item,) = document["runs"][0]["results"]
    assert item["ruleId"] == "CF001" and item["level"] == "error"
    assert item["locations"] == [{"physicalLocation": {"artifactLocation": {"uri": "gone.yaml", "uriBaseId": "%SRCROOT%"}}}]
    assert "pointer" not in item["properties"]


# Characters a URI reference may hold (RFC 3986: unreserved, reserved, and % for escapes).
URI_REFERENCE = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")


def test_sarif_uris_are_relative_posix_and_percent_encoded(folder: Path) -> None:
    inner = folder / "inner"
    inner.mkdir()
    (folder / "outside.yaml").write_text(BROKEN)
    result = run_caseforge("validate", "--format", "sarif", str(folder / "sub"), cwd=folder)
    locations = [item["locations"][0]["physicalLocation"]["artifactLocation"] for item in json.loads(result.stdout)["runs"][0]["results"]]
    assert {"uri": "sub/bad%20case%2C%201.yml", "uriBaseId": "%SRCROOT%"} in locations, "an absolute path inside the folder is made relative"
    result = run_caseforge("validate", "--format", "sarif", "../outside.yaml", cwd=inner)
    (outside,) = [item["locations"][0]["physicalLocation"]["artifactLocation"] for item in json.loads(result.stdout)["runs"][0]["results"]]
    assert outside == {"uri": (folder / "outside.yaml").resolve().as_uri()}, "a file outside the folder gets an absolute file: URI"
    for location in locations + [outside]:
        assert URI_REFERENCE.fullmatch(location["uri"]), location
        assert "\\" not in location["uri"]


def test_sarif_levels_follow_the_diagnostic_and_rules_the_code(sarif_schema: dict[str, object]) -> None:
    items = [
        diagnostic("CF203", Severity.ERROR),
        diagnostic("CF501", Severity.ERROR, message="Raised to an error by the project's settings."),
        diagnostic("CF004", Severity.WARNING, line=None, column=None),
        diagnostic("CF002", Severity.INFO, pointer="/timeline"),
    ]
    document = reporters.sarif_document([FileReport("cases/a.yaml", items)])
    assert_valid_sarif(document, sarif_schema)
    run = document["runs"][0]
    assert [item["level"] for item in run["results"]] == ["error", "error", "warning", "note"]
    defaults = {rule["id"]: rule["defaultConfiguration"]["level"] for rule in run["tool"]["driver"]["rules"]}
    assert defaults == {"CF002": "note", "CF004": "warning", "CF203": "error", "CF501": "warning"}
    assert "region" not in run["results"][2]["locations"][0]["physicalLocation"]


# --- the example workflow ---------------------------------------------------


def workflow() -> dict[object, object]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def caseforge_commands() -> list[list[str]]:
    """Every `caseforge ...` the workflow runs, as arguments, up to a redirection or `||`."""
    found = []
    for job in workflow()["jobs"].values():
        for step in job["steps"]:
            for line in str(step.get("run", "")).splitlines():
                words = shlex.split(line)
                if words[:1] == ["caseforge"]:
                    cut = next((i for i, word in enumerate(words) if word in {">", "||", "&&", "|", ";"}), len(words))
                    found.append(words[1:cut])
    return found


def test_workflow_is_valid_yaml_with_the_triggers_and_jobs() -> None:
    document = workflow()
    triggers = document.get("on", document.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    assert {"check", "site", "deploy"} <= set(document["jobs"])


def test_workflow_runs_commands_that_exist() -> None:
    from caseforge.cli import main

    commands = caseforge_commands()
    assert ["validate", "--format", "github", "cases/"] in commands
    assert ["validate", "--format", "sarif", "cases/"] in commands
    assert ["build", "--strict"] in commands
    for name, *arguments in commands:
        command = main.commands[name]
        with command.make_context(name, list(arguments)):  # parses as the command line would; raises on a bad option
            pass


def test_workflow_uploads_sarif_and_deploys_pages_with_the_right_permissions() -> None:
    jobs = workflow()["jobs"]
    uses = {job: [step.get("uses", "") for step in body["steps"]] for job, body in jobs.items()}
    assert any(use.startswith("github/codeql-action/upload-sarif@") for use in uses["check"])
    assert jobs["check"]["permissions"]["security-events"] == "write"
    upload = next(step for step in jobs["site"]["steps"] if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    site_dir = re.search(r"^site_dir:\s*(\S+)", (REPO / "mkdocs.yml").read_text(encoding="utf-8"), re.MULTILINE)
    assert site_dir and upload["with"]["path"] == site_dir.group(1)
    assert any(use.startswith("actions/deploy-pages@") for use in uses["deploy"])
    assert jobs["deploy"]["needs"] == "site"
    assert jobs["deploy"]["permissions"]["pages"] == "write" and jobs["deploy"]["permissions"]["id-token"] == "write"
    assert jobs["deploy"]["environment"]["name"] == "github-pages"


def test_documented_examples_are_what_the_formats_give(sarif_schema: dict[str, object]) -> None:
    """The examples in output-formats.md: SARIF valid against the schema, the
    annotation read back as GitHub reads it."""
    page = (REPO / "caseforge" / "data" / "docs" / "output-formats.md").read_text(encoding="utf-8")
    github_part = page.split("## GitHub Actions", 1)[1].split("## SARIF", 1)[0]
    annotation = github_part.split("```text\n", 1)[1].split("\n", 1)[0]
    name, properties, message = parse_command(annotation)
    assert (name, properties["title"], properties["line"]) == ("error", "CF203 wrong-type", "12")
    assert "\nhint: " in message
    sarif_part = page.split("## SARIF", 1)[1]
    example = json.loads(sarif_part.split("```json\n", 1)[1].split("```", 1)[0])
    assert_valid_sarif(example, sarif_schema)
    assert set(example["runs"][0]["results"][0]) == set(reporters.sarif_document([FileReport("a.yaml", [diagnostic(pointer="/p")])])["runs"][0]["results"][0])
