"""Bad input through the real command line: a clear message, a sensible exit code, no traceback, no hang.

Every case runs ``python -m refcheck`` as a subprocess with a timeout, so a hang fails the test
instead of blocking the suite. Timeouts are deliberately generous (this is not a benchmark; see
benchmarks/speed.py for timings): they only catch runaway (quadratic or worse) behaviour.
"""

from __future__ import annotations

import codecs
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from refcheck.api import Config, check_paths
from refcheck.readers import SNIFF_BYTES, load
from tests.conftest import ROOT, TODAY

TIMEOUT = 60  # seconds: a hang guard only, 100x what these runs take (tests/timing.py)
MB = 1_000_000

MANUSCRIPT = """# A small study

Received: 19 June 2023. Accepted: 14 July 2023.

Cells divide (Smith et al., 2019) and Lee (2020) agrees; see also (Nobody, 2001).

## References

- Smith J, Brown K, Green L. 2019. Cell division. J Cells 1:1–10.
- Lee A. 2020. More on division. J Cells 2:11–20.
- Unused B. 2018. Never cited. J Cells 3:21–30.
"""


def run_cli(*args: str | os.PathLike, timeout: float = TIMEOUT, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m refcheck ARGS``; fail (not hang) past ``timeout``; never a traceback."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "refcheck", *map(str, args)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            cwd=cwd,
            env=env,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"refcheck {' '.join(map(str, args))} ran longer than {timeout} s")
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr[-3000:]
    return proc


def run_json(path: Path, *args: str, timeout: float = TIMEOUT) -> tuple[int, dict, str]:
    """Run with ``--format json``; the report on stdout is always one valid JSON object."""
    proc = run_cli(path, "--format", "json", *args, timeout=timeout)
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr[-2000:])
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError as err:  # pragma: no cover - the assertion is the point
        pytest.fail(f"--format json wrote invalid JSON ({err}): {proc.stdout[:500]!r}")
    assert isinstance(data, dict) and data["schema_version"]
    return proc.returncode, data, proc.stderr


def rules(data: dict) -> list[str]:
    return [f["rule"] for f in data["findings"]]


def unreadable(path: Path, *args: str) -> str:
    """Exit 1 with exactly one unreadable-input finding (text and JSON); returns its message."""
    code, data, _ = run_json(path, *args)
    assert code == 1
    assert rules(data) == ["unreadable-input"], data["findings"]
    finding = data["findings"][0]
    assert finding["severity"] == "error" and finding["code"] == "RC001"
    assert finding["span"]["path"] == str(path)
    assert data["citations"] == [] and data["references"] == []
    text = run_cli(path, *args)
    assert text.returncode == 1
    assert "unreadable-input" in text.stdout and finding["message"] in text.stdout
    return finding["message"]


# --------------------------------------------------------------------------- usage errors (exit 2)


def test_missing_path_is_a_usage_error(tmp_path):
    missing = tmp_path / "nope.md"
    for args in ((), ("--format", "json")):
        proc = run_cli(missing, *args)
        assert proc.returncode == 2
        assert "no such file" in proc.stderr and str(missing) in proc.stderr
        assert proc.stdout == ""  # no half report, not even for --format json


def test_missing_path_among_good_ones_is_a_usage_error(tmp_path):
    good = tmp_path / "good.md"
    good.write_text(MANUSCRIPT, encoding="utf-8")
    proc = run_cli(good, tmp_path / "nope.md", "--format", "json")
    assert proc.returncode == 2 and "nope.md" in proc.stderr and proc.stdout == ""


@pytest.mark.parametrize(
    "args, needle",
    [
        (("--bogus",), "--bogus"),
        (("--format", "xml"), "xml"),
        (("--fail-on", "sometimes"), "sometimes"),
        (("--max-bytes", "lots"), "--max-bytes"),
        (("--select", "no-such-rule"), "no-such-rule"),
        (("--manuscript-date", "yesterday"), "yesterday"),
    ],
)
def test_bad_options_are_usage_errors(tmp_path, args, needle):
    good = tmp_path / "good.md"
    good.write_text(MANUSCRIPT, encoding="utf-8")
    proc = run_cli(good, *args)
    assert proc.returncode == 2
    assert needle in proc.stderr
    assert proc.stdout == ""


