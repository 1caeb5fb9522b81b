"""JATS XML benchmark: refcheck on the 30 gold-linked articles read from their XML, not their Markdown.

    python benchmarks/jats.py            # print the Markdown report
    python benchmarks/jats.py --write    # also store it in benchmarks/RESULTS.md (section "jats")

The gold (``corpus/jats/gold/<id>.json``) gives offsets into the Markdown rendering; this
benchmark moves it into the XML: the n-th gold citation is the n-th ``<xref ref-type="bibr">``
of the XML before any ``<sub-article>`` (its text, checked equal), each gold reference the ``<ref id>`` element with its id.
Both are found here with plain regular expressions, independently of refcheck's parser. Then
the accuracy benchmark's scoring applies unchanged (``scoring.py``): linking precision/recall
per stratum, the gold's uncited references (``reference-never-cited``), the candidate
anomalies (a citation-side finding at that xref), and every other warning/error.

Runs ``refcheck FILE.xml --offline --format json`` per article through ``accuracy.run_all``.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from xml.sax.saxutils import unescape

sys.path.insert(0, str(Path(__file__).resolve().parent))

import accuracy  # noqa: E402
import results  # noqa: E402
import scoring  # noqa: E402

TARGET_F1 = 0.995
_XREF = re.compile(r"<xref\b([^>]*?)(?<!/)>(.*?)</xref>", re.S)  # not <xref .../>
_REF = re.compile(r"<ref\b[^>]*?\bid=\"([^\"]+)\"[^>]*>.*?</ref>", re.S)
_TAG = re.compile(r"<[^>]+>")


_NUMERIC_ENTITY = re.compile(r"&#(x[0-9a-fA-F]+|\d+);")


def plain(fragment: str) -> str:
    """An xref's text without tags and with character references decoded (benchmarks/html.py shadows
    the standard ``html`` module here, hence by hand)."""
    text = _NUMERIC_ENTITY.sub(lambda m: chr(int(m.group(1)[1:], 16) if m.group(1)[0] == "x" else int(m.group(1))), _TAG.sub("", fragment))
    return " ".join(unescape(text, {"&quot;": '"', "&apos;": "'", "&ndash;": "–", "&thinsp;": " ", "&nbsp;": " "}).split())


def xml_gold(xml: str, gold: dict) -> dict:
    """The gold record with citation and reference offsets moved into the XML text."""
    main = xml.find("<sub-article")  # peer-review documents nested at the end: not the article's text
    xrefs = [m for m in _XREF.finditer(xml, 0, main if main != -1 else len(xml)) if 'ref-type="bibr"' in m.group(1)]
    if len(xrefs) != len(gold["citations"]):
        raise ValueError(f"{gold['id']}: {len(xrefs)} bibr xrefs in the XML, {len(gold['citations'])} gold citations")
    citations = []
    for cit, m in zip(sorted(gold["citations"], key=lambda c: c["n"]), xrefs):
        if plain(m.group(2)) != " ".join(cit["text"].split()):
            raise ValueError(f"{gold['id']}: gold citation {cit['n']} {cit['text']!r} is xref {plain(m.group(2))!r}")
        citations.append({**cit, "start": m.start(2), "end": m.end(2)})
    where = {m.group(1): (m.start(), m.end()) for m in _REF.finditer(xml)}
    refs = [{**ref, "md_start": where[ref["id"]][0], "md_end": where[ref["id"]][1]} for ref in gold["refs"]]
    return {**gold, "citations": citations, "refs": refs}


def anomaly_reported(pred: dict, gold: dict, anomaly: dict) -> bool:
    """A citation-side finding at the anomaly's xref."""
    cit = next(c for c in gold["citations"] if c["n"] == anomaly["citation_n"])
    return any(f["rule"] in scoring.ANOMALY_RULES and (r := scoring.span_range(f.get("span")))
               and scoring.touches(*r, cit["start"], cit["end"]) for f in pred.get("findings", []))


def never_cited_found(pred: dict, gold: dict) -> tuple[set[str], set[str]]:
    """(gold ids reported as never cited, gold ids never cited): by overlap with the finding's span."""
    uncited = scoring.uncited_gold_refs(gold)
    index = scoring.ref_index(gold)
    reported = set()
    for f in pred.get("findings", []):
        if f["rule"] == scoring.NEVER_CITED and (r := scoring.span_range(f.get("span"))):
            reported |= {g["id"] for g in index.touching(*r)}
    return reported, uncited


