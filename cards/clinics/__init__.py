"""The /clinics cards (e-Dokter): today's live queue, the period's visits and waiting times."""
PAGE = "clinics"
