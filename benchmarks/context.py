"""Citation-context benchmark (issue 16): RC801 on real citations, on injected contradictions, on review.md.

    python3 benchmarks/articles/rebuild.py --out /tmp/articles      # once: the real articles' md and gold
    python benchmarks/context.py --articles /tmp/articles            # print the Markdown report, update the ledger
    python benchmarks/context.py --articles /tmp/articles --write    # also store it in RESULTS.md (section "context")
    python benchmarks/context.py --speed --repeat 7 --write          # (d) rule on and off, 10,000 references

(a) False alarms. Every gold-linked citation of ``/work/shared/corpus/jats`` and of the real
articles (``--articles``): a group of adjacent citations naming exactly one work, whose gold
entry has a title, is examined the way the rule examines it (``refcheck.rules.context``: the
clause the citation closes or opens, the cited title, ``compare``). The same md files, the LaTeX
papers and the pandoc paper of the corpus (.bib titles) also go through refcheck end to end with
only ``citation-context`` selected. Every finding is a line of ``benchmarks/context-ledger.tsv``
(source, citation, sentence phrase, title phrase, verdict, reason), judged by hand; a run keeps
the verdicts of the lines it finds again. Target: at most 1 false finding per 1,000 citations.

(b) Recall. In each examined citation whose sentence shares a phrase with the cited title (a word
or phrase of ``context_siblings.RINGS``, or a number with a unit, present in both with at least
three equal words around it, a final s ignored), the word is replaced by the next word of its ring (a number by
twice its value), one injection per citation and kind (a word the clause names twice is not
replaced: the sentence would still name the cited term), and the citation's clause is compared again
(the rule sees only the clause: a phrase elsewhere in the sentence is a miss): found when the
finding marks the replaced word. Target: recall at least 0.6. The rings are the
benchmark's own (see context_siblings.py), not the rule's.

(c) review.md offline: the rule's findings on the sample.

(d) Speed (``--speed``): benchmarks/speed.py's 10,000-reference manuscripts, checked with the
rule on and off in alternation; the medians and their ratio. Target: at most 10% slower.

Standard library + refcheck.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import context_siblings  # noqa: E402
import results  # noqa: E402

from refcheck.api import Config, check, check_paths  # noqa: E402
from refcheck.readers import load  # noqa: E402
from refcheck.rule import Context  # noqa: E402
from refcheck.rules.context import _plain, _prepare, _titles, abbreviations, citing_clauses, clause, compare, sentence_ends  # noqa: E402

CORPUS = Path("/work/shared/corpus")
LEDGER = HERE / "context-ledger.tsv"
FIELDS = ("source", "citation", "said", "cited", "verdict", "reason")
SECTION = "context"
SELECT = ("citation-context",)


def reserved_ids() -> set[str]:
    """The JATS article ids RESERVED.md keeps for independent evaluation: never examined here."""
    path = CORPUS / "RESERVED.md"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return set(re.findall(r"\b(?:annonc|biorxiv|bmc|ehp|elife|f1000|plos)-[\w.-]*\w", text))


# --- (a) gold-linked citations -----------------------------------------------------------------


def title_of(ref: dict) -> str | None:
    title = ref.get("article_title") or ref.get("chapter_title")
    if not title and ref.get("publication_type") == "book":
        title = ref.get("source")
    return " ".join(title.split()) if title and len(title) >= 20 else None


def citing_groups(md: str, gold: dict) -> list[dict]:
    """The gold's citations as the rule sees them: adjacent xrefs form one citation (``group``),
    spanning its brackets; narrative when an author-year citation is not inside brackets."""
    by_group: dict[int, list[dict]] = defaultdict(list)
    for c in gold["citations"]:
        by_group[c["group"]].append(c)
    out = []
    for items in by_group.values():
        start, end = min(c["start"] for c in items), max(c["end"] for c in items)
        before = md[max(0, start - 2) : start].rstrip()
        if before.endswith(("(", "[")):
            start = start - (len(md[:start]) - len(md[:start].rstrip())) - 1
            close = re.match(r"[^()\[\]\n]{0,40}?[)\]]", md[end:])
            if close:
                end += close.end()
        works = {r for c in items for r in (*c["rids"], *c.get("implied_rids", ()))}
        narrative = gold.get("citation_style") == "author-year" and not before.endswith(("(", "[", ";", ","))
        out.append({"start": start, "end": end, "text": md[start:end], "works": works, "narrative": narrative})
    return sorted(out, key=lambda g: g["start"])


def blank(md: str, spans: list[tuple[int, int]]) -> str:
    chars = list(md)
    for s, e in spans:
        chars[s:e] = " " * (e - s)
    return "".join(chars)


def examine(source: str, md: str, gold: dict) -> tuple[Counter, list[dict], list[dict]]:
    """Counts, findings and the examined clauses (for injection) of one article."""
    counts = Counter(citations=len(gold["citations"]))
    titles = {r["id"]: title_of(r) for r in gold["refs"]}
    groups = citing_groups(md, gold)
    spans = [(g["start"], g["end"]) for g in groups]
    text = blank(md, spans)
    ends = sentence_ends(text)
    defined = abbreviations(text)
    findings, examined = [], []
    for k, g in enumerate(groups):
        counts["citation groups"] += 1
        if len(g["works"]) != 1:
            continue
        counts["one work"] += 1
        title = titles.get(next(iter(g["works"])))
        if not title:
            continue
        counts["with a title"] += 1
        start, end = clause(text, spans, k, g["narrative"])
        if end - start < 15:
            continue
        counts["examined"] += 1
        at = bisect.bisect_right(ends, g["start"])
        sentence = (ends[at - 1] if at else 0, ends[at] if at < len(ends) else len(text))
        examined.append({"source": source, "text": text, "start": start, "end": end, "title": title, "defined": defined,
                         "sentence": sentence})
        found = compare(text, start, end, title, defined)
        if found:
            findings.append({"source": source, "citation": g["text"], "said": found[0].said, "cited": found[0].cited})
    return counts, findings, examined


def gold_articles(folder: Path, label: str):
    skip = reserved_ids()
    for gold_path in sorted((folder / "gold").glob("*.json")):
        if gold_path.stem in skip:
            continue
        md_path = folder / "md" / f"{gold_path.stem}.md"
        if md_path.exists():
            yield f"{label}/{gold_path.stem}", md_path, json.loads(gold_path.read_text(encoding="utf-8"))


# --- end to end -------------------------------------------------------------------------------


def end_to_end(source: str, path: Path, cases: list | None = None) -> tuple[Counter, list[dict]]:
    """refcheck itself on one manuscript (or a project folder), only citation-context selected:
    counts, findings; with ``cases``, also the clauses the rule examines there (for injection)."""
    if path.is_dir():
        from refcheck.batch import manuscript_paths
        try:
            report = check_paths(manuscript_paths([path]), Config(select=SELECT))
        except Exception as error:  # noqa: BLE001 - a folder with no manuscript (NoManuscripts)
            print(f"{source}: {error}", file=sys.stderr)
            return Counter(articles=1), []
    else:
        report = check([load(path)], Config(select=SELECT))
    counts = Counter(articles=1)
    for m in report.manuscripts:
        counts["citations"] += sum(len(c.items) for c in m.citations)
        if cases is None:
            continue
        ctx = Context(m)
        titles = _titles(ctx)
        text, blocks = _plain(ctx)
        ends = sentence_ends(text, blocks)
        defined = abbreviations(text)
        for _, _, _, work_id, start, end in citing_clauses(ctx):
            counts["one work"] += 1
            if work_id not in titles:
                continue
            counts["with a title"] += 1
            if end - start < 15:
                continue
            counts["examined"] += 1
            at = bisect.bisect_right(ends, start)
            sentence = (ends[at - 1] if at else 0, ends[at] if at < len(ends) else len(text))
            for title, _ in titles[work_id][:1]:
                cases.append({"source": source, "text": text, "start": start, "end": end, "title": title, "defined": defined,
                              "sentence": sentence})
    rows = []
    for f in report.findings:
        rows.append({"source": source, "citation": f"{f.message.split(': the sentence says', 1)[0]} ({f.span.path.rsplit('/', 1)[-1]} line {f.span.line})",
                     "said": f.contrast.said, "cited": f.contrast.cited})
    counts["end-to-end findings"] += len(rows)
    return counts, rows


# --- (b) injection ---------------------------------------------------------------------------

_WORDS = re.compile(r"\w+")


def _folded(text: str) -> list[str]:
    return [w.removesuffix("s") for w in _WORDS.findall(text.lower())]


def _around(text: str, a: int, b: int, title: str, ta: int, tb: int) -> tuple[int, int]:
    """Equal words (folded, a final s ignored) left and right of an occurrence in the sentence and in the title."""
    left_s, left_t = _folded(text[max(0, a - 200) : a])[::-1], _folded(title[:ta])[::-1]
    right_s, right_t = _folded(text[b : b + 200]), _folded(title[tb:])
    left = next((i for i, (x, y) in enumerate(zip(left_s, left_t)) if x != y), min(len(left_s), len(left_t)))
    right = next((i for i, (x, y) in enumerate(zip(right_s, right_t)) if x != y), min(len(right_s), len(right_t)))
    return left, right


def _shared(text: str, start: int, end: int, title: str, a: int, b: int, ta: int, tb: int) -> bool:
    left, right = _around(text[:end], a, b, title, ta, tb)
    words = _WORDS.findall(text[:a].lower())[-left:] if left else []
    words += _WORDS.findall(text[b:end].lower())[:right]
    return left + right >= 3 and sum(len(w) >= 4 for w in words) >= 2 and text[start:a].strip() is not None


def _cased(word: str, like: str) -> str:
    return word[0].upper() + word[1:] if like[:1].isupper() and not word[:1].isupper() else word


def injections(case: dict, shared: bool = True):
    """(kind, start, end, replacement) for each injectable place of one examined clause, one per kind
    (``shared=False``: wherever the word is, for a text compared with itself)."""
    text, title = case["text"], case["title"]
    start, end = case["sentence"]  # the whole citing sentence: the rule sees only the citation's clause of it
    clause_text = text[start:end]
    for kind, rings in context_siblings.RINGS.items():
        done = False
        for ring in rings:
            for n, word in enumerate(ring):
                pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.I)
                if len(pattern.findall(clause_text)) != 1:
                    continue  # named twice: replacing one leaves the cited term in the sentence
                for m in pattern.finditer(clause_text):
                    t = pattern.search(title)
                    a, b = start + m.start(), start + m.end()
                    if t and (not shared or _shared(text, start, end, title, a, b, t.start(), t.end())):
                        yield kind, a, b, _cased(ring[(n + 1) % len(ring)], m.group())
                        done = True
                        break
                if done:
                    break
            if done:
                break
    unit = "|".join(re.escape(u) for u in sorted(context_siblings.UNITS, key=len, reverse=True))
    number = re.compile(rf"(?<![\w.,])(\d+(?:\.\d+)?)\s?(?:{unit})(?!\w)")
    for m in number.finditer(clause_text):
        t = re.search(rf"(?<![\w.]){re.escape(m.group())}(?!\w)", title)
        a, b = start + m.start(1), start + m.end(1)
        if t and (not shared or _shared(text, start, end, title, a, start + m.end(), t.start(), t.end())):
            value = m.group(1)
            twice = str(float(value) * 2).removesuffix(".0")
            yield "number with unit", a, b, twice
            break


def inject(case: dict, a: int, b: int, replacement: str) -> bool:
    text = case["text"][:a] + replacement + case["text"][b:]
    delta = len(replacement) - (b - a)
    start, end = case["start"], case["end"]
    start, end = (start + delta if a < start else start), (end + delta if a < end else end)
    keys = _prepare(case["title"])  # the rule's quick looks: a term word in the title, two words shared
    folded = text[start:end].casefold()
    if keys is None or sum(1 for key in keys if key in folded) < 2:
        return False
    found = compare(text, start, end, case["title"], case["defined"])
    if not found:
        return False
    contrast, s, _ = found
    ms, me = contrast.said_marks[0]
    # the marked words, located in the text: do they cover the replacement?
    marked = contrast.said[ms:me]
    at = text.find(marked, s)
    return at >= 0 and at < a + len(replacement) and a < at + len(marked)


# --- the ledger ---------------------------------------------------------------------------------


def read_ledger() -> list[dict]:
    if not LEDGER.exists():
        return []
    with open(LEDGER, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def write_ledger(rows: list[dict]) -> None:
    with open(LEDGER, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, FIELDS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        for row in sorted(rows, key=lambda r: (r["source"], r["said"], r["cited"])):
            writer.writerow({k: " ".join(str(row.get(k, "")).split()) for k in FIELDS})


def merge(found: list[dict]) -> list[dict]:
    key = lambda r: (r["source"], r["said"], r["cited"])  # noqa: E731
    old = {key(r): r for r in read_ledger()}
    rows: dict[tuple, dict] = {}
    for r in found:
        rows.setdefault(key(r), old.get(key(r)) or {**r, "verdict": "?", "reason": ""})
    return list(rows.values())


# --- (d) speed ---------------------------------------------------------------------------------


def _timed(args: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one child process."""
    import os
    import subprocess

    began = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed")
    return time.perf_counter() - began, usage.ru_utime + usage.ru_stime


