import pytest

from bot import settings


def test_defaults_run_on_loopback_with_a_local_sqlite_file(monkeypatch):
    for name in ("NOC_HOST", "NOC_RASA_PORT", "NOC_TRACKER_DB", "NOC_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    config = settings.load()
    assert config.host == "127.0.0.1"
    assert config.rasa_port == 5005 and config.action_port == 5055
    assert config.tracker_db.name == "tracker.db" and config.tracker_db.parent.name == "var"
    assert config.rasa_env()["NOC_ACTION_ENDPOINT_URL"] == "http://127.0.0.1:5055/webhook"


@pytest.mark.parametrize("value", ["abc", "0", "70000"])
def test_bad_ports_are_refused_with_the_variable_named(monkeypatch, value):
    monkeypatch.setenv("NOC_RASA_PORT", value)
    with pytest.raises(ValueError, match="NOC_RASA_PORT"):
        settings.load()


def test_to_env_round_trips_every_setting(monkeypatch, tmp_path):
    """The launcher passes settings to its children with to_env(); none may be lost on the way."""
    import dataclasses

    monkeypatch.setenv("NOC_DATA_DIR", str(tmp_path))
    config = dataclasses.replace(
        settings.load(), rasa_port=6105, firm_phone="416-555-0100", lead_destination="webhook",
        webhook_url="http://127.0.0.1:9/x", webhook_secret="s", clio_grow_token="t",
        clio_grow_region="us", firm_response_time="Soon.", outbox_url="sqlite:////tmp/o.db",
    )  # fmt: skip
    for name, value in config.to_env().items():
        monkeypatch.setenv(name, value)
    assert settings.load() == config
