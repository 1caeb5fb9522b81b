r"""Real-world benchmark: refcheck on the "wild" corpus, with the documents' own toolchains as oracles.

    python benchmarks/wild.py                      # run, print the Markdown report, update the ledger
    python benchmarks/wild.py --write              # also store it in benchmarks/RESULTS.md (section "wild")
    python benchmarks/wild.py --only ID --only ID  # a few documents (the ledger keeps the others' lines)
    python benchmarks/wild.py --rebuilt /tmp/wild  # also the kept=no rows, rebuilt there by wild/rebuild.py
    python benchmarks/wild.py --refresh-oracle     # re-run pandoc/TeX instead of reading wild-oracle.json
    python benchmarks/wild.py --auto-judge         # fill "?" ledger verdicts the toolchain settles (below)

Corpus: ``benchmarks/wild/manifest.tsv`` (see ``benchmarks/wild/README.md``). A document is run
when its files are present: ``benchmarks/wild/docs/<id>/`` (kept rows) or ``<--rebuilt>/<id>/``
(the others, rebuilt from repository snapshots; default ``/tmp/wild-rebuild`` when it exists).

refcheck is run as a user would run it in CI, a subprocess of this interpreter's ``refcheck``:

* the document: ``refcheck <entry> --offline --format json`` in the entry's folder (pandoc and
  LaTeX), ``refcheck . --offline --format json`` in the project's folder (Manubot: the folder
  holding ``content/``; Quarto/bookdown: the folder of ``_quarto.yml``/``_bookdown.yml``);
* the whole repository: ``refcheck . --offline --format json`` in ``docs/<id>/`` (timed: the
  "under 1 s for a typical paper" target; its findings are counted apart).

Oracles (cached in ``benchmarks/wild-oracle.json``, keyed by the files' SHA-256; they do not
depend on refcheck):

* pandoc (``/usr/bin/pandoc``; for a ``.qmd`` its undefined keys less Quarto's cross-references,
  which Quarto resolves; for an R Markdown or Quarto file each code-chunk header ```` ```{r ...} ````
  first made an ordinary fence, as knitr leaves it): in the entry's folder, ``pandoc FILE -f markdown -t json`` (every
  ``Cite``'s ``citationId``, metadata ``nocite`` included: the cited keys; the metadata's
  ``bibliography``/``references``), ``pandoc FILE -f markdown --citeproc -t plain`` (stderr
  ``[WARNING] Citeproc: citation X not found``: the undefined keys), and each bibliography read
  by pandoc itself (``pandoc BIB -t csljson``: its ids). Unused entries = bibliography ids - cited
  keys (none with ``nocite: '@*'``). A pandoc failure (a missing bibliography file) is recorded,
  not compared.
* LaTeX (TeX Live): the document's folder copied to a temporary directory; in the main file's
  folder ``pdflatex -draftmode -interaction=nonstopmode``, then ``bibtex`` on every .aux that
  has ``\bibdata`` or ``biber`` when a .bcf was written, then ``pdflatex`` twice (what latexmk does
  for citations, without writing a PDF; a missing ``\input`` file, which the build writes, becomes an
  empty stub, at most 40), ``max_print_line=10000`` so that log lines do not wrap;
  at most ``--timeout`` seconds per document in all. Undefined keys: the last log's
  ``Citation `x' ... undefined`` and the .blg's "I didn't find a database entry"; cited keys:
  ``\citation{}`` of every .aux (BibTeX) or ``<bcf:citekey>`` of the .bcf (biber); the keys of
  the .bib files as the backend reads them (BibTeX: a second run on an .aux citing ``*`` with
  the same ``\bibdata``; biber: ``biber --tool``). A run that stops (fatal error, no .aux,
  bibliography step failing, timeout) is "did not compile" and never counts as agreement.

Comparison, per document: refcheck's ``undefined-citation-key`` keys (errors; the case-only
warnings are not counted, since BibTeX resolves those keys) and ``unused-bib-entry`` keys against the oracle's sets: identical or not, with the
differences. The oracle's unused set counts the ``crossref``/``xref`` parents of cited entries as
used (the toolchain formats them with their children), and leaves out entries commented out
with ``%`` when refcheck reports them as such (one bibtex-syntax-error finding for the file).

Ledger (``benchmarks/wild-ledger.tsv``): one line per warning or error refcheck gives on a
document (not infos): ``doc_id, rule, location, message, verdict, reason``. Lines are keyed by
(doc_id, rule, location, message); a run keeps every judged line it finds again (and every line
of documents it did not run), adds new ones with verdict ``?`` and drops lines no longer found.
``--auto-judge`` settles ``?`` lines of ``undefined-citation-key`` where the oracle compiled: a
key the toolchain also reports undefined is true, one it resolves is false. The others are
judged by hand, by class, in ``benchmarks/wild_judge.py`` (run it after this script: it fills the
``?`` lines its rules settle and prints the rest). Precision = true / (true + false), overall and
per rule.

Machine-readable results: ``benchmarks/wild-results.json``. Standard library + pandoc/TeX only.
"""

from __future__ import annotations

import argparse
import ast
import csv
import datetime
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import results  # noqa: E402

