"""Every setting the project reads, from the environment, in one place.

Defaults make the assistant run on one machine with nothing outside it. Secrets (added by later
features) are read here too and never have a default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
# Limits on what the assistant takes in; the channels use these when credentials.yml is silent.
DEFAULT_MAX_MESSAGE_CHARS = 2000
DEFAULT_MAX_REQUEST_BYTES = 64 * 1024


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
    firm_response_time: str
    outbox_url: str
    lead_destination: str
    webhook_url: str
    webhook_secret: str
    clio_grow_token: str
    clio_grow_region: str
    clio_grow_url: str
    web_port: int
    public_rasa_url: str
    widget_origins: tuple
    widget_exit_url: str
    twilio_auth_token: str
    twilio_public_url: str
    sender_hash_key: str
    sms_part_chars: int
    review_port: int
    review_db_url: str
    tracker_url: str
    retention_days: int
    lead_retention_days: int
    review_secure_cookie: bool
    redis_url: str
    max_message_chars: int
    max_request_bytes: int
    action_timeout_s: int
    tracker_wait_s: int
    rasa_api: bool
    rasa_api_token: str

    @property
    def action_endpoint_url(self) -> str:
        return f"http://{self.host}:{self.action_port}/webhook"

    def rasa_env(self) -> dict:
        """Environment variables that endpoints.yml expands (Rasa's ${VAR} syntax)."""
        return {
            "NOC_ACTION_ENDPOINT_URL": self.action_endpoint_url,
            "NOC_TRACKER_DB": str(self.tracker_db),
            "NOC_TRACKER_URL": self.tracker_url,
            **redis_lock_env(self.redis_url),
            # credentials.yml hands these to the socket.io channel (bot/channels/socketio.py).
            "NOC_WIDGET_ORIGINS": " ".join(self.widget_origins),
            # ...and these to the Twilio channel (bot/channels/twilio.py).
            "NOC_TWILIO_AUTH_TOKEN": self.twilio_auth_token,
            "NOC_TWILIO_PUBLIC_URL": self.twilio_public_url,
            "NOC_SENDER_HASH_KEY": self.sender_hash_key,
            "NOC_SMS_PART_CHARS": str(self.sms_part_chars),
            # Limits and fault handling (bot/channels/, bot/rasa_server/).
            "NOC_MAX_MESSAGE_CHARS": str(self.max_message_chars),
            "NOC_MAX_REQUEST_BYTES": str(self.max_request_bytes),
            "NOC_ACTION_TIMEOUT_S": str(self.action_timeout_s),
            "NOC_TRACKER_WAIT_S": str(self.tracker_wait_s),
            "NOC_RASA_API_TOKEN": self.rasa_api_token,
        }

    def to_env(self) -> dict:
        """These settings as environment variables, for the processes the launcher starts."""
        names = {
            "host": "NOC_HOST", "rasa_port": "NOC_RASA_PORT", "action_port": "NOC_ACTION_PORT",
            "data_dir": "NOC_DATA_DIR", "tracker_db": "NOC_TRACKER_DB", "model_path": "NOC_MODEL",
            "firm_name": "NOC_FIRM_NAME", "firm_phone": "NOC_FIRM_PHONE",
            "firm_booking_url": "NOC_FIRM_BOOKING_URL",
            "firm_response_time": "NOC_FIRM_RESPONSE_TIME", "outbox_url": "NOC_OUTBOX_URL",
            "lead_destination": "NOC_LEAD_DESTINATION", "webhook_url": "NOC_WEBHOOK_URL",
            "webhook_secret": "NOC_WEBHOOK_SECRET", "clio_grow_token": "NOC_CLIO_GROW_TOKEN",
            "clio_grow_region": "NOC_CLIO_GROW_REGION", "clio_grow_url": "NOC_CLIO_GROW_URL",
            "web_port": "NOC_WEB_PORT", "public_rasa_url": "NOC_PUBLIC_RASA_URL",
            "widget_exit_url": "NOC_WIDGET_EXIT_URL",
            "review_port": "NOC_REVIEW_PORT", "review_db_url": "NOC_REVIEW_DB_URL",
            "tracker_url": "NOC_TRACKER_URL", "retention_days": "NOC_RETENTION_DAYS",
            "lead_retention_days": "NOC_LEAD_RETENTION_DAYS", "redis_url": "NOC_REDIS_URL",
        }  # fmt: skip
        env = {var: str(getattr(self, field)) for field, var in names.items()}
        env["NOC_REVIEW_SECURE_COOKIE"] = "true" if self.review_secure_cookie else "false"
        env["NOC_RASA_API"] = "on" if self.rasa_api else "off"
        return {**env, **self.rasa_env()}


def load() -> Settings:
    data_dir = Path(_env("NOC_DATA_DIR", str(ROOT / "var")))
    host = _env("NOC_HOST", "127.0.0.1")
    return Settings(
        host=host,
        rasa_port=_port("NOC_RASA_PORT", 5005),
        action_port=_port("NOC_ACTION_PORT", 5055),
        data_dir=data_dir,
        tracker_db=Path(_env("NOC_TRACKER_DB", str(data_dir / "tracker.db"))),
        model_path=Path(_env("NOC_MODEL", str(ROOT / "models" / "noc-assistant.tar.gz"))),
        # How the firm is named and reached in answers. Empty values are left out of the text.
        firm_name=_env("NOC_FIRM_NAME", "the firm"),
        firm_phone=_env("NOC_FIRM_PHONE", ""),
        firm_booking_url=_env("NOC_FIRM_BOOKING_URL", ""),
        # Said after a consultation request, e.g. "The firm usually replies within one business
        # day." Empty by default: the assistant promises nothing the firm has not set.
        firm_response_time=_env("NOC_FIRM_RESPONSE_TIME", ""),
        # Consultation requests: the outbox (any SQLAlchemy URL; PostgreSQL in production, the
        # same server as the tracker store) and where they are delivered.
        outbox_url=_env("NOC_OUTBOX_URL", f"sqlite:///{data_dir / 'outbox.db'}"),
        lead_destination=_destination(_env("NOC_LEAD_DESTINATION", "local")),
        webhook_url=_env("NOC_WEBHOOK_URL", ""),
        webhook_secret=os.environ.get("NOC_WEBHOOK_SECRET", ""),  # secret: no default
        clio_grow_token=os.environ.get("NOC_CLIO_GROW_TOKEN", ""),  # secret: no default
        clio_grow_region=_env("NOC_CLIO_GROW_REGION", "ca"),
        # Only for tests and proxies: overrides the regional Clio Grow endpoint.
        clio_grow_url=_env("NOC_CLIO_GROW_URL", ""),
        **_web(host),
        **_twilio(host),
        **_review(data_dir),
        # Rasa's Redis lock store, for several Rasa servers sharing one tracker store
        # (redis://[:password@]host[:port][/db]). Empty: one server, in-memory locks.
        redis_url=_redis_url(_env("NOC_REDIS_URL", "")),
        **_limits(),
    )


def _number(name: str, default: int, low: int, high: int, what: str) -> int:
    raw = _env(name, str(default))
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ValueError(f"{name} must be {what} from {low} to {high}, not {raw!r}")
    return int(raw)


def _limits() -> dict:
    """How much the assistant takes in, how long it waits, and whether Rasa's API is on."""
    api = _env("NOC_RASA_API", "off").lower()
    if api not in ("on", "off"):
        raise ValueError(f"NOC_RASA_API must be on or off, not {api!r}")
    return {
        # Longer messages get a polite request for a shorter one (on every channel).
        "max_message_chars": _number(
            "NOC_MAX_MESSAGE_CHARS", DEFAULT_MAX_MESSAGE_CHARS, 100, 20000, "a number of characters"
        ),  # fmt: skip
        # Bigger request bodies are refused with 413 by Rasa's web server before any parsing.
        "max_request_bytes": _number(
            "NOC_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES, 4096, 10485760, "a number of bytes"
        ),  # fmt: skip
        # How long Rasa waits for the action server before it sends the safe reply instead.
        "action_timeout_s": _number("NOC_ACTION_TIMEOUT_S", 10, 1, 120, "a number of seconds"),
        # How long Rasa waits at start for the tracker database before it gives up (exit 2).
        "tracker_wait_s": _number("NOC_TRACKER_WAIT_S", 20, 0, 600, "a number of seconds"),
        # Rasa's HTTP API (read and change any conversation). Off unless asked for; when on it
        # needs the token and listens on loopback only (bot/rasa_server/preflight.py).
        "rasa_api": api == "on",
        "rasa_api_token": os.environ.get("NOC_RASA_API_TOKEN", ""),  # secret: no default
    }


def _redis_url(value: str) -> str:
    if value and urlsplit(value).scheme not in ("redis", "rediss"):
        raise ValueError(f"NOC_REDIS_URL must look like redis://host:6379/1, not {value!r}")
    return value


def redis_lock_env(redis_url: str) -> dict:
    """The lock store section of endpoints.yml, from one URL."""
    if not redis_url:
        return {"NOC_LOCK_STORE": "in_memory", "NOC_REDIS_HOST": "", "NOC_REDIS_PORT": "",
                "NOC_REDIS_DB": "", "NOC_REDIS_PASSWORD": ""}  # fmt: skip
    parts = urlsplit(redis_url)
    return {
        # Rasa's RedisLockStore is not atomic across servers; this subclass is (bot/locks.py).
        "NOC_LOCK_STORE": "bot.locks.AtomicRedisLockStore",
        "NOC_REDIS_HOST": parts.hostname or "localhost",
        "NOC_REDIS_PORT": str(parts.port or 6379),
        "NOC_REDIS_DB": parts.path.strip("/") or "1",
        "NOC_REDIS_PASSWORD": parts.password or "",
    }


def _review(data_dir: Path) -> dict:
    """The staff review app: its own tables, where it reads conversations, how long they stay."""
    tracker_db = Path(_env("NOC_TRACKER_DB", str(data_dir / "tracker.db")))
    return {
        "review_port": _port("NOC_REVIEW_PORT", 8081),
        "review_db_url": _env("NOC_REVIEW_DB_URL", f"sqlite:///{data_dir / 'review.db'}"),
        # The tracker store as an SQLAlchemy URL (PostgreSQL in production).
        "tracker_url": _env("NOC_TRACKER_URL", f"sqlite:///{tracker_db}"),
        # Conversations and consultation requests are deleted after these many days.
        "retention_days": _days("NOC_RETENTION_DAYS", 90),
        "lead_retention_days": _days("NOC_LEAD_RETENTION_DAYS", 365),
        # Browsers send Secure cookies only over https (and to localhost); switch off only for
        # a plain-http test set-up on another host.
        "review_secure_cookie": _env("NOC_REVIEW_SECURE_COOKIE", "true").lower() != "false",
    }


def _days(name: str, default: int) -> int:
    raw = _env(name, str(default))
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{name} must be a whole number of days (1 or more), not {raw!r}")
    return int(raw)


def _twilio(host: str) -> dict:
    """SMS and WhatsApp through Twilio. Without an auth token the channel refuses everything."""
    rasa_url = _url("NOC_PUBLIC_RASA_URL", f"http://{host}:{_port('NOC_RASA_PORT', 5005)}")
    parts = _env("NOC_SMS_PART_CHARS", "320")
    if not parts.isdigit() or not 70 <= int(parts) <= 1600:
        raise ValueError(f"NOC_SMS_PART_CHARS must be a number from 70 to 1600, not {parts!r}")
    return {
        "twilio_auth_token": os.environ.get("NOC_TWILIO_AUTH_TOKEN", ""),  # secret: no default
        # The webhook address exactly as entered in Twilio's console: Twilio signs it, and
        # behind a proxy it differs from the address Rasa sees.
        "twilio_public_url": _url(
            "NOC_TWILIO_PUBLIC_URL", f"{rasa_url.rstrip('/')}/webhooks/twilio/webhook"
        ),
        # Keys the HMAC that turns phone numbers into conversation ids. Keep it stable: a new
        # key starts new conversations for everyone.
        "sender_hash_key": os.environ.get("NOC_SENDER_HASH_KEY", ""),  # secret: no default
        "sms_part_chars": int(parts),
    }


def _web(host: str) -> dict:
    """The website widget: where the page is served, where browsers reach Rasa, who may embed it."""
    web_port = _port("NOC_WEB_PORT", 8080)
    rasa_port = _port("NOC_RASA_PORT", 5005)
    # The address a visitor's browser uses for Rasa's socket.io channel. Behind a proxy this is
    # the public https address, not the loopback one Rasa listens on.
    public_rasa_url = _url("NOC_PUBLIC_RASA_URL", f"http://{host}:{rasa_port}")
    # Pages allowed to open the chat (the firm's website). Every other origin is refused by the
    # socket.io server, so another site cannot embed the assistant and talk through it.
    default_origins = f"http://{host}:{web_port} http://localhost:{web_port}"
    origins = tuple(dict.fromkeys(
        _origin(o) for o in _env("NOC_WIDGET_ORIGINS", default_origins).replace(",", " ").split()
    ))  # fmt: skip
    return {
        "web_port": web_port,
        "public_rasa_url": public_rasa_url,
        "widget_origins": origins,
        # Where "Leave quickly" sends the visitor: a neutral, fast site.
        "widget_exit_url": _url("NOC_WIDGET_EXIT_URL", "https://weather.gc.ca/"),
    }


def _url(name: str, default: str) -> str:
    value = _env(name, default)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{name} must be an http(s) address, not {value!r}")
    return value


def _origin(value: str) -> str:
    """An origin exactly as browsers send it: scheme://host[:port], no path, no trailing slash."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError(
            f"NOC_WIDGET_ORIGINS entries must look like https://www.example.ca, not {value!r}"
        )
    return f"{parts.scheme}://{parts.netloc}".lower()


def _destination(value: str) -> str:
    if value not in ("local", "webhook", "clio_grow"):
        raise ValueError(f"NOC_LEAD_DESTINATION must be local, webhook or clio_grow, not {value!r}")
    return value
