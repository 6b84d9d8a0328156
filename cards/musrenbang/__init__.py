"""The /musrenbang cards (e-Musrenbang): citizens' development proposals through the forums,
the RKPD, the APBD and the works."""
PAGE = "musrenbang"
