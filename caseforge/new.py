"""`caseforge new`: a new case file from the template, laid out by a profile.

The template (caseforge/data/template.yaml) has every CARE section in order,
each under a line saying what to write and which element it answers. The
element ids and what they ask for come from the profile's items, so a
profile that numbers its elements otherwise (CARE 2013) or adds some (SCARE
2023: highlights; each operation's operator, setting and technique) gets its
own ids and its own additions.

A new file must validate without errors and must claim nothing about the
patient: only what the format requires is written (a placeholder title, an
age of at least 0 years, the sex not yet reported, consent still being
sought); everything else is commented out, and the warnings list it.
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from functools import cache
from importlib.resources import files
from pathlib import Path

from caseforge.care.items import Item
from caseforge.care.profiles import Profile
from caseforge.schema import SCHEMA_ID

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# The schema's place in a project, for the modeline editors read.
PROJECT_SCHEMA = Path("schema", "case.schema.json")
_DIRECTIVE = "#%"
_FIELD = re.compile(r"\{(?P<kind>care|id|asks):(?P<name>[a-z_.|]+)\}|\{(?P<whole>schema|profile|path)\}")
_CARE_ID = re.compile(r"(\d+)[a-z]?")


def slug_problem(slug: str) -> str | None:
    """Why ``slug`` cannot name a case file, with the name to use instead; None when it can."""
    if SLUG.fullmatch(slug):
        return None
    suggestion = suggest_slug(slug)
    instead = f" Did you mean `{suggestion}`?" if suggestion and suggestion != slug else " For example `appendicitis-child`."
    return f"`{slug}` is not a case name: use lower-case words (letters and digits) joined by hyphens, with no suffix.{instead}"


def suggest_slug(text: str) -> str:
    """``text`` as a case name: accents dropped, lower case, words joined by hyphens."""
    stem = re.sub(r"\.ya?ml$", "", text.strip(), flags=re.IGNORECASE)
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", plain.lower()))


def schema_reference(folder: Path) -> str:
    """What the modeline of a case in ``folder`` points at: the project's
    schema/case.schema.json, relative to the folder, when a folder at or above
    it has one; otherwise the schema's published address."""
    folder = Path(os.path.abspath(folder))
    for root in (folder, *folder.parents):
        if (root / PROJECT_SCHEMA).is_file():
            return Path(os.path.relpath(root / PROJECT_SCHEMA, folder)).as_posix()
    return SCHEMA_ID


@cache
def _template() -> str:
    return files("caseforge").joinpath("data", "template.yaml").read_text(encoding="utf-8")


def _fields(item: Item) -> list[str]:
    """The dotted fields an item is written in: ``interventions[].dose, route``
    is ``interventions.dose`` and ``interventions.route``."""
    found: list[str] = []
    for part in item.field.replace("[]", "").split(","):
        part = part.strip()
        if "." not in part and found and "." in found[-1]:
            part = f"{found[-1].rsplit('.', 1)[0]}.{part}"
        found.append(part)
    return found


def _items(profile: Profile, name: str, below: bool = False) -> list[Item]:
    """The profile's items written in ``name`` (or, ``below``, in a field
    within it); ``A|B``: those of A, else those of B."""
    for choice in name.split("|"):
        found = [item for item in profile.items if any(field == choice or below and field.startswith(choice + ".") for field in _fields(item))]
        if found:
            return found
    raise LookupError(f"the template names `{name}`, where no element of {profile.name} is written")


def _ids(profile: Profile, items: list[Item]) -> str:
    """Ids as a reader scans them: neighbouring elements of one CARE number as
    a range (`8a-8d`), the others listed (`9a-9c, operator, setting`)."""
    position = {item.id: index for index, item in enumerate(profile.items)}
    runs: list[list[str]] = []
    for item in items:
        if runs and _number(item.id) is not None and _number(item.id) == _number(runs[-1][-1]) and position[item.id] == position[runs[-1][-1]] + 1:
            runs[-1].append(item.id)
        else:
            runs.append([item.id])
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)


def _number(item_id: str) -> str | None:
    """The CARE number of an element id (`8` of `8b`); None for a named one (`highlights`)."""
    found = _CARE_ID.fullmatch(item_id)
    return found.group(1) if found else None


def template(profile: Profile, schema: str, path: str) -> str:
    """The text of a new case judged by ``profile``, its modeline pointing at
    ``schema``, its instructions naming ``path``."""
    kept: list[str] = []
    keeping = True
    for line in _template().splitlines():
        if line.startswith(_DIRECTIVE):
            directive = line[len(_DIRECTIVE):].split()
            if directive[:1] == ["if"]:
                keeping = any(directive[1] in _fields(item) for item in profile.items)
            elif directive[:1] == ["end"]:
                keeping = True
            continue
        if keeping:
            kept.append(line)

    def fill(match: re.Match[str]) -> str:
        if match["whole"]:
            return {"schema": schema, "profile": profile.title, "path": path}[match["whole"]]
        items = _items(profile, match["name"], below=match["kind"] == "care")
        if match["kind"] == "asks":
            return items[0].asks[:1].lower() + items[0].asks[1:]
        ids = _ids(profile, items)
        return ids if match["kind"] == "id" else f"{profile.title} {ids}"

    return _FIELD.sub(fill, "\n".join(kept) + "\n")


def create(slug: str, folder: str | Path, profile: Profile) -> Path:
    """Write ``folder/slug.yaml`` from the template, creating the folder.

    Never replaces a file: FileExistsError when the case exists (as .yaml or
    .yml: two files would be one page of the site). The file appears whole
    or not at all: it is written under a temporary name, then linked to its
    own, which fails rather than replace a file made meanwhile.
    """
    folder = Path(folder)
    target = folder / f"{slug}.yaml"
    for existing in (target, target.with_suffix(".yml")):
        if existing.exists():
            raise _exists(existing)
    folder.mkdir(parents=True, exist_ok=True)
    text = template(profile, schema_reference(folder), target.as_posix())
    temporary = folder / f".{slug}.{secrets.token_hex(4)}.tmp"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        _publish(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _publish(temporary: Path, target: Path) -> None:
    """Give the written file its name, atomically and without replacing one."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise _exists(target) from None
    except OSError:  # a file system without hard links
        if target.exists():
            raise _exists(target) from None
        os.replace(temporary, target)


def _exists(path: Path) -> FileExistsError:
    return FileExistsError(f"{path} already exists; caseforge new never replaces a case. Choose another name, or edit that file.")
