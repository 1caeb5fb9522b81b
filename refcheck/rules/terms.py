"""Sibling terms for citation-context (RC801): small curated lists, reviewed by hand.

Each kind holds groups; each group holds classes; each class holds words that mean the same
thing for this purpose (``mouse``, ``mice``, ``murine``). Two words of one group and different
classes are siblings: a sentence saying one where the cited title says the other names a
different tissue, organism, population, setting, subtype, direction or design. A word is in one
group only. Words are written singular and lower case; a multi-word term is written with spaces
(``bone marrow``) and read as one token; verbs are written in their base form and their
inflections are derived (``inhibit`` -> inhibits, inhibited, inhibiting, inhibition is listed).

Provenance: written for refcheck from general biomedical usage (MeSH's tree headings for
anatomy, organisms, age groups and study types served as the checklist); nothing here was taken
from the evaluation corpus or the benchmark's injection lists (benchmarks/context_siblings.py).
What is left out is left out on purpose: words with a common everyday sense ("cord", "blood",
"primary"), and pairs an author writes interchangeably ("patients"/"people").
"""

from __future__ import annotations

KINDS: dict[str, tuple[tuple[tuple[str, ...], ...], ...]] = {
    "tissue or cell source": (
        (("adipose", "adipose tissue", "fat derived"), ("amniotic", "amnion", "amniotic membrane", "amniotic fluid"),
         ("bone marrow", "bone marrow derived"), ("umbilical cord", "wharton's jelly", "wharton jelly"),
         ("placenta", "placental"), ("dental pulp",), ("synovial",), ("menstrual",), ("cord blood",),
         ("peripheral blood",), ("chorionic",), ("endometrial",)),
        (("liver", "hepatic"), ("kidney", "renal"), ("lung", "pulmonary"), ("heart", "cardiac"), ("brain", "cerebral"),
         ("pancreas", "pancreatic"), ("colon", "colonic"), ("prostate",), ("ovary", "ovarian"), ("breast",),
         ("stomach", "gastric"), ("bladder",), ("thyroid",), ("spleen", "splenic"), ("skeletal muscle",)),
        (("mesenchymal",), ("hematopoietic", "haematopoietic"), ("embryonic",), ("neural",), ("induced pluripotent",),
         ("epithelial",), ("endothelial",)),
    ),
    "organism": (
        (("mouse", "murine"), ("rat",), ("human",), ("zebrafish",), ("drosophila", "fruit fly"), ("yeast",),
         ("pig", "porcine", "swine"), ("dog", "canine"), ("rabbit",), ("sheep", "ovine"), ("cattle", "bovine", "cow"),
         ("chicken",), ("horse", "equine"), ("macaque", "rhesus monkey"), ("hamster",), ("guinea pig",),
         ("xenopus",), ("c. elegans", "caenorhabditis elegans", "nematode"), ("arabidopsis",)),
        (("rice",), ("wheat",), ("maize", "corn"), ("soybean",), ("barley",), ("tomato",), ("potato",)),
    ),
    "population": (
        (("child", "children", "childhood", "paediatric", "pediatric"), ("adult", "adulthood"),
         ("adolescent", "adolescence", "teenager"), ("infant", "infancy"), ("elderly", "older adult", "older people"),
         ("neonate", "neonatal", "newborn"), ("preschool",)),
        (("man", "men", "male", "boy"), ("woman", "women", "female", "girl")),
        (("pregnant", "pregnancy"), ("postmenopausal",), ("premenopausal",)),
    ),
    "setting": (
        (("in vitro",), ("in vivo",), ("ex vivo",), ("in silico",)),
        (("inpatient",), ("outpatient",)),
        (("urban",), ("rural",)),
    ),
    "subtype": (
        (("type 1", "type i"), ("type 2", "type ii")),
        (("hiv-1", "hiv 1"), ("hiv-2", "hiv 2")),
        (("hsv-1", "hsv 1"), ("hsv-2", "hsv 2")),
        (("acute",), ("chronic",)),
        (("benign",), ("malignant",)),
        (("small cell",), ("non-small cell", "non small cell")),
        (("systolic",), ("diastolic",)),
        (("gram-positive", "gram positive"), ("gram-negative", "gram negative")),
    ),
    "direction": (
        (("increase", "enhance", "promote", "upregulate", "up-regulate", "elevate", "stimulate", "activate",
          "augment", "accelerate"),
         ("decrease", "reduce", "reduction", "inhibit", "suppress", "downregulate", "down-regulate", "attenuate",
          "diminish", "impair")),
        (("positive", "positively"), ("negative", "negatively")),
        (("higher",), ("lower",)),
        (("gain-of-function", "gain of function"), ("loss-of-function", "loss of function")),
        (("agonist",), ("antagonist",)),
        (("overexpression", "overexpressing"), ("knockdown", "knockout", "deficiency", "deficient")),
    ),
    "design": (
        (("randomized controlled trial", "randomised controlled trial", "randomized trial", "randomised trial", "rct"),
         ("cohort study", "cohort", "prospective cohort", "retrospective cohort"),
         ("case-control", "case control"), ("cross-sectional", "cross sectional"),
         ("meta-analysis", "meta analysis"), ("systematic review",), ("case report",), ("case series",),
         ("qualitative study",), ("pilot study",)),
        (("prospective",), ("retrospective",)),
        (("double-blind", "double blind"), ("single-blind", "single blind"), ("open-label", "open label")),
    ),
}

# units after a number: "10 mg", "12 weeks"; a number differs only with the same unit
UNITS: dict[str, str] = {
    u: canon
    for canon, spelled in {
        "mg": ("mg",), "g": ("g",), "kg": ("kg",), "µg": ("µg", "μg", "ug", "mcg"), "ng": ("ng",),
        "mg/kg": ("mg/kg",), "ml": ("ml",), "µl": ("µl", "μl", "ul"), "l": ("l",), "mm": ("mm",), "cm": ("cm",),
        "nm": ("nm",), "µm": ("µm", "μm"), "mmol": ("mmol",), "µmol": ("µmol", "μmol"), "%": ("%", "percent", "per cent"), "°c": ("°c", "°", "degrees"), "hour": ("h", "hr", "hrs", "hour"),
        "minute": ("min", "minute"), "day": ("day",), "week": ("week", "wk"), "month": ("month",), "year": ("year", "yr"),
        "gy": ("gy",), "hz": ("hz",), "khz": ("khz",), "mhz": ("mhz",), "ghz": ("ghz",), "kda": ("kda",),
        "iu": ("iu",), "mmhg": ("mmhg",),
    }.items()
    for u in spelled
}

# words that turn a phrase around or set two things against each other: a slot near them is not
# a contradiction ("did not increase", "in mice but not in rats", "rather than adipose")
NEGATIONS = frozenset(
    "not no never neither nor without unlike rather instead whereas versus vs than compared contrast "
    "lack lacking fail failed fails absence absent opposite".split()
)

# verbs that turn a direction around: "X antagonizes Y to promote Z" agrees with "Y's inhibition of Z";
# anywhere before a direction term in the clause, they leave it unreported
REVERSALS = ("antagoni", "counteract", "revers", "abolish", "prevent", "abrogat", "block", "oppos", "neutraliz",
             "neutralis", "rescu", "restor", "overc", "counterbalanc", "offset")
