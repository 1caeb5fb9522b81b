"""The JATS reader: xref citations with their rids, the ref-list, article metadata, and hostile XML."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from refcheck.api import Config, check
from refcheck.readers import detect, load, read_text
from tests.conftest import SHARED, TODAY
from tests.timing import Stopwatch

CORPUS = SHARED / "corpus" / "jats" / "xml"


def article(body: str, refs: str, *, front: str = "", back: str = "") -> str:
    """A small JATS article: ``body`` paragraphs, ``refs`` <ref> elements."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.1 20151215//EN" "JATS-archivearticle1.dtd">\n'
        '<article xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        f"<front><article-meta>{front}</article-meta></front>\n"
        f"<body>\n{body}\n</body>\n<back>\n<ref-list><title>References</title>\n{refs}\n</ref-list>\n{back}</back>\n</article>\n"
    )


def ref(id: str, surname: str, year: str, title: str = "A title", label: str = "", second: str = "") -> str:
    names = f"<name><surname>{surname}</surname><given-names>A</given-names></name>"
    if second:
        names += f"<name><surname>{second}</surname><given-names>B</given-names></name>"
    return (f'<ref id="{id}">{f"<label>{label}</label>" if label else ""}<element-citation publication-type="journal">'
            f'<person-group person-group-type="author">{names}</person-group><year>{year}</year>'
            f"<article-title>{title}</article-title><source>J Test</source><volume>1</volume><fpage>1</fpage><lpage>9</lpage>"
            f"</element-citation></ref>")


def xref(rid: str, text: str) -> str:
    return f'<xref ref-type="bibr" rid="{rid}">{text}</xref>'


# alphabetical, as an author-year list should be: r1 = bib4 (Adler), r2 = bib2, r3 = bib3, r4 = bib1 (Smith), r5 = bib5
AUTHOR_YEAR_REFS = "\n".join([ref("bib4", "Adler", "1997"), ref("bib2", "Jones", "2011"), ref("bib3", "Kupiec", "1997"),
                              ref("bib1", "Smith", "2010"), ref("bib5", "Unused", "2000")])


def read(xml: str, path: str = "paper.xml"):
    return read_text(xml, path)


def findings(xml: str, **config) -> list[tuple[str, str]]:
    config.setdefault("today", TODAY)
    report = check(read(xml), Config(**config))
    return [(f.rule, f.message) for f in report.findings]


# --------------------------------------------------------------------------- citations


def test_each_xref_is_an_item_keyed_by_its_rid_and_adjacent_xrefs_form_one_citation():
    xml = article(f"<p>Known ({xref('bib1', 'Smith et al., 2010')}; {xref('bib2', 'Jones, 2011')}). Also {xref('bib3', 'Kupiec (1997)')}.</p>",
                  AUTHOR_YEAR_REFS)
    m = read(xml)
    assert [c.text for c in m.citations] == ["(Smith et al., 2010; Jones, 2011)", "Kupiec (1997)"]
    first = m.citations[0]
    assert [(i.key, i.authors, i.et_al, i.year) for i in first.items] == [("bib1", ("Smith",), True, "2010"), ("bib2", ("Jones",), False, "2011")]
    assert m.citations[1].items[0].year == "1997" and m.citations[1].narrative


def test_spans_point_into_the_xml_at_the_xref_text_even_after_multibyte_characters():
    xml = article(f"<p>Ünïcødé — text ({xref('bib1', 'Smith, 2010')}).</p>", AUTHOR_YEAR_REFS)
    m = read(xml)
    item = m.citations[0].items[0]
    assert xml[item.span.start : item.span.end] == "Smith, 2010"
    assert xml[m.citations[0].span.start : m.citations[0].span.end].startswith("(<xref")
    line = xml.count("\n", 0, item.span.start) + 1
    assert item.span.line == line and item.span.column == item.span.start - xml.rfind("\n", 0, item.span.start)
    entry = m.references[3]
    assert xml[entry.span.start : entry.span.end].startswith('<ref id="bib1">') and xml[entry.span.start : entry.span.end].endswith("</ref>")


