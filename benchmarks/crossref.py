"""Crossref client benchmark: requests, pacing and the cache against a local fake Crossref.

    .venv/bin/python benchmarks/crossref.py            # print the Markdown table
    .venv/bin/python benchmarks/crossref.py --write    # also store it in benchmarks/RESULTS.md

Not run by CI. The server is ``tests/crossref_server.py`` on 127.0.0.1, announcing and
enforcing the polite pool's limits (``--lookup-limit`` 10 requests / 1 s, ``--search-limit``
3 / 1 s, concurrency 3: a sliding window, more is a 429) and adding ``--latency`` 100 ms to
every answer. Records and manuscripts are synthetic (APA-style entries of made-up works).

(a) verifying ``--refs`` 200 references that carry DOIs: requests sent (target: at most one
    per 20 references) and 429s;
(b) resolving ``--searches`` 100 references without DOIs: the achieved search rate, first to
    last arrival at the server, against the permitted rate (target >= 90%), and 429s (target 0);
(c) the same two manuscripts again with a warm requests-cache (same SQLite file, fresh
    session): requests (target 0); and ``refcheck review.md`` as a whole process against the
    local server with a warm cache (``--crossref-url``, ``--cache``): wall time, best of
    ``--repeat`` (target < 0.5 s), and requests (target 0).

Standard library + refcheck (and its dependencies).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))

from crossref_server import FakeCrossref, Limits, work_item  # noqa: E402
from refcheck import __version__  # noqa: E402
from refcheck.crossref.client import CrossrefClient  # noqa: E402
from refcheck.crossref.session import make_session  # noqa: E402
from refcheck.enrich import enrich  # noqa: E402
from refcheck.readers import read_text  # noqa: E402
from results import write_section  # noqa: E402

MAILTO = "benchmark@example.org"
SYLLABLES = ["ka", "lo", "mi", "ren", "sa", "tor", "vi", "del", "bar", "nu", "qui", "zan", "pe", "hol", "gri", "mun"]
ADJECTIVES = ["Rapid", "Seasonal", "Long-term", "Spatial", "Genetic", "Thermal", "Microbial", "Coastal", "Urban", "Nocturnal"]
NOUNS = ["variation", "plasticity", "turnover", "dispersal", "signalling", "resilience", "allocation", "tolerance", "synchrony", "foraging"]
SUBJECTS = ["alpine grasslands", "reef fishes", "soil fungi", "migratory songbirds", "freshwater snails", "tropical lianas",
            "desert rodents", "kelp forests", "bumblebee colonies", "peat mosses", "river otters", "cave beetles"]
JOURNALS = ["Journal of Applied Ecology", "Oecologia", "Functional Ecology", "Ecology Letters", "Molecular Ecology", "Oikos"]


def surname(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def synthetic_works(n: int, seed: int = 2026) -> list[dict]:
    """``n`` made-up journal articles in Crossref's shape, with DOIs 10.5555/bench.N."""
    rng = random.Random(seed)
    items = []
    for i in range(n):
        authors = [(surname(rng), f"{rng.choice('ABCDEFGHJKLMNPRST')}.") for _ in range(rng.randint(1, 4))]
        title = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} of {rng.choice(NOUNS)} in {rng.choice(SUBJECTS)} ({authors[0][0]} cohort {i})"
        first = rng.randint(1, 900)
        items.append(work_item(f"10.5555/bench.{i}", title, authors, year=rng.randint(1990, 2025), container=rng.choice(JOURNALS),
                               volume=str(rng.randint(1, 120)), issue=str(rng.randint(1, 12)), page=f"{first}-{first + rng.randint(5, 20)}"))
    return items


def apa(item: dict, with_doi: bool) -> str:
    names = [f"{a['family']}, {a['given']}" for a in item["author"]]
    authors = names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1]
    year = item["issued"]["date-parts"][0][0]
    entry = (f"{authors} ({year}). {item['title'][0]}. *{item['container-title'][0]}*, "
             f"{item['volume']}({item['issue']}), {item['page']}.")
    return entry + (f" https://doi.org/{item['DOI']}" if with_doi else "")


def manuscript(items: list[dict], with_doi: bool, name: str):
    refs = "\n\n".join(apa(item, with_doi) for item in items)
    m = read_text(f"# Synthetic manuscript\n\nSome text.\n\n## References\n\n{refs}\n", name)
    assert len(m.references) == len(items), (name, len(m.references))
    return m


def client_for(url: str, session) -> CrossrefClient:
    return CrossrefClient(session, base_url=url, mailto=MAILTO, timeout=(1.0, 10.0))


def tally(result) -> str:
    counts: dict[str, int] = {}
    for m in result.matches:
        counts[m.status] = counts.get(m.status, 0) + 1
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items(), key=lambda x: -x[1]))


def refcheck_command() -> list[str]:
    script = Path(sys.executable).parent / "refcheck"
    return [str(script)] if script.exists() else [sys.executable, "-m", "refcheck"]


