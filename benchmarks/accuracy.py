"""Accuracy benchmark: refcheck against the 30 gold-linked JATS articles.

    python benchmarks/accuracy.py            # print the Markdown report
    python benchmarks/accuracy.py --write    # also store it in benchmarks/RESULTS.md

Measures, through the CLI (``refcheck FILE --offline --format json``):

1. citation->reference linking precision/recall/F1 per stratum (author-year, numeric);
2. warning/error findings on the unmodified articles that the gold does not justify;
3. detection of one injected error at a time (deleted entry, changed year, duplicated
   number, appended uncited entry), and the unrelated findings each injection provokes.

Standard library only; scoring lives in ``scoring.py``, the edits in ``injections.py``. A full
run (no ``--only``) then runs ``keys.py`` (LaTeX, pandoc, Manubot) and ``jats.py`` (the same
articles read from their JATS XML).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import injections as inj  # noqa: E402
import results  # noqa: E402
import scoring  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path("/work/shared/corpus/jats")
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
STRATA = ("author-year", "numeric")
TARGET_F1 = 0.97
TIMEOUT = 120


# --------------------------------------------------------------------------- loading


def load_articles(corpus: Path, only: list[str] | None) -> list[dict]:
    """Manifest rows joined with their Markdown text and gold record, sorted by id."""
    with open(corpus / "manifest.tsv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    articles = []
    for row in sorted(rows, key=lambda r: r["id"]):
        if only and row["id"] not in only:
            continue
        md = (corpus / "md" / f"{row['id']}.md").read_text(encoding="utf-8")
        gold = json.loads((corpus / "gold" / f"{row['id']}.json").read_text(encoding="utf-8"))
        # the members of ranges split over superscripts, which the gold's markup does not imply
        articles.append({"id": row["id"], "style": row["style"], "md": md, "gold": scoring.with_text_ranges(gold, md),
                         "source": (row.get("repo") or "").split("/")[0]})
    return articles


def donor_of(article: dict, articles: list[dict]) -> dict:
    """The next article of the same style (cyclically): the source of an appended entry."""
    same = [a for a in articles if a["style"] == article["style"]]
    if len(same) < 2:
        same = articles
    return same[(same.index(article) + 1) % len(same)]


# --------------------------------------------------------------------------- running refcheck


def default_python() -> str:
    """The project venv's interpreter when it exists, else this one."""
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def run_refcheck(job: tuple) -> tuple[str, str, dict]:
    """Run the CLI on one text (written to a temp file); returns (article, variant, result).

    ``job`` is (python, workdir, article, variant, text[, suffix]); the file is ``<article><suffix>``
    (``.md`` by default). ``result`` is the parsed JSON plus ``_seconds``, or ``{"_error": ...}``.
    """
    python, workdir, article, variant, text, *rest = job
    folder = Path(workdir) / variant
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{article}{rest[0] if rest else '.md'}"
    path.write_text(text, encoding="utf-8")
    command = [python, "-m", "refcheck", str(path), "--offline", "--format", "json"]
    began = time.perf_counter()
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return article, variant, {"_error": f"timeout after {TIMEOUT}s"}
    seconds = time.perf_counter() - began
    if proc.returncode not in (0, 1):
        return article, variant, {"_error": f"exit {proc.returncode}: {proc.stderr.strip()[-500:]}"}
    try:
        result = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        return article, variant, {"_error": f"bad JSON ({exc}): {proc.stdout[:200]!r}"}
    result["_seconds"] = seconds
    return article, variant, result


def run_all(python: str, jobs: list[tuple[str, str, str]], workers: int, suffix: str = ".md") -> dict[tuple[str, str], dict]:
    """Run every (article, variant, text) job in parallel processes, each text saved as ``<article><suffix>``."""
    with tempfile.TemporaryDirectory(prefix="refcheck-accuracy-") as workdir:
        payload = [(python, workdir, article, variant, text, suffix) for article, variant, text in jobs]
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
            return {(a, v): r for a, v, r in pool.map(run_refcheck, payload, chunksize=1)}


# --------------------------------------------------------------------------- evaluation


