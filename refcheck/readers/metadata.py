"""Document metadata from a manuscript's front matter: title, DOI, and history dates.

Dates come in many shapes (``Received: 19.06.2023``, ``Accepted 14 July 2023``,
``Published online: 2023-07-14``, ``July 14, 2023``); all become ISO ``YYYY-MM-DD``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import regex as re

_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DATE = (
    rf"(?:(?P<d1>\d{{1,2}})[./\-](?P<m1>\d{{1,2}})[./\-](?P<y1>\d{{4}})"
    rf"|(?P<y2>\d{{4}})[./\-](?P<m2>\d{{1,2}})[./\-](?P<d2>\d{{1,2}})"
    rf"|(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH.replace('month', 'mon3')},?\s+(?P<y3>\d{{4}})"
    rf"|{_MONTH.replace('month', 'mon4')}\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y4>\d{{4}}))"
)
_EVENT = re.compile(
    rf"\b(?P<event>received|revised|accepted|published(?:\s+online)?|available\s+online|date\s+of\s+publication)"
    rf"(?:\s+(?:on|date))?\s*(?:[:\-–]\s*)?(?:\*\*)?\s*{_DATE}",
    re.I,
)
_DOI = re.compile(r"\bdoi\s*[:.]?\s*(?:\*\*)?\s*(?:https?://(?:dx\.)?doi\.org/)?(?P<doi>10\.\d{4,9}/[^\s\]\[)(>\"']+)", re.I)
_DOI_URL = re.compile(r"https?://(?:dx\.)?doi\.org/(?P<doi>10\.\d{4,9}/[^\s\]\[)(>\"']+)", re.I)
_TITLE = re.compile(r"^(?:title:\s*['\"]?(?P<yaml>.+?)['\"]?\s*$|#\s+(?P<h1>.+?)\s*#*\s*$)", re.M)  # what _title finds
_WHITE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"  # \s here
_EVENTS = {"received": "received", "revised": "revised", "accepted": "accepted", "published": "published",
           "available online": "published", "date of publication": "published"}


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    doi: str | None = None
    dates: dict[str, str | None] = field(default_factory=dict)


def _iso(m: re.Match) -> str | None:
    try:
        if m.group("y1"):
            day, month, year = int(m.group("d1")), int(m.group("m1")), int(m.group("y1"))
            if month > 12 >= day:  # 07/14/2023: month first
                day, month = month, day
        elif m.group("y2"):
            year, month, day = int(m.group("y2")), int(m.group("m2")), int(m.group("d2"))
        elif m.group("y3"):
            day, month, year = int(m.group("d3")), _MONTHS[m.group("mon3").lower().rstrip(".")[:3]], int(m.group("y3"))
        else:
            day, month, year = int(m.group("d4")), _MONTHS[m.group("mon4").lower().rstrip(".")[:3]], int(m.group("y4"))
        return dt.date(year, month, day).isoformat()
    except (ValueError, KeyError):
        return None


def _title(text: str) -> str | None:
    """Group ``yaml`` or ``h1`` of ``_TITLE.search(text)``, found line by line in linear time.

    The pattern's lazy title, followed by "the rest of the line is blank", re-read that rest from
    every character of a long run of blanks: quadratic (3 s for a 20,000-character line). The
    shortest title the pattern accepts is the rest of the line without its trailing blanks and
    then one closing quote (``title:``) or the closing ``#`` marks and the blanks before them
    (``#``); failing that, its first character.
    """
    n = len(text)
    line = 0
    while line <= n:
        if text.startswith("title:", line):
            found = _title_after(text, line + 6, True)
            if found is not None:
                return found
        elif text.startswith("#", line) and text[line + 1 : line + 2] in _WHITE and line + 1 < n:
            found = _title_after(text, line + 1, False)
            if found is not None:
                return found
        newline = text.find("\n", line)
        if newline == -1:
            return None
        line = newline + 1
    return None


def _title_after(text: str, pos: int, yaml: bool) -> str | None:
    """The title after ``title:`` (``yaml``) or ``#`` at ``pos``, as the pattern reads it, or None."""
    n = len(text)
    start = pos
    while start < n and text[start] in _WHITE:  # \s* (or \s+), newlines included
        start += 1
    if yaml and start < n and text[start] in "'\"":
        found = _shortest_title(text, start + 1, yaml)  # the opening quote taken, if a title follows
        if found is not None:
            return found
    found = _shortest_title(text, start, yaml)
    if found is not None:
        return found
    # only at the end of the text: give blanks back until one that is not a newline can be the title
    for at in range(start - 1, pos - (0 if yaml else -1) - 1, -1):
        if text[at] != "\n":
            return text[at]
    return None


def _shortest_title(text: str, start: int, yaml: bool) -> str | None:
    end = text.find("\n", start)
    rest = text[start : len(text) if end == -1 else end]
    if not rest:
        return None
    trimmed = rest.rstrip(_WHITE)
    if yaml:
        if trimmed[-1:] in ("'", '"') and len(trimmed) >= 2:
            return trimmed[:-1]
        return trimmed or rest[0]
    return trimmed.rstrip("#").rstrip(_WHITE) or rest[0]


# the Unix epoch: what a template prints where no date was set (a JOSS draft's "Submitted: 01
# January 1970", "Published: unpublished"), never a manuscript's date
PLACEHOLDER_DATE = "1970-01-01"


def read_metadata(text: str, masked: str, body_end: int) -> Metadata:
    """Title, DOI and dates from the front of the manuscript (the first part of its body)."""
    front = text[: min(body_end, max(8000, body_end // 4))]
    dates: dict[str, str | None] = {"received": None, "revised": None, "accepted": None, "published": None}
    for m in _EVENT.finditer(front):
        event = _EVENTS[re.sub(r"\s+", " ", m.group("event").lower()).replace("published online", "published")]
        if dates.get(event) is None and (iso := _iso(m)) != PLACEHOLDER_DATE:
            dates[event] = iso
    doi = None
    m = _DOI.search(front) or _DOI_URL.search(front)
    if m:
        doi = m.group("doi").rstrip(".,;*")
    title = None
    found = _title(text[: min(len(text), 20000)])
    if found is not None:
        title = found.strip("*_ ") or None
    else:
        for line in text[:5000].splitlines():
            stripped = line.strip().strip("*_# ")
            if len(stripped) > 10:
                title = stripped
                break
    return Metadata(title=title, doi=doi, dates=dates)


# --- YAML front matter, as pandoc reads it ------------------------------------------------

FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
FRONT_MATTER_LIMIT = 1_000_000  # a longer "front matter" is not read as YAML
_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_MONTH_YEAR = re.compile(rf"{_MONTH}\s+(?P<y>\d{{4}})", re.I)


@dataclass(frozen=True)
class FrontMatter:
    """The YAML metadata block at the start of a Markdown manuscript: its mapping and where it is."""

    data: dict
    start: int
    end: int


def front_matter(text: str) -> FrontMatter | None:
    """The ``---`` YAML block opening the text, parsed (None when absent or not a YAML mapping).

    >>> front_matter("---\\ntitle: X\\ndate: 2020-02-27\\n---\\nText").data["title"]
    'X'
    """
    if not text.startswith("---"):
        return None
    block = FRONT_MATTER.match(text)
    if block is None or block.end() > FRONT_MATTER_LIMIT:
        return None
    import yaml  # noqa: PLC0415 - only manuscripts with front matter pay for it

    body = block.group()[block.group().index("\n") + 1 :]
    body = body[: body.rstrip().rfind("\n") + 1]  # without the closing line
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(body, Loader=loader)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return None
    return FrontMatter(data, block.start(), block.end()) if isinstance(data, dict) else None


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)) if month else dt.date(year, 12, 31)


def front_matter_date(value) -> str | None:
    """pandoc's ``date:`` as an ISO date, for chronology; a month or a year alone is taken at its
    last day, so that only what is certainly later is reported.

    >>> [front_matter_date(v) for v in ("2020-02-27T10:00:00Z", "27 February 2020", "February 27, 2020", "February 2020", 2020)]
    ['2020-02-27', '2020-02-27', '2020-02-27', '2020-02-29', '2020-12-31']
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:04d}-12-31" if 1000 <= value <= 9999 else None
    if not isinstance(value, str):
        return None
    text = " ".join(value.split()).strip("*_ ")
    try:
        iso = _ISO.fullmatch(text)
        if iso:
            year, month = int(iso.group("y")), int(iso.group("m"))
            return (dt.date(year, month, int(iso.group("d"))) if iso.group("d") else _month_end(year, month)).isoformat()
        full = re.fullmatch(_DATE, text, re.I)
        if full:
            return _iso(full)
        month_year = _MONTH_YEAR.fullmatch(text)
        if month_year:
            return _month_end(int(month_year.group("y")), _MONTHS[month_year.group("month").lower().rstrip(".")[:3]]).isoformat()
        if text.isdigit() and len(text) == 4:
            return f"{text}-12-31"
    except (ValueError, KeyError):
        return None
    return None
