"""config.yaml ``access:``: sessions, login throttling and demo auto-login (see docs/access.md).

    access:
      session_hours: 12            # a login lasts this long (the cookie's and the session's life)
      secure_cookies: auto         # auto: Secure when the request came over HTTPS; always | never
      min_password_length: 10
      demo_auto_login: true        # demo mode: an anonymous visitor is the demo executive
      throttle:
        account_failures: 5        # failures of one account before it backs off
        address_failures: 20       # failures from one client address before it backs off
        base_seconds: 2            # first back-off; doubles with every further failure
        max_seconds: 900           # ... up to this
        forget_seconds: 3600       # failures older than this are forgotten
        max_entries: 10000         # accounts + addresses remembered (oldest forgotten first)

The session secret is not in the config file: it comes from the environment, ``BCC_SECRET_KEY``
(production refuses to start without one; see access.auth.check_production).
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from core.settings import Settings

SECRET_KEY_ENV = "BCC_SECRET_KEY"


class ThrottleSettings(Settings):
    """Login back-off: after ``account_failures`` failures of one username, or
    ``address_failures`` from one client address, each further attempt waits
    ``base_seconds * 2**(extra failures)`` seconds, at most ``max_seconds``."""
    account_failures: int = Field(5, ge=1, le=1000)
    address_failures: int = Field(20, ge=1, le=100_000)
    base_seconds: float = Field(2.0, ge=0.01, le=3600)
    max_seconds: float = Field(900.0, ge=1, le=86_400)
    forget_seconds: float = Field(3600.0, ge=60, le=7 * 86_400)
    max_entries: int = Field(10_000, ge=10, le=1_000_000)

    @model_validator(mode="after")
    def _order(self):
        if self.max_seconds < self.base_seconds:
            raise ValueError("max_seconds must be at least base_seconds")
        return self


class AccessSettings(Settings):
    """``access:`` block."""
    session_hours: float = Field(12, gt=0, le=24 * 30)
    secure_cookies: Literal["auto", "always", "never"] = "auto"
    min_password_length: int = Field(10, ge=8, le=200)
    demo_auto_login: bool = True
    throttle: ThrottleSettings = ThrottleSettings()


def access_settings(cfg) -> AccessSettings:
    """The config's ``access:`` block (its defaults until core.config FEATURES lists it)."""
    try:
        block = cfg.feature("access")
    except (KeyError, AttributeError):
        return AccessSettings()
    return block if isinstance(block, AccessSettings) else AccessSettings()
