#!/usr/bin/env python3
"""Add one repository's manuscript to the wild corpus (assembly helper; not needed to rebuild).

    collect.py KIND OWNER/NAME [ENTRY] [--id ID] [--dry]

KIND is pandoc | manubot | quarto | bookdown | latex. ENTRY is the manuscript entry point (pandoc,
latex) or project directory (quarto, bookdown); found automatically when omitted. Reads the bare
mirror that the fetch tool leaves in /work/.mirror/OWNER+NAME/repo at its HEAD, decides the files,
the licence and whether they may be copied, then writes docs/<id>/..., the manifest row and the
files.tsv rows (replacing earlier ones for the same id). Exit status 1 with a reason when the
repository is refused or has no checkable manuscript.
"""
import argparse, hashlib, os, posixpath, re, subprocess, sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
MIRRORS = Path(os.environ.get("MIRRORS", "/work/.mirror"))
RESERVED_FILE = Path("/work/shared/corpus/RESERVED.md")
sys.path.insert(0, str(HERE))
from rebuild import RESERVED  # noqa: E402  (named in RESERVED.md, beyond the A/digit rule; one list for both scripts)

# already in ../shared/corpus (markdown/meta-review, markdown/pubmed-parser-joss, latex/sympy, latex/scipy)
ALREADY = "greenelab/meta-review titipata/pubmed_parser sympy/sympy-paper scipy/scipy-articles".split()
MAX_BIB = 2_000_000
MAX_TEXT = 1_500_000


def reserved_names():
    names = set(RESERVED)
    if RESERVED_FILE.exists():  # follow the file too, should it grow
        text = RESERVED_FILE.read_text()
        block = text.split("**These repositories**", 1)[-1].split("- **Reference-string", 1)[0]
        names |= set(re.findall(r"\b([A-Za-z0-9][\w.-]*/[\w.-]+)\b", block))
    return names


def refuse(repo):
    """Why REPO may not be used, or None."""
    owner, name = repo.split("/")
    if owner[:1].isdigit() or owner[:1] in "aA":
        return "reserved: owner begins with a digit or A"
    for r in reserved_names():
        ro, rn = r.split("/")
        if repo.lower() == r.lower() or name.lower() == rn.lower():
            return f"reserved: {r} (or a fork of it)"
    for r in ALREADY:
        if repo.lower() == r.lower() or name.lower() == r.split("/")[1].lower():
            return f"already in ../shared/corpus: {r}"
    return None


class Repo:
    def __init__(self, repo, commit=None, entry=None):
        self.repo = repo
        self.git = MIRRORS / repo.replace("/", "+") / "repo"
        if not (self.git / "objects").is_dir() and (self.git / ".git").is_dir():
            self.git = self.git / ".git"  # some snapshots come with a work tree
        if not self.git.is_dir():
            sys.exit(f"{repo}: no mirror at {self.git}")
        self.commit = self.run("rev-parse", commit or "HEAD").strip()
        if entry and not commit and self.run("ls-tree", "--name-only", self.commit, "--", entry).strip() == "":
            # the manuscript was removed later: take the last commit that still had it
            # (or one on another branch): the newest commit of any ref that has it
            for c in self.run("log", "--all", "--format=%H", "--", entry).split():
                if self.run("ls-tree", "--name-only", c, "--", entry).strip():
                    self.commit = c
                    break
        self.tree = {}
        for line in self.run("ls-tree", "-r", "-l", "-z", self.commit).split("\0"):
            if not line:
                continue
            meta, path = line.split("\t", 1)
            mode, typ, sha, size = meta.split()
            if typ == "blob" and mode != "120000" and size.isdigit():  # a size of BAD: absent from the snapshot
                self.tree[path] = int(size)
        self.lower = {p.lower(): p for p in self.tree}

    def run(self, *args, binary=False):
        out = subprocess.run(["git", "--git-dir", str(self.git), *args], capture_output=True, check=True)
        return out.stdout if binary else out.stdout.decode("utf-8", "replace")

    def blob(self, path):
        return self.run("cat-file", "blob", f"{self.commit}:{path}", binary=True)

    def text(self, path):
        return self.blob(path).decode("utf-8", "replace")

    def exists(self, path):
        return path in self.tree


