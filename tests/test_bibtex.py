"""The .bib reader: entries as References, names and LaTeX, @string, and what a broken file says."""

from __future__ import annotations

import json
import random

import pytest

from refcheck.model import Name, Source
from refcheck.readers import bibtex
from tests.timing import assert_linear, cpu_time
from refcheck.readers.bibtex import MAX_DIAGNOSED, latex_to_unicode, parse_names, read, read_bib
from tests.conftest import SHARED

ARTICLE = """\
% a comment before the first entry
@Article{Smith2019,
  Author = {Smith, John and Lee, Kim},
  Title = {A study of {DNA} repair},
  Journal = {Journal of Biology},
  year = 2019,
  volume = {12},
  number = {3},
  pages = {100--110},
  doi = {https://doi.org/10.1000/JB.2019.12},
  url = {https://example.org/smith},
}
"""


def bib(text: str):
    return read_bib(Source("refs.bib", text, "bibtex"))


def one(text: str):
    refs, problems = bib(text)
    assert len(refs) == 1 and problems == ()
    return refs[0]


def messages(text: str) -> list[tuple[int, str]]:
    return [(p.span.line, p.message) for p in bib(text)[1]]


# --- entries, fields and spans --------------------------------------------------------------


def test_an_entry_becomes_a_reference():
    ref = one(ARTICLE)
    assert (ref.id, ref.key, ref.label, ref.type) == ("b1", "Smith2019", None, "article")
    assert ref.fields == ("author", "title", "journal", "year", "volume", "number", "pages", "doi", "url")
    assert ref.authors == (Name("Smith", "John"), Name("Lee", "Kim"))
    assert (ref.year, ref.title, ref.container_title) == ("2019", "A study of DNA repair", "Journal of Biology")
    assert (ref.volume, ref.issue, ref.page) == ("12", "3", "100–110")
    assert (ref.doi, ref.url, ref.confidence) == ("10.1000/JB.2019.12", "https://example.org/smith", 1.0)


def test_the_span_slices_back_to_the_entry_as_written():
    ref = one(ARTICLE)
    assert ARTICLE[ref.span.start : ref.span.end] == ref.raw
    assert ref.raw.startswith("@Article{Smith2019,") and ref.raw.endswith("}")
    assert (ref.span.line, ref.span.column, ref.span.end_line) == (2, 1, 12)


def test_ids_follow_file_order():
    refs, _ = bib("@book{a, title={A}}\n@misc{b, title={B}}\n@article{c, title={C}}\n")
    assert [(r.id, r.key) for r in refs] == [("b1", "a"), ("b2", "b"), ("b3", "c")]


def test_spans_stay_exact_after_a_backslash_at_the_end_of_a_line():
    # bibtexparser does not count a newline after a backslash: its start_line for b is one short
    text = "@article{a, title = {line one \\\\\nline two}}\n\n@article{b, title = {x}}\n"
    refs, _ = bib(text)
    assert [(r.key, r.span.line) for r in refs] == [("a", 1), ("b", 4)]
    assert all(text[r.span.start : r.span.end] == r.raw for r in refs)


def test_an_entry_in_parentheses():
    ref = one("@article(k, title = {T}, year = {2001})\n")
    assert (ref.key, ref.title, ref.year) == ("k", "T", "2001")


@pytest.mark.parametrize(
    "fields, container",
    [
        ("journal = {J}, journaltitle = {JT}, booktitle = {B}", "J"),
        ("journaltitle = {JT}, booktitle = {B}", "JT"),
        ("booktitle = {Proc. of {ICML}}", "Proc. of ICML"),
    ],
)
def test_container_title_from_journal_then_journaltitle_then_booktitle(fields, container):
    assert one(f"@inproceedings{{k, {fields}}}").container_title == container


def test_issue_from_number_or_issue_and_article_number_from_eid():
    assert one("@article{k, issue = {4}, eid = {e1002}}").issue == "4"
    assert one("@article{k, eid = {e1002}}").article_number == "e1002"


def test_the_year_of_a_biblatex_date():
    assert one("@online{k, date = {2019-05-01}}").year == "2019"
    assert one("@online{k, year = {2018}, date = {2019-05-01}}").year == "2018"


