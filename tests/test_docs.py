"""The documentation says what the code does: docs/rules.md is generated from the rules'
docstrings and current; action.yml runs the command lines docs/ci.md gives; the pre-commit
hook is well-formed.

The action is exercised by a small stand-in for the GitHub runner (``run_action``): it walks
action.yml's steps in order, evaluates each ``if:`` and ``${{ }}`` expression the way the
runner does for the subset used there, runs the ``run:`` scripts with ``bash -eo pipefail``
(the runner's ``shell: bash``) and records ``uses:`` steps without running them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from refcheck.rules import RULES
from tests.conftest import ROOT

DOC = ROOT / "docs" / "rules.md"
CI_DOC = ROOT / "docs" / "ci.md"
ACTION = ROOT / "action.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"


# --- docs/rules.md ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location("make_rules_doc", ROOT / "scripts" / "make_rules_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rules_doc_is_current(generator):
    assert DOC.read_text(encoding="utf-8") == generator.render(), (
        "docs/rules.md is stale: run .venv/bin/python scripts/make_rules_doc.py and commit the result"
    )


def test_rules_doc_is_deterministic(generator):
    assert generator.render() == generator.render()


def test_check_flag_exits_1_when_stale(generator, tmp_path, monkeypatch, capsys):
    out = tmp_path / "rules.md"
    monkeypatch.setattr(generator, "OUT", out)
    assert generator.main(["--check"]) == 1  # missing
    out.write_text(generator.render().replace("## RC102", "## RC102 edited by hand", 1), encoding="utf-8")
    assert generator.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().err
    assert generator.main([]) == 0
    assert generator.main(["--check"]) == 0
    assert out.read_bytes() == DOC.read_bytes()


def _github_slug(heading: str) -> str:
    """GitHub's heading anchor: lower case, punctuation other than - and _ dropped, spaces to -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _rule_sections(text: str) -> dict[str, str]:
    """Heading text -> the section below it, for every ``## `` heading."""
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_every_rule_has_its_section_and_anchor():
    text = DOC.read_text(encoding="utf-8")
    sections = _rule_sections(text)
    ids = re.findall(r'<a id="([^"]+)"></a>', text)
    assert len(ids) == len(set(ids)), "anchors are unique"
    for r in RULES:
        heading = f"{r.code} {r.name}"
        assert heading in sections, f"no section `## {heading}` in docs/rules.md"
        assert _github_slug(heading) == f"{r.code.lower()}-{r.name}"
        # the explicit anchor sits right above its heading, so docs/rules.md#rc102 lands on it
        assert f'<a id="{r.code.lower()}"></a>\n\n## {heading}\n' in text, f"no <a id> anchor for {r.code}"
        assert f"](#{r.code.lower()})" in text, f"{r.code} missing from the index table"
        body = sections[heading]
        assert f"Severity: **{r.severity}**" in body
        assert f"On by default: **{'yes' if r.enabled else 'no'}**" in body
        assert f"Needs Crossref: **{'yes' if 'crossref' in r.needs else 'no'}**" in body
        assert r.summary.replace("``", "`") in body
        for label in ("Why it matters", "Example", "Fix"):
            assert f"**{label}:**" in body, f"{r.code}'s docstring has no '{label}:' paragraph"
    assert set(ids) == {r.code.lower() for r in RULES}


def test_rules_doc_renders_as_intended():
    """Every rule heading is a real level-2 heading, and no docstring line turned into a list or heading."""
    markdown_it = pytest.importorskip("markdown_it")
    tokens = markdown_it.MarkdownIt("commonmark").enable("table").parse(DOC.read_text(encoding="utf-8"))
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    for r in RULES:
        assert f"{r.code} {r.name}" in headings
    assert not any(t.type == "ordered_list_open" for t in tokens)
    assert sum(t.type == "bullet_list_open" for t in tokens) == 1  # the header's own list
    assert not any(t.type == "heading_open" and t.tag in ("h1", "h3") and "RC" in tokens[i + 1].content
                   for i, t in enumerate(tokens))


# --- .pre-commit-hooks.yaml ----------------------------------------------------------------------


