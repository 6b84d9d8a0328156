"""/publik in real Chromium: readable on a 390x844 phone and at 1920x1080 in both languages,
no console error, no count of 1-4 in any cell, no link into the internal dashboards."""
from __future__ import annotations

import re

import pytest

from tests.browser.harness import new_tab

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang,title", [("id", "Transparansi layanan publik"), ("en", "Public service transparency")])
@pytest.mark.parametrize("width,height", [(390, 844), (1920, 1080)])
def test_the_public_view_reads_on_a_phone_and_shows_no_small_count(browser, running_app, lang, title, width, height):
    context, page = new_tab(browser, width, height)
    try:
        page.goto(f"{running_app.base_url}/publik?lang={lang}", wait_until="networkidle")
        page.wait_for_selector("#publik-page table")
        assert page.inner_text("h1") == title
        assert page.locator("section.public-card").count() == 5
        cells = page.locator("#publik-page td.text-end").all_inner_texts()
        assert len(cells) > 100
        for text in cells:
            assert not re.fullmatch(r"[1-4]", text.strip()), f"a count under 5 is shown: {text!r}"
        assert "< 5" in cells
        hrefs = page.eval_on_selector_all("#publik-page a", "els => els.map(e => e.getAttribute('href'))")
        assert hrefs and all(h.startswith("/publik") for h in hrefs), hrefs
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, "wider than the screen"
        assert page.locator("nav.navbar").count() == 0
        assert not page.console_errors, page.console_errors
    finally:
        context.close()
