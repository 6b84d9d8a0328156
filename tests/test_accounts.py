"""Accounts, roles, sessions, throttling, wall tokens and the audit log (access/, bcc/), over a
real DuckDB store and the real app (app.create_app) with access.auth.install on its server."""
from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from access import accounts, audit, tokens
from access.auth import allowed, can, check_production
from access.settings import AccessSettings, ThrottleSettings
from core.config import Blocks
from core.settings import ConfigError
from metrics.base import Store
from tests.conftest import write_config

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"


def _cfg(tmp_path, **access):
    cfg = write_config(tmp_path / "cfg", {}, f"duckdb:///{tmp_path / 'cfg' / 'store.duckdb'}")
    settings = AccessSettings(demo_auto_login=False, **access)
    return dataclasses.replace(cfg, features=Blocks({**dict(cfg.features), "access": settings}))


@pytest.fixture
def site(tmp_path, new_store, monkeypatch):
    """(app, flask client, store, access) with an executive and an admin user."""
    monkeypatch.setenv("BCC_SECRET_KEY", "k" * 48)
    cfg = _cfg(tmp_path, throttle=ThrottleSettings(account_failures=3, address_failures=50,
                                                   base_seconds=60, max_seconds=600))
    engine = new_store(cfg)
    store = Store(engine, cfg)
    accounts.add_user(store, "walikota", PASSWORD, "executive", display_name="Wali Kota")
    accounts.add_user(store, "root", PASSWORD, "admin")
    from app import create_app
    app = create_app(cfg, store)                      # installs access.auth on its server
    access = app.server.extensions["bcc_access"]
    return app, app.server.test_client(), store, access


def _csrf(client, url="/login"):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def _login(client, username, password, next_="/"):
    return client.post("/login", data={"csrf": _csrf(client), "username": username, "password": password,
                                       "next": next_})




def _routing_body(client, pathname="/complaints"):
    """The real body the renderer posts to render a page (Dash Pages' routing callback)."""
    deps = client.get("/_dash-dependencies").get_json()
    spec = next(d for d in deps if "_pages_content.children" in d["output"])
    values = {"pathname": pathname, "search": "", "data": None}
    inputs = [{"id": i["id"], "property": i["property"], "value": values.get(i["property"])} for i in spec["inputs"]]
    outputs = [dict(zip(("id", "property"), o.rsplit(".", 1))) for o in spec["output"].strip(".").split("...")]
    return {"output": spec["output"], "outputs": outputs, "inputs": inputs, "state": spec.get("state", []),
            "changedPropIds": ["_pages_location.pathname"]}


def test_argon2_hash_verifies_and_wrong_password_fails():
    stored = accounts.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert accounts.verify_password(stored, PASSWORD)
    assert not accounts.verify_password(stored, PASSWORD + "x")
    assert not accounts.verify_password(None, PASSWORD)


def test_each_role_reaches_its_paths_only():
    for role in ("admin", "executive", "operator", "opd", "wall", "public"):
        for path in ("/assets/app.css", "/vendor/bootstrap/css/bootstrap.min.css", "/_dash-layout",
                     "/_dash-dependencies", "/_dash-component-suites/dash/x.js", "/login", "/health", "/publik"):
            assert allowed(role, path), (role, path)
    assert allowed("admin", "/admin/users") and not allowed("executive", "/admin/users")
    assert allowed("executive", "/briefings") and not allowed("operator", "/briefings")
    assert allowed("operator", "/data") and not allowed("opd", "/data")
    assert all(allowed(r, "/complaints") for r in ("admin", "executive", "operator", "opd"))
    assert allowed("wall", "/wall/overview") and not allowed("wall", "/complaints") and not allowed("wall", "/wallet")
    assert not allowed("public", "/complaints") and not allowed("public", "/")
    assert not allowed("public", "/_dash-update-component")
    assert can("operator", "etl.run") and not can("opd", "etl.run")
    assert not can("wall", "export") and not can("wall", "drilldown") and can("executive", "briefing")
    assert not allowed("nobody", "/complaints")


def test_anonymous_gets_401_on_callbacks_and_login_redirect_for_pages(site):
    _app, client, _store, _access = site
    client.get("/login")
    response = client.post("/_dash-update-component", json=_routing_body(client))
    assert response.status_code == 401 and response.get_json()["login"] == "/login"
    public = client.post("/_dash-update-component", json=_routing_body(client, "/publik"))
    assert public.status_code == 200                 # the public view's callbacks stay open
    page = client.get("/complaints?kec=12.75.01", headers={"Accept": "text/html"})
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login?next=%2Fcomplaints%3Fkec%3D12.75.01")
    assert client.get("/login").status_code == 200
    assert client.get("/vendor/bootstrap/css/bootstrap.min.css").status_code == 200
    assets = sorted(p.name for p in (ROOT / "assets").iterdir() if p.is_file())
    assert client.get(f"/assets/{assets[0]}").status_code == 200
    assert client.get("/_dash-layout").status_code == 200


