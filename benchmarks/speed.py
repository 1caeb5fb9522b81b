"""Speed benchmark: whole-process time and peak memory on synthetic manuscripts.

    python benchmarks/speed.py                 # print the Markdown table
    python benchmarks/speed.py --write         # also store it in benchmarks/RESULTS.md
    python benchmarks/speed.py --sizes 1000,10000 --repeat 3 --keep DIR

The manuscripts are built from the real reference entries of the JATS corpus
(``/work/shared/corpus/jats/md/*.md``, the ``- `` bullets after ``## References``):
N unique entries are made by giving each copy's first author a distinct surname (the
corpus surname plus a deterministic letter suffix), and a body cites every entry three
times in document order of ~10-sentence paragraphs.

* author-year: 3N parenthetical citations ``(Surnameab et al., 2007)``; one in three is a
  two-item group ``(A et al., 2007; B and C, 2010)``, so about 4N cited items;
  the list is a bulleted, alphabetical author-year list.
* numeric: 3N bracket citations ``[12]`` (one in three ``[12, 40]``, one in ten a
  range ``[12-14]``); the list is numbered in order of first citation.

Each run is the whole process, ``refcheck FILE --offline --format json -o TMP``, timed
by wall clock (best of ``--repeat``), with the child's own peak RSS from ``os.wait4``.
``refcheck --help`` is timed best of 5. Standard library only.

Targets (issue acceptance): 10,000 references / 30,000 citations in < 2 s and < 300 MB;
10x the input costs no more than ~10x the time; ``--help`` < 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import results  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path("/work/shared/corpus/jats/md")
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
REFCHECK = ROOT / ".venv" / "bin" / "refcheck"

TARGET_SECONDS, TARGET_MB, TARGET_HELP = 2.0, 300.0, 0.3

# "- Baldwin PR, Penczek PA. 2007. Title. Journal 157:250–61." (eLife / author-year JATS)
_ENTRY = re.compile(r"^- (?P<first>[A-Z][A-Za-z'’\-]+) (?P<initials>[A-Z]{1,3})(?P<rest>[,.].*?)\b(?P<year>(?:19|20)\d\d)\. (?P<tail>\S.*)$")
_FILLER = (
    "The results were consistent across replicates and conditions",
    "This pattern has been reported in several independent cohorts",
    "Previous work established the underlying mechanism in detail",
    "Similar effects were observed with a different experimental design",
    "These observations extend earlier models of the process",
    "The measurements agree with estimates from comparable systems",
)


def corpus_entries() -> list[dict]:
    """Author-year entries of the corpus: first author's surname, other authors, year, the rest."""
    out = []
    for path in sorted(CORPUS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if "\n## References\n" not in text:
            continue
        for line in text.split("\n## References\n", 1)[1].splitlines():
            m = _ENTRY.match(line)
            if not m or len(m.group("tail")) < 20:
                continue
            authors_part = m.group("rest").split(f" {m.group('year')}.")[0]
            n_authors = 1 + authors_part.count(",")
            second = re.search(r",\s*([A-Z][A-Za-z'’\-]+) [A-Z]", authors_part)
            out.append(
                {
                    "first": m.group("first"),
                    "initials": m.group("initials"),
                    "rest": m.group("rest"),
                    "year": m.group("year"),
                    "tail": m.group("tail"),
                    "n_authors": n_authors,
                    "second": second.group(1) if second else None,
                }
            )
    return out


def _suffix(i: int) -> str:
    """0 -> 'a', 25 -> 'z', 26 -> 'ba', ... (distinct lowercase letter strings)."""
    letters = ""
    while True:
        letters = chr(ord("a") + i % 26) + letters
        i //= 26
        if not i:
            return letters


def synthetic_entries(n: int) -> list[dict]:
    base = corpus_entries()
    if not base:
        raise SystemExit(f"no author-year entries found under {CORPUS}")
    out = []
    for i in range(n):
        e = dict(base[i % len(base)])
        e["first"] = e["first"] + _suffix(i)
        # copies of one corpus entry keep distinct DOIs (else duplicate-doi fires on every copy)
        e["tail"] = re.sub(r"(10\.\d{4,9}/\S+?)(\.?)$", rf"\g<1>.{_suffix(i)}\2", e["tail"])
        out.append(e)
    out.sort(key=lambda e: (e["first"].lower(), e["year"]))
    return out


def _cite_author_year(e: dict) -> str:
    if e["n_authors"] >= 3:
        return f"{e['first']} et al., {e['year']}"
    if e["n_authors"] == 2 and e["second"]:
        return f"{e['first']} and {e['second']}, {e['year']}"
    return f"{e['first']}, {e['year']}"


def _paragraphs(citations: list[str]) -> str:
    lines, para = [], []
    for i, cite in enumerate(citations):
        para.append(f"{_FILLER[i % len(_FILLER)]} {cite}.")
        if len(para) == 10:
            lines.append(" ".join(para))
            para = []
    if para:
        lines.append(" ".join(para))
    return "\n\n".join(lines)


def author_year_manuscript(n: int) -> tuple[str, int]:
    entries = synthetic_entries(n)
    rng = random.Random(n)
    order = list(range(n)) * 3
    rng.shuffle(order)
    cites = []
    for j, i in enumerate(order):
        if j % 3 == 2:
            k = rng.randrange(n)
            cites.append(f"({_cite_author_year(entries[i])}; {_cite_author_year(entries[k])})")
        else:
            cites.append(f"({_cite_author_year(entries[i])})")
    refs = "\n".join(f"- {e['first']} {e['initials']}{e['rest']}{e['year']}. {e['tail']}" for e in entries)
    head = "# A synthetic review\n\nReceived: 2024-01-10. Accepted: 2024-06-01.\n\n## Introduction\n\n"
    return f"{head}{_paragraphs(cites)}\n\n## References\n\n{refs}\n", len(cites)


def numeric_manuscript(n: int) -> tuple[str, int]:
    entries = synthetic_entries(n)
    rng = random.Random(n + 1)
    order = list(range(1, n + 1)) + [rng.randrange(1, n + 1) for _ in range(2 * n)]
    cites = []
    for j, num in enumerate(order):
        if j % 10 == 9 and num + 2 <= n and j >= n:
            cites.append(f"[{num}-{num + 2}]")
        elif j % 3 == 2 and j >= n:
            cites.append(f"[{num}, {rng.randrange(1, n + 1)}]")
        else:
            cites.append(f"[{num}]")
    refs = "\n".join(f"{i}. {e['first']} {e['initials']}{e['rest']}{e['year']}. {e['tail']}" for i, e in enumerate(entries, 1))
    head = "# A synthetic review\n\nReceived: 2024-01-10. Accepted: 2024-06-01.\n\n## Introduction\n\n"
    return f"{head}{_paragraphs(cites)}\n\n## References\n\n{refs}\n", len(cites)


BUILDERS = {"author-year": author_year_manuscript, "numeric": numeric_manuscript}


def generate(style: str, n: int, path: Path) -> int:
    """Write one manuscript in a separate process; returns its number of citations.

    Linux counts the pre-exec image of a forked child in its ``ru_maxrss``, so a benchmark
    process that had built a 100,000-reference text itself would inflate every later reading;
    building it in a short-lived child keeps this process small.
    """
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import speed; "
        "text, n = speed.BUILDERS[sys.argv[2]](int(sys.argv[3])); "
        "open(sys.argv[4], 'w', encoding='utf-8').write(text); print(n)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).resolve().parent), style, str(n), str(path)],
        check=True, capture_output=True, text=True,
    )
    return int(out.stdout)