def report(args, articles, runs, seconds) -> str:
    totals = {s: scoring.LinkScore() for s in accuracy.STRATA}
    rows, other, anomalies, found_total, uncited_total, wrong_uncited = [], [], [0, 0], 0, 0, []
    for a in articles:
        pred = runs.get(a["id"])
        if pred is None or "_error" in pred:
            rows.append(f"| {a['id']} | {a['style']} | run failed: {accuracy.clip((pred or {}).get('_error', '?'), 80)} |||||||")
            continue
        gold = a["xml_gold"]
        links = scoring.score_links(pred, gold)
        totals[a["style"]] = totals[a["style"]].add(links)
        findings = scoring.score_findings(pred, gold)
        reported, uncited = never_cited_found(pred, gold)
        found_total += len(reported & uncited)
        uncited_total += len(uncited)
        wrong_uncited += [f"{a['id']}:{rid}" for rid in sorted(uncited - reported)]
        seen = [anomaly_reported(pred, gold, an) for an in gold.get("candidate_anomalies", [])]
        anomalies[0] += sum(seen)
        anomalies[1] += len(seen)
        other += [(a["id"], f) for f in findings.unjustified]
        rows.append(f"| {a['id']} | {a['style']} | {len(gold['refs'])}/{len(pred.get('references', []))} | "
                    f"{accuracy.fmt(links.precision)} | {accuracy.fmt(links.recall)} | {accuracy.fmt(links.f1)} | "
                    f"{len(reported & uncited)}/{len(uncited)} | {sum(seen)}/{len(seen)} | {len(findings.unjustified)} | {pred['_seconds']:.2f} |")
    lines = [
        "# refcheck on the JATS XML of the gold corpus", "",
        f"- command: `{args.command}` (runs `refcheck FILE.xml --offline --format json` per article)",
        f"- corpus: {args.corpus} ({len(articles)} articles); wall time {seconds:.1f}s with {args.jobs} workers", "",
        "Gold offsets moved from the Markdown rendering into the XML (n-th gold citation = n-th bibr xref, "
        "texts checked equal; references by id); scored with scoring.py as in the Markdown accuracy benchmark.", "",
        f"| stratum | gold pairs | predicted pairs | precision | recall | F1 | target F1 >= {TARGET_F1} |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for s in accuracy.STRATA:
        t = totals[s]
        lines.append(f"| {s} | {t.n_gold} | {t.n_pred} | {accuracy.fmt(t.precision)} | {accuracy.fmt(t.recall)} | "
                     f"{accuracy.fmt(t.f1)} | {'met' if t.f1 >= TARGET_F1 else '**not met**'} |")
    lines += ["", f"- references the corrected gold leaves uncited, reported as reference-never-cited: {found_total}/{uncited_total}"
              + (f" (missed: {', '.join(wrong_uncited)})" if wrong_uncited else ""),
              f"- candidate anomalies reported by a citation-side rule at their xref: {anomalies[0]}/{anomalies[1]}",
              f"- other warning/error findings (not justified by the gold): {len(other)}", ""]
    lines += [f"  - {i}:{accuracy.line_of(f)}:{(f.get('span') or {}).get('column', '?')} {f['rule']} ({f['severity']}): "
              f"{accuracy.clip(f.get('message', ''))}" for i, f in other]
    lines += ["", "| article | style | refs gold/refcheck | P | R | F1 | uncited found | anomalies | other W/E | seconds |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|", *rows]
    for a in articles:
        pred = runs.get(a["id"])
        if pred and "_error" not in pred:
            links = scoring.score_links(pred, a["xml_gold"])
            for cit, rid in links.missed[: args.examples]:
                lines.append(f"- {a['id']}: missed `{accuracy.clip(cit['text'], 60)}` -> {rid}")
            for fp in links.false_positives[: args.examples]:
                lines.append(f"- {a['id']}: false `{accuracy.clip(fp['text'], 60)}` -> {fp['rid']} (gold there: {fp['gold'] or 'none'})")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="also write the report into benchmarks/RESULTS.md")
    parser.add_argument("--only", nargs="*", help="article ids to run (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel processes")
    parser.add_argument("--python", default=accuracy.default_python(), help="interpreter that has refcheck installed")
    parser.add_argument("--corpus", type=Path, default=accuracy.CORPUS, help="the jats corpus folder")
    parser.add_argument("--examples", type=int, default=3, help="linking errors shown per article")
    args = parser.parse_args(argv)
    args.command = " ".join(["python benchmarks/jats.py", *(sys.argv[1:] if argv is None else argv)])
    articles = accuracy.load_articles(args.corpus, args.only)
    for a in articles:
        a["xml"] = (args.corpus / "xml" / f"{a['id']}.xml").read_text(encoding="utf-8")
        a["xml_gold"] = xml_gold(a["xml"], a["gold"])
    began = time.perf_counter()
    runs = accuracy.run_all(args.python, [(a["id"], "xml", a["xml"]) for a in articles], args.jobs, suffix=".xml")
    seconds = time.perf_counter() - began
    text = report(args, articles, {a: r for (a, _), r in runs.items()}, seconds)
    print(text, end="")
    if args.write:
        results.write_section("jats", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
