"""A case page: a validated case turned into Markdown for any MkDocs site.

The page is Markdown whose sections are written as raw HTML blocks, so
that every value is escaped here and Markdown after us has nothing left to
interpret; the author's own Markdown fields go through
:mod:`caseforge.render.text`, which renders and sanitises them. Section
headings are Markdown (`## Timeline`), so that the site's table of contents
lists them, and their anchors are the ones the CARE checklist links to
(`caseforge.care.items.Item.anchor`).

Links to other files (the case's YAML, its checklist) are Markdown links,
which MkDocs rewrites for its URL style; links inside the HTML blocks stay
within the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any, Callable, Iterable

from caseforge.care.assess import Assessment
from caseforge.care.items import Status
from caseforge.checks.timecourse import course_of
from caseforge.render import charts, labs
from caseforge.render.text import inline_html, markdown_html
from caseforge.render.timeline import timeline
from caseforge.source import Document
from caseforge.timecourse import index_event
from caseforge.units import display

# The sections of a page, in CARE order: (heading, anchor). The anchors are
# those of `Item.anchor`; a test keeps the two in step.
SECTIONS = (
    ("Abstract", "abstract"),
    ("Introduction", "introduction"),
    ("Patient information", "patient-information"),
    ("Clinical findings", "clinical-findings"),
    ("Timeline", "timeline"),
    ("Diagnostic assessment", "diagnostic-assessment"),
    ("Interventions", "interventions"),
    ("Follow-up and outcomes", "follow-up-and-outcomes"),
    ("Discussion", "discussion"),
    ("Patient perspective", "patient-perspective"),
    ("Informed consent", "informed-consent"),
    ("CARE checklist", "care-checklist"),
    ("References", "references"),
)


@dataclass(frozen=True)
class Summary:
    """What the index shows of a case."""

    slug: str
    title: str
    age_band: str
    sex: str
    diagnosis: str
    interventions: str
    score: str  # "27/30"
    met: int
    items: int
    keywords: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Page:
    slug: str
    markdown: str
    summary: Summary


def render(document: Document, assessment: Assessment, slug: str, last_changed: str | None = None, downloads: dict[str, str] | None = None) -> Page:
    """The page of one validated, publishable case. ``downloads`` maps a
    link text to a file name beside the page (the YAML, the checklist)."""
    context = _Context(document, _citations(document.data))
    parts = [_front_matter(document.data), f"# {_heading_text(document.data['title'])}\n", _status(assessment, last_changed), _patient_summary(document.data, assessment)]
    for heading, anchor in SECTIONS:
        body = _SECTION_BODIES[anchor](context, assessment)
        if body:
            parts.append(f"## {heading}\n\n{body}")
            context.present.add(anchor)
    if downloads:
        parts.append("## Downloads\n\n" + "\n".join(f"- [{_link_text(text)}]({name})" for text, name in downloads.items()) + "\n")
    return Page(slug, "\n".join(part.rstrip("\n") + "\n" for part in parts if part), summary(document.data, assessment, slug))


# ---------------------------------------------------------------- the parts


@dataclass
class _Context:
    document: Document
    citations: dict[str, int]
    # The sections written so far; the checklist, which comes after those
    # its elements belong to, links only to sections the page has.
    present: set[str] = field(default_factory=set)

    @property
    def data(self) -> dict[str, Any]:
        return self.document.data

    def text(self, value: Any) -> str:
        """An author's Markdown field, or the reason a marked one gives."""
        if isinstance(value, dict) and "status" in value:
            word = "Not applicable" if value["status"] == "not_applicable" else "Not reported"
            return f'<p class="cf-marked"><em>{word}:</em> {inline_html(str(value.get("reason", "")), self.citations)}</p>'
        return markdown_html(str(value), self.citations) if value else ""


def _citations(data: dict[str, Any]) -> dict[str, int]:
    return {reference["id"]: number for number, reference in enumerate(data.get("references") or [], 1)}


def _front_matter(data: dict[str, Any]) -> str:
    """The page's title and its tags (the keywords, for Material's tags
    plugin), JSON-quoted, which is valid YAML. Both are HTML-escaped here:
    the theme's templates print them as they are, unescaped."""
    import json

    def quoted(text: str) -> str:
        return json.dumps(escape(" ".join(text.split())), ensure_ascii=False)

    keywords = [keyword for keyword in data.get("keywords") or [] if keyword.strip().lower() != "case report"]
    lines = ["---", f"title: {quoted(data['title'])}"]
    if keywords:
        lines.append("tags:")
        lines.extend(f"  - {quoted(keyword)}" for keyword in keywords)
    return "\n".join(lines + ["---", ""])


