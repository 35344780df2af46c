"""Staff accounts, sessions, CSRF tokens and login rate limiting.

- Passwords are hashed with Argon2id (argon2-cffi's defaults).
- A session is a random token in an HTTP-only, SameSite=Strict cookie; the database keeps only
  its SHA-256, so a copy of the database does not let anyone in. Logout deletes it.
- Each session has its own CSRF token, required on every POST. The login form, which comes
  before any session, uses a double-submit token instead.
- After MAX_FAILURES failed logins for a username or from an address within WINDOW_S, logins
  from it are refused until the window passes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.review.store import ReviewStore, login_failures, sessions, users

MIN_PASSWORD_CHARS = 12
SESSION_S = 8 * 3600  # one working day
MAX_FAILURES = 5
WINDOW_S = 15 * 60
hasher = PasswordHasher()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True)
class StaffSession:
    username: str
    csrf_token: str


class Accounts:
    def __init__(self, store: ReviewStore) -> None:
        self.db = store.db

    def create(self, username: str, password: str) -> None:
        username = username.strip().lower()
        if not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
            raise ValueError("A username is letters, digits, dots, dashes or underscores.")
        if len(password) < MIN_PASSWORD_CHARS:
            raise ValueError(f"A password needs at least {MIN_PASSWORD_CHARS} characters.")
        with self.db.begin() as db:
            if db.execute(sa.select(users.c.username).where(users.c.username == username)).first():
                raise ValueError(f"{username} already exists.")
            db.execute(sa.insert(users).values(
                username=username, password_hash=hasher.hash(password), created_at=time.time()
            ))  # fmt: skip

    def verify(self, username: str, password: str) -> bool:
        username = (username or "").strip().lower()
        with self.db.connect() as db:
            stored = db.execute(
                sa.select(users.c.password_hash).where(users.c.username == username)
            ).scalar()  # fmt: skip
        try:
            if stored is None:
                hasher.hash(password or "x")  # same work either way: no timing hint
                return False
            return hasher.verify(stored, password or "")
        except (VerificationError, InvalidHashError):
            return False

    # --- rate limiting -------------------------------------------------------------------------

    def blocked(self, *keys: str) -> bool:
        since = time.time() - WINDOW_S
        with self.db.connect() as db:
            for key in keys:
                count = db.execute(
                    sa.select(sa.func.count()).select_from(login_failures)
                    .where(login_failures.c.key == key, login_failures.c.at > since)
                ).scalar()  # fmt: skip
                if count >= MAX_FAILURES:
                    return True
        return False

    def failed(self, *keys: str) -> None:
        now = time.time()
        with self.db.begin() as db:
            db.execute(sa.delete(login_failures).where(login_failures.c.at < now - WINDOW_S))
            for key in keys:
                db.execute(sa.insert(login_failures).values(key=key[:128], at=now))

    # --- sessions ------------------------------------------------------------------------------

    def start_session(self, username: str) -> str:
        token = secrets.token_urlsafe(32)
        with self.db.begin() as db:
            db.execute(sa.delete(sessions).where(sessions.c.expires_at < time.time()))
            db.execute(sa.insert(sessions).values(
                token_hash=token_hash(token), username=username.strip().lower(),
                csrf_token=secrets.token_urlsafe(32), expires_at=time.time() + SESSION_S,
            ))  # fmt: skip
        return token

    def session(self, token: Optional[str]) -> Optional[StaffSession]:
        if not token:
            return None
        with self.db.connect() as db:
            row = db.execute(
                sa.select(sessions).where(sessions.c.token_hash == token_hash(token))
            ).mappings().first()  # fmt: skip
        if row is None or row["expires_at"] < time.time():
            return None
        return StaffSession(row["username"], row["csrf_token"])

    def end_session(self, token: Optional[str]) -> None:
        if token:
            with self.db.begin() as db:
                db.execute(sa.delete(sessions).where(sessions.c.token_hash == token_hash(token)))
