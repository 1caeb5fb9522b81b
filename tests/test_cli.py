"""The command line as a user types it: exit codes, formats, rule documentation."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def refcheck(*args: str, env: dict | None = None, cwd=ROOT) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "refcheck", *args], cwd=cwd, capture_output=True, text=True, timeout=60, env=full_env)


def test_review_md_exits_1_with_a_summary_line():
    result = refcheck("review.md")
    assert result.returncode == 1
    assert "2 error(s), 4 warning(s), 4 info" in result.stdout
    assert "review.md:130:5: RC201 [error] number 15 is used twice" in result.stdout


def test_plain_output_when_not_a_terminal():
    assert "\x1b[" not in refcheck("review.md").stdout


def test_colour_can_be_forced_and_no_color_wins_over_auto():
    assert "\x1b[" in refcheck("review.md", "--color").stdout
    assert "\x1b[" not in refcheck("review.md", env={"NO_COLOR": "1"}).stdout


def test_fail_on_controls_the_exit_code():
    assert refcheck("review.md", "--select", "reference-never-cited").returncode == 0
    assert refcheck("review.md", "--select", "reference-never-cited", "--fail-on", "warning").returncode == 1
    assert refcheck("review.md", "--fail-on", "never").returncode == 0


def test_select_and_ignore_by_prefix_and_name():
    result = refcheck("review.md", "--format", "json", "--select", "RC2", "--ignore", "merged-references")
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert rules == {"duplicate-reference-number", "incomplete-reference"}


def test_unknown_rule_is_a_usage_error():
    result = refcheck("review.md", "--select", "no-such-rule")
    assert result.returncode == 2 and "unknown rule 'no-such-rule'" in result.stderr


def test_missing_file_is_a_usage_error():
    result = refcheck("no-such-file.md")
    assert result.returncode == 2 and "no such file" in result.stderr


def test_bad_manuscript_date_is_a_usage_error():
    assert refcheck("review.md", "--manuscript-date", "14.07.2023").returncode == 2


def test_json_output_file_is_deterministic(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert refcheck("review.md", "--format", "json", "--output", str(a)).returncode == 1
    assert refcheck("review.md", "--format", "json", "-o", str(b)).returncode == 1
    assert a.read_bytes() == b.read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))


def test_rules_lists_every_rule():
    from refcheck.rules import RULES

    result = refcheck("rules")
    assert result.returncode == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == [r.code for r in RULES]


def test_rule_prints_the_documentation_by_name_or_code():
    by_name = refcheck("rule", "reference-never-cited")
    by_code = refcheck("rule", "RC102")
    assert by_name.returncode == 0 and by_name.stdout == by_code.stdout
    assert "Why it matters" in by_name.stdout and "Chang" in by_name.stdout


def test_unknown_rule_documentation_suggests_a_name():
    result = refcheck("rule", "reference-never-cite")
    assert result.returncode == 2 and "did you mean reference-never-cited" in result.stderr


def test_version_and_help():
    assert refcheck("--version").stdout.startswith("refcheck ")
    help_text = refcheck("--help").stdout
    assert "--fail-on" in help_text and "--format" in help_text


def test_suppression_comment_in_a_file(tmp_path):
    paper = tmp_path / "paper.md"
    paper.write_text(
        "Accepted: 1 March 2020.\n\n<!-- refcheck: ignore citation-after-manuscript-date -->\nCells (Karimi et al., 2024).\n\n"
        "## References\n\n- Karimi Z, Daryabor G, Masjedi F. 2024. A title here. J 1:1.\n",
        encoding="utf-8",
    )
    result = refcheck(str(paper), "--format", "json")
    data = json.loads(result.stdout)
    assert data["findings"] == [] and data["summary"]["suppressed"] == 1


def test_several_files_get_unique_ids_and_their_own_metadata(tmp_path):
    other = tmp_path / "other.md"
    other.write_text("Accepted: 1 March 2020.\n\nCells (Lee, 2019).\n\n## References\n\n- Lee K. 2019. A title. J 1:1.\n", encoding="utf-8")
    data = json.loads(refcheck("review.md", str(other), "--format", "json").stdout)
    ids = [c["id"] for c in data["citations"]] + [r["id"] for r in data["references"]]
    assert len(ids) == len(set(ids))
    assert {c["id"].split(":")[0] for c in data["citations"]} == {"1", "2"}
    known = set(ids)
    assert all(link["citation"] in known and set(link["references"]) <= known for link in data["links"])
    assert [m["dates"]["accepted"] for m in data["manuscripts"]] == ["2023-07-14", "2020-03-01"]
