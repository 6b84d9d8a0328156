"""The /alerts page's cards: open alerts, recently closed ones, the rules in force."""
from __future__ import annotations

from components.theme import STATUS

PAGE = "alerts"
PATH = "/alerts"
TONE = {"critical": STATUS["bad"], "warning": STATUS["warn"], "info": STATUS["neutral"]}


def with_query(link: str, keep: str) -> str:
    """An alert's link with the view parameters (language, theme) of this page."""
    if not keep:
        return link
    return f"{link}{'&' if '?' in link else '?'}{keep.lstrip('?')}"
