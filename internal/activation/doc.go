// Package activation receives listening sockets handed over by a service
// manager: systemd's socket activation protocol (sd_listen_fds(3)), in which
// the manager creates the socket, starts the daemon on the first connection,
// and passes the socket as file descriptors 3, 4, … with LISTEN_FDS,
// LISTEN_PID and LISTEN_FDNAMES in the environment.
//
// It owns only the hand-over: checking that the variables are meant for this
// process, marking the descriptors close-on-exec and removing the variables
// so child processes do not mistake them for their own. It does not decide
// whether a socket is safe to serve on (the caller checks every peer), and
// it does not implement launchd's launch_activate_socket (a libSystem call,
// reachable without cgo only through unsupported linker directives; see
// docs/install.md), so the macOS agent does not use socket activation.
// On platforms without the protocol (Windows) it finds nothing.
package activation
