#!/usr/bin/env bash
# Set up caseforge with its test tools in .venv, Debian's Chromium for the
# browser tests (scripts/install-browser.sh), and run the whole test suite.
# Extra arguments go to pytest (for example: bash scripts/test.sh -k reader).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
bash scripts/install-browser.sh
exec .venv/bin/python -m pytest "$@"
