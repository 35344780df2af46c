"""A real, throwaway PostgreSQL server on loopback for tests (Debian's postgresql package).

`make test` installs the package when it is missing. The server runs as the `postgres` user
when the tests run as root (PostgreSQL refuses to run as root), listens only on 127.0.0.1 on a
free port, and is deleted afterwards.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import List, Optional


def _bin(name: str) -> Optional[str]:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        self.initdb, self.pg_ctl = _bin("initdb"), _bin("pg_ctl")
        if not (self.initdb and self.pg_ctl):
            raise RuntimeError("PostgreSQL is not installed: run `make test` (it installs it)")
        self.dir = Path(tempfile.mkdtemp(prefix="noc-pg-"))
        self.port = _free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, args: List[str]) -> None:
        command = (["runuser", "-u", "postgres", "--"] if self.as_root else []) + args
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> PostgresServer:
        data = self.dir / "data"
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run([self.initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        return self.resume()

    def pause(self) -> None:
        """Stop the server at once, as a crash would (its data stays, for resume())."""
        self._run([self.pg_ctl, "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop"])

    def resume(self) -> PostgresServer:
        """Start the server (again) on the same port with the same data."""
        data = self.dir / "data"
        options = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.dir}"
        self._run(
            [
                self.pg_ctl,
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(self.dir / "log"),
                "-w",
                "start",
            ]
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.2)
        raise RuntimeError(f"PostgreSQL did not start; see {self.dir / 'log'}")

    def stop(self) -> None:
        try:
            self._run([self.pg_ctl, "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop"])
        except subprocess.CalledProcessError:
            pass  # already stopped (a test paused it)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
