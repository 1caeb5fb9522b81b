"""RC3xx: the form of citations — malformed, inconsistent, mixed styles."""

from __future__ import annotations

import regex as re

from refcheck.model import Fix, Problem, Severity
from refcheck.rule import Context, rule

_COMMA_BEFORE_PAREN = re.compile(r"\s*,\s*(?=\()")


@rule("RC301", "malformed-citation", Severity.INFO)
def malformed_citation(ctx: Context):
    """Citations follow the usual typography.

    Why it matters: `Tan et al., (2021)` (a comma before the parenthesised year), `et al`
    without its period, and `..., Smith, 2012)` closing a parenthesis never opened are small
    errors a copy editor will flag; so are initials inside a citation (`(Agostinelli, C. and Lund,
    2022)`) and two years run together (`(Hart et al., 20152014)`), which are still linked. So is a
    numeric mark printed without its brackets or superscript (`allelic fixation 17–20.`, `or
    death10.`), read only where the entries it names are cited nowhere else and the entries
    first cited just before and after it are within three of its numbers.

    Example: `Tan et al., (2021) reported ...` should be `Tan et al. (2021) reported ...`.
    A document that writes "et al" without a period throughout follows a house style and is
    not reported.

    Fix: the corrected form is given as a fix.
    """
    own = _own(ctx)
    with_et_al = [c for c in own if any(i.et_al for i in c.items)]
    bare = sum(1 for c in with_et_al if "et-al-without-period" in c.form)
    house_style = bare * 2 >= len(with_et_al)  # "et al" throughout is a style, not a slip
    for citation in own:
        if "comma-before-year-parenthesis" in citation.form:
            fixed = _COMMA_BEFORE_PAREN.sub(" ", citation.text, count=1)
            yield Problem(
                citation.span,
                f"{citation.text!r} has a comma before the parenthesised year; write {fixed!r}",
                Fix(f"write {fixed}", fixed, citation.span),
            )
        if "initials" in citation.form:
            yield Problem(citation.span, f"{citation.text!r} gives initials; author-year citations give surnames only", Fix("remove the initials"))
        if "run-together-name-year" in citation.form:
            yield Problem(citation.span, f"{citation.text!r} runs the name and the year together", Fix("put a space before the year"))
        if "run-together-years" in citation.form:
            yield Problem(citation.span, f"{citation.text!r} runs two years together; it is read with the first", Fix("keep the right year"))
        if "lost-brackets" in citation.form:
            yield Problem(citation.span, f"{citation.text!r} reads as a citation of entries {citation.text} without its brackets "
                          "(they are cited nowhere else)", Fix(f"write [{citation.text}]", f"[{citation.text}]", citation.span))
        if "lost-superscript" in citation.form:
            yield Problem(citation.span, f"{citation.text!r}, glued to the word before it, reads as a citation of entry {citation.text} "
                          "that lost its superscript (the entry is cited nowhere else)", Fix("make the number a superscript"))
        if "unbalanced-parenthesis" in citation.form:
            yield Problem(citation.span, f"{citation.text!r} closes a parenthesis that was never opened", Fix("add the opening parenthesis or remove the closing one"))
        if "et-al-without-period" in citation.form and not house_style:
            fixed = re.sub(r"\bet\s*al\b(?!\.)", "et al.", citation.text)
            yield Problem(citation.span, f"{citation.text!r}: 'et al' needs a period", Fix(f"write {fixed}", fixed, citation.span))


@rule("RC302", "inconsistent-citation-format", Severity.INFO)
def inconsistent_citation_format(ctx: Context):
    """Parenthetical author-year citations punctuate the same way throughout.

    Why it matters: a document that writes `(Name et al., 2019)` everywhere but a few
    `(Name et al. 2019)` looks unedited. Only the minority form is reported.

    Example: `(Ra et al. 2021)` among twenty `(Name et al., 2019)`.

    Fix: use the document's majority form (given as a fix).
    """
    comma = [c for c in _own(ctx) if not c.narrative and "comma-before-year" in c.form and "no-comma-before-year" not in c.form]
    bare = [c for c in _own(ctx) if not c.narrative and "no-comma-before-year" in c.form and "comma-before-year" not in c.form]
    total = len(comma) + len(bare)
    if total < 4:
        return
    for majority, minority, advice in ((comma, bare, "add a comma before the year"), (bare, comma, "drop the comma before the year")):
        if len(majority) >= 0.8 * total and minority:
            for citation in minority:
                if advice.startswith("add"):
                    fixed = re.sub(r"(\S)(\s+)(?=(?:1[5-9]|20)\d\d)", r"\1,\2", citation.text, count=1)
                else:
                    fixed = re.sub(r",(\s*)(?=(?:1[5-9]|20)\d\d)", r"\1", citation.text, count=1)
                yield Problem(
                    citation.span,
                    f"{citation.text!r}: {advice}, as {len(majority)} of {total} citations do",
                    Fix(f"write {fixed}", fixed, citation.span),
                )


@rule("RC303", "mixed-citation-styles", Severity.WARNING)
def mixed_citation_styles(ctx: Context):
    """One document uses one citation style.

    Why it matters: numeric and author-year citations mixed in one text usually mean text
    pasted from another document whose citations were never converted. Narrative mentions
    ("as Wu et al. (2023) showed [12]") are normal in numeric styles and do not count.

    Example: `[3]` in a paper that otherwise cites `(Smith et al., 2019)`.

    Fix: convert the minority citations to the document's style (reported once, at the first).
    """
    linked = {link.citation for link in ctx.manuscript.links if link.references}
    styles = {"numeric": [], "author-year": []}
    for citation in _own(ctx):
        if citation.style in styles and citation.id in linked and not citation.narrative:
            styles[citation.style].append(citation)
    numeric, author_year = styles["numeric"], styles["author-year"]
    if numeric and author_year:
        minority, majority = sorted((numeric, author_year), key=len)
        first = minority[0]
        yield Problem(
            first.span,
            f"{len(minority)} {first.style} citation(s) in a text with {len(majority)} {majority[0].style} citations; first: {first.text!r}",
        )


def _own(ctx: Context) -> list:
    """The manuscript's own citations: those inside a quotation follow the quoted text's style."""
    return [c for c in ctx.manuscript.citations if "quoted" not in c.form]


RULES = (malformed_citation, inconsistent_citation_format, mixed_citation_styles)
