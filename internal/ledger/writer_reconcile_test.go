package ledger

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
)

// TestWriterRequestReconcile is the writer's side of a caller whose own reconciliation failed:
// the ledger still holds a finding that went away while nothing was recording. After
// RequestReconcile the writer brings the ledger to the current posture before anything else,
// and drops the events queued before the request, which that posture reflects.
func TestWriterRequestReconcile(t *testing.T) {
	l := open(t, "sqlite:"+filepath.Join(t.TempDir(), "ledger.db"))
	gone := finding(metaPriv, "a", "gone", check.SeverityCritical, "m")
	stays := finding(metaRoot, "a", "stays", check.SeverityMedium, "m")
	later := finding(metaNet, "a", "later", check.SeverityHigh, "m")
	mustRecord(t, l, ev(posture.EventNew, gone, at(0), "", ""), ev(posture.EventNew, stays, at(0), "", ""))

	current := &posture.Posture{Findings: []*posture.Finding{stays, later}}
	w := NewWriter(l, WriterOptions{MinBackoff: 10 * time.Millisecond,
		Current: func() (*posture.Posture, time.Time) { return current, at(5) }})
	// The posture found at start, as events; the current posture reflects them.
	w.Enqueue([]posture.Event{ev(posture.EventNew, stays, at(1), "", ""), ev(posture.EventNew, later, at(1), "", "")})
	w.RequestReconcile()
	if s := w.Stats(); !s.NeedsReconcile || s.QueuedBatches != 1 {
		t.Fatalf("stats after the request = %+v, want a pending reconciliation and the batch", s)
	}
	runWriter(t, w)
	eventually(t, 10*time.Second, "the writer to drain", func() bool { return drained(w) })

	ctx := context.Background()
	recs, err := l.Findings(ctx, Filter{Status: StatusAll})
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]string{}
	for _, r := range recs {
		state[r.Object.Name] = "open"
		if r.ResolvedAt != nil {
			state[r.Object.Name] = "resolved at " + r.ResolvedAt.Format(time.TimeOnly)
		}
	}
	want := map[string]string{"gone": "resolved at " + at(5).Format(time.TimeOnly), "stays": "open", "later": "open"}
	for name, w := range want {
		if state[name] != w {
			t.Errorf("%s: %s, want %s (ledger %v)", name, state[name], w, state)
		}
	}
	evs, err := l.Events(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	// new gone, new stays (recorded before), then the reconciliation: resolved gone, new later;
	// the queued batch added nothing.
	names := map[string]string{keyOf(gone): "gone", keyOf(stays): "stays", keyOf(later): "later"}
	var got []string
	for _, e := range evs {
		got = append(got, e.Type+" "+names[e.Key])
	}
	if want := []string{"new gone", "new stays", "resolved gone", "new later"}; !slices.Equal(got, want) {
		t.Errorf("events = %q, want %q", got, want)
	}
	if s := w.Stats(); s.Reconciles != 1 || s.Written != 0 || s.WriteErrors != 0 {
		t.Errorf("stats = %+v, want one reconciliation and nothing else written", s)
	}
}
