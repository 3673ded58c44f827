"""`make bench`: the hot paths at city and national scale, their floors, and the load test.

Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://root@127.0.0.1:5432; the databases
lc_bench_city and lc_bench_national are created and filled on first use, then reused). Prints:
queries, median and p95 at both scales with the ratio national/city, each national median as a
multiple of its floors (the same aggregate in raw SQL through psycopg; a bare Django view
returning a constant JSON), the yearly report compile, the 10,000-row import, then a load test
(locust, 20 users arriving two a second for 60 s against gunicorn with 2 workers) and the
targets, met or missed.
"""

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://root@127.0.0.1:5432")
SCALES = {"city": "79", "national": ""}  # the PORTAL_PROVINCE_CODE of each
LOAD_USERS = int(os.environ.get("BENCH_LOAD_USERS", "20"))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
# Users arriving per second: people sign in over some seconds, not all in the same one (each
# sign-in hashes a password for some 0.4 s of CPU, which twenty at once queue behind).
LOAD_SPAWN_RATE = float(os.environ.get("BENCH_LOAD_SPAWN_RATE", "2"))
TARGET_MEDIAN_MS, TARGET_P95_MS = 150, 300
TARGET_COMPILE_S, TARGET_IMPORT_S = 20, 30
TARGET_LOAD_P95_MS = 500
PYTHON = sys.executable


def _env(scale: str, **extra) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/lc_bench_{scale}",
        "PORTAL_PROVINCE_CODE": SCALES[scale],
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "LOG_LEVEL": "WARNING",
        # The load test is 20 users of two accounts: the per-user API rate would refuse them.
        "API_THROTTLE_USER": "1000000/minute",
        **extra,
    }


def _ready(scale: str) -> bool:
    """The data set exists and was generated to the end (the last step writes the dossiers)."""
    try:
        with psycopg.connect(f"{SERVER}/lc_bench_{scale}") as connection:
            return bool(connection.execute("SELECT count(*) FROM awards_dossier").fetchone()[0])
    except psycopg.Error:
        return False


def prepare(scale: str) -> None:
    if _ready(scale):
        # Kept from an earlier run: migrated and brought up to date with what was added since.
        env = _env(scale)
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [PYTHON, "-m", "bench.generate", "--scale", scale, "--update"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        return
    print(f"Generating the {scale} data set (once; it is kept in lc_bench_{scale})...", flush=True)
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS lc_bench_{scale}")
        connection.execute(f"CREATE DATABASE lc_bench_{scale}")
    env = _env(scale)
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PYTHON, "-m", "bench.generate", "--scale", scale], cwd=ROOT, env=env, check=True
    )


def measure(scale: str) -> dict:
    print(f"Measuring at {scale} scale...", flush=True)
    done = subprocess.run(
        [PYTHON, "-m", "bench.measure"],
        cwd=ROOT,
        env=_env(scale),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(done.stdout)


# --- load ---------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def start_portal(scale: str, port: int, workers: int = 2) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "learningcity.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=_env(scale),
        stdout=subprocess.DEVNULL,  # its access log: one line per request, written as in production
    )
    _wait_for(f"http://127.0.0.1:{port}/healthz")
    return process


def load(host: str) -> dict:
    """Run the locust mix against ``host``; the aggregated figures and the error count."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = f"{folder}/load"
        subprocess.run(
            [
                PYTHON,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(LOAD_USERS),
                "--spawn-rate",
                str(LOAD_SPAWN_RATE),
                "--run-time",
                f"{LOAD_SECONDS}s",
                "--host",
                host,
                "--csv",
                prefix,
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            check=False,  # locust exits 1 when any request failed; the figures say so
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # its own summary; the figures are read from the CSV
        )
        with open(f"{prefix}_stats.csv", newline="") as stats:
            rows = {row["Name"]: row for row in csv.DictReader(stats)}
    total = rows["Aggregated"]
    return {
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
    }


HAPROXY_CONFIG = """
global
    maxconn 512
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend portal
    bind 127.0.0.1:{port}
    default_backend web
