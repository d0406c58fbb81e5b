"""A throwaway PostgreSQL server for the tests and benchmarks: the Debian `postgresql` package's
initdb and pg_ctl, a temporary folder, a free port on loopback, its unix socket in that folder,
stopped and removed at the end.

PostgreSQL refuses to run as root: as root the server's files belong to `nobody` and initdb and
pg_ctl run through runuser. Clients connect over TCP to 127.0.0.1 with a password (SCRAM) read
from a private passfile (libpq's ~/.pgpass format), never from the URL.

    with ThrowawayServer() as server:
        url = server.create_database("t1")   # postgresql://ocrebill@127.0.0.1:PORT/t1?passfile=

Run as a script it starts one and prints its URL until interrupted (for trying things by hand).
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SUPERUSER = "ocrebill"


def find_binaries() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, else the newest Debian/Ubuntu install."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(versions[-1]).parent if versions else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerUnavailable(RuntimeError):
    """No PostgreSQL binaries here, or the server would not start (the message says why)."""


class ThrowawayServer:
    def __init__(self, *, durable: bool = False):
        # durable False: fsync off (the tests kill clients, never the server); the benchmarks
        # keep PostgreSQL's defaults, as a clinic's server has them.
        self.durable = durable
        self.bin = find_binaries()
        self.root: Path | None = None
        self.port = 0
        self.password = secrets.token_urlsafe(18)
        self._watchdog: subprocess.Popen | None = None

    # --- running as the server's owner ----------------------------------------------------

    def _as_owner(self, *command: str) -> list[str]:
        if os.geteuid() != 0:
            return list(command)
        return ["runuser", "-u", "nobody", "--", *command]

    def _run(self, *command: str, timeout: float = 120) -> None:
        done = subprocess.run(self._as_owner(*command), capture_output=True, text=True,
                              timeout=timeout, cwd=self.root)
        if done.returncode != 0:
            raise ServerUnavailable(f"{Path(command[0]).name} failed: "
                                    f"{(done.stderr or done.stdout).strip()[-2000:]}")

    def start(self) -> ThrowawayServer:
        if self.bin is None:
            raise ServerUnavailable("PostgreSQL is not installed (Debian: apt-get install "
                                    "postgresql; scripts/bootstrap --test does it)")
        self.root = Path(tempfile.mkdtemp(prefix="ocrebill-pg-"))
        data, pwfile = self.root / "data", self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        if os.geteuid() == 0:
            import pwd

            owner = pwd.getpwnam("nobody")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            os.chown(pwfile, owner.pw_uid, owner.pw_gid)
        self._run(str(self.bin / "initdb"), "-D", str(data), "-U", SUPERUSER,
                  "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}",
                  "--encoding=UTF8", "--locale=C", "--no-sync")
        pwfile.unlink()
        self.port = free_port()
        options = [f"-p {self.port}", f"-k {self.root}", "-c listen_addresses=127.0.0.1",
                   "-c max_connections=100"]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(self.root / "log"),
                  "-w", "-t", "60", "-o", " ".join(options), "start")
        self._watch()
        passfile = self.passfile
        passfile.parent.mkdir(mode=0o700)
        passfile.write_text(f"127.0.0.1:{self.port}:*:{SUPERUSER}:{self.password}\n")
        passfile.chmod(0o600)
        return self

    def _watch(self) -> None:
        """A watchdog that stops and removes the server once this process is gone, even
        killed (a test run stopped by a timeout or SIGKILL leaves no server behind)."""
        assert self.root is not None and self.bin is not None
        stop = " ".join(self._as_owner(str(self.bin / "pg_ctl"), "-D", str(self.root / "data"),
                                       "-m", "immediate", "-w", "stop"))
        script = (f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 2; done; "
                  f"if [ -d '{self.root}' ]; then {stop} >/dev/null 2>&1; "
                  f"rm -rf '{self.root}'; fi")
        self._watchdog = subprocess.Popen(["sh", "-c", script], start_new_session=True,
                                          stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL)

    @property
    def passfile(self) -> Path:
        """The client's passfile (this user's, 0600 in a 0700 folder, as libpq wants it)."""
        assert self.root is not None
        return self.root / "client" / "pgpass"

    def url(self, database: str = "postgres") -> str:
        return (f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"
                f"?passfile={self.passfile}")

    def admin(self):
        """A psycopg connection to the maintenance database (autocommit)."""
        import psycopg

        return psycopg.connect(self.url(), autocommit=True)

    def create_database(self, name: str, template: str | None = None) -> str:
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"'
                         + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self._watchdog is not None:  # stopped here: the watchdog is not needed
            self._watchdog.kill()
            self._watchdog.wait()
            self._watchdog = None
        if self.root is None:
            return
        if self.bin is not None and (self.root / "data" / "postmaster.pid").exists():
            try:
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-m",
                          "immediate", "-w", "stop", timeout=60)
            except (ServerUnavailable, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def __enter__(self) -> ThrowawayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":
    with ThrowawayServer(durable="--durable" in sys.argv) as server:
        print(server.url(), flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
