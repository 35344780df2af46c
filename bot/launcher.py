"""Start the action server, Rasa, the lead worker, the website and the staff app; wait; stop all.

``make run`` uses it in the foreground (Ctrl-C stops everything); the end-to-end tests use the
``Stack`` class to start the same processes on free ports with their own database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import requests

from bot import settings as settings_module
from bot.settings import ROOT, Settings

READY_TIMEOUT_S = 240
# Every server, in the order they start: the action server before Rasa, which calls it.
SERVERS = ("actions", "rasa", "worker", "web", "review")


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


class Stack:
    """The action server, Rasa, the lead worker, the website and the staff app, as children."""

    def __init__(self, config: Settings, log_dir: Optional[Path] = None) -> None:
        self.config = config
        self.log_dir = log_dir or config.data_dir / "logs"
        self.processes: Dict[str, subprocess.Popen] = {}

    # --- process control ---------------------------------------------------------------------

    def env(self) -> Dict[str, str]:
        env = dict(os.environ)
        env.update(self.config.to_env())
        env.update(
            {
                "PYTHONPATH": str(ROOT),
                # The action server's host comes from Sanic's variable; keep it on loopback.
                "SANIC_HOST": self.config.host,
                "RASA_TELEMETRY_ENABLED": "false",
                "TF_CPP_MIN_LOG_LEVEL": "3",
                "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
                "PYTHONWARNINGS": "ignore::DeprecationWarning",
            }
        )
        return env

    def commands(self) -> Dict[str, List[str]]:
        c = self.config
        return {
            "actions": [_bin("rasa"), "run", "actions", "--actions", "actions",
                        "--port", str(c.action_port)],
            # Rasa with the project's fixes to Rasa 3.6 applied (bot/rasa_server/patches.py).
            "rasa": [sys.executable, "-m", "bot.rasa_server", "run", "--model", str(c.model_path),
                     "--endpoints", str(ROOT / "endpoints.yml"),
                     "--credentials", str(ROOT / "credentials.yml"),
                     "--interface", c.host, "--port", str(c.rasa_port),
                     # The token is added inside the process (bot/rasa_server), never here.
                     *(["--enable-api"] if c.rasa_api else [])],
            # Delivers consultation requests the action server could not deliver at once.
            "worker": [sys.executable, "-m", "bot.leads", "worker"],
            # The demo firm page with the chat widget, and the widget's files.
            "web": [sys.executable, "-m", "bot.web"],
            # The staff review app (a separate process: staff never share the public server).
            "review": [sys.executable, "-m", "bot.review", "serve"],
        }  # fmt: skip

    def start_process(self, name: str) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.config.tracker_db.parent.mkdir(parents=True, exist_ok=True)
        # The child keeps its own copy of the log file descriptor; ours can close at once.
        with open(self.log_dir / f"{name}.log", "ab") as log:
            self.processes[name] = subprocess.Popen(
                self.commands()[name],
                cwd=ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def stop_process(self, name: str, timeout: float = 20) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def start(self, names: Sequence[str] = SERVERS) -> None:
        """Start `names` (all servers by default) and wait until each one answers."""
        if not self.config.model_path.exists():
            raise FileNotFoundError(f"No model at {self.config.model_path}: run `make train` first")
        for name in names:
            self.start_process(name)
        self.wait_ready()

    def stop(self) -> None:
        for name in list(self.processes):
            self.stop_process(name)

    def restart(self, name: str) -> None:
        self.stop_process(name)
        self.start_process(name)
        self.wait_ready()

    # --- readiness -----------------------------------------------------------------------------

    @property
    def rasa_url(self) -> str:
        return f"http://{self.config.host}:{self.config.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://{self.config.host}:{self.config.web_port}"

    @property
    def review_url(self) -> str:
        return f"http://{self.config.host}:{self.config.review_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.config.host}:{self.config.action_port}"

    def _health(self) -> Dict[str, bool]:
        checks = {"actions": f"{self.action_url}/health", "rasa": f"{self.rasa_url}/",
                  "web": f"{self.web_url}/healthz", "review": f"{self.review_url}/healthz"}  # fmt: skip
        status = {}
        for name, url in checks.items():
            if name not in self.processes:
                continue
            try:
                status[name] = requests.get(url, timeout=2).status_code == 200
            except requests.RequestException:
                status[name] = False
        return status

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(
                        f"The {name} server exited with code {process.returncode}; "
                        f"see {self.log_dir / (name + '.log')}"
                    )
            if all(self._health().values()):
                return
            time.sleep(1)
        raise TimeoutError(f"Servers not ready after {timeout:.0f} s; logs in {self.log_dir}")


def main() -> int:
    config = settings_module.load()
    stack = Stack(config)
    print(f"==> Starting the action server (:{config.action_port}), Rasa (:{config.rasa_port}) "
          f"and the website (:{config.web_port})")  # fmt: skip
    print("    (loading the model takes about 20 seconds)")

    def shutdown(signum, frame):  # noqa: ARG001 - signal handler signature
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, shutdown)
    try:
        stack.start()
        print("==> Ready.")
        print(f"    Website with the chat widget: open {stack.web_url}/ in a browser")
        print(f"    Staff review app: {stack.review_url}/ (create an account first: "
              "python -m bot.review add-user NAME)")  # fmt: skip
        print(f"    REST channel:  POST {stack.rasa_url}/webhooks/rest/webhook")
        print('                   body: {"sender": "demo", "message": "can the victim drop it?"}')
        print(f"    Conversations are stored in {config.tracker_db}")
        print(f"    Consultation requests: outbox {config.outbox_url}, delivered to "
              f"{config.lead_destination} (python -m bot.leads list)")  # fmt: skip
        print("    Press Ctrl-C to stop.")
        while all(p.poll() is None for p in stack.processes.values()):
            time.sleep(1)
        print("ERROR: a server stopped unexpectedly; see the logs in", stack.log_dir)
        return 1
    except KeyboardInterrupt:
        print("\n==> Stopping")
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
