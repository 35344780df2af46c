"""Consultation requests: validation, the durable outbox, and delivery to the firm."""

# Only these people can ask the firm for a consultation; the complainant never can.
BOOKABLE_ROLES = ("accused", "family_member", "surety")
