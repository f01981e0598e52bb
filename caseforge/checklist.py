"""The filled checklist a journal receives: every item, what it asks for,
its status in this case, and where the case meets it.

One set of rows (:func:`rows`), four forms: Markdown, CSV, JSON and a
standalone HTML page (no outside resources, every value escaped). The
rendered site links each item to its section through the row's anchor.
"""

from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import asdict, dataclass

from caseforge.care.assess import Assessment
from caseforge.source import Document

FORMATS = ("md", "csv", "json", "html")


@dataclass(frozen=True)
class Row:
    item: str
    topic: str
    asks: str
    status: str
    where: tuple[str, ...]  # fields, as authors write them (`discussion.literature`)
    pointers: tuple[str, ...]
    lines: tuple[int, ...]
    anchor: str  # the section of the case page
    note: str  # what is missing, or the author's reason
    criterion: str


def rows(document: Document, assessment: Assessment) -> list[Row]:
    found = []
    for result in assessment.results:
        item, finding = result.item, result.finding
        pointers = finding.where or ((result.statement,) if result.statement else ())
        note = finding.gap or finding.reason
        if finding.reason and finding.gap and finding.reason not in finding.gap:
            note = f"{finding.gap} ({finding.reason})"
        found.append(Row(
            item=item.id,
            topic=item.topic,
            asks=item.asks,
            status=finding.status.value,
            where=tuple(pointer.strip("/").replace("/", ".") for pointer in pointers),
            pointers=pointers,
            lines=tuple(document.key_position(pointer)[0] for pointer in pointers),
            anchor=item.anchor,
            note=note,
            criterion=item.criterion,
        ))
    return found


def _heading(document: Document, assessment: Assessment) -> tuple[str, str]:
    title = str(document.data.get("title", document.path))
    score = assessment.score()
    summary = f"Checked against {score.title}: {score.met} of {score.items} elements reported or not applicable."
    if score.missing:
        summary += f" Not reported: {', '.join(score.missing)}."
    if score.partial:
        summary += f" Partly reported: {', '.join(score.partial)}."
    return title, summary


def _where(row: Row) -> str:
    return "; ".join(f"{field} (line {line})" for field, line in zip(row.where, row.lines))


def as_markdown(document: Document, assessment: Assessment) -> str:
    title, subtitle = _heading(document, assessment)
    lines = [f"# {_md(title)}", "", f"{_md(subtitle)}", "", "| Item | Topic | What it asks for | Status | Where in the case | Note |", "|---|---|---|---|---|---|"]
    for row in rows(document, assessment):
        cells = [row.item, row.topic, row.asks, f"**{row.status}**", _where(row), row.note]
        lines.append("| " + " | ".join(_md(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """A value safe inside a Markdown table cell: no HTML, no cell breaks."""
    return html.escape(text.replace("\n", " "), quote=False).replace("|", "\\|") if text else ""


# The start of the CSV form: a UTF-8 byte-order mark. Excel on Windows reads a
# CSV file without one in the system's legacy code page, so that "Sjögren"
# shows as "SjÃ¶gren"; with it, Excel reads UTF-8. LibreOffice, Numbers,
# pandas and Python's "utf-8-sig" skip it; a reader decoding as plain "utf-8"
# sees it as a "\ufeff" before the first column's name.
BYTE_ORDER_MARK = "\ufeff"


def as_csv(document: Document, assessment: Assessment) -> str:
    buffer = io.StringIO()
    buffer.write(BYTE_ORDER_MARK)
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["item", "topic", "asks", "status", "where", "lines", "note"])
    for row in rows(document, assessment):
        writer.writerow([row.item, row.topic, row.asks, row.status, "; ".join(row.where), "; ".join(map(str, row.lines)), row.note])
    return buffer.getvalue()


def as_json(document: Document, assessment: Assessment) -> str:
    body = {
        "case": document.path,
        "title": document.data.get("title"),
        "profile": assessment.profile.name,
        "score": assessment.score().as_dict(),
        "items": [{**asdict(row), "where": list(row.where), "pointers": list(row.pointers), "lines": list(row.lines)} for row in rows(document, assessment)],
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.4rem}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #c8c8cc;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f2f5}.reported,.not-applicable{color:#11622a}.partly-reported{color:#8a5a00}.not-reported{color:#a3161b}
td.status{font-weight:600;white-space:nowrap}
@media print{body{margin:0;max-width:none}}
"""


def as_html(document: Document, assessment: Assessment) -> str:
    title, subtitle = _heading(document, assessment)
    escape = html.escape
    body = []
    for row in rows(document, assessment):
        css = row.status.replace(" ", "-")
        body.append(
            f"<tr><td>{escape(row.item)}</td><td>{escape(row.topic)}</td><td>{escape(row.asks)}</td>"
            f'<td class="status {css}">{escape(row.status)}</td><td>{escape(_where(row))}</td><td>{escape(row.note)}</td></tr>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}: checklist</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>{escape(subtitle)}</p>"
        "<table><thead><tr><th>Item</th><th>Topic</th><th>What it asks for</th><th>Status</th><th>Where in the case</th><th>Note</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></body></html>\n"
    )


def render(document: Document, assessment: Assessment, form: str) -> str:
    """The checklist in one of :data:`FORMATS`."""
    return {"md": as_markdown, "csv": as_csv, "json": as_json, "html": as_html}[form](document, assessment)
