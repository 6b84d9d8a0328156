"""Alerts end to end: a source edited so a rule fires, an ETL pass, the evaluation, the alerts
table, a real SMTP server (aiosmtpd) and a real HTTP webhook on 127.0.0.1, and the /alerts page.

The scenario (module fixture `world`): a private copy of the test sources with
- 30 complaints of a new category (with a hostile name) in one kelurahan received in the last
  hours (a spike against its own 12 weeks: none before);
- 8 complaints dispositioned to one OPD, received 14-21 days ago and still open (new SLA
  breaches this week, besides whatever the seed left open);
loaded by one ETL pass into a DuckDB store. Each test starts from an empty alerts table.
"""
from __future__ import annotations

import datetime as dt
import email
import json
import socket
import threading
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.conftest import copy_sources, source_engine, write_config

HOSTILE_CATEGORY = 'Banjir & "Genangan" <b>Rob</b> {n}'   # markup and a format field: shown as text
SPIKE_N = 30
BREACH_N = 8


# --- real servers ---------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Mailbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


@pytest.fixture(scope="module")
def smtp():
    from aiosmtpd.controller import Controller
    box = _Mailbox()
    box.port = _free_port()

    def start():
        box.controller = Controller(box, hostname="127.0.0.1", port=box.port)
        box.controller.start()
    box.start = start
    start()
    yield box
    box.controller.stop()


@pytest.fixture(scope="module")
def webhook():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], json.loads(body)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.received = received
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield server
    server.shutdown()
    server.server_close()


# --- the scenario ---------------------------------------------------------------------------------

def _now() -> dt.datetime:
    from core.calendar import now_wib
    return now_wib().replace(tzinfo=None, microsecond=0)


def _insert(conn, template: dict, new_id: int, **values) -> None:
    row = {**template, "id": new_id, "no_tiket": f"ALR-{new_id}", "jenis": "pengaduan", "nik_pelapor": None,
           "nama_pelapor": None, "telepon_pelapor": None, "email_pelapor": None, "tgl_verifikasi": None,
           "tgl_disposisi": None, "tgl_proses": None, "tgl_selesai": None, "tgl_ditolak": None,
           "rating_kepuasan": None, **values}
    columns = ", ".join(row)
    conn.execute(sa.text(f"INSERT INTO pengaduan ({columns}) VALUES ({', '.join(':' + c for c in row)})"), row)


def _edit_sources(url: str, now: dt.datetime) -> dict:
    engine = source_engine(url)
    with engine.begin() as conn:
        template = dict(conn.execute(sa.text("SELECT * FROM pengaduan ORDER BY id LIMIT 1")).mappings().one())
        kel = conn.execute(sa.text("SELECT kode_kelurahan FROM pengaduan WHERE kode_kelurahan IS NOT NULL"
                                   " ORDER BY id LIMIT 1")).scalar_one()
        opd_id, opd_code = conn.execute(sa.text("SELECT id, kode_opd FROM opd ORDER BY id LIMIT 1")).one()
        next_id = int(conn.execute(sa.text("SELECT MAX(id) FROM pengaduan")).scalar_one()) + 1
        cat_id = int(conn.execute(sa.text("SELECT MAX(id) FROM kategori_pengaduan")).scalar_one()) + 1
        stamp = now - dt.timedelta(hours=3)
        conn.execute(sa.text("INSERT INTO kategori_pengaduan (id, nama_kategori, opd_id, created_at, updated_at)"
                             " VALUES (:i, :n, :o, :t, :t)"), dict(i=cat_id, n=HOSTILE_CATEGORY, o=opd_id, t=stamp))
        for i in range(SPIKE_N):
            at = now - dt.timedelta(hours=2, minutes=3 * i)
            _insert(conn, template, next_id + i, kategori_id=cat_id, kode_kelurahan=kel, status="diterima",
                    opd_id=None, created_at=at, updated_at=at)
        for i in range(BREACH_N):
            received = now - dt.timedelta(days=14 + i)
            _insert(conn, template, next_id + SPIKE_N + i, kode_kelurahan=kel, status="diproses", opd_id=opd_id,
                    tgl_verifikasi=received, tgl_disposisi=received, tgl_proses=received, created_at=received,
                    updated_at=now - dt.timedelta(hours=1))
    engine.dispose()
    return {"kel": kel, "opd": opd_code}


