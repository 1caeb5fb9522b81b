"""Assemble ``cassettes/review.yaml``: Crossref replies for ``review.md``, built from confirmed facts.

These machines cannot reach Crossref, so nothing here was recorded. The cassette is ASSEMBLED
from the confirmed facts in ``../shared/facts/review-references.json`` (see also
``review-references.md`` next to it), in the shape of the real vcrpy recordings in
``../shared/fixtures/crossref-recorded/`` (habanero, June 2026): ``test-works/test_works_query.yaml``
for the ``work-list`` envelope and the polite-pool headers, ``test-journals/test_journals_field_queries.yaml``
for the ``query`` block of a ``query.bibliographic`` search, ``test-works/test_works_with_one_id.yaml``
and ``../shared/fixtures/works_doi_200_pone.0033693.json`` for the fields of a work.

Which requests: exactly those refcheck makes for ``review.md``. The manuscript prints no DOIs,
so each work that is not ``too_incomplete`` is searched with
``GET search_url(API, query_text(ref))``. One interaction is written per work whose facts give
a confirmed DOI; it answers with a ``work-list`` holding that one record (the facts' confirmed
fields only; a field that is ``null`` or ``"unconfirmed..."`` in the facts is absent). Works
without a confirmed DOI get no interaction at all: under ``record_mode="none"`` vcrpy raises
``CannotOverwriteExistingCassetteException`` for them, which the tests treat as "unverified".

What is not a fact, and says so in ``cassettes/README.md``: ``score`` (a constant), ``total-results``
(the length of the assembled list), the ``date`` header (fixed), ``issued``/``published`` (derived
from the confirmed dates or year, as Crossref derives them).

The output is deterministic (interactions sorted by URI, fixed dates, no clock, no randomness):
running the script twice writes byte-identical files. The polite contact never appears: the
User-Agent is ``user_agent(None)`` and the script refuses to write a cassette containing "mailto".

Usage (from the repository root)::

    .venv/bin/python scripts/make_cassettes.py            # (re)write cassettes/review.yaml
    .venv/bin/python scripts/make_cassettes.py --check    # exit 1 if the committed file differs
    .venv/bin/python scripts/make_cassettes.py --facts PATH --out PATH   # other locations
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from refcheck.crossref.client import API, search_url, user_agent  # noqa: E402
from refcheck.enrich import query_text, too_incomplete, works_of  # noqa: E402
from refcheck.names import same_surname  # noqa: E402
from refcheck.readers import load  # noqa: E402

FACTS = ROOT.parent / "shared" / "facts" / "review-references.json"
MANUSCRIPT = ROOT / "review.md"
OUT = ROOT / "cassettes" / "review.yaml"

SCORE = 100.0  # not a Crossref value: bibliographic-query scores of a true match run ~60-150
DATE = "Tue, 16 Jun 2026 14:10:00 GMT"  # the fixtures were recorded on 16 Jun 2026, 13:00-14:10 GMT

# Response headers of a polite-pool reply in the fixtures (test_works_query.yaml), except that
# searches are limited to 3/s (lookups 10/s), and the body is stored uncompressed (no
# content-encoding: the JSON stays readable, and gzip output would depend on the zlib version).
HEADERS = {
    "access-control-allow-headers": [
        "X-Requested-With, Accept, Accept-Encoding, Accept-Charset, Accept-Language, Accept-Ranges, Cache-Control"
    ],
    "access-control-allow-origin": ["*"],
    "access-control-expose-headers": ["Link"],
    "connection": ["keep-alive"],
    "content-type": ["application/json"],
    "date": [DATE],
    "permissions-policy": ["interest-cohort=()"],
    "server": ["Jetty(9.4.40.v20210413)"],
    "vary": ["Accept-Encoding"],
    "x-api-pool": ["polite"],
    "x-concurrency-limit": ["3"],
    "x-rate-limit-interval": ["1s"],
    "x-rate-limit-limit": ["3"],
}

# facts "published_dates" keys -> Crossref date fields. "issue" is the cover date of the print
# issue (PubMed "2020 Sep"). received/revised/accepted/pubmed_date are not publication dates
# Crossref reports in these fields, so they are left out.
DATE_FIELDS = {"online": "published-online", "print": "published-print", "issue": "published-print", "posted": "posted"}


# --- facts ----------------------------------------------------------------------------------


def confirmed(value) -> str | None:
    """The fact's value, or None when it is missing or marked unconfirmed."""
    if value is None:
        return None
    text = str(value).strip()
    if not text or text.lower().startswith("unconfirmed"):
        return None
    return text


