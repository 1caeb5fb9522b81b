"""Unit tests of the accuracy benchmark's scoring and injection functions.

Tiny synthetic gold/prediction dicts only: these tests need neither the corpus nor the
refcheck CLI.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import accuracy  # noqa: E402
import injections  # noqa: E402
import scoring  # noqa: E402

# A numeric document: "[1–3]" is gold citations "1" (implies 2) and "3"; "[4]" is citation "4".
NUM_MD = (
    "Intro [1–3] and [4].\n\n## References\n\n"
    "1. Ann A. Title one. 2001.\n\n2. Bob B. Title two. 2002.\n\n"
    "3. Cat C. Title three. 2003.\n\n4. Dan D. Title four. 2004.\n"
)


def at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """(start, end) of the nth occurrence of needle."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def span(start: int, end: int) -> dict:
    return {"path": "x.md", "line": 1, "column": 1, "end_line": 1, "end_column": 1, "start": start, "end": end}


def gold_ref(rid: str, md: str, text: str, **fields) -> dict:
    start, end = at(md, text)
    return {"id": rid, "label": None, "md_start": start, "md_end": end, "authors": [], "year": None} | fields


def num_gold() -> dict:
    one = at(NUM_MD, "1", 0)
    three = at(NUM_MD, "3", 0)
    four = at(NUM_MD, "4", 0)
    return {
        "citations": [
            {"n": 0, "start": one[0], "end": one[1], "text": "1", "rids": ["b1"], "implied_rids": ["b2"]},
            {"n": 1, "start": three[0], "end": three[1], "text": "3", "rids": ["b3"], "implied_rids": []},
            {"n": 2, "start": four[0], "end": four[1], "text": "4", "rids": ["b4"], "implied_rids": []},
        ],
        "refs": [
            gold_ref("b1", NUM_MD, "Ann A. Title one. 2001.", authors=[{"surname": "Ann"}], year="2001"),
            gold_ref("b2", NUM_MD, "Bob B. Title two. 2002.", authors=[{"surname": "Bob"}], year="2002"),
            gold_ref("b3", NUM_MD, "Cat C. Title three. 2003.", authors=[{"surname": "Cat"}], year="2003"),
            gold_ref("b4", NUM_MD, "Dan D. Title four. 2004.", authors=[{"surname": "Dan"}], year="2004"),
        ],
        "candidate_anomalies": [],
    }


def num_prediction(links: dict[str, list[str]]) -> dict:
    """refcheck-style JSON: refs r1..r4 span their whole lines; citations c1 "[1–3]", c2 "[4]"."""
    refs = []
    for i, title in enumerate(["one", "two", "three", "four"], start=1):
        start = NUM_MD.index(f"{i}. ", NUM_MD.index("## References"))
        refs.append({"id": f"r{i}", "span": span(start, NUM_MD.index("\n", start))})
    c1, c2 = at(NUM_MD, "[1–3]"), at(NUM_MD, "[4]")
    citations = [
        {"id": "c1", "text": "[1–3]", "span": span(*c1), "items": [{"text": "[1–3]", "span": span(*c1), "numbers": [1, 2, 3]}]},
        {"id": "c2", "text": "[4]", "span": span(*c2), "items": [{"text": "[4]", "span": span(*c2), "numbers": [4]}]},
    ]
    return {
        "citations": citations,
        "references": refs,
        "links": [{"citation": c, "item": 0, "references": r, "how": "exact"} for c, r in links.items()],
        "findings": [],
    }


# --------------------------------------------------------------------------- spans


def test_overlap_and_touches():
    assert scoring.overlap(0, 10, 5, 20) == 5
    assert scoring.overlap(0, 5, 5, 10) == 0
    assert scoring.touches(3, 3, 0, 10)  # zero-width inside
    assert not scoring.touches(0, 5, 5, 10)


def test_interval_index_finds_touching_intervals():
    index = scoring.IntervalIndex([(0, 5, "a"), (10, 15, "b"), (20, 25, "c")])
    assert index.touching(4, 11) == ["a", "b"]
    assert index.touching(5, 10) == []
    assert index.touching(24, 30) == ["c"]


# --------------------------------------------------------------------------- linking


