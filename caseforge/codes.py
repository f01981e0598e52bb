"""Every diagnostic code caseforge reports, with its documentation.

Codes are stable: once released, a code keeps its meaning and is never
reused. The hundreds give the family (0 files, 1 YAML, 2 schema, 3 units,
4 dates, 5 CARE, 6 privacy, 7 references, 8 consistency). The reference
page of the site is generated from this table, so the text here is what
authors read: say what is wrong, how to fix it, and show both.
"""

from __future__ import annotations

from dataclasses import dataclass

from caseforge.diagnostics import Category, Severity


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    category: Category
    severity: Severity
    summary: str
    explanation: str
    fix_hint: str
    example: str
    fixed: str


_S, _Y, _U, _R = Category.SYNTAX, Category.SCHEMA, Category.UNITS, Category.REFERENCES
_E = Severity.ERROR

_ALL = [
    Code(
        "CF001", "file-unreadable", _S, _E,
        "A path given to caseforge cannot be read.",
        "The file does not exist, is a folder, or the system refuses to open it. "
        "caseforge exits with status 2, as for any other usage error.",
        "Check the path and the file's permissions.",
        "caseforge validate cases/typo.yaml",
        "caseforge validate cases/anaemia-child.yaml",
    ),
    Code(
        "CF002", "too-many-problems", _S, Severity.INFO,
        "A file has more problems than are worth listing at once.",
        "After 100 problems in one file caseforge stops looking: the first ones usually "
        "explain the rest (a wrong indentation, a section pasted in the wrong place), and a "
        "badly broken file would otherwise take long to report.",
        "Fix the problems shown, then run caseforge again.",
        "(a file with hundreds of stray keys)",
        "(the same file with its sections in place)",
    ),
    Code(
        "CF003", "config-invalid", _S, _E,
        "The caseforge configuration has a mistake.",
        "Settings are read from `caseforge.toml`, or from the `[tool.caseforge]` table of "
        "`pyproject.toml`, in the current folder or the nearest folder above it. A setting "
        "caseforge does not know, a value of the wrong kind, or a code that does not exist "
        "is refused rather than ignored, so that a typo cannot silently switch a check off "
        "or leave it on. The position is that of the setting in the configuration file.",
        "Correct the setting at this line; the hint says what is expected.",
        "strict = yes\n\n[severity]\nCF406 = \"warn\"",
        "strict = true\n\n[severity]\nCF406 = \"warning\"",
    ),
    Code(
        "CF004", "unused-suppression", _S, Severity.WARNING,
        "A suppression comment suppresses nothing.",
        "`# caseforge: ignore[CODE]` hides a diagnostic of that code on its own line, and "
        "`# caseforge: ignore-file[CODE]` in the comments at the top hides it in the whole "
        "file. When the problem has been fixed, or the comment is on another line than the "
        "diagnostic, the comment hides nothing, and a stale one would later hide a real "
        "problem without anyone deciding so.",
        "Remove the comment, or move it to the line the diagnostic is reported on.",
        "route: oral  # caseforge: ignore[CF501]",
        "route: oral",
    ),
    Code(
        "CF005", "invalid-suppression", _S, _E,
        "A suppression comment cannot be honoured.",
        "A suppression names the codes it hides, in brackets. A code that does not exist is "
        "usually a typo; the codes of a file that cannot be read or has the wrong structure "
        "(CF0xx, CF1xx, CF2xx) cannot be hidden, because nothing after them was checked; "
        "`ignore-file` belongs in the comments "
        "at the top of the file.",
        "Name existing codes: `# caseforge: ignore[CF501]`; fix reading problems instead.",
        "frequency: daily  # caseforge: ignore",
        "frequency: daily  # caseforge: ignore[CF501]",
    ),
    Code(
        "CF101", "not-utf8", _S, _E,
        "The file is not UTF-8 text.",
        "Case files are UTF-8, the encoding every current editor uses. A file saved in "
        "another encoding (Windows-1252, Latin-1, UTF-16) would show wrong characters, "
        "so it is refused with the position of the first byte that is not UTF-8.",
        "Save the file as UTF-8 (in most editors: File, Save with encoding, UTF-8).",
        "summary: \"Fi\\xe8vre\"  # saved as Latin-1",
        "summary: Fièvre  # saved as UTF-8",
    ),
    Code(
        "CF102", "file-too-large", _S, _E,
        "The file is larger than a case report can be (1 MiB).",
        "A case report is a few dozen kilobytes. A file of more than 1 MiB is almost "
        "always a pasted data export; reading it would slow every commit.",
        "Keep only the case itself in the file; put raw data in a supplementary file.",
        "(a 5 MB file of pasted laboratory exports)",
        "(the tests that the report cites, each with its value and unit)",
    ),
    Code(
        "CF103", "empty-file", _S, _E,
        "The file is empty or holds only comments.",
        "An empty file is usually a save that went wrong. A case needs at least a title, "
        "the patient and the consent.",
        "Write the case's sections: at least the title, the patient and the consent.",
        "# nothing but a comment",
        "title: A case report of ...\npatient: ...\nconsent: ...",
    ),
    Code(
        "CF104", "yaml-syntax", _S, _E,
        "The YAML is not well formed.",
        "The file cannot be read as YAML: a tab used for indentation, a colon inside an "
        "unquoted value, an unclosed quote, keys that do not line up. The position is "
        "where the reader gave up, which may be just after the real mistake.",
        "Look at this line and the one above it; the hint names the usual cause.",
        "summary: Outcome: complete remission",
        "summary: \"Outcome: complete remission\"",
    ),
    Code(
        "CF105", "duplicate-key", _S, _E,
        "The same key appears twice in one mapping.",
        "Most YAML readers keep the last of two equal keys and drop the first without a "
        "word, losing what the author wrote. caseforge refuses the file instead.",
        "Keep one of the two keys: merge their content, or rename one.",
        "patient:\n  age: {value: 62, unit: a}\n  age: {value: 63, unit: a}",
        "patient:\n  age: {value: 62, unit: a}",
    ),
    Code(
        "CF106", "multiple-documents", _S, _E,
        "The file holds more than one YAML document.",
        "A line `---` starts a second YAML document. One file holds one case, so a second "
        "document would be ignored by other tools and is refused here.",
        "Remove the `---` line, or move the second case to a file of its own.",
        "title: First case\n---\ntitle: Second case",
        "title: First case",
    ),
    Code(
        "CF107", "disallowed-tag", _S, _E,
        "A YAML tag other than the standard ones is used.",
        "Tags such as `!!python/object` make some YAML readers run code or build objects. "
        "A case file holds only text, numbers, true/false, null, lists and mappings, so any "
        "other tag (and a standard tag that does not fit its value) is refused.",
        "Remove the tag and write the value plainly.",
        "title: !!python/object/apply:os.system [\"echo\"]",
        "title: A case report of ...",
    ),
    Code(
        "CF108", "alias-limit", _S, _E,
        "Anchors and aliases expand beyond what a case file may hold.",
        "YAML aliases (`*name`) repeat the content of an anchor (`&name`). Nested, a few "
        "lines can expand to billions of values (the \"billion laughs\" attack). caseforge "
        "stops at 100 alias uses, and refuses an alias to its own container.",
        "Write the repeated content out instead of using anchors and aliases.",
        "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b, *b]  # ... and so on",
        "keywords: [case report, leukaemia]",
    ),
    Code(
        "CF109", "complex-key", _S, _E,
        "A key is a list or a mapping.",
        "YAML allows `? [a, b]: value`, but a case file's keys are the names of its fields.",
        "Write the key as a single word followed by a colon.",
        "? [age, sex]\n: unknown",
        "age: {value: 62, unit: a}",
    ),
    Code(
        "CF201", "missing-property", _Y, _E,
        "A required field is missing.",
        "Some fields cannot be left out: a case needs a title, the patient and the consent; "
        "a test needs its name and result; a quantity needs its value and unit.",
        "Add the field named in the message.",
        "patient:\n  sex: female",
        "patient:\n  age: {value: 62, unit: a}\n  sex: female",
    ),
    Code(
        "CF202", "unknown-property", _Y, _E,
        "A key is not part of the case format at this place.",
        "Unknown keys are errors so that a misspelt key is never ignored in silence: "
        "`intervetions:` would otherwise drop every intervention from the checks and the site.",
        "Correct the spelling (the hint suggests the closest key) or move the key to where it belongs.",
        "intervetions:\n  - kind: drug\n    name: tocilizumab",
        "interventions:\n  - kind: drug\n    name: tocilizumab",
    ),
    Code(
        "CF203", "wrong-type", _Y, _E,
        "A value is of the wrong kind: text where a number, a list or a mapping belongs.",
        "Each field holds one kind of value. A quantity is a mapping of a number and a unit, "
        "not one string; a list of keywords is a list, not one line of text.",
        "Write the value as the field's description asks (editors show it on hover).",
        "age: 62 years",
        "age: {value: 62, unit: a}",
    ),
    Code(
        "CF204", "value-not-allowed", _Y, _E,
        "A value is not one of the values this field allows.",
        "Fields such as `sex`, `kind` or `status` take one of a fixed list of words, so that "
        "every case uses the same ones and the site can group by them.",
        "Use one of the values the message lists.",
        "sex: F",
        "sex: female",
    ),
    Code(
        "CF205", "wrong-format", _Y, _E,
        "A text value does not have the required form.",
        "Dates are ISO 8601 (`2021-09-29`, `2021-04`, `2021`), durations ISO 8601 (`P2M`), "
        "ids lower-case words with hyphens, DOIs start with `10.`, PubMed ids are digits.",
        "Rewrite the value in the form of the example.",
        "time: 29/09/2021",
        "time: 2021-09-29",
    ),
    Code(
        "CF206", "wrong-size", _Y, _E,
        "A value is empty, or a list has too few or too many entries.",
        "An empty text or an empty mapping says nothing; if the report does not give this "
        "element, mark it instead with `status: not_reported` and a reason.",
        "Fill in the value, or remove the field.",
        "title: \"\"",
        "title: \"Secondary donor-derived CD19 CAR-T therapy: a case report\"",
    ),
    Code(
        "CF207", "out-of-range", _Y, _E,
        "A number is outside the range the field allows.",
        "Some numbers have fixed limits, such as an adverse event's grade (1 to 5).",
        "Use a number within the limits the message gives.",
        "grade: 6",
        "grade: 2",
    ),
    Code(
        "CF208", "missing-companion", _Y, _E,
        "A field needs another field beside it.",
        "Some fields only make sense together: a relative `day` needs the event it counts "
        "from (`of`); a number needs its unit; a range's limits need a unit.",
        "Add the field named in the message.",
        "time: {day: 7}",
        "time: {day: 7, of: car-t-1}",
    ),
    Code(
        "CF299", "schema-other", _Y, _E,
        "The value does not match the case format.",
        "A rule of the case format that has no more specific code was broken; the message "
        "gives the validator's own words.",
        "Compare the value with the field's description (editors show it on hover) and the example cases.",
        "# a value that breaks a rule with no more specific code",
        "# the value written as the field's description asks",
    ),
    Code(
        "CF301", "invalid-unit", _U, _E,
        "A unit is not a valid UCUM code.",
        "Units are written in UCUM, the code FHIR and laboratories use, so that every value "
        "can be compared and converted without guessing. UCUM is exact and case-sensitive: "
        "`mmHg` is `mm[Hg]`, `×10⁹/L` is `10*9/L`, `°C` is `Cel`, `mcg` is `ug`, `IU/L` is "
        "`[IU]/L`. The hint gives the code for what was written when caseforge knows it.",
        "Write the UCUM code the hint gives, and keep the printed form in `as_published`.",
        "value: {value: 35, unit: mmHg}",
        "value: {value: 35, unit: \"mm[Hg]\", as_published: 35 mmHg}",
    ),
    Code(
        "CF302", "discouraged-unit", _U, Severity.WARNING,
        "A unit is valid UCUM but easily misread.",
        "UCUM accepts `l` for litre, but `ml` and `dl` are easily read with the digit 1; "
        "`g%` means grams per 100 mL to some readers and grams per 100 g to others.",
        "Write the code the hint gives.",
        "result: {value: 13, unit: g%}",
        "result: {value: 13, unit: g/dL}",
    ),
    Code(
        "CF303", "wrong-kind-of-unit", _U, _E,
        "A unit does not measure what its field or its test measures.",
        "An age or a duration is a time; haemoglobin is a mass concentration; a platelet "
        "count is a number concentration. A unit of another kind is a mistake even when it "
        "is valid UCUM: `MG` is megagauss, not milligrams.",
        "Use one of the units the hint lists.",
        "- name: haemoglobin\n  result: {value: 130, unit: MG}",
        "- name: haemoglobin\n  result: {value: 130, unit: g/L}",
    ),
    Code(
        "CF304", "implausible-value", _U, Severity.WARNING,
        "A value is outside what is physiologically possible for its test.",
        "The limits are wide (sick and well patients of any age), so a value beyond them "
        "almost always means a unit slip (haemoglobin 130 g/dL for 130 g/L) or a typing "
        "error. If the report itself prints the value, keep it and say so in `notes`.",
        "Check the value and the unit against the report; the hint names a unit that would fit.",
        "- name: haemoglobin\n  result: {value: 130, unit: g/dL}",
        "- name: haemoglobin\n  result: {value: 130, unit: g/L}",
    ),
    Code(
        "CF305", "not-a-dose-unit", _U, _E,
        "A dose has a unit a dose cannot have.",
        "A dose is a mass, a mass per body weight or body surface area, a volume, a number of "
        "cells per kilogram, international units, or one of these per unit of time for an "
        "infusion. A concentration (`mg/dL`) or a pressure is a mistake.",
        "Write the dose in the unit the report gives it in.",
        "dose: {value: 400, unit: mg/dL}",
        "dose: {value: 400, unit: mg}",
    ),
    Code(
        "CF401", "impossible-date", Category.DATES, _E,
        "A date is not a day of the calendar.",
        "The 30th of February, month 13 or hour 25 cannot be right; usually two numbers "
        "were swapped (day and month) or mistyped.",
        "Check the date against the report and write it as YYYY-MM-DD, YYYY-MM or YYYY.",
        "time: 2021-02-30",
        "time: 2021-02-03",
    ),
    Code(
        "CF402", "future-date", Category.DATES, _E,
        "A date lies after today.",
        "A case report describes what has happened, so a date in the future is a typing "
        "error, most often in the year.",
        "Check the year against the report.",
        "time: 2201-09-29",
        "time: 2021-09-29",
    ),
    Code(
        "CF403", "anchor-cycle", Category.DATES, _E,
        "A chain of relative times comes back to where it started.",
        "Each relative time counts from another entry (`of`). If A counts from B and B from A, neither can ever be dated.",
        "Date one entry of the chain, or count it from an entry outside the chain.",
        "- id: a\n  time: {day: 2, of: b}\n- id: b\n  time: {day: -2, of: a}",
        "- id: a\n  time: 2021-09-29\n- id: b\n  time: {day: -2, of: a}",
    ),
    Code(
        "CF404", "date-disagrees", Category.DATES, _E,
        "An entry's date and its relative time cannot both be true.",
        "When a report gives both a date and a day (\"On 29 September, day +1\"), caseforge checks they agree, allowing for the precision of a partial date (`2021-04` is any day of April).",
        "Check both against the report and keep what it states.",
        "time: {date: 2021-06, after: P2M, of: transplant}  # transplant 2021-02",
        "time: {date: 2021-04, after: P2M, of: transplant}",
    ),
    Code(
        "CF405", "ends-before-start", Category.DATES, _E,
        "An entry ends before it starts.",
        "A course of treatment or an event that lasted cannot end before it began; usually a date or a day number was mistyped.",
        "Check the start and the end against the report.",
        "start: 2021-09-29\nend: 2021-09-20",
        "start: 2021-09-20\nend: 2021-09-29",
    ),
    Code(
        "CF406", "timeline-order", Category.DATES, Severity.WARNING,
        "Timeline events are not listed in the order of time.",
        "CARE asks for the timeline as a chronological table. Events listed out of order make the rendered table misleading.",
        "List the events in the order the hint gives.",
        "timeline:\n  - {id: b, kind: test, summary: s, time: 2021-10}\n  - {id: a, kind: test, summary: s, time: 2021-09}",
        "timeline:\n  - {id: a, kind: test, summary: s, time: 2021-09}\n  - {id: b, kind: test, summary: s, time: 2021-10}",
    ),
    Code(
        "CF407", "effect-before-cause", Category.DATES, _E,
        "An adverse event is dated before the intervention named as its cause.",
        "An adverse event cannot be caused by a treatment given after it; one of the two dates, or the attribution, is wrong.",
        "Check the dates, or the intervention the event is attributed to.",
        "time: {day: -3, of: car-t-2}\nattributed_to: [car-t-2]",
        "time: {day: 3, of: car-t-2}\nattributed_to: [car-t-2]",
    ),
    Code(
        "CF408", "outcome-before-intervention", Category.DATES, _E,
        "An outcome is dated before the intervention it assesses.",
        "An outcome judges what an intervention did, so it comes after it; an earlier date is a slip.",
        "Check the dates of the outcome and of the intervention.",
        "time: 2021-08\nassesses: [car-t-2]  # given 2021-09-29",
        "time: 2021-10\nassesses: [car-t-2]",
    ),
    Code(
        "CF409", "date-time-without-zone", Category.DATES, Severity.WARNING,
        "A date-time gives the time of day without its time zone.",
        "A time of day means nothing across places without its zone, and two times in different zones cannot be compared.",
        "Add the zone (`Z` or an offset such as `+08:00`), or give the date alone.",
        "time: 2021-09-29T08:30",
        "time: 2021-09-29T08:30+08:00",
    ),
    Code(
        "CF410", "before-birth", Category.DATES, _E,
        "An entry is dated before the patient was born.",
        "The patient's birth is worked out from the age at presentation and the date of the presentation; an entry before it means a wrong date or a wrong age.",
        "Check the date, and the patient's age.",
        "patient: {age: {value: 6, unit: a}}  # presentation 2021\n- time: 2010-05",
        "patient: {age: {value: 16, unit: a}}",
    ),
    Code(
        "CF411", "age-disagrees", Category.DATES, _E,
        "An age given at an entry does not fit the age at presentation.",
        "Ages and dates tell when the patient was born; 62 years old in 2020 and 70 a year "
        "later cannot both be right.",
        "Check both ages and the dates against the report.",
        "patient: {age: {value: 62, unit: a}}  # presented 2020\n- time: {date: 2021, age: {value: 70, unit: a}}",
        "- time: {date: 2021, age: {value: 63, unit: a}}",
    ),
    Code(
        "CF412", "duration-disagrees", Category.DATES, _E,
        "A stated duration disagrees with the start and end.",
        "When a course of treatment gives both a duration and its start and end, or the follow-up a length and its last visit, they must agree (counting both ends, within a day). The follow-up is counted from the index event.",
        "Check the duration, the start and the end against the report.",
        "start: 2021-09-01\nend: 2021-09-10\nduration: {value: 6, unit: wk}",
        "start: 2021-09-01\nend: 2021-10-12\nduration: {value: 6, unit: wk}",
    ),
    Code(
        "CF501", "dose-schedule-missing", Category.CARE, Severity.WARNING,
        "A drug is given without its route or frequency (CARE 9b).",
        "CARE asks for each drug's dose, route and frequency, so that a reader could give "
        "the same treatment. Many published reports leave one out; the warning says the "
        "case file is as incomplete as the report, not that it is wrong.",
        "Add `route` and `frequency` as the report gives them. If the report does not give them, "
        "the warning records the gap; to accept it, add `# caseforge: ignore[CF501]` at the end "
        "of the line the warning points at.",
        "- kind: drug\n  name: tocilizumab\n  dose: {value: 480, unit: mg}",
        "- kind: drug\n  name: tocilizumab\n  dose: {value: 480, unit: mg}\n  route: intravenous\n  frequency: single dose",
    ),
    Code(
        "CF502", "care-item-missing", Category.CARE, Severity.WARNING,
        "An element of the reporting checklist (CARE, or the profile's) is not in the case.",
        "Journals ask for every CARE element, and editors check them one by one. When the "
        "case has nothing for an element, it is reported with the element's id (\"CARE 8b\") "
        "and where to write it. If the element does not apply to this case, say so: mark the "
        "field `{status: not_applicable, reason: ...}`, or, for an element with no field of its "
        "own (9c, changes to the treatment), add an entry to `checklist`. A field marked "
        "`not_reported` records that the published report lacks the element; it is not "
        "reported again, except with `--strict`, which a submission uses.",
        "Write the element where the hint says, or mark it not applicable with a reason.",
        "discussion:\n  literature: Earlier reports describe ... [@smith2020]",
        "discussion:\n  literature: Earlier reports describe ... [@smith2020]\n"
        "  strengths_limitations: The diagnosis rests on one biopsy; ...",
    ),
    Code(
        "CF503", "care-item-partial", Category.CARE, Severity.WARNING,
        "An element of the reporting checklist is only partly in the case.",
        "Some elements ask for several things: a timeline covering presentation, diagnosis, "
        "intervention and follow-up; tests with their time and reference range; the history "
        "in four parts. The message names what is missing.",
        "Add what the message names.",
        "history:\n  medical: Type 2 diabetes since 2010.",
        "history:\n  medical: Type 2 diabetes since 2010.\n  family: Not contributory.\n"
        "  psychosocial: Retired teacher, lives with her husband.\n"
        "  genetic: {status: not_applicable, reason: No genetic testing was indicated.}",
    ),
    Code(
        "CF504", "consent-not-recorded", Category.CARE, _E,
        "The case does not record consent to publish it.",
        "A case report is published only with the consent of the patient, or of a parent, "
        "guardian or next of kin, or with an ethics committee's waiver. Under every profile a "
        "case without it is an error, and the site never publishes it.",
        "Record the consent as the report states it: `consent: {status: obtained, given_by: patient}`.",
        "consent:\n  status: not_reported",
        "consent:\n  status: obtained\n  given_by: guardian",
    ),
    Code(
        "CF505", "checklist-statement-contradicted", Category.CARE, Severity.WARNING,
        "`checklist` marks an element as not reported or not applicable, but the case reports it.",
        "A statement in `checklist` is for elements the case has no field for. When the "
        "case does have the element, the statement is out of date and the checklist a "
        "journal receives would contradict the report.",
        "Remove the entry from `checklist`, or remove the element from the case.",
        "checklist:\n  - {item: 9c, status: not_applicable, reason: No change.}\n"
        "interventions:\n  - {kind: drug, name: imatinib, changes: [{change: dose halved, reason: neutropenia}]}",
        "interventions:\n  - {kind: drug, name: imatinib, changes: [{change: dose halved, reason: neutropenia}]}",
    ),
    Code(
        "CF506", "profile-rule", Category.CARE, Severity.WARNING,
        "The case breaks a rule of the chosen journal or guideline profile.",
        "Journals add rules to CARE: BMJ Case Reports, for one, limits the number of authors. "
        "The profile is chosen with `--profile` or in the project's configuration; each "
        "profile's rules and their sources are listed in the profiles reference.",
        "Change the case as the message says, or check that the profile is the one you meant.",
        "authors: [{name: A}, {name: B}, {name: C}, {name: D}, {name: E}]  # bmj-case-reports",
        "authors: [{name: A}, {name: B}, {name: C}, {name: D}]",
    ),
    Code(
        "CF507", "consent-pending", Category.CARE, Severity.WARNING,
        "Consent to publish is still being sought.",
        "A case can be written and checked while the patient's consent is sought "
        "(`caseforge new` starts a case that way), but it is not published until consent "
        "is recorded. Under `--strict`, as for a submission, it is an error.",
        "When the patient (or a parent, guardian or next of kin) has consented, record it.",
        "consent:\n  status: pending",
        "consent:\n  status: obtained\n  given_by: patient",
    ),
    Code(
        "CF701", "duplicate-id", _R, _E,
        "Two entries have the same id.",
        "Ids let entries refer to each other (`of: car-t-1`). Two entries with one id would "
        "make every reference to it ambiguous.",
        "Give one of the two entries another id, and update the references that meant it.",
        "- id: car-t\n  kind: intervention\n- id: car-t\n  kind: intervention",
        "- id: car-t-1\n  kind: intervention\n- id: car-t-2\n  kind: intervention",
    ),
    Code(
        "CF702", "unknown-reference", _R, _E,
        "A reference names an id that no entry has.",
        "Fields such as `of`, `related`, `attributed_to` or `basis` name other entries by "
        "their id, and text cites references as `[@id]`. A name that matches no entry is "
        "usually a typo or an entry that was renamed.",
        "Use the id of an existing entry (the hint suggests the closest), or add the entry.",
        "time: {day: 7, of: cart-1}",
        "time: {day: 7, of: car-t-1}",
    ),
    Code(
        "CF703", "self-reference", _R, _E,
        "An entry refers to itself.",
        "An event that `follows` itself, or lists its own id in `related`, says nothing and "
        "is usually a copy-and-paste slip: the id of another entry was meant.",
        "Name the other entry this one is related to.",
        "- id: crs-2\n  time: {follows: crs-2}",
        "- id: crs-2\n  time: {follows: car-t-2}",
    ),
]

CODES: dict[str, Code] = {entry.code: entry for entry in _ALL}
