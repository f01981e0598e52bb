"""The built site in a real browser: headless Chromium (Debian's package, at
/usr/bin/chromium) driven by Playwright, on the site served from this
machine's loopback address.

One build for the module (the example cases, the minimal case, which has
no timeline, and a hostile case with an attack in every kind of text
field) and one browser. Each page loads with no console error and no
request to another host; each case page draws one timeline element per
event that has a day or a date; the hostile text runs nowhere, however the
page is hovered, clicked or searched; the index sorts; the checklist links
land; the dark scheme works. Full-page screenshots of the index and every
case page go to build/screenshots/ for a person to look at.

Without Chromium or Playwright these tests are skipped, except in CI
(CI=true), where that is a failure: scripts/test.sh installs both.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlparse

import pytest

from caseforge.render.timeline import UNDATED, timeline
from caseforge.source import loads
from helpers import CASES, MINIMAL_CASE, REPO, run_caseforge
from test_site import hostile_case, make_project

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"]
HOST = "127.0.0.1"
SCREENSHOTS = REPO / "build" / "screenshots"
SEED = "donor-car-t-extramedullary-relapse"
EXTRA = {"hostile.yaml": hostile_case(), "minimal.yaml": MINIMAL_CASE}
SOURCES = {path.stem: path.read_text(encoding="utf-8") for path in CASES.glob("*.yaml")} | {Path(name).stem: text for name, text in EXTRA.items()}
SLUGS = sorted(SOURCES)
VIEWPORT = {"width": 1280, "height": 900}


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; in CI (CI=true) the browser tests must run: scripts/install-browser.sh installs Chromium.", pytrace=False)
    pytest.skip(f"{reason} (bash scripts/test.sh installs it)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _unavailable("Playwright's Python package is not installed")
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"Chromium is not installed at {CHROMIUM}")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Error as error:
            _unavailable(f"Chromium at {CHROMIUM} did not start: {error}")
        yield chromium
        chromium.close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site built once, served on a free port of the loopback address: its base URL."""
    root = make_project(tmp_path_factory.mktemp("browser"), EXTRA)
    result = run_caseforge("build", "-f", str(root / "mkdocs.yml"), "-d", str(root / "public"), "--strict", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    server = ThreadingHTTPServer((HOST, 0), functools.partial(_Quiet, directory=str(root / "public")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def screenshots() -> Path:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


@dataclass
class Visit:
    """A page open in the browser, and what it did while it loaded."""

    page: Any
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    requests: list[str] = field(default_factory=list)  # every URL asked for
    dialogs: list[str] = field(default_factory=list)  # alert, confirm, prompt

    def elsewhere(self) -> list[str]:
        return [url for url in self.requests if urlparse(url).scheme not in ("data", "blob", "about") and urlparse(url).hostname != HOST]


def _local_only(route: Any) -> None:
    """Requests to another host never leave (and never hang a test)."""
    if urlparse(route.request.url).hostname == HOST:
        route.continue_()
    else:
        route.abort()


@pytest.fixture()
def open_page(browser: Any, site: str) -> Iterator[Any]:
    """``open_page(path, scheme="light", idle=False)``: a page of the site,
    loaded (``idle``: and then until the network is idle, so that what it
    fetches after loading, the search index, has been fetched too)."""
    contexts: list[Any] = []

    def open_(path: str, scheme: str = "light", idle: bool = False) -> Visit:
        context = browser.new_context(viewport=VIEWPORT, color_scheme=scheme)
        contexts.append(context)
        context.route("**/*", _local_only)
        page = context.new_page()
        visit = Visit(page)
        context.on("request", lambda request: visit.requests.append(request.url))
        page.on("console", lambda message: visit.errors.append(f"console: {message.text}") if message.type == "error" else None)
        page.on("pageerror", lambda error: visit.errors.append(f"uncaught: {error}"))
        page.on("dialog", lambda dialog: (visit.dialogs.append(f"{dialog.type}: {dialog.message}"), dialog.dismiss()))
        response = page.goto(site + path, wait_until="networkidle" if idle else "load")
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return visit

    yield open_
    for context in contexts:
        context.close()


def _shot(visit: Visit, folder: Path, name: str) -> None:
    visit.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


# --- Every page ----------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "cases/", "tags/", *[f"cases/{slug}/" for slug in SLUGS]])
def test_page_loads_without_console_errors_or_requests_elsewhere(open_page: Any, screenshots: Path, path: str) -> None:
    visit = open_page(path, idle=True)
    assert visit.errors == [], visit.errors
    assert visit.elsewhere() == [], visit.elsewhere()
    assert any(urlparse(url).path.endswith(".js") for url in visit.requests), "the page's scripts were loaded"
    name = "index" if path == "cases/" else "home" if path == "" else path.strip("/").replace("/", "-")
    _shot(visit, screenshots, name)


@pytest.mark.parametrize("path", ["cases/", f"cases/{SEED}/", "cases/hostile/"])
def test_dark_scheme_renders_without_console_errors(open_page: Any, screenshots: Path, path: str) -> None:
    visit = open_page(path, scheme="dark", idle=True)
    assert visit.errors == [], visit.errors
    assert visit.page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    if path == f"cases/{SEED}/":
        _shot(visit, screenshots, f"{SEED}-dark")


# Case text drawn in SVG (timeline labels, chart text) against the page behind
# it: the colour of the text, with its opacity, over the page's background.
_CONTRASTS = """() => {
  const rgba = (text) => { const [r, g, b, a] = text.match(/[\\d.]+/g).map(Number); return [r, g, b, a === undefined ? 1 : a]; };
  const light = (c) => { const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const back = rgba(getComputedStyle(document.body).backgroundColor);
  return Array.from(document.querySelectorAll("svg text")).filter((t) => t.textContent.trim()).map((t) => {
    const style = getComputedStyle(t);
    const [r, g, b, a] = rgba(style.fill);
    const alpha = a * Number(style.fillOpacity) * Number(style.opacity);
    const shown = [r, g, b].map((v, i) => v * alpha + back[i] * (1 - alpha));
    const [hi, lo] = [light(shown), light(back.slice(0, 3))].sort((x, y) => y - x);
    return [t.textContent.trim(), t.getAttribute("class") || "", (hi + 0.05) / (lo + 0.05)];
  });
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_in_the_figures_is_legible_in_both_schemes(open_page: Any, scheme: str) -> None:
    page = open_page(f"cases/{SEED}/", scheme=scheme).page
    contrasts = page.evaluate(_CONTRASTS)
    assert contrasts, "the seed case has a timeline and charts with text"
    faint = [(text, css, round(ratio, 2)) for text, css, ratio in contrasts if ratio < 4.5]
    assert faint == [], f"text in the figures below 4.5:1 contrast ({scheme}): {faint}"


# --- The timeline ----------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_one_timeline_element_per_event_with_a_day_or_a_date(open_page: Any, slug: str) -> None:
    page = open_page(f"cases/{slug}/").page
    drawn = page.eval_on_selector_all("svg.cf-timeline .cf-event", "events => events.map(e => e.getAttribute('data-id'))")
    rows = page.eval_on_selector_all("table tr[data-id]", "rows => rows.map(r => [r.getAttribute('data-id'), r.cells[0].textContent, r.cells[1].textContent])")
    assert len(drawn) == len(set(drawn)), f"an event drawn twice: {sorted(drawn)}"
    assert len(rows) == len({row[0] for row in rows}), f"an event listed twice: {rows}"
    # An event is drawn unless the table says it has neither a day nor a date.
    undrawn = {identifier for identifier, day, date in rows if day == UNDATED and not date.strip()}
    assert set(drawn) == {row[0] for row in rows} - undrawn
    # ...and the page shows what the renderer meant to draw.
    document, _ = loads(SOURCES[slug].encode("utf-8"), f"{slug}.yaml")
    assert document is not None
    expected = timeline(document).rows
    assert [row[0] for row in rows] == [row.id for row in expected]
    assert set(drawn) == {row.id for row in expected if row.drawn}
    if slug == "minimal":
        assert drawn == [] and rows == [], "a case without a timeline has none"
    else:
        assert drawn, f"{slug}: the timeline draws its events"


# --- Hostile text ------------------------------------------------------------------

# Every attribute an attack could run from, every script and its source.
_INJECTED = """() => {
  const found = [];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase(), value = attribute.value.trim().toLowerCase();
      if (name.startsWith("on")) found.push(`${element.tagName} ${name}`);
      if (["href", "src", "xlink:href", "action", "formaction"].includes(name) && /^(javascript|vbscript|data:text\\/html)/.test(value)) found.push(`${element.tagName} ${name}=${value}`);
    }
  }
  for (const script of document.scripts) {
    if (script.src && new URL(script.src).hostname !== location.hostname) found.push(`script from ${script.src}`);
    if (script.textContent.includes("__pwned")) found.push(`script text ${script.textContent.slice(0, 80)}`);
  }
  for (const tag of ["img", "iframe", "object", "embed"]) if (document.querySelector(`.md-content ${tag}`)) found.push(`${tag} in the content`);
  return found;
}"""

# Links do not navigate while the page is being poked (hash links included),
# except `javascript:` ones, which must not exist: let them run and be caught.
_HOLD_LINKS = """() => document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a");
  if (link && !link.href.toLowerCase().startsWith("javascript:")) event.preventDefault();
}, true)"""

# Where to hover and click: the links and summaries of the content, the
# timeline's events, and the innermost elements that show the attack as text
# (the header's title and the search results included): the centre of each
# one that is shown, in the viewport's coordinates.
_TARGETS = """() => {
  const all = Array.from(document.querySelectorAll(".md-content a, .md-content summary, .cf-event"));
  for (const element of document.body.querySelectorAll("*"))
    if (Array.from(element.childNodes).some((node) => node.nodeType === 3 && node.textContent.includes("__pwned"))) all.push(element);
  return Array.from(new Set(all)).map((element) => element.getBoundingClientRect())
    .filter((box) => box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight)
    .map((box) => [box.left + box.width / 2, box.top + box.height / 2]);
}"""

# Synthetic pointer and focus events on every element, for any handler a real
# pointer would not reach.
_DISPATCH = """() => {
  for (const element of document.body.querySelectorAll("*"))
    for (const type of ["mouseover", "mouseenter", "mousemove", "focus", "focusin"])
      element.dispatchEvent(new Event(type, {bubbles: true}));
}"""


def _poke(page: Any) -> int:
    """Hover over and click every target with the mouse, then send every
    element pointer events; the number of targets. The viewport is made as
    tall as the page, so that every target is on screen at once."""
    page.evaluate(_HOLD_LINKS)
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(height, 16000)})
    targets = page.evaluate(_TARGETS)
    for x, y in targets:
        page.mouse.move(x, y)
        page.mouse.click(x, y)
        page.keyboard.press("Escape")  # closes whatever a click opened
    page.evaluate(_DISPATCH)
    page.wait_for_timeout(300)  # a `javascript:` link runs in a task of its own, after the click
    return len(targets)


@pytest.mark.parametrize("bait", [
    '<p onmouseover="window.__pwned=1">__pwned when hovered</p>',
    '<a href="javascript:window.__pwned=1">__pwned when clicked</a>',
])
def test_the_probes_catch_a_planted_attack(browser: Any, bait: str) -> None:
    """The checks below are not vacuous: on a page that does run the attack, they see it."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_content(f'<div class="md-content"><h1>Bait</h1>{bait}</div>')
        assert page.evaluate(_INJECTED) != []
        assert _poke(page) > 0
        page.wait_for_function("window.__pwned === 1", timeout=5000)
    finally:
        context.close()


