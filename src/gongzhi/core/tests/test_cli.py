"""The operator's entry point, run as a real process: `gongzhi demo` and `gongzhi serve`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

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
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert counts() == before, "a second demo run must add nothing"
    assert (data_dir / "secret_key").read_text() == secret


def test_help_lists_the_operator_commands(tmp_path):
    result = subprocess.run(
        [*GONGZHI, "--help"], env=_env(tmp_path), capture_output=True, text=True, timeout=120
    )
    assert "gongzhi demo" in result.stdout
    assert "import_divisions" in result.stdout
