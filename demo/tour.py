"""The delegation tour: its steps, generated from the catalogue unless config.yaml
``demo.steps`` lists its own.

Step 0 is the landing screen (/demo). A generated tour is: intro (the city's story), one step
per enabled service of the catalogue in its order (the service's page, caption
``demo.step.<service>`` from locales/{id,en}/demo.yaml, or a generic caption from the
service's own ``about`` when there is none, so a new service gets a step without code),
then the outro (the live activity feed and a restart). ``/demo?step=N`` shows step N (1-based)
with its page in a frame below the caption; ``lang`` pins the language.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from components.i18n import has, t
from core.settings import ConfigError

INTRO, OUTRO = "intro", "outro"


@dataclass(frozen=True)
class TourStep:
    kind: str            # intro | service | outro | custom
    url: str | None      # the page shown (None: the tour's own panel)
    seconds: int
    caption: object      # a locale key, or {id:, en:}
    title: object
    service: str | None = None


def steps(cfg) -> list[TourStep]:
    settings = cfg.feature("demo")
    if settings.steps:
        return [TourStep("custom", s.url, s.seconds or settings.step_seconds, s.caption or "demo.step.custom",
                         s.title or "demo.title.custom") for s in settings.steps]
    out = []
    if settings.intro:
        out.append(TourStep(INTRO, None, settings.step_seconds, "demo.step.intro", "demo.title.intro"))
    for svc in cfg.services:
        out.append(TourStep("service", svc.path, settings.step_seconds, f"demo.step.{svc.name}",
                            f"nav.{svc.name}", service=svc.name))
    if settings.outro:
        out.append(TourStep(OUTRO, None, settings.step_seconds, "demo.step.outro", "demo.title.outro"))
    return out


def check(cfg) -> None:
    """Every configured step is a page of this config; else one ConfigError naming the key."""
    pages = {"/", "/demo", "/data", *(s.path for s in cfg.services)}
    for i, step in enumerate(cfg.feature("demo").steps):
        path = urlsplit(step.url).path.rstrip("/") or "/"
        if path not in pages:
            raise ConfigError(f"demo.steps[{i}].url: {step.url!r} is not a page of this config; pages: "
                              f"{', '.join(sorted(pages))}; fix it in the config file")


def text(value, service: str | None = None, cfg=None) -> str:
    """A caption or title in the current language: {id:, en:} text, a locale key, or the
    generic caption of a service that has none of its own."""
    from components.i18n import lang
    if isinstance(value, dict) or hasattr(value, "get"):
        return value.get(lang()) or value.get("id")
    if has(value):
        return t(value)
    if service is not None and cfg is not None:
        svc = cfg.service(service)
        return t("demo.step.generic", service=t(f"nav.{service}"), label=svc.label,
                 about=t(f"about.{service}"))
    return value


def frame_url(step: TourStep, lang: str) -> str | None:
    """The page of a step as shown inside the tour: its own query plus the language, and
    ``embed=demo`` (no wall rotation; the navigation stays, it is the real page)."""
    if step.url is None:
        return None
    parts = urlsplit(step.url)
    query = dict(parse_qsl(parts.query))
    query.setdefault("lang", lang)
    return f"{parts.path}?{urlencode(query)}"


def clamp(step, total: int) -> int:
    """?step= as a 1-based step number; junk or out of range -> the nearest valid one (0 = landing)."""
    try:
        n = int(str(step))
    except (TypeError, ValueError):
        return 0
    return max(0, min(n, total))
