"""The CARE 2016 checklist, item by item, each judged mechanically against a case.

An item is met when the case *reports* it, or when the author marks it not
applicable with a reason; it is *partly reported* when some of what it asks
for is there; *not reported* when nothing is, or when the author marks it so
(the mark is kept: it says the published report lacks it). The criteria are
documented on each item (`criterion`), and the same text is shown in the
checklist a journal receives, so an editor can see why an item was judged
as it was.

Judges read plain data that has passed the schema; where an item is about
time (the timeline, the time of tests) they use the resolved time course.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable

from caseforge.source import Document

CITATION = re.compile(r"\[@[^\]]+\]")
# Consent statuses that allow publication.
CONSENTED = ("obtained", "waived")
# Kinds of intervention given as a drug, whose dose, route and frequency CARE 9b asks for.
DRUG_KINDS = ("drug", "chemotherapy", "immunotherapy")


class Status(str, Enum):
    REPORTED = "reported"
    PARTIAL = "partly reported"
    NOT_REPORTED = "not reported"
    NOT_APPLICABLE = "not applicable"

    @property
    def met(self) -> bool:
        return self in (Status.REPORTED, Status.NOT_APPLICABLE)


@dataclass(frozen=True)
class Finding:
    """How one item fares in one case."""

    status: Status
    where: tuple[str, ...] = ()  # JSON pointers where the case reports it
    gap: str = ""  # what is missing, in words, when not fully reported
    reason: str = ""  # the author's reason, when marked
    marked: bool = False  # the author wrote the status (not_applicable / not_reported)
    # Gaps already reported by a located diagnostic of their own (a drug
    # without its route: CF501), which the item's summary would repeat.
    reported_elsewhere: bool = False


Judge = Callable[["Case"], Finding]


@dataclass(frozen=True)
class Item:
    """One element of a checklist."""

    id: str
    topic: str
    asks: str  # what the guideline asks for, paraphrased
    field: str  # where a case writes it, as authors read it (`diagnostic_assessment.challenges`)
    anchor: str  # the section of the rendered case page
    criterion: str  # how caseforge judges it
    judge: Judge = field(repr=False, compare=False)

    @property
    def pointer(self) -> str:
        """Where the item is written, as a JSON pointer (`/diagnostic_assessment/challenges`)."""
        first = self.field.split(",")[0].split("[")[0].strip()
        return "/" + first.replace(".", "/")


@dataclass
class Case:
    """What the judges read: the data, and the time course when asked for."""

    document: Document

    @property
    def data(self) -> dict[str, Any]:
        return self.document.data

    def get(self, pointer: str) -> Any:
        """The value at a JSON pointer (`/a/b/0`), or None when absent."""
        node: Any = self.data
        for token in pointer.strip("/").split("/"):
            if isinstance(node, dict):
                node = node.get(token)
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return None
        return node


def is_marked(value: Any) -> bool:
    return isinstance(value, dict) and value.get("status") in ("not_applicable", "not_reported") and "reason" in value


def marked(value: dict[str, Any], pointer: str) -> Finding:
    """The author's own statement, at ``pointer``, that an item is not applicable or not reported."""
    status = Status.NOT_APPLICABLE if value["status"] == "not_applicable" else Status.NOT_REPORTED
    return Finding(status, (pointer,), reason=str(value["reason"]), marked=True)


def _written_or_marked(case: Case, pointer: str) -> tuple[Any, Finding | None]:
    """The value at ``pointer``, or the author's mark on it or on a section
    holding it (an abstract marked not reported marks its four parts)."""
    parts = pointer.strip("/").split("/")
    for depth in range(1, len(parts) + 1):
        here = "/" + "/".join(parts[:depth])
        value = case.get(here)
        if is_marked(value):
            return None, marked(value, here)
    return case.get(pointer), None


def element(pointer: str, needs_citation: bool = False) -> Judge:
    """An item written as one text (or list), or marked."""

    def judge(case: Case) -> Finding:
        value, mark = _written_or_marked(case, pointer)
        if mark is not None:
            return mark
        if value in (None, [], ""):
            return Finding(Status.NOT_REPORTED)
        if needs_citation and isinstance(value, str) and not CITATION.search(value):
            return Finding(Status.PARTIAL, (pointer,), "it cites no reference: cite the literature as `[@id]`, with the id of an entry in `references`")
        return Finding(Status.REPORTED, (pointer,))

    return judge


