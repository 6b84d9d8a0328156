"""A throwaway service declared outside the services package (tests/test_catalogue.py)."""
