"""Patterns compiled on first use, and kept compiled between runs.

The readers' grammar is written with ``regex`` patterns, which ``regex`` compiles in Python: the
reader modules hold about 250 of them, compiling all costs 0.15-0.3 s, and a given manuscript
uses about a third (a numbered text never runs the author-year grammar's largest patterns).
``lazy(source)`` stands for ``regex.compile(source)`` until first used; it then keeps the compiled
pattern's methods as its own attributes, so later calls cost what a compiled pattern's do.

A compiled ``regex`` pattern is plain data underneath (its source, flags and the list of codes
``regex`` builds, which is how ``regex`` itself pickles one): rebuilding it from that data takes
0.4 ms where compiling ``_PAREN_ITEM`` takes 14. The codes of the patterns a run compiled are
kept in the user's cache directory (``patterns-<regex version>-<python>.marshal``, beside the
Crossref cache; ``REFCHECK_PATTERN_CACHE`` names another file, or ``off``), written once at exit
by a rename, read with ``marshal`` (data only, no code is run), and checked: a pattern is rebuilt
from it only under its own source and flags, and anything unexpected (another ``regex``, a
damaged or unwritable file) means compiling as usual.
"""

from __future__ import annotations

import atexit
import copyreg
import marshal
import os
import sys
from pathlib import Path

import regex

_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "splititer",
            "pattern", "flags", "groups", "groupindex", "scanner")


def _cache_path() -> Path | None:
    setting = os.environ.get("REFCHECK_PATTERN_CACHE")
    if setting:
        return None if setting.lower() == "off" else Path(setting)
    try:
        import platformdirs  # noqa: PLC0415

        version = f"{regex.__version__}-py{sys.version_info[0]}{sys.version_info[1]}"
        return Path(platformdirs.user_cache_dir("refcheck")) / f"patterns-{version}.marshal"
    except Exception:  # noqa: BLE001 - no cache directory: compile as usual
        return None


class _Store:
    """The compiled patterns' data read from the cache file, and those this run added."""

    def __init__(self) -> None:
        self.path = _cache_path()
        self.known: dict | None = None
        self.added: dict = {}
        self.rebuild = None

    def load(self) -> dict:
        if self.known is None:
            self.known = {}
            if self.path is not None:
                try:
                    data = marshal.loads(self.path.read_bytes())
                    if isinstance(data, dict):
                        self.known = data
                except Exception:  # noqa: BLE001 - missing, damaged or foreign: compile instead
                    self.known = {}
                atexit.register(self.save)
        return self.known

    def compile(self, source: str, flags: int):
        known = self.load()
        key = f"{flags}:{source}"
        args = known.get(key)
        if args is not None:
            try:
                if self.rebuild is None:
                    self.rebuild = copyreg.dispatch_table[regex.Pattern](regex.compile("x"))[0]
                pattern = self.rebuild(*args)
                if pattern.pattern == source and pattern.flags & flags == flags:
                    return pattern
            except Exception:  # noqa: BLE001 - data another regex wrote: compile instead
                pass
        pattern = regex.compile(source, flags)
        try:
            reduced = copyreg.dispatch_table[regex.Pattern](pattern)
            self.added[key] = reduced[1]
            marshal.dumps(reduced[1])  # plain data only, or not kept
        except Exception:  # noqa: BLE001
            self.added.pop(key, None)
        return pattern

    def save(self) -> None:
        """Write the file once, at exit, with what this run added (a rename: readers never see half a file)."""
        if not self.added or self.path is None or os.getpid() != _PID:
            return
        try:
            merged = {**(self.known or {}), **self.added}
            if len(merged) > _LIMIT:  # patterns of older versions of refcheck: the oldest go first
                merged = dict(list(merged.items())[-_LIMIT:])
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            temporary.write_bytes(marshal.dumps(merged))
            os.replace(temporary, self.path)
            self.added = {}
        except Exception:  # noqa: BLE001 - a read-only home: the next run compiles again
            pass


_LIMIT = 2000  # patterns kept in the file (a version of refcheck has about 300)
_PID = os.getpid()  # a forked child (the background reference parse) leaves the file to its parent
_STORE = _Store()


class LazyPattern:
    """A ``regex`` pattern compiled (or rebuilt from the cache) when one of its attributes is first read."""

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)  # copy/pickle probing the instance: not a pattern method
        compiled = _STORE.compile(self._source, self._flags)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self._source[:40]!r}...)"


def lazy(source: str, flags: int = 0) -> LazyPattern:
    """``regex.compile(source, flags)``, on first use."""
    return LazyPattern(source, flags)
