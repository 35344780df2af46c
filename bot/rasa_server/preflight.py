"""Checks made before Rasa starts, each a plain function the tests call directly.

Rasa 3.6 itself starts happily with an unreachable tracker store (it logs "Could not create
tables" and then loses every conversation), and with its HTTP API open to anyone on the
network when `--enable-api` is given without a token. Both are refused here, with a message
that says what to fix, and a non-zero exit.
"""

from __future__ import annotations

import ipaddress
import time
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

MIN_TOKEN_CHARS = 32
LOOPBACK_NAMES = {"localhost"}


def safe_url(url: str) -> str:
    """The database address without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL must not leak through the error either
        return "(an address that is not a valid database URL)"


def tracker_store_problem(url: str, wait_s: float, pause_s: float = 1.0) -> Optional[str]:
    """None once the tracker database answers; otherwise, after `wait_s`, what is wrong."""
    if not url:
        return "NOC_TRACKER_URL is empty: set it to the tracker store's database address."
    try:
        engine = sa.create_engine(url)
    except Exception as error:  # noqa: BLE001 - bad URLs come in many exception types
        return f"NOC_TRACKER_URL is not a usable database address ({type(error).__name__})."
    deadline = time.monotonic() + wait_s
    try:
        while True:
            try:
                with engine.connect() as db:
                    db.execute(sa.text("select 1"))
                return None
            except SQLAlchemyError as error:
                if time.monotonic() >= deadline:
                    reason = str(getattr(error, "orig", error)).strip().splitlines()[0][:200]
                    return (f"Cannot reach the tracker store at {safe_url(url)} after "
                            f"{wait_s:.0f} s ({reason}). Conversations could not be saved, "
                            "so Rasa will not start.")  # fmt: skip
                time.sleep(pause_s)
    finally:
        engine.dispose()


def _option(argv: List[str], name: str) -> Optional[str]:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def api_problem(argv: List[str], token: str) -> Optional[str]:
    """None when Rasa's HTTP API is off, or on with a strong token and on loopback only."""
    if "--enable-api" not in argv:
        return None
    if _option(argv, "--auth-token") is not None or _option(argv, "--jwt-secret") is not None:
        return ("Pass the API token through NOC_RASA_API_TOKEN, not on the command line, where "
                "every user of this machine can read it in the process list.")  # fmt: skip
    if len(token) < MIN_TOKEN_CHARS:
        return (f"Rasa's HTTP API can change any conversation: it needs NOC_RASA_API_TOKEN, "
                f"a random secret of at least {MIN_TOKEN_CHARS} characters.")  # fmt: skip
    interface = _option(argv, "--interface") or _option(argv, "-i") or "0.0.0.0"
    if not is_loopback(interface):
        return (f"Rasa's HTTP API may only listen on loopback (127.0.0.1), not {interface}: "
                "keep it off the network, and reach it through an SSH tunnel or a proxy "
                "with its own authentication.")  # fmt: skip
    return None
