"""The delegation demo: the tour is the catalogue's, every service has a caption in both
languages, config mistakes name their key, the live feed is aggregate only, and the reset never
writes outside the demo data folder (nor in production mode)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pandas as pd
import pytest

from components.i18n import t, use_lang
from core.settings import ConfigError, read_block
from demo import tour
from demo.reset import ResetRefused, check as reset_check
from demo.settings import DemoSettings


@pytest.fixture(autouse=True)
def _indonesian():
    use_lang("id")
    yield
    use_lang("id")


def test_tour_has_one_step_per_service_of_the_catalogue_in_its_order(loaded_config):
    steps = tour.steps(loaded_config)
    assert steps[0].kind == tour.INTRO and steps[-1].kind == tour.OUTRO
    services = [s for s in steps if s.kind == "service"]
    assert [s.service for s in services] == [svc.name for svc in loaded_config.services]
    assert [s.url for s in services] == [svc.path for svc in loaded_config.services]
    assert len(steps) == len(loaded_config.services) + 2


def test_a_service_switched_off_has_no_step(loaded_config):
    fewer = dataclasses.replace(loaded_config, services=loaded_config.services[1:])
    names = [s.service for s in tour.steps(fewer) if s.kind == "service"]
    assert loaded_config.services[0].name not in names and len(names) == len(loaded_config.services) - 1


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_service_has_a_caption_of_its_own_in_both_languages(loaded_config, lang):
    use_lang(lang)
    other = {}
    for step in tour.steps(loaded_config):
        text = tour.text(step.caption, step.service, loaded_config)
        assert text and not text.startswith("demo."), (step, text)
        if step.service:
            assert loaded_config.service(step.service).label in text   # names the app (e-Dokter ...)
        other[step.caption] = text
    use_lang("en" if lang == "id" else "id")
    changed = [k for k, v in other.items() if tour.text(k) != v]
    assert len(changed) == len(other), "a caption is the same text in both languages"


def test_a_new_service_without_its_own_caption_gets_the_generic_one(loaded_config):
    svc = loaded_config.services[0]
    step = tour.TourStep("service", svc.path, 30, "demo.step.nosuch", "nav.nosuch", service=svc.name)
    assert tour.text(step.caption, step.service, loaded_config).startswith(f"{svc.label}: ")


def test_steps_from_config_replace_the_generated_tour():
    s = read_block(DemoSettings, {"steps": [{"url": "/clinics?kec=12.75.01", "seconds": 20,
                                             "caption": {"id": "Antrean", "en": "Queues"}}]}, "demo")
    cfg = type("C", (), {"feature": lambda self, n: s, "services": ()})()
    (only,) = tour.steps(cfg)
    assert (only.url, only.seconds) == ("/clinics?kec=12.75.01", 20)
    use_lang("en")
    assert tour.text(only.caption) == "Queues"


@pytest.mark.parametrize("raw,key", [
    ({"steps": [{"url": "clinics"}]}, "demo.steps.0.url"),
    ({"steps": [{"url": "/clinics", "caption": {"en": "only English"}}]}, "demo.steps.0.caption"),
    ({"step_seconds": 1}, "demo.step_seconds"),
    ({"feed_minutes": 0}, "demo.feed_minutes"),
    ({"stepseconds": 30}, "demo.stepseconds"),
])
def test_a_config_mistake_names_its_key(raw, key):
    with pytest.raises(ConfigError) as err:
        read_block(DemoSettings, raw, "demo")
    assert str(err.value).startswith(key + ":") and "fix it in the config file" in str(err.value)


def test_a_step_pointing_at_no_page_of_the_config_names_its_key(loaded_config):
    s = read_block(DemoSettings, {"steps": [{"url": "/clinics"}, {"url": "/nowhere"}]}, "demo")
    cfg = dataclasses.replace(loaded_config, features={**loaded_config.features, "demo": s})
    with pytest.raises(ConfigError, match=r"^demo\.steps\[1\]\.url: '/nowhere'"):
        tour.check(cfg)


@pytest.mark.parametrize("value,expected", [(None, 0), ("x", 0), ("-3", 0), ("3", 3), ("99", 9)])
def test_step_numbers_from_the_url_are_clamped(value, expected):
    assert tour.clamp(value, 9) == expected


def test_frame_url_pins_the_language_and_keeps_the_steps_own_query():
    step = tour.TourStep("custom", "/clinics?kec=12.75.01", 30, "x", "y")
    assert tour.frame_url(step, "en") == "/clinics?kec=12.75.01&lang=en"
    assert tour.frame_url(tour.TourStep("intro", None, 30, "x", "y"), "en") is None


# --- the live feed ----------------------------------------------------------------------------

PERSONAL = re.compile(r"\d{16}|\b08\d{8,11}\b|@\w+\.\w+|\+62\d{8,}")


def test_activity_feed_is_aggregate_counts_only(store):
    from metrics import activity
    from metrics.base import query_now
    latest = activity.latest_arrival(store)
    assert latest is not None
    frame = activity.recent(store, latest + dt.timedelta(seconds=1), minutes=24 * 60, limit=30)
    assert list(frame.columns) == activity.COLUMNS
    assert len(frame) > 0 and (frame["n"] >= 1).all()
    assert frame["latest"].max() == pd.Timestamp(latest)
    assert set(frame["service"]) <= {s.name for s in store.cfg.services}
    # a group is a category / poli / sector code, never a free text of a citizen
    for value in frame["group"].dropna().astype(str):
        assert len(value) <= 60 and not PERSONAL.search(value), value
    assert frame["latest"].is_monotonic_decreasing


def test_feed_lines_show_no_personal_data(store, dash_pages):
    from cards.demo import views
    from metrics import activity
    latest = activity.latest_arrival(store)
    s = store.cfg.feature("demo")
    wide = dataclasses.replace(store.cfg, features={**store.cfg.features,
                                                    "demo": s.model_copy(update={"feed_minutes": 1440})})
    from metrics.base import Store
    lines = views.feed_lines(Store(store.engine, wide), latest + dt.timedelta(minutes=1))
    texts = [_text(line) for line in lines]
    assert texts and all("·" in x for x in texts)
    assert not any(PERSONAL.search(x) for x in texts), texts
    use_lang("id")
    assert any(re.search(r"\d+ (pengaduan baru|permohonan izin|pendaftaran puskesmas|laporan kebersihan)", x)
               for x in texts), texts




def _text(component) -> str:
    children = getattr(component, "children", component)
    if isinstance(children, (list, tuple)):
        return " ".join(_text(c) for c in children)
    return str(children) if not hasattr(children, "children") else _text(children)


# --- the reset ----------------------------------------------------------------------------------

def _config(make_config, tmp_path, sources_in: str, mode: str = "demo"):
    folder = tmp_path / "config"
    inside = folder / "data" / "sources"
    outside = tmp_path / "elsewhere"
    base = inside if sources_in == "inside" else outside
    from core.services import package_services
    sources = {s.name: f"sqlite:///{base / (s.name + '.sqlite')}" for s in package_services()}
    return make_config(sources, mode=mode)


def test_reset_refuses_a_source_outside_the_demo_folder(make_config, tmp_path):
    cfg = _config(make_config, tmp_path, "outside")
    with pytest.raises(ResetRefused, match=r"sources\.complaints .* is not a SQLite file under .*data/sources"):
        reset_check(cfg)
    assert not (tmp_path / "elsewhere").exists(), "the refused reset wrote something"


def test_reset_refuses_a_server_database(make_config, tmp_path):
    cfg = _config(make_config, tmp_path, "inside")
    cfg = dataclasses.replace(cfg, sources={**cfg.sources, "budget": "postgresql+psycopg://bcc@db.city/eanggaran"})
    with pytest.raises(ResetRefused, match=r"sources\.budget"):
        reset_check(cfg)


def test_reset_refuses_in_production_mode(make_config, tmp_path):
    cfg = _config(make_config, tmp_path, "inside")
    cfg = dataclasses.replace(cfg, mode="production")
    with pytest.raises(ResetRefused, match="only demo mode"):
        reset_check(cfg)


def test_reset_accepts_demo_sources_inside_the_folder(make_config, tmp_path):
    reset_check(_config(make_config, tmp_path, "inside"))


def test_reset_command_refuses_with_a_clear_message_and_exit_code(make_config, tmp_path, capsys):
    from demo.__main__ import main
    cfg = _config(make_config, tmp_path, "outside")
    assert main(["reset", "--config", str(cfg.path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: not demo data, left alone") and "nothing was changed" in err
