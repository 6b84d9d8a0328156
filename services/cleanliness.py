"""e-Saberling (Sapu Bersih Lingkungan): citizens' reports of rubbish, drains, illegal dumping."""
from pydantic import Field

from core.services import KEL, Dim, Service, StreamRef
from core.settings import Settings, TypeDays, category_key


class CleanlinessSla(Settings):
    """sla.cleanliness, in working days; per category (kategori) overrides."""
    cleanup_working_days: int = Field(2, ge=1, le=365)
    cleanup_working_days_by_category: TypeDays(example="Sampah di Sungai: 3") = ()

    def overrides_by_key(self) -> dict[str, int]:
        return {category_key(k): v for k, v in self.cleanup_working_days_by_category}

    def days_for(self, category=None) -> int:
        if category is None:
            return self.cleanup_working_days
        return self.overrides_by_key().get(category_key(category), self.cleanup_working_days)

    @property
    def overrides(self) -> tuple[tuple[str, int], ...]:
        return self.cleanup_working_days_by_category

    def summary(self, **_) -> tuple[str, dict]:
        """The page's SLA line: (i18n key, its numbers) for components.sla.sla_text."""
        return "sla.cleanliness", {"days": self.cleanup_working_days}


SERVICE = Service(
    name="cleanliness",
    label="e-Saberling",
    title={"id": "Kebersihan", "en": "Cleanliness"},
    about={"id": "Laporan sampah, saluran tersumbat dan pembuangan liar dari aplikasi Android",
           "en": "Reports of rubbish, blocked drains and illegal dumping from the Android app"},
    order=50,
    database="esaberling",
    streams=(StreamRef("cleanliness_reports", "cleanliness_reports"),),
    tables=("cleanliness_reports",),
    dims=(KEL, Dim("cat", "complaint / report category name")),
    overview=("reports", "sla", "overdue"),
    sla=CleanlinessSla,
)
