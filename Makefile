# konnectd — the two commands that matter: `make demo` and `make test`.
GO      ?= go
PKG     := github.com/konnectd/konnectd
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS := -X $(PKG)/internal/version.Version=$(VERSION) -X $(PKG)/internal/version.Commit=$(COMMIT)
BIN     := bin/konnectd
FUZZTIME ?= 10s

.PHONY: all build demo test deps unit fuzz fuzz-long bench vet clean test-demo test-mcp vsix test-vscode golden

all: build

build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/konnectd

## demo: the daemon, the Konnect emulator, a private keychain and a short scripted session
demo: build
	scripts/demo.sh $(BIN)

## test: every test, as CI runs it (installs the Debian packages it needs when run as root)
test: deps vet cross unit golden fuzz test-demo test-mcp test-vscode

## deps: the Debian packages the tests use (scripts/deps.sh: installs what is missing as root, else names it)
deps:
	scripts/deps.sh

vet:
	$(GO) vet ./...

# The whole suite runs inside a private D-Bus session with an unlocked
# gnome-keyring, so keychain tests use the real Secret Service. The kongctl
# replay runs next, on its own (it drives a separately built binary, so
# -race adds nothing to it), so its score line shows in make test's output.
unit: build
	scripts/keyring.sh $(GO) test -race -count=1 -skip '^TestKongctlGolden$$' ./...

# golden: only the kongctl replay (e2e/golden_test.go), with its score line
# (`kongctl golden: N/M identical`) and the diffs of any case that differs;
# make test runs it after unit.
golden: build
	bash -o pipefail -c "$(GO) test -count=1 -run '^TestKongctlGolden$$' -v ./e2e | grep -E '^(kongctl golden|--- FAIL|ok|FAIL)'"

# Each fuzz target runs briefly on top of its seed corpus.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzStream$$' -fuzztime $(FUZZTIME) ./rpc
	$(GO) test -run '^$$' -fuzz '^FuzzJQParams$$' -fuzztime $(FUZZTIME) ./rpc
	$(GO) test -run '^$$' -fuzz '^FuzzEval$$' -fuzztime $(FUZZTIME) ./jq
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeChecked$$' -fuzztime $(FUZZTIME) ./jq
	$(GO) test -run '^$$' -fuzz '^FuzzWireFrames$$' -fuzztime $(FUZZTIME) ./jq
	$(GO) test -run '^$$' -fuzz '^FuzzWalk$$' -fuzztime $(FUZZTIME) ./rpc
	$(GO) test -run '^$$' -fuzz '^FuzzMarshalParams$$' -fuzztime $(FUZZTIME) ./rpc
	$(GO) test -run '^$$' -fuzz '^FuzzObject$$' -fuzztime $(FUZZTIME) ./internal/jsonwalk
	$(GO) test -run '^$$' -fuzz '^FuzzDuplicateKey$$' -fuzztime $(FUZZTIME) ./internal/jsonwalk
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeMessage$$' -fuzztime $(FUZZTIME) ./rpc
	$(GO) test -run '^$$' -fuzz '^FuzzRepliesEchoID$$' -fuzztime $(FUZZTIME) ./rpc
	$(GO) test -run '^$$' -fuzz '^FuzzMaskValues$$' -fuzztime $(FUZZTIME) ./internal/redact

# Every fuzz target in the sources, each for 2 minutes (about 20 in all;
# `make fuzz-long FUZZTIME=10m` for longer), one after another. Not part
# of make test.
fuzz-long: FUZZTIME = 2m
fuzz-long:
	FUZZTIME=$(FUZZTIME) GO=$(GO) scripts/fuzz.sh

# make demo's walk-through, checked step by step (its output, which holds
# a token on purpose, stays out of the log).
test-demo: build
	scripts/demo-test.sh $(BIN)

# The MCP server as a user checks it: the official MCP Inspector CLI from
# npm (cached outside the repo, with the Node it needs) against the emulator.
test-mcp: build
	scripts/mcp-inspector-test.sh $(BIN)

## vscode: the VS Code extension in clients/vscode (code-server and Node 24 are cached in KONNECTD_CACHE, default $XDG_CACHE_HOME/konnectd or ~/.cache/konnectd)
## vsix: clients/vscode/dist/konnectd-vscode.vsix (esbuild bundle, vsce package --no-dependencies)
vsix:
	scripts/vscode-test.sh vsix

