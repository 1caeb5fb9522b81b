"""The YAML front matter of a Markdown manuscript, as pandoc reads it: date, bibliography,
inline references and nocite."""

from __future__ import annotations

import pytest

from refcheck.readers import read_text
from tests.conftest import lint, rules_of, run

REFERENCES = """references:
- id: smith2019
  type: article-journal
  author:
  - family: Smith
    given: Jane
  issued:
    date-parts: [[2019, 3]]
  title: A study
  container-title: J Stud
- id: lee2021
  author: [{family: Lee, given: K}]
  issued: 2021
  title: Later work
- id: cox2018
  author: [{family: Cox}]
  issued: 2018
  title: Older work
"""


def paper(front: str, body: str = "Known [@smith2019].") -> str:
    return f"---\ntitle: A paper\n{front}---\n\n{body}\n"


@pytest.mark.parametrize(
    "written, iso",
    [
        ("2020-02-27", "2020-02-27"),
        ("2020-02-27T10:00:00Z", "2020-02-27"),
        ("'27 February 2020'", "2020-02-27"),
        ("February 27, 2020", "2020-02-27"),
        ("February 2020", "2020-02-29"),  # a month alone: its last day
        ("2020", "2020-12-31"),
    ],
)
def test_the_date_in_the_forms_people_write(written, iso):
    md = paper(f"date: {written}\n{REFERENCES}")
    assert read_text(md).dates["date"] == iso
    assert "manuscript-date-unknown" not in rules_of(md)


def test_without_a_date_the_chronology_is_unknown():
    assert "manuscript-date-unknown" in rules_of(paper(REFERENCES))


def test_a_work_dated_after_the_front_matter_date_is_information():
    """The front matter's date is the draft's own (often its submission date): a later work is
    worth a note (update the date), not a warning as against an accepted date."""
    md = paper(f"date: February 2020\n{REFERENCES}", "Known [@smith2019; @lee2021] and [@cox2018].")
    assert lint(md) == [("citation-after-manuscript-date", 24)]  # lee2021 only: 2019 and 2018 are not later
    (finding,) = run(md).findings
    assert str(finding.severity) == "info" and "update the date" in finding.message


def test_a_month_alone_is_read_conservatively():
    """2020-02 is taken at its end: a work of 2020 is not "after" it."""
    md = paper("date: February 2020\nreferences:\n- id: a\n  author: [{family: Ames}]\n  issued: 2020\n  title: T\n", "Known [@a].")
    assert "citation-after-manuscript-date" not in rules_of(md)


@pytest.mark.parametrize(
    "front, files",
    [
        ("bibliography: refs.bib\n", ("refs.bib",)),
        ("bibliography: [a.bib, 'b.bib']\n", ("a.bib", "b.bib")),
        ("bibliography:\n  - a.bib\n  - b.bib\n", ("a.bib", "b.bib")),
    ],
)
def test_bibliography_as_a_string_or_a_list(front, files):
    assert read_text(paper(front)).bib_files == files


def test_inline_references_are_bib_entries_keyed_by_their_id():
    md = paper(REFERENCES, "Known [@smith2019; @lee2021] and [@cox2018], not [@nobody].")
    m = read_text(md)
    assert [(e.key, e.first_author, e.year) for e in m.bib] == [("smith2019", "Smith", "2019"), ("lee2021", "Lee", "2021"), ("cox2018", "Cox", "2018")]
    assert [md[e.span.start : e.span.end] for e in m.bib][0] == "- id: smith2019"
    assert lint(md) == [("manuscript-date-unknown", 1), ("undefined-citation-key", 23)]


def test_an_inline_reference_never_cited_is_unused():
    assert ("unused-bib-entry", 13) in lint(paper(REFERENCES))


@pytest.mark.parametrize("nocite", ["'@lee2021, @cox2018'", "|\n  @lee2021\n  @cox2018", "'@*'"])
def test_nocite_entries_count_as_cited(nocite):
    md = paper(f"nocite: {nocite}\n{REFERENCES}")
    assert "unused-bib-entry" not in rules_of(md)


def test_nocite_is_not_a_citation_in_the_text():
    m = read_text(paper(f"nocite: '@lee2021'\n{REFERENCES}"))
    assert [(c.form, [i.key for i in c.items]) for c in m.citations] == [(frozenset({"nocite"}), ["lee2021"]), (frozenset(), ["smith2019"])]


def test_keys_in_the_front_matters_text_are_citations_as_pandoc_reads_them():
    """pandoc reads every metadata string as Markdown: an abstract's keys are citations (checked
    against pandoc 2.17); a field whose name ends in "_" is ignored, an e-mail address is no key,
    and a line indented four spaces past the block's own indentation is a code block."""
    m = read_text(paper("abstract: |\n  As @smith2019 showed\n  [@lee2021; @cox2018, p. 3].\n\n      Indented, code: @x.\n"
                        "author:\n  - name: A\n    email: a@b.org\nnote_: '@hidden'\n", "Text."))
    keys = [(c.narrative, [i.key for i in c.items], c.span.line) for c in m.citations]
    assert keys == [(True, ["smith2019"], 4), (False, ["lee2021", "cox2018"], 5)]
    assert [i.text for c in m.citations for i in c.items][:2] == ["@smith2019", "@lee2021"]


def test_front_matter_that_is_not_yaml_still_names_its_bibliography():
    md = "---\ntitle: [unclosed\nbibliography: refs.bib\n---\n\nKnown [@a].\n"
    assert read_text(md).bib_files == ("refs.bib",)
