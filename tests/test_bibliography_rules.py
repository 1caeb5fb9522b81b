"""RC002 and RC6xx: a manuscript citing by key, and the .bib file beside it."""

from __future__ import annotations

import pytest

from refcheck.api import Config, check_paths
from refcheck.rules import RULES
from tests.conftest import TODAY

BIB = """\
@article{smith2019,
  author = {Smith, John and Lee, Kim},
  title = {A study of cell division},
  journal = {Journal of Biology},
  year = {2019},
  volume = {12},
  pages = {100--110},
}

@article{Hegedus2020,
  author = {Heged{\\H u}s, P{\\'e}ter},
  title = {Yeast again},
  journal = {Yeast},
  year = {2020},
}
"""


def check(tmp_path, md: str, bib: str | bytes = BIB, **config):
    (tmp_path / "refs.bib").write_bytes(bib if isinstance(bib, bytes) else bib.encode("utf-8"))
    paper = tmp_path / "paper.md"
    paper.write_text("---\nbibliography: refs.bib\n---\n\n" + md, encoding="utf-8")
    config.setdefault("today", TODAY)
    config.setdefault("ignore", ("manuscript-date-unknown",))
    return check_paths([paper], Config(**config))


def found(tmp_path, md: str, bib: str = BIB, **config) -> list[tuple[str, int, str]]:
    """(rule, line, file name) of each finding."""
    return [(f.rule, f.span.line, f.span.path.rsplit("/", 1)[-1]) for f in check(tmp_path, md, bib, **config).findings]


def test_keys_that_resolve_give_nothing(tmp_path):
    assert found(tmp_path, "Cells divide [@smith2019; @Hegedus2020, p. 3].\n") == []


CASES = {
    "bibtex-syntax-error": ("Cells [@smith2019].\n", BIB + "\n@article{broken,\n  title = {Unbalanced {braces},\n  year = 2019\n"),
    "undefined-citation-key": ("Cells [@smith2018].\n", BIB),
    "unused-bib-entry": ("Cells [@smith2019].\n", BIB),
    "duplicate-bib-key": ("Cells [@smith2019; @Hegedus2020].\n", BIB + "\n@article{smith2019, author = {Smith, J.}, title = {Other}, journal = {J}, year = {2019}}\n"),
    "missing-required-field": ("Cells [@smith2019; @Hegedus2020; @nojournal].\n", BIB + "\n@article{nojournal, author = {Wu, H.}, title = {T}, year = {2001}}\n"),
    "bib-list-disagreement": ("Cells (Smith and Lee, 2019).\n\n## References\n\n- Smith J, Lee K. 2019. A study of cell division. J Biol 12:100.\n", BIB),
    "author-list-misread": ("Cells [@commas].\n", BIB + "\n@article{commas, author = {Smith, John, Doe, Jane}, title = {T}, journal = {J}, year = {2001}}\n"),
    "cited-entry-without-year": ("Cells [@noyear].\n", BIB + "\n@article{noyear, author = {Wu, H.}, title = {NumPy}, journal = {J}}\n"),
    "duplicate-bib-field": ("Cells [@twice].\n", BIB + "\n@article{twice, author = {Wu, H.}, title = {A}, title = {B}, journal = {J}, year = {2001}}\n"),
    "duplicate-bib-work": ("Cells [@smith2019; @Smith_cells].\n", BIB + "\n@article{Smith_cells, author = {Smith, J.}, title = {A Study of Cell Division}, journal = {J Biol}, year = {2019}}\n"),
    "bib-encoding": ("Cells [@latin].\n", "@article{latin, author = {Jos\xe9, M.}, title = {T}, journal = {J}, year = {2001}}\n".encode("latin-1")),
}

# rules that only LaTeX manuscripts can trigger: (the .tex body, the .bib)
LATEX = "\\documentclass{article}\n\\begin{document}\n%s\n\\bibliographystyle{%s}\n\\bibliography{refs}\n\\end{document}\n"
LATEX_CASES = {
    "missing-bib-style": (LATEX % ("\\cite{smith2019}", "no-such-style-anywhere"), BIB),
    "undefined-entry-type": (LATEX % ("\\cite{site}", "plain"), BIB + "\n@online{site, author = {Wu, H.}, title = {A site}, year = {2020}}\n"),
}


