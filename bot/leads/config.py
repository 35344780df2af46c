"""Build the outbox and the destination from settings (bot/settings.py)."""

from __future__ import annotations

from functools import lru_cache

from bot import settings
from bot.leads.destinations import ClioGrowLeadInbox, Destination, LocalStore, SignedWebhook
from bot.leads.outbox import Outbox


def destination_from(config: settings.Settings) -> Destination:
    if config.lead_destination == "clio_grow":
        return ClioGrowLeadInbox(
            config.clio_grow_token, config.clio_grow_region, config.clio_grow_url
        )
    if config.lead_destination == "webhook":
        return SignedWebhook(config.webhook_url, config.webhook_secret)
    return LocalStore()


@lru_cache(maxsize=4)
def outbox_for(url: str) -> Outbox:
    return Outbox(url)
