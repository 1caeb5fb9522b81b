"""The Markdown reader: where the reference list is, how it splits, and the document's metadata."""

from __future__ import annotations

import pytest

from refcheck.readers import read_text

BODY = "Cells divide (Smith, 2019).\n\n"


@pytest.mark.parametrize(
    "heading",
    ["## References", "# Bibliography", "References:", "**References**", "**References:**", "Literature cited", "WORKS CITED", "### 5. References",
     # the languages of the literature
     "## Referências", "## REFERÊNCIAS BIBLIOGRÁFICAS", "## Referencias", "# Bibliografía", "## Références",
     "## Literaturverzeichnis", "**Riferimenti bibliografici**"],
)
def test_reference_section_headings(heading):
    m = read_text(f"{BODY}{heading}\n\n- Smith J. 2019. A title. J 1:1.\n")
    assert [r.first_author for r in m.references] == ["Smith"]
    assert m.reference_section is not None


def test_the_word_references_in_prose_is_not_a_heading():
    m = read_text("These references are old (Smith, 2019).\n\nNo list here.\n")
    assert m.reference_section is None and m.references == ()


def test_the_last_reference_heading_wins_and_a_later_heading_ends_it():
    md = "## References in the literature\n\nText (Smith, 2019).\n\n## References\n\n- Smith J. 2019. A title. J 1:1.\n\n## Appendix\n\nMore text (Lee, 2020).\n"
    m = read_text(md)
    assert [r.first_author for r in m.references] == ["Smith"]


@pytest.mark.parametrize("label", ["1.", "[1]", "1)"])
def test_numbered_entries(label):
    second = label.replace("1", "2")
    m = read_text(f"Text [1], [2].\n\n## References\n\n{label} Smith J. A title. J. 2019;1:1.\n{second} Lee K. B title. J. 2018;2:2.\n")
    assert [(r.label, r.first_author) for r in m.references] == [("1", "Smith"), ("2", "Lee")]


def test_entries_wrapped_over_lines_are_one_entry():
    md = "Text [1], [2].\n\n## References\n\n1. Smith J, Lee K, Wu H.\n   A long title that wraps. J. 2019;1:1.\n2. Lee K. B title. J. 2018;2:2.\n"
    m = read_text(md)
    assert len(m.references) == 2
    assert m.references[0].raw.endswith("J. 2019;1:1.")


def test_unnumbered_one_entry_per_paragraph_or_line():
    md = "Text.\n\n## References\n\nSmith, J. (2019). A title. J, 1, 1.\nLee, K. (2018). B title. J, 2, 2.\n\nWu, H. (2017). C title\nwrapped onto a second line. J, 3, 3.\n"
    m = read_text(md)
    assert [r.first_author for r in m.references] == ["Smith", "Lee", "Wu"]


def test_reference_spans_slice_back_to_their_raw_text():
    md = "Text [1].\n\n## References\n\n1. **Smith, J. (2019).** A title. *J*, 1, 1.\n"
    m = read_text(md)
    (ref,) = m.references
    assert md[ref.span.start : ref.span.end] == ref.raw == "**Smith, J. (2019).** A title. *J*, 1, 1."


def test_yaml_front_matter_is_not_prose():
    md = "---\ntitle: A study (Smith, 2019)\ndate: 2020-01-01\n---\n\nText (Lee, 2020).\n\n## References\n\n- Lee K. 2020. A title. J 1:1.\n"
    m = read_text(md)
    assert [c.items[0].authors for c in m.citations] == [("Lee",)]
    assert m.title == "A study (Smith, 2019)"


@pytest.mark.parametrize(
    "line, event, iso",
    [
        ("Received: 19.06.2023", "received", "2023-06-19"),
        ("Revised:03.07.2023", "revised", "2023-07-03"),
        ("Accepted 14 July 2023", "accepted", "2023-07-14"),
        ("Published online: 2023-07-14", "published", "2023-07-14"),
        ("Accepted: July 14, 2023", "accepted", "2023-07-14"),
        ("**Received** 3 Sept. 2021", "received", "2021-09-03"),
    ],
)
def test_dates(line, event, iso):
    assert read_text(f"# Title\n\n{line}\n\nText.\n").dates[event] == iso


def test_impossible_dates_are_ignored():
    assert read_text("Received: 31.02.2023\n\nText.\n").dates["received"] is None


def test_the_epoch_a_template_prints_for_no_date_is_no_date():
    # a JOSS draft's side panel: "Submitted: 01 January 1970", "Published: unpublished"
    m = read_text("# Title\n\nSubmitted: 01 January 1970\nPublished: 01 January 1970\n\nText (Smith, 2019).\n")
    assert m.dates["published"] is None


def test_doi_and_title():
    m = read_text("# Conditioned media\n\nDOI: 10.53555/ecb/2023.12.1154\n\nText.\n")
    assert m.title == "Conditioned media" and m.doi == "10.53555/ecb/2023.12.1154"


@pytest.mark.timeout(60)  # a hang guard: this input looped forever (found by hypothesis under load)
def test_a_carriage_return_inside_math_is_passed_over():
    from refcheck.readers.markdown import pandoc_mask

    masked, _ = pandoc_mask("See $a\rb$ and $c \r\r d$ then [@k].")
    assert masked.endswith("[@k].") and masked[4:10] == " " * 6  # "$a\rb$" is math
    assert [c.text for c in read_text("See $a\rb$ [@k].\n").citations] == ["[@k]"]
