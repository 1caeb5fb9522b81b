"""citation-context (RC801): the citing sentence against the cited title, one term of a kind apart."""

from __future__ import annotations

import pytest

from dataclasses import replace

from refcheck.api import Config, check, check_paths, run_rules
from refcheck.crossref.client import parse_work
from refcheck.model import Match, Work
from refcheck.readers import read_text
from refcheck.rules.context import abbreviations, compare, tokens
from tests.conftest import TODAY, run


def paper(body: str, title: str, cite: str = "(Tan et al., 2021)") -> str:
    return (f"# Paper\n\nAccepted: 14 July 2023.\n\n{body.format(cite=cite)}\n\n## References\n\n"
            f"- Tan H, Guan X, Hu M. 2021. {title}. Stem Cell Res Ther 12:364.\n")


def context_findings(md: str):
    return [f for f in run(md, select=("citation-context",)).findings]


def said_and_cited(body: str, title: str, **kw) -> tuple[str, str] | None:
    found = context_findings(paper(body, title, **kw))
    assert len(found) <= 1
    return (found[0].contrast.said, found[0].contrast.cited) if found else None


# --- the acceptance case -----------------------------------------------------------------------


def test_tan_on_review_md_offline(review_path):
    report = check_paths([review_path], Config(today=TODAY, select=("citation-context",)))
    (finding,) = report.findings
    assert finding.span.line == 89 and str(finding.severity) == "info"
    assert finding.message == ('Tan et al., (2021): the sentence says "human adipose mesenchymal stem cells", '
                               'the cited title says "Human amniotic mesenchymal stem cells" (entry 19)')
    contrast = finding.contrast
    assert contrast.said[slice(*contrast.said_marks[0])] == "adipose"
    assert contrast.cited[slice(*contrast.cited_marks[0])] == "amniotic"


# --- one positive case per kind of term ------------------------------------------------------


@pytest.mark.parametrize(
    "body, title, said, cited",
    [
        ("Bone marrow mesenchymal stem cells secrete exosomes that repair cartilage {cite}.",
         "Umbilical cord mesenchymal stem cells secrete exosomes that repair cartilage", "bone marrow", "umbilical cord"),
        ("Metformin treatment restores insulin sensitivity in obese mice {cite}.",
         "Metformin treatment restores insulin sensitivity in obese rats", "mice", "rats"),
        ("Vitamin D supplementation improves bone density in healthy children {cite}.",
         "Vitamin D supplementation improves bone density in healthy adults", "children", "adults"),
        ("Curcumin suppresses tumour growth of colon cancer cells in vivo {cite}.",
         "Curcumin suppresses tumour growth of colon cancer cells in vitro", "in vivo", "in vitro"),
        ("Insulin pump therapy in type 1 diabetes mellitus improves glycaemic control {cite}.",
         "Insulin pump therapy in type 2 diabetes mellitus improves glycaemic control", "type 1", "type 2"),
        ("Resveratrol inhibits NF-kB signalling in human macrophages {cite}.",
         "Resveratrol activates NF-kB signalling in human macrophages", "inhibits", "activates"),
        ("Exercise training for chronic low back pain: a randomised controlled trial {cite}.",
         "Exercise training for chronic low back pain: a cohort study", "randomised controlled trial", "cohort study"),
        ("Daily aspirin at 100 mg reduces cardiovascular events in older adults {cite}.",
         "Daily aspirin at 75 mg reduces cardiovascular events in older adults", "100 mg", "75 mg"),
    ],
    ids=["tissue", "organism", "population", "setting", "subtype", "direction", "design", "number-with-unit"],
)
def test_a_term_swapped_for_its_sibling_is_reported(body, title, said, cited):
    (finding,) = context_findings(paper(body, title))
    contrast = finding.contrast
    assert contrast.said[slice(*contrast.said_marks[0])].casefold() == said.casefold()
    assert contrast.cited[slice(*contrast.cited_marks[0])].casefold() == cited.casefold()
    assert f'"{contrast.said}"' in finding.message and f'"{contrast.cited}"' in finding.message


