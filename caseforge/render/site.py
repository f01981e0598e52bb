"""Every generated file of a case-report site, as a mapping from the path in
the docs folder to the content: a page per publishable case with its
downloads, the index of cases, the reference pages, the stylesheet and the
script for sorting tables.

Both the MkDocs plugin (which adds them to a build without writing into the
sources) and `caseforge render --out DIR` (which writes them for any other
engine) take the same mapping, so the two cannot drift apart.

A case is published only when it has no error under the project's settings
and records consent to publish (CF504 is an error under every profile); the
others are listed in ``unpublished`` with the reasons, for the build to say.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html import escape
from importlib import resources
from pathlib import Path

from caseforge.care.items import CONSENTED
from caseforge.config import Settings, adjust
from caseforge.diagnostics import Severity
from caseforge.render.page import Summary

ASSETS = ("caseforge.css", "tables.js")
ASSET_FOLDER = "assets/caseforge"


@dataclass(frozen=True)
class Unpublished:
    path: str
    reasons: tuple[str, ...]


@dataclass
class Site:
    files: dict[str, str | bytes] = field(default_factory=dict)
    published: list[Summary] = field(default_factory=list)
    unpublished: list[Unpublished] = field(default_factory=list)


def generate(cases: Path, settings: Settings | None = None, section: str = "cases", directory_urls: bool = True) -> Site:
    """The generated files for every case under ``cases``, under ``section/``."""
    from caseforge.validate import find_case_files

    settings = settings or Settings()
    site = Site()
    files, unreadable = find_case_files([cases]) if cases.is_dir() else ([], [])
    for report in unreadable:
        if report.diagnostics and "cannot be read" in report.diagnostics[0].message:
            site.unpublished.append(Unpublished(report.path, (report.diagnostics[0].message,)))
    changed = last_changed(cases)
    clashes = _clashes([Path(path) for path in files], cases)
    for path in files:
        if path in clashes:
            site.unpublished.append(Unpublished(path, (clashes[path],)))
            continue
        _add_case(site, Path(path), cases, settings, section, changed.get(os.path.realpath(path)))
    site.files[f"{section}/index.md"] = index_page(site.published, site.unpublished, directory_urls)
    for name in ASSETS:
        site.files[f"{ASSET_FOLDER}/{name}"] = resources.files("caseforge").joinpath("data", "site", name).read_text(encoding="utf-8")
    site.files.update(reference_pages())
    # The schema, served by the site itself, so that editors can name the
    # group's own address in a case's modeline.
    site.files["schema/case.schema.json"] = resources.files("caseforge").joinpath("data", "case.schema.json").read_text(encoding="utf-8")
    return site


def _slug(path: Path, cases: Path) -> str:
    return path.relative_to(cases).with_suffix("").as_posix()


def _clashes(paths: list[Path], cases: Path) -> dict[str, str]:
    """Cases that cannot have a page of their own: two files whose pages
    would have one name (`a.yaml` and `a.yml`), or a case named `index`,
    which is the name of the list of cases."""
    by_slug: dict[str, list[Path]] = {}
    for path in paths:
        by_slug.setdefault(_slug(path, cases).lower(), []).append(path)
    found = {}
    for slug, same in by_slug.items():
        if slug.rsplit("/", 1)[-1] == "index":
            for path in same:
                found[str(path)] = "`index` is the name of the list of cases; rename the case file"
        elif len(same) > 1:
            names = ", ".join(path.name for path in same)
            for path in same:
                found[str(path)] = f"{names} would have the same page; rename one of them"
    return found


def _add_case(site: Site, path: Path, cases: Path, settings: Settings, section: str, changed: str | None) -> None:
    from caseforge import checklist
    from caseforge.care.assess import assess
    from caseforge.care.profiles import get
    from caseforge.render.page import render
    from caseforge.source import load
    from caseforge.validate import check_document

    document, problems = load(path)
    score = None
    if document is not None:
        problems, score = check_document(document, settings.profile, settings.strict)
    errors = [item for item in adjust(settings, str(path), problems) if item.severity is Severity.ERROR]
    if score is None and not errors:
        # The structure is wrong (no score was made), whatever the settings
        # call it: such a case is never rendered.
        errors = [item for item in problems if item.severity is Severity.ERROR] or problems
    # Consent is checked here again, whatever the settings make of CF504 and
    # CF507: no level or ignore may publish a case without it.
    consent = document.data.get("consent") if document is not None and isinstance(document.data, dict) else None
    consented = isinstance(consent, dict) and consent.get("status") in CONSENTED
    if document is None or score is None or errors or not consented:
        reasons = tuple(f"{item.line or 1}:{item.column or 1} {item.code} {item.message}" for item in errors[:3])
        more = (f"and {len(errors) - 3} more errors",) if len(errors) > 3 else ()
        unconsented = ("consent to publish is not recorded",) if document is not None and not consented and not any(item.code == "CF504" for item in errors) else ()
        site.unpublished.append(Unpublished(str(path), reasons + more + unconsented))
        return
    slug = _slug(path, cases)
    name = slug.rsplit("/", 1)[-1]
    assessment = assess(document, get(settings.profile))
    downloads = {"The case as data (YAML)": f"{name}.yaml", "The CARE checklist (HTML)": f"{name}-checklist.html", "The CARE checklist (CSV)": f"{name}-checklist.csv"}
    page = render(document, assessment, slug, changed, downloads)
    site.files[f"{section}/{slug}.md"] = page.markdown
    site.files[f"{section}/{slug}.yaml"] = path.read_bytes()
    site.files[f"{section}/{slug}-checklist.html"] = checklist.render(document, assessment, "html")
    site.files[f"{section}/{slug}-checklist.csv"] = checklist.render(document, assessment, "csv")
    site.published.append(page.summary)


def index_page(published: list[Summary], unpublished: list[Unpublished], directory_urls: bool = True) -> str:
    """The list of cases: a sortable table (sorting needs the site's script;
    without it the table is in title order)."""
    rows = []
    for case in sorted(published, key=lambda case: case.title.lower()):
        href = f"{case.slug}/" if directory_urls else f"{case.slug}.html"
        rows.append(
            f'<tr><td><a href="{escape(href)}">{escape(case.title)}</a></td><td data-sort="{_age_key(case.age_band)}">{escape(case.age_band)}</td>'
            f"<td>{escape(case.sex)}</td><td>{escape(case.diagnosis)}</td><td>{escape(case.interventions)}</td>"
            f'<td data-sort="{case.met / case.items:.3f}">{escape(case.score)}</td></tr>'
        )
    headers = "".join(f"<th>{name}</th>" for name in ("Case", "Age", "Sex", "Main diagnosis", "Main interventions", "CARE"))
    table = f'<table class="cf-table cf-index" data-cf-sortable><thead><tr>{headers}</tr></thead><tbody>{"".join(rows)}</tbody></table>' if rows else "<p>No case is published yet.</p>"
    count = f"{len(published)} case{'s' if len(published) != 1 else ''}"
    held = f" ({len(unpublished)} held back until they validate and record consent)" if unpublished else ""
    return f"---\ntitle: Cases\n---\n# Cases\n\n<p>{count}{held}. Select a column heading to sort by it.</p>\n\n<div class=\"cf-section\">\n{table}\n</div>\n"


def _age_key(band: str) -> str:
    """The band's sort value: its first number ("60–69 years" is 60), just
    below it for an upper bound ("under 2 years"), last when not given."""
    import re

    found = re.search(r"\d+(?:\.\d+)?", band)
    if found is None:
        return "999"
    number = float(found.group())
    return f"{number - 0.5 if band.startswith('under') else number:g}"


def reference_pages() -> dict[str, str]:
    """caseforge's reference, for every site that uses it: the pages
    generated from the code's own documentation, and the hand-written ones
    shipped with the package (caseforge/data/docs), which they link to."""
    from caseforge.render import reference

    pages = {"reference/codes.md": reference.codes_page(), "reference/case-format.md": reference.format_page(), "reference/care.md": reference.care_page()}
    for page in resources.files("caseforge").joinpath("data", "docs").iterdir():
        if page.name.endswith(".md"):
            pages[f"reference/{page.name}"] = page.read_text(encoding="utf-8")
    return pages


def last_changed(folder: Path) -> dict[str, str]:
    """The date each file under ``folder`` last changed: its last commit, or,
    outside git, its modification time. One `git log` for all of them."""
    dates: dict[str, str] = {}
    try:
        log = subprocess.run(["git", "-c", "core.quotePath=false", "log", "--format=@%cs", "--name-only", "--", "."], cwd=folder, capture_output=True, text=True, timeout=60, check=True).stdout
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True, text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        log, top = "", ""
    when = ""
    for line in log.splitlines():
        if line.startswith("@"):
            when = line[1:]
        elif line.strip():
            dates.setdefault(os.path.realpath(os.path.join(top, line.strip())), when)
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.realpath(os.path.join(root, name))
            if path not in dates:
                dates[path] = datetime.fromtimestamp(os.path.getmtime(path), timezone.utc).date().isoformat()
    return dates
