"""The DOCX reader: a Word manuscript is checked exactly like its Markdown rendering, its
reference manager's records are compared with the printed list, and hostile files are refused.

Documents are built in the tests (tests/docx_builder.py) with python-docx, raw
WordprocessingML for fields, notes and tracked changes, and hand-made ZIPs for the hostile
ones; corpus articles (CC BY, ../shared/corpus/jats) supply real text.
"""

from __future__ import annotations

import base64
import json

import pytest

pytest.importorskip("docx", reason="python-docx builds the test documents (the test extra)")

from refcheck.api import check  # noqa: E402
from refcheck.readers import READERS, load, read_text  # noqa: E402
from refcheck.readers.docx import MAX_PACKAGE_BYTES, read_bytes  # noqa: E402
from tests.conftest import SHARED  # noqa: E402
from tests.docx_builder import (  # noqa: E402
    BILLION_LAUGHS,
    Document,
    Xml,
    deleted,
    encrypted,
    endnote,
    endnote_record,
    field,
    from_markdown,
    inserted,
    replace_member,
    run,
    without_member,
    zip_bomb,
    zip_bytes,
    zotero,
)
from tests.timing import Stopwatch  # noqa: E402

CORPUS = SHARED / "corpus" / "jats"
needs_corpus = pytest.mark.skipif(not (CORPUS / "md").is_dir(), reason="the shared corpus is not available")

SMITH = {"id": 1, "type": "article-journal", "author": [{"family": "Smith", "given": "John"}, {"family": "Brown", "given": "Kate"}],
         "issued": {"date-parts": [[2010, 5]]}, "title": "Cell division in yeast", "container-title": "Journal of Cells",
         "volume": "3", "issue": "2", "page": "1-10", "DOI": "https://doi.org/10.1000/cells.3"}
LEE = {"id": 2, "type": "book", "author": [{"family": "Lee", "given": "Ann"}], "issued": {"date-parts": [["2015"]]},
       "title": "More on division", "publisher": "Cell Press"}
REFERENCES = ["Lee, A. (2015). More on division. Cell Press.",
              "Smith, J., & Brown, K. (2010). Cell division in yeast. Journal of Cells, 3(2), 1-10."]


def links(manuscript) -> list[tuple[str, tuple[str, ...]]]:
    """(citation text, raw text of each linked reference) for every link, in document order."""
    linked = check(manuscript).manuscripts[0]
    citations = {c.id: c for c in linked.citations}
    references = {r.id: r for r in linked.references}
    return [(citations[l.citation].text, tuple(references[r].raw for r in l.references if r in references))
            for l in linked.links]


def article(name: str) -> str:
    return (CORPUS / "md" / f"{name}.md").read_text(encoding="utf-8")


def gold(name: str) -> dict:
    return json.loads((CORPUS / "gold" / f"{name}.json").read_text(encoding="utf-8"))


def small_document(*body, references=REFERENCES) -> Document:
    doc = Document()
    doc.heading("A small study", 0)
    doc.paragraph(*body)
    doc.heading("References", 1)
    for entry in references:
        doc.paragraph(entry)
    return doc


def read(doc: Document, path: str = "paper.docx"):
    manuscript = read_bytes(path, doc.save())
    assert not manuscript.problems, manuscript.problems
    return manuscript


def refused(data: bytes, path: str = "paper.docx") -> str:
    """The one unreadable-input message for these bytes, which must come quickly."""
    with Stopwatch() as watch:
        manuscript = read_bytes(path, data)
    watch.assert_within(2.0, "refusing")  # reference seconds (tests/timing.py): nothing decompressed or parsed at length
    assert [p.rule for p in manuscript.problems] == ["unreadable-input"], manuscript.problems
    assert not manuscript.citations and not manuscript.references
    message = manuscript.problems[0].message
    assert message.startswith(path + " ")
    return message


# --- the same links as the Markdown rendering ------------------------------------------------


@needs_corpus
@pytest.mark.parametrize("name", ["elife-00005", "cstp-77", "plos-pgen.1003316", "f1000-8-978-v1"])
def test_a_corpus_article_as_docx_gives_the_same_links_as_its_markdown(name):
    """Author-year (eLife, Citizen Science) and numeric (brackets in PLoS Genetics, superscripts
    in F1000): every (citation, linked entry) pair is the same, in the same order."""
    md = article(name)
    expected = links(read_text(md, f"{name}.md"))
    assert len(expected) > 40
    assert links(read(from_markdown(md), f"{name}.docx")) == expected


