"""The analytics store schema: the contract between etl/ (writes) and metrics/ (reads).

Canonical English names, one name per service in every layer. No personal data: no NIK,
BPJS number, name, phone number or e-mail column exists here; people appear only as a
keyed hash (``*_hash``) so that unique reporters can still be counted, and free text is
stored masked.

Conventions: timestamps are naive WIB wall-clock (Asia/Jakarta, UTC+7), as the sources
keep them; money is whole Rupiah (BIGINT); durations say their unit in the name
(``_working_days`` = Mon-Fri less national holidays and cuti bersama, ``_minutes``).
Integer primary keys say ``autoincrement=False``: DuckDB has no SERIAL.

SCHEMA_VERSION is bumped whenever a table or column changes; `store.engine.init_store`
refuses a store of another version with a message saying to rebuild it.

This module holds the bookkeeping and the shared reference (kelurahan); each service's tables
live in ``store.tables.<service>`` (core.services: the store layer of a service), defined on
this module's ``metadata`` and imported below for every service of the catalogue. A service
adding tables bumps SCHEMA_VERSION: a demo store is rebuilt from the sources, a production
store must be re-synced (``python -m etl run --full``).
"""
from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, Column, DateTime, Double, Index, Integer,
                        MetaData, String, Table, Text)

SCHEMA_VERSION = 5   # 2: etl_state overlap tail, failures/retry, reconciliation; etl_run kind;
                     # 3: e-Musrenbang and e-PBB tables; 4: alerts; 5: users, wall_tokens, audit_log

metadata = MetaData()


def pk(name: str, kind=BigInteger) -> Column:
    return Column(name, kind, primary_key=True, autoincrement=False)


def loaded() -> list[Column]:
    """Bookkeeping on every fact row: the source's own update time and our load time."""
    return [Column("source", String(40), nullable=False),          # which source system/feed
            Column("source_updated_at", DateTime, nullable=False),
            Column("loaded_at", DateTime, nullable=False)]


