package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

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
	configFile     string
	keychain       string
	keychainFile   string
	concurrency    int
	konnectTimeout time.Duration
	jq             jqOptions
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
	o.jq.addFlags(cmd)
	f.DurationVar(&o.konnectTimeout, "konnect-timeout", konnect.DefaultCallTimeout, "bound on one Konnect call, retries included (a negative value: no bound)")
}

// core builds the daemon's core: the config watcher, the keychain, the
// service. The keychain backend comes from --keychain, else from the key
// konnectd.keychain of the config file's default profile, else "system".
//
// The file named here is the daemon's own; clients may name others per
// connection or per request, which the config.Set serves too. inUse, if
// set, says whether a connected client still uses a file (nil: none does).
func (o *daemonOptions) core(ctx context.Context, log *slog.Logger, inUse func(path string) bool) (*core.Service, *config.Set, error) {
	loc, err := config.ResolvePath(o.configFile, os.Getenv)
	if err != nil {
		return nil, nil, err
	}
	w, err := config.NewSet(ctx, loc, config.SetOptions{InUse: inUse, Watch: config.WatchOptions{Logf: func(format string, args ...any) {
		log.Warn("config watch: " + fmt.Sprintf(format, args...))
	}}})
	if err != nil {
		return nil, nil, err
	}
	if st := w.Primary().State(); st.Err != nil {
		// Every request says so too; the log says it once, at start.
		log.Warn("config file is invalid", "file", loc.Path, "error", st.Err, "last_good", st.Loaded)
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
	eng, err := o.jq.engine()
	if err != nil {
		w.Close()
		return nil, nil, err
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
	copts := core.Options{Config: w, Keychain: store, Index: index, JQ: eng, Log: log, Konnect: konnect.Options{Concurrency: o.concurrency, CallTimeout: o.konnectTimeout}}
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
	watcher *config.Set
	unsub   func()
	jq      interface{ Close() } // the isolated engine's workers
}

func newDaemon(ctx context.Context, log *slog.Logger, o *serveOptions, stop func()) (*daemon, error) {
	var srv *rpc.Server
	var srvReady sync.WaitGroup
	srvReady.Add(1)
	inUse := func(path string) bool {
		srvReady.Wait()
		if srv == nil {
			return false // the daemon failed to start
		}
		for _, s := range srv.Sessions() {
			if s.UsesConfigFile(path) {
				return true
			}
		}
		return false
	}
	svc, w, err := o.daemon.core(ctx, log, inUse)
	if err != nil {
		srvReady.Done()
		return nil, err
	}
	families := [][]rpc.Method{
		rpc.JQMethods(svc.JQ()), // the same isolated engine as format.jq
		rpc.ProfileMethods(svc),
		rpc.AuthMethods(svc),
		rpc.IdentityMethods(svc),
		rpc.CredentialMethods(svc, log),
		rpc.TokenMethods(svc),
		rpc.KeychainMethods(svc, log),
		rpc.KonnectMethods(svc),
		rpc.AuditMethods(svc),
	}
	if o.daemon.clock != nil {
		families = append(families, rpc.TestClockMethods(o.daemon.clock, svc))
	}
	srv = rpc.NewServer(rpc.Options{
		Logger:       log,
		MaxMessage:   o.maxMessage,
		IdleTimeout:  o.idleTimeout,
		DrainTimeout: o.drainTimeout,
		Version:      version.Version,
		Stop:         stop,
	}, families...)
	srvReady.Done()
	startLifecycle(ctx, svc, srv)
	// A connection's own config file is watched from its initialize, so
	// profile/didChange covers it before any request. A file that cannot
	// be served (a relative path, too many files) is reported by the
	// connection's requests, not here.
	srv.OnInitialize(func(s *rpc.Session) {
		if f := s.ConfigFile(); f != "" {
			_, _ = w.State(f)
		}
	})
	// Config announces, RPC subscribes: every client that uses the file
	// (the daemon's own unless it named another) hears about each
	// effective change, with its own active profile.
	primary := w.Primary().Location().Path
	unsub := w.Subscribe(func(ch config.Change) {
		path := ch.File.Path()
		if ch.Error != "" {
			log.Warn("config file is invalid; its last good version stays in use", "file", path, "error", ch.Error)
		} else {
			log.Info("config changed", "file", path, "profiles", len(ch.Profiles))
		}
		svc.Kick() // expiry thresholds and rotate-before may have changed
		srv.Broadcast(context.Background(), "profile/didChange", func(s *rpc.Session) any {
			if !s.UsesConfigFile(path) && !(path == primary && s.UsesConfigFile("")) {
				return nil
			}
			return core.ProfileChange(ch, rpc.CallerFrom(rpc.WithSession(context.Background(), s), ""))
		})
	})
	return &daemon{srv: srv, watcher: w, unsub: unsub, jq: svc.JQ()}, nil
}

func (d *daemon) Close() error {
	d.unsub()
	d.jq.Close()
	return d.watcher.Close()
}
