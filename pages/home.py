"""Placeholder overview (replaced below)."""
import dash
from core.filters import Filters
from components.layout import page_shell
from metrics.base import get_store
import datetime as dt
dash.register_page(__name__, path="/", title="Ringkasan")
def layout(**query):
    f = Filters.from_query(query, dt.date.today())
    return page_shell("overview", "/", "Ringkasan", "sub", query, get_store(), f, [])
