"""The website chat widget in real headless Chromium, against the real servers.

Each test opens a fresh browser context (no shared storage). The servers are shared for the
session; each widget conversation gets its own session id from Rasa.
"""

from __future__ import annotations

import time

from playwright.sync_api import expect

from bot.leads.outbox import Outbox
from tests.browser.conftest import web_server
from tests.browser.widget import Widget, contrast_ratios, focused_name, screenshot
from tests.support.hostile_socketio import HostileSocketIO
from tests.support.stack import free_port


def lead_channels(stack):
    return [lead.payload.get("channel") for lead in Outbox(stack.config.outbox_url).list()]


def test_a_whole_conversation_and_a_booking_through_the_widget(stack, page, text):
    page.goto(stack.web_url + "/")
    title = page.title()
    widget = Widget(page, text)
    expect(widget.panel).to_be_hidden()

    widget.open()
    widget.expect_said("automated assistant")  # the opening greeting, from domain.yml
    expect(page.get_by_text(text["notice"])).to_be_visible()

    widget.choose("Can the victim drop it?")
    widget.expect_said("who are you in this case?")
    widget.choose("I'm on the order")
    widget.expect_said("cannot drop it")
    widget.expect_said("Do not answer any contact")

    widget.say("where does that come from?")
    widget.expect_said("Criminal Code")
    link = widget.log.locator('a[href^="https://laws-lois.justice.gc.ca/"]').first
    expect(link).to_be_visible()
    assert link.get_attribute("rel") == "noopener noreferrer nofollow"

    # A visitor's own markup is shown as typed, never run.
    widget.say('<img src=x onerror="window.__pwned = 1"> <b>hi</b>')
    expect(widget.log.locator(".noc-user").last).to_have_text(
        'You said: <img src=x onerror="window.__pwned = 1"> <b>hi</b>'
    )
    assert widget.log.locator("img, b").count() == 0

    widget.say("i want to book a consultation")
    widget.expect_said("name should the firm use")
    widget.say("Sam Lee")
    widget.expect_said("best way to reach you")
    widget.say("416 555 0123")
    widget.expect_said("voicemail")
    widget.say("no")
    widget.expect_said("good time")
    widget.say("evening")
    widget.expect_said("court date")
    widget.say("skip")
    widget.expect_said("Privacy")
    widget.say("yes")
    widget.expect_said("saved")
    screenshot(page, "widget-conversation")

    assert "socketio" in lead_channels(stack)
    # Nothing of the conversation went into storage, cookies or the tab title.
    assert widget.traces() == {"local": 0, "session": 0, "cookies": ""}
    assert page.title() == title
    assert page.evaluate("() => window.__pwned") is None


def test_closed_widget_shows_nothing_of_the_conversation(stack, page, text):
    page.goto(stack.web_url + "/")
    widget = Widget(page, text)
    widget.open()
    widget.say("what happens if the order is broken?")
    widget.expect_said("who are you in this case?")
    page.get_by_role("button", name=text["close"]).click()

    expect(widget.panel).to_be_hidden()
    # No tooltip, badge or count on the launcher, no title change: only its own label.
    expect(widget.launcher).to_have_text(text["launcher"])
    assert widget.launcher.get_attribute("title") is None
    visible = page.locator("body").inner_text()
    assert "who are you in this case" not in visible
    assert "order is broken" not in visible
    assert "who are you" not in page.title()