def test_perfect_numeric_linking():
    score = scoring.score_links(num_prediction({"c1": ["r1", "r2", "r3"], "c2": ["r4"]}), num_gold())
    assert (score.n_pred, score.tp_pred, score.n_gold, score.tp_gold) == (4, 4, 4, 4)
    assert score.precision == 1.0 and score.recall == 1.0 and score.f1 == 1.0


def test_wrong_link_costs_precision_only():
    score = scoring.score_links(num_prediction({"c1": ["r1", "r2", "r3"], "c2": ["r3", "r4"]}), num_gold())
    assert score.precision == pytest.approx(4 / 5)
    assert score.recall == 1.0
    assert [fp["rid"] for fp in score.false_positives] == ["b3"]


def test_missing_links_cost_recall():
    score = scoring.score_links(num_prediction({"c1": ["r1", "r3"]}), num_gold())
    assert score.precision == 1.0
    assert score.recall == pytest.approx(2 / 4)
    assert sorted(rid for _, rid in score.missed) == ["b2", "b4"]
    assert score.f1 == pytest.approx(2 * 1.0 * 0.5 / 1.5)


def test_micro_average_sums_counts():
    a = scoring.LinkScore(n_pred=4, tp_pred=3, n_gold=10, tp_gold=3)
    b = scoring.LinkScore(n_pred=6, tp_pred=6, n_gold=6, tp_gold=6)
    total = a.add(b)
    assert total.precision == pytest.approx(9 / 10)
    assert total.recall == pytest.approx(9 / 16)


def test_reference_mapped_by_largest_overlap():
    gold = num_gold()
    b1, b2 = gold["refs"][0], gold["refs"][1]
    # a prediction spanning the tail of entry 1 (few chars) and most of entry 2
    pred = {"references": [{"id": "x", "span": span(b1["md_end"] - 3, b2["md_end"] - 2)}]}
    assert scoring.map_references(pred, gold) == {"x": "b2"}
    assert scoring.reference_segmentation(pred, gold)["unmatched_gold"] == ["b1", "b3", "b4"]


AY_MD = "As shown (Ross, 2012).\n\n## References\n\n- Mirabet V. 2012. Wrong.\n\n- Ross R. 2012. Right.\n"


def anomaly_gold() -> dict:
    start, end = at(AY_MD, "Ross, 2012")
    return {
        "citations": [{"n": 0, "start": start, "end": end, "text": "Ross, 2012", "rids": ["b1"], "implied_rids": []}],
        "refs": [gold_ref("b1", AY_MD, "Mirabet V. 2012. Wrong."), gold_ref("b2", AY_MD, "Ross R. 2012. Right.")],
        "candidate_anomalies": [{"citation_n": 0, "rid": "b1", "suggested_rid": "b2", "text": "Ross, 2012", "issue": "name"}],
    }


def ay_prediction(target: str) -> dict:
    start, end = at(AY_MD, "Ross, 2012")
    refs = [
        {"id": "r1", "span": span(*at(AY_MD, "Mirabet V. 2012. Wrong."))},
        {"id": "r2", "span": span(*at(AY_MD, "Ross R. 2012. Right."))},
    ]
    cit = {"id": "c1", "text": "(Ross, 2012)", "span": span(start - 1, end + 1),
           "items": [{"text": "Ross, 2012", "span": span(start, end)}]}
    return {"citations": [cit], "references": refs, "links": [{"citation": "c1", "item": 0, "references": [target]}]}


def test_anomaly_suggested_rid_is_the_corrected_gold():
    right = scoring.score_links(ay_prediction("r2"), anomaly_gold())
    assert (right.precision, right.recall) == (1.0, 1.0)
    publisher = scoring.score_links(ay_prediction("r1"), anomaly_gold())
    assert (publisher.precision, publisher.recall) == (1.0, 0.0)  # lenient precision, strict recall
    assert scoring.uncited_gold_refs(anomaly_gold()) == {"b1"}


# --------------------------------------------------------------------------- findings


def finding(rule: str, severity: str, start: int, end: int) -> dict:
    return {"code": "RC000", "rule": rule, "severity": severity, "span": span(start, end), "message": rule}


