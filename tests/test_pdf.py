"""`refcheck paper.pdf`: the text layer read through PDFium with its geometry (readers/pdf.py).

The PDFs here are built run by run (tests/pdf_builder.py), so each test places text where a
typesetter would: superscripts raised and smaller, a running footer on every page, numbers in
the margin, an accent TeX sets apart from its letter.
"""

from __future__ import annotations

import json

import pytest

from refcheck.api import check
from refcheck.readers import detect, load
from refcheck.readers import pdf as reader
from refcheck.readers.pdf import extract, read_bytes
from tests import pdf_builder as B
from tests.test_cli import refcheck

BODY = [
    "Cell migration in gliomas depends on glucose levels in the tumour tissue, and low",
    "glucose favours invasion over growth in several models of the disease studied so far.",
    "Mechanical forces also matter for how fast the cells move through the brain matrix.",
]
REFS = [
    "References",
    "1. Kim Y, Roh S. A hybrid model for cell proliferation and migration. J Theor Biol. 2013;317:1-10.",
    "2. Godlewski J, Bronisz A. MicroRNA-451 regulates LKB1/AMPK signaling. Mol Cell. 2010;37:620-632.",
    "3. Ward PS, Thompson CB. Metabolic reprogramming: a cancer hallmark. Cancer Cell. 2012;21:297-308.",
]


def sup(x: float, y: float, text: str, size: float = 10) -> B.Run:
    """A superscript after body text of ``size``: 70 % of it, raised by a third."""
    return (x, y + 0.33 * size, 0.7 * size, text)


def numeric_paper() -> bytes:
    body = B.lines(BODY)
    # "... in the tumour tissue,¹ and low" / "... studied so far.²,³"
    body.insert(1, sup(420, 780, "1"))
    body.insert(3, sup(455, 767, "2,3"))
    return B.build([body + B.lines(REFS, top=600)])


def test_a_pdf_is_recognised_by_its_header_whatever_its_name():
    assert detect("paper.txt", b"%PDF-1.7\n%\xe2\xe3") == "pdf"
    assert detect("scan.bin", b"\x00" * 200 + b"%PDF-1.4") == "pdf"  # junk before the header, as readers allow
    assert detect("paper.pdf", b"# A title") == "pdf"


def test_superscript_citation_numbers_are_read_as_superscripts_and_linked():
    manuscript = read_bytes("paper.pdf", numeric_paper())
    assert not manuscript.problems
    assert [c.text for c in manuscript.citations] == ["<sup>1</sup>", "<sup>2,3</sup>"]
    report = check(manuscript)
    assert [f.rule for f in report.findings if f.severity >= 2] == []
    assert {ref for link in report.manuscripts[0].links for ref in link.references} == {"r1", "r2", "r3"}


def test_a_superscript_printed_as_a_line_of_its_own_joins_its_line():
    # PDFium breaks a line where the baseline moves: "tissue," / "1" / "and low" come as three
    first = "Cell migration in gliomas depends on glucose levels in the tumour tissue,"
    at = 72 + B.width(first, 10)
    body = [(72, 780, 10, first), sup(at, 780, "1"), (at + B.width("1", 7), 780, 10, " and low glucose favours invasion."),
            *B.lines(BODY[1:], top=767)]
    text = extract(B.build([body + B.lines(REFS, top=600)]))
    assert "tumour tissue,<sup>1</sup> and low glucose" in text


def test_a_lone_superscript_in_a_table_cell_joins_its_row():
    row = [(72, 700, 8, "glucose signaling rate 1.0"), (300, 700 + 0.33 * 8, 0.7 * 8, "41")]
    text = extract(B.build([B.lines(BODY) + row + B.lines(REFS, top=600)]))
    assert "glucose signaling rate 1.0 <sup>41</sup>" in text


def test_an_exponent_is_a_superscript_but_not_a_citation():
    body = B.lines(BODY) + [(72, 730, 10, "The area was 20 m"), sup(151, 730, "2"), (157, 730, 10, " in all cases studied here.")]
    manuscript = read_bytes("paper.pdf", B.build([body + B.lines(REFS, top=600)]))
    assert "20 m<sup>2</sup> in all" in manuscript.source.text
    assert manuscript.citations == ()


