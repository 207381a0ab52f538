"""Setting factcheck up: what the bin/ scripts install and print. The scripts run against a
stand-in .venv whose python, flask and gunicorn only record how they were called."""

import os
import shutil
import stat
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


FAKE_PYTHON = """#!/usr/bin/env bash
echo "python $*" >>"$FAKE_CALLS"
case "$1" in
    -I) [ -f "$FAKE_ROOT/installed" ] ;;  # "does .venv import this checkout's factcheck?"
    -m) echo "pip: Building editable for factcheck (pyproject.toml) ... done"; touch "$FAKE_ROOT/installed" ;;
esac
"""
FAKE_FLASK = """#!/usr/bin/env bash
echo "flask $*" >>"$FAKE_CALLS"
case "$1" in
    db) echo "INFO  [alembic.runtime.migration] Running upgrade  -> ee21ff170b03, Foundation"
        [ -z "${FAKE_UPGRADE_FAILS:-}" ] || { echo "sqlite3.OperationalError: disk I/O error"; exit 1; } ;;
    seed-demo) echo "Demo sign-ins (email / password):"; echo "  editor    editor@demo.factcheck.example" ;;
esac
"""
FAKE_GUNICORN = """#!/usr/bin/env bash
echo "gunicorn $*" >>"$FAKE_CALLS"
"""


def fake_checkout(tmp_path: Path) -> Path:
    """bin/ and pyproject.toml copied beside a stand-in .venv that was set up before."""
    root = tmp_path / "checkout"
    shutil.copytree(ROOT / "bin", root / "bin")
    shutil.copy(ROOT / "pyproject.toml", root)
    (root / "factcheck").mkdir()
    (root / "factcheck" / "__init__.py").touch()
    for name, script in (("python", FAKE_PYTHON), ("flask", FAKE_FLASK), ("gunicorn", FAKE_GUNICORN)):
        path = root / ".venv" / "bin" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(script)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return root


def run(root: Path, script: str, **env) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
        "PYTHON": str(root / ".venv" / "bin" / "python"),
        "FAKE_ROOT": str(root), "FAKE_CALLS": str(root / "calls.log"), **env,
    }
    return subprocess.run(["bash", str(root / "bin" / script)], env=environment, capture_output=True,
                          text=True, timeout=60)


def installs(root: Path) -> int:
    calls = (root / "calls.log").read_text().splitlines()
    return sum(1 for call in calls if call.startswith("python -m pip install") and " -e " in call)


SERVE_ENV = {"DATABASE_URL": "postgresql://factcheck@db/factcheck", "SECRET_KEY": "x" * 48}


def test_serve_installs_only_when_needed(tmp_path):
    root = fake_checkout(tmp_path)
    for _ in range(3):
        result = run(root, "serve", **SERVE_ENV)
        assert result.returncode == 0, result.stderr
    assert installs(root) == 1  # the first start; the next two reuse the install
    assert "gunicorn" in (root / "calls.log").read_text().splitlines()[-1]

    earlier = time.time() - 60  # pyproject.toml changed (a new dependency, say) since the install
    for stamp in (root / ".venv").glob(".factcheck-installed*"):
        os.utime(stamp, (earlier, earlier))
    assert run(root, "serve", **SERVE_ENV).returncode == 0
    assert installs(root) == 2
    assert run(root, "serve", **SERVE_ENV).returncode == 0
    assert installs(root) == 2

    (root / "installed").unlink()  # .venv no longer imports factcheck
    assert run(root, "serve", **SERVE_ENV).returncode == 0
    assert installs(root) == 3


def test_demo_prints_the_sign_ins_and_address_and_keeps_setup_output_in_a_log(tmp_path):
    root = fake_checkout(tmp_path)
    result = run(root, "demo", PORT="5123")
    assert result.returncode == 0, result.stderr
    printed = result.stdout + result.stderr
    assert "Demo sign-ins" in printed
    assert "http://127.0.0.1:5123" in printed
    assert "alembic" not in printed and "Building editable" not in printed
    assert len(printed.splitlines()) <= 10
    log = (root / "instance" / "setup.log").read_text()
    assert "alembic" in log and "Building editable" in log
    assert "--bind 127.0.0.1:5123" in (root / "calls.log").read_text().splitlines()[-1]


def test_demo_shows_the_setup_output_when_a_step_fails(tmp_path):
    root = fake_checkout(tmp_path)
    result = run(root, "demo", FAKE_UPGRADE_FAILS="1")
    assert result.returncode != 0
    assert "Upgrading the database failed" in result.stderr
    assert "disk I/O error" in result.stderr
    assert "gunicorn" not in (root / "calls.log").read_text()
