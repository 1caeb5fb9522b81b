"""Write references.bib for review.md: its reference list as its authors would keep it.

    .venv/bin/python scripts/make_review_bib.py            # (re)write references.bib
    .venv/bin/python scripts/make_review_bib.py --check    # exit 1 if the committed file differs

One entry per work of the printed list (entry 3's two works are two entries), parsed from
review.md by refcheck's own reader. Where ../shared/facts/review-references.json CONFIRMS a
field (a value that is not "unconfirmed..."), the confirmed value is used, as a reference
manager that imported the record would hold it (full page ranges, "Garcia-del Rio"); the DOI
only where the facts confirm it; everything else as printed. So `refcheck review.md --bib
references.bib` shows where the printed list drifted from the record its authors kept.
Written with bibtexparser's writer; deterministic.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import bibtexparser
from anyascii import anyascii
from bibtexparser.model import Entry, Field

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT.parent / "shared" / "facts" / "review-references.json"
OUT = ROOT / "references.bib"
HEADER = "% references.bib for review.md, written by scripts/make_review_bib.py (see its docstring).\n\n"

sys.path.insert(0, str(ROOT))
from refcheck.readers import load  # noqa: E402


def confirmed(value):
    if value is None or (isinstance(value, str) and value.startswith("unconfirmed")):
        return None
    return re.sub(r"\s*\(.*\)$", "", value) if isinstance(value, str) else value


def facts_for_works() -> list[dict | None]:
    """The facts in the order of review.md's works (entry 3's second work after its first)."""
    out = []
    for fact in json.loads(FACTS.read_text(encoding="utf-8")):
        out.append(fact)
        if fact.get("second_work"):
            out.append(fact["second_work"])
    return out


def entry_for(work, fact, keys: set[str]) -> Entry:
    authors = [(a.family, a.given) for a in work.authors]
    if fact and fact.get("authors_complete") and fact.get("authors"):
        authors = [(a["family"], a["given"]) for a in fact["authors"]]
    fields = {
        "author": " and ".join(f"{{{f}}}" if not g else f"{f}, {g}" for f, g in authors) + (" and others" if work.authors_truncated and not (fact and fact.get("authors_complete")) else ""),
        "title": confirmed(fact.get("title")) if fact else None,
        "journal": confirmed(fact.get("container")) if fact else None,
        "year": confirmed(fact.get("year")) if fact else None,
        "volume": confirmed(fact.get("volume")) if fact else None,
        "number": confirmed(fact.get("issue")) if fact else None,
        "pages": confirmed(fact.get("page")) if fact else None,
        "eid": confirmed(fact.get("article_number")) if fact else None,
        "doi": confirmed(fact.get("doi")) if fact else None,
    }
    printed = {"title": work.title, "journal": work.container_title, "year": work.year, "volume": work.volume,
               "number": work.issue, "pages": work.page, "eid": work.article_number}
    for name, value in printed.items():
        if not fields.get(name) and value:
            fields[name] = value
    if fields["pages"]:
        fields["pages"] = fields["pages"].replace("–", "--").replace("-", "--").replace("----", "--")
    if not work.authors and not (fact and fact.get("authors")):
        fields["author"] = None
    base = re.sub(r"[^a-z]", "", anyascii(work.authors[0].family).lower()) if work.authors else "anonymous"
    key = f"{base}{(fields.get('year') or '')[:4]}"
    while key in keys:
        key += "b"
    keys.add(key)
    kind = "article"
    if fact and (fact.get("type") or "").startswith("book-chapter"):
        # a chapter: the printed container is the book, the confirmed one its series; the
        # publisher is not confirmed, so it is left out (missing-required-field says so)
        kind = "incollection"
        fields["series"], fields["journal"] = fields.pop("journal"), None
        fields["booktitle"] = work.container_title
    return Entry(kind, key, [Field(k, v) for k, v in fields.items() if v])


def render() -> str:
    manuscript = load(ROOT / "review.md")
    works = [w for r in manuscript.references for w in (r.parts or (r,))]
    facts = facts_for_works()
    assert len(works) == len(facts), (len(works), len(facts))
    keys: set[str] = set()
    library = bibtexparser.Library([entry_for(w, f, keys) for w, f in zip(works, facts)])
    return HEADER + bibtexparser.write_string(library)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    text = render()
    if parser.parse_args().check:
        return 0 if OUT.exists() and OUT.read_text(encoding="utf-8") == text else 1
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
