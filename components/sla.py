"""The SLA a page measures against, as one line of text in the current language.

Pages put it in their subtitle so a reader always knows the yardstick, including the
per-type overrides from config.yaml (``sla:``), e.g.
"SLA: tindak lanjut 3 hari kerja, selesai 8 hari kerja (Drainase/Banjir 10)".

    from components.sla import sla_text, sla_overrides_note
    subtitle = "e-Masyarakat · " + sla_text("complaints", store.cfg.sla)
    hint = t("complaints.kpi.resolution_hint", days=...) + sla_overrides_note("complaints", store.cfg.sla)

Permits: each type has its own SLA (the permit system's, or config's override, as the ETL stored it
in dim_permit_type); pass ``permit_types={code: days}`` (e.g. from the page's by-type metric)
to show their range.
"""
from __future__ import annotations

from collections.abc import Mapping

from components.i18n import fmt_int, t
from core import services
from core.config import Blocks

SERVICES = ("complaints", "permits", "cleanliness", "clinics", "overview")

def _items(pairs) -> str:
    """(('Drainase/Banjir', 10), ('permintaan_informasi', 10)) -> 'Drainase/Banjir 10; permintaan informasi 10'."""
    return "; ".join(f"{name.replace('_', ' ')} {fmt_int(days)}" for name, days in pairs)


def sla_overrides_note(service: str, sla: Blocks) -> str:
    """' (Drainase/Banjir 10)' for a service with per-type overrides, '' without; append it to
    a text that names the default SLA."""
    block = sla.get(service)
    pairs = getattr(block, "overrides", ()) if block is not None else ()
    if not pairs:
        return ""
    items = _items(pairs)
    return f" ({t('sla.permits_overridden', items=items) if service == 'permits' else items})"


def sla_text(service: str, sla: Blocks, *, permit_types: Mapping[str, int] | None = None,
             label: str | None = None) -> str:
    """The SLA line of a page (service: complaints, permits, cleanliness, clinics, overview);
    ``label``: the permit system's name as configured (default: its declaration's)."""
    if service == "complaints":
        text = t("sla.complaints", response=fmt_int(sla.complaints.response_working_days),
                 resolution=fmt_int(sla.complaints.resolution_working_days))
    elif service == "cleanliness":
        text = t("sla.cleanliness", days=fmt_int(sla.cleanliness.cleanup_working_days))
    elif service == "permits":
        days = sorted({int(d) for d in (permit_types or {}).values() if d is not None})
        app = label or services.get("permits").label
        if not days:
            text = t("sla.permits", app=app)
        elif len(days) == 1:
            text = t("sla.permits_one", days=fmt_int(days[0]), app=app)
        else:
            text = t("sla.permits_range", low=fmt_int(days[0]), high=fmt_int(days[-1]), app=app)
    elif service == "clinics":
        return t("sla.clinics", minutes=fmt_int(sla.clinics.max_wait_minutes))
    elif service == "overview":
        return t("sla.overview", response=fmt_int(sla.complaints.response_working_days),
                 resolution=fmt_int(sla.complaints.resolution_working_days),
                 cleanup=fmt_int(sla.cleanliness.cleanup_working_days),
                 minutes=fmt_int(sla.clinics.max_wait_minutes))
    else:
        raise ValueError(f"sla_text: unknown service {service!r}; use one of {', '.join(SERVICES)}")
    return text + sla_overrides_note(service, sla)
