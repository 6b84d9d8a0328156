"""The weekly briefing pack (briefing/): a real PDF made from the session store (real kaleido with
the system Chromium, real WeasyPrint), read back with pypdf; the written summary; the CLI; the
weekly job in the scheduler; the /briefings routes."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from components.i18n import fmt_int, fmt_kind, fmt_pct, t, use_lang
from core.filters import Filters
from tests.conftest import SEED_END

WEEK = "2026-W47"                      # 16-22 Nov 2026: complete in the seeded data (ends 23 Nov 10:00)
NOW = SEED_END + dt.timedelta(minutes=1)
ROOT = Path(__file__).resolve().parent.parent
KEEP_FOR_LOOKING = os.environ.get("BCC_BRIEFING_KEEP")   # a folder to copy the PDFs into, for a human


def _text(path: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(str(path)).pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def briefing_config(loaded_config, tmp_path_factory):
    """The session store's config with the briefings folder in a temp dir."""
    folder = tmp_path_factory.mktemp("briefings")
    block = loaded_config.feature("briefing").model_copy(update={"folder": str(folder), "keep": 2})
    features = dict(loaded_config.features)
    features["briefing"] = block
    return replace(loaded_config, features=type(loaded_config.features)(features))


@pytest.fixture(scope="module")
def bstore(loaded_store, briefing_config):
    from metrics.base import Store
    return Store(loaded_store, briefing_config)


@pytest.fixture(scope="module")
def made(bstore):
    from briefing import library
    out = {lang: library.make(bstore, week=WEEK, lang=lang, now=NOW) for lang in ("id", "en")}
    if KEEP_FOR_LOOKING:
        for m in out.values():
            shutil.copy(m.path, Path(KEEP_FOR_LOOKING) / m.path.name)
    return out


def test_week_parsing():
    from briefing.pack import WeekError, last_complete_week, parse_week
    assert parse_week("2026-W47") == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert parse_week("2026-W53") == (dt.date(2026, 12, 28), dt.date(2027, 1, 3))   # 2026 has 53 weeks
    assert last_complete_week(dt.datetime(2026, 11, 23, 10, 0)) == "2026-W47"
    assert last_complete_week(dt.datetime(2026, 11, 22, 23, 0)) == "2026-W46"
    for bad in ("2026-47", "W47", "2026-W00", "2025-W53", "<b>", ""):
        with pytest.raises(WeekError):
            parse_week(bad)


