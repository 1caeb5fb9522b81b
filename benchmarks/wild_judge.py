"""Hand judgments of the wild ledger, by class, applied to its "?" lines (benchmarks/wild-ledger.tsv).

    python benchmarks/wild_judge.py            # fill the "?" lines these rules settle; print what is left

Each rule is (document id pattern, rule name, message pattern, verdict, reason): a judgment made by
reading the document (and, where one exists, running its toolchain), written once for the class so
that a finding whose message or line moves is judged again the same way. A line no rule settles
stays "?" and is printed. Standard library only.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LEDGER = HERE / "wild-ledger.tsv"
FIELDS = ("doc_id", "rule", "location", "message", "verdict", "reason")

RULES = [
    # undefined keys
    (r"joss-", "undefined-citation-key", r"'fidgit'", "true",
     "the JOSS template's own text left in the paper cites @fidgit, which its .bib lacks: pandoc warns \"citation fidgit not found\" and prints (fidgit?)"),
    (r"manubot-mangul-lab-usc-pkg-manager-review", "undefined-citation-key", r"", "true",
     "`@key: url` inside the refs div is no Manubot alias ([@key]: url is): every such key is undefined; pandoc says so too"),
    (r"manubot-elizabethcase", "undefined-citation-key", r"'(doi|fig|dan)'|martin-mikle", "true",
     "a draft's broken citations: `(@doi: doi.org/...)`, `{@fig: X}`, `@dan`, a key in no file; pandoc reports each"),
    (r"bookdown-dgrtwo-tidy-text-mining", "undefined-citation-key", r"'drob'", "true",
     "(@drob) inside a tweet's HTML: pandoc parses Markdown there and prints (drob?); line 240 escapes it as \\@drob"),
    (r"bookdown-", "undefined-citation-key", r"written at build time", "true",
     "information: keys in the packages.bib that knitr::write_bib writes at build time"),
    (r"bookdown-", "undefined-citation-key", r"could not be read", "false",
     "packages.bib is written at build time (knitr::write_bib, file name in a later call): should be the build-time note"),
    # .bib syntax
    (r"tex-yuxun-ubicomp2017", "bibtex-syntax-error", r"commented out with `%`", "true",
     "BibTeX reads %@article{... as entries and stops at their % lines: 'You're missing a field name', latexmk exits 12"),
    (r"tex-lgbouma-wasp-4b_anomaly", "bibtex-syntax-error", r"starts no comment", "true",
     "BibTeX: a % line inside an entry ends it, the fields after it are lost (pages, doi)"),
    (r"manubot-igbb-rohu-genome", "bibtex-syntax-error", r"not valid CSL JSON", "true",
     "the manual-references.json is broken JSON (a missing comma): Manubot cannot read it"),
    (r"tex-yuxun-ubicomp2017", "bibtex-syntax-error", r"a field has no `=`", "true",
     "a field without = (stray text): BibTeX reports the entry and skips the rest of it"),
    (r"joss-slcs-jsc-mptrac", "bibtex-syntax-error", r"bams", "false",
     "pandoc keeps the last of the two journal fields; the first (bams) is never read"),
    # author fields
    (r"^(joss|rmd|qmd|bookdown|quarto|manubot)-", "author-list-misread", r"ends in a comma", "true",
     "pandoc -t csljson reads the initials as a suffix: printed \"Daub C. O.\" among given-name-first authors"),
    (r"bookdown-tidymodels-tmwr", "author-list-misread", r"McInnes", "false",
     "first author: pandoc's author-date style inverts it, \"McInnes, L\" prints as meant"),
    (r"^tex-", "author-list-misread", r"ends in a comma", "true", "BibTeX reads the initials as a Jr part"),
    (r"", "author-list-misread", r"too many commas|is one person with commas|et al\.|\"Jr\.\" is read as a given name|family name is read as|is read as family name|one person \(BibTeX prints \"& ", "true",
     "a misformatted name list: BibTeX/pandoc print these people wrongly (checked with pandoc -t csljson)"),
    (r"joss-unsw-ceem-nemseer", "author-list-misread", r"family=", "true",
     "biblatex's extended name format: pandoc cannot read it and prints the raw text"),
    # citations typed as text
    (r"manubot-elizabethcase", "citation-without-reference", r"^1965\)|^Reed \(1964 ", "false",
     "\"Reed (1964, 1965)\" read as fragments (the Reed 1964/1965 findings say it once)"),
    (r"manubot-elizabethcase", "citation-without-reference", r"", "true",
     "a Manubot draft citing works as text that no manual reference or identifier defines: none is listed"),
    (r"manubot-mangul-lab-usc-pkg-manager-review", "citation-without-reference", r"", "true",
     "a table cites works as text; the list is generated from identifiers and has none of them"),
    (r"quarto-christophm-interpretable-ml-book", "citation-without-reference", r"no bibliography entry matches", "true",
     "typed as text (a figure caption, prose) and in no .bib: the generated list lacks it"),
    (r"quarto-christophm-interpretable-ml-book", "citation-without-reference", r"bibliography has it", "true",
     "typed as text while the .bib has it, and never cited by key: not in the generated list"),
    (r"bookdown-rafalab-dsbook", "citation-without-reference", r"Prevention|Berger JO|Lee PM", "false",
     "a full reference typed in the text on purpose (a further-reading list, an inline source), not a citation"),
    (r"bookdown-tidymodels-tmwr", "citation-without-reference", r"Kuhn and Johnson", "true",
     "a citation typed as link text; the book is in no .bib, so the generated list lacks it"),
    (r"bookdown-tidymodels-tmwr", "citation-without-reference", r"Wickham and Grolemund", "true",
     "typed as text while the .bib has @wickham2016: not in the generated list unless cited by key"),
    (r"joss-konfound-project-konfound", "citation-without-reference", r"bibliography has it", "true",
     "typed as text while the .bib has the entry, never cited by key: not in the generated list"),
    (r"joss-gaelforget-climatemodels.jl", "citation-without-reference", r"Author et al", "false",
     "the JOSS template's example, quoted in the paper (\"Author et al. (2001)\")"),
    (r"quarto-ucd-serg-lab-manual", "citation-without-reference", r"Example", "false",
     "*Test-Driven Development: By Example* (2002): a book's title before its year"),
    (r"rmd-benpeloquin7-zipf_principles", "citation-without-reference", r"bibliography has it", "true",
     "typed as text, in the .bib but never cited by key: missing from the generated list"),
    (r"rmd-benpeloquin7-zipf_principles", "citation-without-reference", r"^Bennett", "true",
     "typed as 2015; the .bib entry (BennettGoodman2015a, cited by key elsewhere) says 2018: the years disagree"),
    (r"rmd-benpeloquin7-zipf_principles", "citation-without-reference", r"^(Kay|Goodman)", "false",
     "(Regier, Kemp \\& Kay (2015)): LaTeX's \\& cut the author list"),
    # bibliography rules
    (r"", "cited-entry-without-year", r"", "true", "a cited article, book or paper without a year: it prints n.d. or nothing"),
    (r"", "duplicate-bib-field", r"", "true", "one field given twice: the programs disagree on which value wins"),
    (r"", "duplicate-bib-work", r"", "true", "one work under two keys, both cited: printed twice"),
    (r"quarto-christophm-interpretable-ml-book", "duplicate-bib-key", r"alvarez-melis2018robustness", "true",
     "a key defined twice in references.bib"),
    (r"tex-rodluger-starrynight|tex-yaweizhao", "undefined-entry-type", r"", "true",
     "BibTeX warns that the style has no such type and formats the entry as @misc"),
    (r"tex-jointphysicsanalysiscenter", "missing-bib-style", r"", "true",
     "the .bst is not in the repository nor in TeX Live: bibtex stops ('I couldn't open style file')"),
    (r"tex-timotheenivalis-phdthesis-writing", "bib-encoding", r"", "true",
     "a UTF-8 .bib under inputenc latin1: BibTeX copies the bytes, LaTeX prints Ã© for é"),
    (r"tex-conzel-clustering-triplets-with-tangles|tex-daffidwilde-edo-paper-biblatex", "unreadable-input", r"", "true",
     "the named bibliography is not in the repository (or named without .bib in \\addbibresource): biber finds nothing"),
    (r"", "citation-after-manuscript-date", r"", "true", "a cited work dated after the manuscript's own date"),
    (r"manubot-", "no-reference-list", r"citations but no reference section", "true",
     "a Manubot draft citing works as text with no list and no identifiers"),
]


# Verdicts revised after a closer look (applied whatever the line's verdict was)
REJUDGE = [
    (r"tex-eggplantbren-infonest|tex-flash-star-hybrid-paper-1", "undefined-citation-key", r"only when case is ignored", "true",
     "BibTeX accepts the key silently, biber and pandoc do not: a real defect (../shared/corpus/README.md calls SymPy's three such keys defects)"),
    (r"tex-hertzsprung-dissertation", "bibtex-syntax-error", r"inpreparation", "true",
     "biber: 'undefined macro \"inpreparation\"', pubstate dropped (checked with biber 2.18); journals.bib does not define it"),
]


def main() -> int:
    with LEDGER.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    settled = 0
    for row in rows:
        for doc, rule, message, verdict, reason in REJUDGE:
            if rule == row["rule"] and re.search(doc, row["doc_id"]) and re.search(message, row["message"]):
                row["verdict"], row["reason"] = verdict, reason
        if row["verdict"] != "?":
            continue
        for doc, rule, message, verdict, reason in RULES:
            if rule == row["rule"] and re.search(doc, row["doc_id"]) and re.search(message, row["message"]):
                row["verdict"], row["reason"] = verdict, reason
                settled += 1
                break
    with LEDGER.open("w", encoding="utf-8", newline="") as f:
        f.write("\t".join(FIELDS) + "\n")
        for row in rows:
            f.write("\t".join(row[k] for k in FIELDS) + "\n")
    left = [r for r in rows if r["verdict"] == "?"]
    print(f"settled {settled}; {len(left)} left", file=sys.stderr)
    for r in left:
        print("\t".join((r["doc_id"], r["rule"], r["location"], r["message"][:160])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
