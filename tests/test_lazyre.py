"""Patterns compiled on first use and kept compiled between runs (refcheck/lazyre.py)."""

from __future__ import annotations

import subprocess
import sys

import regex

from refcheck import lazyre

SOURCE = r"(?P<authors>\p{Lu}\p{Ll}+)(?:\s+et\s+al\.)?,\s+(?P<year>(?:19|20)\d\d)"


def _store(path) -> lazyre._Store:
    store = lazyre._Store()
    store.path = path
    return store


def test_a_lazy_pattern_compiles_on_first_use_and_then_behaves_as_compiled():
    pattern = lazyre.lazy(SOURCE)
    assert "search" not in vars(pattern)  # nothing compiled yet
    assert pattern.search("as shown (Smith et al., 2019)").group("year") == "2019"
    assert "search" in vars(pattern)  # the compiled pattern's methods are now its own
    assert [m.group("authors") for m in pattern.finditer("Lee, 2001; Kim, 2002")] == ["Lee", "Kim"]


def test_a_pattern_is_rebuilt_from_the_cache_and_matches_as_compiled(tmp_path):
    path = tmp_path / "patterns.marshal"
    first = _store(path)
    compiled = first.compile(SOURCE, regex.IGNORECASE)
    first.save()
    assert path.exists()
    second = _store(path)
    rebuilt = second.compile(SOURCE, regex.IGNORECASE)
    assert second.added == {}  # taken from the file, not compiled again
    text = "see (smith et al., 2019) and (Lee, 2001)"
    assert [m.span() for m in rebuilt.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    # another source or other flags are not taken from an entry made for this one
    assert second.compile(SOURCE, 0).flags & regex.IGNORECASE == 0


def test_a_damaged_or_foreign_cache_file_is_ignored(tmp_path):
    for content in (b"\x00garbage", b"", __import__("marshal").dumps({f"0:{SOURCE}": ("not", "codes")}),
                    __import__("marshal").dumps([1, 2, 3])):
        path = tmp_path / "patterns.marshal"
        path.write_bytes(content)
        store = _store(path)
        assert store.compile(SOURCE, 0).search("Smith, 2019").group("year") == "2019"


def test_an_unwritable_cache_costs_nothing_but_the_saving(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = _store(blocker / "sub" / "patterns.marshal")  # a directory under a file: cannot be made
    assert store.compile(SOURCE, 0).search("Smith, 2019")
    store.save()  # no exception
    assert not (blocker / "sub").exists()


def test_the_cache_can_be_turned_off(tmp_path):
    code = ("import os; from refcheck import lazyre; print(lazyre._STORE.path)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**__import__("os").environ, "REFCHECK_PATTERN_CACHE": "off"}, check=True)
    assert out.stdout.strip() == "None"


def test_the_cache_keeps_the_newest_patterns_only(tmp_path, monkeypatch):
    """Each version of refcheck adds its patterns; the file keeps the last ``_LIMIT`` written."""
    monkeypatch.setattr(lazyre, "_LIMIT", 3)
    path = tmp_path / "patterns.marshal"
    for n in range(5):
        store = _store(path)
        store.compile(rf"a{{{n + 1}}}", 0)
        store.save()
    kept = __import__("marshal").loads(path.read_bytes())
    assert [key.split(":", 1)[1] for key in kept] == ["a{3}", "a{4}", "a{5}"]
