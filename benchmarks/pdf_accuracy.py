"""refcheck on PDFs against the same articles' Markdown: the typeset corpus (issue 15).

For every PDF that ``benchmarks/pdf_corpus.py`` typeset (30 shared-corpus articles in six
layouts), refcheck reads the PDF and, once per article, the corpus Markdown it was typeset from;
both are scored against the same gold (``<id>.gold.json`` beside each PDF) the same way:

- **references found**: gold entries that one of refcheck's references is mapped to (the
  entry's printed text against refcheck's ``raw``: the best match of rapidfuzz's ``ratio`` at
  80 or more, one to one, greedily in the order of the list; ``ratio``, not ``token_set_ratio``,
  which scores an entry whose words are a subset of another's as equal to it).
- **linking** (counts per entry): the gold pairs are every citation's rids and range-implied
  rids; refcheck's pairs every linked item and entry (mapped as above). Per entry, the pairs
  counted correct are the smaller of the two counts; precision, recall and F1 over all of them.
  Positions are not compared (a PDF's offsets are not the Markdown's), so a link of the wrong
  item to the right entry elsewhere would count: the same for both sides, which is what the
  comparison needs.
- **warnings and errors** on each PDF that the Markdown run does not give (by rule and message,
  the places an entry is named by set aside): what reading a PDF adds.

Usage: python benchmarks/pdf_accuracy.py [--corpus /tmp/pdfcorpus] [--layouts onecol twocol ...]
           [--ids ID ...] [--jobs 2] [--write]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parent))
import results  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED_MD = ROOT.parent / "shared" / "corpus" / "jats" / "md"
LAYOUTS = ("onecol", "twocol", "super", "journal", "header", "lineno")


def run(job: tuple[str, str]) -> tuple[str, dict | str, float]:
    python, path = job
    start = time.perf_counter()
    proc = subprocess.run([python, "-m", "refcheck", path, "--offline", "--format", "json"],
                          capture_output=True, text=True, timeout=600, check=False)
    seconds = time.perf_counter() - start
    try:
        return path, json.loads(proc.stdout), seconds
    except json.JSONDecodeError:
        return path, f"exit {proc.returncode}: {proc.stderr[-300:]}", seconds


_LOCATION = re.compile(r"(?:page \d+, )?line \d+")  # where an entry is: the PDF's "page 24, line 6", the Markdown's "line 1161"


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def map_references(pred: dict, gold: dict) -> dict[str, str]:
    """refcheck reference id -> gold entry id (see the module's docstring)."""
    golds = [(g["id"], _norm(g.get("display") or "")) for g in gold["refs"]]
    taken: set[str] = set()
    out: dict[str, str] = {}
    for ref in pred.get("references", []):
        raw = _norm(ref.get("raw") or "")
        if not raw:
            continue
        best, score = None, 80.0
        for gid, display in golds:
            if gid in taken:
                continue
            s = fuzz.ratio(raw, display)
            if s > score:
                best, score = gid, s
                if s >= 99.5:
                    break
        if best is not None:
            taken.add(best)
            out[ref["id"]] = best
    return out


def score(pred: dict, gold: dict) -> dict:
    refs = map_references(pred, gold)
    want = Counter(rid for c in gold["citations"] for rid in {*c["rids"], *c["implied_rids"]})
    got = Counter(refs[r] for link in pred.get("links", []) for r in link.get("references", []) if r in refs)
    n_pred = sum(1 for link in pred.get("links", []) for _ in link.get("references", []))
    correct = sum(min(n, want[rid]) for rid, n in got.items())
    findings = Counter((f["rule"], _LOCATION.sub("LOC", f["message"])) for f in pred.get("findings", []) if f["severity"] in ("warning", "error"))
    return {"refs_gold": len(gold["refs"]), "refs_found": len(set(refs.values())), "n_gold": sum(want.values()),
            "n_pred": n_pred, "correct": correct, "findings": findings}


def prf(rows: list[dict]) -> tuple[float, float, float]:
    correct = sum(r["correct"] for r in rows)
    n_pred, n_gold = sum(r["n_pred"] for r in rows), sum(r["n_gold"] for r in rows)
    p = correct / n_pred if n_pred else 1.0
    r = correct / n_gold if n_gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/pdfcorpus"), help="pdf_corpus.py's --out folder")
    parser.add_argument("--layouts", nargs="*", default=list(LAYOUTS))
    parser.add_argument("--ids", nargs="*")
    parser.add_argument("--jobs", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable)
    parser.add_argument("--examples", type=int, default=4, help="added warnings/errors shown per PDF")
    parser.add_argument("--write", action="store_true", help="also write the report into benchmarks/RESULTS.md")
    args = parser.parse_args(argv)

    pdfs = sorted(p for layout in args.layouts for p in (args.corpus / layout).glob("*.pdf")
                  if not args.ids or p.stem in args.ids)
    ids = sorted({p.stem for p in pdfs})
    jobs = [(args.python, str(SHARED_MD / f"{i}.md")) for i in ids] + [(args.python, str(p)) for p in pdfs]
    start = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor(max_workers=args.jobs) as pool:
        outputs = {path: (out, sec) for path, out, sec in pool.map(run, jobs)}
    wall = time.perf_counter() - start

    md_rows: dict[str, dict] = {}
    lines = ["## PDF against Markdown: the typeset corpus", "",
             f"- command: `python benchmarks/pdf_accuracy.py {' '.join(argv if argv is not None else sys.argv[1:])}`".rstrip(),
             f"- {len(pdfs)} PDFs of {len(ids)} articles; wall time {wall:.0f} s with {args.jobs} workers", ""]
    failed = []
    per_layout: dict[str, list[tuple[str, dict, dict, float]]] = {}
    for pdf in pdfs:
        gold = json.loads(pdf.with_suffix(".gold.json").read_text(encoding="utf-8"))
        if pdf.stem not in md_rows:
            out, _ = outputs[str(SHARED_MD / f"{pdf.stem}.md")]
            md_rows[pdf.stem] = score(out, gold) if isinstance(out, dict) else None
        out, seconds = outputs[str(pdf)]
        if not isinstance(out, dict):
            failed.append(f"{pdf.parent.name}/{pdf.name}: {out}")
            continue
        per_layout.setdefault(pdf.parent.name, []).append((pdf.stem, score(out, gold), md_rows[pdf.stem], seconds))
    if failed:
        lines += ["**Runs that failed:**", ""] + [f"- {f}" for f in failed] + [""]
    lines += ["| layout | PDFs | references found (PDF) | (Markdown) | linking P / R / F1 (PDF) | F1 (Markdown) | F1 difference | "
              "warnings/errors the Markdown run lacks | median s per PDF |",
              "|---|---:|---:|---:|---|---:|---:|---:|---:|"]
    examples = []
    for layout in args.layouts:
        rows = per_layout.get(layout, [])
        if not rows:
            continue
        pdf_rows = [r for _, r, _, _ in rows]
        md = [m for _, _, m, _ in rows if m]
        found = sum(r["refs_found"] for r in pdf_rows) / max(1, sum(r["refs_gold"] for r in pdf_rows))
        md_found = sum(m["refs_found"] for m in md) / max(1, sum(m["refs_gold"] for m in md))
        p, r, f = prf(pdf_rows)
        _, _, mf = prf(md)
        added = 0
        for stem, row, m, _ in rows:
            extra = row["findings"] - (m["findings"] if m else Counter())
            added += sum(extra.values())
            for (rule, message), _n in list(extra.items())[: args.examples]:
                examples.append(f"- {layout}/{stem}: {rule}: {message[:160]}")
        seconds = sorted(s for *_, s in rows)[len(rows) // 2]
        lines.append(f"| {layout} | {len(rows)} | {found:.3f} | {md_found:.3f} | {p:.3f} / {r:.3f} / {f:.3f} | {mf:.3f} | "
                     f"{f - mf:+.3f} | {added} | {seconds:.2f} |")
    lines += ["", "### Warnings and errors on a PDF that its Markdown does not give (first few per PDF)", ""]
    lines += examples or ["- none"]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.write:
        results.write_section("pdf-accuracy", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