HERE = Path(__file__).resolve().parent
WILD = HERE / "wild"
DOCS = WILD / "docs"
MANIFEST = WILD / "manifest.tsv"
FILES = WILD / "files.tsv"
ORACLE = HERE / "wild-oracle.json"
LEDGER = HERE / "wild-ledger.tsv"
RESULTS_JSON = HERE / "wild-results.json"
DEFAULT_REBUILT = Path("/tmp/wild-rebuild")
SECTION = "wild"
KINDS = ("pandoc", "latex", "manubot", "quarto", "bookdown")
PROJECT_KINDS = ("manubot", "quarto", "bookdown")
LEDGER_FIELDS = ("doc_id", "rule", "location", "message", "verdict", "reason")
REFCHECK_TIMEOUT = 300
# Quarto's cross-reference types (quarto.org, "Cross References"): @fig-x, @tbl-x... in a .qmd are
# Quarto's, which plain pandoc (the oracle) reports as citations not found
QUARTO_CROSSREF = re.compile(r"(?:fig|tbl|lst|tip|nte|wrn|imp|cau|thm|lem|cor|prp|cnj|def|exm|exr|sol|rem|eq|sec)-")
PANDOC_TIMEOUT = 120
# knitr (R Markdown) and Quarto run a document's code chunks before pandoc sees it: ```{r opts}
# becomes a plain code block (its code echoed or nothing, its output in code blocks). pandoc given
# the .Rmd itself does not take "{r message=FALSE}" for a fence's attributes, so a chunk's closing
# fence opens a code block that swallows the text up to the next chunk. The oracle gives pandoc
# what knitr would: each chunk header as an ordinary fence with the engine as its class.
KNITR_CHUNK = re.compile(r"^([ \t>]*)(`{3,})[ \t]*\{[ \t]*([A-Za-z0-9_]+)(?:[ \t,][^\n]*)?\}[ \t]*$", re.M)
KNITTED = (".rmd", ".qmd", ".rmarkdown")
ORACLE_VERSION = 2  # bumped when an oracle changes what it computes: cached answers are then redone


def refcheck_command() -> list[str]:
    exe = Path(sys.executable).parent / "refcheck"
    return [str(exe)] if exe.exists() else [shutil.which("refcheck") or "refcheck"]


def clip(text: str, width: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def tsv_cell(text: str) -> str:
    return " ".join(str(text).replace("\t", " ").split())


# --------------------------------------------------------------------------- corpus


def read_manifest() -> list[dict]:
    with MANIFEST.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def file_hashes() -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with FILES.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            out[row["id"]].append((row["path"], row["sha256"]))
    return out


def doc_root(row: dict, rebuilt: Path | None) -> Path | None:
    """Where the document's files are, or None."""
    first = row["paths"].split(";")[0]
    for base in (DOCS, rebuilt):
        if base is not None and (base / row["id"] / first).exists():
            return base / row["id"]
    return None


def project_dir(row: dict, root: Path) -> Path:
    """The folder a user would give refcheck for a multi-file project."""
    paths = row["paths"].split(";")
    if row["kind"] == "manubot":
        return root / Path(paths[0].rstrip("/")).parent
    marker = "_quarto.yml" if row["kind"] == "quarto" else "_bookdown.yml"
    found = sorted(root.rglob(marker), key=lambda p: len(p.parts))
    if found:
        return found[0].parent
    folders = [Path(p).parent for p in paths]
    return root / min(folders, key=lambda p: len(p.parts))


# --------------------------------------------------------------------------- refcheck


_KEY_PATTERNS = (
    re.compile(r"^the key (?P<k>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\") (?:is not defined|matches)"),
    re.compile(r"is marked up as a citation of (?P<k>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"), which no entry defines"),
    re.compile(r"^the Manubot tag (?P<k>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\") is not defined"),
    re.compile(r"^the \.bib entry (?P<k>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\") is never cited"),
)


def finding_key(message: str) -> str | None:
    for pattern in _KEY_PATTERNS:
        m = pattern.search(message)
        if m:
            try:
                return ast.literal_eval(m.group("k"))
            except (ValueError, SyntaxError):
                return m.group("k")[1:-1]
    return None


def run_refcheck(target: str, cwd: Path) -> dict:
    """One CLI run; the parts of its JSON this benchmark uses, and the wall-clock time."""
    cmd = refcheck_command() + [target, "--offline", "--format", "json"]
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=REFCHECK_TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "seconds": REFCHECK_TIMEOUT, "findings": []}
    seconds = time.perf_counter() - start
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        return {"status": f"no JSON (exit {proc.returncode}): {clip(proc.stderr, 200)}", "seconds": seconds,
                "exit": proc.returncode, "findings": []}
    findings = []
    for f in data.get("findings", []):
        span = f.get("span") or {}
        findings.append({"rule": f["rule"], "code": f["code"], "severity": f["severity"],
                         "path": span.get("path") or "", "line": span.get("line") or 0,
                         "message": f["message"]})
    n_files = len(data.get("files", []))
    return {"status": "ok", "seconds": seconds, "exit": proc.returncode, "findings": findings,
            "files": n_files, "citations": len(data.get("citations", [])), "bib": len(data.get("bib", [])),
            "references": len(data.get("references", [])), "summary": data.get("summary", {})}


def refcheck_sets(run: dict) -> tuple[set[str], set[str]]:
    undefined, unused = set(), set()
    for f in run["findings"]:
        key = finding_key(f["message"])
        if key is None:
            continue
        if f["rule"] == "undefined-citation-key" and f["severity"] == "error":
            undefined.add(key)  # (a case-only key is a warning: BibTeX resolves it, pandoc and biber do not)
        elif f["rule"] == "unused-bib-entry":
            unused.add(key)
    return undefined, unused


# --------------------------------------------------------------------------- pandoc oracle


def _walk_cites(node, out: list[str]) -> None:
    if isinstance(node, dict):
        if node.get("t") == "Cite":
            for citation in node["c"][0]:
                out.append(citation["citationId"])
        for value in node.values():
            _walk_cites(value, out)
    elif isinstance(node, list):
        for value in node:
            _walk_cites(value, out)