def all_of(parts: dict[str, str]) -> Judge:
    """An item made of several parts (pointer -> name), each written or marked."""

    def judge(case: Case) -> Finding:
        findings = {name: element(pointer)(case) for pointer, name in parts.items()}
        written = tuple(pointer for pointer, name in parts.items() if findings[name].status is Status.REPORTED)
        unmarked_missing = [name for name, found in findings.items() if found.status is Status.NOT_REPORTED and not found.marked]
        if all(found.status.met for found in findings.values()):
            if not written:
                reasons = "; ".join(found.reason for found in findings.values())
                return Finding(Status.NOT_APPLICABLE, reason=reasons, marked=True)
            return Finding(Status.REPORTED, written)
        if not written:
            if not unmarked_missing:
                return Finding(Status.NOT_REPORTED, reason="; ".join(found.reason for found in findings.values() if found.reason), marked=True)
            return Finding(Status.NOT_REPORTED, gap=_missing(unmarked_missing))
        lacking = [name for name, found in findings.items() if not found.status.met]
        reasons = "; ".join(found.reason for found in findings.values() if found.reason and not found.status.met)
        return Finding(Status.PARTIAL, written, _missing(lacking), reasons, marked=not unmarked_missing)

    return judge


def _missing(names: list[str]) -> str:
    return "missing: " + ", ".join(names)


def listed(pointer: str, at_least: int = 1) -> Judge:
    """An item met by a list with entries."""

    def judge(case: Case) -> Finding:
        value, mark = _written_or_marked(case, pointer)
        if mark is not None:
            return mark
        if not value:
            return Finding(Status.NOT_REPORTED)
        if len(value) < at_least:
            return Finding(Status.PARTIAL, (pointer,), f"{len(value)} given, at least {at_least} expected")
        return Finding(Status.REPORTED, (pointer,))

    return judge


# The judges that need more than "is it written".


def title_with(*phrases: str) -> Judge:
    """A title that names the kind of article (one of ``phrases``) and more."""
    pattern = re.compile("|".join(re.escape(phrase).replace(r"\ ", r"\s+") + "s?" for phrase in phrases), re.IGNORECASE)

    def judge(case: Case) -> Finding:
        text = str(case.get("/title") or "")
        if not pattern.search(text):
            named = " or ".join(f'"{phrase}"' for phrase in phrases)
            return Finding(Status.PARTIAL, ("/title",), f"the title does not say {named}")
        if len(pattern.sub(" ", text).split()) < 2:
            return Finding(Status.PARTIAL, ("/title",), "the title does not name the area of focus (the diagnosis, intervention or finding)")
        return Finding(Status.REPORTED, ("/title",))

    return judge


def keywords(low: int, high: int) -> Judge:
    def judge(case: Case) -> Finding:
        found = case.get("/keywords") or []
        if not found:
            return Finding(Status.NOT_REPORTED)
        if not low <= len(found) <= high:
            return Finding(Status.PARTIAL, ("/keywords",), f"{len(found)} key words given; {low} to {high} are expected")
        return Finding(Status.REPORTED, ("/keywords",))

    return judge


def demographics(case: Case) -> Finding:
    age = case.get("/patient/age") or {}
    if age.get("value") == 0 and age.get("comparator") in (">", ">="):
        return Finding(Status.PARTIAL, ("/patient/age",), "the age is not given (it says only that the patient is at least 0)")
    if case.get("/patient/sex") in ("not_reported", "unknown"):
        return Finding(Status.PARTIAL, ("/patient/age",), "the sex is not given")
    return Finding(Status.REPORTED, ("/patient/age", "/patient/sex"))


