//go:build unix

package main

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

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
