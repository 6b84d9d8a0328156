"""config.yaml, validated into typed objects at start-up.

A broken config stops the program with one ConfigError naming the key and the fix;
nothing downstream ever reads raw YAML.
"""
from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from core import services as catalogue
from core.services import Service
from core.settings import ConfigError, Settings, read_block

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_PATH = PROJECT_ROOT / "config.yaml"
MODES = ("demo", "production")
# Top-level keys besides the services' own settings blocks (``<service>:``).
TOP_LEVEL = ("mode", "store", "sources", "services", "streams", "simulator", "schedule", "etl", "server",
             "sla", "display", "geo")
# The command center's own features, each a block validated by the pydantic model of the package
# that owns it (module:Class, imported when a config is loaded): ``Config.features.<name>``.
FEATURES = {
    "wall": "wall.settings:WallSettings",
    "alerts": "alerts.settings:AlertSettings",
    "briefing": "briefing.settings:BriefingSettings",
    "demo": "demo.settings:DemoSettings",
    "access": "access.settings:AccessSettings",
}
__all__ = ["Config", "ConfigError", "load_config", "Blocks"]


class Blocks(Mapping):
    """Per-service settings blocks, by service name: ``cfg.sla["complaints"]`` or
    ``cfg.sla.complaints``. Hashable and compared by value, like the rest of Config."""

    def __init__(self, blocks: Mapping[str, Settings]):
        self._blocks = dict(blocks)

    def __getitem__(self, name: str) -> Settings:
        return self._blocks[name]

    def __getattr__(self, name: str) -> Settings:
        try:
            return self.__dict__["_blocks"][name]
        except KeyError:
            raise AttributeError(f"no settings block for service {name!r}") from None

    def __iter__(self):
        return iter(self._blocks)

    def __len__(self) -> int:
        return len(self._blocks)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._blocks.items())))

    def __eq__(self, other) -> bool:
        return isinstance(other, Blocks) and self._blocks == other._blocks

    def __repr__(self) -> str:
        return f"Blocks({self._blocks!r})"


@dataclass(frozen=True)
class SimulatorConfig:
    seed: int = 2017
    history_days: int = 1095
    scale: float = 1.0
    tick_seconds: int = 20


@dataclass(frozen=True)
class DisplayConfig:
    stale_after_minutes: int = 30
    refresh_seconds: int = 60
    wall_rotate_seconds: int = 45
    wall_playlist: tuple[str, ...] = ("/",)   # default from the config: "/" and every service page
    # The longest date window a page may ask for: a longer one is narrowed to its last this many
    # days and the page says so (a URL with start=1900-01-01 must not scan every row ever kept).
    max_window_days: int = 1096


@dataclass(frozen=True)
class EtlConfig:
    overlap_seconds: int = 300          # re-read changes this far behind the watermark (late commits)
    reconcile_minutes: float = 60       # key reconciliation per stream (deletes, missed rows); 0 = off
    retry_first_seconds: int = 30       # a failed stream is retried after 30 s, 60 s, 120 s ...
    retry_max_seconds: int = 900        # ... up to this
    source_timeout_seconds: int = 30    # connect / statement timeout on a source database
    batch_rows: int = 50_000            # rows per committed batch
    keep_runs_days: int = 90            # etl_run history kept (failures and counts per run)
    # A batch whose rejected share is above its stream's max_reject_share fails the stream, once
    # it rejects at least this many rows (one bad row among three changes is "ok with rejects").
    reject_min_rows: int = 10
    in_process_schedule: bool | None = None  # None: in the web process when the store is DuckDB