def timeline(case: Case) -> Finding:
    """At least three events with a time, covering presentation, diagnosis,
    intervention and follow-up (the phases CARE 7 names)."""
    events = case.get("/timeline") or []
    if not events:
        return Finding(Status.NOT_REPORTED)
    timed = [event for event in events if "time" in event or "start" in event]
    kinds = {event["kind"] for event in timed}
    if any(intervention.get("time") or intervention.get("start") for intervention in case.get("/interventions") or [] if isinstance(intervention, dict)):
        kinds.add("intervention")
    missing = [phase for phase, members in _PHASES.items() if not kinds & members]
    gaps = []
    if len(timed) < 3:
        gaps.append(f"{len(timed)} event{'s' if len(timed) != 1 else ''} with a time; at least 3 are expected")
    if missing:
        gaps.append("no timed event for " + ", ".join(missing))
    if gaps:
        return Finding(Status.PARTIAL, ("/timeline",), "; ".join(gaps))
    return Finding(Status.REPORTED, ("/timeline",))


_PHASES = {
    "presentation": {"presentation", "admission", "symptom"},
    "diagnosis": {"diagnosis", "test"},
    "intervention": {"intervention"},
    "follow-up": {"follow_up", "response", "discharge", "death", "relapse"},
}


def diagnostic_methods(case: Case) -> Finding:
    """Tests with a time, and numeric laboratory results with a reference range
    (or an interpretation) where the test has one."""
    tests = case.get("/diagnostic_assessment/tests") or []
    if not tests:
        return Finding(Status.NOT_REPORTED)
    untimed = [test["name"] for test in tests if "time" not in test]
    unranged = [test["name"] for test in tests if _needs_range(test) and "reference_range" not in test and "interpretation" not in test]
    gaps = []
    if untimed:
        gaps.append(f"{_count(untimed, 'test')} without a time ({_names(untimed)})")
    if unranged:
        gaps.append(f"{_count(unranged, 'numeric laboratory result')} without a reference range or interpretation ({_names(unranged)})")
    if gaps:
        return Finding(Status.PARTIAL, ("/diagnostic_assessment/tests",), "; ".join(gaps))
    return Finding(Status.REPORTED, ("/diagnostic_assessment/tests",))


def _needs_range(test: dict[str, Any]) -> bool:
    """A numeric result of a test that laboratories give a reference range for."""
    result = test.get("result") or {}
    if "value" not in result or test.get("category") not in (None, "laboratory", "haematology", "serology"):
        return False
    from caseforge.units.analytes import find

    analyte = find(test["name"], result.get("unit"))
    return analyte is not None and analyte.kind != "dose"