def test_leave_quickly_leaves_no_trace(stack, page, text, neutral_site):
    page.goto(neutral_site.url("/start"))
    page.goto(stack.web_url + "/")
    # As if an older chat or another script on the firm's site had stored something.
    page.evaluate(
        """() => { localStorage.setItem("chat_session", "old conversation");
                   sessionStorage.setItem("chat", "old"); document.cookie = "seen=1; path=/"; }"""
    )
    widget = Widget(page, text)
    widget.open()
    widget.say("can the victim drop the no contact order?")
    widget.expect_said("who are you in this case?")
    history_before = page.evaluate("() => history.length")

    widget.exit_button.click()
    page.wait_for_url(neutral_site.url("/weather"))

    # The chat page's history entry was replaced: same length, and Back skips it.
    assert page.evaluate("() => history.length") == history_before
    page.go_back()
    assert page.url == neutral_site.url("/start")
    page.go_forward()
    assert page.url == neutral_site.url("/weather")

    # Back on the firm's origin in the same tab: its storage and cookies are empty.
    page.goto(stack.web_url + "/healthz")
    assert Widget(page, text).traces() == {"local": 0, "session": 0, "cookies": ""}
    assert page.context.cookies() == []


def test_a_bot_message_carrying_markup_renders_inert(stack, page, text):
    """A stand-in socket.io server sends hostile messages; the widget shows them as text."""
    port = free_port()
    hostile = HostileSocketIO(port, allowed_origins=["*"])
    with hostile, web_server(stack.config, public_rasa_url=hostile.url) as site:
        page.goto(site + "/")
        widget = Widget(page, text)
        widget.open()
        typing = page.locator(".noc-typing")
        expect(typing).to_be_hidden()
        widget.say("take your time")
        expect(typing).to_be_visible()
        expect(typing).to_contain_text(text["typing"])
        widget.expect_said("Pick one")
        expect(typing).to_be_hidden()
        # The 2 opening bubbles, then 5 of the 6 hostile messages: the javascript: image
        # attachment is dropped, the https one becomes a link.
        expect(widget.log.locator(".noc-bot")).to_have_count(2 + 5)
        screenshot(page, "widget-hostile-messages")

        said = widget.bot_messages()
        assert '<img src=x onerror="window.__pwned = 1">' in said
        assert "<script>window.__pwned = 2</script> and <b>bold</b>" in said
        panel = page.locator("#noc-panel")
        assert panel.locator("img, script, b, i, iframe").count() == 0
        hrefs = panel.locator("a").evaluate_all("links => links.map(a => a.href)")
        assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)
        assert not any("javascript" in h for h in hrefs)
        expect(
            widget.log.get_by_role("button", name='<img src=x onerror="window.__pwned = 4">')
        ).to_be_visible()
        widget.choose('<img src=x onerror="window.__pwned = 4">')
        expect(widget.log.locator(".noc-bot")).to_have_count(2 + 5 + 5)  # answered again
        assert page.evaluate("() => window.__pwned") is None
    assert hostile.received == ["take your time", "/greet"]


def test_a_keyboard_only_conversation(stack, page, text, neutral_site):
    page.goto(neutral_site.url("/start"))
    page.goto(stack.web_url + "/")
    widget = Widget(page, text)

    page.keyboard.press("Tab")
    assert focused_name(page) == text["exit_button"]  # the way out comes first
    page.keyboard.press("Tab")
    assert focused_name(page) == text["launcher"]
    page.keyboard.press("Enter")
    expect(widget.status).to_have_text(text["status_online"], timeout=30_000)
    assert page.evaluate("() => document.activeElement.id") == "noc-input"

    page.keyboard.type("what happens if the order is broken?")
    page.keyboard.press("Enter")
    widget.expect_said("who are you in this case?")

    # Back from the input reaches the suggested replies; Enter picks one.
    page.keyboard.press("Shift+Tab")
    choice = focused_name(page)
    assert choice == "I'd rather not say"
    page.keyboard.press("Enter")
    expect(widget.log.locator(".noc-user").last).to_contain_text(choice)
    widget.expect_said("is a crime")  # the breach answer, now given

    # Escape closes the panel and gives focus back to the launcher; Enter opens it again.
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    assert focused_name(page) == text["launcher"]
    page.keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    widget.expect_said("who are you in this case?")  # still there: same page, same memory

    # Shift held for capitals is not the quick exit...
    for letter in "HEY":
        page.keyboard.down("Shift")
        page.keyboard.press(f"Key{letter}")
        page.keyboard.up("Shift")
    time.sleep(0.3)
    assert page.url.startswith(stack.web_url)
    # ...Shift pressed on its own three times is.
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(neutral_site.url("/weather"))


