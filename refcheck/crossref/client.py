"""A careful, polite client for the Crossref REST API over an injected ``requests`` session.

URL building and response parsing are pure functions (tested on real recorded responses);
``CrossrefClient`` adds what a good citizen of the API does: the contact address in the
User-Agent only, request rate and concurrency taken from each response's
``x-rate-limit-limit`` / ``x-rate-limit-interval`` / ``x-concurrency-limit`` headers,
exponential backoff on 429 and 5xx honouring ``Retry-After``, and a circuit breaker: the
first connection that cannot be made (no network) or an error rate above 10% ends online
work for the run, so an offline machine loses about a second, not minutes.
"""

from __future__ import annotations

import email.utils
import html
import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from refcheck import __version__
from refcheck.model import Name, Work

API = "https://api.crossref.org"
DOI_RESOLVER = "https://doi.org"  # the Handle System's proxy: shortDOIs (10/abcd) are aliases there
BATCH = 40  # DOIs per filter request: 200 references cost 5 requests; the URL stays under 2 KB
SEARCH_ROWS = 5
# Crossref's polite pool in 2026 allows about 10 lookups and 3 searches a second, 3 at once;
# these are only the starting values: every response's headers replace them.
START_LIMIT, START_CONCURRENCY = 3, 1
RATE_MARGIN = 0.95  # requests are spaced to 95% of the permitted rate: full speed, no 429s
ERROR_BUDGET = 0.10  # stop asking once more than 10% of questions stayed unanswered after retries
ERROR_FLOOR = 3  # ...and at least this many (one bad answer in five is not yet a pattern)
RETRIES = 4
THREADS = 8  # an upper bound on concurrent searches: x-concurrency-limit decides how many run
BACKOFF = 0.5  # seconds, doubled per attempt
MAX_WAIT = 30.0  # the longest Retry-After honoured; a longer one ends online work

_DOI_FILTER_SAFE = re.compile(r"^10\.\d{4,9}/[^\s,]+$")


class Unavailable(Exception):
    """Crossref cannot be used for the rest of this run; the message says why, once."""


# --- URLs (pure) ---------------------------------------------------------------------------


def work_url(base: str, doi: str) -> str:
    """One work by DOI.

    >>> work_url(API, "10.1371/journal.pone.0033693")
    'https://api.crossref.org/works/10.1371/journal.pone.0033693'
    """
    return f"{base.rstrip('/')}/works/{quote(doi, safe='/:;()')}"


def agency_url(base: str, doi: str) -> str:
    return work_url(base, doi) + "/agency"


def batch_url(base: str, dois: Iterable[str]) -> str:
    """One request for many DOIs: ``/works?filter=doi:A,doi:B&rows=2``.

    >>> batch_url(API, ["10.1/a", "10.2/b"])
    'https://api.crossref.org/works?filter=doi%3A10.1%2Fa%2Cdoi%3A10.2%2Fb&rows=2'
    """
    dois = list(dois)
    return f"{base.rstrip('/')}/works?" + urlencode({"filter": ",".join(f"doi:{d}" for d in dois), "rows": len(dois)})


def search_url(base: str, text: str, rows: int = SEARCH_ROWS) -> str:
    """A bibliographic search for one reference string, the way Crossref's own matcher asks.

    >>> search_url(API, "Smith J. 2019. A title. J 1:2.")
    'https://api.crossref.org/works?query.bibliographic=Smith+J.+2019.+A+title.+J+1%3A2.&rows=5'
    """
    return f"{base.rstrip('/')}/works?" + urlencode({"query.bibliographic": text, "rows": rows})


def user_agent(mailto: str | None) -> str:
    """The polite pool's contact goes here, and nowhere else (not in URLs, cache keys or logs)."""
    contact = f"; mailto:{mailto}" if mailto else ""
    return f"refcheck/{__version__} (https://github.com/refcheck-manuscript/refcheck{contact})"


def batchable(doi: str) -> bool:
    """Whether a DOI can go in a ``filter=doi:`` list (commas and spaces would break it)."""
    return bool(_DOI_FILTER_SAFE.match(doi))


