"""Runs last in the end-to-end session (pytest takes files in name order): after every other
test has driven the servers, including refused Twilio requests and lead deliveries that failed
and were retried, no server's log holds a secret."""

from tests.e2e.conftest import TWILIO_TOKEN


def test_no_secret_in_any_log(stack):
    secrets = [TWILIO_TOKEN, stack.config.webhook_secret, stack.config.sender_hash_key]
    assert all(secrets)
    logs = sorted(stack.log_dir.glob("*.log"))
    assert {p.name for p in logs} >= {"rasa.log", "actions.log", "worker.log"}
    for log in logs:
        text = log.read_text(errors="replace")
        for secret in secrets:
            assert secret not in text, f"{log.name} holds a secret"
