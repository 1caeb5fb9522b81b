"""The rule registry: a plain tuple, in code order. Each family lives in its own module."""

from __future__ import annotations

from refcheck.rules import bibliography, chronology, context, crossref, form, identifiers, input, linking, reference_list

RULES = tuple(
    sorted(
        (*input.RULES, *linking.RULES, *reference_list.RULES, *form.RULES, *chronology.RULES, *identifiers.RULES,
         *bibliography.RULES, *crossref.RULES, *context.RULES),
        key=lambda r: r.code,
    )
)
BY_NAME = {r.name: r for r in RULES}
BY_CODE = {r.code: r for r in RULES}


def lookup(name_or_code: str):
    """A rule by kebab-case name or code (``reference-order`` or ``RC207``), or None."""
    return BY_NAME.get(name_or_code) or BY_CODE.get(name_or_code.upper())
