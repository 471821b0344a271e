"""API tokens: created once (the secret is shown once), stored hashed, scoped, revocable.

A token reads `relay_<43 url-safe characters>` (256 random bits). Such a secret
cannot be guessed, so a fast SHA-256 is the right hash: looking a token up is one
indexed query, and a stolen database gives nothing that authenticates.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

import clock
from api.models import ApiToken
from extensions import db

TOKEN_PREFIX = "relay_"
# scope -> what it allows (English; the admin form shows translated labels)
SCOPES = {
    "roster:read": "read departments and users",
    "roster:write": "create, update and deactivate departments and users",
    "courses:read": "read courses, outlines and assignments",
    "assignments:write": "assign courses to departments",
    "reports:read": "read enrollments, completions and transcripts",
    "statements:read": "read xAPI statements",
    "surveys:read": "read survey cycles and their aggregate results (groups of 5 or more)",
}
# a token's last use is written at most this often, so reads stay reads
LAST_USED_RESOLUTION = timedelta(minutes=5)


class TokenError(ValueError):
    """A token request the rules refuse; the message is safe to show."""


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the only time the secret exists outside the caller's hands


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(name: str, scopes: Iterable[str], *, created_by_id: int | None = None,
                 expires_in_days: int | None = None) -> IssuedToken:
    """Issue a token and commit; the returned secret is never stored."""
    name = (name or "").strip()
    scope_list = sorted(set(scopes))
    if not name:
        raise TokenError("a token needs a name")
    if len(name) > 100:
        raise TokenError("a token name has at most 100 characters")
    if not scope_list:
        raise TokenError("a token needs at least one scope")
    unknown = [s for s in scope_list if s not in SCOPES]
    if unknown:
        raise TokenError(f"unknown scope(s): {', '.join(unknown)} "
                         f"(known: {', '.join(SCOPES)})")
    if expires_in_days is not None and expires_in_days < 1:
        raise TokenError("a token expires after at least one day")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.utcnow()
    token = ApiToken(
        name=name, prefix=secret[len(TOKEN_PREFIX):][:8], token_hash=hash_secret(secret),
        scopes=" ".join(scope_list), created_by_id=created_by_id, created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None)
    db.session.add(token)
    db.session.commit()
    return IssuedToken(token, secret)


def authenticate(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The usable token with this secret, or None (unknown, revoked and expired look alike)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = now or clock.utcnow()
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    if token is None or not token.is_usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.commit()
    return token


def revoke_token(token: ApiToken) -> bool:
    """Revoke now; False if it already was. The row stays, for the record."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = clock.utcnow()
    db.session.commit()
    return True


def get_token(token_id: int) -> ApiToken | None:
    return db.session.get(ApiToken, token_id)


def find_token(ref: str) -> ApiToken | None:
    """A token by id, or by its unique prefix as the list shows it (`relay_Ab3-x9_q…`).

    The shown form is the safe one to paste: a bare prefix may start with "-", which a
    command line reads as an option, or be all digits, which reads as an id.
    """
    if ref.isdigit():
        return get_token(int(ref))
    prefix = ref.removeprefix(TOKEN_PREFIX).rstrip("…")
    matches = db.session.scalars(select(ApiToken).where(ApiToken.prefix == prefix)).all()
    return matches[0] if len(matches) == 1 else None


def list_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))
