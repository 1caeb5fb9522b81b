"""`refcheck export`: the reference list as BibTeX, with Crossref's record where it was verified."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

from refcheck.api import Config, check
from refcheck.export import to_bibtex
from refcheck.model import Source
from refcheck.readers import read_text
from refcheck.readers.bibtex import read_bib
from tests.conftest import ROOT, TODAY
from tests.test_crossref_rules import ENTRY, SMITH, FakeCrossref

MD = f"""Cells divide (Smith and Lee, 2019; Wu, 2020).

## References

{ENTRY}
- Wu H. 2020. Yeast R&D in 100% of cases. Yeast Reports 3:1–9.
"""


def exported(client=None) -> list:
    report = check(read_text(MD, "paper.md"), Config(select=("RC7",), today=TODAY), crossref=client)
    text = to_bibtex(report.manuscripts[0])
    entries, problems = read_bib(Source("out.bib", text, "bibtex"))
    assert problems == ()  # what refcheck writes, refcheck (and BibTeX) reads back
    return list(entries)


def test_printed_fields_are_exported_when_nothing_was_verified():
    smith, wu = exported()
    assert (smith.key, smith.type, smith.year, smith.volume, smith.page) == ("smith2019", "article", "2019", "12", "100–10")
    assert [a.family for a in smith.authors] == ["Smith", "Lee"]
    assert "R\\&D in 100\\% of" in wu.raw and wu.title == "Yeast R&D in 100% of cases"  # LaTeX specials escaped


def test_a_verified_work_is_exported_from_its_record_with_its_doi():
    record = dataclasses.replace(SMITH, title="A study of cell division in yeast: the full title")
    smith, _ = exported(FakeCrossref(record))
    assert smith.doi == "10.1000/smith.2019" and smith.title == "A study of cell division in yeast: the full title"
    assert smith.container_title == "Journal of Biology" and smith.page == "100–110"


def test_the_command_never_overwrites_without_force(tmp_path):
    out = tmp_path / "refs.bib"
    out.write_text("% mine\n", encoding="utf-8")

    def export(*args):
        return subprocess.run([sys.executable, "-m", "refcheck", "export", str(ROOT / "review.md"), "-o", str(out), "--offline", *args],
                              capture_output=True, text=True, timeout=60)

    refused = export()
    assert refused.returncode == 2 and "--force" in refused.stderr and out.read_text(encoding="utf-8") == "% mine\n"
    written = export("--force")
    assert written.returncode == 0 and out.read_text(encoding="utf-8").count("\n@") + 1 == 26
