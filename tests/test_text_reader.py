"""The plain-text reader (text extracted from PDFs): artefacts undone, citations linked, and every
span pointing at the right characters of the file as extracted."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refcheck.api import Config, check, link_manuscript
from refcheck.model import Source
from refcheck.readers import read_text
from refcheck.readers.text import clean, read
from refcheck.render.json import to_dict
from tests.conftest import TODAY
from tests.timing import Stopwatch, assert_linear
from tests.timing import seconds as timing_seconds


def read_txt(text: str, path: str = "paper.txt"):
    return link_manuscript(read(Source(path, text, "text")))


def links_of(m) -> list[tuple[str, tuple[str, ...]]]:
    """(item text, linked reference first authors and years) per link, in order."""
    refs = {r.id: f"{r.first_author} {r.year}" if r.year else f"{r.label}" for r in m.references}
    cites = {c.id: c for c in m.citations}
    return [(cites[l.citation].items[l.item].text, tuple(refs[r] for r in l.references)) for l in m.links]


def paged(lines: list[str], per_page: int, header=None, footer=None, feed: bool = False) -> str:
    """Lines laid out on pages as text extraction gives them: header, blank, text, blank, footer."""
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    out: list[str] = []
    for n, page in enumerate(pages, 1):
        top = header(n) if header else None
        if feed and n > 1:
            out.append("\f" + (top or ""))
        elif top is not None:
            out.append(top)
        if top is not None:
            out.append("")
        out += page
        if footer:
            out += ["", footer(n, len(pages))]
        out.append("")
    return "\n".join(out)


BODY = """Polycomb proteins are conserved and their activity regu-
lates many genes (Schuettengruber et al., 2007). The complex is made of
four subunits (Cao et al., 2002; Czermin et al., 2002) and its long-term
effects on development are well known; long-
term silencing was shown by Müller and Verrijzer (2009). Related work by
Schmidt-
Supprian et al. (2010) and by Ma et al. (2021) extends this to mammals,
where the complex (Ma et al.,

2021) also regulates

miRNA expression in stem cells (Pasini et al., 2004).""".split("\n")

REFERENCES = """References

