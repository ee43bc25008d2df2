#!/usr/bin/env bash
# demo-test.sh: make test runs make demo's script and checks that each step
# of the walk-through did what it says. The demo prints a token on purpose
# (create pat -o env), so its output goes to a file, never to the test log;
# on failure the log shows it with every token masked.
set -uo pipefail
bin=${1:?usage: demo-test.sh BIN}
root="$(cd "$(dirname "$0")/.." && pwd)"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

"$root/scripts/demo.sh" "$bin" >"$out" 2>&1
rc=$?
fail=0
for want in \
  'Logged in to Konnect organization "Acme Co."' \
  'Authenticated: yes' \
  'AlexCruz@konghq.com  Alex Cruz' \
  "export KONGCTL_DEFAULT_KONNECT_PAT='kpat_" \
  '"system_account_name": "ci-deployer"' \
  '"a@example.com"' \
  '"profiles":["default","team-b"]' \
  'stopped konnectd (pid '; do
  grep -qF -- "$want" "$out" || { echo "demo-test: missing: $want" >&2; fail=1; }
done
# Its output here is a file, not a terminal: no escape codes in it.
if grep -q $'\033' "$out"; then
  echo "demo-test: the output has ANSI escape codes although it is not a terminal" >&2
  fail=1
fi
# Each echoed command pastes back as the command that ran: the filtered
# query's line, read by a shell, gives the same arguments (unquoted, its
# & would background the command and drop the second condition).
line=$(grep -m1 -E '^\$ .* get users --filter ' "$out" || true)
want='filter[full_name][contains]=Cruz&filter[name]=Alex'
if [ -z "$line" ] || ! (eval "set -- ${line#\$ }" 2>/dev/null && [ "$#" -eq 5 ] && [ "$2 $3 $4" = "get users --filter" ] && [ "$5" = "$want" ]); then
  echo "demo-test: the echoed command does not paste back as it ran: ${line:-no such line}" >&2
  fail=1
fi
if [ "$rc" -ne 0 ] || [ "$fail" -ne 0 ]; then
  echo "demo-test: make demo failed (exit $rc); its output, tokens masked:" >&2
  sed -E 's/(kpat|spat)_[A-Za-z0-9]+/\1_…/g' "$out" >&2
  exit 1
fi
echo "demo-test: all 8 steps of make demo did what they say; its commands paste back, its output has no escape codes"
