"""The built wheel carries the schema and data: an install without the source tree works."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from helpers import CASES, MINIMAL_CASE, REPO


def _run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_installed_wheel_finds_its_schema(tmp_path: Path) -> None:
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp_path / "dist", REPO, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("caseforge-*.whl")
    assert "caseforge/data/case.schema.json" in zipfile.ZipFile(wheel).namelist()

    # A fresh environment holding only the wheel; the dependencies come from
    # this test run's environment through a path file, so nothing is
    # downloaded and the source tree is nowhere on the path.
    venv = tmp_path / "venv"
    assert _run(sys.executable, "-m", "venv", venv, cwd=tmp_path).returncode == 0
    python = venv / "bin" / "python"
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp_path).stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    installed = _run(python, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", wheel, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr

    where = _run(python, "-c", "import caseforge; print(caseforge.__file__)", cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout + where.stderr

    (tmp_path / "case.yaml").write_text(MINIMAL_CASE.replace("sex: female", "sex: F"))
    checked = _run(venv / "bin" / "caseforge", "validate", "case.yaml", *sorted(CASES.glob("*.yaml")), cwd=tmp_path)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "case.yaml:4:8: error CF204" in checked.stdout
    assert f"Checked {1 + len(list(CASES.glob('*.yaml')))} files: 1 error" in checked.stdout
