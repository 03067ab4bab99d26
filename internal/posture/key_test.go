package posture

import (
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/strata-sec/strata/internal/check"
)

// randomFindings makes findings whose keys and object names collide in the ways the
// comparisons without concatenation must get right: shared prefixes, "/" and "|" inside
// fields, empty UIDs and namespaces, duplicate keys.
func randomFindings(r *rand.Rand, n int) []*Finding {
	pick := func(ss ...string) string { return ss[r.IntN(len(ss))] }
	metas := []*check.Meta{{ID: "ST-0001"}, {ID: "ST-0001a"}, {ID: "ST-0002"}, {ID: "ST-00"}}
	var out []*Finding
	for range n {
		f := &Finding{
			Check:    metas[r.IntN(len(metas))],
			Severity: check.Severity(1 + r.IntN(3)),
			Object: check.Ref{APIVersion: pick("v1", "apps/v1", "v1/x"), Kind: pick("Pod", "Pod/a", "Po"),
				Namespace: pick("", "a", "a/b", "ab", "a|"), Name: pick("x", "x/y", "x|y", "", "xy"), UID: pick("", "", "u1", "u1|", "u")},
			Path:     pick("", "spec", "spec.x", "|spec", "/"),
			Message:  pick("m1", "m2"),
			Location: check.Location{File: pick("", "a.yaml"), Line: r.IntN(2)},
		}
		out = append(out, f)
	}
	return out
}

func TestCompareKeyMatchesKey(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	fs := randomFindings(r, 400)
	for _, a := range fs {
		for _, b := range fs[:100] {
			if got, want := CompareKey(a, b), strings.Compare(a.Key(), b.Key()); got != want {
				t.Fatalf("CompareKey(%q, %q) = %d, want %d", a.Key(), b.Key(), got, want)
			}
			if got, want := compareObjects(a, b), strings.Compare(a.Object.String(), b.Object.String()); got != want {
				t.Fatalf("compareObjects(%q, %q) = %d, want %d", a.Object, b.Object, got, want)
			}
		}
	}
}

// referenceDiff is Diff by its definition: maps keyed by Key, stable sorts by Key.
func referenceDiff(before, after []*Finding, at time.Time) []Event {
	old := map[string]*Finding{}
	for _, f := range before {
		old[f.Key()] = f
	}
	var resolved, changed, added []Event
	seen := map[string]bool{}
	for _, f := range after {
		k := f.Key()
		seen[k] = true
		p, ok := old[k]
		switch {
		case !ok:
			added = append(added, Event{Type: EventNew, Finding: f, Time: at})
		case !Same(p, f):
			changed = append(changed, Event{Type: EventChanged, Finding: f, Previous: p, Time: at})
		}
	}
	for _, f := range before {
		if !seen[f.Key()] {
			resolved = append(resolved, Event{Type: EventResolved, Finding: f, Time: at})
		}
	}
	var out []Event
	for _, evs := range [][]Event{resolved, changed, added} {
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].Finding.Key() < evs[j].Finding.Key() })
		out = append(out, evs...)
	}
	return out
}

func TestDiffMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for round := range 200 {
		before, after := randomFindings(r, r.IntN(60)), randomFindings(r, r.IntN(60))
		// Carry some findings over, so keys are shared.
		for _, f := range before {
			if r.IntN(3) == 0 {
				after = append(after, f)
			}
		}
		r.Shuffle(len(after), func(i, j int) { after[i], after[j] = after[j], after[i] })
		got, want := Diff(before, after, at), referenceDiff(before, after, at)
		if len(got) != len(want) {
			t.Fatalf("round %d: %d events, want %d", round, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("round %d: event %d = %+v, want %+v", round, i, got[i], want[i])
			}
		}
	}
}

func TestSortMatchesStableLess(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	fs := randomFindings(r, 2000)
	want := append([]*Finding(nil), fs...)
	sort.SliceStable(want, func(i, j int) bool {
		a, b := want[i], want[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Check.ID != b.Check.ID {
			return a.Check.ID < b.Check.ID
		}
		if a.Location.File != b.Location.File {
			return a.Location.File < b.Location.File
		}
		if a.Location.Line != b.Location.Line {
			return a.Location.Line < b.Location.Line
		}
		if ka, kb := a.Object.String(), b.Object.String(); ka != kb {
			return ka < kb
		}
		return a.Path < b.Path
	})
	p := &Posture{Findings: fs}
	p.Sort()
	for i := range want {
		if p.Findings[i] != want[i] {
			t.Fatalf("finding %d differs from the stable sort by the documented order", i)
		}
	}
}

func TestSortByKeyMatchesStableSort(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, extra := range []string{"", "ST|0001"} {
		fs := randomFindings(r, 1500)
		if extra != "" {
			for _, f := range fs[:300] {
				f.Check = &check.Meta{ID: extra}
			}
		}
		want := append([]*Finding(nil), fs...)
		sort.SliceStable(want, func(i, j int) bool { return want[i].Key() < want[j].Key() })
		SortByKey(fs)
		for i := range want {
			if fs[i] != want[i] {
				t.Fatalf("with check ID %q: finding %d is %q, want %q", extra, i, fs[i].Key(), want[i].Key())
			}
		}
	}
}
