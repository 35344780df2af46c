"""Rasa's own server, started with the project's fixes to Rasa Open Source 3.6 applied first.

``python -m bot.rasa_server run --model ...`` takes exactly the arguments of ``rasa run``; the
launcher, the tests and the benchmark start Rasa this way, so every Rasa process has the same
fixes. Each fix lives in ``patches.py`` with the measurement that justified it.
"""
