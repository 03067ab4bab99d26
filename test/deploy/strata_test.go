package deploy

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks"
	"github.com/strata-sec/strata/internal/checks/checktest"
	"github.com/strata-sec/strata/internal/clusterrole"
	"github.com/strata-sec/strata/internal/golden"
	"github.com/strata-sec/strata/internal/inventory/manifest"
)

// TestClusterRoleGolden keeps deploy/strata-clusterrole.yaml equal to the role derived from the
// registered checks' inputs, and read-only and Secret-free: a check that starts reading a new
// kind changes the file in review, and nothing can widen it silently.
func TestClusterRoleGolden(t *testing.T) {
	reg, err := checks.Registry()
	if err != nil {
		t.Fatal(err)
	}
	role, excluded := clusterrole.ForChecks("strata", reg.All())
	if err := clusterrole.Validate(role); err != nil {
		t.Fatal(err)
	}
	out, err := clusterrole.Render(role, excluded)
	if err != nil {
		t.Fatal(err)
	}
	golden.Compare(t, "../../deploy/strata-clusterrole.yaml", out)

	// The committed file itself, decoded as the API server would, is what gets applied.
	res, err := manifest.Load(t.Context(), []string{"../../deploy/strata-clusterrole.yaml"}, manifest.Options{})
	if err != nil || len(res.Errors) > 0 || len(res.Objects) != 1 {
		t.Fatalf("load: %v %+v (%d objects)", err, res.Errors, len(res.Objects))
	}
	applied, ok := res.Objects[0].Obj.(*rbacv1.ClusterRole)
	if !ok {
		t.Fatalf("deploy/strata-clusterrole.yaml holds %T, want a ClusterRole", res.Objects[0].Obj)
	}
	if err := clusterrole.Validate(applied); err != nil {
		t.Error(err)
	}
}

// TestStrataManifest scans deploy/strata.yaml and the generated ClusterRole with every check: the
// watcher needs nothing the restricted Pod Security level forbids, so no finding at medium or
// above may remain, and the only exemption is the egress rule to the API server, whose address
// no generic manifest can know.
func TestStrataManifest(t *testing.T) {
	reg, err := checks.Registry()
	if err != nil {
		t.Fatal(err)
	}
	p := checktest.Scan(t, reg.All(), "../../deploy/strata.yaml", "../../deploy/strata-clusterrole.yaml")
	if len(p.Errors) > 0 {
		t.Fatalf("input errors: %+v", p.Errors)
	}
	for _, f := range p.Findings {
		if f.Severity >= check.SeverityMedium {
			t.Errorf("%s finding %s on %s %s: %s", f.Severity, f.Check.ID, f.Object, f.Path, f.Message)
		}
	}
	for _, f := range p.Suppressed {
		if f.Check.ID != "ST-0233" || f.Exemption == nil || f.Exemption.Reason == "" {
			t.Errorf("finding %s on %s is exempted; only ST-0233 on the NetworkPolicy may be", f.Check.ID, f.Object)
		}
	}
}
