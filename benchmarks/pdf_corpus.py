"""Typeset the 30 JATS articles of the evaluation corpus into PDFs, in several layouts.

Groundwork for reading PDFs ("refcheck paper.pdf"): every PDF made here has a gold file that says
which reference entries are printed in it and which citation items (text as printed, linked
entries) it contains, taken from the corpus gold (shared/corpus/jats/gold/<id>.json).

Layouts (articles: numeric N=15, author-year A=15):

  onecol   (a) one column, citations exactly as in the md ([1]–[3], (Smith et al., 2010))  N+A
  twocol   (b) two columns with CSS multi-column layout                                     N+A
  super    (c) numeric citations as superscripts: a bracket or parenthesis group that holds
               only citation numbers becomes <sup>1–3</sup> (f1000 already prints them so)   N
  journal  (d) author-year articles as they are, in a journal look (justified text, smaller
               hanging-indent reference list)                                                A
  header   (e) running header "Surname et al. (YEAR). Title. Journal" on every page, footer
               with journal and DOI, page numbers                                           N+A
  lineno   (f) LuaLaTeX preprint with line numbers in the margin and page numbers; Latin
               Modern with real fi/fl ligature glyphs                                       N+A

Pipeline: md --pandoc--> HTML fragment (+ base.css, layouts.css) --chromium --print-to-pdf--> PDF,
and for lineno HTML --pandoc--> LaTeX --lualatex--> PDF. The PDFs are made deterministic (Chromium's
CreationDate/ModDate are overwritten with a fixed date of the same length; LuaTeX runs with
SOURCE_DATE_EPOCH and a fixed trailer ID), so the sha256 column of the manifest is a check.

    python benchmarks/pdf_corpus.py [--out /tmp/pdfcorpus] [--layouts onecol,super] [--ids ID,...]
                                    [--jobs 2] [--check]

writes OUT/<layout>/<id>.pdf, OUT/<layout>/<id>.gold.json, OUT/manifest.tsv, and (full runs only)
benchmarks/pdf_corpus/manifest.tsv and benchmarks/pdf_corpus/gold/<id>.json. --check compares the
new manifest with the committed one and exits 1 on any difference.

Needs: pandoc, chromium, lualatex (TeX Live with lineno), poppler's pdfinfo (page counts).
Standard library only.
"""

from __future__ import annotations

import sys
import os

# benchmarks/html.py would shadow the standard library's html module
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse
import concurrent.futures
import hashlib
import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "pdf_corpus"
CORPUS = Path("/work/shared/corpus/jats")
for _candidate in (HERE.parent.parent / "shared" / "corpus" / "jats", HERE.parent / "shared" / "corpus" / "jats"):
    if _candidate.is_dir():
        CORPUS = _candidate
        break

LAYOUTS = {
    # name: (styles it applies to, engine)
    "onecol": ({"numeric", "author-year"}, "chromium"),
    "twocol": ({"numeric", "author-year"}, "chromium"),
    "super": ({"numeric"}, "chromium"),
    "journal": ({"author-year"}, "chromium"),
    "header": ({"numeric", "author-year"}, "chromium"),
    "lineno": ({"numeric", "author-year"}, "lualatex"),
}

# pandoc's markdown without the extensions that would rewrite the corpus text: no smart quotes or
# dashes, no $math$, no ~sub~ or ^super^, no raw TeX, no example lists.
MD_FORMAT = "markdown-smart-tex_math_dollars-subscript-superscript-raw_tex-implicit_figures-example_lists-citations"
FIXED_DATE = b"(D:20260101000000+00'00')"
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01T00:00:00Z


# --------------------------------------------------------------------------------------------
# gold


def first_author(ref: dict) -> str:
    for a in ref.get("authors") or []:
        if a.get("surname"):
            return a["surname"]
        if a.get("collab"):
            return a["collab"]
    return ""


