"""Crossref matching: is a search candidate the printed work, and where do the two disagree?

Real cases first: entries of review.md (parsed as the reader parses them) against the records
confirmed in ../shared/facts/review-references.json. Then one small case per rule, each a
printed reference and a record built inline.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from refcheck.crossref.match import differences, same_container, signals, title_similarity, validates
from refcheck.model import Name, Reference, Source, Work
from refcheck.readers.references import parse_reference
from tests.conftest import ROOT, SHARED

SPAN = Source("refs.md", "").span(0, 0)


def ref(**fields) -> Reference:
    return Reference("r1", SPAN, "", **fields)


def work(**fields) -> Work:
    return Work("10.1234/x", **fields)


def names(*families: str) -> tuple[Name, ...]:
    """``names("Smith J", "Lee K")`` -> (Name("Smith", "J"), Name("Lee", "K"))."""
    return tuple(Name(*text.rsplit(" ", 1)) for text in families)


# --------------------------------------------------------------------------------------
# review.md against its confirmed records

REVIEW = (ROOT / "review.md").read_text(encoding="utf-8")
FACTS: dict[int, dict] = {}
for _entry in json.loads((SHARED / "facts" / "review-references.json").read_text(encoding="utf-8")):
    FACTS.setdefault(_entry["n"], _entry)  # the first of the two entries numbered 15, as printed() finds it


def printed(label: str) -> Reference:
    """The review.md entry with this (unique) label, parsed as the Markdown reader parses it."""
    source = Source("review.md", REVIEW)
    m = re.compile(rf"^{label}\. (.+)$", re.M).search(REVIEW, REVIEW.index("References:\n"))
    return parse_reference(source, m.start(1), m.end(1), id=f"ref{label}", label=label)


def confirmed(value):
    return None if value is None or str(value).startswith("unconfirmed") else value


def record(n: int) -> Work:
    """The Crossref record of entry n, from the facts file's confirmed fields only."""
    fact = FACTS[n]
    return Work(
        doi=fact["doi"],
        title=confirmed(fact["title"]),
        authors=tuple(Name(a["family"], a["given"]) for a in fact["authors"]),
        year=confirmed(fact["year"]),
        container_title=confirmed(fact["container"]),
        volume=confirmed(fact["volume"]),
        issue=confirmed(fact["issue"]),
        page=confirmed(fact["page"]),
        article_number=confirmed(fact["article_number"]),
        type=fact["type"].split()[0],
    )


def test_entry_10_particle_read_as_an_initial_is_an_author_spelling_difference():
    # printed "Rio, L. G. D.": "del" became the initial D. and "Garcia-" was dropped
    assert differences(printed("10"), record(10)) == (("author-spelling", "Rio, L. G. D.", "Garcia-del Rio, L."),)


def test_entry_11_start_page_alone_differs_but_capitals_diacritics_and_suppl_do_not():
    # printed SMOLINSKÁ, BOHÁČ, DANIŠOVIČ (the record lists one author), issue "Suppl 3" vs "S3"
    assert differences(printed("11"), record(11)) == (("page", "S233", "S233-S245"),)


def test_entry_24_start_page_alone_differs():
    assert differences(printed("24"), record(24)) == (("page", "3342", "3342-3356"),)


def test_entry_12_misspelt_later_author_is_reported_with_the_record_initials():
    assert differences(printed("12"), record(12)) == (("author-spelling", "Laksmiawati, D. R.", "Laksmitawati, D. R."),)


@pytest.mark.parametrize("label", ["4", "17", "19"])
def test_entries_4_17_19_agree_with_their_records(label):
    # 4: page "381" is the article number; 17, 19: "... & Li, H." / "... & Xin, H. B." after an ellipsis
    assert differences(printed(label), record(int(label))) == ()


@pytest.mark.parametrize("label", ["4", "10", "11", "12", "17", "19", "24"])
def test_review_records_validate_as_search_candidates(label):
    assert validates(printed(label), record(int(label)))


# --------------------------------------------------------------------------------------
# signals


BALDWIN = ref(
    authors=names("Baldwin PR", "Penczek PA"), year="2007", title="The Transform Class in SPARX and EMAN2",
    container_title="J Struct Biol", volume="157", page="250–61",
)
BALDWIN_RECORD = work(
    authors=(Name("Baldwin", "Philip R."), Name("Penczek", "Pawel A.")), year="2007", title="The Transform Class in SPARX and EMAN2",
    container_title="Journal of Structural Biology", volume="157", issue="2", page="250-261", type="journal-article",
)


def test_signals_all_agree_for_the_same_work():
    assert signals(BALDWIN, BALDWIN_RECORD) == {"title": True, "year": True, "volume": True, "author": True, "pages": True}


