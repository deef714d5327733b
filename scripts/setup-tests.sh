#!/usr/bin/env bash
# What a fresh machine needs before `npm test` (the demo needs `npm ci` only): the npm packages
# from the lockfile, and the Debian packages the tests use.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund

# Debian packages the tests use: chromium for the real-browser test (test/e2e/demo-browser.test.ts
# drives /usr/bin/chromium, or $CHROMIUM_PATH, with playwright-core), and redis-server for the
# tests of several instances sharing Redis (each starts its own server on a free loopback port,
# or uses $REDIS_SERVER_PATH). Nothing downloads a browser or a server of its own.
packages=()
if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then packages+=(chromium); fi
if [ -z "${REDIS_SERVER_PATH:-}" ] && ! command -v redis-server >/dev/null 2>&1; then packages+=(redis-server); fi

if [ "${#packages[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    as_root=''
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root='sudo -n'
  else
    as_root='none'
  fi
  if [ "$as_root" = 'none' ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: ${packages[*]} missing and cannot be installed here (needs apt-get and root or sudo)." >&2
    echo "setup: install them yourself (Debian: apt-get install ${packages[*]}), or set CHROMIUM_PATH / REDIS_SERVER_PATH;" >&2
    echo "setup: without them their tests are skipped locally and fail in CI." >&2
  else
    echo "setup: installing Debian's ${packages[*]} for the tests"
    # $as_root is empty or "sudo -n": split on purpose.
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"
  fi
fi
