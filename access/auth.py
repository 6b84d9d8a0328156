"""Login, sessions and who may reach what: ``install(server, store, cfg)`` on the Flask server.

- The policy is data: `POLICY` (per role, the path prefixes it may and may not reach) and
  `ACTIONS` (per action, the roles that may do it); `allowed(role, path)` and `can(role, action)`
  read them. Every role reaches the static assets, Dash's layout/dependency endpoints, /login,
  /logout, /health and the public view /publik.
- A ``before_request`` hook resolves the request's identity (a logged-in user, a wall token, or
  anonymous ``public``) and answers a request outside the policy: 401 JSON for a callback or
  an API call, a redirect to /login for a page (anonymous), 403 for a logged-in user or a wall.
  A callback (``/_dash-update-component``) is judged by the page it belongs to (its
  ``pathname`` input, else the Referer); an anonymous one must also only update ids of the
  public view (`PUBLIC_CALLBACK_PREFIXES`) or the app's own chrome.
- Sessions are Flask's signed cookie (``bcc_session``): HttpOnly, SameSite=Lax, Secure when
  the request came over HTTPS (``access.secure_cookies``); they last ``access.session_hours``.
  The login form carries a CSRF token kept in that signed session.
- Production refuses to start without a real ``BCC_SECRET_KEY`` or without an active admin
  (`check_production`); demo mode signs anonymous visitors in as a demo executive
  (``access.demo_auto_login``).
"""
from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import os
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from flask import Flask, g, has_request_context, jsonify, redirect, render_template_string, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, current_user, login_user, logout_user

from access import audit
from access.accounts import USER_ROLES, IdentityProvider, StoreIdentityProvider, User, count_admins, \
    normalise_username, touch_login
from access.settings import SECRET_KEY_ENV, AccessSettings, access_settings
from access.throttle import Throttle
from access.tokens import WallToken, token_valid, verify_token
from core.settings import ConfigError

log = logging.getLogger("bcc.access")

# --- the policy, as data ------------------------------------------------------------------
STATIC_PREFIXES = ("/assets/", "/vendor/", "/_dash-component-suites/")
STATIC_PATHS = ("/favicon.ico", "/_favicon.ico", "/_dash-layout", "/_dash-dependencies")
OPEN_PATHS = ("/login", "/logout", "/health")            # every role, also anonymous
PUBLIC_VIEW = "/publik"
CALLBACK = "/_dash-update-component"


@dataclass(frozen=True)
class Rule:
    """Paths a role reaches: under one of ``allow`` and under none of ``deny`` (prefixes by
    path segment: ``/wall`` covers ``/wall`` and ``/wall/map``, not ``/wallet``)."""
    allow: tuple[str, ...]
    deny: tuple[str, ...] = ()


POLICY: dict[str, Rule] = {
    "admin": Rule(allow=("/",)),                                         # everything, /admin too
    "executive": Rule(allow=("/",), deny=("/admin",)),                   # every screen, briefing packs
    "operator": Rule(allow=("/",), deny=("/admin", "/briefings")),       # screens, /data, alerts
    "opd": Rule(allow=("/",), deny=("/admin", "/briefings", "/data")),   # screens, its own OPD's rows
    "wall": Rule(allow=("/wall",)),          # + the pages of its token's playlist (install's hook)
    "public": Rule(allow=()),                # only PUBLIC_VIEW and the open paths
}
ACTIONS: dict[str, frozenset[str]] = {
    "users.manage": frozenset({"admin"}),                 # users, roles
    "config.view": frozenset({"admin"}),
    "audit.view": frozenset({"admin"}),
    "briefing": frozenset({"admin", "executive"}),        # make and download briefing packs
    "etl.run": frozenset({"admin", "operator"}),          # run and re-sync ETL streams
    "alerts.manage": frozenset({"admin", "operator"}),
    "export": frozenset({"admin", "executive", "operator", "opd"}),
    "drilldown": frozenset({"admin", "executive", "operator", "opd", "public"}),
}
# Callback output ids an anonymous visitor may update: the public view's (``publik-...``) and
# the app's own chrome and routing (the routing callback is judged by its pathname).
PUBLIC_CALLBACK_PREFIXES = ("publik-", "publik_")
PUBLIC_CALLBACK_IDS = frozenset({"_pages_content", "_pages_store", "_pages_location", "_pages_dummy",
                                 "bcc-version", "bcc-theme-sink", "bcc-rotate-sink"})

