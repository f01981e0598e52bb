"""CARE completeness: CF502 (element missing), CF503 (partly there), CF504
(no consent to publish), CF505 (a `checklist` statement the case
contradicts), CF506 (a profile's rule broken), CF507 (consent still being
sought: a warning while the case is written; it is not published).

Consent is checked on every document, whatever the profile. The rest
depends on the profile and on `--strict`, so it is not a registered check:
:func:`completeness` is called by validation with both.
"""

from __future__ import annotations

from typing import Iterator

from caseforge.care.assess import Assessment, Result
from caseforge.care.items import CONSENTED, Case, Status
from caseforge.checks import check, located
from caseforge.diagnostics import Diagnostic, make
from caseforge.source import Document


@check
def consent(document: Document) -> Iterator[Diagnostic]:
    status = document.data.get("consent", {}).get("status")
    if status == "pending":
        yield located(document, "CF507", "/consent/status", "Consent to publish is still being sought (CARE 13); the case cannot be published until it is recorded.", "When the patient (or a parent or guardian) has consented, write `status: obtained` and `given_by`.")
    elif status not in CONSENTED:
        said = "says consent was not obtained" if status == "not_obtained" else "does not record consent to publish"
        yield located(document, "CF504", "/consent/status", f"The case {said} (CARE 13); it cannot be published.", "Record the consent as the report states it (`status: obtained` and `given_by`), or `waived` with the ethics committee's decision in `ethics_approval`.")


def completeness(document: Document, assessment: Assessment, strict: bool = False) -> Iterator[Diagnostic]:
    """A diagnostic per element not met, per contradicted statement, per broken rule.

    An element (or the part of one) that the author marked `not_reported`
    is reported only when ``strict``: the mark already records the gap, but
    a submission must not have one.
    """
    name = assessment.profile.title
    for result in assessment.results:
        if result.item.id == "13":
            continue  # consent has its own error, CF504, under every profile
        yield from _element(document, name, result, strict)
    for result in assessment.contradicted:
        yield located(document, "CF505", result.statement or "/checklist", f"`checklist` says {name} {result.item.id} ({result.item.topic.lower()}) is not reported or not applicable, but the case reports it at `{_dotted(result.finding.where)}`.", "Remove the statement from `checklist`, or the element from the case.")
    for rule_id, pointer, message in assessment.broken:
        yield located(document, "CF506", pointer, f"{message} ({name}: {rule_id}).", "Change the case as the message says, or check that the profile is the one you meant (`--profile`, or `profile` in the configuration).")


def _element(document: Document, name: str, result: Result, strict: bool) -> Iterator[Diagnostic]:
    item, finding = result.item, result.finding
    label = f"{name} {item.id} ({item.topic.lower()})"
    if finding.status is Status.PARTIAL and not finding.reported_elsewhere and (strict or not finding.marked):
        pointer = finding.where[0] if finding.where else item.pointer
        yield located(document, "CF503", pointer, f"{label} is only partly reported: {finding.gap}.", f"It counts as reported when: {item.criterion[0].lower()}{item.criterion[1:]}")
    elif finding.status is Status.NOT_REPORTED and (strict or not finding.marked):
        if finding.marked:
            where = finding.where[0] if finding.where else item.pointer
            yield located(document, "CF502", where, f"{label} is marked not reported ({finding.reason}); a submission needs it.", f"Write `{item.field}`: {item.asks[0].lower()}{item.asks[1:]}")
        else:
            detail = f": {finding.gap}" if finding.gap else ""
            yield _where_it_belongs(document, "CF502", item.pointer, f"{label} is not reported{detail}.", f"Add `{item.field}`: {item.asks[0].lower()}{item.asks[1:]} {_how_to_mark(item.id, item.field)}")


# Elements whose own field takes `{status: not_applicable, reason}`; the
# others are marked by an entry in `checklist`.
_FIELD_MARKS = {"3a", "3b", "3c", "3d", "4", "5c", "5d", "8b", "8c", "8d", "10a", "10b", "10c", "10d", "11a", "11b", "11c", "11d", "12"}


def _how_to_mark(item_id: str, field: str) -> str:
    if item_id in _FIELD_MARKS:
        return f"If it does not apply to this case, write `{field.split(',')[0]}: {{status: not_applicable, reason: ...}}`."
    return f"If it does not apply to this case, add `- {{item: {item_id}, status: not_applicable, reason: ...}}` to `checklist`."


def _where_it_belongs(document: Document, code: str, pointer: str, message: str, hint: str) -> Diagnostic:
    """A diagnostic about something absent, at the key of the section it
    belongs in (`diagnostic_assessment:`), or at the top of the file."""
    parts = pointer.strip("/").split("/")
    while parts and _value(document, parts) is None:
        parts.pop()
    line, column = document.key_position("/" + "/".join(parts)) if parts else (1, 1)
    return make(code, document.path, message, hint=hint, pointer=pointer, line=line, column=column)


def _value(document: Document, tokens: list[str]) -> object:
    return Case(document).get("/" + "/".join(tokens))


def _dotted(pointers: tuple[str, ...]) -> str:
    """The first place, as the other messages name places (`interventions[0].changes`)."""
    from caseforge.schema import where

    if not pointers:
        return "?"
    return where(int(token) if token.isdigit() else token for token in pointers[0].strip("/").split("/")).strip("`")
