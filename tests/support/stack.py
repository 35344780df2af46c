"""Settings for a whole stack on free loopback ports, with its own data folder.

End-to-end and browser tests start the real servers with these, so they never touch a
developer's running `make run`, its ports or its data.
"""

from __future__ import annotations

import contextlib
import dataclasses
import socket
import subprocess
import time
from pathlib import Path
from typing import Sequence

from bot import settings
from bot.launcher import SERVERS, Stack
from bot.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 20) -> None:
    """Until something listens on 127.0.0.1:`port`; fail at once if `process` has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"{what} exited with code {process.returncode}: {errors}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {timeout:.0f} s")


def stack_settings(data_dir: Path, **overrides) -> Settings:
    """Free ports for every server, and the addresses that follow from them."""
    base = settings.load()
    rasa_port, web_port = free_port(), free_port()
    values = {
        "rasa_port": rasa_port,
        "action_port": free_port(),
        "web_port": web_port,
        "review_port": free_port(),
        "review_db_url": f"sqlite:///{data_dir / 'review.db'}",
        "tracker_url": f"sqlite:///{data_dir / 'tracker.db'}",
        "public_rasa_url": f"http://127.0.0.1:{rasa_port}",
        "widget_origins": (f"http://127.0.0.1:{web_port}",),
        "data_dir": data_dir,
        "tracker_db": data_dir / "tracker.db",
        "outbox_url": f"sqlite:///{data_dir / 'outbox.db'}",
        "firm_phone": "",
    }
    values.update(overrides)
    return dataclasses.replace(base, **values)


@contextlib.contextmanager
def running_stack(config: Settings, names: Sequence[str] = SERVERS):
    """The stack's servers (all by default), started and ready; stopped afterwards whatever happens."""
    stack = Stack(config, log_dir=config.data_dir / "logs")
    try:
        stack.start(names)
        yield stack
    finally:
        stack.stop()
