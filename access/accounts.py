"""Users, roles and passwords; the IdentityProvider seam (the store now, LDAP/OIDC later).

A user is a username, a display name the admin types, a role and (for ``opd``) the OPD whose
rows it sees: no NIK, phone or e-mail is kept. Passwords are argon2id hashes (argon2-cffi's
RFC 9106 defaults), re-hashed on login when those parameters change.

Each user has a ``session_key``: part of the id a login session carries, and rotated whenever
the password, the role or the active flag changes, so every open session of that user ends at
its next request.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import pandas as pd
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.calendar import now_wib
from store.schema import users

# Roles of people who log in; ``wall`` (a token URL) and ``public`` (anonymous) are not accounts.
USER_ROLES = ("admin", "executive", "operator", "opd")
ROLES = (*USER_ROLES, "wall", "public")
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,59}")
OPD_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")

_hasher = PasswordHasher()
# Verified for an unknown username, so that a miss costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A user change that cannot be made; the message says why and what to do instead."""


@dataclass(frozen=True)
class User:
    """A person who logged in (flask-login's user object)."""
    username: str
    display_name: str
    role: str
    opd_code: str | None = None
    active: bool = True
    provider: str = "store"
    session_key: str = ""

    # --- flask-login's user protocol --------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """What the session cookie carries: the username and the current session key."""
        return f"{self.username}:{self.session_key}"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if `password` matches; False for a mismatch, a malformed or missing hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def normalise_username(name: str) -> str:
    return (name or "").strip().lower()


def check_username(name: str) -> str:
    name = normalise_username(name)
    if not USERNAME.fullmatch(name):
        raise AccountError(f"{name!r} is not a username: 2-60 of a-z, 0-9, '.', '_' and '-', "
                           f"starting with a letter or digit")
    return name


def check_role(role: str, opd_code: str | None) -> tuple[str, str | None]:
    """The role and OPD code to store: an ``opd`` user needs its OPD, the others have none."""
    if role not in USER_ROLES:
        raise AccountError(f"{role!r} is not a role; choose one of {', '.join(USER_ROLES)} "
                           f"(wall screens use `python -m bcc tokens add`)")
    if role == "opd":
        if not opd_code or not OPD_CODE.fullmatch(opd_code):
            raise AccountError("an opd user needs its OPD: add --opd CODE (the OPD code of the store, "
                               "e.g. DINKES)")
        return role, opd_code
    if opd_code:
        raise AccountError(f"only an opd user has an OPD; drop --opd for role {role}")
    return role, None


def check_password(password: str, min_length: int) -> str:
    if len(password or "") < min_length:
        raise AccountError(f"the password must have at least {min_length} characters")
    return password


def _user(row) -> User:
    return User(username=row.username, display_name=row.display_name, role=row.role,
                opd_code=row.opd_code, active=bool(row.active), provider=row.provider,
                session_key=row.session_key)


def _engine(store) -> sa.Engine:
    """Accept a metrics.base.Store or an Engine."""
    return getattr(store, "engine", store)


def _now():
    return now_wib().replace(tzinfo=None)


# --- the store's users --------------------------------------------------------------------

def get_user(store, username: str) -> User | None:
    with _engine(store).connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.username == normalise_username(username))).first()
    return _user(row) if row else None


def add_user(store, username: str, password: str | None, role: str, *, display_name: str | None = None,
             opd_code: str | None = None, provider: str = "store", min_password_length: int = 10) -> User:
    """A new user; AccountError if the name is taken or a value cannot work. ``password``
    None only for a user of an external provider (it logs in there)."""
    username = check_username(username)
    role, opd_code = check_role(role, opd_code)
    if provider == "store":
        check_password(password, min_password_length)
    now = _now()
    with _engine(store).begin() as conn:
        if conn.execute(sa.select(users.c.username).where(users.c.username == username)).first():
            raise AccountError(f"user {username!r} exists; change it with set-role or passwd")
        conn.execute(users.insert().values(
            username=username, display_name=(display_name or username).strip()[:120], role=role,
            opd_code=opd_code, password_hash=hash_password(password) if password else None,
            provider=provider, active=True, session_key=secrets.token_hex(16),
            created_at=now, updated_at=now))
    return get_user(store, username)