# --- responses (pure) ----------------------------------------------------------------------


def _first(values) -> str | None:
    if isinstance(values, list):
        values = next((v for v in values if isinstance(v, str) and v.strip()), None)
    return values.strip() if isinstance(values, str) and values.strip() else None


def _year(item: dict) -> str | None:
    # "issued" is the earliest of print and online publication: what a citation usually gives
    # never "created" or "deposited": those date the DOI's registration, not the work
    for key in ("issued", "published-print", "published-online", "published", "posted"):
        parts = (item.get(key) or {}).get("date-parts") or [[None]]
        if parts and parts[0] and isinstance(parts[0][0], int):
            return str(parts[0][0])
    return None


def parse_work(item: dict) -> Work:
    """One Crossref work (a ``message`` or an ``items`` element) as a Work."""
    title = _first(item.get("title"))
    subtitle = _first(item.get("subtitle"))
    if title and subtitle and subtitle.casefold() not in title.casefold():
        title = f"{title}: {subtitle}"
    authors = []
    for a in item.get("author") or ():
        if not isinstance(a, dict):
            continue
        family = a.get("family") or a.get("name") or ""
        if family:
            authors.append(Name(str(family).strip(), str(a.get("given") or "").strip()))
    updates = tuple(
        (str(u.get("type") or ""), str(u.get("source") or "publisher"), str(u.get("DOI") or ""))
        for u in item.get("updated-by") or () if isinstance(u, dict)
    )
    relations = tuple(
        (str(kind), str(r["id"]))
        for kind, targets in sorted((item.get("relation") or {}).items()) if isinstance(targets, list)
        for r in targets if isinstance(r, dict) and r.get("id-type") == "doi" and r.get("id")
    )
    containers = tuple(c.strip() for c in item.get("container-title") or () if isinstance(c, str) and c.strip())
    score = item.get("score")
    return Work(
        doi=str(item.get("DOI") or ""),
        title=title,
        authors=tuple(authors),
        year=_year(item),
        container_title=containers[0] if containers else None,
        volume=_first(item.get("volume")),
        issue=_first(item.get("issue")),
        page=_first(item.get("page")),
        article_number=_first(item.get("article-number")),
        type=_first(item.get("type")),
        updates=updates,
        relations=relations,
        container_titles=containers,
        score=float(score) if isinstance(score, int | float) else None,
        abstract=_abstract(item.get("abstract")),
    )


_TAG = re.compile(r"<[^>]*>")


def _abstract(value) -> str | None:
    """A record's abstract (JATS: ``<jats:p>...</jats:p>``) as plain text, its title heading dropped."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = re.sub(r"<jats:title>[^<]*</jats:title>", " ", value)
    text = " ".join(html.unescape(_TAG.sub(" ", value)).split())
    return text or None


def parse_message(body: bytes | str) -> dict | list:
    """The ``message`` of a JSON envelope; ValueError when the body is not one."""
    data = json.loads(body)
    if not isinstance(data, dict) or "message" not in data:
        raise ValueError("not a Crossref response envelope")
    if data.get("status") not in (None, "ok"):
        raise ValueError(f"Crossref said {data.get('status')}: {data.get('message')!r:.200}")
    return data["message"]


def parse_items(body: bytes | str) -> list[Work]:
    message = parse_message(body)
    items = message.get("items") if isinstance(message, dict) else None
    if not isinstance(items, list):
        raise ValueError("a work list without items")
    return [parse_work(i) for i in items if isinstance(i, dict)]


def handle_url(doi_base: str, short_doi: str) -> str:
    """The Handle System's record of a shortDOI: ``10/gddkhn`` is an alias (HS_ALIAS) of a DOI.

    >>> handle_url("https://doi.org", "10/GDDKHN")
    'https://doi.org/api/handles/10/gddkhn?type=HS_ALIAS'
    """
    return f"{doi_base.rstrip('/')}/api/handles/{quote(short_doi.lower(), safe='/')}?type=HS_ALIAS"


def parse_handle(body: bytes | str) -> str | None:
    """The DOI a shortDOI stands for, from a handle proxy answer; None when the handle has no alias.

    >>> parse_handle('{"responseCode": 1, "handle": "10/gddkhn", "values": [{"index": 1, "type": "HS_ALIAS", '
    ...              '"data": {"format": "string", "value": "10.1098/rsif.2017.0387"}}]}')
    '10.1098/rsif.2017.0387'
    """
    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("not a handle record")
    if data.get("responseCode") != 1:
        return None  # 100: no such handle; 200: no alias value
    for value in data.get("values") or ():
        if isinstance(value, dict) and value.get("type") == "HS_ALIAS":
            target = (value.get("data") or {}).get("value")
            if isinstance(target, str) and target.startswith("10."):
                return target
    return None


def parse_agency(body: bytes | str) -> str | None:
    """``"crossref"``, ``"datacite"``, ``"medra"``... from ``/works/{doi}/agency``."""
    message = parse_message(body)
    agency = message.get("agency") if isinstance(message, dict) else None
    return str(agency.get("id")).lower() if isinstance(agency, dict) and agency.get("id") else None


def _interval(value: str | None) -> float | None:
    """``"1s"`` -> 1.0, ``"500ms"`` -> 0.5, ``"1m"`` -> 60."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*", value or "")
    if not m:
        return None
    return float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}[m.group(2)]


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