@pytest.fixture(scope="module")
def world(source_urls, tmp_path_factory, smtp, webhook):
    from etl.runner import run_pass
    from store.engine import init_store, make_engine

    folder = tmp_path_factory.mktemp("alerts")
    sources = copy_sources(source_urls, folder / "sources")
    now = _now()
    picked = _edit_sources(sources["complaints"], now)
    extra = {"alerts": {
        "breach": {"min_count": 3, "critical_count": 500},
        "public_url": "https://cc.binjai.example",
        "email": {"host": "127.0.0.1", "port": smtp.port, "starttls": False, "timeout_seconds": 5.0,
                  "sender": "cc@binjai.example",
                  "recipients": [{"to": "ops@binjai.example", "min_severity": "warning"},
                                 {"to": "sekda@binjai.example", "min_severity": "critical"}]},
        "webhook": {"url": webhook.url, "min_severity": "warning"},
    }}
    cfg = write_config(folder, sources, f"duckdb:///{folder / 'store.duckdb'}", extra=extra)
    engine = make_engine(cfg.store_url)
    init_store(engine, cfg.services)
    failed = [r.stream for r in run_pass(cfg, engine) if not r.ok]
    assert not failed
    yield {"cfg": cfg, "engine": engine, "now": now, "sources": sources, "folder": folder, **picked}
    engine.dispose()


@pytest.fixture
def fresh(world, smtp, webhook):
    """An empty alerts table and empty mailboxes for each test."""
    with world["engine"].begin() as conn:
        conn.execute(sa.text("DELETE FROM alerts"))
    smtp.messages.clear()
    smtp.envelopes.clear()
    webhook.received.clear()
    return world


def _alerts(engine, key: str | None = None) -> pd.DataFrame:
    with engine.connect() as conn:
        frame = pd.read_sql(sa.text("SELECT * FROM alerts ORDER BY alert_id"), conn)
    return frame if key is None else frame[frame["key"] == key].reset_index(drop=True)


def _spike_key(world) -> str:
    return f"spike:complaints:{world['kel']}:{HOSTILE_CATEGORY}"


# --- the Poisson test ------------------------------------------------------------------------------

def test_poisson_tail_matches_the_textbook_values():
    from alerts.rules import poisson_sf
    import math

    def direct(k, lam):   # 1 - CDF summed term by term (fine where it does not cancel)
        return 1 - sum(math.exp(-lam) * lam ** i / math.factorial(i) for i in range(k))
    assert poisson_sf(1, 2.0) == pytest.approx(1 - math.exp(-2), rel=1e-12)
    assert poisson_sf(10, 2.0) == pytest.approx(direct(10, 2.0), rel=1e-9) == pytest.approx(4.6498e-05, rel=1e-4)
    assert poisson_sf(0, 5.0) == 1.0
    assert poisson_sf(5, 5.0) == pytest.approx(0.5595067149, rel=1e-8)   # lam >= k branch
    assert 0 < poisson_sf(30, 0.05) < 1e-60                              # far tail: no cancellation to 0


# --- (c) a spike: opens with its number and link, is not duplicated, closes, is sent -----------------

