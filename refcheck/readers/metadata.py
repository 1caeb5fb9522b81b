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
_TITLE = re.compile(r"^(?:title:\s*['\"]?(?P<yaml>.+?)['\"]?\s*$|#\s+(?P<h1>.+?)\s*#*\s*$)", re.M)
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


def read_metadata(text: str, masked: str, body_end: int) -> Metadata:
    """Title, DOI and dates from the front of the manuscript (the first part of its body)."""
    front = text[: min(body_end, max(8000, body_end // 4))]
    dates: dict[str, str | None] = {"received": None, "revised": None, "accepted": None, "published": None}
    for m in _EVENT.finditer(front):
        event = _EVENTS[re.sub(r"\s+", " ", m.group("event").lower()).replace("published online", "published")]
        if dates.get(event) is None:
            dates[event] = _iso(m)
    doi = None
    m = _DOI.search(front) or _DOI_URL.search(front)
    if m:
        doi = m.group("doi").rstrip(".,;*")
    title = None
    t = _TITLE.search(text[: min(len(text), 20000)])
    if t:
        title = (t.group("yaml") or t.group("h1") or "").strip("*_ ") or None
    else:
        for line in text[:5000].splitlines():
            stripped = line.strip().strip("*_# ")
            if len(stripped) > 10:
                title = stripped
                break
    return Metadata(title=title, doi=doi, dates=dates)
