"""Small assertions shared by test modules (fixtures live in conftest.py)."""


def figure_has_data(fig) -> bool:
    """At least one trace of the figure draws a point."""
    return bool(fig.data) and any(
        len(trace.x if trace.x is not None else trace.z if trace.z is not None else trace.y)
        for trace in fig.data)


# The services package's catalogue, as the tests see it (core.services).
from core.services import package_services  # noqa: E402
from simulator.schema import databases  # noqa: E402

SERVICES = tuple(s.name for s in package_services())
DATABASES = databases()