def test_running_footers_and_page_numbers_are_dropped():
    footer = "Kim et al. (2026). Glioma migration. Journal of Open Source Software, 7(70), 4137."
    pages = []
    openings = ["Glioma cells migrate", "Tumour cells invade", "Brain tumours grow"]
    for n in range(1, 4):
        runs = B.lines([f"{openings[n - 1]} as a hybrid model predicts (Kim and Roh, 2013).", *BODY[n - 1 :], *BODY[: n - 1]])
        runs += [(72, 40, 8, footer), (290, 20, 9, str(n))]
        pages.append(runs)
    pages[-1] += B.lines(["References", "Kim Y, Roh S. 2013. A hybrid model for cell migration. J Theor Biol 317:1-10."], top=600)
    text = extract(B.build(pages))
    assert footer not in text and "\n2\n" not in text
    report = check(read_bytes("paper.pdf", B.build(pages)))
    assert [f.rule for f in report.findings if f.severity >= 2] == []
    assert [link.references for link in report.manuscripts[0].links] == [("r1",)] * 3


def test_margin_line_numbers_are_dropped_but_a_numbered_list_keeps_its_numbers():
    runs = []
    for k, line in enumerate([*BODY, *BODY, *BODY]):
        y = 780 - 13 * k
        runs += [(50 - B.width(str(k + 1), 8), y, 8, str(k + 1)), (72, y, 10, line)]  # right-aligned in the margin
    runs += B.lines(REFS, top=600)
    text = extract(B.build([runs]))
    assert text.startswith("Cell migration in gliomas")
    assert "\n1. Kim Y, Roh S." in text  # the reference list's own labels stay


def test_line_numbers_go_on_over_a_last_page_of_a_few_lines():
    def numbered(texts, first):
        return [run for k, line in enumerate(texts)
                for run in ((50 - B.width(str(first + k), 8), 780 - 13 * k, 8, str(first + k)), (72, 780 - 13 * k, 10, line))]
    page1 = numbered([*BODY, *BODY, *BODY], 1)
    page2 = numbered(REFS[:3], 10)
    text = extract(B.build([page1, page2]))
    assert "\nReferences\n1. Kim Y" in text and "10 " not in text and "11 1." not in text


def test_line_numbers_in_the_right_margin_are_dropped():
    runs = []
    for k, line in enumerate([*BODY, *BODY, *BODY]):
        y = 780 - 13 * k
        runs += [(72, y, 10, line), (540, y, 8, str(130 + k))]
    runs += B.lines(REFS, top=600)
    text = extract(B.build([runs]))
    assert "13" not in text.split("References")[0]
    assert text.startswith(BODY[0] + "\n")


def test_an_accent_tex_sets_apart_is_put_back_on_its_letter():
    # TeX prints "í" as a dotless i and an acute accent centred over it (Helvetica: "Rodr" is
    # 21.67 pt wide at 10 pt, ı 2.78, the accent 3.33), often written after the whole word
    runs = [(72, 700, 10, "As shown by "), (150, 700, 10, "Rodr"), (171.67, 700, 10, B.DOTLESS_I),
            (174.45, 700, 10, "guez and colleagues in Madrid."), (171.67 + (2.78 - 3.33) / 2, 700, 10, B.ACUTE)]
    text = extract(B.build([B.lines(BODY) + runs + B.lines(REFS, top=600)]))
    assert "Rodríguez and colleagues" in text
    assert B.ACUTE not in text and "´" not in text


def test_ligatures_are_expanded():
    line = reader._Line([reader._Char(ch, 10 * i, 700, 10) for i, ch in enumerate("the \ufb01rst e\ufb00ect")])
    reader._measure(line)
    assert reader._line_text(line) == "the first effect"


# --- bad PDFs: one clear message, never a traceback ------------------------------------------------

