#!/usr/bin/env bash
# Set up caseforge in .venv and validate the example cases in cases/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/caseforge validate cases/
