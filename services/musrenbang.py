"""e-Musrenbang: citizens' development proposals (usulan) through the yearly musrenbang cycle,
from the kelurahan to the city's RKPD, and their realization in the next year's budget."""
from core.services import KEL, OPD, Dim, Service, StreamRef

# The proposal's sector (bidang) as e-Musrenbang codes it: infrastruktur, pendidikan, ...
SECTOR = Dim("sector", "musrenbang sector (bidang) code: infrastruktur | pendidikan | kesehatan | ekonomi | "
                       "sosial | lingkungan | pemerintahan", pattern=r"[a-z][a-z0-9_]{1,29}",
             names="musrenbang.sector.{value}")

SERVICE = Service(
    name="musrenbang",
    label="e-Musrenbang",
    title={"id": "Musrenbang", "en": "Development planning"},
    about={"id": "Usulan pembangunan warga dari musrenbang kelurahan sampai RKPD dan realisasinya",
           "en": "Citizens' development proposals from the kelurahan forum to the city plan, and what got built"},
    order=60,
    database="emusrenbang",
    streams=(StreamRef("musrenbang_proposals", "musrenbang_proposals"),
             StreamRef("musrenbang_events", "musrenbang_events")),
    tables=("musrenbang_proposals", "musrenbang_events"),
    dims=(KEL, OPD, SECTOR),
    overview=("proposals", "built", "overdue"),
)
