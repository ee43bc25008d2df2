package jq

import "time"

// Limits bound what one expression may cost. A zero field means "use the
// default", so Limits{} is the same as DefaultLimits().
type Limits struct {
	MaxExpr    int           // bytes of expression text
	MaxInput   int64         // bytes of raw JSON input (EvalJSON only)
	MaxResults int           // values one run may emit
	MaxOutput  int64         // approximate JSON bytes of all results together
	Timeout    time.Duration // wall-clock budget of one run
	CacheSize  int           // compiled expressions kept
}

// DefaultLimits are generous for interactive use and CI scripts, and small
// enough that a hostile client cannot pin the daemon for long.
func DefaultLimits() Limits {
	return Limits{
		MaxExpr:    4 << 10,
		MaxInput:   8 << 20,
		MaxResults: 10_000,
		MaxOutput:  8 << 20,
		Timeout:    5 * time.Second,
		CacheSize:  256,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxExpr <= 0 {
		l.MaxExpr = d.MaxExpr
	}
	if l.MaxInput <= 0 {
		l.MaxInput = d.MaxInput
	}
	if l.MaxResults <= 0 {
		l.MaxResults = d.MaxResults
	}
	if l.MaxOutput <= 0 {
		l.MaxOutput = d.MaxOutput
	}
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	if l.CacheSize <= 0 {
		l.CacheSize = d.CacheSize
	}
	return l
}