def test_a_spike_opens_once_is_sent_by_mail_and_webhook_and_closes(fresh, smtp, webhook):
    from alerts.engine import evaluate
    cfg, engine, now = fresh["cfg"], fresh["engine"], fresh["now"]
    out = evaluate(cfg, engine, now)
    assert out.failed_rules == ()
    key = _spike_key(fresh)
    row = _alerts(engine, key)
    assert len(row) == 1
    alert = row.iloc[0]
    assert alert["value"] == SPIKE_N and alert["rule"] == "spike" and alert["service"] == "complaints"
    assert alert["severity"] == "critical"                    # 30 where ~0 is usual: p far below 1e-6
    assert alert["link"] == "/complaints?" + urlencode({"kel": fresh["kel"], "cat": HOSTILE_CATEGORY})
    assert pd.isna(alert["closed_at"]) and alert["notified_at"] is not None
    params = json.loads(alert["params"])
    assert params["category"] == HOSTILE_CATEGORY and params["p"] < 1e-6
    assert 0 < alert["threshold"] < 0.1                       # the expected count (floor: half a report / 12 weeks)

    # the e-mail: to both recipients (critical), the subject and body name the number
    mails = [m for m in smtp.messages if str(SPIKE_N) in m["Subject"] and "lonjakan" in m["Subject"]]
    assert len(mails) == 1
    mail = mails[0]
    assert sorted(smtp.envelopes[smtp.messages.index(mail)].rcpt_tos) == ["ops@binjai.example",
                                                                         "sekda@binjai.example"]
    assert mail["Subject"].startswith("[Kritis] Pengaduan")
    body = mail.get_content()
    assert f"{SPIKE_N} laporan dalam 7 hari" in body and HOSTILE_CATEGORY in body
    assert "https://cc.binjai.example/complaints?kel=" in body
    # the webhook: JSON with the number, the key and the link
    hooks = [doc for _, _, doc in webhook.received if doc["key"] == key]
    assert len(hooks) == 1 and hooks[0]["event"] == "opened" and hooks[0]["value"] == SPIKE_N
    assert webhook.received[0][0] == "/hook" and webhook.received[0][1].startswith("application/json")
    assert hooks[0]["url"].startswith("https://cc.binjai.example/complaints?")

    # evaluated again a few minutes later: the same alert refreshed, nothing sent twice
    sent_before = len(smtp.messages)
    later = now + dt.timedelta(minutes=4)
    evaluate(cfg, engine, later)
    row = _alerts(engine, key)
    assert len(row) == 1 and pd.isna(row.iloc[0]["closed_at"])
    assert pd.Timestamp(row.iloc[0]["last_seen_at"]) == pd.Timestamp(later)
    assert pd.Timestamp(row.iloc[0]["opened_at"]) == pd.Timestamp(now)
    assert len(smtp.messages) == sent_before

    # eight days on, the 30 reports are history, not this week: the alert closes, once, and says so
    cleared = now + dt.timedelta(days=8)
    evaluate(cfg, engine, cleared)
    row = _alerts(engine, key)
    assert len(row) == 1 and pd.Timestamp(row.iloc[0]["closed_at"]) == pd.Timestamp(cleared)
    closing = [m for m in smtp.messages if m["Subject"].startswith("[Selesai]") and "lonjakan" in m["Subject"]]
    assert len(closing) == 1
    assert [doc["event"] for _, _, doc in webhook.received if doc["key"] == key] == ["opened", "closed"]

    from metrics.alerts import open_alerts, recent_alerts
    from metrics.base import Store
    store = Store(engine, cfg)
    assert key not in set(open_alerts(store)["key"])
    recent = recent_alerts(store, days=30, now=cleared)
    assert key in set(recent["key"])


# --- (a) new SLA breaches per OPD, not the backlog -----------------------------------------------------

def test_breaches_count_this_weeks_new_ones_per_opd(fresh):
    from alerts.engine import evaluate
    cfg, engine, now = fresh["cfg"], fresh["engine"], fresh["now"]
    evaluate(cfg, engine, now)
    with engine.connect() as conn:
        c = pd.read_sql(sa.text("SELECT opd_code, received_at, resolved_at, rejected_at, resolution_due_date"
                                " FROM complaints"), conn)
    due = pd.to_datetime(c["resolution_due_date"])
    today = pd.Timestamp(now.date())
    open_now = (pd.to_datetime(c["received_at"]) < now) & c["resolved_at"].isna() & c["rejected_at"].isna()
    new = c[open_now & (due < today) & (due >= pd.Timestamp((now - dt.timedelta(days=7)).date()))
            & c["opd_code"].notna()]
    expected = new.groupby("opd_code").size()
    expected = expected[expected >= 3]
    assert fresh["opd"] in expected.index and expected[fresh["opd"]] >= 3
    alerts = _alerts(engine)
    breach = alerts[alerts["rule"] == "breach"].set_index("key")
    assert {k.split(":", 2)[2] for k in breach.index} == set(expected.index)
    for opd, n in expected.items():
        row = breach.loc[f"breach:complaints:{opd}"]
        assert row["value"] == n and row["threshold"] == 3 and row["link"] == f"/complaints?opd={opd}"
    # the old backlog is not counted: the OPD's overdue items older than the week are left out
    old = c[open_now & (due < pd.Timestamp((now - dt.timedelta(days=7)).date())) & (c["opd_code"] == fresh["opd"])]
    assert breach.loc[f"breach:complaints:{fresh['opd']}"]["value"] == expected[fresh["opd"]] < \
        expected[fresh["opd"]] + len(old) or len(old) == 0
    # a month on, none of them is this week's any more: closed
    evaluate(cfg, engine, now + dt.timedelta(days=30))
    closed = _alerts(engine)
    assert closed[closed["rule"] == "breach"]["closed_at"].notna().all()


