package ledger

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/strata-sec/strata/internal/posture"
)

// WriterOptions tunes a Writer. Zero values take the defaults.
type WriterOptions struct {
	// MaxBatches and MaxBytes bound the queue (defaults 4096 batches, 64 MiB). When either is
	// exceeded the oldest batches are dropped and the ledger is reconciled when it returns.
	MaxBatches int
	MaxBytes   int64
	// MinBackoff and MaxBackoff bound the wait between failed writes (defaults 500ms, 1m).
	MinBackoff, MaxBackoff time.Duration
	// AttemptTimeout bounds one write (default 30s).
	AttemptTimeout time.Duration
	// Current returns the current posture and when it was observed. The Writer reconciles
	// with it after dropping batches, and discards the event batches queued before it called
	// Current: callers must update their current posture before enqueueing its events, and
	// stamp it no later than those events. The Writer holds its lock during the call, so no
	// batch is queued meanwhile: Current must not call the Writer. Without it, the Writer
	// reconciles with the latest posture given to EnqueueSnapshot that is newer than every
	// dropped batch.
	Current func() (*posture.Posture, time.Time)
	Logger  *slog.Logger
}

// WriterStats is the Writer's health, for metrics and readiness reporting.
type WriterStats struct {
	WriteErrors    uint64 `json:"writeErrors"`
	Written        uint64 `json:"written"`
	Dropped        uint64 `json:"dropped"`
	Reconciles     uint64 `json:"reconciles"`
	QueuedBatches  int    `json:"queuedBatches"`
	QueuedBytes    int64  `json:"queuedBytes"`
	NeedsReconcile bool   `json:"needsReconcile"`
	// Available is false while the last attempt failed.
	Available     bool      `json:"available"`
	LastError     string    `json:"lastError,omitempty"`
	LastErrorTime time.Time `json:"lastErrorTime,omitzero"`
	LastSuccess   time.Time `json:"lastSuccess,omitzero"`
}

// item is one queued batch: events or a snapshot's counts.
type item struct {
	seq    uint64
	events []posture.Event
	snap   *Snapshot
	size   int64
}

// Writer writes events and snapshots to a ledger that may be unavailable. Callers never block:
// batches wait in a bounded queue, in order, and are retried with backoff.
type Writer struct {
	l    *Ledger
	opts WriterOptions
	wake chan struct{}

	mu      sync.Mutex
	queue   []item
	bytes   int64
	seq     uint64
	dropped uint64 // highest dropped seq; 0 none pending
	latest  *posture.Posture
	latestT time.Time
	latestS uint64
	stats   WriterStats
}

