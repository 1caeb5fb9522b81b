"""The common part of an author-year group ("Smith et al., 2010") is read without the author
pattern (``citations._simple_part``). Wherever the short reading answers, it gives exactly what
the full reading gives; where a word of the part needs the full reading's checks, it declines."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refcheck.readers.citations import _parse_part_in_full, _simple_part
from tests.conftest import ROOT, SHARED


@pytest.mark.parametrize(
    "part",
    [
        "Smith, 2010",
        " Smith, 2010",
        "Smith 2010",
        "Smith et al., 2010",
        " Smith et al., 2010a",
        "Smith and Jones, 2010",
        "Smith & Jones 1999b",
        "Abedhxd et al. 2015",
    ],
)
def test_the_short_reading_of_a_common_part_is_the_full_reading(part):
    assert _simple_part(part) is not None
    assert _simple_part(part) == _parse_part_in_full(part)


@pytest.mark.parametrize(
    "part",
    [
        "However, 2010",  # a sentence word
        "May, 2004",  # a month: weak in the full reading
        "Science, 2014",  # a journal named as the source
        "Ser, 1981",  # an amino acid
        "De Souza, 2010",  # a particle starts a longer name
        "Smith and The, 2010",  # a sentence word as the second name
        "Smith, 1750",  # before 1800: weak
        "Smith, 2010, p. 4",  # a locator
        "Smith et al, 2010",  # "et al" without its period
        "Smith and Jones, 2010; Lee",
        "García, 2010",  # letters outside ASCII
        "WHO, 2010",  # capitals
        "Smith, 2010–2012",  # a range
    ],
)
def test_the_short_reading_declines_what_needs_the_checks(part):
    assert _simple_part(part) is None


WORDS = ["Smith", "Lee", "Le", "De", "May", "June", "However", "The", "And", "Science", "Cell", "Ser", "Van", "In", "Al",
         "Abedhxd", "Xi", "Ii", "Vi", "Mix", "Et", "Cf", "See"]


@settings(max_examples=500, deadline=None)
@given(
    lead=st.sampled_from(["", " ", "  "]),
    first=st.sampled_from(WORDS),
    rest=st.sampled_from(["", " and ", " & ", " et al.", " et al", " e "]),
    second=st.sampled_from(WORDS),
    sep=st.sampled_from([", ", " ", ",", ",  "]),
    year=st.sampled_from(["2010", "2010a", "1999", "1750", "2099", "1900b"]),
    tail=st.sampled_from(["", " ", "a", ", p. 3", "–2011"]),
)
def test_generated_parts_read_alike(lead, first, rest, second, sep, year, tail):
    part = f"{lead}{first}{rest}{second if rest.strip() in ('and', '&', 'e') else ''}{sep}{year}{tail}"
    short = _simple_part(part)
    assert short is None or short == _parse_part_in_full(part)


def _corpus_parts() -> list[str]:
    """Every ';'-separated part of every parenthesis or bracket in the shared corpus's Markdown and
    the sample manuscript."""
    files = sorted((SHARED / "corpus" / "jats" / "md").glob("*.md")) + [ROOT / "review.md"]
    parts: set[str] = set()
    for path in files:
        for group in re.findall(r"[(\[]([^()\[\]]{1,300})[)\]]", path.read_text(encoding="utf-8")):
            parts.update(group.split(";"))
    return sorted(parts)


def test_every_corpus_part_reads_alike():
    parts = _corpus_parts()
    answered = [part for part in parts if _simple_part(part) is not None]
    assert len(answered) > 500  # the common shape is common
    assert [part for part in answered if _simple_part(part) != _parse_part_in_full(part)] == []
