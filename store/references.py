"""Which fact column names a row of which other table, and how many rows name one that is not there.

The store has no foreign keys on purpose: a city's source may send a payment before its budget
line, or a visit for a clinic its master list lacks, and such a row must load (nothing is lost)
but be *flagged*. A column declares what it refers to in its ``info``::

    Column("line_id", BigInteger, nullable=False, info={"references": "budget_lines.line_id"})

``references(tables)`` lists the declarations among the given tables (a reference into a table
of a switched-off service is not checked: nothing could match). ``orphan_sql(ref)`` counts the
rows whose non-null value is missing from the referenced table, per source (the stream's label)
and value; the ETL runs it after each pass (`python -m etl run` names what it found) and the
read side (metrics/quality.py) shows the counts on /data and on the affected tiles.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from store import schema

EXAMPLES = 5   # unknown values named per reference and source


@dataclass(frozen=True)
class Reference:
    table: str        # the fact table, e.g. budget_realization
    column: str       # its column, e.g. line_id
    ref_table: str    # the table it names rows of, e.g. budget_lines
    ref_column: str   # the key there, e.g. line_id

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}"

    @property
    def target(self) -> str:
        return f"{self.ref_table}.{self.ref_column}"


def references(tables: Iterable[str] | None = None) -> list[Reference]:
    """The declared references whose table and referenced table are both in ``tables``
    (default: every table of the store), in table order."""
    wanted = None if tables is None else set(tables)
    found = []
    for table in schema.metadata.sorted_tables:
        for column in table.columns:
            target = column.info.get("references")
            if not target:
                continue
            ref_table, _, ref_column = target.partition(".")
            if ref_table not in schema.metadata.tables or ref_column not in schema.metadata.tables[ref_table].c:
                raise ValueError(f"{table.name}.{column.name}: info references {target!r}, which is not a "
                                 f"column of the store")
            if wanted is None or (table.name in wanted and ref_table in wanted):
                found.append(Reference(table.name, column.name, ref_table, ref_column))
    return found


def orphan_sql(ref: Reference) -> str:
    """SELECT source, value, n_rows: the rows of ``ref.table`` whose ``ref.column`` is set but names
    no row of ``ref.ref_table``, grouped by source and value (largest first)."""
    return (f"SELECT f.source AS source, CAST(f.{ref.column} AS VARCHAR(100)) AS value, COUNT(*) AS n_rows "
            f"FROM {ref.table} f WHERE f.{ref.column} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {ref.ref_table} d WHERE d.{ref.ref_column} = f.{ref.column}) "
            f"GROUP BY f.source, f.{ref.column} ORDER BY n_rows DESC")


@dataclass(frozen=True)
class Orphans:
    """The rows of one source that name missing rows through one reference."""
    ref: Reference
    source: str                 # the stream's label (the fact table's ``source`` column)
    rows: int
    examples: tuple[str, ...]   # up to EXAMPLES unknown values, most rows first


def orphans(run: Callable[[str], pd.DataFrame], tables: Iterable[str]) -> list[Orphans]:
    """Every (reference, source) among ``tables`` with rows naming a missing row. ``run`` executes
    a SELECT and returns its frame (the ETL's connection, or the read side's cached Store), so
    the write side's warning and the screens count the same thing the same way."""
    found = []
    for ref in references(tables):
        frame = run(orphan_sql(ref))
        for source, group in frame.groupby("source", sort=False):
            found.append(Orphans(ref, str(source), int(group["n_rows"].sum()),
                                 tuple(str(v) for v in group["value"].head(EXAMPLES))))
    return found
