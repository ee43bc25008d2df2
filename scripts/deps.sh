#!/usr/bin/env bash
# deps.sh: the Debian packages `make test` uses, installed when missing.
# It is the one list: .ci/run and `make test` both call it, so a fresh
# machine gets the same tools either way. As root with apt-get it installs
# what is missing (apt-get update only then); otherwise it names what is
# missing and carries on, and the tests that need it say so.
set -euo pipefail

packages=(
  socat            # NDJSON tests from a shell
  jq               # the benchmark's reference, and the demo
  curl             # the kongctl golden cases' setup scripts (e2e/golden_test.go)
  util-linux       # setpriv: run a client as another user
  systemd          # systemd-analyze verify on the user units (installs without booting systemd)
  dbus-daemon dbus-bin gnome-keyring libsecret-tools   # a real Secret Service
  chromium         # the extension's UI tier (driven by playwright-core)
  build-essential python3 libkrb5-dev   # code-server's native modules compile from source
)

# Node.js and npm (the VS Code extension, the MCP Inspector CLI) come with
# the machine, not from Debian: Debian's npm conflicts with a newer one.
command -v npm >/dev/null || echo "deps.sh: npm not found: install Node.js 20+ with npm" >&2

command -v dpkg-query >/dev/null || { echo "deps.sh: not a Debian system; install the equivalents of: ${packages[*]}" >&2; exit 0; }
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "deps.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # On a busy machine another apt or unattended-upgrades may hold the dpkg
  # lock: wait for it (DEPS_LOCK_TIMEOUT seconds, default 10 minutes)
  # instead of failing the whole of make test on "Could not get lock".
  lock=(-o "DPkg::Lock::Timeout=${DEPS_LOCK_TIMEOUT:-600}")
  apt-get "${lock[@]}" update -qq
  apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "deps.sh: missing ${missing[*]}; as root: apt-get install --no-install-recommends ${missing[*]}" >&2
fi