# --- (b) a source failing / stale ---------------------------------------------------------------------

def test_a_missing_source_opens_a_failing_alert_that_closes_when_it_loads_again(world, make_config, tmp_path):
    from alerts.engine import evaluate
    from etl.runner import run_pass
    from store.engine import init_store, make_engine

    sources = copy_sources(world["sources"], tmp_path / "src")
    good = sources["complaints"]
    broken = dict(sources, complaints=f"sqlite:///{tmp_path / 'gone' / 'emasyarakat.sqlite'}")
    extra = {"alerts": {"source": {"failing_runs": 1, "stale_minutes": 30}}}
    cfg_bad = make_config(broken, extra=extra, name="bad")
    engine = make_engine(cfg_bad.store_url)
    init_store(engine, cfg_bad.services)
    try:
        results = run_pass(cfg_bad, engine)
        failed = {r.stream for r in results if not r.ok}
        assert failed and all(s.startswith("complaint") or "complaint" in s for s in failed)
        evaluate(cfg_bad, engine)
        alerts = _alerts(engine)
        failing = alerts[alerts["rule"] == "source_failing"]
        assert set(failing["key"]) == {f"source_failing:complaints:{s}" for s in failed}
        assert (failing["severity"] == "critical").all() and (failing["value"] >= 1).all()
        assert set(failing["link"]) == {f"/data?stream={s}" for s in failed}
        assert all(json.loads(p)["unreachable"] for p in failing["params"])
        # a failing stream is not reported twice (as stale too)
        assert not set(alerts[alerts["rule"] == "source_stale"]["key"]) & \
            {f"source_stale:complaints:{s}" for s in failed}

        # the file is back: the streams load and the alerts close
        cfg_good = make_config(dict(broken, complaints=good), store_url=cfg_bad.store_url, extra=extra, name="good")
        assert all(r.ok for r in run_pass(cfg_good, engine, force=True))
        evaluate(cfg_good, engine)
        after = _alerts(engine)
        assert after[after["rule"] == "source_failing"]["closed_at"].notna().all()

        # two hours without a load: every stream stale, with its minutes
        evaluate(cfg_good, engine, _now() + dt.timedelta(hours=2))
        stale = _alerts(engine)
        stale = stale[(stale["rule"] == "source_stale") & stale["closed_at"].isna()]
        assert len(stale) > 0 and (stale["value"] >= 119).all() and (stale["threshold"] == 30).all()
    finally:
        engine.dispose()


# --- failures to send are retried, never raised ------------------------------------------------------

def test_a_mail_server_that_is_down_is_retried_at_the_next_evaluation(fresh, smtp):
    from alerts.engine import evaluate
    cfg, engine, now = fresh["cfg"], fresh["engine"], fresh["now"]
    smtp.controller.stop()
    try:
        out = evaluate(cfg, engine, now)             # must not raise
        assert out.opened > 0 and out.sent == 0
        row = _alerts(engine, _spike_key(fresh)).iloc[0]
        assert row["notified_at"] is None or pd.isna(row["notified_at"])
        assert row["notify_attempts"] == 1 and "e-mail via 127.0.0.1" in row["notify_error"]
    finally:
        smtp.start()          # the same port again
    evaluate(cfg, engine, now + dt.timedelta(minutes=2))
    row = _alerts(engine, _spike_key(fresh)).iloc[0]
    assert not pd.isna(row["notified_at"]) and row["notify_error"] is None
    assert [m for m in smtp.messages if str(SPIKE_N) in m["Subject"] and "lonjakan" in m["Subject"]]


