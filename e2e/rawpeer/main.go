// Command rawpeer is a bare Unix socket peer for the e2e tests, run as
// another user (setpriv): it has none of konnectd's checks, so it plays
// the attacker's listener and the foreign client.
//
//	rawpeer listen PATH   listen on PATH (mode 0777); print "ready", then
//	                      for each connection, one at a time, copy what it
//	                      sends to stdout until it hangs up or is idle 2 s
//	rawpeer dial PATH N   N times: connect, send one request line, print
//	                      the reply line (or an empty line)
package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: rawpeer listen PATH | dial PATH N")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "listen":
		err = listen(os.Args[2])
	case "dial":
		n := 1
		if len(os.Args) > 3 {
			n, err = strconv.Atoi(os.Args[3])
		}
		for ; err == nil && n > 0; n-- {
			err = dial(os.Args[2])
		}
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "rawpeer:", err)
		os.Exit(1)
	}
}

func listen(path string) error {
	l, err := net.Listen("unix", path)
	if err != nil {
		return err
	}
	os.Chmod(path, 0o777)
	fmt.Println("ready")
	for {
		c, err := l.Accept()
		if err != nil {
			return err
		}
		// One connection at a time, so what the test reads is in the
		// order the connections came; a client that waits for an answer
		// (as an unchecked one would) is cut off when it goes quiet.
		for {
			c.SetReadDeadline(time.Now().Add(2 * time.Second))
			buf := make([]byte, 4096)
			n, err := c.Read(buf)
			os.Stdout.Write(buf[:n])
			if err != nil {
				break
			}
		}
		c.Close()
	}
}

func dial(path string) error {
	c, err := net.Dial("unix", path)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	// The write may fail once the daemon has closed; its reason is still
	// there to read.
	io.WriteString(c, `{"jsonrpc":"2.0","id":1,"method":"daemon/status"}`+"\n")
	line, err := bufio.NewReader(c).ReadString('\n')
	if !strings.HasSuffix(line, "\n") {
		line += "\n"
	}
	fmt.Print(line)
	if err != nil && err != io.EOF {
		return err
	}
	return nil
}
