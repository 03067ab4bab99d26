package ledger

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/ledger/ledgertest"
	"github.com/strata-sec/strata/internal/posture"
)

// cluster simulates the engine: a posture that changes step by step, with its events.
type cluster struct {
	mu   sync.Mutex
	rng  *rand.Rand
	cur  []*posture.Finding
	at   time.Time
	pool []*posture.Finding
	// produced counts the events the cluster emitted.
	produced int
}

func newCluster(n int) *cluster {
	c := &cluster{rng: rand.New(rand.NewPCG(1, 2)), at: t0}
	metas := []*check.Meta{metaPriv, metaRoot, metaNet}
	for i := range n {
		c.pool = append(c.pool, finding(metas[i%3], fmt.Sprintf("ns%d", i%7), fmt.Sprintf("w%d", i), check.Severities[i%5], "m"))
	}
	return c
}

// step toggles a few findings, changes one severity, and returns the events.
func (c *cluster) step() []posture.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	in := map[string]*posture.Finding{}
	for _, f := range c.cur {
		in[f.Key()] = f
	}
	for range 4 {
		f := c.pool[c.rng.IntN(len(c.pool))]
		if _, ok := in[f.Key()]; ok {
			delete(in, f.Key())
		} else {
			in[f.Key()] = f
		}
	}
	for k, f := range in { // one severity change
		g := *f
		g.Severity = check.Severities[c.rng.IntN(5)]
		g.Message = fmt.Sprintf("m%d", c.rng.IntN(1000))
		in[k] = &g
		break
	}
	next := make([]*posture.Finding, 0, len(in))
	for _, f := range in {
		next = append(next, f)
	}
	sort.Slice(next, func(i, j int) bool { return next[i].Key() < next[j].Key() })
	c.at = c.at.Add(time.Second)
	evs := posture.Diff(c.cur, next, c.at)
	for i := range evs {
		evs[i].Manager, evs[i].Cause = "kubectl", "update"
	}
	c.cur = next
	c.produced += len(evs)
	return evs
}

func (c *cluster) posture() (*posture.Posture, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return &posture.Posture{Findings: append([]*posture.Finding(nil), c.cur...)}, c.at
}

