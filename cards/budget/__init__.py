"""The /budget cards (e-Anggaran): APBD realization of the fiscal year to date."""
PAGE = "budget"
