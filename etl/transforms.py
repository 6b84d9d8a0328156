"""Transforms: a validated, typed batch (canonical field names) -> rows of a store table.

Each transform is a pure function of the batch and a small context (SLA settings, the
pseudonymiser, store lookups, load time). Working days follow core.calendar exactly:
``due_date(start, n)`` and ``working_days_elapsed(start, end)``; dates are WIB. The SLA ``n``
is per row: config.yaml's per-type override (complaint category or kind, cleanliness
category, permit type code) where there is one, else the service default (for permits,
e-Perizinan's own SLA of the type). A changed SLA applies to rows loaded afterwards;
``python -m etl run --full <stream>`` recomputes the stored ones.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core import calendar
from core.config import SlaConfig
from core.geo import KELURAHAN_BY_CODE
from etl import pii

KECAMATAN_OF = {code: k.kecamatan_code for code, k in KELURAHAN_BY_CODE.items()}
CLOSED_COMPLAINT = ("selesai", "ditolak")
CLOSED_CLEANLINESS = ("selesai", "ditolak")
LOCATION_CELL_DEGREES = 0.001  # about 111 m x 111 m at Binjai's latitude (3.6 N)


@dataclass
class TransformContext:
    sla: SlaConfig
    pseudonymizer: pii.Pseudonymizer
    label: str                                  # source system, e.g. "e-Masyarakat"
    loaded_at: pd.Timestamp                     # naive WIB
    lookup: Callable[[str, str, str], dict] = lambda table, key, value: {}
    rejected: dict = field(default_factory=dict)  # batch index -> reason

    @property
    def id_prefix(self) -> str:
        """'e-Masyarakat' -> 'emasyarakat' (complaint ids are '<prefix>:<source key>')."""
        return "".join(ch for ch in self.label.lower() if ch.isalnum())

    def reject(self, mask: pd.Series, reason: str | pd.Series) -> None:
        """Send rows to etl_reject from inside a transform (e.g. an unknown lookup code)."""
        for idx in mask.index[mask.fillna(False).to_numpy(dtype=bool)]:
            self.rejected[idx] = reason if isinstance(reason, str) else str(reason.at[idx])


# --- shared derivations -------------------------------------------------------------------------

def kecamatan_of(kelurahan_codes: pd.Series) -> pd.Series:
    """'12.75.01.1003' -> '12.75.01'; null stays null."""
    return kelurahan_codes.map(KECAMATAN_OF).astype("str")


def due_dates(start: pd.Series, working_days) -> pd.Series:
    """SLA due date (datetime64, midnight) of each start, ``working_days`` after it."""
    days = np.broadcast_to(np.asarray(working_days), start.shape)
    known = start.notna().to_numpy() & ~pd.isna(days)
    out = np.full(start.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    if known.any():
        starts = start.to_numpy(dtype="datetime64[us]")[known]
        out[known] = calendar.due_date(starts, days[known].astype("int64"))
    return pd.Series(out, index=start.index).astype("datetime64[s]")


def sla_days_by(keys: pd.Series, overrides: dict[str, int], default, normalise) -> pd.Series:
    """Per-row SLA (working days): ``overrides[normalise(key)]`` where the config has one for
    the row's type (category, kind, permit type), else ``default`` (a number or a Series)."""
    fallback = default if isinstance(default, pd.Series) else pd.Series(default, index=keys.index)
    if not overrides:
        return fallback.astype("int64")
    codes, uniques = pd.factorize(keys)   # few distinct types: normalise each once
    table = np.array([overrides.get(normalise(key), -1) for key in uniques] + [-1], dtype="int64")
    found = table[codes]                  # code -1 (a missing key) picks the trailing -1
    return pd.Series(np.where(found >= 0, found, fallback.to_numpy(dtype="int64")), index=keys.index)


def complaint_resolution_days(batch: pd.DataFrame, sla: SlaConfig) -> pd.Series:
    """Resolution SLA per complaint: its category's override, else its kind's, else the default."""
    by_category, by_kind = sla.complaint_resolution_overrides()
    by_kind_days = sla_days_by(batch["kind"], by_kind, sla.complaint_resolution_days,
                               lambda kind: str(kind).strip().lower())
    return sla_days_by(batch["category"], by_category, by_kind_days, SlaConfig.category_key)


