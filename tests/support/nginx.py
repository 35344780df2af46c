"""A real nginx on loopback in front of several Rasa servers (Debian's nginx).

REST and webhook requests go round-robin. socket.io requests stay with one server per client
address (`hash $remote_addr`), because a socket.io session lives in the server that opened it;
this is the sticky balancing the README asks for. (nginx's `ip_hash` would not do here: it
hashes only the first three octets, so every 127.0.0.x client would land on one server.)
Its access log records, for every request, the conversation (passed as ?c=) and the Rasa
server that handled it, so a test can see turns landing on different instances.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Dict, List, Set

from tests.support.stack import free_port, wait_for_port

CONFIG = """
worker_processes 1;
daemon off;
user root;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  log_format upstreams '$arg_c $upstream_addr $status';
  access_log {dir}/access.log upstreams;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  upstream rasa {{
{servers}
  }}
  upstream rasa_sticky {{
    hash $remote_addr consistent;
{servers}
  }}
  server {{
    listen 127.0.0.1:{port};
    location /socket.io/ {{
      proxy_pass http://rasa_sticky;
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_read_timeout 60s;
    }}
    location / {{
      proxy_pass http://rasa;
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_read_timeout 60s;
    }}
  }}
}}
"""


class Nginx:
    def __init__(self, upstream_ports: List[int]) -> None:
        self.binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(self.binary).exists():
            raise RuntimeError("nginx is not installed: run `make scale-bin`")
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="noc-nginx-"))
        servers = "\n".join(f"    server 127.0.0.1:{p};" for p in upstream_ports)
        (self.dir / "nginx.conf").write_text(
            CONFIG.format(dir=self.dir, port=self.port, servers=servers)
        )
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Nginx:
        self.process = subprocess.Popen(
            [self.binary, "-c", str(self.dir / "nginx.conf"), "-p", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        wait_for_port(self.port, self.process, "nginx")
        return self

    def upstreams_by_conversation(self) -> Dict[str, Set[str]]:
        seen: Dict[str, Set[str]] = {}
        for line in (self.dir / "access.log").read_text().splitlines():
            conversation, upstream, _status = line.split(" ")
            seen.setdefault(conversation, set()).add(upstream)
        return seen

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)
