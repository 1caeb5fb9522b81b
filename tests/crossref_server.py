"""A fake Crossref REST API on 127.0.0.1, for the fault tests and ``benchmarks/crossref.py``.

    server = FakeCrossref([item, ...], agencies={"10.5281/zenodo.1": "datacite"})
    with server:                                  # a ThreadingHTTPServer on a free port
        client = CrossrefClient(requests.Session(), base_url=server.url, timeout=(0.5, 1.0))

It answers what ``refcheck.crossref.client`` asks, in the real envelope shapes:

* ``/works/{doi}`` -> ``{"status": "ok", "message-type": "work", "message": {...}}``, or a
  404 ``text/plain`` "Resource not found." (as the live API does);
* ``/works/{doi}/agency`` -> ``work-agency`` (``crossref`` for known records, the
  ``agencies`` table for others, else 404);
* ``/works?filter=doi:A,doi:B&rows=N`` -> a ``work-list`` of the known ones;
* ``/works?query.bibliographic=TEXT&rows=N`` -> a ``work-list`` ranked by shared words.

Requests fall in two pools, ``search`` (``query.bibliographic``) and ``lookup`` (everything
else), each with its own limits, announced on every response in ``x-rate-limit-limit`` /
``x-rate-limit-interval`` / ``x-concurrency-limit`` and enforced: more than ``limit``
arrivals within ``interval`` seconds (a sliding window over all arrivals) or more than
``concurrency`` requests in flight are answered 429 and counted (``throttled``,
``over_concurrency``). ``latency`` delays every answer.

Faults are scripted per test with :meth:`FakeCrossref.fault`: a status (429 with or
without ``Retry-After``, 500, 503...), ``malformed`` JSON, a ``truncate``\\ d body
(Content-Length larger than what is sent, then the connection closes), ``hang`` (the request
is accepted and never answered), or extra ``headers`` on an otherwise normal answer.
:meth:`FakeCrossref.change_limits` changes the announced and enforced limits mid-run.
Every request is recorded (:class:`Seen`: path, query, headers, arrival time, status).

Standard library only (the benchmark imports it); :func:`load_cassette` needs PyYAML.
"""

from __future__ import annotations

import gzip
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

NOT_FOUND = b"Resource not found."
_WORD = re.compile(r"[a-z0-9]+")
_AGENCY_LABELS = {"crossref": "Crossref", "datacite": "DataCite", "medra": "mEDRA", "jalc": "JaLC"}


# --- records in the real shape ---------------------------------------------------------------


def work_item(
    doi: str,
    title: str,
    authors: Iterable[tuple[str, str]] = (),
    year: int | None = None,
    container: str | None = None,
    volume: str | None = None,
    issue: str | None = None,
    page: str | None = None,
    type: str = "journal-article",
    **extra,
) -> dict:
    """A Crossref ``work`` message as the API returns it (lists for title and container)."""
    item = {
        "DOI": doi,
        "type": type,
        "title": [title],
        "author": [
            {"given": given, "family": family, "sequence": "first" if i == 0 else "additional", "affiliation": []}
            for i, (family, given) in enumerate(authors)
        ],
        "container-title": [container] if container else [],
        "issued": {"date-parts": [[year]] if year else [[None]]},
        "prefix": doi.split("/", 1)[0],
        "publisher": "Fake Publisher",
        "source": "Crossref",
    }
    for key, value in (("volume", volume), ("issue", issue), ("page", page)):
        if value is not None:
            item[key] = value
    item.update(extra)
    return item


def envelope(message, message_type: str = "work") -> bytes:
    return json.dumps({"status": "ok", "message-type": message_type, "message-version": "1.0.0", "message": message}).encode()


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) > 2}