def norm(base, rel):
    p = posixpath.normpath(posixpath.join(base, rel)) if base else posixpath.normpath(rel)
    return p[2:] if p.startswith("./") else p


# ---------------------------------------------------------------- licences
def classify(text):
    t = re.sub(r"\s+", " ", text)
    tl = re.sub(r"\s+", " ", re.sub(r"[^a-z0-9.,/()'-]+", " ", text.lower()))
    m = re.search(r"gnu (lesser |library |affero )?general public licen[sc]e,? version (\d)(\.\d)?", tl)
    if m:
        fam = {"lesser ": "LGPL", "library ": "LGPL", "affero ": "AGPL", None: "GPL"}[m.group(1)]
        ver = m.group(2) + (m.group(3) or ".0")
        return f"{fam}-{'2.1' if fam == 'LGPL' and ver.startswith('2') else ver}"
    checks = [
        ("AGPL-3.0", "gnu affero general public license"),
        ("LGPL-3.0", "gnu lesser general public license version 3"),
        ("LGPL-2.1", "gnu lesser general public license version 2.1"),
        ("LGPL-2.1", "gnu library general public license"),
        ("GPL-3.0", "gnu general public license version 3"),
        ("GPL-2.0", "gnu general public license version 2"),
        ("MPL-2.0", "mozilla public license version 2.0"),
        ("MPL-2.0", "mozilla public license, version 2.0"),
        ("Apache-2.0", "apache license version 2.0"),
        ("Apache-2.0", "apache license, version 2.0"),
        ("EUPL-1.2", "european union public licence v. 1.2"),
        ("CC-BY-SA-4.0", "attribution-sharealike 4.0 international"),
        ("CC-BY-NC-4.0", "attribution-noncommercial 4.0 international"),
        ("CC-BY-NC-SA-4.0", "attribution-noncommercial-sharealike 4.0"),
        ("CC-BY-4.0", "attribution 4.0 international"),
        ("CC-BY-4.0", "cc by 4.0"),
        ("CC-BY-3.0", "attribution 3.0 unported"),
        ("CC0-1.0", "cc0 1.0 universal"),
        ("Unlicense", "this is free and unencumbered software released into the public domain"),
        ("BSL-1.0", "boost software license - version 1.0"),
        ("BSD-3-Clause", "neither the name"),
        ("BSD-3-Clause", "names of its contributors may be used"),
        ("BSD-2-Clause", "redistributions in binary form must reproduce"),
        ("MIT", "permission is hereby granted, free of charge"),
        ("ISC", "permission to use, copy, modify, and/or distribute this software for any purpose"),
        ("ISC", "permission to use, copy, modify, and distribute this software for any purpose with or without fee"),
        ("Artistic-2.0", "the artistic license 2.0"),
        ("Zlib", "altered source versions must be plainly marked as such"),
    ]
    for spdx, needle in checks:
        if needle in tl:
            return spdx
    m = re.search(r"SPDX-License-Identifier:\s*([\w.+-]+)", t)
    if m:
        return m.group(1)
    head = tl[:300]
    for spdx, needle in [("MIT", "mit license"), ("BSD-3-Clause", "bsd 3-clause"), ("GPL-3.0", "gpl-3"),
                         ("CC-BY-4.0", "creative commons attribution 4.0")]:
        if needle in head:
            return spdx
    return "unknown"


FREE = {"MIT", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "CC-BY-4.0", "CC-BY-3.0", "CC-BY-SA-4.0",
        "CC0-1.0", "GPL-2.0", "GPL-3.0", "LGPL-2.1", "LGPL-3.0", "AGPL-3.0", "MPL-2.0", "ISC", "Unlicense",
        "BSL-1.0", "Zlib", "Artistic-2.0", "EUPL-1.2"}
LICENCE_RE = re.compile(r"(?i)^(licen[cs]e|copying|unlicense)([._-][\w.-]*)?$")


def licence(r, docdir):
    """(spdx, [licence files], commit) from the manuscript's own folder, else the repository root, at
    the chosen commit, else at HEAD (a licence added after the paper was written)."""
    spdx, found = licence_at(r, docdir)
    if spdx == "unknown":
        head = r.run("rev-parse", "HEAD").strip()
        if head != r.commit:
            h = Repo(r.repo, head)
            spdx2, found2 = licence_at(h, docdir)
            if spdx2 != "unknown":
                return spdx2, found2, head
    return spdx, found, r.commit


