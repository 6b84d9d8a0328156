"""Configuration, URL filters, locale formatting and the working-day calendar."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from components.i18n import fmt_date, fmt_datetime, fmt_int, fmt_pct, fmt_rp, use_lang
from core.calendar import due_date, holiday_dates, is_working_day, working_days_elapsed
from core.config import ConfigError, load_config
from core.filters import Filters


@pytest.fixture(autouse=True)
def _indonesian():
    use_lang("id")
    yield
    use_lang("id")


def write(tmp_path, text: str):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


SOURCES = "\n".join(f"  {s}: sqlite:///src/{s}.sqlite" for s in
                    ("complaints", "permits", "clinics", "budget", "cleanliness"))


def test_default_config_loads_with_absolute_paths():
    cfg = load_config()
    assert cfg.is_demo
    assert cfg.store_url.startswith("duckdb:////")
    assert all(url.startswith("sqlite:////") for url in cfg.sources.values())
    assert cfg.settings.budget.band[6] == (10.0, 30.0)
    assert cfg.sla.complaints.response_working_days == 3


def test_store_url_environment_override_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("BCC_STORE_URL", "postgresql+psycopg://bcc@127.0.0.1/bcc")
    assert load_config().store_url == "postgresql+psycopg://bcc@127.0.0.1/bcc"


def test_config_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BCC_CONFIG", str(write(tmp_path, f"mode: production\nsources:\n{SOURCES}\n"
                                                          "services: {musrenbang: {enabled: false}, pbb: {enabled: false}}\n")))
    cfg = load_config()
    assert cfg.mode == "production"
    assert cfg.sources["permits"] == f"sqlite:///{tmp_path / 'src' / 'permits.sqlite'}"


@pytest.mark.parametrize("text, names", [
    ("mode: party\n", "mode"),
    (f"sources:\n{SOURCES}\n  kinerja: sqlite:///x\n", "kinerja"),
    ("mode: production\nsources:\n  complaints: sqlite:///x\n", "sources: no URL for permits"),
    (f"sources:\n{SOURCES}\nsever:\n  port: 8050\n", "sever: unknown top-level setting"),
    (f"sources:\n{SOURCES}\nsla:\n  complaints:\n    response_days: 3\n", "sla.complaints.response_days: unknown setting"),
    (f"sources:\n{SOURCES}\nservices:\n  complaints: {{enabled: maybe}}\n", "services.complaints.enabled"),
    (f"sources:\n{SOURCES}\nservices:\n  kinerja: {{label: x}}\n", "services.kinerja: unknown service"),
    (f"sources:\n{SOURCES}\nschedule:\n  etl_minutes: -1\n", "schedule.etl_minutes"),
    (f"sources:\n{SOURCES}\nsla:\n  complaints:\n    response_working_days: tiga\n", "sla.complaints.response_working_days"),
    (f"sources:\n{SOURCES}\nbudget:\n  s_curve_band:\n    1: [5, 1]\n", "budget.s_curve_band: month 1"),
    (f"sources:\n{SOURCES}\ngeo:\n  boundaries: nowhere.geojson\n", "geo.boundaries"),
    ("sources: [unclosed\n", "not valid YAML"),
    (f"sources:\n{SOURCES}\nserver:\n  port: 99999\n", "server.port: must be at most 65535, got 99999"),
    (f"sources:\n{SOURCES}\netl:\n  batch_row: 100\n", "etl.batch_row: unknown setting"),
    (f"sources:\n{SOURCES}\ndisplay:\n  stale_after_minute: 5\n", "display.stale_after_minute: unknown setting"),
    (f"sources:\n{SOURCES}\nserver: 8050\n", "server: expected a mapping of settings"),
])
def test_broken_config_names_the_key(tmp_path, text, names):
    with pytest.raises(ConfigError, match=names.replace(".", r"\.").replace("[", r"\[")):
        load_config(write(tmp_path, text))


def test_every_unknown_key_of_the_plain_blocks_is_named_at_once(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, f"sources:\n{SOURCES}\nserver:\n  hots: 0.0.0.0\n  prot: 80\n"
                                    f"simulator:\n  sede: 1\n"))
    assert [line.split(":")[0] for line in str(caught.value).splitlines()] == \
        ["simulator.sede", "server.hots", "server.prot"]


def test_missing_config_file_says_how_to_fix(tmp_path):
    with pytest.raises(ConfigError, match="BCC_CONFIG"):
        load_config(tmp_path / "absent.yaml")


def test_a_window_longer_than_the_maximum_is_narrowed_to_its_last_days():
    today = dt.date(2026, 11, 24)
    f = Filters.from_query({"start": "1900-01-01", "end": "2026-11-24"}, today, max_days=1096)
    assert (f.start, f.end, f.narrowed_from) == (dt.date(2023, 11, 25), today, dt.date(2000, 1, 1))
    assert f.days == 1096
    g = Filters.from_query({"start": "2026-01-01"}, today, max_days=1096)
    assert g.narrowed_from is None and g.start == dt.date(2026, 1, 1)


def test_filters_from_query_fall_back_on_hostile_values():
    today = dt.date(2026, 11, 24)
    f = Filters.from_query({"start": "<script>", "end": "2026-13-45", "kec": "'; DROP TABLE x"}, today)
    assert (f.start, f.end, f.kecamatan) == (dt.date(2026, 10, 26), today, None)
    g = Filters.from_query({"start": "2026-11-10", "end": "2026-11-01", "kec": "12.75.03"}, today)
    assert (g.start, g.end, g.kecamatan) == (dt.date(2026, 11, 1), dt.date(2026, 11, 10), "12.75.03")
    assert g.previous() == Filters(dt.date(2026, 10, 22), dt.date(2026, 10, 31), "12.75.03")
    assert g.params()["end"] == dt.datetime(2026, 11, 11)
    assert Filters.from_query(dict(x.split("=") for x in g.to_query()[1:].split("&")), today) == g


def test_indonesian_and_english_number_formats():
    assert fmt_int(1234567) == "1.234.567"
    assert fmt_pct(85.26) == "85,3%"
    # Babel's short forms (CLDR) join number and unit with a no-break space: never split on a wall tile
    assert fmt_rp(1_030_000_000_000) == "Rp 1,03\u00a0T"
    assert fmt_rp(186_500_000_000) == "Rp 186,5\u00a0M"
    assert fmt_rp(12_345_678) == "Rp 12,3\u00a0jt"
    assert fmt_rp(950_000) == "Rp 950.000"
    assert fmt_date(dt.date(2026, 8, 17)) == "17 Agu 2026"
    assert fmt_datetime(dt.datetime(2026, 11, 23, 10, 5)) == "23 Nov 2026 10.05 WIB"
    use_lang("en")
    assert fmt_int(1234567) == "1,234,567"
    assert fmt_rp(1_030_000_000_000) == "IDR 1.03T"
    assert fmt_rp(186_500_000_000) == "IDR 186.5B"
    assert fmt_pct(85.26) == "85.3%"
    assert fmt_datetime(dt.datetime(2026, 11, 23, 10, 5)) == "23 Nov 2026 10:05 WIB"
    assert fmt_date(dt.date(2026, 8, 17)) == "17 Aug 2026"


def test_calendar_knows_holidays_and_cuti_bersama():
    names = holiday_dates()
    assert "Idul Fitri" in names[dt.date(2026, 3, 21)]
    assert "Cuti Bersama" in names[dt.date(2026, 3, 23)]
    assert not is_working_day("2026-03-23")          # cuti bersama Monday
    assert not is_working_day("2026-08-17")          # Independence Day
    assert is_working_day("2026-11-24")


def test_working_days_across_idul_fitri_2026():
    # Received Tuesday 17 March 2026; 18-24 March are Nyepi, Idul Fitri and cuti bersama
    # (18, 19, 20, 23, 24 off; 21-22 weekend): the first working day after is 25 March.
    assert working_days_elapsed("2026-03-17", "2026-03-25") == 1
    assert due_date("2026-03-17", 3) == np.datetime64("2026-03-27")
    # A report on Saturday counts from the next working day, like one on Friday evening.
    assert due_date("2026-11-21", 3) == np.datetime64("2026-11-25")
    assert working_days_elapsed("2026-11-21", "2026-11-25") == 3
    # A same-day SLA started on a Saturday is due on Monday, never before it started.
    assert due_date("2026-11-21", 0) == np.datetime64("2026-11-23")
    assert due_date("2026-11-24", 0) == np.datetime64("2026-11-24")
    # Vectorised over arrays, same-day resolution counts zero working days.
    got = working_days_elapsed(np.array(["2026-11-20", "2026-11-24"], dtype="datetime64[D]"),
                               np.array(["2026-11-20", "2026-12-01"], dtype="datetime64[D]"))
    assert got.tolist() == [0, 5]
