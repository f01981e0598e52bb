"""Case text on a page: authors' Markdown rendered and sanitised, citations
linked, plain values escaped for HTML and for Markdown."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
import pytest

from caseforge.render.text import cell, inline_html, markdown_html, md_escape, plain

CITATIONS = {"smith2020": 1, "jones2021": 2}
FORBIDDEN_TAGS = {"script", "iframe", "style", "img", "svg", "object", "embed", "math", "form", "input", "link", "meta", "base", "frame", "frameset"}
SAFE_SCHEMES = {"http", "https", "mailto", ""}

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](java\tscript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "[x][r]\n\n[r]: javascript:alert(1)",
    '[x](https://example.org "t" onmouseover="alert(1)")',
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<style>body{display:none}</style>",
    "<object data=x></object><embed src=x>",
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    "[x](&#x6A;avascript:alert(1))",
    "[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "![x](javascript:alert(1))",
    "![x](https://evil.example/pixel.png)",
    '![x](x" onerror="alert(1))',
    "<javascript:alert(1)>",
    "<!--><script>alert(1)</script>-->",
    "<div onclick=alert(1)>text</div>",
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    "    <script>alert(1)</script>",
    "`<script>alert(1)</script>`",
    "*<script>*alert(1)",
    "[<img src=x onerror=alert(1)>](https://example.org)",
    "[@smith2020](javascript:alert(1))",
    "[x](javascript:alert(1) [@smith2020])",
]


class _Collected(HTMLParser):
    """Every start tag with its attributes, and the text inside code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.code: list[str] = []
        self._in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_code += tag == "code"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self._in_code -= tag == "code" and self._in_code > 0

    def handle_data(self, data: str) -> None:
        if self._in_code:
            self.code.append(data)


def parsed(html: str) -> _Collected:
    collected = _Collected()
    collected.feed(html)
    collected.close()
    return collected


def assert_inert(html: str) -> None:
    for tag, attrs in parsed(html).tags:
        assert tag not in FORBIDDEN_TAGS, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            assert name in {"href", "title", "rel", "class", "id"}, html
            if name == "href":
                assert value is not None
                scheme = urlsplit(value.strip()).scheme.lower()
                assert scheme in SAFE_SCHEMES, html
                assert "javascript" not in value.lower() and "data:" not in value.lower(), html


@pytest.mark.parametrize("render", [markdown_html, inline_html], ids=["block", "inline"])
@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_renders_inert(render, text: str) -> None:
    assert_inert(render(text, CITATIONS))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_values_escaped(text: str) -> None:
    assert parsed(plain(text)).tags == []
    assert parsed(cell(text)).tags == []
    assert_inert(markdown.markdown(f"| a |\n|---|\n| {cell(text)} |\n", extensions=["tables"]))
    assert_inert(markdown.markdown(f"# {md_escape(text)}\n\n- [{md_escape(text)}](page.md)\n", extensions=["toc", "attr_list"]))


def test_code_span_shows_markup_as_text() -> None:
    html = markdown_html("Run `<script>alert(1)</script>` and `[@smith2020]`.", CITATIONS)
    assert parsed(html).code == ["<script>alert(1)</script>", "[@smith2020]"]
    assert "cf-cite" not in html


def test_code_block_keeps_its_text() -> None:
    html = markdown_html("Output:\n\n    <b>bold</b> & `tick`\n    {++x++}")
    assert "".join(parsed(html).code) == "<b>bold</b> & `tick`\n{++x++}\n"


def test_raw_html_is_shown_as_text() -> None:
    html = markdown_html("A <b>bold</b> claim & more")
    assert html == "<p>A &lt;b&gt;bold&lt;/b&gt; claim &amp; more</p>"


def test_emphasis_lists_and_links() -> None:
    html = markdown_html("Some *emphasis*, **strong** and `code`.\n\n- one\n- two\n\n1. first\n2. second\n\n> quoted")
    assert "<em>emphasis</em>" in html and "<strong>strong</strong>" in html and "<code>code</code>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html
    assert "<blockquote>" in html


@pytest.mark.parametrize("link, href", [
    ("[site](https://example.org/a?b=1&c=2)", "https://example.org/a?b=1&c=2"),
    ("[mail](mailto:author@example.org)", "mailto:author@example.org"),
    ("[other case](../other/)", "../other/"),
    ("[above](#ref-smith2020)", "#ref-smith2020"),
    ("<https://example.org>", "https://example.org"),
])
def test_safe_links_kept_with_rel(link: str, href: str) -> None:
    (tag, attrs), = [found for found in parsed(markdown_html(link)).tags if found[0] == "a"]
    assert attrs["href"] == href
    assert attrs["rel"] == "noopener noreferrer"


def test_link_title_kept() -> None:
    (_, attrs), = [found for found in parsed(markdown_html('[x](https://example.org "A title")')).tags if found[0] == "a"]
    assert attrs["title"] == "A title"


def test_citations_numbered_and_linked() -> None:
    html = markdown_html("As shown [@jones2021], and before [@smith2020; @jones2021].", CITATIONS)
    assert html == (
        '<p>As shown <sup class="cf-cite"><a href="#ref-jones2021" rel="noopener noreferrer">2</a></sup>, '
        'and before <sup class="cf-cite"><a href="#ref-smith2020" rel="noopener noreferrer">1</a>, '
        '<a href="#ref-jones2021" rel="noopener noreferrer">2</a></sup>.</p>'
    )