@pytest.mark.parametrize("path", ["cases/hostile/", "cases/", "tags/"])
def test_hostile_text_never_runs_however_the_page_is_used(open_page: Any, site: str, path: str) -> None:
    visit = open_page(path, idle=True)
    page = visit.page
    assert "__pwned" in page.inner_text("body"), "the attack is shown as text"
    assert page.evaluate(_INJECTED) == []
    assert _poke(page) > 0
    assert page.url == site + path, "nothing navigated away"
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert visit.dialogs == []
    assert visit.errors == [], visit.errors
    assert visit.elsewhere() == [], visit.elsewhere()


def test_hostile_text_never_runs_from_the_search_results(open_page: Any, site: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    visit = open_page("cases/")
    page = visit.page
    results = page.locator(".md-search-result__item")
    for _ in range(20):  # a query typed before the search has its index is dropped: type it again
        page.locator("input.md-search__input").fill("")
        page.locator("input.md-search__input").press_sequentially("marathon")
        try:
            results.first.wait_for(timeout=1000)
            break
        except PlaywrightTimeout:
            continue
    assert results.count(), "the search finds the hostile case"
    assert "__pwned" in results.first.inner_text(), "the results show the attack as text"
    assert page.evaluate(_INJECTED) == []
    for index in range(results.count()):
        results.nth(index).hover()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert visit.dialogs == [] and visit.errors == [], (visit.dialogs, visit.errors)
    assert visit.elsewhere() == [], visit.elsewhere()


# --- The index and the checklist -----------------------------------------------------


def test_the_index_sorts_by_care_score_both_ways(open_page: Any) -> None:
    page = open_page("cases/").page
    rows = "() => Array.from(document.querySelectorAll('table.cf-index tbody tr')).map(row => [row.cells[0].textContent, Number(row.cells[5].getAttribute('data-sort'))])"
    before = page.evaluate(rows)
    scores = [score for _, score in before]
    assert len(before) == len(SLUGS) and len(set(scores)) > 1, before
    heading = page.locator("table.cf-index th", has_text="CARE")
    heading.locator("button").click()
    ascending = page.evaluate(rows)
    assert [score for _, score in ascending] == sorted(scores) and heading.get_attribute("aria-sort") == "ascending"
    heading.locator("button").click()
    descending = page.evaluate(rows)
    assert [score for _, score in descending] == sorted(scores, reverse=True) and heading.get_attribute("aria-sort") == "descending"
    assert ascending != before or descending != before, "the order changed"
    assert sorted(ascending) == sorted(descending) == sorted(before), "each row moves whole, its title with its score"


@pytest.mark.parametrize("slug", SLUGS)
def test_checklist_links_land_on_the_page(open_page: Any, slug: str) -> None:
    """Including the minimal case's, which leaves most sections out."""
    page = open_page(f"cases/{slug}/").page
    targets = page.eval_on_selector_all("table.cf-checklist a[href^='#']", "links => links.map(a => a.getAttribute('href').slice(1))")
    assert targets, "the checklist links to the sections"
    everywhere = page.eval_on_selector_all(".md-content a[href^='#']", "links => links.map(a => decodeURIComponent(a.getAttribute('href').slice(1)))")
    missing = sorted({target for target in [*targets, *everywhere] if target and not page.evaluate("id => document.getElementById(id) !== null", target)})
    assert missing == [], f"links to ids the page does not have: {missing}"
