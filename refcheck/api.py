"""The whole pipeline, readable top to bottom: read -> link -> rules -> Report.

``check(manuscript)`` is pure; ``check_paths(paths)`` adds the file reading at the edge.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import regex as re

from refcheck.link import link
from refcheck.model import Finding, Manuscript, Problem, Severity
from refcheck.report import Report
from refcheck.rule import Context, Options, Rule
from refcheck.rules import RULES


@dataclass(frozen=True)
class Config:
    """What the user chose: rule selection, severity overrides, manuscript date."""

    select: tuple[str, ...] = ()  # codes, code prefixes ("RC1") or names; empty = the default rules
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)  # rule name or code -> severity
    manuscript_date: str | None = None
    today: dt.date | None = None


def _specificity(rule: Rule, pattern: str) -> int:
    """How specifically ``pattern`` names ``rule``: 0 = not at all; a name counts as a full code."""
    pattern = pattern.strip()
    if pattern == rule.name:
        return 100
    upper = pattern.upper()
    if upper == "ALL":
        return 1
    return len(upper) + 1 if rule.code.startswith(upper) and upper.startswith("RC") else 0


def selected_rules(config: Config, rules: Sequence[Rule] = RULES) -> tuple[Rule, ...]:
    """Rules that run: the longest matching pattern between --select and --ignore wins (as in flake8).

    Rules that are off by default run only when selected by exact code or name.
    """
    out = []
    for rule in rules:
        sel = max((_specificity(rule, p) for p in config.select), default=0)
        ign = max((_specificity(rule, p) for p in config.ignore), default=0)
        if config.select:
            on = sel > ign and (rule.enabled or sel >= len(rule.code) + 1)
        else:
            on = rule.enabled and ign == 0
        if on:
            out.append(rule)
    return tuple(out)


# linear: no blank run is read from two places ("^\\s*" re-read every line of a blank run, and
# "[^>]*?\\s*-->" every blank of an unclosed comment)
_SUPPRESS = re.compile(r"<!--\s*refcheck:\s*ignore\b(?P<names>[^>]*)-->|^[ \t]*%[ \t]*refcheck:[ \t]*ignore\b(?P<tex>.*)$", re.M)


def suppressions(manuscript: Manuscript) -> dict[tuple[str, int], tuple[str, ...]]:
    """(path, line) -> rule patterns ignored there: a comment covers its own line and the next non-blank one.

    Every file of the manuscript is scanned (its ``\\input`` files and .bib files too), and a
    comment only covers lines of its own file.
    """
    out: dict[tuple[str, int], tuple[str, ...]] = {}
    for source in (manuscript.source, *manuscript.sources):
        text = source.text
        if "refcheck:" not in text:
            continue
        last_line = text.count("\n") + 1
        for m in _SUPPRESS.finditer(text):
            names = tuple(n for n in re.split(r"[\s,]+", (m.group("names") or m.group("tex") or "").strip()) if n) or ("ALL",)
            line, _ = source.position(m.start())
            end_line, _ = source.position(m.end())
            out[(source.path, line)] = out.get((source.path, line), ()) + names
            nxt = end_line + 1
            while nxt <= last_line and not source.line_text(nxt).strip():
                nxt += 1
            out[(source.path, nxt)] = out.get((source.path, nxt), ()) + names
    return out


def _stamp(rule: Rule, problem: Problem, config: Config) -> Finding:
    severity = config.severity.get(rule.name) or config.severity.get(rule.code) or problem.severity or rule.severity
    return Finding(rule.code, rule.name, severity, problem.span, problem.message, problem.fix, problem.notes, problem.contrast)


def run_rules(manuscript: Manuscript, config: Config = Config(), rules: Sequence[Rule] | None = None) -> tuple[list[Finding], int]:
    """Findings of the selected rules on one linked manuscript, and how many were suppressed."""
    options = Options(manuscript_date=config.manuscript_date, today=config.today or dt.date.today())
    ctx = Context(manuscript, options)
    ignored_at = suppressions(manuscript)
    findings: list[Finding] = []
    suppressed = 0
    for rule in selected_rules(config) if rules is None else rules:
        if "crossref" in rule.needs and not manuscript.crossref_consulted:
            continue  # said once in the report's notes, not per rule
        for problem in rule.check(ctx):
            patterns = ignored_at.get((problem.span.path, problem.span.line), ())
            if any(_specificity(rule, p) for p in patterns):
                suppressed += 1
                continue
            findings.append(_stamp(rule, problem, config))
    return findings, suppressed


_STRICT_FORMS = frozenset(("taxon-authority", "unbracketed", "possessive-phrase", "table-cells", "quoted", "mention-before-number",
                           "year-only", "attribution"))


def link_manuscript(manuscript: Manuscript) -> Manuscript:
    """Link citations to references; weak candidates (see citations._is_weak) that link nowhere are dropped,
    and so are taxonomic authorities (citations._after_taxon), names outside brackets, possessives
    followed by words ("Winkler's equation (1965)"), a table's author and year cells, citations
    inside a quotation that no entry of that year corroborates, and a name and year a citation
    number follows in a numbered text (``mention-before-number``) that names no one entry."""
    links = link(manuscript)
    strict = _STRICT_FORMS
    weak = {c.id for c in manuscript.citations if c.form and ("weak" in c.form or not strict.isdisjoint(c.form))}
    if weak:
        # a species' authority ("*Turdus albicollis* Vieillot, 1818") and a name and year outside
        # brackets count only when an entry has that year
        authority = {c.id for c in manuscript.citations if c.form and not strict.isdisjoint(c.form)}
        # (a strict candidate needs the name as the entry prints it: not another author of it, not a misspelling)
        corroborated = {l.citation for l in links
                        if (l.references and (l.citation not in authority or l.how not in ("last-author", "fuzzy-author")))
                        or (l.year_differs and l.citation not in authority)}
        # a name and year in a numbered text's prose, with its number after it, counts only where it names one entry
        mention = {c.id for c in manuscript.citations if "mention-before-number" in c.form}
        corroborated -= {l.citation for l in links if l.citation in mention and (len(l.references) != 1 or l.year_differs)}
        dropped = weak - corroborated
        if dropped:
            citations = tuple(c for c in manuscript.citations if c.id not in dropped)
            links = tuple(l for l in links if l.citation not in dropped)
            manuscript = dataclasses.replace(manuscript, citations=citations)
        if any("year-only" in c.form for c in manuscript.citations):
            manuscript = _with_named_authors(manuscript, links)
    return dataclasses.replace(manuscript, links=links)


def _with_named_authors(manuscript: Manuscript, links: tuple[Link, ...]) -> Manuscript:
    """A year-only citation ("(1987, p.19)") kept because its sentence names the entry's first
    author carries that author, as if cited "Barthes (1987)": every author-year item has one."""
    by_id = {r.id: r for r in manuscript.references}
    named = {(l.citation, l.item): by_id[l.references[0]] for l in links
             if l.how == "author-named-before" and l.references and l.references[0] in by_id}
    citations = []
    for c in manuscript.citations:
        if "year-only" in c.form:
            c = dataclasses.replace(c, items=tuple(
                dataclasses.replace(item, authors=(named[(c.id, i)].first_author or "",)) if (c.id, i) in named and not item.authors else item
                for i, item in enumerate(c.items)))
        citations.append(c)
    return dataclasses.replace(manuscript, citations=tuple(citations))


def namespaced(manuscript: Manuscript, prefix: str) -> Manuscript:
    """Prefix every citation and reference id (``2:c5``) so ids stay unique across files."""

    def ref(r):
        return dataclasses.replace(r, id=prefix + r.id, parts=tuple(ref(p) for p in r.parts))

    return dataclasses.replace(
        manuscript,
        citations=tuple(dataclasses.replace(c, id=prefix + c.id) for c in manuscript.citations),
        references=tuple(ref(r) for r in manuscript.references),
        bib=tuple(ref(r) for r in manuscript.bib),
        links=tuple(
            dataclasses.replace(l, citation=prefix + l.citation, references=tuple(prefix + r for r in l.references),
                                nearest=tuple(prefix + r for r in l.nearest))
            for l in manuscript.links
        ),
        matches=tuple(dataclasses.replace(m, reference=prefix + m.reference) for m in manuscript.matches),
    )


def check(
    manuscripts: Manuscript | Iterable[Manuscript],
    config: Config = Config(),
    *,
    crossref=None,
    lock: dict | None = None,
    progress=None,
) -> Report:
    """Link each manuscript, ask Crossref about its references if given a client, run the rules.

    Pure except for ``crossref`` (a ``refcheck.crossref.client.CrossrefClient``), the one
    phase that waits on the network. ``lock`` is a lockfile's content (``refcheck.lockfile``):
    references it knows are not asked again. ``progress(n)`` is told as works settle.
    With several manuscripts, ids are prefixed with the file's position (``2:c5``, ``2:r3``) so
    that a report's ids are unique; a single manuscript keeps plain ids (``c5``).
    """
    if isinstance(manuscripts, Manuscript):
        manuscripts = (manuscripts,)
    linked = [link_manuscript(m) for m in manuscripts]
    if len(linked) > 1:
        linked = [namespaced(m, f"{i + 1}:") for i, m in enumerate(linked)]
    return _checked(linked, config, crossref=crossref, lock=lock, progress=progress)


def _checked(linked: list[Manuscript], config: Config, *, crossref=None, lock=None, progress=None,
             found: list[tuple[list[Finding], int]] | None = None) -> Report:
    """The rest of ``check`` for linked (and namespaced) manuscripts; ``found`` holds each one's findings when computed already."""
    rules = selected_rules(config)
    if (crossref is not None or lock) and any("crossref" in r.needs for r in rules):
        from refcheck.enrich import enrich
        from refcheck.lockfile import locked_matches

        if progress is not None and len(linked) > 1:  # one bar for the whole run, not one per manuscript
            from refcheck.enrich import works_of

            total, each = sum(len(works_of(m)) for m in linked), progress
            progress = lambda settled, _of: each(settled, total)  # noqa: E731
        linked = [enrich(m, crossref, locked=locked_matches(m, lock or {}), progress=progress) for m in linked]
        found = None  # the Crossref rules have something to say now
    findings: list[Finding] = []
    suppressed = 0
    for i, manuscript in enumerate(linked):
        these, hidden = found[i] if found is not None else run_rules(manuscript, config, rules)
        findings.extend(these)
        suppressed += hidden
    notes = [note for m in linked for note in m.notes]
    if any("crossref" in r.needs for r in rules) and not any(m.crossref_consulted for m in linked):
        notes.append("Crossref was not consulted (--offline): identifier and metadata verification was skipped")
    return Report.build(findings, linked, rules, notes, suppressed)


