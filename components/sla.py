"""The SLA a page measures against, as one line of text in the current language.

Pages put it in their subtitle so a reader always knows the yardstick, including the
per-type overrides from config.yaml (``sla:``), e.g.
"SLA: tindak lanjut 3 hari kerja, selesai 8 hari kerja (Drainase/Banjir 10)".

    from components.sla import sla_text, sla_overrides_note
    subtitle = "e-Masyarakat · " + sla_text("complaints", store.cfg.sla)
    hint = t("complaints.kpi.resolution_hint", days=...) + sla_overrides_note("complaints", store.cfg.sla)

Permits: each type has its own SLA (e-Perizinan's, or config's override, as the ETL stored it
in dim_permit_type); pass ``permit_types={code: days}`` (e.g. from the page's by-type metric)
to show their range.
"""
from __future__ import annotations

from collections.abc import Mapping

from components.i18n import add_strings, fmt_int, t
from core.config import SlaConfig

SERVICES = ("complaints", "permits", "cleanliness", "clinics", "overview")

add_strings({
    "sla.complaints": {"id": "SLA: tindak lanjut {response} hari kerja, selesai {resolution} hari kerja",
                       "en": "SLA: follow-up {response} working days, resolved {resolution} working days"},
    "sla.cleanliness": {"id": "SLA: dibersihkan {days} hari kerja",
                        "en": "SLA: cleaned within {days} working days"},
    "sla.permits": {"id": "SLA: per jenis izin (e-Perizinan), dalam hari kerja",
                    "en": "SLA: per permit type (e-Perizinan), in working days"},
    "sla.permits_range": {"id": "SLA: per jenis izin (e-Perizinan), {low}–{high} hari kerja",
                          "en": "SLA: per permit type (e-Perizinan), {low}–{high} working days"},
    "sla.permits_one": {"id": "SLA: per jenis izin (e-Perizinan), {days} hari kerja",
                        "en": "SLA: per permit type (e-Perizinan), {days} working days"},
    "sla.permits_overridden": {"id": "diatur di konfigurasi: {items}", "en": "set in config: {items}"},
    "sla.clinics": {"id": "Standar: dipanggil ≤ {minutes} menit sejak mendaftar (SPM)",
                    "en": "Standard: called within {minutes} minutes of registering (SPM)"},
    "sla.overview": {"id": "SLA hari kerja: pengaduan {response}/{resolution}, kebersihan {cleanup}, "
                           "izin per jenis · antrean ≤ {minutes} menit",
                     "en": "SLAs in working days: complaints {response}/{resolution}, cleanliness {cleanup}, "
                           "permits per type · queues ≤ {minutes} min"},
})


def _items(pairs) -> str:
    """(('Drainase/Banjir', 10), ('permintaan_informasi', 10)) -> 'Drainase/Banjir 10; permintaan informasi 10'."""
    return "; ".join(f"{name.replace('_', ' ')} {fmt_int(days)}" for name, days in pairs)


def sla_overrides_note(service: str, sla: SlaConfig) -> str:
    """' (Drainase/Banjir 10)' for a service with per-type overrides, '' without; append it to
    a text that names the default SLA."""
    if service == "complaints":
        pairs = (*sla.complaint_resolution_by_category, *sla.complaint_resolution_by_kind)
    elif service == "cleanliness":
        pairs = sla.cleanup_by_category
    elif service == "permits":
        pairs = sla.permit_by_type
    else:
        pairs = ()
    if not pairs:
        return ""
    items = _items(pairs)
    return f" ({t('sla.permits_overridden', items=items) if service == 'permits' else items})"


def sla_text(service: str, sla: SlaConfig, *, permit_types: Mapping[str, int] | None = None) -> str:
    """The SLA line of a page (service: complaints, permits, cleanliness, clinics, overview)."""
    if service == "complaints":
        text = t("sla.complaints", response=fmt_int(sla.complaint_response_days),
                 resolution=fmt_int(sla.complaint_resolution_days))
    elif service == "cleanliness":
        text = t("sla.cleanliness", days=fmt_int(sla.cleanup_days))
    elif service == "permits":
        days = sorted({int(d) for d in (permit_types or {}).values() if d is not None})
        if not days:
            text = t("sla.permits")
        elif len(days) == 1:
            text = t("sla.permits_one", days=fmt_int(days[0]))
        else:
            text = t("sla.permits_range", low=fmt_int(days[0]), high=fmt_int(days[-1]))
    elif service == "clinics":
        return t("sla.clinics", minutes=fmt_int(sla.clinic_max_wait_minutes))
    elif service == "overview":
        return t("sla.overview", response=fmt_int(sla.complaint_response_days),
                 resolution=fmt_int(sla.complaint_resolution_days), cleanup=fmt_int(sla.cleanup_days),
                 minutes=fmt_int(sla.clinic_max_wait_minutes))
    else:
        raise ValueError(f"sla_text: unknown service {service!r}; use one of {', '.join(SERVICES)}")
    return text + sla_overrides_note(service, sla)
