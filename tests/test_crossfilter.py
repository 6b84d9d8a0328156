"""Cross-filtering and the shared pieces every page uses: selections in the URL (Filters),
the SQL helper (sel_filter), per-10,000 rates, the kelurahan map with boundaries, KPI tiles
with a year-on-year line, selecting chart and table cards, the click -> URL logic and the
chips of the active selections."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import pytest
import sqlalchemy as sa

from components.cards import (GRAPH_CONFIG, XF_GRAPH, XF_TABLE, Col, Kpi, chart_card, kpi_tile,
                              table_card)
from components.i18n import fmt_int, fmt_pct, use_lang
from components.theme import STATUS
from core.config import ConfigError
from core.filters import MAX_SELECTION_CHARS, SELECT_DIMS, Filters, parse_selection
from core.geo import KELURAHAN, BoundaryError, estimated_population, read_boundaries
from metrics import complaints as m
from metrics.base import kelurahan_population, per_10k, sel_filter, used_params
from tests.conftest import write_config

ROOT = Path(__file__).resolve().parents[1]
SHARED_GEOJSON = ROOT.parent / "shared" / "data" / "geo" / "binjai_kelurahan.geojson"
TODAY = dt.date(2026, 11, 23)
NANGKA = "12.75.01.1003"


def _walk(node):
    """Every Dash component in a layout tree."""
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def _find(tree, **props):
    return [n for n in _walk(tree) if all(getattr(n, k, None) == v for k, v in props.items())]


def _text(node) -> str:
    if isinstance(node, str):
        return node
    children = getattr(node, "children", None)
    if children is None:
        return ""
    return "".join(_text(c) for c in (children if isinstance(children, (list, tuple)) else [children]))


# --- Filters: selections from the URL ------------------------------------------------------------

KNOWN = {"kel": NANGKA, "opd": "1.03.01", "cat": "Jalan Rusak", "ptype": "PBG", "fac": "PKM-BINJAI",
         "poli": "Poli Umum", "spend": "barang_jasa", "slot": "2-09"}
# every dimension the catalogue declares (a new service's own ones get a plain value)
GOOD = {dim: KNOWN.get(dim, "contoh") for dim in SELECT_DIMS}


def test_every_dimension_is_read_bound_and_round_trips():
    f = Filters.from_query({"start": "2026-11-01", "end": "2026-11-20", "lang": "en", **GOOD}, TODAY)
    assert {dim: f.selected(dim) for dim in SELECT_DIMS} == GOOD
    params = f.params()
    assert {dim: params[dim] for dim in SELECT_DIMS} == GOOD
    query = dict(parse_qsl(f.to_query()[1:]))
    assert query == {"start": "2026-11-01", "end": "2026-11-20", **GOOD}
    assert Filters.from_query(query, TODAY) == f
    # The URL order is SELECT_DIMS', whatever order the link had.
    assert [k for k in query if k in SELECT_DIMS] == list(SELECT_DIMS)


def test_unset_dimensions_bind_none_and_stay_out_of_the_url():
    f = Filters.from_query({"kel": NANGKA}, TODAY)
    params = f.params()
    assert params["kel"] == NANGKA
    assert all(params[d] is None for d in SELECT_DIMS if d != "kel")
    assert "opd=" not in f.to_query() and f"kel={NANGKA}" in f.to_query()
    assert Filters.from_query({}, TODAY).selections == ()


HOSTILE = [
    ("kel", "12.75.99.9999"),                 # not one of the 37 kelurahan
    ("kel", "' OR 1=1 --"),
    ("opd", "x" * (MAX_SELECTION_CHARS + 1)),  # too long
    ("cat", "Jalan\x00Rusak"),                 # NUL
    ("cat", "Jalan\nRusak"),                   # line break
    ("poli", "\u202eumum"),                    # right-to-left override (invisible formatting)
    ("fac", "PKM\u200b01"),                    # zero-width space
    ("opd", ""), ("opd", "   "),
    ("slot", "8-09"), ("slot", "2-24"), ("slot", "2-9"), ("slot", "Senin 09"),
    ("spend", ["modal\x07", "x"]),             # a repeated parameter: the first value counts
]


@pytest.mark.parametrize("dim,value", HOSTILE, ids=repr)
def test_a_bad_selection_value_is_ignored_like_a_bad_date(dim, value):
    f = Filters.from_query({dim: value, "start": "2026-11-01", "end": "2026-11-20"}, TODAY)
    assert f.selected(dim) is None and f.params()[dim] is None
    assert f.selections == () and f.to_query() == "?start=2026-11-01&end=2026-11-20"


def test_selection_limits_are_exact():
    assert parse_selection("cat", "x" * MAX_SELECTION_CHARS) == "x" * MAX_SELECTION_CHARS
    assert parse_selection("cat", "  Jalan Rusak ") == "Jalan Rusak"        # trimmed
    assert parse_selection("cat", "Jalan & Trotoar; 'rusak' <b>") == "Jalan & Trotoar; 'rusak' <b>"  # data, bound
    assert parse_selection("spend", ["modal", "pegawai"]) == "modal"
    assert parse_selection("slot", "7-23") == "7-23" and parse_selection("slot", "1-00") == "1-00"
    assert parse_selection("opd", 42) is None


def test_select_without_and_unknown_dimensions():
    f = Filters(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 20))
    g = f.select("opd", "1.03.01").select("kel", NANGKA)
    assert g.selections == (("kel", NANGKA), ("opd", "1.03.01"))        # SELECT_DIMS order
    assert g.without("kel").selections == (("opd", "1.03.01"),)
    assert g.without() == f and g.without("kel", "opd") == f
    assert g.select("kel", None) == f.select("opd", "1.03.01")
    assert g.select("kel", "bogus").selected("kel") is None            # unacceptable: cleared
    assert g.previous().selections == g.selections == g.year_ago().selections
    for call in (lambda: g.selected("kelurahan"), lambda: g.without("x"), lambda: parse_selection("x", "1")):
        with pytest.raises(ValueError, match="unknown cross-filter dimension .* use one of kel, opd"):
            call()


# --- SQL: sel_filter, used_params, per_10k --------------------------------------------------------

def test_sel_filter_is_the_portable_optional_predicate():
    assert sel_filter("c.kelurahan_code", "kel") == "(CAST(:kel AS VARCHAR) IS NULL OR c.kelurahan_code = :kel)"
    with pytest.raises(ValueError, match="unknown cross-filter dimension 'kelurahan'"):
        sel_filter("kelurahan_code", "kelurahan")
    with pytest.raises(ValueError, match="not a column name"):
        sel_filter("x = 1 OR 1", "kel")


def test_sel_filter_on_duckdb_filters_only_when_a_value_is_bound(store):
    sql = f"SELECT COUNT(*) FROM complaints WHERE {sel_filter('kelurahan_code', 'kel')}"
    with store.engine.connect() as conn:
        total = conn.execute(sa.text("SELECT COUNT(*) FROM complaints")).scalar()
        nangka = conn.execute(sa.text("SELECT COUNT(*) FROM complaints WHERE kelurahan_code = :k"),
                              {"k": NANGKA}).scalar()
    assert store.scalar(sql, kel=None) == total > nangka > 0
    assert store.scalar(sql, kel=NANGKA) == nangka
    assert store.scalar(sql, kel="' OR 1=1 --") == 0                     # a value, never SQL


def test_a_query_is_bound_and_cached_only_by_the_parameters_it_reads(store):
    sql = "SELECT COUNT(*) FROM complaints WHERE received_at >= :start AND kecamatan_code = :kec -- :kel? no"
    params = {"start": dt.datetime(2026, 11, 1), "kec": "12.75.01", "opd": "1.03.01", "now": None, "kel": None}
    assert used_params(sql, params) == {"start": params["start"], "kec": "12.75.01", "kel": None}
    assert used_params("SELECT x::date, '10:00' FROM t WHERE a = :opd", params) == {"opd": "1.03.01"}
    f = Filters(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 20))
    first = m.received_count(store, f)
    cached = len(store._cache)
    assert m.received_count(store, f.select("spend", "modal")) == first   # not a complaints dimension
    assert len(store._cache) == cached                                    # ... so the same cache entry


def test_per_10k_rates_every_kelurahan_of_the_area_by_its_population(store):
    population = estimated_population()
    counts = pd.DataFrame({"kelurahan_code": [NANGKA, NANGKA, "12.75.04.1001"], "reports": [3, 2, 7]})
    city = per_10k(store, counts, "reports")
    assert len(city) == 37 and city["reports"].sum() == 12 and city["reports"].dtype == "int64"
    row = city.set_index("kelurahan_code").loc[NANGKA]
    assert row["reports"] == 5 and row["population"] == population[NANGKA]
    assert row["per_10k"] == pytest.approx(10000 * 5 / population[NANGKA])
    assert (city.set_index("kelurahan_code").drop([NANGKA, "12.75.04.1001"])["per_10k"] == 0).all()
    f = Filters(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 20), kecamatan="12.75.01")
    kec = per_10k(store, counts, "reports", f, out_col="rate")
    assert list(kec["kelurahan_code"]) == [k.code for k in KELURAHAN if k.code.startswith("12.75.01")]
    assert kec["reports"].sum() == 5 and "rate" in kec
    assert len(per_10k(store, counts.iloc[0:0], "reports")) == 37
    assert kelurahan_population(store)["population"].sum() == sum(population.values())


# --- the map: polygons from a boundary file, centroid bubbles without one -------------------------

def _square_geojson(key: str = "kode", codes=None) -> dict:
    """37 small squares around the kelurahan centroids: a boundary file of our own."""
    d = 0.002
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"nama": k.name, key: code},
         "geometry": {"type": "Polygon", "coordinates": [[[k.lng - d, k.lat - d], [k.lng + d, k.lat - d],
                                                          [k.lng + d, k.lat + d], [k.lng - d, k.lat + d],
                                                          [k.lng - d, k.lat - d]]]}}
        for k, code in zip(KELURAHAN, codes or [k.code for k in KELURAHAN])]}


def _map(boundaries, selected=None):
    from components.maps import kelurahan_map
    values = pd.DataFrame({"kelurahan_code": [k.code for k in KELURAHAN],
                           "rate": [float(i) for i in range(len(KELURAHAN))]})
    return kelurahan_map(values, "rate", "per 10.000", lambda v: f"{v:.1f}", boundaries=boundaries,
                         selected=selected)


def _assert_choropleth(fig, key: str):
    shapes = [t for t in fig.data if t.type == "choropleth"]
    assert len(shapes) == 1
    trace = shapes[0]
    assert trace.featureidkey == f"properties.{key}"
    assert list(trace.locations) == [k.code for k in KELURAHAN]
    assert list(trace.z) == [float(i) for i in range(37)]
    assert [c[0] for c in trace.customdata] == list(trace.locations)      # a click selects the code
    assert {f["properties"][key] for f in trace.geojson["features"]} == set(trace.locations)
    geo = fig.layout.geo
    assert geo.visible is False and geo.fitbounds == "locations"
    # Offline: no tile-based map anywhere, Plotly's base topology comes from the app itself.
    assert not [t for t in fig.data if t.type.endswith("map") or t.type.endswith("mapbox")]
    assert GRAPH_CONFIG["topojsonURL"].startswith("/")
    return trace


def test_map_draws_filled_kelurahan_from_a_boundary_file(tmp_path):
    path = tmp_path / "kelurahan.geojson"
    path.write_text(json.dumps(_square_geojson("kode_kel")), encoding="utf-8")
    fig = _map(path)
    _assert_choropleth(fig, "kode_kel")
    named = [t for t in fig.data if t.type == "scattergeo"]
    # Five names, the largest value's first; neighbours whose names would collide are skipped.
    assert len(named) == 1 and len(named[0].text) == 5 and KELURAHAN[-1].name in named[0].text


@pytest.mark.skipif(not SHARED_GEOJSON.is_file(), reason="the shared Binjai boundary file is not on this machine")
def test_map_draws_the_37_binjai_kelurahan_polygons_and_outlines_the_selected_one():
    shapes = read_boundaries(SHARED_GEOJSON)
    assert shapes.key == "kode" and len(shapes.codes) == 37
    fig = _map(SHARED_GEOJSON, selected=NANGKA)
    main = [t for t in fig.data if t.type == "choropleth"][0]
    assert len(main.locations) == 37
    outline = [t for t in fig.data if t.type == "choropleth"][1]
    assert list(outline.locations) == [NANGKA] and outline.marker.line.width >= 3
    assert outline.customdata[0][0] == NANGKA
    assert "Nangka" in list([t for t in fig.data if t.type == "scattergeo"][0].text)


def test_map_without_boundaries_draws_centroid_bubbles_that_select_their_kelurahan():
    fig = _map(None, selected=NANGKA)
    (bubbles,) = fig.data
    assert bubbles.type == "scatter" and len(bubbles.x) == 37
    assert [c[0] for c in bubbles.customdata] == [k.code for k in KELURAHAN]
    i = [k.code for k in KELURAHAN].index(NANGKA)
    assert bubbles.marker.line.width[i] > 1 == bubbles.marker.line.width[0]
    assert bubbles.text[i] == "Nangka"


@pytest.mark.parametrize("content,message", [
    ("{not json", "cannot read .* as GeoJSON"),
    (json.dumps({"type": "FeatureCollection", "features": []}), "not a FeatureCollection of"),
    (json.dumps(_square_geojson(codes=["1275011001"] * 37)), "no property .* holds kelurahan codes like 12.75.01.1001"),
])
def test_an_unusable_boundary_file_is_refused_at_start_with_the_fix(tmp_path, source_urls, content, message):
    path = tmp_path / "bad.geojson"
    path.write_text(content, encoding="utf-8")
    read_boundaries.cache_clear()
    with pytest.raises(BoundaryError, match=message):
        read_boundaries(path)
    with pytest.raises(ConfigError, match="^geo.boundaries: .*" + message):
        write_config(tmp_path / "cfg", source_urls, f"duckdb:///{tmp_path / 's.duckdb'}",
                     extra={"geo": {"boundaries": str(path)}})


def test_the_app_serves_the_empty_base_topology_plotly_asks_for(store):
    from app import create_app
    client = create_app(store.cfg, store).server.test_client()
    response = client.get(GRAPH_CONFIG["topojsonURL"] + "world_110m.json")
    assert response.status_code == 200
    assert response.json["type"] == "Topology" and response.json["objects"] == {}


# --- KPI tiles: previous period and the same period last year -------------------------------------

def _line(tile, kind):
    (line,) = [n for n in _walk(tile) if f"kpi-delta-{kind}" in (getattr(n, "className", "") or "")]
    return line


def test_kpi_tile_shows_a_year_on_year_line_with_its_own_arrow_colour():
    use_lang("id")
    tile = kpi_tile(Kpi("wait", "Waktu tunggu", 40.0, 50.0, fmt_int, better="down", year_ago=32.0), "p")
    prev, year = _line(tile, "prev"), _line(tile, "year")
    assert _text(prev) == "▼ 20,0% vs periode lalu (50)"
    assert _text(year) == "▲ 25,0% vs tahun lalu (32)"
    assert prev.children[0].style["color"] == STATUS["ok"]          # shorter than before: good
    assert year.children[0].style["color"] == STATUS["bad"]         # longer than last year: bad
    assert "tahun lalu" in year.title
    use_lang("en")
    tile = kpi_tile(Kpi("sla", "On time", 90.0, 90.0, fmt_pct, year_ago=None), "p")
    assert _text(_line(tile, "year")) == "vs last year: –"
    assert _text(_line(tile, "prev")).startswith("▬ 0.0% vs previous period")
    tile = kpi_tile(Kpi("open", "Open", 5, 0, fmt_int, year_ago=0), "p")
    assert _text(_line(tile, "year")) == "vs last year (0)"           # from 0: no percentage, the figure
    use_lang("id")


def test_kpi_tile_without_year_ago_has_no_second_line():
    tile = kpi_tile(Kpi("n", "Jumlah", 5, 4, fmt_int), "p")
    assert [n for n in _walk(tile) if "kpi-delta-year" in (getattr(n, "className", "") or "")] == []
    assert _find(tile, id="p-kpi-n")[0].children == "5"


# --- selecting cards ----------------------------------------------------------------------------

def test_chart_card_that_selects_has_a_pattern_id_inside_a_stable_dom_id():
    import plotly.graph_objects as go
    card = chart_card("complaints", "map", "Peta", go.Figure(go.Bar(x=[1], y=[2], customdata=[["a"]])),
                      select="kel")
    (graph,) = [n for n in _walk(card) if type(n).__name__ == "Graph"]
    assert graph.id == {"type": XF_GRAPH, "page": "complaints", "name": "map", "dim": "kel"}
    assert _find(card, id="complaints-map")[0].children is graph
    assert graph.figure.layout.clickmode == "event"
    plain = chart_card("complaints", "trend", "Tren", go.Figure())
    assert [n.id for n in _walk(plain) if type(n).__name__ == "Graph"] == ["complaints-trend"]
    with pytest.raises(ValueError, match="select='kelurahan' is not a cross-filter dimension"):
        chart_card("complaints", "map", "Peta", go.Figure(), select="kelurahan")


def test_table_card_that_selects_carries_the_value_in_a_hidden_row_id():
    frame = pd.DataFrame({"opd_code": ["1.03.01", None, "2.01.01"], "opd": ["PUPR", "(none)", "Dinkes"],
                          "received": [5, 2, 9]})
    card = table_card("complaints", "opd-league", "OPD", frame,
                      [Col("opd", "OPD"), Col("received", "Masuk", fmt_int)],
                      select=("opd", "opd_code"), selected="2.01.01")
    (table,) = [n for n in _walk(card) if type(n).__name__ == "AgGrid"]
    assert table.id == {"type": XF_TABLE, "page": "complaints", "name": "opd-league", "dim": "opd"}
    assert _find(card, id="complaints-opd-league")[0].children is table
    # the row id carries the value after its row number (ids must be unique; values need not be)
    assert [r["_rid"] for r in table.rowData] == ["0:1.03.01", "1:", "2:2.01.01"]
    assert [c["field"] for c in table.columnDefs] == ["opd", "received"]
    assert table.csvExportParams["columnKeys"] == ["opd", "received"]  # the CSV export leaves the id out
    assert table.csvExportParams["fileName"].startswith("complaints-opd-league")
    # counts sort on their number and show the Indonesian text
    assert [r["received"] for r in table.rowData] == [5, 2, 9]
    assert [r["received__text"] for r in table.rowData] == ["5", "2", "9"]
    assert all(c.get("sortable", True) for c in table.columnDefs) and table.defaultColDef["sortable"]
    (highlight,) = table.getRowStyle["styleConditions"]
    assert '"2.01.01"' in highlight["condition"]


# --- the click -> URL logic of app.py -------------------------------------------------------------

def test_a_click_selects_its_value_and_a_second_click_clears_it():
    from app import clicked_value, toggle_selection
    point = {"points": [{"curveNumber": 0, "customdata": [NANGKA, "Nangka", "Binjai Utara", "3,1"]}]}
    assert clicked_value(XF_GRAPH, point) == NANGKA
    assert clicked_value(XF_GRAPH, {"points": [{"customdata": "Jalan Rusak"}]}) == "Jalan Rusak"
    assert clicked_value(XF_GRAPH, {"points": [{"x": 1}]}) is None
    assert clicked_value(XF_GRAPH, None) is None
    assert clicked_value(XF_TABLE, {"rowIndex": 3, "colId": "opd", "rowId": "3:1.03.01"}) == "1.03.01"
    assert clicked_value(XF_TABLE, {"rowIndex": 3, "colId": "opd", "rowId": "3:"}) is None
    assert clicked_value(XF_TABLE, {"rowIndex": 3, "colId": "opd", "rowId": "12:a:b"}) == "a:b"

    search = "?start=2026-11-01&lang=en"
    selected = toggle_selection(search, "kel", NANGKA)
    assert dict(parse_qsl(selected[1:])) == {"start": "2026-11-01", "lang": "en", "kel": NANGKA}
    assert toggle_selection(selected, "kel", NANGKA) == search                    # second click: cleared
    assert dict(parse_qsl(toggle_selection(selected, "kel", "12.75.01.1004")[1:]))["kel"] == "12.75.01.1004"
    assert toggle_selection(selected, "kel", "12.99") is None                       # not acceptable: no change
    assert toggle_selection("", "cat", "Jalan Rusak") == "?cat=Jalan+Rusak"


# --- chips of the active selections ---------------------------------------------------------------

def test_chips_name_each_selection_and_link_to_the_view_without_it(store):
    from components.layout import selection_chips
    with store.engine.connect() as conn:
        opd_code, opd_short = conn.execute(sa.text("SELECT opd_code, opd_short FROM dim_opd ORDER BY opd_code")).first()
    query = {"lang": "en", "start": "2026-11-01", "kel": NANGKA, "opd": opd_code, "slot": "2-09",
             "data_version": "7", "kec": ""}
    f = Filters.from_query(query, TODAY)
    use_lang("en")
    chips = selection_chips("/complaints", query, f, store)
    use_lang("id")
    links = {n.id: n for n in _walk(chips) if type(n).__name__ == "Link"}
    assert _text(links["xf-chip-kel"]) == "Kelurahan: Nangka×"
    assert _text(links["xf-chip-opd"]) == f"OPD: {opd_short}×"
    assert _text(links["xf-chip-slot"]) == "Visit slot: Tuesday 09:00–10:00×"
    href = urlsplit(links["xf-chip-kel"].href)
    assert href.path == "/complaints"
    assert dict(parse_qsl(href.query)) == {"lang": "en", "start": "2026-11-01", "opd": opd_code, "slot": "2-09"}
    assert links["xf-reset"].href == "/complaints?lang=en&start=2026-11-01"
    assert _text(links["xf-reset"]) == "Reset filters"
    assert selection_chips("/complaints", {}, Filters.from_query({}, TODAY), store) is None


def test_complaints_page_with_a_kelurahan_shows_its_numbers_chip_and_outlined_region(store, dash_pages):
    page = dash_pages("complaints")
    query = {"start": "2026-10-25", "end": "2026-11-20", "kel": NANGKA}
    f = Filters.from_query(query, TODAY)
    tree = page.layout(**query)
    assert _find(tree, id="complaints-kpi-received")[0].children == fmt_int(m.received_count(store, f))
    assert m.received_count(store, f) < m.received_count(store, f.without())
    assert "Kelurahan: " in _text(_find(tree, id="xf-chip-kel")[0])
    (graph,) = [n for n in _walk(tree) if type(n).__name__ == "Graph" and isinstance(n.id, dict)
                and n.id["dim"] == "kel"]
    bubbles = graph.figure.data[0]
    i = [c[0] for c in bubbles.customdata].index(NANGKA)
    assert bubbles.marker.line.width[i] > 1
    assert "vs tahun lalu" in str(tree)


def test_category_bars_carry_their_category_and_shade_the_selected_one(store):
    from cards.complaints import category
    f = Filters(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 20))
    cats = m.by_category(store, f, dt.datetime(2026, 11, 23, 10))
    chosen = cats["category"].iloc[1]
    fig = category.figure(cats, chosen)
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) == 3 and all([c[0] for c in b.customdata] == list(b.y) for b in bars)
    (shade,) = fig.layout.shapes
    assert (shade.y0 + shade.y1) / 2 == list(bars[0].y).index(chosen)
    assert not category.figure(cats).layout.shapes