def test_a_signal_is_none_when_either_side_lacks_the_field():
    found = signals(ref(title="A title of some length", year="2007"), work(title="A title of some length", volume="3", page="1-2"))
    assert found == {"title": True, "year": None, "volume": None, "author": None, "pages": None}


def test_pages_signal_compares_the_first_page_or_the_article_number():
    assert signals(ref(page="381"), work(article_number="381"))["pages"] is True
    assert signals(ref(page="1-19"), work(article_number="45"))["pages"] is False
    assert signals(ref(page="e1002769"), work(page="e1002769"))["pages"] is True


def test_year_one_off_agrees_for_validation():
    assert signals(ref(year="2020"), work(year="2019"))["year"] is True
    assert signals(ref(year="2021"), work(year="2019"))["year"] is False


def test_author_signal_tolerates_a_misspelling_but_not_another_name():
    assert signals(ref(authors=names("Diomedede F")), work(authors=names("Diomede F")))["author"] is True
    assert signals(ref(authors=names("Smith J")), work(authors=names("Jones J")))["author"] is False


# --------------------------------------------------------------------------------------
# validates


def test_the_same_work_validates():
    assert validates(BALDWIN, BALDWIN_RECORD)


def test_same_first_author_and_year_but_another_paper_is_rejected():
    # eLife 00005: Yoon et al. 2005a and 2005b, both Int J Syst Evol Microbiol vol. 55
    printed = ref(authors=names("Yoon J-H", "Kang S-J", "Oh TK"), year="2005a", volume="55", page="1635–1639",
                  title="Algoriphagus locisalis sp. nov., isolated from a marine solar saltern")
    other = work(authors=names("Yoon J-H", "Kang S-J"), year="2005", volume="55", page="865-870",
                 title="Algoriphagus yeomjeoni sp. nov., isolated from a marine solar saltern in the Yellow Sea, Korea")
    assert not validates(printed, other)


def test_another_part_of_a_series_is_rejected():
    printed = ref(authors=names("Douady S"), year="1996", volume="178", page="255-274",
                  title="Phyllotaxis as a dynamical self organizing process Part I: The spiral modes")
    other = work(authors=names("Douady S"), year="1996", volume="178", page="275-294",
                 title="Phyllotaxis as a dynamical self organizing process Part II: The spontaneous formation")
    assert title_similarity(printed.title, other.title) == 0.0
    assert not validates(printed, other)


def test_a_clearly_different_first_author_vetoes_four_agreeing_signals():
    assert not validates(replace(BALDWIN, authors=names("Kimura M")), BALDWIN_RECORD)


def test_two_disagreeing_signals_reject_a_candidate():
    printed = ref(authors=names("Clark IA"), year="1976", title="Protection of mice against Babesia", volume="259", page="309-311")
    other = work(authors=names("Clark IA"), year="1976", title="Protection of mice against Babesia", volume="263", page="57-60")
    assert not validates(printed, other)


def test_without_a_printed_title_nothing_may_disagree():
    printed = ref(authors=names("Smith J"), year="2010", volume="12", page="100-110")
    assert validates(printed, work(authors=names("Smith J"), year="2010", volume="12", page="100-110"))
    assert not validates(printed, work(authors=names("Smith J"), year="2010", volume="12", page="200-210"))


def test_a_book_validates_on_a_very_close_title_with_year_and_author():
    printed = ref(authors=names("Dryden IL", "Mardia KV"), year="2016", title="Statistical shape analysis: with applications in R")
    book = work(authors=names("Dryden IL", "Mardia KV"), year="2016", title="Statistical Shape Analysis", type="book")
    assert validates(printed, book)
    assert not validates(printed, work(year="2016", title="Statistical Shape Analysis", type="book"))  # no author: two signals


def test_a_record_with_only_title_and_journal_validates_on_a_long_near_exact_title_in_that_journal():
    # review.md entry 15 (the first): the confirmed record has nothing but title and journal
    recorded = work(title=FACTS[15]["title"], container_title=FACTS[15]["container"], type="journal-article")
    assert validates(printed("15"), recorded)
    assert not validates(printed("15"), replace(recorded, container_title="Wound Repair and Regeneration"))
    assert not validates(ref(title="Letter to the editor", container_title="BMJ"), work(title="Letter to the Editor", container_title="BMJ"))


# --------------------------------------------------------------------------------------
# differences: quiet on what careful editors treat as the same


def test_no_differences_between_a_printed_reference_and_its_record():
    assert differences(BALDWIN, BALDWIN_RECORD) == ()


