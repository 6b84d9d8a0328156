"""Operational schemas of the service databases, as the city's PHP apps have them.

Indonesian table and column names, created_at/updated_at on every table, status-history
tables, and the personal data real sources hold (NIK, names, phone numbers, e-mail,
BPJS numbers). Portable SQLAlchemy types so the same schema creates on SQLite,
MariaDB/MySQL and PostgreSQL. Timestamps are naive WIB wall-clock time in whole seconds,
as these apps store them (MariaDB DATETIME, PostgreSQL TIMESTAMP WITHOUT TIME ZONE). Money
is whole Rupiah: BIGINT on SQLite, DECIMAL(18,2) on the servers as the PHP apps declare it
(drivers return decimal.Decimal). Coordinates are double precision (MySQL's plain FLOAT
would be single). No booleans; free text is TEXT (64 KB on MariaDB). MariaDB tables are
utf8mb4, so names and texts with any Unicode character round-trip.

Each service's schema is ``simulator/schemas/<service>.py`` (``METADATA``, re-exported by
its simulator module ``simulator.services.<service>``); this module holds the column types
they share and ``databases()``, the catalogue's schemas. No two services' schemas share a
table name, so all of them can live in one database.
"""
from __future__ import annotations

from sqlalchemy import (BigInteger, Column, DateTime, Double, Float, MetaData, Numeric)

# whole Rupiah; the server variant is what the city's PHP apps declare
RUPIAH = BigInteger().with_variant(Numeric(18, 2), "mysql", "mariadb", "postgresql")
# degrees; MySQL/MariaDB FLOAT is 4 bytes (about 1 m off), so DOUBLE there
COORDINATE = Float().with_variant(Double(), "mysql", "mariadb")


def stamps() -> list[Column]:
    return [Column("created_at", DateTime, nullable=False),
            Column("updated_at", DateTime, nullable=False, index=True)]


def utf8mb4(metadata: MetaData) -> MetaData:
    """MariaDB/MySQL: utf8mb4 whatever the server's or database's default character set is."""
    for table in metadata.tables.values():
        table.dialect_kwargs.update(mysql_charset="utf8mb4", mysql_collate="utf8mb4_unicode_ci",
                                    mariadb_charset="utf8mb4", mariadb_collate="utf8mb4_unicode_ci")
    return metadata


def databases(services=None) -> dict[str, tuple[MetaData, str]]:
    """{service: (its source schema, its database's default name)} for `services` (default: the
    services package's catalogue), from each service's simulator module."""
    from core.services import package_services
    return {svc.name: (svc.load("simulator").METADATA, svc.database)
            for svc in (package_services() if services is None else services)}

