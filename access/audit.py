"""The audit log: logins (success and failure), logouts, exports, briefing downloads, ETL
triggers, user and token changes. One row per event in the store's ``audit_log``.

Rows never hold a password, a token secret or personal data beyond the username; the client
address is kept for the operators and returned to admins only (`audit_frame`).
"""
from __future__ import annotations

import json
import logging
import random
import threading
import time

import pandas as pd
import sqlalchemy as sa

from access.accounts import _engine, _now
from store.schema import audit_log

log = logging.getLogger("bcc.access.audit")

EVENTS = ("login", "login_failed", "logout", "export", "briefing_download", "briefing_make", "etl_trigger",
          "user_add", "user_role", "user_passwd", "user_disable", "user_enable",
          "token_add", "token_revoke")
_lock = threading.Lock()
_last_id = 0


def _event_id() -> int:
    """Microseconds since 1970 * 1000 + a random tail: unique across threads and processes."""
    global _last_id
    with _lock:
        candidate = time.time_ns() // 1000 * 1000 + random.randrange(1000)
        _last_id = max(candidate, _last_id + 1)
        return _last_id


def record(store, event: str, *, username: str | None = None, subject: str | None = None,
           client: str | None = None, **detail) -> None:
    """Write one audit row. A failure to write is logged, never raised: an audit write must not
    turn a login or a download into an error page."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}; one of {', '.join(EVENTS)}")
    try:
        with _engine(store).begin() as conn:
            conn.execute(audit_log.insert().values(
                event_id=_event_id(), occurred_at=_now(), event=event, username=username,
                subject=(subject or None) and str(subject)[:200], client_addr=client and str(client)[:64],
                detail=json.dumps(detail, default=str, ensure_ascii=False) if detail else None))
    except Exception:  # the store busy or gone: the event is still in the log file
        log.exception("audit %s by %s (%s) not written", event, username, subject)


def audit_frame(store, viewer_role: str, *, since=None, events: tuple[str, ...] | None = None,
                username: str | None = None, limit: int = 500) -> pd.DataFrame:
    """Audit rows newest first (at most `limit`): event_id, occurred_at (WIB), event, username, subject,
    detail, and client_addr for an admin viewer only. Other roles get PermissionError: the log
    is for admins."""
    if viewer_role != "admin":
        raise PermissionError("the audit log is readable by admins only")
    query = sa.select(audit_log).order_by(audit_log.c.occurred_at.desc(), audit_log.c.event_id.desc()).limit(limit)
    if since is not None:
        query = query.where(audit_log.c.occurred_at >= since)
    if events:
        query = query.where(audit_log.c.event.in_(list(events)))
    if username:
        query = query.where(audit_log.c.username == username)
    with _engine(store).connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=[c.name for c in audit_log.columns])


def without_client(frame: pd.DataFrame) -> pd.DataFrame:
    """The same rows with the client address removed (to show audit rows to a non-admin)."""
    return frame.drop(columns=["client_addr"], errors="ignore")
