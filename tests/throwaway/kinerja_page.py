"""/kinerja: the throwaway service's page (one KPI row), registered like any service page."""
import dash

from components.cards import Kpi, kpi_row
from components.i18n import fmt_int, fmt_num, t
from components.layout import open_view, page_shell
from tests.throwaway import kinerja as m

def layout(**query):
    view = open_view(query)
    f, store = view.f, view.store
    kpis = [Kpi("scored", t("kinerja.overview.scored"), m.scored_count(store, f), m.scored_count(store, f.previous()),
                fmt_int, better="neutral"),
            Kpi("mean-score", t("kinerja.overview.mean_score"), m.mean_score(store, f),
                m.mean_score(store, f.previous()), lambda v: fmt_num(v, 1))]
    return page_shell("kinerja", m.SERVICE.path, t("nav.kinerja"), store.cfg.service("kinerja").label, query,
                      store, f, [kpi_row(kpis, "kinerja")])


# Outside pages/ Dash does not look for `layout` in the module: hand it over.
dash.register_page(__name__, path=m.SERVICE.path, title="e-Kinerja", name="kinerja", order=m.SERVICE.order,
                   layout=layout)
