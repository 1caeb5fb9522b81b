"""Multi-file manuscripts are one manuscript, read as their toolchain joins them; a directory walk
checks manuscripts only (refcheck/readers/project.py, refcheck/batch.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from refcheck.api import Config, check_paths
from refcheck.batch import manuscript_paths
from refcheck.readers import load
from refcheck.readers.project import Document, documents
from tests.conftest import ROOT, TODAY, tree

BIB = """@article{smith2019, author = {Smith, John}, title = {Cells}, journal = {J Cells}, year = {2019}}
@article{lee2020, author = {Lee, Kim}, title = {Division}, journal = {J Cells}, year = {2020}}
@article{unused2018, author = {Unused, Una}, title = {Never}, journal = {J Cells}, year = {2018}}
"""


def findings(*paths, optional=()) -> list[tuple[str, str, int]]:
    """(rule, file relative to the first path's folder, line) of every finding, offline."""
    report = check_paths(list(paths), Config(today=TODAY), optional=optional)
    base = Path(paths[0]) if Path(paths[0]).is_dir() else Path(paths[0]).parent
    out = []
    for f in report.findings:
        if f.rule == "manuscript-date-unknown":  # these test documents have no dates
            continue
        where = Path(f.span.path)
        out.append((f.rule, where.relative_to(base).as_posix() if where.is_relative_to(base) else where.as_posix(), f.span.line))
    return out


def walked(root: Path) -> list[tuple[str, str, int]]:
    optional: set[str] = set()
    units = manuscript_paths([root], optional=optional)
    return findings_of(units, root, optional)


def findings_of(units, root: Path, optional) -> list[tuple[str, str, int]]:
    """(rule, path under ``root``, line) of every finding but manuscript-date-unknown (these
    test documents have no dates)."""
    report = check_paths(units, Config(today=TODAY), optional=optional)
    return [(f.rule, Path(f.span.path).relative_to(root).as_posix(), f.span.line) for f in report.findings
            if f.rule != "manuscript-date-unknown"]


# --------------------------------------------------------------------------- Manubot

MANUBOT = {
    "content/metadata.yaml": "title: A review\ndate-modified: 2020-01-01\n",
    "content/00.front-matter.md": "{## front matter template ##}\n",
    "content/01.abstract.md": "## Abstract\n\nPreprints matter [@tag:avasthi; @doi:10.1371/journal.pbio.1002614].\n",
    "content/02.main.md": "## Main\n\nAs above [@tag:avasthi] and [@tag:undefined-one].\nAlso [@tag:from-tsv].\n",
    "content/90.back-matter.md": "## References\n\n[@tag:avasthi]: doi:10.7554/eLife.38532\n",
    "content/response-to-reviewers.md": "Not part of the manuscript [@tag:only-in-the-response].\n",
    "content/citation-tags.tsv": "tag\tcitation\nfrom-tsv\tdoi:10.1371/journal.pcbi.1007128\n",
    "build/build.sh": "#!/bin/sh\n",
    "README.md": "# Manuscript repository\n\nBuilt with Manubot.\n",
}


def test_a_manubot_repository_is_one_manuscript_of_its_numbered_sections(tmp_path):
    tree(tmp_path, MANUBOT)
    [document] = documents(tmp_path)
    assert document.kind == "manubot"
    assert [p.name for p in document.files] == ["00.front-matter.md", "01.abstract.md", "02.main.md", "90.back-matter.md"]
    assert documents(tmp_path / "content") == [document]


def test_tags_defined_in_the_back_matter_or_the_tsv_are_known_to_every_section(tmp_path):
    tree(tmp_path, MANUBOT)
    found = findings(tmp_path / "content")
    # the only undefined tag is reported in the file and on the line that cite it
    assert [(rule, path, line) for rule, path, line in found if rule == "undefined-citation-key"] == [
        ("undefined-citation-key", "02.main.md", 3)]
    assert not any(rule == "no-reference-list" for rule, _, _ in found)


def test_manual_references_define_plain_keys_beside_self_resolving_identifiers(tmp_path):
    """Manubot's manual-references.json (CSL JSON, read with pandoc) defines the works its
    identifiers cannot describe; doi:, pmid:, url: and aliases still resolve themselves."""
    manual = ('[{"id": "smith2019", "type": "article-journal", "title": "Cells", "author": [{"family": "Smith", "given": "J."}],'
              ' "issued": {"date-parts": [[2019]]}, "container-title": "J Biol"}]')
    tree(tmp_path, {**MANUBOT, "content/manual-references.json": manual,
                    "content/03.more.md": "## More\n\nBy hand [@smith2019], by id [@doi:10.1/x; @pmid:123], by alias [@web] and "
                                          "[@nowhere2020].\n\n[@web]: https://example.org/page\n"})
    [document] = documents(tmp_path)
    assert [p.name for p in document.bibliography] == ["manual-references.json"]
    found = findings(tmp_path / "content")
    assert [(rule, path, line) for rule, path, line in found if rule == "undefined-citation-key"] == [
        ("undefined-citation-key", "02.main.md", 3), ("undefined-citation-key", "03.more.md", 3)]  # tag:undefined-one, nowhere2020
    manuscript = load(tmp_path / "content")
    assert [e.key for e in manuscript.bib] == ["smith2019"]


def test_manubot_template_expressions_are_not_citations(tmp_path):
    """00.front-matter.md is a Jinja2 template that Manubot renders before pandoc reads it."""
    front = ('## Authors\n\n{## Template for listing authors ##}\n{% for author in manubot.authors %}\n+ **{{author.name}}**\n  <br>\n'
             '  {%- set has_ids = false %}\n'
             '  {%- if author.mastodon is defined and author["mastodon-server"] is defined %}\n    {%- set has_ids = true %}\n'
             '    · ![Mastodon icon](images/mastodon.svg){.inline_icon width=16 height=16}\n'
             '    [\\@{{author.mastodon}}@{{author["mastodon-server"]}}](https://{{author["mastodon-server"]}}/@{{author.mastodon}})\n'
             '  {%- endif %}\n{% endfor %}\n')
    tree(tmp_path, {**MANUBOT, "content/00.front-matter.md": front})
    assert findings(tmp_path / "content") == [("undefined-citation-key", "02.main.md", 3)]


def test_the_repository_root_and_its_content_folder_give_the_same_findings(tmp_path):
    tree(tmp_path, MANUBOT)
    assert walked(tmp_path) == findings_of(manuscript_paths([tmp_path / "content"]), tmp_path, set())


def test_each_section_keeps_its_own_lines(tmp_path):
    tree(tmp_path, MANUBOT)
    manuscript = load(tmp_path / "content")
    where = {(Path(c.span.path).name, c.span.line, c.text) for c in manuscript.citations}
    assert ("01.abstract.md", 3, "[@tag:avasthi; @doi:10.1371/journal.pbio.1002614]") in where
    assert ("02.main.md", 3, "[@tag:avasthi]") in where
    for citation in manuscript.citations:
        source = next(s for s in (manuscript.source, *manuscript.sources) if s.path == citation.span.path)
        assert source.text[citation.span.start : citation.span.end] == citation.text


# --------------------------------------------------------------------------- Quarto

QUARTO_BOOK = {
    "_quarto.yml": ("project:\n  type: book\nbook:\n  title: A book\n  chapters:\n    - index.qmd\n"
                    "    - part: Methods\n      chapters:\n        - chapters/methods.qmd\n    - references.qmd\n"
                    "  appendices:\n    - appendix.qmd\nbibliography: refs.bib\n"),
    "index.qmd": "---\ntitle: Intro\n---\n\n# Intro\n\nAs shown [@smith2019].\n",
    "chapters/methods.qmd": "# Methods\n\nWe follow @lee2020 and [@nobody2001].\n\n```{r}\nx <- '[@not-a-citation]'\n```\n",
    "references.qmd": "# References {.unnumbered}\n\n::: {#refs}\n:::\n",
    "appendix.qmd": "# Appendix\n\nMore on this [@smith2019].\n",
    "draft.qmd": "# Not in the book\n\n[@not-rendered]\n",
    "refs.bib": BIB,
    "README.md": "# The book's repository\n",
}


def test_a_quarto_book_is_its_chapters_in_order(tmp_path):
    tree(tmp_path, QUARTO_BOOK)
    [document] = documents(tmp_path)
    assert document.kind == "quarto book"
    assert [p.relative_to(tmp_path).as_posix() for p in document.files] == [
        "index.qmd", "chapters/methods.qmd", "references.qmd", "appendix.qmd"]
    assert document.bibliography == (tmp_path / "refs.bib",)


def test_a_quarto_book_is_checked_against_its_bibliography_as_one_manuscript(tmp_path):
    tree(tmp_path, QUARTO_BOOK)
    assert sorted(walked(tmp_path)) == [
        ("undefined-citation-key", "chapters/methods.qmd", 3),  # code chunks and chapters outside the book are not read
        ("unused-bib-entry", "refs.bib", 3),
    ]


def test_pages_of_a_quarto_website_are_checked_alone_with_the_project_bibliography(tmp_path):
    tree(tmp_path, {"_quarto.yml": "project:\n  type: website\nbibliography: refs.bib\n", "refs.bib": BIB,
                    "index.qmd": "# Home\n\nWelcome.\n", "posts/one.qmd": "# One\n\nSee [@smith2019] and [@missing2001].\n",
                    "_drafts/two.qmd": "[@x]\n", "_site/one.html": "<p/>"})
    units = manuscript_paths([tmp_path], optional=(optional := set()))
    assert [u.path for u in units] == [str(tmp_path / "index.qmd"), str(tmp_path / "posts/one.qmd")]
    found = findings_of(units, tmp_path, optional)
    assert ("undefined-citation-key", "posts/one.qmd", 3) in found
    assert not any(path == "index.qmd" for _, path, _ in found)  # a page with nothing to check is left out


# --------------------------------------------------------------------------- bookdown


def test_bookdown_joins_its_rmd_files_index_first_and_reads_the_index_front_matter(tmp_path):
    tree(tmp_path, {"_bookdown.yml": 'book_filename: "book"\n', "index.Rmd": "---\ntitle: B\nbibliography: [book.bib]\n---\n\n# Preface\n",
                    "01-intro.Rmd": "# Intro\n\nAs in [@smith2019].\n\n```{r cars}\nsummary(cars) # [@fake]\n```\n",
                    "02-more.Rmd": "# More\n\nAnd @lee2020, @lost2003.\n", "_private.Rmd": "[@hidden]\n",
                    "book.bib": BIB})
    [document] = documents(tmp_path)
    assert [p.name for p in document.files] == ["index.Rmd", "01-intro.Rmd", "02-more.Rmd"]
    assert sorted(walked(tmp_path)) == [("undefined-citation-key", "02-more.Rmd", 3), ("unused-bib-entry", "book.bib", 3)]


def test_a_bibliography_written_at_build_time_is_one_note_not_an_error_per_key(tmp_path):
    """bookdown books name `packages.bib`, which `knitr::write_bib` writes when the book is built:
    its absence is information, and the keys no other file defines are one note, not N errors."""
    tree(tmp_path, {"_bookdown.yml": 'book_filename: "book"\n',
                    "index.Rmd": "---\ntitle: B\nbibliography: [book.bib, packages.bib]\n---\n\n# Preface\n\n"
                                 "```{r include=FALSE}\nknitr::write_bib(c(.packages(), 'bookdown'), 'packages.bib')\n```\n",
                    "01-intro.Rmd": "# Intro\n\nAs in [@smith2019], with [@R-knitr] and [@R-base; @xie2015].\n",
                    "book.bib": BIB})
    found = walked(tmp_path)
    assert sorted(found) == [("undefined-citation-key", "01-intro.Rmd", 3), ("unreadable-input", "index.Rmd", 1),
                             ("unused-bib-entry", "book.bib", 2), ("unused-bib-entry", "book.bib", 3)]
    report = check_paths(manuscript_paths([tmp_path]), Config(today=TODAY))
    severities = {f.rule: f.severity.name for f in report.findings}
    assert severities["unreadable-input"] == severities["undefined-citation-key"] == "INFO"
    (note,) = [f for f in report.findings if f.rule == "undefined-citation-key"]
    assert "3 cited keys" in note.message and "'R-knitr', 'R-base', 'xie2015'" in note.message


def test_a_missing_bibliography_is_one_error_for_its_keys(tmp_path):
    tree(tmp_path, {"paper.md": "---\nbibliography: [refs.bib, gone.bib]\n---\n\nAs in [@smith2019], [@a2001] and [@b2002].\n",
                    "refs.bib": BIB})
    report = check_paths([tmp_path / "paper.md"], Config(today=TODAY, ignore=("manuscript-date-unknown", "unused-bib-entry")))
    assert [(f.rule, f.severity.name) for f in report.findings] == [("unreadable-input", "ERROR"), ("undefined-citation-key", "ERROR")]
    assert "2 cited keys are undefined ('a2001', 'b2002'): gone.bib could not be read" in report.findings[1].message


def test_bookdown_rmd_files_decide_the_order(tmp_path):
    tree(tmp_path, {"_bookdown.yml": "rmd_files:\n  html: [index.Rmd, b.Rmd, a.Rmd]\n  latex: [index.Rmd, a.Rmd]\n",
                    "index.Rmd": "# I\n", "a.Rmd": "# A\n", "b.Rmd": "# B\n"})
    [document] = documents(tmp_path)
    assert [p.name for p in document.files] == ["index.Rmd", "b.Rmd", "a.Rmd"]


def test_a_broken_project_settings_file_is_one_clear_finding(tmp_path):
    tree(tmp_path, {"_quarto.yml": "project: [unclosed\n", "index.qmd": "x"})
    [problem] = load(tmp_path).problems
    assert problem.rule == "unreadable-input" and "_quarto.yml" in problem.message and "YAML" in problem.message


# --------------------------------------------------------------------------- directory mode: manuscripts only

PAPER = "\\documentclass{article}\\begin{document}\nAs shown \\cite{smith2019} and \\cite{gone2001}.\n\\bibliography{refs}\n\\end{document}\n"


def test_build_products_and_repository_documents_are_not_manuscripts(tmp_path):
    tree(tmp_path, {"paper.tex": PAPER, "refs.bib": BIB, "README.md": "# Paper\n\nSee Smith (2019).\n", "CHANGELOG.md": "## 1.0 (2019)\n",
                    "LICENSE.md": "MIT\n", "docs/usage.md": "# Usage\n\nRun make.\n",
                    "fig.drawio.xml": '<?xml version="1.0"?><mxfile><diagram/></mxfile>', "logo.xml": '<?xml version="1.0"?><svg/>',
                    "votable.xml": '<?xml version="1.0"?><VOTABLE version="1.4"/>'})
    clean = walked(tmp_path)
    tree(tmp_path, {"paper.aux": "\\citation{smith2019}\n", "paper.bbl": "\\begin{thebibliography}{1}\\bibitem{smith2019} J. Smith.\\end{thebibliography}\n",
                    "paper.bcf": '<?xml version="1.0"?><bcf:controlfile xmlns:bcf="https://sourceforge.net/projects/biblatex"/>',
                    "paper.run.xml": '<?xml version="1.0" standalone="yes"?>\n<requests version="1.0"/>', "paper.log": "This is pdfTeX\n"})
    assert walked(tmp_path) == clean
    assert sorted(rule for rule, _, _ in clean) == ["undefined-citation-key", "unused-bib-entry", "unused-bib-entry"]
    assert {path for _, path, _ in clean} == {"paper.tex", "refs.bib"}


def test_a_jats_article_in_a_directory_is_still_read(tmp_path):
    tree(tmp_path, {"article.xml": '<?xml version="1.0"?>\n<!DOCTYPE article>\n<article><body><p>Text.</p></body></article>'})
    assert [p.name for p in manuscript_paths([tmp_path])] == ["article.xml"]


def test_a_file_named_on_the_command_line_is_checked_whatever_it_holds(tmp_path):
    tree(tmp_path, {"README.md": "# Notes\n\nNothing cited.\n"})
    report = check_paths([tmp_path / "README.md"], Config(today=TODAY), optional=())
    assert [m.path for m in report.manuscripts] == [str(tmp_path / "README.md")]


def test_the_command_line_on_a_manubot_repository(tmp_path):
    tree(tmp_path, MANUBOT)
    proc = subprocess.run([sys.executable, "-m", "refcheck", str(tmp_path), "--offline", "--format", "json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert [(f["rule"], Path(f["span"]["path"]).name) for f in report["findings"] if f["severity"] != "info"] == [
        ("undefined-citation-key", "02.main.md")]


def test_a_document_is_a_value_that_travels_to_worker_processes():
    import pickle

    document = Document("manubot", "content", (Path("content/01.md"),))
    assert pickle.loads(pickle.dumps(document)) == document


def test_a_quarto_include_is_read_in_place_and_its_findings_stay_in_its_file(tmp_path):
    tree(tmp_path, {"_quarto.yml": "project:\n  type: book\nbook:\n  chapters: [index.qmd]\nbibliography: refs.bib\n", "refs.bib": BIB,
                    "index.qmd": "# Intro\n\nBefore [@smith2019].\n\n{{< include _parts/_methods.qmd >}}\n\nAfter [@lee2020].\n",
                    "_parts/_methods.qmd": "## Methods\n\nInside [@unused2018] and [@absent1999].\n",
                    "_parts/_unused.qmd": "[@nothing]\n"})
    manuscript = load(tmp_path)
    assert [(Path(c.span.path).name, c.span.line, c.text) for c in manuscript.citations] == [
        ("index.qmd", 3, "[@smith2019]"), ("_methods.qmd", 3, "[@unused2018]"), ("_methods.qmd", 3, "[@absent1999]"), ("index.qmd", 7, "[@lee2020]")]
    assert walked(tmp_path) == [("undefined-citation-key", "_parts/_methods.qmd", 3)]


# --------------------------------------------------------------------------- pandoc's own markup around the list


def test_pandocs_refs_placeholder_means_a_generated_list_and_nothing_under_it_is_an_entry(tmp_path):
    tree(tmp_path, {"paper.md": "---\nbibliography: refs.bib\n---\n\nText [@smith2019; @lee2020; @unused2018].\n\n"
                                "## References {.page_break_before}\n\n<!-- the list goes here -->\n<div id=\"refs\"></div>\n\n"
                                "A closing remark after the list, citing [@smith2019].\n",
                    "refs.bib": BIB, "fenced.md": "---\nbibliography: refs.bib\n---\n\nText [@smith2019; @lee2020; @unused2018].\n\n"
                                                  "# References\n\n::: {#refs}\n:::\n"})
    for name in ("paper.md", "fenced.md"):
        manuscript = load(tmp_path / name)
        assert manuscript.references == () and len(manuscript.bib) == 3, name
        assert findings(tmp_path / name) == [], name


def test_a_section_that_cites_by_key_is_prose_not_a_reference_list(tmp_path):
    tree(tmp_path, {"guide.md": "---\nbibliography: refs.bib\n---\n\nIntro [@smith2019].\n\n## Citations\n\n"
                                "Cite by key [@lee2020].\n\nOr by two [@smith2019; @unused2018].\n", "refs.bib": BIB})
    manuscript = load(tmp_path / "guide.md")
    assert manuscript.references == ()
    assert len(manuscript.citations) == 3


def test_a_manubot_alias_without_the_tag_prefix_is_a_definition_not_a_citation(tmp_path):
    tree(tmp_path, {"content/metadata.yaml": "title: T\n", "content/01.main.md": "As reviewed [@deep-review] and [@pubmed:30718888].\n",
                    "content/90.back.md": "[@deep-review]: doi:10.1098/rsif.2017.0387\n"})
    manuscript = load(tmp_path)
    assert dict(manuscript.aliases) == {"deep-review": "doi:10.1098/rsif.2017.0387"}
    assert [i.key for c in manuscript.citations for i in c.items] == ["deep-review", "pubmed:30718888"]
    assert findings(tmp_path / "content") == []


def test_a_csl_json_bibliography_is_read_as_pandoc_reads_it(tmp_path):
    items = [{"id": "smith2019", "type": "article-journal", "author": [{"family": "Smith", "given": "John"}],
              "issued": {"date-parts": [[2019]]}, "title": "Cells", "container-title": "J Cells", "DOI": "10.1000/cells"},
             {"id": "spare", "type": "book", "author": [{"literal": "World Health Organization"}], "issued": {"date-parts": [[2020]]}, "title": "Report"}]
    tree(tmp_path, {"paper.md": "---\nbibliography: refs.json\n---\n\nText [@smith2019] and [@absent].\n", "refs.json": json.dumps(items, indent=2)})
    manuscript = load(tmp_path / "paper.md")
    assert [(b.key, b.year, b.doi, b.type) for b in manuscript.bib] == [("smith2019", "2019", "10.1000/cells", "article"), ("spare", "2020", None, "book")]
    source = next(s for s in manuscript.sources if s.path.endswith("refs.json"))
    assert ['"smith2019"' in source.line_text(b.span.line) for b in manuscript.bib] == [True, False]
    assert '"spare"' in source.line_text(manuscript.bib[1].span.line)
    assert sorted(rule for rule, _, _ in findings(tmp_path / "paper.md")) == ["undefined-citation-key", "unused-bib-entry"]


# --------------------------------------------------------------------------- text citations in a manuscript that cites by key


def test_a_citation_typed_as_text_beside_key_citations_is_never_listed(tmp_path):
    tree(tmp_path, {"paper.md": "---\nbibliography: refs.bib\n---\n\nBy key [@smith2019]; as text Lee (2020) and (Nobody et al., 2001).\n",
                    "refs.bib": BIB})
    report = check_paths([tmp_path / "paper.md"], Config(today=TODAY))
    found = {(f.rule, str(f.severity), f.message.split(" is ")[0]): f for f in report.findings if f.rule == "citation-without-reference"}
    assert set(found) == {("citation-without-reference", "warning", "Lee (2020)"), ("citation-without-reference", "error", "Nobody et al., 2001")}
    assert found["citation-without-reference", "warning", "Lee (2020)"].fix.message == "cite it as [@lee2020]"
    assert not any(f.rule == "no-reference-list" for f in report.findings)


def test_a_citation_typed_as_text_of_a_work_cited_by_key_elsewhere_is_listed(tmp_path):
    """"Smith (2019)" typed by hand, while [@smith2019] is cited elsewhere: the work is in the
    generated list, and the typed citation names it."""
    tree(tmp_path, {"paper.md": "---\nbibliography: refs.bib\n---\n\nBy key [@smith2019]. Later, as Smith (2019) showed, it holds.\n",
                    "refs.bib": BIB})
    report = check_paths([tmp_path / "paper.md"], Config(today=TODAY))
    assert not [f for f in report.findings if f.rule == "citation-without-reference"]


@pytest.mark.parametrize("under", [
    "Please cite as `[@author:2001]` -> \"(Author et al., 2001)\".\n\nIf you want to cite a software repository...\n",  # JOSS template
    "\\setlength{\\parindent}{-0.2in}\n\\noindent\n\n::: {#refs}\n:::\n",
    "[^1]: A footnote that follows the heading.\n",
])
def test_what_a_key_cited_manuscript_has_under_its_references_heading_is_not_a_list(tmp_path, under):
    """pandoc prints the list it generates from the bibliography there: notes, spacing commands
    and footnotes under the heading are not entries to check."""
    tree(tmp_path, {"paper.md": f"---\nbibliography: refs.bib\n---\n\nBy key [@smith2019] and @lee2020.\n\n# References\n\n{under}",
                    "refs.bib": BIB})
    report = check_paths([tmp_path / "paper.md"], Config(today=TODAY, ignore=("manuscript-date-unknown", "unused-bib-entry")))
    assert list(report.findings) == []


@pytest.mark.parametrize("example", [
    "- `@author:2001`  ->  \"Author et al. (2001)\"\n- `[@author1:2001; @author2:2001]` -> \"(Author1 et al., 2001; Author2 et al., 2002)\"\n",
    "Write Surname (Year) in the text, e.g. Surname (2019), or (Author A & Author B, 2020).\n",
    "(Firstauthor and Lastname, 2018) is the form the journal wants.\n",
])
def test_a_template_example_of_the_citation_format_is_not_a_citation(tmp_path, example):
    """Templates and guides show the format with placeholder names (Author, Author1, Surname):
    no work is cited under them, in any section."""
    tree(tmp_path, {"paper.md": f"---\nbibliography: refs.bib\n---\n\nBy key [@smith2019] and @lee2020.\n\n{example}", "refs.bib": BIB})
    report = check_paths([tmp_path / "paper.md"], Config(today=TODAY))
    assert [f.message for f in report.findings if f.rule == "citation-without-reference"] == []


@pytest.mark.parametrize("sentence, reported", [
    ("The line marks 1963 [Control, Centers for Disease; Prevention (2014). CDC health information for travel. p. 250. "
     "ISBN 9780199948505].", []),
    ("As in Knuth (1984). The TeXbook. Addison-Wesley, 2nd ed. 1986.", []),
    ("Data from Rossi (2010). Bayesian Statistics and Marketing. Wiley. doi:10.1002/9780470863692", []),
    ("It was described in *Test-Driven Development: By Example* (2002) and in _Refactoring_ (1999).", []),
    ("As Berger (1985) showed. The proof is simple.", ["Berger (1985)"]),  # a title-like sentence, nothing else of a reference
])
def test_a_reference_typed_in_a_sentence_or_a_title_in_italics_is_not_a_missing_citation(tmp_path, sentence, reported):
    tree(tmp_path, {"paper.md": f"---\nbibliography: refs.bib\n---\n\nBy key [@smith2019].\n\n{sentence}\n", "refs.bib": BIB})
    report = check_paths([tmp_path / "paper.md"], Config(today=TODAY))
    assert [f.message.split(" is ")[0] for f in report.findings if f.rule == "citation-without-reference"] == reported


def test_a_section_headed_citations_that_cites_by_key_is_text_not_a_list(tmp_path):
    """The JOSS template's "# Citations" explains citing and cites @fidgit itself: pandoc reads
    that key like any other, so it is checked, and nothing under the heading is an entry."""
    tree(tmp_path, {"paper.md": "---\nbibliography: refs.bib\n---\n\nBy key [@smith2019].\n\n# Citations\n\n"
                                "Citations to entries in paper.bib should be in\nrMarkdown format.\n\n"
                                "To cite a repository, use the example entry below for @fidgit.\n\n# Figures\n\nNone.\n",
                    "refs.bib": BIB})
    manuscript = load(tmp_path / "paper.md")
    assert manuscript.references == () and manuscript.reference_section is None
    assert [i.key for c in manuscript.citations for i in c.items] == ["smith2019", "fidgit"]


def test_each_year_of_a_typed_citation_is_named_whole(tmp_path):
    tree(tmp_path, {"paper.md": "---\nbibliography: refs.bib\n---\n\nBy key [@smith2019]; surveys by Reed (1964, 1965).\n", "refs.bib": BIB})
    report = check_paths([tmp_path / "paper.md"], Config(today=TODAY))
    assert [f.message.split(" is ")[0] for f in report.findings if f.rule == "citation-without-reference"] == ["Reed (1964)", "Reed (1965)"]


def test_a_reference_written_out_in_the_text_is_not_a_missing_citation(tmp_path):
    """A further-reading list typed in the text ("* Berger JO (1985). Statistical Decision
    Theory..."): references on purpose, not citations; the same name mid-sentence still is."""
    tree(tmp_path, {"paper.md": "---\nbibliography: refs.bib\n---\n\nBy key [@smith2019].\n\n"
                                "* Berger JO (1985). Statistical Decision Theory and Bayesian Analysis. Springer.\n"
                                "* Lee PM (1989). Bayesian Statistics: An Introduction. Oxford.\n\n"
                                "As Berger (1985) showed, it holds.\n", "refs.bib": BIB})
    report = check_paths([tmp_path / "paper.md"], Config(today=TODAY))
    assert [f.message.split(" is ")[0] for f in report.findings if f.rule == "citation-without-reference"] == ["Berger (1985)"]


def test_a_prize_or_a_survey_before_a_year_is_not_a_missing_citation(tmp_path):
    tree(tmp_path, {"paper.md": "---\nbibliography: refs.bib\n---\n\nBy key [@smith2019]. He won the Vince Sposito Statistical "
                                "Computing Award (2011) and the Snedecor Award (2012); Nobody (2001) disagrees.\n",
                    "refs.bib": BIB})
    report = check_paths([tmp_path / "paper.md"], Config(today=TODAY))
    assert [f.message.split(" is ")[0] for f in report.findings if f.rule == "citation-without-reference"] == ["Nobody (2001)"]


def test_quarto_cross_references_are_not_citations(tmp_path):
    tree(tmp_path, {"paper.qmd": "---\nbibliography: refs.bib\n---\n\n# Methods {#sec-methods}\n\nSee @sec-methods, @fig-plot and "
                                 "[@tbl-data; @smith2019]; also @lee2020 and @unused2018 and [-@eq-one].\n", "refs.bib": BIB,
                    "plain.md": "---\nbibliography: refs.bib\n---\n\nIn plain pandoc @sec-methods is a citation [@smith2019; @lee2020; @unused2018].\n"})
    manuscript = load(tmp_path / "paper.qmd")
    assert [i.key for c in manuscript.citations for i in c.items] == ["smith2019", "lee2020", "unused2018"]
    assert findings(tmp_path / "paper.qmd") == []
    assert [(rule, line) for rule, _, line in findings(tmp_path / "plain.md")] == [("undefined-citation-key", 5)]
