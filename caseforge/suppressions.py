"""Suppression comments: an author's statement, in the case file itself,
that a finding is known and accepted.

    route: oral  # caseforge: ignore[CF501]
    # caseforge: ignore-file[CF501, CF304]

`ignore[...]` applies to diagnostics reported on the line it is written on
(for a block text, the line of its `|` or `>`, which may carry a comment:
``introduction: |  # caseforge: ignore[CF702]``); `ignore-file[...]` (in the
comments before the first key) to the whole file. A `#` inside a quoted or
block text is part of the text, not a comment.
Codes must be named: a bare "ignore everything" would hide the next,
unrelated mistake on that line too. A suppression that suppresses nothing
is reported (CF004), so that stale ones do not pile up, and one that cannot
be honoured (an unknown code, a code of a file that could not be read) is
an error (CF005), as ruff and mypy report theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from caseforge.diagnostics import Diagnostic, make
from caseforge.source import Document

# `#` starts a YAML comment at the start of a line or after white space.
_COMMENT = re.compile(r"(?:^|(?<=\s))#\s*caseforge\s*:\s*(?P<kind>ignore-file|ignore)\b(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
_CODE = re.compile(r"^CF\d{3}$")
# What may stand between the start of a block scalar and a comment on its
# first line: its properties (an anchor, a tag), the `|` or `>` indicator with
# its optional chomping (`+`, `-`) and indentation (1-9) indicators, and space.
_BLOCK_HEADER = re.compile(r"(?:[&!]\S*\s+)*[|>](?:[1-9][+-]?|[+-][1-9]?)?\s+")
# Problems of reading the file, of its structure (CF1xx, CF2xx: nothing after
# them was checked) and of the settings cannot be suppressed.
_NOT_SUPPRESSIBLE = ("CF001", "CF002", "CF003", "CF004", "CF005")


@dataclass
class _Suppression:
    line: int
    column: int
    whole_file: bool
    codes: tuple[str, ...]
    used: set[str]


def apply(document: Document, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics the file's comments do not suppress, with a diagnostic
    for each suppression that is unused (CF004) or cannot be honoured (CF005)."""
    if "caseforge" not in document.text:
        return diagnostics  # the common case: no comment to look for
    suppressions, problems = _read(document)
    kept = [item for item in diagnostics if not _suppressed(item, suppressions)]
    for suppression in suppressions:
        for code in suppression.codes:
            if code not in suppression.used:
                where = "in this file" if suppression.whole_file else "on this line"
                kept.append(make("CF004", document.path, f"`caseforge: {'ignore-file' if suppression.whole_file else 'ignore'}[{code}]` suppresses nothing: there is no {code} {where}.", line=suppression.line, column=suppression.column))
    return sorted(kept + problems, key=Diagnostic.sort_key)


def _suppressed(item: Diagnostic, suppressions: list[_Suppression]) -> bool:
    for suppression in suppressions:
        if item.code in suppression.codes and (suppression.whole_file or suppression.line == item.line):
            suppression.used.add(item.code)
            return True
    return False


def _read(document: Document) -> tuple[list[_Suppression], list[Diagnostic]]:
    from caseforge.codes import CODES
    from caseforge.suggest import closest

    found: list[_Suppression] = []
    problems: list[Diagnostic] = []
    first_content = _first_content_line(document)
    for number, line in enumerate(document.text.splitlines(), 1):
        for match in _COMMENT.finditer(line):
            column = match.start() + 1
            if _inside_a_value(document, number, column, line):
                continue
            whole_file = match.group("kind").lower() == "ignore-file"
            codes = tuple(code.strip().upper() for code in (match.group("codes") or "").split(",") if code.strip())
            if not codes:
                problems.append(make("CF005", document.path, "A suppression must name the codes it suppresses.", hint="Write them in brackets: `# caseforge: ignore[CF501]`.", line=number, column=column))
                continue
            if whole_file and number > first_content:
                problems.append(make("CF005", document.path, "`caseforge: ignore-file[...]` must be in the comments at the top of the file, before the first key.", hint="Move it to the top, or use `ignore[...]` on the line it is about.", line=number, column=column))
                continue
            wrong = [code for code in codes if code not in CODES or code in _NOT_SUPPRESSIBLE or code.startswith(("CF1", "CF2"))]
            for code in wrong:
                guess = closest(code, [known for known in CODES if known not in _NOT_SUPPRESSIBLE])
                reason = "is not a caseforge code" if code not in CODES or not _CODE.match(code) else "cannot be suppressed: it means the file could not be read, or its structure is wrong, so nothing after it was checked"
                hint = f"Did you mean {guess}?" if guess and code not in CODES else "Fix the problem instead; `caseforge explain CODE` says how."
                problems.append(make("CF005", document.path, f"`{code}` {reason}.", hint=hint, line=number, column=column))
            good = tuple(code for code in codes if code not in wrong)
            if good:
                found.append(_Suppression(number, column, whole_file, good, set()))
    return found, problems


def _first_content_line(document: Document) -> int:
    """The line of the first key: `ignore-file` comments come before it."""
    return document.root.start_mark.line + 1


def _inside_a_value(document: Document, line: int, column: int, text: str) -> bool:
    """Whether the `#` at ``line``, ``column`` (whose text is ``text``) is part
    of a quoted or block text rather than a comment.

    A block scalar's node starts at its `|` or `>`, but a `#` after that
    indicator on the same line is a comment (``intro: |  # caseforge: ...``):
    the text itself starts on the next line.
    """
    stack = [document.root]
    while stack:
        node = stack.pop()
        if hasattr(node, "value") and isinstance(node.value, list):
            for child in node.value:
                stack.extend(child if isinstance(child, tuple) else (child,))
            continue
        start, end = node.start_mark, node.end_mark
        if (start.line + 1, start.column + 1) <= (line, column) < (end.line + 1, end.column + 1):
            if getattr(node, "style", None) in ("|", ">") and start.line + 1 == line and _BLOCK_HEADER.fullmatch(text, start.column, column - 1):
                continue
            return True
    return False
