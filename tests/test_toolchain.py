r"""Which program reads a LaTeX manuscript's .bib files, and how it finds and decodes them
(``Manuscript.toolchain``, ``readers.with_bibliography``). The behaviours themselves are checked
against real BibTeX and biber runs in tests/test_tex_oracle.py."""

from __future__ import annotations

import pytest

from refcheck.api import Config, check
from refcheck.model import Source
from refcheck.readers import decode_bib, load
from refcheck.readers.bibtex import author_list_problems
from refcheck.readers.latex import read as read_latex
from tests.conftest import TODAY


def toolchain(tex: str):
    return read_latex(Source("paper.tex", tex, "latex")).toolchain


@pytest.mark.parametrize(("tex", "backend"), [
    ("\\bibliographystyle{plain}\n\\bibliography{refs}", "bibtex"),
    ("\\usepackage{biblatex}\n\\addbibresource{refs.bib}", "biber"),
    ("\\usepackage[style=apa,backend=biber]{biblatex}\n\\addbibresource{refs.bib}", "biber"),
    ("\\usepackage[backend=bibtex]{biblatex}\n\\addbibresource{refs.bib}", "bibtex"),
    ("\\usepackage[backend=bibtex8]{biblatex}\n\\bibliography{refs}", "bibtex"),
    ("\\usepackage{biblatex}\n\\bibliography{refs}", "biber"),  # biblatex's \bibliography: still biber
    ("\\begin{document}\\begin{refsection}[a.bib, b.bib]\\cite{x}\\end{refsection}", None),  # no package seen
])
def test_the_backend_is_read_from_the_preamble(tex, backend):
    assert toolchain(tex).backend == backend


def test_a_manuscript_with_its_own_list_has_no_toolchain():
    assert toolchain("\\begin{thebibliography}{9}\\bibitem{a} A. 2001.\\end{thebibliography}") is None


def test_encodings_styles_and_where_files_are_named():
    chain = toolchain("\\documentclass{siamart}\n\\usepackage[latin1]{inputenc}\n\\usepackage{natbib}\n"
                      "\\begin{document}\n\\bibliographystyle{siamplain}\n\\bibliography{refs,more}\n")
    assert (chain.encoding, chain.style, chain.document_class) == ("latin1", "siamplain", "siamart")
    assert [(name, span.line) for name, span in chain.sites] == [("refs.bib", 6), ("more.bib", 6)]
    assert "natbib" in chain.packages and chain.style_span.line == 5
    assert toolchain("\\usepackage[bibencoding=latin9]{biblatex}\\addbibresource{r.bib}").encoding == "latin9"


def test_refsection_names_bib_files():
    m = read_latex(Source("paper.tex", "\\usepackage{biblatex}\\begin{refsection}[a.bib, sub/b.bib]\\cite{x}\\end{refsection}", "latex"))
    assert m.bib_files == ("a.bib", "sub/b.bib")


@pytest.mark.parametrize(("data", "text", "said"), [
    ("Jos\xe9 M\xfcller".encode("latin-1"), "José Müller", "Latin-1"),
    ("\u201cQuoted\u201d Jos\xe9".encode("cp1252"), "\u201cQuoted\u201d José", "Windows-1252"),
    ("Jos\xe9 M\xfcller, G\xf6del, Erd\xf6s".encode("mac_roman"), "José Müller, Gödel, Erdös", "Mac Roman"),
])
def test_an_8_bit_bib_is_read_in_the_encoding_it_looks_like(data, text, said):
    decoded, wrong = decode_bib(data)
    assert decoded == text and f"read as {said}" in wrong


def test_a_declared_encoding_is_used_without_a_word():
    assert decode_bib("Jos\xe9".encode("latin-1"), "latin1") == ("José", None)
    assert decode_bib("Jos\xe9".encode("utf-8"), "utf8") == ("José", None)


def test_a_utf8_bib_under_a_latin1_declaration_is_said():
    text, wrong = decode_bib("Jos\xe9".encode("utf-8"), "latin1")
    assert text == "José" and "declares latin1" in wrong


BIB = "@article{smith2019, author = {Smith, John}, title = {Cell division}, journal = {J Biol}, year = {2019}}\n"


