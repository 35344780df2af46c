"""The durable outbox: every confirmed consultation request is written here before the bot
confirms it, and stays until it is delivered (and after, for staff, until retention ends).

SQLite by default (a file in the data folder); any SQLAlchemy URL works, so production can point
it at the PostgreSQL server that holds the tracker store. Claims make delivery exactly-once
between the action server's immediate attempt and the background worker: only the process
whose UPDATE claimed the row may send it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
CLAIM_SECONDS = 120

metadata = sa.MetaData()
leads = sa.Table(
    "lead_outbox",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # also the idempotency key
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True, index=True),
    sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_error", sa.String(300), nullable=True),
    sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("destination", sa.String(32), nullable=True),
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(value: Optional[datetime]) -> Optional[datetime]:
    # SQLite hands back naive datetimes; everything here is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


@dataclass(frozen=True)
class OutboxLead:
    id: str
    created_at: datetime
    payload: Dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: Optional[datetime]
    last_error: Optional[str]
    delivered_at: Optional[datetime]
    destination: Optional[str]


class Outbox:
    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///"):
            from pathlib import Path

            Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        self.engine = sa.create_engine(url, future=True, pool_pre_ping=True)
        metadata.create_all(self.engine)

    def add(self, lead_id: str, payload: Dict[str, Any], now: Optional[datetime] = None) -> bool:
        """Store a new request; False if this id is already stored (a repeated submit)."""
        now = now or utcnow()
        row = {
            "id": lead_id,
            "created_at": now,
            "payload": json.dumps(payload, sort_keys=True),
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
        }
        try:
            with self.engine.begin() as db:
                db.execute(leads.insert().values(**row))
            return True
        except sa.exc.IntegrityError:
            return False

    def claim(self, lead_id: str, now: Optional[datetime] = None) -> bool:
        """Take the right to deliver this lead now; only one process gets it."""
        now = now or utcnow()
        query = (
            leads.update()
            .where(leads.c.id == lead_id)
            .where(leads.c.status == PENDING)
            .where(sa.or_(leads.c.claimed_until.is_(None), leads.c.claimed_until < now))
            .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
        )
        with self.engine.begin() as db:
            return db.execute(query).rowcount == 1

    def due(self, now: Optional[datetime] = None, limit: int = 50) -> List[str]:
        now = now or utcnow()
        query = (
            sa.select(leads.c.id)
            .where(leads.c.status == PENDING)
            .where(leads.c.next_attempt_at <= now)
            .where(sa.or_(leads.c.claimed_until.is_(None), leads.c.claimed_until < now))
            .order_by(leads.c.created_at)
            .limit(limit)
        )
        with self.engine.connect() as db:
            return [row.id for row in db.execute(query)]

    def mark_delivered(self, lead_id: str, destination: str, now: Optional[datetime] = None):
        now = now or utcnow()
        self._update(lead_id, status=DELIVERED, delivered_at=now, claimed_until=None,
                     destination=destination, attempts=leads.c.attempts + 1, last_error=None)  # fmt: skip

    def mark_retry(self, lead_id: str, error: str, next_attempt_at: datetime):
        self._update(lead_id, claimed_until=None, next_attempt_at=next_attempt_at,
                     attempts=leads.c.attempts + 1, last_error=error[:300])  # fmt: skip

    def mark_failed(self, lead_id: str, error: str):
        """Stopped retrying (a permanent error or too many attempts); kept for staff."""
        self._update(lead_id, status=FAILED, claimed_until=None, attempts=leads.c.attempts + 1,
                     last_error=error[:300])  # fmt: skip

    def requeue(self, lead_id: str, now: Optional[datetime] = None) -> bool:
        """Make a failed or pending lead due now (the CLI's retry)."""
        now = now or utcnow()
        query = (
            leads.update()
            .where(leads.c.id == lead_id)
            .where(leads.c.status != DELIVERED)
            .values(status=PENDING, next_attempt_at=now, claimed_until=None)
        )
        with self.engine.begin() as db:
            return db.execute(query).rowcount == 1

    def get(self, lead_id: str) -> Optional[OutboxLead]:
        with self.engine.connect() as db:
            row = db.execute(sa.select(leads).where(leads.c.id == lead_id)).first()
        return self._lead(row) if row else None

    def list(self, status: Optional[str] = None, limit: int = 100) -> List[OutboxLead]:
        query = sa.select(leads).order_by(leads.c.created_at.desc()).limit(limit)
        if status:
            query = query.where(leads.c.status == status)
        with self.engine.connect() as db:
            return [self._lead(row) for row in db.execute(query)]

    def delete_before(self, cutoff: datetime) -> int:
        """Retention: delete requests created before `cutoff`, whatever their status."""
        with self.engine.begin() as db:
            return db.execute(sa.delete(leads).where(leads.c.created_at < cutoff)).rowcount

    def _update(self, lead_id: str, **values):
        with self.engine.begin() as db:
            db.execute(leads.update().where(leads.c.id == lead_id).values(**values))

    @staticmethod
    def _lead(row) -> OutboxLead:
        return OutboxLead(
            id=row.id,
            created_at=_aware(row.created_at),
            payload=json.loads(row.payload),
            status=row.status,
            attempts=row.attempts,
            next_attempt_at=_aware(row.next_attempt_at),
            last_error=row.last_error,
            delivered_at=_aware(row.delivered_at),
            destination=row.destination,
        )
