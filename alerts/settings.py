"""config.yaml ``alerts:``: rules and where alerts are sent (see alerts/__init__.py, docs/alerts.md).

    alerts:
      breach:  {min_count: 5, critical_count: 15, days: 7}       # new SLA breaches per OPD this week
      source:  {stale_minutes: 30, failing_runs: 3}              # a source stale / a stream failing
      spike:   {window_days: 7, baseline_weeks: 12, p_value: 0.001, min_count: 10}
      budget:  {min_gap_pp: 5.0, critical_gap_pp: 15.0}          # an OPD below the S-curve band
      clinics: {over_minutes: 15, critical_minutes: 60}          # a wait past the standard
      email:   {host: smtp.binjaikota.go.id, port: 587, starttls: true, sender: ..., recipients: [...]}
      webhook: {url: https://..., min_severity: warning}

Every rule has ``enabled``; e-mail is off without ``email.host``, the webhook without ``webhook.url``.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from core.settings import Settings

Severity = Literal["info", "warning", "critical"]
SEVERITIES = ("info", "warning", "critical")


class BreachRule(Settings):
    """(a) complaints assigned to an OPD, open and past due, that became overdue in the last
    ``days`` days: at least ``min_count`` per OPD opens a warning, ``critical_count`` a critical."""
    enabled: bool = True
    days: int = Field(7, ge=1, le=31)
    min_count: int = Field(5, ge=1, le=10_000)
    critical_count: int = Field(15, ge=1, le=10_000)


class SourceRule(Settings):
    """(b) a stream whose last successful load is older than ``stale_minutes`` (warning), or that
    failed ``failing_runs`` runs in a row (critical)."""
    enabled: bool = True
    stale_minutes: int = Field(30, ge=1, le=10_080)
    failing_runs: int = Field(3, ge=1, le=1_000)


class SpikeRule(Settings):
    """(c) a category in a kelurahan: reports in the last ``window_days`` against the mean of the
    same-length windows in the ``baseline_weeks`` weeks before (Poisson upper tail < ``p_value``,
    and at least ``min_count`` reports); ``critical_p_value``: a critical."""
    enabled: bool = True
    window_days: int = Field(7, ge=1, le=28)
    baseline_weeks: int = Field(12, ge=4, le=52)
    p_value: float = Field(0.001, gt=0, lt=0.5)
    critical_p_value: float = Field(1e-6, gt=0, lt=0.5)
    min_count: int = Field(10, ge=1, le=10_000)


class BudgetRule(Settings):
    """(d) an OPD whose realization is below the S-curve band's lower edge by ``min_gap_pp``
    percentage points or more (warning), ``critical_gap_pp`` or more (critical)."""
    enabled: bool = True
    min_gap_pp: float = Field(5.0, ge=0, le=100)
    critical_gap_pp: float = Field(15.0, ge=0, le=100)


class ClinicRule(Settings):
    """(e) a facility where a patient still waiting has waited longer than the standard
    (sla.clinics.max_wait_minutes) by ``over_minutes`` (warning) or ``critical_minutes`` (critical)."""
    enabled: bool = True
    over_minutes: int = Field(15, ge=0, le=1_440)
    critical_minutes: int = Field(60, ge=0, le=1_440)


class Recipient(Settings):
    """An e-mail address and the least severe alert it receives."""
    to: str = Field(pattern=r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
    min_severity: Severity = "warning"


def _recipients(value: Any):
    if isinstance(value, list):
        return tuple({"to": v} if isinstance(v, str) else v for v in value)
    return value


class EmailSettings(Settings):
    """SMTP: off while ``host`` is empty. The password is read from the environment variable
    ``password_env`` (never from this file)."""
    host: str | None = None
    port: int = Field(25, ge=1, le=65_535)
    starttls: bool = False
    ssl: bool = False
    username: str | None = None
    password_env: str = "BCC_SMTP_PASSWORD"
    sender: str = "command-center@binjaikota.go.id"
    recipients: Annotated[tuple[Recipient, ...], BeforeValidator(_recipients)] = ()
    timeout_seconds: float = Field(10.0, gt=0, le=120)
    lang: Literal["id", "en"] = "id"


class WebhookSettings(Settings):
    """An HTTP(S) endpoint receiving each alert as JSON (POST); off while ``url`` is empty."""
    url: str | None = Field(None, pattern=r"^https?://")
    min_severity: Severity = "warning"
    timeout_seconds: float = Field(5.0, gt=0, le=60)
    lang: Literal["id", "en"] = "id"


class AlertSettings(Settings):
    """``alerts:`` block."""
    enabled: bool = True                 # evaluate the rules after each ETL pass
    breach: BreachRule = BreachRule()
    source: SourceRule = SourceRule()
    spike: SpikeRule = SpikeRule()
    budget: BudgetRule = BudgetRule()
    clinics: ClinicRule = ClinicRule()
    email: EmailSettings = EmailSettings()
    webhook: WebhookSettings = WebhookSettings()
    notify_closed: bool = True           # also send once when an alert closes
    max_attempts: int = Field(10, ge=1, le=1_000)   # sending is retried at each evaluation up to this
    recent_days: int = Field(7, ge=1, le=90)        # the /alerts page's "recently closed"
    # Where the links in e-mails and webhooks point (the app as people reach it); default
    # http://<server.host>:<server.port>
    public_url: str | None = Field(None, pattern=r"^https?://")
