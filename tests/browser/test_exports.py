"""A page table's CSV export in real Chromium: human column names in the page's language, plain
numbers (no "5,5" text), a file name naming the page, the table and the view; and the
/briefings page lists the packs."""
from __future__ import annotations

import csv
import io
import re

import pytest

from tests.browser.harness import open_and_settle

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["id", "en"])
def test_complaints_table_exports_human_headers_and_plain_numbers(browser, running_app, lang):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
    page = context.new_page()
    try:
        open_and_settle(page, running_app.base_url + f"/complaints?lang={lang}")
        button = page.locator("button.bcc-csv").first
        headers = {h.strip() for h in page.locator(".ag-header-cell-text").all_inner_texts() if h.strip()}
        with page.expect_download() as info:
            button.click()
        download = info.value
        name = download.suggested_filename
        assert re.fullmatch(r"complaints-[a-z_-]+_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}.*\.csv", name), name
        text = open(download.path(), encoding="utf-8-sig").read()
        rows = list(csv.reader(io.StringIO(text)))
        assert set(rows[0]) <= headers, (rows[0], headers)     # the header names shown, in the page's language
        assert ("Masuk" if lang == "id" else "Received") in rows[0]
        assert not any("_" in h and h == h.lower() for h in rows[0]), rows[0]   # no internal field names
        numeric = re.compile(r"^-?\d+(\.\d+)?$")
        for row in rows[1:]:
            for cell in row:
                assert not re.fullmatch(r"-?\d{1,3}([.,]\d{3})*,\d+", cell), cell   # no "5,5" number text
        assert any(numeric.match(c) for r in rows[1:] for c in r), rows[:3]
    finally:
        context.close()


def test_briefings_page_lists_and_offers_the_make_button(page, running_app):
    open_and_settle(page, running_app.base_url + "/briefings?lang=en")
    assert page.locator("#briefings-make").is_visible()
    assert "Weekly briefing packs" in page.inner_text("h1")
    assert not page.console_errors, page.console_errors