@pytest.mark.parametrize(
    "written", ["10.1/x", "doi:10.1/x", "https://doi.org/10.1/x", "http://dx.doi.org/10.1/x", "{10.1/x}"]
)
def test_doi_prefixes_are_dropped(written):
    assert one(f"@article{{k, doi = {{{written}}}}}").doi == "10.1/x"


def test_escaped_underscores_in_doi_and_url():
    ref = one("@misc{k, doi = {10.1/a\\_b}, url = {https://x.org/a\\_b}}")
    assert (ref.doi, ref.url) == ("10.1/a_b", "https://x.org/a_b")


def test_a_url_in_howpublished_when_there_is_no_url_field():
    assert one("@misc{k, howpublished = {\\url{https://sympy.org}}}").url == "https://sympy.org"


def test_a_bib_file_alone_is_a_manuscript_with_entries():
    m = read(Source("refs.bib", ARTICLE + "@book{b, title = {Unclosed\n", "bibtex"))
    assert [r.key for r in m.bib] == ["Smith2019"]
    assert m.references == () and m.citations == ()
    assert [p.rule for p in m.problems] == ["bibtex-syntax-error"]


# --- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, names",
    [
        ("Smith, John", [("Smith", "John")]),
        ("John Smith", [("Smith", "John")]),
        ("van der Berg, J. A.", [("van der Berg", "J. A.")]),
        ("Ludwig van Beethoven", [("van Beethoven", "Ludwig")]),
        ("de la Cruz, Maria and Jean de La Fontaine", [("de la Cruz", "Maria"), ("de La Fontaine", "Jean")]),
        ("King, Jr., Martin Luther", [("King", "Martin Luther, Jr.")]),
        ("{World Health Organization}", [("World Health Organization", "")]),
        ("{Simon and Schuster} and Lee, K.", [("Simon and Schuster", ""), ("Lee", "K.")]),
        ("{Brinch Hansen}, Per", [("Brinch Hansen", "Per")]),
        ("Per {Brinch Hansen}", [("Brinch Hansen", "Per")]),
        ("Heged{\\H u}s, P{\\'e}ter", [("Hegedűs", "Péter")]),
        ('M{\\"u}ller, J. and Sch\\"{o}n, A.', [("Müller", "J."), ("Schön", "A.")]),
        ("Maga\\~na-Sandoval, F.", [("Magaña-Sandoval", "F.")]),
        ("Rosi\\ifmmode \\acute{n}\\else \\'{n}\\fi{}ska, D.", [("Rosińska", "D.")]),  # as NASA ADS exports it
        ("{\\'E}mile Durkheim", [("Durkheim", "Émile")]),
        ("d'Alembert, Jean", [("d'Alembert", "Jean")]),
        ("Smith,~J. and Lee,\nK.", [("Smith", "J."), ("Lee", "K.")]),
    ],
)
def test_names(written, names):
    parsed, truncated = parse_names(written)
    assert [(n.family, n.given) for n in parsed] == names
    assert not truncated


@pytest.mark.parametrize("written", ["Smith, J. and others", "Smith, J. and {others}", "Smith, J. et al."])
def test_and_others_truncates_the_list(written):
    assert parse_names(written) == ((Name("Smith", "J."),), True)


def test_editors_stand_in_when_there_are_no_authors():
    ref = one("@book{k, editor = {Lee, Kim and Wu, Hao}, title = {Edited}}")
    assert [n.family for n in ref.authors] == ["Lee", "Wu"]
    assert one("@book{k, author = {Smith, J.}, editor = {Lee, K.}}").authors == (Name("Smith", "J."),)