def test_year_only_xrefs_take_the_author_from_the_text_before_them():
    xml = article(f"<p>As Smith et al. ({xref('bib1', '2010')}) showed.</p>", AUTHOR_YEAR_REFS)
    item = read(xml).citations[0].items[0]
    assert (item.authors, item.year, item.key) == (("Smith",), "2010", "bib1")


def test_numeric_ranges_across_xrefs_cite_the_numbers_between():
    refs = "\n".join(ref(f"r{i}", f"Author{chr(64 + i)}", "2001") for i in range(1, 8))
    xml = article(f"<p>Shown [{xref('r1', '1')}–{xref('r4', '4')}, {xref('r6', '6')}].</p>", refs)
    m = read(xml)
    citation = m.citations[0]
    assert citation.style == "numeric" and citation.text == "[1–4, 6]"
    assert [(i.numbers, i.key) for i in citation.items] == [((1,), "r1"), ((2, 3), None), ((4,), "r4"), ((6,), "r6")]
    # unlabelled numeric lists are numbered in list order, as the publisher's renderer prints them
    assert [r.label for r in m.references] == [str(i) for i in range(1, 8)]
    report = check(m, Config(today=TODAY, ignore=("manuscript-date-unknown",)))
    linked = {r for link in report.manuscripts[0].links for r in link.references}
    assert linked == {"r1", "r2", "r3", "r4", "r6"}
    assert [f.rule for f in report.findings] == ["reference-never-cited", "reference-never-cited"]  # 5 and 7


def test_superscript_xrefs_are_numeric_citations():
    refs = "\n".join(ref(f"r{i}", f"Author{chr(64 + i)}", "2001", label=str(i)) for i in range(1, 4))
    m = read(article(f"<p>Shown before<sup>{xref('r1', '1')},{xref('r2', '2')}</sup>.</p>", refs))
    assert [i.numbers for c in m.citations for i in c.items] == [(1,), (2,)]
    assert "superscript" in m.citations[0].form


# --------------------------------------------------------------------------- links and findings


def test_a_clean_article_links_every_xref_and_reports_the_uncited_entry_only():
    xml = article(f"<p>({xref('bib1', 'Smith, 2010')}; {xref('bib2', 'Jones, 2011')}; {xref('bib3', 'Kupiec, 1997')}; "
                  f"{xref('bib4', 'Adler, 1997')}).</p>", AUTHOR_YEAR_REFS)
    assert findings(xml, ignore=("manuscript-date-unknown",)) == [("reference-never-cited", "bib5 (Unused 2000) is never cited in the text")]


def test_an_xref_whose_text_names_another_entry_is_reported_and_linked_by_its_text():
    xml = article(f"<p>({xref('bib4', 'Kupiec, 1997')}; {xref('bib4', 'Adler, 1997')}; {xref('bib1', 'Smith, 2010')}; "
                  f"{xref('bib2', 'Jones, 2011')}; {xref('bib5', 'Unused, 2000')}).</p>", AUTHOR_YEAR_REFS)
    m = check(read(xml), Config(today=TODAY, ignore=("manuscript-date-unknown",)))
    assert [(f.rule, f.message) for f in m.findings] == [
        ("citation-author-mismatch", "Kupiec, 1997 is marked up as a citation of bib4 (Adler 1997), but its text names bib3 (Kupiec 1997)"),
    ]
    first = m.manuscripts[0].links[0]
    assert (first.references, first.how, first.nearest) == (("r3",), "key-mismatch", ("r1",))


