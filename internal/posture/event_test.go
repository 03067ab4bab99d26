package posture

import (
	"testing"
	"time"

	"github.com/strata-sec/strata/internal/check"
)

func finding(id, name, path, msg string, sev check.Severity) *Finding {
	return &Finding{Check: &check.Meta{ID: id}, Severity: sev, Object: check.Ref{APIVersion: "v1", Kind: "Pod", Namespace: "ns", Name: name},
		Path: path, Message: msg}
}

func TestDiff(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	kept := finding("ST-0001", "a", "spec", "same", check.SeverityHigh)
	gone := finding("ST-0002", "b", "spec", "gone", check.SeverityLow)
	before := []*Finding{kept, gone, finding("ST-0003", "c", "spec", "old message", check.SeverityLow),
		finding("ST-0004", "d", "spec", "same", check.SeverityLow)}
	after := []*Finding{finding("ST-0005", "e", "spec", "added", check.SeverityLow),
		finding("ST-0004", "d", "spec", "same", check.SeverityCritical), // severity changed
		finding("ST-0003", "c", "spec", "new message", check.SeverityLow), kept}
	evs := Diff(before, after, at)
	want := []struct {
		typ EventType
		id  string
	}{{EventResolved, "ST-0002"}, {EventChanged, "ST-0003"}, {EventChanged, "ST-0004"}, {EventNew, "ST-0005"}}
	if len(evs) != len(want) {
		t.Fatalf("got %d events: %+v", len(evs), evs)
	}
	for i, w := range want {
		if evs[i].Type != w.typ || evs[i].Finding.Check.ID != w.id || !evs[i].Time.Equal(at) {
			t.Errorf("event %d = %s %s, want %s %s", i, evs[i].Type, evs[i].Finding.Check.ID, w.typ, w.id)
		}
	}
	if evs[1].Previous == nil || evs[1].Previous.Message != "old message" {
		t.Errorf("changed event lacks the previous finding: %+v", evs[1])
	}
	if evs := Diff(after, after, at); len(evs) != 0 {
		t.Errorf("diff of a posture with itself: %+v", evs)
	}
}

func TestSameComparesFixes(t *testing.T) {
	a := finding("ST-0001", "a", "spec", "m", check.SeverityHigh)
	b := finding("ST-0001", "a", "spec", "m", check.SeverityHigh)
	b.Fix = []check.PatchOp{{Op: "add", Path: "/spec/x"}}
	if Same(a, b) {
		t.Errorf("findings with different fixes are the same")
	}
	a.Fix = []check.PatchOp{{Op: "add", Path: "/spec/x"}}
	if !Same(a, b) {
		t.Errorf("identical findings differ")
	}
}

func TestLessMatchesSort(t *testing.T) {
	fs := []*Finding{finding("ST-0002", "a", "", "", check.SeverityLow), finding("ST-0001", "b", "", "", check.SeverityLow),
		finding("ST-0003", "a", "", "", check.SeverityHigh)}
	p := &Posture{Findings: fs}
	p.Sort()
	for i := 1; i < len(p.Findings); i++ {
		if Less(p.Findings[i], p.Findings[i-1]) {
			t.Fatalf("Less disagrees with Sort at %d", i)
		}
	}
	if p.Findings[0].Check.ID != "ST-0003" {
		t.Errorf("most severe not first")
	}
}