def check_latex(tmp_path, tex: str, bib, **config):
    (tmp_path / "refs.bib").write_bytes(bib if isinstance(bib, bytes) else bib.encode("utf-8"))
    paper = tmp_path / "paper.tex"
    paper.write_text(tex, encoding="utf-8")
    config.setdefault("today", TODAY)
    config.setdefault("ignore", ("manuscript-date-unknown",))
    return check_paths([paper], Config(**config))


@pytest.mark.parametrize("name", sorted(LATEX_CASES))
def test_latex_rule_fires(tmp_path, name):
    tex, bib = LATEX_CASES[name]
    assert name in {f.rule for f in check_latex(tmp_path, tex, bib).findings}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_fires(tmp_path, name):
    md, bib = CASES[name]
    assert name in {rule for rule, _, _ in found(tmp_path, md, bib)}


def test_every_bibliography_rule_has_a_case():
    assert {r.name for r in RULES if r.code.startswith("RC6")} | {"bibtex-syntax-error"} == set(CASES) | set(LATEX_CASES)


@pytest.mark.parametrize("kind", ["misc", "online", "url", "webpage", "software", "manual"])
def test_an_undated_web_page_or_software_is_not_reported(tmp_path, kind):
    """"n.d." is how an undated page is rendered on purpose (APA, Chicago): nothing to fix."""
    bib = BIB + f"\n@{kind}{{site, author = {{{{NumPy developers}}}}, title = {{NumPy}}, url = {{https://numpy.org}}}}\n"
    assert "cited-entry-without-year" not in {rule for rule, _, _ in found(tmp_path, "Cells [@site].\n", bib)}


def test_findings_in_the_bib_point_into_the_bib(tmp_path):
    md, bib = CASES["duplicate-bib-key"]
    second = bib.splitlines().index("@article{smith2019, author = {Smith, J.}, title = {Other}, journal = {J}, year = {2019}}") + 1
    assert ("duplicate-bib-key", second, "refs.bib") in found(tmp_path, md, bib)


def test_the_closest_key_is_offered(tmp_path):
    (finding,) = [f for f in check(tmp_path, "Cells [@smith2018].\n").findings if f.rule == "undefined-citation-key"]
    assert finding.fix.replacement == "smith2019"


def test_a_key_that_differs_only_in_case_is_undefined_for_pandoc(tmp_path):
    """pandoc matches keys exactly ("citation hegedus2020 not found"); BibTeX would not mind."""
    (finding,) = [f for f in check(tmp_path, "Cells [@smith2019; @hegedus2020].\n").findings if f.rule == "undefined-citation-key"]
    assert str(finding.severity) == "error" and "pandoc matches keys exactly and the entry is 'Hegedus2020'" in finding.message


def test_accents_in_latex_do_not_make_a_disagreement(tmp_path):
    md = "Cells (Hegedűs, 2020).\n\n## References\n\n- Hegedűs P. 2020. Yeast again. Yeast.\n"
    assert "bib-list-disagreement" not in {r for r, _, _ in found(tmp_path, md)}


def test_a_missing_bib_file_is_said_at_the_manuscript(tmp_path):
    paper = tmp_path / "paper.md"
    paper.write_text("---\nbibliography: missing.bib\n---\n\nCells [@smith2019].\n", encoding="utf-8")
    report = check_paths([paper], Config(today=TODAY))
    assert [(f.rule, "missing.bib" in f.message) for f in report.findings if f.rule == "unreadable-input"] == [("unreadable-input", True)]


def test_an_entry_without_a_key_cannot_be_cited(tmp_path):
    bib = BIB + "\n@manual{,\n  title = {SymPy},\n  year = {2016},\n}\n"
    line = bib.splitlines().index("@manual{,") + 1
    assert [(r, n) for r, n, _ in found(tmp_path, "Cells [@smith2019; @Hegedus2020].\n", bib)] == [("bibtex-syntax-error", line)]


def test_fields_of_entries_never_cited_are_not_checked(tmp_path):
    bib = BIB + "\n@article{unused, author = {Wu, H.}, title = {T}, year = {2001}, journal = undefinedmacro}\n"
    rules = {r for r, _, _ in found(tmp_path, "Cells [@smith2019; @Hegedus2020].\n", bib)}
    assert "missing-required-field" not in rules and "bibtex-syntax-error" not in rules
    assert "unused-bib-entry" in rules


