"""The project configuration: where it is found, what a mistake in it says, what it changes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from caseforge.care.profiles import DEFAULT, NAMES
from caseforge.codes import CODES
from caseforge.config import ConfigError, Settings, adjust, find, load
from caseforge.diagnostics import Category, Diagnostic, Severity, make

# A profile other than the default, whichever the package has.
OTHER = next(name for name in NAMES if name != DEFAULT)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems(folder: Path, name: str, text: str) -> list[Diagnostic]:
    write(folder, name, text)
    with pytest.raises(ConfigError) as raised:
        load(folder)
    return raised.value.diagnostics


def problem(folder: Path, text: str, name: str = "caseforge.toml") -> Diagnostic:
    found = problems(folder, name, text)
    assert len(found) == 1, [item.message for item in found]
    return found[0]


# --- Finding the file -------------------------------------------------------


def test_the_file_is_found_in_a_folder_above(tmp_path: Path) -> None:
    config = write(tmp_path, "caseforge.toml", "strict = true\n")
    inner = tmp_path / "cases" / "2024"
    inner.mkdir(parents=True)
    assert find(inner) == config
    settings = load(inner)
    assert settings.strict and settings.root == tmp_path and settings.path == config


def test_the_nearest_file_wins(tmp_path: Path) -> None:
    write(tmp_path, "caseforge.toml", "strict = true\n")
    near = write(tmp_path, "cases/caseforge.toml", "strict = false\n")
    assert find(tmp_path / "cases") == near


def test_caseforge_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", f'[tool.caseforge]\nprofile = "{DEFAULT}"\n')
    own = write(tmp_path, "caseforge.toml", f'profile = "{OTHER}"\n')
    assert find(tmp_path) == own
    assert load(tmp_path).profile == OTHER


def test_a_pyproject_without_a_caseforge_table_is_passed_over(tmp_path: Path) -> None:
    above = write(tmp_path, "caseforge.toml", "strict = true\n")
    write(tmp_path, "project/pyproject.toml", '[project]\nname = "site"\n\n[tool.ruff]\nline-length = 100\n')
    assert find(tmp_path / "project") == above


def test_settings_are_read_from_pyproject(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", f"""
        [project]
        name = "site"

        [tool.caseforge]
        profile = "{OTHER}"
        strict = true

        [tool.caseforge.severity]
        CF406 = "error"
        CF409 = "off"

        [tool.caseforge.per-file-ignores]
        "cases/legacy/**" = ["CF501"]
    """)
    settings = load(tmp_path)
    assert settings.profile == OTHER and settings.strict
    assert settings.severity == {"CF406": Severity.ERROR, "CF409": None}
    assert settings.ignores == (("cases/legacy/**", frozenset({"CF501"})),)
    assert settings.root == tmp_path


def test_a_broken_pyproject_that_configures_caseforge_is_reported(tmp_path: Path) -> None:
    found = problem(tmp_path, '[tool.caseforge]\nstrict = yes\n', name="pyproject.toml")
    assert (found.line, found.column) == (2, 10)


def test_without_a_file_the_defaults_hold(tmp_path: Path) -> None:
    assert find(tmp_path) is None
    settings = load(tmp_path)
    assert settings == Settings()
    assert settings.profile == DEFAULT and not settings.strict and settings.root is None


def test_an_empty_file_means_the_defaults(tmp_path: Path) -> None:
    write(tmp_path, "caseforge.toml", "# nothing yet\n")
    settings = load(tmp_path)
    assert (settings.profile, settings.strict, settings.severity, settings.ignores) == (DEFAULT, False, {}, ())


# --- Mistakes: each a located CF003 with a hint -----------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "message", "hint"),
    [
        pytest.param("strict = yes\n", 1, 10, "The configuration is not valid TOML: invalid value.", "quotes", id="syntax"),
        pytest.param('profile = "care-2016\n', 1, 21, "not valid TOML", "not closed on its line", id="unclosed-quote"),
        pytest.param('strict = true\nseverity = {CF406 = "error"}\nprofile = """care', 3, 18, "not valid TOML: unterminated string", "not closed", id="syntax-at-end"),
        pytest.param("strict = true\nstrict = false\n", 2, 15, "not valid TOML", "twice", id="syntax-duplicate"),
        pytest.param('strict = true\nper_file_ignores = {}\n', 2, 1, "`per_file_ignores` is not a setting caseforge knows.", "Did you mean `per-file-ignores`?", id="unknown-key"),
        pytest.param("[severty]\nCF406 = \"error\"\n", 1, 2, "`severty` is not a setting", "Did you mean `severity`?", id="unknown-table"),
        pytest.param('strict = "yes"\n', 1, 1, '`strict` must be true or false, not "yes".', "without quotes", id="wrong-type"),
        pytest.param("strict = true\n\nprofile = 2016\n", 3, 1, "`profile` must be one of the profiles caseforge knows, not 2016.", '"care-2016"', id="profile-type"),
        pytest.param('profile = "care2016"\n', 1, 11, 'There is no profile "care2016"; did you mean "care-2016"?', '"care-2016", "care-2013"', id="unknown-profile"),
        pytest.param('strict = true\nprofile = "nejm"\n', 2, 11, 'There is no profile "nejm".', "The profiles are", id="unknown-profile-no-guess"),
        pytest.param('severity = "high"\n', 1, 1, "`severity` must be a table of codes and levels", "[severity]", id="severity-type"),
        pytest.param('[severity]\nCF406 = "error"\nCF4O6 = "off"\n', 3, 1, "`CF4O6` is not a caseforge code.", "Did you mean `CF406`?", id="unknown-code"),
        pytest.param('[severity]\ntimeline-order = "error"\n', 2, 1, "`timeline-order` is not a caseforge code.", "`timeline-order` is the name of CF406", id="name-for-code"),
        pytest.param('[severity]\nCF406 = "warn"\n', 2, 1, '`CF406` must be "error", "warning", "info" or "off", not "warn".', 'Did you mean "warning"?', id="unknown-level"),
        pytest.param("[severity]\nCF406 = false\n", 2, 1, "not false.", 'CF406 = "error"', id="level-type"),
        pytest.param('[per-file-ignores]\n"cases/**" = ["CF406", "CF999"]\n', 2, 24, "`CF999` is not a caseforge code.", "Did you mean", id="unknown-ignored-code"),
        pytest.param('[per-file-ignores]\n"*.yaml" = ["ALL"]\n', 2, 13, "`ALL` is not a caseforge code.", "CF and three digits", id="no-close-code"),
        pytest.param('[per-file-ignores]\n"cases/**" = [\n  "CF406",\n  "CF40",\n]\n', 4, 3, "`CF40` is not a caseforge code.", "Did you mean", id="code-in-long-list"),
        pytest.param('[per-file-ignores]\n"cases/**" = "CF406"\n', 2, 1, '`"cases/**"` in `per-file-ignores` must be a list of codes, not "CF406".', '"cases/**" = ["CF406"]', id="ignores-not-a-list"),
        pytest.param('severity = {CF406 = "error", CF409 = "of"}\n', 1, 30, "not \"of\".", 'Did you mean "off"?', id="inline-table"),
        pytest.param('[per-file-ignores]\n"*.yaml" = ["CF001"]\n', 2, 13, "`CF001` cannot be switched off or changed", "Remove CF001", id="cf001-not-ignorable"),
        pytest.param('[severity]\nCF003 = "off"\n', 2, 1, "`CF003` cannot be switched off or changed", "Remove CF003", id="cf003-not-silenced"),
        pytest.param('[severity]\ncf001 = "info"\n', 2, 1, "`cf001` cannot be switched off or changed", "Remove cf001", id="cf001-lower-case-not-silenced"),
        pytest.param('[severity]\nCF104 = "off"\n', 2, 1, "`CF104` cannot be switched off or changed: a case that cannot be read as YAML", "Remove CF104", id="cf1xx-not-silenced"),
        pytest.param('[severity]\nCF204 = "warning"\n', 2, 1, "`CF204` cannot be switched off or changed: a case whose structure is wrong", "Remove CF204", id="cf2xx-level-refused"),
        pytest.param('[per-file-ignores]\n"legacy/**" = ["CF406", "cf202"]\n', 2, 25, "`cf202` cannot be switched off or changed", "Remove cf202", id="cf2xx-not-ignorable"),
        pytest.param('[per-file-ignores]\n"**" = ["CF299"]\n', 2, 9, "`CF299` cannot be switched off", "Remove CF299", id="cf299-not-ignorable"),
        pytest.param('[severity]\nCF005 = "off"\n', 2, 1, "`CF005` cannot be switched off or changed: it is about the report itself", "Remove CF005", id="cf0xx-not-silenced"),
        pytest.param('[severity]\nCF406 = "error"\ncf406 = "off"\n', 3, 1, "`cf406` is the same code as `CF406`", "Keep one", id="same-code-twice"),
        pytest.param('[severity]\ncf4o6 = "off"\n', 2, 1, "`cf4o6` is not a caseforge code.", "Did you mean `CF406`?", id="unknown-lower-case-code"),
    ],
)
def test_a_mistake_is_located_and_explained(tmp_path: Path, text: str, line: int, column: int, message: str, hint: str) -> None:
    found = problem(tmp_path, text)
    assert (found.code, found.severity, found.category) == ("CF003", Severity.ERROR, Category.SYNTAX)
    assert (found.line, found.column) == (line, column), found
    assert message in found.message and found.message.endswith((".", "?")), found.message
    assert found.hint and hint in found.hint, found.hint
    assert Path(found.file).name == "caseforge.toml"


