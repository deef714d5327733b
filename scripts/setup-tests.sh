#!/usr/bin/env bash
# What a fresh machine needs before `npm test` (the demo needs `npm ci` only): the npm packages
# from the lockfile, and the system packages the tests use. Today that is Debian's chromium, for
# the real-browser test (test/e2e/demo-browser.test.ts drives /usr/bin/chromium, or
# $CHROMIUM_PATH, with playwright-core; nothing downloads a browser of its own).
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund

if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    as_root=''
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root='sudo -n'
  else
    as_root='none'
  fi
  if [ "$as_root" = 'none' ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: /usr/bin/chromium is missing and cannot be installed here (needs apt-get and root or sudo)." >&2
    echo "setup: install Chromium yourself (Debian: apt-get install chromium) or set CHROMIUM_PATH;" >&2
    echo "setup: without it the browser test is skipped locally and fails in CI." >&2
  else
    echo "setup: installing Debian's chromium for the browser test"
    # $as_root is empty or "sudo -n": split on purpose.
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
  fi
fi
