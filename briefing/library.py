"""Where packs are kept: ``briefing.folder`` (relative to the config file; default
data/briefings), one file per week and language, ``briefing-2026-W49-id.pdf``; past
``briefing.keep`` packs per language, the oldest weeks are deleted. ``make`` builds, renders
and stores one pack; ``weekly_job`` is the scheduler's (it never raises)."""
from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from core.config import Config
from metrics.base import Store, query_now

log = logging.getLogger("bcc.briefing")
NAME = re.compile(r"^briefing-(\d{4}-W\d{2})-(id|en)\.pdf$")
MAKE_LOCK = threading.Lock()      # one pack at a time per process (one Chromium, one CPU-heavy render)


def folder(cfg: Config) -> Path:
    raw = Path(cfg.feature("briefing").folder)
    return raw if raw.is_absolute() else (Path(cfg.path).parent / raw).resolve()


def file_name(week: str, lang: str) -> str:
    return f"briefing-{week}-{lang}.pdf"


@dataclass(frozen=True)
class PackFile:
    name: str
    week: str
    lang: str
    path: Path
    made_at: dt.datetime       # file time, WIB (naive)
    size: int


def list_packs(cfg: Config) -> list[PackFile]:
    """Every stored pack, newest week first (then language)."""
    base = folder(cfg)
    if not base.is_dir():
        return []
    out = []
    for path in base.iterdir():
        match = NAME.match(path.name)
        if not match or not path.is_file():
            continue
        stat = path.stat()
        made = dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone(dt.timedelta(hours=7))).replace(tzinfo=None)
        out.append(PackFile(path.name, match.group(1), match.group(2), path, made, stat.st_size))
    out.sort(key=lambda p: p.lang != "id")            # id before en within a week
    out.sort(key=lambda p: p.week, reverse=True)     # stable: newest week first
    return out


def find(cfg: Config, name: str) -> Path | None:
    """The stored pack named exactly `name` (a generated name; anything else: None)."""
    if not isinstance(name, str) or not NAME.match(name):
        return None
    for pack in list_packs(cfg):
        if pack.name == name:
            return pack.path
    return None


def prune(cfg: Config) -> list[Path]:
    """Delete the packs past ``briefing.keep`` per language (oldest weeks first)."""
    keep = cfg.feature("briefing").keep
    removed = []
    for lang in ("id", "en"):
        packs = [p for p in list_packs(cfg) if p.lang == lang]
        for old in packs[keep:]:
            old.path.unlink(missing_ok=True)
            removed.append(old.path)
    return removed


@dataclass
class Made:
    path: Path
    seconds: float
    sentences: list
    pack: object
    html: str


def make(store: Store, week: str | None = None, lang: str | None = None, out: Path | None = None,
         now: dt.datetime | None = None) -> Made:
    """Build, render and store the pack of ISO `week` (default: the last complete week) in
    `lang` (default: the first of ``briefing.languages``); `out`: another file instead of the
    folder (not pruned). WeekError for a bad week."""
    from briefing import pack as packs, render
    settings = store.cfg.feature("briefing")
    now = now or query_now()
    week = week or packs.last_complete_week(now)
    lang = lang or settings.languages[0]
    if lang not in ("id", "en"):
        raise ValueError(f"language {lang!r}: use id or en")
    packs.parse_week(week)
    started = time.monotonic()
    with MAKE_LOCK:
        data = packs.build(store, week, now)
        doc, said, _ = render.document(store, data, lang, settings.city)
        target = Path(out) if out else folder(store.cfg) / file_name(week, lang)
        render.to_pdf(doc, target)
        if out is None:
            prune(store.cfg)
    seconds = time.monotonic() - started
    log.info("briefing pack %s (%s) made in %.1f s: %s", week, lang, seconds, target)
    return Made(target, seconds, said, data, doc)


def weekly_job(cfg: Config, engine) -> None:
    """The scheduler's weekly job: last week's pack in every configured language. Never raises."""
    try:
        store = Store(engine, cfg)
        for lang in cfg.feature("briefing").languages:
            make(store, lang=lang)
    except Exception:   # a scheduler job must never die
        log.exception("weekly briefing pack failed")
