package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/strata-sec/strata/internal/watch"
)

const (
	// clientBuffer is how many events one SSE client may fall behind before it is dropped; it
	// reconnects with Last-Event-ID and catches up from the ring.
	clientBuffer = 256
	// maxStreams bounds concurrent SSE clients.
	maxStreams = 100
	// sourceBuffer is the subscription buffer asked of the source.
	sourceBuffer = 64
)

// sseEvent is one Server-Sent Event, encoded once for every client.
type sseEvent struct {
	id   uint64
	name string
	data []byte
}

type client struct {
	ch      chan sseEvent
	dropped chan struct{}
}

// hub turns the source's batches into numbered events, keeps the last ones in a ring for
// clients that reconnect, and fans them out without ever waiting for a client.
type hub struct {
	mu      sync.Mutex
	ring    []sseEvent
	start   int // index of the oldest event in ring
	n       int // events in ring
	next    uint64
	clients map[*client]struct{}
	closed  bool
}

func newHub(size int) *hub {
	return &hub{ring: make([]sseEvent, size), next: 1, clients: map[*client]struct{}{}}
}

func (h *hub) lastID() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.next - 1
}

// publish numbers and stores events and hands them to every client; a client whose buffer is
// full is dropped.
func (h *hub) publish(evs []sseEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range evs {
		e.id = h.next
		h.next++
		if h.n < len(h.ring) {
			h.ring[(h.start+h.n)%len(h.ring)] = e
			h.n++
		} else {
			h.ring[h.start] = e
			h.start = (h.start + 1) % len(h.ring)
		}
		for c := range h.clients {
			select {
			case c.ch <- e:
			default:
				h.dropLocked(c)
			}
		}
	}
}

func (h *hub) dropLocked(c *client) {
	if _, ok := h.clients[c]; ok {
		delete(h.clients, c)
		close(c.dropped)
	}
}

// subscribe registers a client. With after > 0 it first receives the stored events after that
// ID; replay is false when they are no longer all stored, and the client must reload.
func (h *hub) subscribe(after uint64, resume bool) (c *client, backlog []sseEvent, replay bool, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, nil, false, fmt.Errorf("server is shutting down")
	}
	if len(h.clients) >= maxStreams {
		return nil, nil, false, fmt.Errorf("too many event streams (%d)", maxStreams)
	}
	c = &client{ch: make(chan sseEvent, clientBuffer), dropped: make(chan struct{})}
	h.clients[c] = struct{}{}
	if !resume {
		return c, nil, true, nil
	}
	oldest := h.next - uint64(h.n)
	if after+1 < oldest || after >= h.next {
		return c, nil, false, nil
	}
	for i := 0; i < h.n; i++ {
		e := h.ring[(h.start+i)%len(h.ring)]
		if e.id > after {
			backlog = append(backlog, e)
		}
	}
	return c, backlog, true, nil
}

func (h *hub) unsubscribe(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dropLocked(c)
}

// close ends every stream, so a graceful shutdown does not wait on them.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for c := range h.clients {
		h.dropLocked(c)
	}
}

type syncJSON struct {
	Complete bool   `json:"complete"`
	Full     bool   `json:"full"`
	Changes  int    `json:"changes"`
	Events   int    `json:"events"`
	At       string `json:"at"`
}

// encodeBatch turns a batch into SSE events: one finding event per posture event, then a sync
// event that says whether the posture is complete.
func (s *Server) encodeBatch(b watch.Batch) []sseEvent {
	out := make([]sseEvent, 0, len(b.Events)+1)
	for _, ev := range b.Events {
		j, err := newEventJSON(ev)
		if err != nil {
			s.log.Error("encode posture event", "err", err)
			continue
		}
		data, err := json.Marshal(j)
		if err != nil {
			s.log.Error("encode posture event", "err", err)
			continue
		}
		out = append(out, sseEvent{name: "finding", data: data})
	}
	data, _ := json.Marshal(syncJSON{Complete: s.opts.Source.Status().Synced, Full: b.Full, Changes: b.Changes, Events: len(b.Events), At: timestamp(b.At)})
	return append(out, sseEvent{name: "sync", data: data})
}

// Run consumes the source's batches until ctx ends or the source closes its channel. It must
// run for /api/v1/events and the batch metrics to see changes. When the source drops the
// server for falling behind (an overflow batch), Run subscribes again and tells every stream
// to reload: the events in between are lost.
func (s *Server) Run(ctx context.Context) error {
	defer s.hub.close()
	for {
		overflow, err := s.consume(ctx)
		if err != nil || !overflow {
			return err
		}
		s.log.Warn("event stream fell behind the watcher; clients reload the posture")
		data, _ := json.Marshal(map[string]string{"reason": "the server fell behind the watcher and lost events; reload the posture"})
		s.hub.publish([]sseEvent{{name: "reset", data: data}})
	}
}

// Subscribed is closed once Run has subscribed to the source: start the source after it, and
// the server sees its first batch.
func (s *Server) Subscribed() <-chan struct{} { return s.subscribed }

// consume reads one subscription until it ends; overflow says the source dropped it.
func (s *Server) consume(ctx context.Context) (overflow bool, err error) {
	ch, cancel := s.opts.Source.Subscribe(sourceBuffer)
	defer cancel()
	s.subscribeOnce.Do(func() { close(s.subscribed) })
	for {
		select {
		case <-ctx.Done():
			return false, nil
		case b, ok := <-ch:
			switch {
			case !ok:
				return false, nil
			case b.Overflow:
				return true, nil
			}
			s.metrics.observe(b)
			s.hub.publish(s.encodeBatch(b))
		}
	}
}

func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if err := onlyParams(q, "lastEventID"); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	after, resume, err := lastEventID(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	rc := http.NewResponseController(w)
	c, backlog, replay, err := s.hub.subscribe(after, resume)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	defer s.hub.unsubscribe(c)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	write := func(format string, args ...any) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(s.opts.Heartbeat + 10*time.Second))
		if _, err := fmt.Fprintf(w, format, args...); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	// retry tells the browser how soon to reconnect; the first comment opens the stream at once.
	if !write("retry: 2000\n: strata event stream\n\n") {
		return
	}
	if !replay {
		data, _ := json.Marshal(map[string]string{"reason": "events since Last-Event-ID are no longer stored; reload the posture"})
		if !write("id: %d\nevent: reset\ndata: %s\n\n", s.hub.lastID(), data) {
			return
		}
	}
	for _, e := range backlog {
		if !write("id: %d\nevent: %s\ndata: %s\n\n", e.id, e.name, e.data) {
			return
		}
	}
	tick := time.NewTicker(s.opts.Heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-c.dropped:
			// Either the client fell too far behind or the server is shutting down: end the
			// stream; the browser reconnects with Last-Event-ID.
			return
		case e := <-c.ch:
			if !write("id: %d\nevent: %s\ndata: %s\n\n", e.id, e.name, e.data) {
				return
			}
		case <-tick.C:
			if !write(": heartbeat\n\n") {
				return
			}
		}
	}
}

// lastEventID reads the Last-Event-ID header a reconnecting EventSource sends, or the
// lastEventID parameter a first connection can pass.
func lastEventID(r *http.Request) (uint64, bool, error) {
	v := r.Header.Get("Last-Event-ID")
	name := "Last-Event-ID header"
	if v == "" {
		v, _ = single(r.URL.Query(), "lastEventID")
		name = "parameter lastEventID"
	}
	if v == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("%s: %q is not an event ID", name, truncate(v))
	}
	return n, true, nil
}
