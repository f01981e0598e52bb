"""The `caseforge` command line. Parses options and prints; the work is elsewhere.

Exit status, as ruff and mypy use it: 0 when no file has an error (warnings
allowed), 1 when any has, 2 for a usage error or a path that cannot be read.
"""

from __future__ import annotations

import os
import sys

from typing import TYPE_CHECKING

import click

from caseforge import __version__

if TYPE_CHECKING:
    from caseforge.config import Settings

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _use_colour(choice: str, stream: object) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="caseforge")
def main() -> None:
    """Write clinical case reports as data, check them, publish them."""


@main.command(short_help="Check case files and report problems with their line and column.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text",
    show_default=True, help="text for people; json for programs (a stable document, described in the project's documentation).",
)
@click.option(
    "--color", "colour", type=click.Choice(["auto", "always", "never"]), default="auto",
    show_default=True, help="Colour the text output; auto means only on a terminal, and never when NO_COLOR is set.",
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes for many files (default: one per core).")
@click.option("--profile", default=None, metavar="NAME", help="The checklist to judge completeness by: care-2016 (the default), care-2013, scare-2023, or a journal's (see `caseforge profiles`).")
@click.option("--strict/--no-strict", default=None, help="Treat missing and partly reported CARE elements as errors, as a journal submission needs.")
def validate(paths: tuple[str, ...], output_format: str, colour: str, jobs: int | None, profile: str | None, strict: bool | None) -> None:
    """Check case files: their structure, the references between their parts,
    their units of measure (UCUM, the Unified Code for Units of Measure that
    laboratories and FHIR use), their dates and the order of events in time.

    PATHS are case files or folders (every *.yaml and *.yml below them).
    With no PATHS, the cases/ folder is checked. Each case is also judged
    for completeness against the CARE checklist (or the --profile given);
    the report ends with a line per case, such as "CARE 2016 27/30:
    missing 8b, 10c, 12". Settings come from caseforge.toml or
    [tool.caseforge] in pyproject.toml, in this folder or above it.

    Exit status: 0 when no file has an error (warnings are allowed), 1 when
    any file has an error, 2 for a usage error or a path that cannot be read.
    """
    from caseforge import reporters
    from caseforge.validate import find_case_files, validate_files

    if not paths and not os.path.isdir("cases"):
        raise click.UsageError("There is no cases/ folder here: give the case files or folders to check.")
    settings = _settings(profile, strict)
    files, empty = find_case_files(paths or ["cases"])
    reports = empty + validate_files(files, jobs, settings)
    if output_format == "json":
        click.echo(reporters.as_json(reports), nl=False)
    else:
        click.echo(reporters.text(reports, _use_colour(colour, sys.stdout)), nl=False, color=True)
    if any(not report.readable for report in reports):
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_FINDINGS if any(report.has_errors for report in reports) else EXIT_OK)


def _settings(profile: str | None, strict: bool | None) -> Settings:
    """The project's settings, with the command line's choices over them.
    A configuration file with mistakes stops the command (exit 2)."""
    from dataclasses import replace

    from caseforge.care.profiles import NAMES
    from caseforge.config import ConfigError, Settings, load
    from caseforge.reporters import format_diagnostic
    from caseforge.suggest import closest

    try:
        settings: Settings = load()
    except ConfigError as error:
        for item in error.diagnostics:
            click.echo(format_diagnostic(item), err=True)
        sys.exit(EXIT_USAGE)
    if profile is not None and profile not in NAMES:
        guess = closest(profile, NAMES)
        raise click.BadParameter(f"there is no profile `{profile}`{f'; did you mean `{guess}`?' if guess else '.'} Profiles: {', '.join(NAMES)}.", param_hint="--profile")
    return replace(settings, profile=profile or settings.profile, strict=settings.strict if strict is None else strict)


