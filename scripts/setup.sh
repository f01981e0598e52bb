#!/usr/bin/env bash
# Shared setup for scripts/start.sh and scripts/test.sh: a virtual
# environment in .venv with caseforge installed (editable) and, when asked,
# the test tools. Safe to run again; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

extras="${1:-}"
python=${PYTHON:-python3}
if ! command -v "$python" >/dev/null 2>&1; then
  echo "caseforge needs Python 3.11 or newer ($python was not found)." >&2
  exit 2
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "caseforge needs Python 3.11 or newer; $python is $("$python" --version 2>&1)." >&2
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
target="."
[ -n "$extras" ] && target=".[$extras]"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$target"