def _meta_strings(node) -> list[str]:
    """A metadata value as plain strings (MetaString, MetaInlines, MetaList of either)."""
    if node is None:
        return []
    t, c = node.get("t"), node.get("c")
    if t == "MetaString":
        return [c]
    if t in ("MetaInlines", "MetaBlocks"):
        text = []

        def flat(n):
            if isinstance(n, dict):
                if n.get("t") == "Str":
                    text.append(n["c"])
                elif n.get("t") in ("Space", "SoftBreak"):
                    text.append(" ")
                else:
                    flat(n.get("c"))
            elif isinstance(n, list):
                for x in n:
                    flat(x)
        flat(c)
        return ["".join(text)]
    if t == "MetaList":
        return [s for item in c for s in _meta_strings(item)]
    return []


def pandoc_oracle(entry: Path) -> dict:
    cwd = entry.parent
    out: dict = {"tool": "pandoc"}
    text = entry.read_text(encoding="utf-8", errors="replace")
    if entry.suffix.lower() in KNITTED:
        text = KNITR_CHUNK.sub(r"\1\2{.\3}", text)
    proc = subprocess.run(["pandoc", "-f", "markdown", "-t", "json"], cwd=cwd, capture_output=True,
                          input=text, text=True, timeout=PANDOC_TIMEOUT)
    if proc.returncode:
        return {**out, "status": "pandoc failed", "detail": clip(proc.stderr, 200)}
    ast_ = json.loads(proc.stdout)
    cites: list[str] = []
    _walk_cites(ast_, cites)
    meta = ast_.get("meta", {})
    bibs = _meta_strings(meta.get("bibliography"))
    proc = subprocess.run(["pandoc", "-f", "markdown", "--citeproc", "-t", "plain"], cwd=cwd, input=text,
                          capture_output=True, text=True, timeout=PANDOC_TIMEOUT)
    if proc.returncode and re.search(r"File \S+\.csl not found", proc.stderr) and "csl" in meta:
        # a style the build fetches or keeps elsewhere: the same document without it (pandoc's default style)
        del meta["csl"]
        proc = subprocess.run(["pandoc", "-f", "json", "--citeproc", "-t", "plain"], cwd=cwd, input=json.dumps(ast_),
                              capture_output=True, text=True, timeout=PANDOC_TIMEOUT)
        out["csl_removed"] = True
    if proc.returncode:
        return {**out, "status": "pandoc --citeproc failed", "detail": clip(proc.stderr, 200),
                "cited": sorted(set(cites)), "bibliography": bibs}
    undefined = sorted(set(re.findall(r"\[WARNING\] Citeproc: citation (\S+) not found", proc.stderr)))
    ids: set[str] = set()
    notes = []
    for bib in bibs:
        path = cwd / bib
        fmt = {".bib": "biblatex", ".bibtex": "bibtex", ".json": "csljson"}.get(path.suffix.lower())
        if fmt is None:
            notes.append(f"bibliography {bib}: format not read by this benchmark")
            continue
        p = subprocess.run(["pandoc", str(path), "-f", fmt, "-t", "csljson"], capture_output=True, text=True,
                           timeout=PANDOC_TIMEOUT)
        if p.returncode:
            notes.append(f"bibliography {bib}: {clip(p.stderr, 120)}")
            continue
        ids.update(item.get("id", "") for item in json.loads(p.stdout or "[]"))
    refs = meta.get("references")
    if refs and refs.get("t") == "MetaList":
        for item in refs["c"]:
            if item.get("t") == "MetaMap":
                ids.update(_meta_strings(item["c"].get("id")))
    cited = set(cites)
    unused = set() if "*" in cited else ids - cited
    return {**out, "status": "ok", "undefined": undefined, "cited": sorted(cited), "bib_keys": len(ids),
            "unused": sorted(unused), "bibliography": bibs, "notes": notes}


# --------------------------------------------------------------------------- LaTeX oracle


_CITATION_UNDEFINED = re.compile(r"Citation [`']([^'\n]*)'(?: on page [^\n]*?)? undefined")
_BLG_MISSING = re.compile(r"I didn't find a database entry for [\"']([^\"'\n]*)[\"']")
_AUX_CITATION = re.compile(r"\\citation\{([^}]*)\}")
_AUX_BIBDATA = re.compile(r"\\bibdata\{([^}]*)\}")
_BCF_CITEKEY = re.compile(r"<bcf:citekey[^>]*>([^<]*)</bcf:citekey>")
_BBL_ITEM = re.compile(r"\\bibitem(?:\[(?:[^\[\]]|\[[^\]]*\])*\])?\{([^}]*)\}")
_MISSING_INPUT = re.compile(r"^! LaTeX Error: File `([^']+)' not found\.|^! I can't find file `([^']+)'\.", re.M)
_BIBERTOOL_KEY = re.compile(r"^@[A-Za-z]+\{(.*),\s*$", re.M)


_NO_FIGURES = r"\AtBeginDocument{\providecommand\includegraphics{}\renewcommand\includegraphics[2][]{}}"


def _pdflatex(entry: Path) -> list[str]:
    """pdflatex without a PDF and without figures (the corpus keeps no figures; they do not hold citations)."""
    return ["pdflatex", "-draftmode", "-interaction=nonstopmode", f"-jobname={entry.stem}",
            _NO_FIGURES + r"\input{" + entry.name + "}"]


def _run(cmd: list[str], cwd: Path, deadline: float, env: dict) -> tuple[int | None, str]:
    left = deadline - time.monotonic()
    if left <= 1:
        return None, "timeout"
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=left, env=env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    return p.returncode, p.stdout.decode("utf-8", "replace")[-2000:]


