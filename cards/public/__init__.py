"""Cards of the public transparency view (/publik, pages/publik.py): aggregates only."""
PAGE = "publik"
PATH = "/publik"
