"""Metadata a pandoc build gives a manuscript from outside it: ``--metadata-file`` and defaults
files (``-d``), with pandoc's precedence. Where pandoc is installed, each case is also run
through ``pandoc --citeproc`` and its "citation X not found" warnings must be refcheck's
undefined keys."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from refcheck.api import Config, check_paths
from refcheck.readers import load
from refcheck.readers.pandoc_meta import Meta, MetaError, defaults_file, metadata_file
from tests.conftest import ROOT, TODAY, tree

BIB = """\
@article{smith2019, author = {Smith, John}, title = {Cells}, journal = {J Biol}, year = {2019}}
@article{lee2018, author = {Lee, Kim}, title = {Yeast}, journal = {J Biol}, year = {2018}}
@article{wu2017, author = {Wu, Hao}, title = {More yeast}, journal = {J Biol}, year = {2017}}
"""
OTHER_BIB = "@article{cox2016, author = {Cox, Ann}, title = {Flies}, journal = {J Biol}, year = {2016}}\n"
PAPER = "Text [@smith2019] and [@cox2016].\n"


def findings(directory, paths, meta: Meta, severity: str | None = None) -> list[tuple[str, str]]:
    report = check_paths([directory / p for p in paths], Config(today=TODAY), meta=meta)
    return sorted((f.rule, f.message) for f in report.findings if severity is None or str(f.severity) == severity)


def undefined(directory, paths, meta: Meta) -> set[str]:
    """The keys refcheck reports undefined as errors (what prints "?" or "(key?)")."""
    return {re.search(r"'([^']*)'", m).group(1) for rule, m in findings(directory, paths, meta, "error") if rule == "undefined-citation-key"}


def pandoc_undefined(directory, *args: str) -> set[str]:
    proc = subprocess.run(["pandoc", *args, "--citeproc", "-t", "plain"], cwd=directory, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return set(re.findall(r"citation (\S+) not found", proc.stderr))


needs_pandoc = pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")


def test_a_metadata_file_gives_the_bibliography_nocite_and_date(tmp_path, monkeypatch):
    tree(tmp_path, {"paper.md": PAPER, "refs.bib": BIB, "meta.yaml": "bibliography: refs.bib\nnocite: '@lee2018'\ndate: 2019-05-01\n"})
    monkeypatch.chdir(tmp_path)
    meta = Meta((metadata_file("meta.yaml"),))
    manuscript = load(tmp_path / "paper.md", meta=meta)
    assert [e.key for e in manuscript.bib] == ["smith2019", "lee2018", "wu2017"]
    assert manuscript.dates["date"] == "2019-05-01"
    nocite = [c for c in manuscript.citations if "nocite" in c.form]
    assert [(c.span.path, c.span.line, c.items[0].key) for c in nocite] == [("meta.yaml", 2, "lee2018")]
    found = findings(tmp_path, ["paper.md"], meta)
    assert [rule for rule, _ in found] == ["undefined-citation-key", "unused-bib-entry"]  # cox2016; wu2017
    assert "manuscript-date-unknown" not in {rule for rule, _ in found}


def test_the_documents_own_front_matter_wins_over_a_metadata_file(tmp_path, monkeypatch):
    tree(tmp_path, {"paper.md": "---\nbibliography: other.bib\n---\n\n" + PAPER, "refs.bib": BIB, "other.bib": OTHER_BIB,
                    "meta.yaml": "bibliography: refs.bib\n"})
    monkeypatch.chdir(tmp_path)
    assert undefined(tmp_path, ["paper.md"], Meta((metadata_file("meta.yaml"),))) == {"smith2019"}


def test_a_defaults_file_wins_over_the_document_and_names_its_inputs(tmp_path, monkeypatch):
    """``bibliography`` and ``metadata`` in a defaults file act as -M does; ``${.}`` is the
    defaults file's folder; its input files are the manuscripts to check."""
    tree(tmp_path, {"paper.md": "---\nbibliography: other.bib\n---\n\n" + PAPER, "build/refs.bib": BIB, "other.bib": OTHER_BIB,
                    "build/pandoc.yaml": "input-files: [paper.md]\nbibliography: ${.}/refs.bib\nmetadata:\n  date: 2020-01-02\n"})
    monkeypatch.chdir(tmp_path)
    meta = defaults_file("build/pandoc.yaml")
    assert meta.inputs == (str(tmp_path / "paper.md"),)
    assert undefined(tmp_path, ["paper.md"], meta) == {"cox2016"}
    assert load(tmp_path / "paper.md", meta=meta).dates["date"] == "2020-01-02"


