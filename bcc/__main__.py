"""CLI for admins: users and wall tokens in the store of the config.

- ``python -m bcc users add NAME --role admin|executive|operator|opd [--opd CODE] [--display-name TEXT]
  [--password-stdin]``: the password is asked twice (or read from one line of stdin).
- ``python -m bcc users list | disable NAME | enable NAME | set-role NAME ROLE [--opd CODE] | passwd NAME``
- ``python -m bcc tokens add --playlist NAME [--label TEXT] [--base-url https://host]``: prints the
  wall URL (its secret is shown only here); ``tokens list``; ``tokens revoke ID``.
- ``python -m bcc audit [--limit N]``: the latest audit rows.

Every change is written to the audit log as ``cli:<OS user>``. Exit code 1: the change cannot be
made (message says why); 2: the config or store cannot be used.
"""
from __future__ import annotations

import argparse
import getpass
import sys

from core.config import ConfigError, load_config
from store.engine import StoreError, init_store, make_engine


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"[:60]
    except Exception:
        return "cli"


def _password(args, settings) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise SystemExit("the two passwords differ; nothing changed")
    return first


def _users(args, engine, cfg, settings) -> int:
    from access import accounts, audit
    who = _who()
    if args.action == "add":
        user = accounts.add_user(engine, args.name, _password(args, settings), args.role,
                                 display_name=args.display_name, opd_code=args.opd,
                                 min_password_length=settings.min_password_length)
        audit.record(engine, "user_add", username=who, subject=user.username, role=user.role, opd=user.opd_code)
        print(f"user {user.username} added (role {user.role}{', OPD ' + user.opd_code if user.opd_code else ''})")
    elif args.action == "list":
        frame = accounts.list_users(engine)
        print(frame.to_string(index=False) if len(frame) else "no users")
    elif args.action in ("disable", "enable"):
        user = accounts.set_active(engine, args.name, args.action == "enable")
        audit.record(engine, f"user_{args.action}", username=who, subject=user.username)
        print(f"user {user.username} {args.action}d")
    elif args.action == "set-role":
        user = accounts.set_role(engine, args.name, args.role, args.opd)
        audit.record(engine, "user_role", username=who, subject=user.username, role=user.role, opd=user.opd_code)
        print(f"user {user.username} is now {user.role}")
    elif args.action == "passwd":
        user = accounts.set_password(engine, args.name, _password(args, settings),
                                     min_password_length=settings.min_password_length)
        audit.record(engine, "user_passwd", username=who, subject=user.username)
        print(f"password of {user.username} changed; its sessions ended")
    return 0


def _tokens(args, engine, cfg) -> int:
    from access import audit, tokens
    if args.action == "add":
        from wall.playlist import playlists
        names = playlists(cfg)
        if args.playlist not in names:
            print(f"no playlist {args.playlist!r}; playlists: {', '.join(names)} (config.yaml wall.playlists)",
                  file=sys.stderr)
            return 1
        token, secret = tokens.add_token(engine, args.playlist, label=args.label, created_by=_who())
        audit.record(engine, "token_add", username=_who(), subject=token.token_id, playlist=token.playlist)
        print(f"token {token.token_id} for playlist {token.playlist} (the URL is shown only now):")
        print(tokens.wall_url(token.playlist, secret, args.base_url or ""))
    elif args.action == "list":
        frame = tokens.list_tokens(engine)
        print(frame.to_string(index=False) if len(frame) else "no tokens")
    elif args.action == "revoke":
        if not tokens.revoke_token(engine, args.id):
            print(f"no valid token {args.id!r}; `python -m bcc tokens list` shows them", file=sys.stderr)
            return 1
        audit.record(engine, "token_revoke", username=_who(), subject=args.id)
        print(f"token {args.id} revoked")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bcc", description="users and wall tokens")
    parser.add_argument("--config", help="config file (default: $BCC_CONFIG or ./config.yaml)")
    top = parser.add_subparsers(dest="command", required=True)
    users = top.add_parser("users").add_subparsers(dest="action", required=True)
    add = users.add_parser("add")
    add.add_argument("name")
    add.add_argument("--role", required=True)
    add.add_argument("--opd")
    add.add_argument("--display-name")
    add.add_argument("--password-stdin", action="store_true")
    users.add_parser("list")
    for name in ("disable", "enable"):
        users.add_parser(name).add_argument("name")
    role = users.add_parser("set-role")
    role.add_argument("name")
    role.add_argument("role")
    role.add_argument("--opd")
    passwd = users.add_parser("passwd")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    toks = top.add_parser("tokens").add_subparsers(dest="action", required=True)
    tadd = toks.add_parser("add")
    tadd.add_argument("--playlist", required=True)
    tadd.add_argument("--label")
    tadd.add_argument("--base-url")
    toks.add_parser("list")
    toks.add_parser("revoke").add_argument("id")
    aud = top.add_parser("audit")
    aud.add_argument("--limit", type=int, default=50)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from access.accounts import AccountError
    from access.settings import access_settings
    try:
        cfg = load_config(args.config)
        engine = make_engine(cfg.store_url)
        init_store(engine, cfg.services)
    except (ConfigError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "users":
            return _users(args, engine, cfg, access_settings(cfg))
        if args.command == "tokens":
            return _tokens(args, engine, cfg)
        from access.audit import audit_frame
        frame = audit_frame(engine, "admin", limit=args.limit)
        print(frame.to_string(index=False) if len(frame) else "no audit rows")
        return 0
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
