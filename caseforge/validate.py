"""Validation of files: find them, run each through the stages, collect reports.

Each file is independent (no state is shared between cases), so a large
batch is spread over worker processes; the order of the reports is always
the order of the paths.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable

from caseforge.care.assess import Score
from caseforge.config import Settings, adjust
from caseforge.diagnostics import Diagnostic, Severity, make
from caseforge.source import Document, load

CASE_SUFFIXES = (".yaml", ".yml")
# Below this many files a process pool costs more to start than it saves.
_PARALLEL_FROM = 48
# Past this many problems in one file, more of them help nobody, and a
# pathological file (tens of thousands of stray keys) would take minutes.
MAX_DIAGNOSTICS = 100


@dataclass
class FileReport:
    """What validation found in one file."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    readable: bool = True
    # The CARE completeness, for a file whose structure could be judged.
    care: Score | None = None

    def count(self, severity: Severity) -> int:
        return sum(1 for item in self.diagnostics if item.severity is severity)

    @property
    def has_errors(self) -> bool:
        return self.count(Severity.ERROR) > 0


def find_case_files(paths: Iterable[str | Path]) -> tuple[list[str], list[FileReport]]:
    """Files to validate, and a report for each path that yields none and
    each folder that cannot be read.

    Files are kept as given (whatever their suffix); folders are searched for
    ``*.yaml``/``*.yml`` (any case), hidden folders skipped, in sorted order,
    following symbolic links to folders. A path that does not exist is kept,
    so that it is reported as unreadable rather than dropped. The same file
    named twice is checked once. A folder that cannot be listed is a CF001
    report of its own, never skipped in silence: the cases in it were not
    checked.
    """
    found: dict[str, str] = {}
    empty: list[FileReport] = []
    for path in map(str, paths):
        inside, refused = _cases_in(path) if os.path.isdir(path) else ([path], [])
        for folder, error in refused:
            message = f"The folder `{folder}` cannot be read ({error.strerror or error}), so the cases in it were not checked."
            hint = "Check the folder's permissions (caseforge needs to list it), or give the other folders instead."
            empty.append(FileReport(folder, [make("CF001", folder, message, hint=hint)], readable=False))
        if not inside and not refused:
            message = f"`{path}` holds no case files (*.yaml, *.yml)."
            empty.append(FileReport(path, [make("CF001", path, message, hint="Give the folder that holds the cases, or the case files themselves.")], readable=False))
        for item in inside:
            found.setdefault(os.path.realpath(item), item)
    return list(found.values()), empty


def _cases_in(folder: str) -> tuple[list[str], list[tuple[str, OSError]]]:
    """The case files below ``folder``, and the folders that could not be read.

    Folders reached through symbolic links are searched too, each real folder
    once: the tree as it is first, then the linked folders not already
    searched, so that a link back up (a loop) ends, and a case reachable both
    ways is named by its own path rather than the link's.
    """
    files: list[str] = []
    refused: list[tuple[str, OSError]] = []
    seen: set[str] = set()

    def unreadable(error: OSError) -> None:
        # os.walk passes over a folder it cannot list unless told.
        refused.append((os.path.normpath(error.filename or folder), error))

    pending = [folder]
    while pending:
        top = pending.pop(0)
        real = os.path.realpath(top)
        if real in seen:
            continue
        seen.add(real)
        for root, folders, names in os.walk(top, onerror=unreadable):
            kept = []
            for name in sorted(folders):
                if name.startswith("."):
                    continue
                inner = os.path.join(root, name)
                if os.path.islink(inner):
                    pending.append(inner)  # searched once the tree itself is
                    continue
                real = os.path.realpath(inner)
                if real not in seen:  # already searched, through a link
                    seen.add(real)
                    kept.append(name)
            folders[:] = kept
            files.extend(os.path.normpath(os.path.join(root, name)) for name in names if name.lower().endswith(CASE_SUFFIXES) and not name.startswith("."))
    return sorted(files), refused


def validate_file(path: str, settings: Settings | None = None) -> FileReport:
    """Every diagnostic for one case file, sorted by position, as the
    project's settings want them, and its CARE completeness."""
    settings = settings or Settings()
    document, problems = load(path)
    if document is None:
        readable = not any(item.code == "CF001" for item in problems)
        return FileReport(path, adjust(settings, path, problems), readable)
    found, score = check_document(document, settings.profile, settings.strict)
    return FileReport(path, adjust(settings, path, found), care=score)


def validate_document(document: Document) -> list[Diagnostic]:
    """The diagnostics of a document without the completeness check (for
    tests and tools that judge structure and content only)."""
    return check_document(document, None)[0]


def check_document(document: Document, profile: str | None, strict: bool = False) -> tuple[list[Diagnostic], Score | None]:
    """The stages after reading: structure, then the checks on a sound
    structure, then completeness against ``profile`` (none: not judged);
    last, the file's own suppression comments."""
    from caseforge import schema
    from caseforge.checks import run_all

    found = list(islice(schema.check(document), MAX_DIAGNOSTICS + 1))
    score = None
    if not found:
        found = list(islice(run_all(document), MAX_DIAGNOSTICS + 1))
        if profile is not None:
            from caseforge.care.assess import assess
            from caseforge.care.profiles import get
            from caseforge.checks.care import completeness

            assessment = assess(document, get(profile))
            score = assessment.score()
            found.extend(completeness(document, assessment, strict))
    from caseforge.suppressions import apply

    found = apply(document, sorted(found, key=Diagnostic.sort_key))
    if len(found) > MAX_DIAGNOSTICS:
        del found[MAX_DIAGNOSTICS:]
        found.append(make("CF002", document.path, f"Stopped after {MAX_DIAGNOSTICS} problems; there are more.", hint="Fix these and run caseforge again."))
    return found, score


def validate_files(paths: list[str], jobs: int | None = None, settings: Settings | None = None, progress: Callable[[int, int], None] | None = None) -> list[FileReport]:
    """Reports for many files, in the order given; ``progress`` is told
    (done, total) as files are checked."""
    settings = settings or Settings()
    jobs = jobs or os.cpu_count() or 1
    tell = progress or (lambda done, total: None)
    if jobs == 1 or len(paths) < _PARALLEL_FROM:
        reports = []
        for path in paths:
            reports.append(validate_file(path, settings))
            tell(len(reports), len(paths))
        return reports
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, len(paths) // (jobs * 16))
    reports = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for report in pool.map(validate_file, paths, [settings] * len(paths), chunksize=chunk):
            reports.append(report)
            tell(len(reports), len(paths))
    return reports