def test_an_unknown_profile_lists_the_profiles(tmp_path: Path) -> None:
    found = problem(tmp_path, 'profile = "care2016"\n')
    assert found.message == 'There is no profile "care2016"; did you mean "care-2016"?'
    assert (found.line, found.column, found.pointer) == (1, 11, "/profile")
    assert found.hint and all(f'"{name}"' in found.hint for name in NAMES)


def test_the_untouchable_codes_are_the_files_reading_and_schema_families() -> None:
    from caseforge.config import UNTOUCHABLE

    assert UNTOUCHABLE == {code for code in CODES if code.startswith(("CF0", "CF1", "CF2"))} - {"CF002", "CF004"}
    assert "CF004" not in UNTOUCHABLE, "a project may choose not to hear about unused suppressions"
    assert {"CF001", "CF003", "CF101", "CF109", "CF201", "CF299"} <= UNTOUCHABLE
    assert not UNTOUCHABLE & {"CF301", "CF406", "CF501", "CF702"}


def test_every_structure_code_is_refused_in_the_settings(tmp_path: Path) -> None:
    from caseforge.config import UNTOUCHABLE

    codes = sorted(UNTOUCHABLE)
    lines = "\n".join(f'{code} = "off"' for code in codes)
    found = problems(tmp_path, "caseforge.toml", f"[severity]\n{lines}\n")
    assert [item.line for item in found] == list(range(2, len(codes) + 2))
    assert all(item.code == "CF003" and "cannot be switched off or changed" in item.message for item in found)