def licence_at(r, docdir):
    found = []
    for d in ([docdir] if docdir else []) + [""]:
        for p in sorted(r.tree):
            if posixpath.dirname(p) == d and LICENCE_RE.match(posixpath.basename(p)) and r.tree[p] < 200_000:
                found.append(p)
        if found:
            break
    if not found:
        return "unknown", []
    ids = [classify(r.text(p)) for p in found]
    known = [i for i in ids if i != "unknown"]
    if not known:
        return "unknown", found
    # Manubot: LICENSE.md (CC BY 4.0, the text) + LICENSE-CC0.md (code); name the text's licence
    order = sorted(range(len(found)), key=lambda i: (ids[i] == "unknown", len(posixpath.basename(found[i]))))
    return ids[order[0]], [found[i] for i in order]


# ---------------------------------------------------------------- helpers
def front_matter(text):
    m = re.match(r"\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*\r?\n", text, re.S)
    if not m:
        return {}
    try:
        import yaml
        d = yaml.safe_load(m.group(1))
        return d if isinstance(d, dict) else {}
    except Exception:
        d = {}
        mm = re.search(r"(?m)^bibliography:\s*(.+)$", m.group(1))
        if mm:
            d["bibliography"] = mm.group(1).strip().strip("'\"")
        return d


def as_list(v):
    if v is None:
        return []
    if isinstance(v, str):
        return [v]
    if isinstance(v, list):
        return [x for x in v if isinstance(x, str)]
    return []


def count_bib_entries(data):
    return len(re.findall(rb"(?m)^\s*@\s*(?!comment|string|preamble)[A-Za-z]+\s*[{(]", data, re.I))


CITE_MD = re.compile(r"(?<![\w.@])@[\w{]")
SKIP_DIRS = re.compile(r"(^|/)(\.[^/]+|_book|_site|_freeze|\.quarto|renv|node_modules|site_libs|_bookdown_files|libs|output|docs/articles)(/|$)")


# ---------------------------------------------------------------- kinds
def do_pandoc(r, entry):
    if not entry:
        for cand in ["paper.md", "paper/paper.md", "joss/paper.md", "JOSS/paper.md", "docs/paper/paper.md",
                     "docs/paper.md", "paper/joss/paper.md", "paper.Rmd", "paper/paper.Rmd", "paper/paper.qmd"]:
            if r.exists(cand):
                entry = cand
                break
    if not entry or not r.exists(entry):
        raise Skip("no pandoc entry point")
    text = r.text(entry)
    fm = front_matter(text)
    bibs = as_list(fm.get("bibliography"))
    d = posixpath.dirname(entry)
    files = {entry: "entry"}
    if not bibs:
        raise Skip(f"{entry}: no bibliography in front matter")
    for b in bibs:
        p = norm(d, b)
        if not r.exists(p):
            raise Skip(f"{entry}: bibliography {b} not in the repository")
        files[p] = "bib"
    if not CITE_MD.search(text.split("---", 2)[-1]):
        raise Skip(f"{entry}: cites nothing")
    return files, d


def do_manubot(r, entry):
    files = {}
    for p in sorted(r.tree):
        if posixpath.dirname(p) != "content":
            continue
        b = posixpath.basename(p)
        if b.endswith(".md") and b[:1].isdigit():  # manubot concatenates content/[0-9]*.md only
            files[p] = "entry"
        elif b == "metadata.yaml":
            files[p] = "meta"
        elif b.startswith("manual-references") or b.endswith(".bib") or b == "citation-tags.tsv":
            files[p] = "bib"
    for p in ["build/pandoc/defaults/common.yaml", "build/pandoc-defaults/common.yaml"]:
        if r.exists(p):
            files[p] = "meta"
    if not any(v == "entry" for v in files.values()) or "content/metadata.yaml" not in files:
        raise Skip("no content/*.md + metadata.yaml")
    body = "".join(r.text(p) for p, v in files.items() if v == "entry" and r.tree[p] < MAX_TEXT)
    if len(re.findall(r"\[@|;\s*@", body)) < 3:
        raise Skip("manubot: fewer than 3 citations")
    return files, "content"


