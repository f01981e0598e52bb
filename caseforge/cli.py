"""The `caseforge` command line. Parses options and prints; the work is elsewhere.

Exit status, as ruff and mypy use it: 0 when no file has an error (warnings
allowed), 1 when any has, 2 for a usage error or a path that cannot be read.
"""

from __future__ import annotations

import os
import sys

from typing import TYPE_CHECKING, Callable

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
    "--format", "output_format", type=click.Choice(["text", "json", "github", "sarif"]), default="text",
    show_default=True, help="text for people; json for programs (a stable document, described in the project's documentation); github for GitHub Actions annotations; sarif for code scanning (SARIF 2.1.0).",
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
    reports = empty + validate_files(files, jobs, settings, _progress(len(files)))
    if output_format == "json":
        click.echo(reporters.as_json(reports), nl=False)
    elif output_format == "github":
        click.echo(reporters.github(reports), nl=False)
    elif output_format == "sarif":
        click.echo(reporters.as_sarif(reports), nl=False)
    else:
        click.echo(reporters.text(reports, _use_colour(colour, sys.stdout)), nl=False, color=True)
    if any(not report.readable for report in reports):
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_FINDINGS if any(report.has_errors for report in reports) else EXIT_OK)


# Fewer files than this are checked before a progress line would help.
_PROGRESS_FROM = 50


def _progress(total: int) -> Callable[[int, int], None] | None:
    """A progress line on the terminal for many files: only when the
    diagnostics go to a terminal too (not piped, not in CI), and erased at
    the end so that the report is all that stays."""
    if total < _PROGRESS_FROM or os.environ.get("CI") or not (sys.stderr.isatty() and sys.stdout.isatty()):
        return None
    step = max(1, total // 100)

    def show(done: int, total: int) -> None:
        if done % step == 0 or done == total:
            sys.stderr.write(f"\rChecking cases: {done}/{total}" if done < total else "\r\x1b[K")
            sys.stderr.flush()

    return show


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

    from caseforge.config import adjust

    settings = _settings(profile, None)
    if output:
        _check_output(output, case)
    form = output_format or _form_of(output)
    document, problems = load(case)
    score = None
    if document is not None:
        problems, score = check_document(document, settings.profile, settings.strict)
    problems = adjust(settings, case, problems)
    errors = [item for item in problems if item.severity.value == "error"]
    if document is None or score is None:
        for item in problems:
            click.echo(format_diagnostic(item), err=True)
        sys.exit(EXIT_USAGE if any(item.code == "CF001" for item in problems) else EXIT_FINDINGS)
    text = forms.render(document, assess(document, get(settings.profile)), form)
    if output:
        replaced = os.path.exists(output)
        _write_atomically(output, text)
        click.echo(f"{'Replaced' if replaced else 'Wrote'} {output}: the {settings.profile} checklist of {case} ({score.line()}).", err=True)
    else:
        click.echo(text, nl=False)
    for item in errors:
        click.echo(format_diagnostic(item), err=True)
    sys.exit(EXIT_FINDINGS if errors else EXIT_OK)


_SUFFIXES = {"md": "md", "markdown": "md", "csv": "csv", "json": "json", "html": "html", "htm": "html"}


def _form_of(output: str | None) -> str:
    """The form the output file's suffix names; Markdown on the terminal."""
    if not output:
        return "md"
    suffix = os.path.splitext(output)[1].lower().lstrip(".")
    if suffix not in _SUFFIXES:
        raise click.BadParameter(f"`{output}` does not end in .md, .csv, .json or .html; name the file so, or choose with --format.", param_hint="-o")
    return _SUFFIXES[suffix]


def _check_output(output: str, case: str) -> None:
    """Refuse an output that would destroy a case or cannot be written."""
    if os.path.exists(case) and os.path.exists(output) and os.path.samefile(case, output):
        raise click.BadParameter("that is the case file itself; the checklist would replace it.", param_hint="-o")
    if output.lower().endswith((".yaml", ".yml")):
        raise click.BadParameter(f"`{output}` is named as a case file; a checklist is .md, .csv, .json or .html.", param_hint="-o")
    folder = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(folder):
        raise click.BadParameter(f"the folder `{os.path.dirname(output) or '.'}` does not exist.", param_hint="-o")


def _write_atomically(path: str, content: str | bytes) -> None:
    """Write through a temporary file in the same folder, so that an
    interrupted write never leaves half a file where a whole one was."""
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".caseforge-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content.encode("utf-8") if isinstance(content, str) else content)
        # mkstemp makes the file private; give it the mode a new file gets
        # (or the one the file it replaces had), so colleagues and web servers can read it.
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _mode_for(path: str) -> int:
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


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


def _mkdocs(command: str, config_file: str, *arguments: str) -> None:
    """Run an MkDocs command on the site's configuration, as `mkdocs` would."""
    if not os.path.isfile(config_file):
        raise click.UsageError(f"There is no {config_file} here: run caseforge in the project's folder, or give the site's configuration with -f.")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # the notice is for MkDocs users, not for ours
    from mkdocs.__main__ import cli as mkdocs_cli

    mkdocs_cli.main([command, "--config-file", config_file, *arguments], prog_name=f"caseforge {command}")


@main.command(short_help="Build the case-report site (into public/ by default).")
@click.option("-f", "--config-file", default="mkdocs.yml", show_default=True, help="The site's MkDocs configuration.")
@click.option("--strict", is_flag=True, help="Fail when a case cannot be published (errors, no consent) or a page has a broken link.")
@click.option("-d", "--site-dir", default=None, help="Where to write the site, instead of the configuration's site_dir.")
def build(config_file: str, strict: bool, site_dir: str | None) -> None:
    """Build the static site: a page per case, the index of cases, the
    reference pages. A case with errors or without consent to publish is
    held back, and the build says which and why; with --strict it fails."""
    _mkdocs("build", config_file, *(["--strict"] if strict else []), *(["--site-dir", site_dir] if site_dir else []))


@main.command(short_help="Show the site while you edit, rebuilding when a case changes.")
@click.option("-f", "--config-file", default="mkdocs.yml", show_default=True, help="The site's MkDocs configuration.")
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="HOST:PORT", help="Where to serve the site.")
def serve(config_file: str, dev_addr: str) -> None:
    """Serve the site on this computer (http://127.0.0.1:8000/ by default)
    and rebuild it when a case or a page changes."""
    _mkdocs("serve", config_file, "--dev-addr", dev_addr)