def article_meta(xml_text: str) -> dict:
    """First author's surname, number of authors and publication year from the JATS XML."""
    m = re.search(r"<article-meta>.*?</article-meta>", xml_text, re.S)
    meta = m.group(0) if m else xml_text
    authors = re.findall(r"<contrib[^>]*contrib-type=\"author\"[^>]*>(.*?)</contrib>", meta, re.S)
    surnames = []
    for a in authors:
        s = re.search(r"<surname>(.*?)</surname>", a, re.S) or re.search(r"<collab[^>]*>(.*?)</collab>", a, re.S)
        if s:
            surnames.append(html.unescape(re.sub(r"<[^>]+>", "", s.group(1)).strip()))
    year = ""
    for pd in re.findall(r"<pub-date[^>]*>.*?</pub-date>", meta, re.S):
        y = re.search(r"<year>(\d{4})</year>", pd)
        if y:
            year = y.group(1)
            break
    return {"surnames": surnames, "year": year or "2026"}


def citation_clusters(md: str, citations: list[dict]) -> list[tuple[int, int, list[dict]]]:
    """Runs of citations separated only by brackets, parentheses, commas, semicolons, dashes and
    spaces, widened to the bracket or parenthesis that encloses the run."""
    cits = sorted(citations, key=lambda c: c["start"])
    clusters: list[list] = []
    for c in cits:
        if clusters:
            s, e, items = clusters[-1]
            gap = md[e:c["start"]]
            if re.fullmatch(r"[\s\[\](),;\u2013\u2014-]*", gap) and "\n" not in gap:
                clusters[-1] = [s, max(e, c["end"]), items + [c]]
                continue
        clusters.append([c["start"], c["end"], [c]])
    out = []
    for s, e, items in clusters:
        # widen over a bracket or parenthesis pair that encloses the run, one matching pair at a
        # time, so that "(Fig. 3; see [16])" loses the brackets and keeps its parentheses
        while s > 0 and e < len(md) and (md[s - 1], md[e]) in (("[", "]"), ("(", ")")):
            s -= 1
            e += 1
        out.append((s, e, items))
    return out


def superscript_md(md: str, citations: list[dict]) -> tuple[str, dict[int, tuple[int, int]]]:
    """Rewrite bracketed numeric citation groups as <sup>…</sup>. Returns the new md and, for each
    citation n, its (start, end) in the new md (inside the <sup>)."""
    pieces = []
    pos = 0
    newpos: dict[int, tuple[int, int]] = {}
    out_len = 0
    for s, e, items in citation_clusters(md, citations):
        region = md[s:e]
        opens = region[:1] in "[(" and region[-1:] in "])"
        if not opens or md[max(0, s - 5):s].endswith("<sup>"):
            continue
        # keep the text before, without the space before the group
        before = md[pos:s]
        stripped = before.rstrip(" ")
        pieces.append(stripped)
        out_len += len(stripped)
        pieces.append("<sup>")
        out_len += len("<sup>")
        inner_parts = []
        # copy the region without its brackets and parentheses, tracking citation offsets
        for ch_i in range(s, e):
            ch = md[ch_i]
            if ch in "[]()":
                if ch == "[" and md[ch_i - 1 : ch_i] == "]":
                    # "[346][355]": two groups with nothing between them print as "346, 355", not "346355"
                    inner_parts += [(-1, ","), (-1, " ")]
                continue
            inner_parts.append((ch_i, ch))
        # strip leading/trailing spaces
        while inner_parts and inner_parts[0][1] == " ":
            inner_parts.pop(0)
        while inner_parts and inner_parts[-1][1] == " ":
            inner_parts.pop()
        index_of = {}
        for k, (ch_i, ch) in enumerate(inner_parts):
            if ch_i >= 0:
                index_of[ch_i] = out_len + k
        for c in items:
            chars = [index_of[j] for j in range(c["start"], c["end"]) if j in index_of]
            if chars:
                newpos[c["n"]] = (chars[0], chars[-1] + 1)
        text = "".join(ch for _, ch in inner_parts)
        pieces.append(text)
        out_len += len(text)
        pieces.append("</sup>")
        out_len += len("</sup>")
        pos = e
    pieces.append(md[pos:])
    return "".join(pieces), newpos


