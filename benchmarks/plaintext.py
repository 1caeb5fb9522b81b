"""Plain-text benchmark: the 30 JATS gold articles as PDF-extracted text, against their Markdown.

    python benchmarks/plaintext.py            # print the Markdown report
    python benchmarks/plaintext.py --write    # also store it in benchmarks/RESULTS.md (section "plaintext")
    python benchmarks/plaintext.py --only ID ... [--keep DIR]   # some articles; keep the .txt files

Each ``md/<id>.md`` is turned into what text extraction from a typeset PDF looks like:

* Markdown markup stripped: ``#`` heading marks, ``- `` list bullets, ``*`` emphasis,
  ``<sub>`` tags (their content kept), and ``<sup>`` superscripts flattened into the word
  before them (``habitats <sup>1, 2</sup>.`` -> ``habitats1,2.``, as a PDF's superscript
  comes out). Numbered reference labels (``1.``) and table rows (``| a | b |``) are kept.
* Lines hard-wrapped at 80 columns; a word of 8+ lower-case letters that does not fit is
  hyphenated (at least 3 letters each side), and a compound may break after its own hyphen.
* Body paragraphs separated by a blank line; headings on their own line between blank
  lines; reference entries wrapped with *no* blank line between them.
* Every 50 lines a page break: a blank line, the footer ``Page N of M``, a blank line, the
  next page's running header (the journal's name on odd pages, the article's title cut to
  60 characters on even pages), a blank line. Page breaks fall where they fall: inside
  paragraphs, citations and reference entries.

The conversion keeps a map from Markdown offsets to text offsets, through which the gold
citation and reference offsets are moved. Both files are checked through the CLI
(``refcheck FILE --offline --format json``; until the CLI sends ``.txt`` files to the
plain-text reader, the .txt is read in-process with ``refcheck.readers.text.read`` and
checked with ``api.check``, giving the same JSON) and scored by ``scoring.score_links``; the
acceptance target is a text F1 within 0.02 of the Markdown F1 in each stratum. The cleaning
step alone (``refcheck.readers.text.clean``) is also timed on all the texts joined.
Standard library + refcheck only.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import accuracy  # noqa: E402
import results  # noqa: E402
import scoring  # noqa: E402

ROOT = accuracy.ROOT
CORPUS = accuracy.CORPUS
STRATA = accuracy.STRATA
TOLERANCE = 0.02
WIDTH = 80
PAGE_LINES = 50
MIN_HYPHENATED = 8

_HEADING = re.compile(r"#{1,6}[ \t]+")
_BULLET = re.compile(r"[-*+][ \t]+")
_SUP = re.compile(r"<sup>(.*?)</sup>", re.S)
_SUB_TAG = re.compile(r"</?sub>")
_REFERENCES = re.compile(r"#{1,6}\s+(?:references|bibliography|literature cited)\s*$", re.I)


# --------------------------------------------------------------------------- Markdown -> text


def strip_markup(line: str, offset: int) -> list[tuple[str, int]]:
    """One Markdown line without its markup, as (character, Markdown offset) pairs."""
    out: list[tuple[str, int]] = []
    pos = 0
    m = _HEADING.match(line) or _BULLET.match(line)
    if m:
        pos = m.end()
    while pos < len(line):
        sup = _SUP.match(line, pos) if line.startswith("<sup>", pos) else None
        if sup:
            while out and out[-1][0] in " \t":
                out.pop()  # a superscript sits on the word before it
            inner = sup.group(1)
            for k, ch in enumerate(inner):
                if ch not in " \t*" and not inner.startswith(("<", "/"), k):
                    out.append((ch, offset + sup.start(1) + k))
            pos = sup.end()
            continue
        sub = _SUB_TAG.match(line, pos)
        if sub:
            pos = sub.end()
            continue
        if line[pos] != "*":
            out.append((line[pos], offset + pos))
        pos += 1
    return out


def hyphenation_point(word: str, room: int) -> int:
    """How many letters of ``word`` go before a hyphen in ``room`` columns (0: do not hyphenate)."""
    if len(word) < MIN_HYPHENATED or not word.isalpha() or not word.islower():
        return 0
    cut = min(room - 1, len(word) - 3)
    return cut if cut >= 3 else 0


def wrap(chars: list[tuple[str, int]], width: int) -> list[list[tuple[str, int | None]]]:
    """Greedy wrapping at ``width`` columns; long words hyphenated, compounds broken after their hyphen."""
    words: list[list[tuple[str, int]]] = []
    current: list[tuple[str, int]] = []
    for ch in chars:
        if ch[0] in " \t":
            if current:
                words.append(current)
                current = []
        else:
            current.append(ch)
    if current:
        words.append(current)
    lines: list[list[tuple[str, int | None]]] = []
    line: list[tuple[str, int | None]] = []
    for word in words:
        while True:
            room = width - len(line) - (1 if line else 0)
            if len(word) <= room:
                if line:
                    line.append((" ", None))
                line.extend(word)
                break
            text = "".join(c for c, _ in word)
            hyphen = text.rfind("-", 0, room)
            if hyphen >= 2 and len(text) - hyphen > 3:
                head, word = word[: hyphen + 1], word[hyphen + 1 :]
            else:
                cut = hyphenation_point(text, room)
                if not cut:
                    if line:
                        lines.append(line)
                        line = []
                        continue
                    line.extend(word)  # longer than a line: left overlong
                    break
                head, word = word[:cut] + [("-", None)], word[cut:]
            if line:
                line.append((" ", None))
            line.extend(head)
            lines.append(line)
            line = []
    if line:
        lines.append(line)
    return lines


def to_plain(md: str, journal: str, title: str, width: int = WIDTH, page: int = PAGE_LINES) -> tuple[str, list[int], list[int]]:
    """The article as PDF-extracted text; ``starts[i]``/``ends[i]`` move Markdown offset i to the text.

    ``starts[i]`` is where the first kept character at or after i landed, ``ends[i]`` is
    just after the last kept character before i: a Markdown span [s, e) becomes
    [starts[s], ends[e]).
    """
    body: list[list[tuple[str, int | None]]] = []  # lines before pagination; [] is a blank line
    in_refs = False
    offset = 0
    for raw in md.split("\n"):
        start = offset
        offset += len(raw) + 1
        if not raw.strip():
            if not in_refs and body and body[-1]:
                body.append([])
            continue
        heading = bool(_HEADING.match(raw))
        if heading and _REFERENCES.match(raw):
            in_refs = True
        elif heading:
            in_refs = False
        chars = strip_markup(raw, start)
        if heading:
            if body and body[-1]:
                body.append([])
            body.append(list(chars))
            body.append([])
            continue
        body.extend(wrap(chars, width))
    while body and not body[-1]:
        body.pop()
    pages = max(1, -(-len(body) // page))
    short_title = title if len(title) <= 60 else title[:59].rstrip() + "…"

    def header(n: int) -> list[list[tuple[str, int | None]]]:
        running = journal if n % 2 else short_title
        return [[(c, None) for c in running], []]

    def footer(n: int) -> list[list[tuple[str, int | None]]]:
        return [[], [(c, None) for c in f"Page {n} of {pages}"], []]

    out_lines: list[list[tuple[str, int | None]]] = header(1)
    for k, line in enumerate(body):
        if k and k % page == 0:
            out_lines += footer(k // page) + header(k // page + 1)
        out_lines.append(line)
    out_lines += footer(pages)
    text_parts: list[str] = []
    starts = [-1] * (len(md) + 1)
    ends = [-1] * (len(md) + 1)
    position = 0
    for line in out_lines:
        for ch, origin in line:
            if origin is not None:
                starts[origin] = position
                ends[origin + 1] = position + 1
            text_parts.append(ch)
            position += 1
        text_parts.append("\n")
        position += 1
    # dropped Markdown characters: a span starting there starts at the next kept one, a span
    # ending there ends after the previous kept one
    nxt = position
    for i in range(len(md), -1, -1):
        if starts[i] == -1:
            starts[i] = nxt
        else:
            nxt = starts[i]
    prev = 0
    for i in range(len(md) + 1):
        if ends[i] == -1:
            ends[i] = prev
        else:
            prev = ends[i]
    return "".join(text_parts), starts, ends


def moved_gold(gold: dict, starts: list[int], ends: list[int]) -> dict:
    """The gold record with its citation and reference offsets moved into the text."""
    out = dict(gold)
    out["citations"] = [{**c, "start": starts[c["start"]], "end": max(starts[c["start"]], ends[c["end"]])} for c in gold["citations"]]
    out["refs"] = [
        {**r, "md_start": starts[r["md_start"]], "md_end": ends[r["md_end"]]} if r.get("md_start") is not None else r
        for r in gold["refs"]
    ]
    return out


# --------------------------------------------------------------------------- running refcheck


def journals(corpus: Path) -> dict[str, str]:
    with open(corpus / "manifest.tsv", newline="", encoding="utf-8") as handle:
        return {row["id"]: row["journal"] for row in csv.DictReader(handle, delimiter="\t")}


def title_of(md: str) -> str:
    m = re.search(r"^#\s+(.+)$", md, re.M)
    return re.sub(r"[*_]", "", m.group(1)).strip() if m else "Untitled"


_TIME_CLEAN = """
import sys, time
from refcheck.readers.text import clean
text = open(sys.argv[1], encoding="utf-8").read()
wall = cpu = float("inf")
for _ in range(3):
    began, began_cpu = time.perf_counter(), time.process_time()
    clean(text)
    wall, cpu = min(wall, time.perf_counter() - began), min(cpu, time.process_time() - began_cpu)
