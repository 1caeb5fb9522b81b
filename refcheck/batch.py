"""Many manuscripts at once: find them, read them in worker processes, ask Crossref once per work.

``manuscript_paths(["papers/", "*.tex"])`` expands directories and globs into manuscript files.
``check_many(paths, ...)`` reads and links each file in a process pool (``jobs``); offline, the
rules run there too. Crossref is asked from this process only, through one client (one rate
limiter, one cache) wrapped in ``SharedLookups``, which remembers every answer of the run: a
work cited by fifty manuscripts is looked up once, and a question already in flight is waited
for, not asked twice.
"""

from __future__ import annotations

import concurrent.futures
import glob
import os
import threading
import traceback
from collections.abc import Iterable
from pathlib import Path

import regex as re

from refcheck.readers import FORMATS
from refcheck.readers.project import Document, documents

# What a directory walk picks up: manuscripts, not their bibliographies (.bib files are read
# with the manuscript that names them) or plain .txt notes (pass a .txt file explicitly)
WALKED = frozenset(ext for ext, fmt in FORMATS.items() if fmt not in ("bibtex", "text") and ext != ".txt")
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages", "_build", "build", "dist", "output"})
_INCLUDE = re.compile(r"\\(?:input|include|subfile|import\{[^}]*\})\{([^}]+)\}")


class NoManuscripts(Exception):
    """A path or pattern that names nothing refcheck can read; the message says which."""


# Files a directory walk leaves alone: a repository's own documents, and build products that share
# a manuscript extension (biber's control file is XML, not a JATS article)
NOT_MANUSCRIPTS = frozenset({"readme", "changelog", "changes", "history", "news", "license", "licence", "copying",
                             "contributing", "code_of_conduct", "authors", "contributors", "security", "support",
                             "citation", "notice", "todo", "pull_request_template", "issue_template"})
_BUILD_SUFFIXES = (".run.xml", ".synctex.xml")
_JATS_ROOT = re.compile(rb"<(?:!DOCTYPE\s+)?article[\s>/]")


def _walked(path: Path) -> bool:
    """Whether a file found by walking a directory is a manuscript to check."""
    name = path.name.lower()
    if name.startswith(".") or path.stem.lower().split(".")[0] in NOT_MANUSCRIPTS or name.endswith(_BUILD_SUFFIXES):
        return False
    if path.suffix.lower() in (".xml", ".nxml"):  # XML that is not a JATS article: SVG, draw.io, VOTable...
        try:
            with path.open("rb") as handle:
                head = handle.read(4096)
        except OSError:
            return True  # load() says why it cannot be read
        return bool(_JATS_ROOT.search(head))
    return True


def _walk(folder: Path) -> list[Path | Document]:
    """Manuscripts under ``folder`` in sorted order; a project (Manubot, Quarto, bookdown) is its
    documents, and nothing else under its root is walked."""
    found: list[Path | Document] = []
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        project = documents(here)
        if project is not None:
            found += project
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        found += [here / f for f in sorted(files) if Path(f).suffix.lower() in WALKED and _walked(here / f)]
    return _drop_included(found)


def _drop_included(files: list) -> list:
    r"""LaTeX files that another file of the set ``\input``s are checked as part of it, not alone,
    and fragments (no ``\documentclass``: a chapter, a figure) that no file of the set includes.

    TeX resolves ``\input{sections/a}`` from the folder it runs in, the main file's, wherever the
    ``\input`` is written: a name is tried from the including file's folder and every folder above
    it."""
    included: set[Path] = set()
    fragments: set[Path] = set()
    for path in files:
        if isinstance(path, Document) or path.suffix.lower() not in (".tex", ".ltx"):
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "\\documentclass" not in text and "\\documentstyle" not in text:
            fragments.add(path.resolve())
        for name in _INCLUDE.findall(text):
            for folder in (path.parent, *path.parent.parents):
                target = (folder / name.strip()).resolve()
                included |= {target, target.with_suffix(".tex")}
    return [p for p in files if isinstance(p, Document) or (p.resolve() not in included and p.resolve() not in fragments)]