def build_gold(aid: str, layout: str, md: str, gold: dict, meta: dict, header: dict | None,
               sup_positions: dict | None, new_md: str) -> dict:
    refs = []
    for r in gold["refs"]:
        refs.append({
            "id": r["id"],
            "label": r.get("label"),
            "first_author": first_author(r),
            "year": r.get("year") or "",
            "title": r.get("article_title") or r.get("chapter_title") or r.get("source") or "",
            "display": r.get("display", ""),
        })
    cits = []
    for c in gold["citations"]:
        text = c["text"]
        form = "author-year" if gold["citation_style"] == "author-year" else "bracket"
        if aid.startswith("f1000") and gold["citation_style"] == "numeric":
            form = "superscript"
        if sup_positions is not None and c["n"] in sup_positions:
            s, e = sup_positions[c["n"]]
            text = new_md[s:e]
            form = "superscript"
        elif form == "bracket":
            text = text.strip("[]()")
        cits.append({
            "n": c["n"],
            "md_start": c["start"],
            "text": text,
            "form": form,
            "rids": c["rids"],
            "implied_rids": c.get("implied_rids", []),
            "group": c.get("group"),
        })
    return {
        "id": aid,
        "layout": layout,
        "citation_style": gold["citation_style"],
        "title": gold.get("title"),
        "journal": gold.get("journal"),
        "doi": gold.get("doi"),
        "licence": gold.get("license_url"),
        "source": gold.get("source"),
        "printed_refs": "all entries of the corpus gold are printed, in md order, under 'References'",
        "running_header": header,
        "refs": refs,
        "citations": sorted(cits, key=lambda c: c["md_start"]),
    }


# --------------------------------------------------------------------------------------------
# typesetting


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, capture_output=True, **kw)
    if r.returncode:
        err = r.stderr.decode("utf-8", "replace") if isinstance(r.stderr, bytes) else r.stderr
        raise RuntimeError(f"{cmd[0]} failed ({r.returncode}): {err[-2000:]}")
    return r


def md_to_html_fragment(md: str) -> str:
    r = run(["pandoc", "-f", MD_FORMAT, "-t", "html5", "--wrap=none"], input=md.encode("utf-8"))
    frag = r.stdout.decode("utf-8")
    # a relative link would be resolved against the build folder and printed into the PDF's link
    # annotations: keep the text, drop the link
    frag = re.sub(r'<a href="(?![a-z][a-z0-9+.-]*:)[^"]*"', "<a", frag)
    # the reference list: mark everything from the References heading on
    frag = re.sub(r'(<h2 id="[^"]*">References</h2>)(.*)$', r'<section class="references">\1\2</section>',
                  frag, count=1, flags=re.S)
    return frag


def css_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def html_page(frag: str, layout: str, title: str, header: dict | None) -> str:
    base = (ASSETS / "base.css").read_text(encoding="utf-8")
    lay = (ASSETS / "layouts.css").read_text(encoding="utf-8")
    extra = ""
    if header:
        extra = (
            "@page { margin: 24mm 18mm 22mm 18mm;\n"
            f"  @top-left {{ content: {css_string(header['header'])}; font: 7.5pt 'DejaVu Sans', sans-serif; color: #333; }}\n"
            f"  @bottom-left {{ content: {css_string(header['footer'])}; font: 7.5pt 'DejaVu Sans', sans-serif; color: #333; }}\n"
            "  @bottom-right { content: counter(page); font: 8pt 'DejaVu Sans', sans-serif; }\n}\n"
        )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n<style>\n{base}\n{lay}\n{extra}</style></head>\n"
        f"<body class=\"layout-{layout}\"><main>\n{frag}\n</main></body></html>\n"
    )


def chromium_pdf(html_path: Path, pdf_path: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="rc-chromium-") as profile:
        run([
            "chromium", "--headless", "--no-sandbox", "--disable-background-networking",
            "--disable-gpu", "--no-first-run", "--disable-extensions", "--disable-sync",
            "--font-render-hinting=none", f"--user-data-dir={profile}",
            "--no-pdf-header-footer", "--generate-pdf-document-outline=false",
            f"--print-to-pdf={pdf_path}", html_path.as_uri(),
        ], timeout=300)
    data = pdf_path.read_bytes()

    def fix(m: re.Match) -> bytes:
        return FIXED_DATE if len(m.group(0)) == len(FIXED_DATE) else m.group(0)

    pdf_path.write_bytes(re.sub(rb"\(D:\d{14}[^)]*\)", fix, data))


