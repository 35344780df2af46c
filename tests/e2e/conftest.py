"""One stack for the end-to-end tests: the real servers on free loopback ports, with their own
SQLite stores in a temporary folder, so the tests never touch a developer's `make run` or its
data. Lead delivery goes to a webhook stand-in; the Twilio channel is on, with a test token,
behind a pretend proxy (Twilio signs the public https address, Rasa listens on loopback).
"""

from __future__ import annotations

import pytest

from tests.support.fake_destination import FakeDestination
from tests.support.stack import running_stack, stack_settings

TWILIO_TOKEN = "test-twilio-auth-token"
TWILIO_PUBLIC_URL = "https://chat.example-firm.ca/webhooks/twilio/webhook"


@pytest.fixture(scope="session")
def destination():
    with FakeDestination() as fake:
        fake.faults = ["500"]  # the first delivery attempt fails; the lead must still arrive once
        yield fake


@pytest.fixture(scope="session")
def stack(tmp_path_factory, destination):
    data_dir = tmp_path_factory.mktemp("e2e")
    config = stack_settings(
        data_dir,
        lead_destination="webhook",
        webhook_url=destination.url,
        webhook_secret="e2e-secret",
        twilio_auth_token=TWILIO_TOKEN,
        twilio_public_url=TWILIO_PUBLIC_URL,
        sender_hash_key="e2e-sender-hash-key",
    )
    with running_stack(config) as running:
        yield running
