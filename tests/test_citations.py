"""The in-text citation grammar: what is a citation, what its items are, and what never is."""

from __future__ import annotations

import pytest

from refcheck.api import check
from refcheck.readers import read_text


def items(md: str) -> list[tuple]:
    """(authors, et_al, year) or numbers or key of every citation item the pipeline keeps."""
    out = []
    entries = "".join(f"{n}. Placeholder A. Title {n}. J. 2000;1:{n}.\n" for n in range(1, 21))
    manuscript = read_text(md + "\n\n## References\n\n" + entries)
    for citation in check(manuscript).manuscripts[0].citations:
        for item in citation.items:
            out.append(item.numbers or item.key or (item.authors, item.et_al, item.year))
    return out


@pytest.mark.parametrize(
    "text, expected",
    [
        ("(Smith, 2019)", [(("Smith",), False, "2019")]),
        ("(Smith & Lee, 2019)", [(("Smith", "Lee"), False, "2019")]),
        ("(Smith and Lee 2019)", [(("Smith", "Lee"), False, "2019")]),
        ("(Smith et al., 2019a, b)", [(("Smith",), True, "2019a"), (("Smith",), True, "2019b")]),
        ("(Smith et al., 2019; Lee, 2020)", [(("Smith",), True, "2019"), (("Lee",), False, "2020")]),
        ("Smith et al. (2019) showed", [(("Smith",), True, "2019")]),
        # "& others" and a project's people after the named ones read as "et al."
        ("(Berkelaar & others, 2024; Hornik, 2024)", [(("Berkelaar",), True, "2024"), (("Hornik",), False, "2024")]),
        ("based on dc (Zhu and the dc.js Developers (2019))", [(("Zhu",), True, "2019")]),
        ("and leaflet (Agafonkin and leaflet contributors (2019))", [(("Agafonkin",), True, "2019")]),
        ("(Ribatet, Singleton, and R Core team 2022)", [(("Ribatet", "Singleton"), True, "2022")]),
        ("(American Psychological Association and others, 2019)", [(("American Psychological Association",), True, "2019")]),
        ("Smith et al., (2019) showed", [(("Smith",), True, "2019")]),
        ("(see Smith, 2019, p. 4)", [(("Smith",), False, "2019")]),
        ("(Smith, in press)", [(("Smith",), False, "in press")]),
        ("(Smith, n.d.)", [(("Smith",), False, "n.d.")]),
        ("(van der Berg, 2019)", [(("van der Berg",), False, "2019")]),
        ("(Sendon-Lago et al., 2021)", [(("Sendon-Lago",), True, "2021")]),
        ("(SMOLINSKÁ et al., 2023)", [(("SMOLINSKÁ",), True, "2023")]),
        ("(O'Carroll et al., 2001)", [(("O'Carroll",), True, "2001")]),
        ("(Smith, 1996a; 1996b)", [(("Smith",), False, "1996a"), (("Smith",), False, "1996b")]),
        # ... with a page, or after "idem" (the same author)
        ("(Smith, 1996a, p. 3; 1996b, pp. 5-7)", [(("Smith",), False, "1996a"), (("Smith",), False, "1996b")]),
        ("(CHOLODENKO, 1991, p. 18; *idem*, 2004, p. 110; Id., 2007b)",
         [(("CHOLODENKO",), False, "1991"), (("CHOLODENKO",), False, "2004"), (("CHOLODENKO",), False, "2007b")]),
        ("(Lee, 2010; ibid., 2012)", [(("Lee",), False, "2010"), (("Lee",), False, "2012")]),
        # "apud": the source quoted second-hand, then the work consulted
        ("(PAYAYÁ, 2015, Apud SANTOS, 2016, p.30)", [(("PAYAYÁ",), False, "2015"), (("SANTOS",), False, "2016")]),
        ("However, Kessler et al. (2004) found", [(("Kessler",), True, "2004")]),
        # ABNT (Brazil): the authors of one work separated by ";", the year after the last
        ("(Pinto; Matias; Moreiro-González, 2016)", [(("Pinto", "Matias", "Moreiro-González"), False, "2016")]),
        # ... with "cf." before them, or a comma between two of them
        ("(cf. BRAIT; PISTORI, 2012)", [(("BRAIT", "PISTORI"), False, "2012")]),
        ("(PAULA, SILVA; WOIDA, 2020)", [(("PAULA", "SILVA", "WOIDA"), False, "2020")]),
        ("(SEARLE, VANDERVEKEN, 1985)", [(("SEARLE", "VANDERVEKEN"), False, "1985")]),
        # (in capitals only: "(Brazil, Smith, 2010)" is a place and a citation; a grant is no citation)
        ("(Brazil, Smith, 2010)", [(("Smith",), False, "2010")]),
        ("Deutsche Forschungsgemeinschaft (DFG, RA 1804/2-1) to TMR", []),
        # a company's legal form after its name
        ("(Schrödinger, LLC 2010)", [(("Schrödinger",), False, "2010")]),
        ("(The MathWorks, Inc., 2019)", [(("MathWorks",), False, "2019")]),
        ("(SAS Institute Inc., 2013)", [(("SAS Institute",), False, "2013")]),
        # a standard's code after its issuer's acronym (a year is no code: test_rules)
        ("(CLSI M38-A2, 2008)", [(("CLSI",), False, "2008")]),
        # a ";" for the "," before the year, and a non-breaking hyphen in a compound surname
        ("(Ríos et al., 2010; Hernández‑de‑Menéndez et al.; 2019)",
         [(("Ríos",), True, "2010"), (("Hernández‑de‑Menéndez",), True, "2019")]),
        ("(SILVA; SOUZA, 2010; LIMA, 2011)", [(("SILVA", "SOUZA"), False, "2010"), (("LIMA",), False, "2011")]),
        ("( Suber, 2019; Abadal, 2021)", [(("Suber",), False, "2019"), (("Abadal",), False, "2021")]),
        # "and" in the language of the text
        ("(Zhang e Sivertsen, 2020)", [(("Zhang", "Sivertsen"), False, "2020")]),
        ("(García y López, 2019)", [(("García", "López"), False, "2019")]),
        ("Conforme Zhang e Sivertsen (2020), segundo", [(("Zhang", "Sivertsen"), False, "2020")]),
        ("Según García y López (2019) es", [(("García", "López"), False, "2019")]),
        ("Seguindo Costal et al. (2014), o modelo", [(("Costal",), True, "2014")]),
        ("Cuando Gallardo (2016) dice", [(("Gallardo",), False, "2016")]),
        ("(Cf. Smith, 2001)", [(("Smith",), False, "2001")]),
        ("(Müller und Schmidt 2018)", [(("Müller", "Schmidt"), False, "2018")]),
        ("(Dupont et Martin, 2017; Roux et al., 2015)", [(("Dupont", "Martin"), False, "2017"), (("Roux",), True, "2015")]),
        ("(**Gunawardena et al., 2019**)", [(("Gunawardena",), True, "2019")]),
        ("| Lim et al., 2012; Noll et al., 2012 |", [(("Lim",), True, "2012"), (("Noll",), True, "2012")]),
        ("see Ospina and Ferrari (2010), Ospina and Ferrari, 2012). Next", [(("Ospina", "Ferrari"), False, "2010"), (("Ospina", "Ferrari"), False, "2012")]),
        ("(Watson and Leopold, 2019; copy archived at https://github.com/x/Analysis).", [(("Watson", "Leopold"), False, "2019")]),
        # LaTeX's escaped ampersand, in R Markdown and pandoc papers
        ("(Regier, Kemp \\& Kay (2015))", [(("Regier", "Kemp", "Kay"), False, "2015")]),
        ("(Bennett \\& Goodman, 2015)", [(("Bennett", "Goodman"), False, "2015")]),
        # a generational suffix is part of the surname
        ("(Ghizoni-Jr. & Azevedo, 2006)", [(("Ghizoni-Jr.", "Azevedo"), False, "2006")]),
        ("(Machado, 1999; Ghizoni-Jr., 2009)", [(("Machado",), False, "1999"), (("Ghizoni-Jr.",), False, "2009")]),
        ("Costa Jr. (2015) showed", [(("Costa Jr.",), False, "2015")]),
        # an organisation's name is one author, whatever small words it has inside
        ("(United Nations Office on Drugs and Crime, 2016)", [(("United Nations Office on Drugs and Crime",), False, "2016")]),
        # ... or two names joined by "e", as a person's could be: the linker reads them as one organisation
        ("(Instituto Brasileiro de Geografia e Estatística, 2012)", [(("Instituto Brasileiro de Geografia", "Estatística"), False, "2012")]),
        # particles inside a compound surname
        ("destacamos Slee (2016) e Yarza De los Ríos (2011).", [(("Slee",), False, "2016"), (("Yarza De los Ríos",), False, "2011")]),
        ("(Pinto da Costa, 2011)", [(("Pinto da Costa",), False, "2011")]),
        ("(Food and Agriculture Organization of the United Nations, 2019)",
         [(("Food and Agriculture Organization of the United Nations",), False, "2019")]),
        ("(According to Smith and Jones, 2001)", [(("Smith", "Jones"), False, "2001")]),
        ("(World Cancer Research Fund / American Institute for Cancer Research, 2007)",
         [(("World Cancer Research Fund / American Institute for Cancer Research",), False, "2007")]),
        ("(The National SARS-CoV-2 Serology Assay Evaluation Group, 2020)",
         [(("National SARS-CoV-2 Serology Assay Evaluation Group",), False, "2020")]),
        # names found in real articles: an en dash inside a surname, an organisation that starts
        # with a number, a sentence adverb before a narrative citation
        ("(Español–Suñer et al., 2019)", [(("Español–Suñer",), True, "2019")]),
        ("(1000 Genomes Project Consortium et al., 2010)", [(("1000 Genomes Project Consortium",), True, "2010")]),
        ("Finally, Burns and Richardson (1995) showed", [(("Burns", "Richardson"), False, "1995")]),
        # imperfect citations that still name one entry: initials, two years run together
        ("(Agostinelli, C. and Lund, 2022)", [(("Agostinelli", "Lund"), False, "2022")]),
        ("(Smith, J., 2001)", [(("Smith",), False, "2001")]),
        ("(Hart et al., 20152014)", [(("Hart",), True, "2015")]),
        ("(McDonald 2001)", [(("McDonald",), False, "2001")]),  # a name, not a product's CamelCase
        ("(DeLano 2002)", [(("DeLano",), False, "2002")]),
        # "and colleagues" is "et al."
        ("Prieto-Márquez and colleagues (2013) said", [(("Prieto-Márquez",), True, "2013")]),
        ("(Smith and co-workers, 2013)", [(("Smith",), True, "2013")]),
        ("Silva e colaboradores (2015) mostraram", [(("Silva",), True, "2015")]),
        # names up to "et al.": citeproc telling two works of the first author and year apart
        ("(Wickham, Chang, et al. 2022)", [(("Wickham", "Chang"), True, "2022")]),
        ("(Varma, Field, Scheel, Blackman, Gerosa, et al. 2019)", [(("Varma", "Field", "Scheel", "Blackman", "Gerosa"), True, "2019")]),
        ("Wickham, François, et al. (2022) wrote", [(("Wickham", "François"), True, "2022")]),
        # a narrative citation's years separated by ";", and its locator, however long
        ("Clarke (1977; 2008) said", [(("Clarke",), False, "1977"), (("Clarke",), False, "2008")]),
        ("Foucault (2010, p. 184 - 185) diz", [(("Foucault",), False, "2010")]),
        ("Ruiz (2021, p. 3, tradução nossa) diz", [(("Ruiz",), False, "2021")]),
        ("(ACOSTA-PEREIRA, 2016, s/p)", [(("ACOSTA-PEREIRA",), False, "2016")]),  # "s/p" (no page) is no year suffix
        # the original edition's year beside the one cited
        ("(BAKHTIN, 1988 [1975], 2008 [1963]; VOLÓCHINOV, 2013 [1930])",
         [(("BAKHTIN",), False, "1988"), (("BAKHTIN",), False, "2008"), (("VOLÓCHINOV",), False, "2013")]),
        ("Bakhtin (1988 [1975], 2011 [1979]) diz", [(("Bakhtin",), False, "1988"), (("Bakhtin",), False, "2011")]),
        ("Marx ([1867] 2013) diz", [(("Marx",), False, "2013")]),
        # ... or the years it was written over, a range
        ("(VOLÓCHINOV, 2018 [1929-1930], 2019 [1926])", [(("VOLÓCHINOV",), False, "2018"), (("VOLÓCHINOV",), False, "2019")]),
        ("(BAKHTIN, 2011 [1954–1961]; MEDVIÉDEV, 2019 [1928])", [(("BAKHTIN",), False, "2011"), (("MEDVIÉDEV",), False, "2019")]),
        ("Bakhtin (2015 [1934-35]) diz", [(("Bakhtin",), False, "2015")]),
        # a space lost before the authors or before the parenthesis; a doubled comma
        ("as shown andSullivan & Williamson (1999) said", [(("Sullivan", "Williamson"), False, "1999")]),
        ("modified afterEvans, Reisz & Dupuis (2007). Scale", [(("Evans", "Reisz", "Dupuis"), False, "2007")]),
        ("Mossaad et al.(2017b) found", [(("Mossaad",), True, "2017b")]),
        ("(Carlson et al.,, 2012)", [(("Carlson",), True, "2012")]),
        # a personal communication or unpublished work is no citation of the list; what follows it is
        ("(Hige et al., unpublished, Sejourne et al., 2011; Pai et al., 2013)", [(("Sejourne",), True, "2011"), (("Pai",), True, "2013")]),
        ("(Smith, 2001; Jones, unpublished data, 2003)", [(("Smith",), False, "2001")]),
        ("Recent unpublished findings by Caldwell-Harris, Murphy, and McNamara (2011) agree", []),
        # a particle starts a name only at a word's start: not the "la" of "ruficapilla"
        ("| Synallaxis ruficapilla Vieillot, 1819 |", [(("Vieillot",), False, "1819")]),
        ("(Oliveira Vieillot, 1819)", [(("Oliveira Vieillot",), False, "1819")]),
    ],
)
def test_author_year(text, expected):
    assert items(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("shown [1].", [(1,)]),
        ("shown [1, 2].", [(1, 2)]),
        ("shown [1-3].", [(1, 2, 3)]),
        ("shown [2]–[5].", [(2, 3, 4, 5)]),
        ("shown [11],[12].", [(11, 12)]),
        ("shown <sup>1,2</sup>.", [(1, 2)]),
        ("shown¹,³ here", [(1, 3)]),
        ("shown [3][5].", [(3, 5)]),
        ("in the cell line [4].", [(4,)]),
        ("ArcGis 10.1 <sup>12</sup>.", [(12,)]),
        ("the curve (AUC) <sup>19</sup>.", [(19,)]),
        # a list or range after a single letter cites; a lone number there is a power
        ("bacteriophage (phage) λ<sup>10-13</sup>, Escherichia coli", [(10, 11, 12, 13)]),
        ("in strain K<sup>4,5</sup> and r<sup>2</sup> = 0.9", [(4, 5)]),
        ("invoked through R<sup>11</sup> and the R2Jags package<sup>12</sup>", [(11,), (12,)]),
        ("Recent studies (reviewed in<sup>6–11</sup>) have shown", [(6, 7, 8, 9, 10, 11)]),
        ("an area of 3 in<sup>2</sup> per cell [1]", [(1,)]),
    ],
)
def test_numeric(text, expected):
    assert items(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[@smith2019]", ["smith2019"]),
        ("[@a; @b, p. 3]", ["a", "b"]),
        ("[-@smith2019]", ["smith2019"]),
        ("as @smith2019 argues.", ["smith2019"]),
        ("[@a2019; @b2020;\n@c2021]", ["a2019", "b2020", "c2021"]),  # a group broken over a line
        ("As @gammie_harm:_2003 showed.", ["gammie_harm:_2003"]),  # internal punctuation is part of the key
        ("@a:b. end, @c// and [@d-]", ["a:b", "c/", "d"]),  # trailing punctuation is not
        ("[see @a, p. 33; also @b, chap. 2]", ["a", "b"]),
        ("@{https://x.org/a} and @{a{b}c}", ["https://x.org/a", "a{b}c"]),  # braced keys
        ("[@doi:10.1371/journal.pmed.1001772; @pmid:25851694]", ["doi:10.1371/journal.pmed.1001772", "pmid:25851694"]),
        ("@a [p. 3] and @b [@c]", ["a", "b", "c"]),
        ("x_@a and a*@b (pandoc's words end at _ and *)", ["a", "b"]),
        ("@a@b", ["a", "b"]),
    ],
)
def test_pandoc_keys(text, expected):
    assert items(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Not a citation: `[@key]`.",
        "```\n[@key]\n```",
        "para\n\n    indented [@key]",
        "mail john@example.com or (jane@example.org), fig.@key",
        "an escaped \\@key",
        "$x @key$ and $$y [@key]$$",
        "<!-- [@key] --> and <span title=\"@key\">x</span>",
        "\\cite{@key} and \\begin{equation} @key \\end{equation}",
        "<https://x.org/@key> and [text](https://m.com/@key)",
        "[ref]: https://medium.com/@key",
        "*see*@key",
        "Figure @fig:plot, table [@tbl:x] and @eq:one",
        "(@good) An example.\n\nAs @good shows.",
    ],
)
def test_never_a_key_citation(text):
    assert [i.key for c in read_text(text).citations for i in c.items if i.key is not None] == []