def run(args: argparse.Namespace) -> tuple[str, bool]:
    items = synthetic_works(args.refs + args.searches)
    with_doi = manuscript(items[: args.refs], True, "dois.md")
    without = manuscript(items[args.refs :], False, "searches.md")
    lookup = Limits(args.lookup_limit, 1.0, args.concurrency)
    search = Limits(args.search_limit, 1.0, args.concurrency)
    work = Path(tempfile.mkdtemp(prefix="refcheck-crossref-bench-"))
    rows: list[tuple[str, str, str, str, bool | None]] = []
    try:
        with FakeCrossref(items, lookup=lookup, search=search, latency=args.latency) as server:
            cache = work / "crossref.sqlite"
            # (a) DOIs
            client = client_for(server.url, make_session(cache))
            start = time.perf_counter()
            a = enrich(with_doi, client)
            a_time = time.perf_counter() - start
            a_requests, a_429 = server.count(), server.throttled + server.over_concurrency
            rows += [
                (f"(a) {args.refs} references with DOIs", "requests sent", f"{a_requests} (1 per {args.refs / max(a_requests, 1):.0f} references)",
                 f"<= {args.refs // 20} (1 per 20)", a_requests <= args.refs // 20),
                ("", "429 answers", str(a_429), "0", a_429 == 0),
                ("", "outcome / wall time", f"{tally(a)} / {a_time:.2f} s", "", None),
            ]
            # (b) searches
            before, before_429 = server.count(), server.throttled + server.over_concurrency
            start = time.perf_counter()
            b = enrich(without, client)
            b_time = time.perf_counter() - start
            arrivals = [s.time for s in server.requests[before:] if s.pool == "search"]
            achieved = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]) if len(arrivals) > 1 else 0.0
            permitted = args.search_limit / 1.0
            b_429 = server.throttled + server.over_concurrency - before_429
            rows += [
                (f"(b) {args.searches} references without DOIs", "search rate achieved",
                 f"{achieved:.2f}/s of {permitted:g}/s = {achieved / permitted:.0%} ({len(arrivals)} searches)", ">= 90%", achieved / permitted >= 0.9),
                ("", "429 answers", str(b_429), "0", b_429 == 0),
                ("", "outcome / wall time", f"{tally(b)} / {b_time:.2f} s", "", None),
            ]
            # (c) warm cache, in-process
            before = server.count()
            warm = client_for(server.url, make_session(cache))
            start = time.perf_counter()
            a2, b2 = enrich(with_doi, warm), enrich(without, warm)
            c_time = time.perf_counter() - start
            c_requests = server.count() - before
            same = a2.matches == a.matches and b2.matches == b.matches
            rows += [
                ("(c) both again, warm cache", "requests sent", f"{c_requests} ({warm.stats.cached} answers from the cache)", "0", c_requests == 0),
                ("", "same matches / wall time", f"{'yes' if same else 'NO'} / {c_time:.2f} s", "yes", same),
            ]
            # (c) refcheck review.md, whole process
            review = ROOT / "review.md"
            cli_cache = work / "cli.sqlite"
            command = [*refcheck_command(), str(review), "--crossref-url", server.url, "--cache", str(cli_cache),
                       "--format", "json", "--output", str(work / "report.json")]
            env = {**os.environ, "CI": "1"}  # no progress bar
            env.pop("REFCHECK_MAILTO", None)
            start = time.perf_counter()
            cold = subprocess.run(command, env=env, capture_output=True, text=True)
            cold_time = time.perf_counter() - start
            if cold.returncode not in (0, 1):
                raise SystemExit(f"refcheck failed ({cold.returncode}): {cold.stderr.strip()[:500]}")
            cold_requests = server.count()
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                subprocess.run(command, env=env, capture_output=True, check=False)
                times.append(time.perf_counter() - start)
            warm_requests = server.count() - cold_requests
            rows += [
                ("(c) `refcheck review.md`, warm cache", "wall time, whole process",
                 f"{min(times):.2f} s best, {sorted(times)[len(times) // 2]:.2f} s median of {args.repeat} (cold: {cold_time:.1f} s)",
                 "< 0.5 s", min(times) < 0.5),
                ("", "requests sent", f"{warm_requests} (cold run: {cold_requests - before - c_requests})", "0", warm_requests == 0),
            ]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    lines = [
        "# Crossref client against a local fake Crossref",
        "",
        f"- command: `.venv/bin/python benchmarks/crossref.py{' --write' if args.write else ''}`",
        f"- date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; refcheck {__version__}",
        f"- server: `tests/crossref_server.py` on 127.0.0.1, announcing and enforcing {args.lookup_limit} lookups / 1 s "
        f"and {args.search_limit} searches / 1 s (sliding window), concurrency {args.concurrency}, +{args.latency * 1000:.0f} ms per answer",
        "- client: `CrossrefClient(make_session(tmp.sqlite), mailto=...)`, `enrich()`; synthetic APA entries, seed 2026",
        "",
        "| scenario | measure | result | target | met |",
        "|---|---|---|---|---|",
    ]
    for scenario, measure, result, target, met in rows:
        lines.append(f"| {scenario} | {measure} | {result} | {target} | {'' if met is None else ('yes' if met else '**no**')} |")
    return "\n".join(lines) + "\n", all(met is not False for *_, met in rows)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="also store the table in benchmarks/RESULTS.md")
    parser.add_argument("--refs", type=int, default=200, help="references with DOIs in (a)")
    parser.add_argument("--searches", type=int, default=100, help="references without DOIs in (b)")
    parser.add_argument("--lookup-limit", type=int, default=10, help="lookups per second the server allows")
    parser.add_argument("--search-limit", type=int, default=3, help="searches per second the server allows")
    parser.add_argument("--concurrency", type=int, default=3, help="requests in flight the server allows")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added to every answer")
    parser.add_argument("--repeat", type=int, default=5, help="warm `refcheck review.md` runs timed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    table, met = run(args)
    print(table, end="")
    if args.write:
        write_section("crossref", table)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
