"""The drill-down: the selected OPD's programmes and activities (kegiatan); with none
selected, the activities spending least across the city."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from cards.budget import PAGE
from cards.budget.common import money, shortfall_style
from components.cards import Col, table_card
from components.i18n import fmt_date, fmt_pct, t
from components.layout import View
from metrics import budget as m

NAME = "activities"


def card(view: View) -> dbc.Card:
    f = view.f
    frame = m.activities(view.store, f)
    opd = f.selected("opd")
    columns = [Col("program_name", t("budget.program")), Col("activity_name", t("budget.activity")),
               Col("pagu_rp", t("budget.pagu"), money), Col("realized_rp", t("budget.realized"), money),
               Col("realized_pct", t("budget.realized_pct"), fmt_pct),
               Col("planned_to_date_rp", t("budget.planned"), money), Col("plan_gap_rp", t("budget.plan_gap"), money)]
    about = t("budget.activities_about", date=fmt_date(f.end))
    if opd:
        title = t("budget.activities_opd", opd=frame["opd_short"].iloc[0] if len(frame) else opd)
    else:
        title = t("budget.activities_all")
        columns = [Col("opd_short", t("budget.opd_name")), *columns]
        about = f"{about} · {t('budget.activities_hint')}"
    frame = frame.assign(plan_gap_rp=frame["plan_gap_rp"].clip(lower=0))      # only "behind the plan"
    return table_card(PAGE, NAME, title, frame, columns, about=about, page_size=10,
                      style_data_conditional=[shortfall_style("plan_gap_rp")])