@needs_corpus
def test_word_numbered_reference_list_gets_its_labels_written_out():
    """A reference list in Word's "List Number" style has no typed numbers; the reader writes
    them as Word shows them, so [1]-style citations still link."""
    md = article("plos-pgen.1003316")
    manuscript = read(from_markdown(md, numbered_list=True))
    assert "\n- 1. El-Sibai M, Platt DE" in manuscript.source.text
    assert [r.label for r in manuscript.references[:3]] == ["1", "2", "3"]
    assert links(manuscript) == links(read_text(md, "paper.md"))


@needs_corpus
def test_zotero_fields_change_no_link_and_their_items_become_bib_entries():
    name = "elife-00005"
    md, truth = article(name), gold(name)
    manuscript = read(from_markdown(md, gold=truth))
    assert links(manuscript) == links(read_text(md, "paper.md"))
    cited = {r for c in truth["citations"] for r in (*c["rids"], *c["implied_rids"])}
    assert len(manuscript.bib) == len(cited) == 46
    assert all(b.key.startswith("http://zotero.org/users/1/items/") for b in manuscript.bib)
    assert [b.id for b in manuscript.bib[:3]] == ["b1", "b2", "b3"]
    # each entry points at the citation that first cites it
    first = manuscript.bib[0]
    assert first.authors[0].family == "Schuettengruber" and first.year == "2007" and first.type == "article"
    assert manuscript.source.text[first.span.start : first.span.end] == "(Schuettengruber et al., 2007)"
    # the field instructions (the JSON) never reach the text
    assert "ADDIN" not in manuscript.source.text and "citationItems" not in manuscript.source.text
    # the records agree with the printed list: nothing for RC605 to report
    assert not [f for f in check(manuscript).findings if f.rule == "bib-list-disagreement"]


@needs_corpus
def test_mendeley_fields_on_a_numeric_article():
    name = "plos-pgen.1003316"
    md = article(name)
    manuscript = read(from_markdown(md, gold=gold(name), mendeley=True))
    assert links(manuscript) == links(read_text(md, "paper.md"))
    assert len(manuscript.bib) == 33
    assert manuscript.bib[0].key.startswith("http://www.mendeley.com/documents/?uuid=")
    assert manuscript.bib[0].authors[0].family == "El-Sibai"


def test_reference_manager_record_that_disagrees_with_the_printed_list_is_reported():
    """The record says volume 3; the printed list says volume 4: RC605 reports the entry."""
    doc = small_document("Cells divide ", zotero("(Smith & Brown, 2010)", [SMITH]), ".",
                         references=[REFERENCES[0], REFERENCES[1].replace("3(2)", "4(2)")])
    manuscript = read(doc)
    (entry,) = manuscript.bib
    assert (entry.key, entry.volume, entry.issue, entry.page, entry.doi) == (
        "http://zotero.org/users/1/items/ITEM1", "3", "2", "1-10", "10.1000/cells.3")
    assert entry.authors[1].family == "Brown" and entry.container_title == "Journal of Cells"
    (finding,) = [f for f in check(manuscript).findings if f.rule == "bib-list-disagreement"]
    assert "volume printed '4'" in finding.message and "'3'" in finding.message
    assert "paper.docx:2" in finding.message  # where the record is: the citation's paragraph


def test_a_record_with_the_printed_volume_is_not_reported():
    manuscript = read(small_document("Cells divide ", zotero("(Smith & Brown, 2010)", [SMITH]), "."))
    assert not [f for f in check(manuscript).findings if f.rule == "bib-list-disagreement"]


def test_csl_names_dates_and_types():
    item = {"id": 7, "type": "chapter", "author": [{"family": "Berg", "given": "Jan", "non-dropping-particle": "van den"},
                                                   {"literal": "World Health Organization"}],
            "issued": {"raw": "Spring 1999"}, "title": "A chapter", "container-title": "A book", "page": "5-9"}
    (entry,) = read(small_document("As shown ", zotero("(van den Berg & WHO, 1999)", [item]))).bib
    assert [(n.family, n.given) for n in entry.authors] == [("van den Berg", "Jan"), ("World Health Organization", "")]
    assert (entry.year, entry.type, entry.fields) == ("1999", "incollection", ("author", "title", "year", "booktitle", "pages"))