def check_paths(
    paths: Iterable[str | os.PathLike],
    config: Config = Config(),
    *,
    max_bytes: int | None = None,
    bib: Iterable[str | os.PathLike] = (),
    fmt: str | None = None,
    crossref=None,
    lock: dict | None = None,
    progress=None,
    jobs: int = 1,
    optional: Iterable[str] = (),
    meta=None,
) -> Report:
    """Read each file and its bibliography (bad input becomes unreadable-input findings) and check it.

    ``bib`` names .bib files read for every manuscript, beside those the manuscripts name;
    ``meta`` (``readers.pandoc_meta.Meta``) is what a pandoc build's metadata and defaults files add;
    ``optional`` paths (found by walking a directory) are dropped when they have nothing to check;
    ``fmt`` forces the input format (else it is detected per file). ``jobs`` worker processes
    read (and, offline, check) the files; Crossref is asked from this process, once per work.
    """
    from refcheck.batch import SharedLookups, read_all
    wants_crossref = (crossref is not None or bool(lock)) and any("crossref" in r.needs for r in selected_rules(config))
    from refcheck.batch import has_content
    from refcheck.readers.project import Document

    read = read_all([p if isinstance(p, Document) else os.fspath(p) for p in paths], config, jobs=jobs, max_bytes=max_bytes,
                    bib=tuple(bib), fmt=fmt, offline=not wants_crossref, meta=meta)
    optional = set(optional)
    if optional:  # files a directory walk found that turn out to have nothing to check (a docs page)
        read = [r for r in read if r[0].path not in optional or has_content(r[0])]
    linked = [manuscript for manuscript, _, _ in read]
    found = None if wants_crossref else [(findings, suppressed) for _, findings, suppressed in read]
    if crossref is not None and len(linked) > 1:
        crossref = SharedLookups(crossref)  # one question per work, however many manuscripts cite it
    return _checked(linked, config, crossref=crossref, lock=lock, progress=progress, found=found)