// assertExact checks the ledger's open findings are exactly the cluster's and that history
// has no duplicates: reconciling the current posture finds nothing to do, and per finding the
// events alternate between open and resolved.
func assertExact(t *testing.T, l *Ledger, c *cluster) {
	t.Helper()
	ctx := context.Background()
	p, at := c.posture()
	open, err := l.Findings(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]*posture.Finding{}
	for _, f := range p.Findings {
		want[f.Key()] = f
	}
	if len(open) != len(want) {
		t.Fatalf("ledger has %d open findings, the cluster %d", len(open), len(want))
	}
	for _, r := range open {
		f := want[r.Key]
		if f == nil || f.Severity != r.Severity || f.Message != r.Message {
			t.Fatalf("ledger finding %s (%s %q) differs from the cluster's %+v", r.Key, r.Severity, r.Message, f)
		}
	}
	evs, err := l.Events(ctx, time.Time{}, at.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	isOpen := map[string]bool{}
	for _, e := range evs {
		switch e.Type {
		case "new":
			if isOpen[e.Key] {
				t.Fatalf("event %d: new for an open finding %s", e.ID, e.Key)
			}
			isOpen[e.Key] = true
		case "changed":
			if !isOpen[e.Key] {
				t.Fatalf("event %d: changed for a closed finding %s", e.ID, e.Key)
			}
		case "resolved":
			if !isOpen[e.Key] {
				t.Fatalf("event %d: resolved for a closed finding %s", e.ID, e.Key)
			}
			isOpen[e.Key] = false
		}
	}
	if got, err := l.Reconcile(ctx, p, at); err != nil || len(got) != 0 {
		t.Fatalf("reconcile after catch-up: %d events, %v", len(got), err)
	}
}

func fastWriter(l *Ledger, maxBatches int, c *cluster) *Writer {
	opts := WriterOptions{MaxBatches: maxBatches, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, AttemptTimeout: 3 * time.Second}
	if c != nil {
		opts.Current = c.posture
	}
	return NewWriter(l, opts)
}

func runWriter(t *testing.T, w *Writer) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func drained(w *Writer) bool {
	s := w.Stats()
	return s.QueuedBatches == 0 && !s.NeedsReconcile
}

// TestWriterOutage stops PostgreSQL while the engine keeps producing events, then restarts
// it: callers never block, errors are counted, and the ledger catches up exactly.
func TestWriterOutage(t *testing.T) {
	srv := ledgertest.Start(t)
	for _, tc := range []struct {
		name       string
		maxBatches int
		current    bool
	}{
		{"queue-holds-everything", 1000, false},
		{"queue-overflows-reconcile-current", 5, true},
		{"queue-overflows-reconcile-snapshot", 5, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := open(t, srv.NewDatabase(t))
			c := newCluster(60)
			var w *Writer
			if tc.current {
				w = fastWriter(l, tc.maxBatches, c)
			} else {
				w = fastWriter(l, tc.maxBatches, nil)
			}
			runWriter(t, w)
			for range 10 {
				w.Enqueue(c.step())
			}
			if !tc.current {
				// Without Current, only a newer snapshot lets it reconcile after an overflow.
				w.EnqueueSnapshot(c.posture())
			}
			eventually(t, 20*time.Second, "first batches written", func() bool { return drained(w) })
			assertExact(t, l, c)

			srv.Stop()
			start := time.Now()
			for range 30 {
				w.Enqueue(c.step())
				time.Sleep(5 * time.Millisecond)
			}
			if !tc.current {
				w.EnqueueSnapshot(c.posture())
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("enqueueing during the outage took %s: the writer blocks callers", d)
			}
			eventually(t, 20*time.Second, "write errors counted", func() bool { return w.Stats().WriteErrors > 0 })
			s := w.Stats()
			if s.LastError == "" || s.Available || s.QueuedBatches == 0 || s.QueuedBatches > tc.maxBatches {
				t.Fatalf("stats during outage: %+v", s)
			}
			if tc.maxBatches < 30 && (s.Dropped == 0 || !s.NeedsReconcile) {
				t.Fatalf("overflow not noticed: %+v", s)
			}
			if srv.Password() != "" && contains(s.LastError, srv.Password()) {
				t.Fatalf("last error holds the password: %s", s.LastError)
			}

			srv.Restart()
			eventually(t, 30*time.Second, "catch-up after the outage", func() bool { return drained(w) })
			for range 5 { // and it keeps going
				w.Enqueue(c.step())
			}
			eventually(t, 20*time.Second, "batches after recovery", func() bool { return drained(w) })
			assertExact(t, l, c)
			if s := w.Stats(); s.LastSuccess.IsZero() || s.Written == 0 || !s.Available {
				t.Fatalf("stats after recovery: %+v", s)
			}
			if tc.maxBatches >= 1000 {
				// Nothing was dropped: the history is exactly the cluster's, event for event.
				evs, err := l.Events(context.Background(), time.Time{}, c.at.Add(time.Hour))
				if err != nil || len(evs) != c.produced {
					t.Fatalf("ledger holds %d events (%v), the cluster produced %d", len(evs), err, c.produced)
				}
			}
		})
	}
}

// TestWriterSQLite runs the writer against a SQLite file with a queue that overflows before
// Run starts.
func TestWriterSQLite(t *testing.T) {
	l := open(t, "sqlite:"+filepath.Join(t.TempDir(), "l.db"))
	c := newCluster(40)
	w := fastWriter(l, 3, c)
	for range 20 {
		w.Enqueue(c.step())
	}
	w.EnqueueSnapshot(c.posture())
	if s := w.Stats(); s.Dropped != 18 || s.QueuedBatches != 3 || !s.NeedsReconcile {
		t.Fatalf("before run: %+v", s)
	}
	runWriter(t, w)
	eventually(t, 20*time.Second, "catch-up", func() bool { return drained(w) })
	assertExact(t, l, c)
	if ss, err := l.Snapshots(context.Background(), time.Time{}); err != nil || len(ss) != 1 {
		t.Fatalf("snapshots %v, %v", ss, err)
	}
}

func contains(s, sub string) bool { return sub != "" && strings.Contains(s, sub) }