def test_a_key_group_over_lines_keeps_exact_spans():
    md = "Known [@a2019; @b2020;\n@c2021] here."
    (citation,) = read_text(md).citations
    assert md[citation.span.start : citation.span.end] == "[@a2019; @b2020;\n@c2021]"
    assert [md[i.span.start : i.span.end] for i in citation.items] == ["@a2019", "@b2020", "@c2021"]
    assert (citation.items[2].span.line, citation.items[2].span.column) == (2, 1)


def test_keys_after_the_references_heading_count():
    """pandoc reads an appendix after "# References" (its list is generated) like the rest."""
    md = "Text [@a].\n\n# References\n\n::: {#refs}\n:::\n\n# Appendix\n\nMore [@b].\n"
    assert [i.key for c in read_text(md).citations for i in c.items] == ["a", "b"]


@pytest.mark.parametrize(
    "text",
    [
        "levels of IL-6 and TNF- α rose, as did NF- κ B",
        "Received: 19.06.2023 Accepted: 14.07.2023",
        "DOI: 10.53555/ecb/2023.12.1154",
        "Email address: someone22@gmail.com",
        "as in Figure [2] and Table [3]",
        "values in [0, 1]",
        "```\n(Smith, 2019) [1]\n```",
        "see `(Smith, 2019)`",
        "<!-- (Smith, 2019) -->",
        "a [link](https://example.org/2019) here",
        "2 × 10<sup>4</sup> cells and r<sup>2</sup> = 0.9",
        "MK1775 (AZD1775), a kinase inhibitor",
        "cultured in (RPMI 1640) medium",
        "published (January 2019) online",
        "in June-September 2009 we",
        "an initial BMI (1975) cohort",
        "a time interval [140, 160] later",
        "*F*<sub>[1,12]</sub> = 3.2",
        "1775 km <sup>2</sup> and (*x* - 3)<sup>2</sup>",
        "index ≥ 25 kg/m<sup>2</sup> and 1 W/m<sup>2</sup> and weight/height<sup>2</sup>",
        "pruned data (r<sup>2</sup> < 0.4) and (*R*<sup>2</sup>)",
        "package version 0.1.1, RStudio 2023.09.0+463, R 4.3.2",  # a version, not a year
        "PJ Bickel, EA Hammel, and JW O'Connell. Science (1975). We load",  # a journal
        "(JR Horner, pers. comm. to S Werning, 2013)",
        "(Silva, comunicação pessoal, 2019)",
        "surveys (GMEP, 1955–1969) of the moor",  # a period, not a year
        "(Séjourné et al., Nat. Neurosci., 2011)",  # a journal's abbreviation is no author
        "rates rose in England (2009) and fell",  # a place
        "sequenced (HiSeq 2000, Illumina) in",  # a product and its model
        # the article's own reference typed out ("How to cite"): names with initials, the year, a title
        "**How to cite**: Callili, D., Silva, M. J. R. and Tecchio, M. A. (2022). Rootstock and potassium fertilization.",
        # the authority of a species, genus or family name: its describer and year, not a citation
        "| *Sittasomus griseicapillus* (Vieillot, 1818) | 1-3 |",
        "| *Platyrinchus mystaceus* Vieillot, 1818 | 1-4 |",
        "the flocks of *B. culicivorus* (Lafresnaye, 1843) were",
        "| **Picidae** Leach, 1820 |  |",
        "in _Anopheles gambiae_ (Giles, 1902), the vector",
        "| **Conopophagidae** Sclater & Salvin, 1873 |  |",
    ],
)
def test_never_a_citation(text):
    assert items(text) == []


