r"""The LaTeX reader: \cite commands, what is never read, \input, bibliographies, and hostile text."""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from pathlib import Path

import pytest

from refcheck.model import Source
from refcheck.readers import latex
from tests.conftest import SHARED
from tests.timing import Stopwatch

CORPUS = SHARED / "corpus" / "latex"


def read(text: str, files: dict[str, str] | None = None, path: str = "paper.tex"):
    """Read ``text`` as paper.tex; ``files`` are what \\input can open (path -> text)."""
    def open_file(name: str):
        return Source(name, files[name], "latex") if name in files else None

    return latex.read(Source(path, text, "latex"), open_file=open_file if files is not None else None)


def keys(text: str, files: dict[str, str] | None = None) -> list[tuple[str, ...]]:
    return [tuple(item.key for item in c.items) for c in read(text, files).citations]


def assert_spans_exact(manuscript, sources: dict[str, str]) -> None:
    for c in manuscript.citations:
        text = sources[c.span.path]
        assert text[c.span.start : c.span.end] == c.text
        for item in c.items:
            assert text[item.span.start : item.span.end] == item.text == item.key


# --- commands -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command, narrative",
    [
        ("cite", False), ("citep", False), ("citet", True), ("citealp", False), ("citealt", False),
        ("citeauthor", True), ("citeyear", False), ("parencite", False), ("textcite", True),
        ("autocite", False), ("footcite", False), ("Citet", True), ("Textcite", True), ("citen", False),
    ],
)
def test_every_citation_command_is_one_key_citation(command, narrative):
    m = read(f"As shown \\{command}{{smith2019}}.")
    [c] = m.citations
    assert (c.text, c.style, c.narrative, [i.key for i in c.items]) == (f"\\{command}{{smith2019}}", "key", narrative, ["smith2019"])


def test_starred_forms_are_citations_too():
    m = read(r"\citet*{a} and \citep*{b}")
    assert [(c.text, c.narrative) for c in m.citations] == [(r"\citet*{a}", True), (r"\citep*{b}", False)]
    assert all("starred" in c.form for c in m.citations)


@pytest.mark.parametrize(
    "text",
    [r"\citep{a,b}", r"\citep[p.~4]{a,b}", r"\citep[see][p. 4]{a,b}", r"\citep[see][]{a,b}", r"\citep [{see [1]}] [p. 4] {a,b}"],
)
def test_zero_one_or_two_optional_arguments(text):
    m = read(f"Text {text}.")
    assert [c.text for c in m.citations] == [text]
    assert keys(text) == [("a", "b")]


def test_keys_are_split_on_commas_and_keep_their_punctuation():
    assert keys(r"\cite{ smith:2019 ,lee-2020_a,  x.y/z ,doi:10.1/abc}") == [("smith:2019", "lee-2020_a", "x.y/z", "doi:10.1/abc")]


def test_spans_slice_back_to_the_command_and_to_each_key():
    text = "Intro.\nAs \\citep[see][p.~4]{ smith:2019,\n  lee2020 } said.\n"
    m = read(text)
    [c] = m.citations
    assert c.text == "\\citep[see][p.~4]{ smith:2019,\n  lee2020 }"
    assert [(i.text, i.span.line, i.span.column) for i in c.items] == [("smith:2019", 2, 23), ("lee2020", 3, 3)]
    assert_spans_exact(m, {"paper.tex": text})


def test_ids_follow_document_order():
    m = read(r"\citet{a} then \cite{b} then \parencite{c}")
    assert [(c.id, c.items[0].key) for c in m.citations] == [("c1", "a"), ("c2", "b"), ("c3", "c")]


def test_nocite_is_marked_and_nocite_star_keeps_its_star():
    m = read(r"\nocite{a,b} \nocite{*}")
    assert [("nocite" in c.form, [i.key for i in c.items]) for c in m.citations] == [(True, ["a", "b"]), (True, ["*"])]
    assert "nocite-all" in m.citations[1].form and "nocite-all" not in m.citations[0].form


def test_cites_with_several_key_groups_is_one_citation():
    m = read(r"\cites(all)(see)[p. 1]{a}[ch. 2]{b,c} and \textcites{d}{e}")
    assert [(c.narrative, [i.key for i in c.items]) for c in m.citations] == [(False, ["a", "b", "c"]), (True, ["d", "e"])]
    assert m.citations[0].text == r"\cites(all)(see)[p. 1]{a}[ch. 2]{b,c}"


