"""The write side: service databases -> analytics store.

- ``etl.streams``: one stream per source table, declared as data (config.yaml ``streams:``
  overrides source, key, cursor, column mapping and code translations).
- ``etl.runner``: ``run_pass(cfg, engine, streams=None, progress=None)`` and
  ``store_status(engine)``; ``etl.scheduler.start_scheduler(cfg, engine)``.
- ``etl.extract`` / ``etl.validate`` / ``etl.transforms`` / ``etl.load``: the steps;
  ``etl.pii``: keyed pseudonyms and masking (no personal data reaches the store).
- CLI: ``python -m etl run [--stream NAME ...] [--config PATH]``, ``python -m etl status``.
"""
