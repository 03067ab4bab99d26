package watch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/engine"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/inventory/live"
	"github.com/strata-sec/strata/internal/posture"
)

// Defaults for Options left at zero.
const (
	DefaultCoalesce = 50 * time.Millisecond
	DefaultMaxBatch = 1000
	DefaultResync   = 10 * time.Minute
)

// Options configures a Watcher.
type Options struct {
	// Engine is what to evaluate: checks, environment, frameworks, exemptions.
	Engine engine.Options
	// Live says how to read the cluster. Its Kinds are ignored: the watcher watches exactly the
	// kinds Engine.Checks declare as inputs.
	Live live.Options
	// Coalesce is how long changes are gathered after the first one before they are evaluated
	// together (default 50 ms); MaxBatch evaluates them at once when that many are pending
	// (default 1,000).
	Coalesce time.Duration
	MaxBatch int
	// Resync is the period of full re-evaluations (default 10 minutes); negative disables them.
	Resync time.Duration
	// Logger receives the watcher's records; nil discards them.
	Logger *slog.Logger
}

// Watcher keeps a posture current with the cluster. One goroutine, Run's, owns the inventory
// and the engine; informer callbacks only queue changes, and everything else reads snapshots.
type Watcher struct {
	cfg  *rest.Config
	opts Options
	log  *slog.Logger

	queue queue

	mu        sync.Mutex
	status    Status
	posture   *posture.Posture
	subs      map[*subscriber]struct{}
	informers *live.Informers
	running   bool
	// closed is set when Run has returned: no more batches will come.
	closed bool
	// overflows counts subscribers disconnected for being too slow.
	overflows int
}

// New validates opts and prepares a watcher for the cluster cfg points at; Run starts it.
func New(cfg *rest.Config, opts Options) (*Watcher, error) {
	if cfg == nil {
		return nil, errors.New("watch: no cluster configuration")
	}
	if len(opts.Engine.Checks) == 0 {
		return nil, errors.New("watch: no checks selected")
	}
	if opts.Coalesce < 0 || opts.MaxBatch < 0 {
		return nil, fmt.Errorf("watch: coalesce window and batch size must not be negative")
	}
	opts.Coalesce = cmp.Or(opts.Coalesce, DefaultCoalesce)
	opts.MaxBatch = cmp.Or(opts.MaxBatch, DefaultMaxBatch)
	opts.Resync = cmp.Or(opts.Resync, DefaultResync)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	opts.Live.Kinds = check.InputsOf(opts.Engine.Checks)
	if opts.Live.Logger == nil {
		opts.Live.Logger = opts.Logger
	}
	w := &Watcher{cfg: cfg, opts: opts, log: opts.Logger, subs: map[*subscriber]struct{}{}}
	w.queue.init()
	return w, nil
}

