"""refcheck.readers.remap: a cleaned copy's offsets map back to the original, and a Manuscript read
from the copy gets every span moved onto the original Source."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from refcheck.model import Fix, Manuscript, Problem, Reference, Source
from refcheck.readers import markdown
from refcheck.readers.remap import OffsetMap, remap_manuscript, remap_span


def test_copy_put_insert_build_the_text_and_map_back():
    original = "ab-\ncd EF"
    m = OffsetMap(original)
    m.copy(0, 2)  # "ab"
    m.copy(4, 6)  # "cd": the hyphen and newline are dropped
    m.put(" ", 6)  # a same-length replacement of the space
    m.insert("<x>", 7)  # not in the original
    m.copy(7, 9)
    assert m.text == "abcd <x>EF"
    assert len(m) == len(m.text)
    # a span over "abcd" covers "ab-\ncd" in the original
    assert (m.start(0), m.end(4)) == (0, 6)
    # characters after the dropped ones keep their own offsets
    assert m.start(2) == 4 and original[m.start(2)] == "c"
    # inserted text is zero-width at its anchor, for a span starting or ending in it
    assert m.start(5) == 7 and m.end(8) == 7
    # a span "<x>EF" starts where the insertion is anchored and ends after F
    assert original[m.start(5) : m.end(10)] == "EF"


def test_contiguous_copies_merge_into_one_piece():
    m = OffsetMap("x" * 100)
    for i in range(0, 100, 10):
        m.copy(i, i + 10)
    assert len(m._clean) == 1
    assert [m.start(i) for i in (0, 55, 99)] == [0, 55, 99]


def test_empty_map_and_offsets_past_the_end():
    empty = OffsetMap("")
    assert empty.text == "" and empty.start(0) == 0 and empty.end(0) == 0
    m = OffsetMap("hello world")
    m.copy(6, 11)
    assert m.start(100) == 11 and m.end(100) == 11
    assert m.end(0) == 6


def test_remap_span_keeps_spans_of_other_files():
    cleaned = Source("paper.txt", "abc")
    original = Source("paper.txt", "a\nbc")
    foreign = Source("refs.bib", "@article{x}").span(0, 3)
    assert remap_span(foreign, "paper.txt", original, lambda i: i + 1, lambda i: i + 1) is foreign
    moved = remap_span(cleaned.span(1, 3), "paper.txt", original, lambda i: i + 1, lambda i: i + 1)
    assert (moved.start, moved.end, moved.line, moved.column) == (2, 4, 2, 1)


def _cleaned_copy(original: str) -> OffsetMap:
    """Join lines with spaces and drop a "PAGE 2" line: a tiny cleaner for the tests."""
    m = OffsetMap(original)
    pos = 0
    for line in original.split("\n"):
        end = pos + len(line)
        if line != "PAGE 2":
            if len(m):
                m.insert("\n" if not line or m.text.endswith("\n") else " ", pos)
            m.copy(pos, end)
        pos = end + 1
    return m


def test_every_span_of_a_manuscript_moves_onto_the_original():
    original = "Cells grow (Smith,\nPAGE 2\n2019).\n\nReferences\n\nSmith, J. (2019). A title.\nJ Cells 1, 2.\n"
    m = _cleaned_copy(original)
    read = markdown.read(Source("paper.txt", m.text, "text"))
    assert [c.text for c in read.citations] == ["(Smith, 2019)"]
    ref = read.references[0]
    # a part and a problem with a fix, as other readers and rules make them
    part = dataclasses.replace(ref, id="r1.1")
    bib = Reference("b1", Source("refs.bib", "@article{x, year=2019}").span(0, 10), "@article")
    problem = Problem(read.citations[0].span, "odd", fix=Fix("do", "x", read.citations[0].items[0].span))
    read = dataclasses.replace(read, references=(dataclasses.replace(ref, parts=(part,)),), bib=(bib,), problems=(problem,))
    source = Source("paper.txt", original, "text")
    moved = remap_manuscript(read, source, m.start, m.end)
    assert isinstance(moved, Manuscript) and moved.source is source
    (citation,) = moved.citations
    assert original[citation.span.start : citation.span.end] == "(Smith,\nPAGE 2\n2019)"
    assert (citation.span.line, citation.span.end_line) == (1, 3)
    item = citation.items[0]
    assert original[item.span.start : item.span.end] == "Smith,\nPAGE 2\n2019"
    (reference,) = moved.references
    assert original[reference.span.start : reference.span.end] == "Smith, J. (2019). A title.\nJ Cells 1, 2."
    assert reference.parts[0].span == reference.span
    assert moved.bib == (bib,)  # another file's span stays
    assert moved.problems[0].span == citation.span and moved.problems[0].fix.span == item.span
    section = moved.reference_section
    assert original[section.start : section.end].startswith("References")
    assert moved.citations[0].text == "(Smith, 2019)"  # texts stay as read


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab -\n", max_size=80), st.lists(st.sampled_from(["copy", "put", "insert", "skip"]), max_size=40),
       st.lists(st.integers(0, 6), max_size=40))
def test_offset_map_is_monotonic_and_inside_the_original(original, ops, sizes):
    m = OffsetMap(original)
    pos = 0
    for op, size in zip(ops, sizes):
        end = min(len(original), pos + size)
        if op == "copy":
            m.copy(pos, end)
        elif op == "put":
            m.put("x" * (end - pos), pos)
        elif op == "insert":
            m.insert("<>"[: size % 3], pos)
            continue
        pos = end
    assert len(m.text) == len(m)
    starts = [m.start(i) for i in range(len(m) + 1)]
    ends = [m.end(i) for i in range(len(m) + 1)]
    assert starts == sorted(starts) and ends == sorted(ends)
    assert all(0 <= x <= len(original) for x in starts + ends)
    assert all(m.start(i) <= m.end(j) for i in range(len(m)) for j in range(i + 1, len(m) + 1))
