"""Deleting what is kept too long: conversations after NOC_RETENTION_DAYS, consultation
requests after NOC_LEAD_RETENTION_DAYS. Run by `python -m bot.review retention` and once a day
by the running app."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Dict

from bot.leads.outbox import Outbox
from bot.review.store import ReviewStore
from bot.settings import Settings

logger = logging.getLogger(__name__)
DAY_S = 24 * 3600


def apply_retention(config: Settings, store: ReviewStore, now: float = None) -> Dict[str, int]:
    now = time.time() if now is None else now
    conversations = store.delete_conversations_before(now - config.retention_days * DAY_S)
    cutoff = datetime.fromtimestamp(now, UTC) - timedelta(days=config.lead_retention_days)
    leads = Outbox(config.outbox_url).delete_before(cutoff)
    store.log("retention", "delete", f"{conversations} conversations, {leads} leads")
    logger.info("Retention: deleted %s conversations and %s leads", conversations, leads)
    return {"conversations": conversations, "leads": leads}


def start_daily(config: Settings, store: ReviewStore) -> threading.Event:
    """Run retention now and then every 24 hours in a background thread; set the event to stop."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                apply_retention(config, store)
            except Exception:  # a database hiccup must not end the job; try again tomorrow
                logger.exception("Retention failed; trying again in 24 hours")
            stop.wait(DAY_S)

    threading.Thread(target=loop, name="retention", daemon=True).start()
    return stop
