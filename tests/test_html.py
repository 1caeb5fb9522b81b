"""The HTML report: self-contained, strict CSP, every citation and reference anchored, hostile text escaped."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from html.parser import HTMLParser

import pytest

from refcheck.api import Config, check, check_paths
from refcheck.model import Match, Work
from refcheck.readers import read_text
from refcheck.render import RENDERERS
from refcheck.render.html import SCRIPT, doi_url, render_string, script_hash
from tests.conftest import ROOT, TODAY
from tests.test_background import _manuscript

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
]


@pytest.fixture(scope="module")
def review():
    report = check_paths([ROOT / "review.md"], Config(today=TODAY))
    return report, render_string(report)


def _ids(page: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', page))


def test_the_page_has_a_strict_csp_whose_script_hash_matches_the_inline_script(review):
    _, page = review
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    policy = csp.group(1)
    assert "default-src 'none'" in policy and "img-src data:" in policy
    assert f"script-src {script_hash()}" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert scripts == [SCRIPT]


def test_nothing_is_loaded_from_outside(review):
    _, page = review
    assert "<link" not in page
    assert not re.search(r"""\ssrc\s*=""", page)
    assert "@import" not in page and "url(" not in page


def test_one_anchor_per_reference_and_per_citation_each_pointing_at_a_reference(review):
    report, page = review
    manuscript = report.manuscripts[0]
    ref_ids = re.findall(r'<li id="(ref-[^"]+)"', page)
    assert sorted(ref_ids) == sorted(f"ref-{r.id}" for r in manuscript.references)
    cites = re.findall(r'<a class="cite status-(\w+)" href="#([^"]+)" id="(cite-[^"]+)"', page)
    assert sorted(c[2] for c in cites) == sorted(f"cite-{c.id}" for c in manuscript.citations)
    ids = _ids(page)
    for status, href, _ in cites:
        assert href in ids
        if status != "unlinked":
            assert href.startswith("ref-")
    assert len(ids) == len(re.findall(r'\sid="', page)), "ids are unique"


def test_every_internal_link_has_a_target(review):
    _, page = review
    ids = _ids(page)
    for target in re.findall(r'href="#([^"]*)"', page):
        assert target in ids, target


def test_the_findings_table_has_one_row_per_finding_with_rule_links(review):
    report, page = review
    table = page.split('<table class="findings">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr id=", table)
    assert len(rows) == len(report.findings) > 0
    for f in report.findings:
        assert f'href="https://github.com/refcheck-manuscript/refcheck/blob/main/docs/rules.md#{f.code.lower()}"' in table
    for label in ('type="checkbox" data-severity="error"', 'class="rule-filter"', '<label for="rule-filter">'):
        assert label in page
    assert "@media (max-width: 700px)" in page and "@media print" in page and "<main" in page


def test_the_summary_shows_metadata_counts_and_notes(review):
    report, page = review
    m = report.manuscripts[0]
    assert m.title and str(m.title) in page
    assert m.dates["accepted"] in page
    for note in report.notes:
        assert note in page
    counts = report.counts()
    assert f'<span class="sev sev-error">error</span> {counts["error"]}</li>' in page


def test_the_output_is_deterministic(review):
    report, page = review
    assert render_string(report) == page


def _hostile_manuscript() -> str:
    a, b, c = HOSTILE
    return (
        f"# {a}\n\n"
        f"Text {a} cites (Smith et al., 2019, {b}) and [@smith2019 {a}] and [@lee2021 {c}] and (Lee, 2021).\n\n"
        "## References\n\n"
        f"- Smith, J. (2019). Title {a} with {b}. Journal {c}, 1(2), 3-4. https://doi.org/10.1000/{b}\n"
        f"- Lee, K. (2021). {c} Another. J, 2, 5-6. doi:{c}\n"
        f"- Evil{b}, A. (2020). Title. J, 3, 7-8. https://doi.org/10.1000/x\"onclick=alert(1)\n"
    )


def _hostile_report():
    from dataclasses import replace

    a, b, c = HOSTILE
    report = check(read_text(_hostile_manuscript(), "evil.md"), Config(today=TODAY))
    m = report.manuscripts[0]
    texts = " ".join(cite.text for cite in m.citations)
    assert a in texts and b in texts and c in texts, "the hostile strings are inside citations"
    dois = [c, f"10.1000/{b}", '10.1000/x"onclick=alert(1)']
    references = tuple(replace(r, doi=dois[i % 3]) for i, r in enumerate(m.references))
    return replace(report, manuscripts=(replace(m, references=references, doi=f"javascript:{a}"),))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _assert_safe(page: str) -> None:
    """The hostile strings are only ever text: no tag, attribute or URL comes out of them."""
    assert "<script>alert" not in page
    assert not re.search(r"<[^>]*\son(error|click)\s*=", page, re.I)  # "onerror=" only inside escaped text
    assert 'href="javascript:' not in page.lower()
    assert "<img" not in page
    assert page.count("<script") == 1
    parser = _Tags()
    parser.feed(page)
    assert {tag for tag, _ in parser.tags} <= {"html", "head", "meta", "title", "style", "body", "a", "header", "p", "span",
                                               "section", "h1", "h2", "h3", "h4", "ul", "li", "main", "article", "dl", "dt",
                                               "dd", "div", "ol", "table", "caption", "thead", "tbody", "tr", "th", "td",
                                               "fieldset", "legend", "label", "input", "select", "option", "button", "br",
                                               "footer", "script", "mark"}
    for tag, attrs in parser.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            assert href.startswith(("#", "https://doi.org/10.", "https://github.com/refcheck-manuscript/")), href
            assert '"' not in href and "<" not in href and " " not in href


def test_every_file_of_a_project_is_shown_with_its_citations_and_findings_anchored(tmp_path):
    """A Manubot manuscript is several files read as one: each file's text is on the page under
    its name, every citation in it anchored, and a finding in a later file links to its line."""
    from tests.conftest import tree

    tree(tmp_path, {"content/metadata.yaml": "title: T\n", "content/01.intro.md": "# Intro\n\nAs shown [@doi:10.1000/a].\n",
                    "content/02.methods.md": "# Methods\n\nWe used [@tag:tool] and\n[@tag:undefined].\n",
                    "content/90.back.md": "[@tag:tool]: doi:10.1000/tool\n"})
    report = check_paths([tmp_path], Config(today=TODAY))
    page = render_string(report)
    manuscript = report.manuscripts[0]
    headings = re.findall(r'<h4 class="file" id="([^"]+)">([^<]+)</h4>', page)
    assert [name.rsplit("/", 1)[-1] for _, name in headings] == ["01.intro.md", "02.methods.md", "90.back.md"]
    assert "We used" in page and "As shown" in page
    cites = re.findall(r'id="(cite-[^"]+)"', page)
    assert sorted(cites) == sorted(f"cite-{c.id}" for c in manuscript.citations) and len(cites) == 3
    (undefined,) = [f for f in report.findings if f.rule == "undefined-citation-key"]
    assert undefined.span.path.endswith("02.methods.md") and undefined.span.line == 4
    rows = re.findall(r'<tr id="f\d+"[^>]*>.*?</tr>', page.split('<table class="findings">', 1)[1], re.S)
    (row,) = [r for r in rows if "undefined-citation-key" in r]
    target = re.search(r'href="#([^"]+)"', row).group(1)
    assert target in _ids(page) and target.startswith("cite-")
    for href in re.findall(r'href="#([^"]*)"', page):
        assert href in _ids(page), href
    assert len(_ids(page)) == len(re.findall(r'\sid="', page)), "ids are unique"


def test_hostile_text_in_citations_references_and_dois_is_escaped():
    page = render_string(_hostile_report())
    _assert_safe(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "javascript:alert(1)" in page  # shown, as text
    assert 'href="https://doi.org/10.1000/x%22onclick%3Dalert%281%29"' in page  # well-formed, so linked, URL-quoted


def test_hostile_crossref_records_are_escaped():
    from dataclasses import replace

    report = _hostile_report()
    m = report.manuscripts[0]
    a, b, c = HOSTILE
    work = Work(doi=f"10.1000/{b}", title=f"{a}", authors=(), year="2019", container_title=c, volume=b)
    matches = tuple(Match(r.id, "mismatch", work, (("title", r.title or "", a), ("volume", "1", b)), evidence=b, via="doi")
                    for r in m.references)
    report = replace(report, manuscripts=(replace(m, matches=matches, crossref_consulted=True),))
    page = render_string(report)
    _assert_safe(page)
    assert 'class="differs"' in page and "mismatch" in page


def test_a_citation_context_finding_shows_both_phrases_with_the_differing_words_marked(review):
    _, page = review
    assert "human <mark>adipose</mark> mesenchymal stem cells" in page
    assert "Human <mark>amniotic</mark> mesenchymal stem cells" in page


def test_hostile_text_in_the_two_phrases_stays_text(review):
    from dataclasses import replace

    from refcheck.model import Contrast

    a, b, c = HOSTILE
    report, _ = review
    said, cited = f"{a} mice {b}", f"{c} rats {a}"
    contrast = Contrast(said, cited, ((len(a) + 1, len(a) + 5),), ((len(c) + 1, len(c) + 5),))
    findings = tuple(replace(f, contrast=contrast) if f.rule == "citation-context" else f for f in report.findings)
    page = render_string(replace(report, findings=findings))
    _assert_safe(page)
    assert "<mark>mice</mark>" in page and "<mark>rats</mark>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>mice</mark> &#34;&gt;&lt;img" in page


@pytest.mark.parametrize("doi", ["javascript:alert(1)", '10.1000/x"><script>', "10.1/x", "", None, "10.1000/ok(1)"])
def test_doi_links_are_only_built_from_well_formed_dois(doi):
    url = doi_url(doi)
    if doi == "10.1000/ok(1)":
        assert url == "https://doi.org/10.1000/ok%281%29"
    elif doi == '10.1000/x"><script>':
        assert url == "https://doi.org/10.1000/x%22%3E%3Cscript%3E"  # well-formed by the pattern, so URL-quoted
    else:
        assert url is None


def test_a_2000_reference_manuscript_renders_quickly_and_small():
    report = check(read_text(_manuscript(2000), "big.md"), Config(today=TODAY))
    started = time.perf_counter()
    page = render_string(report)
    elapsed = time.perf_counter() - started
    size = len(page.encode("utf-8"))
    print(f"\n2,000 references: {size:,} bytes in {elapsed:.2f} s ({len(report.findings)} findings)")
    assert size < 5_000_000
    assert len(re.findall(r'<li id="ref-', page)) == len(report.manuscripts[0].references)
    assert len(re.findall(r'id="cite-', page)) == len(report.manuscripts[0].citations)


def test_the_renderer_is_registered():
    assert "html" in RENDERERS


def test_the_command_line_writes_the_page(tmp_path):
    out = tmp_path / "report.html"
    result = subprocess.run(
        [sys.executable, "-m", "refcheck", "review.md", "--offline", "--format", "html", "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 1, result.stderr  # review.md has errors
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'id="ref-r1"' in page