Cao, R., Wang, L., and Zhang, Y. (2002). Role of histone H3 lysine 27
methylation in Polycomb-group silencing. Science 298, 1039–1043.
Czermin, B., Melfi, R., McCabe, D., Seitz, V., Imhof, A., and Pirrotta, V.
(2002). Drosophila enhancer of Zeste/ESC complexes have a histone H3
methyltransferase activity. Cell 111, 185–196.
Ma, X., Li, Y., and Chen, Z. (2021). Polycomb in mammals. Nature 590,
1–10.
Müller, J., and Verrijzer, P. (2009). Biochemical mechanisms of gene
regulation by polycomb group protein complexes. Curr Opin Genet Dev 19,
150–158.
Pasini, D., Bracken, A. P., Jensen, M. R., Lazzerini Denchi, E., and Helin,
K. (2004). Suz12 is essential for mouse development. EMBO J 23, 4061–4071.
Schmidt-Supprian, M., Tian, J., and Rajewsky, K. (2010). Mice with a
long-term silenced gene. Nature 1, 2–3.
Schuettengruber, B., Chatterjee, D., Cavalli, G. (2007). Genome
regulation by polycomb and trithorax proteins. Cell 128, 735–745.""".split("\n")

EXPECTED_LINKS = [
    ("Schuettengruber et al., 2007", ("Schuettengruber 2007",)),
    ("Cao et al., 2002", ("Cao 2002",)),
    ("Czermin et al., 2002", ("Czermin 2002",)),
    ("Müller and Verrijzer (2009)", ("Müller 2009",)),
    ("Schmidt-Supprian et al. (2010)", ("Schmidt-Supprian 2010",)),
    ("Ma et al. (2021)", ("Ma 2021",)),
    ("Ma et al., 2021", ("Ma 2021",)),
    ("Pasini et al., 2004", ("Pasini 2004",)),
]


def journal_paper() -> str:
    return paged(BODY + [""] + REFERENCES, 12, header=lambda n: "Journal of Testing · Vol 12",
                 footer=lambda n, total: f"Page {n} of {total}")


# ----------------------------------------------------------------------------- the artefacts


def test_hyphenation_at_line_ends_is_joined():
    cleaned = clean(journal_paper()).text
    assert "activity regulates many genes" in cleaned
    assert "regu-" not in cleaned


def test_real_hyphens_stay():
    cleaned = clean(journal_paper()).text
    assert "long-term silencing" in cleaned  # "long-term" is written with its hyphen elsewhere
    assert "Schmidt-Supprian et al. (2010)" in cleaned  # the part after the hyphen is a capital
    text = "Rays of X-\nray sources and anti-\nCD3 cells; in-\nformation and trans-\nformation.\n"
    assert clean(text).text == "Rays of X-ray sources and anti-CD3 cells; information and transformation.\n"
    # a soft hyphen is always hyphenation; a Unicode hyphen is judged like "-"
    assert clean("It regu\u00ad\nlates the cell\u2010\ntype, as cell\u2010type.\n").text == "It regulates the cell\u2010type, as cell\u2010type.\n"


def test_headers_footers_and_page_numbers_are_removed():
    text = journal_paper()
    assert text.count("Journal of Testing") == 3 and "Page 2 of 3" in text
    cleaned = clean(text)
    assert "Journal of Testing" not in cleaned.text and "Page " not in cleaned.text
    assert cleaned.dropped == 6


def test_bare_page_numbers_in_sequence_and_at_form_feeds_are_removed():
    lines = [f"Line {i} of the text runs on and on until it is long enough to wrap" for i in range(40)]
    bare = paged(lines, 10, footer=lambda n, total: str(n + 2))  # pages 3, 4, 5, 6
    assert [line for line in clean(bare).text.split("\n") if line.strip().isdigit()] == []
    feeds = paged(lines[:20], 10, header=lambda n: "Smith et al. | Cells", footer=lambda n, total: f"- {n} -", feed=True)
    cleaned = clean(feeds).text
    assert "Smith et al. | Cells" not in cleaned and "- 1 -" not in cleaned and "- 2 -" not in cleaned
    # numbers that are text stay: a table column, a number too far from the last one
    table = "Counts per plate:\n\n12\n\n13\n\n14\n\nThe mean was 13.\n"
    assert clean(table).text.split() == table.split()


def test_repeated_lines_that_are_text_are_kept():
    """A sentence repeated through a text (boilerplate) is not a running header when page edges are known."""
    filler = [f"Filler line number {i} with enough words to look like running text here" for i in range(60)]
    lines = []
    for k in range(6):
        lines += filler[k * 10 : k * 10 + 10] + ["Power calculations performed with GPower software, version 3.1.7 (Faul et al.,", "2007)."]
    text = paged(lines, 25, header=lambda n: "Running title", footer=lambda n, total: f"Page {n} of {total}")
    cleaned = clean(text).text
    assert cleaned.count("(Faul et al., 2007)") == 6
    assert "Running title" not in cleaned


def test_citations_broken_by_page_breaks_and_blank_lines_are_rejoined_and_linked():
    m = read_txt(journal_paper())
    assert links_of(m) == EXPECTED_LINKS
    assert len(m.references) == 7
    cleaned = clean(journal_paper()).text
    assert "(Ma et al., 2021) also regulates miRNA expression" in cleaned


def test_a_paragraph_break_is_kept_where_a_sentence_ends():
    text = "The first paragraph ends here.\n\nThe second one starts (Smith, 2019).\n"
    assert clean(text).text == text


def test_reference_entry_split_by_a_page_break_is_one_entry():
    m = read_txt(journal_paper())
    muller = next(r for r in m.references if r.first_author == "Müller")
    assert muller.raw.endswith("Curr Opin Genet Dev 19, 150–158.")
    original = journal_paper()[muller.span.start : muller.span.end]
    assert "Page 2 of 3" in original and original.endswith("150–158.")


# ----------------------------------------------------------------------------- reference lists


def test_numbered_entries_follow_the_sequence_not_every_number_at_a_line_start():
    text = """Text [1], [2], [3].

References

