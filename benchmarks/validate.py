"""How fast is `caseforge validate`, next to check-jsonschema on the same files?

What it measures
    1. Throughput: the wall time of one `caseforge validate DIR` process over a
       corpus of N generated case files (best and median of --repeat runs),
       as cases per second.
    2. Single file: the wall time of `caseforge validate FILE` in a fresh
       process (best and median of --single-repeat runs); for one file this
       is mostly start-up (interpreter, imports, schema compilation).
    3. The same two figures for `check-jsonschema --schemafile
       schema/case.schema.json FILES...` with the same schema and files, and
       the ratios between the tools, next to their targets.

The corpus is made from every cases/*.yaml (cycled), with the title and each
numeric `value:` varied so that no two files are the same; every generated
file is checked once with both tools before anything is timed (that run also
warms the file cache). check-jsonschema is installed, pinned, into its own
virtualenv under benchmarks/ the first time it is needed.

Run it from the project's virtualenv:

    .venv/bin/python benchmarks/validate.py                 # full run
    .venv/bin/python benchmarks/validate.py --cases 200 --skip-check-jsonschema
    .venv/bin/python benchmarks/validate.py --json          # figures as JSON too

It only prints figures; nothing here asserts on a timing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = ROOT / "cases"
SCHEMA = ROOT / "schema" / "case.schema.json"
EXAMPLE_CASE = CASES_DIR / "donor-car-t-extramedullary-relapse.yaml"

CHECK_JSONSCHEMA_VERSION = "0.39.0"
CHECK_JSONSCHEMA_VENV = Path(__file__).resolve().parent / ".venv-check-jsonschema"

TARGET_THROUGHPUT_RATIO = 10.0  # caseforge cases/s over check-jsonschema cases/s
TARGET_SINGLE_FILE_RATIO = 1.0  # check-jsonschema seconds over caseforge seconds

# `value: 12`, `value: 2.99`, `value: -3` as a block or flow mapping member;
# not `value: {...}` and not keys that merely end in "value".
_NUMERIC_VALUE = re.compile(
    r"(?P<key>(?<![\w-])value:[ \t]*)(?P<number>-?\d+(?:\.\d+)?)(?=[ \t]*(?:[,}\n#]|$))",
    re.MULTILINE,
)
# The title as a block scalar (`title: >-` then indented lines) or on one line.
_BLOCK_TITLE = re.compile(r"^(?P<head>title:[ \t]*[>|][-+]?[ \t]*\n[ \t]+)", re.MULTILINE)
_INLINE_TITLE = re.compile(r"^(?P<head>title:[ \t]*[\"']?)(?=\S)", re.MULTILINE)


# --------------------------------------------------------------------------- tools


def caseforge_command() -> list[str]:
    """The `caseforge` console script next to this interpreter, else on PATH."""
    bin_dir = Path(sys.executable).parent  # not resolved: keep the venv's bin/
    for name in ("caseforge", "caseforge.exe"):
        if (bin_dir / name).is_file():
            return [str(bin_dir / name)]
    found = shutil.which("caseforge")
    if found is None:
        sys.exit("benchmark: no `caseforge` command next to the interpreter or on PATH; "
                 "install the project (pip install -e .) first.")
    return [found]


def _venv_executable(venv: Path, name: str) -> Path:
    scripts = venv / ("Scripts" if os.name == "nt" else "bin")
    return scripts / (name + (".exe" if os.name == "nt" else ""))


def _installed_version(command: Path) -> str | None:
    if not command.is_file():
        return None
    result = subprocess.run([str(command), "--version"], capture_output=True, text=True)
    match = re.search(r"\d+\.\d+\.\d+", result.stdout + result.stderr)
    return match.group(0) if result.returncode == 0 and match else None


def ensure_check_jsonschema() -> list[str]:
    """check-jsonschema, pinned, in its own virtualenv; installed only if missing."""
    command = _venv_executable(CHECK_JSONSCHEMA_VENV, "check-jsonschema")
    if _installed_version(command) == CHECK_JSONSCHEMA_VERSION:
        return [str(command)]
    print(f"Installing check-jsonschema=={CHECK_JSONSCHEMA_VERSION} into {CHECK_JSONSCHEMA_VENV} ...",
          file=sys.stderr)
    if not _venv_executable(CHECK_JSONSCHEMA_VENV, "python").is_file():
        _run_or_exit([sys.executable, "-m", "venv", str(CHECK_JSONSCHEMA_VENV)], "creating the virtualenv")
    pip = [str(_venv_executable(CHECK_JSONSCHEMA_VENV, "python")), "-m", "pip", "install", "--quiet"]
    _run_or_exit(pip + [f"check-jsonschema=={CHECK_JSONSCHEMA_VERSION}"], "installing check-jsonschema")
    if _installed_version(command) != CHECK_JSONSCHEMA_VERSION:
        sys.exit(f"benchmark: {command} is not check-jsonschema {CHECK_JSONSCHEMA_VERSION} after installing.")
    return [str(command)]


def _run_or_exit(command: list[str], doing: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"benchmark: {doing} failed ({' '.join(command)}):\n{result.stdout}{result.stderr}")


def tool_version(command: list[str]) -> str:
    """The last line of `command --version`, e.g. `caseforge, version 0.1.0`."""
    result = subprocess.run(command + ["--version"], capture_output=True, text=True)
    return (result.stdout or result.stderr).strip().splitlines()[-1] if result.returncode == 0 else "unknown"


# --------------------------------------------------------------------------- corpus


def _perturb_number(match: re.Match[str], rng: random.Random) -> str:
    """The same kind of number (int stays int, same decimals), a little different."""
    text = match.group("number")
    factor = rng.uniform(0.9, 1.1)
    if "." in text:
        decimals = len(text.split(".", 1)[1])
        varied = f"{float(text) * factor:.{decimals}f}"
    else:
        varied = str(round(int(text) * factor))
    return match.group("key") + varied


def vary_case(text: str, index: int, rng: random.Random) -> str:
    """A case text with its title marked and its numeric values perturbed."""
    text = _NUMERIC_VALUE.sub(lambda match: _perturb_number(match, rng), text)
    mark = f"Benchmark copy {index:04d}, "  # no ": " so a plain scalar stays plain
    pattern = _BLOCK_TITLE if _BLOCK_TITLE.search(text) else _INLINE_TITLE
    return pattern.sub(lambda match: match.group("head") + mark, text, count=1)


def make_corpus(folder: Path, count: int, seed: int) -> list[Path]:
    """`count` varied copies of cases/*.yaml, as case-0001.yaml, case-0002.yaml, ..."""
    sources = sorted(CASES_DIR.glob("*.yaml"))
    if not sources:
        sys.exit(f"benchmark: no *.yaml in {CASES_DIR} to derive a corpus from.")
    texts = [source.read_text("utf-8") for source in sources]
    rng = random.Random(seed)
    width = max(4, len(str(count)))
    paths: list[Path] = []
    for index in range(1, count + 1):
        path = folder / f"case-{index:0{width}d}.yaml"
        path.write_text(vary_case(texts[(index - 1) % len(texts)], index, rng), "utf-8")
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- running


def _argument_budget() -> int:
    """Bytes a command line may take here, leaving room for the environment."""
    try:
        limit = os.sysconf("SC_ARG_MAX")
    except (AttributeError, ValueError, OSError):
        limit = 32_000  # Windows' CreateProcess limit, the smallest common one
    environment = sum(len(key) + len(value) + 2 for key, value in os.environ.items())
    return max(4096, (limit - environment) // 2)  # half: a wide safety margin


def batches(command: list[str], files: Sequence[str]) -> list[list[str]]:
    """Split `command FILES...` into as few command lines as fit, like xargs."""
    budget = _argument_budget()
    base = sum(len(part) + 1 + 8 for part in command)  # +8: the argv pointer
    result: list[list[str]] = []
    current: list[str] = []
    size = base
    for name in files:
        cost = len(name) + 1 + 8
        if current and size + cost > budget:
            result.append(current)
            current, size = [], base
        current.append(name)
        size += cost
    if current:
        result.append(current)
    return result


@dataclass
class Run:
    seconds: float
    returncode: int
    output: str


def timed(command: list[str]) -> Run:
    """Wall time of one process, from start to exit, with its output captured."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return Run(time.perf_counter() - start, result.returncode, result.stdout)


def timed_batches(command: list[str], files: Sequence[str]) -> Run:
    """`command FILES...`, in batches if the command line would be too long; times summed."""
    runs = [timed(command + batch) for batch in batches(command, files)]
    failed = [run for run in runs if run.returncode != 0]
    return Run(
        sum(run.seconds for run in runs),
        failed[0].returncode if failed else 0,
        "".join(run.output for run in runs),
    )


def require_success(run: Run, what: str) -> None:
    """Stop with the tool's own output when the corpus is not valid for it."""
    if run.returncode != 0:
        print(run.output[-8000:], file=sys.stderr)
        sys.exit(f"benchmark: {what} exited with status {run.returncode}; "
                 "the generated corpus must be valid, so nothing was timed.")


@dataclass
class Timing:
    best: float
    median: float
    runs: int


def repeat(run_once: Callable[[], Run], times: int, what: str) -> Timing:
    """Best and median wall time of `times` runs, each required to succeed."""
    seconds: list[float] = []
    for _ in range(times):
        run = run_once()
        require_success(run, what)
        seconds.append(run.seconds)
    return Timing(min(seconds), statistics.median(seconds), len(seconds))


@dataclass
class ToolFigures:
    version: str
    batch: Timing  # all N files in one go (or summed batches)
    single: Timing  # one file, new process each time
    cases: int

    @property
    def best_throughput(self) -> float:
        return self.cases / self.batch.best

    @property
    def median_throughput(self) -> float:
        return self.cases / self.batch.median


def measure_caseforge(corpus_dir: Path, one_file: Path, cases: int, repeats: int, single_repeats: int) -> ToolFigures:
    command = caseforge_command() + ["validate", "--color", "never"]
    require_success(timed(command + [str(corpus_dir)]), "caseforge validate (check run)")
    return ToolFigures(
        version=tool_version(caseforge_command()),
        batch=repeat(lambda: timed(command + [str(corpus_dir)]), repeats, "caseforge validate DIR"),
        single=repeat(lambda: timed(command + [str(one_file)]), single_repeats, "caseforge validate FILE"),
        cases=cases,
    )


def measure_check_jsonschema(files: list[Path], one_file: Path, repeats: int, single_repeats: int) -> ToolFigures:
    tool = ensure_check_jsonschema()
    command = tool + ["--schemafile", str(SCHEMA)]
    names = [str(path) for path in files]
    require_success(timed_batches(command, names), "check-jsonschema (check run)")
    return ToolFigures(
        version=tool_version(tool),
        batch=repeat(lambda: timed_batches(command, names), repeats, "check-jsonschema FILES"),
        single=repeat(lambda: timed(command + [str(one_file)]), single_repeats, "check-jsonschema FILE"),
        cases=len(files),
    )


# --------------------------------------------------------------------------- report


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def print_tool(name: str, figures: ToolFigures) -> None:
    print(f"\n{name}  ({figures.version})")
    print(f"  {figures.cases} files, one process, {figures.batch.runs} runs:")
    print(f"    best   {figures.batch.best:8.3f} s  -> {figures.best_throughput:8.1f} cases/s")
    print(f"    median {figures.batch.median:8.3f} s  -> {figures.median_throughput:8.1f} cases/s")
    print(f"  one file, new process, {figures.single.runs} runs:")
    print(f"    best   {_ms(figures.single.best)}")
    print(f"    median {_ms(figures.single.median)}")


def ratios(caseforge: ToolFigures, other: ToolFigures) -> dict[str, Any]:
    """Speed-ups of caseforge over check-jsonschema, from median figures."""
    throughput = caseforge.median_throughput / other.median_throughput
    single = other.single.median / caseforge.single.median
    return {
        "throughput_ratio": throughput,
        "throughput_target": TARGET_THROUGHPUT_RATIO,
        "throughput_pass": throughput >= TARGET_THROUGHPUT_RATIO,
        "single_file_ratio": single,
        "single_file_target": TARGET_SINGLE_FILE_RATIO,
        "single_file_pass": single >= TARGET_SINGLE_FILE_RATIO,
        "throughput_ratio_best": caseforge.best_throughput / other.best_throughput,
        "single_file_ratio_best": other.single.best / caseforge.single.best,
    }


def print_ratios(figures: dict[str, Any]) -> None:
    def verdict(passed: bool) -> str:
        return "PASS" if passed else "MISS"

    print("\nRatios (medians; best-of-runs in brackets)")
    print(f"  throughput  caseforge / check-jsonschema  {figures['throughput_ratio']:7.2f}x "
          f"[{figures['throughput_ratio_best']:.2f}x]  target >= {figures['throughput_target']:g}x  "
          f"{verdict(figures['throughput_pass'])}")
    print(f"  one file    check-jsonschema / caseforge  {figures['single_file_ratio']:7.2f}x "
          f"[{figures['single_file_ratio_best']:.2f}x]  target >= {figures['single_file_target']:g}x  "
          f"{verdict(figures['single_file_pass'])}")


def machine() -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "example_case": EXAMPLE_CASE.name,
        "example_case_kb": round(EXAMPLE_CASE.stat().st_size / 1024, 1),
    }


def print_machine(info: dict[str, Any], corpus_kb: float) -> None:
    print(f"Machine: {info['cpu_count']} CPUs, {info['python_implementation']} {info['python']}, {info['platform']}")
    print(f"Example case: {info['example_case']}, {info['example_case_kb']} KB; "
          f"corpus: {corpus_kb / 1024:.1f} MB")


def figures_as_dict(figures: ToolFigures) -> dict[str, Any]:
    return {
        **asdict(figures),
        "best_cases_per_second": figures.best_throughput,
        "median_cases_per_second": figures.median_throughput,
    }


# --------------------------------------------------------------------------- main


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000, metavar="N", help="files in the corpus (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, metavar="R",
                        help="timed runs over the whole corpus, per tool (default 3)")
    parser.add_argument("--single-repeat", type=int, default=10, metavar="R",
                        help="timed single-file runs, per tool (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="seed for varying the corpus (default 0)")
    parser.add_argument("--skip-check-jsonschema", action="store_true",
                        help="time caseforge only (no install, no network)")
    parser.add_argument("--json", action="store_true", help="also print every figure as one JSON object at the end")
    arguments = parser.parse_args(argv)
    for name in ("cases", "repeat", "single_repeat"):
        if getattr(arguments, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return arguments


def main(argv: Sequence[str] | None = None) -> None:
    arguments = parse_arguments(argv)
    info = machine()
    result: dict[str, Any] = {"machine": info, "cases": arguments.cases}
    with tempfile.TemporaryDirectory(prefix="caseforge-bench-") as temporary:
        corpus_dir = Path(temporary)
        files = make_corpus(corpus_dir, arguments.cases, arguments.seed)
        corpus_kb = sum(path.stat().st_size for path in files) / 1024
        print_machine(info, corpus_kb)

        caseforge = measure_caseforge(corpus_dir, files[0], len(files), arguments.repeat, arguments.single_repeat)
        print_tool("caseforge validate", caseforge)
        result["caseforge"] = figures_as_dict(caseforge)

        if not arguments.skip_check_jsonschema:
            other = measure_check_jsonschema(files, files[0], arguments.repeat, arguments.single_repeat)
            print_tool("check-jsonschema --schemafile schema/case.schema.json", other)
            result["check_jsonschema"] = figures_as_dict(other)
            result["ratios"] = ratios(caseforge, other)
            print_ratios(result["ratios"])

    if arguments.json:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
