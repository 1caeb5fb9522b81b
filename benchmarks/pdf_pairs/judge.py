"""Judge the pairs' ledger (ledger.tsv) where the source decides, and say what is left.

    python benchmarks/pdf_pairs/judge.py    # after score.py

The source (pandoc --citeproc on paper.md with paper.bib, gold/<pair>.json) says which works the
paper cites and lists. Two kinds of finding are settled by it, with the reason written out:

- ``citation-without-reference``: false when the list has an entry by that first author with that
  year (refcheck did not read it from the PDF), true when the source cites that author by a key
  its .bib lacks; otherwise a person looks (the name may be misread, or the PDF older than its
  source);
- ``reference-never-cited``: false when the source cites an entry by that first author with that
  year, true when it lists one and does not cite it; otherwise a person looks.

Everything else, and any line a person has judged (a verdict other than "?" already in the
file), is left as it is. Standard library only.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LEDGER = HERE / "ledger.tsv"
FIELDS = ("pair", "rule", "message", "verdict", "reason")


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


_CITED = re.compile(r"^(?P<who>.+?)[, ]+\(?(?P<year>(?:1[5-9]|20)\d\d[a-z]?|n\.d\.)\)? matches no entry")
_UNCITED = re.compile(r"\((?P<who>[^,(]+?)(?:,| et al\.| and | \d{4})[^()]*?(?P<year>(?:1[5-9]|20)\d\d)?[a-z]?, (?:page|line)")


def judge(row: dict, gold: dict) -> tuple[str, str] | None:
    if row["rule"] == "citation-without-reference":
        m = _CITED.match(row["message"])
        if not m:
            return None
        surname = fold(m.group("who").replace(" et al.", "").split(",")[0].split(" and ")[0].split(" & ")[0].split()[-1])
        year = m.group("year")[:4]
        listed = [g for g in gold["refs"] if fold(g["first_author"] or "").split()[-1:] == [surname] and (g["year"] or "")[:4] == year]
        if listed:
            return "false", f"the list prints {listed[0]['first_author']} {listed[0]['year']} ({listed[0]['key']}): refcheck did not read that entry from the PDF"
        cited = [c for c in gold["citations"] if fold(c["first_author"] or "").split()[-1:] == [surname]]
        if cited and all(c["key"] in gold["missing_keys"] for c in cited):
            return "true", f"the source cites @{cited[0]['key']}, which its .bib lacks: no entry is printed"
        return None  # not found by that name: a name read wrongly, or a PDF older than its source (a person looks)
    if row["rule"] == "reference-never-cited":
        m = _UNCITED.search(row["message"])
        if not m or not m.group("year"):
            return None
        surname = fold(m.group("who").split()[0].rstrip(","))
        year = m.group("year")
        cited = [c for c in gold["citations"] if fold(c["first_author"] or "").split()[:1] == [surname] and (c["year"] or "")[:4] == year]
        if cited:
            return "false", f"the source cites it ({cited[0]['rendered']}, @{cited[0]['key']}): refcheck did not read that citation from the PDF"
        listed = [g for g in gold["refs"] if fold(g["first_author"] or "").split()[:1] == [surname] and (g["year"] or "")[:4] == year]
        if listed:
            return "true", f"the source lists {listed[0]['key']} and does not cite it"
        return None  # an entry the source does not list: misread from the PDF, or a PDF older than its source
    return None


def main() -> int:
    with LEDGER.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    settled = 0
    for row in rows:
        if row["verdict"] not in ("?", ""):
            continue
        gold = json.loads((HERE / "gold" / f"{row['pair']}.json").read_text(encoding="utf-8"))
        verdict = judge(row, gold)
        if verdict:
            row["verdict"], row["reason"] = verdict
            settled += 1
    with LEDGER.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FIELDS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"settled {settled}; verdicts now: {dict(Counter(r['verdict'] for r in rows))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
