"""e-Perizinan: permit applications (about 42 types) moving through DPMPTSP's stages."""
from collections.abc import Mapping
from typing import ClassVar

from core.services import KEL, Dim, Service, StreamRef
from core.settings import Settings, TypeDays


class PermitSla(Settings):
    """sla.permits: each type's SLA comes from e-Perizinan (jenis_izin.sla_hari_kerja);
    ``by_type`` overrides it per type code (working days, 0 = the same day)."""
    by_type: TypeDays(minimum=0, key_case="upper", example="PBG: 30") = ()

    def overrides_by_code(self) -> dict[str, int]:
        return {k.strip().upper(): v for k, v in self.by_type}

    def days_for(self, type_code, source_days: int | None = None) -> int | None:
        """A permit type's SLA: the config's override, else e-Perizinan's own value."""
        return self.overrides_by_code().get(str(type_code).strip().upper(), source_days)

    @property
    def overrides(self) -> tuple[tuple[str, int], ...]:
        return self.by_type

    # the per-type overrides are named as set in config ("diatur di konfigurasi: PBG 30")
    overrides_key: ClassVar[str] = "sla.permits_overridden"

    def summary(self, permit_types: Mapping[str, int] | None = None, **_) -> tuple[str, dict]:
        """The page's SLA line: (i18n key, its numbers); ``permit_types``: {type code: working
        days} as the store holds them, whose range the line names."""
        days = sorted({int(d) for d in (permit_types or {}).values() if d is not None})
        if not days:
            return "sla.permits", {}
        if len(days) == 1:
            return "sla.permits_one", {"days": days[0]}
        return "sla.permits_range", {"low": days[0], "high": days[-1]}


SERVICE = Service(
    name="permits",
    label="e-Perizinan",
    title={"id": "Perizinan", "en": "Permits"},
    about={"id": "Permohonan izin di DPMPTSP, per jenis dan tahap",
           "en": "Permit applications at DPMPTSP, by type and stage"},
    order=20,
    database="eperizinan",
    streams=(StreamRef("permit_types", "dim_permit_type", kind="dimension"),
             StreamRef("permits", "permits"),
             StreamRef("permit_stages", "permit_stages")),
    tables=("permits", "permit_stages", "dim_permit_type"),
    dims=(KEL, Dim("ptype", "permit type code, as in dim_permit_type",
                   lookup=("dim_permit_type", "permit_type_code", "permit_type_name"))),
    overview=("applications", "sla", "overdue"),
    sla=PermitSla,
)
