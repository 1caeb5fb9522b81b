"""Run one CPU-bound step in a forked child while the parent gets on with another.

Used for large inputs only (the reference list of a 10,000-entry manuscript is parsed while
the body's citations are scanned). The child returns bytes through a pipe; any failure
(no ``fork`` on this platform, one CPU, other threads running, a child that dies) returns
None and the caller simply does the work itself, so the result never depends on this.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable


def usable() -> bool:
    """Whether forking pays off and is safe here: fork exists, 2+ CPUs, no other threads."""
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return cpus >= 2


def start(work: Callable[[], bytes]) -> Callable[[], bytes | None]:
    """Start ``work()`` in a child; return a function that waits for it and gives its bytes.

    The waiter returns None when the child could not be started or did not finish cleanly.
    """
    try:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
    except OSError:
        return lambda: None
    if pid == 0:  # the child: compute, write, leave without running the parent's exit handlers
        status = 1
        try:
            os.close(read_fd)
            data = memoryview(work())
            while data:
                data = data[os.write(write_fd, data) :]
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)

    def wait() -> bytes | None:
        chunks = []
        with os.fdopen(read_fd, "rb") as pipe:
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
        return b"".join(chunks) if status == 0 else None

    return wait