def test_no_arguments_is_a_usage_error():
    proc = run_cli()
    assert proc.returncode == 2 and "Usage" in proc.stderr


def test_output_into_missing_directory(tmp_path):
    good = tmp_path / "good.md"
    good.write_text(MANUSCRIPT, encoding="utf-8")
    target = tmp_path / "no" / "such" / "dir" / "report.json"
    proc = run_cli(good, "--format", "json", "--output", target)
    assert proc.returncode == 2
    assert "cannot write" in proc.stderr and str(target) in proc.stderr
    assert not target.parent.exists()


def test_output_onto_a_directory(tmp_path):
    good = tmp_path / "good.md"
    good.write_text(MANUSCRIPT, encoding="utf-8")
    target = tmp_path / "out"
    target.mkdir()
    proc = run_cli(good, "--format", "json", "--output", target)
    assert proc.returncode == 2 and "cannot write" in proc.stderr
    assert list(target.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["good.md", "out"]


def test_existing_report_is_not_truncated_when_the_run_fails(tmp_path):
    good = tmp_path / "good.md"
    good.write_text(MANUSCRIPT, encoding="utf-8")
    report = tmp_path / "report.json"
    previous = '{"previous": "report"}\n'
    report.write_text(previous, encoding="utf-8")
    for args in (
        (tmp_path / "missing.md",),
        (good, "--select", "no-such-rule"),
        (good, "--manuscript-date", "2023-13-45"),
        (good, "--bogus"),
    ):
        proc = run_cli(*args, "--format", "json", "--output", report)
        assert proc.returncode == 2
        assert report.read_text(encoding="utf-8") == previous, args
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.md", "report.json"]  # no temporary left over


def test_existing_report_is_replaced_whole_on_success(tmp_path):
    good = tmp_path / "good.md"
    good.write_text(MANUSCRIPT, encoding="utf-8")
    report = tmp_path / "report.json"
    report.write_text("x" * 100_000, encoding="utf-8")  # longer than the new report
    proc = run_cli(good, "--format", "json", "--output", report)
    assert proc.returncode == 1 and proc.stdout == ""
    data = json.loads(report.read_text(encoding="utf-8"))
    assert "citation-without-reference" in rules(data)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.md", "report.json"]


def test_atomic_write_keeps_the_old_report_when_rendering_fails(tmp_path):
    from refcheck.cli import _write_atomically

    report = tmp_path / "report.json"
    report.write_text("old\n", encoding="utf-8")

    def render(out):
        out.write("half a rep")
        raise RuntimeError("renderer broke")

    with pytest.raises(RuntimeError):
        _write_atomically(report, render)
    assert report.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


# --------------------------------------------------------------------------- unreadable input (exit 1)


def test_binary_file(tmp_path):
    path = tmp_path / "figure.md"
    rng = random.Random(0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(20_000)))
    assert "binary" in unreadable(path)


def test_binary_file_without_nul_bytes(tmp_path):
    path = tmp_path / "controls.md"
    path.write_bytes(bytes(range(1, 9)) * 2000)  # control characters, valid UTF-8, not text
    assert "binary" in unreadable(path)


