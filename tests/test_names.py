"""Surname comparison: the one place that decides when two spellings are the same person."""

from __future__ import annotations

import pytest

from refcheck.names import fold, same_surname, surname_key, surname_keys


@pytest.mark.parametrize(
    "a, b",
    [
        ("SMOLINSKÁ", "Smolinská"),
        ("Sørensen", "Sorensen"),
        ("van der Berg", "Berg"),
        ("De la Cruz", "Cruz"),
        ("O'Carroll", "OCarroll"),
        ("Heged{\\H u}s", "Hegedűs"),
        ('M{\\"u}ller', "Müller"),
        ("Łukasz", "Lukasz"),
    ],
)
def test_same_key(a, b):
    assert surname_key(a) == surname_key(b)


@pytest.mark.parametrize(
    "a, b, how",
    [("Liu", "Liu", "exact"), ("liu", "Liu", "case"), ("Sorensen", "Sørensen", "diacritics"), ("Diomedede", "Diomede", None)],
)
def test_same_surname_says_how(a, b, how):
    assert same_surname(a, b) == how


def test_a_name_made_only_of_particles_keeps_them():
    assert surname_key("De") == "de"


def test_hyphenated_names_stay_whole():
    assert surname_keys("Sendon-Lago") == {"sendonlago"}


def test_compound_names_written_with_a_space_may_be_cited_by_their_last_part():
    assert "kasim" in surname_keys("Abu Kasim")


def test_fold_is_ascii_lowercase_letters_only():
    assert fold("García-del Río, J.") == "garciadelrioj"