// Run starts the informers, waits for them to sync, evaluates everything once, then evaluates
// changes as they come and everything again every Resync, until ctx is done. It returns nil
// when ctx ends it, and an error when the watch cannot start (the server is unreachable,
// discovery fails) or the first evaluation fails. Subscribers' channels are closed on return.
func (w *Watcher) Run(ctx context.Context) error {
	w.mu.Lock()
	if w.running {
		w.mu.Unlock()
		return errors.New("watch: Run called twice")
	}
	w.running = true
	w.mu.Unlock()
	defer w.closeSubscribers()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	inf, err := live.StartInformers(ctx, w.cfg, w.opts.Live, w.queue.add)
	if err != nil {
		return err
	}
	w.mu.Lock()
	w.informers = inf
	w.mu.Unlock()
	if !w.waitSynced(ctx, inf) {
		return nil
	}
	eng := engine.NewIncremental(w.opts.Engine)
	st := &state{w: w, inf: inf, eng: eng, counts: map[schema.GroupKind]int{}}
	if err := st.initial(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	return st.loop(ctx)
}

// waitSynced waits until every informer has listed its kind, refreshing the status on the way;
// false when ctx ended first.
func (w *Watcher) waitSynced(ctx context.Context, inf *live.Informers) bool {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !inf.HasSynced() {
		w.refreshKinds(nil)
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
	return true
}

// state is what the evaluating goroutine owns.
type state struct {
	w      *Watcher
	inf    *live.Informers
	eng    *engine.Incremental
	ix     *inventory.Index
	counts map[schema.GroupKind]int
}

// initial builds the inventory from everything the informers listed and runs the first full
// evaluation; its events are all new, and the batch is marked Initial.
func (st *state) initial(ctx context.Context) error {
	pending, _ := st.w.queue.take(0)
	var objs []*check.Object
	for _, p := range pending {
		if p.obj != nil {
			objs = append(objs, p.obj)
			st.counts[p.key.gk]++
		}
	}
	info, err := st.inf.ClusterInfo(ctx)
	if err != nil {
		return err
	}
	objs = append(objs, info)
	st.ix = inventory.NewIndex(objs)
	for gk, reason := range st.inf.Denied() {
		st.ix.Deny(gk, reason)
	}
	start := time.Now()
	events, err := st.eng.Full(ctx, st.ix)
	if err != nil {
		return fmt.Errorf("first evaluation: %w", err)
	}
	st.publish(Batch{Events: events, Full: true, Initial: true, Changes: len(pending),
		Evaluation: time.Since(start)}, start)
	return nil
}

func (st *state) loop(ctx context.Context) error {
	var resync <-chan time.Time
	if st.w.opts.Resync > 0 {
		t := time.NewTicker(st.w.opts.Resync)
		defer t.Stop()
		resync = t.C
	}
	status := time.NewTicker(time.Second)
	defer status.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-st.w.queue.notify:
			if !st.coalesce(ctx) {
				return nil
			}
			st.apply(ctx)
		case <-resync:
			st.full(ctx)
		case <-status.C:
			st.w.refreshKinds(st.counts)
		}
	}
}

// coalesce waits out the coalescing window that the first pending change opened, or until
// MaxBatch changes are pending; false when ctx ended.
func (st *state) coalesce(ctx context.Context) bool {
	first := st.w.queue.oldest()
	if first.IsZero() {
		return true
	}
	timer := time.NewTimer(time.Until(first.Add(st.w.opts.Coalesce)))
	defer timer.Stop()
	for st.w.queue.len() < st.w.opts.MaxBatch {
		select {
		case <-ctx.Done():
			return false
		case <-timer.C:
			return true
		case <-st.w.queue.notify:
		}
	}
	return true
}

// apply moves the pending changes into the inventory and evaluates what they affect.
func (st *state) apply(ctx context.Context) {
	pending, oldest := st.w.queue.take(st.w.opts.MaxBatch)
	if len(pending) == 0 {
		return
	}
	changes := st.toChanges(pending)
	if len(changes) == 0 {
		return
	}
	start := time.Now()
	events, err := st.eng.Apply(ctx, st.ix, changes)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		// The engine's posture may now be partial; a full evaluation reconciles it.
		st.w.log.Error("incremental evaluation failed; re-evaluating everything", "err", err)
		st.full(ctx)
		return
	}
	st.publish(Batch{Events: events, Changes: len(changes), Evaluation: time.Since(start)}, oldest)
}

// toChanges applies the pending changes to the inventory and returns them as the engine's
// changes, with the object each one replaced. A change to an object that was neither known nor
// kept (deleted before it was ever evaluated) is dropped.
func (st *state) toChanges(pending []pendingChange) []engine.Change {
	changes := make([]engine.Change, 0, len(pending))
	for _, p := range pending {
		c := engine.Change{Kind: p.key.gk, Namespace: p.key.namespace, Name: p.key.name, New: p.obj}
		if p.obj == nil {
			old, ok := st.ix.Delete(p.key.gk, p.key.namespace, p.key.name)
			if !ok {
				continue
			}
			c.Old = old
			st.counts[p.key.gk]--
		} else {
			old, ok := st.ix.Get(p.key.gk, p.key.namespace, p.key.name)
			if ok {
				c.Old = old
			} else {
				st.counts[p.key.gk]++
			}
			st.ix.Upsert(p.obj)
		}
		changes = append(changes, c)
	}
	return changes
}