def test_invalid_utf8(tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes(MANUSCRIPT.replace("Smith", "Sm\u00efth").encode("cp1252"))  # a Windows "ANSI" file
    message = unreadable(path)
    assert "not valid UTF-8" in message and "0xef" in message and "line 5" in message


def test_a_latin1_latex_file_is_read_as_tex_reads_it(tmp_path):
    """TeX reads bytes: a .tex with Latin-1 accents (in comments, or under inputenc latin1) builds, so
    it is read in the encoding it looks like, with a note, not dropped."""
    path = tmp_path / "thesis.tex"
    tex = "\\documentclass{article}\n% Ty\u00f6n alku\n\\begin{document}\nAs in \\cite{a}.\n\\end{document}\n"
    path.write_bytes(tex.encode("latin-1"))
    report = check_paths([path], Config(today=TODAY))
    notes = [f for f in report.findings if f.rule == "unreadable-input"]
    assert [str(f.severity) for f in notes] == ["info"] and "read as Latin-1" in notes[0].message
    assert any(f.rule == "no-reference-list" for f in report.findings)  # the citation was read


def test_truncated_utf8_sequence_at_end(tmp_path):
    path = tmp_path / "cut.md"
    path.write_bytes(MANUSCRIPT.encode("utf-8") + "é".encode("utf-8")[:1])
    assert "not valid UTF-8" in unreadable(path)


def test_invalid_utf16_after_bom(tmp_path):
    path = tmp_path / "broken16.md"
    path.write_bytes(codecs.BOM_UTF16_LE + "(Smith, 2019)".encode("utf-16-le") + b"\x00\xd8")  # lone surrogate
    assert "UTF-16" in unreadable(path)


def test_utf16_without_bom_is_refused_not_misread(tmp_path):
    path = tmp_path / "nobom16.md"
    path.write_bytes(MANUSCRIPT.encode("utf-16-le"))
    unreadable(path)


def test_a_directory_is_searched_for_manuscripts_and_an_empty_one_is_a_usage_error(tmp_path):
    folder = tmp_path / "paper"
    folder.mkdir()
    (folder / "notes.bib").write_text("@misc{x, title={X}}", encoding="utf-8")
    proc = run_cli(folder)
    assert proc.returncode == 2 and "no manuscript files in this directory" in proc.stderr and "Traceback" not in proc.stderr
    (folder / "paper.md").write_text(MANUSCRIPT, encoding="utf-8")
    code, data, _ = run_json(folder)
    assert [m["path"] for m in data["manuscripts"]] == [str(folder / "paper.md")]


def test_50_mb_file_is_refused_by_the_size_limit_quickly(tmp_path):
    path = tmp_path / "huge.md"
    line = "Cells divide (Smith et al., 2019) and Lee (2020) agrees on this.\n"
    with path.open("w", encoding="utf-8") as out:
        out.write(line * (50 * MB // len(line) + 1))
    assert path.stat().st_size > 50 * MB
    message = unreadable(path)  # the whole run, twice, under the timeout: the file is not read
    assert "MB" in message and "limit" in message and "--max-bytes" in message


@pytest.mark.parametrize("name, head", [("huge.xml", b'<?xml version="1.0"?><article>'), ("huge.docx", b"PK\x03\x04"), ("huge.pdf", b"%PDF-1.7\n"),
                                        ("huge.txt", b"Page 1 of 900\n"), ("huge.tex", b"\\documentclass{article}")])
def test_a_100_mb_file_of_any_format_is_refused_before_it_is_read(tmp_path, monkeypatch, name, head):
    path = tmp_path / name
    with path.open("wb") as out:  # sparse: 100 MB on paper, a few bytes on disk
        out.write(head)
        out.truncate(100 * MB)
    message = unreadable(path)
    assert "100.0 MB" in message or "104.9 MB" in message, message
    assert "limit" in message and "--max-bytes" in message
    # unread, counted rather than timed (tests/timing.py): at most the format sniff's first bytes
    read = bytes_read_from(path, monkeypatch)
    (problem,) = load(path).problems
    assert problem.rule == "unreadable-input" and "limit" in problem.message
    assert sum(read) <= SNIFF_BYTES, f"{sum(read):,} bytes read"


def bytes_read_from(path: Path, monkeypatch) -> list[int]:
    """From now on, every read from ``path`` in this process is noted: the sizes returned."""
    read: list[int] = []
    opened = Path.open

    class Counting:
        def __init__(self, handle):
            self.handle = handle

        def read(self, *args):
            data = self.handle.read(*args)
            read.append(len(data))
            return data

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def __getattr__(self, name):
            return getattr(self.handle, name)

    def counting_open(self, *args, **kwargs):
        handle = opened(self, *args, **kwargs)
        return Counting(handle) if Path(self) == path else handle

    monkeypatch.setattr(Path, "open", counting_open)
    return read


def test_max_bytes_lowers_the_limit(tmp_path):
    path = tmp_path / "paper.md"
    path.write_text(MANUSCRIPT, encoding="utf-8")
    assert "limit" in unreadable(path, "--max-bytes", "100")


def test_max_bytes_raises_the_limit_for_a_5_mb_file(tmp_path):
    path = tmp_path / "long.md"
    paragraph = (
        "The measurements were repeated on three independent days with fresh material, and the "
        "variation between days was smaller than the variation within a day. " * 6
    )
    cited = paragraph + "This agrees with earlier work (Smith et al., 2019).\n\n"
    body = cited * (5 * MB // len(cited) + 1)
    path.write_text("# Long\n\n" + body + "## References\n\n- Smith J, Brown K, Green L. 2019. Cell division. J Cells 1:1–10.\n", encoding="utf-8")
    size = path.stat().st_size
    assert size > 5 * MB
    assert "limit" in unreadable(path, "--max-bytes", str(4 * MB))
    code, data, _ = run_json(path, "--max-bytes", str(size + 1), "--manuscript-date", "2024-01-01")
    assert code == 0
    assert "unreadable-input" not in rules(data)
    assert len(data["references"]) == 1 and len(data["citations"]) == body.count("(Smith et al., 2019)")


# --------------------------------------------------------------------------- readable edge cases


def test_empty_file(tmp_path):
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    code, data, _ = run_json(path)
    assert code == 0 and data["findings"] == [] and data["citations"] == []
    assert run_cli(path).returncode == 0


@pytest.mark.parametrize("content", ["\n\n\n", "   \t  \n", "\ufeff", "## References\n", "## References\n\n\n"])
def test_blank_or_heading_only_file(tmp_path, content):
    path = tmp_path / "blank.md"
    path.write_text(content, encoding="utf-8")
    code, data, _ = run_json(path)
    assert code == 0 and data["findings"] == []


def test_no_reference_list(tmp_path):
    path = tmp_path / "noref.md"
    path.write_text("# Notes\n\nCells divide (Smith et al., 2019), as Lee (2020) showed.\n", encoding="utf-8")
    code, data, _ = run_json(path)
    assert code == 0  # a warning, below the default --fail-on error
    assert "no-reference-list" in rules(data)
    (finding,) = [f for f in data["findings"] if f["rule"] == "no-reference-list"]
    assert finding["severity"] == "warning" and "no reference section" in finding["message"]
    assert run_json(path, "--fail-on", "warning")[0] == 1


def _comparable(data: dict) -> dict:
    """The report minus file names (which differ between the encoded copies)."""
    text = json.dumps({k: data[k] for k in ("citations", "references", "links", "findings", "manuscript")})
    return json.loads(text.replace(data["files"][0]["path"], "PATH"))


@pytest.mark.parametrize(
    "name, encode",
    [
        ("utf-16", lambda t: t.encode("utf-16")),  # BOM + native order
        ("utf-16-le", lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le")),
        ("utf-16-be", lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be")),
        ("utf-8-sig", lambda t: t.encode("utf-8-sig")),
        ("utf-32", lambda t: t.encode("utf-32")),
        ("crlf", lambda t: t.replace("\n", "\r\n").encode("utf-8")),
        ("utf-16-crlf", lambda t: t.replace("\n", "\r\n").encode("utf-16")),
    ],
)
def test_encodings_with_bom_give_the_same_report_as_utf8(tmp_path, name, encode):
    plain = tmp_path / "plain.md"
    plain.write_text(MANUSCRIPT, encoding="utf-8")
    other = tmp_path / f"{name}.md"
    other.write_bytes(encode(MANUSCRIPT))
    code8, data8, _ = run_json(plain)
    code, data, _ = run_json(other)
    assert code == code8 == 1
    assert {"citation-without-reference", "reference-never-cited"} <= set(rules(data8))
    assert _comparable(data) == _comparable(data8)
    assert [c["text"] for c in data["citations"]] == ["(Smith et al., 2019)", "Lee (2020)", "(Nobody, 2001)"]


# --------------------------------------------------------------------------- hostile text


def _hostile_cases() -> dict[str, str]:
    prose = "The samples were measured twice and the results agreed within error. "
    long_line = []
    i = 0
    while sum(map(len, long_line)) < 2 * MB:
        long_line.append(prose * 20 + f"(Author{i % 50} et al., {1990 + i % 30}) ")
        i += 1
    refs = "\n## References\n\n" + "".join(f"- Author{i} A. {1990 + i % 30}. Title {i}. J 1:{i}.\n" for i in range(50))
    return {
        "nested-parentheses": "(" * 100_000 + "Smith, 2019" + ")" * 100_000 + "\n",
        "nested-brackets": "[" * 100_000 + "1" + "]" * 100_000 + "\n",
        "unclosed-mixed-brackets": "([" * 100_000 + "\n",
        "2-mb-single-line": "".join(long_line) + "\n" + refs,
        "at-signs": "@" * 200_000 + "\n",
        "at-keys": "[@" * 25_000 + "\n" + "@a" * 25_000 + "\n",  # (every "@a" a citation and a finding: the report is the cost)
        "unclosed-citation-groups": "(Smith, 2019; " * 100_000 + "\n",
        "stars": "*" * 1_000_000 + "\n",
        "underscores-and-backticks": "_`" * 200_000 + "\n",
        "unclosed-comments": "<!--" * 100_000 + "\n",
        "sup-tags": "<sup>1," * 100_000 + "\n" + refs.replace("- ", "1. "),
        "numeric-ranges": "[1-9999] " * 20_000 + "\n\n## References\n\n1. Smith J. 2019. Title. J 1:1.\n",
        "reference-headings": "## References\n" * 50_000,
        "numbered-lines": "## References\n\n" + "".join(f"{i}. x\n" for i in range(1, 5_001)),
        "long-reference-entry": "See (Smith, 2019).\n\n## References\n\n- Smith J. 2019. " + "A short sentence. " * 6_000 + "\n",
        # sentence ends after a number ("J 1:7.") made _split_title_container search the whole entry per boundary
        "long-reference-entry-ending-in-numbers": "See (Smith, 2019).\n\n## References\n\n- Smith J. 2019. " + "Title here. J 1:7. " * 20_000 + "\n",
        "one-huge-reference": "See (Smith, 2019).\n\n## References\n\n- Smith J. 2019. " + "Word, " * 300_000 + "\n",
        "many-year-suffixes": "(Smith, 2019" + ", a" * 100_000 + ")\n",
        "unicode-superscripts": "Text¹" + "²,³" * 100_000 + "\n",
        "blank-lines": "\n" * 2_000_000,
    }


HOSTILE = _hostile_cases()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_text_finishes_without_a_traceback(tmp_path, name):
    path = tmp_path / f"{name}.md"
    path.write_text(HOSTILE[name], encoding="utf-8")
    code, data, _ = run_json(path)
    assert code in (0, 1)
    for finding in data["findings"]:
        assert finding["rule"] != "unreadable-input", finding
    text = run_cli(path)  # the terminal report too (long lines are cut, not printed whole)
    assert text.returncode == code
    assert max(map(len, text.stdout.splitlines() or [""])) < 2000


def test_a_bug_of_refcheck_on_one_file_is_that_files_finding_not_a_traceback(tmp_path, monkeypatch):
    """A reader that fails on some input (a bug) must not end the run with a traceback: that file
    gets an unreadable-input error that names the failure and asks for a report, and the other
    files are checked as usual. REFCHECK_DEBUG=1 lets the exception through."""
    import refcheck.readers.markdown as markdown

    good, bad = tmp_path / "good.md", tmp_path / "bad.md"
    good.write_text("Cells (Smith, 2019).\n\n## References\n\n- Smith J. 2019. A title here. J 1:1.\n", encoding="utf-8")
    bad.write_text("TRIGGER\n", encoding="utf-8")
    real = markdown.read

    def failing(source, *args, **kwargs):
        if "TRIGGER" in source.text:
            raise ValueError("min() arg is an empty sequence")
        return real(source, *args, **kwargs)

    monkeypatch.setattr(markdown, "read", failing)
    monkeypatch.delenv("REFCHECK_DEBUG", raising=False)
    report = check_paths([good, bad], Config(today=TODAY))
    by_file = {m.source.path: m for m in report.manuscripts}
    assert [f.rule for f in report.findings if f.span.path == str(bad)] == ["unreadable-input"]
    message = next(f.message for f in report.findings if f.span.path == str(bad))
    assert "refcheck failed on it (ValueError: min() arg is an empty sequence" in message and "please report it" in message
    assert [c.text for c in by_file[str(good)].citations] == ["(Smith, 2019)"]
    monkeypatch.setenv("REFCHECK_DEBUG", "1")
    with pytest.raises(ValueError):
        check_paths([bad], Config(today=TODAY))