backend web
    balance roundrobin
{servers}
"""


def start_proxy(port: int, backends: list[int], folder: str) -> subprocess.Popen:
    """haproxy (Debian's package) balancing over the portal instances on ``backends``."""
    servers = "\n".join(f"    server web{i} 127.0.0.1:{p}" for i, p in enumerate(backends))
    config = Path(folder) / f"haproxy-{len(backends)}.cfg"
    config.write_text(HAPROXY_CONFIG.format(port=port, servers=servers))
    process = subprocess.Popen(["haproxy", "-f", str(config)])
    _wait_for(f"http://127.0.0.1:{port}/healthz")
    return process


def scale_out() -> list[dict] | None:
    """The load mix through the proxy to 1, then 2 instances (each gunicorn with 2 workers)."""
    if not shutil.which("haproxy"):
        print("Scale-out skipped: apt-get install haproxy")
        return None
    ports = [_free_port(), _free_port()]
    portals = [start_portal("national", port) for port in ports]
    results = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            for count in (1, 2):
                front = _free_port()
                proxy = start_proxy(front, ports[:count], folder)
                try:
                    results.append(load(f"http://127.0.0.1:{front}"))
                finally:
                    proxy.terminate()
                    proxy.wait(timeout=30)
    finally:
        for portal in portals:
            portal.terminate()
            portal.wait(timeout=30)
    return results


# --- report -------------------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def print_paths(results: dict) -> list[str]:
    city, national = results["city"], results["national"]
    missed = []
    print()
    print(
        f"{'hot path':34} {'queries c/n':>11} {'city med/p95 ms':>16} "
        f"{'national med/p95 ms':>20} {'n/c':>5} {'x SQL':>6} {'x JSON':>6}  target"
    )
    json_floor = national["json_floor"]["median_ms"]
    for name, n in national["paths"].items():
        c = city["paths"][name]
        sql_floor = national["sql_floors"][n["floor"]]["median_ms"]
        ok = (
            n["queries"] == c["queries"]
            and n["median_ms"] < TARGET_MEDIAN_MS
            and n["p95_ms"] < TARGET_P95_MS
        )
        if not ok:
            missed.append(name)
        print(
            f"{name:34} {c['queries']:>5}/{n['queries']:<5} "
            f"{c['median_ms']:>7.1f}/{c['p95_ms']:<8.1f} "
            f"{n['median_ms']:>8.1f}/{n['p95_ms']:<11.1f}"
            f"{n['median_ms'] / c['median_ms']:>5.1f} {n['median_ms'] / sql_floor:>6.1f} "
            f"{n['median_ms'] / json_floor:>6.0f}  {_verdict(ok)}"
        )
    print(
        f"\nFloors (national): constant JSON view {json_floor:.2f} ms median; raw SQL medians: "
        + ", ".join(f"{k} {v['median_ms']:.2f} ms" for k, v in national["sql_floors"].items())
    )
    print(
        f"Targets: the same queries at both scales; national median < {TARGET_MEDIAN_MS} ms and "
        f"p95 < {TARGET_P95_MS} ms."
    )
    compile_city = city["compile"]["median_ms"] / 1000
    compile_national = national["compile"]["median_ms"] / 1000
    ok = compile_national < TARGET_COMPILE_S
    missed += [] if ok else ["yearly report compile"]
    print(
        f"\nYearly city report compile (XLSX + DOCX): city {compile_city:.2f} s, national "
        f"{compile_national:.2f} s (median of {national['compile']['n']}); "
        f"target < {TARGET_COMPILE_S} s: {_verdict(ok)}"
    )
    imported = national["import"]
    if imported:
        seconds = imported["median_ms"] / 1000
        ok = seconds < TARGET_IMPORT_S
        missed += [] if ok else ["10,000-row import"]
        print(
            f"10,000-row XLSX import (the Department's centre registry, checked and written, "
            f"then rolled back as a preview): {seconds:.1f} s, {imported['queries']} queries; "
            f"target < {TARGET_IMPORT_S} s: {_verdict(ok)}"
        )
    for scale in ("city", "national"):
        rows = results[scale]["rows"]
        print(f"{scale} data set: " + ", ".join(f"{v:,} {k}" for k, v in rows.items()))
    return missed


def print_load(figures: dict, label: str) -> bool:
    ok = figures["errors"] == 0 and figures["p95"] < TARGET_LOAD_P95_MS
    print(
        f"{label}: {figures['requests']} requests, {figures['rps']:.1f}/s, p50 {figures['p50']:.0f}"
        f" ms, p95 {figures['p95']:.0f} ms, p99 {figures['p99']:.0f} ms, {figures['errors']} "
        f"errors; target 0 errors and p95 < {TARGET_LOAD_P95_MS} ms: {_verdict(ok)}"
    )
    return ok


def main() -> int:
    results = {}
    for scale in SCALES:
        prepare(scale)
        results[scale] = measure(scale)
    missed = print_paths(results)

    print(
        f"\nLoad: {LOAD_USERS} users ({LOAD_SPAWN_RATE:g} arriving per second, each signing in) "
        f"for {LOAD_SECONDS} s, national data set, gunicorn with 2 workers on loopback (locust "
        "runs on the same 2 cores)...",
        flush=True,
    )
    port = _free_port()
    portal = start_portal("national", port)
    try:
        figures = load(f"http://127.0.0.1:{port}")
    finally:
        portal.terminate()
        portal.wait(timeout=30)
    if not print_load(figures, "Load"):
        missed.append("load")

    print("\nScale-out: the same mix through haproxy to 1, then 2 portal instances...", flush=True)
    scaled = scale_out()
    if scaled:
        one, two = scaled
        print_load(one, "1 instance behind the proxy")
        print_load(two, "2 instances behind the proxy")
        print(
            f"Throughput 2/1: {two['rps'] / one['rps']:.2f}; "
            f"p95 2/1: {two['p95'] / one['p95']:.2f}."
            " All processes share this machine's 2 cores (the load generator and PostgreSQL"
            " too), so a second instance adds workers, not CPU: a ratio near 1 means the cores"
            " are the limit; across hosts each instance brings its own."
        )
    print("\nAll targets met." if not missed else f"\nTargets missed: {', '.join(missed)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
