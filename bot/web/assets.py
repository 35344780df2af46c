"""What the website server sends: the widget script with its texts, the demo page, their headers.

Pure functions of the settings and the content files, so tests reach them without a server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from string import Template
from typing import Any, Dict, List
from urllib.parse import urlsplit

import yaml

from bot.settings import ROOT, Settings

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
VENDOR_DIR = ROOT / "build" / "web" / "vendor"
WIDGET_TEXT_FILE = ROOT / "bot" / "content" / "widget.yml"
DOMAIN_FILE = ROOT / "domain.yml"
CONFIG_MARKER = "/*@NOC_CONFIG@*/ {}"
# The domain responses the widget shows when it opens, before anything is sent.
OPENING_RESPONSES = ("utter_greet", "utter_how_can_help")
DEMO_FIRM_NAME = "Example Defence Law"


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    # The demo page must never be cached or kept in the back-forward cache (no-store); the
    # widget files may be cached but are checked each time, so a fix reaches everyone.
    cache: str = "no-cache"


def widget_texts(path: Path = WIDGET_TEXT_FILE) -> Dict[str, str]:
    texts = yaml.safe_load(path.read_text(encoding="utf-8"))
    bad = [key for key, value in texts.items() if not isinstance(value, str) or not value.strip()]
    if bad:
        raise ValueError(f"{path}: every widget text must be a non-empty string: {bad}")
    return {key: " ".join(value.split()) for key, value in texts.items()}


def opening_messages(domain: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The greeting and the starter buttons, in the shape Rasa's socket.io channel sends."""
    messages = []
    for name in OPENING_RESPONSES:
        variant = domain["responses"][name][0]
        message: Dict[str, Any] = {"text": " ".join(variant["text"].split())}
        if variant.get("buttons"):
            message["quick_replies"] = [
                {"title": b["title"], "payload": b["payload"]} for b in variant["buttons"]
            ]
        messages.append(message)
    return messages


def js_value(value: Any) -> str:
    """JSON that is also safe inside a script: no "</script>", no raw line separators."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def widget_config(config: Settings, domain: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "server": config.public_rasa_url,
        "exitUrl": config.widget_exit_url,
        "text": widget_texts(),
        "opening": opening_messages(domain),
    }


def render_widget(config: Settings, domain: Dict[str, Any]) -> bytes:
    source = (STATIC_DIR / "noc-widget.js").read_text(encoding="utf-8")
    if source.count(CONFIG_MARKER) != 1:
        raise ValueError(f"noc-widget.js must contain {CONFIG_MARKER!r} exactly once")
    return source.replace(CONFIG_MARKER, js_value(widget_config(config, domain))).encode()


def websocket_origin(url: str) -> str:
    parts = urlsplit(url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}"


def http_origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(config: Settings) -> str:
    """The demo page may run only its own files and talk only to the Rasa server."""
    rasa = config.public_rasa_url
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            f"connect-src 'self' {http_origin(rasa)} {websocket_origin(rasa)}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def render_page(config: Settings) -> bytes:
    firm = config.firm_name if config.firm_name != "the firm" else DEMO_FIRM_NAME
    template = Template((WEB_DIR / "templates" / "demo-page.html").read_text(encoding="utf-8"))
    return template.substitute(firm_name=escape(firm)).encode()


def load_assets(config: Settings) -> Dict[str, Asset]:
    """Every path the website server answers, built once at start."""
    vendor = VENDOR_DIR / "socket.io.min.js"
    if not vendor.exists():
        raise FileNotFoundError(
            f"{vendor} is missing: run `make web` (it fetches the socket.io client from npm)"
        )
    domain = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))
    js = "text/javascript; charset=utf-8"
    css = "text/css; charset=utf-8"
    return {
        "/": Asset(render_page(config), "text/html; charset=utf-8", cache="no-store"),
        "/demo.css": Asset((STATIC_DIR / "demo.css").read_bytes(), css),
        "/widget/noc-widget.js": Asset(render_widget(config, domain), js),
        "/widget/noc-widget.css": Asset((STATIC_DIR / "noc-widget.css").read_bytes(), css),
        "/widget/vendor/socket.io.min.js": Asset(vendor.read_bytes(), js),
        # Browsers ask for it on every page; an empty answer keeps the logs free of 404s.
        "/favicon.ico": Asset(b"", "image/x-icon"),
        "/healthz": Asset(b'{"status": "ok"}', "application/json", cache="no-store"),
    }
