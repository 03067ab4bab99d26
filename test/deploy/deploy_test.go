// Package deploy tests the manifests under deploy/ with strata's own checks.
package deploy

import (
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks"
	"github.com/strata-sec/strata/internal/checks/checktest"
)

// TestNodeAgentManifest scans deploy/node-agent.yaml with every registered check: the node
// agent must need host access, but every finding it cannot avoid must be exempted on the
// object with a reason, and nothing at medium or above may remain.
func TestNodeAgentManifest(t *testing.T) {
	reg, err := checks.Registry()
	if err != nil {
		t.Fatal(err)
	}
	p := checktest.Scan(t, reg.All(), "../../deploy/node-agent.yaml")
	if len(p.Errors) > 0 {
		t.Fatalf("input errors: %+v", p.Errors)
	}
	for _, f := range p.Findings {
		if f.Check.Severity >= check.SeverityMedium {
			t.Errorf("unexempted %s finding %s on %s %s: %s", f.Check.Severity, f.Check.ID, f.Object, f.Path, f.Message)
		}
	}
	for _, f := range p.Suppressed {
		if f.Exemption == nil || strings.TrimSpace(f.Exemption.Reason) == "" {
			t.Errorf("finding %s on %s is suppressed without a reason", f.Check.ID, f.Object)
		}
	}
	if len(p.Suppressed) == 0 {
		t.Error("no finding is exempted: the manifest's host access should need exemptions")
	}
}