# --- pacing ---------------------------------------------------------------------------------


@dataclass
class RateLimit:
    """Requests per interval and requests at once, as the server last announced them.

    ``acquire()`` blocks until a request may start (evenly spaced at ``RATE_MARGIN`` of the
    limit, and no more than ``concurrency`` in flight); ``release()`` frees the slot.
    """

    limit: int = START_LIMIT
    interval: float = 1.0
    concurrency: int = START_CONCURRENCY
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _next: float = 0.0
    _in_flight: int = 0
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def update(self, headers) -> None:
        limit, interval, concurrency = (headers.get(h) for h in ("x-rate-limit-limit", "x-rate-limit-interval", "x-concurrency-limit"))
        with self._cond:
            if limit and str(limit).strip().isdigit() and int(limit) > 0:
                self.limit = int(limit)
            if (seconds := _interval(interval)) and seconds > 0:
                self.interval = seconds
            if concurrency and str(concurrency).strip().isdigit() and int(concurrency) > 0:
                self.concurrency = int(concurrency)
            self._cond.notify_all()

    def acquire(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Wait for a slot; return early (the caller checks why) once ``cancelled()`` is true."""
        with self._cond:
            while self._in_flight >= self.concurrency and not cancelled():
                self._cond.wait(0.1)
            self._in_flight += 1
            now = self.clock()
            start = max(now, self._next)
            self._next = start + self.interval / (self.limit * RATE_MARGIN)
        # wait in short steps: once online work has ended, queued requests must not sit out their turn
        remaining = start - now
        while remaining > 0 and not cancelled():
            step = min(remaining, 0.05)
            self.sleep(step)
            remaining -= step

    def release(self) -> None:
        with self._cond:
            self._in_flight -= 1
            self._cond.notify_all()

    def pause(self, seconds: float) -> None:
        """The server asked everyone to wait (429 with Retry-After): no request starts before."""
        with self._cond:
            self._next = max(self._next, self.clock() + seconds)


@dataclass
class Stats:
    asked: int = 0  # questions that needed the server (each may take several requests)
    requests: int = 0  # HTTP requests sent (cache hits are not requests)
    cached: int = 0  # questions answered by the cache
    errors: int = 0  # requests that failed (429, 5xx, no connection...), retried or not
    failed: int = 0  # questions that stayed unanswered after their retries: the error budget
    retries: int = 0
    throttled: int = 0  # 429 answers


class CrossrefClient:
    """``works(dois)``, ``work(doi)``, ``agency(doi)``, ``search(text)`` over one session.

    Every method raises ``Unavailable`` once the run can no longer use Crossref; the reason
    is in ``client.down``. Nothing here writes to the terminal.
    """

    def __init__(
        self,
        session,
        *,
        base_url: str = API,
        doi_base: str = DOI_RESOLVER,
        mailto: str | None = None,
        timeout: tuple[float, float] = (1.0, 20.0),
        retries: int = RETRIES,
        backoff: float = BACKOFF,
        error_budget: float = ERROR_BUDGET,
        threads: int = THREADS,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # a callable is a factory, called on the first question: a run that the lockfile
        # answers entirely never imports the HTTP stack or opens the cache
        self._session = None if callable(session) and not hasattr(session, "get") else session
        self._make_session = session if self._session is None else None
        self.base = base_url.rstrip("/")
        self.doi_base = doi_base.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.error_budget = error_budget
        self.threads = threads  # searches in flight at most; the server's x-concurrency-limit may say fewer
        self.sleep = sleep
        self.headers = {"User-Agent": user_agent(mailto), "Accept": "application/json"}
        # searches are limited separately from lookups (3/s against 10/s in the polite pool)
        self.limits = {"lookup": RateLimit(clock=clock, sleep=sleep), "search": RateLimit(clock=clock, sleep=sleep)}
        self.stats = Stats()
        self.down: str | None = None
        self._lock = threading.Lock()

    @property
    def session(self):
        with self._lock:
            if self._session is None:
                self._session = self._make_session()
            return self._session

    @property
    def _refresh(self) -> dict:
        return {"force_refresh": True} if hasattr(self.session, "cache") else {}

    # -- the four questions --

    def works(self, dois: list[str]) -> dict[str, Work]:
        """Works for a batch of DOIs, keyed by lower-cased DOI; absent DOIs are simply missing."""
        out: dict[str, Work] = {}
        for start in range(0, len(dois), BATCH):
            chunk = dois[start : start + BATCH]
            status, body = self._get(batch_url(self.base, chunk), "lookup")
            if status != 200:
                raise RequestFailed(f"HTTP {status} for a DOI batch")
            for work in self._parse(parse_items, body):
                out[work.doi.lower()] = work
        return out

    def work(self, doi: str) -> Work | None:
        """The work, or None when Crossref does not know the DOI (404)."""
        status, body = self._get(work_url(self.base, doi), "lookup")
        if status == 404:
            return None
        if status != 200:
            raise RequestFailed(f"HTTP {status} for {doi}")
        return parse_work(self._parse(parse_message, body))

    def agency(self, doi: str) -> str | None:
        """Which registration agency holds the DOI, or None when no agency knows it."""
        status, body = self._get(agency_url(self.base, doi), "lookup")
        if status == 404:
            return None
        if status != 200:
            raise RequestFailed(f"HTTP {status} for the agency of {doi}")
        return self._parse(parse_agency, body)

    def expand_short_doi(self, short_doi: str) -> str | None:
        """``10/gddkhn`` -> ``10.1098/rsif.2017.0387`` through doi.org's handle API; None if unknown."""
        status, body = self._get(handle_url(self.doi_base, short_doi), "lookup")
        if status == 404:
            return None
        if status != 200:
            raise RequestFailed(f"HTTP {status} for the shortDOI {short_doi}")
        return self._parse(parse_handle, body)

    def search(self, text: str, rows: int = SEARCH_ROWS) -> list[Work]:
        status, body = self._get(search_url(self.base, text, rows), "search")
        if status != 200:
            raise RequestFailed(f"HTTP {status} for a search")
        return self._parse(parse_items, body)

    # -- plumbing --

    def _parse(self, parse, body):
        try:
            return parse(body)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            self._error()
            self._failed()
            raise RequestFailed(f"an unreadable answer ({error.__class__.__name__})") from None

    def _failed(self) -> None:
        """One question could not be answered (after its retries): maybe the last straw."""
        with self._lock:
            s = self.stats
            s.failed += 1
            if s.failed >= ERROR_FLOOR and s.failed > self.error_budget * max(s.asked, 1) and not self.down:
                self.down = f"Crossref failed to answer {s.failed} of {s.asked} requests"

    def _stop(self, reason: str) -> None:
        with self._lock:
            if not self.down:
                self.down = reason

    def cancel(self, reason: str = "interrupted") -> None:
        """End online work now (Ctrl-C): queued questions return at once, none is sent any more;
        requests already on the wire finish (within the timeout), and their answers are cached."""
        self._stop(reason)

    def _get(self, url: str, kind: str) -> tuple[int, bytes]:
        """One question: from the cache if it has the answer, else asked (paced, retried)."""
        import requests  # noqa: PLC0415 - only online runs pay for importing requests

        cached = self._from_cache(url, stale=bool(self.down))
        if cached is not None:
            return cached
        if self.down:
            raise Unavailable(self.down)
        with self._lock:
            self.stats.asked += 1
        limit = self.limits[kind]
        for attempt in range(self.retries + 1):
            limit.acquire(lambda: self.down is not None)
            try:
                if self.down:  # it went down while this request waited for a slot
                    raise Unavailable(self.down)
                with self._lock:
                    self.stats.requests += 1
                # the cache was consulted above: this request goes to the server (a 429 must
                # not be papered over with an expired copy, which would look like a dead network)
                response = self.session.get(url, headers=self.headers, timeout=self.timeout, **self._refresh)
                body = response.content
            except (requests.ConnectionError, requests.Timeout) as error:
                # no network, DNS failure, refused, or a server that never answers: stop asking,
                # and from now on let the cache answer what it can, even when expired
                self._error()
                self._stop(_describe(error, self.base))
                stale = self._from_cache(url, stale=True)
                if stale is not None:
                    return stale
                raise Unavailable(self.down) from None
            except (Unavailable, RequestFailed):
                raise
            except Exception as error:  # noqa: BLE001 - requests' other errors, or a session layer failing
                self._error()
                self._failed()
                raise RequestFailed(f"{error.__class__.__name__}: {error}"[:200]) from None
            finally:
                limit.release()
            limit.update(response.headers)
            status = response.status_code
            if status == 429 or status >= 500:
                self._error(throttled=status == 429)
                wait = retry_after(response.headers.get("Retry-After"))
                if wait is not None and wait > MAX_WAIT:
                    self._stop(f"Crossref asked to wait {wait:.0f} s (HTTP {status})")
                if self.down:
                    raise Unavailable(self.down)
                if attempt == self.retries:
                    self._failed()
                    raise RequestFailed(f"HTTP {status} after {self.retries + 1} attempts")
                limit.pause(wait if wait is not None else self.backoff * 2**attempt)
                with self._lock:
                    self.stats.retries += 1
                continue
            return status, body
        raise RequestFailed("no answer")  # not reached: the loop returns or raises

    def _error(self, throttled: bool = False) -> None:
        with self._lock:
            self.stats.errors += 1
            self.stats.throttled += throttled

    def _from_cache(self, url: str, *, stale: bool) -> tuple[int, bytes] | None:
        """A requests-cache session's stored answer, without pacing (a cache hit is not a request).

        Fresh answers always; expired ones only once the network is gone (``stale``).
        """
        if not hasattr(self.session, "cache"):
            return None
        try:
            response = self.session.get(url, headers=self.headers, only_if_cached=True, timeout=self.timeout)
        except Exception:  # noqa: BLE001 - an unreadable cache is a cache miss, not a failed run
            return None
        if response.status_code == 504 or (getattr(response, "is_expired", False) and not stale):
            return None
        with self._lock:
            self.stats.cached += 1
        return response.status_code, response.content


class RequestFailed(Exception):
    """One request failed for good (after retries); the reference it was for is unverified."""


def _host(base: str) -> str:
    return re.sub(r"^\w+://", "", base).split("/")[0]


def _describe(error: Exception, base: str) -> str:
    text = str(error)
    host = _host(base)
    if "NameResolution" in text or "Name or service not known" in text or "getaddrinfo" in text:
        return f"{host} could not be reached (no network or DNS)"
    if "timed out" in text.lower() or "Timeout" in error.__class__.__name__:
        return f"{host} did not answer in time"
    if "refused" in text.lower():
        return f"{host} refused the connection"
    return f"{host} could not be reached ({error.__class__.__name__})"
