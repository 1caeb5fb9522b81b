"""The acceptance list of ../shared/acceptance/review.md, as tests: exactly these findings offline."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from refcheck.api import Config, check_paths
from tests.conftest import ROOT, SHARED, TODAY


@pytest.fixture(scope="module")
def report(review_path):
    return check_paths([review_path], Config(today=TODAY))


@pytest.fixture(scope="module")
def manuscript(report):
    return report.manuscripts[0]


def test_review_md_is_the_shared_sample_byte_for_byte():
    sample = SHARED / "samples" / "review.md"
    if not sample.exists():
        pytest.skip("shared/ not present")
    assert (ROOT / "review.md").read_bytes() == sample.read_bytes()


def test_metadata(manuscript):
    assert manuscript.doi == "10.53555/ecb/2023.12.1154"
    assert manuscript.dates == {"received": "2023-06-19", "revised": "2023-07-03", "accepted": "2023-07-14", "published": None}


EXPECTED_LINKS = [
    (39, "Gunawardena et al., 2019", "1"), (43, "Gnecchi and Melo, 2009", "2"), (43, "Sandhaanam et al., 2013", "3"),
    (47, "Alvites et al., 2022", "4"), (51, "Ntege et al., 2020", "5"), (55, "Kumar et al., 2019", "7"),
    (59, "Heidari et al., 2018", "9"), (61, "Sendon-Lago et al., 2021", "10"), (65, "SMOLINSKÁ et al., 2023", "11"),
    (67, "Noverina et al., 2019", "12"), (71, "Yu et al., 2021", "13"), (73, "Rajan et al., 2016", "14"),
    (75, "Li et al., 2015", "15"), (77, "Seetharaman et al., 2019", "15"), (79, "Nazemian et al., 2018", "16"),
    (83, "Shen et al., 2015", "17"), (85, "Ra et al. 2021", "18"), (89, "Tan et al., (2021)", "19"),
    (91, "Karimi et al., 2024", "20"), (97, "Ma et al., 2021", "21"), (99, "liu et al., 2018", "22"),
    (101, "Choi et al., 2024", "23"), (103, "Lee et al., 2021", "24"),
]


def test_every_citation_links_to_exactly_one_entry(manuscript):
    refs = {r.id: r for r in manuscript.references}
    items = {(c.id, i): item for c in manuscript.citations for i, item in enumerate(c.items)}
    got = []
    for link in manuscript.links:
        item = items[(link.citation, link.item)]
        assert len(link.references) == 1, item.text
        got.append((item.span.line, item.text, refs[link.references[0]].label))
    assert got == EXPECTED_LINKS


def test_the_two_entries_numbered_15_are_told_apart(manuscript):
    refs = {r.id: r for r in manuscript.references}
    by_line = {}
    for link in manuscript.links:
        item = manuscript.citations[int(link.citation[1:]) - 1].items[link.item]
        by_line[item.span.line] = refs[link.references[0]].span.line
    assert by_line[75] == 128 and by_line[77] == 130


EXPECTED_FINDINGS = [
    ("inconsistent-citation-format", 85),
    ("malformed-citation", 89),
    ("citation-context", 89),
    ("citation-after-manuscript-date", 91),
    ("citation-author-mismatch", 99),
    ("citation-after-manuscript-date", 101),
    ("merged-references", 115),
    ("reference-never-cited", 119),
    ("incomplete-reference", 121),
    ("duplicate-reference-number", 130),
]


def test_exactly_the_accepted_findings(report):
    assert [(f.rule, f.span.line) for f in report.findings] == EXPECTED_FINDINGS


@pytest.mark.parametrize(
    "rule, line, fragments",
    [
        ("duplicate-reference-number", 130, ["15", "twice", "line 128"]),
        ("incomplete-reference", 121, ["entry 8", "no authors and no year", "fragment"]),
        ("reference-never-cited", 119, ["entry 6", "Chang", "2021", "never cited"]),
        ("merged-references", 115, ["entry 3", "Sandhaanam", "2013", "Song", "2020", "never cited"]),
        ("citation-after-manuscript-date", 91, ["Karimi", "2024", "2023-07-14"]),
        ("citation-after-manuscript-date", 101, ["Choi", "2024", "2023-07-14"]),
        ("malformed-citation", 89, ["Tan et al., (2021)", "Tan et al. (2021)"]),
        ("inconsistent-citation-format", 85, ["Ra et al. 2021", "comma"]),
        ("citation-author-mismatch", 99, ["liu", "Liu", "case"]),
        ("citation-context", 89, ["Tan et al., (2021)", '"human adipose mesenchymal stem cells"',
                                  '"Human amniotic mesenchymal stem cells"', "entry 19"]),
    ],
)
def test_messages_make_the_problem_clear(report, rule, line, fragments):
    (finding,) = [f for f in report.findings if f.rule == rule and f.span.line == line]
    for fragment in fragments:
        assert fragment in finding.message


def test_case_only_author_difference_is_info(report):
    (finding,) = [f for f in report.findings if f.rule == "citation-author-mismatch"]
    assert str(finding.severity) == "info"


def test_malformed_citation_offers_the_corrected_form(report):
    (finding,) = [f for f in report.findings if f.rule == "malformed-citation"]
    assert finding.fix.replacement == "Tan et al. (2021)"


def test_nothing_on_gene_names_dates_doi_and_contact_lines(manuscript):
    for citation in manuscript.citations:
        assert not any(word in citation.text for word in ("TNF", "IL-6", "NF-", "Bcl2", "caspase", "CFA", "GFR", "19.06", "10.53555", "@"))
    assert len(manuscript.citations) == 23


def test_cli_exit_code_and_json_contract():
    result = subprocess.run(
        [sys.executable, "-m", "refcheck", "review.md", "--offline", "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["schema_version"] == "1.5"
    assert data["manuscript"]["dates"]["accepted"] == "2023-07-14"
    assert [(f["rule"], f["span"]["line"]) for f in data["findings"]] == EXPECTED_FINDINGS
    text = (ROOT / "review.md").read_text(encoding="utf-8")
    for citation in data["citations"]:
        assert text[citation["span"]["start"] : citation["span"]["end"]] == citation["text"]