def test_a_command_without_keys_or_with_empty_keys_is_not_a_citation():
    assert keys(r"the \cite command, \cite{}, \cite{ , }, \citeyear") == []


def test_empty_keys_between_commas_are_dropped():
    assert keys(r"\cite{a,,b,}") == [("a", "b")]


def test_a_line_break_inside_the_command_is_allowed_but_not_a_paragraph_break():
    assert keys("\\citep\n  [see]\n  {a}") == [("a",)]
    assert keys("\\citep\n\n{a}") == []


def test_a_macro_that_wraps_a_citation_command_cites():
    text = (
        "\\newcommand{\\inlinecite}[1]{\\footnotesize\\citen{#1}}\n"
        "\\newcommand\\seecite[2][see]{\\citep[#1][]{#2}}\n"
        "\\let\\mycite=\\citet\n"
        "\\def\\defcite#1{\\cite{#1}}\n"
        "\\inlinecite{a, b} \\seecite{c} \\seecite[cf.]{d} \\mycite{e} \\defcite{f}\n"
    )
    m = read(text)
    assert [[i.key for i in c.items] for c in m.citations] == [["a", "b"], ["c"], ["d"], ["e"], ["f"]]
    assert all("macro" in c.form for c in m.citations)
    assert [c.narrative for c in m.citations] == [False, False, False, True, False]
    assert_spans_exact(m, {"paper.tex": text})


def test_a_macro_definition_itself_cites_nothing():
    assert keys(r"\newcommand{\x}[1]{\cite{#1}} \providecommand*{\y}[1]{see \citep{#1}} \def\z#1{\nocite{#1}}") == []


def test_a_macro_redefined_as_something_else_no_longer_cites():
    assert keys(r"\newcommand{\x}[1]{\cite{#1}}\renewcommand{\x}[1]{\textbf{#1}}\x{a}") == []


# --- what is never read ---------------------------------------------------------------------


def test_comments_are_ignored_but_an_escaped_percent_is_not_a_comment():
    text = "50\\% of cells \\cite{a} % \\cite{commented}\n%\\cite{whole line}\nline break\\\\% \\cite{also comment}\n\\cite{b}"
    assert keys(text) == [("a",), ("b",)]


def test_a_key_list_may_continue_after_a_comment():
    m = read("\\cite{a,% the first\n  b}")
    assert [i.key for i in m.citations[0].items] == ["a", "b"]


@pytest.mark.parametrize(
    "block",
    [
        "\\begin{verbatim}\n\\cite{x}\n\\end{verbatim}",
        "\\begin{verbatim*}\n\\cite{x}\n\\end{verbatim*}",
        "\\begin{lstlisting}[language=TeX]\n\\cite{x}\n\\end{lstlisting}",
        "\\begin{minted}{latex}\n\\cite{x}\n\\end{minted}",
        "\\begin{comment}\n\\cite{x}\n\\end{comment}",
        "\\verb|\\cite{x}|",
        "\\iffalse\n\\ifx\\a\\b \\cite{x}\\fi \\cite{y}\n\\fi",
    ],
)
def test_verbatim_comment_environments_and_iffalse_are_ignored(block):
    text = f"\\cite{{a}}\n{block}\n\\cite{{b}}\n"
    m = read(text)
    assert keys(text) == [("a",), ("b",)]
    assert_spans_exact(m, {"paper.tex": text})


def test_nothing_after_end_document_is_read():
    assert keys("\\begin{document}\\cite{a}\\end{document}\n\\cite{b}") == [("a",)]


def test_a_line_break_before_a_command_is_not_an_escape():
    assert keys(r"first\\\cite{a}") == [("a",)]


def test_mask_keeps_length_and_lines():
    text = "a % comment\n\\begin{verbatim}\nx\n\\end{verbatim}\n\\iffalse y \\fi b"
    masked = latex.mask(text)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
    assert masked.split() == ["a", "b"]


# --- \input and \include ----------------------------------------------------------------------