def _heading_text(title: str) -> str:
    """The title as a Markdown heading: escaped, so that it shows as written."""
    from caseforge.render.text import md_escape

    return md_escape(" ".join(title.split()))


def _link_text(text: str) -> str:
    from caseforge.render.text import md_escape

    return md_escape(text)


def _status(assessment: Assessment, last_changed: str | None) -> str:
    score = assessment.score()
    parts = ["Validated by caseforge", f'<a href="#care-checklist">{escape(score.title)}: {score.met}/{score.items} elements</a>']
    if last_changed:
        parts.append(f"last changed {escape(last_changed)}")
    return f'<p class="cf-status">{" · ".join(parts)}</p>\n'


def _patient_summary(data: dict[str, Any], assessment: Assessment) -> str:
    patient = data["patient"]
    facts = [("Patient", f"{_sex_word(patient['sex'])}, {shown_age(patient['age'], assessment)}")]
    if concerns := [concern["text"] for concern in patient.get("main_concerns") or []]:
        facts.append(("Presented with", ", ".join(concerns)))
    if diagnoses := [diagnosis["name"] for diagnosis in (data.get("diagnostic_assessment") or {}).get("diagnoses") or []]:
        facts.append(("Diagnosis", "; ".join(diagnoses)))
    if treated := _main_interventions(data):
        facts.append(("Main interventions", treated))
    source = data.get("source") or {}
    rows = "".join(f"<dt>{escape(name)}</dt><dd>{escape(value)}</dd>" for name, value in facts)
    cited = f'<p class="cf-source">Published as: {escape(source["citation"])}{_identifiers(source)}</p>' if source.get("citation") else ""
    return f'<div class="cf-summary">\n<dl>{rows}</dl>{cited}\n</div>\n'


def _sex_word(sex: str) -> str:
    return {"female": "Female", "male": "Male", "intersex": "Intersex"}.get(sex, "Sex not reported")


def age_text(age: dict[str, Any]) -> str:
    """"62 years", "8 months", "90 years or older", "under 2 years", "about 40 years"."""
    shown = display.quantity(age["value"], age["unit"])
    comparator = age.get("comparator")
    if age["value"] == 0 and comparator in (">", ">="):
        return "age not given"  # the placeholder of `caseforge new`
    if comparator == ">=":
        return f"{shown} or older"
    return {">": f"over {shown}", "<": f"under {shown}", "<=": f"{shown} or younger", "~": f"about {shown}"}.get(comparator or "", shown)


# Profiles whose journals print ages only as a band, to keep patients unidentifiable.
AGE_AS_BAND = frozenset({"bmj-case-reports"})


def shown_age(age: dict[str, Any], assessment: Assessment) -> str:
    """The age as the page shows it: exact, or as a band where the profile's journal asks for one."""
    return age_band(age) if assessment.profile.name in AGE_AS_BAND else age_text(age)


