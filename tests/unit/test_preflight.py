"""The checks bot.rasa_server makes before Rasa starts (bot/rasa_server/preflight.py)."""

import pytest

from bot.rasa_server import preflight
from tests.support.stack import free_port

TOKEN = "t" * 40


def test_the_api_off_needs_nothing():
    assert preflight.api_problem(["run", "--interface", "0.0.0.0"], "") is None


@pytest.mark.parametrize(
    "argv, token, says",
    [
        (["run", "--enable-api", "--interface", "127.0.0.1"], "", "NOC_RASA_API_TOKEN"),
        (["run", "--enable-api", "--interface", "127.0.0.1"], "short", "at least 32"),
        (["run", "--enable-api", "--interface", "0.0.0.0"], TOKEN, "loopback"),
        (["run", "--enable-api"], TOKEN, "loopback"),  # Rasa's default is every interface
        (["run", "--enable-api", "-i", "10.0.0.5"], TOKEN, "loopback"),
        (["run", "--enable-api", "--interface", "127.0.0.1", "--auth-token", TOKEN], TOKEN,
         "process list"),
        (["run", "--enable-api", "--interface=::1", "--jwt-secret=x"], TOKEN, "process list"),
    ],
)  # fmt: skip
def test_the_api_on_needs_a_strong_token_and_loopback(argv, token, says):
    assert says in preflight.api_problem(argv, token)


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.2"])
def test_the_api_on_loopback_with_a_token_is_allowed(host):
    assert preflight.api_problem(["run", "--enable-api", "--interface", host], TOKEN) is None


def test_database_addresses_are_shown_without_their_password():
    shown = preflight.safe_url("postgresql://rasa:s3cret@db:5432/noc")
    assert "s3cret" not in shown and "db:5432/noc" in shown


def test_a_reachable_tracker_store_passes(tmp_path):
    assert preflight.tracker_store_problem(f"sqlite:///{tmp_path / 't.db'}", 0) is None


@pytest.mark.parametrize("url", ["", "not a url", "nosuchdriver://x/y"])
def test_a_tracker_url_that_is_not_usable_is_named(url):
    assert "NOC_TRACKER_URL" in preflight.tracker_store_problem(url, 0)


def test_an_unreachable_tracker_store_fails_after_waiting():
    url = f"postgresql://rasa:pw-not-shown@127.0.0.1:{free_port()}/noc"
    problem = preflight.tracker_store_problem(url, 0.5, pause_s=0.1)
    assert "Cannot reach the tracker store" in problem and "pw-not-shown" not in problem
