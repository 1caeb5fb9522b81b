"""The lockfile: what Crossref said about each reference, so an unchanged manuscript needs no network.

Opt-in (``refcheck paper.md --lock refcheck.lock.json``). Human-readable, sorted JSON, one
entry per reference keyed by the reference's text as sent to Crossref, so that editing an
entry (or adding one) makes exactly that entry be looked up again::

    {
      "version": 1,
      "references": {
        "Alvites, R., ... (2022). Mesenchymal stem/stromal cells ... Pharmaceutics, 14(2), 381.": {
          "status": "verified", "via": "search", "evidence": "",
          "work": {"doi": "10.3390/pharmaceutics14020381", "title": "...", "authors": [...], ...}
        }
      }
    }

The record (``work``) is stored, not the verdict's details: differences are recomputed on
every run, so a better matcher improves old lockfiles too. Unverified references are never
locked. Delete an entry (or the file) to look a reference up again, e.g. to catch a
retraction published since.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable

from refcheck.model import Manuscript, Match, Name, Work

VERSION = 1
SETTLED = frozenset({"verified", "mismatch", "not-found", "doi-not-found", "other-agency", "elsewhere"})


def _work_to_dict(work: Work) -> dict:
    data = {f.name: getattr(work, f.name) for f in dataclasses.fields(Work) if f.name != "score"}
    if data.get("abstract") is None:
        data.pop("abstract", None)  # written only where a record has one: older lockfiles read the same
    data["authors"] = [{"family": a.family, "given": a.given} for a in work.authors]
    data["updates"] = [list(u) for u in work.updates]
    data["relations"] = [list(r) for r in work.relations]
    data["container_titles"] = list(work.container_titles)
    return data


def _work_from_dict(data: dict) -> Work:
    names = {f.name for f in dataclasses.fields(Work)}
    values = {k: v for k, v in data.items() if k in names}
    values["authors"] = tuple(Name(a.get("family", ""), a.get("given", "")) for a in data.get("authors") or ())
    values["updates"] = tuple(tuple(u) for u in data.get("updates") or ())
    values["relations"] = tuple(tuple(r) for r in data.get("relations") or ())
    values["container_titles"] = tuple(data.get("container_titles") or ())
    return Work(**values)


def locked_matches(manuscript: Manuscript, lock: dict) -> dict[str, Match]:
    """Work id -> Match for every work of the manuscript the lockfile already settles."""
    from refcheck.enrich import compare, query_text, works_of

    entries = (lock or {}).get("references") or {}
    out: dict[str, Match] = {}
    for ref in works_of(manuscript):
        entry = entries.get(query_text(ref))
        if not isinstance(entry, dict) or entry.get("status") not in SETTLED:
            continue
        try:
            work = _work_from_dict(entry["work"]) if entry.get("work") else None
        except (TypeError, KeyError, ValueError):
            continue  # a hand-edited entry that no longer parses is looked up again
        status, via = entry["status"], entry.get("via", "")
        if status in ("verified", "mismatch") and work is not None:
            out[ref.id] = dataclasses.replace(compare(ref, work, via), evidence="from the lockfile")
        else:
            out[ref.id] = Match(ref.id, status, work, evidence=entry.get("evidence", ""), via=via)
    return out


def content(manuscripts: Iterable[Manuscript]) -> dict:
    """The lockfile for these manuscripts: every settled work, keyed by its text."""
    from refcheck.enrich import query_text, works_of

    references: dict[str, dict] = {}
    for manuscript in manuscripts:
        works = {w.id: w for w in works_of(manuscript)}
        for match in manuscript.matches:
            ref = works.get(match.reference)
            if ref is None or match.status not in SETTLED:
                continue
            evidence = "" if match.evidence == "from the lockfile" else match.evidence
            references[query_text(ref)] = {
                "status": match.status,
                "via": match.via,
                "evidence": evidence,
                "work": _work_to_dict(match.work) if match.work else None,
            }
    return {"version": VERSION, "references": dict(sorted(references.items()))}


def dumps(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def loads(text: str) -> dict:
    """The lockfile's content; ValueError with a readable reason when it is not one."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("references"), dict):
        raise ValueError(f"not a version {VERSION} refcheck lockfile")
    return data
