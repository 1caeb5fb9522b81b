"""Compare PDF text libraries for reading papers: pypdfium2 against pdfminer.six.

Inputs: the typeset corpus of benchmarks/pdf_corpus.py (default /tmp/pdfcorpus, with a gold file
beside every PDF) and the real pairs of benchmarks/pdf_pairs (default /tmp/pdfpairs, gold in
benchmarks/pdf_pairs/gold). For each library and PDF it measures

  speed       plain text extraction of every page (pages/s), and the same with characters and their
              metadata (unicode, box, font size, baseline origin, font name)
  refs        share of gold reference entries whose first-author surname and then the year are
              found in the extracted text after the last "References" heading, entries taken in
              gold order (a cursor moves forward), so the entries must come out in order
  cites       share of gold citation items found in order in the text before the reference list:
              for the corpus the item's printed text (e.g. "Cao et al., 2002", or "12" for numbers),
              for the pairs the linked entry's first-author surname followed by its year
  sentences   share of body sentences (>= 8 words, from the corpus md) found whole in the text: a
              reading-order measure (columns interleaved, headers or line numbers inside the text,
              split words all break sentences)
  ligatures   number of U+FB00-FB06 characters in the raw text (before NFKC)
  superscript on the 'super' layout: superscript citation numbers detected from character size and
              baseline (same rule for both libraries), matched in order against the gold numbers

Text is compared after NFKC, removing soft hyphens, joining words split by a hyphen at a line end,
folding case and accents and collapsing white space (the same for both libraries).

    python benchmarks/pdf_libraries.py [--corpus /tmp/pdfcorpus] [--pairs /tmp/pdfpairs]
                                       [--json OUT.json] [--limit N] [--repeat 1]
"""

from __future__ import annotations

import os
import sys

sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse  # noqa: E402
import ctypes  # noqa: E402
import difflib  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
import unicodedata  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
CORPUS_MD = Path("/work/shared/corpus/jats/md")
for _c in (HERE.parent.parent / "shared" / "corpus" / "jats" / "md",):
    if _c.is_dir():
        CORPUS_MD = _c

LIGATURES = "".join(chr(c) for c in range(0xFB00, 0xFB07))


# ------------------------------------------------------------------------------------------------
# the two libraries


def pdfium_text(path: Path) -> tuple[list[str], int]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    pages = []
    for i in range(len(pdf)):
        page = pdf[i]
        tp = page.get_textpage()
        pages.append(tp.get_text_range())
        tp.close()
        page.close()
    n = len(pdf)
    pdf.close()
    return pages, n


def pdfium_chars(path: Path) -> list[dict]:
    """Every character with unicode, box, font size, baseline origin and font name."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    out = []
    pdf = pdfium.PdfDocument(str(path))
    x = ctypes.c_double()
    y = ctypes.c_double()
    fbuf = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    for pno in range(len(pdf)):
        page = pdf[pno]
        tp = page.get_textpage()
        for i in range(tp.count_chars()):
            u = raw.FPDFText_GetUnicode(tp, i)
            if raw.FPDFText_IsGenerated(tp, i):
                continue
            l, b, r, t = tp.get_charbox(i)
            raw.FPDFText_GetCharOrigin(tp, i, ctypes.byref(x), ctypes.byref(y))
            raw.FPDFText_GetFontInfo(tp, i, fbuf, 256, ctypes.byref(flags))
            out.append({"c": chr(u) if u else "", "page": pno, "x0": l, "x1": r, "y0": b, "y1": t,
                        "size": raw.FPDFText_GetFontSize(tp, i), "base": y.value,
                        "font": fbuf.value.decode("latin-1")})
        tp.close()
        page.close()
    pdf.close()
    return out


def pdfminer_text(path: Path) -> tuple[list[str], int]:
    from pdfminer.high_level import extract_text
    from pdfminer.pdfpage import PDFPage

    with open(path, "rb") as fh:
        n = sum(1 for _ in PDFPage.get_pages(fh))
    text = extract_text(str(path))
    return text.split("\f"), n


def pdfminer_chars(path: Path) -> list[dict]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar

    out = []

    def walk(obj, pno):
        if isinstance(obj, LTChar):
            out.append({"c": obj.get_text(), "page": pno, "x0": obj.x0, "x1": obj.x1, "y0": obj.y0, "y1": obj.y1,
                        "size": obj.size, "base": obj.matrix[5], "font": obj.fontname})
        elif hasattr(obj, "__iter__") and not isinstance(obj, LTChar):
            for o in obj:
                walk(o, pno)

    # laparams=None: the characters in content-stream order, without pdfminer's layout analysis
    # (which moves superscripts into lines and boxes of their own)
    for pno, page in enumerate(extract_pages(str(path), laparams=None)):
        walk(page, pno)
    return out


LIBS = {
    "pypdfium2": (pdfium_text, pdfium_chars),
    "pdfminer.six": (pdfminer_text, pdfminer_chars),
}


# ------------------------------------------------------------------------------------------------
# normalisation and matching


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return s.casefold()


def norm_text(raw: str) -> str:
    t = unicodedata.normalize("NFKC", raw).replace("\u00ad", "").replace("\r\n", "\n").replace("\u0002", "-")
    t = re.sub(r"(\w)[-\u2010]\n\s*(\w)", r"\1\2", t)  # words split at a line end
    t = re.sub(r"\s+", " ", t)
    return fold(t)


def split_at_references(raw: str) -> tuple[str, str]:
    """Body and reference list: split at the last line that is only a "References" (or
    "Bibliography", "Literature cited") heading, else at the last word "References"."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    heads = list(re.finditer(r"(?mi)^[ \t]*(references|bibliography|literature cited|references cited)[ \t]*$", raw))
    if not heads:
        heads = list(re.finditer(r"(?i)\breferences\b", raw))
    if not heads:
        return raw, ""
    k = heads[-1].end()
    return raw[:k], raw[k:]


