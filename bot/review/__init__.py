"""The staff review app: conversations and consultation requests for intake staff (port 8081).

It reads Rasa's tracker store and the leads outbox, and writes only its own tables (accounts,
sessions, audit log, notes, reviewed marks). It never talks to the people using the assistant.
"""