def working_days_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Working days elapsed from start to end (Int64; null when either is null)."""
    known = (start.notna() & end.notna()).to_numpy()
    out = pd.Series(pd.NA, index=start.index, dtype="Int64")
    if known.any():
        out[known] = calendar.working_days_elapsed(
            start.to_numpy(dtype="datetime64[us]")[known], end.to_numpy(dtype="datetime64[us]")[known])
    return out


def location_cell(lat: pd.Series, lng: pd.Series) -> pd.Series:
    """~100 m grid cell label 'lat,lng' of the cell's south-west corner, e.g. '3.623,98.497'."""
    def corner(values: pd.Series) -> pd.Series:
        cells = np.floor(values.to_numpy(dtype="float64") / LOCATION_CELL_DEGREES + 1e-6)
        return pd.Series(cells * LOCATION_CELL_DEGREES, index=values.index).map("{:.3f}".format)
    return (corner(lat) + "," + corner(lng)).astype("str")


def closed_at(batch: pd.DataFrame, stamp: str, statuses: tuple[str, ...]) -> pd.Series:
    """The time an item was closed: its own timestamp column, or, where a source set a closing
    status without that timestamp, the row's last update (else it would count as open forever)."""
    missing = batch[stamp].isna() & batch["status"].isin(statuses)
    return batch[stamp].where(~missing, batch["updated_at"])


