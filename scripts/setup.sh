#!/usr/bin/env bash
# One-time set-up of a fresh machine: Debian's Chromium (for the popup's
# browser tests and `npm run demo`) when missing, then the exact locked
# dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# CHROMIUM_PATH (a Chrome/Chromium you already have, e.g. on CI runners) skips the apt step.
if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "${CHROMIUM_PATH}" ]; then
  echo "setup: using the browser at CHROMIUM_PATH"
elif [ ! -x /usr/bin/chromium ]; then
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

# Electron's own installer (it fetches the binary on the first `npm start`)
# needs the Node version in its package's "engines"; say so up front.
need=$(node -e 'const l=require("./package-lock.json");const e=l.packages["node_modules/electron"];const m=/(\d+\.\d+\.\d+)/.exec((e.engines||{}).node||"");process.stdout.write(m?m[1]+" "+e.version:"")' 2>/dev/null || true)
if [ -n "$need" ]; then
  read -r need_node electron_version <<<"$need"
  if ! node -e 'const [a,b]=process.argv.slice(1).map(v=>v.replace(/^v/,"").split(".").map(Number));for(let i=0;i<3;i++){if(a[i]!==b[i])process.exit(a[i]>b[i]?0:1)}' "$(node --version)" "$need_node"; then
    echo "setup: note: this machine has Node $(node --version | sed 's/^v//'); Electron $electron_version's installer, which" >&2
    echo "       downloads the Electron binary on the first \`npm start\`, needs Node $need_node or newer." >&2
    echo "       Install Node ${need_node%%.*}+ (e.g. \`nvm install ${need_node%%.*}\`) to run the app; \`npm test\` and" >&2
    echo "       \`npm run demo\` work with this Node." >&2
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
