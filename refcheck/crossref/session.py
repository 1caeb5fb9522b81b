"""The HTTP session: a persistent requests-cache in production, anything requests-like in tests.

One of the few modules that touch the outside world (files, network). The cache is SQLite in
the user cache directory by default; ``redis://host:port/db`` selects the Redis backend for
teams whose CI runners share one cache. Successful answers and 404s ("no such DOI") are kept
for ``EXPIRE_DAYS``; when the network fails, expired answers are served rather than nothing.

A cache is an optimisation, so no failure of it may fail a run or lose an answer (docs/cache.md):

* ``make_session`` raises :class:`CacheUnavailable` when the cache cannot be used at all
  (Redis unreachable, a file that is not a SQLite database, a directory that cannot hold one);
  the caller says so once and goes on with an uncached session.
* Once open, reads and writes never raise: a read that fails is a miss, a write that fails is
  skipped, and ``warn`` is called once with what happened. A damaged SQLite file is moved
  aside (``NAME.corrupt``) and a new one started; a read-only one is still read; a file
  deleted during the run is recreated; a Redis server that goes away is not asked again.
* SQLite runs in WAL mode with a busy timeout, so several processes share one file: readers
  never wait, writers queue (a write costs no fsync), and "database is locked" is never shown.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
import threading
from collections.abc import Callable
from pathlib import Path

EXPIRE_DAYS = 30  # Crossref records change rarely; retractions are what a month might miss
CACHEABLE = (200, 404)
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT = 10.0  # seconds a write waits for another process's write to finish (each takes ~1 ms)
LOCKED_LIMIT = 3  # writes skipped because the file stayed locked, before the cache is left alone
REDIS_NAMESPACE = "refcheck"  # keys are refcheck:<hash>, so other requests-cache users of the server are not mixed in

Warn = Callable[[str], None]

# requests-cache logs an answer it cannot decode (bytes damaged inside a row, which SQLite's own
# checks do not see) as an error and treats it as a miss: the answer is fetched again and the
# row replaced, so the cache heals itself and nothing is lost. Without a handler of its own
# Python's last-resort handler would print that record on stderr, a second line beside the one
# refcheck says about the damage. An application that configures logging still receives it.
logging.getLogger("requests_cache").addHandler(logging.NullHandler())


class CacheUnavailable(Exception):
    """The cache cannot be used for this run; the message says which cache and why, in one line."""


def default_cache_path() -> Path:
    """``~/.cache/refcheck/crossref.sqlite`` on Linux (platformdirs elsewhere); REFCHECK_CACHE overrides."""
    if os.environ.get("REFCHECK_CACHE"):
        return Path(os.environ["REFCHECK_CACHE"])
    import platformdirs  # noqa: PLC0415

    return Path(platformdirs.user_cache_dir("refcheck")) / "crossref.sqlite"


def _stderr(message: str) -> None:
    print(f"refcheck: warning: {message}", file=sys.stderr, flush=True)


def make_session(cache: str | os.PathLike | None = None, *, enabled: bool = True, expire_days: float = EXPIRE_DAYS,
                 warn: Warn | None = None):
    """A ``requests`` session, cached unless ``enabled`` is False.

    ``cache`` is a file path (SQLite) or a ``redis://`` URL; None means the default path.
    ``warn`` receives the one-line notes about a cache that misbehaves during the run
    (default: ``refcheck: warning: ...`` on stderr). Raises :class:`CacheUnavailable`.
    """
    import requests  # noqa: PLC0415 - offline runs never import the HTTP stack

    if not enabled:
        return requests.Session()
    import requests_cache  # noqa: PLC0415

    options = dict(
        expire_after=int(expire_days * 86400),
        allowable_codes=CACHEABLE,
        stale_if_error=True,
        match_headers=False,  # the User-Agent (which carries the contact address) is never part of a key
        # ...and never stored: requests-cache redacts these from the requests it keeps
        ignored_parameters=["Authorization", "X-API-KEY", "access_token", "api_key", "User-Agent", "mailto"],
    )
    warn = warn or _stderr
    target = str(cache) if cache is not None else None
    if target and target.startswith(("redis://", "rediss://", "unix://")):
        backend = _redis(target, warn)
    else:
        backend = _sqlite(Path(target) if target else default_cache_path(), warn)
    return requests_cache.CachedSession(backend=backend, **options)


# --- failures are misses ---------------------------------------------------------------------


class _Guard:
    """Mixed into a requests-cache backend: ``get_response`` and ``save_response`` never raise.

    ``off`` (a reason) stops all use of the cache, ``readonly`` stops writes; each backend's
    ``_trouble`` decides which, and ``warn`` is told once per kind of trouble.
    """

    off: str | None = None
    readonly: str | None = None

    def _guard(self, label: str, warn: Warn) -> None:
        self.label, self._warn, self._state = label, warn, threading.Lock()
        self.warnings: list[str] = []

    def get_response(self, key, default=None):
        if self.off:
            return default
        try:
            return super().get_response(key, default)
        except Exception as error:  # noqa: BLE001 - a cache that cannot answer is a miss
            self._trouble("read", error)
            return default

    def save_response(self, response, cache_key=None, expires=None):
        if self.off or self.readonly:
            return
        try:
            super().save_response(response, cache_key, expires)
        except Exception as error:  # noqa: BLE001 - the answer was received and is used; only its copy is lost
            self._trouble("write", error)

    def _say(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
            self._warn(message)

    def _trouble(self, operation: str, error: Exception) -> None:
        raise NotImplementedError


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split()) or error.__class__.__name__
    return text[:160]


# --- Redis ------------------------------------------------------------------------------------


def _redis(url: str, warn: Warn):
    try:
        import redis  # noqa: PLC0415 - optional: pip install 'refcheck-manuscript[redis]'
    except ImportError:
        raise CacheUnavailable("a redis:// cache needs the redis package: pip install 'refcheck-manuscript[redis]'") from None
    from requests_cache import RedisCache  # noqa: PLC0415

    class GuardedRedis(_Guard, RedisCache):
        def _trouble(self, operation: str, error: Exception) -> None:
            """A server that fails once is not asked again: each attempt could cost a timeout."""
            with self._state:
                if not isinstance(error, (redis.RedisError, OSError)):  # not the server's fault: skip this answer
                    self._say(f"{self.label} could not {operation} an answer ({_reason(error)})")
                elif not self.off:
                    self.off = _reason(error)
                    self._say(f"{self.label} failed during the run ({self.off}); continuing without it")

    try:
        connection = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5)
    except ValueError as error:
        raise CacheUnavailable(f"{_redact(url)}: {error}") from None
    label = f"the Redis cache {_redact(url)}"
    try:
        connection.ping()  # an unreachable cache is said once, up front (the caller goes on without it)
    except redis.RedisError as error:
        raise CacheUnavailable(f"{_redact(url)} cannot be reached: {_reason(error)}") from None
    # JSON, not pickle: whoever can write to a shared server must not be able to run code in refcheck
    backend = GuardedRedis(namespace=REDIS_NAMESPACE, connection=connection, serializer="json")
    backend._guard(label, warn)
    return backend


def _redact(url: str) -> str:
    """The URL without its password: ``redis://:secret@host:6379/0`` -> ``redis://host:6379/0``."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest.split("/")[0]:
        rest = rest.split("@", 1)[1]
    return f"{scheme}{sep}{rest}".split("?")[0]