def test_an_item_cited_twice_is_one_bib_entry_at_its_first_citation():
    doc = small_document("First ", zotero("(Smith & Brown, 2010)", [SMITH]), ", then ",
                         zotero("(Lee, 2015; Smith & Brown, 2010)", [LEE, SMITH]), ".")
    manuscript = read(doc)
    assert [(b.id, b.authors[0].family, b.span.column) for b in manuscript.bib] == [("b1", "Smith", 7), ("b2", "Lee", 35)]


def test_endnote_field_with_its_record_inline():
    record = endnote_record(12, ["Smith, John", "Brown, Kate"], "2010", "Cell division in yeast", "Journal of Cells",
                            volume="3", pages="1-10", doi="10.1000/cells.3")
    manuscript = read(small_document("Cells divide ", endnote("(Smith & Brown, 2010)", [record]), "."))
    (entry,) = manuscript.bib
    assert (entry.key, entry.title, entry.container_title, entry.volume, entry.page, entry.doi, entry.type) == (
        "12", "Cell division in yeast", "Journal of Cells", "3", "1-10", "10.1000/cells.3", "article")
    assert [(n.family, n.given) for n in entry.authors] == [("Smith", "John"), ("Brown", "Kate")]
    assert "EN.CITE" not in manuscript.source.text and "<EndNote>" not in manuscript.source.text
    assert [c.text for c in manuscript.citations] == ["(Smith & Brown, 2010)"]


def test_endnote_field_with_its_record_in_base64_field_data():
    """Long EndNote records are stored base64-encoded in w:fldData, inside a nested EN.CITE.DATA field."""
    record = endnote_record(7, ["Lee, Ann"], "2015", "More on division", "Cell Press")
    manuscript = read(small_document("As ", endnote("Lee (2015)", [record], as_data=True), " says."))
    assert [(b.key, b.authors[0].family, b.year) for b in manuscript.bib] == [("7", "Lee", "2015")]
    assert manuscript.source.text.splitlines()[1] == "As Lee (2015) says."


def test_unreadable_field_data_is_a_note_and_the_printed_citation_still_counts():
    broken = field(' ADDIN ZOTERO_ITEM CSL_CITATION {"citationItems": [', "(Lee, 2015)")
    manuscript = read(small_document("Cells divide ", broken, "."))
    assert manuscript.bib == ()
    assert any("could not be read" in note for note in manuscript.notes)
    assert links(manuscript) == [("(Lee, 2015)", (REFERENCES[0],))]


def test_zotero_bibliography_without_a_heading_is_still_the_reference_list():
    doc = Document()
    doc.paragraph("Cells divide ", zotero("(Smith & Brown, 2010)", [SMITH]), ".")
    doc.bibliography(REFERENCES)
    manuscript = read(doc)
    assert manuscript.source.text.splitlines() == ["Cells divide (Smith & Brown, 2010).", "# References",
                                                   "- " + REFERENCES[0], "- " + REFERENCES[1]]
    assert len(manuscript.references) == 2
    assert links(manuscript) == [("(Smith & Brown, 2010)", (REFERENCES[1],))]


# --- footnotes and endnotes ------------------------------------------------------------------


def test_footnote_citations_are_found_in_their_own_source_line_by_note():
    doc = Document()
    doc.heading("A small study", 0)
    doc.paragraph("Cells divide", doc.footnote("This was first seen by Lee (2015)."), " quickly (Smith & Brown, 2010).")
    doc.paragraph("Again", doc.footnote("Not cited here."), " and again", doc.footnote("See ", zotero("Lee (2015)", [LEE]), "."), ".")
    doc.heading("References", 1)
    for entry in REFERENCES:
        doc.paragraph(entry)
    manuscript = read(doc)
    assert manuscript.source.text.splitlines()[1] == "Cells divide[^1] quickly (Smith & Brown, 2010)."
    (notes,) = manuscript.sources
    assert notes.path == "paper.docx#footnotes"
    assert notes.text.splitlines() == ["[^1]  This was first seen by Lee (2015).", "[^2]  Not cited here.", "[^3]  See Lee (2015)."]
    # in reading order: the note's citation where its mark is, before the rest of the sentence
    assert [(c.id, c.text, c.span.path, c.span.line) for c in manuscript.citations] == [
        ("c1", "Lee (2015)", "paper.docx#footnotes", 1),
        ("c2", "(Smith & Brown, 2010)", "paper.docx", 2),
        ("c3", "Lee (2015)", "paper.docx#footnotes", 3),
    ]
    assert links(manuscript) == [("Lee (2015)", (REFERENCES[0],)), ("(Smith & Brown, 2010)", (REFERENCES[1],)),
                                 ("Lee (2015)", (REFERENCES[0],))]
    # the Zotero item in footnote 3 is located there
    (entry,) = manuscript.bib
    assert (entry.span.path, entry.span.line) == ("paper.docx#footnotes", 3)
    # nothing reports the notes as uncited or unresolved
    assert not [f for f in check(manuscript).findings if f.rule in ("citation-without-reference", "reference-never-cited")]


