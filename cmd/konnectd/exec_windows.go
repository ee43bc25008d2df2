//go:build windows

package main

import (
	"errors"
	"os/exec"
)

// runCommand runs the command as a child: Windows cannot replace a
// process, and has no process-group signals to deliver twice.
func runCommand(path string, args, env []string) error { return runChild(path, args, env) }

// childExit passes the child's exit code on; Windows has no signals to
// re-raise.
func childExit(err error) error {
	if err == nil {
		return nil
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return err
	}
	return &exitError{code: ee.ExitCode(), err: errors.New("")}
}
