"""What the running servers let in: every port on loopback only, Rasa's HTTP API off unless
asked for, and then only with its token."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Dict

import pytest
import requests

from bot.launcher import Stack
from tests.support.stack import free_port, stack_settings

API_TOKEN = "an-api-token-long-enough-to-pass-the-check-0123456789"


def listening_addresses(port: int) -> set:
    """The local addresses a TCP port listens on, read from the kernel (/proc/net/tcp*)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                found.add(address[:width])
    return found


LOOPBACK = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1


def test_every_server_listens_on_loopback_only(stack):
    config = stack.config
    ports: Dict[str, int] = {"rasa": config.rasa_port, "actions": config.action_port,
                             "web": config.web_port, "review": config.review_port}  # fmt: skip
    for name, port in ports.items():
        addresses = listening_addresses(port)
        assert addresses and addresses <= LOOPBACK, f"{name} listens on {addresses}"


def test_rasas_http_api_is_off_by_default(stack):
    for path in ("/status", "/version", "/conversations/x/tracker", "/model/parse"):
        reply = requests.get(f"{stack.rasa_url}{path}", timeout=10)
        # /version is always public in Rasa; the rest do not exist without --enable-api.
        assert reply.status_code in (404, 405) or path == "/version", path
    tracker = requests.get(f"{stack.rasa_url}/conversations/x/tracker", timeout=10)
    assert tracker.status_code == 404


@pytest.fixture(scope="module")
def api_rasa(tmp_path_factory):
    config = stack_settings(tmp_path_factory.mktemp("api"), rasa_api=True,
                            rasa_api_token=API_TOKEN)  # fmt: skip
    stack = Stack(config)
    stack.start_process("rasa")
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            assert stack.processes["rasa"].poll() is None, "Rasa exited"
            try:
                requests.get(f"{stack.rasa_url}/", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.5)
        yield stack
    finally:
        stack.stop()


def test_the_api_when_on_needs_its_token(api_rasa):
    url = f"{api_rasa.rasa_url}/conversations/someone/tracker"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, params={"token": "wrong"}, timeout=10).status_code == 401
    assert requests.get(url, params={"token": API_TOKEN}, timeout=30).status_code == 200


def test_the_api_token_is_not_on_the_command_line(api_rasa):
    pid = api_rasa.processes["rasa"].pid
    command_line = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    assert "--enable-api" in command_line and API_TOKEN not in command_line


def test_the_api_on_a_public_interface_is_refused(tmp_path):
    config = dataclasses.replace(
        stack_settings(tmp_path, rasa_api=True, rasa_api_token=API_TOKEN), host="0.0.0.0",
        rasa_port=free_port(),
    )  # fmt: skip
    stack = Stack(config)
    stack.start_process("rasa")
    assert stack.processes["rasa"].wait(120) == 2
    assert "loopback" in (stack.log_dir / "rasa.log").read_text()
