"""The staff app's data: Rasa's tracker events (read only) and its own tables.

SQLAlchemy Core with bound parameters everywhere, so a search string is only ever data. Works
on SQLite (the default) and PostgreSQL. Conversation summaries are kept in a table of their own
and refreshed incrementally from the events that arrived since the last refresh, so the list,
the filters and the charts do not re-read every event on every page.
"""

from __future__ import annotations

import json
import time
from typing import Any, Dict, Iterable, List, Optional

import sqlalchemy as sa

from bot.review.conversations import FLAGS, summarise, transcript

tracker_meta = sa.MetaData()
# Rasa's SQLTrackerStore table, as Rasa 3.6 creates it (rasa/core/tracker_store.py).
events = sa.Table(
    "events",
    tracker_meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)

meta = sa.MetaData()
users = sa.Table(
    "staff_users",
    meta,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)
sessions = sa.Table(
    "staff_sessions",
    meta,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
)
login_failures = sa.Table(
    "staff_login_failures",
    meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(128), nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False),
)
audit = sa.Table(
    "staff_audit_log",
    meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target", sa.String(255), nullable=False, default=""),
)
notes = sa.Table(
    "staff_notes",
    meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)
reviews = sa.Table(
    "staff_reviews",
    meta,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)
summaries = sa.Table(
    "staff_conversation_summaries",
    meta,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("started", sa.Float, nullable=False, index=True),
    sa.Column("last", sa.Float, nullable=False),
    sa.Column("day", sa.String(10), nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("role", sa.String(32)),
    sa.Column("topics", sa.Text, nullable=False),  # ",a,b," so that LIKE '%,a,%' is exact
    sa.Column("flags", sa.Text, nullable=False),  # ",danger,booking,"
    sa.Column("user_messages", sa.Integer, nullable=False),
    sa.Column("search_text", sa.Text, nullable=False),  # the REDACTED transcript, lower case
)
progress = sa.Table(
    "staff_refresh_progress",
    meta,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("last_event_id", sa.Integer, nullable=False),
)


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class ReviewStore:
    def __init__(self, tracker_url: str, review_url: str) -> None:
        self.tracker = sa.create_engine(tracker_url, future=True, pool_pre_ping=True)
        self.db = sa.create_engine(review_url, future=True, pool_pre_ping=True)
        meta.create_all(self.db)

    # --- conversations ---------------------------------------------------------------------

    def events_of(self, sender_id: str) -> List[Dict[str, Any]]:
        query = sa.select(events.c.data).where(events.c.sender_id == sender_id)
        with self.tracker.connect() as conn:
            if not sa.inspect(conn).has_table("events"):
                return []
            rows = conn.execute(query.order_by(events.c.id)).scalars()
            return [json.loads(row) for row in rows]

    def refresh(self) -> int:
        """Re-summarise the conversations that have new events; returns how many."""
        with self.tracker.connect() as conn:
            if not sa.inspect(conn).has_table("events"):
                return 0
            with self.db.begin() as db:
                last = db.execute(
                    sa.select(progress.c.last_event_id).where(progress.c.name == "events")
                ).scalar()
            last = last or 0
            newest = conn.execute(sa.select(sa.func.max(events.c.id))).scalar() or 0
            if newest <= last:
                return 0
            changed = conn.execute(
                sa.select(events.c.sender_id).where(events.c.id > last).distinct()
            ).scalars().all()  # fmt: skip
        for sender_id in changed:
            self._store_summary(sender_id, self.events_of(sender_id))
        with self.db.begin() as db:
            db.execute(sa.delete(progress).where(progress.c.name == "events"))
            db.execute(sa.insert(progress).values(name="events", last_event_id=newest))
        return len(changed)

    def _store_summary(self, sender_id: str, conversation: List[Dict[str, Any]]) -> None:
        summary = summarise(sender_id, conversation)
        with self.db.begin() as db:
            db.execute(sa.delete(summaries).where(summaries.c.sender_id == sender_id))
            if summary is None:
                return
            # Search runs on the redacted transcript: a search cannot find a hidden detail.
            said = " ".join(line.text for line in transcript(conversation, reveal=False))
            db.execute(sa.insert(summaries).values(
                sender_id=sender_id, started=summary.started, last=summary.last,
                day=summary.day, channel=summary.channel, role=summary.role,
                topics="," + ",".join(summary.topics) + ",",
                flags="," + ",".join(sorted(summary.flags)) + ",",
                user_messages=summary.user_messages, search_text=said.lower(),
            ))  # fmt: skip

    def list_conversations(
        self,
        q: str = "",
        channel: str = "",
        role: str = "",
        flag: str = "",
        reviewed: str = "",
        day_from: str = "",
        day_to: str = "",
        limit: int = 200,
    ) -> List[Dict[str, Any]]:
        query = sa.select(summaries, reviews.c.username.label("reviewed_by")).select_from(
            summaries.outerjoin(reviews, reviews.c.sender_id == summaries.c.sender_id)
        )
        if q.strip():
            pattern = f"%{like_escape(q.strip().lower())}%"
            query = query.where(summaries.c.search_text.like(pattern, escape="\\"))
        if channel:
            query = query.where(summaries.c.channel == channel)
        if role:
            query = query.where(summaries.c.role == role)
        if flag in FLAGS:
            query = query.where(summaries.c.flags.like(f"%,{flag},%"))
        if reviewed == "yes":
            query = query.where(reviews.c.sender_id.is_not(None))
        elif reviewed == "no":
            query = query.where(reviews.c.sender_id.is_(None))
        if day_from:
            query = query.where(summaries.c.day >= day_from)
        if day_to:
            query = query.where(summaries.c.day <= day_to)
        query = query.order_by(summaries.c.started.desc()).limit(limit)
        with self.db.connect() as db:
            return [_row(r) for r in db.execute(query).mappings()]

    def summary(self, sender_id: str) -> Optional[Dict[str, Any]]:
        with self.db.connect() as db:
            row = db.execute(
                sa.select(summaries).where(summaries.c.sender_id == sender_id)
            ).mappings().first()  # fmt: skip
        return _row(row) if row else None

    def all_summaries(self) -> List[Dict[str, Any]]:
        with self.db.connect() as db:
            return [_row(r) for r in db.execute(sa.select(summaries)).mappings()]

    # --- notes, reviewed marks, audit --------------------------------------------------------

    def add_note(self, sender_id: str, username: str, text: str) -> None:
        with self.db.begin() as db:
            db.execute(sa.insert(notes).values(
                sender_id=sender_id, username=username, at=time.time(), text=text[:4000]
            ))  # fmt: skip

    def notes_of(self, sender_id: str) -> List[Dict[str, Any]]:
        with self.db.connect() as db:
            query = sa.select(notes).where(notes.c.sender_id == sender_id).order_by(notes.c.at)
            return [dict(r) for r in db.execute(query).mappings()]

    def set_reviewed(self, sender_id: str, username: str, done: bool) -> None:
        with self.db.begin() as db:
            db.execute(sa.delete(reviews).where(reviews.c.sender_id == sender_id))
            if done:
                db.execute(sa.insert(reviews).values(
                    sender_id=sender_id, username=username, at=time.time()
                ))  # fmt: skip

    def reviewed_by(self, sender_id: str) -> Optional[Dict[str, Any]]:
        with self.db.connect() as db:
            row = db.execute(
                sa.select(reviews).where(reviews.c.sender_id == sender_id)
            ).mappings().first()  # fmt: skip
        return dict(row) if row else None

    def log(self, username: str, action: str, target: str = "") -> None:
        with self.db.begin() as db:
            db.execute(sa.insert(audit).values(
                at=time.time(), username=username, action=action, target=target[:255]
            ))  # fmt: skip

    def audit_rows(self, limit: int = 200) -> List[Dict[str, Any]]:
        with self.db.connect() as db:
            query = sa.select(audit).order_by(audit.c.id.desc()).limit(limit)
            return [dict(r) for r in db.execute(query).mappings()]

    # --- retention -----------------------------------------------------------------------------

    def delete_conversations_before(self, cutoff: float) -> int:
        """Delete every conversation whose last event is older than `cutoff` (a timestamp)."""
        with self.tracker.begin() as conn:
            if not sa.inspect(conn).has_table("events"):
                return 0
            old = conn.execute(
                sa.select(events.c.sender_id)
                .group_by(events.c.sender_id)
                .having(sa.func.max(events.c.timestamp) < cutoff)
            ).scalars().all()  # fmt: skip
            for chunk in _chunks(old, 500):
                conn.execute(sa.delete(events).where(events.c.sender_id.in_(chunk)))
        with self.db.begin() as db:
            for chunk in _chunks(old, 500):
                for table in (summaries, notes, reviews):
                    db.execute(sa.delete(table).where(table.c.sender_id.in_(chunk)))
        return len(old)


def _row(row) -> Dict[str, Any]:
    data = dict(row)
    data["topics"] = [t for t in data.get("topics", "").split(",") if t]
    data["flags"] = [f for f in data.get("flags", "").split(",") if f]
    return data


def _chunks(items: List[str], size: int) -> Iterable[List[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