DEFAULT_SECRETS = frozenset({"", "change-me", "changeme", "secret", "dev", "development", "bcc",
                             "binjai", "please-change-me"})
MIN_SECRET_CHARS = 32
DEMO_USER = User(username="demo", display_name="Demo", role="executive", session_key="demo")
COOKIE_NAME = "bcc_session"


def _under(path: str, prefix: str) -> bool:
    return prefix == "/" or path == prefix or path.startswith(prefix.rstrip("/") + "/")


def is_static(path: str) -> bool:
    return path.startswith(STATIC_PREFIXES) or path in STATIC_PATHS


def allowed(role: str, path: str) -> bool:
    """May `role` reach `path`? (A callback POST is judged by its page: see module doc; here
    the callback endpoint itself is open to every role that has pages of its own.)"""
    rule = POLICY.get(role)
    if rule is None:
        return False
    if is_static(path) or any(_under(path, p) for p in OPEN_PATHS) or _under(path, PUBLIC_VIEW):
        return True
    if path == CALLBACK:
        return role != "public"
    return any(_under(path, p) for p in rule.allow) and not any(_under(path, p) for p in rule.deny)


def can(role: str, action: str) -> bool:
    """May `role` do `action` (ACTIONS: export, briefing, etl.run, users.manage, drilldown ...)?"""
    return role in ACTIONS.get(action, ())


# --- the identity of a request ------------------------------------------------------------

@dataclass(frozen=True)
class Identity:
    """Who the current request is: role, and for a user its name and OPD (row scoping), for a
    wall its playlist."""
    role: str = "public"
    username: str | None = None
    display_name: str | None = None
    opd_code: str | None = None
    playlist: str | None = None
    token_id: str | None = None
    demo: bool = False

    @property
    def authenticated(self) -> bool:
        return self.role in USER_ROLES


ANONYMOUS = Identity()


def current_identity() -> Identity:
    """The identity of the request being served (anonymous outside a request)."""
    if not has_request_context():
        return ANONYMOUS
    return g.get("bcc_identity") or ANONYMOUS


def is_demo_session() -> bool:
    return current_identity().demo


def audit_request(event: str, subject: str | None = None, **detail) -> None:
    """Record `event` (export, briefing_download, etl_trigger ...) for the current request's
    user and client address (call it from a callback or a route)."""
    access = _access()
    who = current_identity()
    audit.record(access.store, event, username=who.username or (f"wall:{who.token_id}" if who.token_id else None),
                 subject=subject, client=request.remote_addr if has_request_context() else None, **detail)


# --- secrets and production checks --------------------------------------------------------

def secret_key(cfg) -> str | None:
    """``BCC_SECRET_KEY`` if set to something other than a known default, else None."""
    value = os.environ.get(SECRET_KEY_ENV, "")
    return None if value.strip().lower() in DEFAULT_SECRETS else value


def check_production(cfg, store) -> None:
    """Production needs a real secret key and at least one active admin; else one ConfigError
    naming every problem and its fix. Demo mode passes."""
    if getattr(cfg, "mode", "demo") != "production":
        return
    problems = []
    key = secret_key(cfg)
    if key is None or len(key) < MIN_SECRET_CHARS:
        state = "is not set" if not os.environ.get(SECRET_KEY_ENV) else \
            "is a default value" if key is None else f"has fewer than {MIN_SECRET_CHARS} characters"
        problems.append(f"{SECRET_KEY_ENV} {state}: set it in the environment to a random value, e.g. "
                        f"`export {SECRET_KEY_ENV}=$(python -c 'import secrets; print(secrets.token_urlsafe(48))')`")
    if count_admins(store) < 1:
        problems.append("the store has no active admin: create one with "
                        "`python -m bcc users add NAME --role admin`")
    if problems:
        raise ConfigError("production mode cannot start: " + "; ".join(problems))


def demo_auto_login_enabled(cfg, settings: AccessSettings | None = None) -> bool:
    """Demo mode with ``access.demo_auto_login``: anonymous visitors are the demo executive."""
    settings = settings or access_settings(cfg)
    return bool(getattr(cfg, "is_demo", False)) and settings.demo_auto_login


# --- the session cookie -------------------------------------------------------------------

