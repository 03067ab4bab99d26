package watch

import "time"

// subscriber is one Subscribe call. Its channel has one slot more than the buffer asked for:
// the reserved slot always has room for the Overflow batch, so a subscriber is told it lost
// events however full its buffer is.
type subscriber struct {
	ch     chan Batch
	buffer int
}

// Subscribe returns a channel of every batch published from now on, and a function that ends
// the subscription and closes the channel (safe to call more than once, and after Run ended).
//
// The evaluating goroutine never waits for a subscriber. One that lets buffer batches pile up
// is disconnected: it receives a final batch with Overflow set, then the channel closes. It
// then knows exactly that it missed events, and can resynchronise from Posture() and subscribe
// again. Dropping single batches silently instead would leave it with a posture that is wrong
// and does not know it. buffer below 1 is taken as 1. The channel is also closed when Run
// returns.
func (w *Watcher) Subscribe(buffer int) (<-chan Batch, func()) {
	buffer = max(buffer, 1)
	s := &subscriber{ch: make(chan Batch, buffer+1), buffer: buffer}
	w.mu.Lock()
	if w.closed {
		close(s.ch)
		w.mu.Unlock()
		return s.ch, func() {}
	}
	w.subs[s] = struct{}{}
	w.mu.Unlock()
	return s.ch, func() { w.unsubscribe(s) }
}

func (w *Watcher) unsubscribe(s *subscriber) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.subs[s]; ok {
		delete(w.subs, s)
		close(s.ch)
	}
}

// broadcast hands b to every subscriber without blocking. Only the evaluating goroutine sends,
// and sends happen under w.mu, as do closes, so the length check cannot be overtaken.
func (w *Watcher) broadcast(b Batch) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for s := range w.subs {
		if len(s.ch) < s.buffer {
			s.ch <- b
			continue
		}
		w.overflows++
		s.ch <- Batch{Overflow: true, At: time.Now()}
		close(s.ch)
		delete(w.subs, s)
		w.log.Warn("slow subscriber disconnected", "buffer", s.buffer)
	}
}

// closeSubscribers ends every subscription; Subscribe after it returns a closed channel.
func (w *Watcher) closeSubscribers() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	for s := range w.subs {
		close(s.ch)
		delete(w.subs, s)
	}
}