def test_a_rule_that_fails_keeps_its_alerts_and_the_scheduler_job_survives(fresh, monkeypatch, caplog):
    from alerts import engine as alert_engine
    from alerts import rules
    from etl import scheduler
    cfg, engine, now = fresh["cfg"], fresh["engine"], fresh["now"]
    alert_engine.evaluate(cfg, engine, now)
    key = _spike_key(fresh)

    def broken(store, now):
        raise RuntimeError("query failed")
    monkeypatch.setitem(rules.RULES, "spike", broken)
    out = alert_engine.evaluate(cfg, engine, now + dt.timedelta(days=8))
    assert out.failed_rules == ("spike",)
    assert pd.isna(_alerts(engine, key).iloc[0]["closed_at"])          # not closed for lack of an answer

    monkeypatch.setattr(alert_engine, "evaluate", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    scheduler.evaluate_alerts(cfg, engine)                                # logged, not raised
    assert "alert evaluation failed" in caplog.text


# --- the read side and the words ----------------------------------------------------------------------

def test_open_alerts_columns_order_and_describe_in_both_languages(fresh):
    from alerts import texts
    from alerts.engine import evaluate
    from components.i18n import use_lang
    from metrics.alerts import ALERT_COLUMNS, open_alerts
    from metrics.base import Store
    evaluate(fresh["cfg"], fresh["engine"], fresh["now"])
    frame = open_alerts(Store(fresh["engine"], fresh["cfg"]))
    assert list(frame.columns) == ALERT_COLUMNS and len(frame) > 0
    ranks = list(frame["severity_rank"])
    assert ranks == sorted(ranks, reverse=True)
    spike = frame[frame["key"] == _spike_key(fresh)].iloc[0]
    try:
        use_lang("id")
        assert texts.describe(spike).startswith("Pengaduan: lonjakan " + HOSTILE_CATEGORY)
        assert f"{SPIKE_N} laporan dalam 7 hari" in texts.describe(spike)
        use_lang("en")
        assert f"{SPIKE_N} reports in 7 days" in texts.describe(spike)
        assert texts.measure(spike).startswith(f"{SPIKE_N} reports vs")
    finally:
        use_lang("id")
    assert len(open_alerts(Store(fresh["engine"], fresh["cfg"]), limit=1)) == 1


def test_the_config_block_is_validated_and_the_default_config_has_sensible_rules():
    from core.config import load_config
    from core.settings import ConfigError, read_block
    from alerts.settings import AlertSettings
    cfg = load_config()
    a = cfg.feature("alerts")
    assert a.enabled and a.email.host is None and a.spike.p_value == 0.001 and a.breach.days == 7
    with pytest.raises(ConfigError, match="alerts.spike.pvalue: unknown setting"):
        read_block(AlertSettings, {"spike": {"pvalue": 0.01}}, "alerts")
    with pytest.raises(ConfigError, match="alerts.email.recipients"):
        read_block(AlertSettings, {"email": {"recipients": ["not an address"]}}, "alerts")


# --- the page ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def store(world):
    from metrics.base import Store
    return Store(world["engine"], world["cfg"])


@pytest.mark.parametrize("lang,words", [("id", ("Peringatan aktif", "lonjakan", "Aturan yang berlaku")),
                                        ("en", ("Open alerts", "spike of", "Rules in force"))])
def test_the_alerts_page_renders_in_both_languages(fresh, dash_pages, lang, words):
    from alerts.engine import evaluate
    evaluate(fresh["cfg"], fresh["engine"], fresh["now"])
    page = dash_pages("alerts")
    tree = page.layout(lang=lang)
    assert tree.id == "alerts-page"
    text = str(tree)
    for word in words:
        assert word in text
    items = [n for n in _walk(tree) if getattr(n, "id", None) and str(n.id).startswith("alerts-open-")
             and getattr(n, "href", None)]
    spike = [n for n in items if getattr(n, "data-key", None) == _spike_key(fresh)
             or _spike_key(fresh) in str(n.to_plotly_json()["props"].get("data-key"))]
    assert len(spike) == 1
    assert spike[0].href.startswith("/complaints?kel=") and f"lang={lang}" in spike[0].href
    # the hostile category arrives as text of a component (escaped by React), never as markup
    assert not any(getattr(n, "dangerously_allow_html", False) for n in _walk(tree))
    assert HOSTILE_CATEGORY in text


def test_the_alerts_page_with_no_alerts_says_so(fresh, dash_pages):
    tree = dash_pages("alerts").layout()
    assert "alerts-open-none" in str(tree) and "Tidak ada peringatan aktif" in str(tree)


def _walk(node):
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            yield from _walk(child)


# --- the overview's "most urgent": this week's breaches, and the backlog as its own line ---------------

def test_the_overview_lists_this_weeks_breaches_and_counts_the_year_old_backlog(world, store, dash_pages):
    from cards.overview import urgent
    from components.i18n import use_lang
    from components.layout import View
    from core.filters import Filters
    from metrics import overview as ov
    now = world["now"]
    f = Filters(start=now.date() - dt.timedelta(days=29), end=now.date(), until=now)
    week = ov.urgent_this_week(store, f, now)
    assert len(week) > 0
    since = pd.Timestamp(now.date() - dt.timedelta(days=ov.URGENT_RECENT_DAYS))
    with world["engine"].connect() as conn:
        c = pd.read_sql(sa.text("SELECT ticket_no, received_at, resolved_at, rejected_at, resolution_due_date"
                                " FROM complaints"), conn)
    due = pd.to_datetime(c["resolution_due_date"]).set_axis(c["ticket_no"])
    dated = week[week["unit"] == "wd"]
    complaints = dated[dated["service"] == "complaints"]
    assert len(complaints) > 0        # the 8 complaints of this test's OPD are this week's
    assert all(due[k] >= since for k in complaints["key"])
    # the unfiltered ranking is led by older breaches, which this week's list leaves out
    everything = ov.urgent_items(store, f, now)
    old_keys = [k for k in everything[everything["service"] == "complaints"]["key"] if due[k] < since]
    assert old_keys and not set(old_keys) & set(week["key"])

    # the backlog line: overdue for more than a year, per service (the test history is 90 days: none)
    assert ov.long_open(store, f, now).empty
    old = ov.long_open(store, f, now, days=3)
    open_ = c["resolved_at"].isna() & c["rejected_at"].isna() & (pd.to_datetime(c["received_at"]) < now)
    want = int((open_ & (pd.to_datetime(c["resolution_due_date"])
                         < pd.Timestamp(now.date() - dt.timedelta(days=3)))).sum())
    assert int(old.set_index("service")["items"]["complaints"]) == want > 0

    try:
        for lang, words in (("id", "item terbuka lebih dari setahun"), ("en", "items open for more than a year")):
            use_lang(lang)
            line = urgent.backlog_line(old.assign(items=[112] + [0] * (len(old) - 1)))
            assert words in str(line) and "112" in str(line)
        use_lang("id")
        view = View(query={}, f=f, now=now, shown_at=now, wall=False, store=store)
        rendered = str(urgent.card(view))
        assert "Baru lewat batas dalam 7 hari terakhir" in rendered
        assert "overview-urgent-backlog" not in rendered     # nothing a year old in 90 days of history
    finally:
        use_lang("id")


def test_the_scheduler_job_evaluates_the_alerts_after_its_pass(fresh):
    from etl import scheduler
    scheduler.etl_job(fresh["cfg"], fresh["engine"])
    alerts = _alerts(fresh["engine"])
    assert _spike_key(fresh) in set(alerts["key"])
    assert f"breach:complaints:{fresh['opd']}" in set(alerts["key"])


def test_the_cli_evaluates_and_lists(fresh, capsys):
    from alerts.__main__ import main
    assert main(["evaluate", "--config", str(fresh["cfg"].path), "--no-send", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("opened ") and f"{SPIKE_N} reports in 7 days" in out and "/complaints?kel=" in out
