"""Configuration files: [tool.refcheck] in pyproject.toml or refcheck.toml; the command line wins."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from refcheck import config
from tests.conftest import ROOT


def refcheck(cwd, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "refcheck", *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)})


@pytest.fixture
def project(tmp_path):
    shutil.copy(ROOT / "review.md", tmp_path / "review.md")
    return tmp_path


def rules_reported(result) -> set[str]:
    return {f["rule"] for f in json.loads(result.stdout)["findings"]}


def test_the_file_sets_paths_rules_severity_and_fail_on(project):
    (project / "pyproject.toml").write_text(
        '[tool.refcheck]\npaths = ["review.md"]\nignore = ["merged-references"]\nfail-on = "never"\noffline = true\n'
        '[tool.refcheck.severity]\nreference-never-cited = "error"\n', encoding="utf-8")
    result = refcheck(project, "--format", "json")
    assert result.returncode == 0  # fail-on = "never"
    findings = json.loads(result.stdout)["findings"]
    assert "merged-references" not in {f["rule"] for f in findings}
    assert {f["severity"] for f in findings if f["rule"] == "reference-never-cited"} == {"error"}


def test_the_command_line_wins_over_the_file(project):
    (project / "refcheck.toml").write_text('ignore = ["merged-references"]\nfail-on = "never"\noffline = true\n', encoding="utf-8")
    result = refcheck(project, "review.md", "--format", "json", "--ignore", "reference-never-cited", "--fail-on", "error")
    assert result.returncode == 1
    rules = rules_reported(result)
    assert "merged-references" in rules and "reference-never-cited" not in rules


def test_refcheck_toml_is_found_from_a_subdirectory_and_isolated_ignores_it(project):
    (project / "refcheck.toml").write_text('ignore = ["merged-references"]\noffline = true\n', encoding="utf-8")
    (project / "sub").mkdir()
    assert "merged-references" not in rules_reported(refcheck(project / "sub", "../review.md", "--format", "json"))
    assert "merged-references" in rules_reported(refcheck(project / "sub", "../review.md", "--format", "json", "--isolated", "--offline"))


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[tool.refcheck]\npath = ['x.md']\n", "unknown key 'path'"),
        ("[tool.refcheck]\nfail-on = 'sometimes'\n", "'fail-on' must be one of"),
        ("[tool.refcheck]\nselect = ['RC9', 'no-such-rule']\n", "unknown rule 'no-such-rule'"),
        ("[tool.refcheck]\nmanuscript-date = '14.07.2023'\n", "not an ISO date"),
        ("[tool.refcheck.severity]\nreference-never-cited = 'fatal'\n", "severity.reference-never-cited must be"),
        ("[tool.refcheck]\npaths = 'a.md' 'b.md'\n", "not valid TOML"),
    ],
)
def test_bad_settings_are_usage_errors_naming_the_file_and_key(project, text, said):
    (project / "pyproject.toml").write_text(text, encoding="utf-8")
    result = refcheck(project, "review.md", "--offline")
    assert result.returncode == 2 and said in result.stderr and "pyproject.toml" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_pyproject_without_our_table_is_not_a_configuration(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    assert config.find(tmp_path) is None


def test_relative_paths_in_the_file_are_relative_to_it(tmp_path):
    (tmp_path / "refcheck.toml").write_text('paths = ["paper.md"]\nbib = ["refs.bib"]\nlock = "refcheck.lock.json"\n', encoding="utf-8")
    settings = config.load(tmp_path / "refcheck.toml")
    assert settings.get("paths") == [str(tmp_path / "paper.md")] and settings.get("lock") == str(tmp_path / "refcheck.lock.json")


def test_no_manuscript_and_no_configuration_is_a_usage_error(tmp_path):
    result = refcheck(tmp_path)
    assert result.returncode == 2 and "no manuscript given" in result.stderr