def refused(data: bytes) -> str:
    manuscript = read_bytes("paper.pdf", data)
    assert [p.rule for p in manuscript.problems] == ["unreadable-input"], manuscript.problems
    assert not manuscript.citations and not manuscript.references
    return manuscript.problems[0].message


def test_a_pdf_without_text_is_a_scan_to_run_ocr_on():
    assert "run OCR" in refused(B.build([[], []]))


def test_a_damaged_pdf_says_so():
    assert "damaged" in refused(b"%PDF-1.4\n" + b"\x00garbage" * 100)


def test_a_truncated_pdf_is_read_as_far_as_it_goes_or_refused_clearly():
    data = numeric_paper()
    for cut in (len(data) // 3, len(data) // 2, len(data) - 30):
        manuscript = read_bytes("paper.pdf", data[:cut])
        assert manuscript.problems == () or manuscript.problems[0].rule == "unreadable-input"


def test_an_encrypted_pdf_asks_for_an_unprotected_copy():
    # the standard security handler with a user password: PDFium cannot open it without one
    data = B.build([B.lines(BODY)], info=b"/Encrypt << /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32
                   + b"> /P -44 >> /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] ")
    assert "password" in refused(data)


def test_too_many_pages_is_refused_before_reading_them(monkeypatch):
    monkeypatch.setattr(reader, "MAX_PAGES", 3)
    data = B.build([B.lines(BODY)] * 5)
    manuscript = read_bytes("paper.pdf", data)
    assert "5 pages, over the limit of 3" in manuscript.problems[0].message


@pytest.mark.parametrize("name", ["paper.pdf", "paper.txt"])
def test_the_command_line_reads_a_pdf(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(numeric_paper())
    result = refcheck(str(path), "--offline")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 citations, 3 references checked" in result.stdout


def test_the_command_line_refuses_a_scan_with_exit_1(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(B.build([[]]))
    result = refcheck(str(path), "--offline")
    assert result.returncode == 1
    assert "run OCR" in result.stdout and "Traceback" not in result.stderr


def test_a_bare_handle_in_a_pdf_is_no_citation_but_a_bracketed_key_left_unread_is():
    # a JOSS paper's side panel names its editor and reviewers by their GitHub handles
    panel = B.lines(["Editor: Arfon Smith", "Reviewers:", "@openjournals", "@mahsan321"], top=780, left=20, size=7)
    body = B.lines(["Glucose favours invasion over growth in gliomas [@Kim2013].", *REFS], top=600, left=150)
    citations = read_bytes("paper.pdf", B.build([panel + body])).citations
    assert [c.text for c in citations] == ["[@Kim2013]"]


LEFT = ["Cell migration in gliomas depends on the", "glucose levels in the tumour tissue and", "on mechanics (Kim and Roh, 2013), and low",
        "glucose favours invasion over growth."]
RIGHT = ["Mechanical forces also matter for how", "fast the cells move through the brain", "matrix (Godlewski et al., 2010), as several",
         "models of the disease have shown."]


def test_two_columns_written_row_by_row_are_read_column_by_column():
    title = [(60, 760, 14, "Glucose and glioma invasion: a short review of the models")]
    rows = [run for k, (a, b) in enumerate(zip(LEFT, RIGHT)) for run in ((60, 700 - 13 * k, 10, a), (310, 700 - 13 * k, 10, b))]
    caption = [(60, 600, 10, "Figure 1. Invasion against glucose, a caption as wide as the page and set under both columns.")]
    text = extract(B.build([title + rows + caption]))
    assert text.split("\n") == ["Glucose and glioma invasion: a short review of the models", *LEFT, *RIGHT,
                                "Figure 1. Invasion against glucose, a caption as wide as the page and set under both columns.", ""]


def test_a_table_s_rows_and_one_column_text_keep_their_order():
    table = [run for k, (gene, fold) in enumerate([("MYC", "2.4"), ("TP53", "0.8"), ("EGFR", "3.1"), ("PTEN", "0.5")])
             for run in ((60, 700 - 13 * k, 10, gene), (310, 700 - 13 * k, 10, fold))]
    text = extract(B.build([B.lines(BODY, top=760) + table]))
    assert text.split("\n")[3:7] == ["MYC 2.4", "TP53 0.8", "EGFR 3.1", "PTEN 0.5"]
    assert extract(B.build([B.lines(BODY)])).split("\n")[:3] == BODY


def test_a_panel_in_the_first_page_s_margin_comes_before_the_body_it_would_cut_into():
    # a JOSS paper's first page: the panel (editor, reviewers, dates) left of the text block,
    # written in the content order between the title and the body
    panel = B.lines(["Editor: Arfon Smith", "Reviewers:", "@openjournals", "Submitted: 12 March 2024",
                     "Published: 05 June 2024"], top=600, left=20, size=8, leading=11)
    long_body = [line + " " + line for line in BODY]
    first = B.lines(["Glucose and glioma invasion"], top=780, left=150) + panel + B.lines(long_body * 4, top=740, left=150)
    second = B.lines(long_body * 6, top=780, left=150)
    text = extract(B.build([first, second]))
    lines = text.split("\n")
    assert lines[:6] == ["Editor: Arfon Smith", "Reviewers:", "@openjournals", "Submitted: 12 March 2024",
                         "Published: 05 June 2024", "Glucose and glioma invasion"]
    assert lines[6:18] == long_body * 4  # the body in one piece


def test_two_columns_are_no_margin_panel():
    left = B.lines([line for line in BODY * 6], left=40, size=8)
    right = B.lines([line for line in BODY * 6], left=320, size=8)
    text = extract(B.build([left + right]))
    assert text.split("\n")[:len(left)] == BODY * 6  # the left column, then the right one, as written


FOOTNOTED = [
    "Cell migration in gliomas depends on glucose levels in the tumour tissue and on",
    "the mechanics of the matrix around the cells, which several models describe.",
    "Low glucose favours invasion over growth, and the matrix stiffness sets the pace,",
    "as a hybrid model of proliferation and migration showed in detail (Kim and",
]
NEXT_PAGE = ["Roh, 2013). Mechanical forces matter as much as glucose does in these models.", "References",
             "Kim, Y., & Roh, S. (2013). A hybrid model for cell proliferation and migration. J Theor Biol, 317, 1-10."]


def footnoted_paper(foot: list[B.Run]) -> bytes:
    body = B.lines(FOOTNOTED)
    mark = [(72 + B.width(FOOTNOTED[1], 10) + 0.5, 767 + 3.3, 7, "1")]  # the note's mark after "describe."
    return B.build([body[:2] + mark + body[2:] + foot, B.lines(NEXT_PAGE)])


def test_footnotes_are_kept_apart_from_a_sentence_running_on_to_the_next_page():
    note = [(72, 90, 5.6, "1"), (76, 86, 8, "The model's code is in the supplement of the original article.")]
    pdf = footnoted_paper(note)
    lines = extract(pdf).split("\n")
    assert lines.index("<sup>1</sup> The model's code is in the supplement of the original article.") < lines.index("References")
    manuscript = read_bytes("paper.pdf", pdf)
    assert [c.text for c in manuscript.citations] == ["(Kim and Roh, 2013)"]
    assert [f.rule for f in check(manuscript).findings if f.severity >= 2] == []


def test_a_table_s_last_rows_in_a_small_size_are_no_footnotes():
    rows = [(72, 113, 5.6, "13"), (76, 110, 8, "C 51.87 50.89 71.51"), (72, 100, 8, "NH 8.21 9.1 1H 2.56 14.3"), (72, 90, 8, "1 3.01 14.2 5.1 3.88")]
    lines = extract(footnoted_paper(rows)).split("\n")
    assert lines.index("NH 8.21 9.1 1H 2.56 14.3") < lines.index("Roh, 2013). Mechanical forces matter as much as glucose does in these models.")


def test_code_in_a_fixed_pitch_font_cites_nothing():
    # an R session printed in the paper: "## [1] 0.87" and "cells[2]" are output and indexing
    text = B.lines(["Glucose favours invasion over growth in gliomas [1], as the session shows:"])
    code = [(72, 760, 10, "## [1] 0.8796104", "mono"), (72, 747, 10, "x <- cells[2]", "mono")]
    refs = B.lines(["References", "1. Kim Y, Roh S. A hybrid model for cell proliferation and migration. J Theor Biol. 2013;317:1-10."], top=700)
    manuscript = read_bytes("paper.pdf", B.build([text + code + refs]))
    assert "`## [1] 0.8796104`" in manuscript.source.text
    assert [c.text for c in manuscript.citations] == ["[1]"]
    assert [f.rule for f in check(manuscript).findings if f.severity >= 2] == []


def test_load_reads_a_pdf_file(tmp_path):
    path = tmp_path / "paper.pdf"
    path.write_bytes(numeric_paper())
    manuscript = load(path)
    assert manuscript.source.format == "pdf" and len(manuscript.references) == 3


# --- locations a person can use: the page and the line on it ---------------------------------------

def two_page_paper() -> bytes:
    """Page 1: body text citing [1] and [2]; page 2: a heading, then the list, whose third entry nobody cites."""
    first = B.lines([BODY[0] + " [1].", BODY[1] + " [2].", BODY[2], *BODY, *BODY])
    second = B.lines(["Further results on glioma mechanics are in the supplement.", *REFS])
    return B.build([first + [(290, 20, 9, "1")], second + [(290, 20, 9, "2")]])


def test_a_finding_in_a_pdf_says_the_page_and_the_line_on_it():
    report = check(read_bytes("paper.pdf", two_page_paper()))
    (finding,) = [f for f in report.findings if f.rule == "reference-never-cited"]
    assert (finding.span.page, finding.span.page_line) == (2, 5)  # the first line of page 2 is line 1
    assert report.manuscripts[0].source.text[finding.span.start : finding.span.start + 8] == "Ward PS,"
    assert "page 2, line 5" in finding.message


def test_json_sarif_and_github_carry_the_page(tmp_path):
    path = tmp_path / "paper.pdf"
    path.write_bytes(two_page_paper())
    data = json.loads(refcheck(str(path), "--offline", "--format", "json").stdout)
    (span,) = [f["span"] for f in data["findings"] if f["rule"] == "reference-never-cited"]
    assert (span["page"], span["page_line"]) == (2, 5)
    assert all("page" not in c["span"] or c["span"]["page"] == 1 for c in data["citations"])
    sarif = json.loads(refcheck(str(path), "--offline", "--format", "sarif").stdout)
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in sarif["runs"][0]["results"]]
    assert {"page": 2, "pageLine": 5} in [r.get("properties") for r in regions]
    github = refcheck(str(path), "--offline", "--format", "github").stdout
    assert any(line.startswith("::warning file=") and "page 2, line 5:" in line and ",line=" not in line
               for line in github.splitlines())
    text = refcheck(str(path), "--offline").stdout
    assert "paper.pdf (page 2, line 5): RC102" in text


def test_the_html_report_shows_the_extracted_text(tmp_path):
    path, out = tmp_path / "paper.pdf", tmp_path / "report.html"
    path.write_bytes(two_page_paper())
    result = refcheck(str(path), "--offline", "--format", "html", "-o", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "Cell migration in gliomas" in html and "Ward PS, Thompson CB" in html


def test_the_sarif_of_a_pdf_validates_against_the_sarif_schema(tmp_path):
    import jsonschema  # noqa: PLC0415 - a test dependency

    from tests.conftest import SHARED  # noqa: PLC0415

    path = tmp_path / "paper.pdf"
    path.write_bytes(two_page_paper())
    log = json.loads(refcheck(str(path), "--offline", "--format", "sarif").stdout)
    schema = json.loads((SHARED / "fixtures" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)
    validator(schema, format_checker=validator.FORMAT_CHECKER).validate(log)
