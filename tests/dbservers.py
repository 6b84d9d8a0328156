"""Real PostgreSQL 15 and MariaDB 10.11 servers for the test suite (Debian packages).

Each server gets a data directory under a temp dir, listens on 127.0.0.1 on a free port
and is stopped at the end of the session. `make test` installs the packages when they
are missing (``make dbservers``); a test that needs a server fails with the install
command if the binaries are not there, never silently skips.

    with PostgresServer(tmp) as pg:
        url = pg.create_database("store_1")       # postgresql+psycopg://bcc@127.0.0.1:PORT/store_1

Usable from the command line too (the benchmark and a developer's shell):
``python -m tests.dbservers`` starts both and prints their URLs until Ctrl-C.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

PG_BIN = Path("/usr/lib/postgresql/15/bin")
INSTALL_HINT = "run `make dbservers` (apt-get install postgresql-15 mariadb-server)"


class ServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, log: Path, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerError(f"{what} exited ({proc.returncode}): {log.read_text(errors='replace')[-2000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise ServerError(f"{what} did not listen on 127.0.0.1:{port} within {seconds} s; "
                      f"log: {log.read_text(errors='replace')[-2000:]}")


def _run_as(user: str | None, argv: list[str], **kw) -> subprocess.CompletedProcess:
    if user and os.geteuid() == 0:
        argv = ["su", user, "-s", "/bin/sh", "-c", " ".join(_q(a) for a in argv)]
    done = subprocess.run(argv, capture_output=True, text=True, **kw)
    if done.returncode:
        raise ServerError(f"{argv[-1][:200]} failed ({done.returncode}): {(done.stderr or done.stdout)[-1500:]}")
    return done


def _q(arg: str) -> str:
    import shlex
    return shlex.quote(arg)


class _Server:
    name = "server"

    def __init__(self, base: Path | None = None):
        # As root the server runs as postgres/mysql, which cannot enter pytest's private tmp
        # dirs (mode 700): then the data lives in a fresh dir of its own under /tmp.
        if base is not None and os.geteuid() == 0:
            base = None
        self._own_base = base is None
        self.base = Path(base or tempfile.mkdtemp(prefix=f"bcc-{self.name}-"))
        if self._own_base:
            os.chmod(self.base, 0o755)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = self.base / f"{self.name}.log"

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def pids(self) -> list[int]:
        """The server's processes, the one we started first. PostgreSQL's postmaster (started
        through su) and each of its children run in a session of their own, so one signal to
        a process group would miss them."""
        data = getattr(self, "data", None)
        pid_file = data / "postmaster.pid" if data is not None else None
        if pid_file is None or not pid_file.is_file():
            return [self.proc.pid]
        postmaster = int(pid_file.read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                    children.append(int(stat.parent.name))
            except (OSError, ValueError, IndexError):
                pass
        return [self.proc.pid, postmaster, *children]

    @contextlib.contextmanager
    def frozen(self):
        """SIGSTOP every process of the server: it accepts TCP connections but never answers
        (a hung source). su is stopped first and continued last: a su that sees its child
        stop stops itself and then no longer passes on the signal that shuts the server down."""
        pids = self.pids()
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        try:
            yield
        finally:
            for pid in reversed(pids):
                try:
                    os.kill(pid, signal.SIGCONT)
                except ProcessLookupError:
                    pass

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None

    def restart(self) -> None:
        """Stop and start again on the same port and data (an outage that ends)."""
        self.stop()
        self._launch()

    def cleanup(self) -> None:
        self.stop()
        if self._own_base:
            shutil.rmtree(self.base, ignore_errors=True)

    def start(self) -> None:
        raise NotImplementedError

    def _launch(self) -> None:
        raise NotImplementedError


class PostgresServer(_Server):
    """PostgreSQL 15 via initdb/postgres as the postgres user (initdb refuses root)."""
    name = "postgres"

    def start(self) -> None:
        if not (PG_BIN / "initdb").exists():
            raise ServerError(f"PostgreSQL 15 is not installed ({PG_BIN}/initdb missing): {INSTALL_HINT}")
        self.data = self.base / "pgdata"
        self.base.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        _run_as("postgres", [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "bcc", "-A", "trust",
                             "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        self._launch()

    def _launch(self) -> None:
        argv = [str(PG_BIN / "postgres"), "-D", str(self.data), "-p", str(self.port), "-h", "127.0.0.1",
                "-k", str(self.base), "-c", "fsync=off", "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off", "-c", "max_connections=200",
                "-c", "shared_buffers=256MB", "-c", "max_wal_size=4GB"]
        if os.geteuid() == 0:
            argv = ["su", "postgres", "-s", "/bin/sh", "-c", "exec " + " ".join(_q(a) for a in argv)]
        self.proc = subprocess.Popen(argv, stdout=open(self.log, "ab"), stderr=subprocess.STDOUT,
                                     start_new_session=True)
        _wait_port(self.port, self.proc, self.log, "postgres")
        # Listening is not accepting yet (startup recovery): wait for a real connection.
        self._wait_ready(sa.create_engine(self.url("postgres")))

    def _wait_ready(self, engine: sa.Engine, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        try:
            while True:
                try:
                    with engine.connect() as conn:
                        conn.execute(sa.text("SELECT 1"))
                    return
                except sa.exc.OperationalError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        finally:
            engine.dispose()

    def stop(self) -> None:
        # su's child is the postmaster; SIGTERM to the whole session = smart shutdown.
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGCONT)
                os.killpg(self.proc.pid, signal.SIGINT)   # fast shutdown
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.proc = None

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://bcc@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        engine = sa.create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return self.url(name)


class MariaDBServer(_Server):
    """MariaDB 10.11 via mariadb-install-db + mariadbd --no-defaults, socket in our dir."""
    name = "mariadb"

    def start(self) -> None:
        if not shutil.which("mariadbd") and not Path("/usr/sbin/mariadbd").exists():
            raise ServerError(f"MariaDB is not installed (mariadbd missing): {INSTALL_HINT}")
        self.data = self.base / "data"
        self.base.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.base, "mysql", "mysql")
        argv = ["mariadb-install-db", "--no-defaults", f"--datadir={self.data}", "--auth-root-authentication-method=normal",
                "--skip-test-db"]
        if os.geteuid() == 0:
            argv.append("--user=mysql")
        subprocess.run(argv, check=True, capture_output=True, text=True)
        self._launch()
        engine = sa.create_engine(f"mysql+pymysql://root@127.0.0.1:{self.port}/mysql")
        try:
            with engine.begin() as conn:
                conn.execute(sa.text("CREATE USER IF NOT EXISTS 'bcc'@'%' IDENTIFIED BY 'bcc'"))
                conn.execute(sa.text("CREATE USER IF NOT EXISTS 'bcc'@'localhost' IDENTIFIED BY 'bcc'"))
                conn.execute(sa.text("GRANT ALL ON *.* TO 'bcc'@'%'"))
                conn.execute(sa.text("GRANT ALL ON *.* TO 'bcc'@'localhost'"))
        finally:
            engine.dispose()

    def _launch(self) -> None:
        sbin = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
        argv = [sbin, "--no-defaults", f"--datadir={self.data}", f"--port={self.port}",
                "--bind-address=127.0.0.1", f"--socket={self.base / 'mariadb.sock'}",
                f"--pid-file={self.base / 'mariadb.pid'}", "--skip-name-resolve",
                "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0",
                "--innodb-buffer-pool-size=256M", "--max-connections=200",
                "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
                "--max-allowed-packet=64M"]
        if os.geteuid() == 0:
            argv.append("--user=mysql")
        self.proc = subprocess.Popen(argv, stdout=open(self.log, "ab"), stderr=subprocess.STDOUT,
                                     start_new_session=True)
        _wait_port(self.port, self.proc, self.log, "mariadbd")

    def url(self, database: str) -> str:
        return f"mysql+pymysql://bcc:bcc@127.0.0.1:{self.port}/{database}?charset=utf8mb4"

    def create_database(self, name: str) -> str:
        engine = sa.create_engine(f"mysql+pymysql://bcc:bcc@127.0.0.1:{self.port}/mysql")
        try:
            with engine.begin() as conn:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
                conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 "
                                     f"COLLATE utf8mb4_unicode_ci"))
        finally:
            engine.dispose()
        return self.url(name)


if __name__ == "__main__":
    with PostgresServer() as pg, MariaDBServer() as maria:
        print("postgres:", pg.url("postgres"), flush=True)
        print("mariadb: ", maria.url("mysql"), flush=True)
        print("Ctrl-C to stop", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
