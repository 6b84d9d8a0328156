"""Security headers on every response.

- ``Content-Security-Policy``: scripts only from the app itself plus the hashes of the inline
  scripts Dash writes into its index page (``Dash.csp_hashes()``: the renderer's start and the
  clientside callbacks), no ``eval``, no plugins, no foreign frames, forms or connections;
  styles allow inline ``style=`` attributes (React and Plotly set them). ``frame-ancestors``
  comes from ``server.frame_ancestors`` (default: only the app itself may frame it, e.g. a
  wall page that embeds another screen).
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``,
  ``X-Frame-Options`` for old browsers (SAMEORIGIN / DENY).
- ``Strict-Transport-Security`` when the request came over HTTPS: behind nginx set
  ``server.proxies: 1`` so the X-Forwarded-Proto/-For/-Host of that one proxy are trusted
  (werkzeug's ProxyFix); never trust them without a proxy in front.
"""
from __future__ import annotations

from werkzeug.middleware.proxy_fix import ProxyFix

HSTS = "max-age=31536000; includeSubDomains"


def policy(script_hashes: list[str], frame_ancestors: tuple[str, ...]) -> str:
    ancestors = " ".join(frame_ancestors) if frame_ancestors else "'none'"
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' " + " ".join(script_hashes),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {ancestors}",
    ])


def install(app, frame_ancestors: tuple[str, ...] = ("'self'",), proxies: int = 0) -> None:
    """Add the headers to every response of the Dash ``app``'s server."""
    server = app.server
    if proxies:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    cached: dict[str, str] = {}

    @server.after_request
    def security_headers(response):
        from flask import request
        if "csp" not in cached:   # every clientside callback is registered by the first request
            cached["csp"] = policy(app.csp_hashes(), frame_ancestors)
        response.headers.setdefault("Content-Security-Policy", cached["csp"])
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options",
                                    "SAMEORIGIN" if "'self'" in frame_ancestors else "DENY")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
