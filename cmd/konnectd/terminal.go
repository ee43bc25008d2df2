package main

import (
	"os"

	"golang.org/x/term"
)

// stdoutWidth is the terminal's width when stdout is one, else 0 (kongctl
// lays text tables out for the terminal, and for 120 columns elsewhere).
func stdoutWidth() int {
	if !stdoutIsTerminal() {
		return 0
	}
	w, _, err := term.GetSize(int(os.Stdout.Fd()))
	if err != nil || w <= 0 {
		return 0
	}
	return min(w, 10000)
}

// stdoutIsTerminal reports whether stdout is an interactive terminal.
func stdoutIsTerminal() bool {
	fi, err := os.Stdout.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// colorTerminal is what kongctl's --jq-color auto asks: stdout is a
// terminal and NO_COLOR is unset.
func colorTerminal() bool {
	_, off := os.LookupEnv("NO_COLOR")
	return !off && stdoutIsTerminal()
}
