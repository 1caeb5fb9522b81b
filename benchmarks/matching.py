"""Calibration of ``refcheck/crossref/match.py``: validates(), differences() and their thresholds.

    .venv/bin/python benchmarks/matching.py [--write] [--corpus ../shared/corpus] [--show FIELD]

Sources, all offline:

* ``jats``: each reference of the 30 gold JATS articles, parsed from its Markdown rendering
  (``md_start:md_end``), against a Work built from the JATS structured citation of the same
  reference (a positive) and of every other reference of the same list sharing its first-author
  surname or its year (hard negatives). Measures validates() and the differences() reported on
  positives (each is a real printed-vs-XML discrepancy or a false positive: ``--show FIELD``
  prints them). Also the distributions behind TITLE_AGREES / TITLE_VETO / TITLE_STRONG
  (printed titles perturbed with one typo, a dropped subtitle, other case and punctuation) and
  SURNAME_SIMILAR (one-letter typos vs distinct surnames of the same lists).
* ``fixtures``: Crossref's own ``container-title`` / ``short-container-title`` pairs in the
  recorded API responses of ``../fixtures``, for same_container() (each pair should match; a
  journal against the other journals' short titles should not).
* ``crossref-matching``: the 2,000 ``ref_string``s of Crossref's matching gold set: how often the
  parser extracts each validation field (an upper bound on search-and-validate recall) and how
  often it extracts the right DOI from strings that print one.

Standard library + refcheck only. Prints Markdown; ``--write`` stores it in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import base64
import glob
import gzip
import html
import json
import os
import random
import re
import sys
import time
from collections import Counter
from dataclasses import replace

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from refcheck.crossref import match  # noqa: E402
from refcheck.crossref.match import differences, same_container, signals, title_similarity, validates  # noqa: E402
from refcheck.model import Name, Source, Work  # noqa: E402
from refcheck.names import surname_key  # noqa: E402
from refcheck.readers.references import parse_reference  # noqa: E402
from results import write_section  # noqa: E402

FIELDS = ("title", "year", "volume", "author", "pages")


# --------------------------------------------------------------------------------------
# JATS pairs


def work_of(r: dict) -> Work:
    """The JATS structured citation as the Crossref record of the same work would look."""
    authors = tuple(Name(a.get("surname") or a.get("collab") or "", a.get("given") or "") for a in r["authors"] if "etal" not in a)
    kind, title, source = r["publication_type"], r["article_title"] or r["chapter_title"], r["source"]
    types = {"journal": "journal-article", "confproc": "proceedings-article", "preprint": "posted-content"}
    wtype = types.get(kind, "book-chapter" if kind == "book" and title else "book" if kind == "book" else "other")
    page = r["fpage"] and (f"{r['fpage']}-{r['lpage']}" if r["lpage"] else r["fpage"])
    return Work(
        doi=r["doi"] or "",
        title=title or source,
        authors=authors,
        year=r["year"],
        container_title=source if title else None,
        container_titles=(source,) if title and source else (),
        volume=r["volume"],
        issue=r["issue"],
        page=page,
        article_number=r["elocation_id"],
        type=wtype,
    )


def jats_pairs(corpus: str):
    """Per article: [(parsed Reference, Work, gold ref)] in list order."""
    for path in sorted(glob.glob(os.path.join(corpus, "jats", "gold", "*.json"))):
        gold = json.load(open(path, encoding="utf-8"))
        md_path = os.path.join(corpus, "jats", "md", gold["id"] + ".md")
        source = Source(md_path, open(md_path, encoding="utf-8").read())
        yield gold["id"], [
            (parse_reference(source, r["md_start"], r["md_end"], id=r["id"], label=r.get("label")), work_of(r), r)
            for r in gold["refs"]
        ]


def hard_negatives(items):
    """(ref, other work, reason) for works of the same list sharing the first surname or the year."""
    for i, (ref, _, gold) in enumerate(items):
        first = surname_key(ref.first_author) if ref.first_author else None
        for j, (_, other, other_gold) in enumerate(items):
            if i == j or (other.doi and other.doi == (gold["doi"] or "")):
                continue
            same_author = first and other.authors and surname_key(other.authors[0].family) == first
            same_year = ref.year_number and (other.year or "")[:4] == str(ref.year_number)
            if same_author or same_year:
                yield ref, other, "author" if same_author else "year"


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))] if values else float("nan")


def typo(word: str, rng: random.Random) -> str:
    """One substitution, deletion, insertion or transposition inside the word."""
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    if kind == 0:
        return word[:i] + letter + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + letter + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def title_typo(title: str, rng: random.Random) -> str | None:
    words = title.split()
    long = [k for k, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return None
    k = rng.choice(long)
    words[k] = typo(words[k], rng)
    return " ".join(words)


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def kind_of(field: str, record: str, raw: str) -> str:
    """Who is wrong, roughly: a text value the record has that is printed verbatim in the entry
    means the parser cut the entry wrongly; otherwise the printed text and the XML disagree
    (a real discrepancy, or an odd XML field). Numbers are too short to tell this way."""
    if field in ("year", "volume", "issue", "page", "article-number"):
        return f"{field} (check by hand)"
    record_words = _words(record.split(",")[0] if field.startswith("author") else record)
    if record_words and record_words in _words(raw):
        return "parse error (the record's value is printed in the entry)"
    return "printed text and XML disagree"


def title_and_journal(work: Work) -> Work:
    """The record as an incomplete deposit: title, journal and type only."""
    return Work(work.doi, title=work.title, container_title=work.container_title, container_titles=work.container_titles, type=work.type)


def rule_inputs(ref, work) -> tuple:
    """What the validation rules look at: signals and title similarity, as printed and untitled."""
    untitled = replace(ref, title=None)
    return signals(ref, work), title_similarity(ref.title, work.title), signals(untitled, work)


def _accepts(found: dict, similarity: float | None, max_dis: int | None, min_agree: int) -> bool:
    """One variant of the validation rule (the veto and the strong-title path as in validates())."""
    if found["author"] is False or (similarity is not None and similarity < match.TITLE_VETO):
        return False
    agree = sum(v is True for v in found.values())
    dis = sum(v is False for v in found.values())
    limit = 5 if max_dis is None else max_dis if similarity is not None else 0
    strong = similarity is not None and similarity >= match.TITLE_STRONG and found["year"] and found["author"]
    return (agree >= min_agree and dis <= limit) or bool(strong and found["volume"] is None and found["pages"] is None)


def rule_table(rows: list[tuple]) -> list[str]:
    variants = [
        ("3 agree, no veto beyond title/author (the bare Crossref rule)", None, 3),
        (f"3 agree, at most {match.MAX_DISAGREEING} disagrees, none when the title is missing (validates())", match.MAX_DISAGREEING, 3),
        ("3 agree, nothing disagrees", 0, 3),
        ("4 agree, at most 1 disagrees", 1, 4),
    ]
    out = [
        "| validation rule | recall | recall, journal articles | false accepts | recall, title removed | false accepts, title removed |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    pos = [r for r in rows if r[0]]
    journal = [r for r in pos if r[1]]
    neg = [r for r in rows if not r[0]]
    for name, max_dis, min_agree in variants:
        def ok(r, untitled=False):
            return _accepts(r[4], None, max_dis, min_agree) if untitled else _accepts(r[2], r[3], max_dis, min_agree)

        out.append(
            f"| {name} | {sum(map(ok, pos)) / len(pos):.3f} | {sum(map(ok, journal)) / len(journal):.3f} | {sum(map(ok, neg))} "
            f"| {sum(ok(r, True) for r in pos) / len(pos):.3f} | {sum(ok(r, True) for r in neg)} |"
        )
    return out


def run_jats(corpus: str, show: str | None) -> tuple[list[str], dict]:
    rng = random.Random(20260601)
    pos = neg = tp = fp = pos_nt = tp_nt = fp_nt = pos_j = tp_j = pos_tc = tp_tc = neg_tc = fp_tc = 0
    neg_by = Counter()
    fp_by = Counter()
    diff_refs = 0
    diff_fields = Counter()
    diff_kinds = Counter()
    examples: dict[str, list] = {}
    sig_pos = Counter()
    sim = {"positive": [], "typo": [], "no subtitle": [], "case+punctuation": [], "negative": []}
    neg_titles: list[tuple[float, str, str]] = []
    rule_rows: list[tuple] = []
    surnames: dict[str, set[str]] = {}
    n_articles = 0
    for art, items in jats_pairs(corpus):
        n_articles += 1
        names = surnames.setdefault(art, set())
        for ref, work, _ in items:
            names.update(surname_key(a.family) for a in work.authors if a.given and len(surname_key(a.family)) >= 2)
            if ref.parts:  # a merged entry: not one work
                continue
            pos += 1
            ok = validates(ref, work)
            tp += ok
            pos_j += work.type == "journal-article"
            tp_j += ok and work.type == "journal-article"
            if not ok:
                examples.setdefault("false-reject", []).append((ref.raw, work.title, work.type, signals(ref, work)))
            untitled = replace(ref, title=None)
            pos_nt += 1
            tp_nt += validates(untitled, work)
            if work.type == "journal-article":
                pos_tc += 1
                tp_tc += validates(ref, title_and_journal(work))
            for k, v in signals(ref, work).items():
                sig_pos[(k, v)] += 1
            found = differences(ref, work)
            if found:
                diff_refs += 1
            for f, printed, record in found:
                diff_fields[f] += 1
                diff_kinds[kind_of(f, record, ref.raw)] += 1
                examples.setdefault(f, []).append((printed, record, ref.raw))
            rule_rows.append((True, work.type == "journal-article", *rule_inputs(ref, work)))
            s = title_similarity(ref.title, work.title)
            if s is not None and work.type in ("journal-article", "book-chapter", "proceedings-article"):
                sim["positive"].append(s)
            if s is not None and s >= 0.99:  # perturb only titles the parser read right
                t = title_typo(ref.title, rng)
                if t:
                    sim["typo"].append(title_similarity(t, work.title))
                sim["case+punctuation"].append(title_similarity(ref.title.upper().replace(":", ".").replace(",", ""), work.title))
                head = re.split(r":\s", work.title, maxsplit=1)[0]
                if head != work.title and len(head.split()) >= 3:
                    sim["no subtitle"].append(title_similarity(head, work.title))
        for ref, other, why in hard_negatives(items):
            if ref.parts:
                continue
            neg += 1
            neg_by[why] += 1
            rule_rows.append((False, other.type == "journal-article", *rule_inputs(ref, other)))
            if validates(ref, other):
                fp += 1
                fp_by[why] += 1
                examples.setdefault("false-accept", []).append((ref.raw, other.title, signals(ref, other)))
            fp_nt += validates(replace(ref, title=None), other)
            if other.type == "journal-article":
                neg_tc += 1
                fp_tc += validates(ref, title_and_journal(other))
            s = title_similarity(ref.title, other.title)
            if s is not None:
                sim["negative"].append(s)
                neg_titles.append((s, ref.title, other.title))

    # surnames: one-letter typos of real surnames vs distinct surnames of the same list
    typo_sims, distinct_sims = [], []
    for names in surnames.values():
        ordered = sorted(names)
        for name in ordered:
            if len(name) >= 5:
                typo_sims.append(match._surname_similarity(name, typo(name, rng)))
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                distinct_sims.append(match._surname_similarity(a, b))

    def rate(a: int, b: int) -> str:
        return f"{a / b:.3f}" if b else "n/a"

    out = [
        f"### JATS pairs ({n_articles} articles, {pos} positives, {neg} hard negatives: "
        f"{neg_by['author']} same first author, {neg_by['year']} same year only)",
        "",
        "| validates() | recall | false accepts | precision |",
        "|---|---:|---:|---:|",
        f"| as parsed | {rate(tp, pos)} ({tp}/{pos}; journal articles {rate(tp_j, pos_j)}) | {fp}/{neg} ({fp_by['author']} same author) | {rate(tp, tp + fp)} |",
        f"| printed title removed | {rate(tp_nt, pos_nt)} ({tp_nt}/{pos_nt}) | {fp_nt}/{neg} | {rate(tp_nt, tp_nt + fp_nt)} |",
        f"| journal records reduced to title and journal | {rate(tp_tc, pos_tc)} ({tp_tc}/{pos_tc}) | {fp_tc}/{neg_tc} "
        f"| {rate(tp_tc, tp_tc + fp_tc)} |",
        "",
        "Signals on positives (agree / disagree / missing): "
        + "; ".join(f"{k} {sig_pos[(k, True)]}/{sig_pos[(k, False)]}/{sig_pos[(k, None)]}" for k in FIELDS),
        "",
        f"differences() on positives: {diff_refs}/{pos} references ({rate(diff_refs, pos)}) report at least one; by field: "
        + (", ".join(f"{f} {n}" for f, n in diff_fields.most_common()) or "none")
        + ". By kind: "
        + (", ".join(f"{k} {n}" for k, n in diff_kinds.most_common()) or "none")
        + ".",
        "",
        "| title similarity | n | min | 1% | 5% | median | 95% | 99% | max |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, values in sim.items():
        cells = " | ".join(f"{pct(values, q):.2f}" for q in (0, 0.01, 0.05, 0.5, 0.95, 0.99, 1))
        out.append(f"| {name} | {len(values)} | {cells} |")
    perturbed = [v for k in ("typo", "no subtitle", "case+punctuation") for v in sim[k]]
    out += [
        "",
        "Perturbations are applied to titles the parser read right (similarity >= 0.99). Threshold sweep "
        f"(TITLE_AGREES={match.TITLE_AGREES}, TITLE_VETO={match.TITLE_VETO}, TITLE_STRONG={match.TITLE_STRONG}):",
        "",
        "| title threshold | perturbed positives below | all positives below | hard negatives at or above |",
        "|---:|---:|---:|---:|",
    ]
    for t in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        out.append(
            f"| {t} | {sum(v < t for v in perturbed)}/{len(perturbed)} | {sum(v < t for v in sim['positive'])}/{len(sim['positive'])} "
            f"| {sum(v >= t for v in sim['negative'])}/{len(sim['negative'])} |"
        )
    out += ["", *rule_table(rule_rows), "",
        f"Surname similarity at SURNAME_SIMILAR={match.SURNAME_SIMILAR}: one-letter typos of {len(typo_sims)} surnames "
        f"(5+ letters) at or above it {rate(sum(v >= match.SURNAME_SIMILAR for v in typo_sims), len(typo_sims))}; "
        f"{len(distinct_sims)} pairs of distinct surnames of the same list at or above it "
        f"{sum(v >= match.SURNAME_SIMILAR for v in distinct_sims)} "
        f"(typo 5%: {pct(typo_sims, 0.05):.2f}; distinct 99.9%: {pct(distinct_sims, 0.999):.2f}).",
    ]
    if show:
        rows = examples.get(show, [])
        print(f"-- {show}: {len(rows)}")
        for row in rows[:60]:
            print("  ", " || ".join(str(x)[:150] for x in row))
        if show == "title":
            for s, a, b in sorted(neg_titles, reverse=True)[:15]:
                print(f"   neg {s:.2f} {a[:70]!r} | {b[:70]!r}")
    return out, {"recall": tp / pos, "false_accepts": fp}


# --------------------------------------------------------------------------------------
# Crossref's container / short-container pairs in the recorded responses


def _walk(obj, found: set) -> None:
    if isinstance(obj, dict):
        full, short = obj.get("container-title"), obj.get("short-container-title")
        if full and short and isinstance(full, list) and isinstance(short, list):
            found.add((html.unescape(full[0]), tuple(html.unescape(s) for s in short)))
        for value in obj.values():
            _walk(value, found)
    elif isinstance(obj, list):
        for value in obj:
            _walk(value, found)


def container_pairs(fixtures: str) -> list[tuple[str, tuple[str, ...]]]:
    """(container-title, short-container-titles) from the cassettes (gzip+base64 bodies) and loose JSON."""
    found: set = set()
    for path in sorted(glob.glob(os.path.join(fixtures, "**", "*"), recursive=True)):
        if os.path.isdir(path) or not path.endswith((".json", ".yaml")):
            continue
        text = open(path, encoding="utf-8").read()
        bodies = [text] if path.endswith(".json") else []
        for m in re.finditer(r"string: !!binary \|\n((?:[ ]{8}.*\n)+)", text):
            data = base64.b64decode("".join(m.group(1).split()))
            try:
                data = gzip.decompress(data)
            except OSError:
                pass
            bodies.append(data)
        for body in bodies:
            try:
                _walk(json.loads(body), found)
            except (ValueError, UnicodeDecodeError):
                continue
    return sorted(found)


def run_containers(fixtures: str) -> list[str]:
    pairs = container_pairs(fixtures)
    same = [(full, s) for full, shorts in pairs for s in shorts if s.casefold() != full.casefold()]
    hits = [(full, s) for full, s in same if same_container(s, full)]
    # one journal may be spelled two ways in two records (PLOS ONE, PLOS One): compare folded
    journals = sorted({full.casefold(): full for full, _ in pairs}.values())
    shorts = sorted({(full.casefold(), s) for full, ss in pairs for s in ss})
    others = [(f, s) for f in journals for g, s in shorts if g != f.casefold()]
    wrong = [(f, s) for f, s in others if same_container(s, f)]
    n_wrong = len(others)
    misses = [f"{s} / {full}" for full, s in same if (full, s) not in hits]
    out = [
        f"### Journal names: Crossref container / short-container pairs ({len(pairs)} records in ../fixtures)",
        "",
        f"same_container(short, full): {len(hits)}/{len(same)} abbreviated pairs recognised; "
        f"{len(wrong)}/{n_wrong} pairs of different journals taken for the same"
        + (f" ({'; '.join(f'{s} / {f}' for f, s in wrong[:5])})" if wrong else "")
        + ".",
        "",
        "Not recognised (acronyms of non-initial letters, renamed journals, dropped words): " + "; ".join(misses[:12]),
    ]
    return out


# --------------------------------------------------------------------------------------
# Crossref's reference-matching gold set


_DOI_IN_TEXT = re.compile(r"10\.\d{4,9}/\S+")


def run_crossref_matching(corpus: str) -> list[str]:
    rows = json.load(open(os.path.join(corpus, "crossref-matching", "dataset.json"), encoding="utf-8"))["dataset"]
    has = {"all": Counter(), "with DOI": Counter()}
    n = {"all": 0, "with DOI": 0}
    doi_rows = doi_ok = doi_gold_none = doi_found = doi_cut = 0
    for row in rows:
        text = row["ref_string"]
        ref = parse_reference(Source("x.md", text), 0, len(text), id="r", label=None)
        gold = (row["target_gt"] or {}).get("DOI")
        present = {
            "title": bool(ref.title),
            "year": ref.year_number is not None,
            "volume": bool(ref.volume),
            "author": bool(ref.first_author),
            "pages": bool(ref.page or ref.article_number),
        }
        count = sum(present.values())
        strong = present["title"] and present["year"] and present["author"]
        for group in ("all", "with DOI") if gold else ("all",):
            n[group] += 1
            has[group].update(k for k, v in present.items() if v)
            has[group]["3+ fields"] += count >= 3
            has[group]["title+year+author"] += strong
        if _DOI_IN_TEXT.search(text):
            doi_rows += 1
            doi_found += bool(ref.doi)
            if gold:
                right = (ref.doi or "").lower() == gold.lower()
                doi_ok += right
                # the target is in the string (spaces aside): the parser cut it wrongly
                doi_cut += not right and gold.lower() in re.sub(r"\s+", "", text.lower())
            else:
                doi_gold_none += 1
    cols = (*FIELDS, "title+year+author", "3+ fields")
    out = [
        f"### Crossref matching gold set ({len(rows)} reference strings, {n['with DOI']} with a target DOI)",
        "",
        "Share of strings from which the parser extracts each validation field (present, not checked for correctness): "
        "apart from a near-exact title in the same journal, a record validates only on 3+ of them, so the last "
        "column roughly bounds search-and-validate recall.",
        "",
        "| strings | n | " + " | ".join(cols) + " |",
        "|---|---:|" + "---:|" * len(cols),
    ]
    for group in ("all", "with DOI"):
        out.append(f"| {group} | {n[group]} | " + " | ".join(f"{has[group][c] / n[group]:.3f}" for c in cols) + " |")
    with_gold = doi_rows - doi_gold_none
    out += [
        "",
        f"DOI extraction: {doi_rows} strings print a DOI; the parser extracts one from {doi_found}; "
        f"it equals the target DOI (case-insensitive) in {doi_ok}/{with_gold} ({doi_ok / with_gold:.3f}) of those with a target"
        + (f" ({doi_gold_none} printing a DOI have no target in the gold)" if doi_gold_none else "")
        + f". Of the {with_gold - doi_ok} others, {doi_cut} are extraction errors (the target is printed, cut by a space "
        f"or a `<`) and {with_gold - doi_ok - doi_cut} print another DOI than the target (a wrong or a data-set DOI).",
    ]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(HERE), "..", "shared", "corpus"))
    ap.add_argument("--write", action="store_true", help="store the tables in benchmarks/RESULTS.md")
    ap.add_argument("--show", metavar="FIELD", help="print differences of FIELD on positives (or false-accept, title)")
    args = ap.parse_args(argv)
    corpus = os.path.abspath(args.corpus)
    t0 = time.perf_counter()
    lines = ["## Crossref matching (benchmarks/matching.py)", "", "`.venv/bin/python benchmarks/matching.py [--write]` (offline, about 8 s)", ""]
    jats, _ = run_jats(corpus, args.show)
    lines += jats + [""]
    lines += run_containers(os.path.join(os.path.dirname(corpus), "fixtures")) + [""]
    lines += run_crossref_matching(corpus) + [""]
    block = "\n".join(lines)
    print(block)
    print(f"({time.perf_counter() - t0:.1f} s)")
    if args.write:
        write_section("matching", block)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
