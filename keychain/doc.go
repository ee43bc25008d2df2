// Package keychain keeps konnectd's credentials in the operating system's
// keychain, or, only when the user asks for it, in a plaintext file.
//
// It owns three things: naming (which keychain entry holds which credential),
// bounding (no call may hang the daemon), and honest errors (every failure
// says what the user can do about it). It knows nothing of Konnect or of
// tokens' shapes, and it refuses to do two things: it never falls back from
// the keychain to a file on its own, and it never puts a secret into an error
// message or a log line.
//
// # Naming
//
// Every entry lives under the service name "konnectd" (Options.Service). The
// account of an entry is one of:
//
//	<profile>           a profile's token, for a profile name without ':'
//	profile:<profile>   a profile's token, for a profile name that has a ':'
//	token:<name>        a token stored under a name, e.g. by
//	                    token/createPersonal {store: "name"}
//	recovered:<id>      a created token whose delivery failed after Konnect
//	                    created it, kept under its Konnect id
//	probe:<nonce>       a scratch entry written and removed at once, to check
//	                    that the keychain takes writes before a create
//
// ProfileAccount, NamedAccount, RecoveredAccount and ProbeAccount build
// them; AccountName splits one back. The mapping is one-to-one: an
// account without ':' can only be a plain profile name, and the two prefixes
// tell the rest apart, so no profile can ever read or overwrite a named token.
// Outside konnectd the entries are ordinary Secret Service items with the
// attributes service=konnectd and username=<account> (see secret-tool(1)), a
// macOS generic password with that service and account, or a Windows generic
// credential with target "konnectd:<account>".
//
// # The index
//
// An entry's value is the raw secret and nothing else, so secret-tool prints
// the token. What konnectd knows about it (the Konnect token id, kind, owner,
// profile, expiry, whether it was created, given to login, imported or
// recovered) is a Record in the Index: a JSON file of mode 0600 beside the
// config file (or beside the file store), locked with flock(2) while written
// so the daemon and konnectd mcp can share it. go-keyring cannot enumerate
// a keychain, so the index is also how entries are listed; entries other
// programs wrote are not in it. The index holds no secret.
//
// # Bounding
//
// go-keyring has no timeouts, and on Linux its D-Bus connection is shared by
// the whole process. So every call goes through a single lane: at most one
// keychain operation that someone waits for runs at a time, and a caller
// waits at most Options.Timeout (default 5s) for it, or Options.PromptTimeout
// (default 60s) where an unlock prompt may appear and be answered: on macOS,
// on Windows, and on Linux when DISPLAY or WAYLAND_DISPLAY is set. A caller
// that gives up gets ErrTimeout; its operation cannot be cancelled, so it is
// abandoned and runs on (a timed-out Set may therefore still complete), and
// the next caller makes a new attempt: the keychain may answer by then.
// Abandoned operations are bounded (maxAbandoned, 3): with that many still
// hanging, every later call fails at once with ErrTimeout saying how many
// requests have had no answer, instead of piling up behind them, until one
// returns. The hint speaks of an unlock prompt only where one can appear;
// headless it says the keychain service itself is not answering.
//
// On Linux, DBUS_SESSION_BUS_ADDRESS is checked before every call. When it is
// unset (or asks for autolaunch) the call fails with ErrUnavailable without
// touching D-Bus: godbus would otherwise look for /run/user/<uid>/bus or run
// dbus-launch, which starts a stray bus and keyring daemon per process.
//
// # Size limits
//
// Secrets are checked before anything is written, and ErrTooLarge is returned
// when they exceed what the platform's keychain takes:
//
//	Windows  2560 bytes (Credential Manager's limit for a credential blob)
//	macOS    about 3000 bytes: go-keyring passes the base64 of the secret to
//	         security(1) on a command line of at most 4096 bytes, so the exact
//	         limit shrinks a little with long account names
//	Linux    64 KiB: the Secret Service has no limit of its own; ours keeps
//	         D-Bus messages small and is far above any Konnect token
//	file     64 KiB, for the same reason
//
// # The file store
//
// Backend "file" keeps secrets as plaintext JSON in a file of mode 0600 (its
// directory is created 0700). It exists for machines without a keychain, and
// only on request; Kind reports KindFile so that status reports can warn that
// the credentials are not encrypted. A file that group or others can read is
// refused rather than used. Writes are atomic (temporary file and rename) and
// serialized within the process; two processes writing the same file at once
// can lose one of the writes.
package keychain