@dataclass(frozen=True)
class Config:
    path: Path
    mode: str
    store_url: str
    sources: dict[str, str]                       # service name -> SQLAlchemy URL (enabled services)
    # The catalogue for this config: the enabled services (core.services), labels as configured.
    services: tuple[Service, ...] = ()
    simulator: SimulatorConfig = field(default_factory=SimulatorConfig)
    etl_minutes: float = 2
    host: str = "127.0.0.1"
    port: int = 8050
    frame_ancestors: tuple[str, ...] = ("'self'",)   # who may frame the pages (CSP frame-ancestors)
    proxies: int = 0                                   # reverse proxies in front whose X-Forwarded-* count
    sla: Blocks = field(default_factory=lambda: Blocks({}))        # sla.<service>, by service
    settings: Blocks = field(default_factory=lambda: Blocks({}))   # <service>: blocks, by service
    # streams.<name>: overrides of the ETL's stream definitions (validated in full by etl.streams;
    # here: known stream names, `enabled` and `label`, which the screens read too).
    streams: Mapping[str, Mapping] = field(default_factory=dict)
    display: DisplayConfig = field(default_factory=DisplayConfig)
    boundaries_path: Path | None = None
    etl: EtlConfig = field(default_factory=EtlConfig)
    features: Blocks = field(default_factory=lambda: Blocks({}))   # wall:, alerts:, briefing:, demo:, access: (FEATURES)

    def __hash__(self) -> int:
        return hash((self.path, self.mode, self.store_url, tuple(sorted(self.sources.items())), self.services,
                     self.sla, self.settings))

    def service(self, name: str) -> Service:
        """An enabled service of this config by name (KeyError names the enabled ones)."""
        for service in self.services:
            if service.name == name:
                return service
        raise KeyError(f"service {name!r} is not enabled in this config; enabled: "
                       f"{', '.join(s.name for s in self.services)}")

    def feature(self, name: str) -> Settings:
        """The ``wall:`` / ``alerts:`` / ``briefing:`` / ``demo:`` block (its defaults when this
        Config was built without one, e.g. in a test)."""
        if name in self.features:
            return self.features[name]
        return feature_model(name)()

    def has_service(self, name: str) -> bool:
        return any(s.name == name for s in self.services)

    @property
    def is_demo(self) -> bool:
        return self.mode == "demo"

    @property
    def store_is_duckdb(self) -> bool:
        return self.store_url.startswith("duckdb")

    @property
    def schedule_in_web_process(self) -> bool:
        """DuckDB allows one process per file, so the scheduler lives in the web server; with
        PostgreSQL it runs as its own process (`python -m etl schedule`) unless configured."""
        if self.etl.in_process_schedule is not None:
            return self.etl.in_process_schedule
        return self.store_is_duckdb


def _resolve_url(url: str, base: Path, key: str) -> str:
    """Make file URLs (sqlite:///rel, duckdb:///rel) absolute against the config's folder."""
    if not isinstance(url, str) or "://" not in url:
        raise ConfigError(f"{key}: {url!r} is not a database URL; write e.g. "
                          f"'sqlite:///data/sources/x.sqlite' or 'postgresql+psycopg://user@host/db'")
    scheme, rest = url.split("://", 1)
    if scheme in ("sqlite", "duckdb") and rest.startswith("/") and not rest.startswith("//") \
            and rest[1:] and not rest.startswith("/:memory:"):
        path = Path(rest[1:])
        if not path.is_absolute():
            return f"{scheme}:///{(base / path).resolve()}"
    return url


# The keys of each plain block (the services' and features' blocks are pydantic models, which
# refuse unknown keys themselves). A key not listed is a typo that would change nothing.
BLOCK_KEYS = {
    "store": ("url",),
    "simulator": tuple(f.name for f in dataclasses.fields(SimulatorConfig)),
    "schedule": ("etl_minutes",),
    "etl": tuple(f.name for f in dataclasses.fields(EtlConfig)),
    "server": ("host", "port", "frame_ancestors", "proxies"),
    "display": ("stale_after_minutes", "refresh_seconds", "wall_rotate_seconds", "wall_playlist",
                "max_window_days"),
    "geo": ("boundaries",),
}


def _unknown_keys(raw: dict) -> None:
    """Every unknown key of the plain blocks at once, each with the keys its block has."""
    problems = []
    for block, keys in BLOCK_KEYS.items():
        value = raw.get(block)
        if value is None:
            continue
        if not isinstance(value, dict):
            problems.append(f"{block}: expected a mapping of settings, got {value!r}; fix it in the config file")
            continue
        for key in sorted(set(value) - set(keys), key=str):
            problems.append(f"{block}.{key}: unknown setting (a typo?); {block} has {', '.join(keys)}; "
                            f"fix it in the config file")
    if problems:
        raise ConfigError("\n".join(problems))