def test_item_span_is_the_citation_text_inside_emphasis():
    md = "Text (**Gunawardena et al., 2019**).\n\n## References\n\n1. Gunawardena T. 2019. T. J 1:1.\n"
    (citation,) = read_text(md).citations
    (item,) = citation.items
    assert md[item.span.start : item.span.end] == "Gunawardena et al., 2019"
    assert md[citation.span.start : citation.span.end] == "(**Gunawardena et al., 2019**)"


def test_an_item_takes_the_original_year_printed_after_its_year():
    md = "Texto (BAKHTIN, 1988 [1975], 2011 [1954-1961]) e Bakhtin (2008 [1963], 2011 [1979]) diz.\n"
    texts = [item.text for citation in read_text(md).citations for item in citation.items]
    assert texts == ["BAKHTIN, 1988 [1975]", "2011 [1954-1961]", "Bakhtin (2008 [1963]", "2011 [1979])"]


def test_a_citation_broken_over_lines_is_one_citation():
    assert items("as shown (Ma et al.,\n2021) here") == [(("Ma",), True, "2021")]


def test_superscripts_count_only_with_a_numbered_list():
    md = "Water boils at 10<sup>2</sup> and cells grow<sup>3</sup>.\n\n## References\n\n- Smith J. 2019. T. J 1:1.\n"
    assert read_text(md).citations == ()



