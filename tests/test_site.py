"""The published site, built as a user builds it: every case page and its
downloads, the index, the reference pages; held-back cases; a site that
makes no request to another host; the plugin in someone else's mkdocs.yml;
`caseforge render` for other engines.

The pages are checked in a real browser in test_browser.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

from caseforge.care.items import CARE_2016
from caseforge.render.page import SECTIONS, age_band
from helpers import CASES, COMPLETE_CASE, MINIMAL_CASE, REPO, run_caseforge

EXAMPLES = sorted(path.stem for path in CASES.glob("*.yaml"))


def make_project(root: Path, extra_cases: dict[str, str] | None = None) -> Path:
    """A copy of this project's site (mkdocs.yml, site/) with its example cases and more."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site", root / "site")
    shutil.copytree(CASES, root / "cases")
    for name, text in (extra_cases or {}).items():
        (root / "cases" / name).write_text(text)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = make_project(tmp_path_factory.mktemp("project"), {
        "complete.yaml": COMPLETE_CASE,
        "broken.yaml": MINIMAL_CASE.replace("sex: female", "sex: F"),
        "no-consent.yaml": COMPLETE_CASE.replace("  status: obtained\n  given_by: patient\n", "  status: not_reported\n"),
    })
    result = run_caseforge("build", cwd=root)
    return root / "public", result


