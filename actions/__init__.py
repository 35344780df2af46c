"""Custom actions for the no-contact-order assistant, one thin module per concern.

The action server loads every module in this package (``rasa run actions --actions actions``).
Each action reads slots, calls plain helpers in ``bot/`` and sends what they return.
"""