def _item_words(item: dict) -> set[str]:
    parts = [*(item.get("title") or []), *(item.get("container-title") or [])]
    parts += [a.get("family", "") for a in item.get("author") or []]
    year = ((item.get("issued") or {}).get("date-parts") or [[None]])[0][0]
    return _words(" ".join(str(p) for p in parts) + f" {year or ''}")


# --- scripting --------------------------------------------------------------------------------


@dataclass
class Seen:
    """One request as the server received it."""

    path: str  # decoded: /works/10.1371/journal.pone.0033693
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    time: float  # time.monotonic() at arrival
    pool: str  # "lookup" | "search"
    raw_path: str = ""  # as sent, with the query string
    status: int | None = None  # what was answered (None: never answered)
    fault: str | None = None

    @property
    def doi(self) -> str | None:
        """The DOI of a ``/works/{doi}`` or ``/works/{doi}/agency`` request."""
        if not self.path.startswith("/works/"):
            return None
        rest = self.path[len("/works/") :]
        return rest[: -len("/agency")] if rest.endswith("/agency") else rest


@dataclass
class Fault:
    """What to do instead of answering normally.

    ``kind``: ``status`` (answer ``status`` with ``body`` and ``headers``), ``malformed``
    (200 with broken JSON), ``truncate`` (200, a Content-Length larger than the bytes sent,
    then close), ``hang`` (never answer), ``headers`` (a normal answer plus ``headers``).
    ``times``: how many matching requests it applies to (None: all). ``when``: which
    requests (default: every request).
    """

    kind: str = "status"
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    times: int | None = 1
    when: Callable[[Seen], bool] | None = None
    used: int = 0

    def applies(self, seen: Seen) -> bool:
        return (self.times is None or self.used < self.times) and (self.when is None or self.when(seen))


@dataclass
class Limits:
    limit: int = 100
    interval: float = 1.0
    concurrency: int = 10
    announce_interval: str | None = None  # the header text; default f"{interval:g}s"

    def headers(self) -> dict[str, str]:
        return {
            "x-rate-limit-limit": str(self.limit),
            "x-rate-limit-interval": self.announce_interval or f"{self.interval:g}s",
            "x-concurrency-limit": str(self.concurrency),
        }


@dataclass
class _Change:
    after: int  # the pool's request number (1-based) whose answer first announces the new limits
    pool: str
    limits: Limits


def pool_of(query: dict[str, str]) -> str:
    return "search" if "query.bibliographic" in query else "lookup"


# --- the server -------------------------------------------------------------------------------


