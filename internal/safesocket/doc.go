// Package safesocket owns the daemon's Unix socket: where it lives, the
// directory checks that make it private, the lock that keeps one daemon per
// socket, and who is on the other end of a connection.
//
// It refuses to listen in a directory that is a symlink, belongs to another
// user, or is group/world accessible, and it never removes a socket it does
// not hold the lock for. Mode bits are not trusted on their own: callers ask
// PeerCred on every accepted connection and drop other users.
//
// Clients get the same checks in the other direction: Dial refuses a
// socket whose directory is not private to the current user, or whose
// listener runs as another user, before a byte is sent (another user who
// pre-creates $TMPDIR/konnectd-<uid>/ must not receive a token). Every
// client dials through Dial (rpc.Dial does), so none can skip them.
//
// Platform differences (peer credentials, path length limits) live in
// build-tagged files.
package safesocket
