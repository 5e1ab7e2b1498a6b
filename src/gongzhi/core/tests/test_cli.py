"""The operator's entry point, run as a real process: `gongzhi demo` and `gongzhi serve`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from gongzhi.demo.data import DEMO_PASSWORD

GONGZHI = [sys.executable, "-m", "gongzhi.cli"]


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "GONGZHI_TESTING"}
    }
    env.update(GONGZHI_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="gongzhi.settings", **extra)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_refuses_to_start_without_a_secret_key(tmp_path):
    result = subprocess.run(
        [*GONGZHI, "serve"], env=_env(tmp_path), capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_demo_loads_once_serves_the_site_and_keeps_its_secret(tmp_path):
    data_dir = tmp_path / "data"
    first = subprocess.run(
        [*GONGZHI, "demo", "--no-serve", "--history", "30", "--data-dir", str(data_dir)],
        env=_env(tmp_path / "ignored"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert first.returncode == 0, first.stderr
    assert "zhangwei" in first.stdout and "community_worker" in first.stdout
    assert (data_dir / "gongzhi.sqlite3").exists()
    secret = (data_dir / "secret_key").read_text()
    assert oct((data_dir / "secret_key").stat().st_mode & 0o777) == "0o600"

    import sqlite3

    def counts() -> tuple[int, int, int]:
        with sqlite3.connect(data_dir / "gongzhi.sqlite3") as db:
            mode = db.execute("PRAGMA journal_mode").fetchone()[0]
            assert mode == "wal"
            return tuple(
                db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("places_place", "accounts_user", "core_auditentry")
            )

    before = counts()
    again = subprocess.run(
        [*GONGZHI, "demo", "--no-serve", "--history", "30"],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert counts() == before, "a second demo run must add nothing"

    # Served, with the worker beside the site: a queued report becomes a case within seconds.
    port = _free_port()
    server = subprocess.Popen(
        [*GONGZHI, "demo", "--port", str(port)],
        env=_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("the demo server did not come up")
                time.sleep(0.5)
        assert "新桥社区" in page
        css = page.split('href="/static/web/gongzhi', 1)[1].split('"', 1)[0]
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/web/gongzhi{css}", timeout=5
        ) as response:
            assert response.status == 200
        assert _queued_report_is_registered(port), "the demo's worker registered nothing"
        found = subprocess.run(
            ["pgrep", "-P", str(server.pid), "-f", "gongzhi.cli worker"],
            capture_output=True,
            text=True,
        )
        worker_pids = [int(pid) for pid in found.stdout.split()]
        assert len(worker_pids) == 1, found
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert (data_dir / "secret_key").read_text() == secret
    # Stopping the demo stops its worker too.
    time.sleep(1)
    with pytest.raises(ProcessLookupError):
        os.kill(worker_pids[0], 0)


def _api(port: int, path: str, body: dict | None = None, token: str = "", **headers: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **headers}
        | ({"Authorization": f"Token {token}"} if token else {}),
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _queued_report_is_registered(port: int) -> bool:
    token = _api(port, "auth/token/", {"username": "zhangwei", "password": DEMO_PASSWORD})["token"]
    place = _api(port, "me/", token=token)["grants"][0]["place"]
    report = {
        "category": "property.leak",
        "nature": "complaint",
        "title": "楼道渗水",
        "description": "2栋3楼楼道天花板一直渗水",
        "place": place if isinstance(place, int) else place["id"],
    }
    queued = _api(port, "cases/", report, token=token, Prefer="respond-async")
    assert queued["state"] == "queued"
    path = queued["url"].split("/api/v1/", 1)[1]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if _api(port, path, token=token)["state"] == "registered":
            return True
        time.sleep(0.5)
    return False


def test_help_lists_the_operator_commands(tmp_path):
    result = subprocess.run(
        [*GONGZHI, "--help"], env=_env(tmp_path), capture_output=True, text=True, timeout=120
    )
    assert "gongzhi demo" in result.stdout
    assert "import_divisions" in result.stdout