// full refreshes ClusterInfo and the denied kinds, then evaluates everything again. Its events
// reconcile whatever drift the incremental evaluations let in.
func (st *state) full(ctx context.Context) {
	// Pending changes go in first, so the full evaluation sees the cluster as it is now.
	pending, oldest := st.w.queue.take(0)
	changes := st.toChanges(pending)
	if info, err := st.inf.ClusterInfo(ctx); err != nil {
		st.w.log.Warn("cluster info not refreshed", "err", err)
	} else {
		st.ix.Upsert(info)
	}
	start := time.Now()
	events, err := st.eng.Full(ctx, st.ix)
	if err != nil {
		if ctx.Err() == nil {
			st.w.log.Error("full evaluation failed", "err", err)
		}
		return
	}
	if oldest.IsZero() {
		oldest = start
	}
	st.publish(Batch{Events: events, Full: true, Changes: len(changes), Evaluation: time.Since(start)}, oldest)
}

// publish records the batch in the status and hands it to every subscriber.
func (st *state) publish(b Batch, oldest time.Time) {
	b.At = time.Now()
	b.Lag = b.At.Sub(oldest)
	p := st.eng.Posture()
	objects := len(st.ix.Objects())
	b.Posture, b.Objects = p, objects
	w := st.w
	w.mu.Lock()
	w.posture = p
	w.status.Objects = objects
	w.status.LastEvaluation = b.At
	if b.Full {
		w.status.LastFull = b.At
	}
	if b.Initial {
		w.status.Synced = true
	}
	w.mu.Unlock()
	w.refreshKinds(st.counts)
	w.broadcast(b)
	w.log.Debug("batch published", "full", b.Full, "changes", b.Changes, "events", len(b.Events),
		"evaluation", b.Evaluation, "lag", b.Lag)
}

// refreshKinds copies the informers' state into the status; counts are the inventory's objects
// per kind (nil before the first evaluation).
func (w *Watcher) refreshKinds(counts map[schema.GroupKind]int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.informers == nil {
		return
	}
	var kinds []KindStatus
	for _, s := range w.informers.States() {
		ks := KindStatus{Kind: s.Kind, Name: kindName(s.Kind), Synced: s.Synced, Denied: s.Denied, Error: s.Error}
		if counts != nil {
			ks.Objects = counts[s.Kind]
		} else if len(w.status.Kinds) > 0 {
			for _, old := range w.status.Kinds {
				if old.Kind == s.Kind {
					ks.Objects = old.Objects
				}
			}
		}
		kinds = append(kinds, ks)
	}
	w.status.Kinds = kinds
}

func kindName(gk schema.GroupKind) string {
	if gk.Group == "" {
		return gk.Kind
	}
	return gk.Kind + "." + gk.Group
}

// Posture is the posture of the last evaluation, nil before the first. It is an immutable
// snapshot, safe to read while the watcher runs.
func (w *Watcher) Posture() *posture.Posture {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.posture
}

// Status says how complete the posture is. Synced is true once the first full evaluation ran
// and while no watched kind has a list or watch error: during an outage the posture may be
// stale and Synced is false until every informer has listed or watched again.
func (w *Watcher) Status() Status {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.status
	s.Kinds = slices.Clone(w.status.Kinds)
	s.SlowSubscribers = w.overflows
	for _, k := range s.Kinds {
		if k.Error != "" || !k.Synced {
			s.Synced = false
		}
	}
	return s
}

// Ready reports whether the posture is complete, and if not, why.
func (w *Watcher) Ready() (bool, string) {
	s := w.Status()
	if s.Synced {
		return true, ""
	}
	synced := 0
	for _, k := range s.Kinds {
		if k.Error != "" {
			return false, fmt.Sprintf("%s: %s", k.Name, k.Error)
		}
		if k.Synced {
			synced++
		}
	}
	if synced < len(s.Kinds) || len(s.Kinds) == 0 {
		return false, fmt.Sprintf("initial sync: %d of %d kinds listed", synced, len(s.Kinds))
	}
	return false, "initial evaluation running"
}
