"""Every piece of case text that reaches a page passes through here.

Four ways out, by where the text goes:

- :func:`markdown_html`: an author's Markdown field (emphasis, lists, links,
  inline code, quotes) as sanitised HTML, with citations ``[@id]`` and
  ``[@a; @b]`` turned into numbered superscript links to the reference list.
- :func:`inline_html`: the same for a one-line field, without a paragraph or
  any other block element around it.
- :func:`plain`: any other value, escaped for HTML (text or a quoted
  attribute).
- :func:`cell` and :func:`md_escape`: a value for a place that Markdown
  reads after us (a Markdown table cell, a heading, link text): shown
  exactly as written, on one line.

Raw HTML in an author's text is never rendered: Python-Markdown has no safe
mode, so the instance used here has its raw HTML processors removed (``<``
and ``&`` in text come out escaped; Markdown's autolinks still work), and
its output is then sanitised with nh3 all the same: a small allowlist of
tags, ``href`` and ``title`` on links only, the schemes http, https and
mailto (relative and ``#fragment`` links pass), ``rel="noopener
noreferrer"`` on every link, comments dropped. Images are not in the
allowlist, so ``![alt](url)`` shows nothing. nh3, the Python binding of
the Rust sanitiser ammonia, is used rather than bleach because bleach is
deprecated and no longer developed, while ammonia is maintained, parses
HTML as browsers do (html5ever) and is many times faster.

The contract for callers. MkDocs runs Python-Markdown over the page after
us, so what we return must reach the reader as we wrote it:

- Put the output of :func:`markdown_html` and :func:`inline_html` only inside
  a raw HTML block: a block-level element (``<div class="...">``, ``<td>``
  of an HTML ``<table>``, ``<p>``, ``<li>`` of an HTML list) whose opening
  tag starts a line, not indented, with a blank line (or the start of the
  page) before it and a blank line after its closing tag, outside any
  Markdown list, quote or admonition, and with no ``markdown`` attribute on
  it or on any element around it (``md_in_html`` would then read the inside
  as Markdown). Python-Markdown passes such a block through untouched,
  blank lines inside included. Never put that output in a Markdown
  context (a Markdown table cell, heading or list item) and never in an
  attribute value.
- For an attribute value or any text inside such an HTML block, use
  :func:`plain`; for a Markdown table cell :func:`cell`; for other Markdown
  inline text (a heading, link text) :func:`md_escape`.

MkDocs always enables ``fenced_code``, whose preprocessor reads the whole
page before raw HTML is set aside, so a line of backticks after a blank line in our HTML
would still start a code block (pymdownx ``critic`` does the same with
``{++``). Every function here therefore writes the backtick, ``~``, ``{`` and
``}`` as character references, which a browser reads as the characters
themselves; ``<`` is always escaped, which also keeps pymdownx
``snippets`` (``--8<--``) from including files.
"""

from __future__ import annotations

import re
import threading
from html import escape
from typing import Mapping
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

from caseforge.checks.references import _CITATION_GROUP, _CITED_ID

__all__ = ["cell", "inline_html", "markdown_html", "md_escape", "plain"]

_BLOCK_TAGS = frozenset({"p", "br", "em", "strong", "code", "pre", "ul", "ol", "li", "a", "sup", "sub", "blockquote"})
_INLINE_TAGS = frozenset({"br", "em", "strong", "code", "a", "sup", "sub"})
_ATTRIBUTES = {"a": {"href", "title"}}
_CLASSES = {"sup": {"cf-cite"}}
_SCHEMES = frozenset({"http", "https", "mailto"})
# Removed with their content, should they ever reach the sanitiser.
_CONTENT_DROPPED = frozenset({"script", "style", "iframe", "object", "embed", "svg", "math", "template", "noscript", "textarea"})

# Characters a preprocessor of the site's Markdown would act on even inside
# raw HTML; their references mean the same to a browser, in text and attributes.
_PREPROCESSOR_SAFE = str.maketrans({"`": "&#96;", "~": "&#126;", "{": "&#123;", "}": "&#125;"})
# What Markdown or a common extension acts on within a line: code, emphasis,
# links, attribute lists, table cells, strike/sub/sup/mark, maths, headings.
# One pass with HTML's own, so that no reference is escaped again.
_MARKDOWN_SAFE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"} | {char: f"&#{ord(char)};" for char in "\\`*_[]{}|~^=$#"})
# What starts a block at the beginning of a line (a list, an ordered list).
_LEADING_BLOCK = re.compile(r"[-+]|\d+[.)]")
# The same for a one-line field before Markdown reads it: headings, quotes,
# list items, rules; escaped by a backslash, which Markdown removes.
_INLINE_LEADING = re.compile(r"(?:#|>|[-+*](?=\s)|\d+(?=[.)]\s)|[-*_](?=(?:\s*[-*_]){2,}\s*$))")
_SEPARATOR = re.compile(r"\s*[;,]\s*")


