# Shared by the scripts in bin/: make .venv with Python 3.11+ and give them install_project and
# quietly. What the setup steps print goes to instance/setup.log, and to the terminal only when a
# step fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SETUP_LOG=${SETUP_LOG:-instance/setup.log}
mkdir -p "$(dirname "$SETUP_LOG")"
: >"$SETUP_LOG"

# quietly "What is happening" command...: run it with its output in $SETUP_LOG; if it fails, show
# that output and stop.
quietly() {
    local what=$1 out
    shift
    out=$(mktemp)
    echo "== $what: $*" >>"$SETUP_LOG"
    if ! "$@" >"$out" 2>&1; then
        cat "$out" >>"$SETUP_LOG"
        echo "$what failed:" >&2
        cat "$out" >&2
        rm -f "$out"
        exit 1
    fi
    cat "$out" >>"$SETUP_LOG"
    rm -f "$out"
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

apt_install() {
    # Debian packages the project needs on a fresh machine (the venv module, Chromium).
    command -v apt-get >/dev/null || { echo "apt-get not found; install $* by hand" >&2; return 1; }
    if [ -z "${FACTCHECK_APT_UPDATED:-}" ]; then as_root apt-get update -qq; export FACTCHECK_APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# install_project [EXTRAS]: pip install -e ".[EXTRAS]" into .venv, unless .venv already imports
# this checkout's factcheck and pyproject.toml (dependencies, packaging) has not changed since
# the last install, which a stamp file in .venv records. Code changes need no reinstall.
install_project() {
    local extras=${1:-}
    local stamp=".venv/.factcheck-installed${extras:+-$extras}"
    if [ -f "$stamp" ] && [ ! pyproject.toml -nt "$stamp" ] && .venv/bin/python -I -c '
import sys, factcheck
sys.exit(factcheck.__file__ != sys.argv[1])' "$PWD/factcheck/__init__.py" 2>/dev/null; then
        return 0
    fi
    echo "Installing factcheck${extras:+ with [$extras]} into .venv..."
    quietly "Installing factcheck" .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
    touch "$stamp" .venv/.factcheck-installed  # every install includes the app itself
}

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "factcheck needs Python 3.11 or newer; $("$PYTHON" --version) found. Set PYTHON=/path/to/python3.11." >&2
    exit 1
}
if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv..."
    if ! "$PYTHON" -m venv .venv >>"$SETUP_LOG" 2>&1; then
        rm -rf .venv
        apt_install python3-venv
        quietly "Creating .venv" "$PYTHON" -m venv .venv
    fi
    quietly "Upgrading pip" .venv/bin/python -m pip install --quiet --upgrade pip
fi