def manuscript_paths(arguments: Iterable[str | os.PathLike], *, optional: set[str] | None = None) -> list[Path | Document]:
    """Files as given; directories walked (manuscripts only); glob patterns expanded.

    A directory that is a project (Manubot, Quarto, bookdown: ``readers.project``), given or
    found by the walk, is its documents, each checked once as the toolchain joins it. Order:
    arguments in order, each directory's files sorted; a file named twice counts once. Files the
    walk found (not named) are added to ``optional``: a run drops those with nothing to check.
    """
    out: list[Path | Document] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found = _walk(path)
            if not found:
                raise NoManuscripts(f"{path}: no manuscript files in this directory ({', '.join(sorted(WALKED))})")
            walked = found
        elif path.exists():
            out.append(path)
            continue
        elif glob.has_magic(str(argument)):
            matched = sorted(Path(p) for p in glob.glob(str(argument), recursive=True))
            walked = [f for p in matched if p.is_dir() for f in _walk(p)]
            out += [p for p in matched if p.is_file()]
            if not walked and not any(p.is_file() for p in matched):
                raise NoManuscripts(f"{argument}: the pattern matches no file")
        else:
            raise NoManuscripts(f"{path}: no such file")
        if optional is not None:
            optional |= {str(p) for p in walked if isinstance(p, Path)}
            optional |= {str(d.files[0]) for d in walked if isinstance(d, Document) and d.kind == "quarto" and d.files}
        out += walked
    seen: set = set()
    unique = []
    for path in out:
        key = path if isinstance(path, Document) else path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def has_content(manuscript) -> bool:
    """Whether a file the walk found has anything to check (citations, a list, a bibliography, or
    a reason it could not be read); a README-like page without citations has not."""
    return bool(manuscript.citations or manuscript.references or manuscript.bib
                or any(p.rule == "unreadable-input" for p in manuscript.problems))


# --------------------------------------------------------------------------- reading in workers