def markdown_html(text: str, citations: Mapping[str, int] | None = None, reference_anchor: str = "ref-{id}") -> str:
    """An author's Markdown as sanitised HTML: block elements (paragraphs,
    lists, quotes), citations numbered by ``citations`` (id to number) and
    linked to ``#`` + ``reference_anchor`` with the id filled in. A citation
    group naming an id not in ``citations`` is left as written."""
    return _clean(_render(text, citations, reference_anchor), _BLOCK_TAGS)


def inline_html(text: str, citations: Mapping[str, int] | None = None, reference_anchor: str = "ref-{id}") -> str:
    """A one-line field as :func:`markdown_html` renders it, without a
    paragraph around it: only inline elements. Line breaks are read as
    spaces, and what would start a block (``# ``, ``- ``, ``1. ``, ``>``)
    as text."""
    line = " ".join(text.splitlines()).lstrip()
    if found := _INLINE_LEADING.match(line):
        line = line[: found.end()] + "\\" + line[found.end() :] if found.group().isdigit() else "\\" + line
    return _clean(_render(line, citations, reference_anchor), _INLINE_TAGS)


def plain(value: object) -> str:
    """Any value as HTML text or a quoted attribute value (``None`` is empty)."""
    return "" if value is None else escape(str(value), quote=True).translate(_PREPROCESSOR_SAFE)


def md_escape(text: str) -> str:
    """Text for a place Markdown reads (a heading, link text, a table cell):
    shown as written, on one line; no Markdown or HTML in it acts."""
    line = " ".join(text.splitlines()).translate(_MARKDOWN_SAFE)
    stripped = line.lstrip()
    if _LEADING_BLOCK.match(stripped):
        line = line[: len(line) - len(stripped)] + f"&#{ord(stripped[0])};" + stripped[1:]
    return line


def cell(value: object) -> str:
    """Any value for a cell of a Markdown table (``None`` is empty)."""
    return "" if value is None else md_escape(str(value))


# ---------------------------------------------------------------- rendering


class _Citations(InlineProcessor):
    """``[@a]``, ``[@a, p. 4; @b]``: a superscript of links. Runs after code
    spans and backslash escapes and before links, so that a code span keeps
    its text and ``[@a](url)`` is a citation only if ``a`` is cited."""

    citations: Mapping[str, int] = {}
    anchor = "ref-{id}"

    def handleMatch(self, match: re.Match[str], data: str) -> tuple[Element | None, int | None, int | None]:
        group = match.group(0)[1:-1]
        cited = list(_CITED_ID.finditer(group))
        if not cited or any(found.group(1) not in self.citations for found in cited):
            return None, None, None
        sup = Element("sup", {"class": "cf-cite"})
        edges = [0] + [bound for found in cited for bound in found.span()] + [len(group)]
        texts = [_between(group[start:end], start == 0, end == len(group)) for start, end in zip(edges[::2], edges[1::2])]
        sup.text = AtomicString(texts[0])
        for found, after in zip(cited, texts[1:]):
            link = Element("a", {"href": "#" + self.anchor.format(id=found.group(1))})
            link.text = AtomicString(str(self.citations[found.group(1)]))
            link.tail = AtomicString(after)
            sup.append(link)
        return sup, match.start(0), match.end(0)


def _between(text: str, first: bool, last: bool) -> str:
    """What an author wrote around cited ids ("see", ", p. 4; "), spaces
    collapsed; a bare separator between two ids becomes ", "."""
    if not (first or last) and _SEPARATOR.fullmatch(text):
        return ", "
    text = re.sub(r"\s+", " ", text)
    return text.lstrip() if first else text.rstrip() if last else text


_local = threading.local()


def _markdown() -> markdown.Markdown:
    """This thread's Markdown reader, without raw HTML, with citations."""
    reader = getattr(_local, "markdown", None)
    if reader is None:
        reader = markdown.Markdown(extensions=["sane_lists"], output_format="html")
        reader.preprocessors.deregister("html_block")
        reader.inlinePatterns.deregister("html")
        reader.inlinePatterns.register(_Citations(_CITATION_GROUP.pattern, reader), "citation", 175)
        _local.markdown = reader
    return reader


def _render(text: str, citations: Mapping[str, int] | None, anchor: str) -> str:
    reader = _markdown()
    processor = reader.inlinePatterns["citation"]
    processor.citations, processor.anchor = citations or {}, anchor
    try:
        return reader.convert(text)
    finally:
        reader.reset()
        processor.citations = {}


def _clean(html: str, tags: frozenset[str]) -> str:
    cleaned = nh3.clean(
        html,
        tags=set(tags),
        clean_content_tags=set(_CONTENT_DROPPED),
        attributes=_ATTRIBUTES,
        allowed_classes=_CLASSES,
        url_schemes=set(_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return cleaned.strip().translate(_PREPROCESSOR_SAFE)
