"""Limits on what a request may be, before Dash sees it.

A callback POST (``/_dash-update-component``) larger than ``MAX_BODY_BYTES`` answers 413, one
that is not a JSON object with ``output`` and ``inputs`` answers 400, and a URL (the address bar
or a callback's ``search``/``href`` input) longer than ``MAX_URL_CHARS`` answers 414, each with a
one-line JSON error and never a traceback: a 100 KB query value must not become a 3 MB page of
echoed links, and a malformed body is the client's fault, not a server error (500). Errors the
app did not foresee answer a plain 500 without internals (Flask's debug pages are never on).
"""
from __future__ import annotations

import json
import logging

from flask import Flask, jsonify, request

log = logging.getLogger("bcc.access")

MAX_BODY_BYTES = 1_000_000    # a page's callback bodies are a few KB; a table selection tens of KB
MAX_URL_CHARS = 4_096         # every view of the app fits in a few hundred characters
CALLBACK_PATH = "/_dash-update-component"
_URL_PROPS = ("search", "href", "pathname", "hash")


def _error(status: int, message: str):
    response = jsonify({"error": message})
    response.status_code = status
    return response


def _long_url_input(body: dict) -> bool:
    for item in [*(body.get("inputs") or []), *(body.get("state") or [])]:
        items = item if isinstance(item, list) else [item]
        for one in items:
            if isinstance(one, dict) and one.get("property") in _URL_PROPS \
                    and isinstance(one.get("value"), str) and len(one["value"]) > MAX_URL_CHARS:
                return True
    return False


def install(server: Flask) -> None:
    """Register the limits on the app's Flask server."""
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    @server.before_request
    def limit_requests():
        if len(request.full_path) > MAX_URL_CHARS:
            return _error(414, f"the address is longer than {MAX_URL_CHARS} characters; open the page again "
                               f"from its menu")
        if request.path != CALLBACK_PATH or request.method != "POST":
            return None
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return _error(413, f"request body over {MAX_BODY_BYTES // 1000} KB")
        raw = request.get_data(cache=True)
        if len(raw) > MAX_BODY_BYTES:
            return _error(413, f"request body over {MAX_BODY_BYTES // 1000} KB")
        try:
            body = json.loads(raw or b"null")
        except (ValueError, UnicodeDecodeError):
            return _error(400, "the request body is not JSON")
        if not isinstance(body, dict) or not isinstance(body.get("output"), str) \
                or not isinstance(body.get("inputs"), list):
            return _error(400, "the request body is not a Dash callback (output and inputs expected)")
        if _long_url_input(body):
            return _error(414, f"the address is longer than {MAX_URL_CHARS} characters; open the page again "
                               f"from its menu")
        return None

    @server.errorhandler(413)
    def too_large(_exc):
        return _error(413, f"request body over {MAX_BODY_BYTES // 1000} KB")

    @server.errorhandler(500)
    def server_error(exc):
        log.error("unhandled error on %s %s: %s", request.method, request.path, exc)
        return _error(500, "internal error; the operators' log has the details")
