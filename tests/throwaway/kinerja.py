"""e-Kinerja as a test declares it: one source table, one stream, one store table, two KPIs.

Everything a service needs below the page lives in this one module (the declaration points
every layer here), to show that a service flows through ETL -> store -> metrics -> its page
and the overview with no other code change. Not a model of the real e-Kinerja.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Column, DateTime, Integer, MetaData, SmallInteger, String, Table

from core.services import KEL, Service, StreamRef
from etl.streams import integer, kelurahan, personal, service_streams, timestamp
from etl.transforms import bookkeeping, kecamatan_of
from metrics.base import KEC_FILTER, Store
from metrics.kpis import Kpi, Trend
from simulator import fake
from simulator.services import ids_from
from store.schema import loaded, metadata, pk

HERE = "tests.throwaway.kinerja"
SERVICE = Service(
    name="kinerja", label="e-Kinerja", title={"id": "Kinerja ASN", "en": "Staff performance"},
    order=90, database="ekinerja",
    streams=(StreamRef("kinerja_scores", "kinerja_scores"),),
    tables=("kinerja_scores",), dims=(KEL,), overview=("scored", "mean_score"),
    modules={"simulator": HERE, "etl": HERE, "store": HERE, "metrics": HERE, "page": HERE + "_page"},
)

# --- simulator: the app's database (a civil servant's NIP and name are personal data) -------------
METADATA = MetaData()
Table("penilaian", METADATA,
      Column("id", Integer, primary_key=True, autoincrement=False),
      Column("nip", String(18)), Column("nama_pegawai", String(100)),
      Column("kode_kelurahan", String(13)), Column("nilai", SmallInteger, nullable=False),
      Column("tgl_penilaian", DateTime, nullable=False),
      Column("created_at", DateTime, nullable=False), Column("updated_at", DateTime, nullable=False))
MAIN_TABLE = "penilaian"


def history(window) -> dict:
    rng = window.rng
    days = window.days
    when = (days.astype("datetime64[s]") + np.timedelta64(9, "h"))
    when = when[when <= window.end]
    n = when.size
    kel = fake.pick_kelurahan(rng, n)
    return {"penilaian": {"id": ids_from(1, n), "nip": np.array([f"19800101200501{i:04d}" for i in range(n)], dtype=object),
                          "nama_pegawai": fake.people(rng, n)["name"], "kode_kelurahan": fake.kelurahan_codes(kel),
                          "nilai": rng.integers(60, 101, n), "tgl_penilaian": when, "created_at": when,
                          "updated_at": when}}


def advance(conn, tables, live) -> None:
    """No live activity: a score is given once."""


# --- etl ---------------------------------------------------------------------------------------------

def score(batch: pd.DataFrame, ctx) -> pd.DataFrame:
    out = pd.DataFrame({"score_id": batch["source_key"], "kelurahan_code": batch["kelurahan_code"],
                        "kecamatan_code": kecamatan_of(batch["kelurahan_code"]), "score": batch["score"],
                        "scored_at": batch["scored_at"]}, index=batch.index)
    return bookkeeping(out, batch, ctx)


def streams(service) -> list:
    stream = service_streams(service)
    return [stream("kinerja_scores", "penilaian",
                   {"nip": "nip", "name": "nama_pegawai", "kelurahan_code": "kode_kelurahan", "score": "nilai",
                    "scored_at": "tgl_penilaian"},
                   {"nip": personal(), "name": personal(), "kelurahan_code": kelurahan(),
                    "score": integer(required=True, minimum=0, maximum=100), "scored_at": timestamp(required=True)},
                   score)]


# --- store -------------------------------------------------------------------------------------------
if "kinerja_scores" not in metadata.tables:
    Table("kinerja_scores", metadata, pk("score_id"), Column("kelurahan_code", String(13)),
          Column("kecamatan_code", String(8)), Column("score", SmallInteger, nullable=False),
          Column("scored_at", DateTime, nullable=False), *loaded())


# --- metrics -----------------------------------------------------------------------------------------
WINDOW = f"scored_at >= :start AND scored_at < :end AND {KEC_FILTER}"


def scored_count(store: Store, f) -> int:
    """Scores given in the window (count)."""
    return int(store.scalar(f"SELECT COUNT(*) FROM kinerja_scores WHERE {WINDOW}", **f.params()) or 0)


def mean_score(store: Store, f) -> float | None:
    """Mean score (0..100) of the window's scores."""
    value = store.scalar(f"SELECT AVG(CAST(score AS DOUBLE PRECISION)) FROM kinerja_scores WHERE {WINDOW}",
                         **f.params())
    return None if value is None or pd.isna(value) else float(value)


def per_day(store: Store, f) -> pd.DataFrame:
    return store.frame(f"SELECT date_trunc('day', scored_at) AS bucket, COUNT(*) AS scored FROM kinerja_scores"
                       f" WHERE {WINDOW} GROUP BY 1 ORDER BY 1", **f.params())


KPIS = (Kpi("scored", "count", "neutral", lambda s, f, now: scored_count(s, f)),
        Kpi("mean_score", "count", "up", lambda s, f, now: mean_score(s, f),
            status=lambda s, f, now, v: None if v is None else "ok" if v >= 75 else "warn"))
TREND = Trend(per_day, "scored")
