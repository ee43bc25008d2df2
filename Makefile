# konnectd — the two commands that matter: `make demo` and `make test`.
GO      ?= go
PKG     := github.com/konnectd/konnectd
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS := -X $(PKG)/internal/version.Version=$(VERSION) -X $(PKG)/internal/version.Commit=$(COMMIT)
BIN     := bin/konnectd
FUZZTIME ?= 10s

.PHONY: all build demo test unit fuzz bench vet clean test-mcp

all: build

build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/konnectd

## demo: the daemon, the Konnect emulator, a private keychain and a short scripted session
demo: build
	scripts/demo.sh $(BIN)

## test: every test, as CI runs it (installs Debian packages it needs when run as root)
test: vet unit fuzz test-mcp

vet:
	$(GO) vet ./...

# The whole suite runs inside a private D-Bus session with an unlocked
# gnome-keyring, so keychain tests use the real Secret Service.
unit: build
	scripts/keyring.sh $(GO) test -race -count=1 ./...

# Each fuzz target runs briefly on top of its seed corpus.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzStream$$' -fuzztime $(FUZZTIME) ./rpc
	$(GO) test -run '^$$' -fuzz '^FuzzJQParams$$' -fuzztime $(FUZZTIME) ./rpc
	$(GO) test -run '^$$' -fuzz '^FuzzEval$$' -fuzztime $(FUZZTIME) ./jq

# The MCP server as a user checks it: the official MCP Inspector CLI from
# npm (cached outside the repo, with the Node it needs) against the emulator.
test-mcp: build
	scripts/mcp-inspector-test.sh $(BIN)

## bench: measure and print the table recorded in docs/benchmarks.md
bench: build
	scripts/bench.sh

clean:
	rm -rf bin dist