def tex_oracle(root: Path, entry_rel: str, timeout: float) -> dict:
    out: dict = {"tool": "tex"}
    if not (shutil.which("pdflatex") and shutil.which("bibtex")):
        return {**out, "status": "TeX not installed"}
    deadline = time.monotonic() + timeout
    env = dict(os.environ, max_print_line="10000", error_line="254", half_error_line="238")
    with tempfile.TemporaryDirectory(prefix="wild-tex-") as tmp:
        work = Path(tmp) / "doc"
        shutil.copytree(root, work)
        entry = work / entry_rel
        cwd, job = entry.parent, entry.stem
        steps = []
        stubs: list[str] = []
        while True:  # an \input file the build writes (or the repository lacks) becomes an empty stub, at most 40
            code, _ = _run(_pdflatex(entry), cwd, deadline, env)
            steps.append(("pdflatex", code))
            log_first = (cwd / f"{job}.log").read_text("utf-8", "replace") if (cwd / f"{job}.log").exists() else ""
            missing = _MISSING_INPUT.search(log_first)
            if code is None or missing is None or len(stubs) == 40:
                break
            name = missing.group(1) or missing.group(2)
            stub = cwd / (name if Path(name).suffix else name + ".tex")
            if Path(name).suffix.lower() not in ("", ".tex", ".pgf", ".tikz", ".txt", ".table", ".dat") or stub.exists() \
                    or not stub.resolve().is_relative_to(work.resolve()):
                break
            stub.parent.mkdir(parents=True, exist_ok=True)
            stub.write_text("", encoding="utf-8")
            stubs.append(name)
        out["stubbed_inputs"] = stubs
        aux = cwd / f"{job}.aux"
        bcf = cwd / f"{job}.bcf"
        log = cwd / f"{job}.log"
        if code is None:
            return {**out, "status": "did not compile", "detail": "timeout in the first pdflatex run"}
        if not aux.exists():
            return {**out, "status": "did not compile", "detail": "no .aux after the first run: " + _first_error(log)}
        backend = "biber" if bcf.exists() else "bibtex"
        blg_text = ""
        auxes = sorted(cwd.rglob("*.aux"))
        if backend == "biber":
            code, tail = _run(["biber", job], cwd, deadline, env)
            steps.append(("biber", code))
            if (cwd / f"{job}.blg").exists():
                blg_text = (cwd / f"{job}.blg").read_text("utf-8", "replace")
            bib_ok = code == 0 or (code is not None and (cwd / f"{job}.bbl").exists())
        else:
            bib_ok = True
            with_data = [a for a in auxes if _AUX_BIBDATA.search(a.read_text("utf-8", "replace"))]
            if not with_data:
                bib_ok = False
            for a in with_data:
                rel = a.relative_to(cwd).with_suffix("")
                code, tail = _run(["bibtex", str(rel)], cwd, deadline, env)
                steps.append(("bibtex", code))
                blg = a.with_suffix(".blg")
                if blg.exists():
                    blg_text += blg.read_text("utf-8", "replace")
                if code is None or not a.with_suffix(".bbl").exists() or (code and code > 1 and "error message" in blg_text and not a.with_suffix(".bbl").stat().st_size):
                    bib_ok = False
        for _ in range(2):  # the .bbl read, then the \bibcite labels it wrote
            code, _ = _run(_pdflatex(entry), cwd, deadline, env)
            steps.append(("pdflatex", code))
        log_text = log.read_text("utf-8", "replace") if log.exists() else ""
        errors = len(re.findall(r"^! ", log_text, re.M))
        fatal = code is None or "Emergency stop" in log_text or "Fatal error occurred" in log_text or "job aborted" in log_text
        early = "(\\end occurred when" in log_text or "(\\end occurred inside a group" in log_text
        undefined = set(_CITATION_UNDEFINED.findall(log_text)) | set(_BLG_MISSING.findall(blg_text))
        # biblatex's own note for a key it could not find
        undefined |= set(re.findall(r"The following entry could not be found\s*\(biblatex\)\s*in the database:\s*\(biblatex\)\s*'?([^\s']+)", log_text))
        if backend == "biber":
            cited = set(_BCF_CITEKEY.findall(bcf.read_text("utf-8", "replace"))) if bcf.exists() else set()
        else:
            cited = set()
            for a in sorted(cwd.rglob("*.aux")):
                for group in _AUX_CITATION.findall(a.read_text("utf-8", "replace")):
                    cited.update(k.strip() for k in group.split(",") if k.strip())
        keys, key_note = _bib_keys(cwd, backend, auxes, bcf, deadline, env)
        status = "ok"
        detail = ""
        if fatal:
            status, detail = "did not compile", ("timeout" if code is None else "fatal LaTeX error: " + _first_error(log))
        elif early:
            status, detail = "did not compile", "TeX stopped before \\end{document} (\\end occurred inside a conditional or group)"
        elif not bib_ok:
            status, detail = "did not compile", f"{backend} step failed"
        elif keys is None:
            status, detail = "did not compile", key_note
        cited |= _crossref_parents(_bib_texts(cwd, backend, auxes, bcf), cited)
        if backend == "bibtex":  # BibTeX matches keys without regard to case
            folded = {c.lower() for c in cited}
            unused = set() if ("*" in cited or keys is None) else {k for k in keys if k.lower() not in folded}
        else:
            unused = set() if ("*" in cited or keys is None) else keys - cited
        return {**out, "status": status, "detail": detail, "backend": backend, "latex_errors": errors,
                "steps": steps, "undefined": sorted(undefined), "cited": sorted(cited - {"*"}),
                "nocite_all": "*" in cited, "bib_keys": None if keys is None else len(keys),
                "unused": sorted(unused)}


def _first_error(log: Path) -> str:
    text = log.read_text("utf-8", "replace") if log.exists() else ""
    m = re.search(r"^! (.*)$", text, re.M)
    return clip(m.group(1), 100) if m else "no error message in the log"