class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session; Secure when the request came over HTTPS (``auto``)."""

    def __init__(self, secure: str):
        self.secure = secure

    def get_cookie_secure(self, app: Flask) -> bool:
        if self.secure == "always":
            return True
        return self.secure == "auto" and has_request_context() and request.is_secure


@dataclass
class Access:
    """What install() set up (server.extensions["bcc_access"])."""
    store: object
    cfg: object
    settings: AccessSettings
    provider: IdentityProvider
    throttle: Throttle


def _access() -> Access:
    from flask import current_app
    return current_app.extensions["bcc_access"]


def install(server: Flask, store, cfg, provider: IdentityProvider | None = None) -> Access:
    """Sessions, /login and /logout, and the policy hook on the app's Flask server. Raises
    ConfigError in production without a secret key or an admin (check_production)."""
    check_production(cfg, store)
    settings = access_settings(cfg)
    key = secret_key(cfg)
    if key is None:   # demo only (production refused above): sessions end when the process does
        log.warning("%s is not set: using a random session key (logins end at restart)", SECRET_KEY_ENV)
        key = secrets.token_urlsafe(48)
    server.secret_key = key
    server.config.update(SESSION_COOKIE_NAME=COOKIE_NAME, SESSION_COOKIE_HTTPONLY=True,
                         SESSION_COOKIE_SAMESITE="Lax",
                         SESSION_COOKIE_SECURE=settings.secure_cookies == "always",
                         PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=settings.session_hours),
                         REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax")
    server.session_interface = _SessionInterface(settings.secure_cookies)
    access = Access(store=store, cfg=cfg, settings=settings,
                    provider=provider or StoreIdentityProvider(store), throttle=Throttle(settings.throttle))
    server.extensions["bcc_access"] = access

    manager = LoginManager()
    manager.session_protection = "basic"
    manager.init_app(server)

    @manager.user_loader
    def load_user(user_id: str):
        if user_id == DEMO_USER.get_id():
            return DEMO_USER if demo_auto_login_enabled(cfg, settings) else None
        return access.provider.load(user_id)

    server.before_request(lambda: _enforce(access))
    _register_routes(server, access)
    return access


def start_session(user: User) -> None:
    """Sign `user` in on this request (a fresh session: no fixation), for the login form and
    for an external provider's callback (OIDC)."""
    session.clear()
    login_user(user)
    session.permanent = True
    session["csrf"] = secrets.token_urlsafe(32)


# --- the hook -----------------------------------------------------------------------------

def _identity(access: Access) -> Identity:
    user = current_user
    if user is not None and user.is_authenticated:
        return Identity(role=user.role, username=user.username, display_name=user.display_name,
                        opd_code=user.opd_code, demo=user is DEMO_USER)
    token: WallToken | None = None
    presented = request.args.get("token") if _under(request.path, "/wall") else None
    if presented:
        token = verify_token(access.store, presented)
        if token is not None:
            session["bcc_wall"] = token.token_id
            session.permanent = True
    if token is None and session.get("bcc_wall"):
        token = token_valid(access.store, session["bcc_wall"])   # revoked: ends here
        if token is None:
            session.pop("bcc_wall", None)
    if token is not None:
        return Identity(role="wall", playlist=token.playlist, token_id=token.token_id)
    return ANONYMOUS


def _callback_urls(body: dict) -> tuple[str | None, str | None]:
    """The (pathname, search) inputs of a callback body, if it has them."""
    pathname = search = None
    for item in [*(body.get("inputs") or []), *(body.get("state") or [])]:
        for one in item if isinstance(item, list) else [item]:
            if not isinstance(one, dict) or not isinstance(one.get("value"), str):
                continue
            if one.get("property") == "pathname" and pathname is None:
                pathname = one["value"]
            elif one.get("property") == "search" and search is None:
                search = one["value"]
    return pathname, search


def _referer() -> tuple[str | None, str | None]:
    ref = request.referrer
    if not ref:
        return None, None
    parts = urlsplit(ref)
    if parts.netloc and parts.netloc != request.host:
        return None, None
    return parts.path or "/", parts.query


def _output_ids(body: dict) -> list[str]:
    """The component ids a callback updates (``..a.children...b.data..`` for several)."""
    ids = []
    for spec in str(body.get("output") or "").strip(".").split("..."):
        spec = spec.strip(".")
        if not spec:
            continue
        component = spec.rsplit(".", 1)[0]
        if component.startswith("{"):
            try:
                parsed = json.loads(component)
            except ValueError:
                ids.append(component)
                continue
            page = parsed.get("page") if isinstance(parsed, dict) else None
            ids.append(f"{page}-" if isinstance(page, str) else component)
        else:
            ids.append(component)
    return ids


