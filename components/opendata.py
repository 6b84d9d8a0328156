"""The public view's open data (/publik/data/): each public table (metrics/public.py) as CSV and
JSON, and a data dictionary naming every file, column, kind and the suppression rule.

CSV: the columns' stable keys as the header, numbers as plain numbers (a dot for decimals),
suppressed cells as "< 5", text cells that a spreadsheet would run as a formula (= + - @, tab,
CR) prefixed with an apostrophe. Written by the standard csv module; nothing here formats by hand.
"""
from __future__ import annotations

import csv
import io
import json

from components.i18n import lang, t
from metrics.public import SUPPRESS_BELOW, SUPPRESSED, Published

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PERIOD_KEYS = ("period_start", "period_end")


def spreadsheet_safe(value):
    """A text cell a spreadsheet shows as text, never runs: an apostrophe before = + - @ tab CR."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _plain(kind: str, value):
    if value is None or value == SUPPRESSED:
        return value
    if kind == "count":
        return int(value)
    if kind in ("pct", "days"):
        return round(float(value), 1)
    if kind == "rp":
        return int(round(float(value)))
    return str(value)


def rows(published: Published) -> list[dict]:
    return [{c.key: _plain(c.kind, record[c.key]) for c in published.table.columns}
            for record in published.values.to_dict("records")]


def to_csv(published: Published) -> str:
    out = io.StringIO()
    keys = [c.key for c in published.table.columns]
    writer = csv.DictWriter(out, fieldnames=keys, lineterminator="\n")
    writer.writeheader()
    for row in rows(published):
        writer.writerow({k: spreadsheet_safe("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


def to_json(published: Published, period: tuple[str, str]) -> str:
    return json.dumps({"table": published.name, "period_start": period[0], "period_end": period[1],
                       "suppressed_below": SUPPRESS_BELOW, "suppressed_value": SUPPRESSED,
                       "rows": rows(published)}, ensure_ascii=False, indent=1)


def dictionary(tables: list[Published], period: tuple[str, str], base: str = "/publik/data") -> dict:
    """Every file with its title, description and columns (key, label, kind, meaning) in the
    current language."""
    return {
        "publisher": t("public.city"), "language": lang(), "period_start": period[0], "period_end": period[1],
        "suppression": t("public.rule", n=SUPPRESS_BELOW), "suppressed_value": SUPPRESSED,
        "tables": [{
            "name": p.name, "title": t(f"public.table.{p.name}"), "description": t(f"public.table.{p.name}.about"),
            "csv": f"{base}/{p.name}.csv", "json": f"{base}/{p.name}.json",
            "columns": [{"key": c.key, "label": t(f"public.col.{c.key}"), "kind": c.kind,
                         "description": t(f"public.kind.{c.kind}"),
                         **({"suppressed_when": t("public.when", base=c.base, n=SUPPRESS_BELOW)} if c.base else {})}
                        for c in p.table.columns],
        } for p in tables],
    }
