"""Typed settings blocks a service declares (``sla.<service>``, ``<service>:``), on pydantic.

A service's SLA and settings are pydantic models (frozen, unknown keys refused), so a city's
config.yaml is checked field by field and a bad value is reported as one ConfigError naming
the dotted key and the fix. Per-type override maps (``{category: working days}``) are read
with ``TypeDays`` into sorted ``((name, days), ...)`` pairs: hashable, and matched ignoring
case and spacing (``category_key``).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError


class ConfigError(ValueError):
    """A config value that cannot work; the message names the key and the fix."""


class Settings(BaseModel):
    """Base of every settings block: immutable, hashable, unknown keys are an error, and no
    silent coercion (``true`` is not 1, ``"3"`` is not 3)."""
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def category_key(name) -> str:
    """'  drainase /Banjir' and 'Drainase /banjir' match: spacing collapsed, case folded."""
    return " ".join(str(name).split()).casefold()


class _TypeDaysError(ValueError):
    """A message already naming the key below the block (kept as is by `read_block`)."""


def type_days(minimum: int = 1, maximum: int = 365, key_case: str | None = None, example: str = "Name: 10"):
    """A validator turning ``{type: working days}`` into sorted ((type, days), ...) pairs.

    ``key_case`` 'upper' / 'lower' normalises the names (permit codes, complaint kinds); two
    names that fold to the same key are an error."""
    def parse(value: Any):
        if value is None:
            return ()
        if isinstance(value, tuple):
            return value
        if not isinstance(value, Mapping):
            raise _TypeDaysError(f": expected dict of type: working days, e.g. '{example}', got {value!r}")
        out: dict[str, int] = {}
        seen: dict[str, str] = {}
        for name, days in value.items():
            if isinstance(name, bool) or not isinstance(name, (str, int)) or not str(name).strip():
                raise _TypeDaysError(f": {name!r} is not a type name; write e.g. '{example}'")
            name = str(name).strip()
            name = name.upper() if key_case == "upper" else name.lower() if key_case == "lower" else name
            if isinstance(days, bool) or not isinstance(days, int):
                raise _TypeDaysError(f".{name}: expected a whole number of working days, got {days!r}")
            if not minimum <= days <= maximum:
                raise _TypeDaysError(f".{name}: must be between {minimum} and {maximum} working days, got {days}")
            folded = category_key(name)
            if folded in seen:
                raise _TypeDaysError(f".{name}: given twice (also as {seen[folded]!r}); keep one")
            seen[folded] = name
            out[name] = days
        return tuple(sorted(out.items(), key=lambda item: category_key(item[0])))
    return BeforeValidator(parse)


TypeDaysPairs = tuple[tuple[str, int], ...]


def TypeDays(**kw):  # noqa: N802 - reads like a type in a model
    return Annotated[TypeDaysPairs, type_days(**kw)]


def read_block(model: type[Settings], raw: Any, key: str) -> Settings:
    """Validate one config block (``raw`` from YAML, None = all defaults) into `model`."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{key}: expected a mapping of settings, got {raw!r}; fix it in the config file")
    try:
        return model.model_validate(dict(raw))
    except ValidationError as exc:
        raise ConfigError(_message(exc, key, model)) from None


def _message(exc: ValidationError, key: str, model: type[Settings]) -> str:
    error = exc.errors(include_url=False)[0]
    where = ".".join([key, *(str(part) for part in error["loc"])])
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, _TypeDaysError):
        return f"{where}{cause}; fix it in the config file"
    if error["type"] == "extra_forbidden":
        allowed = ", ".join(model.model_fields)
        return f"{where}: unknown setting; {key} has {allowed} (a typo?); fix it in the config file"
    message = error["msg"].replace("Input should be", "expected").replace("Value error, ", "")
    return f"{where}: {message}, got {error.get('input')!r}; fix it in the config file"