def test_the_json_finding_carries_the_two_phrases_and_the_marked_words():
    (finding,) = context_findings(paper("Metformin treatment restores insulin sensitivity in obese mice {cite}.",
                                        "Metformin treatment restores insulin sensitivity in obese rats"))
    data = finding.to_dict()["contrast"]
    # three words either side of the slot are quoted
    assert data == {"said": "insulin sensitivity in obese mice", "cited": "insulin sensitivity in obese rats",
                    "said_marks": [[29, 33]], "cited_marks": [[29, 33]], "source": "title"}


def test_plurals_hyphens_and_media_medium_are_the_same_words():
    assert said_and_cited("Human adipose mesenchymal stem cell conditioned media protect mice from obesity {cite}.",
                          "Human amniotic mesenchymal stem cells-conditioned medium protects mice from obesity") is not None


def test_an_abbreviation_the_text_defines_stands_for_its_words():
    text = ("We used human adipose mesenchymal stem cells (hAMSCs) throughout. "
            "The hAMSCs conditioned medium protects mice from diet-induced obesity")
    defined = abbreviations(text)
    assert defined["hamsc"] == tuple(t.norm for t in tokens("human adipose mesenchymal stem cell"))
    start = text.index("The hAMSCs")
    found = compare(text, start, len(text), "Human amniotic mesenchymal stem cells-conditioned medium protects mice", defined)
    assert found is not None and found[0].said.startswith("hAMSCs")


def test_a_numeric_citation_names_its_entry_by_number():
    md = ("# Paper\n\nMetformin treatment restores insulin sensitivity in obese mice [1].\n\n## References\n\n"
          "1. Smith J, Lee K. Metformin treatment restores insulin sensitivity in obese rats. J Biol. 2019;1:1-9.\n")
    (finding,) = context_findings(md)
    assert finding.message.startswith("[1]: the sentence says") and finding.message.endswith("(entry 1)")


# --- the quiet side --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, title",
    [
        # a paraphrase: the same work, other words
        ("Conditioned medium from amnion-derived stromal cells kept mice lean on a fatty diet {cite}.",
         "Human amniotic mesenchymal stem cells-conditioned medium protects mice from high-fat diet-induced obesity"),
        # the two terms compared, not confused
        ("Metformin treatment restores insulin sensitivity in obese mice and rats {cite}.",
         "Metformin treatment restores insulin sensitivity in obese rats"),
        ("Curcumin suppresses tumour growth of colon cancer cells in vivo as well as in vitro {cite}.",
         "Curcumin suppresses tumour growth of colon cancer cells in vitro"),
        # negated or set against
        ("Resveratrol did not inhibit NF-kB signalling in human macrophages {cite}.",
         "Resveratrol activates NF-kB signalling in human macrophages"),
        ("Unlike rats, metformin treatment restores insulin sensitivity in obese mice {cite}.",
         "Metformin treatment restores insulin sensitivity in obese rats"),
        # a direction turned around by a verb before it, and a direction without its agent
        ("Blocking SIRT1 reverses this, and resveratrol activates NF-kB signalling in human macrophages {cite}.",
         "Resveratrol inhibits NF-kB signalling in human macrophages"),
        ("Kinase activity is needed to promote centrosome dependent microtubule nucleation {cite}.",
         "Inhibition of centrosome dependent microtubule nucleation by BRCA1"),
        # the words differ, but not as two terms of one kind
        ("Metformin treatment restores insulin sensitivity in obese patients {cite}.",
         "Metformin treatment restores insulin sensitivity in obese rats"),
        ("Bone marrow mesenchymal stem cells secrete exosomes that repair cartilage {cite}.",
         "Bone marrow mesenchymal stem cells secrete exosomes that repair tendon"),
        # numbers without units
        ("Among 120 participants exercise training lowered blood pressure {cite}.",
         "Among 80 participants exercise training lowered blood pressure"),
        # too little shared around the term
        ("This was shown in mice {cite}.", "Obesity was studied in rats"),
    ],
    ids=["paraphrase", "mice-and-rats", "vivo-and-vitro", "negation", "contrast", "reversing-verb", "direction-without-agent", "not-siblings", "different-tissue-word",
         "bare-numbers", "short-phrase"],
)
def test_quiet(body, title):
    assert said_and_cited(body, title) is None


