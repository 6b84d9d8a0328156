"""Sending alerts: e-mail (stdlib smtplib, text/plain) and an optional webhook (JSON POST).

Each alert is sent once when it opens and, with ``alerts.notify_closed``, once when it closes.
E-mail goes to every recipient whose ``min_severity`` the alert reaches; the webhook gets the
alerts from its ``min_severity`` on. A send that fails (server down, refused, timeout) is logged
with the alert (``notify_error``) and retried at the next evaluation, up to
``alerts.max_attempts``; it never raises into the scheduler. An alert that reaches no channel
(no recipient for its severity, nothing configured) counts as sent: nothing is queued forever.

What leaves the building is the alert's own text (alerts/texts.py: counts, codes and the names
of OPDs, categories, kelurahan and facilities) and its link: no personal data, no credentials.
The SMTP password is read from the environment (``alerts.email.password_env``).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import smtplib
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from alerts import texts
from components.i18n import lang, use_lang
from core.config import Config
from core.masking import mask_value
from metrics.alerts import SEVERITY_RANK
from store import schema

log = logging.getLogger("bcc.alerts")


def public_url(cfg: Config) -> str:
    url = cfg.feature("alerts").public_url
    return (url or f"http://{cfg.host}:{cfg.port}").rstrip("/")


def _reaches(severity: str, minimum: str) -> bool:
    return SEVERITY_RANK.get(severity, 0) >= SEVERITY_RANK.get(minimum, 0)


def _in_lang(code: str, fn, *args):
    previous = lang()
    use_lang(code)
    try:
        return fn(*args)
    finally:
        use_lang(previous)


def message_text(row: dict, cfg: Config, closing: bool) -> tuple[str, str]:
    """(subject, body) of an alert's e-mail in the current language."""
    from components.i18n import t
    subject = texts.title(row)
    if closing:
        subject = f"{t('alerts.mail.closed_prefix')} {subject}"
    lines = [t("alerts.mail.closed" if closing else "alerts.mail.opened"), "",
             texts.describe(row), "",
             t("alerts.mail.number", measure=texts.measure(row)),
             t("alerts.mail.since", since=texts.since_text(row["opened_at"]))]
    if closing:
        lines.append(t("alerts.mail.closed_at", at=texts.since_text(row["closed_at"])))
    lines += [t("alerts.mail.link", url=public_url(cfg) + row["link"]), "", "-- ", t("alerts.mail.footer")]
    return subject.replace("\r", " ").replace("\n", " "), "\n".join(lines) + "\n"


def payload(row: dict, cfg: Config, closing: bool) -> dict:
    """The webhook's JSON for one alert."""
    def iso(v):
        return None if v is None or pd.isna(v) else pd.Timestamp(v).isoformat() + "+07:00"
    return {"event": "closed" if closing else "opened", "key": row["key"], "rule": row["rule"],
            "service": row["service"], "severity": row["severity"], "value": row["value"],
            "threshold": row["threshold"], "opened_at": iso(row["opened_at"]), "closed_at": iso(row["closed_at"]),
            "title": texts.title(row), "text": texts.describe(row), "url": public_url(cfg) + row["link"]}


def send_email(cfg: Config, recipients: list[str], subject: str, body: str) -> None:
    mail = cfg.feature("alerts").email
    msg = EmailMessage()
    msg["From"] = mail.sender
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=mail.sender.rsplit("@", 1)[-1])
    msg.set_content(body)
    smtp_class = smtplib.SMTP_SSL if mail.ssl else smtplib.SMTP
    with smtp_class(mail.host, mail.port, timeout=mail.timeout_seconds) as smtp:
        if mail.starttls and not mail.ssl:
            smtp.starttls()
        if mail.username:
            smtp.login(mail.username, os.environ.get(mail.password_env, ""))
        smtp.send_message(msg)


def post_webhook(cfg: Config, document: dict) -> None:
    hook = cfg.feature("alerts").webhook
    data = json.dumps(document, ensure_ascii=False, default=str).encode("utf-8")
    request = urllib.request.Request(hook.url, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "bcc-alerts"})
    with urllib.request.urlopen(request, timeout=hook.timeout_seconds) as response:  # noqa: S310 - configured URL
        if response.status >= 300:
            raise OSError(f"webhook answered HTTP {response.status}")


def deliver(cfg: Config, row: dict, closing: bool) -> None:
    """Send one alert (opening or closing) on every channel it reaches; raises on a failure."""
    settings = cfg.feature("alerts")
    mail, hook = settings.email, settings.webhook
    errors = []
    if mail.host:
        to = [r.to for r in mail.recipients if _reaches(row["severity"], r.min_severity)]
        if to:
            subject, body = _in_lang(mail.lang, message_text, row, cfg, closing)
            try:
                send_email(cfg, to, subject, body)
            except Exception as exc:
                errors.append(f"e-mail via {mail.host}:{mail.port}: {type(exc).__name__}: {exc}")
    if hook.url and _reaches(row["severity"], hook.min_severity):
        try:
            post_webhook(cfg, _in_lang(hook.lang, payload, row, cfg, closing))
        except Exception as exc:
            errors.append(f"webhook: {type(exc).__name__}: {exc}")
    if errors:
        raise OSError("; ".join(errors))


def send_due(cfg: Config, engine: Engine, now: dt.datetime) -> int:
    """Send every opening and closing not sent yet (attempts left); returns how many were sent.
    Both channels are retried together: a webhook that worked may get the same alert again
    after an e-mail failure (the key says it is the same alert)."""
    settings = cfg.feature("alerts")
    table = schema.alerts
    if not settings.email.host and not settings.webhook.url:   # nowhere to send: nothing queues up
        with engine.begin() as conn:
            conn.execute(table.update().where(table.c.notified_at.is_(None)).values(notified_at=now))
            conn.execute(table.update().where(table.c.closed_at.is_not(None), table.c.closed_notified_at.is_(None))
                         .values(closed_notified_at=now))
        return 0
    due_open = table.c.notified_at.is_(None)
    due_close = sa.and_(table.c.closed_at.is_not(None), table.c.closed_notified_at.is_(None)) \
        if settings.notify_closed else sa.false()
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(
            sa.select(table).where(sa.or_(due_open, due_close), table.c.notify_attempts < settings.max_attempts)
            .order_by(table.c.opened_at, table.c.alert_id))]
    sent = 0
    for row in rows:
        row["params"] = texts.params_of(row)
        steps = []
        if row["notified_at"] is None:
            steps.append(False)
        if row["closed_at"] is not None and settings.notify_closed and row["closed_notified_at"] is None:
            steps.append(True)
        done, error = {}, None
        for closing in steps:
            if not closing and row["closed_at"] is not None and settings.notify_closed:
                done["notified_at"] = now     # opened and closed before it was sent: send the closing only
                continue
            try:
                deliver(cfg, row, closing)
            except Exception as exc:
                error = mask_value(str(exc))[:500]
                log.warning("alert %s not sent (%s); retried at the next evaluation", row["key"], error)
                break
            done["closed_notified_at" if closing else "notified_at"] = now
            sent += 1
        with engine.begin() as conn:
            conn.execute(table.update().where(table.c.alert_id == row["alert_id"]).values(
                **done, notify_attempts=row["notify_attempts"] + (1 if error else 0), notify_error=error))
    return sent
