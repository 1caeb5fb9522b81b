"""Every rule, in a few lines of Markdown: when it fires, and when it must stay silent."""

from __future__ import annotations

import pytest

from refcheck.rules import RULES
from tests.conftest import lint, rules_of, run

CLEAN = """\
# A clean paper

Received: 3 March 2021. Accepted: 14 July 2021.

Cells divide (Smith et al., 2019). Lee and Park (2020) disagree (Brown, 2018; Lee and Park, 2020).

## References

- Brown A. 2018. First title here. J Biol 1:1–10.
- Lee J, Park S. 2020. Second title here. J Biol 2:11–20.
- Smith J, Jones K, Wu H. 2019. Third title here. J Biol 3:21–30.
"""


def test_a_clean_paper_has_no_findings():
    assert lint(CLEAN) == []


def with_body(body: str, refs: str, head: str = "Accepted: 14 July 2021.\n\n") -> str:
    return f"# Paper\n\n{head}{body}\n\n## References\n\n{refs}\n"


CASES = {
    "no-reference-list": "Cells divide (Smith et al., 2019).\n",
    "manuscript-date-unknown": with_body("Cells (Smith, 2019).", "- Smith J. 2019. A title here. J 1:1.", head=""),
    "citation-without-reference": with_body("Cells (Smith, 2019) and (Jones, 2017).", "- Smith J. 2019. A title here. J 1:1."),
    "reference-never-cited": with_body("Cells (Smith, 2019).", "- Smith J. 2019. A title here. J 1:1.\n- Jones K. 2017. Other title here. J 2:2."),
    "ambiguous-citation": with_body("Cells (Smith, 2019).", "- Smith J. 2019. A title here. J 1:1.\n- Smith K. 2019. Other title here. J 2:2."),
    "citation-year-mismatch": with_body("Cells (Smith, 2018).", "- Smith J. 2019. A title here. J 1:1."),
    "citation-author-mismatch": with_body("Cells (Diomedede et al., 2016).", "- Diomede F, Rajan T, Mazzon E. 2016. A title here. J 1:1."),
    "numeric-citation-out-of-range": with_body("Cells [1], [3].", "1. Smith J. A title here. J. 2019;1:1.\n2. Lee K. B title here. J. 2018;2:2."),
    "et-al-misuse": with_body("Cells (Gnecchi et al., 2009).", "- Gnecchi M, Melo LG. 2009. A title here. J 1:1."),
    "duplicate-reference-number": with_body("Cells [1], [2].", "1. Smith J. A title here. J. 2019;1:1.\n2. Lee K. B title here. J. 2018;2:2.\n2. Wu H. C title here. J. 2017;3:3."),
    "reference-numbering-gap": with_body("Cells [1], [3].", "1. Smith J. A title here. J. 2019;1:1.\n3. Lee K. B title here. J. 2018;2:2."),
    "incomplete-reference": with_body("Cells (Smith, 2019).", "- Smith J. 2019. A title here. J 1:1.\n- breast cancer cells in vitro. Chemico-Biological Interactions, 369, 110283."),
    "merged-references": with_body(
        "Cells (Sandhaanam et al., 2013).",
        "1. Sandhaanam, S. D., Pathalam, G., Dorairaj, S., & Savariar, V. (2013). Mesenchymal stem cells (MSC). identification, proliferation and differentiation. "
        "Song, N., Scholtemeijer, M., & Shah, K. (2020). Mesenchymal stem cell immunomodulation: mechanisms and therapeutic potential. *Trends in pharmacological sciences*, 41(9), 653-664.",
    ),
    "duplicate-reference": with_body("Cells (Smith, 2019).", "- Smith J. 2019. The same title of a work. J 1:1.\n- Smith J. 2019. The same title of a work. J 1:1."),
    "missing-year-suffix": with_body("Cells (Smith et al., 2019).", "- Smith J, Lee K, Wu H. 2019. A title here. J 1:1.\n- Smith J, Park S, Kim D. 2019. Other title here. J 2:2."),
    "reference-order": with_body("Cells (Lee, 2020; Kim, 2019; Abe, 2018).", "- Lee J. 2020. A title here. J 1:1.\n- Kim K. 2019. B title here. J 2:2.\n- Abe H. 2018. C title here. J 3:3."),
    "malformed-citation": with_body("Tan et al., (2021) reported.", "- Tan H, Guan X, Hu M. 2021. A title here. J 1:1."),
    "inconsistent-citation-format": with_body(
        "A (Abe et al., 2017). B (Kim et al., 2018). C (Lee et al., 2019). D (Oh et al., 2020). E (Ra et al. 2021).",
        "\n".join(f"- {n} H, Park S, Wu H. {y}. A title. J 1:1." for n, y in (("Abe", 2017), ("Kim", 2018), ("Lee", 2019), ("Oh", 2020), ("Ra", 2021))),
    ),
    "mixed-citation-styles": with_body("Cells [1] and (Lee, 2018).", "1. Smith J. A title here. J. 2019;1:1.\n2. Lee K. B title here. J. 2018;2:2."),
    "citation-after-manuscript-date": with_body("Cells (Karimi et al., 2024).", "- Karimi Z, Daryabor G, Masjedi F. 2024. A title here. J 1:1."),
    "future-year": with_body("Cells (Smith, 2031).", "- Smith J. 2031. A title here. J 1:1.", head="Accepted: 1 January 2032.\n\n"),
    "invalid-doi": with_body("Cells (Smith, 2019).", "- Smith J. 2019. A title here. J 1:1. doi:10.1038"),
    "citation-context": with_body("Obese mice regain insulin sensitivity on metformin treatment (Smith, 2019).",
                                  "- Smith J. 2019. Obese rats regain insulin sensitivity on metformin treatment. J 1:1."),
    "duplicate-doi": with_body("Cells (Smith, 2019; Lee, 2018).", "- Lee K. 2018. B title here. J 2:2. doi:10.1000/abc123\n- Smith J. 2019. A title here. J 1:1. doi:10.1000/abc123"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_fires(name):
    select = (name,)  # exact names also enable rules that are off by default
    assert name in rules_of(CASES[name], select=select)


def test_every_rule_has_a_case_except_input_errors():
    # unreadable-input is tested on real files in test_bad_input, RC7xx in test_crossref_rules
    # and RC002/RC6xx, which need a .bib file, in test_bibliography_rules
    names = {r.name for r in RULES if "crossref" not in r.needs and not r.code.startswith(("RC6", "RC002"))} - {"unreadable-input"}
    assert names <= set(CASES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_every_rule_is_documented(rule):
    doc = rule.doc
    assert doc.splitlines()[0].endswith(".")
    for section in ("Why it matters", "Example", "Fix"):
        assert section in doc, f"{rule.name} lacks {section!r}"


def test_codes_and_names_are_unique_and_well_formed():
    assert len({r.code for r in RULES}) == len({r.name for r in RULES}) == len(RULES)
    for r in RULES:
        assert r.code.startswith("RC") and r.code[2:].isdigit() and len(r.code) == 5
        assert r.name == r.name.lower() and " " not in r.name


# --- the quiet side: what careful editors would not want reported ---------------------------


def test_case_and_accent_differences_are_info_not_warnings():
    report = run(with_body("Cells (liu et al., 2018) and (Sorensen, 2011).", "- Liu B, Ding F, Wu H. 2018. A title here. J 1:1.\n- Sørensen K. 2011. B title here. J 2:2."))
    assert {(f.rule, str(f.severity)) for f in report.findings} == {("citation-author-mismatch", "info")}


def test_particles_and_hyphens_link():
    md = with_body(
        "A (van der Berg, 2019). B (Sendon-Lago et al., 2021). C (De la Cruz, 2015).",
        "- van der Berg J. 2019. A title here. J 1:1.\n- De la Cruz M. 2015. C title here. J 3:3.\n- Sendon-Lago J, Rio L, Eiro N. 2021. B title here. J 2:2.",
    )
    assert lint(md) == []


def test_all_caps_surnames_are_a_house_style_not_a_mismatch():
    md = with_body("Cells (SMOLINSKÁ et al., 2021).", "- Smolinská V, Boháč M, Danišovič E. 2021. A title here. J 1:1.")
    assert lint(md) == []


def test_year_suffix_cited_without_suffix_still_links():
    md = with_body("Cells (Smith, 2019).", "- Smith J. 2019a. A title here. J 1:1.")
    assert "citation-without-reference" not in rules_of(md)


def test_two_author_citation_picks_the_entry_with_that_coauthor():
    md = with_body("Cells (Smith and Lee, 2019).", "- Smith J, Lee K. 2019. A title here. J 1:1.\n- Smith J, Wu H. 2019. B title here. J 2:2.")
    report = run(md, select=("ambiguous-citation",))
    assert report.findings == ()


def test_decorated_doi_is_valid():
    md = with_body("Cells (Smith, 2019).", "- Smith J. 2019. A title here. J 1:1. https://doi.org/10.1000/abc123.")
    assert "invalid-doi" not in rules_of(md)


def test_cited_web_page_without_author_is_not_a_fragment():
    md = with_body("Cells [1].", "1. The End Fund. http://www.end.org, accessed May 19, 2013.")
    assert "incomplete-reference" not in rules_of(md)


def test_narrative_mentions_in_a_numeric_paper_are_not_mixed_styles():
    md = with_body("As Lee (2018) showed [2], cells divide [1].", "1. Smith J. A title here. J. 2019;1:1.\n2. Lee K. B title here. J. 2018;2:2.")
    assert "mixed-citation-styles" not in rules_of(md)


def test_suppression_comment_hides_the_finding_on_the_next_line():
    md = with_body(
        "<!-- refcheck: ignore citation-after-manuscript-date -->\nCells (Karimi et al., 2024).",
        "- Karimi Z, Daryabor G, Masjedi F. 2024. A title here. J 1:1.",
    )
    report = run(md)
    assert report.findings == () and report.suppressed == 1


def test_select_ignore_longest_prefix_wins():
    md = CASES["reference-never-cited"]
    assert "reference-never-cited" not in rules_of(md, select=("RC1",), ignore=("RC102",))
    assert "reference-never-cited" in rules_of(md, select=("RC102",), ignore=("RC1",))


def test_severity_override():
    from refcheck.model import Severity

    report = run(CASES["reference-never-cited"], severity={"reference-never-cited": Severity.ERROR})
    assert [str(f.severity) for f in report.findings if f.rule == "reference-never-cited"] == ["error"]


def test_configured_manuscript_date_wins_over_the_text():
    md = with_body("Cells (Karimi et al., 2024).", "- Karimi Z, Daryabor G, Masjedi F. 2024. A title here. J 1:1.")
    assert "citation-after-manuscript-date" not in rules_of(md, manuscript_date="2025-01-01")


def test_et_al_without_period_is_reported_only_as_the_exception():
    refs = "- Abe H, Park S, Wu H. 2017. A title. J 1:1.\n- Kim K, Park S, Wu H. 2018. B title. J 2:2.\n- Lee J, Park S, Wu H. 2019. C title. J 3:3."
    slip = with_body("A (Abe et al., 2017). B (Kim et al., 2018). C (Lee et al, 2019).", refs)
    style = with_body("A (Abe et al, 2017). B (Kim et al, 2018). C (Lee et al, 2019).", refs)
    assert lint(slip, select=("malformed-citation",)) == [("malformed-citation", 5)]
    assert lint(style, select=("malformed-citation",)) == []


def test_a_citation_closing_an_unopened_parenthesis_is_malformed_but_links():
    md = with_body("See Smith (2010), Smith, 2012). Next.", "- Smith J. 2010. A title here. J 1:1.\n- Smith J. 2012. B title here. J 2:2.")
    assert lint(md) == [("malformed-citation", 5)]


def test_an_organisation_is_cited_by_any_unit_of_its_hierarchy():
    md = with_body(
        "Population grows (Population Division, 2013) and (WHO, 2015).",
        "- United Nations, Department of Economic and Social Affairs, Population Division. 2013. World population prospects. New York.\n"
        "- WHO. 2015. Guidelines for the treatment of malaria. Geneva.",
    )
    assert lint(md) == []


@pytest.mark.parametrize(
    "cited, entry",
    [
        # by the acronym the entry gives in parentheses
        ("(EPAGRI, 2001)", "- Empresa de Pesquisa Agropecuária e Extensão Rural de Santa Catarina (EPAGRI). 2001. Dados biofísicos. Florianópolis."),
        ("(IBGE, 2012)", "- Instituto Brasileiro de Geografia e Estatística (IBGE). 2012. Manual técnico da vegetação brasileira. Rio de Janeiro."),
        # by its initials
        ("(WHO, 2019)", "- World Health Organization. 2019. Global tuberculosis report. Geneva."),
        ("(UNODC, 2016)", "- United Nations Office on Drugs and Crime. 2016. World drug report. Vienna."),
        # two organisations, cited by their acronyms joined
        ("(IBAMA-MMA, 2004)", "- Instituto Brasileiro do Meio Ambiente e dos Recursos Naturais Renováveis (IBAMA) & "
                              "Ministério do Meio Ambiente (MMA). 2004. Plano de Manejo. Brasília, MMA."),
        # by its name without the acronym, or its whole name
        ("(Instituto Brasileiro de Geografia e Estatística, 2012)", "- Instituto Brasileiro de Geografia e Estatística (IBGE). 2012. Manual técnico. Rio de Janeiro."),
        ("(United Nations Office on Drugs and Crime, 2016)", "- United Nations Office on Drugs and Crime. 2016. World drug report. Vienna."),
    ],
)
def test_an_organisation_is_cited_by_its_acronym_or_its_initials(cited, entry):
    assert lint(with_body(f"The area {cited} was studied.", entry)) == []


def test_initials_that_belong_to_no_organisation_still_match_nothing():
    md = with_body("The area (WHO, 2019) was studied.", "- Wilson H, Oakes K. 2019. Global tuberculosis report. Geneva.")
    assert ("citation-without-reference", 5) in lint(md)


def test_a_year_that_is_part_of_a_name_is_not_a_future_date():
    """"Immunization Agenda 2030" and "Vision 2050" are titles; the entry's own date is elsewhere."""
    refs = ("1. World Health Organization. Immunization Agenda 2030: A global strategy. Available at: "
            "https://who.int/ia2030/ia2030-draft.pdf. Accessed 3 Nov 2023.\n"
            "2. Smith J. Vision 2050 for cities. J Urban 2031;1:2.\n")
    md = with_body("Plans [1] and cities [2].", refs, head="Accepted: 1 January 2032.\n\n")
    assert [f.message for f in run(md).findings if f.rule == "future-year"] == ["the year 2031 is in the future (today is 2026-11-29)"]


def test_a_year_that_is_part_of_a_name_is_not_later_than_the_manuscript():
    refs = "1. World Health Organization. Immunization Agenda 2030: A global strategy. Geneva; 2020.\n"
    md = with_body("Plans [1].", refs, head="Accepted: 14 July 2025.\n\n")
    assert "citation-after-manuscript-date" not in rules_of(md)


def test_the_parts_of_a_series_are_not_one_work_listed_twice():
    """Parts I and V share their title's first 90 characters; the same paper twice, with its
    title in other capitals, is a duplicate."""
    series = ("Coordinated leading- and lagging-strand synthesis at the Escherichia coli DNA replication fork")
    refs = (f"- Wu CA, Marians KJ. 1992. {series}. I. Multiple effectors act to modulate fragment size. J Biol Chem 267:4030.\n"
            f"- Wu CA, Reems JA, Marians KJ. 1992. {series}. V. Primase action regulates the cycle. J Biol Chem 267:4074.\n"
            "- Park IM, Pillow JW. 2011. Bayesian spike-triggered covariance analysis. NIPS 24:1692.\n"
            "- Park IM, Pillow JW. 2011. Bayesian Spike-Triggered Covariance Analysis. NIPS 24:1692.\n")
    md = with_body("Cells (Wu et al., 1992a; Wu et al., 1992b; Park and Pillow, 2011).", refs)
    assert [line for rule, line in lint(md) if rule == "duplicate-reference"] == [12]


def test_a_list_with_an_at_sign_in_an_entry_is_still_the_list():
    """"ETDs @PUC-Rio" in one entry does not make the section prose that cites by key."""
    refs = "\n\n".join([
        "- Antonioli, C. (2023). A autonomia da criança [Tese de Doutorado]. ETDs @PUC-Rio. https://www.maxwell.vrac.puc-rio.br/1.",
        "- Artiles, A. J., & Kozleski, E. B. (2019). Promessas e trajetórias. Práxis Educativa, 14(3), 804-831.",
        "- Barros, S. L. de, & Dainez, D. (2023). Tendências da judicialização. Revista Diálogos, 10(2), 93-106.",
        "- Bueno, J. G. S., & Souza, R. (2018). Educação especial. Revista Educação, 1(1), 1-9.",
    ])
    md = with_body("Estudos (Antonioli, 2023; Artiles & Kozleski, 2019; Barros & Dainez, 2023; Bueno & Souza, 2018).", refs,
                   head="Accepted: 14 July 2024.\n\n")
    assert lint(md) == []


@pytest.mark.parametrize(
    "cited, entry",
    [
        # "in press" in Portuguese, Spanish, French, German, on either side
        ("(Pletsch, no prelo)", "- Pletsch, M. D. (no prelo). Plano de Atendimento Educacional Especializado. Curitiba: Appris."),
        ("(Pletsch, in press)", "- Pletsch, M. D. (no prelo). Plano de Atendimento Educacional Especializado. Curitiba: Appris."),
        ("(García, en prensa)", "- García, J. (en prensa). La educación inclusiva. Madrid: Morata."),
        # a Portuguese "de" before the surname ("os estudos de Artiles") is not a misspelling
        ("os estudos de Artiles e Kozleski (2019)", "- Artiles, A. J., & Kozleski, E. B. (2019). Promessas e trajetórias. Práxis Educativa, 14(3), 804-831."),
        # particles inside a compound surname, cited whole
        ("destacamos Yarza De los Ríos (2011)", "- Yarza De los Ríos, A. (2011). Corrientes pedagógicas. Revista RUEDES, 1(1), 3-21."),
        # an organisation's acronym in brackets inside the citation
        ("(Conselho Nacional de Desenvolvimento Científico e Tecnológico [CNPq], 2024)",
         "- Conselho Nacional de Desenvolvimento Científico e Tecnológico. (2024). Tabela de Áreas do Conhecimento. CNPq."),
        # ... or the acronym it goes by, printed in its entry
        ("(Inep, 2001)", "- Instituto Nacional de Estudos e Pesquisas Educacionais Anísio Teixeira. (2001). Sinopse Estatística. INEP."),
        # an organisation in Portuguese is not a given name and a surname
        ("(Ministério da Educação, 2007)", "- Ministério da Educação. (2007). O Plano de Desenvolvimento da Educação. Brasília."),
    ],
)
def test_citations_in_the_languages_and_forms_of_the_literature_link(cited, entry):
    assert lint(with_body(f"Texto {cited} aqui.", entry, head="Accepted: 14 July 2025.\n\n")) == []


def test_a_year_cited_for_an_organisation_that_the_list_has_in_another_year_is_a_year_mismatch():
    md = with_body("Texto (Observatório de Educação Especial e Inclusão Educacional [ObEE], 2024) aqui.",
                   "- Observatório de Educação Especial e Inclusão Educacional. (2014). Banco de Dados. Rio de Janeiro.",
                   head="Accepted: 14 July 2025.\n\n")
    rules = [rule for rule, _ in lint(md)]
    assert "citation-year-mismatch" in rules and "citation-without-reference" not in rules


@pytest.mark.parametrize(
    "cited",
    ["(Evans & Reisz, 2007)", "(Evans, Reisz & Dupuis, 2007)", "Nevado y Gallardo (2007)"],
)
def test_same_first_author_and_year_are_told_apart_by_every_name_cited(cited):
    """Two works of one year by Evans and Reisz, one with a third author: each name cited counts,
    and so does the number of authors when there is no "et al."."""
    refs = ("- Evans DC, Reisz RR. 2007. Anatomy and relationships of Lambeosaurus. J Vert Paleo 27:373-393.\n"
            "- Evans DC, Reisz RR, Dupuis K. 2007. A juvenile Parasaurolophus. Palaeontology 50:1-9.\n"
            "- Nevado P, Gallardo M. 2007. Arte rupestre. Madrid: Akal.\n"
            "- Nevado P, Gallardo M, Ruiz J. 2007. Arte mueble. Madrid: Akal.\n")
    rules = [rule for rule, _ in lint(with_body(f"Bones {cited} were found.", refs))]
    assert "ambiguous-citation" not in rules and "citation-without-reference" not in rules


@pytest.mark.parametrize(
    "cited, linked",
    [("Censo Demográfico (2010)", True), ("dados do Censo (2010) do IBGE", True), ("a PNAD (2013)", True),
     ("(Amostra, 2013)", False)],  # a word inside the title names nothing: only its first words do
)
def test_an_organisations_dataset_is_cited_by_its_name_or_initials(cited, linked):
    refs = ("- IBGE - Instituto Brasileiro de Geografia e Estatística. Censo Demográfico de 2010. Rio de Janeiro. "
            "Disponível em: http://www.ibge.gov.br.\n"
            "- IBGE - Instituto Brasileiro de Geografia e Estatística. Pesquisa Nacional por Amostra de Domicílios de 2013. "
            "Rio de Janeiro. Disponível em: http://www.ibge.gov.br.\n")
    rules = [rule for rule, _ in lint(with_body(f"Foi utilizado o {cited} e o IBGE (2010; 2013).", refs))]
    assert ("citation-without-reference" in rules) is not linked


@pytest.mark.parametrize(
    "body, expected",
    [
        # a work named by (words of) its title and its year cites it
        ("Searle, em Expression and Meaning (1979), apresentará a taxonomia.", {"reference-never-cited": 2}),
        ("Speech Acts (1969) e Illocutionary Logic (1985) vieram depois.", {"reference-never-cited": 1}),
        # one word is not enough, nor the title's words with another year
        ("Em Expression (1979), apresentará.", {"reference-never-cited": 3, "citation-without-reference": 1}),
        # (with the author named before it in the clause, the one entry of his of that year is meant)
        ("Searle, em Expression (1979), apresentará.", {"reference-never-cited": 2}),
        ("Speech Acts (1970) vieram depois.", {"reference-never-cited": 3, "citation-without-reference": 1}),
    ],
)
def test_a_work_named_by_its_title(body, expected):
    refs = ("- SEARLE, J. R. Expression and Meaning. New York: Cambridge University Press, 1979.\n"
            "- SEARLE, J. R. Speech Acts. New York: Cambridge University Press, 1969.\n"
            "- SEARLE, J. R.; VANDERVEKEN, D. Foundations of Illocutionary Logic. New York: Cambridge University Press, 1985.\n")
    rules = [rule for rule, _ in lint(with_body(body, refs)) if rule != "reference-order"]
    assert {r: rules.count(r) for r in rules} == expected


QUOTED_REFS = ("- Sun L, Chen J, Li Q. 2017. Urbanization in China. Land Use Policy 60:940-950.\n"
               "- Rozelle S, Xia Y, Friesen D. 2020. Moving beyond Lewis. China Q 242:555-580.\n"
               "- Lee K. 2019. Service industries. J 1:1.\n")


@pytest.mark.parametrize(
    "body, expected",
    [
        # the works a quotation cites need not be listed (APA 8.32); its source, after it, must be
        ("They wrote “By 2030 the population will reach 1.445 billion (UNDP, 2013; Yang, 2014), and then shrink "
         "(Lee, 2019)” (Sun et al., 2017, p. 945; Rozelle et al., 2020).", []),
        ("> Didi raised US $21 billion in 18 rounds as of March 2020 (Ciaccia 2020). Meituan grew (Lee, 2019),\n"
         "> as everyone saw (Rozelle et al., 2020, p. 4).\n\nAnd (Sun et al., 2017).", []),
        # the citation that ends a block quote names its source: it must be listed
        ("> Didi raised US $21 billion in 18 rounds as of March 2020, and Meituan grew too (Missing et al., 2020, p. 4).\n\n"
         "Also (Sun et al., 2017; Rozelle et al., 2020; Lee, 2019).", [("citation-without-reference", 5)]),
        # a short quotation is a phrase, not a quoted passage; and the text outside quotations counts
        ("A “phrase (Gone, 2010)” and (Absent, 2011) (Sun et al., 2017; Rozelle et al., 2020; Lee, 2019).",
         [("citation-without-reference", 5), ("citation-without-reference", 5)]),
    ],
)
def test_citations_inside_a_quotation_belong_to_the_quoted_text(body, expected):
    assert [f for f in lint(with_body(body, QUOTED_REFS)) if f[0] != "reference-order"] == expected


def test_a_work_cited_by_its_last_author_is_one_finding_at_the_citation():
    """The senior author named instead of the first: the citation is reported, the entry is cited."""
    refs = ("- Huang Y, Myers SJ, Dingledine R. 1999. Transcriptional repression by REST. Nat Neurosci 2:867-872.\n"
            "- Lawinger P, Venugopal R, Majumder S. 2000. The neuronal repressor REST/NRSF. Nat Med 6:826-831.\n")
    findings = lint(with_body("REST recruits Sin3A (Dingledine et al., 1999) in tumours (Lawinger et al., 2000).", refs))
    assert findings == [("citation-author-mismatch", 5)]
    # a name that is the last author of no entry of that year is still a citation without reference
    findings = lint(with_body("REST recruits Sin3A (Myers et al., 1999) in tumours (Lawinger et al., 2000).", refs))
    assert sorted(rule for rule, _ in findings) == ["citation-without-reference", "reference-never-cited"]


@pytest.mark.parametrize(
    "cited, finding",
    [("Koenker and Bassett (1978) showed", "names the authors of (Bassett and Koenker 1978, line 9) in another order"),
     ("It was shown (Koenker, 1978)", "names the last author of (Bassett and Koenker 1978, line 9); cite it by its first author"),
     # places read as names before the authors are passed over
     ("It was shown (Rio de Janeiro, São Paulo; Bassett, 1978)", None)],
)
def test_authors_cited_in_another_order(cited, finding):
    refs = "- Bassett G, Koenker R. 1978. Regression quantiles. Econometrica 46:33-50.\n"
    report = run(with_body(f"{cited}.", refs))
    messages = [f.message for f in report.findings if f.rule == "citation-author-mismatch"]
    assert len(messages) == (finding is not None) and all(m.endswith(finding) for m in messages)
    assert not [f for f in report.findings if f.rule in ("reference-never-cited", "citation-without-reference")]


@pytest.mark.parametrize(
    "body, uncited",
    [
        # the misspelt entry of the cited year is the work meant, not the same name's other years
        ("Mice (Damjanović et al., 2000) and (Damjanović et al., 2002; Damjanović et al., 1999).", []),
        # a year mismatch spares the entry it most likely means: the nearest one nothing else cites
        ("Mice (Damjanović et al., 2001) and (Damjanović et al., 2002; Damjanovi et al., 2000).", []),
    ],
)
def test_one_miscited_work_is_reported_once(body, uncited):
    refs = ("- Damjanović A, Smith B, Lee C. 1999. Something older. J 1:1.\n"
            "- Damjanović A, Smith B, Lee C. 2002. Something else. J 1:2.\n"
            "- Damjanovi A, Smith B, Lee C. 2000. Deleter mice. J 2:2.\n")
    findings = lint(with_body(body, refs))
    assert len([r for r, _ in findings if r in ("citation-author-mismatch", "citation-year-mismatch")]) == 1
    assert [line for rule, line in findings if rule == "reference-never-cited"] == uncited


@pytest.mark.parametrize(
    "cited, ambiguous",
    [("Paul Reynaud (1945, p. 31)", False), ("Émile Reynaud (1945)", False), ("(Reynaud, 1945)", True),
     ("Jean Reynaud (1945)", True)],  # a given name that fits neither: still two candidates
)
def test_a_given_name_in_the_text_picks_between_two_works_of_one_surname_and_year(cited, ambiguous):
    refs = ('- REYNAUD, E. Le brevet du "Théâtre Optique". Paris: Cinémathèque Française, 1945.\n'
            "- REYNAUD, P. Les Débuts de la Cinématographie. Paris: Cinémathèque Française, 1945.\n")
    rules = [rule for rule, _ in lint(with_body(f"As {cited} wrote.", refs))]
    assert ("ambiguous-citation" in rules) == ambiguous


@pytest.mark.parametrize("cited", ["(Ladislaus Lang-Quantzendorff and Beermann 2019)", "(L. Lang-Quantzendorff & Beermann, 2019)",
                                   "Ladislaus Lang-Quantzendorff and Beermann (2019)"])
def test_a_first_author_s_given_name_written_out_before_a_co_author_still_links(cited):
    refs = "- Lang-Quantzendorff, Ladislaus, and A. Beermann. 2019. “Optimex: temporal optimisation.” JOSS 10: 1.\n"
    assert lint(with_body(f"Pathways were optimised {cited}.", refs)) == []


@pytest.mark.parametrize("cited", ["(Daniel Foreman-Mackey et al., 2021)", "Daniel Foreman-Mackey et al. (2021)"])
def test_a_first_author_s_given_name_written_out_before_et_al_still_links(cited):
    refs = ("- Foreman-Mackey, D., Luger, R., Agol, E., & Barclay, T. (2021). exoplanet: Gradient-based probabilistic "
            "inference for exoplanet data. Journal of Open Source Software, 6(62), 3285.\n")
    assert lint(with_body(f"Light curves were fitted {cited}.", refs)) == []


def test_a_group_named_whole_picks_its_entry_over_another_group_of_the_same_kind():
    refs = ("- MATLAB Developers. 2019. MATLAB R2019b documentation. The MathWorks.\n"
            "- NetworkX Developers. 2019. NetworkX documentation. NetworkX.\n")
    body = "Graphs were drawn (NetworkX Developers, 2019) and solved (MATLAB Developers, 2019)."
    assert lint(with_body(body, refs)) == []


@pytest.mark.parametrize("cited", ["(Wickham, Chang, et al. 2019)", "(Wickham, François, et al. 2019)",
                                   "(Clayton, Leante, et al. 2019)", "(Clayton, Tarsitani, et al. 2019)"])
def test_names_up_to_et_al_pick_between_two_works_of_one_first_author_and_year(cited):
    refs = ("- Clayton M, Leante L, Tarsitani S. 2019. IEMP North Indian Raga. Open Science Framework.\n"
            "- Clayton M, Tarsitani S, Leante L, Jakubowski K. 2019. Interpersonal entrainment. Music Perception 37:1-20.\n"
            "- Wickham H, Chang W, Henry L, Pedersen TL. 2019. ggplot2: Create Elegant Data Visualisations. R package.\n"
            "- Wickham H, François R, Henry L, Müller K. 2019. dplyr: A Grammar of Data Manipulation. R package.\n")
    body = ("Plots were made (Wickham, Chang, et al. 2019) from data (Wickham, François, et al. 2019) of ragas (Clayton, "
            "Leante, et al. 2019; Clayton, Tarsitani, et al. 2019). Again " + cited + ".")
    assert lint(with_body(body, refs)) == []  # no suffixes needed: every citation names its second author


@pytest.mark.parametrize(
    "cited, ambiguous",
    [("(BAKHTIN, 2011 [1979])", False), ("(BAKHTIN, 2011 [1954-1961])", False), ("Bakhtin (2011 [1954–1961])", False),
     ("(BAKHTIN, 1988, 2011 [1979])", False), ("(BAKHTIN, 2011)", True),
     ("(BAKHTIN, 2011 [1920])", True)],  # an original year neither entry prints: still two candidates
)
def test_an_original_year_in_brackets_picks_between_two_works_of_one_author_and_year(cited, ambiguous):
    refs = ("- BAKHTIN, M. M. Estética da criação verbal [1979]. São Paulo: Martins Fontes, 2011.\n"
            "- BAKHTIN, M. M. O problema do texto [1954-1961]. In: Estética da criação verbal. São Paulo: Martins Fontes, 2011.\n"
            "- BAKHTIN, M. M. Formas de tempo [1975]. São Paulo: Hucitec, 1988.\n")
    rules = [rule for rule, _ in lint(with_body(f"Como diz {cited}.", refs))]
    assert ("ambiguous-citation" in rules) == ambiguous


@pytest.mark.parametrize(
    "cited",
    ["(SBEM, Denk and Horstmann, 2004)", "(Figure 1F and Denk et al., 2004)"],
)
def test_a_word_read_as_a_first_author_is_passed_over_when_the_rest_names_an_entry(cited):
    refs = "- Denk W, Horstmann H, Smith J. 2004. Serial block-face scanning electron microscopy. PLOS Biol 2:e329.\n"
    if "et al" not in cited:
        refs = "- Denk W, Horstmann H. 2004. Serial block-face scanning electron microscopy. PLOS Biol 2:e329.\n"
    assert lint(with_body(f"Volumes {cited} were imaged.", refs)) == []


def test_one_work_listed_twice_is_one_finding():
    """Two identical entries: an editor wants "delete one", not also an ambiguous citation, a
    missing year suffix and a shared DOI."""
    entry = "- Smith J, Lee K. 2018. Zebrafish fin regeneration requires osteoblasts. Dev Biol 3:4. doi:10.1000/xyz123\n"
    md = with_body("Fins regrow (Smith and Lee, 2018).", entry + entry)
    assert lint(md) == [("duplicate-reference", 10)]
    assert "delete one" in next(f.message for f in run(md).findings if f.rule == "duplicate-reference")


@pytest.mark.parametrize(
    "numbers, duplicate",
    [(("103", "100"), False), (("103", "103"), True)],
)
def test_numbers_of_a_series_at_different_addresses_are_different_works(numbers, duplicate):
    """Same publisher, year and title, two web addresses: two bulletins of a series, not one listed twice."""
    entries = "".join(
        f"{k}. Brasil. Ministério da Saúde. Doença pelo Novo Coronavírus – COVID-19 [Internet]. Brasília (DF): "
        f"Ministério da Saúde; 2022. (Boletim Epidemiológico Especial, {n}). Available from: "
        f"https://www.gov.br/saude/boletins/boletim-epidemiologico-no-{n}.pdf\n"
        for k, n in enumerate(numbers, 1))
    rules = [rule for rule, _ in lint(with_body("Cases rose [1,2].", entries))]
    assert ("duplicate-reference" in rules) == duplicate


@pytest.mark.parametrize(
    "cited, linked",
    [("Smith Wilson (1996)", True), ("(Smith Wilson, 1996)", True),
     ("Smith Jones (1996)", False)],  # the second name must be the entry's second author
)
def test_two_authors_without_their_and(cited, linked):
    refs = "- Smith, B. & Wilson, J.B. 1996. A consumer's guide to evenness indices. Oikos 76: 70-82.\n"
    rules = [rule for rule, _ in lint(with_body(f"Evenness {cited} was used.", refs))]
    assert ("citation-without-reference" in rules or "citation-year-mismatch" in rules) is not linked


@pytest.mark.parametrize(
    "cited, expected",
    [("(Phan and Letouze1983)", [("malformed-citation", 5)]),  # the space before the year lost: linked, and said
     ("(Model2010)", [])],  # a name with a number: no citation unless the list has it
)
def test_a_name_and_year_run_together(cited, expected):
    refs = "- Phan, T. and Letouze, R. 1983. Growth of mangroves. J Trop Ecol 1: 1-2.\n"
    assert lint(with_body(f"Salinity matters {cited}.", refs)) == expected


def test_a_standard_is_cited_by_its_issuer_and_code():
    refs = ("- Clinical and Laboratory Standards Institute. 2008. Reference method for broth dilution antifungal "
            "susceptibility testing of filamentous fungi. Wayne: CLSI.\n"
            "- WHO. 2010. Global report. Geneva: WHO.\n- WHO. 2012. Second global report. Geneva: WHO.\n")
    assert lint(with_body("Following (CLSI M38-A2, 2008) and (WHO 2010, 2012).", refs)) == []


@pytest.mark.parametrize(
    "body, expected",
    [
        # two authors joined by a comma alone, before a narrative year: the entry's first two authors
        ("Para mais, conferir Morais, Dias (1955). Cf. Morais, Dias (1955, p.232-250). Also Dias (1959).", []),
        # a place before the name is no author: the year mismatch stands
        ("Em Salvador, Dias (1955) escreveu. Also Dias (1959) and Morais and Dias (1955).", [("citation-year-mismatch", 5)]),
    ],
)
def test_a_name_and_a_comma_before_a_narrative_citation(body, expected):
    refs = ("- DIAS, J. P. S. A água de Inglaterra. Lisboa: Instituto, 1959.\n"
            "- MORAIS, E. V.; DIAS, J. P. S. Manuel Henriques Ferreira. Coimbra: Atlântida, 1955.\n")
    assert [f for f in lint(with_body(body, refs)) if f[0] != "reference-order"] == expected


def test_capitals_in_an_abnt_list_are_no_case_mismatch():
    """ABNT prints surnames in capitals in the list and in mixed case in the text."""
    refs = "- SILVA, A. Título de um livro. São Paulo: Editora, 2013.\n- Liu, B., Chen, C., Wu, D. 2014. Another book. Beijing: Press.\n"
    findings = lint(with_body("Como diz Silva (2013) e (SILVA, 2013) e (liu et al., 2014).", refs))
    assert findings == [("citation-author-mismatch", 5)]  # only liu for Liu


def test_two_works_of_one_author_and_year_are_not_a_duplicate():
    refs = ("- Smith J. 2018. Zebrafish fin regeneration requires osteoblasts. Dev Biol 3:4.\n"
            "- Smith J. 2018. Axolotl limb regeneration requires nerves. Dev Biol 5:6.\n")
    rules = [rule for rule, _ in lint(with_body("Fins regrow (Smith, 2018).", refs))]
    assert "duplicate-reference" not in rules and {"ambiguous-citation", "missing-year-suffix"} <= set(rules)


def test_imperfect_citations_that_name_one_entry_link_with_a_note_on_their_form():
    refs = ("- Agostinelli C, Lund U. 2022. R package circular: circular statistics. CRAN.\n"
            "- Hart T, Chandrashekhar M, Aregger M. 2015. High-resolution CRISPR screens. Cell 163:1515.\n"
            "- Español-Suñer R, Carpentier R, Van Hul N. 2019. Liver progenitor cells. Gastroenterology 143:1564.\n")
    md = with_body("Angles (Agostinelli, C. and Lund, 2022), screens (Hart et al., 20152014), livers (Español–Suñer et al., 2019).", refs,
                   head="Accepted: 14 July 2023.\n\n")
    findings = [f for f in run(md).findings if f.rule != "reference-order"]
    assert [(f.rule, str(f.severity)) for f in findings] == [("malformed-citation", "info")] * 2
    assert "initials" in findings[0].message and "two years" in findings[1].message


@pytest.mark.parametrize(
    "cited, entry",
    [
        # a single name or an organisation in capitals (ABNT)
        ("(PLUTARCO, 2003)", "- PLUTARCO. Sobre la tranquilidad del alma. In: Obras morales y de costumbres. Madrid: Gredos, 2003."),
        ("(WORLD BANK, 2023)", "- WORLD BANK. Global economic prospects. Washington, DC: World Bank, 2023."),
        ("(BRASIL, 2000)", "- BRASIL. Lei nº 9.985, de 18 de julho de 2000. Institui o Sistema Nacional de Unidades de Conservação."),
        # by the acronym before the dash, or by the name after it
        ("(NBS, 2024)", "- NBS – National Bureau of Statistics of China. National data. Beijing: NBS, 2024."),
        ("(National Bureau of Statistics of China, 2024)", "- NBS – National Bureau of Statistics of China. National data. Beijing: NBS, 2024."),
        ("(Embrapa, 2018)", "- [Embrapa] Empresa Brasileira de Pesquisa Agropecuária. (2018). Sistema Brasileiro de Classificação de Solos. Brasília."),
        # an acronym in mixed case; a bare year after the organisation
        ("(NCD Risk Factor Collaboration, 2016)", "- NCD Risk Factor Collaboration (NCD-RisC). 2016. Trends in adult body-mass index in 200 "
                                                  "countries from 1975 to 2014: a pooled analysis of 1698 studies. The Lancet 387:1377–1396."),
        ("(IST 2012)", "- IST 2012 Final Report: Information Support Services to UNSOA/AMISOM. Albany-CHIME unpublished document."),
        ("(L'OFFICE FRANÇAIS D'EDITION, 1945)", "- L'OFFICE Français d'Edition (ed.). Émile Reynaud, Peintre de films 1844-1918. Paris: Cinémathèque Française, 1945."),
        # full given names and compound surnames in capitals
        ("(BANIWA, 2006)", "- BANIWA, Gersem dos Santos Luciano. O Índio brasileiro. Brasília, DF: MEC; Unesco, 2006."),
        ("(ACOSTA PEREIRA, 2016)", "- ACOSTA PEREIRA, R. A orientação sociológica para a análise da língua. Letra Magna, n. 19, p. 1-18, 2016."),
        ("(VON KROGH; ICHIJO; NONAKA, 2001)", "- VON KROGH, G.; ICHIJO, K.; NONAKA, I. Facilitando a criação de conhecimento. Rio de Janeiro: Campus, 2001."),
        ("(Batista-Brito and Fishell, 2009)", "- Batista‐Brito R, Fishell G. 2009. The developmental integration of cortical interneurons. Curr Top Dev Biol 87:81–118."),
    ],
)
def test_organisations_single_names_and_abnt_names_link(cited, entry):
    assert lint(with_body(f"The area {cited} was studied.", entry, head="Accepted: 14 July 2025.\n\n")) == []


GLUCKSMANN = "- GLUCKSMANN, A. Cynisme et passion. Paris: Grasset, 1981 (Trad. cast. Cinismo y pasión. Barcelona: Anagrama, 1982)."


@pytest.mark.parametrize(
    "cited, entry",
    [
        ("(GLUCKSMANN, 1981)", GLUCKSMANN),  # the edition at hand
        ("(GLUCKSMANN, 1982)", GLUCKSMANN),  # the translation the entry also gives
        ("(BAKHTIN, 1979)", "- BAKHTIN, M. M. Estética da criação verbal. Tradução de Paulo Bezerra. 4. ed. São Paulo: Martins Fontes, 2011/1979."),
        ("(BAKHTIN, 1975)", "- BAKHTIN, M. M. Formas de tempo e de cronotopo no romance [1975]. In: Questões de literatura. São Paulo: Hucitec, 1988."),
        ("(CRAFTON, 1982)", "- CRAFTON, D. Before Mickey: The Animated Film 1898-1928. Cambridge, MA: The MIT Press, 1982, 1987."),
    ],
)
def test_a_citation_of_any_year_an_entry_prints_for_its_work_links(cited, entry):
    assert lint(with_body(f"As argued {cited}, it holds.", entry, head="Accepted: 14 July 2025.\n\n")) == []


def test_a_year_the_entry_does_not_print_is_still_a_mismatch():
    md = with_body("As argued (GLUCKSMANN, 1983), it holds.", GLUCKSMANN, head="Accepted: 14 July 2025.\n\n")
    assert rules_of(md) == {"citation-year-mismatch"}


def test_an_entry_whose_own_year_is_cited_wins_over_an_other_year():
    refs = GLUCKSMANN + "\n- GLUCKSMANN, A. La cocina y el devorador de hombres. Barcelona: Anagrama, 1982."
    md = with_body("As argued (GLUCKSMANN, 1982; GLUCKSMANN, 1981), it holds.", refs, head="Accepted: 14 July 2025.\n\n")
    assert lint(md) == []


def test_an_abnt_repeated_author_entry_is_cited_by_the_previous_authors_name():
    refs = ("- CRAFTON, D. Before Mickey: The Animated Film 1898-1928. Cambridge, MA: The MIT Press, 1987.\n"
            "- _______. Émile Cohl, Caricature, and Film. Princeton: Princeton University Press, 1990.\n"
            "- _______. Tricks and Animation. In: NOWELL-SMITH, G. (ed.). The Oxford History of World Cinema. Oxford: Oxford University Press, 1996.")
    md = with_body("Animation (CRAFTON, 1987; 1990; 1996) began early.", refs, head="Accepted: 14 July 2025.\n\n")
    assert lint(md) == []


def test_a_classical_work_cited_by_book_is_a_citation_of_its_edition():
    """"(EPICTETO, III, 1993)" cites the 1993 edition: linked where listed, missing where not."""
    entry = "- EPICTETO. Disertaciones por Arriano. Madrid: Gredos, 1993."
    assert lint(with_body("Texto (EPICTETO, III, 1993, p. 335) y Epicteto (III, 1993, p. 321) aqui.", entry)) == []
    md = with_body("Texto (EPICTETO, III, 1993) aqui.", "- Smith J. 2001. A title here. J 1:1.")
    assert [rule for rule, _ in lint(md)] == ["citation-without-reference", "reference-never-cited"]


def test_an_undated_page_is_cited_by_the_year_it_was_seen():
    entry = "- CNUC. Painel Dinâmico do Cadastro Nacional de Unidades de Conservação. Disponível em http://www.mma.gov.br/cadastro.html Acesso em 15-I-2020."
    assert lint(with_body("Protected areas (CNUC 2020) grew.", entry, head="Accepted: 14 July 2025.\n\n")) == []


@pytest.mark.parametrize(
    "cited, entry",
    [
        # a work without author is cited by its title's first words in capitals (ABNT)
        ("(ÍNDIO..., 2014)", "- ÍNDIO, Cidadão? Direção: Rodrigo Siqueira. Brasília: 7G Produções, 2014. 1 vídeo (52 min)."),
        ("(LA DAIA…, 2018)", "- LA DAIA desmintió la firma de una solicitada. Clarín, Buenos Aires, 10 mar. 2018."),
        # ... its article in capitals too, one letter long
        ("( A HORAS…, 2018 )", "- A HORAS de aprobarse en el Congreso, el Presidente vetó ley. Ámbito.com , 31 mayo, 2018. Política."),
        # "in press" cited, the entry undated, or the other way round
        ("(Bell & Brink, in press)", "- Bell PR, Brink KS. Kleptoparasitism by a tyrannosaurid. Palaios."),
        # a surname that is also a month or a journal's name, where the list has it
        ("( May, 2004)", "- May, T. (2004). Pesquisa social: questões, métodos e processos. Porto Alegre: Artmed."),
        ("(Lancet, 2014)", "- Lancet. 2014. Non-communicable diseases: time to get serious. The Lancet 384:1393."),
    ],
)
def test_works_cited_by_a_title_word_no_year_or_a_word_that_is_also_a_name_link(cited, entry):
    report = run(with_body(f"Texto {cited} aqui.", entry, head="Accepted: 14 July 2025.\n\n"))
    assert [(f.rule, f.message) for f in report.findings] == []
    assert [(c.text, bool(l.references)) for c in report.manuscripts[0].citations for l in report.manuscripts[0].links
            if l.citation == c.id] == [(cited, True)]  # read, and linked


@pytest.mark.parametrize("text", ["(Ser 1981) phosphorylation", "(Lancet, 2014)", "( May, 2004)"])
def test_a_residue_or_a_journal_with_no_entry_is_no_citation(text):
    md = with_body(f"Texto {text} aqui.", "- Smith J. 2001. A title here. J 1:1.")
    assert "citation-without-reference" not in [rule for rule, _ in lint(md)]


@pytest.mark.parametrize("cited", ["(Bell & Brink, in press)", "(Bell & Brink, n.d.)"])
def test_in_press_or_no_date_names_an_entry_printed_without_a_year(cited):
    refs = ("- Bell PR. 2012. Standardized terminology for hadrosaurid skin impressions. PLoS ONE 7:e31295.\n"
            "- Bell PR, Brink KS. Kosmoceratops from the Kaiparowits Formation. Cretaceous Research. doi:10.1016/j.cretres.2013.05.003")
    assert lint(with_body(f"Skin impressions (Bell, 2012) were studied {cited}.", refs)) == []


def test_a_span_of_years_cites_the_entry_dated_so_and_is_otherwise_a_period():
    refs = ("- Castanet J. 1985. La squelettochronologie chez les Reptiles I. Annales des Sciences Naturelles 7:23-40.\n"
            "- Castanet J. 1986–1987. La squelettochronologie chez les Reptiles III. Annales des Sciences Naturelles 8:157–172.\n")
    md = with_body("Growth marks (Castanet, 1985; Castanet, 1986–1987) and surveys (GMEP, 1955–1969) of the moor.", refs)
    assert lint(md) == []


@pytest.mark.parametrize("cited", ["(el-Hajj et al., 1988)", "(al-Farabi, 1988)"])
def test_a_particle_joined_by_a_hyphen_starts_the_surname(cited):
    refs = ("- el-Hajj HH, Zhang H, Weiss B. 1988. Lethality of a dut mutation in Escherichia coli. J Bacteriol 170:1069.\n"
            "- al-Farabi A. 1988. On the perfect state. Oxford: Clarendon.\n")
    md = with_body(f"Essential in *E. coli* {cited} too.", refs)
    assert [rule for rule, _ in lint(md)] == ["reference-never-cited"]


def test_a_person_discussed_before_the_year_of_the_work_that_tells_of_them():
    """"Séneca de su amigo cínico Demetrio (1986, p. 348)" cites SÉNECA 1986: a name no entry has,
    whose clause names the one entry's first author with that year, links to it (no finding);
    the author of another year, or a name outside the clause, does not."""
    refs = ("- SÉNECA. Epístolas morales a Lucilio. Madrid: Gredos, 1986.\n"
            "- LUCIANO. Obras. Madrid: Gredos, 1981.\n")
    body = ("En la descripción que hace Séneca de su amigo cínico Demetrio (1986, p. 348) o la que hace "
            "Luciano de su maestro Demonacte (1981, p. 130).")
    assert lint(with_body(body, refs)) == []
    # another year: Demetrio is no citation of Séneca's 1986 work; a sentence between: nor is Demonacte
    findings = lint(with_body("Lo hace Séneca con Demetrio (1990). Lo dice Luciano. Y Demonacte (1981) también.", refs))
    assert sorted(rule for rule, _ in findings) == ["citation-without-reference", "citation-without-reference",
                                                   "reference-never-cited", "reference-never-cited"]


def test_a_year_alone_cites_the_work_of_the_author_its_sentence_names():
    """"Barthes ... ao afirmar que “...” (1987, p.19)." cites BARTHES 1987: a year (and page) alone
    in parentheses links to the one entry of that year whose first author the sentence names
    before it (the quotation's own words aside). Where the sentence names none, it is no citation."""
    refs = ("- BARTHES, Roland. Aula. São Paulo: Cultrix, 1987.\n"
            "- FREIRE, Paulo. Pedagogia do oprimido. Rio de Janeiro: Paz e Terra, 1996.\n")
    body = ("Barthes chama atenção ao afirmar que “a literatura assume muitos saberes, a vida é sutil” (1987, p.19). "
            "Segundo Freire, a educação liberta (1996, p. 12).")
    report = run(with_body(body, refs))
    assert [(f.rule, f.message) for f in report.findings] == []
    assert [(c.text, c.items[0].authors) for c in report.manuscripts[0].citations] == [
        ("(1987, p.19)", ("BARTHES",)), ("(1996, p. 12)", ("FREIRE",))]
    # the author named right after it
    report = run(with_body("Foucault cita o livro de ética (1996) de Paulo Freire, e outros.", refs))
    assert [(c.text, c.items[0].authors) for c in report.manuscripts[0].citations] == [("(1996)", ("FREIRE",))]
    # ... also where a title's last word was read as a name before the year
    refs2 = refs + "- GEHLEN, A. Moral und Hypermoral. Eine pluralistische Ethik. Frankfurt am Main: Athenäum, 1969.\n"
    report = run(with_body("Foucault lee *Moral und Hypermoral. Eine pluralistische Ethik* (1969) de Arnold Gehlen. "
                           "Barthes (1987) e Freire (1996) também.", refs2))
    assert [f.rule for f in report.findings] == []
    # the author named in another sentence, or a year the list does not give him: no citation
    report = run(with_body("Barthes escreveu. A lei mudou (1987). Freire, porém, diz (1990). Mas Freire (1996) vê.", refs))
    assert [c.text for c in report.manuscripts[0].citations] == ["Freire (1996)"]
    assert [f.message for f in report.findings] == ["(BARTHES 1987, line 9) is never cited in the text"]


@pytest.mark.parametrize(
    "body, entry",
    [
        ("Conforme o Decreto nº 6.949, de 25 agosto de 2009, a convenção vale (Smith, 2001).",
         "- Decreto nº 6.949, de 25 agosto de 2009. Promulga a Convenção Internacional. Brasília, 2009."),
        ("Maps were drawn in QGIS (Quantum GIS Development Team) as before (Smith, 2001).",
         "- Quantum GIS Development Team. 2018. Quantum GIS Geographic Information System. Version 2.8.2."),
        ("They are at risk (Disparities in the risk and outcomes from COVID-19, 2020; Smith, 2001).",
         "- Disparities in the risk and outcomes from COVID-19. 2020. Public health England."),
    ],
)
def test_an_entry_without_a_personal_author_named_in_full_in_the_text_is_cited(body, entry):
    refs = "- Smith J. 2001. A title here. J 1:1.\n" + entry
    assert [rule for rule, _ in lint(with_body(body, refs))] == []


def test_an_agency_named_in_prose_does_not_cite_its_entry():
    """Three words without a number are a name any sentence may use: the entry is still uncited."""
    refs = "- Smith J. 2001. A title here. J 1:1.\n- World Health Organization. 2019. Global report. Geneva."
    assert [rule for rule, _ in lint(with_body("The World Health Organization says so (Smith, 2001).", refs))] == [
        "reference-never-cited"]


def test_a_state_named_in_prose_does_not_cite_its_entry():
    refs = "- Smith J. 2001. A title here. J 1:1.\n- Rio Grande Do Sul. 1981. Decreto estadual. Porto Alegre."
    assert [rule for rule, _ in lint(with_body("No Rio Grande do Sul há mata (Smith, 2001).", refs))] == ["reference-never-cited"]


@pytest.mark.parametrize(
    "body, entry, named",
    [
        # the author named with the original year of the work, no parentheses
        ("Searle (1969) builds on the notion found in *O pensamento* de Gottlob Frege, em 1918, and on Austin.",
         "- FREGE, G. The Thought. Mind, v. 65, n. 259, pp. 289-311, 1956.", "Gottlob Frege, em 1918"),
        # the author and a year in prose ("see Mbeki 2018" is a citation: test_citations)
        ("As Mbeki wrote in 2016, the mission changed. Later work agrees (Searle 1969).",
         "- Mbeki, P D 2018 Fighting for Peace. Oxford: Oxford University Press.", "As Mbeki wrote in 2016"),
        # the author named with the first words of the entry's title
        ("O racismo é emocional, mas desde Aristóteles (*Retórica* ) sabemos que o ethos persuade (SEARLE, 1969).",
         "- ARISTÓTELES. Retórica. 3ed. Lisboa: Imprensa Nacional, 2006.", "Aristóteles (*Retórica*"),
        ("Ya André Bretón descubría, según observamos en su Antología del humor negro, una línea (Searle, 1969).",
         "- BRETÓN, A. Antología del humor negro. Barcelona: Anagrama, 2005.", "Bretón descubría"),
        # a newsroom or an organisation, with the entry's own year (in the same parenthesis)
        ("Os afrodescendentes sofrem racismo sistêmico naquele país (cf. Redação. Veja , 2021). O relatório (SEARLE, 1969) diz.",
         "- REDAÇÃO. ONU denuncia racismo sistêmico em Portugal. Veja, 14 de dezembro de 2021.", "Redação. Veja , 2021"),
    ],
)
def test_an_entry_whose_author_the_prose_names_with_a_year_or_its_title_is_information(body, entry, named):
    """reference-never-cited is information, not a warning, where the text names the entry's
    author (a surname no other entry has) outside every citation, beside a year or the first
    words of the entry's title: the work is cited in prose, not in the list's style."""
    refs = "- SEARLE, J. R. Speech Acts. New York: Cambridge University Press, 1969.\n" + entry
    report = run(with_body(body, refs))
    assert [(f.rule, str(f.severity)) for f in report.findings] == [("reference-never-cited", "info")]
    assert named in report.findings[0].message


@pytest.mark.parametrize(
    "body, entry",
    [
        # two entries share the surname: the name does not say which is meant
        ("As Crafton wrote in 1982 and again later (Crafton, 1990), it was so.",
         "- Crafton, D. 1990. Emile Cohl. Princeton.\n- Crafton, D. 1996. Before Mickey. Chicago."),
        # the name inside a citation of another entry
        ("Plants were keyed (Costa & Peralta 2015) as usual (Searle 1969).",
         "- Costa, A. & Peralta, D. 2015. Flora. Rio.\n- Peralta, D. 2012. Bromeliaceae. Rio."),
        # the name far from any year and from the title
        ("Mbeki spoke to the assembly about the many problems that the mission had to face on the ground "
         "(Searle, 1969).", "- Mbeki, P D 2018 Fighting for Peace. Oxford: Oxford University Press."),
        # a word that is the name in lower case
        ("The young were counted in 2019 (Searle, 1969).", "- Young, K. 2019. Counting. J 1:1."),
        # an organisation beside another year than its entry's
        ("The World Health Organization set targets for 2030 (Searle, 1969).",
         "- World Health Organization. 2019. Global report. Geneva."),
        # a year in the next sentence
        ("Redação. A lei de 2021 mudou tudo (Searle, 1969).", "- REDAÇÃO. ONU denuncia racismo. Veja, 2021."),
    ],
)
def test_an_uncited_entry_whose_author_the_prose_does_not_clearly_name_stays_a_warning(body, entry):
    refs = "- SEARLE, J. R. Speech Acts. New York: Cambridge University Press, 1969.\n" + entry
    report = run(with_body(body, refs))
    never = [f for f in report.findings if f.rule == "reference-never-cited"]
    assert never and all(str(f.severity) == "warning" for f in never)


def test_a_one_word_name_the_text_uses_as_a_common_word_is_information():
    """`CEM (2009), Entropia (2011) e EQT (2007)` beside "balanceamento por entropia": a method named
    with its year. It matches no entry, which is said, as information; a surname the text never
    writes in lower case stays an error."""
    refs = "- HAINMUELLER, J. Entropy balancing. Political Analysis, v. 20, 2012.\n"
    body = ("Usamos o balanceamento por entropia (HAINMUELLER, 2012). A entropia reduz o viés, e a entropia "
            "generaliza o método: CEM (2009), Entropia (2011) e EQT (2007). Também Moretti (2011) o fez.")
    report = run(with_body(body, refs))
    assert [(f.rule, str(f.severity), f.message.split(";")[0]) for f in report.findings] == [
        ("citation-without-reference", "info", "Entropia (2011) matches no entry of the reference list"),
        ("citation-without-reference", "error", "Moretti (2011) matches no entry of the reference list")]
    # used in lower case twice only: still an error
    body2 = body.replace("e a entropia generaliza", "e isso generaliza")
    assert [str(f.severity) for f in run(with_body(body2, refs)).findings] == ["error", "error"]


@pytest.mark.parametrize(
    "group",
    ["(PAYAYÁ, 2015, Apud SANTOS, 2016, p.30)", "(Payayá, 2015 *apud* Santos, 2016)", "(Payayá, 2015, as cited in Santos, 2016)",
     "(Payayá, 2015 citado por Santos, 2016)", "(Payayá, 2015, cité par Santos, 2016)"],
)
def test_a_work_quoted_second_hand_needs_no_entry(group):
    """ABNT's *apud* and APA's "as cited in": only the work consulted is listed, so the original
    quoted through it matching no entry is no error; the work consulted must still be listed."""
    refs = "- SANTOS, Maria. Literatura indígena. São Paulo: Ed, 2016.\n"
    assert lint(with_body(f"Texto {group} aqui.", refs)) == []
    # the work consulted cited with another year than the list's: that is reported, the original still not
    assert [rule for rule, _ in lint(with_body(f"Texto {group.replace('2016', '2018')} aqui.", refs))] == ["citation-year-mismatch"]
    # without "apud" the first work is missing
    assert [rule for rule, _ in lint(with_body("Texto (Payayá, 2015; Santos, 2016) aqui.", refs))] == ["citation-without-reference"]


def test_a_wrong_year_that_may_mean_two_uncited_entries_names_both_in_one_finding():
    """`(FOUCAULT, 2005)` where the list has Foucault 2001 and 2008, neither cited elsewhere, and
    2009, cited: one finding at the citation names both candidates; neither is also reported as
    never cited (one is meant, and which one the year cannot tell)."""
    refs = ("- FOUCAULT, M. L'Herméneutique du Sujet. Paris: Seuil, 2001.\n"
            "- FOUCAULT, M. Le Gouvernement de soi et des autres I. Paris: Seuil, 2008.\n"
            "- FOUCAULT, M. Le Courage de la vérité. Paris: Seuil, 2009.\n")
    report = run(with_body("El cuidado de sí (FOUCAULT, 2005, p. 239) y la parresía (FOUCAULT, 2009, p. 12).", refs))
    assert [(f.rule, f.message) for f in report.findings] == [
        ("citation-year-mismatch", "FOUCAULT, 2005 cites 2005, but the list has FOUCAULT only with 2001, 2008, 2009 "
                                   "(2001 and 2008 are cited nowhere else: one is meant here, the other never cited)")]
    # one uncited candidate: it is the one meant, and the message stays short
    report = run(with_body("El cuidado (FOUCAULT, 2005) y (FOUCAULT, 2009) y (FOUCAULT, 2008).", refs))
    assert [(f.rule, f.message) for f in report.findings] == [
        ("citation-year-mismatch", "FOUCAULT, 2005 cites 2005, but the list has FOUCAULT only with 2001, 2008, 2009")]


@pytest.mark.parametrize(
    "sentence, cited",
    [
        ("Foi professor de farmácia na Universidade de Coimbra (1801), e depois", False),
        ("He taught chemistry at the University of Oxford (1990) for ten years", False),
        ("Il enseigna à l'Université ... dans la Société de Géographie (1821), puis", False),
        # named as an author, not as a place: still a citation
        ("segundo a Universidade de Coimbra (1801), o curso mudou", True),
        ("as reported by the University of Oxford (1990), it", True),
    ],
)
def test_an_organisation_named_as_a_place_with_a_date_is_no_citation(sentence, cited):
    """"na Universidade de Coimbra (1801)", "at the University of Oxford (1990)": an institution
    after a locative ("in the", "at the", "na", "dans la") with a year is where and when
    something happened; it counts only where the list has that name and year."""
    refs = "- SMITH, J. Title. 2000.\n"
    rules = [rule for rule, _ in lint(with_body(f"Texto (SMITH, 2000). {sentence}.", refs))]
    assert rules == (["citation-without-reference"] if cited else [])
    listed = refs + "- UNIVERSIDADE DE COIMBRA. Estatutos da Universidade. Coimbra, 1801.\n"
    if "Coimbra" in sentence:
        assert lint(with_body(f"Texto (SMITH, 2000). {sentence}.", listed)) == []


def test_a_part_of_a_listed_work_by_another_author_is_information():
    """`Naum Kleiman (1988, p. xii) escreve na “Introdução” a *Eisenstein on Disney*`: the one entry
    of 1988 is named beside the citation (its title, or its author and year outside citations), so the
    citation is of a part of it (an introduction, a letter): information, with that entry."""
    refs = ("- EISENSTEIN, S. Eisenstein on Disney. Trans. Alan Upchurch. London: Methuen, 1988.\n"
            "- NOVERRE, M. La Verité sur l'invention de la projection animée. Brest, 1926.\n"
            "- SADOUL, G. Histoire du cinéma. Paris: Denoël, 1945.\n")
    body = ("Tal como Naum Kleiman (1988, p. xii) escreve na “Introdução” a *Eisenstein on Disney*, os fragmentos "
            "são de 1940 (SADOUL, 1945). Ver o Apêndice à publicação de Noverre, de 1926, e a carta de Pierre Noguès. "
            "Noguès (1926, p. 84) sustenta o argumento.")
    report = run(with_body(body, refs))
    assert [(f.rule, str(f.severity), f.message.split(",")[0]) for f in report.findings] == [
        ("citation-without-reference", "info", "Naum Kleiman (1988"),
        ("citation-without-reference", "info", "Noguès (1926")]
    assert "the title of (EISENSTEIN 1988" in report.findings[0].message
    assert "the author and year of (NOVERRE 1926" in report.findings[1].message
    # the entry named only inside another citation, or two entries of that year: an error
    body = "Jones (1945) showed it, and Smith (1945) did too."
    refs2 = "- Jones, A. 1945. Title. J 1:1.\n"
    assert [(f.rule, str(f.severity)) for f in run(with_body(body, refs2)).findings] == [("citation-without-reference", "error")]
    refs3 = refs + "- EISENBERG, A. Another book. London, 1988.\n"
    report = run(with_body("Naum Kleiman (1988, p. xii) escreve na “Introdução” a *Eisenstein on Disney*. (SADOUL, 1945)", refs3))
    assert [str(f.severity) for f in report.findings if f.rule == "citation-without-reference"] == ["error"]