def test_included_files_are_read_in_place_with_spans_in_the_included_file():
    files = {"intro.tex": "Intro \\cite{b}.\n\\input{sub/deep}\n", "sub/deep.tex": "\n\nDeep \\citet{c}.\n"}
    main = "\\cite{a}\n\\input{intro}\n\\include{missing-is-not-here}\n\\cite{d}\n"
    files_and_main = {**files, "paper.tex": main}
    m = read(main, files)
    assert [(c.id, c.span.path, c.span.line, c.items[0].key) for c in m.citations] == [
        ("c1", "paper.tex", 1, "a"), ("c2", "intro.tex", 1, "b"), ("c3", "sub/deep.tex", 3, "c"), ("c4", "paper.tex", 4, "d"),
    ]
    assert [s.path for s in m.sources] == ["intro.tex", "sub/deep.tex"]
    assert_spans_exact(m, files_and_main)


def test_tex_is_added_first_then_the_name_is_tried_as_written():
    tried = []

    def open_file(name):
        tried.append(name)
        return Source(name, "\\cite{x}", "latex") if name in ("authors", "body.tex") else None

    m = latex.read(Source("paper.tex", "\\input{authors} \\include{body.tex}"), open_file=open_file)
    assert tried == ["authors.tex", "authors", "body.tex"]
    assert [c.span.path for c in m.citations] == ["authors", "body.tex"]


def test_input_without_braces_is_followed():
    assert keys("\\input intro.tex\n", {"intro.tex": "\\cite{b}"}) == [("b",)]


def test_includegraphics_is_not_include():
    m = read("\\includegraphics[width=1cm]{figure}\\includeonly{x}", {})
    assert m.problems == () and m.sources == ()


def test_an_unreadable_include_is_a_problem_at_the_command():
    text = "Text.\n\\input{missing}\n"
    m = read(text, {})
    [p] = m.problems
    assert (p.rule, p.span.line, text[p.span.start : p.span.end]) == ("unreadable-input", 2, "\\input{missing}")
    assert "cannot be read" in p.message and "missing.tex" in p.message
    assert str(p.severity) == "info"  # the manuscript was read; only that file's citations were not


def test_an_opener_that_raises_is_an_unreadable_include():
    def open_file(name):
        raise PermissionError(name)

    m = latex.read(Source("paper.tex", "\\input{x}\\cite{a}"), open_file=open_file)
    assert [p.rule for p in m.problems] == ["unreadable-input"] and len(m.citations) == 1


def test_without_an_opener_includes_are_not_followed():
    m = read("\\input{intro}\\cite{a}")
    assert keys("\\input{intro}\\cite{a}") == [("a",)] and m.problems == () and m.sources == ()


def test_commented_includes_are_not_followed():
    m = read("% \\input{intro}\n", {"intro.tex": "\\cite{b}"})
    assert m.citations == () and m.sources == ()


def test_an_include_cycle_is_reported_once_and_not_followed():
    files = {"a.tex": "\\cite{a}\\input{b}", "b.tex": "\\cite{b}\\input{a}\\input{paper}"}
    m = read("\\input{a}", {**files, "paper.tex": "\\input{a}"})
    assert keys("\\input{a}", {**files, "paper.tex": "\\input{a}"}) == [("a",), ("b",)]
    assert [p.message.split(" (")[0] for p in m.problems] == ["\\input{a} includes a file already being read", "\\input{paper} includes a file already being read"]
    assert all(p.span.path == "b.tex" for p in m.problems)


def test_a_file_included_twice_is_read_once():
    m = read("\\input{defs}\\input{defs}", {"defs.tex": "\\cite{a}"})
    assert len(m.citations) == 1 and [s.path for s in m.sources] == ["defs.tex"]


def test_nesting_deeper_than_twenty_files_stops_with_a_problem():
    files = {f"f{i}.tex": f"\\cite{{k{i}}}\\input{{f{i + 1}}}" for i in range(40)}
    m = read("\\input{f0}", files)
    assert len(m.citations) == 20 and len(m.sources) == 20
    [p] = m.problems
    assert "more than 20 deep" in p.message and p.span.path == "f19.tex"


def test_macros_defined_in_the_preamble_work_in_included_files():
    files = {"body.tex": "\\mycite{b}"}
    assert keys("\\newcommand{\\mycite}[1]{\\citep{#1}}\n\\input{body}", files) == [("b",)]


