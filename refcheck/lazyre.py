"""Patterns compiled on first use.

The readers' grammar is written with ``regex`` patterns, which ``regex`` compiles in Python: the
two reader modules hold about 250 of them and compiling all costs 0.15-0.2 s, while a given
manuscript uses about a third (a numbered text never runs the author-year grammar's largest
patterns; few texts need the rare ones). ``lazy(source)`` stands for ``regex.compile(source)``
until first used; it then keeps the compiled pattern's methods as its own attributes, so later
calls cost what a compiled pattern's do (no ``__getattr__`` on the hot path).
"""

from __future__ import annotations

import regex

_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "splititer",
            "pattern", "flags", "groups", "groupindex", "scanner")


class LazyPattern:
    """A ``regex`` pattern compiled when one of its attributes is first read."""

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)  # copy/pickle probing the instance: not a pattern method
        compiled = regex.compile(self._source, self._flags)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self._source[:40]!r}...)"


def lazy(source: str, flags: int = 0) -> LazyPattern:
    """``regex.compile(source, flags)``, on first use."""
    return LazyPattern(source, flags)
