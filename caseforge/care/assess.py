"""A case judged against a profile: every item's finding, and the score.

The author may state an item's status in `checklist` when the case has no
natural place for it (9c: "the treatment was never changed"). That
statement counts only for an item the case does not report; a statement
about an item the case does report is kept aside so that the check can
point out the contradiction.
"""

from __future__ import annotations

from dataclasses import dataclass

from caseforge.care.items import Case, Finding, Item, Status, marked
from caseforge.care.profiles import Profile
from caseforge.source import Document


@dataclass(frozen=True)
class Result:
    item: Item
    finding: Finding
    # The pointer of the author's statement in `checklist`, when one was used or contradicted.
    statement: str | None = None


@dataclass(frozen=True)
class Assessment:
    profile: Profile
    results: tuple[Result, ...]
    broken: tuple[tuple[str, str, str], ...]  # (rule id, pointer, message)
    contradicted: tuple[Result, ...]  # statements in `checklist` about items the case reports

    def score(self) -> Score:
        def ids(status: Status) -> tuple[str, ...]:
            return tuple(result.item.id for result in self.results if result.finding.status is status)

        met = sum(1 for result in self.results if result.finding.status.met)
        return Score(self.profile.name, self.profile.title, met, len(self.results), ids(Status.NOT_REPORTED), ids(Status.PARTIAL), ids(Status.NOT_APPLICABLE))


@dataclass(frozen=True)
class Score:
    """The completeness of one case, small enough to cross process boundaries."""

    profile: str
    title: str
    met: int
    items: int
    missing: tuple[str, ...]
    partial: tuple[str, ...]
    not_applicable: tuple[str, ...]

    def line(self) -> str:
        """"CARE 2016 27/30: missing 8b, 10c, 12; partly 9b" """
        parts = []
        if self.missing:
            parts.append("missing " + ", ".join(self.missing))
        if self.partial:
            parts.append("partly " + ", ".join(self.partial))
        return f"{self.title} {self.met}/{self.items}: " + ("; ".join(parts) if parts else "complete")

    def as_dict(self) -> dict[str, object]:
        return {
            "profile": self.profile,
            "met": self.met,
            "items": self.items,
            "missing": list(self.missing),
            "partial": list(self.partial),
            "not_applicable": list(self.not_applicable),
        }


def assess(document: Document, profile: Profile) -> Assessment:
    case = Case(document)
    statements = _statements(document)
    results, contradicted = [], []
    for item in profile.items:
        finding = item.judge(case)
        statement = statements.get(item.id)
        if statement is not None:
            pointer, value = statement
            if finding.status is Status.NOT_REPORTED and not finding.marked:
                finding = marked(value, pointer)
            elif finding.status in (Status.REPORTED, Status.PARTIAL):
                contradicted.append(Result(item, finding, pointer))
        if item.id in profile.required and finding.status is Status.NOT_APPLICABLE:
            finding = Finding(Status.NOT_REPORTED, gap=f"{profile.title} asks for it in every report; it is marked not applicable ({finding.reason})")
        results.append(Result(item, finding, statement[0] if statement else None))
    broken = tuple((rule.id, *found) for rule in profile.rules if (found := rule.broken(case)) is not None)
    return Assessment(profile, tuple(results), broken, tuple(contradicted))


def _statements(document: Document) -> dict[str, tuple[str, dict[str, object]]]:
    """The author's statements in `checklist`, by item id (written `12` or `"12"`)."""
    found = {}
    for index, entry in enumerate(document.data.get("checklist") or []):
        found[str(entry["item"])] = (f"/checklist/{index}", entry)
    return found
