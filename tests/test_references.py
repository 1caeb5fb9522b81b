"""parse_reference: one reference-list entry's text -> a Reference with parsed fields.

Real strings throughout: the reference list of review.md (the sample manuscript) and entries
from the JATS corpus in ../shared/corpus (eLife, PLOS, BMC, F1000, bioRxiv, Citizen Science).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from refcheck.model import Name, Source  # noqa: E402
from refcheck.readers import references  # noqa: E402
from refcheck.readers.references import parse_reference  # noqa: E402
from tests.timing import Stopwatch  # noqa: E402


def parse(text: str, *, label: str | None = None, id: str = "r1"):
    """Parse a whole string as one entry."""
    return parse_reference(Source("refs.md", text), 0, len(text), id=id, label=label)


# --------------------------------------------------------------------------------------
# review.md: every entry of its reference list

REVIEW = (ROOT / "review.md").read_text(encoding="utf-8")
_ENTRY = re.compile(r"^(\d+)\. (.+)$", re.M)


def review_entries():
    """(label, Reference) for each numbered entry after "References:", as the reader calls it."""
    source = Source("review.md", REVIEW)
    start = REVIEW.index("References:\n")
    out = []
    for k, m in enumerate(_ENTRY.finditer(REVIEW, start)):
        ref = parse_reference(source, m.start(2), m.end(2), id=f"ref{k + 1}", label=m.group(1))
        out.append((m.group(1), ref))
    return out


ENTRIES = review_entries()

# label, first family name, year, volume, page  (entry 3: its first work; 8: the fragment)
REVIEW_EXPECTED = [
    ("1", "Gunawardena", "2019", "13", "569-586"),
    ("2", "Gnecchi", "2009", None, "281-294"),
    ("3", "Sandhaanam", "2013", None, None),
    ("4", "Alvites", "2022", "14", "381"),
    ("5", "Ntege", "2020", "14", "136-153"),
    ("6", "Chang", "2021", "10", "2001689"),
    ("7", "Kumar", "2019", "46", "1-9"),
    ("8", None, None, "369", "110283"),
    ("9", "Heidari", "2018", "233", "8754-8766"),
    ("10", "Sendon-Lago", "2021", "13", "1127"),
    ("11", "SMOLINSKÁ", "2023", "72", "S233"),
    ("12", "Noverina", "2019", "24", "34-44"),
    ("13", "Yu", "2021", "41", "505-524"),
    ("14", "Rajan", "2016", "349", "152-161"),
    ("15", "Li", "2015", "14", "73-86"),
    ("15", "Seetharaman", "2019", "2019", None),
    ("16", "Nazemian", "2018", "64", "19-26"),
    ("17", "Shen", "2015", "12", "20-30"),
    ("18", "Ra", "2021", "10", "268"),
    ("19", "Tan", "2021", "12", "364"),
    ("20", "Karimi", "2024", "24", "6"),
    ("21", "Ma", "2021", "12", "6434-6447"),
    ("22", "Liu", "2018", "23", "728-736"),
    ("23", "Choi", "2024", "15", "1-19"),
    ("24", "Lee", "2021", "27", "3342"),
]


def test_review_list_has_25_entries_with_two_labelled_15():
    assert [label for label, _ in ENTRIES] == [e[0] for e in REVIEW_EXPECTED]


@pytest.mark.parametrize(("index", "expected"), list(enumerate(REVIEW_EXPECTED)), ids=lambda v: str(v))
def test_review_entry_first_author_year_volume_page(index, expected):
    label, family, year, volume, page = expected
    got_label, ref = ENTRIES[index]
    assert (got_label, ref.first_author, ref.year, ref.volume, ref.page) == (label, family, year, volume, page)


def test_review_entries_keep_raw_text_span_and_label():
    source = Source("review.md", REVIEW)
    for label, ref in ENTRIES:
        assert ref.raw == REVIEW[ref.span.start : ref.span.end]
        assert ref.label == label
        assert source.line_text(ref.span.line).startswith(f"{label}. ")


def test_review_entry_1_bold_markup_is_stripped_from_title_and_container():
    ref = ENTRIES[0][1]
    assert ref.authors == (
        Name("Gunawardena", "T. N. A."),
        Name("Rahman", "M. T."),
        Name("Abdullah", "B. J. J."),
        Name("Abu Kasim", "N. H."),
    )
    assert ref.title == (
        "Conditioned media derived from mesenchymal stem cell cultures. "
        "The next generation for regenerative medicine"
    )
    assert ref.container_title == "Journal of tissue engineering and regenerative medicine"
    assert ref.issue == "4"
    assert ref.confidence >= 0.9


def test_review_entry_2_book_chapter_has_pages_but_no_volume():
    ref = ENTRIES[1][1]
    assert [a.family for a in ref.authors] == ["Gnecchi", "Melo"]
    assert ref.container_title == "Stem cells in regenerative medicine"


def test_review_entry_3_holds_two_works_as_parts():
    label, ref = ENTRIES[2]
    first, second = ref.parts
    # top level: the first work, over the whole entry
    assert (ref.first_author, ref.year) == ("Sandhaanam", "2013")
    assert ref.raw.startswith("**Sandhaanam") and ref.raw.endswith("653-664.")
    # each part is a Reference over its own share of the text
    assert (first.id, first.label) == ("ref3.1", "3")
    assert first.raw == (
        "**Sandhaanam, S. D., Pathalam, G., Dorairaj, S., & Savariar, V. (2013). "
        "Mesenchymal stem cells (MSC). identification, proliferation and differentiation.**"
    )
    assert first.title == "Mesenchymal stem cells (MSC). identification, proliferation and differentiation"
    assert (second.id, second.label) == ("ref3.2", "3")
    assert second.raw.startswith("Song, N., Scholtemeijer, M., & Shah, K. (2020).")
    assert [a.family for a in second.authors] == ["Song", "Scholtemeijer", "Shah"]
    assert (second.year, second.volume, second.issue, second.page) == ("2020", "41", "9", "653-664")
    assert second.container_title == "Trends in pharmacological sciences"
    assert REVIEW[second.span.start : second.span.end] == second.raw
    assert ref.confidence < 0.9


def test_review_entry_8_fragment_has_no_authors_no_year_and_low_confidence():
    ref = ENTRIES[7][1]
    assert ref.authors == ()
    assert ref.year is None
    assert ref.parts == ()
    assert ref.confidence < 0.5
    assert ref.container_title == "Chemico-Biological Interactions"


def test_review_entry_10_ellipsis_keeps_names_before_and_the_last_name_after():
    ref = ENTRIES[9][1]
    assert ref.authors_truncated
    assert ref.authors[:2] == (Name("Sendon-Lago", "J."), Name("Rio", "L. G. D."))
    assert ref.authors[-1] == Name("Landin", "M.")
    assert len(ref.authors) == 7


def test_review_entry_11_all_caps_names_with_diacritics_and_supplement_issue():
    ref = ENTRIES[10][1]
    assert [a.family for a in ref.authors] == ["SMOLINSKÁ", "BOHÁČ", "DANIŠOVIČ"]
    assert (ref.issue, ref.page, ref.article_number) == ("Suppl 3", "S233", None)


def test_review_single_numbers_in_the_pages_slot_go_to_page_not_article_number():
    for index in (3, 5, 23):  # 381, 2001689, 3342
        ref = ENTRIES[index][1]
        assert ref.page is not None and ref.article_number is None


def test_no_entry_of_review_except_3_is_split():
    assert [label for label, ref in ENTRIES if ref.parts] == ["3"]


def test_review_complete_entries_are_confident():
    for label, ref in ENTRIES:
        if label not in {"3", "8"}:
            assert ref.confidence >= 0.8, label


# --------------------------------------------------------------------------------------
# Styles from the corpus


def test_elife_author_year_then_journal_volume_pages():
    ref = parse("Baldwin PR, Penczek PA. 2007. The Transform Class in SPARX and EMAN2. J Struct Biol 157:250–61.")
    assert ref.authors == (Name("Baldwin", "PR"), Name("Penczek", "PA"))
    assert ref.year == "2007"
    assert ref.title == "The Transform Class in SPARX and EMAN2"
    assert ref.container_title == "J Struct Biol"
    assert (ref.volume, ref.page) == ("157", "250–61")  # printed form, en dash kept


def test_elife_year_suffix_and_hyphenated_initials():
    ref = parse(
        "Yoon J-H, Kang S-J, Jung S-Y, Lee C-H, Oh TK. 2005b. Algoriphagus yeomjeoni sp. nov., isolated from a "
        "marine solar saltern in the Yellow Sea, Korea. Int J Syst Evol Microbiol 55(Pt 2):865–870."
    )
    assert ref.authors[0] == Name("Yoon", "J-H")
    assert ref.year == "2005b"
    assert ref.title.endswith("Yellow Sea, Korea")  # "sp. nov., isolated" is not a sentence end
    assert (ref.container_title, ref.volume, ref.issue, ref.page) == ("Int J Syst Evol Microbiol", "55", "Pt 2", "865–870")


def test_elife_lower_case_journal_and_doi():
    ref = parse(
        "Schuman MC, Barthel K, Baldwin IT. 2012. Herbivory-induced volatiles function as defenses increasing "
        "fitness of the native plant Nicotiana attenuata in nature. eLife 1:e00007. doi:10.7554/eLife.00007"
    )
    assert ref.container_title == "eLife"
    assert (ref.volume, ref.page) == ("1", "e00007")
    assert ref.doi == "10.7554/eLife.00007"


def test_vancouver_dotted_initials_and_year_before_volume():
    ref = parse(
        "Visvader J. E. Keeping abreast of the mammary epithelial hierarchy and breast tumorigenesis. "
        "Genes Dev. 2009;23:2563–2577."
    )
    assert ref.authors == (Name("Visvader", "J. E."),)
    assert ref.title == "Keeping abreast of the mammary epithelial hierarchy and breast tumorigenesis"
    assert (ref.container_title, ref.year, ref.volume, ref.page) == ("Genes Dev", "2009", "23", "2563–2577")


def test_vancouver_hyphenated_family_half_dotted_initials_and_et_al():
    ref = parse(
        "Asselin-Labat M. L, Shackleton M, Stingl J, Vaillant F, Forrest N. C, et al. Steroid hormone receptor "
        "status of mouse mammary stem cells. J Natl Cancer Inst. 2006;98:1011–1014."
    )
    assert ref.authors[0] == Name("Asselin-Labat", "M. L")
    assert ref.authors[-1] == Name("Forrest", "N. C")
    assert ref.authors_truncated
    assert (ref.container_title, ref.year, ref.volume, ref.page) == ("J Natl Cancer Inst", "2006", "98", "1011–1014")


def test_vancouver_particle_in_family_name():
    ref = parse(
        "de Chastellier C. The many niches and strategies used by pathogenic mycobacteria for survival within "
        "host macrophages. Immunobiology. 2009;214:526–542."
    )
    assert ref.authors == (Name("de Chastellier", "C"),)
    assert (ref.container_title, ref.year) == ("Immunobiology", "2009")


def test_bmc_doi_after_pages():
    ref = parse(
        "Avery SV. Microbial cell individuality and the underlying sources of heterogeneity. Nat Rev Microbiol. "
        "2006;4:577–587. doi:10.1038/nrmicro1460"
    )
    assert (ref.first_author, ref.year, ref.volume, ref.page) == ("Avery", "2006", "4", "577–587")
    assert ref.doi == "10.1038/nrmicro1460"


def test_f1000_et_al_colon_and_bare_doi():
    ref = parse(
        "Bellard C, Bertelsmeier C, Leadley P et al.: Impacts of climate change on the future of biodiversity. "
        "Ecol Lett. 2012;15(4):365–377. 10.1111/j.1461-0248.2011.01736.x"
    )
    assert [a.family for a in ref.authors] == ["Bellard", "Bertelsmeier", "Leadley"]
    assert ref.authors_truncated
    assert ref.title == "Impacts of climate change on the future of biodiversity"
    assert (ref.container_title, ref.volume, ref.issue, ref.page) == ("Ecol Lett", "15", "4", "365–377")
    assert ref.doi == "10.1111/j.1461-0248.2011.01736.x"


def test_plos_parenthesised_year_and_trailing_pmid():
    ref = parse(
        "Pastor-Satorras R, Vespignani A (2001) Epidemic spreading in scale-free networks. Phys Rev Lett "
        "86:3200–3203. doi: 10.1103/PhysRevLett.86.3200 11290142"
    )
    assert (ref.first_author, ref.year, ref.container_title) == ("Pastor-Satorras", "2001", "Phys Rev Lett")
    assert ref.doi == "10.1103/PhysRevLett.86.3200"


def test_plos_electronic_page_number_is_kept_in_page():
    ref = parse("Archer D (2005) Fate of fossil fuel CO 2 in geologic time. J Geophys Res 110: C09S05.")
    assert (ref.volume, ref.page, ref.article_number) == ("110", "C09S05", None)


def test_apa_with_ellipsis_of_spaced_dots_and_doi():
    ref = parse(
        "Adams, G. L., Pall, P. S., Grauer, S. M., Zhou, X., Ballard, J. E., Vavrek, M., . . . Tellers, D. M. "
        "(2022). Development of ProTx-II Analogues as Highly Selective Peptide Blockers of Nav1.7 for the "
        "Treatment of Pain. J Med Chem, 65(1), 485–496. doi:10.1021/acs.jmedchem.1c01570"
    )
    assert ref.authors[-1] == Name("Tellers", "D. M.")
    assert ref.authors_truncated
    assert ref.container_title == "J Med Chem"
    assert (ref.volume, ref.issue, ref.page) == ("65", "1", "485–496")
    assert ref.doi == "10.1021/acs.jmedchem.1c01570"


def test_citizen_science_dotted_initials_without_spaces():
    ref = parse(
        "Blanch D.C., Hall J.A., Roter D.L., Frankel R.M. 2008. Medical student gender and issues of confidence. "
        "Patient Education and Counseling 72:374–381. doi:10.1016/j.pec.2008.05.021"
    )
    assert ref.authors[0] == Name("Blanch", "D.C.")
    assert (ref.year, ref.container_title, ref.volume) == ("2008", "Patient Education and Counseling", "72")


def test_group_author_before_parenthesised_year():
    ref = parse("The R Project for Statistical Computing (2015) R [computer program]. Available: http://www.r-project.org. Accessed 8 January 2015.")
    assert ref.authors == (Name("The R Project for Statistical Computing", ""),)
    assert ref.year == "2015"
    assert ref.url == "http://www.r-project.org"


def test_given_names_first_and_year_at_the_end():
    ref = parse("J. P. COLLMAN, J. P. BRAUMAN, T. J. COLLINS, B. IVERSON et J. L. SESSLER. J. Am. Chem. Soc. 103, 2450 (1981);")
    assert ref.authors[0] == Name("COLLMAN", "J. P.")
    assert ref.authors[-1] == Name("SESSLER", "J. L.")
    assert (ref.year, ref.volume, ref.page) == ("1981", "103", "2450")
    assert ref.container_title == "J. Am. Chem. Soc"


def test_names_with_particles_and_compound_families():
    ref = parse(
        "van der Berg, J. A., de la Cruz, M., & Garcia-del Rio, L. (2019). A title. *Journal of Things*, 3(1), 1-2."
    )
    assert [a.family for a in ref.authors] == ["van der Berg", "de la Cruz", "Garcia-del Rio"]
    assert ref.container_title == "Journal of Things"


def test_cjk_journal_name_in_vancouver_entry():
    ref = parse("MacLeod N. Morphometrics: History, development methods and prospects. 动物分类学报. 2017;42(1):4–33.")
    assert (ref.first_author, ref.year, ref.container_title) == ("MacLeod", "2017", "动物分类学报")


def test_book_chapter_with_editors_is_not_split():
    ref = parse(
        "Solon, G. (1999). Chapter 29. Intergenerational mobility in the labor market. In O. C. A. and D. Card "
        "(Ed.), Handbook of labor economics (Vol. 3, Part A, pp. 1761–1800). London: Elsevier."
    )
    assert ref.parts == ()
    assert (ref.first_author, ref.year, ref.page) == ("Solon", "1999", "1761–1800")
    assert ref.container_title == "Handbook of labor economics"


def test_titles_with_years_names_and_colons_are_not_split():
    for text in (
        "Hulme M, Jenkins G. 1998. Climate change scenarios for the United Kingdom: scientific report 1998. Norwich: UEA.",
        "Smith, J. (2010). Darwin, C. (1859) revisited: On the Origin of Species. *Evolution*, 64(1), 1-10.",
        "Amarante V, Espino A. 2004. La segregación ocupacional de género. Uruguay, 1990-2000. Desarrollo Económico 44:109–129.",
        "Schwartz JH, Tattersall I. Comment on “A complete skull from Dmanisi, Georgia”. Science (New York, NY). 2014;344(6182):360.",
    ):
        assert parse(text).parts == (), text


def test_in_press_and_no_date_years():
    assert parse("Smith, J. (in press). A title. *Journal*.").year == "in press"
    assert parse("Smith, J. (n.d.). A title. Retrieved from https://example.org").year == "n.d."


def test_doi_is_normalised_from_url_form_and_trailing_punctuation():
    ref = parse("Lee, K. (2020). Title. *Journal*, 1(2), 3-4. https://doi.org/10.1016/S0022-5193(75)80014-2.")
    assert ref.doi == "10.1016/S0022-5193(75)80014-2"
    assert ref.url is None


def test_article_number_only_when_labelled():
    ref = parse("Kim, J. (2020). Title here. *Scientific Reports*, 10, Article 1234.")
    assert (ref.article_number, ref.page) == ("1234", None)


def test_merged_elife_style_entry_is_split():
    ref = parse(
        "Baldwin PR, Penczek PA. 2007. The Transform Class in SPARX and EMAN2. Boyer LA, Latek RR, Peterson CL. "
        "2004. The SANT domain: a unique histone-tail-binding module? Nat Rev Mol Cell Biol 5:158–63.",
        id="b1",
    )
    assert [(p.id, p.first_author, p.year) for p in ref.parts] == [("b1.1", "Baldwin", "2007"), ("b1.2", "Boyer", "2004")]


def test_title_words_are_not_taken_for_authors():
    for text in (
        "Lytic mode of lambda development. Lambda II. 1983;21–51.",
        "breast cancer cells in vitro. Chemico-Biological Interactions, 369, 110283.",
        "Meet Nesher Ramla Homo: New form of human found [press release]. The Times. 2021.",
    ):
        assert parse(text).authors == (), text


def test_span_and_raw_for_an_entry_inside_a_larger_text():
    text = "References\n\n1. Arms WY. Digital libraries. 2000.\n2. Next"
    start = text.index("Arms")
    end = text.index("\n2.")
    ref = parse_reference(Source("m.md", text), start, end, id="ref1", label="1")
    assert ref.raw == "Arms WY. Digital libraries. 2000."
    assert (ref.span.line, ref.span.column, ref.span.start, ref.span.end) == (3, 4, start, end)
    assert (ref.first_author, ref.year, ref.title) == ("Arms", "2000", "Digital libraries")


def test_entry_wrapping_over_lines_with_html():
    ref = parse("Kim, Y. (2020). Ca<sup>2+</sup> signalling in cells.\n   *Cell Calcium*, 5(1), 1-9.")
    assert ref.title == "Ca2+ signalling in cells"
    assert ref.container_title == "Cell Calcium"


# --------------------------------------------------------------------------------------
# Robustness


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.data())
def test_arbitrary_text_never_raises_and_raw_is_the_slice(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    source = Source("x.md", text)
    # the internal parse, so that a bug is not hidden by parse_reference's safety net
    ref = references._build(source, start, end, "r", None, True)
    assert ref.raw == text[start:end]
    assert (ref.span.start, ref.span.end) == (start, end)
    assert 0.0 <= ref.confidence <= 1.0
    for part in ref.parts:
        assert part.raw == text[part.span.start : part.span.end]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Smith", "J.", "A", ",", ", ", ". ", "&", " ", "(2019)", "2019;", "12(3)", ":", "45-67", "*", "**",
             "et al.", "...", "van", "de", "doi:10.1/x", "In:", "(eds)", "Title", "ÉÁ", "Ö", "\n", "_", "<sup>"]
        ),
        max_size=60,
    )
)
def test_reference_like_noise_never_raises(tokens):
    text = "".join(tokens)
    ref = references._build(Source("x.md", text), 0, len(text), "r", None, True)
    assert ref.raw == text


def test_long_pathological_input_is_fast():

    texts = [
        "A" * 5000,
        "Smith, J., " * 400 + "(2019).",
        "Aa Bb Cc Dd " * 500,
        "J. " * 2000,
        "1" * 3000 + "-" + "2" * 3000,
        "Xx Y, " * 800,
        ("a. " * 2000) + "B",
    ]
    with Stopwatch() as watch:
        for text in texts:
            parse(text)
    watch.assert_within(2.0, "parsing them")  # reference seconds (tests/timing.py)


@pytest.mark.parametrize(
    "text, family",
    [
        ("WHO. 2014. Severe malaria. Tropical Medicine & International Health 19:7–131.", "WHO"),
        ("R Core Team. 2012. R: a Language and environment for statistical computing.", "R Core Team"),
        ("World Bank. 2016. World development indicators. Washington, DC.", "World Bank"),
    ],
)
def test_group_authors_before_the_year(text, family):
    ref = parse_reference(Source("x.md", text), 0, len(text), id="r1", label=None)
    assert [a.family for a in ref.authors] == [family]


@pytest.mark.parametrize(
    "text, authors, year",
    [
        # a generational suffix glued by a hyphen stays with the surname
        ("Ghizoni-Jr., I.R. & Azevedo, M.A.G. 2006. Composição de bandos mistos de aves. Biotemas, 19(2): 47-53.",
         [("Ghizoni-Jr.", "I.R."), ("Azevedo", "M.A.G.")], "2006"),
        # organisations with the small words of their language and an acronym in parentheses
        ("Instituto Brasileiro de Geografia e Estatística (IBGE). 2012. Manual técnico da vegetação brasileira. Rio de Janeiro, IBGE.",
         [("Instituto Brasileiro de Geografia e Estatística (IBGE)", "")], "2012"),
        ("Empresa de Pesquisa Agropecuária e Extensão Rural de Santa Catarina (EPAGRI). 2001. Dados e informações biofísicas. Florianópolis.",
         [("Empresa de Pesquisa Agropecuária e Extensão Rural de Santa Catarina (EPAGRI)", "")], "2001"),
        # two organisations joined by "&"
        ("Instituto Brasileiro do Meio Ambiente e dos Recursos Naturais Renováveis (IBAMA) & Ministério do Meio Ambiente (MMA). "
         "2004. Plano de Manejo do Parque Nacional. Brasília, MMA.",
         [("Instituto Brasileiro do Meio Ambiente e dos Recursos Naturais Renováveis (IBAMA)", ""), ("Ministério do Meio Ambiente (MMA)", "")], "2004"),
    ],
)
def test_suffixed_surnames_and_organisations_with_acronyms(text, authors, year):
    ref = parse(text)
    assert [(a.family, a.given) for a in ref.authors] == authors
    assert ref.year == year


def _authors(text: str) -> list[tuple[str, str]]:
    return [(a.family, a.given) for a in parse(text).authors]


@pytest.mark.parametrize(
    "text, authors",
    [
        # ABNT: the given names written out, with particles inside and at the end
        ("BANIWA, Gersem dos Santos Luciano. O Índio brasileiro: o que você precisa saber. Brasília, DF: MEC; Unesco, 2006.",
         [("BANIWA", "Gersem dos Santos Luciano")]),
        ("SILVA, Maria Beatriz Nizza da. Cultura letrada e cultura oral no Rio de Janeiro dos vice-reis. São Paulo: Editora Unesp, 2013.",
         [("SILVA", "Maria Beatriz Nizza da")]),
        ("FERREIRA, Aurélio Buarque de Holanda. Minidicionário Século XXI Escolar. Rio de Janeiro: Nova Fronteira, 2001.",
         [("FERREIRA", "Aurélio Buarque de Holanda")]),
        # a full name, then initials
        ("BASSET, Gilbert; KOENKER, R. Regression quantiles. Econometrica, v. 46, n. 1, p. 33-50, 1978",
         [("BASSET", "Gilbert"), ("KOENKER", "R.")]),
        # an editor's mark after the name
        ("ARAÚJO, Ana Cristina (Coord.). A universidade pombalina: ciência, território e coleções científicas. Coimbra: Imprensa da Universidade, 2017.",
         [("ARAÚJO", "Ana Cristina")]),
        # a surname's particle printed after the initials
        ("GABRIEL JÚNIOR, R. F.; SOUSA, A. T. de; SILVA, M. C. da. Inovação na Ciência da Informação. Informação & Sociedade, v. 30, 2020.",
         [("GABRIEL JÚNIOR", "R. F."), ("SOUSA", "A. T. de"), ("SILVA", "M. C. da")]),
    ],
)
def test_abnt_full_given_names_and_trailing_particles(text, authors):
    assert _authors(text) == authors


@pytest.mark.parametrize(
    "text, authors",
    [
        ("ACOSTA PEREIRA, R.; RODRIGUES, R. H. O conceito de valoração nos estudos do círculo de Bakhtin. Linguagem em (Dis)curso, v. 14, n. 1, p. 177-194, 2014.",
         [("ACOSTA PEREIRA", "R."), ("RODRIGUES", "R. H.")]),
        ("MARTÍN GARCÍA, J. A. Los filósofos cínicos y la literatura moral serioburlesca. Madrid: Akal, 2008.",
         [("MARTÍN GARCÍA", "J. A.")]),
        ("VAN DIJK, T. Principles of critical discourse analysis. Discourse & Society, v. 4, n. 2, p. 249-283, 1993.",
         [("VAN DIJK", "T.")]),
        ("VON KROGH, G.; ICHIJO, K.; NONAKA, I. Facilitando a criação de conhecimento. Rio de Janeiro: Campus, 2001.",
         [("VON KROGH", "G."), ("ICHIJO", "K."), ("NONAKA", "I.")]),
        ("WERNECK, F.P., NOGUEIRA, C., COLLI, G.R., SITES JR, J.W. & COSTA, G.C. 2012. Climatic stability in the Brazilian Cerrado. J Biogeogr 39:1695-1706.",
         [("WERNECK", "F.P."), ("NOGUEIRA", "C."), ("COLLI", "G.R."), ("SITES JR", "J.W."), ("COSTA", "G.C.")]),
        ("QUIGLEY, JR., Martin. Magic Shadows: The Story of the Origin of Motion Pictures. Washington, D.C.: Georgetown University Press, 1948.",
         [("QUIGLEY", "Martin, JR.")]),
        # capitals without commas between surname and initials (Brazilian Journal of Biology)
        ("SALIM B., DE MEEÛS T., BAKHEIT M.A. 2011. Population genetics of Trypanosoma evansi from camel in the Sudan. PLoS Negl Trop Dis 5:e1196.",
         [("SALIM", "B."), ("DE MEEÛS", "T."), ("BAKHEIT", "M.A.")]),
        ("VAN VINH CHAU N., BUU CHAU L., DESQUESNES M. 2016. A clinical and epidemiological investigation of the first reported human infection. Clin Infect Dis 62:1002-1008.",
         [("VAN VINH CHAU", "N."), ("BUU CHAU", "L."), ("DESQUESNES", "M.")]),
        ("ABD EL-BAKY A.A., SALEM S.I. 2011. Clinicopathological and cytological studies on naturally infected camels. Global Veterinaria 7:1-8.",
         [("ABD EL-BAKY", "A.A."), ("SALEM", "S.I.")]),
    ],
)
def test_compound_surnames_in_capitals_particles_and_suffixes(text, authors):
    assert _authors(text) == authors


@pytest.mark.parametrize(
    "text, authors, year",
    [
        # U+2010 HYPHEN inside a surname
        ("Batista‐Brito R, Fishell G. 2009. The developmental integration of cortical interneurons. Current Topics in Developmental Biology 87:81–118.",
         [("Batista-Brito", "R"), ("Fishell", "G")], "2009"),
        ("Sánchez‐Moreno, C., Larrauri, J.A. & Saura‐Calixto, F. 1998. A procedure to measure the antiradical efficiency of polyphenols. J Sci Food Agric 76:270-276.",
         [("Sánchez-Moreno", "C."), ("Larrauri", "J.A."), ("Saura-Calixto", "F.")], "1998"),
        # spaced initials without full stops
        ("Anderson R P. 2006. Novel methods improve prediction of species’ distributions from occurrence data. Ecography 29:129–151.",
         [("Anderson", "R P")], "2006"),
        # a hyphenated given name written out, in a list of initials
        ("Takemura Shin-Ya, Bharioke A, Lu Z, Nern A. 2013. A visual motion detection circuit suggested by Drosophila connectomics. Nature 500:175–181.",
         [("Takemura", "Shin-Ya"), ("Bharioke", "A"), ("Lu", "Z"), ("Nern", "A")], "2013"),
    ],
)
def test_unicode_hyphens_spaced_initials_and_written_out_given_names(text, authors, year):
    ref = parse(text)
    assert [(a.family, a.given) for a in ref.authors] == authors
    assert ref.year == year


@pytest.mark.parametrize(
    "text",
    [
        "SMITH JAB, LI K, WU H. 2001. A title of a paper. J Biol 1:1-10.",  # three initials, not a compound
        "Smith, J., Lee, K., & Wu, H. (2019). A title of a paper. J Biol, 1, 1-10.",
    ],
)
def test_compound_capitals_do_not_swallow_initials(text):
    assert [a.family for a in parse(text).authors] in (["SMITH", "LI", "WU"], ["Smith", "Lee", "Wu"])


@pytest.mark.parametrize(
    "text, family, year",
    [
        # a single name or an organisation in capitals, up to the first full stop
        ("PLUTARCO. Sobre la tranquilidad del alma. In: Obras morales y de costumbres (Moralia). Madrid: Gredos, 2003.", "PLUTARCO", "2003"),
        ("DIÓN DE PRUSA. Discursos I - XI. Madrid: Gredos, 1988.", "DIÓN DE PRUSA", "1988"),
        ("WORLD BANK. Global economic prospects. Washington, DC: World Bank, Jun. 2023a.", "WORLD BANK", "2023a"),
        ("SÃO PAULO (Estado). Secretaria da Educação. Relatório pedagógico: SARESP 2011 – matemática. São Paulo, 2011.", "SÃO PAULO (Estado)", "2011"),
        ("BRASIL. Lei nº 9.985, de 18 de julho de 2000. Institui o Sistema Nacional de Unidades de Conservação da Natureza.", "BRASIL", "2000"),
        ("Ministério do Meio Ambiente. Portaria nº 443, de 17 de dezembro de 2014. Brasília, 2014.", "Ministério do Meio Ambiente", "2014"),
        # an acronym before a dash or in brackets
        ("NBS – National Bureau of Statistics of China. National data. Beijing: NBS, 2024.", "NBS – National Bureau of Statistics of China", "2024"),
        ("SFB - Serviço Florestal Brasileiro. 2017a. Manual de campo: procedimentos para coleta de dados biofísicos. Brasília.", "SFB - Serviço Florestal Brasileiro", "2017a"),
        ("[Embrapa] Empresa Brasileira de Pesquisa Agropecuária. (2018). Sistema Brasileiro de Classificação de Solos. Brasília: Embrapa.",
         "[Embrapa] Empresa Brasileira de Pesquisa Agropecuária", "2018"),
        # two organisations joined by "/", an acronym in mixed case: the year is the one after them
        ("World Cancer Research Fund / American Institute for Cancer Research. 2007. Food, Nutrition, Physical Activity, and the Prevention of Cancer. Washington DC: AICR.",
         "World Cancer Research Fund / American Institute for Cancer Research", "2007"),
        ("NCD Risk Factor Collaboration (NCD-RisC). 2016. Trends in adult body-mass index in 200 countries from 1975 to 2014: a pooled analysis of 1698 "
         "population-based measurement studies with 19.2 million participants. The Lancet 387:1377–1396.", "NCD Risk Factor Collaboration (NCD-RisC)", "2016"),
        ("Ad Hoc Committee on Health Research Relating to Future Intervention Options. 1996. Investing in Health Research and Development. Geneva: WHO.",
         "Ad Hoc Committee on Health Research Relating to Future Intervention Options", "1996"),
        # a bare year after the organisation, no punctuation around it
        ("IST 2012 Final Report: Information Support Services to UNSOA/AMISOM: November 2009–November 2012. Albany-CHIME unpublished document.", "IST", "2012"),
        ("AMISOM 2016a Al-Shabaab violating human rights by recruiting child soldiers. AMISOM Video Release, 18 April.", "AMISOM", "2016a"),
        ("Farsight Africa Group 2017 Final Report: Radio in a Box Program. Forcier, June.", "Farsight Africa Group", "2017"),
        # commas inside the name; an organisation's word before capitals is no surname with initials
        ("United Nations Educational, Scientific and Cultural Organization. Unesco Science Report: towards 2030. Paris: UNESCO, 2015.",
         "United Nations Educational, Scientific and Cultural Organization", "2015"),
        ("Team RDC. 2011. R: A Language and Environment for Statistical Computing.", "Team RDC", "2011"),
        ("L'OFFICE Français d'Edition (ed.). Émile Reynaud, Peintre de films 1844-1918. Paris: Cinémathèque Française, 1945.",
         "L'OFFICE Français d'Edition", "1945"),
    ],
)
def test_organisations_and_single_names_as_authors(text, family, year):
    ref = parse(text)
    assert [(a.family, a.given) for a in ref.authors] == [(family, "")]
    assert ref.year == year


@pytest.mark.parametrize(
    "text",
    [
        "Disparities in the risk and outcomes from COVID-19. 2020. Public health England.",  # a title, not an organisation
        "Flora do Brasil 2020 em construção. Jardim Botânico do Rio de Janeiro.",
        "breast cancer cells in vitro. Chemico-Biological Interactions, 369, 110283.",  # a fragment
        "1. Siegel RL, Miller KD. Colorectal cancer statistics, 2020. CA Cancer J Clin 2020; 70: 145–164.",  # a label left in the entry
    ],
)
def test_titles_fragments_and_labels_are_not_organisations(text):
    assert parse(text).authors == ()


@pytest.mark.parametrize(
    "text, year",
    [
        # the year after a URL, or after an access date
        ("FOTION, N. John Searle. Encyclopedia Britannica. Disponível em: https://www.britannica.com/biography/John-Searle, 2021.", "2021"),
        ("BARBIERO, D. Background, the Dictionary of Philosophy of Mind. Disponível em: https://sites.google.com/site/minddict/background-the, 2004.", "2004"),
        ("VENTURA, Antoine. Viajeros y naturalistas o cómo viajar sin precauciones. ELOHI, n.9. Disponível em: <http://doi.org/10.4000/elohi.981. "
         "Acesso em: 19. jan. 2019. 2016.", "2016"),
        ("Mahajan, A. et al. Fine-mapping type 2 diabetes loci to single-variant resolution. Nat Genet 50, 1505–1513, doi:10.1038/s41588-018-0241-6 (2018).", "2018"),
        # ABNT dates: day-month-year, a span of years, a pair, an uncertain century, no date
        ("ARRUDA, J. Black Lives Matter: entenda movimento por trás da hashtag. Universa Uol. 03-06-2020. Disponível em: https://www.uol.com.br/x.htm.", "2020"),
        ("FERREIRA, José Henriques. História do descobrimento da cochonilha no Brasil. Manuscritos da Série Azul, ms n.374, fl.315-347 "
         "(Academia de Ciências de Lisboa, Lisboa). 1780-1811.", "1780"),
        ("BAKHTIN, M. M. Estética da criação verbal [1951-1953]. Tradução de Paulo Bezerra. 4. ed. São Paulo: Martins Fontes, 2011/1979.", "2011"),
        ("FERREIRA, José Henriques. Dissertação sobre a cochonilha. In: Coleção de opúsculos sobre a cochonilha. [s.l.]: [s.n.] 19--.", "19--"),
        ("PAIVA, Manuel Joaquim Henriques de. Memória sobre a cochonilha. Manuscritos da Livraria, n.0758. s.l.: s.n. s.d.", "n.d."),
        ("Castanet J. 1986–1987. La squelettochronologie chez les Reptiles III. Annales des Sciences Naturelles, Zoologie 8:157–172.", "1986"),
        ("Smith, J. (2009–2010). Two winters of data. Polar Research, 12, 1-9.", "2009"),
        # the edition at hand, not the translation or the original in parentheses or brackets
        ("GLUCKSMANN, A. Cynisme et passion. Paris: Grasset, 1981 (Trad. cast. Cinismo y pasión. Barcelona: Anagrama , 1982).", "1981"),
        ("FOUCAULT, M. L’Herméneutique du Sujet. Cours au Collège de France, 1981 - 1982. Paris: Seuil/Gallimard, 2001 "
         "(Trad. cast. La Hermenéutica del Sujeto. México: FCE, 2002).", "2001"),
        ("MANVELL, R. Dictionary of Film Makers. Ed. and trans. Peter Morris. Berkeley: University of California Press, 1972a. "
         "(originalmente publicado como Dictionnaire des Cinéastes, Paris: Editions du Seuil, 1965).", "1972a"),
        ("VOLOCHÍNOV, V. Que é a linguagem? [1930]. In: VOLOCHÍNOV, V. N. A construção da enunciação e outros ensaios. São Carlos: Pedro & João, 2013. p. 131-156.",
         "2013"),
        # not the date a page was seen, nor pages, nor a span of years ending a title
        ("Brasil. Plano para Eliminação da Hepatite C no Brasil. Brasília, DF: Ministério da Saúde; 2018 [cited 2024 Apr 04].", "2018"),
        ("Associação Brasileira de Transplantes de Órgãos. Dimensionamento dos transplantes no Brasil e em cada estado 2014–2021 [Internet]. "
         "São Paulo (SP): ABTO; 2022 [cited 2022 Mar 5]. Available from: http://www.abto.org.br", "2022"),
    ],
)
def test_year_after_urls_and_access_dates_abnt_dates_and_the_edition_at_hand(text, year):
    assert parse(text).year == year


@pytest.mark.parametrize(
    "text, year, other_years",
    [
        # a translation's or an original's year beside the edition at hand
        ("GLUCKSMANN, A. Cynisme et passion. Paris: Grasset, 1981 (Trad. cast. Cinismo y pasión. Barcelona: Anagrama , 1982).", "1981", ("1982",)),
        ("TOULET, E. Cinema is 100 Years Old. Trans. Susan Emanuel. London: Thames and Hudson, 1995. (Originalmente publicado em Paris: Gallimard, 1988).",
         "1995", ("1988",)),
        ("BAKHTIN, M. M. Estética da criação verbal [1951-1953]. Tradução de Paulo Bezerra. 4. ed. São Paulo: Martins Fontes, 2011/1979.", "2011", ("1979",)),
        ("BAKHTIN, M. M. Formas de tempo e de cronotopo no romance [1975]. In: BAKHTIN, M. M. Questões de literatura e de estética. São Paulo: Hucitec, 1988.",
         "1988", ("1975",)),
        ("CRAFTON, D. Before Mickey: The Animated Film 1898-1928. Cambridge, MA: The MIT Press, 1982, 1987.", "1987", ("1982",)),
        ("Bradford SC. Sources of information on specific subjects. Engineering. 1934, 1985;137:85–86.", "1985", ("1934",)),
        # pages, a volume, an issue, a journal's name and a title's years are no other years
        ("Camargo F. D., Gokhale S., and Brummelkamp T. R., “YAP1 Increases Organ Size,” Curr. Biol., vol. 17, no. 23, pp. 2054–2060, 2007.", "2007", ()),
        ("Okamoto T and Pointcheval D. REACT: Rapid Enhanced-Security Asymmetric Cryptosystem Transform. Topics in Cryptology—CT-RSA 2001, "
         "Lecture Notes in Computer Science Volume 2020, 2001, pp. 159–174.", "2001", ()),
        ("Oliveira R, Godinho R, Randi E, Alves PC. Hybridization versus conservation. Philos Trans R Soc B. 2008;363(1505):2953-2961.", "2008", ()),
        ("Kuo S, Ou HT, Wang CJ. Managing medication supply chains. J Am Pharm Assoc (2003). 2021;61(1):e12–e15.", "2021", ()),
        ("SMITH, J. Censo Demográfico de 2010: resultados. Rio de Janeiro: IBGE, 2012.", "2012", ()),
    ],
)
def test_other_years_of_a_work(text, year, other_years):
    ref = parse(text)
    assert (ref.year, ref.other_years) == (year, other_years)


def test_other_years_survive_the_wire_form_and_json():
    ref = parse("GLUCKSMANN, A. Cynisme et passion. Paris: Grasset, 1981 (Trad. cast. Cinismo y pasión. Barcelona: Anagrama , 1982).")
    assert references.load_references(references.dump_references([ref])) == [ref]
    assert ref.to_dict()["other_years"] == ["1982"]
    assert "other_years" not in parse("Baldwin PR, Penczek PA. 2007. The Transform Class. J Struct Biol 157:250–61.").to_dict()


@pytest.mark.parametrize(
    "rule, sep, expected",
    [
        ("_______", ".", [("CHOLODENKO", "A.")]),
        ("______", ";", [("CHOLODENKO", "A."), ("WELLS", "P.")]),  # the same author, and a co-author
        ("———", ".", [("CHOLODENKO", "A.")]),
        ("---", ".", [("CHOLODENKO", "A.")]),
    ],
)
def test_abnt_repeated_author_rule_takes_the_previous_entrys_authors(rule, sep, expected):
    tail = " WELLS, P. Animation then. London: Routledge, 2004." if sep == ";" else " The Crypt, the Haunted House, of Cinema. Cultural Studies Review, v. 10, n. 2, 2004."
    entries = ["CHOLODENKO, A. The Illusion of the Beginning: A Theory of Drawing and Animation. Afterimage, v. 28, n. 1, 2000.",
               rule + sep + tail]
    text = "\n".join(entries)
    spans, at = [], 0
    for entry in entries:
        spans.append((at, at + len(entry), None))
        at += len(entry) + 1
    refs = references.parse_references(Source("refs.md", text), spans)
    assert [(a.family, a.given) for a in refs[1].authors] == expected
    assert refs[1].year == "2004"


def test_a_rule_of_underscores_is_no_emphasis_and_no_author_of_its_own():
    ref = parse("_______. Émile Cohl, Caricature, and Film. Princeton: Princeton University Press, 1990.")
    assert (ref.authors, ref.year, ref.title) == ((), "1990", "Émile Cohl, Caricature, and Film")


@pytest.mark.parametrize(
    "text, seen",
    [
        ("IBGE - Instituto Brasileiro de Geografia e Estatística. Banco de Dados Agregados. Sistema IBGE de Recuperação Automática - SIDRA. "
         "Disponível em: http://www.ibge.gov.br Acesso em: 20 abr. 2015.", "2015"),
        ("CNUC. Painel Dinâmico do Cadastro Nacional de Unidades de Conservação. Disponível em http://www.mma.gov.br/cadastro.html Acesso em 15-I-2020.", "2020"),
        ("Mellis DA, Banzi M. Arduino: An open electronic prototyping platform, disponível em: http://web.media.mit.edu/ard.pdf, acessado em 14/08/2019.", "2019"),
        ("United Nations. Sustainable development knowledge platform. http://sustainabledevelopment.un.org/index.php?menu=1300, accessed May 26, 2013.", "2013"),
        # an organisation's name before a dash, then the page's title
        ("Fundação SOS Mata Atlântica - Aqui tem Mata. Disponível em (http://aquitemmata.org.br/#/busca/sp) (acesso em 26-I-2020).", "2020"),
    ],
)
def test_an_undated_page_keeps_the_year_it_was_seen_as_an_other_year(text, seen):
    ref = parse(text)
    assert (ref.year, ref.other_years) == (None, (seen,))


def test_a_venue_with_a_year_is_no_second_work_of_a_list_that_gives_initials():
    """"Computer Vision and Pattern Recognition, 2001." after "Viola P, Jones M." reads like names and
    a year, but a list gives its names one way: with initials in the first work, so in a second."""
    ref = parse("Viola P, Jones M. 2001. Rapid object detection using a boosted cascade of simple features. "
                "Computer Vision and Pattern Recognition, 2001. CVPR 2001. Proceedings of the 2001 IEEE Computer "
                "Society Conference on, 2001.", id="b1")
    assert ref.parts == () and (ref.first_author, ref.year) == ("Viola", "2001")
    # a glued second work with initials is still split
    ref = parse("Viola P, Jones M. 2001. Rapid object detection using boosted cascades. Vision 4:1-9. "
                "Pattern R, Recognition C. 2002. Another work with its own title. J Vis 5:1-9.", id="b2")
    assert [(p.first_author, p.year) for p in ref.parts] == [("Viola", "2001"), ("Pattern", "2002")]


@pytest.mark.parametrize(
    "text, families, year, truncated",
    [
        ("Wickham, Hadley, Mara Averick, Jennifer Bryan, Winston Chang, Lucy D’Agostino McGowan, et al. 2019. “Welcome to "
         "the tidyverse.” Journal of Open Source Software 4 (43): 1686.", ["Wickham", "Averick", "Bryan", "Chang", "McGowan"], "2019", True),
        ("Haining, Robert P., and Guangquan Li. 2020. Modelling Spatial Data. Boca Raton: CRC Press.", ["Haining", "Li"], "2020", False),
        ("Choi, Jung Kyoon, Ungsik Yu, Ook Joon Yoo, and Sangsoo Kim. 2005. “Differential coexpression analysis.” "
         "Bioinformatics 21 (24): 4348–55.", ["Choi", "Yu", "Yoo", "Kim"], "2005", False),
        ("Riebler, Andrea, Sigrunn H Sørbye, Daniel Simpson, and Håvard Rue. 2016. “An Intuitive Bayesian Spatial Model.” "
         "Statistical Methods in Medical Research 25 (4): 1145–65.", ["Riebler", "Sørbye", "Simpson", "Rue"], "2016", False),
        ("Harrell Jr., Frank E., and Charles Dupont. 2022. Hmisc: Harrell Miscellaneous (version v4.7-1).",
         ["Harrell Jr.", "Dupont"], "2022", False),
        # a project's people after the named ones stand for the rest, like "et al."
        ("Agafonkin, Vladimir, and leaflet contributors. 2019. “Leaflet - an Open-Source Javascript Library.” 2019.",
         ["Agafonkin"], "2019", True),
        ("Zhu, Nick, and the dc.js Developers. 2019. “Dc.js - Dimensional Charting Javascript Library.” 2019.", ["Zhu"], "2019", True),
    ],
)
def test_chicago_entries_give_each_author_and_the_year_after_them(text, families, year, truncated):
    ref = parse(text)
    assert [a.family for a in ref.authors] == families
    assert ref.year == year and ref.authors_truncated == truncated


@pytest.mark.parametrize(
    "text, families, year, truncated",
    [
        ("American Psychological Association and others. (2019). Publication Manual of the American Psychological "
         "Association (7th Edition.).", ["American Psychological Association"], "2019", True),
        ("Berkelaar, M., & others. (2024). lpSolve: Interface to lp_solve v. 5.5.", ["Berkelaar"], "2024", True),
        ("GDAL/OGR contributors. 2024. GDAL/OGR Geospatial Data Abstraction Software Library.", ["GDAL/OGR contributors"], "2024", False),
        ("Ribatet, M., R. Singleton, and R Core team. 2022. SpatialExtremes: Modelling Spatial Extremes.", ["Ribatet", "Singleton"], "2022", True),
        ("TRAPPIST-1 JWST Community Initiative, Wit, J. de, Doyon, R., & Lim, O. (2024). A roadmap. Nature Astronomy, 8, 810–818.",
         ["TRAPPIST-1 JWST Community Initiative", "Wit", "Doyon", "Lim"], "2024", False),
        ("Petit dit de la Roche, D. J. M., Chakraborty, H., & Lendl, M. (2024). Detection of faculae. A&A, 1, 2.",
         ["Petit dit de la Roche", "Chakraborty", "Lendl"], "2024", False),
    ],
)
def test_groups_of_people_others_and_name_particles_in_an_author_list(text, families, year, truncated):
    ref = parse(text)
    assert [a.family for a in ref.authors] == families
    assert ref.year == year and ref.authors_truncated == truncated
