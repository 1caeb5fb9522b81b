"""Inject one known error into a copy of a corpus article (pure text edits, standard library only).

Each builder takes the article's Markdown and gold record and returns an :class:`Injection`
(or None when the article offers no suitable target): the edited text, the rules whose
appearance counts as detection (with the spans, in the edited text, where they must appear;
None means anywhere), and related rules that are acceptable side effects. Targets are
chosen deterministically: the middle of the eligible candidates, in list order.

All edits are made in the reference list, which follows every citation in these files, so
citation offsets stay valid in the edited text (the citation-year edit keeps lengths).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scoring import anomalies_by_citation, corrected_rids

Spans = list[tuple[int, int]] | None

CITATION_SIDE = ("citation-without-reference", "numeric-citation-out-of-range")


@dataclass
class Injection:
    """One injected error: the edited text and what a careful checker should say about it."""

    kind: str
    article: str
    description: str
    text: str
    expected: dict[str, Spans]
    related: dict[str, Spans] = field(default_factory=dict)


# --------------------------------------------------------------------------- helpers


def middle(items: list):
    """The middle element of a non-empty list (deterministic target choice), else None."""
    return items[len(items) // 2] if items else None


def surname_key(name: str | None) -> str:
    """A comparable form of a surname: lower case, letters only."""
    return re.sub(r"[\W\d_]", "", (name or "").lower())


def first_surname(ref: dict) -> str:
    authors = ref.get("authors") or []
    return surname_key(authors[0].get("surname")) if authors else ""


def entry_line(md: str, ref: dict) -> tuple[int, int, str]:
    """(line start, line end, list prefix such as ``- `` or ``12. ``) of a gold entry."""
    line_start = md.rfind("\n", 0, ref["md_start"]) + 1
    line_end = md.find("\n", ref["md_end"])
    if line_end == -1:
        line_end = len(md)
    return line_start, line_end, md[line_start : ref["md_start"]]


def printed_label(md: str, ref: dict) -> int | None:
    """The number printed before a numeric entry (``12. Smith...`` -> 12), or None."""
    match = re.fullmatch(r"\s*\[?(\d+)[.\]]?\s*", entry_line(md, ref)[2])
    return int(match.group(1)) if match else None


def citation_spans(gold: dict, rid: str) -> list[tuple[int, int]]:
    """Spans of the gold citations that (after correction) reach ``rid``."""
    reach = corrected_rids(gold)
    return [(c["start"], c["end"]) for c in gold["citations"] if rid in reach[c["n"]]]


def anomaly_rids(gold: dict) -> set[str]:
    """Every rid a candidate anomaly involves (the publisher's and the suggested one)."""
    rids = set()
    for anomaly in gold.get("candidate_anomalies", []):
        rids.update(r for r in (anomaly.get("rid"), anomaly.get("suggested_rid")) if r)
    return rids


def author_year_targets(gold: dict, md: str) -> list[dict]:
    """Cited entries safe to edit in an author-year list.

    The first author appears on no other entry (so a changed or removed year cannot fall
    back on a namesake), the entry is not involved in a gold anomaly, and its year is printed.
    """
    counts: dict[str, int] = {}
    for ref in gold["refs"]:
        counts[first_surname(ref)] = counts.get(first_surname(ref), 0) + 1
    busy = anomaly_rids(gold)
    targets = []
    for ref in gold["refs"]:
        year = (ref.get("year") or "")[:4]
        if not (first_surname(ref) and counts[first_surname(ref)] == 1 and year.isdigit()):
            continue
        if ref["id"] in busy or not citation_spans(gold, ref["id"]):
            continue
        if re.search(rf"(?<!\d){year}(?!\d)", md[ref["md_start"] : ref["md_end"]]):
            targets.append(ref)
    return targets


def numeric_targets(gold: dict, md: str) -> list[dict]:
    """Cited entries of a numeric list with a printed label of 2 or more."""
    return [
        ref
        for ref in gold["refs"]
        if (printed_label(md, ref) or 0) >= 2 and citation_spans(gold, ref["id"])
    ]


def last_entry_end(md: str, gold: dict) -> int:
    """Offset of the end of the line holding the last gold entry."""
    last = max(gold["refs"], key=lambda r: r["md_end"])
    return entry_line(md, last)[1]


# --------------------------------------------------------------------------- builders


def delete_entry(article: str, style: str, md: str, gold: dict) -> Injection | None:
    """Remove one cited entry (its whole line and the blank line after it)."""
    targets = numeric_targets(gold, md) if style == "numeric" else author_year_targets(gold, md)
    ref = middle(targets)
    if ref is None:
        return None
    line_start, line_end, _ = entry_line(md, ref)
    resume = line_end
    while resume < len(md) and md[resume] == "\n":
        resume += 1
    text = md[:line_start] + md[resume:]
    spans = citation_spans(gold, ref["id"])
    if style == "numeric":
        expected = {rule: spans for rule in CITATION_SIDE} | {"reference-numbering-gap": None}
    else:
        expected = {"citation-without-reference": spans}
    label = md[line_start : ref["md_end"]][:60]
    return Injection("delete-entry", article, f"deleted {label!r}", text, expected)


def change_entry_year(article: str, style: str, md: str, gold: dict) -> Injection | None:
    """Print an author-year entry's year one lower (2010 -> 2009)."""
    if style == "numeric":
        return None
    ref = middle(author_year_targets(gold, md))
    if ref is None:
        return None
    year = ref["year"][:4]
    match = re.search(rf"(?<!\d){year}(?!\d)", md[ref["md_start"] : ref["md_end"]])
    at = ref["md_start"] + match.start()
    text = md[:at] + str(int(year) - 1) + md[at + 4 :]
    expected = {"citation-year-mismatch": citation_spans(gold, ref["id"])}
    return Injection(
        "entry-year", article, f"{ref['id']} ({first_surname(ref)}) year {year} -> {int(year) - 1}", text, expected
    )


def change_citation_year(article: str, style: str, md: str, gold: dict) -> Injection | None:
    """Write one author-year citation's year one lower, for a work cited at least twice."""
    if style == "numeric":
        return None
    safe = {ref["id"]: ref for ref in author_year_targets(gold, md)}
    anomalies = anomalies_by_citation(gold)
    candidates = []
    for cit in gold["citations"]:
        if len(cit["rids"]) != 1 or cit.get("implied_rids") or cit["n"] in anomalies:
            continue
        ref = safe.get(cit["rids"][0])
        if ref is None or len(citation_spans(gold, ref["id"])) < 2:
            continue
        if len(re.findall(rf"(?<!\d){ref['year'][:4]}(?!\d)", cit["text"])) == 1:
            candidates.append((cit, ref))
    if not candidates:
        return None
    cit, ref = middle(candidates)
    year = ref["year"][:4]
    at = cit["start"] + re.search(rf"(?<!\d){year}(?!\d)", cit["text"]).start()
    text = md[:at] + str(int(year) - 1) + md[at + 4 :]
    expected = {"citation-year-mismatch": [(cit["start"], cit["end"])]}
    return Injection("citation-year", article, f"citation {cit['text']!r} year -> {int(year) - 1}", text, expected)


def duplicate_number(article: str, style: str, md: str, gold: dict) -> Injection | None:
    """Print a numeric entry's label as the previous entry's (…, 14, 14, 16, …)."""
    if style != "numeric":
        return None
    ref = middle(numeric_targets(gold, md))
    if ref is None:
        return None
    number = printed_label(md, ref)
    line_start, line_end, prefix = entry_line(md, ref)
    new_prefix = prefix.replace(str(number), str(number - 1), 1)
    text = md[:line_start] + new_prefix + md[ref["md_start"] :]
    shift = len(new_prefix) - len(prefix)
    previous = next((r for r in gold["refs"] if printed_label(md, r) == number - 1), None)
    spans = [(line_start, line_end + shift)]
    if previous is not None:
        prev_start, prev_end, _ = entry_line(md, previous)
        spans.append((prev_start, prev_end))
    cited = citation_spans(gold, ref["id"])
    both = cited + (citation_spans(gold, previous["id"]) if previous is not None else [])
    related = {rule: cited for rule in CITATION_SIDE} | {"reference-numbering-gap": None, "ambiguous-citation": both}
    return Injection(
        "duplicate-number", article, f"label {number} -> {number - 1}", text,
        {"duplicate-reference-number": spans}, related,
    )


def append_uncited(
    article: str, style: str, md: str, gold: dict, donor_md: str, donor_gold: dict
) -> Injection | None:
    """Append a complete entry from another article whose first author this one never names."""
    body = md[: min(r["md_start"] for r in gold["refs"])].lower()
    candidates = [
        ref
        for ref in donor_gold["refs"]
        if ref.get("authors") and (ref.get("year") or "")[:4].isdigit()
        and (ref.get("article_title") or ref.get("source"))
        and first_surname(ref) and first_surname(ref) not in body
    ]
    ref = middle(candidates)
    if ref is None:
        return None
    entry = donor_md[ref["md_start"] : ref["md_end"]]
    if style == "numeric":
        labels = [printed_label(md, r) or 0 for r in gold["refs"]]
        prefix = f"{max(labels) + 1}. "
    else:
        prefix = entry_line(md, max(gold["refs"], key=lambda r: r["md_end"]))[2] or "- "
    end = last_entry_end(md, gold)
    insert = "\n\n" + prefix + entry
    text = md[:end] + insert + md[end:]
    span = (end + 2 + len(prefix), end + len(insert))
    return Injection(
        "append-uncited", article, f"appended {entry[:60]!r}", text, {"reference-never-cited": [span]}
    )


BUILDERS = (delete_entry, change_entry_year, change_citation_year, duplicate_number)
KINDS = ("delete-entry", "entry-year", "citation-year", "duplicate-number", "append-uncited")


def build_injections(
    article: str, style: str, md: str, gold: dict, donor_md: str, donor_gold: dict
) -> list[Injection]:
    """Every applicable injection for one article."""
    built = [builder(article, style, md, gold) for builder in BUILDERS]
    built.append(append_uncited(article, style, md, gold, donor_md, donor_gold))
    return [injection for injection in built if injection is not None]
