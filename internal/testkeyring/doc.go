// Package testkeyring gives tests a real, private Secret Service: a
// dbus-daemon and a gnome-keyring-daemon of their own, in a temporary
// directory, with an unlocked "login" collection and a throw-away password.
//
// It owns starting, waiting for, locking, unlocking and stopping such a
// keyring, and looking at it with secret-tool. It refuses to touch the
// user's own session bus or keyring, and it never installs anything: the
// Debian packages (dbus-daemon, dbus-bin, gnome-keyring, libsecret-tools) come
// from scripts/keyring.sh or the machine. Without them the tests that need a
// keyring skip and say why.
//
// Use Start in a test that runs konnectd as a child process (pass Env), or
// that talks to the keyring through its own D-Bus connection. In-process
// go-keyring calls go through godbus's process-wide session bus connection,
// which is made once from DBUS_SESSION_BUS_ADDRESS; for those, call Main from
// TestMain, which starts one keyring for the whole test binary and points the
// process at it, and use Shared in the tests.
package testkeyring
