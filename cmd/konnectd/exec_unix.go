//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// runCommand replaces konnectd exec with the command (execve), so the
// command is the process its caller started: the same pid, stdio, cwd
// and exit status, and every signal reaches it exactly once. A parent
// that forwards signals cannot promise that: a terminal's Ctrl-C goes to
// the whole foreground process group, the child included, and a forwarded
// copy would be a second interrupt (terraform then exits at once, "data
// loss may have occurred"). A daemon this process started (autostart) is
// in its own session and stays a child of the command until it exits.
func runCommand(path string, args, env []string) error {
	if err := syscall.Exec(path, args, env); err != nil {
		return &exitError{code: 126, err: fmt.Errorf("exec %s: %w", args[0], err)}
	}
	return nil // not reached
}

// childExit passes the child's ending on unchanged: its exit code, or the
// signal that killed it (re-raised on ourselves so our parent sees it too).
func childExit(err error) error {
	if err == nil {
		return nil
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return err
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		sig := ws.Signal()
		signal.Reset(sig)
		syscall.Kill(os.Getpid(), sig)
		return &exitError{code: 128 + int(sig), err: errors.New("")}
	}
	return &exitError{code: ee.ExitCode(), err: errors.New("")}
}