def run(tmp_path, tex: str, bib: str | bytes = BIB, name: str = "refs.bib", ignore=("manuscript-date-unknown",)):
    (tmp_path / name).write_bytes(bib if isinstance(bib, bytes) else bib.encode("utf-8"))
    (tmp_path / "paper.tex").write_text(tex, encoding="utf-8")
    m = load(tmp_path / "paper.tex")
    return m, check([m], Config(today=TODAY, ignore=ignore)).findings


DOC = "\\documentclass{article}\n\\begin{document}\n%s\n\\bibliographystyle{plain}\n\\bibliography{refs}\n\\end{document}\n"


def test_a_latin1_bib_is_not_dropped(tmp_path):
    m, findings = run(tmp_path, DOC % "\\cite{smith2019}", ("%% Jos\xe9\n" + BIB).encode("latin-1"))
    assert [e.key for e in m.bib] == ["smith2019"]
    assert [(f.rule, f.span.path.rsplit("/", 1)[-1], f.span.line) for f in findings] == [("bib-encoding", "paper.tex", 5)]


def test_an_unreadable_bib_is_reported_where_it_is_named(tmp_path):
    (tmp_path / "refs.bib").mkdir()
    (tmp_path / "paper.tex").write_text(DOC % "\\cite{smith2019}", encoding="utf-8")
    findings = check([load(tmp_path / "paper.tex")], Config(today=TODAY)).findings
    assert [(f.rule, f.span.line) for f in findings if f.rule == "unreadable-input"] == [("unreadable-input", 5)]


def test_bibinputs_is_searched(tmp_path, monkeypatch):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "refs.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "paper.tex").write_text(DOC % "\\cite{smith2019}", encoding="utf-8")
    monkeypatch.setenv("BIBINPUTS", f"{tmp_path / 'shared'}//:")
    m = load(tmp_path / "paper.tex")
    assert [e.key for e in m.bib] == ["smith2019"]


def test_an_empty_bib_leaves_every_key_undefined(tmp_path):
    _, findings = run(tmp_path, DOC % "\\cite{smith2019}", "% nothing yet\n")
    assert [f.rule for f in findings] == ["undefined-citation-key"]


def test_an_empty_bib_in_markdown_too(tmp_path):
    (tmp_path / "refs.bib").write_text("", encoding="utf-8")
    (tmp_path / "paper.md").write_text("---\nbibliography: refs.bib\n---\n\nCells [@smith2019].\n", encoding="utf-8")
    findings = check([load(tmp_path / "paper.md")], Config(today=TODAY, ignore=("manuscript-date-unknown",))).findings
    assert [f.rule for f in findings] == ["undefined-citation-key"]


def test_a_crossref_parent_counts_as_cited(tmp_path):
    bib = BIB + ("@inproceedings{child, author = {Wu, Hao}, title = {X}, crossref = {Parent}}\n"
                 "@proceedings{parent, title = {Proc}, booktitle = {Proc}, year = {2000}}\n")
    _, findings = run(tmp_path, DOC % "\\cite{smith2019, child}", bib, ignore=())
    assert not [f for f in findings if f.rule == "unused-bib-entry"]


def test_one_work_under_two_keys_needs_both_cited(tmp_path):
    bib = BIB + "@article{dup, author = {Smith, J.}, title = {Other}, journal = {J}, year = {2019}, doi = {10.1/X}}\n" \
                "@article{dup2, author = {Lee, K.}, title = {Another}, journal = {J}, year = {2020}, doi = {10.1/x}}\n"
    quiet = ("manuscript-date-unknown", "unused-bib-entry")
    _, findings = run(tmp_path, DOC % "\\cite{smith2019, dup, dup2}", bib, ignore=quiet)
    assert [(f.rule, "dup2" in f.message and "'dup'" in f.message) for f in findings] == [("duplicate-bib-work", True)]
    _, findings = run(tmp_path, DOC % "\\cite{smith2019, dup}", bib, ignore=quiet)
    assert list(findings) == []


def test_a_missing_style_beside_a_present_class_is_reported(tmp_path):
    _, findings = run(tmp_path, (DOC % "\\cite{smith2019}").replace("{plain}", "{nosuchstyle-refcheck}"))
    assert [(f.rule, f.span.line) for f in findings] == [("missing-bib-style", 4)]


