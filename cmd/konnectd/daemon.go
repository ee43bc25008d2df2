package main

import (
	"context"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/internal/safesocket"
	"github.com/konnectd/konnectd/internal/version"
	"github.com/konnectd/konnectd/rpc"
)

// daemonOptions are the settings of the daemon's core (config file,
// keychain backend), shared by serve and the in-process modes.
type daemonOptions struct{}

func (o *daemonOptions) addFlags(cmd *cobra.Command) {}

// daemon is everything a serving process owns: the RPC server and the core
// it exposes.
type daemon struct {
	srv *rpc.Server
}

func newDaemon(ctx context.Context, log *slog.Logger, o *serveOptions) (*daemon, error) {
	srv := rpc.NewServer(rpc.Options{
		Logger:       log,
		MaxMessage:   o.maxMessage,
		IdleTimeout:  o.idleTimeout,
		DrainTimeout: o.drainTimeout,
		Version:      version.Version,
	},
		rpc.JQMethods(jqEngine()),
	)
	return &daemon{srv: srv}, nil
}

func (d *daemon) Close() error { return nil }

// listen is a seam for socket activation (issue: installable service).
func listen(path string) (*safesocket.Listener, error) {
	return safesocket.Listen(path)
}
