"""The result of a run: sorted findings, the rules that ran, and notes on what was skipped."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from refcheck.model import Finding, Manuscript, Severity
from refcheck.rule import Rule

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    manuscripts: tuple[Manuscript, ...] = ()
    rules: tuple[Rule, ...] = ()  # the rules that ran
    notes: tuple[str, ...] = ()  # said once: skipped rules, unverified references
    suppressed: int = 0

    @classmethod
    def build(cls, findings, manuscripts=(), rules=(), notes=(), suppressed=0) -> Report:
        return cls(tuple(sorted(findings, key=Finding.sort_key)), tuple(manuscripts), tuple(rules), tuple(notes), suppressed)

    def counts(self) -> Counter:
        return Counter(str(f.severity) for f in self.findings)

    def checked(self) -> tuple[int, int]:
        """(citations, references) checked: a manuscript's references are its printed list, or its
        .bib entries when it has none (a pandoc or LaTeX manuscript's list is generated from them)."""
        citations = sum(len(m.citations) for m in self.manuscripts)
        references = sum(len(m.references) or len(m.bib) for m in self.manuscripts)
        return citations, references

    def exit_code(self, fail_on: Severity = Severity.ERROR) -> int:
        """0 when nothing is at or above ``fail_on``, 1 otherwise (2 is for usage errors, in the CLI)."""
        return EXIT_FINDINGS if any(f.severity >= fail_on for f in self.findings) else EXIT_OK