def test_login_page_in_both_languages_escapes_input(site):
    _app, client, _store, _access = site
    assert "Kata sandi" in client.get("/login").get_data(as_text=True)
    assert "Password" in client.get("/login?lang=en").get_data(as_text=True)
    evil = client.get('/login?next=/"><script>x</script>').get_data(as_text=True)
    assert "<script>x" not in evil


def test_login_sets_httponly_samesite_cookie_grants_pages_and_logout_ends_it(site):
    _app, client, store, _access = site
    response = _login(client, "walikota", PASSWORD, next_="/complaints")
    assert response.status_code == 302 and response.headers["Location"] == "/complaints"
    cookie = response.headers["Set-Cookie"]
    assert "bcc_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie              # plain HTTP here; HTTPS gets Secure (auto)
    assert client.get("/complaints").status_code == 200
    rendered = client.post("/_dash-update-component", json=_routing_body(client))
    assert rendered.status_code == 200 and "complaints" in rendered.get_data(as_text=True)
    assert client.get("/admin").status_code == 403   # an executive is not an admin
    assert client.post("/logout", data={"csrf": _csrf(client, "/logout")}).status_code == 302
    assert client.post("/_dash-update-component", json=_routing_body(client)).status_code == 401
    events = audit.audit_frame(store, "admin")["event"].tolist()
    assert events[:2] == ["logout", "login"]


def test_https_login_cookie_is_secure(site):
    _app, client, _store, _access = site
    page = client.get("/login", base_url="https://localhost")
    token = re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post("/login", base_url="https://localhost",
                           data={"csrf": token, "username": "walikota", "password": PASSWORD})
    assert "Secure" in response.headers["Set-Cookie"]


