"""Alerts that reach people: rules evaluated after each ETL pass, kept open until they clear."""