def test_pre_commit_hook():
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "refcheck"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert hook["entry"] in scripts, "the hook's entry is the console script pip installs"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True and hook["args"] == []
    assert {"markdown", "tex"} <= set(hook["types_or"])
    files = re.compile(hook["files"])
    for name in ("paper.md", "chapters/intro.qmd", "analysis.Rmd", "thesis/main.tex"):
        assert files.search(name), name
    for name in ("references.bib", "paper.md.orig", "notes.txt", "figure.png"):
        assert not files.search(name), name


# --- action.yml ----------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>&&|\|\||==|!=|!|\(|\))|(?P<name>[A-Za-z_][\w.-]*(?:\(\))?))")


def _evaluate(expression: str, ctx: dict):
    """The runner's expression language, for what action.yml uses: contexts, 'strings', ==, !=, &&, ||, !, ()."""
    python, pos = [], 0
    expression = expression.strip()
    while pos < len(expression):
        m = _TOKEN.match(expression, pos)
        if not m:
            raise ValueError(f"cannot evaluate {expression!r} at {pos}")
        pos = m.end()
        if m["str"]:
            python.append(repr(m["str"][1:-1].replace("''", "'")))
        elif m["op"]:
            python.append({"&&": " and ", "||": " or ", "!": " not "}.get(m["op"], f" {m['op']} "))
        elif m["name"].endswith("()"):
            python.append(repr({"always()": True, "success()": not ctx["failed"], "failure()": ctx["failed"],
                                "cancelled()": False}[m["name"]]))
        else:
            value = ctx
            for part in m["name"].split("."):
                value = value.get(part, "") if isinstance(value, dict) else ""
            python.append(repr(value))
    return eval("".join(python), {"__builtins__": {}})  # noqa: S307 - built from the tokens above only


def _substitute(value, ctx: dict) -> str:
    def one(m):
        result = _evaluate(m.group(1), ctx)
        return ("true" if result else "false") if isinstance(result, bool) else str(result)

    return re.sub(r"\$\{\{(.*?)\}\}", one, str(value))


def run_action(inputs: dict, cwd: Path, *, bin_dir: Path, skip=("install",), rewrite=lambda script: script):
    """Run action.yml's composite steps as the runner would; returns (failed, steps, ran_uses)."""
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    given = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    unknown = set(inputs) - set(given)
    assert not unknown, f"not inputs of action.yml: {unknown}"
    given.update(inputs)
    ctx = {"inputs": given, "github": {"action_path": str(ROOT), "workspace": str(cwd)}, "steps": {}, "failed": False}
    ran_uses = []
    for index, step in enumerate(action["runs"]["steps"]):
        condition = str(step.get("if", "success()"))
        if not re.search(r"\b(always|success|failure|cancelled)\(\)", condition):
            condition = f"success() && ({condition})"
        step_id = step.get("id", f"__{index}")
        if not _evaluate(condition, ctx):
            ctx["steps"][step_id] = {"outcome": "skipped", "outputs": {}, "stdout": ""}
            continue
        if "uses" in step:
            ran_uses.append((step["uses"], {k: _substitute(v, ctx) for k, v in (step.get("with") or {}).items()}))
            ctx["steps"][step_id] = {"outcome": "success", "outputs": {}, "stdout": ""}
            continue
        if step_id in skip:
            ctx["steps"][step_id] = {"outcome": "success", "outputs": {}, "stdout": ""}
            continue
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], "inputs reach scripts through env only (no ${{ }} in run:)"
        output = cwd / f".github_output_{index}"
        output.write_text("")
        script = cwd / f".step_{index}.sh"
        script.write_text(rewrite(step["run"]))
        env = {**os.environ, **{k: _substitute(v, ctx) for k, v in (step.get("env") or {}).items()},
               "GITHUB_OUTPUT": str(output), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                                cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
        outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
        ctx["steps"][step_id] = {"outcome": "success" if result.returncode == 0 else "failure", "outputs": outputs,
                                 "stdout": result.stdout, "stderr": result.stderr, "returncode": result.returncode}
        ctx["failed"] = ctx["failed"] or result.returncode != 0
    return ctx["failed"], ctx["steps"], ran_uses


def _cli_formats() -> set[str]:
    from refcheck.cli import Format

    return {f.value for f in Format}


@pytest.fixture
def workspace(tmp_path):
    """A checkout holding review.md (no configuration file above it: tmp_path is outside the repository)."""
    shutil.copy(ROOT / "review.md", tmp_path / "review.md")
    return tmp_path


@pytest.fixture
def venv_bin():
    """Where the refcheck console script is (the virtualenv running these tests)."""
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "refcheck").exists():
        pytest.skip(f"no refcheck console script in {bin_dir}")
    return bin_dir


