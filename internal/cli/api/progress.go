package api

import (
	"fmt"
	"io"
	"sort"
	"sync"
)

// progress rewrites one terminal line with the item counts of
// $/progress while --paginate fetches pages.
type progress struct {
	w     io.Writer
	mu    sync.Mutex
	shown bool
	done  bool
}

func (p *progress) show(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	if total > 0 {
		fmt.Fprintf(p.w, "\r\x1b[KFetching pages: %d of %d items", done, total)
	} else {
		fmt.Fprintf(p.w, "\r\x1b[KFetching pages: %d items", done)
	}
	p.shown = true
}

// clear erases the line before the answer is printed.
func (p *progress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
	p.done = true
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
