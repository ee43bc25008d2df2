package config

// A subscription delivers changes to one callback on its own goroutine, so a
// slow subscriber (a stalled client connection) never holds up the watcher
// or the others. It keeps only the newest undelivered change: under a burst
// a slow subscriber may skip intermediate states, but always gets the last.
type subscription struct {
	fn      func(Change)
	pending chan Change // capacity 1: the newest undelivered change
	done    chan struct{}
}

// Subscribe calls fn after every effective change until cancel is called or
// the watcher closes. Calls for one subscription never overlap. fn does not
// get the state at the time of subscribing; read Current for that. After
// cancel returns, fn may still be finishing a call already under way.
func (w *Watcher) Subscribe(fn func(Change)) (cancel func()) {
	s := &subscription{fn: fn, pending: make(chan Change, 1), done: make(chan struct{})}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return func() {}
	}
	w.subs[s] = struct{}{}
	w.mu.Unlock()
	go s.loop()
	return func() {
		w.mu.Lock()
		if _, ok := w.subs[s]; ok {
			delete(w.subs, s)
			close(s.done)
		}
		w.mu.Unlock()
	}
}

func (s *subscription) loop() {
	for {
		select {
		case <-s.done:
			return
		case c := <-s.pending:
			s.fn(c)
		}
	}
}

// offer replaces any undelivered change with c. Only the watcher's run
// goroutine offers, so the drain-then-send cannot race with another offer.
func (s *subscription) offer(c Change) {
	select {
	case <-s.pending:
	default:
	}
	select {
	case s.pending <- c:
	default:
	}
}

func (w *Watcher) closeSubs() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	for s := range w.subs {
		close(s.done)
		delete(w.subs, s)
	}
}