## test-vscode: the extension's three tiers (stubbed vscode; code-server's extension host; Chromium UI) against the daemon and emulator
test-vscode: build
	scripts/keyring.sh scripts/vscode-test.sh all

## bench: measure and print the table recorded in docs/benchmarks.md
bench: build
	scripts/bench.sh

clean:
	rm -rf bin dist

# ---- install, uninstall, cross (see docs/install.md) ------------------------

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
# systemd's user manager reads packaged units from /usr/lib/systemd/user and
# /usr/local/lib/systemd/user, but under a home directory only from
# $XDG_DATA_HOME/systemd/user (~/.local/share/systemd/user).
ifneq ($(filter $(HOME)/%,$(PREFIX)),)
SYSTEMD_USER_DIR ?= $(or $(XDG_DATA_HOME),$(HOME)/.local/share)/systemd/user
else
SYSTEMD_USER_DIR ?= $(PREFIX)/lib/systemd/user
endif
LAUNCHD_PLIST := com.github.konnectd.konnectd.plist

INSTALLED := \
	$(BINDIR)/konnectd \
	$(DATADIR)/bash-completion/completions/konnectd \
	$(DATADIR)/zsh/site-functions/_konnectd \
	$(DATADIR)/fish/vendor_completions.d/konnectd.fish \
	$(SYSTEMD_USER_DIR)/konnectd.socket \
	$(SYSTEMD_USER_DIR)/konnectd.service \
	$(DATADIR)/konnectd/launchd/$(LAUNCHD_PLIST)

.PHONY: install uninstall cross

## install: binary, shell completions, systemd user units and launchd plist under PREFIX (default /usr/local; DESTDIR stages)
install: build
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/bash-completion/completions \
		$(DESTDIR)$(DATADIR)/zsh/site-functions $(DESTDIR)$(DATADIR)/fish/vendor_completions.d \
		$(DESTDIR)$(SYSTEMD_USER_DIR) $(DESTDIR)$(DATADIR)/konnectd/launchd
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/konnectd
	$(BIN) completion bash > $(DESTDIR)$(DATADIR)/bash-completion/completions/konnectd
	$(BIN) completion zsh  > $(DESTDIR)$(DATADIR)/zsh/site-functions/_konnectd
	$(BIN) completion fish > $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/konnectd.fish
	install -m 0644 init/systemd/konnectd.socket $(DESTDIR)$(SYSTEMD_USER_DIR)/konnectd.socket
	sed 's|@BINDIR@|$(BINDIR)|g' init/systemd/konnectd.service.in > $(DESTDIR)$(SYSTEMD_USER_DIR)/konnectd.service
	sed 's|@BINDIR@|$(BINDIR)|g' init/launchd/$(LAUNCHD_PLIST).in > $(DESTDIR)$(DATADIR)/konnectd/launchd/$(LAUNCHD_PLIST)
	@echo "installed; enable with: systemctl --user daemon-reload && systemctl --user enable --now konnectd.socket"

## uninstall: remove exactly what install wrote (stop the service first: see docs/install.md)
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DATADIR)/konnectd/launchd $(DESTDIR)$(DATADIR)/konnectd 2>/dev/null

# Every release platform builds without cgo; the binaries go to a temporary
# directory and are thrown away.
CROSS_TARGETS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64

# go vet (which "make vet" runs for this machine only) also checks the
# darwin and windows build-tagged files and unit tests; e2e drives a Linux
# binary and is built only here.
CROSS_VET := darwin/arm64 windows/amd64

## cross: CGO_ENABLED=0 builds for linux, darwin and windows on amd64 and arm64, and go vet for darwin and windows
cross:
	@out=$$(mktemp -d) && trap 'rm -rf "$$out"' EXIT && \
	for t in $(CROSS_TARGETS); do \
		echo "cross: $$t"; \
		CGO_ENABLED=0 GOOS=$${t%/*} GOARCH=$${t#*/} $(GO) build -trimpath -ldflags "$(LDFLAGS)" \
			-o "$$out/konnectd-$${t%/*}-$${t#*/}" ./cmd/konnectd || exit 1; \
	done
	@pkgs=$$($(GO) list ./... | grep -v '/e2e$$') && \
	for t in $(CROSS_VET); do \
		echo "cross vet: $$t"; \
		CGO_ENABLED=0 GOOS=$${t%/*} GOARCH=$${t#*/} $(GO) vet $$pkgs || exit 1; \
	done