def test_keys_inside_a_group_are_not_also_narrative_citations():
    md = "[@a; @b] then @c, and [see @d] and @e."
    citations = read_text(md).citations
    assert [(c.narrative, [i.key for i in c.items]) for c in citations] == [
        (False, ["a", "b"]), (True, ["c"]), (False, ["d"]), (True, ["e"]),
    ]


def test_a_parenthesis_opened_before_a_nested_pair_is_still_open():
    """"(E(q) is ..., e.g. Douady and Couder, 1996b)" is an ordinary group, not an item closing a
    parenthesis that was never opened."""
    from refcheck.readers.citations import find_author_year

    text = "energy (E(q) is often regarded as an inhibitory energy, e.g. Douady and Couder, 1996b). Next."
    found = find_author_year(text, 0, len(text))
    assert [(f.items[0][2]["authors"], f.items[0][2]["year"]) for f in found] == [(("Douady", "Couder"), "1996b")]
    assert not any("unbalanced-parenthesis" in f.form for f in found)
    unopened = "energy E(q) is regarded so. Douady and Couder, 1996b). Next."
    assert any("unbalanced-parenthesis" in f.form for f in find_author_year(unopened, 0, len(unopened)))


def _numbered(body: str, entries: int = 12) -> list[tuple]:
    manuscript = read_text(body + "\n\n## References\n\n" + "".join(f"{n}. Author A. Title {n}. J. 2000;1:{n}.\n" for n in range(1, entries + 1)))
    return [(c.text, c.items[0].numbers) for c in manuscript.citations]


def test_citation_numbers_whose_superscript_was_lost_are_read_where_the_text_cites_that_way():
    """Text taken from a typeset article loses the superscripts: "investigated.2 In". A number
    glued after a lower-case word and its punctuation is a citation when the list is numbered and
    the text cites mostly so, often and over much of its list; "Fig.2", "p.5" and "NbCl5" are not."""
    body = ("The agents are investigated.2 In the review by Verho and Bäckvall,5 there are examples. "
            "See Fig.2 and p.5 for the NbCl5 data,1-3 and more.4 Later work6,7 agrees.8 It holds,9-12 as shown.")
    assert _numbered(body) == [("2", (2,)), ("5", (5,)), ("1-3", (1, 2, 3)), ("4", (4,)), ("6,7", (6, 7)), ("8", (8,)),
                               ("9-12", (9, 10, 11, 12))]


@pytest.mark.parametrize("body", [
    "Values rose to level.2 Then fell.",  # too few
    "The agents are investigated.2 In the review,5 there are examples [1] [3] [4] [6] [7] and [8]. Also x.9 and y.10 z.11",  # cites with brackets
])
def test_numbers_after_words_are_not_citations_otherwise(body):
    assert all(not text[0].isdigit() for text, _ in _numbered(body))


AUTHOR_YEAR_LIST = """

## References

- Adams, M.D. 2000. The genome sequence of Drosophila melanogaster. Science, 287: 2185-2195.
- Vieillot, L.P. 1818. Nouveau dictionnaire d'histoire naturelle. Paris, Deterville.
"""


@pytest.mark.parametrize(
    "text, expected",
    [
        # a species name before a citation the list has: a citation after all
        ("the genome of *Drosophila melanogaster* (Adams, 2000) was", [(("Adams",), False, "2000")]),
        ("| *Turdus albicollis* Vieillot, 1818 |", [(("Vieillot",), False, "1818")]),
        # an authority with a year no entry has is not a citation-year mismatch: it is dropped
        ("| *Turdus albicollis* Vieillot, 1819 |", []),
        # a citation in the species' parenthesis, after other words, or with "et al.", is a citation
        ("*Algoriphagus machipongonensis* (phylum Bacteroidetes; Vieillot 1819), induced", [(("Vieillot",), False, "1819")]),
        ("*Turdus albicollis* (Vieillot et al., 1819) was", [(("Vieillot",), True, "1819")]),
        # without emphasis, no species name is recognised: "Results showed" is prose
        ("Results showed (Vieillot, 1819) that", [(("Vieillot",), False, "1819")]),
    ],
)
def test_a_taxonomic_authority_counts_only_where_the_list_has_that_work(text, expected):
    manuscript = check(read_text(text + AUTHOR_YEAR_LIST)).manuscripts[0]
    assert [(i.authors, i.et_al, i.year) for c in manuscript.citations for i in c.items] == expected


BARE_LIST = """

## References

- DeLano WL. 2002. The PyMOL Molecular Graphics System. San Carlos: DeLano Scientific.
- Xie Z, Allen E, Fahlgren N. 2004. Genetic and functional diversification of small RNA pathways. PLoS Biol 2:e104.
- Onodera Y, Haag JR, Ream T. 2005. Plant nuclear RNA polymerase IV mediates siRNA. Cell 120:613-622.
"""


@pytest.mark.parametrize(
    "text, expected",
    [
        # a name and a year outside brackets cite an entry the list has with that year
        ("See DeLano, 2002 for the figures.", [(("DeLano",), False, "2002")]),
        ("described in Xie et al., 2004; Onodera et al., 2005 and here",
         [(("Xie",), True, "2004"), (("Onodera",), True, "2005")]),
        # ... and nothing else: prose with a place or a name and a year is not a citation
        ("In Brazil, 2010 was a dry year.", []),
        ("Smith, 2003 wrote to us.", []),
        ("See DeLano, 2003 for the figures.", []),  # no year mismatch either: without brackets it is no citation
        # "see" or "cf." and a name and year without comma (Harvard without brackets)
        ("For the figures see DeLano 2002. Results vary, cf. Xie et al. 2004 and others.",
         [(("DeLano",), False, "2002"), (("Xie",), True, "2004")]),
        ("For the figures see DeLano 2003, and see Smith 2002.", []),  # no such entries: prose
        # "idem" in a note's list: the authors of the item before it (within 200 characters)
        ("Ver: Onodera et al., 2005, p. 18, 21 e 36, nota 34; *idem*, 2004, p. 110-111; e *idem*, 2002.",
         [(("Onodera",), True, "2005")]),  # Onodera 2004 and 2002 are not in the list: not kept
        ("Sobre isso: Xie et al., 2004, p. 3; *idem*, 2005.", [(("Xie",), True, "2004")]),
    ],
)
def test_author_year_outside_brackets_counts_only_where_it_names_an_entry(text, expected):
    manuscript = check(read_text(text + BARE_LIST)).manuscripts[0]
    assert [(i.authors, i.et_al, i.year) for c in manuscript.citations for i in c.items] == expected


POSSESSIVE_LIST = """

## References

- Lloyd GER. 1995. Adversaries and authorities. Cambridge: Cambridge University Press.
- Solomon RC. 1992. Ethics and excellence. New York: Oxford University Press.
- Solomon RC. 1999. A better way to think about business. New York: Oxford University Press.
- Winkler AJ. 1965. General viticulture. Berkeley: University of California Press.
- Jones C. 2001. A view of the field. J Field 6:1-2.
"""


