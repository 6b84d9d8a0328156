"""The SLA a page measures against, as one line of text in the current language.

Pages put it in their subtitle so a reader always knows the yardstick, including the
per-type overrides from config.yaml (``sla:``), e.g.
"SLA: tindak lanjut 3 hari kerja, selesai 8 hari kerja (Drainase/Banjir 10)". What a
service's line says is its SLA model's ``summary()`` (services/<name>.py): an i18n key and
its numbers, so a new service with an SLA needs no code here.

    from components.sla import sla_text, sla_overrides_note
    subtitle = cfg.service("complaints").label + " · " + sla_text("complaints", cfg.sla)
    hint = t("complaints.kpi.resolution_hint", days=...) + sla_overrides_note("complaints", store.cfg.sla)

Permits: each type has its own SLA (the permit system's, or config's override, as the ETL stored it
in dim_permit_type); pass ``permit_types={code: days}`` (e.g. from the page's by-type metric)
to show their range.
"""
from __future__ import annotations

from components.i18n import fmt_int, t
from core import services
from core.config import Blocks


def _items(pairs) -> str:
    """(('Drainase/Banjir', 10), ('permintaan_informasi', 10)) -> 'Drainase/Banjir 10; permintaan informasi 10'."""
    return "; ".join(f"{name.replace('_', ' ')} {fmt_int(days)}" for name, days in pairs)


def _block(service: str, sla: Blocks):
    block = sla.get(service)
    if block is None:
        raise ValueError(f"sla_text: service {service!r} has no SLA block; services with one: {', '.join(sla)}")
    return block


def sla_overrides_note(service: str, sla: Blocks) -> str:
    """' (Drainase/Banjir 10)' for a service with per-type overrides, '' without; append it to
    a text that names the default SLA."""
    block = _block(service, sla)
    pairs = getattr(block, "overrides", ())
    if not pairs:
        return ""
    key = getattr(block, "overrides_key", None)
    return f" ({t(key, items=_items(pairs)) if key else _items(pairs)})"


def sla_text(service: str, sla: Blocks, *, label: str | None = None, **context) -> str:
    """The SLA line of a service's page: its SLA model's summary (services/<name>.py) in the
    page's language, then its per-type overrides. ``label``: the source system's name as
    configured (default: its declaration's); ``context``: what the model's summary needs (the
    permits' ``permit_types``)."""
    block = _block(service, sla)
    key, numbers = block.summary(**context)
    app = label or services.get(service).label
    return t(key, app=app, **{k: fmt_int(v) for k, v in numbers.items()}) + sla_overrides_note(service, sla)