def test_metadata_files_named_by_a_defaults_file_are_under_the_document(tmp_path, monkeypatch):
    tree(tmp_path, {"paper.md": "---\nnocite: '@wu2017'\n---\n\n" + PAPER, "refs.bib": BIB + OTHER_BIB,
                    "d.yaml": "metadata-files:\n  - meta.yaml\n", "meta.yaml": "bibliography: refs.bib\nnocite: '@lee2018'\n"})
    monkeypatch.chdir(tmp_path)
    manuscript = load(tmp_path / "paper.md", meta=defaults_file("d.yaml"))
    assert [c.items[0].key for c in manuscript.citations if "nocite" in c.form] == ["wu2017"]  # the document's own nocite wins
    assert [e.key for e in manuscript.bib] == ["smith2019", "lee2018", "wu2017", "cox2016"]


@pytest.mark.parametrize("text, message", [
    (None, "no such file"),
    ("- a list\n- not a mapping\n", "must be a YAML mapping"),
    ("bibliography: [unclosed\n", "not valid YAML"),
])
def test_a_metadata_file_that_cannot_be_used_is_an_error_naming_it(tmp_path, text, message):
    if text is not None:
        (tmp_path / "meta.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(MetaError, match=message):
        metadata_file(tmp_path / "meta.yaml")


def test_the_command_line_and_the_configuration_take_them(tmp_path):
    tree(tmp_path, {"paper.md": PAPER, "refs.bib": BIB, "meta.yaml": "bibliography: refs.bib\n",
                    "refcheck.toml": 'metadata-files = ["meta.yaml"]\n', "d.yaml": "input-files: [paper.md]\nmetadata-files: [meta.yaml]\n"})

    def run(*args):
        return subprocess.run([sys.executable, "-m", "refcheck", *args, "--offline", "--format", "json"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})

    for args in (["paper.md", "--metadata-file", "meta.yaml", "--isolated"], ["paper.md"], ["-d", "d.yaml", "--isolated"]):
        result = run(*args)
        assert result.returncode == 1, (args, result.stderr)
        keys = {f["message"] for f in __import__("json").loads(result.stdout)["findings"] if f["rule"] == "undefined-citation-key"}
        assert keys == {"the key 'cox2016' is not defined in the bibliography"}, args
    bad = run("paper.md", "--metadata-file", "absent.yaml")
    assert (bad.returncode, bad.stderr.strip()) == (2, "refcheck: error: absent.yaml: no such file")


@needs_pandoc
@pytest.mark.parametrize("case", ["metadata-file", "front-matter-wins", "defaults-win"])
def test_pandoc_finds_the_same_undefined_keys(tmp_path, monkeypatch, case):
    files = {"refs.bib": BIB, "other.bib": OTHER_BIB, "meta.yaml": "bibliography: refs.bib\nnocite: '@absent1'\n",
             "d.yaml": "metadata-files: [meta.yaml]\nbibliography: other.bib\n"}
    files["paper.md"] = ("---\nbibliography: other.bib\n---\n\n" if case == "front-matter-wins" else "") + PAPER
    tree(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    if case == "defaults-win":
        args, meta = ["-d", "d.yaml", "paper.md"], defaults_file("d.yaml")
    else:
        args, meta = ["--metadata-file", "meta.yaml", "paper.md"], Meta((metadata_file("meta.yaml"),))
    assert undefined(tmp_path, ["paper.md"], meta) == pandoc_undefined(tmp_path, *args)
    if case != "defaults-win":  # pandoc is silent about a nocite key it cannot find: a warning here, not an error
        assert ("undefined-citation-key", "the nocite key 'absent1' is not defined in the bibliography: pandoc skips it "
                "without a warning, so the work is not listed") in findings(tmp_path, ["paper.md"], meta, "warning")