def lualatex_pdf(frag: str, title: str, work: Path, pdf_path: Path) -> None:
    tex = work / "paper.tex"
    # the title heading becomes the LaTeX title; the rest becomes sections
    body = re.sub(r"^\s*<h1[^>]*>.*?</h1>", "", frag, count=1, flags=re.S)
    run([
        "pandoc", "-f", "html", "-t", "latex", "--standalone", "--pdf-engine=lualatex",
        "-V", "documentclass=article", "-V", "fontsize=10pt", "-V", "geometry:margin=25mm",
        "-V", "papersize=a4", "-M", f"title={title}",
        "-H", str(ASSETS / "lineno-header.tex"), "-o", str(tex),
    ], input=body.encode("utf-8"))
    # pandoc's template loads selnolig under LuaTeX; the selnolig of TeX Live 2022 fails on the
    # Lua of its own LuaTeX, and it would only suppress some ligatures: leave it out
    src = tex.read_text(encoding="utf-8").replace("\\usepackage{selnolig}", "% selnolig left out")
    tex.write_text(src, encoding="utf-8")
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, FORCE_SOURCE_DATE="1")
    for _ in range(2):  # second run settles longtable widths
        r = subprocess.run(["lualatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"],
                           cwd=work, capture_output=True, env=env, timeout=900)
        if r.returncode:
            log = (work / "paper.log").read_text("utf-8", "replace") if (work / "paper.log").exists() else ""
            raise RuntimeError("lualatex failed: " + log[-3000:])
    shutil.copyfile(work / "paper.pdf", pdf_path)