# --- SQLite -----------------------------------------------------------------------------------


def _sqlite(path: Path, warn: Warn):
    """The SQLite backend for ``path``: opened, or rebuilt if damaged, or CacheUnavailable."""
    if path.is_dir():
        raise CacheUnavailable(f"{path} is a directory, not a cache file")
    try:
        with open(path, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        head = b""
    except OSError as error:
        raise CacheUnavailable(f"{path} cannot be read: {error.strerror or error}") from None
    looks_like_sqlite = head.startswith(SQLITE_HEADER) or SQLITE_HEADER.startswith(head)  # b"": new; a prefix: truncated
    if not looks_like_sqlite and path != default_cache_path():
        # not refcheck's to overwrite: perhaps --cache names the wrong file
        raise CacheUnavailable(f"{path} is not a SQLite database and was left untouched: delete it or choose another --cache")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CacheUnavailable(f"cannot create {path.parent}: {error.strerror or error}") from None
    try:
        return _SQLiteCache(path, warn)
    except sqlite3.DatabaseError as error:
        if not _damaged(error):
            if not path.exists() and not os.access(path.parent, os.W_OK):
                raise CacheUnavailable(f"cannot create {path}: {path.parent} is not writable") from None
            raise CacheUnavailable(f"{path} cannot be opened: {_reason(error)}") from None
        try:
            aside = _move_aside(path)
        except OSError as stuck:
            raise CacheUnavailable(f"{path} is damaged ({_reason(error)}) and cannot be replaced: {stuck.strerror or stuck}") from None
        warn(f"the HTTP cache {path} is damaged ({_reason(error)}); moved to {aside.name}, starting a new one")
        try:
            return _SQLiteCache(path, warn)
        except sqlite3.Error as again:
            raise CacheUnavailable(f"{path} cannot be rebuilt: {_reason(again)}") from None


def _damaged(error: BaseException) -> bool:
    text = str(error).lower()
    return isinstance(error, sqlite3.DatabaseError) and any(w in text for w in ("malformed", "not a database", "corrupt"))


def _locked(error: BaseException) -> bool:
    text = str(error).lower()
    return isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def _move_aside(path: Path) -> Path:
    """``crossref.sqlite`` -> ``crossref.sqlite.corrupt`` (replacing an older one), its journals removed.

    OSError when the directory cannot be written (then nothing was changed)."""
    aside = path.with_name(path.name + ".corrupt")
    os.replace(path, aside)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return aside


class _Database:
    """One connection to the cache file, shared by the threads of a run (each statement is short).

    The layout is requests-cache's own (tables ``responses`` and ``redirects``: key, value,
    expires), so caches written by earlier versions are read as they are.
    """

    TABLES = ("responses", "redirects")

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.connection: sqlite3.Connection | None = None
        self.identity: tuple[int, int] | None = None
        self.open()

    def open(self) -> None:
        try:
            self.connection = self._connect(str(self.path))
        except sqlite3.OperationalError as error:
            if not (_readonly(error) and self.path.is_file()):
                raise
            # a WAL file in a directory that cannot be written (no -shm can be made): read it as it is
            self.connection = self._connect(self.path.resolve().as_uri() + "?immutable=1", uri=True)
        self.identity = _identity(self.path)

    @staticmethod
    def _connect(name: str, uri: bool = False) -> sqlite3.Connection:
        connection = sqlite3.connect(name, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False, uri=uri)
        try:
            # WAL: readers never block the writer, and a commit costs no fsync (a power cut may lose
            # the last answers, never the file). A read-only file keeps the mode it has.
            try:
                connection.execute("PRAGMA journal_mode=WAL").fetchall()
                connection.execute("PRAGMA synchronous=NORMAL")
            except sqlite3.OperationalError as error:
                if not _readonly(error) and not _locked(error):
                    raise
            for table in _Database.TABLES:
                try:
                    connection.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value BLOB, expires INTEGER)")
                except sqlite3.OperationalError as error:
                    if not _readonly(error):
                        raise
                connection.execute(f"SELECT key FROM {table} LIMIT 1").fetchall()  # the schema and a first page are readable
            try:
                connection.execute("CREATE INDEX IF NOT EXISTS expires_idx ON responses(expires)")
            except sqlite3.OperationalError as error:
                if not _readonly(error):
                    raise
        except BaseException:
            connection.close()
            raise
        return connection

    def reopen_if_replaced(self) -> bool:
        """Deleted or replaced since it was opened (someone cleaned the cache): start a new file."""
        if _identity(self.path) == self.identity:
            return False
        self.close()  # the last connection to the old inode checkpoints and removes its -wal/-shm
        self.open()
        return True

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except sqlite3.Error:
                pass
            self.connection = None

    def read(self, sql: str, args: tuple = ()) -> list:
        with self.lock:
            if self.connection is None:
                self.open()
            return self.connection.execute(sql, args).fetchall()

    def write(self, sql: str, args: tuple = ()) -> int:
        with self.lock:
            if self.connection is None:
                self.open()
            else:
                self.reopen_if_replaced()
            return self.connection.execute(sql, args).rowcount


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _readonly(error: BaseException) -> bool:
    text = str(error).lower()
    return "readonly" in text or "read-only" in text or "unable to open" in text