def test_pack_is_stored_by_its_name_and_has_every_section(made, bstore):
    cfg = bstore.cfg
    pdf = made["id"].path
    assert pdf.name == "briefing-2026-W47-id.pdf" and pdf.parent == Path(cfg.feature("briefing").folder)
    pages = _text(pdf)
    services = list(cfg.services)
    # cover, summary, written summary, one page per service, overdue per OPD, budget laggards
    assert len(pages) == 3 + len(services) + 2, [p[:60] for p in pages]
    use_lang("id")
    assert "Kota Binjai" in pages[0] and "2026-W47" in pages[0] and "16 Nov 2026" in pages[0]
    assert t("briefing.summary.title") in pages[1]
    assert t("briefing.written.title") in pages[2]
    for i, svc in enumerate(services):
        assert pages[3 + i].startswith(t(f"nav.{svc.name}")), (svc.name, pages[3 + i][:80])
    assert t("briefing.overdue.title") in pages[-2]
    assert t("briefing.laggards.title") in pages[-1]
    # page numbers in the footer
    assert f"{t('briefing.page')} 2 / {len(pages)}" in pages[1]
    assert f"{t('briefing.page')} {len(pages)} / {len(pages)}" in pages[-1]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_summary_page_shows_the_metrics_numbers(made, bstore, lang):
    """Every service's headline KPIs as the metrics compute them for the week, formatted the
    same way, with last week's and last year's values."""
    from metrics import complaints as mc
    from metrics.overview import headlines
    pages = _text(made[lang].path)
    use_lang(lang)
    f = Filters(start=dt.date(2026, 11, 16), end=dt.date(2026, 11, 22))
    moment = dt.datetime(2026, 11, 23)
    summary = pages[1]
    received = mc.received_count(bstore, f)
    assert received > 0
    assert fmt_int(received) in summary
    assert fmt_int(mc.received_count(bstore, f.previous())) in summary
    for svc in bstore.cfg.services:
        for h in headlines(bstore, svc, f, moment):
            if h.kpi.compare == "none":
                assert t(f"{svc.name}.overview.{h.key}") not in summary   # a live state is not a week's figure
                continue
            assert _flat(t(f"{svc.name}.overview.{h.key}")) in summary, (svc.name, h.key)
            assert _flat(fmt_kind(h.kpi.kind, h.value)) in summary, (svc.name, h.key, h.value)
            if h.kpi.compare == "both":
                assert _flat(fmt_kind(h.kpi.kind, h.previous)) in summary, (svc.name, h.key, h.previous)
        # its own page shows the same values
        page = next(p for p in pages if p.startswith(t(f"nav.{svc.name}")) and t("briefing.chart.trend",
                    label="", n=8).split()[-1] in p or p.startswith(t(f"nav.{svc.name}") + " " + svc.label))
        for h in headlines(bstore, svc, f, moment):
            if h.kpi.compare != "none":
                assert _flat(fmt_kind(h.kpi.kind, h.value)) in page, (svc.name, h.key)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_written_summary_sentences_are_in_the_pdf_and_traceable(made, bstore, lang):
    from metrics import budget as mb, complaints as mc
    m = made[lang]
    use_lang(lang)
    text = _flat(" ".join(_text(m.path)[2:4]))
    keys = {s.key for s in m.sentences}
    for svc in bstore.cfg.services:        # every service speaks, without code of its own
        assert any(s.service == svc.name for s in m.sentences), svc.name
    assert {"complaints.received", "metrics.complaints.by_category", "metrics.complaints.opd_league",
            "metrics.budget.laggards", "budget.laggards",
            "musrenbang.proposals", "pbb.realized_pct"} <= keys
    for s in m.sentences:
        assert _flat(s.text)[:60] in text, s.text
        assert s.key in text
    # the values the sentences state are the metrics'
    f = Filters(start=dt.date(2026, 11, 16), end=dt.date(2026, 11, 22))
    received = next(s for s in m.sentences if s.key == "complaints.received")
    assert received.values["value"] == mc.received_count(bstore, f)
    assert received.values["previous"] == mc.received_count(bstore, f.previous())
    word = t("briefing.s.up") if received.values["value"] > received.values["previous"] else t("briefing.s.down")
    change = abs(received.values["value"] - received.values["previous"]) / received.values["previous"] * 100
    assert f"{fmt_int(received.values['value'])}, {word} {fmt_pct(change)}" in received.text
    cats = mc.by_category(bstore, f, dt.datetime(2026, 11, 23))
    top = cats.sort_values(["received", "category"], ascending=[False, True]).iloc[0]
    cat = next(s for s in m.sentences if s.key == "metrics.complaints.by_category")
    assert cat.values["category"] == top["category"] and cat.values["received"] == top["received"]
    assert f"{top['category']} ({fmt_int(top['received'])}" in cat.text
    kel = mc.by_kelurahan(bstore, f.select("cat", top["category"]))
    best = kel.sort_values(["received", "kelurahan_code"], ascending=[False, True]).iloc[0]
    assert cat.values["kelurahan"] == best["kelurahan_name"] and best["kelurahan_name"] in cat.text
    lag = mb.laggards(bstore, f)
    lag_s = next(s for s in m.sentences if s.key == "metrics.budget.laggards")
    assert lag_s.values["count"] == len(lag)
    if len(lag):
        assert lag_s.text.startswith(fmt_int(len(lag))) and lag["opd_short"].iloc[0] in lag_s.text