@main.command(short_help="Write the generated pages as files, for another site engine.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=str), help="The folder to write into (a docs folder, or a part of one).")
@click.option("--cases", "cases", default="cases", show_default=True, type=click.Path(path_type=str), help="The folder of case files.")
@click.option("--section", default="cases", show_default=True, help="The folder of the case pages inside --out.")
@click.option("--no-directory-urls", is_flag=True, help="Link pages as page.html rather than page/, for a site built that way.")
@click.option("--force", is_flag=True, help="Replace files in --out that caseforge did not write.")
def render(out: str, cases: str, section: str, no_directory_urls: bool, force: bool) -> None:
    """Write every generated page (a page per case, the index, the
    reference pages, the stylesheet and script) into OUT, as the MkDocs
    plugin adds them to a build. Files are written whole or not at all.

    OUT keeps a list of what caseforge wrote there (.caseforge-render.json):
    a page caseforge wrote before and no longer publishes (its case was
    removed, or lost its consent) is deleted, and a file caseforge did not
    write is never replaced without --force.
    """
    import json
    from pathlib import Path

    from caseforge.render.site import generate

    if not os.path.isdir(cases):
        raise click.UsageError(f"There is no case folder `{cases}`: give it with --cases.")
    site = generate(Path(cases), _settings(None, None), section, directory_urls=not no_directory_urls)
    manifest = os.path.join(out, ".caseforge-render.json")
    try:
        with open(manifest, encoding="utf-8") as stream:
            before = set(json.load(stream))
    except (OSError, ValueError):
        before = set()
    foreign = sorted(relative for relative in site.files if relative not in before and os.path.exists(os.path.join(out, *relative.split("/"))))
    if foreign and not force:
        raise click.UsageError(f"{out} already has files caseforge did not write: {', '.join(foreign[:5])}{' and more' if len(foreign) > 5 else ''}. Choose another folder, or replace them with --force.")
    for relative, content in site.files.items():
        target = os.path.join(out, *relative.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        _write_atomically(target, content)
    stale = sorted(before - set(site.files))
    for relative in stale:
        try:
            os.remove(os.path.join(out, *relative.split("/")))
        except FileNotFoundError:
            pass
    _write_atomically(manifest, json.dumps(sorted(site.files), indent=1) + "\n")
    for held in site.unpublished:
        click.echo(f"{held.path}: not published: {'; '.join(held.reasons)}", err=True)
    removed = f", {len(stale)} no longer published removed" if stale else ""
    click.echo(f"Wrote {len(site.files)} files to {out}: {len(site.published)} cases published, {len(site.unpublished)} held back{removed}.", err=True)
    sys.exit(EXIT_FINDINGS if site.unpublished else EXIT_OK)


@main.command(short_help="Explain a diagnostic code: what it means and how to fix it.")
@click.argument("code")
def explain(code: str) -> None:
    """Explain CODE (CF501, cf501 or its name, dose-schedule-missing):
    what it means, how to fix it, and an example of both."""
    import textwrap

    from caseforge.codes import CODES
    from caseforge.suggest import closest

    wanted = code.strip().upper()
    entry = CODES.get(wanted) or CODES.get(f"CF{wanted}") or next((item for item in CODES.values() if item.name == code.strip().lower()), None)
    if entry is None:
        guess = closest(code, [*CODES, *(item.name for item in CODES.values())])
        raise click.BadParameter(f"there is no code `{code}`{f'; did you mean `{guess}`?' if guess else '.'} Codes are CF and three digits, as in the diagnostics.", param_hint="CODE")

    def paragraph(text: str) -> str:
        return textwrap.fill(text, width=78)

    def block(text: str) -> str:
        return textwrap.indent(text, "    ")

    click.echo(f"{entry.code} {entry.name} ({entry.severity.value}, {entry.category.value})\n")
    click.echo(paragraph(entry.summary) + "\n")
    click.echo(paragraph(entry.explanation) + "\n")
    click.echo("How to fix it:\n" + paragraph(entry.fix_hint) + "\n")
    click.echo("For example, this:\n" + block(entry.example) + "\n")
    click.echo("becomes:\n" + block(entry.fixed))


@main.command(short_help="Start a case file with every CARE section, ready to fill in.")
@click.argument("slug")
@click.option("--profile", default=None, metavar="NAME", help="The checklist the new case is laid out by: care-2016 (the default), care-2013, scare-2023 (adds highlights and each operation's details), or a journal's.")
@click.option("--folder", default="cases", show_default=True, type=click.Path(file_okay=False, path_type=str), help="The folder to write the case in; made if missing.")
def new(slug: str, profile: str | None, folder: str) -> None:
    """Write FOLDER/SLUG.yaml: every section of the checklist in order, each
    under a line saying what to write there, with the editor's modeline.
    SLUG is lower-case words joined by hyphens (appendicitis-child). The
    new file validates without errors; its warnings list what is still to
    write. An existing case is never replaced (exit status 1)."""
    from caseforge import new as starter
    from caseforge.care.profiles import get

    problem = starter.slug_problem(slug)
    if problem:
        raise click.BadParameter(problem, param_hint="SLUG")
    chosen = get(_settings(profile, None).profile)
    try:
        path = starter.create(slug, folder, chosen)
    except FileExistsError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_FINDINGS)
    except OSError as error:
        click.echo(f"error: cannot write the case in `{folder}`: {error.strerror or error}.", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"Wrote {path.as_posix()}, laid out by {chosen.title}.\nNext: edit it, then run `caseforge validate {path.as_posix()}`.")


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