_CROSSREF_FIELD = re.compile(r"^\s*(?:crossref|xref)\s*=\s*[{\"]\s*([^}\",\s]+)", re.M | re.I)
_ENTRY_START = re.compile(r"^\s*@\s*(\w+)\s*[{(]\s*([^,\s]*)\s*,", re.M)


def _bib_texts(cwd: Path, backend: str, auxes: list[Path], bcf: Path) -> list[str]:
    """The text of the .bib files the run read (beside the document; others are not searched here)."""
    if backend == "bibtex":
        names = [n.strip() for a in auxes for d in _AUX_BIBDATA.findall(a.read_text("utf-8", "replace")) for n in d.split(",")]
        paths = [cwd / (n if n.endswith(".bib") else n + ".bib") for n in names if n]
    else:
        text = bcf.read_text("utf-8", "replace") if bcf.exists() else ""
        paths = [cwd / d for d in re.findall(r"<bcf:datasource[^>]*>([^<]*)</bcf:datasource>", text)]
    return [p.read_text("utf-8", "replace") for p in dict.fromkeys(paths) if p.is_file()]


def _crossref_parents(texts: list[str], cited: set[str]) -> set[str]:
    """The ``crossref``/``xref`` parents of cited entries: the toolchain formats them with their
    children (BibTeX lists a parent cited through two children, and copies its fields into each)."""
    folded = {c.casefold() for c in cited}
    parents: set[str] = set()
    for text in texts:
        starts = list(_ENTRY_START.finditer(text))
        for m, nxt in zip(starts, starts[1:] + [None]):
            if m.group(2).casefold() in folded:
                body = text[m.end() : nxt.start() if nxt else len(text)]
                parents.update(_CROSSREF_FIELD.findall(body))
    return parents


def commented_out_keys(texts: list[str]) -> set[str]:
    """Keys of entries written behind ``%`` (``%@article{key,``): refcheck reports them in one
    bibtex-syntax-error finding (BibTeX reads them as entries and stops at their ``%`` lines), not
    as unused entries, so the comparison leaves them out of the toolchain's unused set."""
    return set(re.findall(r"^[ \t]*%+[ \t]*@[ \t]*\w+[ \t]*[{(][ \t]*([^,\s]+)[ \t]*,", "\n".join(texts), re.M))


def _bib_keys(cwd: Path, backend: str, auxes: list[Path], bcf: Path, deadline: float, env: dict):
    """Every key of the document's .bib files as its backend reads them (None: could not tell)."""
    if backend == "bibtex":
        bibdata = []
        for a in auxes:
            bibdata += _AUX_BIBDATA.findall(a.read_text("utf-8", "replace"))
        if not bibdata:
            return None, "no \\bibdata"
        (cwd / "zzallkeys.aux").write_text(
            "\\relax\n\\citation{*}\n\\bibstyle{plain}\n" + "".join(f"\\bibdata{{{d}}}\n" for d in dict.fromkeys(bibdata)),
            encoding="utf-8")
        code, _ = _run(["bibtex", "zzallkeys"], cwd, deadline, env)
        bbl = cwd / "zzallkeys.bbl"
        if code is None or not bbl.exists():
            return None, "bibtex could not list the .bib keys"
        return set(_BBL_ITEM.findall(bbl.read_text("utf-8", "replace"))), ""
    text = bcf.read_text("utf-8", "replace")
    datasources = re.findall(r"<bcf:datasource[^>]*>([^<]*)</bcf:datasource>", text)
    keys: set[str] = set()
    for i, ds in enumerate(dict.fromkeys(datasources)):
        src = (cwd / ds) if (cwd / ds).exists() else None
        if src is None:
            found = subprocess.run(["kpsewhich", ds], cwd=cwd, capture_output=True, text=True).stdout.strip()
            src = Path(found) if found else None
        if src is None:
            return None, f"biber: datasource {ds} not found"
        outfile = cwd / f"zzbibertool{i}.bib"
        code, _ = _run(["biber", "--tool", "--output-file", outfile.name, str(src)], cwd, deadline, env)
        if code is None or not outfile.exists():
            return None, "biber --tool could not list the .bib keys"
        keys |= set(k.strip() for k in _BIBERTOOL_KEY.findall(outfile.read_text("utf-8", "replace")))
    return keys, ""


# --------------------------------------------------------------------------- oracle cache


def oracle_for(row: dict, root: Path, hashes: dict, cache: dict, refresh: bool, timeout: float, use_tex: bool) -> dict | None:
    kind = row["kind"]
    if kind not in ("pandoc", "latex"):
        return None
    if kind == "latex" and not use_tex:
        return {"tool": "tex", "status": "skipped (--no-tex)"}
    digest = hashlib.sha256("".join(f"{p}:{h};" for p, h in sorted(hashes.get(row["id"], []))).encode()).hexdigest()
    tool_version = subprocess.run(["pandoc", "--version"] if kind == "pandoc" else ["pdflatex", "--version"],
                                  capture_output=True, text=True).stdout.split("\n")[0] if shutil.which("pandoc" if kind == "pandoc" else "pdflatex") else "absent"
    cached = cache.get(row["id"])
    if (cached and not refresh and cached.get("files_sha256") == digest and cached.get("version") == tool_version
            and cached.get("oracle_version") == ORACLE_VERSION):
        return cached
    entry_rel = row["paths"].split(";")[0]
    start = time.perf_counter()
    try:
        result = pandoc_oracle(root / entry_rel) if kind == "pandoc" else tex_oracle(root, entry_rel, timeout)
    except subprocess.TimeoutExpired:
        result = {"tool": kind, "status": "did not finish", "detail": "timeout"}
    result["seconds"] = round(time.perf_counter() - start, 2)
    result["files_sha256"] = digest
    result["version"] = tool_version
    result["oracle_version"] = ORACLE_VERSION
    cache[row["id"]] = result
    return result


