"""The wall without a browser: playlists from config (and their errors), the rotation URLs, the
clinics' opening times, the city map's counts against an independent count, the chrome's status
(stale sources, an unreachable store). The screens in real Chromium: tests/browser/test_wall.py."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from components.i18n import use_lang
from core.filters import Filters
from core.settings import ConfigError
from wall import playlist as pl


def test_the_default_playlist_has_a_screen_per_service_of_the_catalogue(loaded_config):
    urls = [s.url for s in pl.playlists(loaded_config)["default"].screens]
    services = [f"/wall/{s.name}" for s in loaded_config.services]
    assert urls == ["/wall/overview", *services, "/wall/map", "/wall/queue"]
    assert {"/wall/musrenbang", "/wall/pbb"} <= set(urls)        # services added later: no code of their own
    assert all(s.seconds == 30 for s in pl.playlists(loaded_config)["default"].screens)


def test_a_configured_playlist_keeps_its_order_durations_and_queries(make_config, source_urls):
    cfg = make_config(source_urls, extra={"wall": {"screen_seconds": 12, "playlists": {"lobby": [
        {"url": "/wall/overview", "seconds": 20}, "/wall/map?lang=en",
        {"url": "/complaints?kec=12.75.05", "seconds": 9}]}}})
    lobby = pl.playlists(cfg)["lobby"]
    assert [(s.url, s.seconds) for s in lobby.screens] == [
        ("/wall/overview", 20), ("/wall/map?lang=en", 30), ("/complaints?kec=12.75.05", 9)]
    assert [s.seconds for s in pl.playlists(cfg)["default"].screens][:2] == [12, 12]


@pytest.mark.parametrize("playlists,message", [
    ({"lobby": [{"url": "/wall/nothing"}]}, r"wall.playlists.lobby\[0\].url: '/wall/nothing' is not a screen"),
    ({"lobby": [{"url": "https://evil.example/"}]}, r"wall.playlists.lobby\[0\].url: 'https://evil.example/'"),
    ({"lobby": [{"url": "/wall/map", "seconds": 2}]}, r"wall.playlists.lobby\[0\].seconds"),
    ({"lobby": [{"url": "/wall/map", "secs": 20}]}, r"wall.playlists.lobby\[0\].secs"),
    ({"lobby": []}, r"wall.playlists.lobby: expected a non-empty list"),
    ({"bad name!": ["/wall/map"]}, r"'bad name!' is not a playlist name"),
])
def test_a_broken_playlist_is_refused_naming_its_key(make_config, source_urls, playlists, message):
    with pytest.raises(ConfigError, match=message):
        make_config(source_urls, extra={"wall": {"playlists": playlists}})


def test_a_screen_of_a_switched_off_service_is_refused(make_config, source_urls):
    with pytest.raises(ConfigError, match=r"'/wall/clinics' is not a screen of this config"):
        make_config(source_urls, extra={"services": {"clinics": {"enabled": False}},
                                        "wall": {"playlists": {"lobby": ["/wall/clinics"]}}})


def test_rotation_urls_carry_the_position_the_wall_language_and_the_viewport(make_config, source_urls):
    cfg = make_config(source_urls, extra={"wall": {"playlists": {"lobby": [
        "/wall/overview", "/wall/map?lang=id", {"url": "/complaints?kec=12.75.05", "seconds": 9}]}}})
    lobby = pl.playlists(cfg)["lobby"]
    start = {"playlist": "lobby", "lang": "en", "vh": "2160", "vw": "3840"}     # /wall?playlist=lobby&lang=en
    first = pl.screen_url(lobby, 0, start)
    assert first == "/wall/overview?lang=en&mode=wall&playlist=lobby&screen=0&wall_lang=en&vh=2160&vw=3840"
    shown = dict(p.split("=") for p in first.split("?")[1].split("&"))
    pinned = pl.screen_url(lobby, 1, shown)
    assert pinned.startswith("/wall/map?lang=id&") and "wall_lang=en" in pinned   # the screen pins its language
    third = pl.screen_url(lobby, 2, shown)
    assert third.startswith("/complaints?kec=12.75.05&lang=en&mode=wall&playlist=lobby&screen=2")
    position = pl.position(cfg, {"playlist": "lobby", "screen": "2"})
    assert (position.screen.seconds, position.next_index) == (9, 0)
    assert pl.position(cfg, {"playlist": "lobby", "screen": "99"}).index == 0        # a stale URL starts over
    assert pl.position(cfg, {"playlist": "nope"}) is None
    assert pl.viewport({"vh": "99999", "vw": "x"}) == (8640, 1920)


@pytest.mark.parametrize("now,expected", [
    (dt.datetime(2026, 12, 7, 5, 30), "Antrean buka hari ini pukul 07.30 WIB"),       # Monday before opening
    (dt.datetime(2026, 12, 7, 17, 0), "Antrean buka besok pukul 07.30 WIB"),          # Monday evening
    (dt.datetime(2026, 12, 12, 15, 0), "Antrean buka hari Senin 14 Des 2026 pukul 07.30 WIB"),  # Saturday: Sunday closed
    (dt.datetime(2026, 12, 24, 16, 0), "Antrean buka hari Sabtu 26 Des 2026 pukul 07.30 WIB"),  # Christmas (25th) closed
])
def test_the_queue_screen_says_when_the_clinics_open_again(now, expected):
    from cards.wall.queue import next_opening
    use_lang("id")
    assert next_opening(now, "07:30") == expected


def test_next_opening_in_english():
    from cards.wall.queue import next_opening
    use_lang("en")
    try:
        assert next_opening(dt.datetime(2026, 12, 12, 15, 0), "08:00") == \
            "Queues open on Monday 14 Dec 2026 at 08:00 WIB"
    finally:
        use_lang("id")


def test_the_city_map_counts_open_and_overdue_items_per_kelurahan(store):
    from metrics.base import query_now, snapshot_at
    from metrics.wall import open_by_kelurahan
    now = query_now()
    f = Filters(start=now.date() - dt.timedelta(days=29), end=now.date())
    got = open_by_kelurahan(store, f, now)
    assert set(got["service"]) == {"complaints", "permits", "cleanliness"}    # the case services
    at = snapshot_at(f, now)
    raw = pd.read_sql(sa.text("SELECT kelurahan_code, received_at, resolved_at, rejected_at, resolution_due_date"
                              " FROM complaints WHERE kelurahan_code IS NOT NULL"), store.engine)
    is_open = (raw["received_at"] < at) & ~(raw["resolved_at"] < at) & ~(raw["rejected_at"] < at)
    late = is_open & (pd.to_datetime(raw["resolution_due_date"]) < pd.Timestamp(at.date()))
    expected = pd.DataFrame({"open": is_open.groupby(raw["kelurahan_code"]).sum(),
                             "overdue": late.groupby(raw["kelurahan_code"]).sum()})
    expected = expected[expected["open"] > 0]
    mine = got[got["service"] == "complaints"].set_index("kelurahan_code")[["open", "overdue"]]
    assert len(mine) > 5
    pd.testing.assert_frame_equal(mine.sort_index(), expected.sort_index().astype("int64"), check_names=False)


def test_the_chrome_names_a_stale_source_and_says_when_the_store_is_unreachable(make_config, source_urls, new_store):
    from etl.runner import run_pass
    from metrics.base import Store
    from store.schema import etl_state
    from core.calendar import now_wib
    from wall.status import stale_by_service, wall_status
    use_lang("id")
    cfg = make_config(source_urls)
    engine = new_store(cfg)
    run_pass(cfg, engine)
    store = Store(engine, cfg)
    fine = wall_status(store)
    assert fine["store_ok"] and fine["stale"] == [] and fine["as_of"].startswith("Data per ")
    now = now_wib().replace(tzinfo=None)
    with engine.begin() as con:
        con.execute(sa.update(etl_state).where(etl_state.c.stream.in_(["facilities", "clinic_visits"]))
                    .values(last_success_at=now.replace(hour=14, minute=5) - dt.timedelta(days=1), failures=3,
                            last_failure_at=now.replace(hour=14, minute=7) - dt.timedelta(days=1),
                            last_error="connection refused: e-Dokter database at 10.0.0.5"))
        from store.schema import store_meta
        con.execute(sa.update(store_meta).where(store_meta.c.key == "data_version")
                    .values(value=str(int(store.data_version()) + 1)))
    status = wall_status(Store(engine, cfg))
    assert status["stale"] == ["clinics"]
    note = stale_by_service(Store(engine, cfg))["clinics"]
    assert note.startswith("e-Dokter: data terakhir ") and "14.05" in note
    assert any(i["kind"] == "stale" and "e-Dokter" in i["text"] for i in status["ticker"])

    broken = make_config(source_urls, store_url="postgresql+psycopg://nobody@127.0.0.1:1/none", name="down")
    down = wall_status(Store(sa.create_engine(broken.store_url), broken))
    assert down["store_ok"] is False and down["ticker"][0]["kind"] == "store"
    assert "tidak menjawab" in down["ticker"][0]["text"]


def test_the_countdown_names_the_next_screen_in_the_wall_language(loaded_config):
    from cards.wall.chrome import screen_name
    use_lang("id")
    assert [screen_name(u) for u in ("/wall/overview", "/wall/permits", "/wall/map", "/complaints?kec=1")] == [
        "Kota Binjai sekilas", "Perizinan", "Item terbuka per kelurahan", "Pengaduan"]
    use_lang("en")
    try:
        assert screen_name("/wall/permits") == "Permits"
    finally:
        use_lang("id")
