package keychain

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/godbus/dbus/v5"
)

const platformKeychain = "the Secret Service"

const hintNoBus = "no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set. " +
	"In a desktop session it is set for you; over ssh or in CI start a session bus " +
	"(e.g. dbus-run-session) with a Secret Service such as gnome-keyring, " + hintFileOpt

const hintNoService = "no Secret Service on the D-Bus session bus: install and start gnome-keyring " +
	"(or enable KeePassXC's Secret Service integration), " + hintFileOpt

const hintLocked = "unlock your keyring (log in to the desktop, or open Passwords and Keys / seahorse) " +
	"and retry; in CI start gnome-keyring-daemon with --unlock"

// preflight refuses to call go-keyring when doing so would autolaunch a bus:
// godbus runs dbus-launch, or picks up $XDG_RUNTIME_DIR/bus, when
// DBUS_SESSION_BUS_ADDRESS is unset, and a launched bus leaks a dbus-daemon
// and a keyring daemon per process. An explicit address is all we use.
func preflight() (kind error, hint string, err error) {
	addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	switch {
	case addr == "":
		hint := hintNoBus
		if rt := os.Getenv("XDG_RUNTIME_DIR"); rt != "" {
			if fi, err := os.Stat(filepath.Join(rt, "bus")); err == nil && fi.Mode()&os.ModeSocket != 0 {
				hint = fmt.Sprintf("DBUS_SESSION_BUS_ADDRESS is not set, but a session bus seems to listen at %s: "+
					"export DBUS_SESSION_BUS_ADDRESS=unix:path=%s and restart konnectd", filepath.Join(rt, "bus"), filepath.Join(rt, "bus"))
			}
		}
		return ErrUnavailable, hint, nil
	case strings.Contains(addr, "autolaunch:"):
		return ErrUnavailable, "DBUS_SESSION_BUS_ADDRESS asks for autolaunch, which konnectd never does: " +
			"point it at a running session bus, " + hintFileOpt, nil
	}
	return nil, "", nil
}

// promptPossible reports whether an unlock prompt could reach a user: on
// Linux only when there is a display for gcr-prompter to open. Headless, the
// prompt is dismissed at once and the call fails with ErrLocked.
func promptPossible() bool {
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}

// classify maps go-keyring's Linux errors, which are mostly D-Bus errors
// passed through, onto our kinds. The cases were measured against
// gnome-keyring 42; the tests reproduce each one we can headless.
func classify(err error) (kind error, hint string) {
	if kind, hint, ok := classifyCommon(err); ok {
		return kind, hint
	}
	var (
		execErr *exec.Error
		opErr   *net.OpError
		busErr  dbus.Error
	)
	switch {
	case errors.As(err, &execErr), errors.As(err, &opErr), errors.Is(err, dbus.ErrClosed):
		return ErrUnavailable, "cannot reach the D-Bus session bus at DBUS_SESSION_BUS_ADDRESS: " +
			"check that the session bus is running, " + hintFileOpt
	case errors.As(err, &busErr):
		switch busErr.Name {
		case "org.freedesktop.DBus.Error.ServiceUnknown",
			"org.freedesktop.DBus.Error.NameHasNoOwner",
			"org.freedesktop.DBus.Error.Spawn.ServiceNotFound",
			"org.freedesktop.DBus.Error.Spawn.ChildExited":
			return ErrUnavailable, hintNoService
		case "org.freedesktop.DBus.Error.NoReply", "org.freedesktop.DBus.Error.Timeout":
			return ErrTimeout, hintTimeout
		}
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "failed to unlock"):
		// go-keyring's words when Unlock's prompt was dismissed: headless,
		// gcr-prompter cannot open a display; on a desktop, the user said no.
		return ErrLocked, hintLocked
	case strings.HasPrefix(msg, "dbus: "):
		// godbus's own failures to connect or authenticate.
		return ErrUnavailable, "cannot use the D-Bus session bus: check DBUS_SESSION_BUS_ADDRESS, " + hintFileOpt
	}
	return nil, ""
}
