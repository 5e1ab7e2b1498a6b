"""Gongzhi benchmark: report intake over HTTP against a floor, and queue/dashboard queries at scale.

    uv run python bench/run.py [--db postgres|sqlite] [--cases 1000000] [--seconds 10] [--only http|scale]

The PostgreSQL database is GONGZHI_BENCH_DB (default gongzhi_bench); it is dropped and created
again by the HTTP part. `--only scale` reuses it (and the cases already generated in it).

Everything is measured in the same run on the same machine, and printed as ratios against a
floor measured alongside:
- HTTP: the production server (`gongzhi serve`, gunicorn) with wrk on loopback (8 connections).
  Floor: a view on the same server that inserts one row. Intake: POST /api/v1/cases/ with
  `Prefer: respond-async` (a resident's report checked and queued, 202; cases/intake.py), and
  the same report registered at once (validation, routing, deadlines, timeline, audit,
  notifications; 201). Then one worker process registers the queue for as many seconds, and
  its rate is printed.
- Scale (PostgreSQL): N synthetic cases are generated in SQL, then a unit's first queue page
  (selectors.case_queue) and the dashboard (three rates per unit over a district) are timed
  in-process; floor: fetching one case by primary key.
- Routing suggestion latency, when a trained model exists.
Targets (issue 4): intake ≥ 0.7 × floor; queue p95 ≤ 50 ms and dashboard p95 ≤ 200 ms at 1 M
cases; suggestion ≤ 5 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
BENCH_DB = os.environ.get("GONGZHI_BENCH_DB", "gongzhi_bench")
ASYNC = "respond-async"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def env_for(db: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "GONGZHI_TESTING"}}
    env.update(
        GONGZHI_DATA_DIR=str(data_dir),
        SECRET_KEY=secrets.token_urlsafe(40),
        SECURE_SSL="false",
        PYTHONPATH=f"{ROOT / 'bench'}{os.pathsep}{env.get('PYTHONPATH', '')}",
        DJANGO_SETTINGS_MODULE="benchsite.settings",
        AXES_FAILURE_LIMIT="1000",
        # One user posting hundreds of reports a second is rightly throttled (429): the bench
        # measures intake itself, so the API's rate limits are off on its server.
        GONGZHI_API_RATE_USER="",
        GONGZHI_API_RATE_ANON="",
        GONGZHI_API_RATE_WRITE="",
    )
    if db == "postgres":
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}"
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "gongzhi.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(f"gongzhi {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def pg_exists() -> bool:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        return bool(
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        )


def prepare(db: str, env: dict[str, str]) -> dict[str, str]:
    if db == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    manage(env, "migrate", "-v0")
    script = """
import json
from django.db import connection
from rest_framework.authtoken.models import Token
from gongzhi.accounts.models import User
from gongzhi.cases.models import Category
from gongzhi.demo.loader import demo_load
demo_load()
from gongzhi.cases.suggest_model import router_train
from gongzhi.demo.history import demo_history_load
demo_history_load(count=400)  # a realistic history to train the router on (suggestion timing)
router_train()
with connection.cursor() as c:
    c.execute("CREATE TABLE IF NOT EXISTS bench_floor (id %s, body VARCHAR(200))" % (
        "BIGSERIAL PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY AUTOINCREMENT"))