def test_opd_tables_show_the_overdue_and_the_laggards(made, bstore):
    from metrics import budget as mb, complaints as mc
    use_lang("id")
    pages = _text(made["id"].path)
    f = Filters(start=dt.date(2026, 11, 16), end=dt.date(2026, 11, 22))
    league = mc.opd_league(bstore, f, dt.datetime(2026, 11, 23))
    league = league[league["opd_code"].notna() & (league["overdue"] > 0)].sort_values("overdue", ascending=False)
    assert len(league)
    worst = league.iloc[0]
    assert f"{worst['opd_short']}" in pages[-2]
    assert fmt_int(worst["overdue"]) in pages[-2]
    lag = mb.laggards(bstore, f)
    for _, r in lag.head(5).iterrows():
        assert r["opd_short"] in pages[-1] and _flat(fmt_pct(r["realized_pct"])) in pages[-1]


def test_source_strings_are_escaped_not_markup(bstore, made, tmp_path):
    """A hostile category / OPD name appears as literal text in the PDF, never as markup."""
    from briefing import render
    pack = made["id"].pack
    hostile = "<b>x</b> =HYPERLINK(\"http://evil\")"
    cats = pack.categories.copy()
    cats.loc[cats.index[0], "category"] = hostile
    overdue = pack.overdue_opd.copy()
    overdue.loc[overdue.index[0], "opd_short"] = "<i>OPD</i>&amp;"
    evil = replace(pack, categories=cats, overdue_opd=overdue)
    doc, said, _ = render.document(bstore, evil, "id", "Kota <script>alert(1)</script>")
    assert "<b>x</b>" not in doc and "&lt;b&gt;x&lt;/b&gt;" in doc and "<script>" not in doc
    pdf = render.to_pdf(doc, tmp_path / "evil.pdf")
    text = " ".join(_text(pdf))
    assert "<i>OPD</i>&amp;" in text and hostile in text
    assert "Kota <script>alert(1)</script>" in text


def test_packs_are_listed_and_pruned(bstore, made):
    from briefing import library
    packs = library.list_packs(bstore.cfg)
    assert [(p.week, p.lang) for p in packs] == [(WEEK, "id"), (WEEK, "en")]
    assert packs[0].size == made["id"].path.stat().st_size
    folder = library.folder(bstore.cfg)
    for week in ("2026-W40", "2026-W41", "2026-W42"):         # keep: 2 per language
        shutil.copy(made["id"].path, folder / f"briefing-{week}-id.pdf")
    (folder / "notes.txt").write_text("not a pack")
    removed = library.prune(bstore.cfg)
    assert sorted(p.name for p in removed) == ["briefing-2026-W40-id.pdf", "briefing-2026-W41-id.pdf"]
    assert [p.week for p in library.list_packs(bstore.cfg) if p.lang == "id"] == [WEEK, "2026-W42"]
    assert (folder / "notes.txt").exists()
    assert library.find(bstore.cfg, "briefing-2026-W42-id.pdf") is not None
    for bad in ("../config.yaml", "briefing-2026-W42-id.pdf/../x", "notes.txt", "briefing-2026-W99-xx.pdf"):
        assert library.find(bstore.cfg, bad) is None
    (folder / "briefing-2026-W42-id.pdf").unlink()


def _cli(*args, config=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "briefing", *(["--config", str(config)] if config else []), *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("week", ["2026-49", "2026-W60", "yesterday"])
def test_cli_refuses_a_bad_week_with_exit_2(week):
    result = _cli("make", "--week", week)
    assert result.returncode == 2
    assert "YYYY-Www" in result.stderr or "does not exist" in result.stderr
    assert result.stdout == ""


def test_cli_refuses_a_bad_language_with_exit_2():
    result = _cli("make", "--week", WEEK, "--lang", "fr")
    assert result.returncode == 2 and "--lang" in result.stderr


def test_cli_lists_packs(tmp_path, briefing_config, made):
    import yaml
    raw = yaml.safe_load(Path(briefing_config.path).read_text())
    raw["briefing"] = {"folder": str(library_folder(briefing_config))}
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(raw))
    result = _cli("list", config=config)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith(f"{WEEK}\tid\t") and lines[0].endswith("briefing-2026-W47-id.pdf")
    assert lines[1].startswith(f"{WEEK}\ten\t")


