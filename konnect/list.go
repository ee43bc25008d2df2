package konnect

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"sync"
)

// ListOptions shape a list call.
type ListOptions struct {
	// Filter selects items; see ParseFilter.
	Filter Filter
	// PageSize is page[size]; 0 means 100.
	PageSize int
	// Limit stops after this many matching items; 0 means all.
	Limit int
	// Op, when set, is kongctl's phrase for a failure in place of the
	// operation's usual one (kongctl words the same call differently in
	// different commands: "Failed to list System Accounts" in get,
	// "Failed to list system accounts" in create spat).
	Op string
	// Progress, when set, is called after each page with the items
	// fetched so far and the server's total (before local filtering).
	// Calls are serialized.
	Progress func(fetched, total int)
}

// Page is the answer to a list call.
type Page[T any] struct {
	// Items that matched, in the server's order.
	Items []T
	// Total is the server's meta total for the pushed-down query: the
	// number of candidates, before any locally evaluated condition.
	Total int
	// Pushed is the query sent; Local the conditions evaluated here.
	Pushed url.Values
	Local  Filter
	// Unseen names the fields of local conditions that not one candidate
	// had (exists conditions aside). Konnect refuses a filter on a field
	// it does not know; evaluated here, such a filter (a typo, say) would
	// quietly match nothing, so the caller can say why instead.
	Unseen []string
}

// listPage is one page on the wire. Identity collections carry
// meta.page.{number,size,total}; the PAT list carries them flat in meta.
type listPage struct {
	Meta listMeta          `json:"meta"`
	Data []json.RawMessage `json:"data"`
	// items, when set, is Data already decoded: a []T of the same length.
	items any
}

type listMeta struct {
	Page   *pageMeta `json:"page"`
	Number *float64  `json:"number"`
	Size   *float64  `json:"size"`
	Total  *float64  `json:"total"`
}

