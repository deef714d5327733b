#!/usr/bin/env bash
# Everything a fresh machine needs before the demo or the tests: the npm packages from the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
