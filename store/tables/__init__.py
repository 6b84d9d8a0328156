"""One module per service: its store tables on store.schema.metadata (see store/schema.py)."""