def test_a_key_is_located_in_its_own_table(tmp_path: Path) -> None:
    # `strict` of another tool's table comes first; caseforge's is the one meant.
    found = problem(tmp_path, """
        [tool.mypy]
        strict = true

        [tool.caseforge]
        strict = "yes"
    """, name="pyproject.toml")
    assert (found.line, found.column, found.pointer) == (5, 1, "/tool/caseforge/strict")


def test_a_code_is_located_in_its_own_table(tmp_path: Path) -> None:
    found = problem(tmp_path, """
        [per-file-ignores]
        "drafts/**" = ["CF406"]

        [severity]
        CF406 = "warn"
    """)
    assert (found.line, found.column, found.pointer) == (5, 1, "/severity/CF406")


def test_every_mistake_is_reported_at_once(tmp_path: Path) -> None:
    found = problems(tmp_path, "caseforge.toml", """
        profile = "care"
        strict = 1
        colour = "auto"

        [severity]
        CF406 = "loud"
    """)
    # The profile is placed at its value, the others at their keys.
    assert sorted((item.line, item.column) for item in found) == [(1, 11), (2, 1), (3, 1), (6, 1)]


def test_a_wrong_caseforge_table_in_pyproject_is_reported(tmp_path: Path) -> None:
    found = problem(tmp_path, '[tool]\ncaseforge = "strict"\n', name="pyproject.toml")
    assert (found.line, found.column, found.pointer) == (2, 1, "/tool/caseforge")


