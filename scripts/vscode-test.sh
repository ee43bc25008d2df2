#!/usr/bin/env bash
# vscode-test.sh: build and test the VS Code extension (clients/vscode) in
# its three tiers, against the real daemon and the Konnect emulator:
#   1. node --test, `vscode` stubbed, the bundled extension     (~1 s)
#   2. mocha in code-server's real extension host, every command (~10 s)
#   3. Debian Chromium drives the workbench: sign in, create a PAT (~10 s)
# Node 24 and code-server come from the npm registry into
# ${KONNECTD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/konnectd} (first run: minutes; then cached).
# Needs the Debian packages chromium, build-essential, python3, libkrb5-dev.
# Run it under scripts/keyring.sh so the daemon uses a real Secret Service.
#
# Usage: scripts/vscode-test.sh [vsix|unit|api|ui|all]   (default: all)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
ext="$root/clients/vscode"
what="${1:-all}"

step() { printf '== %s\n' "$*" >&2; }
t0=$SECONDS


cd "$ext"
step "extension: npm ci, type-check, bundle, package"
# npm ci only when the lock changed since the last install.
if ! [ node_modules/.konnectd-lock -nt package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.konnectd-lock
fi
npm run --silent package >/dev/null
export VSIX="$ext/dist/konnectd-vscode.vsix"
[ "$what" = vsix ] && { step "built $VSIX in $((SECONDS - t0)) s"; exit 0; }

[ -x "$root/bin/konnectd" ] || { echo "vscode-test: $root/bin/konnectd missing: run make build" >&2; exit 1; }
export KONNECTD_BIN="$root/bin/konnectd"

if [ "$what" = all ] || [ "$what" = unit ]; then
  step "tier 1: stubbed vscode, real daemon and emulator"
  # One file at a time: they share the keychain (its "default" account).
  node --test --test-concurrency=1 test/unit/
fi

if [ "$what" != unit ]; then
  step "toolchain: Node 24 and code-server (cached)"
  eval "$("$ext/scripts/toolchain.sh")"
  export NODE24_BIN CODE_SERVER
  tiers=()
  case "$what" in all) tiers=(api ui) ;; api|ui) tiers=("$what") ;; *) echo "vscode-test: unknown tier $what" >&2; exit 2 ;; esac
  step "tiers 2 and 3: code-server $("$NODE24_BIN/node" -v) + $(/usr/bin/chromium --version 2>/dev/null || echo 'no chromium')"
  node test/e2e/run.mjs "${tiers[@]}"
fi
step "vscode: all green in $((SECONDS - t0)) s"
