/* The wall's browser side (cards/wall/chrome.py renders #wall-chrome with data-* attributes):
   the WIB clock, the countdown bar to the next screen, the ticker and "data as of" from
   /wall/status.json, and the rotation. It only leaves a screen once the server answers, so a
   wall whose server restarts keeps its screen, keeps asking, and reloads when it is back.
   The next status request is sent only when the last one has answered (never faster than
   the server). Does nothing on pages without #wall-chrome. */
(function () {
  "use strict";
  if (window.bccWall) { return; }
  const wall = window.bccWall = { loadedAt: Date.now(), failures: 0, started: false };

  function el(id) { return document.getElementById(id); }
  function chrome() { return el("wall-chrome"); }

  function withViewport(url) {
    const u = new URL(url, window.location.origin);
    u.searchParams.set("vh", String(window.innerHeight));
    u.searchParams.set("vw", String(window.innerWidth));
    return u.pathname + "?" + u.searchParams.toString();
  }

  function ping() {
    return fetch("/wall/status.json", { cache: "no-store" }).then(r => {
      if (!r.ok) { throw new Error("status " + r.status); }
      return r.json();
    });
  }

  function offline(on) {
    const c = chrome(), banner = el("wall-offline-banner");
    if (banner) { banner.hidden = !on; banner.textContent = on && c ? c.dataset.offline : ""; }
  }

  function go(url) {
    // leave only for a server that answers; otherwise stay and try again
    ping().then(() => {
      if (!wall.navigating) { wall.navigating = true; window.location.assign(withViewport(url)); }
    },
                () => { offline(true); setTimeout(() => go(url), retryMs()); });
  }

  function retryMs() { const c = chrome(); return 1000 * Number((c && c.dataset.retryS) || 10); }

  function clock() {
    const c = chrome(); if (!c) { return; }
    const now = new Date(Date.now() + 7 * 3600 * 1000);   // WIB = UTC+7, no daylight saving
    const sep = c.dataset.lang === "en" ? ":" : ".";
    const pad = n => String(n).padStart(2, "0");
    const node = el("wall-clock");
    if (node) { node.textContent = pad(now.getUTCHours()) + sep + pad(now.getUTCMinutes()) + sep + pad(now.getUTCSeconds()) + " WIB"; }
  }

  function tick() {
    const c = chrome(); if (!c) { return; }
    clock();
    const seconds = Number(c.dataset.seconds);
    const next = c.dataset.next;
    const elapsed = (Date.now() - wall.loadedAt) / 1000;
    if (next && !isNaN(seconds)) {
      const left = Math.max(0, Math.ceil(seconds - elapsed));
      const bar = el("wall-progress-bar");
      if (bar) { bar.style.width = (seconds > 0 ? Math.min(100, 100 * elapsed / seconds) : 100) + "%"; }
      const label = el("wall-countdown");
      if (label && c.dataset.nextLabel) { label.textContent = c.dataset.nextLabel.replace("{s}", String(left)); }
      if (elapsed >= seconds && !wall.leaving) { wall.leaving = true; go(next); }
    }
    const hours = Number(c.dataset.reloadH || 6);
    if (!wall.leaving && (Date.now() - wall.loadedAt) > hours * 3600 * 1000) {
      wall.leaving = true; go(window.location.pathname + window.location.search);
    }
  }

  function render(status) {
    const asof = el("wall-asof");
    if (asof && status.as_of) { asof.textContent = status.as_of; }
    const store = el("wall-store-banner");
    if (store) { store.hidden = !!status.store_ok; }
    const track = el("wall-ticker-track");
    if (track && status.ticker && status.ticker.length) {
      const text = status.ticker.map(i => i.tone + "|" + i.text).join("\n");
      if (track.dataset.shown !== text) {
        track.dataset.shown = text;
        track.replaceChildren(...status.ticker.map(i => {
          const span = document.createElement("span");
          span.className = "wall-tick wall-tick-" + (i.tone || "warn");
          span.textContent = "● " + i.text;
          return span;
        }));
        track.classList.toggle("moving", status.ticker.length > 1);
      }
    }
  }

  function poll() {
    const c = chrome();
    const every = 1000 * Number((c && c.dataset.statusS) || 30);
    ping().then(status => {
      if (wall.failures > 0) {            // the server is back (restarted): start afresh
        if (!wall.navigating) {           // unless the rotation is already moving on
          wall.navigating = true;
          window.location.assign(withViewport(window.location.pathname + window.location.search));
        }
        return;
      }
      offline(false); render(status);
      setTimeout(poll, every);
    }, () => { wall.failures += 1; offline(true); setTimeout(poll, retryMs()); });
  }

  function start() {
    const c = chrome();
    const q0 = new URLSearchParams(window.location.search);
    if (!c) {   // Dash renders the page after load; only wall URLs wait for the chrome
      if (window.location.pathname.startsWith("/wall") || q0.get("playlist")) { setTimeout(start, 250); }
      return;
    }
    if (wall.started) { return; }
    wall.started = true;
    // a screen opened without (or with another) viewport is laid out again for this one
    const q = new URLSearchParams(window.location.search);
    const laidOut = Number(q.get("vh"));
    if (Math.abs(laidOut - window.innerHeight) > 8 && window.location.pathname.startsWith("/wall/")) {
      window.location.replace(withViewport(window.location.pathname + window.location.search));
      return;
    }
    wall.loadedAt = Date.now();
    setInterval(tick, 250);
    tick();
    setTimeout(poll, 1000 * Number(c.dataset.statusS || 30));
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