def test_clean_findings_are_split_by_gold_justification():
    gold = anomaly_gold()
    mirabet, ross, cite = at(AY_MD, "Mirabet V."), at(AY_MD, "Ross R."), at(AY_MD, "Ross, 2012")
    pred = {
        "findings": [
            finding("reference-never-cited", "warning", *mirabet),  # justified: b1 uncited after correction
            finding("reference-never-cited", "warning", *ross),  # unjustified: b2 is cited
            finding("citation-author-mismatch", "warning", *cite),  # justified: anomaly citation
            finding("reference-order", "info", *ross),  # info
            finding("future-year", "error", *ross),  # unjustified
        ]
    }
    score = scoring.score_findings(pred, gold)
    assert score.info == 1
    assert [f["rule"] for f, _ in score.justified] == ["reference-never-cited", "citation-author-mismatch"]
    assert [f["rule"] for f in score.unjustified] == ["reference-never-cited", "future-year"]


def test_duplicate_doi_justified_by_gold_fields():
    gold = num_gold()
    gold["refs"][0]["doi"] = "10.1/abc"
    gold["refs"][2]["doi"] = "10.1/ABC"
    f = finding("duplicate-doi", "warning", gold["refs"][2]["md_start"], gold["refs"][2]["md_end"])
    assert scoring.judge_finding(f, gold) == "gold: DOI 10.1/ABC appears twice"
    f2 = finding("duplicate-doi", "warning", gold["refs"][1]["md_start"], gold["refs"][1]["md_end"])
    assert scoring.judge_finding(f2, gold) is None


# --------------------------------------------------------------------------- injections


def test_new_findings_survive_offset_shifts():
    before_text, after_text = "aa XX bb", "aaaa XX bb YY"
    before = {"findings": [finding("r", "warning", 3, 5)]}
    after = {"findings": [finding("r", "warning", 5, 7), finding("r", "warning", 11, 13)]}
    fresh = scoring.new_findings(before, before_text, after, after_text)
    assert [f["span"]["start"] for f in fresh] == [11]


def test_judge_injection_sorts_hits_related_and_noise():
    fresh = [
        finding("citation-without-reference", "error", 10, 12),
        finding("citation-without-reference", "error", 50, 52),
        finding("reference-numbering-gap", "warning", 80, 90),
        finding("future-year", "error", 0, 4),
        finding("reference-order", "info", 0, 4),
    ]
    outcome = scoring.judge_injection(
        fresh, {"citation-without-reference": [(9, 11)]}, {"reference-numbering-gap": None}
    )
    assert outcome.detected
    assert (len(outcome.hits), len(outcome.misplaced), len(outcome.related), len(outcome.noise)) == (1, 1, 1, 1)
    assert not scoring.judge_injection([], {"x": None}).detected


def test_delete_numeric_entry():
    gold = num_gold()
    made = injections.delete_entry("t", "numeric", NUM_MD, gold)
    assert "Cat C." not in made.text and "2. Bob B." in made.text and "\n\n4. Dan D." in made.text
    assert made.expected["citation-without-reference"] == [at(NUM_MD, "3")]  # citation "3" of "[1–3]"
    assert made.expected["reference-numbering-gap"] is None


def test_duplicate_number_relabels_entry():
    made = injections.duplicate_number("t", "numeric", NUM_MD, num_gold())
    assert "2. Bob B." in made.text and "2. Cat C." in made.text and "3. Cat C." not in made.text
    spans = made.expected["duplicate-reference-number"]
    assert [made.text[s:e][:9] for s, e in spans] == ["2. Cat C.", "2. Bob B."]


def test_append_uncited_numeric_entry():
    donor_md = "Text.\n\n## References\n\n1. Zed Z. Donor title. 1999.\n"
    donor = {"citations": [], "refs": [gold_ref("d1", donor_md, "Zed Z. Donor title. 1999.",
                                                authors=[{"surname": "Zed"}], year="1999", article_title="Donor title")]}
    made = injections.append_uncited("t", "numeric", NUM_MD, num_gold(), donor_md, donor)
    assert made.text.endswith("2004.\n\n5. Zed Z. Donor title. 1999.\n")
    (s, e), = made.expected["reference-never-cited"]
    assert made.text[s:e] == "Zed Z. Donor title. 1999."


