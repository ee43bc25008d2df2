package jq

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The worker protocol is private to one konnectd binary talking to a copy
// of itself over a pipe, so it is as plain as can be: length-prefixed
// fields, little endian. Nothing in it is meant to be stable.
//
//	request:  flags u8 | len u32 | expression | len u64 | input JSON
//	response: 0 u8 | len u64 | body           (JSON, or -r text)
//	          1 u8 | kind u8 | len u32 | message (already redacted)
const (
	wireRaw     = 1 << 0 // -r: the body is text, one line per result
	wireChecked = 1 << 1 // json.Valid has accepted the input
)

// wireKinds numbers the error kinds for the wire; the order is the
// protocol.
var wireKinds = []error{ErrInvalid, ErrCompile, ErrRuntime, ErrInput, ErrLimit, ErrTimeout}

type wireRequest struct {
	flags byte
	expr  string
	input []byte
}

func writeRequest(w *bufio.Writer, r wireRequest) error {
	var h [13]byte
	h[0] = r.flags
	binary.LittleEndian.PutUint32(h[1:5], uint32(len(r.expr)))
	w.Write(h[:5])
	w.WriteString(r.expr)
	binary.LittleEndian.PutUint64(h[5:13], uint64(len(r.input)))
	w.Write(h[5:13])
	w.Write(r.input)
	return w.Flush()
}

// readRequest reads one request; maxExpr and maxInput bound what it will
// allocate for a corrupt length.
func readRequest(r *bufio.Reader, maxExpr int, maxInput int64) (wireRequest, error) {
	var q wireRequest
	var h [8]byte
	flags, err := r.ReadByte()
	if err != nil {
		return q, err
	}
	q.flags = flags
	if _, err := io.ReadFull(r, h[:4]); err != nil {
		return q, err
	}
	n := binary.LittleEndian.Uint32(h[:4])
	if int64(n) > int64(maxExpr) {
		return q, fmt.Errorf("jq worker: expression of %d bytes", n)
	}
	expr := make([]byte, n)
	if _, err := io.ReadFull(r, expr); err != nil {
		return q, err
	}
	q.expr = string(expr)
	if _, err := io.ReadFull(r, h[:8]); err != nil {
		return q, err
	}
	m := binary.LittleEndian.Uint64(h[:8])
	if m > uint64(maxInput) {
		return q, fmt.Errorf("jq worker: input of %d bytes", m)
	}
	q.input = make([]byte, m)
	_, err = io.ReadFull(r, q.input)
	return q, err
}

func writeResponse(w *bufio.Writer, body []byte, err error) error {
	if err == nil {
		var h [9]byte
		binary.LittleEndian.PutUint64(h[1:], uint64(len(body)))
		w.Write(h[:])
		w.Write(body)
		return w.Flush()
	}
	kind := 2 // runtime, for anything untyped
	var je *Error
	msg := err.Error()
	if errors.As(err, &je) {
		msg = je.msg
		for i, k := range wireKinds {
			if je.kind == k {
				kind = i
			}
		}
	}
	var h [6]byte
	h[0], h[1] = 1, byte(kind)
	binary.LittleEndian.PutUint32(h[2:], uint32(len(msg)))
	w.Write(h[:])
	w.WriteString(msg)
	return w.Flush()
}

// readResponse reads one response; maxBody bounds the body it accepts, so
// a worker cannot make the daemon allocate more than the output cap
// allows. A failed evaluation comes back as evalErr, a broken pipe or
// protocol as err.
func readResponse(r *bufio.Reader, maxBody int64) (body []byte, evalErr, err error) {
	status, err := r.ReadByte()
	if err != nil {
		return nil, nil, err
	}
	switch status {
	case 0:
		var h [8]byte
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return nil, nil, err
		}
		n := binary.LittleEndian.Uint64(h[:])
		if n > uint64(maxBody) {
			return nil, nil, fmt.Errorf("%w (%d bytes)", errBodyTooLarge, n)
		}
		body = make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			return nil, nil, err
		}
		return body, nil, nil
	case 1:
		var h [5]byte
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return nil, nil, err
		}
		kind, n := int(h[0]), binary.LittleEndian.Uint32(h[1:])
		if kind >= len(wireKinds) || n > 64<<10 {
			return nil, nil, fmt.Errorf("jq worker: bad error frame (kind %d, %d bytes)", kind, n)
		}
		msg := make([]byte, n)
		if _, err := io.ReadFull(r, msg); err != nil {
			return nil, nil, err
		}
		return nil, newError(wireKinds[kind], string(msg)), nil
	}
	return nil, nil, fmt.Errorf("jq worker: bad response status %d", status)
}
