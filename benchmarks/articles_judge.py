"""Hand judgments of the real-article ledger (benchmarks/articles-ledger.tsv).

    python benchmarks/articles_judge.py     # after benchmarks/articles_ledger.py: settle what these judge; print the counts left

Two sources, both written after reading the article's text (the md the ledger was run on, and its
XML where the md was unclear):

* ``benchmarks/articles-verdicts.tsv``: one finding per line (doc_id, rule, message as printed,
  verdict, reason). It wins over the gold's automatic "explained by the gold" (the publisher's
  xrefs are sometimes wrong: a citation the XML does not tag is still a citation).
* ``JUDGED`` below: (document id pattern, rule name, message pattern, verdict, reason), by class,
  for the "?" lines the file does not settle.

A line neither settles stays "?". Standard library only.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LEDGER = HERE / "articles-ledger.tsv"
FIELDS = ("doc_id", "rule", "location", "message", "verdict", "reason")
VERDICTS = HERE / "articles-verdicts.tsv"
VERDICT_FIELDS = ("doc_id", "rule", "message", "verdict", "reason")


def read_verdicts() -> dict[tuple[str, str, str], tuple[str, str]]:
    if not VERDICTS.exists():
        return {}
    with VERDICTS.open(encoding="utf-8", newline="") as handle:
        return {(r["doc_id"], r["rule"], r["message"]): (r["verdict"], r["reason"])
                for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}

JUDGED = [
    # malformed DOIs printed in the lists: each a real typo an editor would correct
    (r"", "invalid-doi", r"'10\.111/|'10\.10M/|'10\.0\.4\.13/|'0\.1016/|%2F", "true",
     "the DOI as printed is malformed (a registrant cut short, a letter for a digit, a missing '1', a URL-encoded slash)"),
    # two entries that the text cites the same way
    (r"1982-2554201729575|2176-4573p59610|2236-8906-111-2020|2236-8906-127-2020", "missing-year-suffix", r"", "true",
     "two entries with the same first-author surname and year, so each citation of them is ambiguous (suffixes or initials needed)"),
    (r"plos-pcbi\.1004141", "duplicate-reference", r"entry 44 repeats entry 14", "true", "the same paper listed twice (entries 14 and 44)"),
    (r"elife-11134-v2", "duplicate-reference", r"", "false",
     "parts I and V of a series: other co-authors and other titles after a shared prefix; two works"),
    (r"elife-02020-v1", "merged-references", r"", "false",
     "one proceedings paper; 'Computer Vision and Pattern Recognition, 2001' is its venue, read as a second work"),
    (r"1980-54702024v30e143p", "no-reference-list", r"", "false",
     "the list is there under '## References' after a '## Notes' section; refcheck did not find it"),
    (r"s2237-96222024v33e20231216", "future-year", r"2030", "false", "'Immunization Agenda 2030' is a title, not a year"),
    (r"plos-pcbi\.1004113", "numeric-citation-out-of-range", r"\[5, 80\]", "false", "'[5, 80]' is an interval of cell counts"),
    (r"plos-pbio\.1000359", "numeric-citation-out-of-range", r"", "true",
     "the text (a table and a paragraph) cites [26], [28], [30] while the list has 25 entries; the XML tags none of them"),
    (r"plos-pone\.0178565", "mixed-citation-styles", r"Strauss et al", "true",
     "'(Strauss et al, 2001)' typed as author-year in a text that cites by number"),
    (r"2175-8239-jbn-2022-0081en", "duplicate-reference-number|reference-numbering-gap", r"", "true",
     "entry 32's label is printed '1 32' in the article's list: the numbering is broken there"),
]


def main() -> int:
    with LEDGER.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    settled = 0
    verdicts = read_verdicts()
    for row in rows:
        hand = verdicts.get((row["doc_id"], row["rule"], row["message"]))
        if hand and (row["verdict"] == "?" or row["reason"].startswith("explained by the gold")):
            row["verdict"], row["reason"] = hand
            settled += 1
        if row["verdict"] != "?":
            continue
        for doc, rule, message, verdict, reason in JUDGED:
            if re.fullmatch(rule, row["rule"]) and re.search(doc, row["doc_id"]) and re.search(message, row["message"]):
                row["verdict"], row["reason"] = verdict, reason
                settled += 1
                break
    with LEDGER.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\t".join(FIELDS) + "\n")
        for row in rows:
            handle.write("\t".join(row[k] for k in FIELDS) + "\n")
    left = Counter(r["rule"] for r in rows if r["verdict"] == "?")
    verdicts = Counter(r["verdict"] for r in rows)
    print(f"settled {settled}; verdicts now: {dict(sorted(verdicts.items()))}; not judged by rule: {dict(left.most_common())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
