#!/usr/bin/env bash
# Debian's Chromium at /usr/bin/chromium, for the browser tests
# (tests/test_browser.py drive it with Playwright's Python package). Run by
# scripts/test.sh; safe to run again, and silent when Chromium is there.
#
# Installs the `chromium` package with apt-get when run as root. Without
# root (or apt-get) it says how to install it and exits with 0, so that a
# developer still runs the other tests (the browser tests are then skipped),
# except in CI (CI=true), where a missing browser is a failure.
#
# Never `playwright install`: it downloads a browser build of its own from a
# CDN, and this project's machines reach only package registries.
set -euo pipefail

browser=/usr/bin/chromium
[ -x "$browser" ] && exit 0

missing() {
  echo "The browser tests need Chromium at $browser: $1" >&2
  echo "  Install it with: sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium" >&2
  if [ "${CI:-}" = "true" ]; then
    echo "  CI=true: the browser tests must run, so this is a failure." >&2
    exit 1
  fi
  echo "  Until then the browser tests are skipped." >&2
  exit 0
}

if [ "${EUID:-$(id -u)}" -ne 0 ]; then
  missing "it is not installed, and installing it needs root."
fi
if ! command -v apt-get >/dev/null 2>&1; then
  missing "it is not installed, and there is no apt-get here to install Debian's package."
fi

echo "Installing Debian's chromium for the browser tests (once)..." >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q \
       && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; } >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  missing "apt-get could not install the chromium package (its last lines are above)."
fi
[ -x "$browser" ] || missing "the chromium package is installed but $browser is not there."
