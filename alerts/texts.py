"""An alert in words, built at display time from its params (components.i18n, the current
language): ``describe(row)`` for the ticker, the /alerts page and the e-mail.

`row`: a row of metrics.alerts.open_alerts / recent_alerts (a dict or a pandas row; ``params``
a dict or its JSON). Source names inside the text (categories, OPD, facility) are plain text:
Dash components escape it, the e-mail is text/plain, the webhook JSON; never put it in HTML
or a Plotly label unescaped.
"""
from __future__ import annotations

import json

import pandas as pd

from components.i18n import fmt_datetime, fmt_int, fmt_minutes, fmt_num, fmt_pct, has, t

RULES = ("breach", "source_stale", "source_failing", "spike", "budget", "clinic_wait")


def _get(row, name):
    try:
        return row[name]
    except (KeyError, IndexError, TypeError):
        return getattr(row, name, None)


def params_of(row) -> dict:
    params = _get(row, "params")
    if isinstance(params, str):
        try:
            params = json.loads(params)
        except ValueError:
            params = {}
    return dict(params) if isinstance(params, dict) else {}


def _service(name) -> str:
    return t(f"nav.{name}") if name else ""


def _fields(row) -> dict:
    p = params_of(row)
    value, threshold = _get(row, "value"), _get(row, "threshold")
    rule = _get(row, "rule")
    fields = {k: ("" if v is None else v) for k, v in p.items()}
    fields.update(service=_service(_get(row, "service")), n=fmt_int(value), min=fmt_int(threshold))
    if rule == "spike":
        fields.update(expected=fmt_num(p.get("expected"), 1), p=f"{float(p.get('p') or 0):.1e}")
    elif rule == "budget":
        fields.update(real=fmt_pct(value), lower=fmt_pct(threshold), gap=fmt_num(p.get("gap_pp"), 1))
    elif rule == "clinic_wait":
        fields.update(wait=fmt_minutes(value), std=fmt_minutes(threshold), waiting=fmt_int(p.get("waiting")))
    elif rule == "source_stale":
        last = p.get("last_success")
        fields.update(minutes=fmt_int(value), last=fmt_datetime(last) if last else t("alerts.never"))
    elif rule == "source_failing":
        fields.update(runs=fmt_int(value))
    return fields


def describe(row) -> str:
    """One sentence: what fired, where, the number and its threshold (no HTML)."""
    rule = _get(row, "rule")
    key = f"alerts.text.{rule}"
    if not has(key):
        return f"{_service(_get(row, 'service'))}: {rule} {fmt_num(_get(row, 'value'), 1)}"
    text = t(key, **_fields(row))
    if rule == "source_failing" and params_of(row).get("unreachable"):
        text += " " + t("alerts.text.unreachable")
    return text


def title(row) -> str:
    """Short: '[Kritis] Pengaduan: lonjakan Drainase di Binjai Kota'."""
    return f"[{severity_text(_get(row, 'severity'))}] {t('alerts.title.' + str(_get(row, 'rule')), **_fields(row))}"


def measure(row) -> str:
    """The number against its threshold, in the rule's unit: '31 ≥ 5'."""
    return t(f"alerts.measure.{_get(row, 'rule')}", **_fields(row))


def severity_text(severity) -> str:
    return t(f"alerts.severity.{severity}") if severity else ""


def since_text(value) -> str:
    return "–" if value is None or pd.isna(value) else fmt_datetime(pd.Timestamp(value).to_pydatetime())