@main.command(short_help="Fill in the CARE checklist of a case, for a journal submission.")
@click.argument("case", type=click.Path(path_type=str))
@click.option("--profile", default=None, metavar="NAME", help="The checklist: care-2016 (the default), care-2013, scare-2023, or a journal's.")
@click.option("--format", "output_format", type=click.Choice(["md", "csv", "json", "html"]), default=None, help="md (the default), csv, json, or a standalone html page; with -o, taken from the file's suffix.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), default=None, help="Write to this file instead of the terminal.")
def checklist(case: str, profile: str | None, output_format: str | None, output: str | None) -> None:
    """Fill in the checklist of CASE: every item, what it asks for, its
    status (reported, partly reported, not reported, not applicable) and
    where in the case it is met, with the line. This is the form an author
    attaches to a journal submission.

    Problems that stop the case from being judged (a file that cannot be
    read, a structure error) are printed instead, with exit status 2 or 1.
    """
    from caseforge import checklist as forms
    from caseforge.care.assess import assess
    from caseforge.care.profiles import get
    from caseforge.reporters import format_diagnostic
    from caseforge.source import load
    from caseforge.validate import check_document

    settings = _settings(profile, None)
    form = output_format or _form_of(output)
    document, problems = load(case)
    if document is not None:
        problems, score = check_document(document, settings.profile, settings.strict)
        errors = [item for item in problems if item.severity.value == "error"]
    if document is None or score is None:
        for item in problems:
            click.echo(format_diagnostic(item), err=True)
        sys.exit(EXIT_USAGE if any(item.code == "CF001" for item in problems) else EXIT_FINDINGS)
    text = forms.render(document, assess(document, get(settings.profile)), form)
    if output:
        _write_atomically(output, text)
        click.echo(f"Wrote the {settings.profile} checklist of {case} to {output} ({score.line()}).", err=True)
    else:
        click.echo(text, nl=False)
    for item in errors:
        click.echo(format_diagnostic(item), err=True)
    sys.exit(EXIT_FINDINGS if errors else EXIT_OK)


def _form_of(output: str | None) -> str:
    suffix = os.path.splitext(output or "")[1].lower().lstrip(".")
    return {"markdown": "md", "htm": "html"}.get(suffix, suffix) if suffix in ("md", "markdown", "csv", "json", "html", "htm") else "md"


def _write_atomically(path: str, text: str) -> None:
    """Write through a temporary file in the same folder, so that an
    interrupted write never leaves half a file where a whole one was."""
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".caseforge-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


@main.command(short_help="List the checklist profiles, or show how one judges each element.")
@click.argument("name", required=False)
def profiles(name: str | None) -> None:
    """Without NAME, list the profiles a case can be judged against. With
    NAME, show each of its elements: what it asks for, where a case writes
    it, and the rule caseforge applies; then the profile's own rules."""
    from caseforge.care.profiles import NAMES, PROFILES

    if name is None:
        width = max(map(len, NAMES))
        for profile in PROFILES.values():
            click.echo(f"{profile.name:<{width}}  {profile.summary}")
        return
    if name not in PROFILES:
        from caseforge.suggest import closest

        guess = closest(name, NAMES)
        raise click.BadParameter(f"there is no profile `{name}`{f'; did you mean `{guess}`?' if guess else '.'} Profiles: {', '.join(NAMES)}.", param_hint="NAME")
    profile = PROFILES[name]
    click.echo(f"{profile.title}: {profile.summary}\n")
    for item in profile.items:
        needed = " Not applicable is not accepted." if item.id in profile.required else ""
        click.echo(f"{item.id:>10}  {item.topic}: {item.asks}\n{'':>10}  Field: {item.field}. Judged: {item.criterion}{needed}")
    for rule in profile.rules:
        click.echo(f"{'rule':>10}  {rule.text}")


@main.command(short_help="Explain unit codes and suggest the UCUM code for what authors write.")
@click.argument("codes", nargs=-1, required=True)
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="text: one line per code; json: a list with, per code, code, valid, and kind, display, preferred (valid) or error, suggestion (invalid).",
)
def units(codes: tuple[str, ...], output_format: str) -> None:
    """Check unit codes: valid UCUM (the Unified Code for Units of Measure) or
    not, the kind of quantity, and how it is shown to readers.

    For each CODE not valid in UCUM, the code an author most likely meant
    is suggested (`mmHg` -> `mm[Hg]`). Exit status 1 if any is invalid.
    """
    import json

    from caseforge.units.describe import describe

    found = [describe(code) for code in codes]
    if output_format == "json":
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
    else:
        width = max(len(code) for code in codes)
        for item in found:
            click.echo(f"{item['code']:<{width}}  {item['summary']}")
    sys.exit(EXIT_FINDINGS if any(not item["valid"] for item in found) else EXIT_OK)
