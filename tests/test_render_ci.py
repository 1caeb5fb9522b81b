"""Reports for CI: SARIF for GitHub code scanning, and workflow-command annotations (`--format github`)."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import jsonschema
import pytest

from refcheck.api import Config, check_paths
from refcheck.model import Finding, Fix, Severity, Span
from refcheck.render import github, sarif
from refcheck.report import Report
from tests.conftest import ROOT, SHARED, TODAY

SNAPSHOT = ROOT / "tests" / "snapshots" / "review.github.txt"


def check_in(directory, *paths: str) -> Report:
    """Check files by their paths relative to ``directory``, as a CI job run from the repository root does."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(directory)
        return check_paths(list(paths), Config(today=TODAY))


def to_sarif(report: Report) -> dict:
    out = io.StringIO()
    sarif.render(report, out)
    return json.loads(out.getvalue())


def to_github(report: Report) -> str:
    out = io.StringIO()
    github.render(report, out)
    return out.getvalue()


@pytest.fixture(scope="module")
def review() -> Report:
    return check_in(ROOT, "review.md")


@pytest.fixture(scope="module")
def review_run(review) -> dict:
    return to_sarif(review)["runs"][0]


def by_rule(run: dict, code: str) -> list[dict]:
    return [r for r in run["results"] if r["ruleId"] == code]


# --- SARIF ------------------------------------------------------------------------------------


