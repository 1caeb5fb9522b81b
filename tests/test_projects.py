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
from tests.conftest import ROOT, TODAY

BIB = """@article{smith2019, author = {Smith, John}, title = {Cells}, journal = {J Cells}, year = {2019}}
@article{lee2020, author = {Lee, Kim}, title = {Division}, journal = {J Cells}, year = {2020}}
@article{unused2018, author = {Unused, Una}, title = {Never}, journal = {J Cells}, year = {2018}}
"""


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def findings(*paths, optional=()) -> list[tuple[str, str, int]]:
    """(rule, file relative to the first path's folder, line) of every finding, offline."""
    report = check_paths(list(paths), Config(today=TODAY), optional=optional)
    base = Path(paths[0]) if Path(paths[0]).is_dir() else Path(paths[0]).parent
    out = []
    for f in report.findings:
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
