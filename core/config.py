"""config.yaml, validated into typed objects at start-up.

A broken config stops the program with one ConfigError naming the key and the fix;
nothing downstream ever reads raw YAML.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_PATH = PROJECT_ROOT / "config.yaml"
SERVICES = ("complaints", "permits", "clinics", "budget", "cleanliness")
MODES = ("demo", "production")


class ConfigError(ValueError):
    """A config value that cannot work; the message names the key and the fix."""


@dataclass(frozen=True)
class SimulatorConfig:
    seed: int = 2017
    history_days: int = 1095
    scale: float = 1.0
    tick_seconds: int = 20


@dataclass(frozen=True)
class SlaConfig:
    """Service levels in working days. The ``*_by_*`` overrides are ((key, days), ...) pairs
    as written in config.yaml (hashable); look them up with the ``*_for`` methods, which
    match complaint and cleanliness categories ignoring case and spacing, permit type codes
    and complaint kinds as the ETL normalises them (upper / lower case)."""
    complaint_response_days: int = 3
    complaint_resolution_days: int = 8
    cleanup_days: int = 2
    clinic_max_wait_minutes: int = 60
    complaint_resolution_by_category: tuple[tuple[str, int], ...] = ()
    complaint_resolution_by_kind: tuple[tuple[str, int], ...] = ()
    cleanup_by_category: tuple[tuple[str, int], ...] = ()
    permit_by_type: tuple[tuple[str, int], ...] = ()

    @staticmethod
    def category_key(name) -> str:
        """'  drainase /Banjir' and 'Drainase /banjir' match: spacing collapsed, case folded."""
        return " ".join(str(name).split()).casefold()

    def complaint_resolution_overrides(self) -> tuple[dict[str, int], dict[str, int]]:
        """({category_key: days}, {kind: days}) for the ETL's vectorised lookup."""
        return ({self.category_key(k): v for k, v in self.complaint_resolution_by_category},
                {k.strip().lower(): v for k, v in self.complaint_resolution_by_kind})

    def cleanup_overrides(self) -> dict[str, int]:
        return {self.category_key(k): v for k, v in self.cleanup_by_category}

    def permit_overrides(self) -> dict[str, int]:
        return {k.strip().upper(): v for k, v in self.permit_by_type}

    def complaint_resolution_days_for(self, category=None, kind=None) -> int:
        """Resolution SLA of one complaint: its category's override, else its kind's, else
        the default."""
        by_category, by_kind = self.complaint_resolution_overrides()
        if category is not None and self.category_key(category) in by_category:
            return by_category[self.category_key(category)]
        if kind is not None and str(kind).strip().lower() in by_kind:
            return by_kind[str(kind).strip().lower()]
        return self.complaint_resolution_days

    def cleanup_days_for(self, category=None) -> int:
        if category is None:
            return self.cleanup_days
        return self.cleanup_overrides().get(self.category_key(category), self.cleanup_days)

    def permit_days_for(self, type_code, source_days: int | None = None) -> int | None:
        """A permit type's SLA: the config's override, else e-Perizinan's own value."""
        return self.permit_overrides().get(str(type_code).strip().upper(), source_days)


@dataclass(frozen=True)
class DisplayConfig:
    stale_after_minutes: int = 30
    refresh_seconds: int = 60
    wall_rotate_seconds: int = 45
    wall_playlist: tuple[str, ...] = ("/",)


@dataclass(frozen=True)
class EtlConfig:
    overlap_seconds: int = 300          # re-read changes this far behind the watermark (late commits)
    reconcile_minutes: float = 60       # key reconciliation per stream (deletes, missed rows); 0 = off
    retry_first_seconds: int = 30       # a failed stream is retried after 30 s, 60 s, 120 s ...
    retry_max_seconds: int = 900        # ... up to this
    source_timeout_seconds: int = 30    # connect / statement timeout on a source database
    batch_rows: int = 50_000            # rows per committed batch
    keep_runs_days: int = 90            # etl_run history kept (failures and counts per run)
    in_process_schedule: bool | None = None  # None: in the web process when the store is DuckDB


@dataclass(frozen=True)
class Config:
    path: Path
    mode: str
    store_url: str
    sources: dict[str, str]
    simulator: SimulatorConfig = field(default_factory=SimulatorConfig)
    etl_minutes: float = 2
    host: str = "127.0.0.1"
    port: int = 8050
    sla: SlaConfig = field(default_factory=SlaConfig)
    s_curve_band: dict[int, tuple[float, float]] = field(default_factory=dict)
    # budget.traffic_light: lower edges (realization % of pagu) of the 2nd..5th traffic-light band
    budget_traffic_light: tuple[float, ...] = (25.0, 50.0, 75.0, 95.0)
    # budget.projection_min_share_pct: no year-end projection while past years had realized less
    # than this % of their year-end total by the same date (early-year projections are noise)
    budget_projection_min_share_pct: float = 5.0
    display: DisplayConfig = field(default_factory=DisplayConfig)
    boundaries_path: Path | None = None
    etl: EtlConfig = field(default_factory=EtlConfig)

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


def _get(raw: dict, dotted: str, default: Any, kind: type, *, minimum: float | None = None):
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
    return node


