"""The `caseforge` command line. Parses options and prints; the work is elsewhere.

Exit status, as ruff and mypy use it: 0 when no file has an error (warnings
allowed), 1 when any has, 2 for a usage error or a path that cannot be read.
"""

from __future__ import annotations

import os
import sys

import click

from caseforge import __version__

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
def validate(paths: tuple[str, ...], output_format: str, colour: str, jobs: int | None) -> None:
    """Check case files: their structure, the references between their parts,
    their units of measure (UCUM, the Unified Code for Units of Measure that
    laboratories and FHIR use), their dates and the order of events in time.

    PATHS are case files or folders (every *.yaml and *.yml below them).
    With no PATHS, the cases/ folder is checked.

    Exit status: 0 when no file has an error (warnings are allowed), 1 when
    any file has an error, 2 for a usage error or a path that cannot be read.
    """
    from caseforge import reporters
    from caseforge.validate import find_case_files, validate_files

    if not paths and not os.path.isdir("cases"):
        raise click.UsageError("There is no cases/ folder here: give the case files or folders to check.")
    files, empty = find_case_files(paths or ["cases"])
    reports = empty + validate_files(files, jobs)
    if output_format == "json":
        click.echo(reporters.as_json(reports), nl=False)
    else:
        click.echo(reporters.text(reports, _use_colour(colour, sys.stdout)), nl=False, color=True)
    if any(not report.readable for report in reports):
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_FINDINGS if any(report.has_errors for report in reports) else EXIT_OK)


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