# --------------------------------------------------------------------------- one document


def check_document(row: dict, root: Path, oracle: dict | None) -> dict:
    kind = row["kind"]
    entry_rel = row["paths"].split(";")[0]
    rec: dict = {"id": row["id"], "kind": kind, "kept": row["kept"], "entry": entry_rel}
    if kind in PROJECT_KINDS:
        proj = project_dir(row, root)
        rec["project_dir"] = str(proj.relative_to(root)) or "."
        main = run_refcheck(".", proj)
        if row["kind"] == "manubot":
            content = run_refcheck("content", proj)
            rec["content_dir"] = {k: content.get(k) for k in ("status", "seconds", "exit")} | {"counts": severity_counts(content)}
    else:
        entry = root / entry_rel
        main = run_refcheck(entry.name, entry.parent)
    rec["refcheck"] = main
    cwd = project_dir(row, root) if kind in PROJECT_KINDS else (root / entry_rel).parent
    whole = main if (kind in PROJECT_KINDS and cwd == root) else run_refcheck(".", root)
    prefix = cwd.relative_to(root).as_posix()
    seen = {(f"{prefix}/{f['path']}" if prefix not in ("", ".") else f["path"], f["rule"], f["line"], f["message"])
            for f in main["findings"]}
    extra = [f for f in whole["findings"] if f["severity"] in ("warning", "error")
             and (f["path"], f["rule"], f["line"], f["message"]) not in seen]
    rec["repository"] = {"status": whole["status"], "seconds": whole["seconds"], "files": whole.get("files"),
                         "counts": severity_counts(whole), "extra": len(extra),
                         "extra_examples": [f"{f['path']}:{f['line']} {f['rule']}: {clip(f['message'], 100)}" for f in extra[:5]]}
    undefined, unused = refcheck_sets(main)
    rec["undefined"], rec["unused"] = sorted(undefined), sorted(unused)
    if oracle is not None:
        rec["oracle"] = {k: v for k, v in oracle.items() if k not in ("cited",)}
        if oracle.get("status") == "ok":
            o_undef, o_unused = set(oracle["undefined"]), set(oracle["unused"])
            if entry_rel.lower().endswith(".qmd"):  # rendered by Quarto, which resolves its cross-references
                o_undef = {k for k in o_undef if not QUARTO_CROSSREF.match(k)}
            commented = [cwd / f["path"] for f in main["findings"]
                         if f["rule"] == "bibtex-syntax-error" and "commented out with `%`" in f["message"]]
            o_unused -= commented_out_keys([p.read_text("utf-8", "replace") for p in commented if p.is_file()])
            rec["compare"] = {
                "undefined_same": undefined == o_undef,
                "undefined_only_refcheck": sorted(undefined - o_undef), "undefined_only_toolchain": sorted(o_undef - undefined),
                "unused_same": unused == o_unused,
                "unused_only_refcheck": sorted(unused - o_unused), "unused_only_toolchain": sorted(o_unused - unused),
            }
    return rec


def severity_counts(run: dict) -> dict:
    c = Counter(f["severity"] for f in run.get("findings", []))
    return {s: c.get(s, 0) for s in ("error", "warning", "info")}


# --------------------------------------------------------------------------- ledger


def ledger_rows(records: list[dict]) -> list[dict]:
    rows = []
    for rec in records:
        seen = set()
        for f in rec["refcheck"]["findings"]:
            if f["severity"] not in ("warning", "error"):
                continue
            row = {"doc_id": rec["id"], "rule": f["rule"], "location": f"{f['path']}:{f['line']}",
                   "message": tsv_cell(clip(f["message"], 200))}
            key = (row["doc_id"], row["rule"], row["location"], row["message"])
            if key in seen:
                continue
            seen.add(key)
            rows.append(row)
    return rows


def read_ledger() -> list[dict]:
    if not LEDGER.exists():
        return []
    with LEDGER.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def update_ledger(records: list[dict], auto_judge: bool) -> list[dict]:
    old = {(r["doc_id"], r["rule"], r["location"], r["message"]): r for r in read_ledger()}
    ran = {rec["id"] for rec in records}
    by_id = {rec["id"]: rec for rec in records}
    new = []
    for row in ledger_rows(records):
        key = (row["doc_id"], row["rule"], row["location"], row["message"])
        prior = old.get(key)
        row["verdict"] = prior["verdict"] if prior else "?"
        row["reason"] = prior["reason"] if prior else ""
        if row["verdict"] == "?" and auto_judge:
            row["verdict"], row["reason"] = auto_verdict(row, by_id[row["doc_id"]]) or ("?", row["reason"])
        new.append(row)
    kept = [r for r in old.values() if r["doc_id"] not in ran]
    rows = sorted(kept + new, key=lambda r: (r["doc_id"], r["location"].rsplit(":", 1)[0],
                                             int(r["location"].rsplit(":", 1)[1] or 0) if r["location"].rsplit(":", 1)[-1].isdigit() else 0,
                                             r["rule"], r["message"]))
    with LEDGER.open("w", encoding="utf-8", newline="") as f:
        f.write("\t".join(LEDGER_FIELDS) + "\n")
        for r in rows:
            f.write("\t".join(tsv_cell(r.get(k, "")) for k in LEDGER_FIELDS) + "\n")
    return rows


def auto_verdict(row: dict, rec: dict) -> tuple[str, str] | None:
    oracle = rec.get("oracle") or {}
    if row["rule"] != "undefined-citation-key" or oracle.get("status") != "ok":
        return None
    key = finding_key(row["message"])
    if key is None:
        return None
    tool = "pandoc" if oracle["tool"] == "pandoc" else f"LaTeX+{oracle.get('backend', 'bibtex')}"
    if key in oracle["undefined"]:
        return "true", f"{tool} also reports {key} undefined"
    return "false", f"{tool} resolves {key}"


