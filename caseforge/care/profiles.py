"""Profiles: the checklist a case is judged against, and a journal's own rules.

A profile is a list of items (CARE 2016 by default) with some replaced,
added or removed, the items it does not accept as "not applicable", and
rules that are not elements of a report but constraints on it (BMJ Case
Reports: at most four authors). Where a journal's rule could not be
confirmed against its own instructions, the profile leaves it out and
caseforge/data/docs/profiles.md says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Iterable

from caseforge.care.items import CARE_2016, Case, Finding, Item, Status, element, keywords, listed, title_with

DEFAULT = "care-2016"


@dataclass(frozen=True)
class Rule:
    """A constraint of a profile beyond its items; ``broken`` gives the
    pointer and the message when the case breaks it, else None."""

    id: str
    text: str
    broken: Callable[[Case], tuple[str, str] | None]


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    summary: str
    items: tuple[Item, ...]
    # Items this profile needs written: "not applicable" does not meet them.
    required: frozenset[str] = frozenset()
    rules: tuple[Rule, ...] = ()


def _without(items: Iterable[Item], *ids: str) -> tuple[Item, ...]:
    return tuple(item for item in items if item.id not in ids)


def _replacing(items: Iterable[Item], **changes: Callable[[Item], Item]) -> tuple[Item, ...]:
    return tuple(changes[item.id](item) if item.id in changes else item for item in items)


def _either(*judges: Callable[[Case], Finding]) -> Callable[[Case], Finding]:
    """Met as the best of several judges is (CARE 2013's abstract case
    presentation: the 2016 case part or its management part)."""
    order = (Status.REPORTED, Status.NOT_APPLICABLE, Status.PARTIAL, Status.NOT_REPORTED)

    def judge(case: Case) -> Finding:
        return min((one(case) for one in judges), key=lambda found: order.index(found.status))

    return judge


def _care_2013() -> tuple[Item, ...]:
    """CARE 2013 (Gagnier et al., Table 1): the abstract in three parts, the
    conclusion numbered 3c; past interventions part of the history (5c).
    Nothing is dropped: 2016 split these items, it did not add them."""
    by_id = {item.id: item for item in CARE_2016}
    return _replacing(
        _without(CARE_2016, "3d", "5d"),
        **{
            "1": lambda item: replace(item, asks='The words "case report" (or "case study") and the area of focus.', criterion='The title contains "case report" or "case study" and at least two other words.', judge=title_with("case report", "case study")),
            "3b": lambda item: replace(item, topic="Abstract: case presentation", asks="The main symptoms, clinical findings, diagnoses, interventions and outcomes.", field="abstract.case, abstract.management", criterion="`abstract.case` or `abstract.management` written.", judge=_either(element("/abstract/case"), element("/abstract/management"))),
            "3c": lambda item: replace(by_id["3d"], id="3c", topic="Abstract: conclusion"),
            "5c": lambda item: replace(item, asks="Medical, family and psychosocial history, including past interventions and their outcomes, and genetic information.", criterion=item.criterion + " Past interventions belong here too (`patient.past_interventions`)."),
        },
    )


CARE_2013 = _care_2013()

# SCARE 2023 (Sohrabi et al., Int J Surg 2023;109:1136): CARE's elements,
# 3 to 6 key words, highlights, and the surgical detail of each operation.
_SURGICAL = ("surgery", "procedure")


def _each_surgical(name: str, what: str) -> Callable[[Case], Finding]:
    """Every intervention of kind surgery or procedure gives ``name``."""

    def judge(case: Case) -> Finding:
        from caseforge.care.items import interventions

        surgical = [(pointer, item) for pointer, item in interventions(case) if item.get("kind") in _SURGICAL]
        if not surgical:
            return Finding(Status.NOT_REPORTED, gap="no intervention of kind `surgery` or `procedure`")
        lacking = [item["name"] for _, item in surgical if name not in item]
        where = tuple(f"{pointer}/{name}" for pointer, item in surgical if name in item)
        if not lacking:
            return Finding(Status.REPORTED, where)
        gap = f"{len(lacking)} of {len(surgical)} operations without {what} ({', '.join(lacking[:3])})"
        return Finding(Status.PARTIAL if where else Status.NOT_REPORTED, where or (surgical[0][0],), gap)

    return judge


_SCARE_ITEMS = (
    Item("highlights", "Highlights", "Three to five highlights: what is new or important.", "highlights", "", "Three to five entries in `highlights`.", listed("/highlights", at_least=3)),
    Item("operator", "Surgery: operator", "Who operated, with their experience and training.", "interventions[].operator", "interventions", "Every intervention of kind `surgery` or `procedure` has `operator`.", _each_surgical("operator", "`operator`")),
    Item("setting", "Surgery: setting", "Where the operation was done: the kind of hospital or unit.", "interventions[].setting", "interventions", "Every intervention of kind `surgery` or `procedure` has `setting`.", _each_surgical("setting", "`setting`")),
    Item("technique", "Surgery: technique", "How it was done: approach, key steps, devices.", "interventions[].technique", "interventions", "Every intervention of kind `surgery` or `procedure` has `technique`.", _each_surgical("technique", "`technique`")),
)


def _highlights_count(case: Case) -> tuple[str, str] | None:
    found = case.get("/highlights") or []
    return ("/highlights", f"{len(found)} highlights are given; at most 5 are expected") if len(found) > 5 else None


def _scare_2023() -> tuple[Item, ...]:
    scare = _replacing(CARE_2016, **{"2": lambda item: replace(item, asks="Three to six key words.", criterion="Three to six entries in `keywords`.", judge=keywords(3, 6))})
    keyword_place = next(index for index, item in enumerate(scare) if item.id == "2")
    return scare[: keyword_place + 1] + _SCARE_ITEMS[:1] + scare[keyword_place + 1 :] + _SCARE_ITEMS[1:]


# Journal rules. Only rules found in a journal's instructions (or in a
# copy of them) are checked; caseforge/data/docs/profiles.md gives each source.

_EXACT_AGE = re.compile(r"\b\d{1,3}[- ](?:year|month|week|day)s?[- ]old\b|\baged \d{1,3}\b", re.IGNORECASE)
_BMJ_TITLE_WORDS = ("case report", "rare case", "first case", "literature review")


def _bmj_title(case: Case) -> Finding:
    text = str(case.get("/title") or "")
    said = [phrase for phrase in _BMJ_TITLE_WORDS if re.search(re.escape(phrase).replace(r"\ ", r"\s+"), text, re.IGNORECASE)]
    if said:
        return Finding(Status.PARTIAL, ("/title",), f'BMJ Case Reports titles leave out "{said[0]}"')
    return Finding(Status.REPORTED, ("/title",))


def _at_most_authors(limit: int) -> Callable[[Case], tuple[str, str] | None]:
    def broken(case: Case) -> tuple[str, str] | None:
        authors = case.get("/authors") or []
        return ("/authors", f"{len(authors)} authors are listed; at most {limit} are accepted") if len(authors) > limit else None

    return broken


def _no_exact_age(case: Case) -> tuple[str, str] | None:
    """Ages are shown as a band (a woman in her 50s); the title and abstract
    must not give the exact age."""
    for pointer in ("/title", "/abstract/introduction", "/abstract/case", "/abstract/management", "/abstract/conclusion"):
        text = case.get(pointer)
        if isinstance(text, str) and (found := _EXACT_AGE.search(text)):
            return pointer, f"`{found.group(0)}` gives an exact age; give an age band instead (\"in her 30s\")"
    return None


def _abstract_words(limit: int) -> Callable[[Case], tuple[str, str] | None]:
    def broken(case: Case) -> tuple[str, str] | None:
        parts = [case.get(f"/abstract/{part}") for part in ("introduction", "case", "management", "conclusion")]
        words = sum(len(part.split()) for part in parts if isinstance(part, str))
        return ("/abstract", f"the abstract has {words} words; at most {limit} are accepted") if words > limit else None

    return broken


def _consent_obtained(case: Case) -> tuple[str, str] | None:
    """Some journals do not accept an ethics committee's waiver in place of consent."""
    if case.get("/consent/status") == "waived":
        return "/consent/status", "consent was waived; this journal asks for the patient's (or guardian's) written consent"
    return None