def test_a_field_disabled_on_purpose_is_not_missing(tmp_path):
    bib = BIB + "\n@article{news, author = {Port, O.}, title = {Simple solutions}, journal = {BusinessWeek}, IGNOREyear = {2005}}\n"
    assert "missing-required-field" not in {r for r, _, _ in found(tmp_path, "Cells [@smith2019; @Hegedus2020; @news].\n", bib)}


# --- Manubot: keys that name the work by an identifier --------------------------------------

MANUBOT = """\
Open review [@doi:10.7554/eLife.38532; @tag:avasthi-preprints] and a figure (@fig:workflow, @tbl:platforms).
Also [@pmid:31233491] and [@url:https://example.org/post-1] and [@tag:undefined-one].

[@tag:avasthi-preprints]: doi:10.7554/ELIFE.38532
"""


def manubot(tmp_path):
    paper = tmp_path / "main.md"
    paper.write_text(MANUBOT, encoding="utf-8")
    return check_paths([paper], Config(today=TODAY, ignore=("manuscript-date-unknown",)))


def test_manubot_keys_are_read_whole_and_crossref_labels_are_not_citations(tmp_path):
    keys = [i.key for c in manubot(tmp_path).manuscripts[0].citations for i in c.items]
    assert keys == ["doi:10.7554/eLife.38532", "tag:avasthi-preprints", "pmid:31233491", "url:https://example.org/post-1", "tag:undefined-one"]


def test_manubot_identifiers_need_no_bibliography_but_tags_need_a_definition(tmp_path):
    findings = [(f.rule, f.span.line) for f in manubot(tmp_path).findings]
    assert ("undefined-citation-key", 2) in findings
    assert "no-reference-list" not in {rule for rule, _ in findings}


def test_two_keys_for_one_work_are_a_duplicate_reference(tmp_path):
    (finding,) = [f for f in manubot(tmp_path).findings if f.rule == "duplicate-reference"]
    assert "@tag:avasthi-preprints" in finding.message and "doi:10.7554/elife.38532" in finding.message


def test_identifier_keys_must_be_in_the_bib_when_there_is_one(tmp_path):
    assert ("undefined-citation-key", 5) in [(r, n) for r, n, _ in found(tmp_path, "Cells [@smith2019; @Hegedus2020; @doi:10.1/missing].\n")]


def test_a_suppression_in_the_bib_covers_the_entry_below_it_and_nothing_in_the_manuscript(tmp_path):
    bib = BIB + "\n% refcheck: ignore missing-required-field\n@article{nojournal, author = {Wu, H.}, title = {T}, year = {2001}}\n"
    rules = {r for r, _, f in found(tmp_path, "Cells [@smith2019; @Hegedus2020; @nojournal].\n", bib)}
    assert "missing-required-field" not in rules


def test_a_short_doi_is_resolved_online_and_then_seen_as_the_same_work(tmp_path):
    from refcheck.api import check
    from refcheck.readers import read_text
    from tests.test_crossref_rules import FakeCrossref

    md = "Shown before [@doi:10.1098/rsif.2017.0387] and again [@doi:10/gddkhn].\n"
    offline = check(read_text(md, "main.md"), Config(today=TODAY))
    assert "duplicate-reference" not in {f.rule for f in offline.findings}  # a shortDOI needs doi.org
    client = FakeCrossref()
    client.short_dois["10/gddkhn"] = "10.1098/rsif.2017.0387"
    online = check(read_text(md, "main.md"), Config(today=TODAY), crossref=client)
    assert [f.rule for f in online.findings if f.rule == "duplicate-reference"] == ["duplicate-reference"]
    assert client.asked == ["handle:10/gddkhn"]


def test_an_unreadable_bib_is_said_once_not_as_a_missing_bibliography(tmp_path):
    report = check(tmp_path, "Cells [@smith2019].\n", bib="\x00\x01binary" * 100)
    assert [f.rule for f in report.findings] == ["unreadable-input"]
    assert "refs.bib" in report.findings[0].message and "binary" in report.findings[0].message