def evaluate_article(article: dict, clean: dict) -> dict:
    """Linking, segmentation and clean-run findings for one article."""
    gold = article["gold"]
    links = scoring.score_links(clean, gold)
    return {
        "links": links,
        "misses": scoring.classify_misses(clean, gold, links.missed),
        "segments": scoring.reference_segmentation(clean, gold),
        "findings": scoring.score_findings(clean, gold),
    }


def evaluate_injection(injection: inj.Injection, article: dict, clean: dict, result: dict) -> dict:
    """Compare the injected run with the clean run."""
    fresh = scoring.new_findings(clean, article["md"], result, injection.text)
    outcome = scoring.judge_injection(fresh, injection.expected, injection.related)
    return {"injection": injection, "outcome": outcome}


def citations_near(pred: dict, start: int, end: int) -> list[str]:
    """What refcheck recognised at a gold citation: citation texts plus the refs they linked."""
    linked = defaultdict(list)
    refs = {r["id"]: r for r in pred.get("references", [])}
    for link in pred.get("links", []):
        linked[(link["citation"], link.get("item"))] += link.get("references", [])
    out = []
    for cit in pred.get("citations", []):
        rng = scoring.span_range(cit.get("span"))
        if not rng or not scoring.touches(*rng, start, end):
            continue
        for i, item in enumerate(cit.get("items") or []):
            irng = scoring.span_range(item.get("span"))
            if irng and scoring.touches(*irng, start, end):
                targets = [(refs.get(r, {}).get("raw") or r)[:40] for r in linked[(cit["id"], i)]]
                out.append(f"{item.get('text')!r} -> {targets or 'no link'}")
        if not out:
            out.append(f"citation {cit.get('text')!r} (no item over it)")
    return out


# --------------------------------------------------------------------------- report


def fmt(value: float) -> str:
    return f"{value:.3f}"


def clip(text: str, width: int = 110) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def line_of(finding: dict) -> str:
    span = finding.get("span") or {}
    return str(span.get("line", "?"))


