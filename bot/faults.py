"""What the assistant says when one of its own parts fails: 911 and the firm, never silence."""

from __future__ import annotations

from bot import settings
from bot.content.answers import content


def trouble_text() -> str:
    config = settings.load()
    firm = content().firm_contact(config.firm_phone, config.firm_booking_url)
    return content().prompt("service_trouble", firm_contact=firm)
