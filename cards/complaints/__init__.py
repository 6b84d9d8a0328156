"""The complaints page's cards (e-Masyarakat): the KPI row, received vs resolved, the backlog's
age, categories, the OPD league, the overdue list, the map and the sources of the complaints.
Every number comes from metrics.complaints."""
PAGE = "complaints"