def test_a_citation_of_several_works_is_not_compared():
    md = ("# Paper\n\nMetformin treatment restores insulin sensitivity in obese mice (Lee, 2019; Tan et al., 2021).\n\n"
          "## References\n\n- Lee J. 2019. Insulin sensitivity in obese mice. J 1:1.\n"
          "- Tan H, Guan X, Hu M. 2021. Metformin treatment restores insulin sensitivity in obese rats. J 2:2.\n")
    assert context_findings(md) == []


def test_each_citation_speaks_for_its_own_clause():
    # the words before the first citation are not the second citation's
    md = ("# Paper\n\nMetformin treatment restores insulin sensitivity in obese mice (Lee, 2019), "
          "and the same holds for insulin resistance (Tan et al., 2021).\n\n"
          "## References\n\n- Lee J. 2019. Glucose uptake in muscle. J 1:1.\n"
          "- Tan H, Guan X, Hu M. 2021. Metformin treatment restores insulin sensitivity in obese rats. J 2:2.\n")
    assert context_findings(md) == []


def test_hostile_text_is_quoted_as_text():
    md = paper("<b>Metformin</b> treatment restores insulin sensitivity in obese mice {cite}.",
               "Metformin <script>x</script> treatment restores insulin sensitivity in obese rats")
    (finding,) = context_findings(md)
    assert "obese mice" in finding.contrast.said and "obese rats" in finding.contrast.cited


# --- the Crossref record: its title and abstract ----------------------------------------------


def with_record(md: str, work: Work):
    """The manuscript's findings when Crossref verified its one entry as ``work``."""
    m = check(read_text(md, "paper.md"), Config(today=TODAY, select=("citation-context",))).manuscripts[0]
    m = replace(m, matches=(Match(m.references[0].id, "verified", work, via="doi"),), crossref_consulted=True)
    findings, _ = run_rules(m, Config(today=TODAY, select=("citation-context",)))
    return findings


ABSTRACT = ("<jats:title>Abstract</jats:title><jats:p>Background: obesity is common. Here human amniotic mesenchymal "
            "stem cells conditioned medium reduced weight gain in mice &amp; improved insulin sensitivity.</jats:p>")


def test_the_record_abstract_is_plain_text():
    assert parse_work({"DOI": "10.1/x", "abstract": ABSTRACT}).abstract == (
        "Background: obesity is common. Here human amniotic mesenchymal stem cells conditioned medium reduced weight "
        "gain in mice & improved insulin sensitivity.")


def test_a_sentence_of_the_abstract_is_compared_when_crossref_has_one():
    md = paper("Conditioned medium from human adipose mesenchymal stem cells reduced weight gain in mice {cite}.",
               "A protective secretome against diet-induced obesity")
    assert context_findings(md) == []  # the printed title shares nothing
    work = Work("10.1/x", title="A protective secretome against diet-induced obesity", abstract=parse_work({"abstract": ABSTRACT}).abstract)
    (finding,) = with_record(md, work)
    assert finding.contrast.source == "abstract" and "the abstract of its Crossref record says" in finding.message
    assert finding.contrast.said == "human adipose mesenchymal stem cells" and finding.contrast.cited == "human amniotic mesenchymal stem cells"


def test_a_term_the_abstract_names_is_not_a_contradiction_of_the_title():
    md = paper("Human adipose mesenchymal stem cells conditioned medium protects mice from obesity {cite}.",
               "Human amniotic mesenchymal stem cells-conditioned medium protects mice from obesity")
    assert len(context_findings(md)) == 1
    work = Work("10.1/x", title="Human amniotic mesenchymal stem cells-conditioned medium protects mice from obesity",
                abstract="We compared secretomes of amniotic and adipose stem cells in obese mice.")
    assert with_record(md, work) == []


@pytest.mark.parametrize("word, same_as", [("suppresses", "suppress"), ("up-regulation", "upregulate"), ("inhibited", "inhibits"),
                                           ("Mice", "murine"), ("in-vitro", "in vitro"), ("Type II", "type 2")])
def test_inflections_and_spellings_of_a_term_are_one_term(word, same_as):
    (a,), (b,) = tokens(word), tokens(same_as)
    assert a.group and a.norm == b.norm