class FakeCrossref:
    """The fake API; see the module docstring. ``start()``/``stop()`` or ``with``."""

    def __init__(
        self,
        records: Iterable[dict] = (),
        *,
        agencies: dict[str, str] | None = None,
        lookup: Limits | None = None,
        search: Limits | None = None,
        latency: float = 0.0,
        enforce: bool = True,
        retry_after_on_throttle: str | None = None,
    ) -> None:
        self.records: dict[str, dict] = {}
        self._words: dict[str, set[str]] = {}
        for item in records:
            self.add(item)
        self.agencies = {k.lower(): v for k, v in (agencies or {}).items()}
        self.limits = {"lookup": lookup or Limits(), "search": search or Limits()}
        self.latency = latency
        self.enforce = enforce
        self.retry_after_on_throttle = retry_after_on_throttle
        self.requests: list[Seen] = []
        self.faults: list[Fault] = []
        self.changes: list[_Change] = []
        self.throttled = 0  # 429s for exceeding the window
        self.over_concurrency = 0  # 429s for too many requests in flight
        self.max_in_flight = {"lookup": 0, "search": 0}
        self._windows = {"lookup": deque(), "search": deque()}
        self._in_flight = {"lookup": 0, "search": 0}
        self._counts = {"lookup": 0, "search": 0}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- set-up --

    def add(self, item: dict) -> None:
        doi = str(item["DOI"]).lower()
        self.records[doi] = item
        self._words[doi] = _item_words(item)

    def fault(self, kind: str = "status", status: int = 500, *, headers: dict | None = None, body: bytes | None = None, times: int | None = 1, when=None) -> Fault:
        """Script a fault; ``when`` is a predicate on :class:`Seen`, or a string the decoded
        path-and-query must contain."""
        if isinstance(when, str):
            needle = when
            when = lambda seen: needle in seen.path or any(needle in v for v in seen.query.values())  # noqa: E731
        f = Fault(kind, status, dict(headers or {}), body, times, when)
        with self._lock:
            self.faults.append(f)
        return f

    def change_limits(self, after: int, pool: str = "lookup", *, limit: int, interval: float = 1.0, concurrency: int | None = None, announce_interval: str | None = None) -> None:
        """From the pool's ``after``-th request on, announce (and, counting only the requests
        that arrive after that announcement, enforce) new limits."""
        old = self.limits[pool]
        new = Limits(limit, interval, concurrency or old.concurrency, announce_interval)
        with self._lock:
            self.changes.append(_Change(after, pool, new))

    # -- life --

    @property
    def port(self) -> int:
        assert self._httpd is not None, "not started"
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeCrossref:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening (the port then refuses connections) and release hanging requests."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> FakeCrossref:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- what happened --

    def count(self, pool: str | None = None, *, path: str | None = None) -> int:
        with self._lock:
            return sum(1 for s in self.requests if (pool is None or s.pool == pool) and (path is None or path in s.path))

    def statuses(self) -> list[int | None]:
        with self._lock:
            return [s.status for s in self.requests]

    # -- answering (called on the handler threads) --

    def _arrive(self, seen: Seen) -> tuple[Fault | None, int | None, Limits]:
        """Record the request; returns (fault, throttle status or None, the limits to announce)."""
        with self._lock:
            self.requests.append(seen)
            pool = seen.pool
            self._counts[pool] += 1
            window = self._windows[pool]
            changed = False
            for change in self.changes:
                if change.pool == pool and change.after == self._counts[pool]:
                    self.limits[pool] = change.limits
                    window.clear()  # the new limit counts from the first request that knows it
                    changed = True
            limits = self.limits[pool]
            cutoff = seen.time - limits.interval
            while window and window[0] <= cutoff:
                window.popleft()
            if not changed:
                window.append(seen.time)
            self._in_flight[pool] += 1
            self.max_in_flight[pool] = max(self.max_in_flight[pool], self._in_flight[pool])
            throttle = None
            if self.enforce and len(window) > limits.limit:
                self.throttled += 1
                throttle = 429
            elif self.enforce and self._in_flight[pool] > limits.concurrency:
                self.over_concurrency += 1
                throttle = 429
            fault = None
            if throttle is None:
                fault = next((f for f in self.faults if f.applies(seen)), None)
                if fault is not None:
                    fault.used += 1
                    seen.fault = fault.kind
            return fault, throttle, limits

    def _leave(self, seen: Seen, status: int | None) -> None:
        with self._lock:
            self._in_flight[seen.pool] -= 1
            seen.status = status

    def answer(self, seen: Seen) -> tuple[int, str, bytes]:
        """(status, content type, body) for a request the server answers normally."""
        path, query = seen.path, seen.query
        if path == "/works" and "filter" in query:
            dois = [part[4:].lower() for part in query["filter"].split(",") if part.startswith("doi:")]
            items = [self.records[d] for d in dois if d in self.records]
            message = {"facets": {}, "total-results": len(items), "items": items, "items-per-page": int(query.get("rows", 20))}
            return 200, "application/json", envelope(message, "work-list")
        if path == "/works" and "query.bibliographic" in query:
            words = _words(query["query.bibliographic"])
            scored = sorted(((len(words & w), doi) for doi, w in self._words.items() if words & w), key=lambda x: (-x[0], x[1]))
            rows = int(query.get("rows", 20))
            items = [dict(self.records[doi], score=float(score)) for score, doi in scored[:rows]]
            message = {"facets": {}, "total-results": len(scored), "items": items, "items-per-page": rows,
                       "query": {"start-index": 0, "search-terms": query["query.bibliographic"]}}
            return 200, "application/json", envelope(message, "work-list")
        doi = seen.doi
        if doi is None or not doi:
            return 404, "text/plain", NOT_FOUND
        if path.endswith("/agency"):
            agency = "crossref" if doi.lower() in self.records else self.agencies.get(doi.lower())
            if agency is None:
                return 404, "text/plain", NOT_FOUND
            message = {"DOI": doi.lower(), "agency": {"id": agency, "label": _AGENCY_LABELS.get(agency, agency)}}
            return 200, "application/json;charset=utf-8", envelope(message, "work-agency")
        item = self.records.get(doi.lower())
        if item is None:
            return 404, "text/plain", NOT_FOUND
        return 200, "application/json", envelope(item, "work")


