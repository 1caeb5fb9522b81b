"""RC0xx: the input itself — unreadable files, missing reference lists, unknown manuscript dates."""

from __future__ import annotations

from refcheck.model import MANUBOT_PREFIXES, Problem, Severity
from refcheck.rule import Context, rule


def _recorded(ctx: Context, name: str):
    return (p for p in ctx.manuscript.problems if p.rule == name)


@rule("RC001", "unreadable-input", Severity.ERROR)
def unreadable_input(ctx: Context):
    """Every input file can be read as text.

    Why it matters: a file that is binary, too large, or not valid UTF-8/UTF-16 cannot be
    checked; refcheck says so instead of guessing at its contents.

    Example: `refcheck figure.png` reports "figure.png is a binary file".

    Fix: pass the manuscript's text source (Markdown), or convert it to UTF-8.
    """
    return _recorded(ctx, "unreadable-input")


@rule("RC002", "bibtex-syntax-error", Severity.ERROR)
def bibtex_syntax_error(ctx: Context):
    """Every block of a .bib file parses.

    Why it matters: BibTeX and biber skip a block they cannot parse, silently or with a warning
    lost in a long log; every citation of that entry then prints as "?" or a bare key.

    Example: `@article{smith2019, title = {Unbalanced {braces}, year = 2019}` (a brace is
    never closed), or `journal = jbiol` with no `@string{jbiol = ...}`.

    Fix: balance the braces, define the @string, or quote the value; the finding points at the
    line where the block starts. Problems inside an entry that is never cited are not reported
    when the manuscript cites by key (BibTeX never reads those fields); an entry without a key
    is, since nothing can cite it.
    """
    m = ctx.manuscript
    skip = []
    if any(c.style == "key" for c in m.citations) and not any("nocite-all" in c.form for c in m.citations):
        cited = {r for link in m.links for r in link.references}
        skip = [e.span for e in m.bib if e.id not in cited]
    for problem in _recorded(ctx, "bibtex-syntax-error"):
        at = problem.span
        # a problem the reader graded itself stops BibTeX whether the entry is cited or not (a `%` line)
        if problem.severity is not None or not any(s.path == at.path and s.start <= at.start < s.end for s in skip):
            yield problem
    for entry in m.bib:
        if not entry.key.strip():
            yield Problem(entry.span, f"this @{entry.type} entry has no key, so nothing can cite it")


def _keys_resolve(m, aliases: dict) -> bool:
    """Every key citation resolves itself (Manubot identifiers or aliases)."""
    return all(i.key.lower().startswith(MANUBOT_PREFIXES) or i.key in aliases for c in m.citations if c.style == "key" for i in c.items if i.key)


@rule("RC003", "no-reference-list", Severity.WARNING)
def no_reference_list(ctx: Context):
    """A manuscript that cites works has a reference list.

    Why it matters: without a "References" (or "Bibliography", "Literature cited", "Works
    cited") section no citation can be checked.

    Example: a paper citing `(Smith et al., 2019)` that ends without a reference section.

    Fix: add the reference list under a heading such as `## References`, or point refcheck at
    the bibliography file.
    """
    m = ctx.manuscript
    aliases = dict(m.aliases)  # Manubot: identifiers, and names defined as identifiers, resolve themselves
    self_resolving = all(i.key and (i.key.lower().startswith(MANUBOT_PREFIXES) or i.key in aliases) for c in m.citations for i in c.items)
    # a bibliography that is named but cannot be read is reported as unreadable-input instead
    keyed = any(c.style == "key" for c in m.citations)  # text citations beside keys: citation-without-reference says
    if m.citations and not m.references and not m.bib and not m.bib_files and not self_resolving and not (keyed and _keys_resolve(m, aliases)):
        first = m.citations[0]
        where = "no reference section was found" if m.reference_section is None else "the reference section is empty"
        if all(c.style == "key" for c in m.citations):
            yield Problem(first.span, f"{len(m.citations)} key citations ([@key], \\cite) but no bibliography: name the .bib file "
                                      "(`bibliography:` in the front matter, \\bibliography{} or --bib PATH)")
        else:
            yield Problem(first.span, f"{len(m.citations)} citations but {where}; none of them can be checked")


@rule("RC004", "manuscript-date-unknown", Severity.INFO)
def manuscript_date_unknown(ctx: Context):
    """The manuscript's date is known, so cited years can be checked against it.

    Why it matters: refcheck reads "Received", "Revised", "Accepted" and "Published" dates from
    the front matter; without one, citation-after-manuscript-date cannot run.

    Example: a preprint with no article history.

    Fix: add the dates to the front matter or set `manuscript-date = "2023-07-14"` in the
    configuration (which also silences this note).
    """
    m = ctx.manuscript
    if m.citations and ctx.manuscript_date is None:
        yield Problem(m.source.span(0, 0), "no received, accepted or published date found; chronology checks were skipped")


RULES = (unreadable_input, bibtex_syntax_error, no_reference_list, manuscript_date_unknown)