def test_accessible_labels_live_region_and_contrast(stack, page, text):
    page.goto(stack.web_url + "/")
    widget = Widget(page, text)
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")
    widget.open()
    expect(widget.launcher).to_have_attribute("aria-expanded", "true")
    widget.say("can the victim drop it?")
    widget.expect_said("who are you in this case?")

    expect(widget.log).to_have_attribute("aria-live", "polite")
    expect(widget.status).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("button", name=text["close"])).to_be_visible()
    expect(page.get_by_role("button", name=text["send"])).to_be_visible()
    expect(page.get_by_role("group", name=text["replies_label"])).to_be_visible()
    # Every control has a name a screen reader can say.
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('#noc-chat button, #noc-chat input')]
                 .filter(e => !(e.getAttribute('aria-label') || e.innerText.trim() || e.labels?.length))
                 .map(e => e.outerHTML)"""
    )
    assert unnamed == []

    ratios = contrast_ratios(
        page,
        [".noc-exit", ".noc-title", ".noc-close", ".noc-notice strong", ".noc-status",
         ".noc-bot .noc-text", ".noc-user .noc-text", ".noc-reply", ".noc-send",
         "#noc-input"],
    )  # fmt: skip
    low = {sel: round(r, 2) for sel, r in ratios.items() if r is None or r < 4.5}
    assert low == {}, f"below WCAG AA 4.5:1: {low}"
    page.get_by_role("button", name=text["close"]).click()
    ratios = contrast_ratios(page, [".noc-launcher"])
    assert ratios[".noc-launcher"] >= 4.5


def test_usable_at_320_pixels_wide(stack, browser, text):
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(stack.web_url + "/")
        widget = Widget(page, text)
        widget.open()
        widget.say("can the victim drop it?")
        widget.expect_said("who are you in this case?")
        screenshot(page, "widget-320px")

        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
        for part in (
            widget.exit_button,
            widget.input,
            page.get_by_role("button", name=text["send"]),
        ):
            box = part.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320
            expect(part).to_be_in_viewport()
        # The Leave quickly button is not covered by the open chat.
        exit_box = widget.exit_button.bounding_box()
        panel_box = widget.panel.bounding_box()
        assert exit_box["y"] + exit_box["height"] <= panel_box["y"]
    finally:
        context.close()


def test_lost_connection_is_shown_and_nothing_typed_is_lost(stack, page, text):
    page.goto(stack.web_url + "/")
    widget = Widget(page, text)
    widget.open()
    widget.say("i'm on bail")
    widget.expect_said("What would you like to know?")

    stack.stop_process("rasa")
    expect(widget.status).to_have_text(text["status_offline"], timeout=30_000)
    expect(widget.status).to_contain_text("911")
    widget.say("can the victim drop the order?")
    expect(widget.log.locator(".noc-user").last).to_contain_text(text["not_sent"])
    expect(page.locator(".noc-typing")).to_be_hidden()  # nothing is on its way yet
    screenshot(page, "widget-offline")

    stack.start_process("rasa")
    stack.wait_ready()
    # The waiting message goes out on reconnect, in the same conversation: the role given
    # before the outage is remembered, so no role question.
    widget.expect_said("cannot drop it")
    expect(widget.status).to_have_text(text["status_online"])
    expect(widget.log.locator(".noc-pending")).to_have_count(0)
    assert "who are you in this case" not in " ".join(widget.bot_messages()[-3:])


def test_a_page_on_another_origin_cannot_open_the_chat(stack, page, text):
    with web_server(stack.config) as site:  # same widget, served from an origin not allowed
        page.goto(site + "/")
        widget = Widget(page, text)
        widget.launcher.click()
        expect(widget.status).to_have_text(text["status_offline"], timeout=15_000)
        expect(widget.status).to_contain_text("911")