def test_endnotes_are_numbered_as_word_numbers_them():
    doc = Document()
    doc.paragraph("Cells divide", doc.endnote("As Smith & Brown (2010) showed."), ".")
    doc.paragraph("And more", doc.endnote("Lee (2015)."), ".")
    doc.heading("References", 1)
    for entry in REFERENCES:
        doc.paragraph(entry)
    manuscript = read(doc)
    assert manuscript.source.text.splitlines()[:2] == ["Cells divide[^i].", "And more[^ii]."]
    (notes,) = manuscript.sources
    assert (notes.path, notes.text.splitlines()[1]) == ("paper.docx#endnotes", "[^ii]  Lee (2015).")
    assert [(c.text, c.span.line) for c in manuscript.citations] == [("Smith & Brown (2010)", 1), ("Lee (2015)", 2)]


def test_a_damaged_notes_part_loses_the_notes_not_the_document():
    doc = Document()
    doc.paragraph("Cells divide", doc.footnote("Lee (2015)."), " (Smith & Brown, 2010).")
    data = replace_member(doc.save(), "word/footnotes.xml", b"<w:footnotes><broken")
    manuscript = read_bytes("paper.docx", data)
    assert not manuscript.problems
    assert [c.text for c in manuscript.citations] == ["(Smith & Brown, 2010)"]
    assert any("footnotes" in note and "could not be read" in note for note in manuscript.notes)


# --- what the text is -------------------------------------------------------------------------


def test_one_line_per_paragraph_with_headings_marked_and_tables_in_order():
    doc = Document()
    doc.heading("A small study", 0)
    doc.heading("Methods", 1)
    doc.paragraph("")
    doc.table([["Strain", "Source"], ["W303", "Smith & Brown (2010)"]])
    doc.heading("References", 1)
    for entry in REFERENCES:
        doc.paragraph(entry)
    manuscript = read(doc)
    assert manuscript.source.text.splitlines() == [
        "# A small study", "# Methods", "", "Strain", "Source", "W303", "Smith & Brown (2010)", "# References",
        "- " + REFERENCES[0], "- " + REFERENCES[1]]
    (citation,) = manuscript.citations
    assert (citation.span.line, citation.span.column) == (7, 1)
    assert manuscript.title == "A small study"
    assert [r.span.line for r in manuscript.references] == [9, 10]


def test_superscript_runs_are_numeric_citations_and_exponents_are_not():
    doc = Document()
    doc.paragraph("Cells divide", run("1,2", sup=True), " at 10", run("5", sup=True), " cells per ml.")
    doc.heading("References", 1)
    doc.paragraph("1. Smith J, Brown K. Cell division in yeast. J Cells. 2010;3:1-10.")
    doc.paragraph("2. Lee A. More on division. Cell Press; 2015.")
    manuscript = read(doc)
    assert manuscript.source.text.splitlines()[0] == "Cells divide<sup>1,2</sup> at 10<sup>5</sup> cells per ml."
    assert [(c.text, c.style) for c in manuscript.citations] == [("<sup>1,2</sup>", "numeric")]
    assert [l.references for l in check(manuscript).manuscripts[0].links] == [("r1",), ("r2",)]


def test_superscript_zotero_citation_in_a_numeric_document():
    doc = Document()
    doc.paragraph("Cells divide", zotero("1", [SMITH], sup=True), ".")
    doc.heading("References", 1)
    doc.paragraph("1. Smith J, Brown K. Cell division in yeast. J Cells. 2010;3(2):1-10.")
    manuscript = read(doc)
    assert [c.text for c in manuscript.citations] == ["<sup>1</sup>"]
    assert manuscript.bib[0].span == manuscript.citations[0].span


def test_tracked_deletions_are_ignored_and_insertions_kept():
    manuscript = read(small_document("Cells divide", deleted(" (Smith & Brown, 2010)"), inserted(" (Lee, 2015)"), "."))
    assert manuscript.source.text.splitlines()[1] == "Cells divide (Lee, 2015)."
    assert [c.text for c in manuscript.citations] == ["(Lee, 2015)"]


