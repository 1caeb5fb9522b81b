"""Batch benchmark: many manuscripts in one command, offline (worker processes) and online (one Crossref).

    .venv/bin/python benchmarks/batch.py            # print the Markdown report
    .venv/bin/python benchmarks/batch.py --write    # also store it in benchmarks/RESULTS.md (section "batch")

Not run by CI.

(a) ``--manuscripts`` 200 corpus-derived manuscripts (the 30 Markdown renderings of
    ``corpus/jats/md``, cycled; every copy after the first drops a different reference entry, so
    no two files are the same) checked offline in one command, ``refcheck DIR --offline
    --format json --jobs N`` for each N in ``--jobs`` (1, 2, 4), whole process, best of
    ``--repeat``, measured side by side in one run. Reports wall time, speed-up over --jobs 1
    and cost per manuscript; the JSON of every N must be identical.
(b) ``--online`` 50 synthetic manuscripts of 20 references each, 30% of every manuscript drawn
    from one shared pool, checked in one command against the local fake Crossref
    (``tests/crossref_server.py``) enforcing 10 lookups/s and 3 searches/s (concurrency 3),
    with ``--no-cache``: requests sent, duplicate requests (the same URL twice: target 0), the
    most requests that arrived within any 1 s window per pool (target: within the limit), 429s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))

from crossref import apa, synthetic_works  # noqa: E402
from crossref_server import FakeCrossref, Limits  # noqa: E402
from results import write_section  # noqa: E402

CORPUS = Path("/work/shared/corpus/jats/md")


def refcheck() -> list[str]:
    script = ROOT / ".venv" / "bin" / "refcheck"
    return [str(script)] if script.exists() else [sys.executable, "-m", "refcheck"]


def corpus_manuscripts(folder: Path, count: int) -> int:
    """``count`` manuscripts from the Markdown corpus; returns their total size in bytes."""
    sources = sorted(CORPUS.glob("*.md"))
    total = 0
    for i in range(count):
        text = sources[i % len(sources)].read_text(encoding="utf-8")
        copy = i // len(sources)
        if copy:  # drop the copy-th entry after "## References": a different file, a real finding
            head, _, refs = text.partition("## References")
            entries = refs.split("\n\n")
            if len(entries) > copy + 1:
                del entries[copy + 1]
            text = head + "## References" + "\n\n".join(entries)
        path = folder / f"m{i:03d}-{sources[i % len(sources)].stem}.md"
        path.write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    return total


def offline(args) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="refcheck-batch-") as tmp:
        folder = Path(tmp)
        size = corpus_manuscripts(folder, args.manuscripts)
        times: dict[int, list[float]] = {n: [] for n in args.jobs}
        outputs: dict[int, str] = {}
        for _ in range(args.repeat):
            for n in args.jobs:  # side by side: each repetition runs every N once
                began = time.perf_counter()
                proc = subprocess.run([*refcheck(), str(folder), "--offline", "--format", "json", "--jobs", str(n)],
                                      capture_output=True, text=True, cwd=ROOT)
                times[n].append(time.perf_counter() - began)
                if proc.returncode not in (0, 1):
                    raise SystemExit(f"refcheck failed with --jobs {n}: {proc.stderr[-500:]}")
                outputs[n] = proc.stdout
        data = json.loads(outputs[args.jobs[0]])
    same = len(set(outputs.values())) == 1
    base = min(times[args.jobs[0]])
    lines = [f"### (a) {args.manuscripts} manuscripts offline, one command", "",
             f"{args.manuscripts} files, {size / 1e6:.1f} MB, {len(data['citations'])} citations, {len(data['references'])} references, "
             f"{len(data['findings'])} findings; CPUs here: {os.cpu_count()}; best of {args.repeat}, side by side. "
             f"Reports identical for every --jobs: {'yes' if same else '**NO**'}.", "",
             "| --jobs | wall time | speed-up | per manuscript |", "|---:|---:|---:|---:|"]
    for n in args.jobs:
        best = min(times[n])
        lines.append(f"| {n} | {best:.2f} s | {base / best:.2f}x | {1000 * best / args.manuscripts:.1f} ms |")
    return lines


def online(args) -> list[str]:
    rng = random.Random(7)
    per, count = 20, args.online
    shared_n = int(per * 0.3)
    works = synthetic_works(shared_n * 3 + count * (per - shared_n) + 10, seed=11)
    pool, own = works[: shared_n * 3], iter(works[shared_n * 3 :])
    with tempfile.TemporaryDirectory(prefix="refcheck-batch-online-") as tmp:
        folder = Path(tmp)
        dois = 0
        for i in range(count):
            items = rng.sample(pool, shared_n) + [next(own) for _ in range(per - shared_n)]
            entries = []
            for item in sorted(items, key=lambda it: (it["author"][0]["family"], it["title"][0])):
                with_doi = int(item["DOI"].rsplit(".", 1)[1]) % 2 == 0  # half print a DOI, half are searched
                dois += with_doi
                entries.append(apa(item, with_doi))
            cites = "; ".join(f"{it['author'][0]['family']}{' et al.' if len(it['author']) > 2 else ''}, {it['issued']['date-parts'][0][0]}"
                              for it in items)
            (folder / f"paper{i:02d}.md").write_text(f"# Paper {i}\n\nText ({cites}).\n\n## References\n\n" + "\n\n".join(entries) + "\n",
                                                     encoding="utf-8")
        lookup, search = Limits(10, 1.0, 3), Limits(3, 1.0, 3)
        with FakeCrossref(works, lookup=lookup, search=search, latency=0.1) as server:
            began = time.perf_counter()
            proc = subprocess.run([*refcheck(), str(folder), "--crossref-url", server.url, "--no-cache", "--format", "json", "--jobs", "2"],
                                  capture_output=True, text=True, cwd=ROOT, env={**os.environ, "REFCHECK_MAILTO": "bench@example.org"})
            seconds = time.perf_counter() - began
            seen = list(server.requests)
            throttled = server.throttled + server.over_concurrency
    if proc.returncode not in (0, 1):
        raise SystemExit(f"refcheck failed online: {proc.stderr[-800:]}")
    data = json.loads(proc.stdout)
    statuses: dict[str, int] = {}
    for m in data["matches"]:
        statuses[m["status"]] = statuses.get(m["status"], 0) + 1
    urls = [s.raw_path for s in seen]
    duplicates = len(urls) - len(set(urls))
    distinct_works = len({it["DOI"] for it in works[: shared_n * 3]}) + count * (per - shared_n)

    def busiest(pool_name: str) -> int:
        arrivals = sorted(s.time for s in seen if s.pool == pool_name)
        best, j = 0, 0
        for i, t in enumerate(arrivals):
            while arrivals[j] <= t - 1.0:
                j += 1
            best = max(best, i - j + 1)
        return best

    return [f"### (b) {count} manuscripts sharing 30% of their references, one Crossref", "",
            f"{count} manuscripts x {per} references ({shared_n} from a shared pool of {shared_n * 3}); at most {distinct_works} distinct works; "
            f"{dois} printed DOIs. Fake Crossref: lookups {lookup.limit}/s, searches {search.limit}/s, concurrency 3, +100 ms; "
            f"`refcheck DIR --crossref-url ... --no-cache --jobs 2`: {seconds:.1f} s.", "",
            "| measure | value | target |", "|---|---:|---|",
            f"| requests sent | {len(urls)} | fewer than the {count * per} references |",
            f"| duplicate requests (same URL twice) | {duplicates} | 0 |",
            f"| most lookups in any 1 s | {busiest('lookup')} | <= {lookup.limit} |",
            f"| most searches in any 1 s | {busiest('search')} | <= {search.limit} |",
            f"| 429 answers | {throttled} | 0 |",
            f"| match statuses | {', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))} | |"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--manuscripts", type=int, default=200)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--online", type=int, default=50, help="manuscripts in the online run (0: skip it)")
    args = parser.parse_args(argv)
    command = " ".join(["python benchmarks/batch.py", *(sys.argv[1:] if argv is None else argv)])
    load = os.getloadavg()[0]
    lines = ["# Many manuscripts in one command", "", f"- command: `{command}`",
             f"- date: {time.strftime('%Y-%m-%d %H:%M %Z')}; load average at start {load:.2f}", ""]
    lines += offline(args)
    if args.online:
        lines += [""] + online(args)
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.write:
        write_section("batch", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