# --- bookkeeping --------------------------------------------------------------------------
store_meta = Table(
    "store_meta", metadata,
    Column("key", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)  # schema_version, data_version

etl_state = Table(          # one row per stream; watermark advanced in the same transaction as its rows
    "etl_state", metadata,
    Column("stream", String(60), primary_key=True),
    Column("cursor_value", String(64)),          # ISO timestamp (or integer) of the last loaded cursor
    # Overlap window: JSON {source key: row fingerprint} of the loaded rows whose cursor is within
    # etl.overlap_seconds of the watermark; re-read rows with the same fingerprint are skipped.
    Column("overlap_tail", Text),
    Column("last_success_at", DateTime),         # WIB
    Column("rows_total", BigInteger, nullable=False, default=0),
    Column("last_attempt_at", DateTime),         # last run start, successful or not
    Column("failures", Integer, nullable=False, default=0),   # consecutive failed runs
    Column("last_failure_at", DateTime),
    Column("last_error", Text),                  # reason of the last failure (kept after recovery)
    Column("retry_at", DateTime),                # backoff: not retried before this time
    Column("source_cursor", String(64)),         # the source's newest cursor at the last run (lag)
    Column("last_reconciled_at", DateTime),      # last key reconciliation (deletes, missed rows)
)

etl_run = Table(
    "etl_run", metadata,
    pk("run_id"),                                    # microseconds since 1970: unique across processes
    Column("stream", String(60), nullable=False),
    Column("kind", String(12), nullable=False, default="incremental"),  # incremental | full | reconcile
    Column("started_at", DateTime, nullable=False),   # WIB
    Column("finished_at", DateTime),
    Column("status", String(12), nullable=False),     # running | success | failed
    Column("rows_read", BigInteger, nullable=False, default=0),
    Column("rows_loaded", BigInteger, nullable=False, default=0),
    Column("rows_rejected", BigInteger, nullable=False, default=0),
    Column("rows_deleted", BigInteger, nullable=False, default=0),
    Column("cursor_from", String(64)),
    Column("cursor_to", String(64)),
    Column("error", Text),
    Index("ix_etl_run_stream_started", "stream", "started_at"),
)  # pruned after etl.keep_runs_days (default 90): a stream runs ~720 times a day

etl_reject = Table(         # a bad row, kept with its reason; its batch's good rows still load
    "etl_reject", metadata,
    pk("reject_id"),
    Column("run_id", BigInteger, nullable=False),
    Column("stream", String(60), nullable=False),
    Column("source_key", String(80)),
    Column("reason", Text, nullable=False),
    Column("raw_values", Text, nullable=False),       # JSON of the row, personal-data columns removed
    Column("rejected_at", DateTime, nullable=False),
)

etl_stream_fields = Table(  # what each stream's source can give: written at the start of every run
    "etl_stream_fields", metadata,
    Column("stream", String(60), primary_key=True),
    Column("label", String(40), nullable=False),     # the rows' ``source`` value
    Column("target", String(60), nullable=False),    # the store table it fills
    # JSON list of the canonical fields the source does not have (``columns.<field>: null`` and
    # no constant): a metric built on one of them is "not available from this source", not 0
    Column("unmapped", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

alerts = Table(             # alerts/engine.py: one row per firing of a rule, open until it clears
    "alerts", metadata,
    pk("alert_id"),                                   # microseconds since 1970 (+n): unique
    Column("rule", String(20), nullable=False),       # breach | source_stale | source_failing | spike | budget | clinic_wait
    Column("key", String(400), nullable=False),       # de-duplication: rule:service:subject (one open row per key)
    Column("service", String(40), nullable=False),
    Column("severity", String(10), nullable=False),   # info | warning | critical (the latest evaluation's)
    Column("opened_at", DateTime, nullable=False),    # WIB
    Column("last_seen_at", DateTime, nullable=False),  # the last evaluation that found it firing
    Column("closed_at", DateTime),                    # NULL while open
    Column("value", Double, nullable=False),          # the number that triggered it (latest)
    Column("threshold", Double, nullable=False),      # ... and the threshold it crossed
    Column("peak", Double, nullable=False),           # the largest value while open
    Column("params", Text, nullable=False),           # JSON: codes and names the text is built from (no personal data)
    Column("link", Text, nullable=False),             # the filtered view: path + query
    Column("notified_at", DateTime),                  # opening sent (all channels that were due)
    Column("closed_notified_at", DateTime),           # closing sent
    Column("notify_attempts", Integer, nullable=False, default=0),
    Column("notify_error", Text),                     # the last failure to send (masked, no secrets)
    Index("ix_alerts_key_closed", "key", "closed_at"),
)

# --- access (access/): accounts, wall tokens, audit ----------------------------------------
# No personal data beyond what an admin types: a username, a display name, the role and the OPD.
users = Table(
    "users", metadata,
    Column("username", String(60), primary_key=True),   # lower case: [a-z0-9._-]
    Column("display_name", String(120), nullable=False),
    Column("role", String(12), nullable=False),          # admin | executive | operator | opd
    Column("opd_code", String(40)),                      # the OPD of an ``opd`` user (row scoping)
    Column("password_hash", String(200)),                # argon2id; NULL for a user of LDAP/OIDC
    Column("provider", String(12), nullable=False, default="store"),   # store | ldap | oidc
    Column("active", Boolean, nullable=False, default=True),
    Column("session_key", String(64), nullable=False),   # rotated on passwd/role/disable: ends sessions
    Column("created_at", DateTime, nullable=False),      # WIB
    Column("updated_at", DateTime, nullable=False),
    Column("last_login_at", DateTime),
)

wall_tokens = Table(        # a wall screen's URL credential: only its sha256 is kept
    "wall_tokens", metadata,
    Column("token_id", String(16), primary_key=True),    # public short id (list, revoke)
    Column("token_hash", String(64), nullable=False),    # sha256 hex of the secret in the URL
    Column("playlist", String(40), nullable=False),
    Column("label", String(120)),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(60)),
    Column("revoked_at", DateTime),                      # NULL while valid
    Index("ix_wall_tokens_hash", "token_hash"),
)

audit_log = Table(          # logins, logouts, exports, briefing downloads, ETL triggers, user changes
    "audit_log", metadata,
    pk("event_id"),                                      # microseconds since 1970 * 1000 + n: unique
    Column("occurred_at", DateTime, nullable=False),     # WIB
    Column("event", String(24), nullable=False),         # login | login_failed | logout | export | ...
    Column("username", String(60)),                      # who (NULL: anonymous; cli:<os user> for the CLI)
    Column("subject", String(200)),                      # what: the user changed, the file, the stream
    Column("client_addr", String(64)),                   # shown to admins only
    Column("detail", Text),                              # JSON, no secrets
    Index("ix_audit_log_occurred_at", "occurred_at"),
)

# --- dimensions ---------------------------------------------------------------------------
dim_kelurahan = Table(
    "dim_kelurahan", metadata,
    Column("kelurahan_code", String(13), primary_key=True),   # Kepmendagri, e.g. 12.75.01.1003
    Column("kelurahan_name", String(60), nullable=False),
    Column("kecamatan_code", String(8), nullable=False),       # e.g. 12.75.01
    Column("kecamatan_name", String(60), nullable=False),
    Column("lat", Double, nullable=False),
    Column("lng", Double, nullable=False),
    Column("population", Integer, nullable=False),             # residents (estimate unless configured)
)


def load_service_tables(services=None) -> None:
    """Import the store module of each service (default: the ``services`` package's), which
    defines its tables on ``metadata``. Idempotent."""
    import importlib

    from core.services import package_services
    for service in (package_services() if services is None else services):
        importlib.import_module(service.module("store"))


def service_table(name: str) -> Table:
    """A table of the store by name (KeyError names the tables there are)."""
    try:
        return metadata.tables[name]
    except KeyError:
        raise KeyError(f"the store has no table {name!r}; tables: {', '.join(sorted(metadata.tables))}") from None


load_service_tables()