def test_entry_year_changes_only_that_entry():
    md = "See (Ross, 2012) and (Ross, 2012).\n\n## References\n\n- Ross R. 2012. Title 2012.\n"
    c1, c2 = at(md, "Ross, 2012", 0), at(md, "Ross, 2012", 1)
    gold = {
        "citations": [{"n": 0, "start": c1[0], "end": c1[1], "text": "Ross, 2012", "rids": ["b1"], "implied_rids": []},
                      {"n": 1, "start": c2[0], "end": c2[1], "text": "Ross, 2012", "rids": ["b1"], "implied_rids": []}],
        "refs": [gold_ref("b1", md, "Ross R. 2012. Title 2012.", authors=[{"surname": "Ross"}], year="2012")],
        "candidate_anomalies": [],
    }
    made = injections.change_entry_year("t", "author-year", md, gold)
    assert made.text.endswith("- Ross R. 2011. Title 2012.\n")
    assert made.expected == {"citation-year-mismatch": [c1, c2]}
    cited = injections.change_citation_year("t", "author-year", md, gold)
    assert cited.text.startswith("See (Ross, 2012) and (Ross, 2011).")
    assert injections.change_entry_year("t", "numeric", md, gold) is None


# --------------------------------------------------------------------------- report file


def test_write_results_replaces_only_the_marked_block(tmp_path):
    path = tmp_path / "RESULTS.md"
    accuracy.write_results("first\n", path)
    path.write_text(path.read_text() + "\n## other section\nkeep me\n")
    accuracy.write_results("second\n", path)
    text = path.read_text()
    assert "second" in text and "first" not in text and "keep me" in text
    assert text.count("<!-- accuracy:start -->") == 1


def test_classify_misses_names_the_cause():
    gold = num_gold()
    pred = num_prediction({"c1": ["r1", "r3"], "c2": ["r3"]})
    pred["references"] = pred["references"][:3]  # entry 4 not segmented
    score = scoring.score_links(pred, gold)
    causes = {(cit["text"], rid): cause for cit, rid, cause in scoring.classify_misses(pred, gold, score.missed)}
    assert causes == {("1", "b2"): "linked to another entry", ("4", "b4"): "entry not found in reference list"}
    pred = num_prediction({"c1": ["r1", "r2", "r3"]})
    score = scoring.score_links(pred, gold)
    assert [c for _, _, c in scoring.classify_misses(pred, gold, score.missed)] == ["recognised but not linked"]
    pred["citations"] = pred["citations"][:1]
    assert [c for _, _, c in scoring.classify_misses(pred, gold, score.missed)] == ["citation not recognised"]


def test_ambiguous_citation_justified_when_gold_has_two_unsuffixed_entries():
    md = "See (Smith et al., 2006).\n\n## References\n\n- Smith A, Lee B. 2006. One.\n\n- Smith A, Kim C. 2006. Two.\n"
    cit = at(md, "Smith et al., 2006")
    gold = {
        "citations": [{"n": 0, "start": cit[0], "end": cit[1], "text": "Smith et al., 2006", "rids": ["b1"], "implied_rids": []}],
        "refs": [gold_ref("b1", md, "Smith A, Lee B. 2006. One.", authors=[{"surname": "Smith"}], year="2006"),
                 gold_ref("b2", md, "Smith A, Kim C. 2006. Two.", authors=[{"surname": "Smith"}], year="2006")],
        "candidate_anomalies": [],
    }
    assert scoring.judge_finding(finding("ambiguous-citation", "warning", *cit), gold) == "gold: smith 2006 twice without suffix"
    gold["refs"][1]["year"] = "2007"
    assert scoring.judge_finding(finding("ambiguous-citation", "warning", *cit), gold) is None


def test_a_range_split_over_superscripts_implies_its_middle_members():
    """``<sup>(</sup>1<sup>-</sup>4<sup>)</sup>``: the gold tags 1 and 4; 2 and 3 are cited too.
    A comma between the numbers implies nothing."""
    md = "Known<sup>(</sup>1<sup>-</sup>4<sup>)</sup>. Also<sup>(</sup>1<sup>,</sup>4<sup>)</sup>."
    refs = [{"id": f"B{n}", "label": str(n)} for n in range(1, 5)]
    starts = [i for i, ch in enumerate(md) if ch in "14" and md[i - 1] == ">"]
    cites = [{"n": k, "start": s, "end": s + 1, "text": md[s], "rids": [f"B{md[s]}"], "implied_rids": [], "group": k}
             for k, s in enumerate(starts)]
    gold = scoring.with_text_ranges({"refs": refs, "citations": cites}, md)
    assert [c["implied_rids"] for c in gold["citations"]] == [["B2", "B3"], [], [], []]
    assert scoring.with_text_ranges({"refs": refs, "citations": cites[2:]}, md)["citations"] == cites[2:]
