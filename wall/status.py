"""What the wall's chrome shows besides the screen: "data as of", the ticker (open alerts and
stale sources) and whether the store answers. Served as /wall/status.json (app.py) and used
when a screen is rendered, so both always agree.

Alerts come from metrics.alerts.open_alerts in the words of alerts.texts.describe (the same
the /alerts page and the e-mails use).
"""
from __future__ import annotations

import logging

from alerts.texts import describe
from components.i18n import fmt_datetime, t
from components.layout import stale_text
from metrics.alerts import open_alerts
from metrics.health import source_freshness, stale_sources, stream_health

log = logging.getLogger("bcc.wall")


def alert_items(store, limit: int) -> list[dict]:
    """Open alerts as ticker items, in /alerts' order (metrics.alerts.open_alerts: most severe
    first, then newest); critical ones in the bad tone."""
    try:
        frame = open_alerts(store, limit)
    except Exception:   # noqa: BLE001 - the ticker must not take the wall down with it
        log.debug("no alerts for the wall ticker", exc_info=True)
        return []
    return [{"kind": "alert", "tone": "bad" if row["severity"] == "critical" else "warn", "text": str(describe(row))}
            for _, row in frame.iterrows()]


def wall_status(store) -> dict:
    """{ok, store_ok, as_of, version, stale: [service...], ticker: [{kind, tone, text}]}."""
    limit = store.cfg.feature("wall").ticker_max
    try:
        streams = stream_health(store)
        fresh = source_freshness(store, streams)
        stale = stale_sources(store, streams)
        version = store.data_version()
    except Exception as exc:  # noqa: BLE001 - the store itself is unreachable: say so on the wall
        log.warning("wall status: the store does not answer: %s", exc)
        return {"ok": True, "store_ok": False, "as_of": None, "version": None, "stale": [],
                "ticker": [{"kind": "store", "tone": "bad", "text": t("wall.store_down")}]}
    loaded = fresh["last_success"].dropna()
    items = alert_items(store, limit)
    items += [{"kind": "stale", "tone": "bad", "text": stale_text(s)} for s in stale.itertuples()]
    return {"ok": True, "store_ok": True, "version": int(version),
            "as_of": f"{t('data.as_of')} {fmt_datetime(min(loaded)) if len(loaded) else t('data.never')}",
            "stale": sorted(set(stale["service"].astype(str))), "ticker": items[:limit]}


def stale_by_service(store) -> dict[str, str]:
    """{service: 'e-Dokter: data terakhir 14.05, sumber tidak terjangkau sejak 14.07'} of the
    stale services (their tiles turn grey)."""
    try:
        stale = stale_sources(store)
    except Exception:  # noqa: BLE001
        return {}
    out: dict[str, str] = {}
    for source in stale.itertuples():
        out.setdefault(str(source.service), stale_text(source))
    return out