def _without_note(text: str | None) -> str | None:
    """``"Methods in Molecular Biology (vol. 482; ...)"`` -> ``"Methods in Molecular Biology"``."""
    if not text:
        return None
    return re.sub(r"\s*\([^()]*\)\s*$", "", text).strip() or None


def crossref_type(value) -> str | None:
    """``"journal-article (review)"`` -> ``"journal-article"``; None when the facts say the
    type was not observed (``"book-chapter (...; Crossref type not directly observed)"``)."""
    text = confirmed(value)
    if not text or "not directly observed" in text or "unconfirmed" in text:
        return None
    kind = text.split()[0]
    return kind if re.fullmatch(r"[a-z]+(?:-[a-z]+)*", kind) else None


def date_parts(text: str) -> list[int]:
    """``"2020-07-22"`` -> ``[2020, 7, 22]``; ``"2020-09"`` -> ``[2020, 9]``."""
    if not re.fullmatch(r"\d{4}(?:-\d{2}){0,2}", text):
        raise ValueError(f"not a date: {text!r}")
    return [int(p) for p in text.split("-")]


def flatten(facts: list[dict]) -> list[dict]:
    """One fact per work, in list order: entry 3's ``second_work`` follows its first work."""
    out = []
    for fact in facts:
        out.append(fact)
        if "second_work" in fact:
            out.append({"n": fact["n"], "label": f"{fact['n']} (merged entry; second work)", **fact["second_work"]})
    return out


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def pair(facts: list[dict], works) -> list[tuple[object, dict]]:
    """Facts and works of the manuscript side by side, checked: same number, and for each the
    same first-author surname, or (facts without authors) a title at least 80% alike."""
    facts = flatten(facts)
    if len(facts) != len(works):
        raise SystemExit(f"{len(facts)} facts for {len(works)} works of review.md: cannot pair them")
    pairs = []
    for fact, ref in zip(facts, works):
        if str(fact["n"]) != ref.label:
            raise SystemExit(f"facts entry {fact['label']!r} paired with {ref.id} (label {ref.label!r})")
        if fact["authors"] and ref.authors:
            if not same_surname(fact["authors"][0]["family"], ref.authors[0].family):
                raise SystemExit(f"{ref.id}: first author {ref.authors[0].family!r}, facts say {fact['authors'][0]['family']!r}")
        elif title := confirmed(fact["title"]):
            ratio = difflib.SequenceMatcher(None, _words(title), _words(ref.title or "")).ratio()
            if ratio < 0.8:
                raise SystemExit(f"{ref.id}: title {ref.title!r} does not match facts {title!r}")
        pairs.append((ref, fact))
    return pairs


# --- records --------------------------------------------------------------------------------


def record(fact: dict) -> dict | None:
    """The Crossref work for one fact, with confirmed fields only; None without a confirmed DOI."""
    doi = confirmed(fact["doi"])
    if not doi:
        return None
    item: dict = {"DOI": doi, "URL": f"https://doi.org/{doi}"}
    if kind := crossref_type(fact.get("type")):
        item["type"] = kind
    if title := confirmed(fact.get("title")):
        item["title"] = [title]
    authors = []
    for i, author in enumerate(fact.get("authors") or ()):
        family = confirmed(author.get("family"))
        if not family:
            break  # later authors would take the wrong "sequence"
        entry = {"given": confirmed(author.get("given")), "family": family, "sequence": "first" if i == 0 else "additional", "affiliation": []}
        if entry["given"] is None:
            del entry["given"]
        authors.append(entry)
    if authors:
        item["author"] = authors
    if container := _without_note(confirmed(fact.get("container"))):
        item["container-title"] = [container]
    for key, field in (("volume", "volume"), ("issue", "issue"), ("page", "page"), ("article_number", "article-number")):
        if value := confirmed(fact.get(key)):
            item[field] = value
    dates: dict[str, list[int]] = {}
    for key, value in sorted((fact.get("published_dates") or {}).items()):
        if (field := DATE_FIELDS.get(key)) and (text := confirmed(value)):
            if field in dates:
                raise SystemExit(f"{doi}: two facts for {field}")
            dates[field] = date_parts(text)
    for field in ("published-print", "published-online", "posted"):
        if field in dates:
            item[field] = {"date-parts": [dates[field]]}
    # "issued" is the earliest publication date Crossref knows (else the confirmed year alone)
    year = confirmed(fact.get("year"))
    issued = min(dates.values(), key=lambda parts: parts + [0] * (3 - len(parts))) if dates else ([int(year)] if year else None)
    if issued:
        if year and issued[0] != int(year):
            raise SystemExit(f"{doi}: dates {dates} disagree with the year {year}")
        item["issued"] = {"date-parts": [issued]}
        item["published"] = {"date-parts": [issued]}
    item["score"] = SCORE
    for value in json.dumps(item).split('"'):
        if "unconfirmed" in value.lower():
            raise SystemExit(f"{doi}: an unconfirmed value slipped into the record: {value!r}")
    return item


