#!/usr/bin/env bash
# Set up caseforge with its test tools in .venv and run the whole test suite.
# Extra arguments go to pytest (for example: bash scripts/test.sh -k reader).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
exec .venv/bin/python -m pytest "$@"
