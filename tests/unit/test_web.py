"""The website server and what it sends, without a browser (tests/browser/ has the browser)."""

from __future__ import annotations

import dataclasses
import json
import re
import threading

import pytest
import requests

from bot import settings
from bot.channels.socketio import OriginCheckedSocketIOInput, parse_origins
from bot.web import assets
from bot.web.server import make_server
from tests.support.stack import free_port


@pytest.fixture
def config(tmp_path):
    return dataclasses.replace(
        settings.load(),
        web_port=free_port(),
        public_rasa_url="https://chat.example-firm.ca",
        widget_exit_url="https://weather.gc.ca/",
    )


def widget_config_in(script: bytes) -> dict:
    match = re.search(rb"var CONFIG = (\{.*?\});\n", script)
    assert match, "the widget's CONFIG was not filled in"
    return json.loads(match.group(1))


def test_the_widget_opens_with_the_domains_greeting_and_starter_buttons(config, domain_yaml):
    opening = widget_config_in(assets.render_widget(config, domain_yaml))["opening"]
    greeting = " ".join(domain_yaml["responses"]["utter_greet"][0]["text"].split())
    assert opening[0] == {"text": greeting}
    starters = domain_yaml["responses"]["utter_how_can_help"][0]["buttons"]
    assert [r["payload"] for r in opening[1]["quick_replies"]] == [b["payload"] for b in starters]


def test_the_widget_gets_its_server_exit_address_and_texts(config, domain_yaml):
    filled = widget_config_in(assets.render_widget(config, domain_yaml))
    assert filled["server"] == "https://chat.example-firm.ca"
    assert filled["exitUrl"] == "https://weather.gc.ca/"
    assert filled["text"]["exit_button"] == "Leave quickly"
    assert "911" in filled["text"]["notice"] and "911" in filled["text"]["status_offline"]


def test_values_put_into_the_script_cannot_close_it():
    hostile = {"t": "</script><script>alert(1)</script>\u2028&"}
    literal = assets.js_value(hostile)
    assert "</script>" not in literal and "<" not in literal and "\u2028" not in literal
    assert json.loads(literal) == hostile


def test_widget_texts_must_all_be_filled_in(tmp_path):
    bad = tmp_path / "widget.yml"
    bad.write_text("launcher: Chat\nnotice: ''\n")
    with pytest.raises(ValueError, match="notice"):
        assets.widget_texts(bad)


def test_the_page_may_only_talk_to_the_rasa_server(config):
    csp = assets.content_security_policy(config)
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "connect-src 'self' https://chat.example-firm.ca wss://chat.example-firm.ca" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_the_firm_name_on_the_page_is_escaped(config):
    page = assets.render_page(dataclasses.replace(config, firm_name="Lee & <Co>")).decode()
    assert "Lee &amp; &lt;Co&gt;" in page and "<Co>" not in page
    assert page.count("<script") == 1 and 'src="/widget/noc-widget.js"' in page


@pytest.fixture
def server(config):
    httpd = make_server(config)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{config.web_port}"
    httpd.shutdown()
    httpd.server_close()


def test_the_server_sends_the_page_with_safety_headers(server):
    reply = requests.get(server + "/", timeout=5)
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "no-store"  # no copy on disk, no back-forward cache
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"]
    assert "Leave quickly" in reply.text and "Shift" in reply.text


def test_the_server_sends_the_widget_and_its_socketio_client(server):
    script = requests.get(server + "/widget/noc-widget.js", timeout=5)
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert b"/*@NOC_CONFIG@*/" not in script.content
    client = requests.get(server + "/widget/vendor/socket.io.min.js", timeout=5)
    assert client.status_code == 200 and b"Socket.IO" in client.content[:300]
    assert requests.get(server + "/widget/noc-widget.css", timeout=5).status_code == 200


@pytest.mark.parametrize("path", ["/etc/passwd", "/../bot/settings.py", "/widget/", "/x?y=1"])
def test_unknown_paths_are_404(server, path):
    assert requests.get(server + path, timeout=5).status_code == 404


def test_only_get_and_head(server):
    assert requests.head(server + "/", timeout=5).status_code == 200
    reply = requests.post(server + "/", data=b"x", timeout=5)
    assert reply.status_code == 405 and reply.headers["Allow"] == "GET, HEAD"


def test_missing_socketio_client_is_a_clear_error(config, monkeypatch, tmp_path):
    monkeypatch.setattr(assets, "VENDOR_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match="make web"):
        assets.load_assets(config)


def test_default_origins_are_the_demo_page(monkeypatch):
    for name in ("NOC_WIDGET_ORIGINS", "NOC_WEB_PORT", "NOC_HOST"):
        monkeypatch.delenv(name, raising=False)
    config = settings.load()
    assert config.widget_origins == ("http://127.0.0.1:8080", "http://localhost:8080")
    assert config.rasa_env()["NOC_WIDGET_ORIGINS"] == "http://127.0.0.1:8080 http://localhost:8080"


def test_origins_are_normalised_and_checked(monkeypatch):
    monkeypatch.setenv("NOC_WIDGET_ORIGINS", "https://WWW.Firm.ca/, https://firm.ca")
    assert settings.load().widget_origins == ("https://www.firm.ca", "https://firm.ca")
    monkeypatch.setenv("NOC_WIDGET_ORIGINS", "https://firm.ca/contact")
    with pytest.raises(ValueError, match="NOC_WIDGET_ORIGINS"):
        settings.load()
    monkeypatch.setenv("NOC_WIDGET_ORIGINS", "*")
    with pytest.raises(ValueError, match="NOC_WIDGET_ORIGINS"):
        settings.load()


@pytest.mark.parametrize("name", ["NOC_WIDGET_EXIT_URL", "NOC_PUBLIC_RASA_URL"])
@pytest.mark.parametrize("value", ["javascript:alert(1)", "weather.gc.ca", "ftp://x"])
def test_addresses_must_be_http(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        settings.load()


def test_channel_origins_come_from_credentials():
    assert parse_origins("http://a:1, https://B.ca/") == ["http://a:1", "https://b.ca"]
    assert parse_origins(["https://b.ca"]) == ["https://b.ca"]
    channel = OriginCheckedSocketIOInput.from_credentials(
        {"allowed_origins": "https://www.firm.ca", "session_persistence": True}
    )
    assert channel.allowed_origins == ["https://www.firm.ca"]
    assert channel.session_persistence is True


@pytest.mark.parametrize("credentials", [{}, {"allowed_origins": ""}, None])
def test_channel_refuses_to_start_without_origins(credentials):
    with pytest.raises(ValueError, match="allowed_origins"):
        OriginCheckedSocketIOInput.from_credentials(credentials)


def test_channel_switches_the_origin_check_on():
    channel = OriginCheckedSocketIOInput.from_credentials({"allowed_origins": "https://firm.ca"})

    async def on_message(message):  # never called here
        raise AssertionError

    channel.blueprint(on_message)
    assert channel.sio.eio.cors_allowed_origins == ["https://firm.ca"]
    assert channel.sio.eio.cors_credentials is False
