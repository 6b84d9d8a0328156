"""e-Dokter: online registration and queues at the puskesmas and RSUD Dr. R.M. Djoelham."""
from pydantic import Field

from core.services import KEL, Dim, Service, StreamRef
from core.settings import Settings


class ClinicSla(Settings):
    """sla.clinics: SPM puskesmas, an outpatient is called within this many minutes."""
    max_wait_minutes: int = Field(60, ge=1, le=600)

    @property
    def overrides(self) -> tuple:
        return ()   # one standard for every poli

    def summary(self, **_) -> tuple[str, dict]:
        """The page's SLA line: (i18n key, its numbers) for components.sla.sla_text."""
        return "sla.clinics", {"minutes": self.max_wait_minutes}


SERVICE = Service(
    name="clinics",
    label="e-Dokter",
    title={"id": "Antrean Faskes", "en": "Clinic queues"},
    about={"id": "Pendaftaran dan antrean puskesmas dan RSUD", "en": "Registration and queues at clinics"},
    order=30,
    database="edokter",
    streams=(StreamRef("facilities", "dim_facility", kind="dimension"),
             StreamRef("clinic_visits", "clinic_visits")),
    tables=("clinic_visits", "dim_facility"),
    dims=(KEL,
          Dim("fac", "facility code, as in dim_facility", lookup=("dim_facility", "facility_code", "facility_name")),
          Dim("poli", "clinic (poli) name"),
          Dim("slot", "clinic visit slot: ISO weekday (1 = Senin .. 7 = Minggu) and hour, e.g. 2-09",
              pattern=r"[1-7]-(?:[01][0-9]|2[0-3])")),
    overview=("waiting", "median_wait", "within_standard"),
    sla=ClinicSla,
)
