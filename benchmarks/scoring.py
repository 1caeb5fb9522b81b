"""Pure scoring functions for the accuracy benchmark (no I/O, standard library only).

Two kinds of input meet here:

* a *prediction*: the JSON that ``refcheck FILE --offline --format json`` prints
  (``citations``, ``references``, ``links``, ``findings``; spans carry 0-based
  ``start``/``end`` character offsets into the file);
* a *gold* record from ``corpus/jats/gold/<id>.json`` (``citations[]`` with
  ``start``/``end``/``rids``/``implied_rids``, ``refs[]`` with ``md_start``/``md_end``,
  ``candidate_anomalies[]``).

Everything is matched by character-offset overlap, never by text.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

# Rules that may legitimately fire at a citation the gold marks as a candidate anomaly.
ANOMALY_RULES = frozenset(
    {
        "citation-without-reference",
        "citation-year-mismatch",
        "citation-author-mismatch",
        "ambiguous-citation",
    }
)
NEVER_CITED = "reference-never-cited"
SERIOUS = frozenset({"warning", "error"})


# --------------------------------------------------------------------------- spans


def overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    """Number of characters shared by the half-open ranges [a_start, a_end) and [b_start, b_end)."""
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def touches(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """True if the two ranges share a character (a zero-width range touches what contains it)."""
    if a_start == a_end:
        return b_start <= a_start < b_end or a_start == b_start
    if b_start == b_end:
        return a_start <= b_start < a_end or a_start == b_start
    return overlap(a_start, a_end, b_start, b_end) > 0


class IntervalIndex:
    """Find the stored intervals that touch a query range.

    Stored intervals are assumed not to overlap one another (true of gold citations and of
    gold reference entries), so sorting by start also sorts by end.
    """

    def __init__(self, intervals: list[tuple[int, int, object]]):
        self._items = sorted(intervals, key=lambda item: (item[0], item[1]))
        self._ends = [end for _, end, _ in self._items]

    def touching(self, start: int, end: int) -> list[object]:
        """Payloads of the stored intervals that touch [start, end)."""
        found = []
        i = max(0, bisect.bisect_left(self._ends, start) - 1)
        while i < len(self._items) and self._items[i][0] <= max(start, end):
            s, e, payload = self._items[i]
            if touches(start, end, s, e):
                found.append(payload)
            i += 1
        return found


def span_range(span: dict | None) -> tuple[int, int] | None:
    """(start, end) of a contract SPAN, or None when absent."""
    if not span or span.get("start") is None or span.get("end") is None:
        return None
    return int(span["start"]), int(span["end"])


# --------------------------------------------------------------------------- gold


def anomalies_by_citation(gold: dict) -> dict[int, dict]:
    """The candidate anomalies keyed by the gold citation number ``n`` they concern."""
    return {a["citation_n"]: a for a in gold.get("candidate_anomalies", [])}


_TAGS = re.compile(r"<[^>]+>")
_RANGE_DASH = re.compile(r"[\s()\[\]]*[-–—][\s()\[\]]*")


def with_text_ranges(gold: dict, md: str) -> dict:
    """The gold with the members of numeric ranges its markup misses added to ``implied_rids``.

    ``<sup>(</sup>1<sup>-</sup>3<sup>)</sup>`` tags 1 and 3 as two citations, and the dash between
    them sits in a superscript of its own, where jats_to_corpus.expand_ranges (which reads an
    xref's tail) does not look: 2 is cited too. Two numeric gold citations whose
    Markdown between them is a dash (tags aside) imply the entries labelled in between."""
    by_label = {}
    for ref in gold["refs"]:
        label = re.fullmatch(r"\D*(\d+)\D*", ref.get("label") or "")
        if label:
            by_label[int(label.group(1))] = ref["id"]
    cites = gold["citations"]
    added = False
    out = []
    for k, cit in enumerate(cites):
        nxt = cites[k + 1] if k + 1 < len(cites) else None
        extra = []
        if (nxt is not None and cit["text"].isdigit() and nxt["text"].isdigit()
                and _RANGE_DASH.fullmatch(_TAGS.sub("", md[cit["end"]:nxt["start"]]))):
            first, last = int(cit["text"]), int(nxt["text"])
            if 0 < last - first < 100 and by_label.get(first) in cit["rids"] and by_label.get(last) in nxt["rids"]:
                extra = [by_label[n] for n in range(first + 1, last) if n in by_label and by_label[n] not in (cit.get("implied_rids") or [])]
        if extra:
            cit = {**cit, "implied_rids": [*(cit.get("implied_rids") or []), *extra]}
            added = True
        out.append(cit)
    return {**gold, "citations": out} if added else gold


def corrected_rids(gold: dict) -> dict[int, set[str]]:
    """Gold citation ``n`` -> the references it should reach, after correction.

    ``rids`` plus ``implied_rids``; for a candidate anomaly with a ``suggested_rid`` the
    publisher's (wrong) rid is replaced by the suggested one.
    """
    anomalies = anomalies_by_citation(gold)
    result = {}
    for cit in gold["citations"]:
        rids = set(cit["rids"]) | set(cit.get("implied_rids") or [])
        anomaly = anomalies.get(cit["n"])
        if anomaly and anomaly.get("suggested_rid"):
            rids.discard(anomaly["rid"])
            rids.add(anomaly["suggested_rid"])
        result[cit["n"]] = rids
    return result


def accepted_rids(gold: dict) -> dict[int, set[str]]:
    """Gold citation ``n`` -> references a prediction may link it to without penalty.

    ``rids`` plus ``implied_rids`` plus any ``suggested_rid`` (precision is lenient; recall
    uses :func:`corrected_rids`).
    """
    anomalies = anomalies_by_citation(gold)
    result = {}
    for cit in gold["citations"]:
        rids = set(cit["rids"]) | set(cit.get("implied_rids") or [])
        anomaly = anomalies.get(cit["n"])
        if anomaly and anomaly.get("suggested_rid"):
            rids.add(anomaly["suggested_rid"])
        result[cit["n"]] = rids
    return result


def gold_pairs(gold: dict) -> set[tuple[int, str]]:
    """Every (gold citation n, rid) pair a perfect linker produces."""
    return {(n, rid) for n, rids in corrected_rids(gold).items() for rid in rids}


def uncited_gold_refs(gold: dict) -> set[str]:
    """Gold reference ids that no (corrected) gold citation reaches."""
    cited = {rid for rids in corrected_rids(gold).values() for rid in rids}
    return {ref["id"] for ref in gold["refs"]} - cited


def citation_index(gold: dict) -> IntervalIndex:
    """Interval index over gold citations; payload is the citation dict."""
    return IntervalIndex([(c["start"], c["end"], c) for c in gold["citations"]])


def ref_index(gold: dict) -> IntervalIndex:
    """Interval index over gold reference entries; payload is the ref dict."""
    return IntervalIndex(
        [(r["md_start"], r["md_end"], r) for r in gold["refs"] if r.get("md_start") is not None]
    )


# --------------------------------------------------------------------------- linking


def map_references(pred: dict, gold: dict) -> dict[str, str | None]:
    """refcheck reference id -> gold ref id with the largest span overlap (None if none)."""
    index = ref_index(gold)
    mapping: dict[str, str | None] = {}
    for ref in pred.get("references", []):
        rng = span_range(ref.get("span"))
        best, best_overlap = None, 0
        if rng:
            for g in index.touching(*rng):
                size = overlap(rng[0], rng[1], g["md_start"], g["md_end"])
                if size > best_overlap:
                    best, best_overlap = g["id"], size
        mapping[ref["id"]] = best
    return mapping


def predicted_pairs(pred: dict, ref_map: dict[str, str | None]) -> list[dict]:
    """One record per (citation item, gold rid) that refcheck linked, deduplicated.

    Each record: ``{"start", "end", "rid", "citation", "item", "text"}``; ``rid`` is None
    when the linked refcheck reference maps to no gold entry.
    """
    citations = {c["id"]: c for c in pred.get("citations", [])}
    seen, pairs = set(), []
    for link in pred.get("links", []):
        cit = citations.get(link.get("citation"))
        if cit is None:
            continue
        items = cit.get("items") or []
        idx = link.get("item")
        item = items[idx] if isinstance(idx, int) and 0 <= idx < len(items) else None
        rng = span_range(item["span"]) if item else span_range(cit.get("span"))
        if rng is None:
            continue
        for ref_id in link.get("references", []):
            rid = ref_map.get(ref_id)
            key = (rng, rid, cit["id"], idx)
            if key in seen:
                continue
            seen.add(key)
            text = item["text"] if item else cit.get("text", "")
            pairs.append(
                {"start": rng[0], "end": rng[1], "rid": rid, "citation": cit["id"], "item": idx, "text": text}
            )
    return pairs


@dataclass
class LinkScore:
    """Counts behind precision and recall, plus the examples that explain them."""

    n_pred: int = 0
    tp_pred: int = 0
    n_gold: int = 0
    tp_gold: int = 0
    false_positives: list[dict] = field(default_factory=list)
    missed: list[tuple[dict, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp_pred / self.n_pred if self.n_pred else 1.0

    @property
    def recall(self) -> float:
        return self.tp_gold / self.n_gold if self.n_gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: LinkScore) -> LinkScore:
        """Micro-average: sum the counts (examples are not carried over)."""
        return LinkScore(
            self.n_pred + other.n_pred,
            self.tp_pred + other.tp_pred,
            self.n_gold + other.n_gold,
            self.tp_gold + other.tp_gold,
        )


def score_links(pred: dict, gold: dict) -> LinkScore:
    """Linking precision/recall of one prediction against one gold record.

    A predicted pair is correct if a gold citation touching its item span accepts its rid.
    A gold pair (citation, rid) is recalled if some predicted pair touching that gold
    citation carries the rid.
    """
    ref_map = map_references(pred, gold)
    pairs = predicted_pairs(pred, ref_map)
    index = citation_index(gold)
    accepted, corrected = accepted_rids(gold), corrected_rids(gold)
    expected = gold_pairs(gold)
    recalled: set[tuple[int, str]] = set()
    score = LinkScore(n_pred=len(pairs), n_gold=len(expected))
    for pair in pairs:
        hits = index.touching(pair["start"], pair["end"])
        if any(pair["rid"] in accepted[c["n"]] for c in hits):
            score.tp_pred += 1
        else:
            score.false_positives.append({**pair, "gold": [c["text"] for c in hits],
                                          "gold_rids": sorted({rid for c in hits for rid in accepted[c["n"]]})})
        for c in hits:
            if pair["rid"] in corrected[c["n"]]:
                recalled.add((c["n"], pair["rid"]))
    score.tp_gold = len(recalled)
    by_n = {c["n"]: c for c in gold["citations"]}
    score.missed = sorted(
        ((by_n[n], rid) for n, rid in expected - recalled), key=lambda x: (x[0]["start"], x[1])
    )
    return score


MISS_CATEGORIES = (
    "entry not found in reference list",
    "citation not recognised",
    "recognised but not linked",
    "linked to another entry",
)


def classify_misses(pred: dict, gold: dict, missed: list[tuple[dict, str]]) -> list[tuple[dict, str, str]]:
    """Say for each missed gold pair (citation, rid) why refcheck missed it (see MISS_CATEGORIES)."""
    ref_map = map_references(pred, gold)
    found_refs = {rid for rid in ref_map.values() if rid}
    linked: dict[tuple[str, int], set] = {}
    for link in pred.get("links", []):
        key = (link.get("citation"), link.get("item"))
        linked.setdefault(key, set()).update(ref_map.get(r) for r in link.get("references", []))
    items = []
    for cit in pred.get("citations", []):
        for i, item in enumerate(cit.get("items") or []):
            rng = span_range(item.get("span"))
            if rng:
                items.append((rng, linked.get((cit["id"], i), set())))
    out = []
    for cit, rid in missed:
        touching = [targets for rng, targets in items if touches(*rng, cit["start"], cit["end"])]
        if rid not in found_refs:
            category = MISS_CATEGORIES[0]
        elif not touching:
            category = MISS_CATEGORIES[1]
        elif not any(touching):
            category = MISS_CATEGORIES[2]
        else:
            category = MISS_CATEGORIES[3]
        out.append((cit, rid, category))
    return out


def reference_segmentation(pred: dict, gold: dict) -> dict:
    """How refcheck's reference entries line up with gold entries.

    Returns counts and ids: gold refs no refcheck reference maps to (``unmatched_gold``),
    refcheck references that map to no gold ref (``unmatched_pred``), and gold refs that
    two or more refcheck references map to (``split_gold``).
    """
    mapping = map_references(pred, gold)
    hits = Counter(rid for rid in mapping.values() if rid)
    return {
        "n_gold": len(gold["refs"]),
        "n_pred": len(mapping),
        "unmatched_gold": [r["id"] for r in gold["refs"] if r["id"] not in hits],
        "unmatched_pred": [ref_id for ref_id, rid in mapping.items() if rid is None],
        "split_gold": sorted(rid for rid, count in hits.items() if count > 1),
    }


# --------------------------------------------------------------------------- findings on clean text


def _norm(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def gold_field_justification(rule: str, ref: dict, gold: dict) -> str | None:
    """A reason from the gold's structured fields that the finding is true, or None.

    Covers defects the gold does not list but its own fields prove: the same DOI twice,
    the same title and year twice, one first author and year twice without a suffix.
    """
    others = [r for r in gold["refs"] if r["id"] != ref["id"]]
    if rule in {"duplicate-doi", "duplicate-reference"} and ref.get("doi"):
        if any(_norm(r.get("doi")) == _norm(ref["doi"]) for r in others):
            return f"gold: DOI {ref['doi']} appears twice"
    if rule == "duplicate-reference" and ref.get("article_title"):
        key = (_norm(ref["article_title"]), ref.get("year"))
        if any((_norm(r.get("article_title")), r.get("year")) == key for r in others):
            return "gold: same title and year twice"
    if rule == "missing-year-suffix" and ref.get("authors") and ref.get("year"):
        first = _norm(ref["authors"][0].get("surname"))
        for r in others:
            if r.get("year") == ref["year"] and r.get("authors") and _norm(r["authors"][0].get("surname")) == first:
                return f"gold: {first} {ref['year']} twice without suffix"
    return None


def judge_finding(finding: dict, gold: dict, uncited: set[str] | None = None) -> str | None:
    """Why the gold justifies this finding, or None if it does not.

    Justified: ``reference-never-cited`` on a gold entry no gold citation reaches; a
    citation-side rule (see ANOMALY_RULES) on a gold candidate-anomaly citation; a
    duplicate/suffix rule proved by the gold's fields.
    """
    rng = span_range(finding.get("span"))
    if rng is None:
        return None
    rule = finding.get("rule")
    if uncited is None:
        uncited = uncited_gold_refs(gold)
    refs = ref_index(gold).touching(*rng)
    if rule == NEVER_CITED:
        best = max(refs, key=lambda r: overlap(*rng, r["md_start"], r["md_end"]), default=None)
        if best is not None and best["id"] in uncited:
            return f"gold: {best['id']} is never cited"
        return None
    if rule in ANOMALY_RULES:
        anomalies = anomalies_by_citation(gold)
        cited = citation_index(gold).touching(*rng)
        for cit in cited:
            if cit["n"] in anomalies:
                return f"gold anomaly: {cit['text']!r} ({anomalies[cit['n']]['issue']})"
        if rule == "ambiguous-citation":
            by_id = {r["id"]: r for r in gold["refs"]}
            for rid in {rid for cit in cited for rid in cit["rids"]}:
                if rid in by_id and gold_field_justification("missing-year-suffix", by_id[rid], gold):
                    return gold_field_justification("missing-year-suffix", by_id[rid], gold)
        return None
    for ref in refs:
        reason = gold_field_justification(rule, ref, gold)
        if reason:
            return reason
    return None


@dataclass
class FindingScore:
    """Findings on an unmodified article, split by whether the gold justifies them."""

    justified: list[tuple[dict, str]] = field(default_factory=list)
    unjustified: list[dict] = field(default_factory=list)
    info: int = 0


def score_findings(pred: dict, gold: dict) -> FindingScore:
    """Classify every finding of a clean run: info (counted), justified, or unjustified."""
    score = FindingScore()
    uncited = uncited_gold_refs(gold)
    for finding in pred.get("findings", []):
        if finding.get("severity") not in SERIOUS:
            score.info += 1
            continue
        reason = judge_finding(finding, gold, uncited)
        if reason:
            score.justified.append((finding, reason))
        else:
            score.unjustified.append(finding)
    return score


# --------------------------------------------------------------------------- injected errors


def finding_key(finding: dict, text: str) -> tuple[str, str]:
    """An edit-proof identity for a finding: its rule and the text under its span."""
    rng = span_range(finding.get("span")) or (0, 0)
    return finding.get("rule", ""), text[rng[0] : rng[1]]


def new_findings(before: dict, before_text: str, after: dict, after_text: str) -> list[dict]:
    """Findings of ``after`` that ``before`` did not have (multiset difference by finding_key)."""
    remaining = Counter(finding_key(f, before_text) for f in before.get("findings", []))
    fresh = []
    for finding in after.get("findings", []):
        key = finding_key(finding, after_text)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            fresh.append(finding)
    return fresh


@dataclass
class InjectionOutcome:
    """What a run on an injected copy reported that the clean run did not."""

    detected: bool
    hits: list[dict] = field(default_factory=list)
    misplaced: list[dict] = field(default_factory=list)
    related: list[dict] = field(default_factory=list)
    noise: list[dict] = field(default_factory=list)


def judge_injection(
    fresh: list[dict],
    expected: dict[str, list[tuple[int, int]] | None],
    related: dict[str, list[tuple[int, int]] | None] | None = None,
) -> InjectionOutcome:
    """Sort new findings into hits, misplaced hits, related, and noise.

    ``expected`` maps each rule that counts as detection to the spans (in the injected text)
    where it must appear, or None for anywhere. ``related`` rules are acceptable side effects
    (same format). Noise is every other new warning/error; new info findings are ignored.
    """
    related = related or {}
    outcome = InjectionOutcome(detected=False)

    def located(finding: dict, spans: list[tuple[int, int]] | None) -> bool:
        rng = span_range(finding.get("span"))
        return spans is None or (rng is not None and any(touches(*rng, s, e) for s, e in spans))

    for finding in fresh:
        rule = finding.get("rule")
        if rule in expected and located(finding, expected[rule]):
            outcome.hits.append(finding)
        elif rule in expected:
            outcome.misplaced.append(finding)
        elif rule in related and located(finding, related[rule]):
            outcome.related.append(finding)
        elif finding.get("severity") in SERIOUS:
            outcome.noise.append(finding)
    outcome.detected = bool(outcome.hits)
    return outcome


def ratio(numerator: int, denominator: int) -> float:
    """numerator / denominator, or 1.0 for an empty denominator."""
    return numerator / denominator if denominator else 1.0
