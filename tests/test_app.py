"""The app as operators see it: /health, stale-source warnings, a broken store."""
from __future__ import annotations

import datetime as dt

import dash
import pytest
import sqlalchemy as sa

from core.calendar import now_wib
from etl.runner import run_pass
from metrics.base import Store
from metrics.health import health
from store.engine import StoreError, init_store, make_engine


@pytest.fixture
def loaded(test_config, store_engine):
    results = run_pass(test_config, store_engine)
    assert all(r.ok for r in results)
    return Store(store_engine, test_config)


def _age_stream(engine, stream: str, hours: float) -> None:
    when = now_wib().replace(tzinfo=None) - dt.timedelta(hours=hours)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE etl_state SET last_success_at = :t WHERE stream = :s"),
                     {"t": when, "s": stream})


def test_health_counts_rows_per_service_and_reports_fresh_sources(loaded):
    body = health(loaded)
    assert body["status"] == "ok" and body["data_version"] == 1
    with loaded.engine.connect() as conn:
        visits = conn.execute(sa.text("SELECT COUNT(*) FROM clinic_visits")).scalar()
    assert body["sources"]["clinics"]["rows"] == visits > 0
    assert all(not s["stale"] for s in body["sources"].values())


def test_a_source_not_loaded_for_too_long_is_flagged_stale_on_health_and_pages(loaded, test_config):
    from app import create_app

    _age_stream(loaded.engine, "permits", hours=3)       # stale_after_minutes is 30
    body = health(loaded)
    assert body["status"] == "degraded"
    assert body["sources"]["permits"]["stale"] is True
    assert body["sources"]["complaints"]["stale"] is False

    app = create_app(test_config, loaded)
    response = app.server.test_client().get("/health")
    assert response.status_code == 200 and response.json["sources"]["permits"]["stale"] is True
    overview = next(p for p in dash.page_registry.values() if p["path"] == "/")
    rendered = str(overview["layout"]())
    assert "stale-warning" in rendered and "Data usang: Perizinan" in rendered


def test_a_store_of_another_schema_version_is_refused_with_the_fix(tmp_path):
    engine = make_engine(f"duckdb:///{tmp_path / 'old.duckdb'}")
    init_store(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE store_meta SET value = '0' WHERE key = 'schema_version'"))
    with pytest.raises(StoreError, match="rebuild it"):
        init_store(engine)
    engine.dispose()
