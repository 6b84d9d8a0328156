"""The Content-Security-Policy holds in a real browser: every page draws with it and logs no
violation (tests/browser/test_pages.py fails on any console error), and a script a hostile
string might smuggle in is refused and reported."""
from __future__ import annotations

import pytest

from tests.browser.harness import open_and_settle

pytestmark = pytest.mark.browser


def test_an_injected_inline_script_is_refused_by_the_csp(page, running_app):
    open_and_settle(page, running_app.base_url + "/complaints")
    assert page.locator(".main-svg").count() > 0                      # the page drew under the policy
    assert page.console_errors == []
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.bccInjected = 1'; document.body.appendChild(s); }""")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.bccInjected") is None
    assert any("Content Security Policy" in e for e in page.console_errors), page.console_errors
