"""The staff review app (Flask): routes only; the work is in store, auth, conversations, charts.

Every page needs a login; every POST needs the session's CSRF token; personal details are
redacted unless a staff member reveals them, and every view of a transcript, reveal, resend and
export is written to the audit log.
"""

from __future__ import annotations

import csv
import io
import secrets
from datetime import UTC, datetime
from typing import Optional

from flask import Flask, abort, g, redirect, render_template, request, url_for
from flask.wrappers import Response

from bot.leads.outbox import Outbox
from bot.review import charts
from bot.review.auth import Accounts, same
from bot.review.conversations import FLAGS, transcript
from bot.review.redact import redact_lead
from bot.review.store import ReviewStore
from bot.settings import Settings

SESSION_COOKIE = "noc_staff"
LOGIN_CSRF_COOKIE = "noc_login_csrf"
OPEN_PATHS = {"/login", "/healthz"}
CSP = (
    "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'none'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def when(stamp) -> str:
    if isinstance(stamp, datetime):
        stamp = stamp.timestamp()
    return datetime.fromtimestamp(float(stamp), UTC).strftime("%Y-%m-%d %H:%M UTC")


def csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def create_app(config: Settings, store: Optional[ReviewStore] = None) -> Flask:
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=64 * 1024)
    store = store or ReviewStore(config.tracker_url, config.review_db_url)
    accounts = Accounts(store)
    outbox = Outbox(config.outbox_url)
    app.jinja_env.filters["when"] = when
    app.extensions["noc_store"] = store

    def set_cookie(resp: Response, name: str, value: str, max_age: Optional[int]) -> None:
        resp.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Strict",
                        secure=config.review_secure_cookie, path="/")  # fmt: skip

    @app.before_request
    def require_login():
        g.staff = accounts.session(request.cookies.get(SESSION_COOKIE))
        if request.path in OPEN_PATHS or request.path.startswith("/static/"):
            return None
        if g.staff is None:
            if request.method == "GET":
                return redirect(url_for("login"))
            abort(401)
        if request.method == "POST" and not same(
            request.form.get("csrf_token", ""), g.staff.csrf_token
        ):
            abort(403)
        return None

    @app.after_request
    def headers(resp: Response) -> Response:
        resp.headers["Content-Security-Policy"] = CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers.setdefault("Cache-Control", "no-store")
        return resp

    @app.context_processor
    def common():
        return {"staff": g.get("staff"), "flags": FLAGS, "flag_labels": charts.FLAG_LABELS}

    # --- login -------------------------------------------------------------------------------

    @app.route("/login", methods=["GET", "POST"])
    def login():
        error, status = None, 200
        if request.method == "POST":
            if not same(
                request.form.get("csrf_token", ""), request.cookies.get(LOGIN_CSRF_COOKIE, "")
            ):
                abort(403)
            username = request.form.get("username", "").strip().lower()[:64]
            keys = (f"user:{username}", f"ip:{request.remote_addr}")
            if accounts.blocked(*keys):
                error, status = "Too many failed logins. Wait 15 minutes and try again.", 429
            elif accounts.verify(username, request.form.get("password", "")):
                store.log(username, "login")
                resp = redirect(url_for("dashboard"))
                set_cookie(resp, SESSION_COOKIE, accounts.start_session(username), 8 * 3600)
                resp.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
                return resp
            else:
                accounts.failed(*keys)
                error, status = "That username and password do not match.", 401
        token = secrets.token_urlsafe(24)
        resp = Response(render_template("login.html", csrf_token=token, error=error), status)
        set_cookie(resp, LOGIN_CSRF_COOKIE, token, 3600)
        return resp

    @app.post("/logout")
    def logout():
        store.log(g.staff.username, "logout")
        accounts.end_session(request.cookies.get(SESSION_COOKIE))
        resp = redirect(url_for("login"))
        resp.delete_cookie(SESSION_COOKIE, path="/")
        return resp

    @app.get("/healthz")
    def health():
        return {"status": "ok"}

    # --- pages -------------------------------------------------------------------------------

    @app.get("/")
    def dashboard():
        store.refresh()
        data = charts.figures(store.all_summaries())
        return render_template(
            "dashboard.html",
            per_day=charts.stacked_days("Conversations per day, by channel", data["days"],
                                        data["per_day"], data["channels"]),
            topics=charts.horizontal_bars("Top topics", data["topics"]),
            flags=charts.horizontal_bars("Safety and outcome flags", data["flags"],
                                         colour=charts.PALETTE[1]),
            fallback=charts.rate_line("Share of conversations not understood, by day",
                                      data["fallback_rate"]),
            total=sum(sum(d.values()) for d in data["per_day"].values()),
        )  # fmt: skip

    @app.get("/conversations")
    def conversations():
        store.refresh()
        filters = {k: request.args.get(k, "").strip()[:100] for k in
                   ("q", "channel", "role", "flag", "reviewed", "day_from", "day_to")}  # fmt: skip
        rows = store.list_conversations(**filters)
        return render_template("conversations.html", rows=rows, filters=filters)

    def conversation_page(sender_id: str, action: str, reveal: bool = False,
                          template: str = "transcript.html"):  # fmt: skip
        store.refresh()
        summary = store.summary(sender_id)
        if summary is None:
            abort(404)
        store.log(g.staff.username, action, sender_id)  # only what was really shown
        events = store.events_of(sender_id)
        return render_template(
            template, summary=summary, lines=transcript(events, reveal=reveal), reveal=reveal,
            notes=store.notes_of(sender_id), reviewed=store.reviewed_by(sender_id),
        )  # fmt: skip

    @app.get("/conversations/<sender_id>")
    def conversation(sender_id: str):
        return conversation_page(sender_id, "view_transcript")

    @app.post("/conversations/<sender_id>/reveal")
    def reveal(sender_id: str):
        return conversation_page(sender_id, "reveal_transcript", reveal=True)

    @app.get("/conversations/<sender_id>/print")
    def print_transcript(sender_id: str):
        return conversation_page(sender_id, "export_transcript", template="print.html")

    @app.post("/conversations/<sender_id>/notes")
    def add_note(sender_id: str):
        text = request.form.get("text", "").strip()
        if text:
            store.add_note(sender_id, g.staff.username, text)
            store.log(g.staff.username, "add_note", sender_id)
        return redirect(url_for("conversation", sender_id=sender_id))

    @app.post("/conversations/<sender_id>/reviewed")
    def mark_reviewed(sender_id: str):
        done = request.form.get("reviewed") == "yes"
        store.set_reviewed(sender_id, g.staff.username, done)
        store.log(g.staff.username, "mark_reviewed" if done else "unmark_reviewed", sender_id)
        return redirect(url_for("conversation", sender_id=sender_id))

    @app.get("/leads")
    def leads():
        rows = [(lead, redact_lead(lead.payload)) for lead in outbox.list(limit=500)]
        return render_template("leads.html", rows=rows, reveal=False)

    @app.post("/leads/reveal")
    def reveal_leads():
        store.log(g.staff.username, "reveal_leads")
        rows = [(lead, lead.payload) for lead in outbox.list(limit=500)]
        return render_template("leads.html", rows=rows, reveal=True)

    @app.post("/leads/<lead_id>/resend")
    def resend(lead_id: str):
        if outbox.get(lead_id) is None:
            abort(404)
        outbox.requeue(lead_id)  # the delivery worker sends it on its next round
        store.log(g.staff.username, "resend_lead", lead_id)
        return redirect(url_for("leads"))

    @app.get("/leads.csv")
    def leads_csv():
        store.log(g.staff.username, "export_leads")
        out = io.StringIO()
        writer = csv.writer(out)
        fields = ["id", "created", "status", "attempts", "destination", "role", "channel",
                  "name", "contact_kind", "contact", "message_ok", "time_window", "court_date",
                  "courthouse"]  # fmt: skip
        writer.writerow(fields)
        for lead in outbox.list(limit=10_000):
            p = redact_lead(lead.payload)
            writer.writerow([csv_cell(v) for v in [
                lead.id, when(lead.created_at), lead.status, lead.attempts, lead.destination,
                p.get("role"), p.get("channel"), p.get("name"), p.get("contact_kind"),
                p.get("contact"), p.get("message_ok"), p.get("time_window"),
                p.get("court_date"), p.get("courthouse"),
            ]])  # fmt: skip
        return Response(out.getvalue(), mimetype="text/csv", headers={
            "Content-Disposition": "attachment; filename=consultation-requests.csv"})  # fmt: skip

    @app.get("/audit")
    def audit_log():
        return render_template("audit.html", rows=store.audit_rows())

    return app