def test_the_opener_reads_files_beside_the_manuscript_and_refuses_absolute_paths(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "part.tex").write_text("\\cite{inner}", encoding="utf-8")
    (tmp_path / "binary.tex").write_bytes(b"\x00\x01\x02" * 100)
    open_file = latex.opener(tmp_path / "paper.tex")
    part = open_file("sub/part.tex")
    assert part.text == "\\cite{inner}" and part.path == os.path.normpath(str(tmp_path / "sub" / "part.tex"))
    assert open_file(str(tmp_path / "sub" / "part.tex")) is None
    assert open_file("binary.tex") is None and open_file("sub") is None and open_file("nope.tex") is None


# --- bibliographies -------------------------------------------------------------------------


def test_bibliography_files_are_listed_as_written_with_bib_added():
    m = read("\\bibliographystyle{plain}\n\\bibliography{refs, ../shared/more.bib ,extra}\n\\addbibresource[label=x]{biblatex.bib}\n% \\bibliography{old}")
    assert m.bib_files == ("refs.bib", "../shared/more.bib", "extra.bib", "biblatex.bib")


def test_bibliography_files_in_included_files_are_listed_once():
    m = read("\\bibliography{refs}\\input{back}", {"back.tex": "\\bibliography{refs,other}"})
    assert m.bib_files == ("refs.bib", "other.bib")


THEBIBLIOGRAPHY = r"""Text \cite{smith:2019,lee}.
\begin{thebibliography}{99}
\bibitem[Smith et~al.(2019)]{smith:2019} J.~Smith and P.~P{\'e}rez.
\newblock {\em A title of things}.
\newblock J. Biol., 12:1--10, 2019.
% a comment between entries
\bibitem{lee} K. Lee. Another title. Nature 1, 2 (2020).
\end{thebibliography}
"""


def test_thebibliography_entries_become_references_with_keys_and_labels():
    m = read(THEBIBLIOGRAPHY)
    assert [(r.id, r.key, r.label) for r in m.references] == [("r1", "smith:2019", "Smith et al.(2019)"), ("r2", "lee", None)]
    first = m.references[0]
    assert [a.family for a in first.authors] == ["Smith", "Pérez"]
    assert (first.year, first.title, first.volume, first.page) == ("2019", "A title of things", "12", "1–10")
    assert first.raw.startswith("J.~Smith") and first.raw.endswith("2019.")
    for ref in m.references:
        assert THEBIBLIOGRAPHY[ref.span.start : ref.span.end] == ref.raw


def test_the_reference_section_is_the_environment():
    m = read(THEBIBLIOGRAPHY)
    section = THEBIBLIOGRAPHY[m.reference_section.start : m.reference_section.end]
    assert section.startswith("\\begin{thebibliography}") and section.endswith("\\end{thebibliography}")
    assert m.reference_section.line == 2


def test_thebibliography_in_an_included_bbl_file():
    m = read("\\cite{a}\\input{paper.bbl}", {"paper.bbl": "\\begin{thebibliography}{1}\n\\bibitem{a} A. Author. T. J 1:1, 2000.\n\\end{thebibliography}"})
    assert [(r.key, r.span.path, r.span.line) for r in m.references] == [("a", "paper.bbl", 2)]


def test_no_thebibliography_no_references():
    m = read("\\cite{a}")
    assert m.references == () and m.reference_section is None


# --- metadata -------------------------------------------------------------------------------


def test_the_title_is_plain_text():
    m = read("\\title[Short]{SymPy:\\\\ Symbolic {\\em Computing} in Python\\thanks{Funded.}}\n\\author{A}")
    assert m.title == "SymPy: Symbolic Computing in Python"


def test_no_title_is_none():
    assert read("\\cite{a}").title is None


@pytest.mark.parametrize(
    "tex, plain",
    [(r"P{\'e}rez", "Pérez"), (r"Heged{\H u}s", "Hegedűs"), (r"\c{C}elik", "Çelik"), (r"G{\"o}del", "Gödel"),
     (r"Stra\ss e", "Straße"), (r"1--10", "1–10"), (r"R\&D", "R&D"), (r"\emph{x}~y", "x y")],
)
def test_plain_text_composes_accents_and_drops_markup(tex, plain):
    assert latex.plain_text(tex) == plain


# --- hostile input --------------------------------------------------------------------------


def _quick(text: str, files: dict[str, str] | None = None, seconds: float = 2.0):
    """Read within ``seconds`` reference seconds (tests/timing.py: scaled by this machine's speed)."""
    with Stopwatch() as watch:
        m = read(text, files)
    watch.assert_within(seconds, "reading it")
    return m


