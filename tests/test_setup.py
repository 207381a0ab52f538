"""Setting factcheck up: where create_app finds its folders in a checkout and in an installed
wheel, and what the bin/ scripts install and print. The scripts run against a stand-in .venv
whose python, flask and gunicorn only record how they were called; bin/check-wheel (run by CI)
builds and serves the real wheel."""

import os
import shutil
import stat
import subprocess
import time
import tomllib
from pathlib import Path

import factcheck
from factcheck import bundled, create_app

ROOT = Path(__file__).resolve().parent.parent


def test_a_checkout_uses_the_folders_beside_the_package():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert Path(app.template_folder) == ROOT / "templates"
    assert Path(app.extensions["migrate"].directory) == ROOT / "migrations"
    assert bundled("config") == ROOT / "config"


def test_an_installed_wheel_uses_the_folders_inside_the_package(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "factcheck"
    for folder in ("templates", "migrations", "config"):
        shutil.copytree(ROOT / folder, package / folder)
    with open(package / "config" / "default.py", "a") as default:
        default.write('\nNEWSROOM_NAME = "Read from the installed package"\n')
    monkeypatch.setattr(factcheck, "PACKAGE_DIR", package)
    monkeypatch.delenv("NEWSROOM_NAME", raising=False)

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert Path(app.template_folder) == package / "templates"
    assert Path(app.extensions["migrate"].directory) == package / "migrations"
    assert app.config["NEWSROOM_NAME"] == "Read from the installed package"


def test_pyproject_lists_every_folder_the_wheel_ships():
    """A folder left out of [tool.setuptools] packages is missing from the wheel (Python code) or
    warned about (data); bin/check-wheel proves the whole wheel, this catches it in every run."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    tops = {"factcheck": ROOT / "factcheck"}
    tops.update((name, ROOT / path) for name, path in setuptools["package-dir"].items())
    folders = set()
    for name, top in tops.items():
        for folder in (top, *top.rglob("*")):
            parts = folder.relative_to(top).parts
            holds_files = folder.is_dir() and any(f.is_file() for f in folder.iterdir())
            if holds_files and "__pycache__" not in parts:
                folders.add(".".join((name, *parts)))
    assert folders == set(setuptools["packages"])


FAKE_PYTHON = """#!/usr/bin/env bash
echo "python $*" >>"$FAKE_CALLS"
case "$1" in
    -I) [ -f "$FAKE_ROOT/installed" ] ;;  # "does .venv import this checkout's factcheck?"
    -m) echo "pip: Building editable for factcheck (pyproject.toml) ... done"
        touch "$FAKE_ROOT/installed" ;;
esac
"""
FAKE_FLASK = """#!/usr/bin/env bash
echo "flask $*" >>"$FAKE_CALLS"
case "$1" in
    db) echo "INFO  [alembic.runtime.migration] Running upgrade  -> ee21ff170b03, Foundation"
        [ -z "${FAKE_UPGRADE_FAILS:-}" ] || { echo "OperationalError: disk I/O error"; exit 1; } ;;
    seed-demo) echo "Demo sign-ins (email / password):"; echo "  editor  editor@demo.example" ;;
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
    fakes = {"python": FAKE_PYTHON, "flask": FAKE_FLASK, "gunicorn": FAKE_GUNICORN}
    for name, script in fakes.items():
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
    return subprocess.run(["bash", str(root / "bin" / script)], env=environment,
                          capture_output=True, text=True, timeout=60)


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