def _table(db: _Database, name: str, serializer):
    from requests_cache.backends.base import BaseStorage  # noqa: PLC0415

    class Table(BaseStorage):
        """A requests-cache storage over one table of ``db``."""

        def __getitem__(self, key):
            rows = db.read(f"SELECT value FROM {name} WHERE key = ?", (key,))
            if not rows:
                raise KeyError(key)
            return self.deserialize(key, rows[0][0])

        def __setitem__(self, key, value):
            expires = getattr(value, "expires_unix", None)
            data = self.serialize(value)
            db.write(f"INSERT OR REPLACE INTO {name} (key, value, expires) VALUES (?, ?, ?)",
                     (key, sqlite3.Binary(data) if isinstance(data, bytes) else data, expires))

        def __delitem__(self, key):
            if not db.write(f"DELETE FROM {name} WHERE key = ?", (key,)):
                raise KeyError(key)

        def __iter__(self):
            return iter([row[0] for row in db.read(f"SELECT key FROM {name}")])

        def __len__(self):
            return db.read(f"SELECT COUNT(*) FROM {name}")[0][0]

        def clear(self):
            db.write(f"DELETE FROM {name}")

        def close(self):
            db.close()

    return Table(serializer=serializer)


def _SQLiteCache(path: Path, warn: Warn):  # noqa: N802 - builds the class lazily (requests_cache is imported late)
    from requests_cache import BaseCache  # noqa: PLC0415

    class SQLiteCache(_Guard, BaseCache):
        def __init__(self) -> None:
            super().__init__(cache_name=str(path))
            self.db = _Database(path)
            self.responses = _table(self.db, "responses", "pickle")
            self.redirects = _table(self.db, "redirects", None)
            self._guard(f"the HTTP cache {path}", warn)

        @property
        def db_path(self):
            return path

        def close(self):
            self.db.close()

        def _trouble(self, operation: str, error: Exception) -> None:
            with self._state:
                if self.off:
                    return
                if not isinstance(error, sqlite3.Error):  # not the file's fault (an answer that cannot be serialised)
                    self._say(f"{self.label} could not {operation} an answer ({_reason(error)})")
                    return
                if _locked(error):  # another process held the file for BUSY_TIMEOUT: skip this one
                    self.locked = getattr(self, "locked", 0) + 1
                    if self.locked >= LOCKED_LIMIT:
                        self.off = "locked by another process"
                        self._say(f"{self.label} stayed locked by another process; continuing without it")
                    return
                if _damaged(error):
                    with self.db.lock:
                        self.db.close()
                        try:
                            aside = _move_aside(path)
                            self.db.open()
                        except (OSError, sqlite3.Error) as again:
                            self.off = _reason(error)
                            self._say(f"{self.label} is damaged ({self.off}) and cannot be replaced "
                                      f"({_reason(again)}); continuing without it")
                            return
                    self._say(f"{self.label} is damaged ({_reason(error)}); moved to {aside.name}, starting a new one")
                    return
                if operation == "write":
                    self.readonly = _reason(error)
                    self._say(f"{self.label} cannot be written ({self.readonly}); answers are read from it but not stored")
                    return
                self.off = _reason(error)
                self._say(f"{self.label} cannot be read ({self.off}); continuing without it")

    return SQLiteCache()