print(wall, cpu)
"""


def clean_seconds(python: str, texts: list[str], folder: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds ``refcheck.readers.text.clean`` takes on all the texts joined (best
    of three, in a fresh process, as the CLI would run it), and their size in characters."""
    joined = "\n".join(texts)
    path = folder / "all-texts.txt"
    path.write_text(joined, encoding="utf-8")
    proc = subprocess.run([python, "-c", _TIME_CLEAN, str(path)], capture_output=True, text=True, cwd=ROOT)
    try:
        wall, cpu = map(float, proc.stdout.split())
    except ValueError:
        wall = cpu = float("nan")
    return wall, cpu, len(joined)


# --------------------------------------------------------------------------- report


def fmt(value: float) -> str:
    return f"{value:.3f}"


def build_report(args, articles, scores, errors, seconds, cleaning) -> str:
    totals = {kind: {s: scoring.LinkScore() for s in STRATA} for kind in ("md", "txt")}
    missing = {s: 0 for s in STRATA}  # articles of the stratum without both runs
    for a in articles:
        if (a["id"], "md") not in scores or (a["id"], "txt") not in scores:
            missing[a["style"]] += 1
            continue
        for kind in ("md", "txt"):
            totals[kind][a["style"]] = totals[kind][a["style"]].add(scores[(a["id"], kind)])
    lines = [
        "# refcheck on PDF-like plain text (the JATS gold corpus, re-typeset)", "",
        f"- command: `{args.command}` (runs `{Path(args.python).name} -m refcheck FILE --offline --format json` "
        "on each .md and on its .txt)",
        f"- date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- corpus: {args.corpus} ({len(articles)} articles); wall time {seconds:.1f}s with {args.jobs} workers",
        f"- text: {WIDTH} columns, hyphenated words of {MIN_HYPHENATED}+ letters, a page header and a `Page N of M` "
        f"footer every {PAGE_LINES} lines, no blank line between reference entries, Markdown markup stripped, "
        "superscripts flattened (see the docstring of benchmarks/plaintext.py)",
        f"- cleaning step alone (`refcheck.readers.text.clean` in a fresh process, best of 3): {cleaning[2] / 1e6:.2f} M characters "
        f"in {cleaning[0]:.3f} s wall, {cleaning[1]:.3f} s CPU (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)", "",
    ]
    if errors:
        lines += ["**Runs that failed:**", ""] + [f"- {a} [{k}]: {accuracy.clip(v, 200)}" for (a, k), v in errors.items()] + [""]
    lines += ["## Linking (micro-averaged)", "",
              "| stratum | gold pairs | .md P | .md R | .md F1 | .txt P | .txt R | .txt F1 | F1 difference | within 0.02 |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for s in STRATA:
        m, t = totals["md"][s], totals["txt"][s]
        diff = t.f1 - m.f1
        verdict = f"**{missing[s]} article(s) not scored**" if missing[s] else "met" if diff >= -TOLERANCE else "**not met**"
        lines.append(f"| {s} | {m.n_gold} | {fmt(m.precision)} | {fmt(m.recall)} | {fmt(m.f1)} | {fmt(t.precision)} | "
                     f"{fmt(t.recall)} | {fmt(t.f1)} | {diff:+.3f} | {verdict} |")
    lines += ["", "### Per article", "",
              "| article | style | refs gold/.md/.txt | .md F1 | .txt F1 | .txt missed | .txt false |",
              "|---|---|---:|---:|---:|---:|---:|"]
    for a in articles:
        m, t = scores.get((a["id"], "md")), scores.get((a["id"], "txt"))
        refs = f"{len(a['gold']['refs'])}/{a.get('n_md', '–')}/{a.get('n_txt', '–')}"
        lines.append(f"| {a['id']} | {a['style']} | {refs} | {fmt(m.f1) if m else '–'} | {fmt(t.f1) if t else '–'} | "
                     f"{len(t.missed) if t else '–'} | {len(t.false_positives) if t else '–'} |")
    examples = []
    for a in articles:
        t, m = scores.get((a["id"], "txt")), scores.get((a["id"], "md"))
        if not t or not m:
            continue
        md_missed = {(c["text"], rid) for c, rid in m.missed}
        extra = [(c, rid) for c, rid in t.missed if (c["text"], rid) not in md_missed]
        md_false = {(fp["text"], fp["rid"]) for fp in m.false_positives}
        false = [fp for fp in t.false_positives if (fp["text"], fp["rid"]) not in md_false]
        if extra or false:
            examples.append(f"- **{a['id']}**: {len(extra)} missed and {len(false)} false links that the .md run does not have")
            examples += [f"  - missed `{accuracy.clip(c['text'], 60)}` -> {rid} (@{c['start']})" for c, rid in extra[: args.examples]]
            examples += [f"  - false `{accuracy.clip(fp['text'], 60)}` -> {fp['rid']} (@{fp['start']})" for fp in false[: args.examples]]
    if examples:
        lines += ["", "### Where the text loses against the Markdown (first few per article)", ""] + examples
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="also write the report into benchmarks/RESULTS.md")
    parser.add_argument("--only", nargs="*", help="article ids to run (default: all)")
    parser.add_argument("--jobs", type=int, default=max(2, os.cpu_count() or 2), help="parallel processes")
    parser.add_argument("--python", default=accuracy.default_python(), help="interpreter that has refcheck installed")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the jats corpus folder")
    parser.add_argument("--keep", type=Path, help="write the .md/.txt files and moved gold here (and keep them)")
    parser.add_argument("--examples", type=int, default=3, help="lost links shown per article")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.command = " ".join(["python benchmarks/plaintext.py", *(sys.argv[1:] if argv is None else argv)])
    articles = accuracy.load_articles(args.corpus, args.only)
    names = journals(args.corpus)
    with tempfile.TemporaryDirectory(prefix="refcheck-plaintext-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        jobs, texts = [], []
        for a in articles:
            text, starts, ends = to_plain(a["md"], names.get(a["id"], "Journal"), title_of(a["md"]))
            a["txt_gold"] = moved_gold(a["gold"], starts, ends)
            texts.append(text)
            if args.keep:
                (folder / f"{a['id']}.txt.gold.json").write_text(json.dumps(a["txt_gold"], indent=1), encoding="utf-8")
            for kind, content in (("md", a["md"]), ("txt", text)):
                jobs.append((args.python, str(folder), a["id"], kind, content, f".{kind}"))
        jobs.sort(key=lambda job: -len(job[4]))
        began = time.perf_counter()
        with concurrent.futures.ProcessPoolExecutor(max_workers=args.jobs) as pool:  # accuracy's runner: the same CLI call
            runs = {(a, k): r for a, k, r in pool.map(accuracy.run_refcheck, jobs, chunksize=1)}
        seconds = time.perf_counter() - began
        cleaning = clean_seconds(args.python, texts, folder)
    errors = {key: r["_error"] for key, r in runs.items() if "_error" in r}
    scores = {}
    for a in articles:
        for kind, gold in (("md", a["gold"]), ("txt", a["txt_gold"])):
            run = runs.get((a["id"], kind))
            if run is not None and "_error" not in run:
                scores[(a["id"], kind)] = scoring.score_links(run, gold)
                a[f"n_{kind}"] = len(run.get("references", []))
    report = build_report(args, articles, scores, errors, seconds, cleaning)
    print(report, end="")
    if args.write:
        results.write_section("plaintext", report)
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