def test_a_style_beside_the_manuscript_gives_its_entry_types(tmp_path):
    (tmp_path / "mine.bst").write_text("ENTRY { author } {} {}\nFUNCTION {article} { }\nFUNCTION {default.type} { }\n")
    bib = BIB + "@book{b, author = {Wu, Hao}, title = {X}, publisher = {P}, year = {2000}}\n"
    _, findings = run(tmp_path, (DOC % "\\cite{smith2019, b}").replace("{plain}", "{mine}"), bib)
    assert [(f.rule, "@book" in f.message) for f in findings] == [("undefined-entry-type", True)]


def test_biber_reads_a_percent_line_as_a_comment(tmp_path):
    tex = "\\documentclass{article}\n\\usepackage{biblatex}\n\\addbibresource{refs.bib}\n\\begin{document}\n\\cite{smith2019}\n\\end{document}\n"
    m, findings = run(tmp_path, tex, "%" + BIB + BIB.replace("smith2019", "lee2020"), ignore=("manuscript-date-unknown", "unused-bib-entry"))
    assert [e.key for e in m.bib] == ["lee2020"] and [f.rule for f in findings] == ["undefined-citation-key"]


@pytest.mark.parametrize("value", [
    "Smith, John and Doe, Jane", "John Smith and Jane Doe", "{World Health Organization}", "{World Health Organization} and others",
    "van der Berg, J. and de la Cruz, Juan and others", "Ludwig van Beethoven", "de Gaulle, Charles", "Plato", "Aristotle and Plato",
    "{\\'E}mile Zola", "Jean-Paul Sartre", "M{\\\"u}ller, J{\\\"o}rg", "King, Jr., Martin Luther", "Smith Jr., John", "Brinch Hansen, Per",
    "García Márquez, Gabriel José", "{Barnes, Noble and Co.}", "Li, X. and Wang, Y. and others", "Gauss, C. F. and Weber, W. E.",
    "Davis, III, Sammy", "Di Palma, I. and Abbott, B. P.", "Tanaka, V. and Ito, I.",
    "Burkle, Laura A and Dalla Riva, Giulio V and Fortin, Marie-Jos{\\'e}e and others",  # "others" is not a "First Last" name
    "Ruebel, Oliver and tom and Wodder II, John T. and daphnedequatrebarbes and Elpy",  # nor are GitHub handles
    "Aguiar, O. D. and LIGO Scientific Collaboration and Cabourn Davies, G. S. and Ajith, P.",  # "Last Last, F. F.": one person
])
def test_names_read_as_meant_are_not_misread(value):
    assert author_list_problems(value) == []


@pytest.mark.parametrize(("value", "fix"), [
    ("Smith, John, Doe, Jane", "Smith, John and Doe, Jane"),
    ("Li, X., Wang, Y.", "Li, X. and Wang, Y."),
    ("John Smith, Jane Doe, Bob Lee", "John Smith and Jane Doe and Bob Lee"),
    ("J. Smith, K. Doe", "J. Smith and K. Doe"),
    ("John Smith, Jane Doe and Bob Lee", "John Smith and Jane Doe"),
    ("Smith, John, Jr.", "Smith, Jr., John"),
    ("Martin Luther King, Jr.", "King, Jr., Martin Luther"),
    ("John Smith Jr.", "Smith, Jr., John"),
    ("Smith, J. and et al.", "and others"),
    ("Smith, J. et al.", "and others"),
])
def test_misread_author_lists_say_what_to_write(value, fix):
    (message,) = author_list_problems(value)
    assert f"`{fix}`" in message


@pytest.mark.parametrize("value", ["Arner, E., and Daub, C.O., and Vitting-Seerup, K.,", "McInnes, L, and Healy, J and Melville, J"])
def test_a_name_ending_in_a_comma_reads_its_given_names_as_a_suffix(value):
    """pandoc -t csljson: {"family": "Daub", "suffix": "C. O."}, printed "Daub C. O."."""
    found = author_list_problems(value)
    assert found and "ends in a comma" in found[0] and "is read as a suffix" in found[0]