@pytest.mark.parametrize(
    "printed, recorded",
    [
        ("Mesenchymal stem cell immunomodulation: mechanisms and therapeutic potential",
         "Mesenchymal Stem Cell Immunomodulation: Mechanisms and Therapeutic Potential"),
        ("Ca2+ signalling in beta cells", "Ca<sup>2+</sup> signalling in <i>beta</i> cells"),
        ("A MathML title x2", "A MathML title <mml:math><mml:msup><mml:mi>x</mml:mi><mml:mn>2</mml:mn></mml:msup></mml:math>"),
        ("Growth factors and their receptors.", "Growth factors and their receptors"),
        ("Mesenchymal stem cells (MSC). identification, proliferation and differentiation",
         "Mesenchymal stem cells (MSC): Identification, Proliferation and Differentiation"),
        ("Cytokines & growth factor signalling in wound repair", "Cytokines and growth factor signalling in wound repair"),
        ("Conditioned secretome of adipose-derived stem cells improves colitis in mice",
         "Conditioned secretome of adipose-derived stem cells improves colitis in mice: a randomised study"),
        ("Conditioned secretome of adipose-derived stem cels improves colitis in mice",
         "Conditioned secretome of adipose-derived stem cells improves colitis in mice"),
        ("Simulated epidemics in a network of 50,185 contacts", "Simulated epidemics in a network of 50 185 contacts"),
    ],
    ids=["case", "html", "mathml", "period", "subtitle-separator", "ampersand", "missing-subtitle", "typo", "thousands"],
)
def test_titles_that_are_the_same(printed, recorded):
    assert differences(ref(title=printed), work(title=recorded)) == ()


@pytest.mark.parametrize(
    "printed, recorded",
    [
        ("SMOLINSKÁ V", "Smolinská Veronika"),
        ("Sorensen K", "Sørensen Kim"),
        ("Berg J", "van der Berg Jan"),
        ("van der Berg J", "Berg Jan"),
        ("Sendon Lago J", "Sendon-Lago Juan"),
        ("Abu Kasim N", "Kasim Noor"),
        ("Wei Z", "Zhang Wei"),
    ],
    ids=["capitals-diacritics", "o-slash", "particle-dropped", "particle-kept", "hyphen", "record-split", "given-name-first"],
)
def test_first_authors_that_are_the_same(printed, recorded):
    family, given = recorded.rsplit(" ", 1)
    printed_family, initials = printed.rsplit(" ", 1)
    assert differences(ref(authors=(Name(printed_family, initials),)), work(authors=(Name(family, given),))) == ()


def test_initials_are_never_compared_with_given_names():
    assert differences(ref(authors=names("Smith J", "Lee K")), work(authors=names("Smith Robert", "Lee Anne"))) == ()


def test_a_record_with_fewer_authors_than_printed_is_not_a_difference():
    assert differences(ref(authors=names("Smolinská V", "Boháč M", "Danišovič E")), work(authors=names("Smolinská V."))) == ()


def test_et_al_and_ellipsis_truncation_are_not_differences():
    record_authors = names("Lee S", "Heo J", "Ahn E", "Kim J", "Kim Y", "Chang H", "Lee S", "Kim J", "Park S")
    et_al = ref(authors=names("Lee S", "Heo J", "Ahn E"), authors_truncated=True)
    ellipsis = ref(authors=names("Lee S", "Heo J", "Ahn E", "Kim J", "Kim Y", "Chang H", "Park S"), authors_truncated=True)
    assert differences(et_al, work(authors=record_authors)) == ()
    assert differences(ellipsis, work(authors=record_authors)) == ()


@pytest.mark.parametrize(
    "printed, recorded",
    [
        ("J Struct Biol", "Journal of Structural Biology"),
        ("Cytokine & growth factor reviews", "Cytokine & Growth Factor Reviews"),
        ("The international journal of lower extremity wounds", "The International Journal of Lower Extremity Wounds"),
        ("Proc Natl Acad Sci", "Proceedings of the National Academy of Sciences"),
        ("Stem Cell Research & Therapy", "Stem Cell Research &amp; Therapy"),
    ],
)
def test_journal_names_that_are_the_same(printed, recorded):
    assert same_container(printed, recorded)
    assert differences(ref(container_title=printed), work(container_title=recorded, type="journal-article")) == ()


def test_a_journal_is_not_another_journal_that_starts_with_its_name():
    assert not same_container("Cell", "Cell Reports")
    assert not same_container("J Cell Biol", "Journal of Cellular Biochemistry")


def test_book_chapters_are_quiet_on_the_container():
    # printed container is the book; the record's container titles are the series and the book
    chapter = ref(container_title="Stem cells in regenerative medicine")
    assert differences(chapter, work(container_title="Methods in Molecular Biology", type="book-chapter")) == ()
    series_and_book = ("Methods in Molecular Biology", "Stem Cells in Regenerative Medicine")
    assert differences(chapter, work(container_title=series_and_book[0], container_titles=series_and_book)) == ()


