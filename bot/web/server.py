"""Serves the demo firm page and the widget files on port 8080 (NOC_WEB_PORT).

Static files from memory, GET and HEAD only, with headers that keep the page out of caches and
limit what it may load. On the firm's real site the page is theirs; this server (or any static
host, or a CDN the firm controls) then only serves /widget/.
"""

from __future__ import annotations

import logging
import signal
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict
from urllib.parse import urlsplit

from bot import settings as settings_module
from bot.settings import Settings
from bot.web.assets import Asset, content_security_policy, load_assets

logger = logging.getLogger("bot.web")

COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def make_handler(assets: Dict[str, Asset], csp: str) -> type:
    class Handler(BaseHTTPRequestHandler):
        server_version = "noc-web"
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - the http.server naming
            self._answer(with_body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(with_body=False)

        def _refuse(self) -> None:
            self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"Only GET and HEAD.\n", "text/plain",
                       extra={"Allow": "GET, HEAD"})  # fmt: skip

        do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse  # noqa: N815

        def _answer(self, with_body: bool) -> None:
            path = urlsplit(self.path).path
            asset = assets.get(path)
            if asset is None:
                self._send(HTTPStatus.NOT_FOUND, b"Not found.\n", "text/plain", body=with_body)
                return
            extra = {"Cache-Control": asset.cache}
            if asset.content_type.startswith("text/html"):
                extra["Content-Security-Policy"] = csp
            self._send(HTTPStatus.OK, asset.body, asset.content_type, extra=extra, body=with_body)

        def _send(self, status, payload: bytes, content_type: str, extra=None, body=True) -> None:
            self.send_response(status)
            headers = {**COMMON_HEADERS, **(extra or {})}
            headers.setdefault("Cache-Control", "no-store")
            headers["Content-Type"] = content_type
            headers["Content-Length"] = str(len(payload))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(payload)

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - base class name
            # Method, path (no query string) and status only: no addresses, no user agents.
            logger.info("%s %s", self.command, urlsplit(self.path).path[:200])

        def log_request(self, code="-", size="-") -> None:
            logger.info("%s %s %s", self.command, urlsplit(self.path).path[:200], code)

    return Handler


def make_server(config: Settings) -> ThreadingHTTPServer:
    handler = make_handler(load_assets(config), content_security_policy(config))
    server = ThreadingHTTPServer((config.host, config.web_port), handler)
    server.daemon_threads = True
    return server


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = settings_module.load()
    try:
        server = make_server(config)
    except (FileNotFoundError, OSError) as error:
        print(f"ERROR: the website server cannot start: {error}", file=sys.stderr)
        return 1

    def stop(signum, frame):  # noqa: ARG001 - signal handler signature
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    logger.info("Serving the demo page on http://%s:%s/", config.host, config.web_port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