1 Smith J, Lee K. Polycomb silencing. Nature. 2019;1:1–10.
2 Lee K. Chromatin states in development and disease, a review of
2009. Cell. 2009;2:20–30.
3 Wu H, Chen Z. Stem cells and the
4 families of proteins. Science. 2018;3:3.
"""
    m = read_txt(text)
    assert [(r.label, r.first_author, r.year) for r in m.references] == [("1", "Smith", "2019"), ("2", "Lee", "2009"), ("3", "Wu", "2018")]
    assert [l.references for l in m.links] == [("r1",), ("r2",), ("r3",)]


def test_a_page_range_broken_after_its_dash_is_not_the_next_label():
    text = ("Text [25], [26].\n\nReferences\n\n25. French SA, Jeffery RW. Weight variability in older women.\n"
            "Int J Obes Relat Metab Disord. 1995;19:22–\n29.\n26. Korkeila M, Kaprio J. Predictors of weight gain.\n"
            "Int J Obes. 1998;22:949–958.\n")
    m = read_txt(text)
    assert [r.label for r in m.references] == ["25", "26"]
    assert m.references[0].raw.endswith("1995;19:22–29.")


def test_an_initial_and_a_year_at_a_line_start_end_the_author_list_before():
    text = ("Text (Smith, Cummins, Alphy, & Blumenthal, 2007; Xiao et al., 2010).\n\nReferences\n\n"
            "Smith, J. J., Cummins, T. R., Alphy, S., & Blumenthal, K.\nM. (2007). Molecular interactions of the gating modifier\n"
            "toxin ProTx-II with NaV 1.5. J Biol Chem, 282(17), 12687–12697.\n"
            "Xiao, Y., Blumenthal, K., Jackson, J. O. (2010). The tarantula toxins. Mol Pharmacol, 78, 1124.\n")
    m = read_txt(text)
    assert [r.first_author for r in m.references] == ["Smith", "Xiao"]
    assert all(link.references for link in m.links)


def test_a_journal_with_its_volume_and_page_at_a_line_start_is_not_an_entry():
    text = ("Text (Liu and Kaufman, 2009; Liu et al., 2015).\n\nReferences\n\n"
            "Liu P, Kaufman TC. 2009. Morphology and husbandry of the large milkweed bug, Oncopeltus fasciatus.\n"
            "Cold Spring Harbor Protocols 2009:pdb emo127. doi:10.1101/pdb.emo127\n"
            "Liu J, Shaik S, Dai X. 2015. Targeting the ubiquitin pathway for cancer treatment.\n"
            "Biochimica Et Biophysica Acta (BBA) - Reviews on Cancer 1855:50–60. doi:10.1016/j.bbcan.2014.11.005\n"
            "WHO. 2014. Severe malaria. Trop Med Int Health 19:7–131.\n")
    m = read_txt(text)
    assert [r.first_author for r in m.references] == ["Liu", "Liu", "WHO"]


def test_a_list_without_a_heading_at_the_end_in_chicago_style_is_the_reference_list():
    text = ("Spatial models are common (Haining and Li 2020; Kay 2022; Stan Development Team 2022a, 2022b).\n"
            "We thank the reviewers for their comments on the draft.\n"
            "Haining, Robert P., and Guangquan Li. 2020. Modelling Spatial and Spatio-Temporal Data: A Bayesian\n"
            "Approach. Boca Raton, FL, USA: CRC Press.\n"
            "Kay, Matthew. 2022. tidybayes: Tidy Data and Geoms for Bayesian Models. https://doi.org/10.5281/zenodo\n"
            ".1308151.\n"
            "Stan Development Team. 2022a. “RStan: The R Interface to Stan.” https://mc-stan.org/.\n"
            "———. 2022b. “Stan Modeling Language Users Guide and Reference Manual, 2.30.” https://mc-stan.org/.\n")
    m = read_txt(text)
    assert len(m.references) == 4
    report = check(m)
    assert [f.rule for f in report.findings if f.severity >= 2] == []


def test_a_doi_broken_before_a_dot_and_a_name_with_a_non_breaking_hyphen():
    text = ("Text (Kay, 2022; Studier‑Fischer et al., 2023).\n\nReferences\n\n"
            "Kay, M. (2022). tidybayes: Tidy Data and Geoms for Bayesian Models. https://doi.org/10\n"
            ".5281/zenodo.1308151.\n"
            "Kay, M. (2014). Inference in Monte Carlo. Journal of Machine Learning Research 15: 1593–623. https://doi.org/10.555\n"
            "5/2627435.2638586.\n"
            "Studier‑Fischer, A., Seidlitz, S., & Nickel, F. (2023). HeiPorSPECTRAL - the heidelberg porcine\n"
            "HyperSPECTRAL imaging dataset of 20 physiological organs. Scientific Data, 10(1), 414.\n")
    m = read_txt(text)
    assert [r.doi for r in m.references] == ["10.5281/zenodo.1308151", "10.5555/2627435.2638586", None]
    assert [r.first_author for r in m.references] == ["Kay", "Kay", "Studier-Fischer"]  # the hyphen as the list parser writes it


def test_a_chicago_author_list_broken_after_an_initial_is_one_entry():
    text = ("Text (Skofronick-Jackson et al. 2017; Wan 2023).\n\nReferences\n\n"
            "Wan, Zhengming. 2023. “MODIS Land Surface Temperature.” Remote Sensing of Environment 302: 113963. https://doi.org/10.1016/j.rse.2023.113963.\n"
            "Skofronick-Jackson, Gail, Walter A. Petersen, Wesley Berg, Chris Kidd, Erich F. Stocker, Dalia B.\n"
            "Kirschbaum, Ramesh Kakar, et al. 2017. “The Global Precipitation Measurement (GPM) Mission.” Bulletin of\n"
            "the American Meteorological Society 98 (8): 1679–95.\n")
    m = read_txt(text)
    assert [r.first_author for r in m.references] == ["Wan", "Skofronick-Jackson"]
    assert all(link.references for link in m.links)


def test_an_entry_after_a_url_broken_over_lines_and_chicago_initials():
    text = ("Text (Bradbury et al., 2018; Brandstetter et al., 2023; Ioannidis 2005; Lui et al. 2015).\n\nReferences\n\n"
            "Bradbury, J., Frostig, R., & Zhang, Q. (2018). JAX: Composable transformations of Python+NumPy programs. http://github.com/jax-ml/\n"
            "jax\n"
            "Brandstetter, J., Berg, R. van den, & Gupta, J. K. (2023). Clifford neural layers for PDE modeling. Retrieved from https://www.\n"
            "R-project.org/\n"
            "Robinson, D., Hayes, A., & Couch, S. (2021). Broom: Convert statistical objects into tidy tibbles.\n"
            "Huber, Wolfgang. 2015. “Orchestrating analysis with Bioconductor.” Nature Methods 12 (2): 115–21. doi:10.1038/nmeth.3252.\n"
            "Ioannidis, John PA. 2005. “Why most published research findings are false.” PLoS Medicine 2 (8): e124.\n"
            "Lui, Thomas WH, Nancy BY Tsui, and Lawrence WC Chan. 2015. “DECODE.” BMC Genomics 16: 1–12.\n")
    m = read_txt(text)
    assert [r.first_author for r in m.references] == ["Bradbury", "Brandstetter", "Robinson", "Huber", "Ioannidis", "Lui"]


def test_groups_and_names_a_url_line_cannot_continue_start_entries():
    text = ("Text (Craig-Wood, 2014; Gorgolewski et al., 2016; GDAL/OGR contributors 2024; National Electrical "
            "Manufacturers Association, n.d.; TRAPPIST-1 JWST Community Initiative et al., 2024; Petit dit de la Roche et al., 2024).\n\n"
            "References\n\n"
            "Craig-Wood, N. (2014). RClone [software]. https://rclone.org/\n"
            "Gorgolewski, K. J., Auer, T., Calhoun, V. D., Craddock, R. C., Das, S., Duff, E. P., Flandin, G.,\n"
            "Ghosh, S. S., Glatard, T., Halchenko, Y. O., Handwerker, D. A., Hanke, M., Keator, D., Li,\n"
            "X., Michael, Z., Maumet, C., Nichols, B. N., Nichols, T. E., Pellman, J., … Poldrack, R. A.\n"
            "(2016). The brain imaging data structure. Scientific Data, 3. https://doi.org/10.1038/sdata.2016.44\n"
            "GDAL/OGR contributors. 2024. GDAL/OGR Geospatial Data Abstraction Software Library. Open Source\n"
            "Geospatial Foundation. https://doi.org/10.5281/zenodo.5884351.\n"
            "National Electrical Manufacturers Association. (n.d.). NEMA PS3 / ISO 12052, digital imaging and\n"
            "communications in medicine (DICOM) standard. NEMA; https://www.dicomstandard.org/current/.\n"
            "Petit dit de la Roche, D. J. M., Chakraborty, H., & Lendl, M. (2024). Detection of faculae in the\n"
            "transit spectrum. Astronomy & Astrophysics, 1, 2. https://doi.org/10.1051/0004-6361/202452068\n"
            "TRAPPIST-1 JWST Community Initiative, Wit, J. de, Doyon, R., Rackham, B. V., Lim, O.,\n"
            "Ducrot, E., & Way, M. J. (2024). A roadmap for the atmospheric characterization of terrestrial\n"
            "exoplanets with JWST. Nature Astronomy, 8, 810–818.\n")
    m = read_txt(text)
    assert [r.first_author for r in m.references] == [
        "Craig-Wood", "Gorgolewski", "GDAL/OGR contributors", "National Electrical Manufacturers Association",
        "Petit dit de la Roche", "TRAPPIST-1 JWST Community Initiative"]


def test_a_label_alone_on_its_line_starts_an_entry():
    text = "Text [1], [2].\n\nReferences\n\n1.\nhttp://www.example.org/a/page.html\n2. Lee K. A title. J. 2018;2:2.\n"
    m = read_txt(text)
    assert [r.label for r in m.references] == ["1", "2"]
    assert m.references[0].raw == "http://www.example.org/a/page.html"


def test_unnumbered_entries_by_blank_lines_hanging_indent_and_organisations():
    blank = "Text (Smith, 2019; Lee, 2018).\n\nReferences\n\nSmith, J. (2019). A title that\nwraps. J 1, 1.\n\nLee, K. (2018). B. J 2, 2.\n"
    assert [r.first_author for r in read_txt(blank).references] == ["Smith", "Lee"]
    hanging = ("Text (Smith, 2019; Lee, 2018).\n\nReferences\n\nSmith, J. (2019). A title that\n    Wraps Onto A Line. J 1, 1.\n"
               "Lee, K. (2018). B title.\n    Journal Of Things 2, 2.\n")
    assert [r.first_author for r in read_txt(hanging).references] == ["Smith", "Lee"]
    orgs = ("Text (WHO, 2014; R Development Core Team, 2014).\n\nReferences\n\nAdams, J. (2010). A. Cell 1:\n1–2.\n"
            "R Development Core Team. 2014. R: a language. Vienna.\nWHO. 2014. Severe malaria. Trop Med 19:7–131.\n")
    m = read_txt(orgs)
    assert len(m.references) == 3
    assert all(l.references for l in m.links)


def test_a_bulleted_list_has_one_entry_per_bullet():
    text = ("Text (Babich et al., 2012; Barda-Saad et al., 2005).\n\nReferences\n\n"
            "• Babich A, Li S, O'Connor RS. 2012. F-actin polymerization and retrograde flow drive sustained\n"
            "PLCgamma1 signaling during T cell activation. The Journal of Cell Biology 197:775–787.\n"
            "• Barda-Saad M, Braiman A. 2005. Dynamic molecular interactions linking the T cell antigen receptor\n"
            "to the actin cytoskeleton. Nature Immunology 6:80–89. doi:10.1038/ni1143\n")
    m = read_txt(text)
    assert [(r.first_author, r.raw[:6]) for r in m.references] == [("Babich", "Babich"), ("Barda-Saad", "Barda-")]
    assert all(link.references for link in m.links)


def test_a_journal_line_with_page_numbers_like_years_is_not_an_entry():
    text = ("Text (Raderschall et al., 1999).\n\nReferences\n\nRaderschall E, Golub EI, Haaf T. 1999. Nuclear foci of proteins.\n"
            "Proc Natl Acad Sci USA 96:1921–1926. doi:10.1073/pnas.96.5.1921\nSmith J. 2000. Title. Cell 1:1.\n")
    m = read_txt(text)
    assert [r.first_author for r in m.references] == ["Raderschall", "Smith"]


def test_a_doi_broken_at_the_line_end_is_rejoined():
    text = ("Text (Smith, 2019).\n\nReferences\n\nSmith, J. (2019). Title. Mol Microbiol 68:202–215. doi:10.1111/j.1365-\n"
            "2958.2008.06149.x\nZhu, K. (2001). Title. J 1, 1.\n")
    m = read_txt(text)
    assert m.references[0].doi == "10.1111/j.1365-2958.2008.06149.x"
    assert len(m.references) == 2


# ----------------------------------------------------------------------------- superscripts


SUPERSCRIPTED = """Polycomb complexes silence genes, as shown previously1,2. In stem cells3–5
the complex is recruited to CpG islands6 and a 2 × 104 excess of protein, over
an area of 12 km2, did not change the outcome (n = 3, r2 = 0.9). Further work
by Frosi et al.7 and others (AUC)8 confirmed it in log2 fold changes of log2
scale and log2 terms, with the help of cells9.

