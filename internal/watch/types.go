package watch

import (
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/posture"
)

// Batch is the outcome of evaluating one coalesced set of changes (or a full resync).
type Batch struct {
	// Events are the posture changes, in posture.Diff order; a batch may have none.
	Events []posture.Event
	// Full is set for the initial evaluation and periodic resyncs.
	Full bool
	// Initial is set on the batch of the first full evaluation: its events are the posture the
	// watch started with (all new), not changes.
	Initial bool
	// Posture is the posture after the batch (an immutable snapshot), and Objects the number
	// of objects in the inventory it was evaluated over.
	Posture *posture.Posture
	Objects int
	// Overflow is set on the last batch a too-slow subscriber receives: it has no events, batches
	// after the one before it were dropped, and the channel is closed next. The subscriber must
	// take Posture() as its new baseline and Subscribe again.
	Overflow bool
	// Changes is the number of object changes the batch coalesced.
	Changes int
	// Evaluation is how long the engine took; Lag is from the oldest change's arrival at the
	// watcher to the events' publication.
	Evaluation time.Duration
	Lag        time.Duration
	// At is when the batch was published.
	At time.Time
}

// KindStatus is the state of one watched kind.
type KindStatus struct {
	Kind schema.GroupKind `json:"-"`
	// Name is the kind as reports print it ("Deployment.apps").
	Name   string `json:"kind"`
	Synced bool   `json:"synced"`
	// Denied is why the kind cannot be read (RBAC, not served); its checks are not assessed.
	Denied  string `json:"denied,omitempty"`
	Objects int    `json:"objects"`
	// Error is the last list/watch error, cleared when the informer recovers.
	Error string `json:"error,omitempty"`
}

// Status is what the watcher can say about how complete its posture is.
type Status struct {
	// Synced is true once every informer has synced and the first full evaluation ran; until
	// then the posture is incomplete and must be presented as such.
	Synced bool         `json:"synced"`
	Kinds  []KindStatus `json:"kinds"`
	// Objects is the number of objects in the inventory.
	Objects int `json:"objects"`
	// LastEvaluation is when the last batch was published; LastFull the last full evaluation.
	LastEvaluation time.Time `json:"lastEvaluation"`
	LastFull       time.Time `json:"lastFull"`
	// SlowSubscribers counts the subscribers disconnected because they fell behind.
	SlowSubscribers int `json:"slowSubscribers"`
}