def refs_in_order(t: str, refs: list[dict], window: int = 400) -> tuple[int, int, int]:
    """(found in order, found anywhere, scored) in the normalised reference-list text t."""
    start = 0
    cur = start
    in_order = anywhere = scored = 0
    for r in refs:
        sur = fold(unicodedata.normalize("NFKC", r.get("first_author") or "")).strip()
        year = (r.get("year") or "").strip()[:4]
        if not sur:
            continue
        scored += 1
        pat = re.escape(sur)

        def find(frm):
            for m in re.finditer(pat, t[frm:]):
                p = frm + m.start()
                if not year or year in t[p:p + window]:
                    return p
            return -1
        p = find(cur)
        if p >= 0:
            in_order += 1
            anywhere += 1
            cur = p + 1
        elif find(start) >= 0:
            anywhere += 1
    return in_order, anywhere, scored


def items_in_order(body: str, needles: list[str]) -> tuple[int, int]:
    cur = found = 0
    for n in needles:
        if not n:
            continue
        p = body.find(n, cur)
        if p >= 0:
            found += 1
            cur = p + len(n)
    return found, sum(1 for n in needles if n)


def pairs_cites_in_order(body: str, cites: list[dict], window: int = 80) -> tuple[int, int]:
    cur = found = scored = 0
    for c in cites:
        sur = fold(unicodedata.normalize("NFKC", c.get("first_author") or "")).strip()
        year = (c.get("year") or "")[:4]
        if not sur:
            continue
        scored += 1
        for m in re.finditer(re.escape(sur), body[cur:]):
            p = cur + m.start()
            if not year or year in body[p:p + window]:
                found += 1
                cur = p + 1
                break
    return found, scored


_md_sentences: dict[str, list[str]] = {}


def md_sentences(aid: str) -> list[str]:
    if aid not in _md_sentences:
        md = (CORPUS_MD / f"{aid}.md").read_text(encoding="utf-8")
        md = md.split("\n## References")[0]
        out = []
        for para in md.split("\n\n"):
            if para.startswith(("#", "|", "-", "*", "<")) or "[formula]" in para:
                continue
            for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", para):
                if len(s.split()) >= 8 and not re.search(r"[*_`\\<>]|\[|\]", s):
                    out.append(re.sub(r"\s+", " ", fold(unicodedata.normalize("NFKC", s))).strip())
        _md_sentences[aid] = out
    return _md_sentences[aid]


