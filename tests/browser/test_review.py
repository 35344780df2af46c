"""The staff review app in headless Chromium, reading conversations the real servers stored."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from bot.review.store import ReviewStore
from tests.browser.widget import screenshot

PASSWORD = "a long staff password"


def say(stack, sender: str, message: str) -> str:
    reply = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                          json={"sender": sender, "message": message}, timeout=30)  # fmt: skip
    assert reply.status_code == 200
    return " ".join(m.get("text", "") for m in reply.json())


@pytest.fixture(scope="module")
def booked(stack):
    """A booking over REST with a name and a phone number, and an account made by the CLI."""
    sender = f"review-{uuid.uuid4().hex[:8]}"
    for message in ["i'm on bail and i want to book a consultation", "Priya Raman",
                    "416 555 0142", "yes", "evening", "skip", "yes"]:  # fmt: skip
        said = say(stack, sender, message)
    assert "saved" in said
    created = subprocess.run(
        [sys.executable, "-m", "bot.review", "add-user", "intake"],
        input=PASSWORD + "\n", env=stack.env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    return sender


def log_in(page, stack):
    page.goto(stack.review_url + "/")
    expect(page).to_have_url(stack.review_url + "/login")
    page.get_by_label("Username").fill("intake")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def test_log_in_filter_read_redacted_reveal_and_export(stack, page, booked):
    log_in(page, stack)
    expect(page.locator("svg.chart")).to_have_count(4)
    screenshot(page, "review-dashboard")

    page.get_by_role("link", name="Conversations").click()
    page.get_by_label("Channel").select_option("rest")
    page.get_by_label("Flag").select_option("handoff")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 conversation.")).to_be_visible()

    page.locator("table.list tbody a").first.click()
    transcript = page.locator(".transcript")
    expect(transcript).to_contain_text("[name]")
    expect(transcript).not_to_contain_text("Priya")
    expect(transcript).not_to_contain_text("0142")
    screenshot(page, "review-transcript-redacted")

    page.get_by_role("button", name="Reveal personal details (logged)").click()
    expect(transcript).to_contain_text("Priya Raman")
    store = ReviewStore(stack.config.tracker_url, stack.config.review_db_url)
    latest = store.audit_rows()[0]
    assert (latest["username"], latest["action"], latest["target"]) == (
        "intake", "reveal_transcript", booked)  # fmt: skip

    page.get_by_role("link", name="Hide personal details").click()
    page.get_by_role("link", name="Printable page").click()
    expect(page.get_by_role("heading", name="Transcript", exact=False)).to_be_visible()
    assert "Priya" not in page.content()

    page.goto(stack.review_url + "/leads")
    expect(page.locator("table.list")).to_contain_text("[hidden]")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export as CSV (details hidden; logged)").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert any(r["channel"] == "rest" and r["name"] == "[hidden]" for r in rows)
    assert {"reveal_transcript", "export_transcript", "export_leads"} <= {
        r["action"] for r in store.audit_rows()
    }

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(stack.review_url + "/login")
    page.goto(stack.review_url + "/conversations")
    expect(page).to_have_url(stack.review_url + "/login")


def test_requests_without_a_session_or_csrf_token_are_refused(stack, page, booked):
    assert requests.get(stack.review_url + "/leads.csv", allow_redirects=False,
                        timeout=10).status_code == 302  # fmt: skip
    assert requests.post(f"{stack.review_url}/conversations/{booked}/reveal",
                         timeout=10).status_code == 401  # fmt: skip
    log_in(page, stack)
    # A logged-in browser posting without the token (as a forged cross-site form would).
    status = page.evaluate(
        """async (url) => (await fetch(url, {method: "POST", body: new URLSearchParams({})}))
                          .status""",
        f"{stack.review_url}/conversations/{booked}/reveal",
    )
    assert status == 403