def run_once(args: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB of this child alone, exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} exited {proc.returncode}: {err[-2000:]}")
    return wall, usage.ru_maxrss / 1024, proc.returncode  # ru_maxrss is KiB on Linux


def measure(path: Path, repeat: int, refcheck: str) -> tuple[float, float]:
    """Best wall time of ``repeat`` runs, and the largest peak RSS among them."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        args = [refcheck, str(path), "--offline", "--format", "json", "-o", str(out), "--max-bytes", str(1 << 30)]
        runs = [run_once(args) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def help_time(refcheck: str, repeat: int = 5) -> float:
    return min(run_once([refcheck, "--help"])[0] for _ in range(repeat))


def benchmark(sizes: list[int], repeat: int, keep: Path | None, refcheck: str, repeat_large: int = 1) -> str:
    rows = []
    timings: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        where = keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        for style in BUILDERS:
            for n in sizes:
                path = where / f"synthetic-{style}-{n}.md"
                n_cites = generate(style, n, path)
                wall, mb = measure(path, repeat if n <= 10_000 else repeat_large, refcheck)
                timings[style, n] = wall
                rows.append((style, n, n_cites, path.stat().st_size / 1e6, wall, mb))
                print(f"  {style:<11} {n:>7} refs: {wall:6.2f} s  {mb:6.0f} MB", file=sys.stderr)
    helps = help_time(refcheck)
    load = os.getloadavg()[0]

    lines = [
        f"Whole process, `refcheck FILE --offline --format json -o FILE`; wall time best of {repeat} "
        f"({repeat_large} above 10,000 references), "
        f"peak RSS of the child (`os.wait4`). Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average {load:.1f}, {time.strftime('%Y-%m-%d')}. Generated by `python benchmarks/speed.py --write`.",
        "",
        "| style | references | citations | size (MB) | time (s) | peak RSS (MB) | target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for style, n, n_cites, size, wall, mb in rows:
        target = ""
        if n == 10_000:
            ok = wall < TARGET_SECONDS and mb < TARGET_MB
            target = f"{'met' if ok else 'MISSED'} (< {TARGET_SECONDS:g} s, < {TARGET_MB:g} MB)"
        lines.append(f"| {style} | {n:,} | {n_cites:,} | {size:.1f} | {wall:.2f} | {mb:.0f} | {target} |")
    lines.append("")
    for style in ("author-year", "numeric"):
        for small, big in zip(sizes, sizes[1:]):
            if (style, small) in timings and (style, big) in timings and timings[style, small] > 0:
                ratio = timings[style, big] / timings[style, small]
                factor = big / small
                ok = "met" if ratio <= factor * 1.2 else "MISSED"
                lines.append(f"- Scaling, {style}: {big:,} vs {small:,} references ({factor:g}x input): {ratio:.1f}x time — {ok} (about {factor:g}x: at most {factor * 1.2:g}x counts as met).")
    lines.append(f"- `refcheck --help`: {helps:.3f} s best of 5 — {'met' if helps < TARGET_HELP else 'MISSED'} (< {TARGET_HELP} s).")
    return "\n".join(lines) + "\n"


def write_results(report: str, path: Path = RESULTS) -> None:
    """Put the report between the speed markers of RESULTS.md, keeping everything else."""
    results.write_section("speed", "## Speed\n\n" + report, path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated reference counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per file (best is reported)")
    parser.add_argument("--repeat-large", type=int, default=1, help="runs per file above 10,000 references")
    parser.add_argument("--keep", type=Path, help="keep the generated manuscripts in this directory")
    parser.add_argument("--refcheck", default=str(REFCHECK), help="the refcheck executable")
    parser.add_argument("--write", action="store_true", help="also write the table into benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    report = benchmark(sizes, args.repeat, args.keep, args.refcheck, args.repeat_large)
    print(report, end="")
    if args.write:
        write_results(report)


if __name__ == "__main__":
    main()