def _get(raw: dict, dotted: str, default: Any, kind: type, *, minimum: float | None = None,
         maximum: float | None = None):
    node: Any = raw
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node or node[part] is None:
            return default
        node = node[part]
    if kind is float and isinstance(node, int):
        node = float(node)
    if not isinstance(node, kind) or isinstance(node, bool) and kind is not bool:
        raise ConfigError(f"{dotted}: expected {kind.__name__}, got {node!r}; fix it in the config file")
    if minimum is not None and node < minimum:
        raise ConfigError(f"{dotted}: must be at least {minimum}, got {node}; fix it in the config file")
    if maximum is not None and node > maximum:
        raise ConfigError(f"{dotted}: must be at most {maximum}, got {node}; fix it in the config file")
    return node


def load_config(path: str | os.PathLike | None = None) -> Config:
    """Read, validate and apply environment overrides (BCC_CONFIG, BCC_STORE_URL)."""
    path = Path(path or os.environ.get("BCC_CONFIG") or DEFAULT_CONFIG_PATH).resolve()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"config file {path} not found; set BCC_CONFIG to an existing file") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {path} is not valid YAML ({exc}); fix the syntax") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"config file {path} must hold a mapping of settings at the top level")
    base = path.parent

    mode = _get(raw, "mode", "demo", str)
    if mode not in MODES:
        raise ConfigError(f"mode: {mode!r} is not one of {', '.join(MODES)}")

    store_url = os.environ.get("BCC_STORE_URL") or _get(raw, "store.url", "duckdb:///data/analytics.duckdb", str)
    store_url = _resolve_url(store_url, base if not os.environ.get("BCC_STORE_URL") else Path.cwd(), "store.url")

    _unknown_keys(raw)
    services = _services(raw)
    declared = {svc.name for svc in catalogue.package_services()} | {svc.name for svc in services}
    unknown = set(raw) - set(TOP_LEVEL) - set(FEATURES) - declared
    if unknown:
        raise ConfigError(f"{sorted(unknown)[0]}: unknown top-level setting (a typo?); the config has "
                          f"{', '.join((*TOP_LEVEL, *FEATURES))} and a block per service; fix it in the config file")
    sources = _sources(raw, services, mode, base)
    sla, settings = _blocks(raw, services)
    streams = _streams(raw, services)

    boundaries = _get(raw, "geo.boundaries", None, str)
    boundaries_path = (base / boundaries).resolve() if boundaries else None
    if boundaries_path is not None and not boundaries_path.is_file():
        raise ConfigError(f"geo.boundaries: {boundaries_path} does not exist; "
                          f"point it at a kelurahan GeoJSON or set it to null")
    if boundaries_path is not None:
        from core.geo import BoundaryError, read_boundaries
        try:
            read_boundaries(boundaries_path)
        except BoundaryError as exc:
            raise ConfigError(str(exc)) from None

    # `?mode=wall` on a briefing page rotates through these pages (the wall's own screens and
    # playlists are config.yaml wall:, wall/playlist.py): the overview, then every service's page.
    playlist = _get(raw, "display.wall_playlist", ["/", *(svc.path for svc in services)], list)
    shown = {"/", "/data", *(svc.path for svc in services)}
    for entry in playlist:
        if not isinstance(entry, str) or entry.split("?", 1)[0] not in shown:
            raise ConfigError(f"display.wall_playlist: {entry!r} is not a page of this config; pages: "
                              f"{', '.join(sorted(shown))} (a switched-off service has none)")
    cfg = Config(
        path=path,
        mode=mode,
        store_url=store_url,
        sources=sources,
        simulator=SimulatorConfig(
            seed=_get(raw, "simulator.seed", 2017, int),
            history_days=_get(raw, "simulator.history_days", 1095, int, minimum=1),
            scale=_get(raw, "simulator.scale", 1.0, float, minimum=0.001),
            tick_seconds=_get(raw, "simulator.tick_seconds", 20, int, minimum=1),
        ),
        etl_minutes=_get(raw, "schedule.etl_minutes", 2.0, float, minimum=0.05),
        host=_get(raw, "server.host", "127.0.0.1", str),
        port=_get(raw, "server.port", 8050, int, minimum=1, maximum=65535),
        frame_ancestors=_frame_ancestors(raw),
        proxies=_get(raw, "server.proxies", 0, int, minimum=0, maximum=5),
        services=services,
        sla=sla,
        settings=settings,
        streams=streams,
        display=DisplayConfig(
            stale_after_minutes=_get(raw, "display.stale_after_minutes", 30, int, minimum=1),
            refresh_seconds=_get(raw, "display.refresh_seconds", 60, int, minimum=5),
            wall_rotate_seconds=_get(raw, "display.wall_rotate_seconds", 45, int, minimum=5),
            max_window_days=_get(raw, "display.max_window_days", 1096, int, minimum=7),
            wall_playlist=tuple(str(p) for p in playlist),
        ),
        boundaries_path=boundaries_path,
        features=_features(raw),
        etl=EtlConfig(
            overlap_seconds=_get(raw, "etl.overlap_seconds", 300, int, minimum=0),
            reconcile_minutes=_get(raw, "etl.reconcile_minutes", 60.0, float, minimum=0),
            retry_first_seconds=_get(raw, "etl.retry_first_seconds", 30, int, minimum=1),
            retry_max_seconds=_get(raw, "etl.retry_max_seconds", 900, int, minimum=1),
            source_timeout_seconds=_get(raw, "etl.source_timeout_seconds", 30, int, minimum=1),
            batch_rows=_get(raw, "etl.batch_rows", 50_000, int, minimum=100),
            keep_runs_days=_get(raw, "etl.keep_runs_days", 90, int, minimum=1),
            reject_min_rows=_get(raw, "etl.reject_min_rows", 10, int, minimum=1),
            in_process_schedule=_get(raw, "etl.in_process_schedule", None, bool),
        ),
    )
    from wall.playlist import check as check_wall_playlists   # wall.playlists needs the catalogue
    check_wall_playlists(cfg)
    from demo.tour import check as check_demo_steps        # so does demo.steps
    check_demo_steps(cfg)
    return cfg


