"""refcheck on real typeset papers, scored against their own sources (issue 15).

    python benchmarks/pdf_pairs/score.py [--pairs /tmp/pdfpairs] [--write]

For each pair of manifest.tsv (paper.pdf beside paper.md + paper.bib, extracted by rebuild.py),
refcheck reads paper.pdf alone, offline, and is compared with gold/<pair>.json (pandoc --citeproc
on paper.md with paper.bib):

- **references found**: printed entries that one of refcheck's references stands for: same
  first-author surname (folded: case, accents) and year, the title deciding between several (a
  work without authors: its title); one to one. An entry of the source's reference list is
  *printed* when poppler's pdftotext (an extractor independent of refcheck's) finds the first or
  last 24 letters of its title in the PDF (is_printed): a PDF typeset before an entry was added
  to paper.md, or built without citeproc, does not print it, and refcheck cannot find it there.
  The same measure over every listed entry, printed or not, is reported beside it.
- **citation items**: per printed entry, the source's citations of it against refcheck's linked
  items to the reference standing for it; the smaller count is found (positions are not
  compared: the PDF's text is not the Markdown's).
- **linked share**: refcheck's citation items that link to a reference, against the source's
  citations whose key the .bib has, and against those whose entry the PDF prints (what a reader
  of the PDF can follow: a PDF built without citeproc prints no list).
- **warnings and errors**: every one goes to ledger.tsv beside this script (pair, rule, message,
  verdict, reason), keyed by pair, rule and message; verdicts written there by hand (true: the
  PDF or its source has that defect; false: a false alarm) survive reruns, new lines get "?".

The committed PDF may have been typeset from an earlier paper.md than the gold's: apart from the
entries it does not print (above), such differences count against refcheck here, and the ledger
says where a "false" one is the PDF's.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))
import results  # noqa: E402

LEDGER = HERE / "ledger.tsv"
LEDGER_FIELDS = ("pair", "rule", "message", "verdict", "reason")


def fold(text: str) -> str:
    # (a dotless i carries TeX's accent in "Mart{\\'\\i}nez": "Martı́nez" is "Martinez")
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold().replace("ı", "i")) if not unicodedata.combining(c))


def letters(text: str) -> str:
    """Letters and digits only, folded: what is printed, whatever the line breaks, spacing and hyphenation."""
    return "".join(c for c in fold(text) if c.isalnum())


_MARKUP = re.compile(r"<[^<>]{1,20}>|\\[A-Za-z]+")  # "<i>premise</i>", "\\delta", "15\\mum"


def printed_text(pdf: Path) -> str | None:
    """The PDF's text by poppler's pdftotext (not refcheck's reader), as letters(); None without poppler."""
    try:
        proc = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = proc.stdout.decode("utf-8", "replace")
    return letters(_MARKUP.sub("", text.replace("-\n", "").replace("\u00ad\n", "")))


def is_printed(entry: dict, text: str | None) -> bool:
    """Whether the PDF prints the source's entry: the first or the last 24 letters of its title
    (markup left out; a page's footer may fall inside a title) are in the PDF's text. A PDF typeset
    before an entry was added to paper.md, or one built without citeproc, lacks it. An entry
    without a title, or with no text to look in, counts as printed."""
    title = letters(_MARKUP.sub("", entry.get("title") or ""))
    return text is None or len(title) < 12 or title[:24] in text or title[-24:] in text


def run(job: tuple[str, str]) -> tuple[str, dict | str]:
    python, path = job
    proc = subprocess.run([python, "-m", "refcheck", path, "--offline", "--format", "json"],
                          capture_output=True, text=True, timeout=600, check=False)
    try:
        return path, json.loads(proc.stdout)
    except json.JSONDecodeError:
        return path, f"exit {proc.returncode}: {proc.stderr[-300:]}"


def map_entries(pred: dict, gold: dict) -> dict[str, str]:
    """refcheck reference id -> gold key (see the module's docstring)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for g in gold["refs"]:
        surname, year = fold(g["first_author"] or ""), (g["year"] or "")[:4]
        title = fold(g["title"] or "")
        best, score = None, -1.0
        for ref in pred.get("references", []):
            if ref["id"] in taken:
                continue
            authors = ref.get("authors") or []
            first = fold(authors[0]["family"]) if authors else ""
            raw = fold(ref.get("raw") or "")
            if not surname:  # a work without authors ("Gymnasium documentation. (2023).") is found by its title
                if len(title) < 12 or fuzz.partial_ratio(title, raw[: len(title) + 40]) < 90:
                    continue
            elif not (first == surname or (surname in raw[: len(surname) + 60])):
                continue
            if year and (ref.get("year") or "")[:4] != year and year not in raw:
                continue
            s = fuzz.partial_ratio(fold(g["title"] or ""), raw) if g.get("title") else 50.0
            if s > score:
                best, score = ref["id"], s
        if best is not None:
            taken.add(best)
            out[best] = g["key"]
    return out


def score(pred: dict, gold: dict, text: str | None = None) -> dict:
    refs = map_entries(pred, gold)
    listed = {g["key"] for g in gold["refs"]}
    printed = {g["key"] for g in gold["refs"] if is_printed(g, text)}
    want = Counter(c["key"] for c in gold["citations"] if c["key"] in listed)
    got = Counter(refs[r] for link in pred.get("links", []) for r in link.get("references", []) if r in refs)
    items = [(c["id"], k) for c in pred.get("citations", []) for k in range(len(c.get("items") or []))]
    linked = {(link["citation"], link["item"]) for link in pred.get("links", []) if link.get("references")}
    source_linked = sum(1 for c in gold["citations"] if c["key"] not in gold["missing_keys"])
    source_printed = sum(1 for c in gold["citations"] if c["key"] in printed)
    findings = [(f["rule"], f["message"]) for f in pred.get("findings", []) if f["severity"] in ("warning", "error")]
    return {"refs_gold": len(gold["refs"]), "refs_found": len(refs), "cites_gold": sum(want.values()),
            "cites_found": sum(min(n, want[k]) for k, n in got.items()),
            "refs_printed": len(printed), "refs_found_printed": sum(1 for k in refs.values() if k in printed),
            "cites_printed": sum(n for k, n in want.items() if k in printed),
            "cites_found_printed": sum(min(n, want[k]) for k, n in got.items() if k in printed), "items": len(items),
            "items_linked": sum(1 for i in items if i in linked), "source_cites": len(gold["citations"]),
            "source_linked": source_linked, "source_printed": source_printed, "findings": findings}


def read_ledger() -> dict[tuple[str, str, str], dict]:
    if not LEDGER.exists():
        return {}
    with LEDGER.open(encoding="utf-8", newline="") as handle:
        return {(r["pair"], r["rule"], r["message"]): r for r in csv.DictReader(handle, delimiter="\t")}


def write_ledger(rows: list[dict]) -> None:
    with LEDGER.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, LEDGER_FIELDS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, default=Path("/tmp/pdfpairs"), help="rebuild.py's --out folder")
    parser.add_argument("--jobs", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable)
    parser.add_argument("--write", action="store_true", help="also write the report into benchmarks/RESULTS.md")
    args = parser.parse_args(argv)

    with (HERE / "manifest.tsv").open(encoding="utf-8") as handle:
        pairs = [r["pair"] for r in csv.DictReader(handle, delimiter="\t")]
    jobs = [(args.python, str(args.pairs / p / "paper.pdf")) for p in pairs]
    with concurrent.futures.ProcessPoolExecutor(max_workers=args.jobs) as pool:
        outputs = dict(pool.map(run, jobs))
    old = read_ledger()
    rows, per_pair, failed = [], [], []
    for pair in pairs:
        out = outputs[str(args.pairs / pair / "paper.pdf")]
        if not isinstance(out, dict):
            failed.append(f"{pair}: {out}")
            continue
        gold = json.loads((HERE / "gold" / f"{pair}.json").read_text(encoding="utf-8"))
        s = score(out, gold, printed_text(args.pairs / pair / "paper.pdf"))
        per_pair.append((pair, s))
        for rule, message in sorted(set(s["findings"])):
            previous = old.get((pair, rule, message))
            rows.append({"pair": pair, "rule": rule, "message": message,
                         "verdict": previous["verdict"] if previous else "?", "reason": previous["reason"] if previous else ""})
    write_ledger(rows)
    total = {k: sum(s[k] for _, s in per_pair) for k in ("refs_gold", "refs_found", "cites_gold", "cites_found", "items",
                                                           "items_linked", "source_cites", "source_linked", "refs_printed",
                                                           "refs_found_printed", "cites_printed", "cites_found_printed",
                                                           "source_printed")}
    # a PDF built without citeproc prints no list to link to (at most a title the text names by chance)
    listing = [s for _, s in per_pair if s["refs_printed"] * 2 >= s["refs_gold"]]
    listed = {k: sum(s[k] for s in listing) for k in ("items", "items_linked", "source_cites", "source_linked")}
    verdicts = Counter(r["verdict"] for r in rows)
    lines = ["## PDF against its source: real typeset papers", "",
             f"`python benchmarks/pdf_pairs/score.py`: {len(per_pair)} pairs of benchmarks/pdf_pairs/manifest.tsv "
             f"({len(failed)} runs failed); truth is pandoc --citeproc on each paper.md with its paper.bib.", "",
             "| measure | value | target |", "|---|---:|---|",
             f"| references found (of those printed) | {total['refs_found_printed']}/{total['refs_printed']} = {total['refs_found_printed'] / max(1, total['refs_printed']):.3f} | >= 0.98 |",
             f"| citation items found (per printed entry) | {total['cites_found_printed']}/{total['cites_printed']} = {total['cites_found_printed'] / max(1, total['cites_printed']):.3f} | >= 0.98 |",
             f"| references found (of those the source lists) | {total['refs_found']}/{total['refs_gold']} = {total['refs_found'] / max(1, total['refs_gold']):.3f} | |",
             f"| citation items found (per listed entry) | {total['cites_found']}/{total['cites_gold']} = {total['cites_found'] / max(1, total['cites_gold']):.3f} | |",
             f"| linked share, refcheck | {total['items_linked']}/{total['items']} = {total['items_linked'] / max(1, total['items']):.3f} | equal to the source's |",
             f"| linked share, source | {total['source_linked']}/{total['source_cites']} = {total['source_linked'] / max(1, total['source_cites']):.3f} | |",
             f"| linked share, source, of entries the PDF prints | {total['source_printed']}/{total['source_cites']} = {total['source_printed'] / max(1, total['source_cites']):.3f} | |",
             f"| linked share, refcheck / source, the {len(listing)} PDFs that print a reference list | {listed['items_linked']}/{listed['items']} = "
             f"{listed['items_linked'] / max(1, listed['items']):.3f} / {listed['source_linked']}/{listed['source_cites']} = "
             f"{listed['source_linked'] / max(1, listed['source_cites']):.3f} | equal |",
             f"| warnings/errors (ledger.tsv) | {len(rows)}: {verdicts.get('true', 0)} true, {verdicts.get('false', 0)} false, "
             f"{verdicts.get('?', 0)} not judged; false per paper {verdicts.get('false', 0) / max(1, len(per_pair)):.2f} | false <= 0.1 per paper |",
             "", "| pair | pages | printed refs found | their citations found | items linked | W/E |", "|---|---:|---:|---:|---:|---:|"]
    for pair, s in per_pair:
        gold = json.loads((HERE / "gold" / f"{pair}.json").read_text(encoding="utf-8"))
        lines.append(f"| {pair} | {gold['pdf_pages']} | {s['refs_found_printed']}/{s['refs_printed']} | {s['cites_found_printed']}/{s['cites_printed']} | "
                     f"{s['items_linked']}/{s['items']} | {len(set(s['findings']))} |")
    if failed:
        lines += ["", "Failed runs:", ""] + [f"- {f}" for f in failed]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.write:
        results.write_section("pdf-pairs", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