def test_others_before_the_end_is_misuse():
    (message,) = author_list_problems("others and Smith, J.")
    assert "only at the end" in message


def test_a_repeated_field_keeps_the_value_each_program_keeps(tmp_path):
    bib = BIB + "@article{df, author = {Wu, Hao}, title = {First}, title = {Second}, journal = {J}, year = {2000}}\n"
    bibtex, _ = run(tmp_path, DOC % "\\cite{df}", bib)
    biber, _ = run(tmp_path, "\\usepackage{biblatex}\\addbibresource{refs.bib}\\cite{df}", bib)
    assert (bibtex.bib[1].title, biber.bib[1].title) == ("First", "Second")  # as the .bbl shows (test_tex_oracle)


BIBER_DOC = "\\documentclass{article}\n\\usepackage{biblatex}\n\\addbibresource{refs.bib}\n\\begin{document}\n%s\n\\end{document}\n"
COMMENTED = ("%@article{old2001,\n%  title = {Gone},\n%  author = {Old, Ann},\n%  year = {2001},\n%}\n%\n"
             "%@misc{older1999,\n%  title = {Also gone},\n%}\n")


def test_entries_commented_out_with_percent_are_one_finding_for_bibtex(tmp_path):
    """BibTeX reads `%@article{...}` as an entry (defined, empty) and stops at its first `%` line
    with an error (latexmk fails): one finding for the file, naming the lines, however many."""
    m, findings = run(tmp_path, DOC % "\\cite{smith2019}", BIB + COMMENTED, ignore=("manuscript-date-unknown", "unused-bib-entry"))
    assert m.bib[0].key == "smith2019"
    assert [(f.rule, f.severity.name, f.span.line) for f in findings] == [("bibtex-syntax-error", "ERROR", 2)]
    assert "2 entries are commented out" in findings[0].message and "lines 2, 8" in findings[0].message


@pytest.mark.parametrize("tex", [BIBER_DOC % "\\cite{smith2019}", None])
def test_entries_commented_out_with_percent_are_skipped_by_biber_and_pandoc(tmp_path, tex):
    if tex is None:  # pandoc
        (tmp_path / "refs.bib").write_text(BIB + COMMENTED, encoding="utf-8")
        (tmp_path / "paper.md").write_text("---\nbibliography: refs.bib\n---\n\nCells [@smith2019].\n", encoding="utf-8")
        m = load(tmp_path / "paper.md")
        findings = check([m], Config(today=TODAY, ignore=("manuscript-date-unknown",))).findings
    else:
        m, findings = run(tmp_path, tex, BIB + COMMENTED)
    assert [e.key for e in m.bib] == ["smith2019"] and list(findings) == []


@pytest.mark.parametrize(("lines", "said"), [
    ("  % journal = {Old},\n  journal = {J},\n  year = {2020}\n", "loses journal, year"),
    ("  journal = {J},\n  year = {2020},\n  % note = {draft},\n  % publisher = {P}\n", "with an error (latexmk fails)"),
])
def test_a_percent_line_inside_an_entry_is_one_finding_for_bibtex(tmp_path, lines, said):
    bib = "@article{lee2020,\n  author = {Lee, Kim},\n  title = {Division},\n" + lines + "}\n"
    _, findings = run(tmp_path, DOC % "\\cite{lee2020}", bib, ignore=("manuscript-date-unknown", "cited-entry-without-year"))
    assert [f.rule for f in findings] == ["bibtex-syntax-error"] and said in findings[0].message


def test_an_at_comment_is_read_as_bibtex_and_biber_read_it(tmp_path):
    """`@comment{...}` whose closing brace sits on a `%` line: BibTeX skips an @comment whole,
    biber counts its braces as written; both read the entries after it."""
    bib = "@Comment{\n\tUseful reviews\n\t% }\n\n% Nanopore\n" + BIB
    for tex in (DOC % "\\cite{smith2019}", BIBER_DOC % "\\cite{smith2019}"):
        m, findings = run(tmp_path, tex, bib)
        assert [e.key for e in m.bib] == ["smith2019"] and list(findings) == []