def _frame_ancestors(raw: dict) -> tuple[str, ...]:
    """server.frame_ancestors: origins that may show the pages in a frame (e.g. the city's
    portal embedding a wall screen), 'self' by default; [] forbids every frame."""
    value = _get(raw, "server.frame_ancestors", ["'self'"], list)
    for entry in value:
        if not isinstance(entry, str) or not re.fullmatch(r"'self'|https?://[\w.-]+(:\d+)?|https://\*\.[\w.-]+", entry):
            raise ConfigError(f"server.frame_ancestors: {entry!r} is not an origin; write e.g. "
                              f"https://portal.binjaikota.go.id or 'self'; fix it in the config file")
    return tuple(value)


def feature_model(name: str) -> type[Settings]:
    """The settings model of a feature block (FEATURES), imported from its package."""
    module, _, attr = FEATURES[name].partition(":")
    import importlib
    return getattr(importlib.import_module(module), attr)


def _features(raw: dict) -> Blocks:
    """``wall:``, ``alerts:``, ``briefing:``, ``demo:``, each read with its package's model
    (defaults where the config has none; a bad value is one ConfigError naming the key)."""
    return Blocks({name: read_block(feature_model(name), raw.get(name), name) for name in FEATURES})


def _services(raw: dict) -> tuple[Service, ...]:
    """The catalogue of this config: the ``services`` package's declarations plus any module
    named in ``services.<name>.module``, with ``enabled`` and ``label`` applied; enabled only."""
    block = _get(raw, "services", {}, dict)
    known = {svc.name: svc for svc in catalogue.package_services()}
    chosen: list[Service] = []
    for name, settings in block.items():
        key = f"services.{name}"
        if not isinstance(settings, dict):
            raise ConfigError(f"{key}: expected a mapping (enabled, label, module), got {settings!r}")
        extra = set(settings) - {"enabled", "label", "module"}
        if extra:
            raise ConfigError(f"{key}.{sorted(extra)[0]}: unknown setting; a service has enabled, label, module")
        if "module" in settings:
            module = settings["module"]
            if not isinstance(module, str) or not module.strip():
                raise ConfigError(f"{key}.module: expected a dotted module name declaring SERVICE")
            try:
                declared = catalogue.declared_in(module.strip())
            except (ImportError, LookupError, ValueError) as exc:
                raise ConfigError(f"{key}.module: {exc}; fix the module name or remove the setting") from None
            if declared.name != name:
                raise ConfigError(f"{key}.module: {module} declares service {declared.name!r}, not {name!r}")
            known[name] = declared
        elif name not in known:
            raise ConfigError(f"{key}: unknown service; known: {', '.join(known)} (declare a new one in "
                              f"the services package or with {key}.module)")
    for name, svc in known.items():
        settings = block.get(name) or {}
        enabled = settings.get("enabled", True)
        if not isinstance(enabled, bool):
            raise ConfigError(f"services.{name}.enabled: expected true or false, got {enabled!r}")
        label = settings.get("label", svc.label)
        if not isinstance(label, str) or not label.strip():
            raise ConfigError(f"services.{name}.label: expected the source system's name, got {label!r}")
        if enabled:
            chosen.append(dataclasses.replace(svc, label=label.strip()))
    try:
        catalogue.all_stream_names(chosen)
    except ValueError as exc:
        raise ConfigError(f"services: {exc}") from None
    if not chosen:
        raise ConfigError("services: every service is switched off; enable at least one")
    return catalogue.ordered(chosen)