def test_action_inputs_and_defaults():
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    defaults = {name: spec.get("default") for name, spec in action["inputs"].items()}
    assert defaults == {"paths": "paper.md", "args": "", "fail-on": "error", "sarif": "true", "python-version": "3.12",
                        "mailto": "", "version": "", "from-source": "false"}
    uses = [s["uses"] for s in action["runs"]["steps"] if "uses" in s]
    assert uses[0].startswith("actions/setup-python@") and uses[-1] == "github/codeql-action/upload-sarif@v3"
    upload = action["runs"]["steps"][-1]
    assert upload["with"]["sarif_file"] == "refcheck.sarif" and "always()" in upload["if"]
    scripts = "\n".join(s.get("run", "") for s in action["runs"]["steps"])
    assert "--mailto" not in scripts and "REFCHECK_MAILTO" in scripts
    assert "pip install" in scripts and "refcheck-manuscript" in scripts


FAKE_REFCHECK = """#!/bin/sh
printf '%s\\n' "$@" >> argv.txt
echo "--" >> argv.txt
echo "${REFCHECK_MAILTO-unset}" >> mailto.txt
code="${FAKE_EXIT:-0}"
# like refcheck: findings do not fail a run with --fail-on never (a usage error still does)
case " $* " in *" --fail-on never "*) [ "$code" = 1 ] && code=0 ;; esac
exit "$code"
"""