def precision(rows: list[dict]) -> tuple[dict, dict]:
    overall = Counter(r["verdict"] for r in rows)
    per_rule: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        per_rule[r["rule"]][r["verdict"]] += 1
    return overall, per_rule


def prec(c: Counter) -> str:
    judged = c.get("true", 0) + c.get("false", 0)
    return "–" if not judged else f"{c.get('true', 0) / judged:.3f}"


# --------------------------------------------------------------------------- report


def report(records: list[dict], ledger: list[dict], skipped: list[str], started: str) -> str:
    lines = ["## Real-world corpus (benchmarks/wild.py)", ""]
    load = os.getloadavg()
    lines.append(f"Run {started} on {len(records)} documents with files present (of {len(records) + len(skipped)} listed; "
                 f"{len(skipped)} without files: rebuild them with `benchmarks/wild/rebuild.py`). refcheck "
                 f"`--offline --format json` as a subprocess; oracles: {subprocess.run(['pandoc', '--version'], capture_output=True, text=True).stdout.split(chr(10))[0]}, "
                 f"{(subprocess.run(['pdflatex', '--version'], capture_output=True, text=True).stdout.split(chr(10))[0] if shutil.which('pdflatex') else 'no TeX')}. "
                 f"Load average at the end {load[0]:.1f} on {os.cpu_count()} CPUs (timings are wall clock).")
    lines.append("")
    # a run that printed no JSON (a traceback, a timeout) is a defect of refcheck: named first
    broken = [(r["id"], part, r[part]["status"]) for r in records for part in ("refcheck", "repository")
              if isinstance(r.get(part), dict) and r[part].get("status") not in (None, "ok")]
    lines.append(f"Runs without a report (a traceback or a timeout: a defect): {len(broken)}"
                 + "".join(f"\n- {doc} ({part}): {clip(status, 160)}" for doc, part, status in broken))
    lines.append("")
    lines.append("### Agreement with the toolchain (undefined keys; unused .bib entries)")
    lines.append("")
    lines.append("| kind | documents | oracle ran | did not compile / failed | same undefined keys | same unused entries | both |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind in ("pandoc", "latex"):
        docs = [r for r in records if r["kind"] == kind]
        ran = [r for r in docs if "compare" in r]
        failed = [r for r in docs if r.get("oracle") and r["oracle"].get("status") != "ok"]
        su = sum(r["compare"]["undefined_same"] for r in ran)
        sn = sum(r["compare"]["unused_same"] for r in ran)
        both = sum(r["compare"]["undefined_same"] and r["compare"]["unused_same"] for r in ran)
        lines.append(f"| {kind} | {len(docs)} | {len(ran)} | {len(failed)} | {su}/{len(ran)} | {sn}/{len(ran)} | {both}/{len(ran)} |")
    lines.append("")
    lines.append("Key-level differences (refcheck only = refcheck reports a key the toolchain does not; toolchain only = the reverse):")
    lines.append("")
    lines.append("| kind | undefined: refcheck only | undefined: toolchain only | unused: refcheck only | unused: toolchain only |")
    lines.append("| --- | ---: | ---: | ---: | ---: |")
    for kind in ("pandoc", "latex"):
        ran = [r for r in records if r["kind"] == kind and "compare" in r]
        s = lambda k: sum(len(r["compare"][k]) for r in ran)  # noqa: E731
        lines.append(f"| {kind} | {s('undefined_only_refcheck')} | {s('undefined_only_toolchain')} | {s('unused_only_refcheck')} | {s('unused_only_toolchain')} |")
    lines.append("")
    lines.append("Disagreements (first 25 documents; keys shortened to 4 per cell):")
    lines.append("")
    lines.append("| document | undefined: refcheck only | undefined: toolchain only | unused: refcheck only | unused: toolchain only |")
    lines.append("| --- | --- | --- | --- | --- |")
    shown = 0
    for r in records:
        c = r.get("compare")
        if not c or (c["undefined_same"] and c["unused_same"]):
            continue
        if shown == 25:
            break
        shown += 1
        cell = lambda xs: clip(", ".join(f"`{x}`" for x in xs[:4]) + (f" +{len(xs) - 4}" if len(xs) > 4 else ""), 90) or "–"  # noqa: E731
        lines.append(f"| {r['id']} | {cell(c['undefined_only_refcheck'])} | {cell(c['undefined_only_toolchain'])} | "
                     f"{cell(c['unused_only_refcheck'])} | {cell(c['unused_only_toolchain'])} |")
    not_compiled = [r for r in records if r.get("oracle") and r["oracle"].get("status") != "ok"]
    if not_compiled:
        lines.append("")
        lines.append("Oracle did not run to the end (not counted as agreement): " + "; ".join(
            f"{r['id']} ({r['oracle'].get('status')}{': ' + clip(r['oracle'].get('detail', ''), 60) if r['oracle'].get('detail') else ''})"
            for r in not_compiled))
    lines.append("")
    lines.append("### Findings per kind (the document run; warnings and errors are in the ledger)")
    lines.append("")
    lines.append("| kind | documents | errors | warnings | infos | docs with an error | `refcheck .` on the repository: warnings/errors the document run does not give |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind in KINDS:
        docs = [r for r in records if r["kind"] == kind]
        if not docs:
            continue
        cnt = Counter()
        for r in docs:
            cnt.update(severity_counts(r["refcheck"]))
        with_err = sum(1 for r in docs if severity_counts(r["refcheck"])["error"])
        extra = sum(r["repository"]["extra"] for r in docs)
        lines.append(f"| {kind} | {len(docs)} | {cnt['error']} | {cnt['warning']} | {cnt['info']} | {with_err} | {extra} |")
    examples = [(r["id"], e) for r in records for e in r["repository"]["extra_examples"][:1]]
    if examples:
        lines.append("")
        lines.append("Directory mode, first extra finding per repository (first 12): " + "; ".join(
            f"{i}: `{clip(e, 110)}`" for i, e in examples[:12]))
    manubot = [r for r in records if r.get("content_dir")]
    if manubot:
        ce = sum(r["content_dir"]["counts"]["error"] for r in manubot)
        pe = sum(severity_counts(r["refcheck"])["error"] for r in manubot)
        lines.append("")
        lines.append(f"Manubot: `refcheck content/` gives {ce} errors on {len(manubot)} manuscripts; `refcheck <project dir>` gives {pe}.")
    lines.append("")
    lines.append("### Precision (ledger `benchmarks/wild-ledger.tsv`, every warning/error judged by hand or by the toolchain)")
    lines.append("")
    overall, per_rule = precision(ledger)
    lines.append(f"Overall: {overall.get('true', 0)} true, {overall.get('false', 0)} false, {overall.get('?', 0)} not judged: "
                 f"precision **{prec(overall)}** (target 0.99).")
    lines.append("")
    lines.append("| rule | findings | true | false | not judged | precision |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    for rule, c in sorted(per_rule.items(), key=lambda kv: -sum(kv[1].values())):
        lines.append(f"| {rule} | {sum(c.values())} | {c.get('true', 0)} | {c.get('false', 0)} | {c.get('?', 0)} | {prec(c)} |")
    per_kind: dict[str, Counter] = defaultdict(Counter)
    kind_of = {r["id"]: r["kind"] for r in records}
    for row in ledger:
        per_kind[kind_of.get(row["doc_id"], row["doc_id"].split("-")[0])][row["verdict"]] += 1
    lines.append("")
    lines.append("Per kind: " + "; ".join(f"{k} {prec(c)} ({c.get('true', 0)} true, {c.get('false', 0)} false)" for k, c in sorted(per_kind.items())) + ".")
    lines.append("")
    lines.append("### Speed (whole repository: `refcheck . --offline --format json` in the document's folder)")
    lines.append("")
    lines.append("| kind | documents | median s | max s | over 1 s | slowest |")
    lines.append("| --- | ---: | ---: | ---: | ---: | --- |")
    for kind in KINDS:
        docs = [r for r in records if r["kind"] == kind]
        if not docs:
            continue
        times = [r["repository"]["seconds"] for r in docs]
        slow = max(docs, key=lambda r: r["repository"]["seconds"])
        lines.append(f"| {kind} | {len(docs)} | {statistics.median(times):.2f} | {max(times):.2f} | "
                     f"{sum(t > 1 for t in times)} | {slow['id']} ({slow['repository']['files']} files) |")
    lines.append("")
    return "\n".join(lines)


def slim(rec: dict) -> dict:
    """The record for wild-results.json: warnings and errors listed, infos counted (LaTeX theses have thousands)."""
    run = dict(rec["refcheck"])
    run["counts"] = severity_counts(run)
    run["findings"] = [f for f in run["findings"] if f["severity"] in ("warning", "error")]
    return {**rec, "refcheck": run}


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="store the report in benchmarks/RESULTS.md")
    parser.add_argument("--only", action="append", help="document id (repeatable)")
    parser.add_argument("--kind", action="append", choices=KINDS, help="only documents of this kind (repeatable)")
    parser.add_argument("--rebuilt", type=Path, default=DEFAULT_REBUILT if DEFAULT_REBUILT.exists() else None,
                        help="folder with rebuilt kept=no rows (default /tmp/wild-rebuild when it exists)")
    parser.add_argument("--refresh-oracle", action="store_true", help="re-run pandoc/TeX for every document run")
    parser.add_argument("--no-tex", action="store_true", help="do not compile LaTeX (no oracle for it)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per LaTeX document (default 120)")
    parser.add_argument("--auto-judge", action="store_true", help="settle '?' undefined-key verdicts from the oracle")
    args = parser.parse_args(argv)
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    hashes = file_hashes()
    cache = json.loads(ORACLE.read_text(encoding="utf-8")) if ORACLE.exists() else {}
    records, skipped = [], []
    use_tex = not args.no_tex and bool(shutil.which("pdflatex"))
    for row in read_manifest():
        if args.only and row["id"] not in args.only:
            continue
        if args.kind and row["kind"] not in args.kind:
            continue
        root = doc_root(row, args.rebuilt)
        if root is None:
            skipped.append(row["id"])
            continue
        oracle = oracle_for(row, root, hashes, cache, args.refresh_oracle, args.timeout, use_tex)
        ORACLE.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        rec = check_document(row, root, oracle)
        records.append(rec)
        c = rec.get("compare")
        print(f"{row['id']}: {severity_counts(rec['refcheck'])} {rec['refcheck']['seconds']:.2f}s"
              + (f" oracle={oracle.get('status')}" if oracle else "")
              + (f" undef={'=' if c['undefined_same'] else '≠'} unused={'=' if c['unused_same'] else '≠'}" if c else ""),
              file=sys.stderr, flush=True)
    ledger = update_ledger(records, args.auto_judge)
    ledger_in_run = [r for r in ledger if r["doc_id"] in {rec["id"] for rec in records}] if (args.only or args.kind) else ledger
    text = report(records, ledger_in_run, skipped, started)
    print(text)
    if not (args.only or args.kind):
        RESULTS_JSON.write_text(json.dumps({"run": started, "documents": [slim(r) for r in records], "skipped": skipped},
                                           indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        if args.write:
            results.write_section(SECTION, text)
    elif args.write:
        print("(--write ignored with --only/--kind: RESULTS.md holds whole-corpus runs only)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
