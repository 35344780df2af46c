"""The staff review app through Flask's test client, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import time
import uuid

import pytest
import sqlalchemy as sa

from bot import settings
from bot.leads.outbox import Outbox
from bot.review.app import create_app
from bot.review.auth import MAX_FAILURES, Accounts
from bot.review.retention import apply_retention
from bot.review.store import ReviewStore
from tests.support import tracker_events

PASSWORD = "correct horse battery staple"
NOW = time.time()


@pytest.fixture(params=["sqlite", "postgresql"])
def urls(request, tmp_path):
    if request.param == "sqlite":
        yield {k: f"sqlite:///{tmp_path / (k + '.db')}" for k in ("tracker", "review", "outbox")}
        return
    server = request.getfixturevalue("postgres_url")
    name = f"review_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = server.rsplit("/", 1)[0] + "/" + name
    yield {"tracker": url, "review": url, "outbox": url}
    sa.create_engine(url).dispose()
    with admin.connect() as db:
        db.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def world(urls):
    """Three conversations, two consultation requests, one staff account, a logged-in client."""
    conversations = [
        tracker_events.booking(NOW - 3600),
        tracker_events.danger(NOW - 2 * 3600),
        tracker_events.not_understood(NOW - 2 * tracker_events.DAY),
    ]
    tracker_events.write(urls["tracker"], conversations)
    outbox = Outbox(urls["outbox"])
    outbox.add("lead-1", {"name": "Priya Raman", "contact": "+14165550142", "contact_kind": "phone",
                          "message_ok": False, "time_window": "evening", "role": "accused",
                          "channel": "socketio", "court_date": None, "courthouse": None})  # fmt: skip
    outbox.add("lead-2", {"name": "=HYPERLINK(\"http://x\")", "contact": "a@b.ca",
                          "contact_kind": "email", "message_ok": True, "time_window": "any time",
                          "role": "family_member", "channel": "twilio"})  # fmt: skip
    config = dataclasses.replace(
        settings.load(), tracker_url=urls["tracker"], review_db_url=urls["review"],
        outbox_url=urls["outbox"], review_secure_cookie=True,
    )  # fmt: skip
    store = ReviewStore(config.tracker_url, config.review_db_url)
    Accounts(store).create("intake", PASSWORD)
    app = create_app(config, store)
    app.testing = True
    return {"app": app, "store": store, "config": config, "conversations": conversations,
            "outbox": outbox}  # fmt: skip


def login(client, username="intake", password=PASSWORD):
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post("/login", data={"csrf_token": token, "username": username,
                                       "password": password})  # fmt: skip


@pytest.fixture
def staff(world):
    client = world["app"].test_client()
    assert login(client).status_code == 302
    return client


def csrf(client, path="/conversations") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def actions(world):
    return [row["action"] for row in world["store"].audit_rows()]


def test_every_page_needs_a_login(world):
    client = world["app"].test_client()
    for path in ("/", "/conversations", "/leads", "/leads.csv", "/audit",
                 f"/conversations/{world['conversations'][0].sender_id}"):  # fmt: skip
        reply = client.get(path)
        assert reply.status_code == 302 and reply.headers["Location"].endswith("/login")
    assert client.post("/leads/lead-1/resend").status_code == 401


def test_the_session_cookie_is_secure_http_only_and_strict(world):
    reply = login(world["app"].test_client())
    cookie = next(h for h in reply.headers.getlist("Set-Cookie") if h.startswith("noc_staff="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_a_wrong_password_is_refused_and_logins_are_rate_limited(world):
    client = world["app"].test_client()
    for _ in range(MAX_FAILURES):
        assert login(client, password="wrong password!").status_code == 401
    blocked = login(client)  # even the right password, for now
    assert blocked.status_code == 429 and "Too many failed logins" in blocked.text


def test_login_without_its_csrf_token_is_refused(world):
    client = world["app"].test_client()
    reply = client.post("/login", data={"username": "intake", "password": PASSWORD})
    assert reply.status_code == 403


def test_posts_without_the_csrf_token_are_refused(staff, world):
    sender = world["conversations"][0].sender_id
    assert staff.post(f"/conversations/{sender}/reveal").status_code == 403
    assert (
        staff.post(f"/conversations/{sender}/reveal", data={"csrf_token": "x"}).status_code == 403
    )
    assert staff.post("/leads/lead-1/resend").status_code == 403
    assert "reveal_transcript" not in actions(world)


def test_the_list_shows_channel_role_topics_and_flags(staff, world):
    page = staff.get("/conversations").text
    assert "3 conversations" in page
    assert "accused" in page and "victim_drop_order" in page
    for label in ("Danger", "Booking started", "Lead sent", "Not understood"):
        assert label in page


@pytest.mark.parametrize(
    "query, count",
    [("flag=danger", 1), ("flag=handoff", 1), ("flag=fallback", 1), ("channel=twilio", 1),
     ("role=accused", 1), ("reviewed=no", 3), ("q=outside+my+house", 1), ("q=", 3)],
)  # fmt: skip
def test_filters(staff, query, count):
    page = staff.get(f"/conversations?{query}").text
    assert f"{count} conversation{'' if count == 1 else 's'}." in page


@pytest.mark.parametrize(
    "attack",
    ["' OR 1=1 --", "%", "_", "\\", "'; DROP TABLE events; --", '" OR ""="', "%' OR '1'='1"],
)
def test_sql_injection_in_search_is_only_text(staff, world, attack):
    page = staff.get("/conversations", query_string={"q": attack})
    assert page.status_code == 200 and "0 conversations." in page.text
    assert len(world["store"].events_of(world["conversations"][0].sender_id)) > 5  # still there


def test_search_cannot_find_a_redacted_detail(staff):
    assert "0 conversations." in staff.get("/conversations?q=416-555-0142").text
    assert "0 conversations." in staff.get("/conversations?q=priya").text


def test_a_transcript_is_redacted_and_a_reveal_is_audited(staff, world):
    sender = world["conversations"][0].sender_id
    page = staff.get(f"/conversations/{sender}").text
    assert "Priya" not in page and "416-555-0142" not in page and "Dundas" not in page
    assert "[name]" in page and "[contact]" in page and "[address]" in page
    assert actions(world).count("view_transcript") == 1

    revealed = staff.post(f"/conversations/{sender}/reveal", data={"csrf_token": csrf(staff)})
    assert "Priya Raman" in revealed.text and "416-555-0142" in revealed.text
    row = world["store"].audit_rows()[0]
    assert row["action"] == "reveal_transcript" and row["target"] == sender
    assert row["username"] == "intake"


def test_notes_and_reviewed_marks(staff, world):
    sender = world["conversations"][1].sender_id
    token = csrf(staff)
    staff.post(
        f"/conversations/{sender}/notes", data={"csrf_token": token, "text": "<b>Called</b>"}
    )
    staff.post(f"/conversations/{sender}/reviewed", data={"csrf_token": token, "reviewed": "yes"})
    page = staff.get(f"/conversations/{sender}").text
    assert "&lt;b&gt;Called&lt;/b&gt;" in page  # escaped, not markup
    assert "Reviewed by intake" in page
    assert "1 conversation." in staff.get("/conversations?reviewed=yes").text


def test_printable_transcript_is_redacted_and_audited(staff, world):
    sender = world["conversations"][0].sender_id
    page = staff.get(f"/conversations/{sender}/print").text
    assert "Transcript" in page and "Priya" not in page
    assert "export_transcript" in actions(world)


def test_leads_are_redacted_revealed_on_request_and_resent(staff, world):
    page = staff.get("/leads").text
    assert "Priya" not in page and "+14165550142" not in page and "[hidden]" in page
    revealed = staff.post("/leads/reveal", data={"csrf_token": csrf(staff)}).text
    assert "Priya Raman" in revealed
    world["outbox"].claim("lead-1")
    world["outbox"].mark_failed("lead-1", "HTTP 500")
    assert staff.post("/leads/lead-1/resend", data={"csrf_token": csrf(staff)}).status_code == 302
    assert world["outbox"].get("lead-1").status == "pending"
    assert {"reveal_leads", "resend_lead"} <= set(actions(world))


def test_leads_csv_is_redacted_safe_for_spreadsheets_and_audited(staff, world):
    reply = staff.get("/leads.csv")
    assert reply.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert {r["id"] for r in rows} == {"lead-1", "lead-2"}
    assert all(r["name"] == "[hidden]" and r["contact"] == "[hidden]" for r in rows)
    assert "export_leads" in actions(world)


def test_the_dashboard_draws_its_charts(staff):
    page = staff.get("/").text
    assert page.count("<svg") == 4
    assert "Danger: 1" in page and "socketio" in page


def test_logout_ends_the_session(staff):
    staff.post("/logout", data={"csrf_token": csrf(staff)})
    assert staff.get("/conversations").status_code == 302


def test_retention_deletes_old_conversations_and_leads(world):
    config = dataclasses.replace(world["config"], retention_days=1, lead_retention_days=30)
    deleted = apply_retention(config, world["store"], now=NOW + 3600)
    assert deleted["conversations"] == 1  # the one from two days ago
    assert len(world["store"].events_of(world["conversations"][2].sender_id)) == 0
    assert len(world["store"].events_of(world["conversations"][0].sender_id)) > 0
    later = apply_retention(config, world["store"], now=NOW + 31 * tracker_events.DAY)
    assert later["leads"] == 2 and world["outbox"].list() == []


def test_an_unknown_conversation_is_404_and_not_audited(staff, world):
    assert staff.get("/conversations/nobody").status_code == 404
    assert "view_transcript" not in actions(world)