def test_citation_keeps_locator_and_prefix() -> None:
    html = markdown_html("[see @smith2020, p. 4]", CITATIONS)
    assert '<sup class="cf-cite">see <a href="#ref-smith2020" rel="noopener noreferrer">1</a>, p. 4</sup>' in html


def test_citation_anchor_configurable() -> None:
    html = markdown_html("[@smith2020]", CITATIONS, reference_anchor="cite-{id}")
    assert 'href="#cite-smith2020"' in html


@pytest.mark.parametrize("text", ["[@unknown]", "[@smith2020; @unknown]", "[@<b>x</b>]"])
def test_unknown_citation_kept_as_text(text: str) -> None:
    html = markdown_html(text, CITATIONS)
    assert "cf-cite" not in html and "<sup" not in html and "<b>" not in html
    assert parsed(html).tags == [("p", {})]


def test_no_citations_given() -> None:
    assert markdown_html("[@smith2020]") == "<p>[@smith2020]</p>"


def test_email_in_link_text_is_no_citation() -> None:
    html = markdown_html("[a@example.org](mailto:a@example.org)", CITATIONS)
    assert 'href="mailto:a@example.org"' in html


def test_inline_has_no_block_elements() -> None:
    assert inline_html("*a* [@smith2020]", CITATIONS) == '<em>a</em> <sup class="cf-cite"><a href="#ref-smith2020" rel="noopener noreferrer">1</a></sup>'
    for text in ["# heading", "- item", "+ item", "1. first", "2020. A year", "> quote", "***", "- - -", "two\n\nparagraphs", "    indented"]:
        html = inline_html(text)
        assert not {tag for tag, _ in parsed(html).tags}, (text, html)
    assert inline_html("# heading") == "# heading"
    assert inline_html("1. first") == "1. first"
    assert inline_html("two\n\nparagraphs") == "two  paragraphs"


def test_plain() -> None:
    assert plain('<a href="x">\'&') == "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;"
    assert plain(None) == "" and plain(3.5) == "3.5"


def table_cells(value: object) -> list[str]:
    html = markdown.markdown(f"| head |\n| --- |\n| {cell(value)} |\n", extensions=["tables"])
    cells: list[str] = []
    inside = False

    class Cells(HTMLParser):
        def handle_starttag(self, tag: str, attrs: object) -> None:
            nonlocal inside
            assert not inside, f"<{tag}> in a cell: {html}"
            if tag == "td":
                cells.append("")
                inside = True

        def handle_endtag(self, tag: str) -> None:
            nonlocal inside
            inside = inside and tag != "td"

        def handle_data(self, data: str) -> None:
            if inside:
                cells[-1] += data

    Cells(convert_charrefs=True).feed(html)
    return cells


@pytest.mark.parametrize("value", [
    "a|b*c_d",
    "`code` **bold** [link](https://example.org) ![i](x.png)",
    "<b>&amp; \\| {: .cls } ~~del~~ ==mark== ^sup^ $x$ :smile:",
    "# not a heading",
    "- not a list",
    "1. not a list",
    "line\nbreak",
    "it's \"quoted\" & #1; &#35; &amp;",
])
def test_cell_shows_value_as_written(value: str) -> None:
    assert table_cells(value) == [" ".join(value.splitlines())]


def test_cell_of_other_values() -> None:
    assert table_cells(42) == ["42"]
    assert cell(None) == ""


def test_md_escape_in_heading_and_link_text() -> None:
    title = "C# {: onclick=alert(1) } *not em* [x]"
    html = markdown.markdown(f"# {md_escape(title)}\n\n- [{md_escape('a]b')}](f.md)", extensions=["toc", "attr_list"])
    assert parsed(html).tags == [("h1", {"id": "c-onclickalert1-not-em-x"}), ("ul", {}), ("li", {}), ("a", {"href": "f.md"})]

    class Text(HTMLParser):
        texts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.texts.append(data)

    parser = Text(convert_charrefs=True)
    parser.feed(html)
    assert title in parser.texts and "a]b" in parser.texts


PAGE_EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list", "md_in_html", "pymdownx.critic", "pymdownx.snippets"]


@pytest.mark.parametrize("text", [
    "Text [@smith2020]\n\n- a\n- b",
    "Before\n\n    ```\n    <b>x</b>\n\n    --8<-- \"/etc/passwd\"\n    {++added++}\n    ```\n\nAfter",
    "{--gone--} ~~x~~ `code`",
])
def test_output_survives_the_site_markdown(text: str) -> None:
    """The contract: inside a raw block-level element, Python-Markdown (as
    MkDocs runs it, fenced code and preprocessors included) leaves our HTML as
    it is."""
    ours = markdown_html(text, CITATIONS)
    page = f"# Title\n\nIntro.\n\n<div class=\"cf-text\">\n{ours}\n</div>\n\n## Next\n"
    assert ours in markdown.markdown(page, extensions=PAGE_EXTENSIONS)
