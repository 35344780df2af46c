"""A real HTTP server on loopback standing in for a lead destination (webhook or Clio Grow).

It records every request, keeps one lead per Idempotency-Key (as a careful receiver does), and
can be told to misbehave for the next N requests: HTTP 500, a slow answer, a malformed body.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List


class FakeDestination:
    def __init__(self) -> None:
        self.requests: List[Dict] = []
        self.leads: Dict[str, Dict] = {}
        self.faults: List[str] = []  # consumed one per request: "500", "slow", "malformed", "400"
        self.slow_seconds = 2.0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with fake.lock:
                    fault = fake.faults.pop(0) if fake.faults else None
                    fake.requests.append(
                        {"headers": dict(self.headers), "body": body, "fault": fault}
                    )
                if fault == "slow":
                    time.sleep(fake.slow_seconds)
                if fault in ("500", "400"):
                    self.send_response(int(fault))
                    self.end_headers()
                    return
                key = self.headers.get("Idempotency-Key")
                with fake.lock:
                    fake.leads.setdefault(key, json.loads(body))
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"<html>not json" if fault == "malformed" else b'{"ok": true}')

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/leads"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeDestination:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