# --- LaTeX ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "latex, text",
    [
        ("Heged{\\H u}s", "Hegedűs"),
        ('{\\"o}', "ö"),
        ('\\"{o}', "ö"),
        ('\\"o', "ö"),
        ("{\\'e}", "é"),
        ("\\c{c}", "ç"),
        ("Fran\\c{c}ois", "François"),
        ("{\\aa}", "å"),
        ("Stra\\ss e", "Straße"),
        ("Stra{\\ss}e", "Straße"),
        ("{\\o}ster", "øster"),
        ("{\\v{S}}koda", "Škoda"),
        ('na\\"{\\i}ve', "naïve"),
        ("pages 1--10", "pages 1–10"),
        ("A~B", "A B"),
        ("{DNA} repair", "DNA repair"),
        ("{{A Title in Braces}}", "A Title in Braces"),
        ("\\textit{E. coli} \\emph{in vivo}", "E. coli in vivo"),
        ("$\\alpha$-helix", "α-helix"),
        ("10\\% of \\& more", "10% of & more"),
        ("A \\LaTeX{} package and \\texttt{sympy.core}", "A LaTeX package and sympy.core"),
        ("\\mbox{A} \\href{http://x.org}{B}", "A B"),
        ("a title\n    over two lines", "a title over two lines"),
    ],
)
def test_latex_to_unicode(latex, text):
    assert latex_to_unicode(latex) == text


def test_titles_are_decoded():
    assert one("@article{k, title = {Gr{\\\"o}bner bases for {SymPy}}}").title == "Gröbner bases for SymPy"


def test_odd_latex_does_not_raise():
    # pylatexenc raises IndexError on some input; the command is then dropped, its text kept
    assert latex_to_unicode("\\href{only-one-argument}") == "only-one-argument"
    assert latex_to_unicode("\\unknowncommand{kept} $unclosed") == "kept $unclosed"


# --- @string --------------------------------------------------------------------------------


def test_string_macros_are_expanded():
    ref = one('@string{jbiol = "Journal of Biology"}\n@article{k, journal = jbiol}\n')
    assert ref.container_title == "Journal of Biology"


def test_string_names_are_case_insensitive_and_concatenate():
    text = '@String{PR = "Proc. "}\n@string{conf = pr # {ICML}}\n@inproceedings{k, booktitle = Conf # ", " # 2020}\n'
    assert one(text).container_title == "Proc. ICML, 2020"


def test_the_standard_month_and_journal_macros_need_no_string():
    ref = one("@article{k, month = jan, journal = cacm}")
    assert ref.container_title == "Communications of the ACM"


def test_an_undefined_macro_is_a_syntax_error_at_its_field():
    refs, problems = bib("@article{k,\n  title = {T},\n  journal = jbiol,\n}\n")
    assert [r.key for r in refs] == ["k"]
    assert [(p.span.line, p.rule) for p in problems] == [(3, "bibtex-syntax-error")]
    assert "no @string defines `jbiol`" in problems[0].message


def test_a_macro_used_before_its_string_says_so():
    [(line, message)] = messages('@article{k, journal = jbiol}\n@string{jbiol = "J. Biol."}\n')
    assert line == 1 and "before it is defined on line 2" in message


def test_a_bare_value_is_a_syntax_error():
    [(line, message)] = messages("@article{k,\n  title = Some words without braces,\n}\n")
    assert line == 2 and "not enclosed in braces or quotes" in message


def test_a_bad_string_block_is_reported_and_reading_goes_on():
    refs, problems = bib('@string{jb "J. Biol."}\n@article{k, title = {T}}\n')
    assert [r.key for r in refs] == ["k"]
    assert [(p.span.line, p.rule) for p in problems] == [(1, "bibtex-syntax-error")]
    assert "name = value" in problems[0].message


# --- broken files ---------------------------------------------------------------------------


def test_unbalanced_braces_are_reported_at_the_block_and_reading_goes_on():
    text = "@article{ok1, title = {One}}\n\n@article{broken,\n  title = {Unbalanced {braces},\n  year = 2019\n}\n\n@book{ok2, title = {Two}}\n"
    refs, problems = bib(text)
    assert [r.key for r in refs] == ["ok1", "ok2"]
    [problem] = problems
    assert (problem.span.line, problem.rule) == (3, "bibtex-syntax-error")
    assert "@article{broken" in problem.message and "unbalanced braces" in problem.message
    assert "next block on line 8" in problem.message


def test_an_unclosed_entry_at_the_end_of_the_file():
    [(line, message)] = messages("@book{ok, title = {Fine}}\n@article{broken,\n  title = {Unclosed\n")
    assert line == 2 and "never closed before the end of the file" in message


