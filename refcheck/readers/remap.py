"""Spans through an edit: read a cleaned copy of a text, report against the original.

A reader that must rewrite a text before the grammar can read it (plain text extracted from a
PDF: hyphenation joined, page headers dropped, lines unwrapped) builds the cleaned copy with an
``OffsetMap``, reads the copy, and moves every Span of the resulting Manuscript back onto the
original ``Source`` with ``remap_manuscript``. Pure: no I/O, nothing read from the rest of
refcheck but the model.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Callable

from refcheck.model import Citation, Manuscript, Problem, Reference, Source, Span


class OffsetMap:
    """A cleaned text built piece by piece, and the way back from its offsets to the original's.

    ``copy(start, end)`` appends ``original[start:end]``; ``put(text, start)`` appends a
    same-length replacement of ``original[start:start + len(text)]`` (a newline turned into a
    space); ``insert(text, at)`` appends text that is not in the original at all (a tag, a
    label's missing period), which maps to the zero-width position ``at``. Pieces must come in
    original order (each starting at or after where the previous one ended), which makes both
    directions of the map monotonic.
    """

    def __init__(self, original: str) -> None:
        self.original = original
        self._parts: list[str] = []
        self._clean: list[int] = []  # cleaned offset where each piece starts
        self._orig: list[int] = []  # original offset of its first character (or ``at``)
        self._width: list[int] = []  # 1 for a copied piece (one original char per char), 0 for an insertion
        self._length = 0
        self._text: str | None = None

    def __len__(self) -> int:
        return self._length

    def _add(self, text: str, orig: int, width: int) -> None:
        if not text:
            return
        self._text = None
        n = len(text)
        if self._clean and width and self._width[-1] and self._orig[-1] + (self._length - self._clean[-1]) == orig:
            self._parts.append(text)  # continues the previous copied piece: no new map entry
        else:
            self._parts.append(text)
            self._clean.append(self._length)
            self._orig.append(orig)
            self._width.append(width)
        self._length += n

    def copy(self, start: int, end: int) -> None:
        self._add(self.original[start:end], start, 1)

    def put(self, text: str, start: int) -> None:
        self._add(text, start, 1)

    def insert(self, text: str, at: int) -> None:
        self._add(text, at, 0)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "".join(self._parts)
            self._parts = [self._text]
        return self._text

    def _piece(self, offset: int) -> int:
        return bisect.bisect_right(self._clean, offset) - 1

    def start(self, offset: int) -> int:
        """The original offset where a span starting at cleaned ``offset`` starts."""
        if not self._clean:
            return 0
        if offset >= self._length:
            return self.end(self._length)
        i = max(self._piece(offset), 0)
        return self._orig[i] + (offset - self._clean[i]) * self._width[i]

    def end(self, offset: int) -> int:
        """The original offset where a span ending (exclusively) at cleaned ``offset`` ends."""
        if not self._clean:
            return 0
        if offset <= 0:
            return self._orig[0]
        last = min(offset, self._length) - 1  # the span's last character
        i = self._piece(last)
        return self._orig[i] + (last - self._clean[i] + 1) * self._width[i]


def remap_span(span: Span, path: str, source: Source, start: Callable[[int], int], end: Callable[[int], int]) -> Span:
    """``span`` moved onto ``source`` if it points into ``path``; spans of other files are kept."""
    if span.path != path:
        return span
    s = start(span.start)
    e = s if span.end <= span.start else max(s, end(span.end))
    return source.span(s, e)


def remap_manuscript(
    manuscript: Manuscript, source: Source, start: Callable[[int], int], end: Callable[[int], int] | None = None
) -> Manuscript:
    """Every Span of ``manuscript`` that points into its own source, moved onto ``source``.

    ``start(offset)`` / ``end(offset)`` give the original offset of a span's start and
    (exclusive) end; ``end`` defaults to ``start``. Citations and their items, references and
    their parts, problems and their fixes and the reference section move; spans into other
    files (.bib entries, ``\\input`` files) stay. Texts (``Citation.text``, ``Reference.raw``)
    are kept as read. The result's source is ``source``.
    """
    end = end or start
    path = manuscript.source.path
    return move_spans(manuscript, lambda span: remap_span(span, path, source, start, end), source=source)


def move_spans(manuscript: Manuscript, move: Callable[[Span], Span], **changes) -> Manuscript:
    """``manuscript`` with ``move`` applied to every Span it holds (citations and their items,
    references, .bib entries and their parts, problems and their fixes, the reference section),
    and the fields ``changes`` names replaced."""

    def citation(c: Citation) -> Citation:
        items = tuple(dataclasses.replace(item, span=move(item.span)) for item in c.items)
        return dataclasses.replace(c, span=move(c.span), items=items)

    def reference(r: Reference) -> Reference:
        return dataclasses.replace(r, span=move(r.span), parts=tuple(reference(p) for p in r.parts))

    def problem(p: Problem) -> Problem:
        fix = p.fix
        if fix is not None and fix.span is not None:
            fix = dataclasses.replace(fix, span=move(fix.span))
        return dataclasses.replace(p, span=move(p.span), fix=fix)

    return dataclasses.replace(
        manuscript,
        citations=tuple(citation(c) for c in manuscript.citations),
        references=tuple(reference(r) for r in manuscript.references),
        bib=tuple(reference(r) for r in manuscript.bib),
        problems=tuple(problem(p) for p in manuscript.problems),
        reference_section=move(manuscript.reference_section) if manuscript.reference_section else None,
        **changes,
    )