def test_the_text_year_disagreeing_with_the_marked_entry_is_a_year_mismatch():
    xml = article(f"<p>({xref('bib1', 'Smith, 2011')}; {xref('bib2', 'Jones, 2011')}; {xref('bib3', 'Kupiec, 1997')}; "
                  f"{xref('bib4', 'Adler, 1997')}; {xref('bib5', 'Unused, 2000')}).</p>", AUTHOR_YEAR_REFS)
    assert findings(xml, ignore=("manuscript-date-unknown",)) == [
        ("citation-year-mismatch", "Smith, 2011 cites 2011, but the list has Smith only with 2010")]


def test_the_rid_settles_which_of_two_works_by_the_same_first_author_and_year_is_meant():
    refs = ref("a", "Schuman", "2012", "One", second="Baldwin") + ref("b", "Schuman", "2012", "Two", second="Barthel")
    xml = article(f"<p>({xref('b', 'Schuman and Baldwin, 2012')}; {xref('a', 'Schuman and Baldwin, 2012')}).</p>", refs)
    m = check(read(xml), Config(today=TODAY, select=("RC1",)))
    assert [link.references for link in m.manuscripts[0].links] == [("r2",), ("r1",)]
    assert [f.rule for f in m.findings] == []


def test_a_dangling_rid_is_an_undefined_key_and_the_text_still_finds_its_entry():
    xml = article(f"<p>({xref('bib9', 'Smith, 2010')}; {xref('bib2', 'Jones, 2011')}).</p>", AUTHOR_YEAR_REFS)
    report = check(read(xml), Config(today=TODAY, select=("RC601", "RC101")))
    assert [(f.rule, f.message) for f in report.findings] == [
        ("undefined-citation-key", "Smith, 2010 is marked up as a citation of 'bib9', which no entry defines")]
    assert "bib1" in report.findings[0].fix.message
    assert {r for link in report.manuscripts[0].links for r in link.references} == {"r4", "r2"}


def test_duplicate_ref_ids_are_reported_exactly_not_by_case():
    refs = ref("bib1", "Smith", "2010") + ref("bib1", "Jones", "2011") + ref("BIB1", "Lee", "2012")
    rules = [f for f in findings(article(f"<p>({xref('bib1', 'Smith, 2010')})</p>", refs)) if f[0] == "duplicate-bib-key"]
    assert len(rules) == 1 and "'bib1' is defined twice" in rules[0][1]


# --------------------------------------------------------------------------- references and metadata


def test_structured_fields_dois_and_pmids_are_kept():
    refs = ('<ref id="x1"><element-citation publication-type="journal"><person-group person-group-type="author">'
            "<name><surname>van der Berg</surname><given-names>JA</given-names></name><collab>The Consortium</collab><etal/></person-group>"
            "<article-title>Title here</article-title><source>Nature</source><year>2019</year><volume>5</volume><issue>2</issue>"
            '<fpage>10</fpage><lpage>20</lpage><pub-id pub-id-type="doi">10.1038/xyz</pub-id><pub-id pub-id-type="pmid">123456</pub-id>'
            "</element-citation></ref>")
    entry = read(article(f"<p>{xref('x1', 'van der Berg et al., 2019')}</p>", refs)).references[0]
    assert [(n.family, n.given) for n in entry.authors] == [("van der Berg", "JA"), ("The Consortium", "")]
    assert entry.authors_truncated and entry.key == "x1" and entry.type == "article"
    assert (entry.year, entry.title, entry.container_title, entry.volume, entry.issue, entry.page) == ("2019", "Title here", "Nature", "5", "2", "10-20")
    assert (entry.doi, entry.pmid) == ("10.1038/xyz", "123456")
    assert entry.to_dict()["pmid"] == "123456" and entry.to_dict()["key"] == "x1"