def _cites_literature(case: Case) -> tuple[str, str] | None:
    return None if case.get("/references") else ("/references", "no entry in `references`; the journal asks for the case to be set against earlier reports")


_BMJ = _replacing(CARE_2016, **{"1": lambda item: replace(item, asks='The area of focus, without the words "case report".', criterion='The title does not contain "case report", "rare case", "first case" or "literature review".', judge=_bmj_title)})

PROFILES: dict[str, Profile] = {
    profile.name: profile
    for profile in (
        Profile("care-2016", "CARE 2016", "The CARE checklist as revised in 2016: 30 items.", CARE_2016),
        Profile("care-2013", "CARE 2013", "The CARE checklist of 2013: 28 items; the abstract in three parts, past interventions within the history.", CARE_2013),
        Profile(
            "scare-2023", "SCARE 2023", "Surgical case reports: CARE 2016 with three to six key words, highlights, and each operation's operator, setting and technique.",
            _scare_2023(), rules=(Rule("highlights", "At most five highlights.", _highlights_count),),
        ),
        Profile(
            "bmj-case-reports", "BMJ Case Reports", "CARE 2016 with BMJ Case Reports' rules: no \"case report\" in the title, learning points and the patient's perspective required, at most four authors, no exact age in the title or abstract, an abstract of at most 150 words.",
            _BMJ, required=frozenset({"11d", "12"}),
            rules=(Rule("authors", "At most four authors.", _at_most_authors(4)), Rule("age", "Ages as an age band.", _no_exact_age), Rule("abstract", "An abstract of at most 150 words.", _abstract_words(150)), Rule("consent", "The patient's consent, not a waiver.", _consent_obtained)),
        ),
        Profile(
            "jmcr", "Journal of Medical Case Reports", "CARE 2016 with JMCR's rules: consent from the patient, earlier reports cited, an abstract of at most 350 words.",
            CARE_2016, rules=(Rule("consent", "The patient's consent, not a waiver.", _consent_obtained), Rule("references", "Earlier reports cited.", _cites_literature), Rule("abstract", "An abstract of at most 350 words.", _abstract_words(350))),
        ),
        Profile(
            "cureus", "Cureus", "CARE 2016 with Cureus' rule on consent; its other limits could not be confirmed and are not checked.",
            CARE_2016, rules=(Rule("consent", "The patient's consent, not a waiver.", _consent_obtained),),
        ),
    )
}
NAMES = tuple(PROFILES)


def get(name: str) -> Profile:
    """The profile of that name; KeyError when there is none."""
    return PROFILES[name]
