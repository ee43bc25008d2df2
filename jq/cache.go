package jq

import (
	"container/list"
	"sync"

	"github.com/itchyny/gojq"
)

// lru is a small mutex-guarded LRU of compiled code keyed by expression text.
// Compiled *gojq.Code is immutable and safe to run concurrently, so entries
// are shared between goroutines without copying. Failed compiles are not
// cached: they are cheap to redo and caching them would let a client fill the
// cache with garbage.
type lru struct {
	mu    sync.Mutex
	max   int
	order *list.List // front is most recent; values are *entry
	byKey map[string]*list.Element
}

type entry struct {
	key  string
	code *gojq.Code
}

func newLRU(max int) *lru {
	return &lru{max: max, order: list.New(), byKey: make(map[string]*list.Element)}
}

func (c *lru) get(key string) (*gojq.Code, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry).code, true
}

func (c *lru) put(key string, code *gojq.Code) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok { // another goroutine compiled it meanwhile
		c.order.MoveToFront(el)
		return
	}
	c.byKey[key] = c.order.PushFront(&entry{key: key, code: code})
	for c.order.Len() > c.max {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.byKey, old.Value.(*entry).key)
	}
}

func (c *lru) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
