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
from collections.abc import Iterable
from pathlib import Path

import regex as re

from refcheck.readers import FORMATS

# What a directory walk picks up: manuscripts, not their bibliographies (.bib files are read
# with the manuscript that names them) or plain .txt notes (pass a .txt file explicitly)
WALKED = frozenset(ext for ext, fmt in FORMATS.items() if fmt not in ("bibtex", "text") and ext != ".txt")
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages", "_build", "build", "dist", "output"})
_INCLUDE = re.compile(r"\\(?:input|include|subfile|import\{[^}]*\})\{([^}]+)\}")


class NoManuscripts(Exception):
    """A path or pattern that names nothing refcheck can read; the message says which."""


def _walk(folder: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        found += [Path(root) / f for f in sorted(files) if Path(f).suffix.lower() in WALKED and not f.startswith(".")]
    return _drop_included(found)


def _drop_included(files: list[Path]) -> list[Path]:
    r"""LaTeX files that another file of the set ``\input``s are checked as part of it, not alone."""
    included: set[Path] = set()
    for path in files:
        if path.suffix.lower() not in (".tex", ".ltx"):
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for name in _INCLUDE.findall(text):
            target = (path.parent / name.strip()).resolve()
            included |= {target, target.with_suffix(".tex")}
    return [p for p in files if p.resolve() not in included]


def manuscript_paths(arguments: Iterable[str | os.PathLike]) -> list[Path]:
    """Files as given; directories walked (manuscript extensions only); glob patterns expanded.

    Order: arguments in order, each directory's files sorted; a file named twice counts once.
    """
    out: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found = _walk(path)
            if not found:
                raise NoManuscripts(f"{path}: no manuscript files in this directory ({', '.join(sorted(WALKED))})")
            out += found
        elif path.exists():
            out.append(path)
        elif glob.has_magic(str(argument)):
            matched = sorted(Path(p) for p in glob.glob(str(argument), recursive=True))
            files = [p for p in matched if p.is_file()] + [f for p in matched if p.is_dir() for f in _walk(p)]
            if not files:
                raise NoManuscripts(f"{argument}: the pattern matches no file")
            out += files
        else:
            raise NoManuscripts(f"{path}: no such file")
    seen: set[Path] = set()
    unique = []
    for path in out:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


# --------------------------------------------------------------------------- reading in workers


def _read_one(job: tuple) -> tuple:
    """Worker: read and link one file, give its ids their ``prefix``; with ``offline`` also run its rules.

    Never raises for bad content (it becomes an unreadable-input problem).
    """
    from refcheck.api import link_manuscript, namespaced, run_rules
    from refcheck.readers import load

    path, config, max_bytes, bib, fmt, offline, prefix = job
    manuscript = link_manuscript(load(path, max_bytes=max_bytes, bib=bib, fmt=fmt))
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


def read_all(paths: list[Path], config, *, jobs: int, max_bytes: int | None, bib, fmt, offline: bool, progress=None) -> list[tuple]:
    """(manuscript, findings or None, suppressed) per path, in the order given; with several paths the
    ids carry the file's position (``2:c5``, as ``api.check`` does)."""
    several = len(paths) > 1
    jobs_list = [(str(p), config, max_bytes, tuple(str(b) for b in bib), fmt, offline, f"{i + 1}:" if several else "")
                 for i, p in enumerate(paths)]
    if jobs <= 1 or len(paths) <= 1:
        return [_read_one(job) for job in jobs_list]
    import importlib
    import multiprocessing

    # fork where there is one (cheap, no re-import); spawn elsewhere
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1 else "spawn"
    if method == "fork":  # compile the grammars once, here, rather than once in every worker
        from refcheck.readers import READERS, detect

        for fmt in {fmt or detect(p, b"") for p in paths}:
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