def test_a_missing_key_is_reported():
    refs, problems = bib("@article{title = {No key}, year = 2000}\n@book{ok, title = {Fine}}\n")
    assert [r.key for r in refs] == ["ok"]
    assert [p.span.line for p in problems] == [1]
    assert "no citation key" in problems[0].message


def test_a_missing_comma_between_fields_is_reported():
    [(line, message)] = messages("@article{k,\n  title = {One} year = {2000}\n}\n")
    assert line == 2 and "missing comma" in message


def test_an_unclosed_quote_is_reported():
    [(line, message)] = messages('@article{k, title = "One, year = {2000}}\n@book{ok, title = {Fine}}\n')
    assert line == 1 and "quoted value is never closed" in message


def test_an_empty_key_is_kept():
    # SymPy's paper.bib starts with `@Manual{,`
    ref = one("@Manual{,\ntitle = {SymPy},\nauthor = {{SymPy Development Team}},\nyear = {2016},\n}\n")
    assert (ref.key, ref.type, ref.authors) == ("", "manual", (Name("SymPy Development Team", ""),))


def test_duplicate_keys_keep_both_entries_and_are_not_reported_here():
    refs, problems = bib("@article{a, title = {One}}\n@article{a, title = {Two}}\n")
    assert [(r.id, r.key, r.title) for r in refs] == [("b1", "a", "One"), ("b2", "a", "Two")]
    assert problems == ()  # RC603 duplicate-bib-key reports it from the keys


def test_a_duplicate_entry_still_has_its_strings_expanded():
    refs, _ = bib('@string{j = "J"}\n@article{a, journal = j}\n@article{a, journal = j}\n')
    assert [r.container_title for r in refs] == ["J", "J"]


def test_a_repeated_field_keeps_the_first_value_and_is_recorded():
    refs, problems = bib("@article{a, title = {One}, title = {Two}}\n")
    assert refs[0].title == "One" and refs[0].fields == ("title", "title")
    assert refs[0].repeated == ("title",) and problems == ()  # duplicate-bib-field reports it (cited entries)


def test_binary_junk_inside_is_skipped():
    text = "@article{a, title = {One}}\n\x00\x01\x02\xff\ufffd @@ {{{ \x7f\n@book{b, title = {Two}}\n"
    refs, problems = bib(text)
    assert [r.key for r in refs] == ["a", "b"]
    assert all(p.rule == "bibtex-syntax-error" for p in problems)


@pytest.mark.parametrize("text", ["", "\n\n", "% only a comment\n", "@comment{nothing here}\n", "@preamble{\"\\newcommand{\\x}{y}\"}\n"])
def test_files_without_entries(text):
    assert bib(text) == ((), ())


def test_random_garbage_never_raises():
    rng = random.Random(4)
    alphabet = '@{}(),="#\\ \n abcdefgh0123456789%~$'
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
        refs, problems = bib(text)
        assert all(text[r.span.start : r.span.end] == r.raw for r in refs)
        assert all(p.rule == "bibtex-syntax-error" and "could not be parsed" not in p.message for p in problems)


def test_past_a_hundred_broken_blocks_the_rest_are_one_problem():
    """Like a compiler's error limit: the first MAX_DIAGNOSED blocks are described one by one,
    the others are counted in one problem at the first of them; the good entries are all read."""
    good = "".join(f"@book{{g{i}, title = {{T}}, year = 2019}}\n" for i in range(3))
    broken = "".join(f"@article{{k{i}, title = {{x\n" for i in range(150))
    refs, problems = bib(good + broken + "@book{last, title = {T}, year = 2020}\n")
    assert [r.key for r in refs] == ["g0", "g1", "g2", "last"]
    assert len(problems) == MAX_DIAGNOSED + 1 and all(p.rule == "bibtex-syntax-error" for p in problems)
    assert [p.span.line for p in problems[:3]] == [4, 5, 6]
    summary = problems[-1]
    assert summary.span.line == 4 + MAX_DIAGNOSED
    assert summary.message.startswith(f"50 more blocks cannot be parsed (lines {4 + MAX_DIAGNOSED}-153)")