def library_folder(cfg):
    from briefing import library
    return library.folder(cfg)


def test_settings_block_validates(make_config, source_urls):
    from core.settings import ConfigError
    cfg = make_config(source_urls, extra={"briefing": {"day": "fri", "time": "17:30", "languages": ["id", "en"],
                                                       "folder": "packs", "keep": 4}})
    block = cfg.feature("briefing")
    assert (block.day, block.hour, block.minute, block.languages, block.keep) == ("fri", 17, 30, ("id", "en"), 4)
    from briefing import library
    assert library.folder(cfg) == Path(cfg.path).parent / "packs"
    for bad in ({"time": "25:00"}, {"day": "monday"}, {"languages": ["fr"]}, {"keep": 0}):
        with pytest.raises(ConfigError):
            make_config(source_urls, extra={"briefing": bad}, name="bad")


def test_weekly_job_is_registered_with_the_configured_day_and_time(make_config, source_urls):
    from etl.scheduler import BRIEFING_JOB_ID, start_scheduler
    from store.engine import init_store, make_engine
    cfg = make_config(source_urls, extra={"briefing": {"day": "tue", "time": "07:15"}})
    engine = make_engine(cfg.store_url)
    init_store(engine)
    scheduler = start_scheduler(cfg, engine, run_now=False)
    try:
        job = scheduler.get_job(BRIEFING_JOB_ID)
        assert job is not None
        fields = {f.name: str(f) for f in job.trigger.fields}
        assert (fields["day_of_week"], fields["hour"], fields["minute"]) == ("tue", "7", "15")
        assert str(job.trigger.timezone) == "Asia/Jakarta"
        nxt = job.next_run_time
        assert nxt.weekday() == 1 and (nxt.hour, nxt.minute) == (7, 15) and nxt.utcoffset() == dt.timedelta(hours=7)
    finally:
        scheduler.shutdown(wait=False)
        engine.dispose()
    off = make_config(source_urls, extra={"briefing": {"enabled": False}}, name="off")
    engine = make_engine(off.store_url)
    init_store(engine)
    scheduler = start_scheduler(off, engine, run_now=False)
    try:
        assert scheduler.get_job(BRIEFING_JOB_ID) is None
    finally:
        scheduler.shutdown(wait=False)
        engine.dispose()


def test_weekly_job_never_raises(briefing_config):
    from briefing import library

    class Broken:
        def connect(self):
            raise RuntimeError("store down")
    library.weekly_job(briefing_config, Broken())      # logs, does not raise


def test_routes_serve_only_generated_names_and_the_page_lists_packs(bstore, made):
    import importlib
    import time

    from app import create_app
    from briefing import web
    app = create_app(bstore.cfg, bstore)
    client = app.server.test_client()
    got = client.get("/briefings/file/briefing-2026-W47-id.pdf")
    assert got.status_code == 200 and got.data == made["id"].path.read_bytes()
    assert got.headers["Content-Type"] == "application/pdf"
    for bad in ("..%2Fconfig.yaml", "briefing-2026-W47-id.pdf%00", "config.yaml", "briefing-2026-W01-id.pdf"):
        answer = client.get(f"/briefings/file/{bad}")
        # 404 from the route, or (a path with a slash) the app's page shell: never a file
        assert answer.status_code == 404 or answer.headers["Content-Type"].startswith("text/html"), bad
        assert b"store:" not in answer.data and not answer.data.startswith(b"%PDF"), bad
    page = importlib.import_module("pages.briefings")
    use_lang("id")
    table = page.packs_table(bstore.cfg)
    assert "briefing-2026-W47-id.pdf" in str(table) and "/briefings/file/briefing-2026-W47-en.pdf" in str(table)
    # making: a second start while one runs is refused, no double make
    with web._state_lock:
        web.STATE.update(running=True)
    try:
        assert client.post("/briefings/make?lang=id").status_code == 409
    finally:
        with web._state_lock:
            web.STATE.update(running=False)
