"""How long the site takes to build, and how big it is: figures, not a test.

A copy of this project's site is made with N cases (the example cases,
copied under new names), then `caseforge build` runs on it. It prints the
time to generate the pages (caseforge's part), the time of the whole build
(MkDocs and Material included), per case, and the size of the built site
and of one case page.

    .venv/bin/python benchmarks/site.py [--cases N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def project(root: Path, count: int) -> None:
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site", root / "site")
    (root / "cases").mkdir()
    examples = sorted((REPO / "cases").glob("*.yaml"))
    for number in range(count):
        source = examples[number % len(examples)]
        shutil.copy(source, root / "cases" / f"{source.stem}-{number:05d}.yaml")


def size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200, help="cases in the site (default 200)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        project(root, arguments.cases)
        sys.path.insert(0, str(REPO))
        from caseforge.render.site import generate

        started = time.perf_counter()
        generated = generate(root / "cases")
        pages = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "caseforge", "build"], cwd=root, check=True, capture_output=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        whole = time.perf_counter() - started
        public = root / "public"
        page = next((public / "cases").glob("donor-*/index.html"))
        print(f"{arguments.cases} cases, {len(generated.published)} published")
        print(f"  caseforge's pages: {pages:.2f} s ({1000 * pages / arguments.cases:.1f} ms a case)")
        print(f"  whole build:       {whole:.2f} s ({1000 * whole / arguments.cases:.1f} ms a case)")
        print(f"  built site:        {size(public) / 1e6:.1f} MB; one case page {page.stat().st_size / 1e3:.0f} KB")


if __name__ == "__main__":
    main()
