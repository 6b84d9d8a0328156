"""Login throttling: exponential back-off per account and per client address, bounded memory.

After ``account_failures`` failed logins of one username (or ``address_failures`` from one
client address) every further attempt must wait ``base * 2**k`` seconds after the last failure
(k = failures beyond the limit, capped at ``max_seconds``). While an account or address is
backing off, an attempt is refused before the password is checked, even a correct one.

State is in memory, per process: at most ``max_entries`` keys (the least recently failed are
forgotten first) and a key's failures are forgotten ``forget_seconds`` after its last one. With
several gunicorn workers each keeps its own counts (an attacker gets the limit per worker);
see docs/access.md.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from access.settings import ThrottleSettings


@dataclass
class _Entry:
    failures: int
    last: float


class Throttle:
    def __init__(self, settings: ThrottleSettings | None = None, clock=time.monotonic):
        self.settings = settings or ThrottleSettings()
        self.clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _keys(username: str, address: str | None) -> list[tuple[str, int]]:
        return [(f"user:{username.strip().lower()}", 0), (f"addr:{address or '-'}", 1)]

    def _limit(self, kind: int) -> int:
        return self.settings.account_failures if kind == 0 else self.settings.address_failures

    def _wait(self, entry: _Entry | None, limit: int, now: float) -> float:
        if entry is None or entry.failures < limit:
            return 0.0
        extra = entry.failures - limit
        delay = min(self.settings.max_seconds, self.settings.base_seconds * (2 ** min(extra, 40)))
        return max(0.0, entry.last + delay - now)

    def retry_after(self, username: str, address: str | None) -> float:
        """Seconds until an attempt for this username from this address may be checked (0: now)."""
        now = self.clock()
        with self._lock:
            self._expire(now)
            return max(self._wait(self._entries.get(key), self._limit(kind), now)
                       for key, kind in self._keys(username, address))

    def failure(self, username: str, address: str | None) -> None:
        now = self.clock()
        with self._lock:
            for key, _kind in self._keys(username, address):
                entry = self._entries.pop(key, None) or _Entry(0, now)
                entry.failures += 1
                entry.last = now
                self._entries[key] = entry          # most recent last
            while len(self._entries) > self.settings.max_entries:
                self._entries.popitem(last=False)

    def success(self, username: str, address: str | None) -> None:
        """A correct login clears its account's failures (not its address's: one valid account
        must not reset the count of a guessing loop from the same address)."""
        with self._lock:
            self._entries.pop(self._keys(username, address)[0][0], None)

    def _expire(self, now: float) -> None:
        forget = self.settings.forget_seconds
        while self._entries:
            key, entry = next(iter(self._entries.items()))
            if now - entry.last < forget:
                break
            del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)
