"""The production server on the loopback, for the throughput and load benchmarks.

gunicorn with config/gunicorn.conf.py and config.settings.production, on the benchmark
database; wrk (Debian's package) as the client. A reader's session is created directly in the
session store, so that the load starts signed in.
"""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE_URL = f"http://127.0.0.1:{PORT}"
WRK_SCRIPT = Path(__file__).with_name("wrk_status.lua")


def production_environment(workers: int) -> dict[str, str]:
    """The environment of a production server on this machine (docs/deployment.md)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/conv_bench"
        ),
        "SECRET_KEY": os.environ.get("SECRET_KEY", secrets.token_urlsafe(50)),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": "/tmp/conventions-unml-bench-static",
        "CACHE_DIR": "/tmp/conventions-unml-bench-cache",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_ACCESS_LOG": "/tmp/conventions-unml-bench-access.log",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    return env


def setup_django(workers: int) -> dict[str, str]:
    env = production_environment(workers)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return env


def signed_in_cookie(username: str, role: str) -> str:
    """A session for `username` (created with `role` if missing), as a Cookie header value."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    from accounts.roles import sync_roles

    user, _ = get_user_model().objects.get_or_create(username=username)
    user.groups.add(sync_roles()[role])
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


# Behind nginx, which says the client spoke HTTPS (SECURE_PROXY_SSL_HEADER).
def headers(cookie: str) -> dict[str, str]:
    return {"Cookie": cookie, "X-Forwarded-Proto": "https", "Host": "127.0.0.1"}


class Server:
    """`with Server(env) as server:` runs gunicorn for the block."""

    def __init__(self, env: dict[str, str]):
        self.env = env

    def __enter__(self):
        shutil.rmtree(self.env["CACHE_DIR"], ignore_errors=True)
        Path(self.env["GUNICORN_ACCESS_LOG"]).write_text("")  # this run's requests only
        subprocess.run(
            [VENV / "python", "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        self.log = open("/tmp/conventions-unml-bench-gunicorn.log", "w")
        self.process = subprocess.Popen(
            [VENV / "gunicorn", "--config", "config/gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start: see /tmp/conventions-unml-bench-gunicorn.log")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=60)
        self.log.close()

    def server_errors(self) -> int:
        """Lines of gunicorn's log that report a 5xx or a worker killed (timeouts)."""
        log = Path("/tmp/conventions-unml-bench-gunicorn.log").read_text()
        access = Path(self.env["GUNICORN_ACCESS_LOG"]).read_text()
        killed = len(re.findall(r"WORKER TIMEOUT|Worker .* was sent", log))
        return killed + len(re.findall(r'" 5\d\d ', access))


def fetch(path: str, cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(BASE_URL + path, headers=headers(cookie))
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode()


@dataclass
class WrkResult:
    requests_per_second: float
    latency_p50_ms: float
    latency_p99_ms: float
    ok: int
    other: int
    socket_errors: int
    output: str


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(path: str, cookie: str, *, connections: int, seconds: int, delay_ms: int = 0) -> WrkResult:
    """wrk on `path`; each connection waits `delay_ms` between its requests (0: none)."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "30s"]
    command += ["-s", str(WRK_SCRIPT)]
    for name, value in headers(cookie).items():
        command += ["-H", f"{name}: {value}"]
    command.append(BASE_URL + path)
    env = {**os.environ, "WRK_DELAY_MS": str(delay_ms)}
    output = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    statuses = re.search(r"STATUS ok=(\d+) other=(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        latency_p50_ms=to_ms(re.search(r"\s50%\s+(\S+)", output).group(1)),
        latency_p99_ms=to_ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
        ok=int(statuses.group(1)),
        other=int(statuses.group(2)),
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
        output=output,
    )
