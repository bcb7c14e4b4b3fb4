#!/usr/bin/env bash
# One-time set-up of a fresh machine: Debian's Chromium (for the popup's
# browser tests and `npm run demo`) when missing, then the exact locked
# dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "setup: installing Debian's chromium (needed by the browser tests)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: /usr/bin/chromium is missing and apt-get is not available." >&2
    echo "       Install Chromium and set CHROMIUM_PATH to its binary to run the browser tests." >&2
  fi
fi

# Electron 42+ has no install script; the binary is fetched on first launch
# (npm start). ELECTRON_SKIP_BINARY_DOWNLOAD also covers older npm/electron.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  echo "setup: dependencies up to date"
else
  npm ci --no-audit --no-fund
fi
