"""The processes the chaos suite starts, and only those: a PostgreSQL cluster in a temporary
directory, a Redis, Celery workers and a beat, each on a free port where it listens. Every one
is registered as it starts and stopped by its PID (a worker or the beat by its own process
group) when the suite ends, however it ends. Nothing here looks at, stops or signals a service
the suite did not start."""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HOST = "127.0.0.1"
ROOT = Path(os.path.abspath(__file__)).parent.parent.parent
CELERY = str(Path(sys.executable).with_name("celery"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        socket.create_connection((HOST, port), 1).close()
        return True
    except OSError:
        return False


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout:.0f}s waiting for {what}")


def alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours counts as gone.
    with contextlib.suppress(OSError):
        if Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z"):
            return False
    return True


class Registry:
    """Everything the suite started, stopped in reverse order by `stop_all` (which never raises)."""

    def __init__(self):
        self.items: list = []

    def add(self, item):
        self.items.append(item)
        return item

    def stop_all(self) -> None:
        for item in reversed(self.items):
            try:
                item.stop()
            except Exception as error:  # keep stopping the others
                print(f"chaos: could not stop {item!r}: {error}", file=sys.stderr)
        self.items.clear()


class OwnPostgres:
    """A PostgreSQL cluster of the suite's own: `initdb` in a temporary directory, `pg_ctl` on a
    free port, run as the `postgres` user when the suite runs as root. Stopped and restarted at
    will through its own data directory; its postmaster PID is read from that directory."""

    def __init__(self, base: Path):
        self.base = base
        self.data = base / "pgdata"
        self.socket_dir = base / "pgsocket"
        self.log = base / "postgres.log"
        self.port = free_port()
        self.bin = self._bindir()
        self.user = "postgres" if os.geteuid() == 0 else None

    def __repr__(self) -> str:
        return f"<PostgreSQL on port {self.port}>"

    @staticmethod
    def _bindir() -> Path:
        found = shutil.which("pg_ctl")
        if found:
            return Path(os.path.realpath(found)).parent
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not versions:
            raise RuntimeError("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
        return versions[-1].parent

    def _run(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=timeout)

    def init(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if self.user:
            entry = pwd.getpwnam(self.user)
            for path in (self.base, self.socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '{HOST}'\nunix_socket_directories = '{self.socket_dir}'\n"
                # Commits are as durable as in production against a crash of the server process
                # (which is what the suite inflicts): written before they are acknowledged. Only
                # the flush to disk, which matters if the machine itself fails, is left out.
                "fsync = off\nfull_page_writes = off\nmax_connections = 200\n"
                "shared_buffers = 128MB\n"
            )

    @property
    def pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")
        wait_for(lambda: port_open(self.port), timeout=30, what="our PostgreSQL to listen")

    def crash(self) -> None:
        """Stop at once, as a crash or a failover would: every connection breaks."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)

    def stop(self) -> None:
        pid = self.pid
        if alive(pid):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False, timeout=30)
        if alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def url(self, database: str) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        """A statement outside any transaction (CREATE/DROP DATABASE), on the maintenance database."""
        import psycopg

        with psycopg.connect(host=HOST, port=self.port, user="postgres", dbname="postgres", autocommit=True) as c:
            c.execute(sql)


class OwnRedis:
    """A Redis of the suite's own on a free port (nothing saved to disk), started and stopped by its PID."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.paused = False

    def __repr__(self) -> str:
        return f"<Redis on port {self.port}>"

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            ["redis-cli", "-h", HOST, "-p", str(self.port), *args], capture_output=True, text=True, timeout=5
        )
        return done.stdout.strip()

    def up(self) -> bool:
        try:
            return self.cli("ping") == "PONG"
        except (OSError, subprocess.TimeoutExpired):
            return False

    def start(self) -> None:
        if not shutil.which("redis-server"):
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.process = subprocess.Popen(
            ["redis-server", "--bind", HOST, "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.up, timeout=15, what="our Redis to start")

    def kill(self) -> None:
        """SIGKILL: whatever the queues held is gone (no persistence)."""
        if self.process and self.process.poll() is None:
            if self.paused:
                self.resume()
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def pause(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        if self.process and self.paused:
            os.kill(self.process.pid, signal.SIGCONT)
        self.paused = False

    def stop(self) -> None:
        self.kill()


class CeleryProcess:
    """`celery -A cms worker` (prefork) or `celery -A cms beat`, in a process group of its own so
    that the whole worker, pool included, is killed by its PID."""

    def __init__(self, name: str, args: list[str], env: dict, log: Path):
        self.name, self.args, self.env, self.log = name, args, env, log
        self.process: subprocess.Popen | None = None

    def __repr__(self) -> str:
        return f"<{self.name} {self.process.pid if self.process else '(stopped)'}>"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self, ready: bytes | None) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        self.process = subprocess.Popen(
            [CELERY, "-A", "cms", *self.args],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if ready:

            def started():
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited: {self.log.read_text(errors='replace')[-3000:]}")
                with self.log.open("rb") as f:
                    f.seek(offset)
                    return ready in f.read()

            wait_for(started, timeout=90, what=f"the {self.name} to start")

    def children(self) -> list[int]:
        """The pool processes of a worker (the children of its main process)."""
        if not self.process:
            return []
        try:
            out = subprocess.run(
                ["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True
            ).stdout
        except OSError:
            return []
        return [int(p) for p in out.split()]

    def signal_group(self, sig: int) -> None:
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        self.signal_group(signal.SIGKILL)
        if self.process:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        self.process = None

    def stop(self) -> None:
        """A warm shutdown (SIGTERM), then SIGKILL for whatever is left of the group."""
        if self.process and self.process.poll() is None:
            self.signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        if self.process:
            # Pool processes outlive their parent for a moment; the group goes with them.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        self.process = None
