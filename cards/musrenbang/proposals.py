"""The drill-down: the period's proposals behind the figures, narrowed by the selections
(kelurahan, OPD, sector), newest first; no proposer data (metrics.musrenbang.proposals_list)."""
from __future__ import annotations

import json

import dash_bootstrap_components as dbc

from cards.musrenbang import PAGE
from cards.musrenbang.common import (
    opd_label,
    outcome_label,
    place,
    reason_label,
    sector_label,
    stage_label,
)
from components.cards import Col, table_card
from components.i18n import fmt_datetime, fmt_int, fmt_rp, t
from components.layout import View, selection_label
from components.theme import STATUS
from metrics import musrenbang as m

NAME = "proposals"
OUTCOME_COLOURS = {"pending": STATUS["warn"], "rejected": STATUS["bad"], "accepted": STATUS["neutral"],
                   "unfunded": STATUS["neutral"], "funded": STATUS["neutral"], "in_progress": STATUS["warn"],
                   "built": STATUS["ok"]}


def _about(view: View) -> str:
    """What the list shows: the selections it follows by name, else the latest of the period."""
    parts = [selection_label(dim, value, view.store) for dim, value in view.f.selections
             if dim in ("kel", "opd", "sector")]
    return (t("musrenbang.list_about.some", what=" · ".join(parts)) if parts
            else t("musrenbang.list_about.all", n=fmt_int(m.PROPOSALS_LIMIT)))


def card(view: View, page_size: int = 10) -> dbc.Card:
    frame = m.proposals_list(view.store, view.f, view.now)
    frame = frame.assign(opd=[opd_label(s, c) for s, c in zip(frame["opd_short"], frame["opd_code"])])
    columns = [
        Col("proposal_no", t("musrenbang.col.no")),
        Col("submitted_at", t("musrenbang.col.submitted"), fmt_datetime),
        Col("kelurahan_name", t("musrenbang.col.kelurahan"), place),
        Col("sector", t("musrenbang.col.sector"), sector_label),
        Col("title", t("musrenbang.col.title"), place),
        Col("opd", t("musrenbang.col.opd")),
        Col("proposed_rp", t("musrenbang.col.proposed"), fmt_rp),
        Col("priority", t("musrenbang.col.priority"), fmt_int),
        Col("stage", t("musrenbang.col.stage"), stage_label),
        Col("outcome", t("musrenbang.col.outcome"), outcome_label),
        Col("rejection_reason", t("musrenbang.col.reason"), reason_label),
        Col("funded_rp", t("musrenbang.col.funded"), fmt_rp),
    ]
    styles = [{"if": {"filter_query": f"{{outcome}} = {json.dumps(outcome_label(o))}", "column_id": "outcome"},
               # a bar, not a text colour: the theme sets table text colours
               "boxShadow": f"inset 6px 0 0 {colour}", "paddingLeft": "14px", "fontWeight": "600"}
              for o, colour in OUTCOME_COLOURS.items()]
    return table_card(PAGE, NAME, t("musrenbang.list"), frame, columns, about=_about(view), page_size=page_size,
                      style_data_conditional=styles)
