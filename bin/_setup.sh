# Shared by bin/demo and bin/test: make .venv with Python 3.11+ and install the project into it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

apt_install() {
    # Debian packages the project needs on a fresh machine (the venv module, Chromium).
    command -v apt-get >/dev/null || { echo "apt-get not found; install $* by hand" >&2; return 1; }
    if [ -z "${FACTCHECK_APT_UPDATED:-}" ]; then as_root apt-get update -qq; export FACTCHECK_APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "factcheck needs Python 3.11 or newer; $("$PYTHON" --version) found. Set PYTHON=/path/to/python3.11." >&2
    exit 1
}
if [ ! -x .venv/bin/python ]; then
    if ! "$PYTHON" -m venv .venv 2>/dev/null; then
        rm -rf .venv
        apt_install python3-venv
        "$PYTHON" -m venv .venv
    fi
fi
.venv/bin/python -m pip install --quiet --upgrade pip