user = User.objects.get(username="zhangwei")
place = user.grants.get(role="resident").place
token, _ = Token.objects.get_or_create(user=user)
print(json.dumps({"token": token.key, "place": place.pk, "category": Category.objects.get(code="property.leak").pk}))
"""
    out = manage(env, "shell", "-c", script)
    return json.loads(out.strip().splitlines()[-1])


def wrk(url: str, body: str, token: str, seconds: int, prefer: str = "") -> dict[str, float]:
    env = {**os.environ, "BENCH_BODY": body, "BENCH_TOKEN": token, "BENCH_PREFER": prefer}
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c8",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "30s",
            "-s",
            str(ROOT / "bench" / "post.lua"),
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    text = result.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]

    def pct(p: str) -> float:
        match = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", text, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    timeouts = re.search(r"timeout (\d+)", text)
    return {
        "rps": rps,
        "p50": pct("50"),
        "p99": pct("99"),
        "errors": float(non2xx.group(1)) if non2xx else 0.0,
        "timeouts": float(timeouts.group(1)) if timeouts else 0.0,
    }


def http_bench(db: str, seconds: int, workers: int, threads: int) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="gongzhi-bench-"))
    env = env_for(db, data_dir)
    info = prepare(db, env)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gongzhi.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        report = json.dumps(
            {
                "category": info["category"],
                "nature": "complaint",
                "title": "楼道天花板渗水",
                "description": "2栋3楼楼道天花板一直渗水，墙面发霉脱落，下雨天更严重。",
                "place": info["place"],
            },
            ensure_ascii=False,
        )
        wrk(f"{base}/bench/floor/", "{}", "", 2)  # warm up both
        wrk(f"{base}/api/v1/cases/", report, info["token"], 2, ASYNC)
        floor = wrk(f"{base}/bench/floor/", '{"a": 1}', "", seconds)
        intake = wrk(f"{base}/api/v1/cases/", report, info["token"], seconds, ASYNC)
        sync = wrk(f"{base}/api/v1/cases/", report, info["token"], seconds)
        server.terminate()
        server.wait(timeout=30)
        registration = register_queued(env, seconds)
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    print(
        f"\n== HTTP on {db} (gunicorn {workers} workers × {threads} threads, wrk 2 threads × 8 connections, {seconds} s)"
    )
    for name, r in (
        ("floor (insert one row)", floor),
        ("intake (queued, respond-async)", intake),
        ("report registered at once", sync),
    ):
        print(
            f"{name:32} {r['rps']:8.0f} req/s   p50 {r['p50']:7.2f} ms   p99 {r['p99']:7.2f} ms   non-2xx {r['errors']:.0f}"
            f"   timeouts {r['timeouts']:.0f}"
        )
    print(f"intake / floor = {intake['rps'] / floor['rps']:.2f}  (target ≥ 0.70)")
    print(f"registered at once / floor = {sync['rps'] / floor['rps']:.2f}")
    print(
        f"worker registering queued reports: {registration['rate']:.0f} cases/s "
        f"(one process, {registration['registered']:.0f} in {registration['seconds']:.1f} s, "
        f"{registration['rejected']:.0f} rejected; {registration['left']:.0f} still queued)"
    )


def register_queued(env: dict[str, str], seconds: int) -> dict[str, float]:
    """What one worker process registers of the queue in `seconds` (the worker's own loop)."""
    script = f"""
import json, time
from gongzhi.cases.intake import intake_register_queued
from gongzhi.cases.models import Intake
done = {{"registered": 0, "rejected": 0}}
start = time.perf_counter()
while time.perf_counter() - start < {seconds}:
    step = intake_register_queued(limit=50)
    for key in done:
        done[key] += step[key]
    if not sum(step.values()):
        break
elapsed = time.perf_counter() - start
left = Intake.objects.filter(state="queued").count()
print(json.dumps({{**done, "seconds": elapsed, "left": left,
                   "rate": done["registered"] / elapsed}}))
"""
    out = manage(env, "shell", "-c", script)
    return {k: float(v) for k, v in json.loads(out.strip().splitlines()[-1]).items()}


def timed(fn, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(
    name: str, samples: list[float], floor_p50: float | None = None, target: float | None = None
) -> None:
    samples = sorted(samples)
    p50 = statistics.median(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    ratio = f"  ({p50 / floor_p50:6.1f} × floor)" if floor_p50 else ""
    goal = f"  target p95 ≤ {target:.0f} ms" if target else ""
    print(f"{name:40} p50 {p50:8.2f} ms   p95 {p95:8.2f} ms{ratio}{goal}")


def generate_cases(count: int) -> None:
    """Insert `count` synthetic cases in one SQL statement (PostgreSQL), spread over a year."""
    from django.db import connection

    from gongzhi.accounts.models import Unit
    from gongzhi.cases.models import Case, Category
    from gongzhi.places.choices import PlaceLevel
    from gongzhi.places.models import Place

    places = list(
        Place.objects.filter(
            level__in=[PlaceLevel.BUILDING, PlaceLevel.COURTYARD, PlaceLevel.COMMUNITY]
        )
        .filter(path__startswith=Place.objects.get(code="510106").path)
        .values_list("id", "path")[:400]
    )
    units = list(Unit.objects.order_by("id").values_list("id", flat=True))
    categories = list(Category.objects.values_list("id", flat=True))
    states = ["closed"] * 14 + [
        "resolved",
        "dispatched",
        "accepted",
        "in_progress",
        "escalated",
        "returned",
    ]
    place_ids = ",".join(str(p[0]) for p in places)
    place_paths = ",".join(f"'{p[1]}'" for p in places)
    sql = f"""
    INSERT INTO cases_case (number, channel, reporter_id, registered_by_id, contact_name, contact_phone,
        contact_detail, reporter_may_be_named, category_id, nature, urgency, title, description, answers,
        place_id, place_path, address, state, unit_id, first_receiver_id, escalation_level, return_count,
        needs_supervision, escalation_exhausted, submitted_at, dispatched_at, accept_due_at, accepted_at,
        resolve_due_at, resolved_at, resolution, updated_at, reopen_count, rating, close_reason, solved,
        accepted_on_time, handling_workdays)
    SELECT 'B' || i, 'web', NULL, NULL, '', '', '', false,
        (ARRAY[{",".join(map(str, categories))}])[1 + i % {len(categories)}],
        'complaint', 'normal', '合成诉求 ' || i, '用于基准测试的合成诉求', '{{}}'::jsonb,
        (ARRAY[{place_ids}])[1 + i % {len(places)}], (ARRAY[{place_paths}])[1 + i % {len(places)}], '',
        st, (ARRAY[{",".join(map(str, units))}])[1 + (i / 7) % {len(units)}],
        (ARRAY[{",".join(map(str, units))}])[1 + (i / 7) % {len(units)}], 0, 0, false, false,
        t, t, t + interval '1 day', t + interval '2 hours', t + interval '13 days',
        CASE WHEN st IN ('closed', 'resolved') THEN t + interval '3 days' END, '', t, 0,
        CASE WHEN st = 'closed' THEN (ARRAY['satisfied','satisfied','mostly_satisfied','dissatisfied'])[1 + i % 4] ELSE '' END,
        CASE WHEN st = 'closed' THEN 'rated' ELSE '' END,
        CASE WHEN st = 'closed' THEN i % 5 <> 0 END, i % 6 <> 0,
        CASE WHEN st IN ('closed', 'resolved') THEN 3 END
    FROM (
        SELECT i, now() - (i % 525600) * interval '1 minute' AS t,
               (ARRAY[{",".join(f"'{x}'" for x in states)}])[1 + i % {len(states)}] AS st
        FROM generate_series(1, {count}) AS i
    ) AS g
    """
    before = Case.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        # What autovacuum does to a table after a bulk load: statistics and the visibility map.
        cursor.execute("VACUUM ANALYZE cases_case")
    print(f"generated {Case.objects.count() - before:,} cases (total {Case.objects.count():,})")


def scale_bench(count: int, runs: int) -> None:
    os.environ.update(env_for("postgres", Path(tempfile.mkdtemp(prefix="gongzhi-bench-"))))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from django.db import reset_queries

    from gongzhi.accounts.models import Unit, User
    from gongzhi.cases import rates, selectors
    from gongzhi.cases.models import Case
    from gongzhi.places.models import Place

    if Case.objects.count() < count:
        generate_cases(count - Case.objects.count())
    unit = Unit.objects.get(name="新桥社区居民委员会")
    member = User.objects.get(username="liuyang")
    district = Place.objects.get(code="510106")
    some_id = Case.objects.order_by("-id").values_list("id", flat=True).first()
    print(f"\n== Queries on PostgreSQL at {Case.objects.count():,} cases ({runs} runs each)")
    floor = timed(lambda: list(Case.objects.filter(pk=some_id)), runs)
    summary("floor: one case by primary key", floor)
    f50 = statistics.median(floor)
    summary(
        "unit queue, first page (30)",
        timed(lambda: selectors.case_queue(viewer=member, unit=unit), runs),
        f50,
        50,
    )
    start, end = rates.period_bounds("month", __import__("datetime").date.today())
    month = Case.objects.filter(
        place_path__range=__import__("gongzhi.places.selectors", fromlist=["x"]).subtree_range(
            district.path
        ),
        submitted_at__gte=start,
        submitted_at__lt=end,
    )
    summary(
        "dashboard: rates per unit, district, month",
        timed(lambda: rates.three_rates(month, by="unit"), runs),
        f50,
        200,
    )
    reset_queries()
    try:
        from gongzhi.cases import suggest
    except ImportError:
        print("routing suggestions: not built yet")
        return
    bench_fn = getattr(suggest, "bench_suggest", None) or getattr(suggest, "suggest", None)
    model_ok = (
        bench_fn is not None and suggest.suggest("电梯坏了", "电梯停运三天", None) is not None
    )
    if model_ok:
        summary(
            "routing suggestion",
            timed(lambda: suggest.suggest("楼道渗水", "楼道天花板一直渗水", None), runs),
            f50,
            5,
        )
    else:
        print("routing suggestion: no trained model in this database (run `gongzhi train-router`)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per worker (1: a worker waits while the database writes; more: the "
        "server is bound by CPU alone, see README)",
    )
    parser.add_argument(
        "--cases", type=int, default=1_000_000, help="cases for the query benchmark (0: skip)"
    )
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--only", choices=["http", "scale"], help="run one part only")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    if args.only != "scale":
        if not shutil.which("wrk"):
            sys.exit("wrk is needed on the PATH: apt-get install wrk")
        http_bench(args.db, args.seconds, args.workers, args.threads)
    elif args.db == "postgres" and not pg_exists():
        prepare(args.db, env_for(args.db, Path(tempfile.mkdtemp(prefix="gongzhi-bench-"))))
    if args.cases and args.db == "postgres" and args.only != "http":
        scale_bench(args.cases, args.runs)


if __name__ == "__main__":
    main()
