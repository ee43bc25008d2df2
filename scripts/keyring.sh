#!/usr/bin/env bash
# keyring.sh CMD [ARGS...] runs CMD inside a private D-Bus session bus with an
# unlocked gnome-keyring, so that konnectd's keychain and its tests meet a
# real Secret Service even on a headless machine, without ever touching the
# user's own session or keyring.
#
# It installs the Debian packages it needs (dbus-daemon dbus-bin gnome-keyring
# libsecret-tools, without recommends, and never dbus-x11, whose dbus-launch
# makes D-Bus clients autolaunch stray buses) when they are missing and it runs
# as root. When it cannot, it says so and runs CMD without a keychain; the
# tests that need one then skip and say why.
#
# CMD sees:
#   DBUS_SESSION_BUS_ADDRESS        the private bus
#   KONNECTD_TEST_KEYRING=1         a keyring is there
#   KONNECTD_TEST_KEYRING_PASSWORD  its throw-away password, to unlock it again
# and no DISPLAY or WAYLAND_DISPLAY, so nothing can prompt.
#
# The bus has no service directories, so nothing is D-Bus-activated: a client
# that called before gnome-keyring owned its name would otherwise activate a
# second, locked keyring. The script waits for the name before running CMD.
# Its exit status is CMD's.
set -euo pipefail

if [ $# -eq 0 ]; then
	echo "usage: $0 CMD [ARGS...]" >&2
	exit 2
fi

log() { echo "keyring.sh: $*" >&2; }

packages=(dbus-daemon dbus-bin gnome-keyring libsecret-tools)
need() {
	local missing=()
	command -v dbus-daemon >/dev/null || missing+=(dbus-daemon)
	command -v dbus-send >/dev/null || missing+=(dbus-bin)
	command -v gnome-keyring-daemon >/dev/null || missing+=(gnome-keyring)
	command -v secret-tool >/dev/null || missing+=(libsecret-tools)
	echo "${missing[@]:-}"
}

missing=$(need)
if [ -n "$missing" ]; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
		log "installing ${packages[*]} (missing: $missing)"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >&2
		apt-get install -y -qq --no-install-recommends "${packages[@]}" >&2
		missing=$(need)
	fi
	if [ -n "$missing" ]; then
		log "cannot install $missing (needs root and apt-get); running without a keychain:"
		log "tests that need one will skip. As root: apt-get install --no-install-recommends ${packages[*]}"
		exec "$@"
	fi
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/konnectd-kr-XXXXXX")
bus_pid=
keyring_pid=
cleanup() {
	[ -n "$keyring_pid" ] && kill "$keyring_pid" 2>/dev/null && wait "$keyring_pid" 2>/dev/null
	[ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null && wait "$bus_pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -m 700 "$dir/data" "$dir/run" "$dir/home" "$dir/config" "$dir/cache"
cat >"$dir/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$dir/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF

export DBUS_SESSION_BUS_ADDRESS="unix:path=$dir/bus"
unset DISPLAY WAYLAND_DISPLAY

# The daemons' chatter ("Failed to set fd limit" and the like) goes to a log
# that is shown only if starting fails.
dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile >"$dir/daemons.log" 2>&1 &
bus_pid=$!

# poll CMD...: run CMD every 50ms until it succeeds, for at most 30 s.
poll() {
	local i
	for i in $(seq 600); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}
has_owner() {
	dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner "string:$1" 2>/dev/null | grep -q true
}
fail() {
	log "$*"
	cat "$dir/daemons.log" >&2
	exit 1
}

poll has_owner org.freedesktop.DBus || fail "the private session bus did not come up"

password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
printf %s "$password" | env HOME="$dir/home" XDG_DATA_HOME="$dir/data" XDG_RUNTIME_DIR="$dir/run" \
	XDG_CONFIG_HOME="$dir/config" XDG_CACHE_HOME="$dir/cache" \
	gnome-keyring-daemon --foreground --unlock --components=secrets >>"$dir/daemons.log" 2>&1 &
keyring_pid=$!

# gnome-keyring answers only once it owns org.freedesktop.secrets.
poll has_owner org.freedesktop.secrets || fail "gnome-keyring did not take org.freedesktop.secrets"

export KONNECTD_TEST_KEYRING=1 KONNECTD_TEST_KEYRING_PASSWORD="$password"
log "private keyring ready on $DBUS_SESSION_BUS_ADDRESS"
set +e
"$@"
rc=$?
set -e
exit "$rc"
