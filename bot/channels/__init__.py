"""Rasa input channels of our own (registered by class path in credentials.yml)."""