@pytest.mark.parametrize(
    "text, expected",
    [
        # the possessive of a cited name is that name
        ("Lloyd’s (1995) arguments hold.", [(("Lloyd",), False, "1995")]),
        ("Solomon's (1992; 1999) list of virtues", [(("Solomon",), False, "1992"), (("Solomon",), False, "1999")]),
        ("The Jones' (2001) view differs.", [(("Jones",), False, "2001")]),
        # a few words may say what of the work is meant ...
        ("We used Winkler’s equation (1965) here.", [(("Winkler",), False, "1965")]),
        ("Lloyd's recommended criteria (1995) apply.", [(("Lloyd",), False, "1995")]),
        # ... and then it is a citation only if the list has that name and year: a law, a theorem
        ("Newton's laws of motion (1687) hold.", []),
        ("Winkler’s equation (1970) here.", []),
    ],
)
def test_a_possessive_cites_the_name(text, expected):
    report = check(read_text(text + POSSESSIVE_LIST))
    manuscript = report.manuscripts[0]
    assert [(i.authors, i.et_al, i.year) for c in manuscript.citations for i in c.items] == expected
    assert not [f for f in report.findings if f.rule == "citation-author-mismatch"]


SELF_CREDIT_LIST = """

## Referências

- FRANCO, A. Título de um livro. São Paulo: Editora, 2019.
- SILVA, B. Outro título. Rio de Janeiro: Editora, 2017.
"""


@pytest.mark.parametrize(
    "text, expected",
    [
        # a figure's credit to the manuscript's own authors or data is no citation
        ("**Figura 3** Periódicos. (Fonte: Autores, 2022)", []),
        ("Fonte: Dados da pesquisa (Florianópolis, 2022).", []),
        ("Source: Elaborated by the authors (Paris, 2019).", []),
        ("Fuente: Elaboración propia (Madrid, 2020).", []),
        # ... and a credit to a listed work is one
        ("Fonte: Franco (2019, p.288).", [(("Franco",), False, "2019")]),
        ("Fonte: Elaborado pelos autores com base em Silva (2017).", [(("Silva",), False, "2017")]),
    ],
)
def test_a_credit_to_the_authors_own_work_is_no_citation(text, expected):
    manuscript = check(read_text(text + SELF_CREDIT_LIST)).manuscripts[0]
    assert [(i.authors, i.et_al, i.year) for c in manuscript.citations for i in c.items] == expected


TABLE_LIST = """

## References

- Budowski, G. 1965. Distribution of tropical American rain forest species. Turrialba 15: 40-42.
- Denslow, J.S. 1980. Gap partitioning among tropical rainforest trees. Biotropica 12: 47-51.
- Bernacci, L.C. & Leitão-Filho, H.F. 1996. Flora fanerogâmica. Revista Brasileira de Botânica 19: 149-164.
- Aguiar, O.T., Pastore, J.A. & Rocha, F.T. 2001. Florística. Revista 13: 1-10.
"""


@pytest.mark.parametrize(
    "table, expected",
    [
        # a table of studies: a column of years beside a column of authors cites each row's work
        ("| Ano | Autor | Classificação |\n| --- | --- | --- |\n| 1965 | Budowski | Pioneira |\n"
         "| 1980 | Denslow | Pioneira e sub-bosque |\n| 1996 | Bernacci & Leitão-Filho | Pioneira |\n"
         "| 2001 | Aguiar *et al*. | Pioneira |\n| 2010 | Nobody | Pioneira |\n",
         [(("Budowski",), False, "1965"), (("Denslow",), False, "1980"),
          (("Bernacci", "Leitão-Filho"), False, "1996"), (("Aguiar",), True, "2001")]),
        # authors first, then years
        ("| Author | Year |\n|---|---|\n| Denslow | 1980 |\n| Budowski | 1965 |\n",
         [(("Denslow",), False, "1980"), (("Budowski",), False, "1965")]),
        # years beside things that are not names, or beside names the list does not date so: nothing
        ("| Year | Rainfall |\n|---|---|\n| 1980 | 1200 mm |\n| 1981 | 900 mm |\n", []),
        ("| Year | Site |\n|---|---|\n| 1981 | Denslow |\n| 1966 | Budowski |\n", []),
    ],
)
def test_a_table_of_studies_cites_each_row(table, expected):
    manuscript = check(read_text("Studies.\n\n" + table + TABLE_LIST)).manuscripts[0]
    assert [(i.authors, i.et_al, i.year) for c in manuscript.citations for i in c.items] == expected


# --- numeric citations as real articles print them (benchmarks/articles; docs/DEVELOPMENT.md) ---


@pytest.mark.parametrize(
    "text, expected",
    [
        # superscripts that survived only on the punctuation between bare numbers; a dash is a range
        ("different universities<sup>(</sup>1<sup>-</sup>3<sup>)</sup>. The", [(1, 2, 3)]),
        ("how it is done<sup>(</sup>6<sup>)</sup>.", [(6,)]),
        ("levels should have<sup>(</sup>8<sup>-</sup>10<sup>,</sup>14<sup>)</sup>.", [(8, 9, 10, 14)]),
        ("da equipe de enfermagem9<sup>-</sup>11 e que", [(9, 10, 11)]),
        ("science and society.7<sup>),(</sup>8\n\nAs a", [(7, 8)]),
        ("data visualization.9<sup>)-(</sup>12\n\nVEME", [(9, 10, 11, 12)]),
        ("this transesterification reaction.7<sup>,</sup>8 The ester", [(7, 8)]),
        ("published using VOSO<sub>4</sub>,10<sup>, </sup>17 this", [(10, 17)]),
    ],
)
def test_split_superscripts_are_citations(text, expected):
    assert items(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "subjects with CD24<sup>hi</sup>38<sup>hi</sup> cells",  # letters between the numbers
        "| 62 ± 19 | 59 ± 11<sup>#</sup> 4 |",  # a footnote sign
        "| Cases of Hookworm5<sup>–</sup>7 | Population |",  # a table's header
        "in the range 2<sup>-</sup>30 of the list",  # beyond the list of 20
        "a value of 1234<sup>,</sup>5 and 3<sup>,</sup>4567",  # numbers of 4 digits or more
    ],
)
def test_split_superscripts_need_punctuation_between_numbers_of_the_list(text):
    assert items(text) == []


def test_split_superscripts_count_only_with_a_numbered_list():
    md = "Cited reaction.7<sup>,</sup>8 here.\n\n## References\n\n- Smith J. 2019. T. J 1:1.\n"
    assert read_text(md).citations == ()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("had been confirmed in Brazil <sup>( 1) </sup>. In", [(1,)]),
        ("deaths had been confirmed <sup>( 2, 3) </sup>.", [(2, 3)]),
        ("mortality, and length of stay (LOS),<sup>(7-9)</sup> as well", [(7, 8, 9)]),
        ("patients with COVID-19.<sup>(1,2)</sup> Meanwhile", [(1, 2)]),
        ("the pandemic <sup> 9 </sup> and confirmed <sup>( 4) </sup>.", [(9,), (4,)]),  # one form does not hide the other
    ],
)
def test_parentheses_inside_superscripts(text, expected):
    assert items(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("systems that seek utmost randomness[1, 2]. Other", [(1, 2)]),
        ("generated by Ibarra-Soria et al[12]. After", [(12,)]),
        ("borderline leprosy[4]. They may", [(4,)]),
        ("clusters across chromosomes[8-10]. As these", [(8, 9, 10)]),
        ("Olfr1507-IRES-GFP[18] (zone 5 OR) mice", [(18,)]),
    ],
)
def test_a_bracket_run_attached_to_a_word(text, expected):
    assert items(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the array x[3] and a1[4]",  # one letter, or not a word
        "the buffer CHAR[64] holds it",  # beyond the list of 20
        "an index like Figure[2] or Table[3]",
        "3-aryl-2*H*-benzo[*b*] [1,4]benzoxazin-2-ones",  # a letter or digit right after: a chemical locant
        "cells [1]a and [2]3",
    ],
)
def test_bracket_runs_that_are_no_citation(text):
    assert items(text) == []


