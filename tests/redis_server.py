"""A throw-away ``redis-server`` on a free loopback port, for the shared-cache tests.

    with RedisServer(tmp_path) as server:     # --save "" --appendonly no: nothing reaches the disk
        make_session(server.url)              # redis://127.0.0.1:PORT/0

``REDIS_SERVER`` is the binary (None when it is not installed: Debian's ``redis-server`` package).
Standard library only.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    """A PING answered with +PONG (the server accepts connections and has loaded)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.port: int | None = None
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        assert REDIS_SERVER, "redis-server is not installed"
        self.directory.mkdir(parents=True, exist_ok=True)
        for _ in range(5):  # the free port may be taken between choosing and binding it: try another
            self.port = free_port()
            log = open(self.directory / f"redis-{self.port}.log", "wb")  # noqa: SIM115 - closed with the process
            self.process = subprocess.Popen(
                [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(self.directory), "--protected-mode", "yes"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            log.close()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.process.poll() is None:
                if _answers(self.port):
                    return self
                time.sleep(0.02)
            self.stop()
        raise RuntimeError(f"redis-server did not start; see {self.directory}")

    def stop(self) -> None:
        """Terminate the server (its port then refuses connections)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