def quarto_chapters(cfg):
    out = []

    def walk(x):
        if isinstance(x, str):
            out.append(x)
        elif isinstance(x, dict):
            for k in ("href", "file"):
                if isinstance(x.get(k), str):
                    out.append(x[k])
            for k in ("chapters", "contents", "appendices"):
                if k in x:
                    walk(x[k])
            if isinstance(x.get("part"), str) and x["part"].endswith((".qmd", ".md", ".Rmd")):
                out.append(x["part"])
        elif isinstance(x, list):
            for y in x:
                walk(y)

    for key in ("book", "manuscript", "website"):
        sec = cfg.get(key) or {}
        if isinstance(sec, dict):
            for k in ("chapters", "appendices", "article", "notebooks"):
                walk(sec.get(k))
            if key == "website" and isinstance(sec.get("sidebar"), (dict, list)):
                walk(sec.get("sidebar"))
    return out


def project_sources(r, d, exts):
    out = []
    for p in sorted(r.tree):
        if (p.startswith(d + "/") if d else True) and p.lower().endswith(exts) and not SKIP_DIRS.search(p[len(d):]):
            if posixpath.basename(p).lower().startswith(("readme", "license", "licence", "changelog", "code_of_conduct", "contributing")):
                continue
            if r.tree[p] <= MAX_TEXT:
                out.append(p)
    return out


def yaml_load(text):
    import yaml
    try:
        d = yaml.safe_load(text)
    except Exception as e:
        raise Skip(f"YAML: {e}".splitlines()[0])
    return d if isinstance(d, dict) else {}


def shallowest(r, name):
    c = sorted((p.count("/"), p) for p in r.tree if posixpath.basename(p) == name and not SKIP_DIRS.search(p))
    return c[0][1] if c else name


def do_quarto(r, entry):
    cfgp = norm(entry, "_quarto.yml") if entry else shallowest(r, "_quarto.yml")
    if not r.exists(cfgp):
        raise Skip("no _quarto.yml")
    d = posixpath.dirname(cfgp)
    cfg = yaml_load(r.text(cfgp))
    files = {cfgp: "meta"}
    for extra in ("_metadata.yml", "_variables.yml"):
        if r.exists(norm(d, extra)):
            files[norm(d, extra)] = "meta"
    chapters = [norm(d, c) for c in quarto_chapters(cfg)]
    for c in chapters:
        if r.exists(c):
            files[c] = "entry"
    for p in project_sources(r, d, (".qmd", ".rmd", ".md")):
        files.setdefault(p, "entry" if not chapters else "input")
    bibs = []
    def grab(x):
        if isinstance(x, dict):
            for k, v in x.items():
                if k == "bibliography":
                    bibs.extend(as_list(v))
                else:
                    grab(v)
        elif isinstance(x, list):
            for y in x:
                grab(y)
    grab(cfg)
    for p in list(files):
        if files[p] in ("entry", "input"):
            bibs.extend(norm(posixpath.dirname(p), b) if False else b for b in [])
            for b in as_list(front_matter(r.text(p)).get("bibliography")):
                q = norm(posixpath.dirname(p), b)
                if r.exists(q):
                    files[q] = "bib"
    for b in bibs:
        q = norm(d, b)
        if r.exists(q):  # a generated packages.bib is absent
            files[q] = "bib"
    if not any(v == "bib" for v in files.values()):
        raise Skip("quarto: no bibliography")
    return files, d


def do_bookdown(r, entry):
    cfgp = norm(entry, "_bookdown.yml") if entry else shallowest(r, "_bookdown.yml")
    if not r.exists(cfgp):
        raise Skip("no _bookdown.yml")
    d = posixpath.dirname(cfgp)
    cfg = yaml_load(r.text(cfgp))
    files = {cfgp: "meta"}
    if r.exists(norm(d, "_output.yml")):
        files[norm(d, "_output.yml")] = "meta"
    listed = cfg.get("rmd_files")
    if isinstance(listed, dict):
        listed = listed.get("html") or listed.get("latex") or []
    listed = as_list(listed)
    if listed:
        chapters = [norm(d, c) for c in listed]
    else:
        chapters = [p for p in sorted(r.tree) if posixpath.dirname(p) == d and p.lower().endswith(".rmd")
                    and not posixpath.basename(p).startswith("_")]
    for c in chapters:
        if not r.exists(c):
            raise Skip(f"bookdown: chapter {c} missing")
        files[c] = "entry"
    for c in list(files):
        if files[c] != "entry":
            continue
        t = r.text(c)
        for b in as_list(front_matter(t).get("bibliography")):
            q = norm(d, b)
            if r.exists(q):  # packages.bib is often written by the build (knitr::write_bib)
                files[q] = "bib"
        for m in re.finditer(r"child\s*=\s*['\"]([^'\"]+)['\"]", t):
            q = norm(posixpath.dirname(c), m.group(1))
            if r.exists(q):
                files[q] = "input"
    if not any(v == "bib" for v in files.values()):
        raise Skip("bookdown: no bibliography")
    return files, d