References

1. Smith J, Lee K. Polycomb silencing. Nature. 2019;1:1–10.
2. Lee K. Chromatin states. Cell. 2009;2:20–30.
3. Wu H, Chen Z. Stem cells. Science. 2018;3:3.
4. Park S. Islands. Dev Cell. 2017;4:4–5.
5. Kim J. Genes. Genes Dev. 2016;5:5.
6. Ito T. CpG. Mol Cell. 2015;6:6.
7. Frosi G, Rossi M. Confirmation. EMBO J. 2014;7:7.
8. Doe J. AUC. Stat Med. 2013;8:8.
9. Roe R. Cells. Cell Rep. 2012;9:9.
"""


def test_flattened_superscripts_become_citations_with_the_digits_spans():
    m = read_txt(SUPERSCRIPTED)
    cited = [(SUPERSCRIPTED[c.span.start : c.span.end], c.items[0].numbers) for c in m.citations]
    assert cited == [("1,2", (1, 2)), ("3–5", (3, 4, 5)), ("6", (6,)), ("7", (7,)), ("8", (8,)), ("9", (9,))]
    # the digits' own span, on their line and column
    first = m.citations[0]
    assert (first.span.line, first.span.column) == (1, SUPERSCRIPTED.index("1,2") + 1)
    assert all(l.references for l in m.links)


def test_digits_after_numbers_units_and_terms_are_not_citations():
    m = read_txt(SUPERSCRIPTED)
    texts = [SUPERSCRIPTED[c.span.start : c.span.end] for c in m.citations]
    assert "4" not in texts and "2" not in texts  # "2 × 104", "km2", "r2", "log2"


def test_no_superscripts_without_a_numbered_list_or_beside_bracket_citations():
    unnumbered = SUPERSCRIPTED.replace("\n1. ", "\nA. ").split("References")[0] + "References\n\nSmith, J. (2019). T. J 1, 1.\n"
    assert [c for c in read_txt(unnumbered).citations if c.style == "numeric"] == []
    bracketed = SUPERSCRIPTED.replace("previously1,2.", "previously [1, 2].").replace("cells3–5", "cells [3–5]").replace(
        "islands6", "islands [6]").replace("cells9.", "cells [9].")
    texts = [bracketed[c.span.start : c.span.end] for c in read_txt(bracketed).citations]
    assert texts == ["[1, 2]", "[3–5]", "[6]", "[9]"]


def test_superscripts_beyond_the_list_are_not_citations():
    text = SUPERSCRIPTED.replace("cells9.", "cells19.")
    assert "19" not in [text[c.span.start : c.span.end] for c in read_txt(text).citations]


# ----------------------------------------------------------------------------- spans


def test_spans_point_at_the_characters_of_the_original():
    text = journal_paper()
    m = read_txt(text)
    source = m.source
    assert source.text == text and source.path == "paper.txt" and source.format == "text"
    for c in m.citations:
        original = text[c.span.start : c.span.end]
        assert original[0] == c.text[0] and original[-1] == c.text[-1]
        assert c.span == source.span(c.span.start, c.span.end)
        for item in c.items:
            assert c.span.start <= item.span.start <= item.span.end <= c.span.end
            assert text[item.span.start : item.span.end].split()[0].rstrip(",").rstrip("-") == item.text.split()[0].rstrip(",").split("-")[0]
    for r in m.references:
        original = " ".join(text[r.span.start : r.span.end].split())
        raw = " ".join(r.raw.split())
        if "Page 2 of 3" in original:  # the entry a page break cut: the furniture is inside its span, not its text
            assert original.startswith(raw[:40]) and original.endswith("150–158.") and "Page" not in raw
        else:
            assert original == raw
    section = text[m.reference_section.start : m.reference_section.end]
    assert section.startswith("References")


def test_findings_point_into_the_text_file():
    text = journal_paper().replace("(Pasini et al., 2004)", "(Pasini et al., 2005)")
    report = check(read(Source("paper.txt", text, "text")), Config(today=TODAY))
    mismatch = [f for f in report.findings if f.rule == "citation-year-mismatch"]
    assert len(mismatch) == 1
    span = mismatch[0].span
    assert span.path == "paper.txt" and "2005" in text[span.start : span.end]
    assert text.split("\n")[span.line - 1].find("Pasini") == span.column - 1


# ----------------------------------------------------------------------------- like the Markdown reader


@pytest.mark.parametrize(
    "text",
    [
        "A title\n\nIntro (Smith, 2019) and Lee et al. (2020) found it; see also (Wu and Park, 2018a, b).\n\n"
        "More text here (Smith, 2019; Lee et al., 2020).\n\nReferences\n\n"
        "Lee, K., Wu, H., and Park, S. (2020). Title. J 1, 2.\nSmith, J. (2019). Another title. J 3, 4.\n"
        "Wu, H., and Park, S. (2018a). One. J 5, 6.\nWu, H., and Park, S. (2018b). Two. J 7, 8.\n",
        "Results were shown [1, 2] and [3]–[5].\n\nNot cited: 12 mice.\n\nReferences\n\n1. Smith J. A. J. 2019;1:1.\n"
        "2. Lee K. B. J. 2018;2:2.\n3. Wu H. C. J. 2017;3:3.\n4. Park S. D. J. 2016;4:4.\n5. Kim J. E. J. 2015;5:5.\n",
    ],
)
def test_a_text_without_artefacts_reads_like_markdown(text):
    as_text = read_txt(text)
    as_markdown = link_manuscript(read_text(text, "paper.md", "markdown"))

    def summary(m):
        return (
            [(c.text, c.span.start, c.span.end, [(i.span.start, i.span.end) for i in c.items]) for c in m.citations],
            [(r.raw, r.span.start, r.span.end, r.label) for r in m.references],
            [(l.citation, l.item, l.references, l.how) for l in m.links],
        )

    assert summary(as_text) == summary(as_markdown)
    assert as_text.citations and as_text.links


# ----------------------------------------------------------------------------- bad and big input


@pytest.mark.parametrize(
    "text",
    ["", "\n", "   \n\f\n", "\x00\x01\x02 binary \xff\ufffd" * 50, "-\n" * 100, "(" * 5000, "1\n" * 3000,
     "a" * 200_000 + "1", "References\n", "References\n\n1.\n2.\n", "\f" * 50, "word-\n" * 500, "x\u0301y-\nz\n" * 10],
)
def test_odd_input_is_read_without_error(text):
    m = read_txt(text)
    assert m.source.text == text
    for span in [c.span for c in m.citations] + [r.span for r in m.references]:
        assert 0 <= span.start <= span.end <= len(text)


def test_a_three_megabyte_text_cleans_in_well_under_a_second():
    words = "the of cells regulates expression polycomb complex silencing chromatin genes development mammals".split()
    lines = []
    n = size = 0
    while size < 3_000_000:
        row = [words[(n * 7 + k * 3) % len(words)] for k in range(11)]
        if n % 7 == 0:
            row.append("(Smith et al., 2019)")
        if n % 11 == 0:
            row[-1] = row[-1][:3] + "-"
        lines.append(" ".join(row))
        size += len(lines[-1])
        n += 1
        if n % 50 == 0:
            lines += ["", f"Page {n // 50} of 999", "", "Journal of Testing", ""]
    text = "\n".join(lines)
    with Stopwatch() as watch:
        cleaned = clean(text)
    watch.assert_within(1.6, "cleaning 3 MB")  # reference seconds (tests/timing.py)
    assert "Page " not in cleaned.text and "Journal of Testing" not in cleaned.text


PATHOLOGICAL = {
    "letters": lambda size: "x" * size + "9 y",
    "parentheses": lambda size: "(" * size,
    "initials": lambda size: "A, " * (size // 3) + "2019.",
    "doi": lambda size: "doi:10.1/" + "a/" * (size // 2) + "-\nb",
    "stops": lambda size: ". " * (size // 2),
    "authors": lambda size: "References\n\n" + ("Smith J, " * (size // 9)) + "\n" + "Lee K. 2019.\n",
    "numbers": lambda size: "References\n\n" + "1. " * (size // 3),
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_lines_do_not_backtrack(name):
    """At 25 KB and 200 KB: linear growth (tests/timing.py), not a number of seconds."""

    def seconds(size: int) -> float:
        text = PATHOLOGICAL[name](size)
        return timing_seconds(lambda: clean(text))

    assert_linear(seconds, 200_000, what=f"cleaning {name}")


def test_output_is_deterministic():
    text = journal_paper() + SUPERSCRIPTED

    def report():
        return to_dict(check(read(Source("paper.txt", text, "text")), Config(today=TODAY)))

    assert report() == report()
    assert clean(text).text == clean(text).text


# ----------------------------------------------------------------------------- a property


WORDS = ["cells", "grow", "regulates", "(Smith et al., 2019)", "(Lee, 2020;", "Wu, 2018)", "[1]", "[2, 3]", "previously1,2", "the",
         "long-term", "Müller", "and", "x", "12", "km2", "(", ")", ",", ".", "et al.", "References", "`code`", "<sup>3</sup>"]


@st.composite
def wrapped_text(draw) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=120))
    width = draw(st.integers(10, 60))
    lines, line = [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            if draw(st.booleans()) and len(word) > 6 and word.isalpha():
                line += " " + word[:3] + "-"
                word = word[3:]
            lines.append(line)
            line = ""
            if draw(st.integers(0, 9)) == 0:
                lines += ["", draw(st.sampled_from(["Page 2 of 9", "3", "Running Title", "\f", ""])), ""]
        line = f"{line} {word}" if line else word
    lines.append(line)
    if draw(st.booleans()):
        lines += ["", "References", "", "1. Smith J, Lee K. A title. J. 2019;1:1.", "2. Lee K. B title", "2020. J 2:2.",
                  "Wu, H. (2018). C. J 3, 3."]
    return "\n".join(lines)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(wrapped_text())
def test_every_span_lies_in_the_original_and_the_map_is_monotonic(text):
    cleaned = clean(text)
    offsets = range(len(cleaned.text) + 1)
    starts = [cleaned.map.start(i) for i in offsets]
    ends = [cleaned.map.end(i) for i in offsets]
    assert starts == sorted(starts) and ends == sorted(ends)
    assert all(0 <= x <= len(text) for x in starts + ends)
    m = read_txt(text)
    spans = [c.span for c in m.citations] + [i.span for c in m.citations for i in c.items] + [r.span for r in m.references]
    spans += [m.reference_section] if m.reference_section else []
    for span in spans:
        assert 0 <= span.start <= span.end <= len(text)
        assert span == m.source.span(span.start, span.end)
    for c in m.citations:
        assert all(c.span.start <= i.span.start <= i.span.end <= c.span.end for i in c.items)
    citations = [c.span.start for c in m.citations]
    assert citations == sorted(citations)


def test_dataclass_replace_keeps_the_reader_pure():
    """Reading does not change the Source it is given (spans are made against it, not into it)."""
    source = Source("paper.txt", journal_paper(), "text")
    before = dataclasses.replace(source)
    read(source)
    assert source.text == before.text and source._line_starts == before._line_starts