def test_a_page_per_publishable_case_with_its_downloads(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    public, result = built
    assert result.returncode == 0, result.stderr
    sources = {**{slug: (CASES / f"{slug}.yaml").read_text() for slug in EXAMPLES}, "complete": COMPLETE_CASE}
    for slug, source in sources.items():
        page = (public / "cases" / slug / "index.html").read_text()
        assert "CARE 2016:" in page and 'id="timeline"' in page and "<svg" in page, slug
        assert (public / "cases" / f"{slug}.yaml").read_text() == source, "the download is the case file, byte for byte"
        assert (public / "cases" / f"{slug}-checklist.html").is_file() and (public / "cases" / f"{slug}-checklist.csv").is_file()
        assert f'href="../{slug}.yaml"' in page, "the download link is rewritten for the page's URL"


def test_cases_with_errors_or_without_consent_are_held_back_and_the_build_says_why(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    public, result = built
    for slug in ("broken", "no-consent"):
        assert not (public / "cases" / slug).exists()
        assert not (public / "cases" / f"{slug}.yaml").exists()
    assert "cases/broken.yaml is not published: 4:8 CF204" in result.stderr
    assert "cases/no-consent.yaml is not published:" in result.stderr and "CF504" in result.stderr
    index = (public / "cases" / "index.html").read_text()
    assert "3 cases (2 held back" in index


def test_strict_build_fails_on_a_held_back_case(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"no-consent.yaml": COMPLETE_CASE.replace("  status: obtained\n  given_by: patient\n", "  status: not_obtained\n")})
    result = run_caseforge("build", "--strict", cwd=root)
    assert result.returncode != 0
    assert "no-consent.yaml is not published" in result.stderr
    clean = make_project(tmp_path / "clean")
    (clean / "cases" / "extra.yaml").write_text(COMPLETE_CASE)
    assert run_caseforge("build", "--strict", cwd=clean).returncode == 0


class _Page(HTMLParser):
    """Every id, every fetched resource, and the links inside the article."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.fetched: list[str] = []
        self.links: list[tuple[str, bool]] = []  # (href, inside the article)
        self.depth = 0  # inside <article>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        if tag == "article":
            self.depth += 1
        for name in ("src", "srcset", "data", "poster", "action"):
            if found.get(name):
                self.fetched.append(found[name] or "")
        if tag == "link" and found.get("href"):
            self.fetched.append(found["href"] or "")
        if tag == "a" and found.get("href"):
            self.links.append((found["href"] or "", self.depth > 0))
        if found.get("style"):
            self.fetched.extend(re.findall(r"url\(['\"]?([^'\")]+)", found["style"] or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1


def _elsewhere(url: str) -> bool:
    return bool(urlparse(url).netloc) or url.startswith("//")


# Material's bundle names two hosts, each behind a condition this site never
# meets: unpkg.com for a ResizeObserver polyfill (every current browser has
# ResizeObserver) and for Mermaid (only for mermaid diagrams, which case text
# cannot make: it is sanitised), and api.github.com for repository facts
# and a GitLab host's API (only with repo_url, which the site does not set). The browser test checks
# that no request leaves the site in fact.
_MATERIAL_FALLBACKS = ("https://unpkg.com/resize-observer-polyfill", "https://unpkg.com/mermaid@", "https://api.github.com/", "https://${e}/api/v4/")
# Strings that name a namespace or a licence, never fetched.
_NOT_FETCHED = ("http://www.w3.org/",)


def test_nothing_is_fetched_from_another_host(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    public, _ = built
    for path in public.rglob("*.html"):
        page = _Page()
        page.feed(path.read_text())
        assert not [url for url in page.fetched if _elsewhere(url)], path
        outside = [href for href, in_article in page.links if _elsewhere(href) and not in_article]
        assert not outside, f"{path}: links outside the page's content: {outside}"
    for path in public.rglob("*.css"):
        text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", text) + re.findall(r"@import\s+['\"]([^'\"]+)", text)
        assert not [url for url in urls if _elsewhere(url)], path
    for path in public.rglob("*.js"):
        text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
        urls = re.findall(r"""["'`](https?://[^"'`\s]+)""", text)
        unexpected = [url for url in urls if not url.startswith(_MATERIAL_FALLBACKS + _NOT_FETCHED)]
        assert not unexpected, f"{path.relative_to(public)}: {unexpected}"


def test_the_site_serves_the_schema_for_editors(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    public, _ = built
    assert (public / "schema" / "case.schema.json").read_text() == (REPO / "schema" / "case.schema.json").read_text()


def test_no_web_fonts(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    public, _ = built
    page = (public / "index.html").read_text()
    assert "fonts.googleapis" not in page and "fonts.gstatic" not in page


def test_every_checklist_link_and_section_anchor_exists(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    public, _ = built
    page = _Page()
    page.feed((public / "cases" / "complete" / "index.html").read_text())
    for _, anchor in SECTIONS:
        assert anchor in page.ids, anchor
    for item in CARE_2016:
        assert not item.anchor or item.anchor in page.ids, item.id
    internal = [href[1:] for href, _ in page.links if href.startswith("#") and len(href) > 1]
    assert internal and all(target in page.ids for target in internal), sorted(set(internal) - page.ids)


def test_the_index_lists_every_published_case(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    public, _ = built
    index = (public / "cases" / "index.html").read_text()
    for slug in [*EXAMPLES, "complete"]:
        assert f'href="{slug}/"' in index
    assert "30–39 years" in index and "30/30" in index and "data-cf-sortable" in index
    assert "tables.js" in index and "caseforge.css" in index


def test_tags_and_search_index_are_built(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    public, _ = built
    tags = (public / "tags" / "index.html").read_text()
    assert "hyponatraemia" in tags and "CAR-T cell therapy" in tags
    search = (public / "search" / "search_index.json").read_text()
    assert "Severe hyponatraemia after a marathon" in search


def test_reference_pages_are_generated(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    public, _ = built
    codes = (public / "reference" / "codes" / "index.html").read_text()
    assert 'id="cf504"' in codes and 'id="cf203"' in codes
    assert "patient_perspective" in (public / "reference" / "case-format" / "index.html").read_text()
    assert not (REPO / "site" / "cases").exists() and not (REPO / "site" / "reference" / "codes.md").exists(), "the build writes nothing into the sources"


def test_the_plugin_works_in_another_sites_mkdocs_yml(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Our department's cases\n")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "marathon.yaml").write_text(COMPLETE_CASE)
    (tmp_path / "mkdocs.yml").write_text("site_name: Cases\ntheme: {name: material, font: false}\nplugins:\n  - search\n  - caseforge:\n      cases: reports\n      section: library\n")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tmp_path, capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", **dict(__import__("os").environ)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "library" / "marathon" / "index.html").is_file()
    assert (tmp_path / "site" / "library" / "index.html").is_file()


def test_render_writes_the_same_pages_for_another_engine(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    result = run_caseforge("render", "--out", str(tmp_path / "out"), cwd=root)
    assert result.returncode == 0, result.stderr
    written = {path.relative_to(tmp_path / "out").as_posix() for path in (tmp_path / "out").rglob("*") if path.is_file()}
    for slug in EXAMPLES:
        assert {f"cases/{slug}.md", f"cases/{slug}.yaml", f"cases/{slug}-checklist.html"} <= written
    assert {"cases/index.md", "assets/caseforge/caseforge.css", "reference/codes.md", "schema/case.schema.json"} <= written
    assert not any(name.startswith(".caseforge-") and name.endswith(".tmp") for name in written), "no temporary file is left"
    assert ".caseforge-render.json" in written


def test_render_removes_the_pages_of_cases_no_longer_published(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project", {"marathon.yaml": COMPLETE_CASE})
    out = tmp_path / "out"
    assert run_caseforge("render", "--out", str(out), cwd=root).returncode == 0
    assert (out / "cases" / "marathon.md").is_file() and (out / "cases" / "marathon.yaml").is_file()
    (root / "cases" / "marathon.yaml").write_text(COMPLETE_CASE.replace("  status: obtained\n  given_by: patient\n", "  status: pending\n"))
    result = run_caseforge("render", "--out", str(out), cwd=root)
    assert result.returncode == 1 and "marathon.yaml: not published" in result.stderr
    assert not (out / "cases" / "marathon.md").exists() and not (out / "cases" / "marathon.yaml").exists()
    assert "removed" in result.stderr


def test_render_never_replaces_files_it_did_not_write_without_force(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    out = tmp_path / "out"
    (out / "cases").mkdir(parents=True)
    (out / "cases" / "index.md").write_text("# Our own list\n")
    (out / "notes.md").write_text("ours\n")
    refused = run_caseforge("render", "--out", str(out), cwd=root)
    assert refused.returncode == 2 and "cases/index.md" in refused.stderr
    assert (out / "cases" / "index.md").read_text() == "# Our own list\n"
    assert run_caseforge("render", "--out", str(out), "--force", cwd=root).returncode == 0
    assert (out / "notes.md").read_text() == "ours\n", "files caseforge does not generate are left alone"
    assert oct((out / "cases" / "index.md").stat().st_mode & 0o777) != oct(0o600), "readable by a web server"


def test_cases_whose_pages_would_clash_are_held_back(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"index.yaml": COMPLETE_CASE, "twin.yaml": COMPLETE_CASE, "twin.yml": COMPLETE_CASE})
    result = run_caseforge("build", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "cases/index.yaml is not published: `index` is the name of the list of cases" in result.stderr
    assert "twin.yaml, twin.yml would have the same page" in result.stderr
    assert not (root / "public" / "cases" / "twin").exists()


def test_a_case_whose_structure_is_wrong_is_never_rendered_whatever_the_settings(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"no-consent.yaml": "title: A case report of something\npatient: {age: {value: 3, unit: a}, sex: male}\n"})
    (root / "caseforge.toml").write_text('[severity]\nCF502 = "off"\n')
    result = run_caseforge("build", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "no-consent.yaml is not published" in result.stderr and "CF201" in result.stderr


def test_build_without_a_site_configuration_says_what_to_do(tmp_path: Path) -> None:
    result = run_caseforge("build", cwd=tmp_path)
    assert result.returncode == 2 and "There is no mkdocs.yml here" in result.stderr


@pytest.mark.parametrize(("age", "band"), [
    ({"value": 62, "unit": "a"}, "60–69 years"),
    ({"value": 8, "unit": "mo"}, "under 1 year"),
    ({"value": 3, "unit": "a"}, "1–9 years"),
    ({"value": 90, "unit": "a", "comparator": ">="}, "90 years or older"),
    ({"value": 19, "unit": "a"}, "10–19 years"),
    ({"value": 40, "unit": "a", "comparator": ">"}, "over 40 years"),
    ({"value": 2, "unit": "a", "comparator": "<"}, "under 2 years"),
    ({"value": 0, "unit": "a", "comparator": ">="}, "age not given"),
])
def test_age_bands_of_the_index(age: dict[str, object], band: str) -> None:
    assert age_band(age) == band


ATTACKS = (
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "[x](javascript:window.__pwned=1)",
    '" onmouseover="window.__pwned=1',
    "<b onclick=window.__pwned=1>drug</b>",
)


def hostile_case() -> str:
    """The complete case with an attack in every kind of text field."""
    import yaml

    data = yaml.safe_load(COMPLETE_CASE)
    attack = " ".join(ATTACKS)
    data["title"] += f" a case report {attack}"
    data["keywords"].append(attack)
    data["abstract"]["case"] = attack
    data["introduction"] += " " + attack
    data["patient"]["main_concerns"][0]["text"] = attack
    data["patient"]["history"]["genetic"] = {"status": "not_applicable", "reason": attack}
    data["clinical_findings"][0]["result"] = attack
    data["timeline"][0]["summary"] = attack
    data["diagnostic_assessment"]["tests"][0]["name"] = attack
    data["diagnostic_assessment"]["tests"][0]["notes"] = attack
    data["diagnostic_assessment"]["differential_diagnoses"][0]["reasoning"] = attack
    data["interventions"][0].update(name=attack, route=attack, frequency=attack, notes=attack)
    data["interventions"][0]["changes"][0]["reason"] = attack
    data["follow_up"]["clinician_assessed"][0]["summary"] = attack
    data["follow_up"]["adverse_events"] = [{"name": attack, "grading_system": attack}]
    data["discussion"]["literature"] = f"{attack} [@hew2005]"
    data["references"][0]["citation"] = attack
    data["consent"]["statement"] = attack
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.handlers: list[tuple[str, str]] = []
        self.hrefs: list[str] = []
        self.in_script = False
        self.script_text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if name in ("href", "src", "xlink:href") and value:
                self.hrefs.append(value)

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.script_text.append(data)


def test_hostile_text_in_every_field_is_shown_never_run(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"hostile.yaml": hostile_case()})
    result = run_caseforge("build", "--strict", cwd=root)
    assert result.returncode == 0, result.stderr
    page = (root / "public" / "cases" / "hostile" / "index.html").read_text()
    found = _Scripts()
    found.feed(page)
    assert not found.handlers, found.handlers
    assert "img" not in found.tags and "iframe" not in found.tags
    assert not [href for href in found.hrefs if href.strip().lower().startswith(("javascript:", "data:", "vbscript:"))]
    assert "__pwned" not in "".join(found.script_text)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page, "the attack is shown as text"
    for path in (root / "public").rglob("*.html"):  # the index, the tags page, the search page
        elsewhere = _Scripts()
        elsewhere.feed(path.read_text())
        assert not elsewhere.handlers and "__pwned" not in "".join(elsewhere.script_text), path


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fetch(url: str, deadline: float, wanted: str) -> str:
    """The page at ``url`` once it contains ``wanted`` (the server rebuilds in the background)."""
    import time
    import urllib.request

    text = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                text = response.read().decode()
            if wanted in text:
                return text
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} never contained {wanted!r}; last seen: {text[:300]!r}")


def test_serve_shows_the_site_and_rebuilds_when_a_case_changes(tmp_path: Path) -> None:
    import os
    import time

    root = make_project(tmp_path)
    (root / "cases" / "marathon.yaml").write_text(COMPLETE_CASE)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "caseforge", "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        url = f"http://127.0.0.1:{port}/cases/marathon/"
        _fetch(url, time.monotonic() + 60, "Severe hyponatraemia after a marathon")
        (root / "cases" / "marathon.yaml").write_text(COMPLETE_CASE.replace("Severe hyponatraemia after a marathon", "Profound hyponatraemia after a marathon"))
        _fetch(url, time.monotonic() + 60, "Profound hyponatraemia after a marathon")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_no_setting_publishes_a_case_without_consent(tmp_path: Path) -> None:
    root = make_project(tmp_path, {
        "pending.yaml": COMPLETE_CASE.replace("  status: obtained\n  given_by: patient\n", "  status: pending\n"),
        "silenced.yaml": COMPLETE_CASE.replace("  status: obtained\n  given_by: patient\n", "  status: not_obtained\n"),
    })
    (root / "caseforge.toml").write_text('[severity]\nCF504 = "off"\nCF507 = "off"\n')
    result = run_caseforge("build", cwd=root)
    assert result.returncode == 0, result.stderr
    for slug in ("pending", "silenced"):
        assert not (root / "public" / "cases" / slug).exists(), slug
        assert f"cases/{slug}.yaml is not published: consent to publish is not recorded" in result.stderr


def test_a_bmj_case_reports_site_shows_ages_as_bands(tmp_path: Path) -> None:
    root = make_project(tmp_path / "bmj", {"marathon.yaml": COMPLETE_CASE})
    (root / "caseforge.toml").write_text('profile = "bmj-case-reports"\n')
    assert run_caseforge("build", cwd=root).returncode == 0
    page = (root / "public" / "cases" / "marathon" / "index.html").read_text()
    assert "30–39 years" in page and "34 years" not in page
    default = make_project(tmp_path / "care", {"marathon.yaml": COMPLETE_CASE})
    assert run_caseforge("build", cwd=default).returncode == 0
    assert "34 years" in (default / "public" / "cases" / "marathon" / "index.html").read_text()