def test_an_attached_bracket_run_needs_a_numbered_list():
    md = "utmost randomness[1, 2]. Other\n\n## References\n\n- Smith J. 2019. T. J 1:1.\n"
    assert read_text(md).citations == ()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("recommended that the Cockcroft-Gault equation [8] and", [(8,)]),
        ("Renal Disease (MDRD) equations [9] could be used", [(9,)]),
        ("using the non-steady-state Steel equation [18] modified", [(18,)]),
        ("include both curving and straight sections [11–14]. When", [(11, 12, 13, 14)]),
        ("symmetric around each time-step [7].", [(7,)]),
        ("in the results or discussion section [12].", [(12,)]),
    ],
)
def test_a_keyword_after_a_word_of_its_own_is_a_cited_things_name(text, expected):
    assert items(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "as given in equation [3], and",
        "(see Section [2]) for the proof",
        "Equation [4] gives the rate",
        "the equation [5] and this section [6]",
        "the first of steps [6] and panel [7]",
        "the rate in the Steel equation (18) modified",  # "(18)" is how equations are numbered
    ],
)
def test_a_keyword_that_starts_its_phrase_is_a_cross_reference(text):
    assert items(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("algorithms are in wide use [10–12](see “Related literature” in Discussion).", [(10, 11, 12)]),
        ("Olfr17-IRES-GFP [18](zone 2 OR), and", [(18,)]),
        ("shown [3] (data not shown)", [(3,)]),
    ],
)
def test_a_bracket_run_before_a_parenthesis_that_is_no_link(text, expected):
    assert items(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the [5](https://example.org) page",
        "the [6](<a b> \"title\") page",
        "the [7](#ref-7) anchor",
    ],
)
def test_a_bracket_run_that_is_a_link_text(text):
    assert items(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("the North and Northeast regions (Gini of 0.62)<sup>10</sup>.", [(10,)]),
        ("mortalidade (SIM) e internações (SIH)<sup>18</sup>. Ainda", [(18,)]),
        ("in the South region from 2013 (Santa Catarina)<sup>6</sup>.", [(6,)]),
        ("the screening in blood banks in 1993<sup>3</sup>.", [(3,)]),
        ("indica valor de glicemia ≥95mg/dL<sup>3</sup>, o critério", [(3,)]),
        ("variando de 7,6% (95mg/dL)<sup>6</sup> a 18%", [(6,)]),
        ("(4.1 inhabitants per km<sup>2</sup>)<sup>9</sup>.", [(9,)]),
    ],
)
def test_a_superscript_after_words_is_no_power(text, expected):
    assert items(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the factor exp(−(*nπ*)<sup>2</sup> *T*) and (1 − *p*)<sup>3</sup>",
        "Shape factor ((1/circularity)<sup>2</sup>) values",
        "an area of 8.5 million km² and R² = 0.69 and (*R*²)",
        "restraints of 0.1 kcal/mol/Å<sup>2</sup> and 20 molecules/μm<sup>2</sup>, 9.8 m/s<sup>2</sup>",
        "proportional to 1/r<sup>2</sup> and 4π × area/perimeter<sup>2</sup>",
        "a power 10<sup>3</sup> and 300<sup>2</sup>",
    ],
)
def test_powers_are_no_citations(text):
    assert items(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "iron from <sup>15</sup>FeCl<sub>3</sub> and from <sup>15</sup>Fe-loaded transferrin",
        "accessions <sup>1</sup>EF185282, <sup>2</sup>NM000518.4.",
        "An infusion of [*6*,*6–*<sup>*2*</sup>*H*<sub>*2*</sub>]glucose",
        "the <sup>13</sup>C and <sup>1</sup>H spectra",
    ],
)
def test_a_superscript_before_a_word_is_a_prefix(text):
    assert items(text) == []


def test_a_superscript_printed_twice_is_a_citation_not_a_prefix():
    """`(Joinpoint ... NCI) <sup>15</sup>15).`: the conversion printed the mark and then its plain
    copy; a number after a superscript is a prefix's mass number only before a letter."""
    assert items("trends were fitted (Joinpoint, NCI) <sup>15</sup>15). This method and <sup>3</sup>3, too") == [(15,), (3,)]
    assert items("iron from <sup>15</sup>15N and <sup>12</sup>13C") == []


def test_a_superscript_citation_may_close_an_emphasis():
    assert items("as *shown<sup>4</sup>* here and cells<sup>5</sup>, too") == [(4,), (5,)]


def test_lost_superscripts_are_read_past_emphasis_and_quotes():
    body = ("Yadav *et al*.2 reported it. Bassan *et al*.5 The authors, as Wuyts *et al*.1 and others, "
            "apoia a próxima, ‘explorando’3, movimento. como real*4. Later work6,7 agrees.8 It holds,9-12 as shown.")
    assert _numbered(body) == [("2", (2,)), ("5", (5,)), ("1", (1,)), ("3", (3,)), ("4", (4,)), ("6,7", (6, 7)), ("8", (8,)),
                               ("9-12", (9, 10, 11, 12))]


def test_split_superscripts_count_toward_lost_superscripts():
    """Four glued numbers alone are too few; with two split superscripts the text cites that way."""
    body = ("First reaction.7<sup>,</sup>8 The work. Second others.5<sup>,</sup>6 Then investigated.2 In the review,1 "
            "there. More work3 agrees.4 Later.")
    assert _numbered(body, entries=8) == [("7<sup>,</sup>8", (7, 8)), ("5<sup>,</sup>6", (5, 6)), ("2", (2,)), ("1", (1,)),
                                          ("3", (3,)), ("4", (4,))]
    assert _numbered("Then investigated.2 In the review,1 there. More work3 agrees.4 Later.", entries=8) == []


@pytest.mark.parametrize(
    "body",
    [
        # a table's quantities, a unit after the number, a capital before it
        "| entry | *ee* after3 h | after6 h | after9 h | after12 h |\n| 1 | x | 2 | 3 | 4 |\n| entry | at1 h | at2 h | at5 h | at7 h |",
        "The mixture was stirred for3 h, then for6 h, then for9 h, then for12 h, for11 min and for2 min at last.",
        "The ECI1 and ECI2 courses, the PFF2 and PFF3 masks, the HOMO1 level and the MK5 kinase.",
    ],
)
def test_numbers_glued_to_words_that_are_no_lost_superscripts(body):
    assert all(not text[0].isdigit() for text, _ in _numbered(body))


def _labels(entries: str) -> list[tuple[str | None, str]]:
    from refcheck.readers.markdown import find_reference_section, mask, split_entries

    text = "Body.\n\n## References\n\n" + entries
    return [(label, text[s:e]) for s, e, label in split_entries(text, find_reference_section(mask(text)))]