def search_body(items: list[dict], rows: int) -> str:
    """A ``query.bibliographic`` reply: the envelope of test_works_query.yaml, the ``query``
    block of test_journals_field_queries.yaml (no plain ``query`` term -> search-terms null)."""
    envelope = {
        "status": "ok",
        "message-type": "work-list",
        "message-version": "1.0.0",
        "message": {
            "facets": {},
            "total-results": len(items),
            "items": items,
            "items-per-page": rows,
            "query": {"start-index": 0, "search-terms": None},
        },
    }
    text = json.dumps(envelope, ensure_ascii=False, indent=2)
    # date-parts on one line, as a reader expects them: [[2020, 7, 22]]
    text = _NUMBERS.sub(lambda m: "[" + ", ".join(m.group(1).replace(",", " ").split()) + "]", text)
    text = _NESTED.sub(r"[\1]", text)
    return text + "\n"


_NUMBERS = re.compile(r"\[\s*((?:\d+,\s*)*\d+)\s*\]")
_NESTED = re.compile(r"\[\s*(\[[\d, ]+\])\s*\]")


def interaction(uri: str, body: str) -> dict:
    headers = {name: list(values) for name, values in HEADERS.items()}  # no YAML anchors
    headers["content-length"] = [str(len(body.encode("utf-8")))]
    return {
        "request": {
            "body": None,
            "headers": {"Accept": ["application/json"], "User-Agent": [user_agent(None)]},
            "method": "GET",
            "uri": uri,
        },
        "response": {
            "body": {"string": body},
            "headers": dict(sorted(headers.items())),
            "status": {"code": 200, "message": "OK"},
        },
    }


def assemble(facts_path: Path = FACTS, manuscript_path: Path = MANUSCRIPT) -> tuple[dict, list[tuple[str, str | None, str]]]:
    """The cassette, and for each work (id, DOI or None, what was written or why not)."""
    facts = json.loads(facts_path.read_text(encoding="utf-8"))
    works = works_of(load(str(manuscript_path)))
    interactions, summary = [], []
    for ref, fact in pair(facts, works):
        item = record(fact)
        if item is None:
            summary.append((ref.id, None, "no interaction: DOI unconfirmed in the facts"))
            continue
        if reason := too_incomplete(ref):
            summary.append((ref.id, item["DOI"], f"no interaction: refcheck does not search it ({reason})"))
            continue
        uri = search_url(API, query_text(ref))
        rows = int(re.search(r"[?&]rows=(\d+)", uri).group(1))
        interactions.append(interaction(uri, search_body([item], rows)))
        fields = [k for k in item if k not in ("DOI", "URL", "score", "published")]
        summary.append((ref.id, item["DOI"], ", ".join(fields)))
    interactions.sort(key=lambda i: i["request"]["uri"])
    uris = [i["request"]["uri"] for i in interactions]
    if len(set(uris)) != len(uris):
        raise SystemExit("two works share a search URI")
    return {"interactions": interactions, "version": 1}, summary


# --- YAML -----------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Pure-Python safe dumper (same bytes with or without libyaml); JSON bodies as literal blocks."""


def _str(dumper: yaml.SafeDumper, text: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


_Dumper.add_representer(str, _str)


def render(cassette: dict) -> str:
    text = yaml.dump(cassette, Dumper=_Dumper, sort_keys=True, allow_unicode=True, width=100)
    if "mailto" in text.lower():
        raise SystemExit("refusing to write a cassette that contains a mailto contact")
    if yaml.safe_load(text) != cassette:
        raise SystemExit("the YAML does not load back as the cassette it was made from")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the cassette on disk differs from what would be written")
    parser.add_argument("--facts", type=Path, default=FACTS, help=f"facts JSON (default: {FACTS})")
    parser.add_argument("--manuscript", type=Path, default=MANUSCRIPT, help="the manuscript (default: review.md)")
    parser.add_argument("--out", type=Path, default=OUT, help="the cassette (default: cassettes/review.yaml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list each work and what its record holds")
    args = parser.parse_args(argv)

    cassette, summary = assemble(args.facts, args.manuscript)
    text = render(cassette)
    if args.verbose:
        for ref_id, doi, what in summary:
            print(f"{ref_id:6} {doi or '-':32} {what}")
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else None
        if current != text:
            print(f"{args.out} is {'missing' if current is None else 'out of date'}: run scripts/make_cassettes.py", file=sys.stderr)
            return 1
        print(f"{args.out}: up to date ({len(cassette['interactions'])} interactions)")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(cassette['interactions'])} interactions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
