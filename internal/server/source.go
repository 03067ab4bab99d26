package server

import (
	"context"
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/report"
	"github.com/strata-sec/strata/internal/watch"
)

// Source is the live posture the server presents: in strata serve, the watcher.
type Source interface {
	// Posture returns the current posture; the server only reads it.
	Posture() *posture.Posture
	Status() watch.Status
	// Subscribe returns a channel of batches and a function that ends the subscription. A
	// subscriber that falls behind gets a batch with Overflow set, then a closed channel.
	Subscribe(buffer int) (<-chan watch.Batch, func())
}

// History is the posture over time: in strata serve, the ledger.
type History interface {
	// Series returns one point per stored snapshot taken at or after since, oldest first.
	Series(ctx context.Context, since time.Time) ([]Point, error)
}

// Point is the posture at one moment: open findings by severity and layer, and per-layer
// check coverage.
type Point struct {
	At         time.Time
	BySeverity map[check.Severity]int
	ByLayer    map[check.Layer]int
	// Coverage holds the layers the snapshot recorded coverage for.
	Coverage []report.LayerCoverage
}

// LedgerHealth is what the server reports about the ledger writer, for /metrics and /readyz.
type LedgerHealth interface {
	// WriteErrors counts failed writes since start.
	WriteErrors() uint64
	// QueueLength is the number of events and snapshots waiting to be written.
	QueueLength() int
	// LastError is the last write error, "" when there was none.
	LastError() string
}
