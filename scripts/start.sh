#!/usr/bin/env bash
# Set up caseforge in .venv, validate the example cases in cases/ and build
# the site from them into public/ (`.venv/bin/caseforge serve` shows it at
# http://127.0.0.1:8000/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/caseforge validate cases/
NO_MKDOCS_2_WARNING=1 .venv/bin/caseforge build --strict
echo "The site is in public/; .venv/bin/caseforge serve shows it at http://127.0.0.1:8000/"