def _count(items: list[str], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def _names(items: list[str], shown: int = 3) -> str:
    head = ", ".join(items[:shown])
    return head + (f" and {len(items) - shown} more" if len(items) > shown else "")


def reasoning(case: Case) -> Finding:
    return all_of({"/diagnostic_assessment/reasoning": "the reasoning (`reasoning`)", "/diagnostic_assessment/differential_diagnoses": "the other diagnoses considered (`differential_diagnoses`)"})(case)


def administration(case: Case) -> Finding:
    """Each drug with its dose (and unit), route and frequency."""
    drugs = [(pointer, drug) for pointer, drug in interventions(case) if drug.get("kind") in DRUG_KINDS]
    if not drugs:
        listed_any = bool(case.get("/interventions"))
        return Finding(Status.REPORTED if listed_any else Status.NOT_REPORTED, ("/interventions",) if listed_any else ())
    # A regimen's doses are its components'.
    no_dose = [drug["name"] for _, drug in drugs if "dose" not in drug and not drug.get("components")]
    no_schedule = [drug["name"] for _, drug in drugs if drug.get("kind") == "drug" and not ("route" in drug and "frequency" in drug)]
    if not (no_dose or no_schedule):
        return Finding(Status.REPORTED, ("/interventions",))
    gaps = []
    if no_dose:
        gaps.append(f"{_count(no_dose, 'drug')} without a dose ({_names(no_dose)})")
    if no_schedule:
        gaps.append(f"{_count(no_schedule, 'drug')} without route or frequency ({_names(no_schedule)})")
    return Finding(Status.PARTIAL, ("/interventions",), "; ".join(gaps), reported_elsewhere=not no_dose)


def interventions(case: Case) -> list[tuple[str, dict[str, Any]]]:
    """Every intervention, and every component of a regimen, with its pointer."""
    found: list[tuple[str, dict[str, Any]]] = []
    stack = [(f"/interventions/{index}", item) for index, item in enumerate(case.get("/interventions") or [])]
    while stack:
        pointer, item = stack.pop(0)
        found.append((pointer, item))
        stack.extend((f"{pointer}/components/{index}", part) for index, part in enumerate(item.get("components") or []))
    return found


def changes(case: Case) -> Finding:
    changed = [f"{pointer}/changes" for pointer, item in interventions(case) if item.get("changes")]
    if changed:
        return Finding(Status.REPORTED, tuple(changed))
    return Finding(Status.NOT_REPORTED, gap="no intervention lists `changes`")


def outcomes(case: Case) -> Finding:
    return all_of({"/follow_up/clinician_assessed": "outcomes judged by the clinician (`clinician_assessed`)", "/follow_up/patient_assessed": "outcomes judged by the patient (`patient_assessed`)"})(case)


def adverse_events(case: Case) -> Finding:
    value, mark = _written_or_marked(case, "/follow_up/adverse_events")
    if mark is not None:
        return mark
    if not value:
        return Finding(Status.NOT_REPORTED)
    return Finding(Status.REPORTED, ("/follow_up/adverse_events",))


def literature(case: Case) -> Finding:
    found = element("/discussion/literature")(case)
    if found.status is Status.REPORTED and not case.get("/references"):
        return Finding(Status.PARTIAL, found.where, "no entry in `references`: list the literature discussed, and cite it as `[@id]`")
    return found


def consent(case: Case) -> Finding:
    status = case.get("/consent/status")
    if status in CONSENTED:
        return Finding(Status.REPORTED, ("/consent",))
    gap = "consent is still being sought" if status == "pending" else f"consent is recorded as `{status}`"
    return Finding(Status.NOT_REPORTED, ("/consent",), gap)


def _item(id: str, topic: str, asks: str, field_name: str, anchor: str, criterion: str, judge: Judge) -> Item:
    return Item(id, topic, asks, field_name, anchor, criterion, judge)


_WRITTEN = "Written, or marked not applicable with a reason."

CARE_2016: tuple[Item, ...] = (
    _item("1", "Title", 'The words "case report" and the area of focus.', "title", "", 'The title contains "case report" and at least two other words.', title_with("case report")),
    _item("2", "Key words", "Two to five key words.", "keywords", "", "Two to five entries in `keywords`.", keywords(2, 5)),
    _item("3a", "Abstract: introduction", "What is unique about the case and what it adds.", "abstract.introduction", "abstract", _WRITTEN, element("/abstract/introduction")),
    _item("3b", "Abstract: case", "The main concerns and important clinical findings.", "abstract.case", "abstract", _WRITTEN, element("/abstract/case")),
    _item("3c", "Abstract: management", "The main diagnoses, interventions and outcomes.", "abstract.management", "abstract", _WRITTEN, element("/abstract/management")),
    _item("3d", "Abstract: conclusion", "The main take-away lessons.", "abstract.conclusion", "abstract", _WRITTEN, element("/abstract/conclusion")),
    _item("4", "Introduction", "Why the case is unique, with references to the literature.", "introduction", "introduction", "Written, with at least one citation `[@id]`; or marked not applicable.", element("/introduction", needs_citation=True)),
    _item("5a", "Patient information: demographics", "De-identified demographics: age, sex, ethnicity, occupation.", "patient.age, patient.sex", "patient-information", "Age and sex given (ethnicity and occupation are shown when written; many reports have no reason to give them).", demographics),
    _item("5b", "Patient information: main concerns", "The main concerns and symptoms.", "patient.main_concerns", "patient-information", "At least one entry in `patient.main_concerns`.", listed("/patient/main_concerns")),
    _item("5c", "Patient information: history", "Medical, family and psychosocial history, and genetic information.", "patient.history", "patient-information", "Each of `medical`, `family`, `psychosocial` and `genetic` written or marked; partly reported when some are.", all_of({f"/patient/history/{part}": part for part in ("medical", "family", "psychosocial", "genetic")})),
    _item("5d", "Patient information: past interventions", "Relevant past interventions and their outcomes.", "patient.past_interventions", "patient-information", "At least one entry in `patient.past_interventions`, or marked.", listed("/patient/past_interventions")),
    _item("6", "Clinical findings", "The physical examination and other significant findings.", "clinical_findings", "clinical-findings", "At least one entry in `clinical_findings`.", listed("/clinical_findings")),
    _item("7", "Timeline", "The history and the episode of care as a timeline.", "timeline", "timeline", "At least three events with a time, covering presentation, diagnosis, intervention and follow-up (an intervention with a time counts for intervention).", timeline),
    _item("8a", "Diagnostic assessment: methods", "Examinations, laboratory tests, imaging, questionnaires.", "diagnostic_assessment.tests", "diagnostic-assessment", "At least one test; every test has a time; every numeric laboratory result of a test caseforge knows has a reference range or an interpretation.", diagnostic_methods),
    _item("8b", "Diagnostic assessment: challenges", "Diagnostic challenges: access, cost, culture.", "diagnostic_assessment.challenges", "diagnostic-assessment", _WRITTEN, element("/diagnostic_assessment/challenges")),
    _item("8c", "Diagnostic assessment: reasoning", "The diagnostic reasoning, with the other diagnoses considered.", "diagnostic_assessment.reasoning, diagnostic_assessment.differential_diagnoses", "diagnostic-assessment", "`reasoning` and `differential_diagnoses` both written or marked; partly reported when one is.", reasoning),
    _item("8d", "Diagnostic assessment: prognosis", "Prognosis, with staging where it applies.", "diagnostic_assessment.prognosis", "diagnostic-assessment", _WRITTEN, element("/diagnostic_assessment/prognosis")),
    _item("9a", "Therapeutic intervention: kinds", "The kinds of intervention: drug, surgery, preventive, self-care.", "interventions", "interventions", "At least one entry in `interventions` (each has a `kind`).", listed("/interventions")),
    _item("9b", "Therapeutic intervention: administration", "Dose, strength, route, frequency and duration.", "interventions[].dose, route, frequency", "interventions", "Every drug, chemotherapy and immunotherapy has a `dose`; every drug has a `route` and a `frequency` (each missing one is also reported on its own, CF501).", administration),
    _item("9c", "Therapeutic intervention: changes", "Changes to the intervention, with the reason.", "interventions[].changes", "interventions", "At least one intervention lists `changes`; when the treatment was never changed, mark the item in `checklist`.", changes),
    _item("10a", "Follow-up and outcomes: outcomes", "Outcomes judged by the clinician and by the patient.", "follow_up.clinician_assessed, follow_up.patient_assessed", "follow-up-and-outcomes", "`clinician_assessed` has an entry and `patient_assessed` is written or marked; partly reported when one is.", outcomes),
    _item("10b", "Follow-up and outcomes: tests", "Important follow-up test results.", "follow_up.tests", "follow-up-and-outcomes", "At least one entry in `follow_up.tests`, or marked.", listed("/follow_up/tests")),
    _item("10c", "Follow-up and outcomes: adherence", "Adherence and tolerability, and how they were judged.", "follow_up.adherence_tolerability", "follow-up-and-outcomes", _WRITTEN, element("/follow_up/adherence_tolerability")),
    _item("10d", "Follow-up and outcomes: adverse events", "Adverse and unanticipated events, or the statement that there were none.", "follow_up.adverse_events", "follow-up-and-outcomes", "At least one adverse event listed, or `{none_occurred: true}`.", adverse_events),
    _item("11a", "Discussion: strengths and limitations", "Strengths and limitations of the management of the case.", "discussion.strengths_limitations", "discussion", _WRITTEN, element("/discussion/strengths_limitations")),
    _item("11b", "Discussion: literature", "The relevant medical literature.", "discussion.literature", "discussion", "Written, and `references` has at least one entry.", literature),
    _item("11c", "Discussion: rationale", "The rationale for the conclusions, including cause and effect.", "discussion.rationale", "discussion", _WRITTEN, element("/discussion/rationale")),
    _item("11d", "Discussion: take-away lessons", "The main take-away lessons, in one paragraph.", "discussion.take_away_lessons", "discussion", _WRITTEN, element("/discussion/take_away_lessons")),
    _item("12", "Patient perspective", "The patient's own view of the treatment, where appropriate.", "patient_perspective", "patient-perspective", _WRITTEN, element("/patient_perspective")),
    _item("13", "Informed consent", "Whether the patient (or guardian) consented to publication.", "consent.status", "informed-consent", "`consent.status` is `obtained`, or `waived` by an ethics committee.", consent),
)
