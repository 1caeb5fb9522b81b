"""Substitutions the citation-context benchmark injects (benchmarks/context.py).

Written for the benchmark, apart from the rule's own lists (refcheck/rules/terms.py), so that the
benchmark is not the rule's data: each list is a ring of words a careless writer could put for one
another; a word is replaced by the next in its ring, keeping its capitalisation. The kinds overlap
the rule's, the wording does not follow it: some rings hold words the rule does not know
(``longitudinal``, ``elderly``...), and those count as misses.
"""

from __future__ import annotations

RINGS: dict[str, list[list[str]]] = {
    "tissue or cell source": [
        ["adipose", "amniotic", "placental", "synovial"],
        ["bone marrow", "umbilical cord", "dental pulp", "cord blood"],
        ["liver", "kidney", "lung", "heart", "brain"],
        ["hepatic", "renal", "pulmonary", "cardiac"],
        ["hematopoietic", "mesenchymal", "embryonic"],
    ],
    "organism": [
        ["mice", "rats", "hamsters", "rabbits", "pigs"],
        ["mouse", "rat", "zebrafish", "pig", "dog"],
        ["murine", "porcine", "bovine", "canine"],
        ["human", "mouse"],
        ["humans", "mice"],
        ["yeast", "Drosophila", "zebrafish"],
    ],
    "population": [
        ["children", "adults", "adolescents", "infants", "elderly"],
        ["men", "women"],
        ["boys", "girls"],
        ["male", "female"],
        ["pediatric", "adult"],
    ],
    "setting": [
        ["in vitro", "in vivo", "ex vivo"],
        ["rural", "urban"],
    ],
    "subtype": [
        ["type 1", "type 2"],
        ["type I", "type II"],
        ["acute", "chronic"],
        ["HIV-1", "HIV-2"],
        ["benign", "malignant"],
    ],
    "direction": [
        ["increases", "decreases"],
        ["increased", "decreased"],
        ["increase", "decrease"],
        ["promotes", "inhibits"],
        ["enhances", "suppresses"],
        ["enhanced", "reduced"],
        ["activation", "inhibition"],
        ["activates", "represses"],
        ["higher", "lower"],
        ["positive", "negative"],
        ["up-regulation", "down-regulation"],
    ],
    "design": [
        ["randomized controlled trial", "cohort study", "case-control study"],
        ["prospective", "retrospective"],
        ["cross-sectional", "longitudinal"],
        ["meta-analysis", "cohort study"],
    ],
}

# a number before one of these units is replaced by twice its value
UNITS = ("mg/kg", "mg", "kg", "g", "ml", "mL", "µM", "mM", "nM", "µm", "nm", "days", "weeks", "months", "years",
         "hours", "h", "%", "°C", "Gy", "Hz")