def linking_section(articles: list[dict], evals: dict) -> list[str]:
    """Stratum table and per-article table."""
    totals = {s: scoring.LinkScore() for s in STRATA}
    for a in articles:
        if a["id"] in evals:
            totals[a["style"]] = totals[a["style"]].add(evals[a["id"]]["links"])
    lines = ["## 1. Linking (micro-averaged)", "",
             "| stratum | gold pairs | predicted pairs | precision | recall | F1 | target F1 >= 0.97 |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for s in STRATA:
        t = totals[s]
        lines.append(f"| {s} | {t.n_gold} | {t.n_pred} | {fmt(t.precision)} | {fmt(t.recall)} | {fmt(t.f1)} | "
                     f"{'met' if t.f1 >= TARGET_F1 else '**not met**'} |")
    sources = sorted({a.get("source") for a in articles if a.get("source")})
    if len(sources) > 1:
        # where the XML came from: SciELO's XML tags names without a year as citations and leaves
        # some name-and-year citations untagged, which counts against refcheck either way
        lines += ["", "### By source of the XML", "", "| source | stratum | articles | gold pairs | predicted pairs | precision | recall | F1 |",
                  "|---|---|---:|---:|---:|---:|---:|---:|"]
        for source in sources:
            for s in STRATA:
                group = [a for a in articles if a.get("source") == source and a["style"] == s and a["id"] in evals]
                if not group:
                    continue
                t = scoring.LinkScore()
                for a in group:
                    t = t.add(evals[a["id"]]["links"])
                lines.append(f"| {source} | {s} | {len(group)} | {t.n_gold} | {t.n_pred} | {fmt(t.precision)} | {fmt(t.recall)} | {fmt(t.f1)} |")
    lines += ["", "### Per article", "",
              "| article | style | refs gold/refcheck | unmatched gold refs | P | R | F1 | unjustified W/E | justified W/E | info | seconds |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for a in articles:
        e = evals.get(a["id"])
        if e is None:
            lines.append(f"| {a['id']} | {a['style']} | – | – | – | – | – | – | – | – | run failed |")
            continue
        l, seg, f = e["links"], e["segments"], e["findings"]
        lines.append(
            f"| {a['id']} | {a['style']} | {seg['n_gold']}/{seg['n_pred']} | {len(seg['unmatched_gold'])} | "
            f"{fmt(l.precision)} | {fmt(l.recall)} | {fmt(l.f1)} | {len(f.unjustified)} | {len(f.justified)} | "
            f"{f.info} | {e['seconds']:.1f} |"
        )
    return lines


_YEAR_IN_TEXT = re.compile(r"(?<!\d)(?:1[5-9]|20)\d\d(?!\d)|\b[ns]\.\s?d\.|\bs/d\b|\bn\.d\b", re.I)
_WORD = re.compile(r"[^\W\d_]{3,}")


def _folded(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def names_entry(text: str, entry: str, every: bool = False) -> bool:
    """Whether a citation's text names an entry: each year of the text, and a capitalised word of
    three or more letters (``every``: each such word), stand in the entry's printed text."""
    folded, entry = _folded(text), _folded(entry)
    years = [m.group(0) for m in _YEAR_IN_TEXT.finditer(folded)]
    words = [_folded(w) for w in _WORD.findall(text) if w[0].isupper()]  # names, not "and", "apud"
    found = [re.search(rf"\b{re.escape(w)}\b", entry) is not None for w in words]
    return bool(years) and all(y in entry for y in years) and bool(found) and (all(found) if every else any(found))


def _cited_year_absent(text: str, entry: str) -> bool:
    """Whether the citation's text gives a year its entry does not print."""
    years = [m.group(0) for m in _YEAR_IN_TEXT.finditer(text) if m.group(0).isdigit()]
    return bool(years) and any(y not in entry for y in years)


def set_aside(article: dict, links: scoring.LinkScore) -> tuple[int, int, int, int]:
    """The author-year disagreements that come from how the XML tags citations (see tagging_section):
    (yearless gold missed, untagged naming their entry, gold pairs contradicted, false links
    the text confirms)."""
    entries = {r["id"]: r.get("display") or "" for r in article["gold"].get("refs", [])}
    yearless = sum(1 for cit, _rid in links.missed if not _YEAR_IN_TEXT.search(cit["text"]))
    untagged = sum(1 for fp in links.false_positives
                   if not fp["gold"] and fp["rid"] is not None and names_entry(fp["text"], entries.get(fp["rid"], "")))
    # the XML links the citation to an entry that does not print all its names and its year,
    # and refcheck to one that does
    confirmed = [fp for fp in links.false_positives
                 if fp["gold"] and fp["rid"] is not None and names_entry(fp["text"], entries.get(fp["rid"], ""), every=True)
                 and not any(names_entry(fp["text"], entries.get(g, ""), every=True) for g in fp.get("gold_rids", ()))]
    # ... or to an entry that does not print the year cited at all (the article's own wrong year,
    # which refcheck reports instead of linking)
    contradicted = sum(1 for cit, rid in links.missed
                       if not names_entry(cit["text"], entries.get(rid, ""), every=True)
                       and (_cited_year_absent(cit["text"], entries.get(rid, ""))
                            or any(scoring.touches(fp["start"], fp["end"], cit["start"], cit["end"]) for fp in confirmed)))
    return yearless, untagged, contradicted, len(confirmed)


def tagging_section(articles: list[dict], evals: dict) -> list[str]:
    """Author-year linking again, with three kinds of disagreement set aside that come from how
    the XML tags citations, not from refcheck: a gold citation with no year in its text (a name
    the XML tags as a citation: "Coelho", "Klaus Heinrich") that refcheck does not link; a link
    where the XML tags nothing whose citation text names the entry linked (year and a name both
    printed in that entry: "Iacus, King e Porro (2009)" left untagged); and a citation the XML
    links to an entry that does not print all its names and its year while refcheck links it to
    one that does ("Martínez-Ávila, Semidão e Ferreira (2016)" tagged with the Martínez-Ávila and
    Beak entry): that gold pair and that link; and a gold pair whose entry does not print the
    cited year ("Andrade e Laros (2008)" for a 2007 entry: the article's own error, which refcheck
    reports rather than links). Counted per source of the XML."""
    rows: dict[str, list] = {}
    for a in articles:
        e = evals.get(a["id"])
        if e is None or a["style"] != "author-year":
            continue
        for key in (a.get("source") or "-", "all"):
            row = rows.setdefault(key, [scoring.LinkScore(), 0, 0, 0, 0])
            row[0] = row[0].add(e["links"])
            for i, n in enumerate(set_aside(a, e["links"]), 1):
                row[i] += n
    lines = ["", "### Author-year linking with the XML's tagging set aside", "",
             "Set aside: gold citations without a year that refcheck leaves unlinked; links where the XML tags "
             "nothing whose text names the linked entry (a year and a name of the citation printed in it); gold "
             "pairs whose entry lacks a name or the year of the citation where refcheck links one that prints "
             "them all (the gold pair and refcheck's link), or whose entry does not print the cited year at all "
             "(an error of the article's, which refcheck reports). Everything else is scored as above.", "",
             "| source | gold pairs | yearless gold, missed | untagged, naming their entry | gold contradicted by its entry | "
             "links confirmed by their entry | precision | recall | F1 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for source, (t, yearless, untagged, contradicted, confirmed) in sorted(rows.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        n_pred, n_gold = t.n_pred - untagged - confirmed, t.n_gold - yearless - contradicted
        p = t.tp_pred / n_pred if n_pred else 1.0
        r = t.tp_gold / n_gold if n_gold else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        lines.append(f"| {source} | {t.n_gold} | {yearless} | {untagged} | {contradicted} | {confirmed} | {fmt(p)} | {fmt(r)} | {fmt(f)} |")
    return lines


def false_link_category(fp: dict) -> str:
    """Why a predicted link is wrong: nothing cited there, or the wrong entry."""
    if fp["rid"] is None:
        return "linked entry matches no gold entry"
    return "linked to the wrong entry" if fp["gold"] else "no gold citation there"


def error_categories_section(articles: list[dict], evals: dict) -> list[str]:
    """Counts of missed and false links by cause, per stratum."""
    misses = {s: Counter() for s in STRATA}
    false = {s: Counter() for s in STRATA}
    for a in articles:
        e = evals.get(a["id"])
        if e:
            misses[a["style"]].update(category for _, _, category in e["misses"])
            false[a["style"]].update(false_link_category(fp) for fp in e["links"].false_positives)
    lines = ["", "### Why links were missed or wrong", "", "| cause | " + " | ".join(STRATA) + " |",
             "|---|" + "---:|" * len(STRATA)]
    for category in scoring.MISS_CATEGORIES:
        lines.append(f"| missed: {category} | " + " | ".join(str(misses[s][category]) for s in STRATA) + " |")
    for category in sorted({c for counter in false.values() for c in counter}):
        lines.append(f"| false: {category} | " + " | ".join(str(false[s][category]) for s in STRATA) + " |")
    return lines


def linking_errors_section(articles: list[dict], evals: dict, clean: dict, limit: int) -> list[str]:
    """A few missed gold links and false links per article, with what refcheck did there."""
    lines = ["", "### Linking errors (first few per article)", ""]
    for a in articles:
        e = evals.get(a["id"])
        if e is None or (not e["links"].missed and not e["links"].false_positives):
            continue
        l = e["links"]
        lines.append(f"- **{a['id']}**: {len(l.missed)} missed gold pairs, {len(l.false_positives)} false links")
        for cit, rid, category in e["misses"][:limit]:
            got = "; ".join(citations_near(clean[a["id"]], cit["start"], cit["end"])) or "nothing"
            lines.append(f"  - missed `{clip(cit['text'], 60)}` -> {rid} (@{cit['start']}, {category}): refcheck: {clip(got, 150)}")
        for fp in l.false_positives[:limit]:
            lines.append(f"  - false `{clip(fp['text'], 60)}` -> {fp['rid']} (@{fp['start']}; gold there: {fp['gold'] or 'none'})")
    return lines


def findings_section(articles: list[dict], evals: dict) -> list[str]:
    """Unjustified warning/error findings on the clean articles."""
    unjust = {a["id"]: evals[a["id"]]["findings"].unjustified for a in articles if a["id"] in evals}
    over = [i for i, f in unjust.items() if len(f) > 1]
    by_rule = Counter(f["rule"] for fs in unjust.values() for f in fs)
    lines = ["", "## 2. Warning/error findings on the unmodified articles", "",
             f"Unjustified: {sum(map(len, unjust.values()))} in all; articles over the limit of one: "
             f"{len(over)}/{len(unjust)} ({', '.join(over) or 'none'}).",
             f"Info findings: {sum(evals[i]['findings'].info for i in unjust)}. "
             f"Justified: {sum(len(evals[i]['findings'].justified) for i in unjust)}.", ""]
    if by_rule:
        lines += ["| rule | unjustified |", "|---|---:|"] + [f"| {r} | {n} |" for r, n in by_rule.most_common()] + [""]
    for article_id, findings in unjust.items():
        for f in findings:
            lines.append(f"- {article_id}:{line_of(f)} {f['rule']} ({f['severity']}): {clip(f.get('message', ''))}")
    justified = [(i, f, why) for i in unjust for f, why in evals[i]["findings"].justified]
    if justified:
        lines += ["", "Justified by the gold (not counted against the limit):", ""]
        lines += [f"- {i}:{line_of(f)} {f['rule']}: {clip(why, 80)}" for i, f, why in justified]
    return lines


def injection_section(results: list[dict], kinds: tuple[str, ...], limit: int = 8) -> list[str]:
    """Detection rate and noise per injection type, then every miss and noise finding."""
    lines = ["", "## 3. Injected errors (one per copy)", "",
             "| injection | expected rule(s) | copies | detected | rate | misplaced | related | noise W/E |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for kind in kinds:
        rows = [r for r in results if r["injection"].kind == kind]
        if not rows:
            continue
        rules = sorted({rule for r in rows for rule in r["injection"].expected})
        detected = sum(r["outcome"].detected for r in rows)
        lines.append(
            f"| {kind} | {', '.join(rules)} | {len(rows)} | {detected} | {fmt(scoring.ratio(detected, len(rows)))} | "
            f"{sum(len(r['outcome'].misplaced) for r in rows)} | {sum(len(r['outcome'].related) for r in rows)} | "
            f"{sum(len(r['outcome'].noise) for r in rows)} |"
        )
    lines.append("")
    shown = Counter()
    for r in results:
        injection, outcome = r["injection"], r["outcome"]
        if outcome.detected and not outcome.noise:
            continue
        shown[injection.kind] += 1
        if shown[injection.kind] > limit:
            continue
        status = "detected" if outcome.detected else "MISSED"
        lines.append(f"- {injection.kind} {injection.article}: {status}; {clip(injection.description, 90)}")
        for f in outcome.misplaced[:3]:
            lines.append(f"  - misplaced {f['rule']} line {line_of(f)}: {clip(f.get('message', ''), 100)}")
        for f in outcome.noise[:5]:
            lines.append(f"  - noise {f['rule']} line {line_of(f)}: {clip(f.get('message', ''), 100)}")
    for kind, count in shown.items():
        if count > limit:
            lines.append(f"- … {count - limit} more {kind} copies missed or noisy")
    return lines


def build_report(args, articles, evals, clean, errors, injected, version, seconds) -> str:
    """The whole Markdown report."""
    lines = [
        "# refcheck accuracy on the JATS gold corpus", "",
        f"- command: `{args.command}` "
        f"(runs `{Path(args.python).name} -m refcheck FILE --offline --format json` per file)",
        f"- date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- refcheck version: {version}",
        f"- corpus: {args.corpus} ({len(articles)} articles); wall time {seconds:.1f}s with {args.jobs} workers", "",
        "Linking: a predicted (item, reference) pair is correct when a gold citation overlapping the item "
        "accepts the gold entry the reference overlaps most (rids, implied range members, suggested "
        "corrections); recall is over gold (citation, rid) pairs with anomalies corrected.", "",
    ]
    if errors:
        lines += ["**Runs that failed:**", ""] + [f"- {k[0]} [{k[1]}]: {clip(v, 200)}" for k, v in errors.items()] + [""]
    lines += linking_section(articles, evals)
    lines += error_categories_section(articles, evals)
    if len({a.get("source") for a in articles}) > 1:
        lines += tagging_section(articles, evals)
    lines += findings_section(articles, evals)
    if injected:
        lines += injection_section(injected, inj.KINDS)
    lines += linking_errors_section(articles, evals, clean, args.examples)
    return "\n".join(lines) + "\n"


def write_results(report: str, path: Path = RESULTS) -> None:
    """Put the report between the accuracy markers of RESULTS.md, keeping everything else."""
    results.write_section("accuracy", report, path)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="also write the report into benchmarks/RESULTS.md")
    parser.add_argument("--only", nargs="*", help="article ids to run (default: all)")
    parser.add_argument("--no-inject", action="store_true", help="skip the injected-error runs")
    parser.add_argument("--jobs", type=int, default=max(2, os.cpu_count() or 2), help="parallel processes")
    parser.add_argument("--python", default=default_python(), help="interpreter that has refcheck installed")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the jats corpus folder")
    parser.add_argument("--examples", type=int, default=3, help="linking errors shown per article")
    return parser.parse_args(argv)


def plan_jobs(articles: list[dict], all_articles: list[dict], inject: bool) -> tuple[list, dict]:
    """The CLI runs to make: each clean article, plus each applicable injected copy."""
    planned: dict[tuple[str, str], inj.Injection] = {}
    jobs = [(a["id"], "clean", a["md"]) for a in articles]
    for a in articles if inject else []:
        donor = donor_of(next(x for x in all_articles if x["id"] == a["id"]), all_articles)
        for injection in inj.build_injections(a["id"], a["style"], a["md"], a["gold"], donor["md"], donor["gold"]):
            planned[(a["id"], injection.kind)] = injection
            jobs.append((a["id"], injection.kind, injection.text))
    jobs.sort(key=lambda job: -len(job[2]))  # longest first: better packing across workers
    return jobs, planned


def evaluate_all(articles: list[dict], results: dict, planned: dict) -> tuple[dict, dict, dict, list]:
    """Errors, clean results, per-article evaluations and injection outcomes."""
    errors = {key: r["_error"] for key, r in results.items() if "_error" in r}
    clean = {a["id"]: results[(a["id"], "clean")] for a in articles if (a["id"], "clean") not in errors}
    evals = {
        a["id"]: evaluate_article(a, clean[a["id"]]) | {"seconds": clean[a["id"]]["_seconds"]}
        for a in articles
        if a["id"] in clean
    }
    by_id = {a["id"]: a for a in articles}
    injected = [
        evaluate_injection(injection, by_id[article_id], clean[article_id], results[(article_id, kind)])
        for (article_id, kind), injection in planned.items()
        if article_id in clean and (article_id, kind) not in errors
    ]
    return errors, clean, evals, injected


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.command = " ".join(["python benchmarks/accuracy.py", *(sys.argv[1:] if argv is None else argv)])
    articles = load_articles(args.corpus, args.only)
    all_articles = load_articles(args.corpus, None) if args.only else articles
    jobs, planned = plan_jobs(articles, all_articles, not args.no_inject)
    began = time.perf_counter()
    results = run_all(args.python, jobs, args.jobs)
    seconds = time.perf_counter() - began
    errors, clean, evals, injected = evaluate_all(articles, results, planned)
    version = next((r.get("tool", {}).get("version") for r in clean.values()), "unknown")
    report = build_report(args, articles, evals, clean, errors, injected, version, seconds)
    print(report, end="")
    if args.write:
        write_results(report)
    if not args.only:
        # the key-citation corpora (LaTeX, pandoc, Manubot) have their own gold and scorer
        import keys  # noqa: PLC0415 - benchmarks/keys.py, beside this file

        keys.main(["--write"] if args.write else [])
        # the same 30 articles read from their JATS XML, with the gold moved into the XML
        import jats  # noqa: PLC0415 - benchmarks/jats.py, beside this file

        jats.main(["--write"] if args.write else [])
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
