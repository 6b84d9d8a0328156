"""A faithful simulator of the service databases of Binjai, one per service of the catalogue
(we have no access to the real ones).

`schema.py` is each app's operational schema as the city's PHP apps would have it;
`generate.py` fills ~3 years of history (vectorised, deterministic for a seed);
`live.py` keeps adding activity in demo mode. CLI: `python -m simulator --help`.
"""