def _public_outputs(body: dict) -> bool:
    return all(i in PUBLIC_CALLBACK_IDS or i.startswith(PUBLIC_CALLBACK_PREFIXES) or i == "publik-"
               for i in _output_ids(body))


def _wall_paths(cfg, playlist: str) -> set[str]:
    """The page paths a wall token's playlist shows besides /wall* (screens like /complaints)."""
    try:
        from wall.playlist import playlists
        chosen = playlists(cfg).get(playlist)
    except Exception:  # a config without the wall feature: /wall* only
        return set()
    return {urlsplit(s.url).path for s in chosen.screens} if chosen else set()


def _playlist_of(query: str | None) -> str | None:
    values = parse_qs((query or "").lstrip("?")).get("playlist")
    return values[0] if values else None


def _page_allowed(access: Access, who: Identity, path: str, query: str | None) -> bool:
    if who.role == "wall" and not (is_static(path) or any(_under(path, p) for p in OPEN_PATHS)):
        asked = _playlist_of(query)
        if asked is not None and asked != who.playlist:
            return False
        if path in _wall_paths(access.cfg, who.playlist):
            return True
    return allowed(who.role, path)


def _enforce(access: Access):
    path = request.path
    if is_static(path):
        g.bcc_identity = ANONYMOUS
        return None
    who = _identity(access)
    if who.role == "public" and demo_auto_login_enabled(access.cfg, access.settings) \
            and not any(_under(path, p) for p in OPEN_PATHS):
        login_user(DEMO_USER)
        session.permanent = True
        who = Identity(role="executive", username=DEMO_USER.username, display_name=DEMO_USER.display_name,
                       demo=True)
    g.bcc_identity = who
    if path == CALLBACK and request.method == "POST":
        body = request.get_json(silent=True, cache=True) or {}
        pathname, search = _callback_urls(body) if isinstance(body, dict) else (None, None)
        if pathname is None:
            pathname, ref_query = _referer()
            search = search if search is not None else ref_query
        if who.role == "public":
            ok = pathname is not None and _under(pathname, PUBLIC_VIEW) and isinstance(body, dict) \
                and _public_outputs(body)
        elif pathname is None:
            ok = who.role in USER_ROLES
        else:
            ok = _page_allowed(access, who, pathname, search)
        return None if ok else _deny(who, api=True)
    if _page_allowed(access, who, path, request.query_string.decode("latin-1")):
        return None
    return _deny(who, api=not _wants_html())


def _wants_html() -> bool:
    if request.method != "GET" or request.path.startswith("/_") or request.path.endswith(".json"):
        return False
    if request.headers.get("X-Requested-With"):
        return False
    accept = request.accept_mimetypes
    return not accept or accept.accept_html   # no Accept header: a plain GET of a page


def _deny(who: Identity, api: bool):
    if who.role == "public":
        if api:
            response = jsonify({"error": "login required", "login": "/login"})
            response.status_code = 401
            return response
        query = {"next": request.full_path.rstrip("?")}
        if request.args.get("lang") == "en":
            query["lang"] = "en"
        return redirect("/login?" + urlencode(query), code=302)
    response = jsonify({"error": "not allowed for this account"})
    response.status_code = 403
    return response