def _read_one(job: tuple) -> tuple:
    """Worker: read and link one file, give its ids their ``prefix``; with ``offline`` also run its rules.

    Never raises for bad content (it becomes an unreadable-input problem).
    """
    from refcheck.api import link_manuscript, namespaced, run_rules
    from refcheck.readers import load, load_document

    path, config, max_bytes, bib, fmt, offline, prefix, meta = job
    try:
        if isinstance(path, Document):
            manuscript = link_manuscript(load_document(path, max_bytes=max_bytes, bib=bib, meta=meta))
        else:
            manuscript = link_manuscript(load(path, max_bytes=max_bytes, bib=bib, fmt=fmt, meta=meta))
    except Exception as err:  # noqa: BLE001 - a bug of refcheck's on one file is that file's finding, not a traceback
        if os.environ.get("REFCHECK_DEBUG"):
            raise
        from refcheck.readers import _unreadable

        where = traceback.extract_tb(err.__traceback__)[-1]
        manuscript = link_manuscript(_unreadable(
            os.fspath(path.path if isinstance(path, Document) else path),
            f"could not be checked: refcheck failed on it ({type(err).__name__}: {err}, at {Path(where.filename).name}:{where.lineno}). "
            "This is a bug in refcheck: please report it with the file (REFCHECK_DEBUG=1 shows the traceback)"))
    if prefix:
        manuscript = namespaced(manuscript, prefix)
    if not offline:
        return manuscript, None, 0
    findings, suppressed = run_rules(manuscript, config)
    return manuscript, findings, suppressed


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which says "interrupted" once and exits 130."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def read_all(paths: list[Path], config, *, jobs: int, max_bytes: int | None, bib, fmt, offline: bool, progress=None,
             meta=None) -> list[tuple]:
    """(manuscript, findings or None, suppressed) per path, in the order given; with several paths the
    ids carry the file's position (``2:c5``, as ``api.check`` does)."""
    several = len(paths) > 1
    jobs_list = [(p if isinstance(p, Document) else str(p), config, max_bytes, tuple(str(b) for b in bib), fmt, offline,
                  f"{i + 1}:" if several else "", meta) for i, p in enumerate(paths)]
    if jobs <= 1 or len(paths) <= 1:
        return [_read_one(job) for job in jobs_list]
    import importlib
    import multiprocessing

    # fork where there is one (cheap, no re-import); spawn elsewhere
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1 else "spawn"
    if method == "fork":  # compile the grammars once, here, rather than once in every worker
        from refcheck.readers import READERS, detect

        for fmt in {fmt or ("markdown" if isinstance(p, Document) else detect(p, b"")) for p in paths}:
            importlib.import_module(READERS[fmt])
        import refcheck.api  # noqa: F401 - the rules
    context = multiprocessing.get_context(method)
    with concurrent.futures.ProcessPoolExecutor(max_workers=min(jobs, len(paths)), mp_context=context,
                                                initializer=_ignore_interrupts) as pool:
        # big files first would pack better, but the order of the report must not depend on it
        return list(pool.map(_read_one, jobs_list, chunksize=max(1, len(paths) // (jobs * 4))))


# --------------------------------------------------------------------------- one Crossref for all


class SharedLookups:
    """A Crossref client that asks each question once per run, whichever manuscript asks it.

    Wraps a ``CrossrefClient`` (same methods); answers are kept in memory for the run, and a
    question asked while the same one is in flight waits for that answer. Failures are not
    kept: the next manuscript may ask again (and the client's error budget decides).
    """

    def __init__(self, client) -> None:
        self.client = client
        self._answers: dict[tuple, object] = {}
        self._inflight: dict[tuple, threading.Event] = {}
        self._lock = threading.Lock()

    def __getattr__(self, name):  # down, threads, stats, limits...: the wrapped client's
        return getattr(self.client, name)

    def _once(self, key: tuple, ask):
        while True:
            with self._lock:
                if key in self._answers:
                    return self._answers[key]
                event = self._inflight.get(key)
                if event is None:
                    event = self._inflight[key] = threading.Event()
                    break
            event.wait()
            with self._lock:
                if key in self._answers:
                    return self._answers[key]
            # the other asker failed: ask ourselves (loop, registering our own question)
        try:
            answer = ask()
        except BaseException:
            with self._lock:
                del self._inflight[key]
            event.set()
            raise
        with self._lock:
            self._answers[key] = answer
            del self._inflight[key]
        event.set()
        return answer

    def works(self, dois: list[str]) -> dict:
        """Only DOIs no earlier batch answered are sent; DOIs a batch did not return are remembered as absent."""
        out = {}
        missing = []
        with self._lock:
            for doi in dois:
                key = ("work", doi.lower())
                if key in self._answers:
                    if self._answers[key] is not None:
                        out[doi.lower()] = self._answers[key]
                elif key not in self._inflight:
                    missing.append(doi)
        if missing:
            found = self.client.works(missing)
            with self._lock:
                for doi in missing:
                    work = found.get(doi.lower())
                    if work is not None:  # an absent DOI may still be found one by one: not remembered as None
                        self._answers[("work", doi.lower())] = work
            out.update(found)
        for doi in dois:  # DOIs another thread is fetching right now: wait for its answer
            if doi.lower() not in out:
                key = ("work", doi.lower())
                with self._lock:
                    pending = self._inflight.get(key)
                if pending is not None:
                    pending.wait()
                    with self._lock:
                        if self._answers.get(key) is not None:
                            out[doi.lower()] = self._answers[key]
        return out

    def work(self, doi: str):
        return self._once(("work", doi.lower()), lambda: self.client.work(doi))

    def agency(self, doi: str):
        return self._once(("agency", doi.lower()), lambda: self.client.agency(doi))

    def expand_short_doi(self, short_doi: str):
        return self._once(("short", short_doi.lower()), lambda: self.client.expand_short_doi(short_doi))

    def search(self, text: str, *args, **kwargs):
        return self._once(("search", text, args, tuple(sorted(kwargs.items()))), lambda: self.client.search(text, *args, **kwargs))