def test_a_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    (tmp_path / "caseforge.toml").write_bytes(b'strict = true\nprofile = "caf\xe9"\n')
    with pytest.raises(ConfigError) as raised:
        load(tmp_path)
    (found,) = raised.value.diagnostics
    assert (found.code, found.line) == ("CF003", 2) and "UTF-8" in found.message


def test_config_invalid_is_a_documented_code() -> None:
    entry = CODES["CF003"]
    assert (entry.name, entry.category, entry.severity) == ("config-invalid", Category.SYNTAX, Severity.ERROR)
    assert "caseforge.toml" in entry.explanation and "[tool.caseforge]" in entry.explanation


# --- What the settings change -----------------------------------------------


def report(code: str, file: str = "case.yaml") -> Diagnostic:
    return make(code, file, "A finding.")


def settings_of(folder: Path, text: str) -> Settings:
    write(folder, "caseforge.toml", text)
    return load(folder)


def kept(settings: Settings, path: str, *codes: str) -> list[tuple[str, str]]:
    return [(item.code, item.severity.value) for item in adjust(settings, path, [report(code, path) for code in codes])]


GLOBS = """
    [per-file-ignores]
    "cases/legacy/**" = ["CF406"]
    "*.yaml" = ["CF409"]
    "**/draft-*.yaml" = ["CF501"]
"""


@pytest.mark.parametrize(
    ("path", "ignored"),
    [
        ("cases/legacy/a.yaml", {"CF406"}),
        ("cases/legacy/1990s/b.yaml", {"CF406"}),
        ("cases/legacy-new/a.yaml", set()),
        ("cases/a.yaml", set()),
        ("top.yaml", {"CF409"}),
        ("draft-1.yaml", {"CF409", "CF501"}),
        ("cases/2024/draft-1.yaml", {"CF501"}),
        ("cases/legacy/draft-x.yaml", {"CF406", "CF501"}),
        ("cases/2024/final-draft-1.yaml", set()),
    ],
)
def test_per_file_ignores_match_globs_from_the_config_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, ignored: set[str]) -> None:
    monkeypatch.chdir(tmp_path)
    settings = settings_of(tmp_path, GLOBS)
    remaining = {code for code, _ in kept(settings, path, "CF406", "CF409", "CF501")}
    assert {"CF406", "CF409", "CF501"} - remaining == ignored


def test_a_path_is_taken_from_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_of(tmp_path, GLOBS)
    (tmp_path / "cases").mkdir()
    monkeypatch.chdir(tmp_path / "cases")
    assert kept(settings, "legacy/a.yaml", "CF406") == []
    assert kept(settings, "./legacy/../legacy/a.yaml", "CF406") == []
    assert kept(settings, "a.yaml", "CF406", "CF409") == [("CF406", "warning"), ("CF409", "warning")]
    assert kept(settings, str(tmp_path / "cases/legacy/a.yaml"), "CF406") == []


def test_a_file_outside_the_config_folder_is_not_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_of(tmp_path / "project", GLOBS)
    monkeypatch.chdir(tmp_path)
    assert kept(settings, "elsewhere.yaml", "CF409") == [("CF409", "warning")]