def page_count(pdf: Path) -> int:
    try:
        r = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
        m = re.search(r"^Pages:\s+(\d+)", r.stdout, re.M)
        if m:
            return int(m.group(1))
    except FileNotFoundError:
        pass
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def make_one(aid: str, layout: str, out: Path) -> dict:
    md = (CORPUS / "md" / f"{aid}.md").read_text(encoding="utf-8")
    gold = json.loads((CORPUS / "gold" / f"{aid}.json").read_text(encoding="utf-8"))
    meta = article_meta((CORPUS / "xml" / f"{aid}.xml").read_text(encoding="utf-8"))
    title = gold.get("title") or aid
    sup_positions = None
    new_md = md
    if layout == "super":
        new_md, sup_positions = superscript_md(md, gold["citations"])
    header = None
    if layout == "header":
        names = meta["surnames"] or ["Anonymous"]
        who = names[0] if len(names) == 1 else (f"{names[0]} and {names[1]}" if len(names) == 2 else f"{names[0]} et al.")
        header = {
            "header": f"{who} ({meta['year']}). {title}. {gold.get('journal') or ''}",
            "footer": f"{gold.get('journal') or ''} | https://doi.org/{gold.get('doi') or ''}",
        }
    frag = md_to_html_fragment(new_md)
    d = out / layout
    d.mkdir(parents=True, exist_ok=True)
    pdf = d / f"{aid}.pdf"
    build = out / "_build" / layout
    build.mkdir(parents=True, exist_ok=True)
    if LAYOUTS[layout][1] == "chromium":
        hp = build / f"{aid}.html"
        hp.write_text(html_page(frag, layout, title, header), encoding="utf-8")
        chromium_pdf(hp, pdf)
    else:
        work = build / aid
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        lualatex_pdf(frag, title, work, pdf)
    g = build_gold(aid, layout, md, gold, meta, header, sup_positions, new_md)
    (d / f"{aid}.gold.json").write_text(json.dumps(g, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    data = pdf.read_bytes()
    return {
        "id": aid, "layout": layout, "style": gold["citation_style"], "pages": page_count(pdf),
        "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
        "n_refs": len(g["refs"]), "n_citations": len(g["citations"]),
        "n_superscript": sum(1 for c in g["citations"] if c["form"] == "superscript"),
    }


COLUMNS = ["id", "layout", "style", "pages", "bytes", "sha256", "n_refs", "n_citations", "n_superscript"]


def write_manifest(rows: list[dict], path: Path) -> None:
    rows = sorted(rows, key=lambda r: (list(LAYOUTS).index(r["layout"]), r["id"]))
    lines = ["\t".join(COLUMNS)] + ["\t".join(str(r[c]) for c in COLUMNS) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def committed_gold(aid: str, out: Path) -> dict:
    """One compact gold file per article: refs and citations, with the printed text of each
    citation in every layout that changes it."""
    per_layout = {}
    base = None
    for layout in LAYOUTS:
        p = out / layout / f"{aid}.gold.json"
        if not p.exists():
            continue
        g = json.loads(p.read_text(encoding="utf-8"))
        per_layout[layout] = g
        if base is None:
            base = g
    assert base is not None
    cits = []
    for i, c in enumerate(base["citations"]):
        item = {"n": c["n"], "md_start": c["md_start"], "text": c["text"], "form": c["form"], "rids": c["rids"], "implied_rids": c["implied_rids"]}
        if "super" in per_layout:
            sc = per_layout["super"]["citations"][i]
            item["super_text"] = sc["text"]
            item["super_form"] = sc["form"]
        cits.append(item)
    return {
        "id": aid,
        "citation_style": base["citation_style"],
        "title": base["title"],
        "journal": base["journal"],
        "doi": base["doi"],
        "licence": base["licence"],
        "source": base["source"],
        "layouts": sorted(per_layout, key=list(LAYOUTS).index),
        "running_header": per_layout.get("header", {}).get("running_header"),
        "refs": [{k: r[k] for k in ("id", "label", "first_author", "year", "title")} for r in base["refs"]],
        "citations": cits,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="/tmp/pdfcorpus")
    ap.add_argument("--layouts", default=",".join(LAYOUTS))
    ap.add_argument("--ids", default="")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--check", action="store_true", help="compare with the committed manifest")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    layouts = [x for x in args.layouts.split(",") if x]
    ids = [x for x in args.ids.split(",") if x] or sorted(p.stem for p in (CORPUS / "md").glob("*.md"))
    styles = {}
    for aid in ids:
        styles[aid] = json.loads((CORPUS / "gold" / f"{aid}.json").read_text(encoding="utf-8"))["citation_style"]
    jobs = [(aid, lay) for lay in layouts for aid in ids if styles[aid] in LAYOUTS[lay][0]]
    rows, failed = [], []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = {ex.submit(make_one, aid, lay, out): (aid, lay) for aid, lay in jobs}
        for f in concurrent.futures.as_completed(futs):
            aid, lay = futs[f]
            try:
                row = f.result()
                rows.append(row)
                print(f"{lay:8s} {aid:24s} {row['pages']:3d} pages {row['bytes']:9d} bytes", flush=True)
            except Exception as e:  # noqa: BLE001 - report and go on
                failed.append((aid, lay, str(e)))
                print(f"{lay:8s} {aid:24s} FAILED: {str(e)[-500:]}", file=sys.stderr, flush=True)
    write_manifest(rows, out / "manifest.tsv")
    full = set(layouts) == set(LAYOUTS) and len(ids) == len(list((CORPUS / "md").glob("*.md")))
    committed = ASSETS / "manifest.tsv"
    if args.check:
        same = committed.exists() and committed.read_text() == (out / "manifest.tsv").read_text()
        print("manifest matches the committed one" if same else "manifest DIFFERS from the committed one")
        return 0 if same and not failed else 1
    if full and not failed:
        shutil.copyfile(out / "manifest.tsv", committed)
        gd = ASSETS / "gold"
        gd.mkdir(exist_ok=True)
        for aid in ids:
            (gd / f"{aid}.json").write_text(json.dumps(committed_gold(aid, out), ensure_ascii=False, indent=0) + "\n",
                                            encoding="utf-8")
    print(f"{len(rows)} PDFs, {len(failed)} failed; manifest {out / 'manifest.tsv'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