def safe_next(value: str | None) -> str:
    """A local path to go to after login ("/" for anything else: no open redirect)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")) or len(value) > 2000 \
            or any(ord(c) < 32 for c in value) or urlsplit(value).netloc:
        return "/"
    return value


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def csrf_ok(value: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and value and hmac.compare_digest(expected, value))


def login_attempt(access: Access, username: str, password: str, client: str | None):
    """(User | None, reason, retry_after seconds): throttled attempts are refused before the
    password is checked; every attempt is audited."""
    username = normalise_username(username)[:60]
    wait = access.throttle.retry_after(username, client)
    if wait > 0:
        audit.record(access.store, "login_failed", username=username or None, client=client,
                     reason="throttled", retry_after_s=round(wait))
        return None, "throttled", wait
    user = access.provider.authenticate(username, password)
    if user is None:
        access.throttle.failure(username, client)
        audit.record(access.store, "login_failed", username=username or None, client=client,
                     reason="credentials", provider=access.provider.name)
        return None, "credentials", 0.0
    access.throttle.success(username, client)
    try:
        touch_login(access.store, user.username, password if user.provider == "store" else None)
    except Exception:
        log.exception("last login of %s not recorded", user.username)
    audit.record(access.store, "login", username=user.username, client=client, provider=access.provider.name,
                 role=user.role)
    return user, "ok", 0.0


def logout(access: Access) -> None:
    who = current_identity()
    if who.username or who.token_id:
        audit.record(access.store, "logout", username=who.username or f"wall:{who.token_id}",
                     client=request.remote_addr)
    logout_user()
    session.clear()


# --- /login and /logout -------------------------------------------------------------------
_PAGE = """<!doctype html>
<html lang="{{ lang }}" data-bs-theme="light"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t('access.title') }} · {{ t('app.name') }}</title>
<link rel="stylesheet" href="/vendor/bootstrap/css/bootstrap.min.css"></head>
<body class="bg-body-tertiary"><main class="container" style="max-width: 26rem; margin-top: 10vh">
<h1 class="h4 mb-1">{{ t('app.name') }}</h1><p class="text-secondary">{{ t(heading) }}</p>
{% if message %}<div class="alert alert-{{ tone }}" role="alert" id="login-message">{{ message }}</div>{% endif %}
<form method="post" action="{{ action }}" class="card card-body">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="next" value="{{ next }}">
<input type="hidden" name="lang" value="{{ lang }}">
{% if login %}
<label class="form-label" for="username">{{ t('access.username') }}</label>
<input class="form-control mb-3" id="username" name="username" autocomplete="username" required value="{{ username }}">
<label class="form-label" for="password">{{ t('access.password') }}</label>
<input class="form-control mb-3" id="password" name="password" type="password" autocomplete="current-password" required>
<button class="btn btn-primary" type="submit">{{ t('access.submit') }}</button>
{% else %}<button class="btn btn-secondary" type="submit">{{ t('access.logout') }}</button>{% endif %}
</form>
<p class="mt-3 small"><a href="{{ other_lang_url }}">{{ t('access.other_lang') }}</a> ·
<a href="/publik">{{ t('access.public_view') }}</a></p>
</main></body></html>"""


def _render(*, login: bool = True, message: str | None = None, tone: str = "danger", status: int = 200,
            username: str = ""):
    from components.i18n import lang as current_lang, t, use_lang
    before = current_lang()
    chosen = use_lang(request.values.get("lang"))
    try:
        nxt = safe_next(request.values.get("next"))
        other = {"next": nxt, **({} if chosen == "en" else {"lang": "en"})}
        body = render_template_string(
            _PAGE, t=t, lang=chosen, heading="access.heading" if login else "access.logout_heading",
            message=message, tone=tone, action="/login" if login else "/logout", csrf=csrf_token(), next=nxt,
            login=login, username=username, other_lang_url=("/login" if login else "/logout") + "?" + urlencode(other))
    finally:
        use_lang(before)
    response = server_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def server_response(body: str, status: int):
    from flask import make_response
    return make_response(body, status)


def _text(key: str, **fmt) -> str:
    from components.i18n import lang as current_lang, t, use_lang
    before = current_lang()
    use_lang(request.values.get("lang"))
    try:
        return t(key, **fmt)
    finally:
        use_lang(before)


def _register_routes(server: Flask, access: Access) -> None:
    @server.route("/login", methods=["GET", "POST"])
    def login_route():
        if request.method == "GET":
            if current_identity().authenticated and not current_identity().demo:
                return redirect(safe_next(request.args.get("next")))
            return _render()
        if not csrf_ok(request.form.get("csrf")):
            return _render(message=_text("access.expired"), status=400)
        username = request.form.get("username", "")
        user, reason, wait = login_attempt(access, username, request.form.get("password", ""),
                                           request.remote_addr)
        if user is None:
            if reason == "throttled":
                response = _render(message=_text("access.throttled", seconds=max(1, round(wait))), status=429,
                                   username=username)
                response.headers["Retry-After"] = str(max(1, round(wait)))
                return response
            return _render(message=_text("access.wrong"), status=401, username=username)
        start_session(user)
        return redirect(safe_next(request.form.get("next")))

    @server.route("/logout", methods=["GET", "POST"])
    def logout_route():
        if request.method == "GET":   # a form, so that a foreign page cannot sign a user out
            return _render(login=False)
        if not csrf_ok(request.form.get("csrf")):
            return _render(login=False, message=_text("access.expired"), status=400)
        logout(access)
        query = {"lang": "en"} if request.form.get("lang") == "en" else {}
        return redirect("/login" + ("?" + urlencode(query) if query else ""))