def test_codes_in_lower_case_are_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = settings_of(tmp_path, '[severity]\ncf406 = "error"\nCf409 = "off"\n\n[per-file-ignores]\n"*.yaml" = ["cf501", " CF702 "]\n')
    assert settings.severity == {"CF406": Severity.ERROR, "CF409": None}
    assert settings.ignores == (("*.yaml", frozenset({"CF501", "CF702"})),)
    assert kept(settings, "a.yaml", "CF406", "CF409", "CF501", "CF702", "CF701") == [("CF406", "error"), ("CF701", "error")]


def test_a_severity_replaces_the_codes_own(tmp_path: Path) -> None:
    settings = settings_of(tmp_path, '[severity]\nCF406 = "error"\nCF701 = "warning"\nCF302 = "info"\n')
    assert kept(settings, "a.yaml", "CF406", "CF701", "CF302", "CF409") == [
        ("CF406", "error"), ("CF701", "warning"), ("CF302", "info"), ("CF409", "warning"),
    ]


def test_a_code_set_off_is_not_reported(tmp_path: Path) -> None:
    settings = settings_of(tmp_path, '[severity]\nCF409 = "off"\n')
    assert kept(settings, "a.yaml", "CF409", "CF406") == [("CF406", "warning")]


def test_strict_makes_care_warnings_errors(tmp_path: Path) -> None:
    settings = settings_of(tmp_path, "strict = true\n")
    # CF501 is a CARE warning; CF406 is a warning of the dates family.
    assert kept(settings, "a.yaml", "CF501", "CF406") == [("CF501", "error"), ("CF406", "warning")]


def test_an_explicit_severity_wins_over_strict(tmp_path: Path) -> None:
    settings = settings_of(tmp_path, 'strict = true\n\n[severity]\nCF501 = "info"\n')
    assert kept(settings, "a.yaml", "CF501") == [("CF501", "info")]


def test_without_strict_care_warnings_stay_warnings(tmp_path: Path) -> None:
    assert kept(settings_of(tmp_path, f'profile = "{DEFAULT}"\n'), "a.yaml", "CF501") == [("CF501", "warning")]


def test_an_unreadable_file_and_the_config_itself_cannot_be_silenced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Settings built in code, past load()'s refusal: adjust() still keeps them.
    monkeypatch.chdir(tmp_path)
    settings = Settings(
        strict=True,
        severity={"CF001": None, "CF003": Severity.INFO},
        ignores=(("**", frozenset({"CF001", "CF003", "CF406"})),),
        root=tmp_path,
    )
    assert kept(settings, "gone.yaml", "CF001", "CF003", "CF406") == [("CF001", "error"), ("CF003", "error")]


def test_structure_codes_cannot_be_silenced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Past load()'s refusal too: a case that is not YAML, or has the wrong
    # structure, was not checked further, so adjust() keeps its codes as they are.
    monkeypatch.chdir(tmp_path)
    settings = Settings(
        severity={"CF104": None, "CF204": Severity.INFO, "CF302": Severity.INFO},
        ignores=(("**", frozenset({"CF101", "CF202", "CF299", "CF406"})),),
        root=tmp_path,
    )
    codes = ("CF101", "CF104", "CF202", "CF204", "CF299", "CF302", "CF406")
    assert kept(settings, "a.yaml", *codes) == [
        ("CF101", "error"), ("CF104", "error"), ("CF202", "error"), ("CF204", "error"), ("CF299", "error"), ("CF302", "info"),
    ]


def test_adjust_keeps_everything_else_of_a_diagnostic(tmp_path: Path) -> None:
    settings = settings_of(tmp_path, '[severity]\nCF406 = "error"\n')
    original = make("CF406", "a.yaml", "Out of order.", pointer="/timeline/2", line=14, column=5)
    (changed,) = adjust(settings, "a.yaml", [original])
    assert changed.severity is Severity.ERROR
    assert (changed.file, changed.message, changed.pointer, changed.line, changed.column, changed.hint) == (
        original.file, original.message, original.pointer, original.line, original.column, original.hint,
    )