// decodePage decodes one page body. A listing of 10,000 users is 2.6 MB,
// and each pass of encoding/json over it costs more than the paging
// saves, so the page is decoded once, into typed items, and dataItems
// cuts their raw bytes out of the body. A page it cannot vouch for, or
// whose items do not all decode, is decoded as before: raw items now, each
// decoded later if it matches, so a listing fails or succeeds as it did.
func decodePage[T any](body []byte) (*listPage, error) {
	var p listPage
	if len(body) == 0 {
		return &p, nil
	}
	var typed struct {
		Meta listMeta `json:"meta"`
		Data []T      `json:"data"`
	}
	if json.Unmarshal(body, &typed) == nil {
		if raws, ok := dataItems(body); ok && len(raws) == len(typed.Data) {
			p.Meta, p.Data, p.items = typed.Meta, raws, typed.Data
			return &p, nil
		}
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

type pageMeta struct {
	Number float64 `json:"number"`
	Size   float64 `json:"size"`
	Total  float64 `json:"total"`
}

func (p *listPage) total() (int, bool) {
	switch {
	case p.Meta.Page != nil:
		return int(p.Meta.Page.Total), true
	case p.Meta.Total != nil:
		return int(*p.Meta.Total), true
	}
	return 0, false
}

func (p *listPage) size() int {
	switch {
	case p.Meta.Page != nil:
		return int(p.Meta.Page.Size)
	case p.Meta.Size != nil:
		return int(*p.Meta.Size)
	}
	return 0
}

// listSpec describes one list operation.
type listSpec struct {
	call
	operation string // spec operationId, for filter push-down
	paged     bool   // takes page[size]/page[number]
}

// list fetches every page a list operation needs, page 1 first and then
// the rest in parallel (bounded by Options.Concurrency, order kept), and
// applies the filter.
func list[T any, PT interface {
	*T
	rawSetter
}](ctx context.Context, c *Client, ls listSpec, o ListOptions) (*Page[T], error) {
	if err := checkServerTypes(ls.operation, o.Filter); err != nil {
		return nil, fmt.Errorf("%s: %w", ls.op, err)
	}
	pushed, local := split(ls.operation, o.Filter)
	size := o.PageSize
	if size <= 0 {
		size = 100
	}
	fetch := func(ctx context.Context, number int) (*listPage, error) {
		q := url.Values{}
		for k, v := range pushed {
			q[k] = v
		}
		if ls.paged {
			q.Set("page[size]", strconv.Itoa(size))
			q.Set("page[number]", strconv.Itoa(number))
		}
		k := ls.call
		k.query = q
		if o.Op != "" {
			k.op = o.Op
		}
		var body rawBody
		if err := c.do(ctx, k, &body); err != nil {
			return nil, err
		}
		p, err := decodePage[T](body)
		if err != nil {
			return nil, fmt.Errorf("%s: decode response: %w", k.op, err)
		}
		return p, nil
	}
	first, err := fetch(ctx, 1)
	if err != nil {
		return nil, err
	}
	pages := []*listPage{first}
	total, known := first.total()
	var mu sync.Mutex
	fetched := len(first.Data)
	progress := func(n int) {
		if o.Progress == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		fetched += n
		o.Progress(fetched, total)
	}
	progress(0)
	if ls.paged {
		// The server may cap the page size; count pages by what it used.
		got := first.size()
		if got <= 0 || got > size {
			got = size
		}
		want := total
		if o.Limit > 0 && len(local) == 0 && o.Limit < want {
			want = o.Limit
		}
		switch {
		case known && got > 0:
			n := (want + got - 1) / got
			rest, err := c.fetchPages(ctx, 2, n, fetch, progress)
			if err != nil {
				return nil, err
			}
			pages = append(pages, rest...)
		case !known:
			// No total: walk until a short page.
			for p, last := 2, first; len(last.Data) >= size; p++ {
				if last, err = fetch(ctx, p); err != nil {
					return nil, err
				}
				pages = append(pages, last)
				progress(len(last.Data))
			}
		}
	}
	out := &Page[T]{Total: total, Pushed: pushed, Local: local}
	if n := countItems(pages, o.Limit); n > 0 {
		out.Items = make([]T, 0, n)
	}
	unseen := local.presenceFields()
	for _, p := range pages {
		typed, _ := p.items.([]T)
		for i, raw := range p.Data {
			if len(unseen) > 0 {
				unseen = stillUnseen(unseen, raw)
			}
			ok, err := o.Filter.MatchChecked(raw)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", ls.op, err)
			}
			if !ok {
				continue
			}
			var item T
			if typed != nil {
				item = typed[i]
			} else if err := json.Unmarshal(raw, &item); err != nil {
				return nil, fmt.Errorf("%s: decode item: %w", ls.op, err)
			}
			// raw is kept as it is: its own copy, or a piece of the page
			// body with no spare capacity, which nothing else writes.
			PT(&item).setRaw(raw)
			out.Items = append(out.Items, item)
			if o.Limit > 0 && len(out.Items) == o.Limit {
				return out, nil
			}
		}
	}
	if !known {
		out.Total = len(out.Items)
	}
	if len(unseen) > 0 && countItems(pages, 0) > 0 {
		out.Unseen = unseen
	}
	return out, nil
}

// countItems is how many items pages hold, at most limit (0: no limit):
// the capacity that spares growing the result 10,000 items one by one.
func countItems(pages []*listPage, limit int) int {
	n := 0
	for _, p := range pages {
		n += len(p.Data)
	}
	if limit > 0 {
		n = min(n, limit)
	}
	return n
}

// fetchPages gets pages from..to with at most c.concurrency in flight and
// returns them in page order. The first error cancels the rest.
func (c *Client) fetchPages(ctx context.Context, from, to int,
	fetch func(context.Context, int) (*listPage, error), progress func(int)) ([]*listPage, error) {
	if to < from {
		return nil, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make([]*listPage, to-from+1)
	next := make(chan int)
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	workers := min(c.concurrency, len(out))
	for range workers {
		wg.Go(func() {
			for n := range next {
				p, err := fetch(ctx, n)
				if err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					continue
				}
				out[n-from] = p
				progress(len(p.Data))
			}
		})
	}
feed:
	for n := from; n <= to; n++ {
		select {
		case next <- n:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
