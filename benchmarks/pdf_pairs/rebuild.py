"""Real typeset papers with their sources: paper.pdf beside paper.md + paper.bib (JOSS style).

The files are not committed. `manifest.tsv` here names, for each pair, the public repository, the
commit, the folder and the sha256 of each file; this script takes them back out of the repository
snapshots that the session's `fetch` tool puts under /work/.mirror/<owner>+<name>/repo (read with
`git show COMMIT:PATH`, nothing is built or run from them) and checks the hashes.

    python benchmarks/pdf_pairs/rebuild.py [--out /tmp/pdfpairs]        # re-extract + verify
    python benchmarks/pdf_pairs/rebuild.py --gold [--out /tmp/pdfpairs]  # and (re)write gold/
    python benchmarks/pdf_pairs/rebuild.py --scan                       # list candidates anew

--scan walks every snapshot under the mirror, finds the newest commit whose tree has paper.pdf,
paper.md and paper.bib in one folder, applies the reservation rules of shared/corpus/RESERVED.md
(owner beginning with a digit or the letter A, the named repositories and their forks), reads the
repository licence, and writes candidates.tsv here; manifest.tsv is the reviewed selection of it.

Gold (gold/<pair>.json): pandoc --citeproc on paper.md with its bibliography gives which keys are
cited (every citation, in order, with the text pandoc renders for it), which entries are listed in
the reference list, which cited keys are missing from the .bib; the .bib read as CSL JSON gives
each entry's first author, year and title. Needs pandoc; standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MIRROR = Path(os.environ.get("RC_MIRROR", "/work/.mirror"))
RESERVED_MD = None
for _c in (HERE.parents[2] / "shared" / "corpus" / "RESERVED.md", Path("/work/shared/corpus/RESERVED.md")):
    if _c.exists():
        RESERVED_MD = _c
        break

FILES = ("paper.pdf", "paper.md", "paper.bib")
COLUMNS = ["pair", "repo", "commit", "dir", "pdf_sha256", "md_sha256", "bib_sha256", "pdf_bytes", "pdf_pages",
           "pdf_kind", "repo_licence", "licence_file", "reserved_check"]


def git(repo: Path, *args: str, text: bool = True):
    r = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=text)
    if r.returncode:
        raise RuntimeError(f"git {' '.join(args)}: {r.stderr if text else r.stderr.decode()}")
    return r.stdout


# ------------------------------------------------------------------------------------------------
# reservation


def reserved_repos() -> set[str]:
    if not RESERVED_MD:
        raise SystemExit("RESERVED.md not found: cannot check reservations")
    text = RESERVED_MD.read_text(encoding="utf-8")
    m = re.search(r"\*\*These repositories\*\*(.*?)(?:\n- \*\*|\Z)", text, re.S)
    return {x.lower() for x in re.findall(r"([A-Za-z0-9][\w.-]*/[\w.-]*[\w])", m.group(1) if m else "")}


def reservation(owner: str, name: str, reserved: set[str]) -> tuple[bool, str]:
    full = f"{owner}/{name}".lower()
    if owner[:1].isdigit() or owner[:1].lower() == "a":
        return False, f"RESERVED: owner '{owner}' begins with '{owner[0]}'"
    if full in reserved:
        return False, f"RESERVED: {owner}/{name} is listed in RESERVED.md"
    names = {r.split("/", 1)[1] for r in reserved}
    if name.lower() in names:
        return False, f"RESERVED?: '{name}' is the name of a listed repository (possible fork)"
    return True, (f"ok: owner '{owner}' begins with '{owner[0]}'; {owner}/{name} not among the "
                  f"{len(reserved)} repositories of RESERVED.md nor named like one")


# ------------------------------------------------------------------------------------------------
# licence


def classify_licence(text: str) -> str:
    t = re.sub(r"\s+", " ", text)
    if "Permission is hereby granted, free of charge" in t:
        return "MIT"
    if re.search(r"^\s*YEAR: .*COPYRIGHT HOLDER:", text, re.S | re.M):
        return "MIT (R 'MIT + file LICENSE' stub)"
    if "Apache License" in t and "Version 2.0" in t:
        return "Apache-2.0"
    head = t[:400].upper()
    if "GNU AFFERO" in head:
        return "AGPL-3.0"
    if "GNU LESSER GENERAL PUBLIC LICENSE" in head or "GNU LIBRARY GENERAL PUBLIC LICENSE" in head:
        return "LGPL-3.0" if "VERSION 3" in head else "LGPL-2.1"
    if "GNU GENERAL PUBLIC LICENSE" in head or "GNU General Public License" in t:
        return "GPL-3.0" if "VERSION 3" in head or "version 3" in t[:2000] else (
            "GPL-2.0" if "VERSION 2" in head else "GPL")
    if "Redistribution and use in source and binary forms" in t:
        return "BSD-3-Clause" if ("endorse or promote" in t) else "BSD-2-Clause"
    if "Mozilla Public License" in t:
        return "MPL-2.0"
    if "CC0" in t or "Creative Commons Zero" in t or "No Copyright" in t:
        return "CC0-1.0"
    if "Creative Commons Attribution" in t:
        return "CC-BY"
    if "unlicense" in t.lower():
        return "Unlicense"
    return "unknown"


def repo_licence(repo: Path, commit: str) -> tuple[str, str]:
    names = git(repo, "ls-tree", "--name-only", commit).split("\n")
    cands = [n for n in names if re.match(r"(?i)^(licen[cs]e|copying)(\.(md|txt|rst))?$", n)]
    found = []
    for n in sorted(cands, key=lambda n: (n.upper().startswith("COPYING"), n)):
        kind = classify_licence(git(repo, "show", f"{commit}:{n}"))
        found.append((kind, n))
    for kind, n in found:  # prefer a recognised text over an R stub
        if kind != "unknown" and "stub" not in kind:
            return kind, n
    return found[0] if found else ("none found", "")


# ------------------------------------------------------------------------------------------------
# scan


def pdf_pages(data: bytes) -> int:
    r = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True)
    m = re.search(rb"^Pages:\s+(\d+)", r.stdout, re.M)
    return int(m.group(1)) if m else 0


def pdf_kind(data: bytes) -> str:
    """'joss' when the first page carries the JOSS sidebar or name, else 'pandoc-latex'."""
    r = subprocess.run(["pdftotext", "-l", "2", "-", "-"], input=data, capture_output=True)
    t = r.stdout.decode("utf-8", "replace")
    if "Journal of Open Source Software" in t or re.search(r"DOI: 10\.(21105|xxxxxx)", t) or "Review\n" in t and "Repository" in t:
        return "joss"
    return "pandoc-latex"


def scan(out_tsv: Path) -> None:
    reserved = reserved_repos()
    rows = []
    for d in sorted(MIRROR.iterdir()):
        repo = d / "repo"
        if "+" not in d.name or not repo.is_dir():
            continue
        owner, name = d.name.split("+", 1)
        ok, why = reservation(owner, name, reserved)
        log = subprocess.run(["git", "-C", str(repo), "log", "--all", "--format=C %H %ct", "--name-only", "--",
                              "*paper.pdf"], capture_output=True, text=True).stdout
        commits, cur = [], None
        for line in log.splitlines():
            if line.startswith("C "):
                _, h, t = line.split()
                cur = [h, int(t), []]
                commits.append(cur)
            elif line.strip() and cur:
                cur[2].append(line.strip())
        found = None
        for h, _t, files in sorted(commits, key=lambda c: -c[1]):
            for f in files:
                if not f.endswith("paper.pdf"):
                    continue
                folder = os.path.dirname(f)
                try:
                    listing = git(repo, "ls-tree", "--name-only", h, (folder + "/") if folder else "")
                except RuntimeError:
                    continue
                if set(FILES) <= {os.path.basename(x) for x in listing.split()}:
                    found = (h, folder)
                    break
            if found:
                break
        if not found:
            continue
        h, folder = found
        try:
            blobs = {f: subprocess.run(["git", "-C", str(repo), "show", f"{h}:{(folder + '/') if folder else ''}{f}"],
                                       capture_output=True, check=True).stdout for f in FILES}
        except subprocess.CalledProcessError:
            print(f"{owner}/{name}: a file is missing from the snapshot", file=sys.stderr)
            continue
        lic, lic_file = repo_licence(repo, h)
        rows.append({
            "pair": d.name, "repo": f"{owner}/{name}", "commit": h, "dir": folder,
            "pdf_sha256": hashlib.sha256(blobs["paper.pdf"]).hexdigest(),
            "md_sha256": hashlib.sha256(blobs["paper.md"]).hexdigest(),
            "bib_sha256": hashlib.sha256(blobs["paper.bib"]).hexdigest(),
            "pdf_bytes": len(blobs["paper.pdf"]), "pdf_pages": pdf_pages(blobs["paper.pdf"]),
            "pdf_kind": pdf_kind(blobs["paper.pdf"]), "repo_licence": lic, "licence_file": lic_file,
            "reserved_check": why if ok else why,
        })
        print(f"{d.name:50s} {h[:10]} {folder or '.':20s} {lic:12s} {'ok' if ok else why}", flush=True)
    write_tsv(rows, out_tsv)


def write_tsv(rows: list[dict], path: Path) -> None:
    lines = ["\t".join(COLUMNS)] + ["\t".join(str(r[c]) for c in COLUMNS) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_tsv(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    head = lines[0].split("\t")
    return [dict(zip(head, ln.split("\t"))) for ln in lines[1:] if ln.strip()]


# ------------------------------------------------------------------------------------------------
# rebuild


def rebuild(rows: list[dict], out: Path) -> int:
    bad = 0
    reserved = reserved_repos()
    for row in rows:
        owner, name = row["repo"].split("/", 1)
        ok, why = reservation(owner, name, reserved)
        if not ok:
            print(f"{row['pair']}: {why} -- skipped", file=sys.stderr)
            bad += 1
            continue
        repo = MIRROR / f"{owner}+{name}" / "repo"
        d = out / row["pair"]
        d.mkdir(parents=True, exist_ok=True)
        prefix = (row["dir"] + "/") if row["dir"] else ""
        for f in FILES:
            try:
                data = subprocess.run(["git", "-C", str(repo), "show", f"{row['commit']}:{prefix}{f}"],
                                      capture_output=True, check=True).stdout
            except (subprocess.CalledProcessError, FileNotFoundError):
                print(f"{row['pair']}: cannot read {prefix}{f} at {row['commit'][:10]} "
                      f"(fetch github:{row['repo']} first)", file=sys.stderr)
                bad += 1
                continue
            want = row[f.split(".")[1] + "_sha256"]
            if hashlib.sha256(data).hexdigest() != want:
                print(f"{row['pair']}: {f} sha256 differs from the manifest", file=sys.stderr)
                bad += 1
            (d / f).write_bytes(data)
    print(f"{len(rows)} pairs into {out}, {bad} problems")
    return bad


# ------------------------------------------------------------------------------------------------
# gold


def walk(node, fn):
    fn(node)
    if isinstance(node, dict):
        for v in node.values():
            walk(v, fn)
    elif isinstance(node, list):
        for v in node:
            walk(v, fn)


def stringify(inlines) -> str:
    out = []

    def fn(n):
        if isinstance(n, dict):
            t = n.get("t")
            if t == "Str":
                out.append(n["c"])
            elif t in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
    for x in inlines:
        walk(x, fn)
    return "".join(out)


def csl_year(item: dict) -> str:
    issued = item.get("issued") or {}
    parts = issued.get("date-parts") or []
    if parts and parts[0]:
        return str(parts[0][0])
    return str(issued.get("literal") or issued.get("raw") or "")


def csl_first_author(item: dict) -> str:
    for role in ("author", "editor"):
        for a in item.get(role) or []:
            return a.get("family") or a.get("literal") or ""
    return ""


def make_gold(d: Path, row: dict) -> dict:
    md = (d / "paper.md").read_text(encoding="utf-8", errors="replace")
    # a `csl:` line in the YAML header names a style file that is not in the folder: use pandoc's
    # default style instead (the keys cited and listed do not depend on the style)
    md = re.sub(r"(?m)^csl:.*\n", "", md, count=1)
    r = subprocess.run(["pandoc", "-f", "markdown", "--citeproc", "--bibliography=paper.bib",
                        "-t", "json"], cwd=d, capture_output=True, text=True, input=md)
    if r.returncode:
        raise RuntimeError(r.stderr[-1000:])
    warnings = r.stderr
    ast = json.loads(r.stdout)
    bib = subprocess.run(["pandoc", "paper.bib", "-f", "bibtex", "-t", "csljson"], cwd=d,
                         capture_output=True, text=True)
    entries = {e["id"]: e for e in json.loads(bib.stdout or "[]")}
    cites = []

    def on(n):
        if isinstance(n, dict) and n.get("t") == "Cite":
            cits, inl = n["c"]
            rendered = stringify(inl)
            for c in cits:
                cites.append({"key": c["citationId"], "mode": c["citationMode"]["t"], "rendered": rendered})
    walk(ast["blocks"], on)
    listed = []

    def on_refs(n):
        if isinstance(n, dict) and n.get("t") == "Div":
            ident = n["c"][0][0]
            if ident.startswith("ref-"):
                listed.append({"key": ident[4:], "rendered": stringify(n["c"][1])})
    walk(ast["blocks"], on_refs)
    missing = sorted(set(re.findall(r"Citeproc: citation (\S+) not found", warnings)))
    cited_keys = []
    for c in cites:
        if c["key"] not in cited_keys:
            cited_keys.append(c["key"])
    refs = []
    for item in listed:
        e = entries.get(item["key"], {})
        refs.append({"key": item["key"], "first_author": csl_first_author(e), "year": csl_year(e),
                     "title": e.get("title", ""), "doi": e.get("DOI", ""), "rendered": item["rendered"]})
    ref_info = {x["key"]: x for x in refs}
    citations = []
    for c in cites:
        info = ref_info.get(c["key"], {})
        citations.append({"key": c["key"], "mode": c["mode"], "rendered": c["rendered"],
                          "first_author": info.get("first_author", ""), "year": info.get("year", "")})
    meta = ast.get("meta", {})
    title = stringify(meta.get("title", {}).get("c", [])) if meta.get("title") else ""
    return {
        "pair": row["pair"], "repo": row["repo"], "commit": row["commit"], "dir": row["dir"],
        "title": title, "pdf_kind": row["pdf_kind"], "pdf_pages": int(row["pdf_pages"]),
        "truth": "pandoc --citeproc on paper.md with paper.bib (pandoc "
                 + subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout.split()[1] + ")",
        "n_bib_entries": len(entries), "cited_keys": cited_keys, "missing_keys": missing,
        "refs": refs, "citations": citations,
        "note": "the PDF was typeset by the repository's authors or JOSS's tools, possibly from an "
                "earlier paper.md; the gold is for the paper.md of the same commit",
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="/tmp/pdfpairs")
    ap.add_argument("--scan", action="store_true")
    ap.add_argument("--gold", action="store_true")
    args = ap.parse_args(argv)
    if args.scan:
        scan(HERE / "candidates.tsv")
        return 0
    rows = read_tsv(HERE / "manifest.tsv")
    out = Path(args.out)
    bad = rebuild(rows, out)
    if args.gold:
        gd = HERE / "gold"
        gd.mkdir(exist_ok=True)
        for row in rows:
            try:
                g = make_gold(out / row["pair"], row)
            except Exception as e:  # noqa: BLE001
                print(f"{row['pair']}: gold failed: {e}", file=sys.stderr)
                bad += 1
                continue
            (gd / f"{row['pair']}.json").write_text(json.dumps(g, ensure_ascii=False, indent=1) + "\n",
                                                    encoding="utf-8")
            print(f"{row['pair']:50s} cited {len(g['cited_keys']):3d} listed {len(g['refs']):3d} "
                  f"missing {len(g['missing_keys'])}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