def test_a_hundred_broken_blocks_are_all_described():
    problems = bib("".join(f"@article{{k{i}, title = {{x\n" for i in range(MAX_DIAGNOSED)))[1]
    assert len(problems) == MAX_DIAGNOSED and not any("more blocks" in p.message for p in problems)


def test_a_parser_failure_becomes_one_problem_at_line_1(monkeypatch):
    import bibtexparser

    def broken(*args, **kwargs):
        raise RuntimeError("internal state")

    monkeypatch.setattr(bibtexparser, "parse_string", broken)
    refs, problems = bib(ARTICLE)
    assert refs == ()
    assert [(p.span.line, p.rule) for p in problems] == [(1, "bibtex-syntax-error")]
    assert "RuntimeError" in problems[0].message


def test_bibtexparser_warnings_are_not_printed(capfd):
    bib("@article{broken, title = {Unclosed\n@book{ok, title = {Fine}}\n")
    assert capfd.readouterr().err == ""


def test_an_8_mb_file_is_read_whole_in_linear_time():
    """Every entry of 8 MB read right, and 8x the file costs about 8x the time of 1 MB
    (tests/timing.py: growth, never a number of seconds)."""
    entry = (
        "@article{{key{0},\n  author = {{M{{\\\"u}}ller, J. and van der Berg, A. and Heged{{\\H u}}s, P.}},\n"
        "  title = {{A study of {{DNA}} repair number {0}}},\n  journal = {{Journal of Biology}},\n"
        "  year = {{2019}},\n  volume = {{12}},\n  pages = {{100--110}},\n  doi = {{10.1000/jb.{0}}},\n}}\n\n"
    )

    def file_of(size: int) -> tuple[str, int]:
        parts, total, i = [], 0, 0
        while total < size:
            parts.append(entry.format(i))
            total += len(parts[-1])
            i += 1
        return "".join(parts), i

    results = {}

    def seconds(size: int) -> float:
        text, count = file_of(size)
        started = cpu_time()
        results[size] = (bib(text), count)
        return cpu_time() - started

    assert_linear(seconds, 8_000_000, what="reading .bib entries")
    (refs, problems), count = results[8_000_000]
    assert len(refs) == count and problems == ()
    assert refs[-1].key == f"key{count - 1}" and refs[-1].authors[2] == Name("Hegedűs", "P.")


# --- the real .bib files of the corpus ------------------------------------------------------

CORPUS = [("sympy-paper", "paper.bib"), ("scipy-1.0-paper", "references.bib")]


@pytest.mark.parametrize("paper, name", CORPUS)
def test_corpus_bib_files_give_every_gold_entry(paper, name):
    folder = SHARED / "corpus" / "latex" / paper
    text = (folder / name).read_text(encoding="utf-8")
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))["bib_entries"]
    refs, _ = read_bib(Source(name, text, "bibtex"))
    assert [r.key for r in refs] == [g["key"] for g in gold]
    assert [(r.span.line, r.type) for r in refs] == [(g["line"], g["type"].lower()) for g in gold]
    # the gold's years are read from braced values only; a quoted "2007" is None there
    assert all(r.year == g["year"] for r, g in zip(refs, gold) if g["year"])
    assert all(text[r.span.start : r.span.end] == r.raw for r in refs)
    assert all("\\" not in n.family + n.given and "{" not in n.family for r in refs for n in r.authors)


def test_sympy_bib_undefined_macros_are_found():
    # Bosma:1997:MAS was copied from a .bib whose @string definitions were not
    text = (SHARED / "corpus" / "latex" / "sympy-paper" / "paper.bib").read_text(encoding="utf-8")
    _, problems = read_bib(Source("paper.bib", text, "bibtex"))
    assert [p.message.split("`")[1] for p in problems if p.rule == "bibtex-syntax-error"] == ["journal = j-J-SYMBOLIC-COMP", "acknowledgement = ack-nhfb"]
    # and an author list BibTeX prints as "M. E. et al Pohst" (author-list-misread, for cited entries)
    assert [p.message.split("`")[1] for p in problems if p.rule == "author-list-misread"] == ["author = {M.~E. Pohst et al}"]


def test_the_name_cache_does_not_change_results():
    bibtex._name.cache_clear()
    first = one(ARTICLE)
    assert one(ARTICLE) == first
