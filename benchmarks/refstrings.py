"""Field accuracy of ``refcheck.readers.references.parse_reference`` on labelled references.

    python benchmarks/refstrings.py [--corpus ../shared/corpus] [--misses FIELD]

Sources:

* ``jats``: every ``refs[]`` entry of the 30 gold JATS articles, parsed from the Markdown
  rendering at ``md_start:md_end``; fields compared: first author surname (or collaboration
  name), year, title (article or chapter title; a book's title when it has neither), container
  (``source``, for articles and chapters), volume, first page, DOI;
* ``anystyle`` / ``grobid``: the labelled strings under ``refstrings/``; ``author`` -> first
  family name, ``date`` -> year, ``title`` (grobid: ``title[level=a]``, else ``[level=m]``),
  ``container-title``/``journal`` (grobid: ``title[level=j]``), ``volume``, ``pages`` (first
  page).

A field counts only where the gold has it (n); a value matches when equal after case folding
and removing punctuation and extra whitespace. Prints one Markdown table per source.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
import unicodedata
from collections import defaultdict

import regex as re

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from refcheck.model import Source  # noqa: E402
from refcheck.readers.references import parse_reference  # noqa: E402

FIELDS = ("first_author", "year", "title", "container", "volume", "first_page", "doi")


def norm(value: str | None) -> str:
    if value is None:
        return ""
    value = unicodedata.normalize("NFKC", value).casefold()
    value = re.sub(r"[\p{P}\p{S}]+", " ", value)
    return " ".join(value.split())


def year_of(value: str | None) -> str:
    m = re.search(r"(1[5-9]|20)\d\d", value or "")
    return m.group() if m else ""


def first_page(value: str | None) -> str:
    if not value:
        return ""
    value = re.sub(r"^\s*(?:pp?\.|pages?)\s*", "", value.strip(), flags=re.I)
    m = re.match(r"[A-Za-z]{0,3}\d+[A-Za-z]?\d*", value)
    return m.group().lower() if m else norm(value)


def volume_of(value: str | None) -> str:
    if not value:
        return ""
    m = re.search(r"[A-Za-z]?\d+[A-Za-z]?", value)
    return m.group().lower() if m else norm(value)


def doi_of(value: str | None) -> str:
    return (value or "").strip().rstrip(".").lower()


_INITIAL = re.compile(r"^(?:\p{Lu}\.?-?){1,4}\.?$|^\p{Lu}\p{Ll}?\.$")


def first_family(author_text: str) -> tuple[str, ...]:
    """Plausible first family names in a labelled author string (more than one if unsure)."""
    text = author_text.strip()
    chunk = re.split(r",|;|\s(?:and|&|et|und)\s", text, maxsplit=1)[0].strip()
    tokens = chunk.split()
    if not tokens:
        return ()
    is_ini = [bool(_INITIAL.match(tok)) for tok in tokens]
    if any(is_ini):
        if is_ini[0]:  # "J. P. COLLMAN"
            fam = [t for t, i in zip(tokens, is_ini) if not i]
        else:  # "Heidegger M." / "Smith JA"
            fam = []
            for t, i in zip(tokens, is_ini):
                if i:
                    break
                fam.append(t)
        return (" ".join(fam),) if fam else ()
    # "Romero" (before the comma), or "John Smith": accept first or last word or the whole
    return tuple(dict.fromkeys([chunk, tokens[0], tokens[-1]]))


def parse(text: str, start: int = 0, end: int | None = None, path: str = "x.md"):
    src = Source(path, text)
    return parse_reference(src, start, len(text) if end is None else end, id="r", label=None)


class Tally:
    def __init__(self) -> None:
        self.n: dict[str, int] = defaultdict(int)
        self.ok: dict[str, int] = defaultdict(int)
        self.misses: dict[str, list] = defaultdict(list)

    def add(self, fieldname: str, gold, ours, ok: bool, text: str) -> None:
        self.n[fieldname] += 1
        if ok:
            self.ok[fieldname] += 1
        else:
            self.misses[fieldname].append((text, gold, ours))

    def table(self, title: str) -> str:
        rows = [f"### {title}", "", "| field | n | accuracy |", "|---|---:|---:|"]
        for f in FIELDS:
            if self.n[f]:
                rows.append(f"| {f} | {self.n[f]} | {self.ok[f] / self.n[f]:.3f} |")
        return "\n".join(rows)


def compare(t: Tally, ref, text: str, gold: dict) -> None:
    if gold.get("first_author"):
        cands = gold["first_author"]
        ours = norm(ref.first_author)
        t.add("first_author", cands, ref.first_author, bool(ours) and ours in {norm(c) for c in cands}, text)
    if gold.get("year"):
        t.add("year", gold["year"], ref.year, year_of(gold["year"]) == year_of(ref.year), text)
    if gold.get("title"):
        t.add("title", gold["title"], ref.title, norm(gold["title"]) == norm(ref.title), text)
    if gold.get("container"):
        t.add("container", gold["container"], ref.container_title, norm(gold["container"]) == norm(ref.container_title), text)
    if gold.get("volume"):
        t.add("volume", gold["volume"], ref.volume, volume_of(gold["volume"]) == volume_of(ref.volume), text)
    if gold.get("first_page"):
        ours = ref.page or ref.article_number
        t.add("first_page", gold["first_page"], ours, first_page(gold["first_page"]) == first_page(ours), text)
    if gold.get("doi"):
        t.add("doi", gold["doi"], ref.doi, doi_of(gold["doi"]) == doi_of(ref.doi), text)


def run_jats(corpus: str, t: Tally) -> int:
    count = 0
    for path in sorted(glob.glob(os.path.join(corpus, "jats", "gold", "*.json"))):
        gold = json.load(open(path, encoding="utf-8"))
        md_path = os.path.join(corpus, "jats", "md", gold["id"] + ".md")
        md = open(md_path, encoding="utf-8").read()
        src = Source(md_path, md)
        for r in gold["refs"]:
            ref = parse_reference(src, r["md_start"], r["md_end"], id=r["id"], label=r.get("label"))
            count += 1
            g: dict = {}
            if r["authors"]:
                a0 = r["authors"][0]
                if "surname" in a0:
                    g["first_author"] = (a0["surname"],)
                elif "collab" in a0:
                    g["first_author"] = (a0["collab"],)
            g["year"] = r["year"]
            title = r["article_title"] or r["chapter_title"]
            if title:
                g["title"], g["container"] = title, r["source"]
            else:
                g["title"] = r["source"]
            g["volume"] = r["volume"]
            g["first_page"] = r["fpage"] or r["elocation_id"]
            g["doi"] = r["doi"]
            compare(t, ref, md[r["md_start"] : r["md_end"]], g)
    return count


def _labelled(fields: list[dict], *labels: str) -> str | None:
    for label in labels:
        for f in fields:
            if f["label"] == label:
                return f["text"].strip().strip(",.;:()[] ").strip()
    return None


_LABEL = re.compile(r"\s*(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}\.(?!\d))\s+")


def run_jsonl(path: str, t: Tally, grobid: bool) -> int:
    count = 0
    for line in open(path, encoding="utf-8"):
        row = json.loads(line)
        text, fields = row["text"], row["fields"]
        # the Markdown reader strips printed labels ("[13] ", "60. ") before parsing; do the same
        label = _LABEL.match(text)
        ref = parse(text, label.end() if label else 0)
        count += 1
        g: dict = {}
        author = _labelled(fields, "author")
        if author:
            g["first_author"] = first_family(author)
        g["year"] = _labelled(fields, "date")
        if grobid:
            g["title"] = _labelled(fields, "title[level=a]", "title[level=m]")
            g["container"] = _labelled(fields, "title[level=j]")
            g["volume"] = _labelled(fields, "biblScope[type=vol]", "biblScope[unit=volume]")
            g["first_page"] = _labelled(fields, "biblScope[type=pp]", "biblScope[unit=page]", "biblScope[type=page]")
        else:
            g["title"] = _labelled(fields, "title")
            g["container"] = _labelled(fields, "container-title", "journal")
            g["volume"] = _labelled(fields, "volume")
            g["first_page"] = _labelled(fields, "pages")
        compare(t, ref, text, g)
    return count


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(HERE), "..", "shared", "corpus"))
    ap.add_argument("--misses", metavar="FIELD", help="print up to --limit misses of FIELD per source")
    ap.add_argument("--source", choices=("jats", "anystyle", "grobid"), action="append")
    ap.add_argument("--limit", type=int, default=40)
    args = ap.parse_args(argv)
    corpus = os.path.abspath(args.corpus)
    sources = args.source or ["jats", "anystyle", "grobid"]
    total = 0
    elapsed = 0.0
    for name in sources:
        t = Tally()
        t0 = time.perf_counter()
        if name == "jats":
            n = run_jats(corpus, t)
        elif name == "anystyle":
            n = run_jsonl(os.path.join(corpus, "refstrings", "anystyle", "core.jsonl"), t, grobid=False)
        else:
            n = run_jsonl(os.path.join(corpus, "refstrings", "grobid", "grobid-citation-corpus.jsonl"), t, grobid=True)
        elapsed += time.perf_counter() - t0
        total += n
        print(t.table(f"{name} ({n} references)"))
        print()
        if args.misses:
            for text, gold, ours in t.misses[args.misses][: args.limit]:
                print(f"- gold={gold!r} ours={ours!r}\n    {text[:220]}")
            print()
    print(f"{total} references parsed and scored in {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
