"""The production-shaped stack the benchmarks run against, started and stopped by them.

gunicorn (``DJANGO_ENV=production``; workers and threads as production has them, from
``gunicorn.conf.py``), a Celery worker and an aiosmtpd sink are processes of the
benchmark's own; PostgreSQL and Redis are this machine's servers, used through a database
(``nmhwdc_bench``, made fresh each run) and two Redis databases of the benchmark's own.
Everything listens and is reached on 127.0.0.1.
"""

import asyncio
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nmhwdc_bench"
)
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")
# Databases 5 and 6 of this machine's Redis: the cache and the broker, emptied each run.
CACHE_URL = f"{REDIS}/5"
BROKER_URL = f"{REDIS}/6"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(smtp_port):
    """The production settings for loopback HTTP, with a secret key made for this run."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_ENV": "production",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Loopback HTTP: no redirect to https, and no HSTS sent to the browser that is not there.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": DATABASE_URL,
        "CACHE_URL": CACHE_URL,
        "CELERY_BROKER_URL": BROKER_URL,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "STATIC_ROOT": str(Path(tempfile.gettempdir()) / "nmhwdc-bench-static"),
        "LOG_LEVEL": "WARNING",
    }


def recreate_database():
    """Drop and create the benchmark's database; the PostgreSQL user must be allowed to."""
    import psycopg

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def empty_redis():
    import redis

    for url in (CACHE_URL, BROKER_URL):
        redis.Redis.from_url(url).flushdb()


def versions():
    """PostgreSQL's and Redis's versions, as the servers report them."""
    import psycopg
    import redis

    with psycopg.connect(DATABASE_URL.replace("postgres://", "postgresql://")) as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0]
    return postgres, redis.Redis.from_url(CACHE_URL).info()["redis_version"]


class Processes:
    """The processes a run starts; each in its own group, stopped with its children."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.running = {}

    def start(self, name, command, env):
        log = (self.folder / f"{name}.log").open("wb")
        self.running[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self.running[name]

    def check(self, name):
        process = self.running[name]
        if process.poll() is not None:
            log = (self.folder / f"{name}.log").read_text(errors="replace")[-2000:]
            raise SystemExit(f"{name} stopped (exit {process.returncode}):\n{log}")

    def stop(self, name):
        process = self.running.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self):
        for name in list(self.running):
            self.stop(name)


def start_smtp(processes, port):
    """An SMTP server that accepts everything and keeps nothing."""
    processes.start(
        "smtp",
        [PYTHON, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"],
        {},
    )
    _wait_for_port(processes, "smtp", port)


def start_worker(processes, env):
    processes.start(
        "celery",
        [
            str(Path(PYTHON).parent / "celery"),
            "-A",
            "collaborative",
            "worker",
            "--loglevel",
            "WARNING",
            "--concurrency",
            "2",
            "--without-gossip",
            "--without-mingle",
        ],
        env,
    )


def start_gunicorn(processes, env, port):
    """gunicorn as production runs it: workers and threads come from ``gunicorn.conf.py``."""
    processes.start(
        "gunicorn",
        [
            PYTHON,
            "-m",
            "gunicorn",
            "collaborative.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        processes.check("gunicorn")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/", timeout=10):
                return
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 60 s")


def gunicorn_workers(processes):
    """The worker processes' ids: the children of gunicorn's master."""
    master = processes.running["gunicorn"].pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def rss_mb(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def _wait_for_port(processes, name, port):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        processes.check(name)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{name} did not listen on {port} within 30 s")


# Load: wrk when installed, else a small keep-alive client of our own.

WRK = shutil.which("wrk")


def load(url, seconds, connections, cookie=None):
    """Requests per second, median latency in ms, and how many requests did not get a 200."""
    if WRK:
        return _wrk(url, seconds, connections, cookie)
    return asyncio.run(_python_load(url, seconds, connections, cookie))


def _wrk(url, seconds, connections, cookie):
    command = [WRK, "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    median = _wrk_duration(re.search(r"50%\s+([\d.]+\w+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    # wrk counts 2xx and 3xx as answered; a redirect would time the wrong page, so
    # pages are checked for a 200 before they are loaded.
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: .*timeout (\d+)", output)
    failed = (int(bad.group(1)) if bad else 0) + (int(errors.group(1)) if errors else 0)
    return {"rate": rate, "p50": median, "requests": total, "failed": failed}


def _wrk_duration(text):
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


async def _python_load(url, seconds, connections, cookie):
    parts = urlsplit(url)
    request = (
        f"GET {parts.path or '/'}{'?' + parts.query if parts.query else ''} HTTP/1.1\r\n"
        f"Host: {parts.netloc}\r\n" + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n"
    ).encode()
    deadline = time.perf_counter() + seconds
    latencies, failed = [], 0

    async def connection():
        nonlocal failed
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - started) * 1000)
            failed += not head.startswith(b"HTTP/1.1 200")
            if re.search(rb"(?i)connection: close", head):
                writer.close()
                reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    return {
        "rate": len(latencies) / elapsed,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "requests": len(latencies),
        "failed": failed,
    }