class _Handler(BaseHTTPRequestHandler):
    fake: FakeCrossref
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args) -> None:  # noqa: A002 - quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        fake = self.fake
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        seen = Seen(unquote(parts.path), query, {k.lower(): v for k, v in self.headers.items()}, time.monotonic(), pool_of(query), self.path)
        fault, throttle, limits = fake._arrive(seen)
        status: int | None = None
        try:
            if fake.latency:
                time.sleep(fake.latency)
            headers = {**limits.headers(), "x-api-pool": "polite" if "mailto:" in seen.headers.get("user-agent", "") else "public"}
            if throttle:
                status = 429
                if fake.retry_after_on_throttle:
                    headers["Retry-After"] = fake.retry_after_on_throttle
                fake._leave(seen, status)
                self._send(status, "text/plain", b"Too Many Requests", headers)
                return
            if fault is None or fault.kind == "headers":
                status, kind, body = fake.answer(seen)
                fake._leave(seen, status)
                self._send(status, kind, body, {**headers, **(fault.headers if fault else {})})
                return
            if fault.kind == "hang":
                fake._leave(seen, None)
                fake._stopping.wait(60)
                self.close_connection = True
                return
            if fault.kind == "status":
                status = fault.status
                body = fault.body if fault.body is not None else f"HTTP {status}".encode()
                fake._leave(seen, status)
                self._send(status, "text/plain", body, {**headers, **fault.headers})
                return
            if fault.kind == "malformed":
                status = 200
                fake._leave(seen, status)
                body = fault.body if fault.body is not None else b'{"status":"ok","message-type":"work","message":{"DOI":"10.'
                self._send(status, "application/json", body, {**headers, **fault.headers})
                return
            if fault.kind == "truncate":
                status, kind, body = fake.answer(seen)
                fake._leave(seen, status)
                self.send_response(status)
                for name, value in {**headers, "Content-Type": kind, "Content-Length": str(len(body) + 500)}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body[: max(1, len(body) // 2)])
                self.wfile.flush()
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            raise ValueError(f"unknown fault kind {fault.kind!r}")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, status: int, content_type: str, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


# --- recorded responses -----------------------------------------------------------------------


@dataclass
class Recorded:
    uri: str
    status: int
    headers: dict[str, str]  # lower-case names, first value
    body: bytes


def load_cassette(path) -> list[Recorded]:
    """The interactions of a vcrpy cassette, bodies decompressed (needs PyYAML)."""
    import yaml  # noqa: PLC0415 - only the tests that read cassettes need it

    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    out = []
    for interaction in data["interactions"]:
        response = interaction["response"]
        headers = {k.lower(): (v[0] if isinstance(v, list) else v) for k, v in (response.get("headers") or {}).items()}
        body = response["body"]["string"]
        body = body.encode() if isinstance(body, str) else body
        if headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        out.append(Recorded(interaction["request"]["uri"], response["status"]["code"], headers, body))
    return out
