"""The service catalogue: every e-government app the command center watches, declared once.

A service is one module in the ``services`` package holding ``SERVICE = Service(...)`` (a
city may add one outside the package with config.yaml ``services.<name>.module``). The
declaration says what the service is: its name (the same in every layer), the source
system's label, its page title, order and path, its source database, streams and store
tables, its cross-filter dimensions, its SLA and settings blocks in config.yaml and the
KPIs the overview and the wall show. Every layer iterates the catalogue (``Config.services``
for a loaded config, ``package_services()`` before one exists); no other list of services
exists anywhere.

Each layer finds a service's code by convention from its name (``Service.module(layer)``,
overridable per service with ``modules={layer: "dotted.module"}``):

    simulator  simulator.services.<name>  METADATA, MAIN_TABLE, history(window), advance(conn, tables, live)
    etl        etl.services.<name>        streams() -> [etl.streams.Stream]
    store      store.tables.<name>        its tables on store.schema.metadata
    metrics    metrics.<name>             KPIS, TREND and optionally urgent(), FLOW
    page       pages.<name>               dash.register_page(__name__, path=SERVICE.path, ...)

This module imports nothing of those layers: it is data that all of them read.
"""
from __future__ import annotations

import importlib
import pkgutil
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

LAYERS = ("simulator", "etl", "store", "metrics", "page")
_CONVENTION = {"simulator": "simulator.services.{name}", "etl": "etl.services.{name}",
               "store": "store.tables.{name}", "metrics": "metrics.{name}", "page": "pages.{name}"}
_NAME = re.compile(r"[a-z][a-z0-9_]{1,30}")
STREAM_KINDS = ("dimension", "fact")


@dataclass(frozen=True)
class StreamRef:
    """A stream of the service as every layer knows it: its name (``etl_state.stream``), the
    store table it fills, whether it is a dimension (run before the facts), the source's name
    on screens when it is not the service's own label (a CSV export, a feed), and whether it
    runs by default (config.yaml ``streams.<name>.enabled`` switches it). How it reads its
    source (table, key, cursor, columns) is the ETL's business: etl.services.<service>."""
    name: str
    target: str
    kind: str = "fact"
    label: str | None = None
    enabled: bool = True

    def __post_init__(self):
        if self.kind not in STREAM_KINDS:
            raise ValueError(f"stream {self.name}: kind must be one of {STREAM_KINDS}, got {self.kind!r}")


@dataclass(frozen=True)
class Dim:
    """A cross-filter dimension: a URL parameter selecting one value (``?opd=1.03.01``).

    ``pattern``: a regular expression a value must match fully (else it is ignored);
    ``lookup``: (table, key column, name column) that names a selected value on its chip;
    ``names``: else an i18n key naming it, with ``{value}`` (e.g. "budget.type.{value}")."""
    name: str
    about: str
    pattern: str | None = None
    lookup: tuple[str, str, str] | None = None
    names: str | None = None


# Dimensions every service may use; a service declares the ones only it has.
KEL = Dim("kel", "kelurahan code, e.g. 12.75.01.1003 (one of core.geo's 37)")
OPD = Dim("opd", "OPD (agency) code, as in dim_opd", lookup=("dim_opd", "opd_code", "opd_short"))
SHARED_DIMS = (KEL, OPD)


@dataclass(frozen=True)
class Service:
    """One e-government app the command center watches (see the module docstring)."""
    name: str                                  # one name in every layer: complaints, pbb, ...
    label: str                                 # the source system on screens: e-Masyarakat
    title: Mapping[str, str]                   # the page's name per language {"id": ..., "en": ...}
    order: int                                 # position in the navigation, overview and wall
    database: str                              # the demo source database's name (data/sources/<it>.sqlite)
    streams: tuple[StreamRef, ...]
    tables: tuple[str, ...]                    # store tables; the first is the main one (rows, freshness)
    dims: tuple[Dim, ...] = ()                 # cross-filter dimensions its page selects
    overview: tuple[str, ...] = ()             # keys of metrics.<name>.KPIS on the overview tile and the wall
    sla: type | None = None                    # pydantic model of config.yaml sla.<name>
    settings: type | None = None               # pydantic model of config.yaml <name>:
    about: Mapping[str, str] = field(default_factory=dict)   # one line on what the app is, per language
    path: str = ""                             # page path; default /<name>
    modules: Mapping[str, str] = field(default_factory=dict)  # layer -> module, where not by convention

    def __post_init__(self):
        if not _NAME.fullmatch(self.name):
            raise ValueError(f"service name {self.name!r}: use lower-case letters, digits and _")
        if not self.path:
            object.__setattr__(self, "path", f"/{self.name}")
        unknown = set(self.modules) - set(LAYERS)
        if unknown:
            raise ValueError(f"service {self.name}: modules for unknown layer(s) {sorted(unknown)}; "
                             f"layers are {', '.join(LAYERS)}")
        if not self.tables:
            raise ValueError(f"service {self.name}: declare at least one store table")
        object.__setattr__(self, "title", MappingProxyType(dict(self.title)))
        object.__setattr__(self, "about", MappingProxyType(dict(self.about)))
        object.__setattr__(self, "modules", MappingProxyType(dict(self.modules)))

    @property
    def main_table(self) -> str:
        return self.tables[0]

    def module(self, layer: str) -> str:
        """The dotted module holding this service's code in `layer`."""
        if layer not in LAYERS:
            raise ValueError(f"unknown layer {layer!r}; layers are {', '.join(LAYERS)}")
        return self.modules.get(layer) or _CONVENTION[layer].format(name=self.name)

    def load(self, layer: str):
        """Import and return this service's module of `layer`."""
        return importlib.import_module(self.module(layer))

    def stream(self, name: str) -> StreamRef:
        for ref in self.streams:
            if ref.name == name:
                return ref
        raise KeyError(f"service {self.name} has no stream {name!r}")


