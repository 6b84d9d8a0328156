"""e-Perizinan: permit applications (about 42 types) moving through DPMPTSP's stages."""
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
