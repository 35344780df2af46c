"""The website chat widget (static/) and the small server for the demo firm page (server.py)."""
