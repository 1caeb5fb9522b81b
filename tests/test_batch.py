"""Many manuscripts in one run: directories and globs, worker processes, one Crossref for all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from refcheck.api import Config, check_paths
from refcheck.batch import NoManuscripts, SharedLookups, manuscript_paths
from refcheck.crossref.client import CrossrefClient
from tests.conftest import SHARED, TODAY, tree
from tests.test_crossref_faults import AGENCIES, MANUSCRIPT, RECORDS

try:
    from tests.crossref_server import FakeCrossref, Limits
except ImportError:  # run with tests/ on sys.path
    from crossref_server import FakeCrossref, Limits

ROOT = Path(__file__).resolve().parent.parent
CORPUS = SHARED / "corpus" / "jats" / "md"


# --------------------------------------------------------------------------- finding manuscripts


def test_a_directory_is_walked_for_manuscripts_in_sorted_order(tmp_path):
    tree(tmp_path, {"b.md": "", "a/paper.tex": "\\documentclass{article}", "a/refs.bib": "", "c.xml": "<article/>", "notes.txt": "",
                    ".git/x.md": "", "node_modules/y.md": "", ".hidden.md": "", "z.docx": ""})
    assert [p.relative_to(tmp_path).as_posix() for p in manuscript_paths([tmp_path])] == ["b.md", "c.xml", "z.docx", "a/paper.tex"]


def test_latex_files_that_another_one_inputs_are_checked_as_part_of_it(tmp_path):
    doc = "\\documentclass{article}\n"
    tree(tmp_path, {"main.tex": doc + r"\input{sections/intro}\include{method.tex}", "sections/intro.tex": "", "method.tex": "", "other.tex": doc})
    assert [p.name for p in manuscript_paths([tmp_path])] == ["main.tex", "other.tex"]


def test_an_input_is_found_from_the_main_files_folder_and_a_fragment_alone_is_not_a_manuscript(tmp_path):
    """TeX reads \\input{sections/algorithm/crossover} in sections/algorithm.tex from main.tex's
    folder; a figure's .tex that nothing includes and that has no \\documentclass is a fragment."""
    tree(tmp_path, {"paper/main.tex": "\\documentclass{article}\n\\input{sections/algorithm}\n",
                    "paper/sections/algorithm.tex": "\\input{sections/algorithm/crossover}\n",
                    "paper/sections/algorithm/crossover.tex": "As in \\cite{a}.\n", "paper/figures/fig1.tex": "\\cite{b}\n"})
    assert [p.name for p in manuscript_paths([tmp_path])] == ["main.tex"]
    assert [p.name for p in manuscript_paths([tmp_path / "paper" / "figures" / "fig1.tex"])] == ["fig1.tex"]  # named: checked


def test_globs_are_expanded_and_a_file_named_twice_counts_once(tmp_path):
    tree(tmp_path, {"one.md": "", "two.md": "", "sub/three.md": "", "x.tex": ""})
    found = manuscript_paths([str(tmp_path / "**" / "*.md"), tmp_path / "one.md"])
    assert sorted(p.name for p in found) == ["one.md", "three.md", "two.md"]


@pytest.mark.parametrize("argument, says", [("missing.md", "no such file"), ("*.nothing", "matches no file"), ("empty", "no manuscript files")])
def test_what_names_nothing_is_an_error_with_the_reason(tmp_path, argument, says):
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoManuscripts, match=says):
        manuscript_paths([str(tmp_path / argument)])


# --------------------------------------------------------------------------- worker processes


@pytest.mark.skipif(not CORPUS.exists(), reason="the shared corpus is not available")
def test_worker_processes_give_exactly_the_serial_report(tmp_path):
    for path in sorted(CORPUS.glob("*.md"))[:6]:
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "broken.md").write_bytes(b"\x00\x01binary")

    def report(jobs: str) -> str:
        proc = subprocess.run([sys.executable, "-m", "refcheck", str(tmp_path), "--offline", "--format", "json", "--jobs", jobs],
                              capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert proc.returncode == 1, proc.stderr
        return proc.stdout

    serial, parallel = report("1"), report("2")
    assert serial == parallel
    data = json.loads(parallel)
    assert len(data["manuscripts"]) == 7 and data["citations"][0]["id"] == "1:c1"
    assert any(f["rule"] == "unreadable-input" and f["span"]["path"].endswith("broken.md") for f in data["findings"])


# --------------------------------------------------------------------------- one Crossref for all


def manuscripts(folder: Path, copies: int) -> list[Path]:
    """``copies`` manuscripts citing the same ten works (each a copy of the fault tests' manuscript)."""
    paths = []
    for i in range(copies):
        path = folder / f"paper{i}.md"
        path.write_text(MANUSCRIPT, encoding="utf-8")
        paths.append(path)
    return paths


def test_a_work_cited_by_many_manuscripts_is_asked_about_once(tmp_path):
    with FakeCrossref(RECORDS, agencies=AGENCIES, lookup=Limits(50, 1.0, 5), search=Limits(50, 1.0, 5)) as server:
        (tmp_path / "one").mkdir()
        (tmp_path / "five").mkdir()
        single = CrossrefClient(requests.Session(), base_url=server.url, timeout=(0.5, 1.0))
        check_paths(manuscripts(tmp_path / "one", 1), Config(today=TODAY), crossref=single)
        alone = len(server.requests)
        server.requests.clear()
        client = CrossrefClient(requests.Session(), base_url=server.url, timeout=(0.5, 1.0))
        report = check_paths(manuscripts(tmp_path / "five", 5), Config(today=TODAY), crossref=client, jobs=2)
        asked = [seen.raw_path for seen in server.requests]
    assert len(asked) == alone and len(set(asked)) == len(asked), asked  # five manuscripts, the questions of one
    statuses = [[m.status for m in manuscript.matches] for manuscript in report.manuscripts]
    assert all(s == statuses[0] for s in statuses) and "verified" in statuses[0]


def test_shared_lookups_ask_a_question_in_flight_only_once():
    import threading
    import time

    class Slow:
        calls = 0
        down = None

        def search(self, text):
            Slow.calls += 1
            time.sleep(0.2)
            return [text]

    shared = SharedLookups(Slow())
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(shared.search("same words"))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Slow.calls == 1 and answers == [["same words"]] * 4


def test_a_failed_question_is_not_remembered():
    class Flaky:
        calls = 0

        def work(self, doi):
            Flaky.calls += 1
            if Flaky.calls == 1:
                raise RuntimeError("first answer lost")
            return doi

    shared = SharedLookups(Flaky())
    with pytest.raises(RuntimeError):
        shared.work("10.1/X")
    assert shared.work("10.1/x") == "10.1/x" and shared.work("10.1/X") == "10.1/x" and Flaky.calls == 2


def test_progress_counts_towards_one_total_for_all_manuscripts(tmp_path):
    seen = []
    with FakeCrossref(RECORDS, agencies=AGENCIES, lookup=Limits(50, 1.0, 5), search=Limits(50, 1.0, 5)) as server:
        client = CrossrefClient(requests.Session(), base_url=server.url, timeout=(0.5, 1.0))
        check_paths(manuscripts(tmp_path, 3), Config(today=TODAY), crossref=client, progress=lambda n, total: seen.append((n, total)))
    assert {total for _, total in seen} == {30} and sum(n for n, _ in seen) == 30
