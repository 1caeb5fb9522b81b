"""The HTTP session: a persistent requests-cache in production, anything requests-like in tests.

One of the few modules that touch the outside world (files, network). The cache is SQLite in
the user cache directory by default; ``redis://host:port/db`` selects the Redis backend for
teams whose CI runners share one cache. Successful answers and 404s ("no such DOI") are kept
for ``EXPIRE_DAYS``; when the network fails, expired answers are served rather than nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

EXPIRE_DAYS = 30  # Crossref records change rarely; retractions are what a month might miss
CACHEABLE = (200, 404)


def default_cache_path() -> Path:
    """``~/.cache/refcheck/crossref.sqlite`` on Linux (platformdirs elsewhere); REFCHECK_CACHE overrides."""
    if os.environ.get("REFCHECK_CACHE"):
        return Path(os.environ["REFCHECK_CACHE"])
    import platformdirs  # noqa: PLC0415

    return Path(platformdirs.user_cache_dir("refcheck")) / "crossref.sqlite"


def make_session(cache: str | os.PathLike | None = None, *, enabled: bool = True, expire_days: float = EXPIRE_DAYS):
    """A ``requests`` session, cached unless ``enabled`` is False.

    ``cache`` is a file path (SQLite) or a ``redis://`` URL; None means the default path.
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
    target = str(cache) if cache is not None else None
    if target and target.startswith(("redis://", "rediss://", "unix://")):
        import redis  # noqa: PLC0415 - optional: pip install 'refcheck-manuscript[redis]'

        connection = redis.Redis.from_url(target, socket_connect_timeout=1, socket_timeout=5)
        connection.ping()  # an unreachable cache is said once, up front (the caller goes on without it)
        backend = requests_cache.RedisCache(connection=connection)
        return requests_cache.CachedSession(backend=backend, **options)
    path = Path(target) if target else default_cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return requests_cache.CachedSession(str(path), backend="sqlite", **options)