def speed(repeat: int) -> str:
    """The 10,000-reference manuscripts of benchmarks/speed.py, checked with the rule on and off in
    alternation (same machine, same files): median wall and CPU times and their ratios. The CPU
    time of the child is the figure to read on a shared machine, where other work stretches wall
    time."""
    import statistics
    import tempfile

    import speed as speed_bench

    lines = ["## Citation context: speed (issue 16: `benchmarks/context.py --speed`)", "",
             f"Command: `python benchmarks/context.py --speed --repeat {repeat} --write`. Whole process, "
             "`refcheck FILE --offline --format json` on benchmarks/speed.py's manuscripts, the rule on "
             "(default) and off (`--ignore citation-context`), runs alternating; medians of wall time and of the "
             "child's CPU time (user + system: what the rule costs, whatever else the machine runs).", "",
             "| manuscript | citations | on: wall s | off: wall s | on / off (wall) | on: CPU s | off: CPU s | on / off (CPU) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    alone = []
    with tempfile.TemporaryDirectory(prefix="refcheck-context-speed-") as tmp:
        for style in ("author-year", "numeric"):
            path = Path(tmp) / f"{style}-10000.md"
            citations = speed_bench.generate(style, 10000, path)
            out = Path(tmp) / "report.json"
            base = [str(speed_bench.REFCHECK), str(path), "--offline", "--format", "json", "-o", str(out), "--max-bytes", str(1 << 30)]
            on, off = [], []
            _timed(base)  # warm the file cache
            for _ in range(repeat):
                on.append(_timed(base))
                off.append(_timed([*base, "--ignore", "citation-context"]))
            wa, wb = statistics.median(w for w, _ in on), statistics.median(w for w, _ in off)
            ca, cb = statistics.median(c for _, c in on), statistics.median(c for _, c in off)
            lines.append(f"| {style}, 10,000 references | {citations:,} | {wa:.2f} | {wb:.2f} | {wa / wb:.3f} | "
                         f"{ca:.2f} | {cb:.2f} | **{ca / cb:.3f}** |")
            alone.append((style, *_rule_alone(path)))
    lines += ["", "The rule alone, in process (garbage collection off as in the CLI; best of 5), against the "
              "in-process check without it (reading, linking, the other rules; no output): "
              + "; ".join(f"{style}: {rule:.3f} s against {whole:.2f} s ({100 * rule / whole:.1f}%)" for style, rule, whole in alone) + ".",
              "", "Target: on / off at most 1.10.", ""]
    return "\n".join(lines) + "\n"


def _rule_alone(path: Path) -> tuple[float, float]:
    """(best seconds of the rule on the linked manuscript, seconds of the check without it)."""
    import gc

    from refcheck.rules.context import citation_context

    gc.disable()
    try:
        began = time.perf_counter()
        manuscript = check([load(path, max_bytes=1 << 30)], Config(ignore=SELECT)).manuscripts[0]
        whole = time.perf_counter() - began
        best = float("inf")
        for _ in range(5):
            began = time.perf_counter()
            list(citation_context.check(Context(manuscript)))
            best = min(best, time.perf_counter() - began)
    finally:
        gc.enable()
    return best, whole


# --- the report -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=Path, default=Path("/tmp/articles"), help="the rebuilt real articles")
    parser.add_argument("--no-wild", dest="wild", action="store_false", help="skip the wild corpus (benchmarks/wild/docs)")
    parser.add_argument("--write", action="store_true", help="store the report in benchmarks/RESULTS.md")
    parser.add_argument("--speed", action="store_true", help="only the speed comparison (rule on and off)")
    parser.add_argument("--repeat", type=int, default=7, help="--speed: runs of each, alternating")
    args = parser.parse_args()
    if args.speed:
        block = speed(args.repeat)
        print(block)
        if args.write:
            results.write_section("context-speed", block)
        return
    began = time.perf_counter()

    counts: dict[str, Counter] = defaultdict(Counter)
    found: list[dict] = []
    cases: list[dict] = []
    sets = [("jats", CORPUS / "jats"), ("articles", args.articles)]
    for label, folder in sets:
        for source, md_path, gold in gold_articles(folder, label):
            md = md_path.read_text(encoding="utf-8")
            c, f, e = examine(source, md, gold)
            counts[label] += c
            counts[label]["articles"] += 1
            found += f
            cases += e
            c, rows = end_to_end(source, md_path)
            counts[label]["end-to-end findings"] += c["end-to-end findings"]
            found += rows
    others = [("latex/sympy-paper", CORPUS / "latex/sympy-paper"), ("latex/scipy-1.0-paper", CORPUS / "latex/scipy-1.0-paper"),
              ("markdown/pubmed-parser-joss", CORPUS / "markdown/pubmed-parser-joss/paper.md")]
    for label, path in others:
        gold = json.loads((path / "gold.json").read_text(encoding="utf-8")) if path.is_dir() else {}
        c, rows = end_to_end(label, path / Path(gold["main_tex"]).name if gold else path, cases)
        counts["latex, pandoc (refcheck's links)"] += c
        found += rows
    for folder in sorted((HERE / "wild" / "docs").iterdir()) if args.wild else ():
        c, rows = end_to_end(f"wild/{folder.name}", folder, cases)
        counts["wild (refcheck's links)"] += c
        found += rows

    c, rows = end_to_end("review.md", HERE.parent / "review.md")
    found += rows  # judged like the rest; not counted in the rates (the sample is no corpus article)
    ledger = merge(found)
    write_ledger(ledger)
    verdicts = Counter(r["verdict"] for r in ledger)

    lines = ["## Citation context (issue 16: `benchmarks/context.py`)", "",
             "Command: `python benchmarks/context.py --articles /tmp/articles --write`. "
             "Ledger: `benchmarks/context-ledger.tsv` (every finding, judged by hand).", "",
             "### (a) Real citations: findings and false alarms", "",
             "| set | articles | citations | citation groups | naming one work | with a title | clauses examined | findings (gold links) | findings (refcheck end to end) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    total = Counter()
    for label, c in counts.items():
        total += c
        groups = f"{c['citation groups']:,}" if c["citation groups"] else "-"
        lines.append(f"| {label} | {c['articles']} | {c['citations']:,} | {groups} | {c['one work']:,} | "
                     f"{c['with a title']:,} | {c['examined']:,} | {sum(1 for r in found if r['source'].split('/')[0] == label and '(line ' not in r['citation'])} | "
                     f"{c['end-to-end findings']} |")
    false = sum(1 for r in ledger if r["verdict"] == "false" and r["source"] != "review.md")
    lines += ["", f"Ledger lines (distinct findings): {len(ledger)}; verdicts: "
              + ", ".join(f"{v} {n}" for v, n in sorted(verdicts.items())) + ".",
              f"False findings per 1,000 citations: **{1000 * false / max(1, total['citations']):.3f}** "
              f"({false} false in the corpora of {total['citations']:,} citations; per 1,000 examined clauses: {1000 * false / max(1, total['examined']):.3f}). Target: at most 1.", ""]

    # (b) recall
    per_kind = defaultdict(Counter)
    for case in cases:
        for kind, a, b, replacement in injections(case):
            per_kind[kind]["injected"] += 1
            per_kind[kind]["found"] += inject(case, a, b, replacement)
    lines += ["### (b) Injected contradictions: recall per kind", "",
              "| kind | injected | found | recall |", "|---|---:|---:|---:|"]
    all_i = all_f = 0
    for kind in [*context_siblings.RINGS, "number with unit"]:
        c = per_kind[kind]
        all_i += c["injected"]
        all_f += c["found"]
        lines.append(f"| {kind} | {c['injected']} | {c['found']} | {c['found'] / c['injected']:.2f} |" if c["injected"] else f"| {kind} | 0 | 0 | - |")
    lines += [f"| **all** | {all_i} | {all_f} | **{all_f / max(1, all_i):.2f}** |", "", "Target: at least 0.6.", ""]

    # (b2) the same rings in the cited titles themselves: every kind gets a sample, an upper bound
    echo = defaultdict(Counter)
    seen: set[str] = set()
    for case in cases:
        title = case["title"]
        if title in seen:
            continue
        seen.add(title)
        echoed = {"text": title, "start": 0, "end": len(title), "title": title, "defined": {}, "sentence": (0, len(title))}
        for kind, a, b, replacement in injections(echoed, shared=False):
            echo[kind]["injected"] += 1
            echo[kind]["found"] += inject(echoed, a, b, replacement)
    lines += ["### (b2) The same substitutions in the cited titles themselves", "",
              "Each distinct cited title of the examined citations, compared with a copy of itself in which one ring word "
              "(or a number with its unit) is replaced, once per kind: every kind gets a sample. An upper bound (the "
              "sentence repeats its title word for word); it measures the term lists and the alignment, not the clause.", "",
              "| kind | injected | found | recall |", "|---|---:|---:|---:|"]
    for kind in [*context_siblings.RINGS, "number with unit"]:
        c = echo[kind]
        lines.append(f"| {kind} | {c['injected']} | {c['found']} | {c['found'] / c['injected']:.2f} |" if c["injected"] else f"| {kind} | 0 | 0 | - |")
    e_i, e_f = sum(c["injected"] for c in echo.values()), sum(c["found"] for c in echo.values())
    lines += [f"| **all** | {e_i} | {e_f} | **{e_f / max(1, e_i):.2f}** |", ""]

    # (c) review.md
    report = check_paths([HERE.parent / "review.md"], Config(select=SELECT))
    lines += ["### (c) review.md offline", ""]
    lines += [f"- line {f.span.line}: {f.message}" for f in report.findings] or ["- no finding"]
    lines += ["", f"Run time: {time.perf_counter() - began:.0f} s.", ""]
    block = "\n".join(lines) + "\n"
    print(block)
    if args.write:
        results.write_section(SECTION, block)


if __name__ == "__main__":
    main()
