"""caseforge as a pre-commit hook, with the real pre-commit framework, in a
temporary git repository of case reports: a commit with a broken case is
refused with the located diagnostic; a clean one goes through.

The hook repository is a snapshot of this checkout (so the test checks the
code as it is, committed or not), always at build/pre-commit-hook-repo and
committed with a fixed date, so that unchanged code has the same commit and
pre-commit installs caseforge into its environment only once (its cache is
build/pre-commit-home).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import COMPLETE_CASE, MINIMAL_CASE, REPO

HOOK_FILES = ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml", "caseforge")


def git(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=_git_env())


def _git_env() -> dict[str, str]:
    return {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "PRE_COMMIT_HOME": str(REPO / "build" / "pre-commit-home"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def hook_repository(root: Path) -> tuple[Path, str]:
    """A git repository holding this checkout's package and hook definition."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for name in HOOK_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy(source, root / name)
    git("init", "-q", cwd=root)
    git("add", "-A", cwd=root)
    fixed = {"GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}
    subprocess.run(["git", "commit", "-q", "-m", "caseforge"], cwd=root, check=True, capture_output=True, env={**_git_env(), **fixed})
    return root, git("rev-parse", "HEAD", cwd=root).stdout.strip()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("pre-commit", path=_git_env()["PATH"]) is None:
        pytest.fail("pre-commit is not installed: bash scripts/test.sh installs it (the `test` extra).")
    base = tmp_path_factory.mktemp("precommit")
    hooks, revision = hook_repository(REPO / "build" / "pre-commit-hook-repo")
    cases = base / "reports"
    cases.mkdir()
    git("init", "-q", cwd=cases)
    config = {"repos": [{"repo": str(hooks), "rev": revision, "hooks": [{"id": "caseforge-validate"}]}]}
    (cases / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    git("add", ".pre-commit-config.yaml", cwd=cases)
    git("commit", "-q", "-m", "configuration", cwd=cases)
    installed = subprocess.run(["pre-commit", "install"], cwd=cases, capture_output=True, text=True, env=_git_env())
    assert installed.returncode == 0, installed.stderr
    return cases


def test_a_commit_with_a_broken_case_is_refused_with_the_located_diagnostic(project: Path) -> None:
    (project / "cases").mkdir(exist_ok=True)
    (project / "cases" / "broken.yaml").write_text(MINIMAL_CASE.replace("sex: female", "sex: F"))
    git("add", "cases/broken.yaml", cwd=project)
    result = git("commit", "-m", "a broken case", cwd=project)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "cases/broken.yaml:4:8: error CF204" in output
    assert "Did you mean `female`?" in output
    assert git("log", "--oneline", cwd=project).stdout.count("\n") == 1, "nothing was committed"


def test_a_commit_with_a_clean_case_goes_through(project: Path) -> None:
    (project / "cases" / "broken.yaml").write_text(COMPLETE_CASE)
    (project / "cases" / "notes.txt").write_text("not a case")
    git("add", "-A", cwd=project)
    result = git("commit", "-m", "a clean case", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "caseforge validate" in result.stdout + result.stderr and "Passed" in result.stdout + result.stderr


def test_only_the_files_being_committed_are_checked(project: Path) -> None:
    (project / "cases" / "untracked-broken.yaml").write_text("title: [")
    (project / "cases" / "second.yaml").write_text(COMPLETE_CASE)
    git("add", "cases/second.yaml", cwd=project)
    result = git("commit", "-m", "another clean case", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr


def test_this_repository_uses_its_own_hook() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    (hook,) = [hook for repo in config["repos"] for hook in repo["hooks"]]
    published = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == published[0]["id"] == "caseforge-validate"
    assert hook["files"] == published[0]["files"]