def test_wrong_csrf_is_refused(site):
    _app, client, _store, _access = site
    client.get("/login")
    response = client.post("/login", data={"csrf": "forged", "username": "walikota", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/complaints", headers={"Accept": "text/html"}).status_code == 302


def test_throttling_stops_a_guessing_loop_without_checking_passwords(site):
    _app, client, store, access = site
    checked = []
    real = access.provider.authenticate
    access.provider.authenticate = lambda u, p: checked.append(p) or real(u, p)
    statuses = [_login(client, "walikota", f"guess-{n}").status_code for n in range(20)]
    assert statuses[:3] == [401, 401, 401] and set(statuses[3:]) == {429}
    assert len(checked) == 3                      # the 17 later guesses never reached argon2
    assert _login(client, "walikota", PASSWORD).status_code == 429   # even the right password waits
    assert len(checked) == 3
    assert client.get("/complaints", headers={"Accept": "text/html"}).status_code == 302
    failed = audit.audit_frame(store, "admin", events=("login_failed",))
    assert len(failed) == 21 and (failed["detail"].str.contains("throttled")).sum() == 18
    assert len(access.throttle) <= access.settings.throttle.max_entries


def test_throttle_memory_is_bounded_and_backoff_doubles():
    from access.throttle import Throttle
    now = [0.0]
    throttle = Throttle(ThrottleSettings(account_failures=2, address_failures=1000, base_seconds=10,
                                         max_seconds=100, max_entries=50), clock=lambda: now[0])
    for n in range(1000):
        throttle.failure(f"user{n}", f"10.0.{n // 250}.{n % 250}")
    assert len(throttle) <= 50
    throttle.failure("a", "x"), throttle.failure("a", "x")
    assert throttle.retry_after("a", "y") == 10
    throttle.failure("a", "x")
    assert throttle.retry_after("a", "y") == 20
    now[0] = 10_000.0
    assert throttle.retry_after("a", "y") == 0


def test_revoked_wall_token_stops_at_the_next_request(site):
    _app, client, store, _access = site
    token, secret = tokens.add_token(store, "default", label="lobby")
    url = tokens.wall_url("default", secret)
    assert url.startswith("/wall?playlist=default&token=")
    assert client.get(url).status_code == 200
    assert client.get("/wall/overview").status_code == 200          # the session remembers the token
    assert client.get("/wall?playlist=other").status_code == 403      # not its playlist
    assert client.get("/briefings", headers={"Accept": "text/html"}).status_code == 403
    stored = tokens.list_tokens(store)
    assert "token_hash" not in stored and secret not in stored.to_string()
    assert tokens.revoke_token(store, token.token_id)
    assert client.get("/wall/overview", headers={"Accept": "text/html"}).status_code == 302
    assert client.get(url, headers={"Accept": "text/html"}).status_code == 302


def test_production_refuses_default_secret_and_store_without_admin(tmp_path, new_store, monkeypatch):
    cfg = dataclasses.replace(_cfg(tmp_path), mode="production")
    engine = new_store(cfg)
    monkeypatch.setenv("BCC_SECRET_KEY", "change-me")
    with pytest.raises(ConfigError) as refused:
        check_production(cfg, engine)
    assert "BCC_SECRET_KEY is a default value" in str(refused.value)
    assert "python -m bcc users add NAME --role admin" in str(refused.value)
    monkeypatch.delenv("BCC_SECRET_KEY")
    accounts.add_user(engine, "root", PASSWORD, "admin")
    with pytest.raises(ConfigError, match="BCC_SECRET_KEY is not set.*secrets.token_urlsafe"):
        check_production(cfg, engine)
    monkeypatch.setenv("BCC_SECRET_KEY", "s" * 48)
    check_production(cfg, engine)
    with pytest.raises(accounts.AccountError, match="last active admin"):
        accounts.set_active(engine, "root", False)


def test_role_change_and_disable_end_sessions_and_are_audited(site):
    _app, client, store, _access = site
    _login(client, "walikota", PASSWORD)
    assert client.get("/complaints").status_code == 200
    accounts.set_role(store, "walikota", "opd", "DINKES")
    assert client.get("/complaints", headers={"Accept": "text/html"}).status_code == 302   # session ended
    _login(client, "walikota", PASSWORD)
    assert client.get("/data").status_code == 403        # an opd user does not see /data
    accounts.set_active(store, "walikota", False)
    assert _login(client, "walikota", PASSWORD).status_code == 401


def test_audit_log_is_for_admins_and_keeps_client_addresses(site):
    _app, client, store, _access = site
    _login(client, "walikota", "wrong password!")
    frame = audit.audit_frame(store, "admin")
    assert frame.iloc[0]["event"] == "login_failed" and frame.iloc[0]["client_addr"] == "127.0.0.1"
    assert "wrong password" not in frame.to_string()
    assert "client_addr" not in audit.without_client(frame)
    with pytest.raises(PermissionError):
        audit.audit_frame(store, "executive")


def test_cli_users_and_tokens(tmp_path):
    cfg = write_config(tmp_path / "cli", {}, f"duckdb:///{tmp_path / 'cli' / 'store.duckdb'}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BCC_")}

    def bcc(*args, stdin=None):
        return subprocess.run([sys.executable, "-m", "bcc", "--config", str(cfg.path), *args], cwd=ROOT,
                              input=stdin, capture_output=True, text=True, env=env, timeout=120)
    added = bcc("users", "add", "Kadis", "--role", "opd", "--opd", "DINKES", "--display-name", "Kepala Dinas",
                "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert "user kadis added (role opd, OPD DINKES)" in added.stdout
    assert bcc("users", "add", "kadis", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n").returncode == 1
    short = bcc("users", "add", "ops", "--role", "operator", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "at least 10 characters" in short.stderr
    assert bcc("users", "set-role", "kadis", "executive").returncode == 0
    listed = bcc("users", "list").stdout
    assert "kadis" in listed and "executive" in listed and "Kepala Dinas" in listed
    token = bcc("tokens", "add", "--playlist", "default")
    assert token.returncode == 0, token.stderr
    url = token.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"/wall\?playlist=default&token=[A-Za-z0-9_-]{40,}", url)
    token_id = re.search(r"token (\w+) for playlist", token.stdout).group(1)
    assert bcc("tokens", "revoke", token_id).returncode == 0
    assert bcc("tokens", "revoke", token_id).returncode == 1
    from store.engine import make_engine
    engine = make_engine(cfg.store_url)
    try:
        user = accounts.get_user(engine, "kadis")
        assert user.role == "executive" and user.opd_code is None and user.display_name == "Kepala Dinas"
        assert tokens.verify_token(engine, url.split("token=")[1]) is None
        events = audit.audit_frame(engine, "admin")["event"].tolist()
        assert events == ["token_revoke", "token_add", "user_role", "user_add"]
    finally:
        engine.dispose()


def test_demo_mode_signs_visitors_in_as_the_demo_executive(tmp_path, new_store, monkeypatch):
    monkeypatch.delenv("BCC_SECRET_KEY", raising=False)
    cfg = write_config(tmp_path / "demo", {}, f"duckdb:///{tmp_path / 'demo' / 'store.duckdb'}")
    store = Store(new_store(cfg), cfg)
    from access.auth import demo_auto_login_enabled
    from app import create_app
    assert demo_auto_login_enabled(cfg)
    app = create_app(cfg, store)
    client = app.server.test_client()
    assert client.get("/complaints").status_code == 200
    assert client.get("/admin").status_code == 403
