"""Wall tokens: a revocable URL per screen or playlist (``/wall?playlist=NAME&token=...``).

The URL carries a random 32-byte secret; the store keeps only its sha256 (a token is random,
not a password: a fast hash is enough), its playlist and whether it is revoked. The short
``token_id`` names a token in lists and in `revoke` without revealing it. A request is checked
against the store every time, so a revoked token stops working at the next request.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd
import sqlalchemy as sa

from access.accounts import _engine, _now
from store.schema import wall_tokens


@dataclass(frozen=True)
class WallToken:
    token_id: str
    playlist: str
    label: str | None = None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def wall_url(playlist: str, secret: str, base_url: str = "") -> str:
    return f"{base_url.rstrip('/')}/wall?{urlencode({'playlist': playlist, 'token': secret})}"


def add_token(store, playlist: str, *, label: str | None = None, created_by: str | None = None
              ) -> tuple[WallToken, str]:
    """A new token for `playlist`: (the token, its secret). The secret is shown once."""
    secret = secrets.token_urlsafe(32)
    token = WallToken(token_id=secrets.token_hex(4), playlist=playlist, label=label)
    with _engine(store).begin() as conn:
        conn.execute(wall_tokens.insert().values(
            token_id=token.token_id, token_hash=_digest(secret), playlist=playlist,
            label=(label or "")[:120] or None, created_at=_now(), created_by=created_by))
    return token, secret


def verify_token(store, secret: str | None) -> WallToken | None:
    """The valid (not revoked) token of a URL secret, else None."""
    if not secret or len(secret) > 200:
        return None
    with _engine(store).connect() as conn:
        row = conn.execute(sa.select(wall_tokens).where(wall_tokens.c.token_hash == _digest(secret),
                                                        wall_tokens.c.revoked_at.is_(None))).first()
    return WallToken(row.token_id, row.playlist, row.label) if row else None


def token_valid(store, token_id: str | None) -> WallToken | None:
    """The token of a wall session if it is still valid (checked on every request)."""
    if not token_id:
        return None
    with _engine(store).connect() as conn:
        row = conn.execute(sa.select(wall_tokens).where(wall_tokens.c.token_id == token_id,
                                                        wall_tokens.c.revoked_at.is_(None))).first()
    return WallToken(row.token_id, row.playlist, row.label) if row else None


def revoke_token(store, token_id: str) -> bool:
    """Revoke a token; False if there is no such valid token."""
    with _engine(store).begin() as conn:
        return bool(conn.execute(wall_tokens.update()
                                 .where(wall_tokens.c.token_id == token_id, wall_tokens.c.revoked_at.is_(None))
                                 .values(revoked_at=_now())).rowcount)


def list_tokens(store) -> pd.DataFrame:
    """Every token (never its hash), newest first."""
    cols = [wall_tokens.c.token_id, wall_tokens.c.playlist, wall_tokens.c.label, wall_tokens.c.created_at,
            wall_tokens.c.created_by, wall_tokens.c.revoked_at]
    with _engine(store).connect() as conn:
        rows = conn.execute(sa.select(*cols).order_by(wall_tokens.c.created_at.desc())).all()
    return pd.DataFrame(rows, columns=[c.name for c in cols])