@pytest.mark.parametrize(
    "printed, recorded",
    [("250–61", "250-261"), ("1761–1800", "1761-1800"), ("pp. 12-15", "12-15"), ("S233-245", "S233-S245"), ("3342-3356", "3342")],
    ids=["abbreviated-end", "en-dash", "pp", "abbreviated-prefix", "record-start-only"],
)
def test_pages_that_are_the_same(printed, recorded):
    assert differences(ref(page=printed), work(page=recorded)) == ()


def test_a_single_printed_number_that_is_the_article_number_is_not_a_difference():
    assert differences(ref(page="381"), work(article_number="381")) == ()


def test_a_field_missing_on_either_side_is_never_a_difference():
    printed = ref(authors=names("Smith J"), year="2019", title="A title of some length", container_title="Nature", volume="1", page="3-4")
    recorded = work(authors=names("Jones K"), year="2001", title="Another title", container_title="Science", volume="9", page="7")
    assert differences(printed, work()) == ()
    assert differences(ref(), recorded) == ()


# --------------------------------------------------------------------------------------
# differences: what is reported


def test_any_year_difference_is_reported_even_one_year():
    assert differences(ref(year="2020"), work(year="2019")) == (("year", "2020", "2019"),)
    assert differences(ref(year="2019a"), work(year="2019")) == ()


def test_a_different_first_author_is_reported():
    assert differences(ref(authors=names("Smyth J")), work(authors=names("Smith John"))) == (("author", "Smyth, J", "Smith, J."),)


def test_a_later_author_is_compared_only_with_the_record_author_at_the_same_position():
    printed = ref(authors=names("Rajan T", "Giacoppo S", "Trubiani O", "Diomedede F"))
    recorded = work(authors=names("Rajan Thangavelu", "Giacoppo Sabrina", "Trubiani Oriana", "Diomede Francesca"))
    assert differences(printed, recorded) == (("author-spelling", "Diomedede, F", "Diomede, F."),)


def test_an_author_missing_from_the_printed_list_does_not_shift_every_name_after_it():
    printed = ref(authors=names("Smith J", "Brown K", "Lee M"))
    assert differences(printed, work(authors=names("Smith J", "Wang H", "Brown K", "Lee M"))) == ()


def test_a_title_of_another_work_is_reported_without_the_record_markup():
    printed, recorded = "Cell-free therapy in regenerative medicine", "Hypoxic preconditioning of <i>stem</i> cells"
    assert differences(ref(title=printed), work(title=recorded)) == (("title", printed, "Hypoxic preconditioning of stem cells"),)


def test_another_journal_is_reported_for_journal_articles():
    found = differences(ref(container_title="Pharmaceutics"), work(container_title="Pharmaceuticals", type="journal-article"))
    assert found == (("container", "Pharmaceutics", "Pharmaceuticals"),)


def test_volume_and_issue_differences_are_reported():
    assert differences(ref(volume="13", issue="8"), work(volume="14", issue="9")) == (("volume", "13", "14"), ("issue", "8", "9"))


def test_a_supplement_issue_is_the_same_however_it_is_written():
    assert differences(ref(issue="Suppl 3"), work(issue="S3")) == ()


def test_a_start_page_alone_where_the_record_has_a_range_is_reported():
    assert differences(ref(page="S233"), work(page="S233-S245")) == (("page", "S233", "S233-S245"),)


def test_another_first_page_is_reported():
    assert differences(ref(page="136-153"), work(page="163-173")) == (("page", "136-153", "163-173"),)


def test_a_page_range_printed_for_an_article_number_is_reported_as_page():
    # entry 23 of review.md: "15(1), 1-19" where BMC journals register an article number
    assert differences(ref(page="1-19"), work(article_number="45")) == (("page", "1-19", "article 45"),)


def test_another_article_number_is_reported():
    assert differences(ref(page="381"), work(article_number="382")) == (("article-number", "381", "382"),)
    assert differences(ref(article_number="1234"), work(article_number="1243")) == (("article-number", "1234", "1243"),)


def test_differences_come_in_a_fixed_field_order():
    printed = ref(
        authors=names("Smyth J", "Lee K"), year="2018", title="Completely unrelated words here", container_title="Nature",
        volume="1", issue="2", page="10",
    )
    recorded = work(
        authors=names("Smith J", "Leee K"), year="2019", title="Mesenchymal stromal cell secretome", container_title="Science",
        volume="3", issue="4", page="10-20", type="journal-article",
    )
    assert [field for field, _, _ in differences(printed, recorded)] == [
        "year", "author", "author-spelling", "title", "container", "volume", "issue", "page",
    ]
