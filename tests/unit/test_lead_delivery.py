"""Delivery against a real HTTP server on loopback, with injected failures.

Whatever fails, the lead stays in the outbox, is retried, and reaches the destination once.
"""

from __future__ import annotations

import json
import socket
from datetime import timedelta

import pytest

from bot.leads import destinations
from bot.leads.delivery import MAX_ATTEMPTS, RetryLoop, backoff, deliver_due, deliver_one
from bot.leads.destinations import ClioGrowLeadInbox, SignedWebhook, verify_signature
from bot.leads.outbox import DELIVERED, FAILED, PENDING, Outbox, leads, utcnow
from tests.support.fake_destination import FakeDestination

PAYLOAD = {"name": "Sam Lee", "contact_kind": "phone", "contact": "+14165550123",
           "message_ok": False, "time_window": "morning", "court_date": None,
           "courthouse": None, "role": "accused", "channel": "rest", "consent": True}  # fmt: skip
SECRET = "test-secret"


@pytest.fixture(params=["sqlite", "postgresql"])
def outbox(request, tmp_path):
    """The same tests on the embedded default and on a real PostgreSQL server."""
    if request.param == "sqlite":
        return Outbox(f"sqlite:///{tmp_path / 'outbox.db'}")
    box = Outbox(request.getfixturevalue("postgres_url"))
    with box.engine.begin() as db:
        db.execute(leads.delete())
    return box


@pytest.fixture
def fake():
    with FakeDestination() as server:
        yield server


@pytest.fixture(autouse=True)
def short_timeouts(monkeypatch):
    monkeypatch.setattr(destinations, "TIMEOUT", (0.5, 0.5))


def drain(outbox, destination, rounds=10):
    """Run delivery rounds, moving the clock past each backoff."""
    now = utcnow()
    for _ in range(rounds):
        deliver_due(outbox, destination, now)
        now += timedelta(minutes=20)


def test_the_outbox_refuses_a_second_copy_of_a_lead(outbox):
    assert outbox.add("lead-1", PAYLOAD)
    assert not outbox.add("lead-1", PAYLOAD)
    assert [lead.id for lead in outbox.list()] == ["lead-1"]


@pytest.mark.parametrize("faults", [["500"], ["500", "500", "500"], ["slow"], ["slow", "500"]])
def test_webhook_failures_are_retried_and_delivered_exactly_once(outbox, fake, faults):
    fake.faults = list(faults)
    outbox.add("lead-1", PAYLOAD)
    drain(outbox, SignedWebhook(fake.url, SECRET))
    lead = outbox.get("lead-1")
    assert lead.status == DELIVERED and lead.attempts == len(faults) + 1
    assert list(fake.leads) == ["lead-1"]  # one lead at the receiver, however many requests


def test_malformed_success_body_counts_as_delivered_and_is_not_resent(outbox, fake):
    fake.faults = ["malformed"]
    outbox.add("lead-1", PAYLOAD)
    drain(outbox, SignedWebhook(fake.url, SECRET))
    assert outbox.get("lead-1").status == DELIVERED
    assert len(fake.requests) == 1


def test_connection_refused_keeps_the_lead_pending(outbox):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket closes
    outbox.add("lead-1", PAYLOAD)
    assert (
        deliver_one(outbox, SignedWebhook(f"http://127.0.0.1:{port}/x", SECRET), "lead-1")
        == "retry"
    )
    lead = outbox.get("lead-1")
    assert lead.status == PENDING and "connection" in lead.last_error
    assert lead.next_attempt_at > utcnow()


def test_a_permanent_error_stops_retrying_and_keeps_the_lead(outbox, fake):
    fake.faults = ["400"]
    outbox.add("lead-1", PAYLOAD)
    drain(outbox, SignedWebhook(fake.url, SECRET))
    lead = outbox.get("lead-1")
    assert lead.status == FAILED and lead.last_error == "HTTP 400"
    assert outbox.requeue("lead-1")
    drain(outbox, SignedWebhook(fake.url, SECRET))
    assert outbox.get("lead-1").status == DELIVERED


def test_retries_stop_after_the_maximum(outbox, fake):
    fake.faults = ["500"] * (MAX_ATTEMPTS + 5)
    outbox.add("lead-1", PAYLOAD)
    drain(outbox, SignedWebhook(fake.url, SECRET), rounds=MAX_ATTEMPTS + 3)
    lead = outbox.get("lead-1")
    assert lead.status == FAILED and lead.attempts == MAX_ATTEMPTS


def test_webhook_is_signed_with_hmac_sha256(outbox, fake):
    outbox.add("lead-1", PAYLOAD)
    drain(outbox, SignedWebhook(fake.url, SECRET))
    request = fake.requests[0]
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["idempotency-key"] == "lead-1"
    assert verify_signature(
        SECRET, headers["x-noc-timestamp"], request["body"], headers["x-noc-signature"]
    )
    assert not verify_signature(
        "wrong", headers["x-noc-timestamp"], request["body"], headers["x-noc-signature"]
    )


def test_clio_grow_gets_its_lead_inbox_format(outbox, fake):
    outbox.add("lead-1", {**PAYLOAD, "contact_kind": "email", "contact": "sam@example.ca"})
    drain(outbox, ClioGrowLeadInbox("token-123", url=fake.url))
    body = json.loads(fake.requests[0]["body"])
    assert body["inbox_lead_token"] == "token-123"
    lead = body["inbox_lead"]
    assert (lead["from_first"], lead["from_last"], lead["from_email"]) == (
        "Sam",
        "Lee",
        "sam@example.ca",
    )
    assert "Safe to leave a message: NO" in lead["from_message"]
    assert "Reference: lead-1" in lead["from_message"]
    headers = {k.lower(): v for k, v in fake.requests[0]["headers"].items()}
    assert headers["accept"] == "application/json"


def test_clio_grow_regions_and_missing_token():
    assert ClioGrowLeadInbox("t").url == "https://ca.grow.clio.com/inbox_leads"
    with pytest.raises(ValueError):
        ClioGrowLeadInbox("")
    with pytest.raises(ValueError):
        ClioGrowLeadInbox("t", region="mars")


def test_only_one_process_can_claim_a_lead(outbox):
    outbox.add("lead-1", PAYLOAD)
    assert outbox.claim("lead-1")
    assert not outbox.claim("lead-1")
    assert outbox.due() == []


def test_backoff_grows_and_is_capped():
    delays = [backoff(n).total_seconds() for n in range(12)]
    assert 5 <= delays[0] <= 6 and 10 <= delays[1] <= 12
    assert max(delays) <= 15 * 60 * 1.2


def test_retry_loop_delivers_in_the_background(outbox, fake):
    outbox.add("lead-1", PAYLOAD)
    loop = RetryLoop(outbox, SignedWebhook(fake.url, SECRET), interval_s=0.05).start()
    try:
        import time

        deadline = time.monotonic() + 5
        while outbox.get("lead-1").status != DELIVERED and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        loop.stop()
    assert outbox.get("lead-1").status == DELIVERED
