"""e-Masyarakat: citizen complaints, aspirations and information requests (the most used app)."""
from pydantic import Field

from core.services import KEL, OPD, Dim, Service, StreamRef
from core.settings import Settings, TypeDays, category_key


class ComplaintSla(Settings):
    """sla.complaints, in working days: SP4N-LAPOR!'s 3 days to verify and forward, then 5 for
    the OPD's follow-up (8 to selesai); per category or kind (jenis) overrides."""
    response_working_days: int = Field(3, ge=1, le=365)
    resolution_working_days: int = Field(8, ge=1, le=365)
    resolution_working_days_by_category: TypeDays(example="Drainase/Banjir: 10") = ()
    resolution_working_days_by_kind: TypeDays(key_case="lower", example="permintaan_informasi: 10") = ()

    def resolution_overrides(self) -> tuple[dict[str, int], dict[str, int]]:
        """({category_key: days}, {kind: days}) for the ETL's vectorised lookup."""
        return ({category_key(k): v for k, v in self.resolution_working_days_by_category},
                {k.strip().lower(): v for k, v in self.resolution_working_days_by_kind})

    def resolution_days_for(self, category=None, kind=None) -> int:
        """Resolution SLA of one complaint: its category's override, else its kind's, else the default."""
        by_category, by_kind = self.resolution_overrides()
        if category is not None and category_key(category) in by_category:
            return by_category[category_key(category)]
        if kind is not None and str(kind).strip().lower() in by_kind:
            return by_kind[str(kind).strip().lower()]
        return self.resolution_working_days

    @property
    def overrides(self) -> tuple[tuple[str, int], ...]:
        return (*self.resolution_working_days_by_category, *self.resolution_working_days_by_kind)

    def summary(self, **_) -> tuple[str, dict]:
        """The page's SLA line: (i18n key, its numbers) for components.sla.sla_text."""
        return "sla.complaints", {"response": self.response_working_days, "resolution": self.resolution_working_days}


SERVICE = Service(
    name="complaints",
    label="e-Masyarakat",
    title={"id": "Pengaduan", "en": "Complaints"},
    about={"id": "Pengaduan, aspirasi dan permintaan informasi warga",
           "en": "Citizens' complaints, aspirations and information requests"},
    order=10,
    database="emasyarakat",
    streams=(StreamRef("complaints", "complaints"),
             StreamRef("complaint_status_history", "complaint_status_history"),
             StreamRef("complaints_csv", "complaints", label="LAPOR! CSV", enabled=False),
             StreamRef("complaints_open311", "complaints", label="Open311", enabled=False)),
    tables=("complaints", "complaint_status_history"),
    dims=(KEL, OPD, Dim("cat", "complaint / report category name")),
    overview=("received", "resolution_sla", "overdue"),
    sla=ComplaintSla,
)