def test_tabs_breaks_hyphens_symbols_and_emphasis_as_displayed():
    special = Xml('<w:r><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:noBreakHyphen/><w:t>d</w:t>'
                  '<w:sym w:font="Symbol" w:char="F061"/></w:r>')
    manuscript = read(small_document(run("a"), special, run(" in "), run("Journal of Cells", italic=True), run(" ")))
    assert manuscript.source.text.splitlines()[1] == "a\tb c-dα in *Journal of Cells* "


def test_italic_journal_names_help_the_reference_parser():
    doc = Document()
    doc.paragraph("As shown (Smith, 2010).")
    doc.heading("References", 1)
    doc.paragraph(run("Smith, J. (2010). Cell division in yeast. "), run("Journal of Cells", italic=True), run(", 3, 1-10."))
    (reference,) = read(doc).references
    assert reference.raw == "Smith, J. (2010). Cell division in yeast. *Journal of Cells*, 3, 1-10."
    assert (reference.title, reference.container_title, reference.volume) == ("Cell division in yeast", "Journal of Cells", "3")


def test_field_results_are_text_and_instructions_are_not():
    doc = small_document("See ", field(' HYPERLINK "http://example.org/(Nobody, 1999)" ', "the site (Lee, 2015)"), ".")
    manuscript = read(doc)
    assert manuscript.source.text.splitlines()[1] == "See the site (Lee, 2015)."
    assert [c.text for c in manuscript.citations] == ["(Lee, 2015)"]


def test_word_text_that_looks_like_markdown_markup_hides_nothing():
    """A stray backtick would open Markdown inline code running to the next one, "<!--" a
    comment to the end, "~~~" a code fence: in Word they are characters, and stay so."""
    doc = Document()
    doc.paragraph("---")
    doc.paragraph("We don`t know yet (Lee, 2015).")
    doc.paragraph("~~~")
    doc.paragraph("A typed <!-- marker (Smith & Brown, 2010).")
    doc.paragraph("Isn`t it?")
    doc.heading("References", 1)
    for entry in REFERENCES:
        doc.paragraph(entry)
    manuscript = read(doc)
    assert [c.text for c in manuscript.citations] == ["(Lee, 2015)", "(Smith & Brown, 2010)"]
    assert manuscript.source.text.splitlines()[1] == "We don\u02cbt know yet (Lee, 2015)."
    assert len(manuscript.references) == 2


# --- hostile and broken files: refused, clearly and quickly ----------------------------------


def test_zip_bomb_is_refused_before_anything_is_decompressed():
    data = zip_bomb(total=2 * 10**9)  # 2 MB that inflate to 2 GB
    assert len(data) < 3_000_000
    assert "would expand to 2.0 GB" in refused(data)


def test_zip_bomb_within_the_size_limit_is_refused_by_its_ratio():
    assert "-fold" in refused(zip_bomb(total=50 * 10**6))


def test_zip_member_that_lies_about_its_size_is_cut_off_at_what_it_declares():
    """Headers claim 1,000 bytes; the data inflates to 2 GB. Reading stops at 1,000 bytes."""
    assert "damaged" in refused(zip_bomb(total=2 * 10**9, declared=1000))


def test_billion_laughs_in_document_xml_is_refused():
    data = replace_member(small_document("Text.").save(), "word/document.xml", BILLION_LAUGHS)
    message = refused(data)
    assert "DOCTYPE" in message and "word/document.xml" in message


def test_billion_laughs_in_footnotes_is_refused_too():
    doc = Document()
    doc.paragraph("Text", doc.footnote("A note."), ".")
    assert "word/footnotes.xml" in refused(replace_member(doc.save(), "word/footnotes.xml", BILLION_LAUGHS))


def test_a_text_file_named_docx_is_refused():
    assert "not a Word .docx document" in refused(b"# A manuscript\n\nIn Markdown, saved as .docx.\n")


def test_a_zip_without_word_document_xml_is_refused():
    assert "no word/document.xml" in refused(without_member(small_document("Text.").save(), "word/document.xml"))


def test_an_encrypted_zip_is_refused():
    assert "encrypted" in refused(encrypted(small_document("Text.").save()))


def test_a_password_protected_word_document_is_refused():
    """Word saves a password-protected .docx as an OLE compound file holding an EncryptedPackage stream."""
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le") + bytes(500)
    assert "password-protected" in refused(data)