def _fake_refcheck(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    (bin_dir / "refcheck").write_text(FAKE_REFCHECK)
    (bin_dir / "refcheck").chmod(0o755)
    return bin_dir


def _argvs(workspace: Path) -> list[list[str]]:
    calls = (workspace / "argv.txt").read_text().split("--\n")
    return [call.split("\n")[:-1] for call in calls if call]


def test_action_builds_the_documented_command_lines(workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_EXIT", "1")
    monkeypatch.delenv("REFCHECK_MAILTO", raising=False)
    failed, steps, uses = run_action({"paths": "review.md", "args": "--offline --lock refcheck.lock.json",
                                      "mailto": "someone@example.org"}, workspace, bin_dir=_fake_refcheck(tmp_path))
    assert _argvs(workspace) == [
        ["review.md", "--format", "github", "--fail-on", "error", "--offline", "--lock", "refcheck.lock.json"],
        ["review.md", "--format", "sarif", "--output", "refcheck.sarif", "--fail-on", "never", "--offline", "--lock", "refcheck.lock.json"],
    ]
    assert (workspace / "mailto.txt").read_text().split() == ["someone@example.org"] * 2  # by environment only
    # findings fail the action, and the SARIF is uploaded all the same
    assert failed and steps["annotate"]["outputs"]["exit-code"] == "1"
    assert [u for u, _ in uses] == ["actions/setup-python@v5", "github/codeql-action/upload-sarif@v3"]
    assert uses[0][1] == {"python-version": "3.12"}
    assert uses[1][1]["sarif_file"] == "refcheck.sarif"

    # the command lines docs/ci.md tells readers to run locally are the ones the action runs
    doc = CI_DOC.read_text(encoding="utf-8")
    assert "refcheck paper.md --format github --fail-on error\n" in doc
    assert "refcheck paper.md --format sarif --output refcheck.sarif --fail-on never\n" in doc


def test_action_keeps_a_workflow_mailto_and_skips_sarif_on_request(workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("REFCHECK_MAILTO", "workflow@example.org")
    failed, steps, uses = run_action({"paths": "review.md", "sarif": "false"}, workspace, bin_dir=_fake_refcheck(tmp_path))
    assert not failed and steps["annotate"]["outputs"]["exit-code"] == "0"
    assert len(_argvs(workspace)) == 1 and steps["sarif"]["outcome"] == "skipped"
    assert [u for u, _ in uses] == ["actions/setup-python@v5"]
    assert (workspace / "mailto.txt").read_text().split() == ["workflow@example.org"]


def test_action_stops_after_a_usage_error(workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_EXIT", "2")
    failed, steps, uses = run_action({"paths": "review.md"}, workspace, bin_dir=_fake_refcheck(tmp_path))
    assert failed and steps["annotate"]["outputs"]["exit-code"] == "2"
    assert steps["sarif"]["outcome"] == "skipped" and len(uses) == 1  # no report: nothing to upload


def test_action_installs_from_source_or_a_pinned_version(workspace, tmp_path):
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    (bin_dir / "python").write_text('#!/bin/sh\necho "$@" >> pip.txt\n')
    (bin_dir / "refcheck").write_text("#!/bin/sh\nexit 0\n")
    for tool in ("python", "refcheck"):
        (bin_dir / tool).chmod(0o755)
    for inputs in ({"from-source": "true"}, {"version": "0.1.0"}, {"version": ">=0.1,<0.2"}, {}):
        run_action({"paths": "review.md", "sarif": "false", **inputs}, workspace, bin_dir=bin_dir, skip=())
    installs = [line.split()[-1] for line in (workspace / "pip.txt").read_text().splitlines()]
    assert installs == [str(ROOT), "refcheck-manuscript==0.1.0", "refcheck-manuscript>=0.1,<0.2", "refcheck-manuscript"]


def _github_format_or_text(script: str) -> str:
    return script if "github" in _cli_formats() else script.replace("--format github", "--format text")


@pytest.mark.parametrize("fail_on, expected", [("error", 1), ("never", 0)])
def test_action_command_line_on_review_md(workspace, venv_bin, fail_on, expected):
    """The real refcheck, run by the action's own scripts: review.md has errors."""
    sarif = "sarif" in _cli_formats()
    failed, steps, uses = run_action({"paths": "review.md", "args": "--offline", "fail-on": fail_on,
                                      "sarif": "true" if sarif else "false"},
                                     workspace, bin_dir=venv_bin, rewrite=_github_format_or_text)
    annotate = steps["annotate"]
    assert annotate["returncode"] == expected, annotate["stderr"]
    assert annotate["outputs"]["exit-code"] == str(expected)
    assert failed is bool(expected), steps
    if sarif:
        assert steps["sarif"]["outcome"] == "success", steps["sarif"]["stderr"]
        assert uses[-1][0] == "github/codeql-action/upload-sarif@v3"
        log = json.loads((workspace / "refcheck.sarif").read_text(encoding="utf-8"))
        assert log["version"] == "2.1.0" and log["runs"][0]["results"]


def test_action_annotations_are_workflow_commands(workspace, venv_bin):
    if "github" not in _cli_formats():
        pytest.skip("`refcheck --format github` is not available yet (refcheck/render/github.py); "
                    "the exit codes were checked with --format text instead")
    _, steps, _ = run_action({"paths": "review.md", "args": "--offline", "sarif": "false"}, workspace, bin_dir=venv_bin)
    lines = steps["annotate"]["stdout"].splitlines()
    annotations = [line for line in lines if not line.startswith("refcheck: ")]  # the closing summary line
    assert annotations and all(line.startswith("::") for line in annotations), lines
    assert any(line.startswith("::error ") and "file=review.md" in line for line in annotations)
    assert len(lines) - len(annotations) <= 1


# --- docs/ci.md ----------------------------------------------------------------------------------


def _yaml_blocks(text: str) -> list:
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, flags=re.S)]


def test_ci_doc_workflow_uses_the_action_as_declared():
    doc = CI_DOC.read_text(encoding="utf-8")
    blocks = _yaml_blocks(doc)
    workflow = next(b for b in blocks if isinstance(b, dict) and "jobs" in b)
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["refcheck"]["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == "~/.cache/refcheck"
    homepage = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]["Homepage"]
    repo = homepage.removeprefix("https://github.com/")
    ours = next(s for s in steps if s.get("uses", "").startswith(repo + "@"))
    declared = yaml.safe_load(ACTION.read_text(encoding="utf-8"))["inputs"]
    assert set(ours["with"]) <= set(declared)
    assert "--lock refcheck.lock.json" in ours["with"]["args"]
    for name in declared:
        assert f"| `{name}` |" in doc, f"input {name} is not documented in docs/ci.md"

    config = next(b for b in blocks if isinstance(b, dict) and "repos" in b)
    (entry,) = config["repos"]
    assert entry["repo"] == homepage
    hook_ids = {h["id"] for h in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}
    assert {h["id"] for h in entry["hooks"]} <= hook_ids