def test_an_untagged_mixed_citation_is_parsed_like_a_printed_entry():
    refs = '<ref id="m1"><label>1</label><mixed-citation>Smith J, Lee K. A study of things. J Biol. 2015;12:100-110. doi:10.1000/abc</mixed-citation></ref>'
    entry = read(article(f"<p>[{xref('m1', '1')}]</p>", refs)).references[0]
    assert entry.first_author == "Smith" and entry.year == "2015" and entry.doi == "10.1000/abc" and entry.label == "1"


def test_article_title_doi_and_history_dates():
    front = ('<article-id pub-id-type="doi">10.7554/eLife.1</article-id><title-group><article-title>The <italic>title</italic></article-title></title-group>'
             '<pub-date pub-type="collection"><year>2016</year></pub-date><pub-date pub-type="epub"><day>9</day><month>5</month><year>2016</year></pub-date>'
             '<history><date date-type="received"><day>28</day><month>12</month><year>2015</year></date>'
             '<date date-type="accepted"><day>3</day><month>5</month><year>2016</year></date></history>')
    m = read(article("<p>Nothing cited.</p>", "", front=front))
    assert (m.title, m.doi) == ("The title", "10.7554/eLife.1")
    assert m.dates == {"received": "2015-12-28", "revised": None, "accepted": "2016-05-03", "published": "2016-05-09"}


def test_named_entities_of_the_jats_dtd_are_read_without_the_dtd():
    m = read(article(f"<p>Values &minus;1 and 2&ndash;3 ({xref('bib1', 'Smith,&#x00A0;2010')}).</p>", AUTHOR_YEAR_REFS))
    assert m.citations[0].items[0].year == "2010"


def test_peer_review_sub_articles_are_not_the_manuscript():
    back = f'<sub-article article-type="decision-letter"><body><p>See {xref("bib5", "Unused, 2000")}.</p></body></sub-article>'
    xml = article(f"<p>({xref('bib1', 'Smith, 2010')})</p>", AUTHOR_YEAR_REFS).replace("</back>", "</back>" + back)
    m = read(xml)
    assert [i.key for c in m.citations for i in c.items] == ["bib1"]


