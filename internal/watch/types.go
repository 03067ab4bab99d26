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
}
