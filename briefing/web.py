"""The web side of the briefing pack: download a stored pack by its exact generated name
(``/briefings/file/briefing-2026-W49-id.pdf``; nothing else is served) and make this week's
pack in a background thread (one at a time: a second click while one runs is told so)."""
from __future__ import annotations

import logging
import threading

from flask import abort, jsonify, request, send_file

from metrics.base import get_store, query_now

log = logging.getLogger("bcc.briefing.web")
_state_lock = threading.Lock()
STATE: dict = {"running": False, "week": None, "lang": None, "file": None, "error": None}


def start(lang: str = "id") -> bool:
    """Start making the current week's pack in `lang`; False when one is already being made."""
    from briefing import library, pack
    lang = lang if lang in ("id", "en") else "id"
    with _state_lock:
        if STATE["running"]:
            return False
        week = pack.current_week(query_now())
        STATE.update(running=True, week=week, lang=lang, file=None, error=None)
    store = get_store()

    def run():
        try:
            made = library.make(store, week=week, lang=lang)
            with _state_lock:
                STATE.update(running=False, file=made.path.name)
        except Exception as exc:   # shown on the page, never raised into the server
            log.exception("briefing pack %s failed", week)
            with _state_lock:
                STATE.update(running=False, error=str(exc)[:300])
    threading.Thread(target=run, name="briefing-make", daemon=True).start()
    return True


def state() -> dict:
    with _state_lock:
        return dict(STATE)


def register(server) -> None:
    from briefing import library

    @server.route("/briefings/file/<name>")
    def briefing_file(name):
        path = library.find(get_store().cfg, name)
        if path is None:
            abort(404)
        from access.auth import audit_request
        audit_request("briefing_download", path.name)
        return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=path.name)

    @server.route("/briefings/make", methods=["POST"])
    def briefing_make():
        started = start(request.args.get("lang", "id"))
        from access.auth import audit_request
        audit_request("briefing_make", request.args.get("lang", "id"), started=started)
        return jsonify({"started": started, **state()}), 202 if started else 409