# --------------------------------------------------------------------------- hostile and odd files

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE article [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>
<article><body><p>&i;</p></body></article>
"""


@pytest.mark.parametrize(
    ("xml", "says"),
    [
        (BILLION_LAUGHS, "declares the XML entity"),
        ('<?xml version="1.0"?><!DOCTYPE article [<!ENTITY x SYSTEM "file:///etc/passwd">]><article><p>&x;</p></article>', "declares the XML entity"),
        ('<?xml version="1.0"?><!DOCTYPE article [<!ENTITY x SYSTEM "http://example.org/x">]><article><p>&x;</p></article>', "declares the XML entity"),
        ('<?xml version="1.0"?><article><body><p>unclosed</body></article>', "is not well-formed XML: mismatched tag (line 1"),
        ('<?xml version="1.0"?><svg><g/></svg>', "is XML but not a JATS article (its root element is <svg>)"),
        ('<?xml version="1.0"?>', "is not well-formed XML"),
        ('<?xml version="1.0"?>' + "<article>" + "<p>" * 200_000 + "</p>" * 200_000 + "</article>", None),
    ],
)
def test_hostile_or_broken_xml_is_refused_with_a_reason_quickly(xml, says):
    with Stopwatch() as watch:
        report = check(read(xml), Config(today=TODAY))
    watch.assert_within(5.0, "refusing or reading it")  # reference seconds (tests/timing.py)
    unreadable = [f.message for f in report.findings if f.rule == "unreadable-input"]
    if says is None:  # deep nesting is legal XML: read, nothing found, no crash
        assert not unreadable
    else:
        assert len(unreadable) == 1 and says in unreadable[0], unreadable


def test_format_is_detected_from_content_then_extension(tmp_path):
    assert detect("paper.txt", b'<?xml version="1.0"?><article>') == "jats"
    assert detect("paper.md", b"\xef\xbb\xbf  <article>") == "jats"
    assert detect("paper.nxml", b"") == "jats"
    assert detect("paper.docx", b"PK\x03\x04rest") == "docx"
    assert detect("paper.md", b"# Title") == "markdown"
    assert detect("paper.tex", b"\\documentclass") == "latex"
    assert detect("notes", b"plain words") == "markdown"
    xml = article(f"<p>({xref('bib1', 'Smith, 2010')})</p>", AUTHOR_YEAR_REFS)
    saved = tmp_path / "article.txt"
    saved.write_text(xml, encoding="utf-8")
    assert load(saved).source.format == "jats"
    assert load(saved, fmt="markdown").source.format == "markdown"


def test_cli_reads_jats_and_reports_keys_in_json(tmp_path):
    xml = article(f"<p>({xref('bib1', 'Smith, 2010')}; {xref('bib3', 'Kupiec, 1997')})</p>", AUTHOR_YEAR_REFS)
    path = tmp_path / "paper.xml"
    path.write_text(xml, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "refcheck", str(path), "--offline", "--format", "json"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr  # warnings only
    data = json.loads(proc.stdout)
    assert data["files"][0]["format"] == "jats"
    assert [r["key"] for r in data["references"]] == ["bib4", "bib2", "bib3", "bib1", "bib5"]
    assert [i["key"] for c in data["citations"] for i in c["items"]] == ["bib1", "bib3"]
    assert sorted(f["rule"] for f in data["findings"]) == ["manuscript-date-unknown"] + ["reference-never-cited"] * 3
    forced = subprocess.run([sys.executable, "-m", "refcheck", str(path), "--offline", "--format-in", "markdown", "--format", "json"],
                            capture_output=True, text=True)
    assert json.loads(forced.stdout)["files"][0]["format"] == "markdown"


# --------------------------------------------------------------------------- the corpus


@pytest.mark.skipif(not CORPUS.exists(), reason="the shared corpus is not available")
@pytest.mark.parametrize("name", ["elife-14093-v1", "plos-pmed.0020171"])
def test_corpus_articles_link_every_xref_to_its_rid_or_report_why(name):
    """Every citation item of a real article links to its rid, except where a finding says the text disagrees."""
    m = load(CORPUS / f"{name}.xml")
    report = check(m, Config(today=TODAY))
    checked = report.manuscripts[0]
    keys = {r.id: r.key for r in checked.references}
    flagged = {(f.span.start, f.span.end) for f in report.findings if f.rule in ("citation-author-mismatch", "citation-year-mismatch")}
    for link in checked.links:
        item = checked.citations[int(link.citation[1:]) - 1].items[link.item]
        if item.key is None:
            continue  # the numbers inside a range
        if (item.span.start, item.span.end) in flagged:
            assert link.how == "key-mismatch"
        else:
            assert [keys[r] for r in link.references] == [item.key]


def test_the_html_report_shows_the_article_text_without_its_tags():
    from refcheck.render.html import render_string

    xml = article(f"<p>Known <italic>facts</italic> ({xref('bib1', 'Smith, 2010')}; {xref('bib2', 'Jones, 2011')}).</p>\n<p>Second paragraph.</p>",
                  AUTHOR_YEAR_REFS, front="<journal-meta><journal-id>J</journal-id></journal-meta>")
    m = read(xml)
    page = render_string(check(m, Config(today=TODAY)))
    assert "&lt;xref" not in page and "&lt;p&gt;" not in page and "&lt;?xml" not in page and "journal-id" not in page
    assert 'Known facts <a class="cite status-linked"' in page and '">(Smith, 2010; Jones, 2011)</a>.' in page  # one link over the group
    assert page.count('class="cite ') == 1
    assert "Known facts" in page.split("Second paragraph")[0] and "\nSecond paragraph" in page
    body_lines = xml.count("\n", 0, m.reference_section.start) + 1
    assert page.count('class="ln"') == body_lines  # every line of the file keeps its anchor