@pytest.mark.parametrize(
    "entries, expected",
    [
        ("1. 1. Siegel RL. T. 2001.\n2. 2. Hoffman RM. T. 2002.\n", [("1", "Siegel RL. T. 2001."), ("2", "Hoffman RM. T. 2002.")]),
        ("1. [1] W. Callister. T. 2001.\n2. [2] J. Shack. T.\n", [("1", "W. Callister. T. 2001."), ("2", "J. Shack. T.")]),
        ("1. 1 Pons JP. T. 2001.\n2. 2 Buzon O. T.\n", [("1", "Pons JP. T. 2001."), ("2", "Buzon O. T.")]),
        # renumbered by the conversion: the label as printed is the one the text cites
        ("31. 31. Lima AG. T.\n\n1. 1 32. Centers for Disease. T.\n\n33. 33. Woodworth KR. T.\n",
         [("31", "Lima AG. T."), ("32", "Centers for Disease. T."), ("33", "Woodworth KR. T.")]),
        # no doubled labels: a year, an edition or a number is the entry's text
        ("114. Smith. T.\n115. 2010 IUCN Red List.\n116. 2. Aufl. Berlin\n",
         [("114", "Smith. T."), ("115", "2010 IUCN Red List."), ("116", "2. Aufl. Berlin")]),
        ("1. 1. Siegel RL. T.\n2. 2019. WHO report. T.\n3. 3. Lee K. T.\n",
         [("1", "Siegel RL. T."), ("2", "2019. WHO report. T."), ("3", "Lee K. T.")]),
    ],
)
def test_doubled_list_labels(entries, expected):
    assert _labels(entries) == expected


def test_a_numeric_range_that_lost_its_brackets_cites_the_entries_nothing_else_cites():
    """"allelic fixation 17–20." in a text citing [n] in order of first citation: read as a citation
    of 7-9 (malformed-citation says so) where entries 7-9 are cited nowhere else and the entries
    first cited just before and after it are near its ends; otherwise it is a quantity."""
    cites = "First [1]. Then [2], [3]. Also [4]–[6]. "
    after = " Later [10], [11] and [12]."
    assert _numbered(cites + "It may lead to allelic fixation 7–9." + after)[3] == ("7–9", (7, 8, 9))
    # the same words where entries 7-9 are cited elsewhere, or the list is not in that order: a quantity
    assert ("7–9", (7, 8, 9)) not in _numbered(cites + "Aged 7–9. Then [7]–[9]." + after)
    assert ("7–9", (7, 8, 9)) not in _numbered("First [10]. Also [11], [12]. Children aged 7–9. Then [1]–[6].")
    assert ("2–3", (2, 3)) not in _numbered("First [1]. Children aged 2–3. Then [9]–[12].")
    report = check(read_text(cites + "It may lead to allelic fixation 7–9." + after + "\n\n## References\n\n"
                             + "".join(f"{n}. Author A. Title {n}. J. 2000;1:{n}.\n" for n in range(1, 13))))
    messages = [f.message for f in report.findings if f.rule in ("malformed-citation", "reference-never-cited")]
    assert messages == ["'7–9' reads as a citation of entries 7–9 without its brackets (they are cited nowhere else)"]


def test_a_number_glued_to_a_word_is_a_lost_superscript_only_for_an_entry_cited_nowhere_else():
    """In a text that cites with superscripts, "encephalopathy, or death10." cites entry 10 where
    nothing else does and the neighbouring entries are first cited around it."""
    body = ("Cases rose.<sup>1</sup> Children too.<sup>2,3</sup> Adults also.<sup>4-6</sup> Risk grew.<sup>7</sup> "
            "It was seen.<sup>8</sup> So it was.<sup>9</sup> Shock, encephalopathy, or death10. "
            "Then it waned.<sup>11</sup> At last.<sup>12</sup>")
    assert ("10", (10,)) in _numbered(body)
    assert ("10", (10,)) not in _numbered(body.replace("<sup>12</sup>", "<sup>10,12</sup>"))  # cited elsewhere
    assert ("10", (10,)) not in _numbered(body.replace("<sup>", "[").replace("</sup>", "]"))  # cites with brackets


def test_a_name_and_year_before_a_citation_number_is_a_mention():
    """In a numbered text, "Klimley et al. (1996) described ... [2]" names the work the number
    cites: it counts only where it names one entry (two Klimley 1996 entries: no ambiguity to
    report; "the European Association (2021) stated ...<sup>(2)</sup>": no missing entry)."""
    entries = ("1. Klimley AP, Pyle P, Anderson SD. Tail slap. J. 1996;1:1.\n"
               "2. Klimley AP, Anderson SD, Pyle P. Predatory behaviour. J. 1996;2:2.\n"
               "3. Smith J. Other. J. 2001;3:3.\n")
    for body in ("Klimley et al. (1996) described tail slapping. It was said to win food [2]. See [1], [3].",
                 "The group of the European Association (2021) stated it [2]. See [1], [3]."):
        report = check(read_text(body + "\n\n## References\n\n" + entries))
        assert [f.rule for f in report.findings if f.severity.value in ("warning", "error")] == [], body
    # a mention that names one entry is kept as a citation of it; another year ("Reynaud (1877)
    # invented ... [3]", a date in prose) is not
    kept = check(read_text("Smith (2001) showed it [3]. See [1], [2].\n\n## References\n\n" + entries)).manuscripts[0]
    assert [c.text for c in kept.citations if not c.items[0].numbers] == ["Smith (2001)"]
    other = check(read_text("Smith (1999) showed it [3]. See [1], [2].\n\n## References\n\n" + entries))
    assert [c.text for c in other.manuscripts[0].citations if not c.items[0].numbers] == []
    assert [f.rule for f in other.findings if f.severity.value in ("warning", "error")] == []


@pytest.mark.parametrize(
    "text, expected",
    [
        # a classical work cited by book and section before the year of the edition read
        ("(EPICTETO, III, 1993, p. 335)", [(("EPICTETO",), False, "1993")]),
        ("(DIÓGENES LAERCIO, VI 77, 2010, p. 230)", [(("DIÓGENES LAERCIO",), False, "2010")]),
        ("(Aristotle, IV.3, 2006)", [(("Aristotle",), False, "2006")]),
        ("como diz Epicteto (III, 1993, p. 321) no texto", [(("Epicteto",), False, "1993")]),
        # a regnal number belongs to the name; a numeral alone names no one
        ("(Louis XIV, 1990)", [(("Louis XIV",), False, "1990")]),
        ("as in (VI, 2001)", []),
    ],
)
def test_a_classical_work_cited_by_book_before_the_year(text, expected):
    assert items(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a "," typed for the ";" after a year: the names after it start the next item
        ("(Ettredge; Vernon; Scholz, 2001, Nevado; Gallardo, 2016)",
         [(("Ettredge", "Vernon", "Scholz"), False, "2001"), (("Nevado", "Gallardo"), False, "2016")]),
        ("(Smith et al., 2001, Jones et al.; 2003)", [(("Smith",), True, "2001"), (("Jones",), True, "2003")]),
        # a locator after the year is no name
        ("(Smith, 2001, p. 4; Lee, 2010)", [(("Smith",), False, "2001"), (("Lee",), False, "2010")]),
    ],
)
def test_names_after_a_year_and_a_comma_start_the_next_item(text, expected):
    assert items(text) == expected


