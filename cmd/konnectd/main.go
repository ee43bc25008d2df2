// Command konnectd is the one trusted holder of Kong Konnect credentials on a
// workstation or CI runner: a long-running daemon that keeps tokens in the OS
// keychain, follows kongctl's config file, and answers JSON-RPC 2.0 over stdio
// or a Unix socket. The same binary is also its own thin client (konnectd
// call, create, get, …), an MCP server for AI agents, and a Konnect emulator.
//
// This package holds flags and subcommands only; the work lives in the
// packages it wires together.
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/jq"
)

func main() {
	// A jq worker is this binary started by the daemon (jq.Engine.Isolate):
	// it does nothing else, and needs none of the command line.
	if jq.IsWorker() {
		os.Exit(jq.WorkerMain())
	}
	os.Exit(run(os.Args[1:]))
}

// exitError carries a specific exit code out of a command: 1 for a failed
// operation (kongctl's convention), 2 for a usage error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError marks an error as the caller's fault: exit code 2.
func usageError(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

func run(args []string) int {
	root := newRootCmd()
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	if err == nil {
		return 0
	}
	if usage, ok := flagGroupUsage(cmd, err); ok {
		err = usage
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			printError(ee.err.Error())
		}
		return ee.code
	}
	// Flag errors quote the value they reject, and a token pasted into the
	// wrong flag (-o kpat_…) must not be echoed to a terminal or a CI log.
	printError(err.Error())
	var fe *flagError
	if errors.As(err, &fe) {
		return fe.code
	}
	if isFlagError(err) {
		return 2
	}
	return 1
}

// printError is kongctl's "Error: <message>" on stderr; several errors
// joined (each a "- Error: …" line) print as they are, as kongctl's do.
func printError(msg string) {
	msg = redact.String(msg)
	if strings.HasPrefix(msg, "- Error: ") {
		fmt.Fprintln(os.Stderr, msg)
		return
	}
	fmt.Fprintln(os.Stderr, "Error:", msg)
}
