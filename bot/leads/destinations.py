"""Where consultation requests go: one small interface, three implementations.

- ``LocalStore``: nothing configured; the outbox itself is the record staff read.
- ``SignedWebhook``: a generic JSON POST signed with HMAC-SHA256 (``X-NOC-Signature``).
- ``ClioGrowLeadInbox``: Clio Grow's Lead Inbox endpoint, regional URL, inbox token.

Every call has a timeout and carries the lead id as ``Idempotency-Key``. ``deliver`` returns on
success and raises ``DeliveryError`` otherwise, saying whether a retry can help.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any, Dict, Optional

import requests

# (connect, read) seconds: a slow destination must never hold a conversation.
TIMEOUT = (3.05, 10)
CLIO_GROW_REGIONS = {
    "us": "https://grow.clio.com/inbox_leads",
    "eu": "https://eu.grow.clio.com/inbox_leads",
    "au": "https://au.grow.clio.com/inbox_leads",
    "ca": "https://ca.grow.clio.com/inbox_leads",
}


class DeliveryError(Exception):
    def __init__(self, message: str, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


def _post(url: str, body: bytes, headers: Dict[str, str], session: requests.Session) -> None:
    try:
        response = session.post(url, data=body, headers=headers, timeout=TIMEOUT)
    except requests.Timeout as error:
        raise DeliveryError(f"timeout: {type(error).__name__}", retryable=True) from error
    except requests.RequestException as error:
        raise DeliveryError(f"connection: {type(error).__name__}", retryable=True) from error
    if 200 <= response.status_code < 300:
        return  # the body is not needed; a malformed one must not cause a second lead
    retryable = response.status_code in (408, 409, 425, 429) or response.status_code >= 500
    raise DeliveryError(f"HTTP {response.status_code}", retryable=retryable)


class Destination:
    name = "destination"

    def deliver(self, lead_id: str, payload: Dict[str, Any]) -> None:  # pragma: no cover
        raise NotImplementedError


class LocalStore(Destination):
    """No outside service: the lead is already safe in the outbox, where staff read it."""

    name = "local"

    def deliver(self, lead_id: str, payload: Dict[str, Any]) -> None:
        return None


class SignedWebhook(Destination):
    name = "webhook"

    def __init__(self, url: str, secret: str, session: Optional[requests.Session] = None):
        if not secret:
            raise ValueError("a webhook destination needs NOC_WEBHOOK_SECRET")
        self.url, self.secret = url, secret.encode()
        self.session = session or requests.Session()

    def signature(self, timestamp: str, body: bytes) -> str:
        digest = hmac.new(self.secret, timestamp.encode() + b"." + body, hashlib.sha256)
        return "sha256=" + digest.hexdigest()

    def deliver(self, lead_id: str, payload: Dict[str, Any]) -> None:
        body = json.dumps({"id": lead_id, "lead": payload}, sort_keys=True).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": lead_id,
            "X-NOC-Timestamp": timestamp,
            "X-NOC-Signature": self.signature(timestamp, body),
        }
        _post(self.url, body, headers, self.session)


def verify_signature(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """For receivers (and tests): constant-time check of X-NOC-Signature."""
    expected = SignedWebhook("http://unused", secret).signature(timestamp, body)
    return hmac.compare_digest(expected, signature or "")


class ClioGrowLeadInbox(Destination):
    """Clio Grow's Lead Inbox API: POST {inbox_lead_token, inbox_lead{...}} as JSON."""

    name = "clio_grow"

    def __init__(self, token: str, region: str = "ca", url: str = "", session=None):
        if not token:
            raise ValueError("Clio Grow needs NOC_CLIO_GROW_TOKEN")
        if not url and region not in CLIO_GROW_REGIONS:
            raise ValueError(
                f"unknown Clio Grow region {region!r}; use one of {sorted(CLIO_GROW_REGIONS)}"
            )
        self.url = url or CLIO_GROW_REGIONS[region]
        self.token = token
        self.session = session or requests.Session()

    @staticmethod
    def inbox_lead(lead_id: str, payload: Dict[str, Any]) -> Dict[str, Any]:
        first, _, last = (payload.get("name") or "").partition(" ")
        lines = [
            "Consultation request from the no-contact-order assistant.",
            f"Role: {payload.get('role')}",
            f"Best way to reach: {payload.get('contact_kind')}",
            f"Safe to leave a message: {'yes' if payload.get('message_ok') else 'NO'}",
            f"Preferred time: {payload.get('time_window')}",
            f"Next court date: {payload.get('court_date') or 'not given'}",
            f"Courthouse: {payload.get('courthouse') or 'not given'}",
            f"Reference: {lead_id}",
        ]
        lead = {
            "from_first": first or "(not given)",
            "from_last": last or "(not given)",
            "from_message": "\n".join(lines),
            "from_source": "No-contact-order assistant",
            "referring_url": payload.get("channel") or "",
        }
        if payload.get("contact_kind") == "email":
            lead["from_email"] = payload.get("contact")
        else:
            lead["from_phone"] = payload.get("contact")
        return lead

    def deliver(self, lead_id: str, payload: Dict[str, Any]) -> None:
        body = json.dumps(
            {"inbox_lead_token": self.token, "inbox_lead": self.inbox_lead(lead_id, payload)}
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Idempotency-Key": lead_id,
        }
        _post(self.url, body, headers, self.session)
