package watch

import (
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory/live"
)

// objectKey identifies one object of the inventory.
type objectKey struct {
	gk        schema.GroupKind
	namespace string
	name      string
}

// pendingChange is the latest known state of one object: obj, or nil once deleted.
type pendingChange struct {
	key objectKey
	obj *check.Object
	// at is when the first change of the object still pending arrived.
	at time.Time
}

// queue gathers the informers' changes until the evaluating goroutine takes them. Changes to
// one object coalesce into its latest state, so the queue never holds more entries than there
// are objects, however fast they change.
type queue struct {
	mu      sync.Mutex
	pending map[objectKey]int // index into order
	order   []pendingChange   // in arrival order, so order[0] is the oldest
	// notify holds one token while changes are pending and nobody has looked.
	notify chan struct{}
}

func (q *queue) init() {
	q.pending = map[objectKey]int{}
	q.notify = make(chan struct{}, 1)
}

// add is the informers' sink.
func (q *queue) add(c live.Change) {
	k := objectKey{gk: c.Kind, namespace: c.Namespace, name: c.Name}
	q.mu.Lock()
	if i, ok := q.pending[k]; ok {
		q.order[i].obj = c.Object
	} else {
		q.pending[k] = len(q.order)
		q.order = append(q.order, pendingChange{key: k, obj: c.Object, at: time.Now()})
	}
	q.mu.Unlock()
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

// take removes up to max pending changes (all when max is 0) in arrival order, and returns
// them with the arrival time of the oldest.
func (q *queue) take(max int) ([]pendingChange, time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.order) == 0 {
		return nil, time.Time{}
	}
	first := q.order[0].at
	if max <= 0 || max >= len(q.order) {
		out := q.order
		q.order = nil
		q.pending = map[objectKey]int{}
		return out, first
	}
	out := append([]pendingChange(nil), q.order[:max]...)
	q.order = append([]pendingChange(nil), q.order[max:]...)
	q.pending = make(map[objectKey]int, len(q.order))
	for i, p := range q.order {
		q.pending[p.key] = i
	}
	select {
	case q.notify <- struct{}{}:
	default:
	}
	return out, first
}

// oldest is the arrival time of the oldest pending change; zero when none is pending.
func (q *queue) oldest() time.Time {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.order) == 0 {
		return time.Time{}
	}
	return q.order[0].at
}

func (q *queue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.order)
}