TEX_INPUT = re.compile(r"(?<!\\)\\(?:input|include|subfile|InputIfFileExists)\s*\{([^}]+)\}")
TEX_IMPORT = re.compile(r"\\(?:sub)?(?:import|inputfrom|includefrom)\s*\{([^}]*)\}\s*\{([^}]+)\}")
TEX_BIB = re.compile(r"(?<!\\)\\(?:bibliography|addbibresource|addglobalbib|addsectionbib|nobibliography)\s*(?:\[[^\]]*\])?\s*\{([^}]+)\}")
TEX_BST = re.compile(r"\\bibliographystyle\s*\{([^}]+)\}")
TEX_CLS = re.compile(r"\\(?:documentclass|usepackage|RequirePackage)\s*(?:\[[^\]]*\])?\s*\{([^}]+)\}")


def strip_comments(t):
    return re.sub(r"(?<!\\)%.*", "", t)


def do_latex(r, entry):
    if not entry:
        cands = []
        for p in r.tree:
            if p.endswith(".tex") and r.tree[p] < MAX_TEXT and not SKIP_DIRS.search(p):
                t = strip_comments(r.text(p))
                if "\\documentclass" in t and TEX_BIB.search(t):
                    cands.append((p.count("/"), "paper" not in p.lower(), len(p), p))
        if not cands:
            raise Skip("latex: no main .tex with \\bibliography/\\addbibresource")
        entry = sorted(cands)[0][3]
    if not r.exists(entry):
        raise Skip(f"latex: {entry} missing")
    d = posixpath.dirname(entry)
    files = {entry: "entry"}
    todo = [entry]
    bibnames = []
    biblatex = False
    while todo:
        p = todo.pop()
        t = strip_comments(r.text(p))
        biblatex |= bool(re.search(r"\\(usepackage|RequirePackage)\s*(\[[^\]]*\])?\s*\{[^}]*biblatex|\\addbibresource|\\printbibliography", t))
        incs = [m.group(1) for m in TEX_INPUT.finditer(t)]
        incs += [m.group(1) + m.group(2) for m in TEX_IMPORT.finditer(t)]
        for inc in incs:
            inc = inc.strip()
            for cand in (inc, inc + ".tex"):
                q = norm(d, cand)
                if r.exists(q) and q not in files and not q.endswith((".pdf", ".png", ".jpg", ".eps")) and r.tree[q] < MAX_TEXT:
                    files[q] = "input"
                    todo.append(q)
                    break
        for m in TEX_BIB.finditer(t):
            for b in m.group(1).split(","):
                b = b.strip()
                if b:
                    bibnames.append(b)
        for m in TEX_BST.finditer(t):
            q = norm(d, m.group(1).strip() + ".bst")
            if r.exists(q):
                files[q] = "support"
        for m in TEX_CLS.finditer(t):
            for name in m.group(1).split(","):
                for ext in (".cls", ".sty"):
                    q = norm(d, name.strip() + ext)
                    if r.exists(q) and r.tree[q] < 500_000:
                        files[q] = "support"
    if not bibnames:
        raise Skip("latex: no \\bibliography")
    for b in bibnames:
        q = norm(d, b if b.endswith(".bib") else b + ".bib")
        if not r.exists(q):
            alt = [p for p in r.tree if p.lower() == q.lower()]
            if alt:
                q = alt[0]
            else:
                raise Skip(f"latex: {b} not found")
        files[q] = "bib"
    return files, d, ("biblatex" if biblatex else "bibtex")


class Skip(Exception):
    pass


