"""The written summary of a pack: sentences generated from its numbers, in the current language
(components.i18n.use_lang), each carrying the metric it came from and the values it states.

Where the sentences come from (docs/briefing.md):

- every service of the catalogue, every compared headline KPI (metrics.overview.headlines):
  "<KPI> <value>, up/down <change> on last week (<previous>)"; no service has code here;
- complaints: the week's largest category (metrics.complaints.by_category) and the
  kelurahan with most of it (by_kelurahan for that category), and how many OPDs have
  overdue complaints at the week's end, the most first (opd_league);
- budget: the OPDs below the S-curve band's lower edge on the week's last day (laggards).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from components.i18n import fmt_int, fmt_kind, fmt_num, fmt_pct, t
from core.geo import KECAMATAN, kecamatan_of
from metrics.base import Store
from briefing.pack import Pack, top_kelurahan

NAMES_SHOWN = 3          # laggard / overdue OPDs named in a sentence


@dataclass(frozen=True)
class Sentence:
    key: str   # the metric: "<service>.<KPI key>" (metrics.<service>.KPIS) or "metrics.<module>.<function>"
    text: str
    values: dict = field(default_factory=dict)
    service: str = ""


def change_words(kind: str, value: float | None, previous: float | None) -> tuple[str, str] | None:
    """('naik'|'turun'|'tetap', '12,0 %' / '3,1 poin') for a move, or None without a comparison."""
    if value is None or previous is None or pd.isna(value) or pd.isna(previous):
        return None
    change = value - previous
    if abs(change) < 1e-9:
        return t("briefing.s.same"), ""
    word = t("briefing.s.up") if change > 0 else t("briefing.s.down")
    if kind in ("pct", "pp"):
        return word, t("unit.pp", x=fmt_num(abs(change), 1))
    if previous == 0:
        return word, fmt_kind(kind, abs(change))
    return word, fmt_pct(100.0 * abs(change) / abs(previous))


def kpi_sentence(service: str, h) -> Sentence:
    label = t(f"{service}.overview.{h.key}")
    value = fmt_kind(h.kpi.kind, h.value)
    values = {"value": h.value, "previous": h.previous, "year_ago": h.year_ago}
    if h.kpi.compare == "both" and (move := change_words(h.kpi.kind, h.value, h.previous)) is not None:
        word, size = move
        if size:
            text = t("briefing.s.kpi_move", label=label, value=value, word=word, size=size,
                     prev=fmt_kind(h.kpi.kind, h.previous))
        else:
            text = t("briefing.s.kpi_same", label=label, value=value)
    else:
        year = change_words(h.kpi.kind, h.value, h.year_ago)
        if year is not None and year[1] and h.year_ago:   # nothing a year ago: no comparison to state
            text = t("briefing.s.kpi_year", label=label, value=value, word=year[0], size=year[1],
                     prev=fmt_kind(h.kpi.kind, h.year_ago))
        else:
            text = t("briefing.s.kpi_plain", label=label, value=value)
    return Sentence(f"{service}.{h.key}", text, values, service)


def _names(frame: pd.DataFrame, column: str) -> str:
    names = [str(n) for n in frame[column].head(NAMES_SHOWN)]
    return ", ".join(names)


def complaint_sentences(store: Store, pack: Pack) -> list[Sentence]:
    out = []
    cats = pack.categories
    if cats is not None and len(cats) and cats["received"].sum() > 0:
        top = cats.sort_values(["received", "category"], ascending=[False, True]).iloc[0]
        before = pack.categories_before
        prev = 0
        if before is not None and len(before):
            match = before[before["category"] == top["category"]]
            prev = int(match["received"].iloc[0]) if len(match) else 0
        kel = top_kelurahan(store, pack, str(top["category"]))
        values = {"category": top["category"], "received": int(top["received"]), "previous": prev}
        if kel is not None:
            values.update(kelurahan=kel["kelurahan_name"], kelurahan_received=int(kel["received"]),
                          kecamatan=KECAMATAN.get(kecamatan_of(kel["kelurahan_code"]), ""))
            text = t("briefing.s.top_category_kel", cat=top["category"], n=fmt_int(top["received"]),
                     prev=fmt_int(prev), kel=kel["kelurahan_name"], kec=values["kecamatan"],
                     k=fmt_int(kel["received"]))
        else:
            text = t("briefing.s.top_category", cat=top["category"], n=fmt_int(top["received"]),
                     prev=fmt_int(prev))
        out.append(Sentence("metrics.complaints.by_category", text, values, "complaints"))
    overdue = pack.overdue_opd
    if overdue is not None:
        if len(overdue):
            first = overdue.iloc[0]
            text = t("briefing.s.overdue_opd", n=fmt_int(len(overdue)), total=fmt_int(overdue["overdue"].sum()),
                     opd=first["opd_short"] or first["opd_code"], k=fmt_int(first["overdue"]))
        else:
            text = t("briefing.s.overdue_none")
        out.append(Sentence("metrics.complaints.opd_league", text,
                            {"opds": len(overdue), "overdue": int(overdue["overdue"].sum()) if len(overdue) else 0},
                            "complaints"))
    return out


def budget_sentences(pack: Pack) -> list[Sentence]:
    lag = pack.laggards
    if lag is None:
        return []
    if len(lag):
        text = t("briefing.s.laggards", n=fmt_int(len(lag)), lower=fmt_pct(pack.band_lower, 0),
                 names=_names(lag, "opd_short"), more=t("briefing.s.more", n=fmt_int(len(lag) - NAMES_SHOWN))
                 if len(lag) > NAMES_SHOWN else "")
    else:
        text = t("briefing.s.laggards_none", lower=fmt_pct(pack.band_lower, 0))
    return [Sentence("metrics.budget.laggards", text, {"count": len(lag), "band_lower": pack.band_lower,
                                               "opds": list(lag["opd_short"])}, "budget")]


def sentences(store: Store, pack: Pack) -> list[Sentence]:
    """Every sentence of the written summary, service by service in catalogue order."""
    out: list[Sentence] = []
    for part in pack.parts:
        out.extend(kpi_sentence(part.service, h) for h in part.headlines)
        if part.service == "complaints":
            out.extend(complaint_sentences(store, pack))
        elif part.service == "budget":
            out.extend(budget_sentences(pack))
    return out
