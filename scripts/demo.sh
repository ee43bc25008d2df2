#!/usr/bin/env bash
# make demo: konnectd end to end on embedded defaults. It starts the Konnect
# emulator, a private keychain, the daemon on a temporary socket with a
# temporary kongctl config, walks through a short session with the real
# CLI over the real socket, and cleans everything up. Nothing outside a
# temporary directory is touched.
set -euo pipefail

BIN=$(cd "$(dirname "${1:-bin/konnectd}")" && pwd)/$(basename "${1:-bin/konnectd}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)

# Run inside a private D-Bus session with a real gnome-keyring when one can
# be started (scripts/keyring.sh installs it when missing and root).
if [ -z "${KONNECTD_DEMO_INNER:-}" ]; then
	export KONNECTD_DEMO_INNER=1
	exec "$ROOT/scripts/keyring.sh" "$0" "$BIN"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/konnectd-demo.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# Headings are bold only on a terminal (and without NO_COLOR): a log file
# or a pipe gets plain text, no escape codes.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
# quote prints one argument so that pasting it into a shell gives it back:
# as it is when it has no character a shell treats specially, else in
# single quotes. (A bare & in a filter would send the command to the
# background.)
quote() {
	case $1 in
	'' | *[!A-Za-z0-9_./:=@%+,-]*) printf "'%s'" "${1//\'/\'\\\'\'}" ;;
	*) printf '%s' "$1" ;;
	esac
}
# show echoes a command, each argument quoted for pasting, then runs it.
show() {
	local a line='$'
	for a in "$@"; do line+=" $(quote "$a")"; done
	printf '%s\n' "$line"
	"$@"
}

step "Konnect emulator (konnectd emulator)"
"$BIN" emulator --addr 127.0.0.1:0 --strict >"$work/emulator.env" 2>"$work/emulator.log" &
pids+=($!)
for _ in $(seq 100); do [ "$(wc -l <"$work/emulator.env")" -ge 2 ] && break; sleep 0.05; done
# shellcheck disable=SC1091
. "$work/emulator.env"
echo "serving Konnect Identity v3 at $KONNECT_BASE_URL (admin PAT kept in a variable, not shown)"

keychain_flags=()
if [ -n "${KONNECTD_TEST_KEYRING:-}" ]; then
	echo "keychain: a private gnome-keyring (the real Secret Service) on its own D-Bus session"
else
	echo "keychain: no Secret Service could be started here, so this demo uses the opt-in"
	echo "          plaintext file store (--keychain=file) in its temporary directory"
	keychain_flags=(--keychain file --keychain-file "$work/credentials.json")
fi

step "Daemon on a temporary socket, following a temporary kongctl config"
export KONGCTL_CONFIG_FILE="$work/config.yaml"
export KONNECTD_SOCKET="$work/run/konnectd.sock"
cat >"$KONGCTL_CONFIG_FILE" <<YAML
default:
  konnect:
    base-url: $KONNECT_BASE_URL
YAML
mkdir -m 700 "$work/run"
"$BIN" serve --log-file "$work/daemon.log" "${keychain_flags[@]}" &
pids+=($!)
for _ in $(seq 200); do [ -S "$KONNECTD_SOCKET" ] && break; sleep 0.05; done
show "$BIN" call daemon/status --jq '{version, pid, socket}'

step "Log in: the token goes from stdin to the keychain, never to argv"
printf '%s\n' "$KONNECT_PAT" | show "$BIN" login
show "$BIN" status

step "Who am I"
show "$BIN" get me

step "A filtered users query (Konnect's filtering doc: full_name contains Cruz, name is Alex)"
show "$BIN" get users --filter 'filter[full_name][contains]=Cruz&filter[name]=Alex'

step "Create a PAT, printed as a shell export (kongctl's -o env)"
show "$BIN" create pat --name demo-laptop --expires-in 30d -o env

step "Create a system-account token by account name"
show "$BIN" create spat --name demo-ci --system-account-name ci-deployer --expires-in 7d -o json --jq '{type, name, system_account_name, expires_at}'

step "A jq transform in the daemon"
show "$BIN" call jq/eval '{"expression":"[.[] | select(.active) | .email]","input":[{"email":"a@example.com","active":true},{"email":"b@example.com","active":false}]}'

step "Edit the config: add a profile; every client hears profile/didChange"
"$BIN" watch --count 1 --for 20s >"$work/notes" &
watcher=$!
sleep 0.5
cat >>"$KONGCTL_CONFIG_FILE" <<YAML
team-b:
  konnect:
    base-url: $KONNECT_BASE_URL
  output: json
YAML
echo "(appended profile team-b to $KONGCTL_CONFIG_FILE)"
wait "$watcher"
cat "$work/notes"

step "Done: stopping the daemon (it answers what it is running first), the emulator, and removing $work"
show "$BIN" stop