def _bookkeeping(out: pd.DataFrame, batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    out["source"] = ctx.label
    out["source_updated_at"] = batch["updated_at"]
    out["loaded_at"] = ctx.loaded_at
    return out


# --- dimensions -----------------------------------------------------------------------------------

def opd(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    out = batch[["opd_code", "opd_name", "opd_short"]].copy()
    return _bookkeeping(out, batch, ctx)


def permit_type(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    out = batch[["permit_type_code", "permit_type_name", "sla_working_days", "risk_level"]].copy()
    # the type's SLA as the dashboards apply it: e-Perizinan's, unless config overrides it
    out["sla_working_days"] = sla_days_by(batch["permit_type_code"], ctx.sla.permit_overrides(),
                                          batch["sla_working_days"], lambda code: str(code).strip().upper())
    return _bookkeeping(out, batch, ctx)


def facility(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    out = batch[["facility_code", "facility_name", "facility_kind", "kelurahan_code", "lat", "lng"]].copy()
    return _bookkeeping(out, batch, ctx)


# --- complaints ------------------------------------------------------------------------------------

def complaint(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    prefix = ctx.id_prefix + ":"
    received = batch["received_at"]
    resolved = closed_at(batch, "resolved_at", ("selesai",))
    out = pd.DataFrame({
        "complaint_id": prefix + batch["source_key"].astype("str"),
        "ticket_no": batch["ticket_no"],
        "kind": batch["kind"],
        "category": batch["category"],
        "title": batch["title"],
        "channel": batch["channel"],
        "kelurahan_code": batch["kelurahan_code"],
        "kecamatan_code": kecamatan_of(batch["kelurahan_code"]),
        "opd_code": batch["opd_code"],
        "status": batch["status"],
        "is_open": ~batch["status"].isin(CLOSED_COMPLAINT),
        "reporter_hash": ctx.pseudonymizer.hash_series(pii.person_identity(
            nik=batch["reporter_nik"], phone=batch["reporter_phone"], email=batch["reporter_email"])),
        "received_at": received,
        "verified_at": batch["verified_at"],
        "dispositioned_at": batch["dispositioned_at"],
        "processing_at": batch["processing_at"],
        "resolved_at": resolved,
        "rejected_at": closed_at(batch, "rejected_at", ("ditolak",)),
        "response_due_date": due_dates(received, ctx.sla.complaint_response_days),
        "resolution_due_date": due_dates(received, complaint_resolution_days(batch, ctx.sla).to_numpy()),
        "response_working_days": working_days_between(received, batch["dispositioned_at"]),
        "resolution_working_days": working_days_between(received, resolved),
        "rating": batch["rating"],
    }, index=batch.index)
    return _bookkeeping(out, batch, ctx)


def complaint_status_event(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    prefix = ctx.id_prefix + ":"
    out = pd.DataFrame({
        "event_id": prefix + batch["source_key"].astype("str"),
        "complaint_id": prefix + batch["complaint_key"].astype("str"),
        "status": batch["status"],
        "changed_at": batch["changed_at"],
    }, index=batch.index)
    return _bookkeeping(out, batch, ctx)


# --- permits ------------------------------------------------------------------------------------------

def permit(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    sla_of_type = ctx.lookup("dim_permit_type", "permit_type_code", "sla_working_days")
    if not sla_of_type:
        raise LookupError("dim_permit_type is empty: load the permit_types stream first")
    sla = batch["permit_type_code"].map(sla_of_type)
    unknown = sla.isna()
    ctx.reject(unknown, "unknown permit type " + batch["permit_type_code"].astype("str").map(repr)
               + " (not in dim_permit_type: is the permit_types stream loaded?)")
    batch, sla = batch[~unknown], sla[~unknown].astype("int64")
    sla = sla_days_by(batch["permit_type_code"], ctx.sla.permit_overrides(), sla,
                      lambda code: str(code).strip().upper())   # config overrides apply here too
    submitted = batch["submitted_at"]
    decided = closed_at(batch, "decided_at", ("terbit", "ditolak"))
    out = pd.DataFrame({
        "permit_id": batch["source_key"],
        "registration_no": batch["registration_no"],
        "permit_type_code": batch["permit_type_code"],
        "kelurahan_code": batch["kelurahan_code"],
        "kecamatan_code": kecamatan_of(batch["kelurahan_code"]),
        "stage": batch["stage"],
        "status": batch["status"],
        "applicant_hash": ctx.pseudonymizer.hash_series(pii.person_identity(
            nik=batch["applicant_nik"], phone=batch["applicant_phone"], email=batch["applicant_email"])),
        "submitted_at": submitted,
        "decided_at": decided,
        "sla_working_days": sla,
        "due_date": due_dates(submitted, sla.to_numpy()),
        "processing_working_days": working_days_between(submitted, decided),
        "retribution_rp": batch["retribution_rp"],
    }, index=batch.index)
    return _bookkeeping(out, batch, ctx)


def permit_stage(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    out = pd.DataFrame({
        "stage_event_id": batch["source_key"],
        "permit_id": batch["permit_id"],
        "stage": batch["stage"],
        "started_at": batch["started_at"],
        "finished_at": batch["finished_at"],
    }, index=batch.index)
    return _bookkeeping(out, batch, ctx)


# --- clinic visits -------------------------------------------------------------------------------------

def clinic_visit(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    registered, called = batch["registered_at"], batch["called_at"]
    out = pd.DataFrame({
        "visit_id": batch["source_key"],
        "visit_date": batch["visit_date"],
        "facility_code": batch["facility_code"],
        "poli": batch["poli"],
        "channel": batch["channel"],
        "payer": batch["payer"],
        "status": batch["status"],
        "patient_hash": ctx.pseudonymizer.hash_series(pii.person_identity(
            nik=batch["patient_nik"], bpjs=batch["patient_bpjs"],
            other=ctx.id_prefix + "-pasien:" + batch["patient_key"])),
        "kelurahan_code": batch["kelurahan_code"],
        "kecamatan_code": kecamatan_of(batch["kelurahan_code"]),
        "registered_at": registered,
        "called_at": called,
        "service_started_at": batch["service_started_at"],
        "finished_at": batch["finished_at"],
        "wait_minutes": (called - registered).dt.total_seconds() / 60.0,
    }, index=batch.index)
    return _bookkeeping(out, batch, ctx)


# --- budget ----------------------------------------------------------------------------------------------

def budget_line(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    out = batch[["fiscal_year", "opd_code", "program_code", "program_name", "activity_code",
                 "activity_name", "spending_type", "account_code", "pagu_rp"]].copy()
    out.insert(0, "line_id", batch["source_key"])
    return _bookkeeping(out, batch, ctx)


def budget_cash_plan(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    out = batch[["line_id", "month", "amount_rp"]].copy()
    out.insert(0, "plan_id", batch["source_key"])
    return _bookkeeping(out, batch, ctx)


def budget_payment(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    out = batch[["sp2d_no", "line_id", "paid_on", "amount_rp"]].copy()
    out.insert(0, "payment_id", batch["source_key"])
    return _bookkeeping(out, batch, ctx)


# --- cleanliness reports ----------------------------------------------------------------------------------

def cleanliness_report(batch: pd.DataFrame, ctx: TransformContext) -> pd.DataFrame:
    reported = batch["reported_at"]
    cleaned = closed_at(batch, "cleaned_at", ("selesai",))
    out = pd.DataFrame({
        "report_id": batch["source_key"],
        "category": batch["category"],
        "status": batch["status"],
        "is_open": ~batch["status"].isin(CLOSED_CLEANLINESS),
        "kelurahan_code": batch["kelurahan_code"],
        "kecamatan_code": kecamatan_of(batch["kelurahan_code"]),
        "lat": batch["lat"],
        "lng": batch["lng"],
        "location_cell": location_cell(batch["lat"], batch["lng"]),
        "reporter_hash": ctx.pseudonymizer.hash_series(pii.person_identity(phone=batch["reporter_phone"])),
        "reported_at": reported,
        "handled_at": batch["handled_at"],
        "cleaned_at": cleaned,
        "due_date": due_dates(reported, sla_days_by(batch["category"], ctx.sla.cleanup_overrides(),
                                                    ctx.sla.cleanup_days, SlaConfig.category_key).to_numpy()),
        "cleanup_working_days": working_days_between(reported, cleaned),
    }, index=batch.index)
    return _bookkeeping(out, batch, ctx)
