package engine

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
)

// TestMergeMatchesSort checks that merging a batch's findings into the sorted ones gives what
// sorting everything stably would: the kept findings first among equals, then the added in
// their order.
func TestMergeMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	metas := []*check.Meta{{ID: "ST-0001"}, {ID: "ST-0002"}}
	gen := func(n int) []*posture.Finding {
		var out []*posture.Finding
		for range n {
			out = append(out, &posture.Finding{Check: metas[r.IntN(2)], Severity: check.Severity(1 + r.IntN(2)),
				Object: check.Ref{Kind: "Pod", Namespace: []string{"a", "b", ""}[r.IntN(3)], Name: []string{"x", "y"}[r.IntN(2)]},
				Path:   []string{"", "spec"}[r.IntN(2)]})
		}
		return out
	}
	for round := range 300 {
		sorted := gen(r.IntN(40))
		posture.SortFindings(sorted)
		added := gen(r.IntN(6))
		removed := map[*posture.Finding]struct{}{}
		var want []*posture.Finding
		for _, f := range sorted {
			if r.IntN(5) == 0 {
				removed[f] = struct{}{}
				continue
			}
			want = append(want, f)
		}
		want = append(want, added...)
		posture.SortFindings(want)
		got := merge(slices.Clone(sorted), slices.Clone(added), removed)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: merge differs from a stable sort", round)
		}
	}
}