# ---------------------------------------------------------------- output
def read_tsv(path):
    if not path.exists():
        return None, []
    lines = path.read_text().splitlines()
    return lines[0], [l.split("\t") for l in lines[1:] if l]


def write_tsv(path, header, rows, key):
    rows.sort(key=key)
    path.write_text(header + "\n" + "".join("\t".join(r) + "\n" for r in rows))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices="pandoc manubot quarto bookdown latex".split())
    ap.add_argument("repo")
    ap.add_argument("entry", nargs="?")
    ap.add_argument("--id")
    ap.add_argument("--dry", action="store_true")
    ap.add_argument("--commit")
    a = ap.parse_args()
    why = refuse(a.repo)
    if why:
        print(f"{a.repo}: REFUSED {why}")
        return 1
    r = Repo(a.repo, a.commit, a.entry)
    note = ""
    try:
        res = {"pandoc": do_pandoc, "manubot": do_manubot, "quarto": do_quarto, "bookdown": do_bookdown,
               "latex": do_latex}[a.kind](r, a.entry)
    except Skip as e:
        print(f"{a.repo}: SKIP {e}")
        return 1
    files, docdir = res[0], res[1]
    if a.kind == "latex":
        note = res[2]
    spdx, licfiles, liccommit = licence(r, docdir)
    prefix = {"pandoc": "joss", "manubot": "manubot", "quarto": "quarto", "bookdown": "bookdown", "latex": "tex"}[a.kind]
    if a.kind == "pandoc":
        first = next(iter(files))
        prefix = "rmd" if first.lower().endswith(".rmd") else "qmd" if first.endswith(".qmd") else \
            "joss" if re.search(r"(?i)(^|/)(paper|joss)", first) else "md"
    owner, name = a.repo.split("/")
    did = a.id or re.sub(r"[^A-Za-z0-9._-]+", "-", f"{prefix}-{owner}-{name}").lower()
    kept = "yes" if spdx in FREE else "no"
    bigbib = [p for p, v in files.items() if v == "bib" and r.tree[p] > MAX_BIB]
    if bigbib:
        kept = "no"
    nbib = sum(count_bib_entries(r.blob(p)) for p, v in files.items() if v == "bib" and p.endswith(".bib"))
    commits = {p: r.commit for p in files}
    lic = Repo(a.repo, liccommit) if liccommit != r.commit else r
    if a.kind == "latex" and nbib < 3:
        print(f"{a.repo}: SKIP latex: {nbib} .bib entries")
        return 1
    for p in licfiles:
        if p not in files:
            files[p] = "licence"
            commits[p] = liccommit
    total = sum((lic if commits[p] != r.commit else r).tree[p] for p in files)
    entries = [p for p, v in files.items() if v == "entry"]
    bibs = [p for p, v in files.items() if v == "bib"]
    info = f"{did}: {len(files)} files, {total} bytes, licence {spdx}, kept {kept}, {nbib} bib entries {note}"
    if bigbib:
        info += f" (bib over 2 MB: {bigbib})"
    print(info)
    if a.dry:
        for p, v in files.items():
            print(f"   {v:8} {p} {commits[p][:8]}")
        return 0
    paths = ";".join(entries + bibs)
    if a.kind == "manubot":
        paths = ";".join(["content/"] + bibs)
    mh, mrows = read_tsv(HERE / "manifest.tsv")
    mh = mh or "id\tkind\trepo\tcommit\tpaths\tlicence\tkept"
    mrows = [x for x in mrows if x[0] != did]
    mrows.append([did, a.kind, a.repo, r.commit, paths, spdx, kept])
    write_tsv(HERE / "manifest.tsv", mh, mrows, key=lambda x: (x[1], x[0]))
    fh, frows = read_tsv(HERE / "files.tsv")
    fh = fh or "id\trole\tpath\tbytes\tsha256\tcommit"
    frows = [x for x in frows if x[0] != did]
    out = HERE / "docs" / did
    if out.exists():
        import shutil
        shutil.rmtree(out)
    for p, v in sorted(files.items()):
        data = (lic if commits[p] != r.commit else r).blob(p)
        frows.append([did, v, p, str(len(data)), hashlib.sha256(data).hexdigest(), commits[p]])
        if kept == "yes":
            dest = out / p
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
    write_tsv(HERE / "files.tsv", fh, frows, key=lambda x: (x[0], x[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