def test_a_reference_typed_into_the_text_names_a_listed_work_only_where_the_list_has_it():
    """eLife's data citations print the dataset's reference in the text: "(Ferry Q, Steinberg J,
    Nellåker C, 2014, Diagnostically relevant ... database)". Names in a reference list's
    Vancouver form are no citation of the list unless an entry corroborates them."""
    text = "can be requested (Ferry Q, Steinberg J, Webber C, Nellåker C, 2014, Diagnostically relevant database)."
    assert items(text) == []
    entries = "- Nellåker C, Ferry Q. 2014. Diagnostically relevant facial gestalt. J 1:1.\n- Lee K. 2000. T. J 2:2.\n"
    manuscript = check(read_text(text + " As shown (Lee, 2000).\n\n## References\n\n" + entries)).manuscripts[0]
    assert [c.items[0].authors for c in manuscript.citations] == [("Nellåker",), ("Lee",)]


@pytest.mark.parametrize(
    "text",
    [
        # a thing described, a spaced dash, who made it and when: an attribution
        "Zootrópio (o tropo, girando, da vida – W.G. Horner, 1834), Praxinoscópio (exibição de ações – Reynaud, 1877)",
        "the kinetoscope (a peephole viewer — Dickson, 1891) came first",
        # a work in italics, then its place and date
        "os primeiros shows (*Pantomimes lumineuses*, Paris, 1892) foram",
    ],
)
def test_an_attribution_in_parentheses_is_no_citation_unless_the_list_has_it(text):
    assert items(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        # a document's name before the dash, "apud" in italics: citations as usual
        ("listas (Portaria MMA nº 443, de 17 de dezembro de 2014 - Placeholder 2000) e", [(("Placeholder",), False, "2000")]),
        ("são cometidas (*apud* Placeholder, 2000).", [(("Placeholder",), False, "2000")]),
    ],
)
def test_no_attribution_without_a_description_or_a_title(text, expected):
    assert items(text) == expected


def test_an_attribution_that_names_an_entry_of_that_year_is_kept():
    entries = "- Reynaud E. 1877. Le praxinoscope. Paris.\n"
    manuscript = check(read_text("Praxinoscópio (exibição de ações – Reynaud, 1877).\n\n## References\n\n" + entries)).manuscripts[0]
    assert [c.items[0].authors for c in manuscript.citations] == [("Reynaud",)]
    # the same name with another year of the list is no year mismatch: the date is the invention's
    report = check(read_text("Praxinoscópio (exibição de ações – Reynaud, 1870). Also (Reynaud, 1877).\n\n## References\n\n" + entries))
    assert [f.rule for f in report.findings if f.severity.value in ("warning", "error")] == []


def test_a_season_or_a_period_is_no_citation_unless_the_list_dates_a_work_so():
    """"Integrated Project since Session 2006/2007" in a table of titles names no work; "(Smith,
    2011/1979)" cites the edition of 2011 of a work first published in 1979, where the list has it."""
    assert items("| JKKP Experience in Conducting Integrated Project since Session 2006/2007 | 2012 |") == []
    entries = "- Smith, J. Obras. Madrid: Gredos, 2011/1979.\n"
    manuscript = check(read_text("Como diz (Smith, 2011/1979).\n\n## References\n\n" + entries)).manuscripts[0]
    assert [(c.items[0].authors, c.items[0].year) for c in manuscript.citations] == [(("Smith",), "2011")]


def test_a_numbered_texts_citation_numbers_are_no_years_for_the_author_year_reading():
    """"[1502]" in a list of 3,000 entries is entry 1502, not a year 1502; "(reviewed in Horvath 2008
    [82])" cites by its number, the name and year in it are a mention (no second style)."""
    entries = "".join(f"{n}. Author A. Title {n}. J. 2000;1:{n}.\n" for n in range(1, 1600))
    report = check(read_text("Cells divide [1502]. More [1], [2] (reviewed in Horvath 2008 [82]).\n\n## References\n\n" + entries))
    citations = report.manuscripts[0].citations
    assert [c.items[0].numbers for c in citations] == [(1502,), (1, 2), (82,)]
    assert "mixed-citation-styles" not in [f.rule for f in report.findings]


def test_idem_in_a_note_cites_the_same_authors_other_work():
    """`CHOLODENKO, 1991, p. 18; *idem*, 2004, p. 110; e *idem*, 2007b`: "idem" is the author of
    the item before it; without brackets, each counts where the list has that author and year."""
    refs = ("\n\n## Referências\n\n- CHOLODENKO, A. Title one. Sydney: Power, 1991.\n"
            "- CHOLODENKO, A. Title two. Sydney: Power, 2004.\n- CHOLODENKO, A. Title three. Sydney: Power, 2007b.\n")
    text = "Sobre essa reanimação, ver: CHOLODENKO, 1991, p. 18, 21 e 36, nota 34; *idem*, 2004, p. 110-111; e *idem*, 2007b, p. 496."
    report = check(read_text(text + refs))
    assert [(i.authors, i.year) for c in report.manuscripts[0].citations for i in c.items] == [
        (("CHOLODENKO",), "1991"), (("CHOLODENKO",), "2004"), (("CHOLODENKO",), "2007b")]
    assert report.findings == [] or all(f.rule != "reference-never-cited" for f in report.findings)
    # "idem" far from any author names no one
    far = "Ver: CHOLODENKO, 1991. " + "Outra frase longa sobre outra coisa, sem autor nenhum citado aqui. " * 4 + "Cf. *idem*, 2004."
    report = check(read_text(far + refs))
    assert [(i.authors, i.year) for c in report.manuscripts[0].citations for i in c.items] == [(("CHOLODENKO",), "1991")]


@pytest.mark.parametrize("table", ["| |\n|--|\n| |\n", "|--|\n|--|\n", "| a |\n|---|\n", "| 2001 | Smith |\n|---|---|\n"])
def test_a_table_of_empty_cells_or_rules_alone_is_read_without_error(table):
    """A Markdown "table" of empty cells (`| |` over `|--|`, as a JOSS paper lays out a figure)
    or a header without rows holds no citation, and reading it must not fail (it once raised on
    an empty list of rows)."""
    text = f"Text (DeLano, 2002).\n\n{table}\nMore text.{BARE_LIST}"
    manuscript = check(read_text(text)).manuscripts[0]
    assert [(i.authors, i.year) for c in manuscript.citations for i in c.items] == [(("DeLano",), "2002")]


def test_a_bracketed_pair_past_the_list_in_a_sentence_about_ranges_is_an_interval():
    """`The inferred ranges for the initial number of infected cells are [5, 80]` in a list of 12:
    a range of values, as the sentence says (or another pair of decimals beside it: `the prior
    range [0.01, 0.25]`). Without such words, or within the list, a pair is citations."""
    assert _numbered("The inferred ranges for the number of infected cells are [5, 80] and [5, 120] in the cohorts [3].") == [
        ("[3]", (3,))]
    assert _numbered("It varies over [0.01, 0.25]; the counts were [5, 20] in HIV-negative people [4].") == [("[4]", (4,))]
    # no such words: a citation of an entry past the list's end (reported by numeric-citation-out-of-range)
    assert _numbered("Earlier studies agree [5, 20] and so does ours [4].") == [("[5, 20]", (5, 20)), ("[4]", (4,))]
    # within the list: citations, whatever the sentence says
    assert _numbered("Ranges were estimated before [5, 11].") == [("[5, 11]", (5, 11))]