def test_sarif_validates_against_the_sarif_2_1_0_schema(review):
    schema = json.loads((SHARED / "fixtures" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    validator(schema, format_checker=validator.FORMAT_CHECKER).validate(to_sarif(review))


def test_one_rule_descriptor_per_rule_that_ran_and_results_point_at_theirs(review, review_run):
    rules = review_run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in review.rules]
    assert rules[[r["id"] for r in rules].index("RC102")]["name"] == "reference-never-cited"
    for result in review_run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_rule_descriptor_carries_summary_help_link_and_default_level(review_run):
    rc102 = next(r for r in review_run["tool"]["driver"]["rules"] if r["id"] == "RC102")
    assert rc102["shortDescription"]["text"] == "Every entry of the reference list is cited in the text."
    assert rc102["help"]["markdown"].startswith(rc102["shortDescription"]["text"])
    assert rc102["helpUri"].endswith("/docs/rules.md#rc102")
    assert rc102["defaultConfiguration"]["level"] == "warning"


def test_levels_map_info_to_note(review_run):
    levels = {r["ruleId"]: r["level"] for r in review_run["results"]}
    assert {"RC201": "error", "RC102": "warning", "RC301": "note"}.items() <= levels.items()


def test_regions_are_the_findings_spans_with_relative_uris(review, review_run):
    assert len(review_run["results"]) == len(review.findings)
    for finding, result in zip(review.findings, review_run["results"]):
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": "review.md", "uriBaseId": "%SRCROOT%"}
        span = finding.span
        assert location["region"] == {"startLine": span.line, "startColumn": span.column,
                                      "endLine": span.end_line, "endColumn": span.end_column}
    assert review_run["columnKind"] == "unicodeCodePoints"


def test_fingerprints_survive_a_line_inserted_above(review_run, tmp_path):
    (tmp_path / "review.md").write_text("\n" + (ROOT / "review.md").read_text(encoding="utf-8"), encoding="utf-8")
    shifted = to_sarif(check_in(tmp_path, "review.md"))["runs"][0]

    def prints(run):
        return [r["partialFingerprints"]["refcheck/v1"] for r in run["results"]]

    def lines(run):
        return [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in run["results"]]

    assert prints(shifted) == prints(review_run)
    assert lines(shifted) == [line + 1 for line in lines(review_run)]
    assert len(set(prints(review_run))) == len(review_run["results"])


def test_a_replacement_fix_becomes_a_sarif_fix(review_run):
    (tan,) = by_rule(review_run, "RC301")
    (fix,) = tan["fixes"]
    assert fix["description"]["text"] == "write Tan et al. (2021)"
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "review.md"
    assert change["replacements"] == [{"deletedRegion": tan["locations"][0]["physicalLocation"]["region"],
                                       "insertedContent": {"text": "Tan et al. (2021)"}}]
    (merged,) = by_rule(review_run, "RC204")  # advice only ("split the entry"): said in the message, no fix
    assert "fixes" not in merged and merged["message"]["text"].endswith("\nfix: split the entry into one entry per work")


def test_report_notes_are_tool_notifications(review_run):
    (invocation,) = review_run["invocations"]
    assert invocation["executionSuccessful"] is True
    assert [n["level"] for n in invocation["toolExecutionNotifications"]] == ["note"]
    assert "Crossref was not consulted" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_sarif_is_deterministic(review):
    first, second = io.StringIO(), io.StringIO()
    sarif.render(review, first)
    sarif.render(review, second)
    assert first.getvalue() == second.getvalue()


HOSTILE_BIB = ('@article{smith2019, author = {Smith, John}, title = {A "quoted" <script>alert(1)</script> \\%0A ::error::x} junk,'
               " journal = {J}, year = {2019}}\n")
HOSTILE_MD = "---\nbibliography: refs.bib\n---\nAs shown [@smith2019].\n"
WRAPPED_MD = "# Paper\n\nAs shown by (Smith,\n2019).\n\n## References\n\n1. Smith, J. (2018). A title. Journal, 1, 1-2.\n"


@pytest.fixture
def hostile(tmp_path) -> Report:
    """A .bib value with a quote, a script tag, an escaped newline and a workflow command; a citation over two lines."""
    (tmp_path / "refs.bib").write_text(HOSTILE_BIB, encoding="utf-8")
    (tmp_path / "paper.md").write_text(HOSTILE_MD, encoding="utf-8")
    (tmp_path / "wrapped.md").write_text(WRAPPED_MD, encoding="utf-8")
    return check_in(tmp_path, "paper.md", "wrapped.md")


def test_hostile_text_round_trips_through_sarif(hostile):
    messages = [f.message for f in hostile.findings]
    assert any('"quoted" <script>alert(1)</script> \\%0A ::error::x' in m for m in messages)  # (\\%: pandoc reads % as a comment)
    assert any("\n" in m for m in messages)
    results = to_sarif(hostile)["runs"][0]["results"]
    assert len(results) == len(messages)
    assert all(r["message"]["text"].startswith(m) for r, m in zip(results, messages))


# --- GitHub workflow commands ----------------------------------------------------------------


def test_github_annotations_for_review_md_match_the_snapshot(review):
    assert to_github(review) == SNAPSHOT.read_text(encoding="utf-8")


def test_github_escapes_as_the_toolkit_does():
    assert github.escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert github.escape_data("a%0Ab") == "a%250Ab"  # an already-escaped newline stays literal text
    assert github.escape_data("a: b, c") == "a: b, c"  # the message may keep colons and commas
    assert github.escape_property("a: b, c%\n") == "a%3A b%2C c%25%0A"


def test_github_properties_are_escaped():
    span = Span("dir,x/a:b%.md", 3, 2, 3, 9, 40, 47)
    report = Report.build([Finding("RC101", "citation-without-reference", Severity.ERROR, span, "no entry")])
    assert to_github(report).splitlines()[0] == (
        "::error file=dir%2Cx/a%3Ab%25.md,line=3,endLine=3,col=2,endColumn=9,title=RC101 citation-without-reference::no entry")


def test_github_fix_is_a_second_line_of_the_message_and_columns_only_within_one_line():
    span = Span("paper.md", 3, 2, 4, 9, 40, 60)
    finding = Finding("RC301", "malformed-citation", Severity.INFO, span, "odd form", Fix("write X"))
    line = to_github(Report.build([finding])).splitlines()[0]
    assert line == "::notice file=paper.md,line=3,endLine=4,title=RC301 malformed-citation::odd form%0Afix: write X"


def test_an_injected_command_cannot_start_a_line():
    span = Span("paper.md", 1, 1, 1, 5, 0, 4)
    message = "'(Evil,\n::error file=x.md,line=1::pwned\r\n::add-mask::x, 2019)' matches no entry"
    report = Report.build([Finding("RC101", "citation-without-reference", Severity.ERROR, span, message)])
    lines = to_github(report).splitlines()
    assert len(lines) == 2 and lines[1].startswith("refcheck: 1 error(s)")
    assert lines[0].endswith("::'(Evil,%0A::error file=x.md,line=1::pwned%0D%0A::add-mask::x, 2019)' matches no entry")


def test_hostile_manuscript_gives_one_line_per_finding(hostile):
    lines = to_github(hostile).splitlines()
    assert len(lines) == len(hostile.findings) + len(hostile.notes) + 1
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines[: len(hostile.findings)])


# --- the command line -------------------------------------------------------------------------


def refcheck(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "refcheck", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_cli_writes_sarif():
    result = refcheck("review.md", "--offline", "--format", "sarif")
    assert result.returncode == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0" and log["runs"][0]["tool"]["driver"]["name"] == "refcheck"


def test_cli_writes_github_annotations():
    result = refcheck("review.md", "--offline", "--format", "github")
    assert result.returncode == 1
    assert "::error file=review.md,line=130,endLine=130,col=5,endColumn=219,title=RC201 duplicate-reference-number::" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("refcheck: 2 error(s), 4 warning(s), 4 info")