def _sla_by(raw: dict, dotted: str, *, minimum: int, key_case: str | None = None,
            example: str) -> tuple[tuple[str, int], ...]:
    """A per-type SLA override map {type: working days} -> ((type, days), ...)."""
    mapping = _get(raw, dotted, {}, dict)
    out: dict[str, int] = {}
    seen: dict[str, str] = {}
    for name, days in mapping.items():
        if isinstance(name, bool) or not isinstance(name, (str, int)) or not str(name).strip():
            raise ConfigError(f"{dotted}: {name!r} is not a type name; write e.g. '{example}'")
        name = str(name).strip()
        if key_case == "upper":
            name = name.upper()
        elif key_case == "lower":
            name = name.lower()
        key = f"{dotted}.{name}"
        if isinstance(days, bool) or not isinstance(days, int):
            raise ConfigError(f"{key}: expected a whole number of working days, got {days!r}; "
                              f"fix it in the config file")
        if not minimum <= days <= 365:
            raise ConfigError(f"{key}: must be between {minimum} and 365 working days, got {days}; "
                              f"fix it in the config file")
        folded = SlaConfig.category_key(name)
        if folded in seen:
            raise ConfigError(f"{key}: given twice (also as {seen[folded]!r}); keep one")
        seen[folded] = name
        out[name] = days
    return tuple(sorted(out.items(), key=lambda item: SlaConfig.category_key(item[0])))


def _band(raw: dict) -> dict[int, tuple[float, float]]:
    band = _get(raw, "budget.s_curve_band", {}, dict)
    out: dict[int, tuple[float, float]] = {}
    for month, pair in band.items():
        if not (isinstance(month, int) and 1 <= month <= 12 and isinstance(pair, list)
                and len(pair) == 2 and 0 <= pair[0] <= pair[1] <= 100):
            raise ConfigError(f"budget.s_curve_band.{month}: expected month 1-12 mapped to "
                              f"[lower, upper] percent with lower <= upper, got {pair!r}")
        out[month] = (float(pair[0]), float(pair[1]))
    if band and set(out) != set(range(1, 13)):
        raise ConfigError("budget.s_curve_band: give all 12 months (1..12)")
    return out


def _traffic_light(raw: dict) -> tuple[float, ...]:
    edges = _get(raw, "budget.traffic_light", [25, 50, 75, 95], list)
    if not (len(edges) == 4 and all(isinstance(e, (int, float)) and not isinstance(e, bool) for e in edges)
            and 0 < edges[0] < edges[1] < edges[2] < edges[3] < 100):
        raise ConfigError(f"budget.traffic_light: expected 4 increasing percentages between 0 and 100 "
                          f"(the lower edges of the orange, yellow, light-green and green bands), got {edges!r}")
    return tuple(float(e) for e in edges)


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

    raw_sources = _get(raw, "sources", {}, dict)
    unknown = set(raw_sources) - set(SERVICES)
    if unknown:
        raise ConfigError(f"sources: unknown service(s) {sorted(unknown)}; known: {', '.join(SERVICES)}")
    missing = [s for s in SERVICES if s not in raw_sources]
    if missing:
        raise ConfigError(f"sources: no URL for {', '.join(missing)}; add e.g. "
                          f"'{missing[0]}: sqlite:///data/sources/{missing[0]}.sqlite'")
    sources = {s: _resolve_url(raw_sources[s], base, f"sources.{s}") for s in SERVICES}

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

    playlist = _get(raw, "display.wall_playlist", ["/"], list)
    return Config(
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
        port=_get(raw, "server.port", 8050, int, minimum=1),
        sla=SlaConfig(
            complaint_response_days=_get(raw, "sla.complaints.response_working_days", 3, int, minimum=1),
            complaint_resolution_days=_get(raw, "sla.complaints.resolution_working_days", 8, int, minimum=1),
            cleanup_days=_get(raw, "sla.cleanliness.cleanup_working_days", 2, int, minimum=1),
            clinic_max_wait_minutes=_get(raw, "sla.clinics.max_wait_minutes", 60, int, minimum=1),
            complaint_resolution_by_category=_sla_by(
                raw, "sla.complaints.resolution_working_days_by_category", minimum=1,
                example="Drainase/Banjir: 10"),
            complaint_resolution_by_kind=_sla_by(
                raw, "sla.complaints.resolution_working_days_by_kind", minimum=1, key_case="lower",
                example="permintaan_informasi: 10"),
            cleanup_by_category=_sla_by(raw, "sla.cleanliness.cleanup_working_days_by_category", minimum=1,
                                        example="Sampah di Sungai: 3"),
            permit_by_type=_sla_by(raw, "sla.permits.by_type", minimum=0, key_case="upper",
                                   example="PBG: 30"),
        ),
        s_curve_band=_band(raw),
        budget_traffic_light=_traffic_light(raw),
        budget_projection_min_share_pct=_get(raw, "budget.projection_min_share_pct", 5.0, float, minimum=0.1),
        display=DisplayConfig(
            stale_after_minutes=_get(raw, "display.stale_after_minutes", 30, int, minimum=1),
            refresh_seconds=_get(raw, "display.refresh_seconds", 60, int, minimum=5),
            wall_rotate_seconds=_get(raw, "display.wall_rotate_seconds", 45, int, minimum=5),
            wall_playlist=tuple(str(p) for p in playlist),
        ),
        boundaries_path=boundaries_path,
        etl=EtlConfig(
            overlap_seconds=_get(raw, "etl.overlap_seconds", 300, int, minimum=0),
            reconcile_minutes=_get(raw, "etl.reconcile_minutes", 60.0, float, minimum=0),
            retry_first_seconds=_get(raw, "etl.retry_first_seconds", 30, int, minimum=1),
            retry_max_seconds=_get(raw, "etl.retry_max_seconds", 900, int, minimum=1),
            source_timeout_seconds=_get(raw, "etl.source_timeout_seconds", 30, int, minimum=1),
            batch_rows=_get(raw, "etl.batch_rows", 50_000, int, minimum=100),
            keep_runs_days=_get(raw, "etl.keep_runs_days", 90, int, minimum=1),
            in_process_schedule=_get(raw, "etl.in_process_schedule", None, bool),
        ),
    )