def _sources(raw: dict, services: tuple[Service, ...], mode: str, base: Path) -> dict[str, str]:
    """One URL per enabled service. In demo mode a missing one is the simulator's SQLite file
    (data/sources/<database>.sqlite next to the config); production names every source."""
    raw_sources = _get(raw, "sources", {}, dict)
    names = {s.name for s in services}
    declared = {s.name for s in catalogue.package_services()} | names
    unknown = set(raw_sources) - declared
    if unknown:
        raise ConfigError(f"sources: unknown service(s) {sorted(unknown)}; known: {', '.join(sorted(declared))}")
    missing = [s for s in services if s.name not in raw_sources]
    if missing and mode != "demo":
        raise ConfigError(f"sources: no URL for {', '.join(s.name for s in missing)}; add e.g. "
                          f"'{missing[0].name}: mysql+pymysql://user:password@host/{missing[0].database}' "
                          f"(or switch the service off with services.{missing[0].name}.enabled: false)")
    return {s.name: _resolve_url(raw_sources.get(s.name, f"sqlite:///data/sources/{s.database}.sqlite"),
                                 base, f"sources.{s.name}")
            for s in services}


def _blocks(raw: dict, services: tuple[Service, ...]) -> tuple[Blocks, Blocks]:
    """The ``sla.<service>`` and ``<service>:`` blocks, each read with the model its service
    declares (defaults where the config has none)."""
    sla_raw = _get(raw, "sla", {}, dict)
    with_sla = {s.name: s for s in services if s.sla is not None}
    unknown = set(sla_raw) - set(with_sla) - {s.name for s in catalogue.package_services()}
    if unknown:
        raise ConfigError(f"sla.{sorted(unknown)[0]}: no such service with an SLA; services with one: "
                          f"{', '.join(with_sla)}")
    sla = {name: read_block(s.sla, sla_raw.get(name), f"sla.{name}") for name, s in with_sla.items()}
    settings = {s.name: read_block(s.settings, raw.get(s.name), s.name) for s in services if s.settings}
    return Blocks(sla), Blocks(settings)


def _streams(raw: dict, services: tuple[Service, ...]) -> Mapping[str, Mapping]:
    """The ``streams:`` block, checked as far as every layer reads it: known stream names and
    their ``enabled`` / ``label``; the ETL validates the rest (etl.streams)."""
    block = _get(raw, "streams", {}, dict)
    names = catalogue.all_stream_names(services)
    every = catalogue.all_stream_names(catalogue.package_services()) | names
    problems = []   # every problem of the block at once, one line each
    unknown = set(block) - set(every)
    if unknown:
        problems.append(f"streams: unknown stream(s) {sorted(unknown)}; known: {', '.join(sorted(every))}")
    for name, settings in block.items():
        if not isinstance(settings, dict):
            problems.append(f"streams.{name}: expected a mapping of settings, got {settings!r}")
            continue
        if "enabled" in settings and not isinstance(settings["enabled"], bool):
            problems.append(f"streams.{name}.enabled: expected true or false, got {settings['enabled']!r}")
        if "label" in settings and (not isinstance(settings["label"], str) or not settings["label"].strip()):
            problems.append(f"streams.{name}.label: expected a non-empty string, got {settings['label']!r}")
    if problems:
        raise ConfigError("\n".join(problems))
    return MappingProxyType({k: MappingProxyType(dict(v)) for k, v in block.items() if k in names})
