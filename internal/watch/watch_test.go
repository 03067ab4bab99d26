package watch

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/engine"
	"github.com/strata-sec/strata/internal/inventory/live"
	"github.com/strata-sec/strata/internal/posture"
)

var deployGK = schema.GroupKind{Group: "apps", Kind: "Deployment"}

func obj(name, rv string) *check.Object {
	return &check.Object{Ref: check.Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "ns", Name: name, UID: rv}}
}

// TestQueueCoalesces: changes to one object collapse into its latest state, in the order the
// objects first changed, and the oldest arrival is kept for the lag.
func TestQueueCoalesces(t *testing.T) {
	var q queue
	q.init()
	q.add(live.Change{Kind: deployGK, Namespace: "ns", Name: "a", Object: obj("a", "1")})
	first := q.oldest()
	q.add(live.Change{Kind: deployGK, Namespace: "ns", Name: "b", Object: obj("b", "1")})
	q.add(live.Change{Kind: deployGK, Namespace: "ns", Name: "a", Object: obj("a", "2")})
	q.add(live.Change{Kind: deployGK, Namespace: "ns", Name: "b"}) // deleted
	if q.len() != 2 {
		t.Fatalf("len = %d, want 2", q.len())
	}
	got, oldest := q.take(0)
	if !oldest.Equal(first) {
		t.Errorf("oldest = %v, want %v", oldest, first)
	}
	if len(got) != 2 || got[0].key.name != "a" || got[0].obj.Ref.UID != "2" || got[1].key.name != "b" || got[1].obj != nil {
		t.Fatalf("take = %+v", got)
	}
	if q.len() != 0 || !q.oldest().IsZero() {
		t.Error("queue not empty after take")
	}
}

// TestQueueTakeLimited: a bounded take leaves the rest pending, re-signalled, still coalescing.
func TestQueueTakeLimited(t *testing.T) {
	var q queue
	q.init()
	for _, n := range []string{"a", "b", "c"} {
		q.add(live.Change{Kind: deployGK, Namespace: "ns", Name: n, Object: obj(n, "1")})
	}
	<-q.notify
	got, _ := q.take(2)
	if len(got) != 2 || got[1].key.name != "b" {
		t.Fatalf("take(2) = %+v", got)
	}
	select {
	case <-q.notify:
	default:
		t.Fatal("no notification for the changes left pending")
	}
	q.add(live.Change{Kind: deployGK, Namespace: "ns", Name: "c", Object: obj("c", "2")})
	rest, _ := q.take(0)
	if len(rest) != 1 || rest[0].obj.Ref.UID != "2" {
		t.Fatalf("rest = %+v", rest)
	}
}

func newTestWatcher(t *testing.T) *Watcher {
	t.Helper()
	c := &check.WorkloadCheck{Meta: check.Meta{ID: "ST-0999"}, Run: func(*check.Env, *check.Workload) ([]check.Violation, error) { return nil, nil }}
	w, err := New(&rest.Config{Host: "https://127.0.0.1:1"}, Options{Engine: engine.Options{Checks: []check.Check{c}}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestSlowSubscriberDisconnected: a subscriber whose buffer is full gets an Overflow batch and
// a closed channel, is counted, and never blocks the others.
func TestSlowSubscriberDisconnected(t *testing.T) {
	w := newTestWatcher(t)
	slow, _ := w.Subscribe(2)
	fast, stopFast := w.Subscribe(10)
	defer stopFast()
	for i := range 5 {
		w.broadcast(Batch{Changes: i})
	}
	var got []Batch
	for b := range slow {
		got = append(got, b)
	}
	if len(got) != 3 || got[0].Changes != 0 || got[1].Changes != 1 || !got[2].Overflow {
		t.Fatalf("slow subscriber got %+v, want batches 0, 1 then an overflow", got)
	}
	if n := len(fast); n != 5 {
		t.Errorf("fast subscriber has %d batches, want 5", n)
	}
	if s := w.Status(); s.SlowSubscribers != 1 {
		t.Errorf("SlowSubscribers = %d, want 1", s.SlowSubscribers)
	}
	stopFast()
	stopFast() // twice is fine
	if _, ok := <-fast; !ok {
		t.Error("buffered batches lost on unsubscribe")
	}
	w.closeSubscribers()
	late, _ := w.Subscribe(1)
	if _, ok := <-late; ok {
		t.Error("a subscription after Run ended is not closed")
	}
}

// TestNotReadyBeforeSync: a watcher that has not run is not ready and says why.
func TestNotReadyBeforeSync(t *testing.T) {
	w := newTestWatcher(t)
	if ok, why := w.Ready(); ok || why == "" {
		t.Errorf("Ready() = %v, %q before any sync", ok, why)
	}
	if w.Posture() != nil {
		t.Error("posture before the first evaluation")
	}
}

func TestNewRejects(t *testing.T) {
	if _, err := New(nil, Options{}); err == nil {
		t.Error("nil config accepted")
	}
	if _, err := New(&rest.Config{}, Options{}); err == nil || !strings.Contains(err.Error(), "no checks") {
		t.Errorf("no checks: %v", err)
	}
}

// TestRecords: events become NDJSON lines with every documented field, redacted, and full
// batches end with their marker.
func TestRecords(t *testing.T) {
	meta := &check.Meta{ID: "ST-0001", Slug: "privileged", Title: "Privileged container", Layer: check.LayerWorkload, Severity: check.SeverityHigh}
	f := &posture.Finding{Check: meta, Severity: check.SeverityHigh,
		Object:  check.Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web", UID: "u1"},
		Path:    "spec.template.spec.containers[0].securityContext.privileged",
		Message: "container app is privileged; env PASSWORD=hunter2hunter2hunter2",
		Fix:     []check.PatchOp{{Op: "replace", Path: "/spec/template/spec/containers/0/securityContext/privileged", Value: false}}}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	b := Batch{Full: true, Initial: true, Objects: 7, At: at, Posture: &posture.Posture{Findings: []*posture.Finding{f}},
		Events: []posture.Event{{Type: posture.EventNew, Finding: f, Time: at, Cause: "full evaluation", Manager: "kubectl-client-side-apply"}}}
	recs, err := BatchRecords(b)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteRecords(&buf, recs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), buf.String())
	}
	if strings.Contains(buf.String(), "hunter2hunter2hunter2") {
		t.Errorf("secret-looking value not redacted:\n%s", lines[0])
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &ev); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"type", "time", "initial", "check", "severity", "object", "path", "message", "fix", "cause", "manager"} {
		if _, ok := ev[k]; !ok {
			t.Errorf("event lacks %q: %s", k, lines[0])
		}
	}
	if ev["type"] != "new" || ev["severity"] != "high" || ev["check"].(map[string]any)["id"] != "ST-0001" {
		t.Errorf("event = %s", lines[0])
	}
	var marker Record
	if err := json.Unmarshal([]byte(lines[1]), &marker); err != nil {
		t.Fatal(err)
	}
	if marker.Type != RecordSynced || *marker.Findings != 1 || *marker.Objects != 7 {
		t.Errorf("marker = %s", lines[1])
	}
	over, _ := BatchRecords(Batch{Overflow: true, At: at})
	if len(over) != 1 || over[0].Type != RecordOverflow {
		t.Errorf("overflow records = %+v", over)
	}
}