def _update(store, username: str, *, rotate: bool, **values) -> User:
    username = normalise_username(username)
    if rotate:
        values["session_key"] = secrets.token_hex(16)
    with _engine(store).begin() as conn:
        done = conn.execute(users.update().where(users.c.username == username)
                            .values(updated_at=_now(), **values)).rowcount
    if not done:
        raise AccountError(f"no user {username!r}; `python -m bcc users list` shows them")
    return get_user(store, username)


def set_role(store, username: str, role: str, opd_code: str | None = None) -> User:
    role, opd_code = check_role(role, opd_code)
    _refuse_last_admin(store, username, role=role)
    return _update(store, username, rotate=True, role=role, opd_code=opd_code)


def set_password(store, username: str, password: str, *, min_password_length: int = 10) -> User:
    check_password(password, min_password_length)
    return _update(store, username, rotate=True, password_hash=hash_password(password))


def set_active(store, username: str, active: bool) -> User:
    if not active:
        _refuse_last_admin(store, username, role=None)
    return _update(store, username, rotate=True, active=active)


def touch_login(store, username: str, password: str | None = None) -> None:
    """Record the login time; re-hash the password if argon2's parameters changed."""
    values = {"last_login_at": _now()}
    with _engine(store).begin() as conn:
        if password is not None:
            stored = conn.execute(sa.select(users.c.password_hash)
                                  .where(users.c.username == username)).scalar()
            if stored and _hasher.check_needs_rehash(stored):
                values["password_hash"] = hash_password(password)
        conn.execute(users.update().where(users.c.username == username).values(**values))


def _refuse_last_admin(store, username: str, role: str | None) -> None:
    """Production refuses to start without an admin: never take away the last one."""
    user = get_user(store, username)
    if user is None or user.role != "admin" or role == "admin":
        return
    if count_admins(store) <= 1 and user.active:
        raise AccountError(f"{username!r} is the last active admin; add another admin first")


def count_admins(store) -> int:
    with _engine(store).connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(users)
                            .where(users.c.role == "admin", users.c.active.is_(True))).scalar() or 0


def list_users(store) -> pd.DataFrame:
    """Every user (no password hash, no session key), by username."""
    cols = [users.c.username, users.c.display_name, users.c.role, users.c.opd_code, users.c.provider,
            users.c.active, users.c.created_at, users.c.last_login_at]
    with _engine(store).connect() as conn:
        rows = conn.execute(sa.select(*cols).order_by(users.c.username)).all()
    return pd.DataFrame(rows, columns=[c.name for c in cols])


# --- the seam -----------------------------------------------------------------------------

@runtime_checkable
class IdentityProvider(Protocol):
    """Where users come from. The login form calls `authenticate`; every request of a logged-in
    session calls `load` (a disabled or changed user ends its sessions there).

    The store-backed implementation is `StoreIdentityProvider`. An LDAP provider (the city's
    directory) implements `authenticate` as a bind with the user's DN and maps the directory
    groups to a role and OPD, then keeps a row in ``users`` (provider ``ldap``, no password
    hash) through `add_user`/`set_role` so that `load`, the audit log and the admin list work
    unchanged. An OIDC provider has no password form: it adds its own redirect routes and
    calls access.auth.start_session(user) after the callback; see docs/access.md."""

    name: str

    def authenticate(self, username: str, password: str) -> User | None:
        """The user if the credentials are right and the user is active, else None."""

    def load(self, user_id: str) -> User | None:
        """The user of a session id (``User.get_id()``), None if gone, disabled or rotated."""


class StoreIdentityProvider:
    """Users of the store's ``users`` table, passwords checked against their argon2 hash."""
    name = "store"

    def __init__(self, store):
        self.store = store

    def authenticate(self, username: str, password: str) -> User | None:
        username = normalise_username(username)
        with _engine(self.store).connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.username == username)).first() \
                if USERNAME.fullmatch(username) else None
        # Always one argon2 verification: a wrong username costs as long as a wrong password.
        ok = verify_password(row.password_hash if row is not None else None, password or "")
        if not ok or row is None or not row.active:
            return None
        return _user(row)

    def load(self, user_id: str) -> User | None:
        username, _, key = (user_id or "").partition(":")
        user = get_user(self.store, username) if USERNAME.fullmatch(username) else None
        if user is None or not user.active or not key or not secrets.compare_digest(user.session_key, key):
            return None
        return user
