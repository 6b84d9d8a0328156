"""The /pbb page's cards (e-PBB): the KPI row, the S-curve against last year, the collection
map, the kelurahan table, the arrears by age and the largest arrears (see cards/__init__.py)."""
PAGE = "pbb"