def superscripts(chars: list[dict]) -> list[str]:
    """Runs of small raised characters. A character is one when its font size (as the library
    reports it) is under 75 % of the page's most common size and either a normal-size character
    ends just left of it (within one em) on a baseline 0.2-1 em lower, or the last normal-size
    character before it in the library's order has such a baseline. Same rule for both."""
    by_page = defaultdict(list)
    for ch in chars:
        if ch["c"].strip():
            by_page[ch["page"]].append(ch)
    runs = []
    for pno in sorted(by_page):
        cs = by_page[pno]
        sizes = Counter(round(c["size"], 1) for c in cs if c["c"].isalpha())
        if not sizes:
            continue
        body = sizes.most_common(1)[0][0]
        normal = [c for c in cs if c["size"] >= 0.75 * body]
        buckets = defaultdict(list)
        for c in normal:
            buckets[int(c["x1"] // body)].append(c)

        def raised(c):
            k = int(c["x0"] // body)
            for kk in (k - 1, k):
                for n in buckets.get(kk, ()):
                    if c["x0"] - body <= n["x1"] <= c["x0"] + 1 and c["base"] - body <= n["base"] <= c["base"] - 0.2 * body:
                        return True
            return False

        cur = []
        prev = None
        last_normal = None
        for c in cs:
            small = c["size"] < 0.75 * body and (c["c"].isdigit() or c["c"] in ",–-—;\u2009")
            after_normal = last_normal is not None and 0.2 * body <= c["base"] - last_normal["base"] <= body
            if small and (raised(c) or after_normal or (cur and prev is not None and abs(prev["base"] - c["base"]) < 0.5
                                                        and -0.5 * body <= c["x0"] - prev["x1"] < body)):
                cur.append(c["c"])
                prev = c
                continue
            if cur:
                runs.append("".join(cur))
                cur = []
            prev = None
            if c["size"] >= 0.75 * body:
                last_normal = c
        if cur:
            runs.append("".join(cur))
    return runs


def numbers(s: str) -> list[str]:
    return re.findall(r"\d+", s)


# ------------------------------------------------------------------------------------------------
# run


def measure(lib: str, pdf: Path, gold: dict, kind: str, repeat: int) -> dict:
    text_fn, chars_fn = LIBS[lib]
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        pages, n = text_fn(pdf)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    raw = "\n".join(pages)
    body_raw, refs_raw = split_at_references(raw)
    body = norm_text(body_raw)
    reflist = norm_text(refs_raw)
    t = body + " " + reflist
    res = {"lib": lib, "pdf": str(pdf), "kind": kind, "pages": n, "text_s": best,
           "ligature_chars": sum(raw.count(c) for c in LIGATURES), "chars_out": len(raw)}
    io, anyw, scored = refs_in_order(reflist, gold["refs"])
    res.update(refs_in_order=io, refs_anywhere=anyw, refs_scored=scored)
    if kind == "pair":
        f, s = pairs_cites_in_order(body, gold["citations"])
    else:
        needles = [fold(unicodedata.normalize("NFKC", re.sub(r"\s+", " ", c["text"]))).strip()
                   for c in sorted(gold["citations"], key=lambda c: c.get("md_start", 0))]
        f, s = items_in_order(body, needles)
        sents = md_sentences(gold["id"])
        res["sentences_found"] = sum(1 for x in sents if x in t)
        res["sentences"] = len(sents)
    res.update(cites_found=f, cites_scored=s)
    if kind == "corpus" and gold["layout"] in ("super", "lineno"):
        t0 = time.perf_counter()
        chars = chars_fn(pdf)
        res["chars_s"] = time.perf_counter() - t0
        res["n_chars"] = len(chars)
        if gold["layout"] == "super":
            det = [x for r in superscripts(chars) for x in numbers(r)]
            want = [x for c in sorted(gold["citations"], key=lambda c: c.get("md_start", 0))
                    if c["form"] == "superscript" for x in numbers(c["text"])]
            sm = difflib.SequenceMatcher(None, want, det, autojunk=False)
            m = sum(b.size for b in sm.get_matching_blocks())
            res.update(sup_gold=len(want), sup_detected=len(det), sup_matched=m)
        if chars:
            res["sample_sizes"] = sorted(Counter(round(c["size"], 2) for c in chars).most_common(3))
    return res


def collect(corpus: Path, pairs: Path, limit: int) -> list[tuple[Path, dict, str]]:
    items = []
    if corpus.is_dir():
        for g in sorted(corpus.glob("*/*.gold.json")):
            pdf = g.with_name(g.name.replace(".gold.json", ".pdf"))
            if pdf.exists():
                items.append((pdf, json.loads(g.read_text(encoding="utf-8")), "corpus"))
    gd = HERE / "pdf_pairs" / "gold"
    if pairs.is_dir():
        for g in sorted(gd.glob("*.json")):
            pdf = pairs / g.stem / "paper.pdf"
            if pdf.exists():
                items.append((pdf, json.loads(g.read_text(encoding="utf-8")), "pair"))
    return items[:limit] if limit else items


def pct(a, b):
    return f"{100.0 * a / b:.1f}" if b else "n/a"


def summarise(results: list[dict]) -> str:
    lines = []
    groups = defaultdict(list)
    for r in results:
        layout = Path(r["pdf"]).parent.name if r["kind"] == "corpus" else "pairs"
        groups[(layout, r["lib"])].append(r)
    order = ["onecol", "twocol", "super", "journal", "header", "lineno", "pairs"]
    lines.append("| set | library | PDFs | pages | pages/s (text) | refs in order % | refs anywhere % | "
                 "cites in order % | sentences whole % | ligature chars |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for lay in order:
        for lib in LIBS:
            rs = groups.get((lay, lib))
            if not rs:
                continue
            pages = sum(r["pages"] for r in rs)
            secs = sum(r["text_s"] for r in rs)
            lines.append(
                f"| {lay} | {lib} | {len(rs)} | {pages} | {pages / secs:.1f} | "
                f"{pct(sum(r['refs_in_order'] for r in rs), sum(r['refs_scored'] for r in rs))} | "
                f"{pct(sum(r['refs_anywhere'] for r in rs), sum(r['refs_scored'] for r in rs))} | "
                f"{pct(sum(r['cites_found'] for r in rs), sum(r['cites_scored'] for r in rs))} | "
                f"{pct(sum(r.get('sentences_found', 0) for r in rs), sum(r.get('sentences', 0) for r in rs))} | "
                f"{sum(r['ligature_chars'] for r in rs)} |")
    lines.append("")
    lines.append("| library | all PDFs | pages | text s | pages/s | chars+metadata s (super, lineno) | pages/s |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    for lib in LIBS:
        rs = [r for r in results if r["lib"] == lib]
        pages = sum(r["pages"] for r in rs)
        secs = sum(r["text_s"] for r in rs)
        cr = [r for r in rs if "chars_s" in r]
        cpages = sum(r["pages"] for r in cr)
        csecs = sum(r["chars_s"] for r in cr)
        lines.append(f"| {lib} | {len(rs)} | {pages} | {secs:.1f} | {pages / secs:.1f} | {csecs:.1f} | "
                     f"{(cpages / csecs) if csecs else 0:.1f} |")
    lines.append("")
    one = [r for r in results if r["kind"] == "corpus" and Path(r["pdf"]).parent.name == "onecol"]
    if one:
        target = min(one, key=lambda r: (abs(r["pages"] - 30), r["pdf"]))
        lines.append(f"Whole article closest to 30 pages ({Path(target['pdf']).parent.name}/"
                     f"{Path(target['pdf']).name}, {target['pages']} pages), plain text of every page:")
        lines.append("")
        for r in one:
            if r["pdf"] == target["pdf"]:
                lines.append(f"- {r['lib']}: {r['text_s']:.2f} s")
        lines.append("")
    sup = [r for r in results if "sup_gold" in r]
    if sup:
        lines.append("| library | superscript numbers (gold) | detected | matched in order | recall % | precision % |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        for lib in LIBS:
            rs = [r for r in sup if r["lib"] == lib]
            g = sum(r["sup_gold"] for r in rs)
            d = sum(r["sup_detected"] for r in rs)
            m = sum(r["sup_matched"] for r in rs)
            lines.append(f"| {lib} | {g} | {d} | {m} | {pct(m, g)} | {pct(m, d)} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="/tmp/pdfcorpus")
    ap.add_argument("--pairs", default="/tmp/pdfpairs")
    ap.add_argument("--json", default="")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--libs", default=",".join(LIBS))
    ap.add_argument("--shard", default="", help="i/n: every n-th PDF from the i-th (0-based)")
    ap.add_argument("--merge", nargs="*", help="summarise these --json files instead of measuring")
    args = ap.parse_args(argv)
    if args.merge:
        results = [r for f in args.merge for r in json.loads(Path(f).read_text(encoding="utf-8"))]
        print(summarise([r for r in results if "error" not in r]))
        errs = [r for r in results if "error" in r]
        if errs:
            print(f"\n{len(errs)} extraction errors: " + "; ".join(f"{r['lib']} {r['pdf']}" for r in errs[:10]))
        return 0
    items = collect(Path(args.corpus), Path(args.pairs), args.limit)
    if args.shard:
        i, n = (int(x) for x in args.shard.split("/"))
        items = items[i::n]
    results = []
    for i, (pdf, gold, kind) in enumerate(items):
        for lib in args.libs.split(","):
            try:
                r = measure(lib, pdf, gold, kind, args.repeat)
            except Exception as e:  # noqa: BLE001 - a library failing on a file is a result
                r = {"lib": lib, "pdf": str(pdf), "kind": kind, "error": repr(e)[:300]}
                print(f"{lib} {pdf}: {e!r}", file=sys.stderr)
            results.append(r)
        print(f"[{i + 1}/{len(items)}] {pdf}", file=sys.stderr, flush=True)
    ok = [r for r in results if "error" not in r]
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(summarise(ok))
    errs = [r for r in results if "error" in r]
    if errs:
        print(f"\n{len(errs)} extraction errors: " + "; ".join(f"{r['lib']} {r['pdf']}" for r in errs[:10]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
