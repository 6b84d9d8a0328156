"""Shared, dependency-light building blocks: configuration, reference data, calendar.

Every layer (simulator, etl, store, metrics, pages) may import from here; this package
imports from none of them.
"""