def age_band(age: dict[str, Any]) -> str:
    """A decade band for the index ("60–69 years"); small children by months."""
    value, unit = age["value"], age["unit"]
    years = value if unit == "a" else value / 12 if unit == "mo" else value / 52.18 if unit == "wk" else value / 365.25 if unit == "d" else value / 8766
    comparator = age.get("comparator")
    if value == 0 and comparator in (">", ">="):
        return "age not given"
    if years >= 90:
        return "90 years or older"
    if comparator in ("<", "<=") and years <= 1:
        return "under 1 year"
    if comparator in ("<", "<="):
        return f"under {years:g} years"
    if comparator in (">", ">="):
        # A lower bound alone gives no band: "40 or older" is not "40-49".
        return f"{years:g} years or older" if comparator == ">=" else f"over {years:g} years"
    if years < 1:
        return "under 1 year"
    if years < 10:
        return "1–9 years"
    low = int(years // 10) * 10
    return f"{low}–{low + 9} years"


def _main_interventions(data: dict[str, Any], most: int = 3) -> str:
    names = []
    for intervention in data.get("interventions") or []:
        if intervention["name"] not in names:
            names.append(intervention["name"])
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _identifiers(source: dict[str, Any]) -> str:
    links = []
    if "doi" in source:
        links.append(_external(f"https://doi.org/{source['doi']}", f"doi:{source['doi']}"))
    if "pmid" in source:
        links.append(_external(f"https://pubmed.ncbi.nlm.nih.gov/{source['pmid']}/", f"PubMed {source['pmid']}"))
    return (" " + " · ".join(links)) if links else ""


def _external(url: str, text: str) -> str:
    return f'<a href="{escape(url)}" rel="noopener noreferrer">{escape(text)}</a>'


# ---------------------------------------------------------------- sections


def _html_table(headers: Iterable[str], rows: Iterable[Iterable[str]], css: str = "") -> str:
    """A table whose cells are HTML already escaped or sanitised; a column
    empty in every row is left out (a report that gives no route for any
    drug needs no Route column)."""
    names, table = list(headers), [list(row) for row in rows]
    if not table:
        return ""
    kept = [column for column in range(len(names)) if any(row[column] for row in table)]
    head = "".join(f"<th>{escape(names[column])}</th>" for column in kept)
    body = "".join("<tr>" + "".join(f"<td>{row[column]}</td>" for column in kept) + "</tr>" for row in table)
    return f'<table class="cf-table {css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _block(*fragments: str) -> str:
    """HTML fragments as one raw block, so that Markdown leaves them alone."""
    inner = "\n".join(fragment for fragment in fragments if fragment)
    return f'<div class="cf-section">\n{inner}\n</div>\n' if inner else ""


def _labelled(label: str, html: str) -> str:
    return f"<h3>{escape(label)}</h3>\n{html}" if html else ""


def _abstract(context: _Context, _: Assessment) -> str:
    abstract = context.data.get("abstract")
    if not abstract:
        return ""
    if "status" in abstract:
        return _block(context.text(abstract))
    return _parts(context, abstract, (("Introduction", "introduction"), ("Case", "case"), ("Management", "management"), ("Conclusion", "conclusion")))


def _parts(context: _Context, section: dict[str, Any], parts: tuple[tuple[str, str], ...]) -> str:
    """A section written in named parts, each under its heading."""
    return _block(*(_labelled(name, context.text(section[key])) for name, key in parts if key in section))


def _introduction(context: _Context, _: Assessment) -> str:
    return _block(context.text(context.data.get("introduction")))


def _patient(context: _Context, assessment: Assessment) -> str:
    patient = context.data["patient"]
    facts = [("Age", escape(shown_age(patient["age"], assessment))), ("Sex", escape(_sex_word(patient["sex"])))]
    for key, name in (("gender", "Gender"), ("ethnicity", "Ethnicity"), ("occupation", "Occupation"), ("region", "Region")):
        if key in patient:
            value = patient[key]
            facts.append((name, context.text(value) if isinstance(value, dict) else escape(str(value))))
    table = _html_table(("", ""), ((f"<strong>{escape(name)}</strong>", value) for name, value in facts), "cf-facts")
    concerns = _html_table(("Concern", "Duration", "Onset"), ((escape(concern["text"]), _quantity(concern.get("duration")), context_when(context, concern, "onset")) for concern in patient.get("main_concerns") or []))
    history = patient.get("history") or {}
    histories = [_labelled(f"{name} history", context.text(history[key])) for key, name in (("medical", "Medical"), ("family", "Family"), ("psychosocial", "Psychosocial"), ("genetic", "Genetic")) if key in history]
    past = patient.get("past_interventions")
    past_html = context.text(past) if isinstance(past, dict) else _interventions_table(context, past or [])
    return _block(table, _labelled("Main concerns", concerns), *histories, _labelled("Past interventions", past_html))


def _findings(context: _Context, _: Assessment) -> str:
    rows = []
    for finding in context.data.get("clinical_findings") or []:
        result = _result_text(finding)
        rows.append((escape(finding["name"]), result, escape(finding.get("body_site", "")), context_when(context, finding), _note(context, finding)))
    return _block(_html_table(("Finding", "Result", "Site", "When", "Notes"), rows))


def _timeline(context: _Context, _: Assessment) -> str:
    drawn = timeline(context.document)
    if not drawn.rows:
        return ""
    note = f'<p class="cf-timeline-note">{escape(drawn.note)}</p>' if drawn.note else ""
    figure = f'<figure class="cf-figure cf-timeline-figure">\n{drawn.svg}\n{note}</figure>' if drawn.svg else ""
    table = drawn.html_table()
    return _block(figure, f'<details class="cf-data"><summary>The events as a table</summary>\n{table}\n</details>' if figure else table)


def _diagnostic(context: _Context, _: Assessment) -> str:
    assessment = context.data.get("diagnostic_assessment") or {}
    tests = _tests_table([row for row in labs.lab_table(context.document) if row.section == "diagnostic_assessment"])
    differential = assessment.get("differential_diagnoses")
    differential_html = context.text(differential) if isinstance(differential, dict) else _html_table(
        ("Considered", "Status", "Reasoning"), ((escape(item["name"]), escape(item.get("status", "")), context.text(item.get("reasoning"))) for item in differential or [])
    )
    diagnoses = _html_table(("Diagnosis", "When", "Notes"), ((escape(item["name"]), context_when(context, item), _note(context, item)) for item in assessment.get("diagnoses") or []))
    return _block(
        _labelled("Tests", tests),
        _trends(context),
        _labelled("Diagnostic challenges", context.text(assessment.get("challenges"))),
        _labelled("Reasoning", context.text(assessment.get("reasoning"))),
        _labelled("Differential diagnosis", differential_html),
        _labelled("Diagnoses", diagnoses),
        _labelled("Prognosis", context.text(assessment.get("prognosis"))),
    )


def _trends(context: _Context) -> str:
    series = labs.series(context.document)
    if not series:
        return ""
    markers = labs.markers(context.document)
    figures, unplaced = [], []
    for one in series:
        values = (*one.points, *one.unplaced, *one.unconverted)
        caption = f"{escape(one.name)}, {escape(display.unit(one.unit) or one.unit)}"
        if len(one.points) < 2:
            unplaced.append((caption, "; ".join(f"{escape(point.shown)} ({escape(point.time)})" for point in values)))
            continue
        table = _html_table(("When", "Value"), ((escape(point.time), escape(point.shown)) for point in values))
        figures.append(f'<figure class="cf-figure cf-trend" data-series="{escape(one.key)}">\n{charts.trend_svg(one, markers)}\n<figcaption>{caption}</figcaption>\n<details class="cf-data"><summary>The values</summary>{table}</details></figure>')
    if unplaced:
        # A chart needs two values whose days are known; the others are listed.
        figures.append('<p class="cf-note">Measured more than once, but with fewer than two values on a known day, so not charted:</p>' + _html_table(("Test", "Values"), unplaced, "cf-unplaced"))
    return _labelled("Trends", "\n".join(figures))


def _tests_table(rows: list[labs.Row]) -> str:
    def value(row: labs.Row) -> str:
        parts = [escape(row.value)] if row.value else []
        parts += [f"{escape(name)}: {escape(shown)}" for name, shown in row.components]
        flag = f' <span class="cf-flag cf-{row.flag}" title="{row.flag}">{"▲ high" if row.flag == "high" else "▼ low"}</span>' if row.flag else ""
        return "<br>".join(parts) + flag

    return _html_table(("Test", "Result", "Reference range", "When"), ((escape(row.name), value(row), escape(row.reference_range), _time_cell(row.time, row.time_as_published)) for row in rows), "cf-tests")


def _time_cell(time: str, as_published: str | None) -> str:
    return f'<span title="{escape(as_published)}">{escape(time)}</span>' if as_published else escape(time)


def _interventions(context: _Context, _: Assessment) -> str:
    interventions = context.data.get("interventions") or []
    changes = [
        f"<li><strong>{escape(item['name'])}</strong>: {inline_html(change['change'], context.citations)} (why: {inline_html(change['reason'], context.citations)})</li>"
        for item in interventions for change in item.get("changes") or []
    ]
    return _block(_interventions_table(context, interventions), _labelled("Changes", f"<ul>{''.join(changes)}</ul>" if changes else ""))


def _interventions_table(context: _Context, interventions: list[dict[str, Any]]) -> str:
    rows = []
    for item in interventions:
        name = escape(item["name"])
        if item.get("components"):
            name += "<br><small>" + ", ".join(escape(part["name"]) + (f" {escape(_quantity(part.get('dose')))}" if part.get("dose") else "") for part in item["components"]) + "</small>"
        surgical = [f"{label}: {escape(item[key])}" for key, label in (("operator", "Operator"), ("setting", "Setting")) if key in item]
        notes = "<br>".join(surgical + [_note(context, item)] if _note(context, item) else surgical)
        rows.append((name, escape(item["kind"].replace("_", " ")), _quantity(item.get("dose")), escape(item.get("route", "")), escape(item.get("frequency", "")), _quantity(item.get("duration")), context_when(context, item, "time", "start"), notes))
    return _html_table(("Intervention", "Kind", "Dose", "Route", "Frequency", "Duration", "When", "Notes"), rows, "cf-interventions")


def _follow_up(context: _Context, _: Assessment) -> str:
    follow = context.data.get("follow_up") or {}
    outcomes = _html_table(("Outcome", "When"), ((escape(item["summary"]), context_when(context, item)) for item in follow.get("clinician_assessed") or []))
    tests = follow.get("tests")
    tests_html = context.text(tests) if isinstance(tests, dict) else _tests_table([row for row in labs.lab_table(context.document) if row.section == "follow_up"])
    return _block(
        _labelled("Outcomes judged by the clinicians", outcomes),
        _labelled("Outcomes judged by the patient", context.text(follow.get("patient_assessed"))),
        _labelled("Follow-up tests", tests_html),
        _labelled("Adherence and tolerability", context.text(follow.get("adherence_tolerability"))),
        _labelled("Adverse and unanticipated events", _adverse_events(context, follow.get("adverse_events"))),
        f'<p>Last follow-up: {context_when(context, follow, "last_follow_up")}</p>' if "last_follow_up" in follow else "",
    )


def _adverse_events(context: _Context, events: Any) -> str:
    if isinstance(events, dict):
        if events.get("none_occurred"):
            return f"<p>None occurred.{' ' + escape(events['statement']) if events.get('statement') else ''}</p>"
        return context.text(events)
    names = _names(context.document)
    rows = (
        (
            escape(event["name"]),
            escape(str(event.get("grade", ""))),
            escape(event.get("grading_system", "")),
            context_when(context, event),
            ", ".join(escape(names.get(cause, cause)) for cause in event.get("attributed_to") or []),
            escape(event.get("outcome", "").replace("_", " ")),
        )
        for event in events or []
    )
    return _html_table(("Event", "Grade", "Grading system", "Onset", "Attributed to", "Outcome"), rows, "cf-adverse-events")


def _discussion(context: _Context, _: Assessment) -> str:
    parts = (("Strengths and limitations", "strengths_limitations"), ("The literature", "literature"), ("Rationale", "rationale"), ("Take-away lessons", "take_away_lessons"))
    return _parts(context, context.data.get("discussion") or {}, parts)


def _perspective(context: _Context, _: Assessment) -> str:
    return _block(context.text(context.data.get("patient_perspective")))


def _consent(context: _Context, _: Assessment) -> str:
    consent = context.data["consent"]
    said = {"obtained": "Consent to publish was obtained", "waived": "An ethics committee waived consent to publish"}.get(consent["status"], "Consent is not recorded")
    by = f" from the {escape(consent['given_by'].replace('_', ' '))}" if consent.get("given_by") else ""
    extra = [f"<p>{escape(consent[key])}</p>" for key in ("statement", "ethics_approval") if consent.get(key)]
    return _block(f"<p>{said}{by}.</p>", *extra)


def _checklist(context: _Context, assessment: Assessment) -> str:
    rows = []
    for result in assessment.results:
        item, finding = result.item, result.finding
        topic = f'<a href="#{escape(item.anchor)}">{escape(item.topic)}</a>' if item.anchor in context.present else escape(item.topic)
        css = finding.status.value.replace(" ", "-")
        note = finding.gap or finding.reason
        rows.append((escape(item.id), topic, f'<span class="cf-care cf-{css}">{_STATUS_MARK[finding.status]} {escape(finding.status.value)}</span>', inline_html(note, context.citations) if note else ""))
    score = assessment.score()
    caption = f"<p>{escape(score.title)}: {score.met} of {score.items} elements reported or not applicable.</p>"
    return _block(caption, _html_table(("Item", "Topic", "Status", "Note"), rows, "cf-checklist"))


_STATUS_MARK = {Status.REPORTED: "✓", Status.NOT_APPLICABLE: "–", Status.PARTIAL: "◐", Status.NOT_REPORTED: "✗"}


def _references(context: _Context, _: Assessment) -> str:
    items = []
    for reference in context.data.get("references") or []:
        links = _identifiers(reference)
        if "url" in reference and not links:
            links = " " + _external(reference["url"], "link")
        items.append(f'<li id="ref-{escape(reference["id"])}">{escape(reference["citation"])}{links}</li>')
    return _block(f'<ol class="cf-references">{"".join(items)}</ol>') if items else ""


_SECTION_BODIES: dict[str, Callable[[_Context, Assessment], str]] = {
    "abstract": _abstract,
    "introduction": _introduction,
    "patient-information": _patient,
    "clinical-findings": _findings,
    "timeline": _timeline,
    "diagnostic-assessment": _diagnostic,
    "interventions": _interventions,
    "follow-up-and-outcomes": _follow_up,
    "discussion": _discussion,
    "patient-perspective": _perspective,
    "informed-consent": _consent,
    "care-checklist": _checklist,
    "references": _references,
}


# ---------------------------------------------------------------- values


def _quantity(quantity: Any) -> str:
    if not isinstance(quantity, dict) or "value" not in quantity:
        return ""
    return escape(labs.published(quantity))


def _result_text(finding: dict[str, Any]) -> str:
    parts = []
    if isinstance(finding.get("value"), dict):
        parts.append(_quantity(finding["value"]))
    if finding.get("result"):
        parts.append(escape(finding["result"]))
    parts += [f"{escape(part['name'])}: {escape(labs.published(part))}" for part in finding.get("components") or [] if "value" in part]
    return "<br>".join(parts)


def _note(context: _Context, entry: dict[str, Any]) -> str:
    notes = entry.get("notes")
    return inline_html(notes, context.citations) if notes else ""


def _names(document: Document) -> dict[str, str]:
    """Every id of the case with a name for it (the intervention's name, the
    event's summary), from the entries the time course has already found."""
    entries, _ = course_of(document)
    return {identifier: str(mapping.get("name") or mapping.get("summary") or identifier) for identifier, (_, mapping) in entries.items()}


def context_when(context: _Context, entry: dict[str, Any], *keys: str) -> str:
    """When an entry happened, as the tables show it: the day from day 0 and
    the date where known, else the time as written; the report's own words
    as a tooltip."""
    keys = keys or ("time",)
    time = next((entry[key] for key in keys if key in entry), None)
    if time is None:
        return ""
    _, course = course_of(context.document)
    index = index_event(context.data)
    identifier = entry.get("id")
    days = course.days_from(index, identifier) if isinstance(identifier, str) and index and keys[0] in ("time", "start") else None
    interval = course.start.get(identifier) if isinstance(identifier, str) and keys[0] in ("time", "start") else None
    if days is None and isinstance(time, dict) and isinstance(time.get("day"), int) and time.get("of") == index:
        days = (time["day"], time["day"])
    shown = labs.when(days, interval, time)
    if shown == labs.NOT_KNOWN and isinstance(time, dict):
        shown = _relative_words(time, _names(context.document))
    published = time.get("as_published") if isinstance(time, dict) else None
    return _time_cell(shown, published)


def _relative_words(time: dict[str, Any], names: dict[str, str]) -> str:
    """A time that cannot be placed, in words: "after: Lymphodepletion"."""
    for key, word in (("follows", "after"), ("precedes", "before"), ("during", "during")):
        if isinstance(time.get(key), str):
            name = names.get(time[key], time[key])
            if len(name) > 1 and name[0].isupper() and name[1].islower():
                name = name[0].lower() + name[1:]  # "after admitted with ...", but "after CAR-T ..."
            return f"{word} {name if len(name) <= 40 else name[:39].rstrip() + '…'}"
    if "age" in time:
        return f"at age {age_text(time['age'])}"
    return labs.NOT_KNOWN


def summary(data: dict[str, Any], assessment: Assessment, slug: str) -> Summary:
    """What the index lists of a case."""
    score = assessment.score()
    diagnoses = (data.get("diagnostic_assessment") or {}).get("diagnoses") or []
    return Summary(
        slug=slug,
        title=" ".join(data["title"].split()),
        age_band=age_band(data["patient"]["age"]),
        sex=_sex_word(data["patient"]["sex"]),
        diagnosis=diagnoses[0]["name"] if diagnoses else "",
        interventions=_main_interventions(data),
        score=f"{score.met}/{score.items}",
        met=score.met,
        items=score.items,
        keywords=tuple(keyword for keyword in data.get("keywords") or [] if keyword.strip().lower() != "case report"),
    )