# --- the registry -------------------------------------------------------------------------------

_lock = threading.RLock()
_registry: dict[str, Service] = {}
_package_names: list[str] = []
_discovered = False


def register(service: Service) -> Service:
    """Add a declaration to the registry (the package's on first use; config-named ones when a
    config names them). Registering the same declaration again is a no-op."""
    if not isinstance(service, Service):
        raise TypeError(f"expected a core.services.Service, got {type(service).__name__}")
    with _lock:
        known = _registry.get(service.name)
        if known is not None and known != service:
            raise ValueError(f"service {service.name!r} is declared twice (two modules declare it)")
        _registry[service.name] = service
        _register_dims(service)
    return service


def declared_in(module_name: str) -> Service:
    """The ``SERVICE`` a module declares (ImportError / LookupError name the fix)."""
    module = importlib.import_module(module_name)
    service = getattr(module, "SERVICE", None)
    if not isinstance(service, Service):
        raise LookupError(f"module {module_name} declares no SERVICE = core.services.Service(...)")
    return register(service)


def _discover() -> None:
    global _discovered
    with _lock:
        if _discovered:
            return
        import services as package
        names = []
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            if info.name.startswith("_"):
                continue
            names.append(declared_in(f"services.{info.name}").name)
        _package_names[:] = names
        _discovered = True


def package_services() -> tuple[Service, ...]:
    """The services declared in the ``services`` package, in their order (the embedded default's
    catalogue, and what the simulator and tools use before a config is loaded)."""
    _discover()
    return ordered(_registry[n] for n in _package_names)


def get(name: str) -> Service:
    """A registered service by name (KeyError names the known ones)."""
    _discover()
    try:
        return _registry[name]
    except KeyError:
        raise KeyError(f"unknown service {name!r}; known: {', '.join(sorted(_registry))}") from None


def ordered(services) -> tuple[Service, ...]:
    return tuple(sorted(services, key=lambda s: (s.order, s.name)))


# --- cross-filter dimensions --------------------------------------------------------------------

_dims: dict[str, Dim] = {d.name: d for d in SHARED_DIMS}


def _register_dims(service: Service) -> None:
    for dim in service.dims:
        known = _dims.get(dim.name)
        if known is not None and known != dim:
            raise ValueError(f"service {service.name}: dimension {dim.name!r} is declared differently "
                             f"elsewhere; declare a shared dimension once")
        _dims[dim.name] = dim


class _DimRegistry(Mapping):
    """{dimension name: what it selects} of every registered service, in registration order
    (read-only; filled as declarations are registered)."""

    def __getitem__(self, key: str) -> str:
        _discover()
        return _dims[key].about

    def __iter__(self) -> Iterator[str]:
        _discover()
        return iter(list(_dims))

    def __len__(self) -> int:
        _discover()
        return len(_dims)


SELECT_DIMS: Mapping[str, str] = _DimRegistry()


def dim(name: str) -> Dim:
    _discover()
    return _dims[name]


# --- streams of a catalogue ----------------------------------------------------------------------

@dataclass(frozen=True)
class StreamInfo:
    """A stream as the screens need it: its reference with config.yaml's enabled/label applied."""
    name: str
    service: str
    target: str
    kind: str
    label: str
    enabled: bool
    source: str = ""   # the label its rows carry in the store (``source``): the declared one,
                       # never a display rename (services.<name>.label)


def _identity(service: Service) -> str:
    try:
        return get(service.name).label
    except KeyError:
        return service.label


def stream_infos(services, overrides: Mapping[str, Mapping] | None = None) -> list[StreamInfo]:
    """Every stream of `services` (in service order, dimensions first), with the ``streams:``
    block's ``enabled`` and ``label`` applied; disabled ones included (filter on ``enabled``)."""
    overrides = overrides or {}
    out = []
    for service in services:
        for ref in service.streams:
            raw = overrides.get(ref.name) or {}
            out.append(StreamInfo(name=ref.name, service=service.name, target=ref.target, kind=ref.kind,
                                  label=raw.get("label") or ref.label or service.label,
                                  enabled=raw.get("enabled", ref.enabled),
                                  source=raw.get("label") or ref.label or _identity(service)))
    return sorted(out, key=lambda s: s.kind != "dimension")


def all_stream_names(services) -> dict[str, str]:
    """{stream name: service name} of `services` (ValueError when two services share a name)."""
    names: dict[str, str] = {}
    for service in services:
        for ref in service.streams:
            if ref.name in names:
                raise ValueError(f"stream {ref.name!r} is declared by both {names[ref.name]} and {service.name}")
            names[ref.name] = service.name
    return names
