package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/config"
	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/version"
	"github.com/konnectd/konnectd/keychain"
	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/rpc"
)

// daemonOptions are the settings of the daemon's core, shared by serve and
// the in-process modes (mcp).
type daemonOptions struct {
	configFile   string
	keychain     string
	keychainFile string
	concurrency  int
	// clock is the daemon's test clock (serve --test-clock), nil normally.
	clock *core.TestClock
}

func (o *daemonOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.configFile, "config-file", "", "kongctl config file (default: $KONGCTL_CONFIG_FILE, else $XDG_CONFIG_HOME/kongctl/config.yaml)")
	f.StringVar(&o.keychain, "keychain", "", `where credentials are stored: "system" (the OS keychain, default) or "file" (plaintext, 0600; opt-in only)`)
	f.StringVar(&o.keychainFile, "keychain-file", "", "the plaintext store's path with --keychain=file (default: konnectd-credentials.json beside the config file)")
	// Pages of one listing fetched at once. Issue 5's benchmark (10,000
	// users, 100 pages, 20 ms each; e2e BenchmarkListUsers10k) needs 7 or
	// more in flight to approach 0.15x the sequential time; 16 matches the
	// konnect transport's idle-connection pool, so every page reuses a
	// connection. 1 is kongctl's sequential paging, for comparison and for
	// tight rate limits.
	f.IntVar(&o.concurrency, "konnect-concurrency", 16, "pages of one Konnect listing fetched in parallel (1: one after another, as kongctl)")
}

// core builds the daemon's core: the config watcher, the keychain, the
// service. The keychain backend comes from --keychain, else from the key
// konnectd.keychain of the config file's default profile, else "system".
func (o *daemonOptions) core(ctx context.Context, log *slog.Logger) (*core.Service, *config.Watcher, error) {
	loc, err := config.ResolvePath(o.configFile, os.Getenv)
	if err != nil {
		return nil, nil, err
	}
	w, err := config.Watch(ctx, loc, config.WatchOptions{Logf: func(format string, args ...any) {
		log.Warn("config watch: " + fmt.Sprintf(format, args...))
	}})
	if err != nil {
		return nil, nil, err
	}
	backend := o.keychain
	if backend == "" {
		if f, _ := w.Current(); f != nil {
			if p, err := f.Profile("default", nil, nil); err == nil {
				backend, _ = p.String("konnectd.keychain")
			}
		}
	}
	kopts := keychain.Options{Backend: backend}
	switch backend {
	case "", keychain.KindSystem:
		kopts.Backend = keychain.KindSystem
	case keychain.KindFile:
		kopts.FilePath = o.keychainFile
		if kopts.FilePath == "" {
			kopts.FilePath = filepath.Join(filepath.Dir(loc.Path), "konnectd-credentials.json")
		}
		log.Warn("credentials are kept in a plaintext file, as asked", "file", kopts.FilePath)
	default:
		w.Close()
		return nil, nil, usageError("invalid value %q for --keychain, must be one of [system file]", backend)
	}
	store, err := keychain.Open(kopts)
	if err != nil {
		w.Close()
		return nil, nil, err
	}
	// The index of what each entry holds lives beside the store's scope:
	// the plaintext file's directory, or the config file's for the system
	// keychain (see keychain.Index).
	indexDir := filepath.Dir(loc.Path)
	if kopts.FilePath != "" {
		indexDir = filepath.Dir(kopts.FilePath)
	}
	index, err := keychain.OpenIndex(filepath.Join(indexDir, keychain.IndexFile))
	if err != nil {
		w.Close()
		return nil, nil, err
	}
	copts := core.Options{Config: w, Keychain: store, Index: index, JQ: jqEngine(), Log: log, Konnect: konnect.Options{Concurrency: o.concurrency}}
	if o.clock != nil {
		copts.Now = o.clock.Now
	}
	svc := core.New(copts)
	return svc, w, nil
}

// daemon is everything a serving process owns: the RPC server and the core
// it exposes.
type daemon struct {
	srv     *rpc.Server
	watcher *config.Watcher
	unsub   func()
}

func newDaemon(ctx context.Context, log *slog.Logger, o *serveOptions, stop func()) (*daemon, error) {
	svc, w, err := o.daemon.core(ctx, log)
	if err != nil {
		return nil, err
	}
	families := [][]rpc.Method{
		rpc.JQMethods(jqEngine()),
		rpc.ProfileMethods(svc),
		rpc.AuthMethods(svc),
		rpc.IdentityMethods(svc),
		rpc.CredentialMethods(svc, log),
		rpc.TokenMethods(svc),
		rpc.KeychainMethods(svc, log),
		rpc.AuditMethods(svc),
	}
	if o.daemon.clock != nil {
		families = append(families, rpc.TestClockMethods(o.daemon.clock, svc))
	}
	srv := rpc.NewServer(rpc.Options{
		Logger:       log,
		MaxMessage:   o.maxMessage,
		IdleTimeout:  o.idleTimeout,
		DrainTimeout: o.drainTimeout,
		Version:      version.Version,
		Stop:         stop,
	}, families...)
	startLifecycle(ctx, svc, srv)
	// Config announces, RPC subscribes: every client hears about each
	// effective change, with its own active profile.
	unsub := w.Subscribe(func(ch config.Change) {
		log.Info("config changed", "profiles", len(ch.Profiles), "error", ch.Error)
		svc.Kick() // thresholds may have changed
		srv.Broadcast(context.Background(), "profile/didChange", func(s *rpc.Session) any {
			return core.ProfileChange(ch, rpc.CallerFrom(rpc.WithSession(context.Background(), s), ""))
		})
	})
	return &daemon{srv: srv, watcher: w, unsub: unsub}, nil
}

func (d *daemon) Close() error {
	d.unsub()
	return d.watcher.Close()
}
