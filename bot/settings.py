"""Every setting the project reads, from the environment, in one place.

Defaults make the assistant run on one machine with nothing outside it. Secrets (added by later
features) are read here too and never have a default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _port(name: str, default: int) -> int:
    raw = _env(name, str(default))
    try:
        port = int(raw)
    except ValueError as error:
        raise ValueError(f"{name} must be a port number, not {raw!r}") from error
    if not 0 < port < 65536:
        raise ValueError(f"{name} must be between 1 and 65535, not {port}")
    return port


@dataclass(frozen=True)
class Settings:
    host: str
    rasa_port: int
    action_port: int
    data_dir: Path
    tracker_db: Path
    model_path: Path
    firm_name: str
    firm_phone: str
    firm_booking_url: str

    @property
    def action_endpoint_url(self) -> str:
        return f"http://{self.host}:{self.action_port}/webhook"

    def rasa_env(self) -> dict:
        """Environment variables that endpoints.yml expands (Rasa's ${VAR} syntax)."""
        return {
            "NOC_ACTION_ENDPOINT_URL": self.action_endpoint_url,
            "NOC_TRACKER_DB": str(self.tracker_db),
        }


def load() -> Settings:
    data_dir = Path(_env("NOC_DATA_DIR", str(ROOT / "var")))
    return Settings(
        host=_env("NOC_HOST", "127.0.0.1"),
        rasa_port=_port("NOC_RASA_PORT", 5005),
        action_port=_port("NOC_ACTION_PORT", 5055),
        data_dir=data_dir,
        tracker_db=Path(_env("NOC_TRACKER_DB", str(data_dir / "tracker.db"))),
        model_path=Path(_env("NOC_MODEL", str(ROOT / "models" / "noc-assistant.tar.gz"))),
        # How the firm is named and reached in answers. Empty values are left out of the text.
        firm_name=_env("NOC_FIRM_NAME", "the firm"),
        firm_phone=_env("NOC_FIRM_PHONE", ""),
        firm_booking_url=_env("NOC_FIRM_BOOKING_URL", ""),
    )
