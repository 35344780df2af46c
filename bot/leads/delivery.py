"""Deliver what is due in the outbox, once each, retrying with exponential backoff."""

from __future__ import annotations

import logging
import random
import threading
from datetime import datetime, timedelta
from typing import Optional

from bot.leads.destinations import DeliveryError, Destination
from bot.leads.outbox import Outbox, utcnow

logger = logging.getLogger(__name__)

BASE_DELAY_S = 5
MAX_DELAY_S = 15 * 60
MAX_ATTEMPTS = 40  # about 8 hours of retries (the delay caps at 15 minutes), then staff step in


_JITTER = random.Random()


def backoff(attempts_so_far: int, rand: random.Random = _JITTER) -> timedelta:
    """5 s, 10 s, 20 s, ... capped at 15 minutes, with up to 20% jitter so retries spread out."""
    delay = min(MAX_DELAY_S, BASE_DELAY_S * 2**attempts_so_far)
    return timedelta(seconds=delay * (1 + 0.2 * rand.random()))


def deliver_one(outbox: Outbox, destination: Destination, lead_id: str,
                now: Optional[datetime] = None) -> str:  # fmt: skip
    """Try one lead if this process can claim it. Returns what happened, for logs and tests."""
    now = now or utcnow()
    if not outbox.claim(lead_id, now):
        return "skipped"
    lead = outbox.get(lead_id)
    try:
        destination.deliver(lead.id, lead.payload)
    except DeliveryError as error:
        if not error.retryable or lead.attempts + 1 >= MAX_ATTEMPTS:
            outbox.mark_failed(lead.id, str(error))
            logger.warning("lead %s not delivered, kept for staff: %s", lead.id, error)
            return "failed"
        outbox.mark_retry(lead.id, str(error), now + backoff(lead.attempts))
        logger.info("lead %s will be retried: %s", lead.id, error)
        return "retry"
    except Exception as error:  # a bug must not lose the lead: keep it and retry later
        outbox.mark_retry(
            lead.id, f"unexpected: {type(error).__name__}", now + backoff(lead.attempts)
        )
        logger.exception("lead %s: unexpected error while delivering", lead.id)
        return "retry"
    outbox.mark_delivered(lead.id, destination.name, now)
    logger.info("lead %s delivered to %s", lead.id, destination.name)
    return "delivered"


def deliver_due(outbox: Outbox, destination: Destination, now: Optional[datetime] = None) -> dict:
    results: dict = {}
    for lead_id in outbox.due(now):
        outcome = deliver_one(outbox, destination, lead_id, now)
        results[outcome] = results.get(outcome, 0) + 1
    return results


class RetryLoop:
    """A daemon thread that delivers what is due every few seconds until stopped."""

    def __init__(self, outbox: Outbox, destination: Destination, interval_s: float = 5.0):
        self.outbox, self.destination, self.interval_s = outbox, destination, interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lead-retry-loop", daemon=True)

    def start(self) -> RetryLoop:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                deliver_due(self.outbox, self.destination)
            except Exception:  # the database may be briefly away; try again next round
                logger.exception("lead retry loop: delivery round failed")
            self._stop.wait(self.interval_s)
