package framework_test

import (
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/checks"
	"github.com/strata-sec/strata/internal/framework"
)

// TestCISControlsAreCoveredOrExplained enforces that every control of every CIS Kubernetes
// Benchmark version strata ships either maps to at least one registered check or says, in
// notAssessed, why none assesses it. Otherwise a report's coverage could silently omit an item.
func TestCISControlsAreCoveredOrExplained(t *testing.T) {
	idx, err := framework.Load()
	if err != nil {
		t.Fatalf("load framework data: %v", err)
	}
	reg, err := checks.Registry()
	if err != nil {
		t.Fatalf("build check registry: %v", err)
	}
	cis := 0
	for _, f := range idx.Frameworks() {
		if !strings.HasPrefix(f.ID, "cis-kubernetes-") {
			continue
		}
		cis++
		for _, c := range f.Controls {
			registered := 0
			for _, id := range c.Checks {
				if _, ok := reg.Lookup(id); ok {
					registered++
				} else {
					t.Errorf("%s %s maps %s, which is not a registered check", f.ID, c.ID, id)
				}
			}
			if registered == 0 && strings.TrimSpace(c.NotAssessed) == "" {
				t.Errorf("%s %s (%s) has no registered check and no notAssessed reason", f.ID, c.ID, c.Title)
			}
		}
	}
	if cis < 2 {
		t.Errorf("found %d CIS Kubernetes frameworks, want at least 2 (v1.10 and v1.12)", cis)
	}
}
