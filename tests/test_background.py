"""Large reference lists are parsed in a forked child; the result never depends on it."""

from __future__ import annotations

import os

import pytest

from refcheck import background
from refcheck.readers import markdown, read_text
from refcheck.readers.references import dump_references, load_references

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")

ENTRIES = [
    "Smith, J., & van der Berg, K. (2019a). A title. Journal, 1(2), 3-4. https://doi.org/10.1000/x1",
    "Lee K, Wu H, et al. 2018. B title: with a subtitle. J Struct Biol 157:250–61.",
    "World Health Organization. (2020). Report on things. Geneva: WHO.",
    "Sørensen, P. (n.d.). In press work.",
    # two works in one entry: parsed as parts
    "Brown, A. (2001). First work. J 1, 1-2. Green, B. (2002). Second work that was glued on. J 2, 3-4.",
]


def _manuscript(n: int) -> str:
    body = " ".join(f"Text (Author{i}, 2019)." for i in range(n))
    entries = "\n".join(f"- {ENTRIES[i % len(ENTRIES)].replace('Smith', f'Smith{i}')}" for i in range(n))
    return f"{body}\n\n## References\n\n{entries}\n"


def test_the_wire_form_round_trips_every_field_including_merged_parts():
    refs = list(read_text(_manuscript(len(ENTRIES))).references)
    assert any(r.parts for r in refs) and any(r.authors for r in refs)
    assert load_references(dump_references(refs)) == refs


@needs_fork
def test_a_large_list_parsed_in_the_background_equals_the_serial_parse(monkeypatch):
    text = _manuscript(60)
    monkeypatch.setattr(markdown, "BACKGROUND_ENTRIES", 10**9)
    serial = read_text(text)
    started = []
    real_start = background.start
    monkeypatch.setattr(background, "usable", lambda: True)
    monkeypatch.setattr(background, "start", lambda work: started.append(1) or real_start(work))
    monkeypatch.setattr(markdown, "BACKGROUND_ENTRIES", 50)
    parallel = read_text(text)
    assert started == [1]
    assert parallel.references == serial.references
    assert parallel.citations == serial.citations


@needs_fork
def test_a_child_that_fails_gives_none_and_the_parent_does_the_work(monkeypatch):
    def boom() -> bytes:
        raise RuntimeError("child failed")

    assert background.start(boom)() is None
    text = _manuscript(60)
    monkeypatch.setattr(markdown, "BACKGROUND_ENTRIES", 10**9)
    serial = read_text(text).references
    real_start = background.start
    monkeypatch.setattr(background, "usable", lambda: True)
    monkeypatch.setattr(background, "start", lambda work: real_start(boom))  # every child fails
    monkeypatch.setattr(markdown, "BACKGROUND_ENTRIES", 50)
    assert read_text(text).references == serial


@needs_fork
def test_the_child_hands_back_large_results_whole():
    data = os.urandom(3 << 20)  # far larger than a pipe's buffer
    assert background.start(lambda: data)() == data