// NewWriter returns a Writer for l; call Run to start writing.
func NewWriter(l *Ledger, opts WriterOptions) *Writer {
	if opts.MaxBatches <= 0 {
		opts.MaxBatches = 4096
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 64 << 20
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 500 * time.Millisecond
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(time.Minute, opts.MinBackoff)
	}
	if opts.AttemptTimeout <= 0 {
		opts.AttemptTimeout = 30 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Writer{l: l, opts: opts, wake: make(chan struct{}, 1)}
}

// Enqueue queues events for writing. It never blocks.
func (w *Writer) Enqueue(events []posture.Event) {
	if len(events) == 0 {
		return
	}
	var size int64 = 64
	for _, e := range events {
		size += 256
		if e.Finding != nil {
			size += int64(len(e.Finding.Message) + len(e.Finding.Path) + len(e.Finding.Object.Name) + len(e.Finding.Object.Namespace))
		}
		size += int64(len(e.Cause) + len(e.Manager))
	}
	w.push(item{events: append([]posture.Event(nil), events...), size: size}, nil, time.Time{})
}

// EnqueueSnapshot queues a snapshot of p taken at at. It never blocks. p must not be modified
// afterwards: the Writer keeps the latest one to reconcile with.
func (w *Writer) EnqueueSnapshot(p *posture.Posture, at time.Time) {
	if p == nil {
		return
	}
	s := snapshotOf(p, at)
	w.push(item{snap: &s, size: 512 + 64*int64(len(s.ByLayer)+len(s.Coverage))}, p, at)
}

func (w *Writer) push(it item, p *posture.Posture, at time.Time) {
	w.mu.Lock()
	w.seq++
	it.seq = w.seq
	if p != nil {
		w.latest, w.latestT, w.latestS = p, at, it.seq
	}
	w.queue = append(w.queue, it)
	w.bytes += it.size
	for len(w.queue) > 1 && (len(w.queue) > w.opts.MaxBatches || w.bytes > w.opts.MaxBytes) {
		old := w.queue[0]
		w.queue[0] = item{}
		w.queue = w.queue[1:]
		w.bytes -= old.size
		w.stats.Dropped++
		w.dropped = max(w.dropped, old.seq)
	}
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// RequestReconcile makes the Writer reconcile the ledger with the current posture (from
// WriterOptions.Current, else the latest snapshot enqueued after this call) before it writes
// anything else, and discard the events queued before: for a caller whose own reconciliation
// failed, so that what changed while nothing was recording is not lost. It never blocks.
func (w *Writer) RequestReconcile() {
	w.mu.Lock()
	w.seq++ // a sequence number of its own: later batches are not covered by the request
	w.dropped = w.seq
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Stats returns the Writer's counters.
func (w *Writer) Stats() WriterStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.stats
	s.QueuedBatches, s.QueuedBytes, s.NeedsReconcile = len(w.queue), w.bytes, w.dropped > 0
	s.Available = !s.LastSuccess.Before(s.LastErrorTime)
	return s
}

// Run writes queued batches until ctx is done.
func (w *Writer) Run(ctx context.Context) {
	backoff := time.Duration(0)
	for {
		progressed, err := w.step(ctx)
		if ctx.Err() != nil {
			return
		}
		var wait <-chan time.Time
		switch {
		case err != nil:
			backoff = min(max(2*backoff, w.opts.MinBackoff), w.opts.MaxBackoff)
			wait = time.After(backoff)
		case progressed:
			backoff = 0
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-wait:
		case <-w.wake:
			if err != nil {
				// New work does not cut a backoff short: wait it out.
				select {
				case <-ctx.Done():
					return
				case <-wait:
				}
			}
		}
	}
}

// step does one unit of work: a pending reconciliation or the oldest batch. It reports whether
// it did something.
func (w *Writer) step(ctx context.Context) (bool, error) {
	w.mu.Lock()
	if w.dropped > 0 {
		w.mu.Unlock()
		if p, at, seq := w.reconcileTarget(); p != nil {
			return true, w.reconcile(ctx, p, at, seq)
		}
		w.mu.Lock()
	}
	if len(w.queue) == 0 {
		w.mu.Unlock()
		return false, nil
	}
	it := w.queue[0]
	w.mu.Unlock()

	actx, cancel := context.WithTimeout(ctx, w.opts.AttemptTimeout)
	var err error
	if it.snap != nil {
		_, err = w.l.insertSnapshot(actx, *it.snap)
	} else {
		err = w.l.Record(actx, it.events)
	}
	cancel()
	if err != nil && !errors.Is(err, ErrInvalid) {
		w.failed(err)
		return false, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.queue) > 0 && w.queue[0].seq == it.seq {
		w.queue[0] = item{}
		w.queue = w.queue[1:]
		w.bytes -= it.size
	}
	if err != nil {
		// Input the ledger can never take: drop it, count it, and reconcile to stay exact.
		w.stats.WriteErrors++
		w.stats.Dropped++
		w.stats.LastError, w.stats.LastErrorTime = err.Error(), time.Now()
		w.dropped = max(w.dropped, it.seq)
		w.opts.Logger.Warn("ledger refused a batch", "err", err)
		return true, nil
	}
	w.stats.Written++
	w.stats.LastSuccess = time.Now()
	return true, nil
}

// reconcileTarget picks the posture to reconcile with, and the sequence number before which
// queued events are reflected in it. Current is called with w.mu held, so that no batch is
// queued between reading the sequence number and the posture: a batch queued in between
// would be kept although the posture reflects it, and replayed over a newer state, its events
// older than the reconciliation's (out of order, reopening findings already resolved). With
// the lock held, at most the batch of the very posture returned is kept, and replaying a
// batch over its own posture changes nothing.
func (w *Writer) reconcileTarget() (*posture.Posture, time.Time, uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.opts.Current != nil {
		if p, at := w.opts.Current(); p != nil {
			return p, at, w.seq + 1 // batches queued before the call are reflected in its answer
		}
	}
	if w.latest != nil && w.latestS > w.dropped {
		return w.latest, w.latestT, w.latestS
	}
	return nil, time.Time{}, 0
}

// reconcile brings the ledger to p and discards queued events p already reflects (those
// queued before seq); queued snapshots are history of their own and stay.
func (w *Writer) reconcile(ctx context.Context, p *posture.Posture, at time.Time, seq uint64) error {
	actx, cancel := context.WithTimeout(ctx, w.opts.AttemptTimeout)
	defer cancel()
	evs, err := w.l.Reconcile(actx, p, at)
	if err != nil {
		w.failed(err)
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	kept := w.queue[:0]
	for _, it := range w.queue {
		if it.seq < seq && it.snap == nil {
			w.bytes -= it.size
			continue
		}
		kept = append(kept, it)
	}
	clear(w.queue[len(kept):])
	w.queue = kept
	if w.dropped < seq {
		w.dropped = 0
	}
	w.stats.Reconciles++
	w.stats.LastSuccess = time.Now()
	w.opts.Logger.Info("ledger reconciled", "events", len(evs))
	return nil
}

func (w *Writer) failed(err error) {
	w.mu.Lock()
	w.stats.WriteErrors++
	w.stats.LastError, w.stats.LastErrorTime = err.Error(), time.Now()
	w.mu.Unlock()
	w.opts.Logger.Warn("ledger write failed", "err", err)
}