def test_a_truncated_zip_is_refused():
    data = small_document("Text.").save()
    assert "damaged ZIP" in refused(data[: len(data) // 2])


def test_a_zip_with_corrupt_compressed_data_is_refused():
    document = b"<w:document/>" * 100
    import zlib

    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = bytearray(compressor.compress(document) + compressor.flush())
    stream[2:6] = b"\xff\xff\xff\xff"
    data = zip_bytes([{"name": "word/document.xml", "data": bytes(stream), "size": len(document), "crc": zlib.crc32(document)}])
    assert "damaged" in refused(data)


def test_malformed_document_xml_is_refused_with_its_position():
    data = replace_member(small_document("Text.").save(), "word/document.xml", b"<w:document><w:body><w:p></w:body>")
    assert "not well-formed XML" in refused(data)


def test_a_file_over_the_size_limit_is_refused_unread():
    assert "over the 64 MB limit" in refused(bytes(MAX_PACKAGE_BYTES + 1))


def test_a_100_mb_docx_is_refused_by_size_before_it_is_read(tmp_path):
    path = tmp_path / "huge.docx"
    with path.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: nothing written
    with Stopwatch() as watch:
        manuscript = load(path)
    watch.assert_within(1.0, "refusing a 100 MB package")
    (problem,) = manuscript.problems
    assert problem.rule == "unreadable-input" and "104.9 MB" in problem.message


@pytest.mark.skipif("docx" not in READERS, reason="readers.load() does not dispatch .docx files yet")
def test_load_reads_a_docx_file(tmp_path):
    path = tmp_path / "paper.docx"
    small_document("Cells divide ", zotero("(Smith & Brown, 2010)", [SMITH]), ".").save(path)
    manuscript = load(path)
    assert not manuscript.problems
    assert [c.text for c in manuscript.citations] == ["(Smith & Brown, 2010)"]
    assert [b.key for b in manuscript.bib] == ["http://zotero.org/users/1/items/ITEM1"]


def test_too_much_text_is_refused(monkeypatch):
    import refcheck.readers.docx as reader

    monkeypatch.setattr(reader, "MAX_TEXT", 1000)
    doc = Document()
    for _ in range(30):
        doc.paragraph("Cells divide. " * 4)
    assert "over 1,000 characters" in refused(doc.save())


def test_refusals_become_rc001_findings():
    report = check(read_bytes("paper.docx", zip_bomb()))
    assert [(f.code, f.rule) for f in report.findings] == [("RC001", "unreadable-input")]


def test_field_data_in_base64_that_is_not_endnote_is_ignored():
    junk = base64.b64encode(b"\x00\x01 not xml").decode()
    manuscript = read(small_document("As ", field(" ADDIN EN.CITE ", "Lee (2015)", data=junk), "."))
    assert manuscript.bib == ()
    assert [c.text for c in manuscript.citations] == ["Lee (2015)"]


def test_damaged_xml_never_raises():
    """Forty random edits of the document's XML parts, each read: a manuscript or one
    clear unreadable-input problem, never an exception, never slow."""
    import io
    import random
    import zipfile

    doc = Document()
    doc.paragraph("Cells divide ", zotero("(Smith & Brown, 2010)", [SMITH]), ".", doc.footnote("See Lee (2015)."))
    doc.heading("References", 1)
    doc.bibliography(REFERENCES)
    package = zipfile.ZipFile(io.BytesIO(doc.save()))
    parts = {name: package.read(name) for name in package.namelist()}
    rng = random.Random(7)
    damaged = []
    for _ in range(40):
        name = rng.choice(["word/document.xml", "word/footnotes.xml", "word/styles.xml", "word/_rels/document.xml.rels"])
        xml = bytearray(parts[name])
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(xml))
            if rng.random() < 0.5:
                xml[at] = rng.choice(b'<>/="&; wxyz0123456789')
            else:
                del xml[at : at + rng.randint(1, 40)]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
            for member, content in parts.items():
                target.writestr(member, bytes(xml) if member == name else content)
        damaged.append(out.getvalue())
    with Stopwatch() as watch:
        manuscripts = [read_bytes("paper.docx", data) for data in damaged]
    watch.assert_within(10.0, "reading forty damaged packages")  # reference seconds (tests/timing.py)
    for manuscript in manuscripts:
        assert all(p.rule == "unreadable-input" for p in manuscript.problems)
        assert not any("could not be read as a Word document" in p.message for p in manuscript.problems), manuscript.problems
