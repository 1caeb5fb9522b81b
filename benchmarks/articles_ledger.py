"""The real-article ledger (issue 14): every warning and error refcheck gives on the 170 real
published articles of ``benchmarks/articles/``, one line each, to be judged by hand.

    python3 benchmarks/articles/rebuild.py --out /tmp/articles      # once: the md and gold files
    python benchmarks/articles_ledger.py --corpus /tmp/articles      # run, update the ledger, print the counts

Each line of ``benchmarks/articles-ledger.tsv`` is ``doc_id, rule, location, message, verdict,
reason``, keyed by (doc_id, rule, location, message) as in ``wild-ledger.tsv``: a run keeps
every judged line it finds again, adds new ones and drops lines no longer found. Verdicts:

* ``true``: a real defect of the article (or of its conversion) that an editor would want told;
* ``false``: a false alarm;
* ``?``: not judged yet. A finding the gold explains (accuracy.py's "justified": a gold
  anomaly, a citation the gold links nowhere) is settled ``true`` with that reason; the others
  wait for a person. Judge by class (as ``wild_judge.py`` does), never one article's exception.

The summary: lines per verdict, false alarms per article and articles with more than one (the
issue's targets: at most 0.1 per article, none with more than one), overall and per rule.
Standard library plus this repository's benchmark helpers; refcheck runs as a subprocess.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import accuracy  # noqa: E402 - the corpus loader and runner shared with the accuracy benchmark
import scoring  # noqa: E402

LEDGER = HERE / "articles-ledger.tsv"
FIELDS = ("doc_id", "rule", "location", "message", "verdict", "reason")


def read_ledger(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def write_ledger(rows: list[dict], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, FIELDS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        for row in sorted(rows, key=lambda r: (r["doc_id"], int(r["location"].rsplit(":", 1)[-1] or 0), r["rule"], r["message"])):
            writer.writerow({k: " ".join(str(row[k]).split()) for k in FIELDS})


def findings_of(article: dict, result: dict) -> list[dict]:
    """The article's warning/error lines, with the gold's reason where it explains one."""
    if "_error" in result:
        return [{"doc_id": article["id"], "rule": "run-failed", "location": f"{article['id']}.md:0",
                 "message": result["_error"], "verdict": "true", "reason": "refcheck did not finish: a defect of refcheck"}]
    score = scoring.score_findings(result, article["gold"])
    why = {id(f): reason for f, reason in score.justified}
    rows = []
    for finding in [f for f, _ in score.justified] + score.unjustified:
        span = finding.get("span") or {}
        rows.append({"doc_id": article["id"], "rule": finding["rule"], "location": f"{article['id']}.md:{span.get('line', 0)}",
                     "message": finding["message"], "verdict": "true" if id(finding) in why else "?",
                     "reason": f"explained by the gold: {why[id(finding)]}" if id(finding) in why else ""})
    return rows


def merge(found: list[dict], old: list[dict], ran: set[str]) -> list[dict]:
    key = lambda r: (r["doc_id"], r["rule"], r["location"], r["message"])  # noqa: E731
    judged = {key(r): r for r in old if r["verdict"] != "?"}
    rows = [judged.get(key(r), r) for r in found]
    rows += [r for r in old if r["doc_id"] not in ran]  # documents not run this time keep their lines
    return rows


def summary(rows: list[dict], articles: int) -> str:
    verdicts = Counter(r["verdict"] for r in rows)
    false_per = Counter(r["doc_id"] for r in rows if r["verdict"] == "false")
    lines = [f"{len(rows)} warnings/errors on {articles} articles: " + ", ".join(f"{v} {n}" for v, n in sorted(verdicts.items())),
             f"false alarms judged so far per article: {verdicts.get('false', 0) / max(1, articles):.3f} (target 0.1); "
             f"articles with more than one: {sum(1 for n in false_per.values() if n > 1)} (target 0); "
             f"not judged yet: {verdicts.get('?', 0)}",
             "", "| rule | lines | true | false | ? |", "| --- | ---: | ---: | ---: | ---: |"]
    by_rule: dict[str, Counter] = {}
    for r in rows:
        by_rule.setdefault(r["rule"], Counter())[r["verdict"]] += 1
    for rule, c in sorted(by_rule.items(), key=lambda kv: -sum(kv[1].values())):
        lines.append(f"| {rule} | {sum(c.values())} | {c['true']} | {c['false']} | {c['?']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="the rebuilt corpus (benchmarks/articles/rebuild.py --out)")
    parser.add_argument("--ledger", type=Path, default=LEDGER)
    parser.add_argument("--only", nargs="*", help="article ids to run (default: all)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--python", default=accuracy.default_python())
    args = parser.parse_args(argv)
    articles = accuracy.load_articles(args.corpus, args.only)
    if not articles:
        print(f"no articles under {args.corpus}", file=sys.stderr)
        return 2
    results = accuracy.run_all(args.python, [(a["id"], "clean", a["md"]) for a in articles], args.jobs)
    found = [row for a in articles for row in findings_of(a, results[a["id"], "clean"])]
    rows = merge(found, read_ledger(args.ledger), {a["id"] for a in articles})
    write_ledger(rows, args.ledger)
    print(summary(rows, len(articles)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
