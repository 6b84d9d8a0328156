"""The embedded default as `make run` starts it: `python app.py` seeds the demo databases, loads
them, serves the dashboards with waitress (a production WSGI server, threads in one process) and
stops cleanly on SIGTERM; binding beyond loopback warns that nothing encrypts or asks for a login."""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml

import app as app_module
from tests.browser.harness import free_port

ROOT = Path(__file__).resolve().parent.parent


def test_python_app_py_serves_with_waitress_and_stops_cleanly_on_sigterm(tmp_path):
    """Also: demo mode creates the missing demo databases under data/sources/ and never a source
    elsewhere (here the cleanliness source points at a city's folder where no file is yet)."""
    port = free_port()
    elsewhere = tmp_path / "kota" / "esaberling.sqlite"
    elsewhere.parent.mkdir()
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({
        "mode": "demo", "store": {"url": "duckdb:///store.duckdb"},
        "sources": {**{name: f"sqlite:///data/sources/{name}.sqlite"
                       for name in ("complaints", "permits", "clinics", "budget")},
                    "cleanliness": f"sqlite:///{elsewhere}"},
        "services": {"musrenbang": {"enabled": False}, "pbb": {"enabled": False}},
        "simulator": {"seed": 3, "history_days": 20, "scale": 0.03, "tick_seconds": 3600},
        "server": {"host": "127.0.0.1", "port": port}}), encoding="utf-8")
    env = {**os.environ, "BCC_CONFIG": str(config)}
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 300
        while True:
            assert proc.poll() is None, proc.stdout.read()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
                    body, server = response.read().decode(), response.headers["Server"]
                break
            except OSError:
                assert time.monotonic() < deadline, "the app did not answer within 5 minutes"
                time.sleep(1)
        assert server == "bcc"                         # waitress (ident), not Werkzeug's dev server
        assert '"status":"degraded"' in body.replace(" ", "")     # the cleanliness source is not there
        assert sorted(p.name for p in (tmp_path / "data" / "sources").iterdir()
                      if p.suffix == ".sqlite") == ["budget.sqlite", "clinics.sqlite", "complaints.sqlite",
                                                    "permits.sqlite"]
        assert not elsewhere.exists()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/complaints", timeout=30) as response:
            assert response.status == 200 and b"_dash-renderer" in response.read()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert "stopped cleanly" in out and "Traceback" not in out
    assert "reachable from other machines" not in out
    assert "the cleanliness source (sqlite:///.../esaberling.sqlite) is missing or has no demo tables, and " \
           "it is not a demo database" in out


def test_binding_beyond_loopback_warns_that_nothing_encrypts_or_asks_for_a_login(caplog, make_config, source_urls):
    cfg = make_config(source_urls, name="exposed", extra={"server": {"host": "0.0.0.0", "port": 8050}})
    with caplog.at_level(logging.WARNING, logger="bcc.app"):
        app_module._warn_if_exposed(cfg)
    assert "server.host is 0.0.0.0" in caplog.text and "without a login" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bcc.app"):
        app_module._warn_if_exposed(make_config(source_urls, name="loopback"))
    assert caplog.text == ""
