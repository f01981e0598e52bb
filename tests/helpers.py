"""Small helpers shared by the tests: run the real command, write case files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "cases"

MINIMAL_CASE = """\
title: A minimal case report
patient:
  age: {value: 62, unit: a}
  sex: female
consent: {status: obtained, given_by: patient}
"""


def run_caseforge(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`caseforge ARGS` in a new process, as a user or a hook runs it."""
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "caseforge", *args],
        cwd=cwd or REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
