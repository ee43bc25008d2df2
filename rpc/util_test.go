package rpc

import (
	"bufio"
	"io"
)

func ioReadFull(r *bufio.Reader, b []byte) (int, error) { return io.ReadFull(r, b) }
