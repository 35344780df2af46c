"""The deployment under test: N Rasa servers on this machine, as the README recommends.

With one server it is `make run`'s stack: Rasa and the action server, conversations in SQLite.
With more, it is Rasa's own horizontal model, the one the scale-out test checks: the servers
share a PostgreSQL tracker store and a Redis lock store, behind nginx, with one action server.
A Rasa server is one Python process and uses one core, so on this 2-core machine two servers are
what let both cores answer people (bench.md shows one server against two).
"""

from __future__ import annotations

import dataclasses
import shutil
import time
from pathlib import Path
from typing import Dict, List, Optional

import requests
import sqlalchemy as sa

from bot import settings as settings_module
from bot.launcher import Stack
from tests.support.nginx import Nginx
from tests.support.postgres import PostgresServer
from tests.support.redis_server import RedisServer
from tests.support.stack import free_port


def first_answer(url: str, deadline: float, sender: str = "bench-cold") -> None:
    while time.monotonic() < deadline:
        try:
            reply = requests.post(f"{url}/webhooks/rest/webhook",
                                  json={"sender": sender, "message": "hi"}, timeout=5)  # fmt: skip
            if reply.status_code == 200 and reply.json():
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"no first answer from {url}")


def memory_mb(pid: int, field: str = "VmHWM") -> float:
    """A process's memory from /proc: peak resident (VmHWM) or current resident (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Cluster:
    def __init__(self, name: str, model: Path, servers: int, work: Path) -> None:
        self.name, self.model, self.servers = name, model, servers
        self.data_dir = work / name
        self.stacks: List[Stack] = []
        self.postgres: Optional[PostgresServer] = None
        self.redis: Optional[RedisServer] = None
        self.nginx: Optional[Nginx] = None

    def _settings(self, **overrides) -> settings_module.Settings:
        d = self.data_dir
        values = {"data_dir": d, "tracker_db": d / "tracker.db",
                  "tracker_url": f"sqlite:///{d / 'tracker.db'}",
                  "outbox_url": f"sqlite:///{d / 'outbox.db'}", "model_path": self.model}  # fmt: skip
        return dataclasses.replace(settings_module.load(), **{**values, **overrides})

    def start(self, timeout_s: float) -> float:
        """Start everything; return the cold start: from starting the action server and the
        Rasa servers to the moment every Rasa server has answered a first message. (PostgreSQL,
        Redis and nginx are already running in a real deployment, so they start first.)"""
        shutil.rmtree(self.data_dir, ignore_errors=True)
        shared: Dict = {}
        if self.servers > 1:
            self.postgres = PostgresServer().start()
            self.redis = RedisServer().start()
            shared = {"tracker_url": self.postgres.url, "redis_url": self.redis.url}
        ports = [free_port() for _ in range(self.servers)]
        web_port, action_port = free_port(), free_port()
        for i, port in enumerate(ports):
            config = self._settings(
                rasa_port=port, action_port=action_port, web_port=web_port,
                widget_origins=(f"http://127.0.0.1:{web_port}",), **shared,
            )  # fmt: skip
            self.stacks.append(Stack(config, log_dir=self.data_dir / f"logs-{i}"))
        if self.servers > 1:
            self.nginx = Nginx(ports).start()
        start = time.perf_counter()
        self.stacks[0].start_process("actions")  # one action server serves every Rasa server
        for stack in self.stacks:
            stack.start_process("rasa")
        deadline = time.monotonic() + timeout_s
        for i, stack in enumerate(self.stacks):
            first_answer(stack.rasa_url, deadline, sender=f"bench-cold-{i}")
        return time.perf_counter() - start

    @property
    def url(self) -> str:
        return self.nginx.url if self.nginx else self.stacks[0].rasa_url

    @property
    def origin(self) -> str:
        return self.stacks[0].config.widget_origins[0]

    def stored_user_messages(self) -> int:
        """How many user messages the tracker store holds, for every conversation: the
        benchmark compares it with what it sent, so a message answered but never stored counts
        as lost."""
        engine = sa.create_engine(self.stacks[0].config.tracker_url)
        try:
            with engine.connect() as db:
                return db.execute(
                    sa.text("select count(*) from events where type_name = 'user'")
                ).scalar_one()
        finally:
            engine.dispose()

    def peak_memory(self) -> Dict[str, float]:
        """Peak RSS in MB: the largest Rasa server, all Rasa servers together, the action
        server."""
        rasa = [memory_mb(s.processes["rasa"].pid) for s in self.stacks]
        return {"rasa": max(rasa), "rasa_total": sum(rasa),
                "actions": memory_mb(self.stacks[0].processes["actions"].pid)}  # fmt: skip

    def stop(self) -> None:
        for stack in self.stacks:
            stack.stop()
        for server in (self.nginx, self.redis, self.postgres):
            if server:
                server.stop()