@pytest.mark.parametrize(
    "text",
    [
        "{" * 100_000 + "}" * 100_000,
        "{" * 100_000,
        "}" * 100_000,
        "\\title{" + "{" * 100_000 + "x",
        "\\newcommand{\\x}[1]{" * 20_000,
        "\\cite{" * 50_000,
        "\\cite[" * 50_000,
        "\\citep[see][" * 30_000,
        "\\cites" + "[a]{k}" * 30_000,
        "\\begin{verbatim}" * 20_000,
        "\\iffalse" * 50_000,
        "\\input{" * 50_000,
        "\\begin{thebibliography}{9}" + "\\bibitem{k} x " * 20_000,
        "%" * 100_000 + "\n\\cite{a}",
        "\\" * 100_000,
        "\\cite{" + "a," * 100_000 + "}",
    ],
)
def test_hostile_text_is_read_quickly_without_raising(text):
    _quick(text, {})


def test_binary_junk_never_raises():
    rng = random.Random(7)
    alphabet = "\\{}[]()%*#,~$ \n\tcitepnoxbegindverbatm" + "".join(map(chr, range(0, 40)))
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        m = _quick(text, {})
        assert_spans_exact(m, {"paper.tex": text})
    junk = bytes(rng.randrange(256) for _ in range(200_000)).decode("latin-1")
    _quick(junk, {})


def test_a_thousand_missing_includes_are_reported_and_then_summarised():
    m = _quick("\\input{x}" * 5000, {})
    assert len(m.problems) == latex.MAX_INCLUDES + 1
    assert "more than 1000 files" in m.problems[-1].message


# --- the corpus -----------------------------------------------------------------------------


def corpus(name: str):
    base = CORPUS / name
    if not base.is_dir():
        pytest.skip(f"{base} is not here")
    gold = json.loads((base / "gold.json").read_text(encoding="utf-8"))
    main = base / "paper.tex"
    m = latex.read(Source(str(main), main.read_text(encoding="utf-8"), "latex"), open_file=latex.opener(main))
    found = Counter((os.path.basename(c.span.path), c.span.line, tuple(i.key for i in c.items)) for c in m.citations if c.text.startswith("\\cite"))
    expected = Counter((os.path.basename(c["file"]), c["line"], tuple(c["keys"])) for c in gold["citations"])
    return m, gold, found, expected


def test_sympy_paper_finds_exactly_the_gold_citations_through_its_inputs():
    m, gold, found, expected = corpus("sympy-paper")
    assert found == expected
    assert len(m.citations) == gold["stats"]["n_cite_commands"] == 55
    assert [os.path.basename(s.path) for s in m.sources] == gold["tex_files_in_document_order"][1:]
    assert m.bib_files == ("paper.bib",)
    assert m.title == "SymPy: Symbolic Computing in Python"
    # authors.tex is generated by a script in authors/ and is not in the repository
    assert [(p.rule, p.span.line, os.path.basename(p.span.path)) for p in m.problems] == [("unreadable-input", 46, "paper.tex")]
    sources = {m.source.path: m.source.text, **{s.path: s.text for s in m.sources}}
    assert_spans_exact(m, sources)


def test_scipy_paper_finds_every_gold_cite_and_the_inlinecite_macro_the_gold_leaves_out():
    m, gold, found, expected = corpus("scipy-1.0-paper")
    assert found == expected  # every \cite, commented ones (3) left out, as the gold does
    # the gold lists \cite only; \inlinecite (\newcommand{\inlinecite}[1]{\footnotesize\citen{#1}})
    # cites 20 keys in the optimizer table that the gold calls unused
    macros = [c for c in m.citations if "macro" in c.form]
    assert [(os.path.basename(c.span.path), c.span.line) for c in macros] == [("scipy-optimize.tex", line) for line in range(76, 89)]
    macro_keys = {i.key for c in macros for i in c.items}
    gold_cited = {k for c in gold["citations"] for k in c["keys"]}
    assert len(macro_keys - gold_cited) == 20 and macro_keys - gold_cited <= set(gold["unused_bib_keys"])
    assert [os.path.basename(s.path) for s in m.sources] == [os.path.basename(p) for p in gold["tex_files_in_document_order"][1:]]
    assert m.bib_files == ("references.bib",) and m.problems == ()
    sources = {m.source.path: m.source.text, **{s.path: s.text for s in m.sources}}
    assert_spans_exact(m, sources)