def test_string_macros_carry_over_to_the_next_bib_file_for_bibtex_and_biber(tmp_path):
    (tmp_path / "journals.bib").write_text('@string{bams = "Bull. Amer. Meteor. Soc."}\n', encoding="utf-8")
    bib = "@article{stein15, author = {Stein, U.}, title = {T}, journal = bams, year = {2015}}\n"
    for tex in (DOC.replace("{refs}", "{journals,refs}") % "\\cite{stein15}",
                BIBER_DOC.replace("\\addbibresource{refs.bib}", "\\addbibresource{journals.bib}\\addbibresource{refs.bib}") % "\\cite{stein15}"):
        m, findings = run(tmp_path, tex, bib)
        assert m.bib[0].container_title == "Bull. Amer. Meteor. Soc." and list(findings) == []


def pandoc_run(tmp_path, bib: str, text: str = "Cells [@m1].", files=("refs.bib",)):
    (tmp_path / "refs.bib").write_text(bib, encoding="utf-8")
    front = "bibliography: [" + ", ".join(files) + "]"
    (tmp_path / "paper.md").write_text(f"---\n{front}\n---\n\n{text}\n", encoding="utf-8")
    m = load(tmp_path / "paper.md")
    return m, check([m], Config(today=TODAY, ignore=("manuscript-date-unknown",))).findings


@pytest.mark.parametrize(("field", "value"), [
    ("month", "January"), ("month", "Sept"), ("pages", "1-19"), ("volume", "12a"),
])
def test_pandoc_reads_bare_words_that_bibtex_rejects(tmp_path, field, value):
    """pandoc drops a month it cannot name and reads a single bare token as text (as `pandoc -f
    bibtex -t csljson` shows): nothing to report in a pandoc manuscript."""
    m, findings = pandoc_run(tmp_path, f"@article{{m1, author = {{A, B}}, title = {{One}}, journal = {{J}}, year = {{2001}}, {field} = {value}}}\n")
    assert list(findings) == []


def test_pandoc_prints_an_undefined_macro_as_its_name(tmp_path):
    _, findings = pandoc_run(tmp_path, "@article{m1, author = {A, B}, title = {One}, journal = bams, year = {2001}}\n")
    assert [f.rule for f in findings] == ["bibtex-syntax-error"] and "pandoc prints the word `bams`" in findings[0].message


def test_an_escaped_brace_counts_as_a_brace_for_bibtex_and_biber(tmp_path):
    """`F\\{`e}art`: BibTeX and biber count every brace, backslash or not (the entry is read whole)."""
    bib = BIB + "@article{fr13, author = {F\\{`e}art, Catherine}, title = {T}, journal = {J}, year = {2013}}\n"
    for tex in (DOC % "\\cite{smith2019, fr13}", BIBER_DOC % "\\cite{smith2019, fr13}"):
        m, findings = run(tmp_path, tex, bib)
        assert [e.key for e in m.bib] == ["smith2019", "fr13"] and list(findings) == []


def test_a_value_replaced_by_a_later_one_is_not_read_by_pandoc(tmp_path):
    _, findings = pandoc_run(tmp_path, "@article{m1, author = {A, B}, title = {One}, journal = bams, journal = {Bull. AMS}, year = {2001}}\n")
    assert [f.rule for f in findings] == ["duplicate-bib-field"]


def test_pandoc_reads_a_percent_inside_a_value_as_text(tmp_path):
    m, findings = pandoc_run(tmp_path, "@article{m1, author = {A, B}, title = {One}, journal = {J}, year = {2016},\n"
                                       "  url = {http://adsabs.harvard.edu/abs/2016A%26A...595A...1G},\n  note = {50% of cases}}\n")
    assert list(findings) == [] and m.bib[0].url == "http://adsabs.harvard.edu/abs/2016A%26A...595A...1G"


def test_pandoc_keeps_the_last_of_a_repeated_field_and_ignores_percent_comments(tmp_path):
    m, _ = pandoc_run(tmp_path, "@article{m1, author = {A, B}, title = {One}, journal = {First},\n"
                                "  % journal = {Commented},\n  journal = {Second}, year = {2001} % in press\n}\n")
    assert (m.bib[0].container_title, m.bib[0].year) == ("Second", "2001")
