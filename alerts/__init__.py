"""Alerts that reach people: rules evaluated after each ETL pass, kept open until they clear.

alerts/settings.py (config ``alerts:``), rules.py (the five rules, reading metrics/), engine.py
(open / refresh / close by key in the store's ``alerts`` table), notify.py (e-mail, webhook),
texts.py (the words, in the current language), ``python -m alerts evaluate|list``.
Read side: metrics/alerts.py (open_alerts, recent_alerts); page: /alerts. See docs/alerts.md.
"""
