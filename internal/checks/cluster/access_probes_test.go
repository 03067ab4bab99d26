package cluster

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks/checktest"
	"github.com/strata-sec/strata/internal/posture"
)

func TestProbeReach(t *testing.T) {
	for path, want := range map[string]reach{
		"/version": reachPublic, "/healthz": reachPublic, "/livez/": reachPublic, "/.well-known/openid-configuration": reachPublic,
		"/api": reachDiscovery, "/api/v1": reachDiscovery, "/apis": reachDiscovery, "/apis/apps": reachDiscovery,
		"/apis/apps/v1": reachDiscovery, "/openapi/v3/apis/apps/v1": reachDiscovery, "/healthz/etcd": reachDiscovery,
		"/api/v1/namespaces": reachBeyond, "/api/v1/namespaces?limit=1": reachBeyond, "/apis/apps/v1/deployments": reachBeyond,
		"/metrics": reachBeyond, "/logs/": reachBeyond, "/debug/pprof/": reachBeyond, "/": reachBeyond,
	} {
		if got := probeReach(path); got != want {
			t.Errorf("probeReach(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestProbesNotProbedIsNotAssessed(t *testing.T) {
	_, err := anonymousAPIAccess.Run(nil, nil, &check.ClusterInfo{GitVersion: "v1.37.2"})
	if reason, ok := check.NotAssessedReason(err); !ok || reason == "" {
		t.Errorf("ClusterInfo without probes: error %v, want not-assessed", err)
	}
	vs, err := anonymousAPIAccess.Run(nil, nil, &check.ClusterInfo{Anonymous: []check.AnonymousProbe{}})
	if err != nil || len(vs) != 0 {
		t.Errorf("probed, nothing allowed: %v, %v", vs, err)
	}
}

// TestUnprobedClusterIsNotAssessed runs the probe checks through the engine over a ClusterInfo
// recorded without anonymous probes, and over a manifest without any ClusterInfo: neither may
// read as a pass.
func TestUnprobedClusterIsNotAssessed(t *testing.T) {
	dir := t.TempDir()
	unprobed := filepath.Join(dir, "unprobed.yaml")
	manifest := filepath.Join(dir, "manifest.yaml")
	if err := os.WriteFile(unprobed, []byte("apiVersion: strata.dev/v1alpha1\nkind: ClusterInfo\nmetadata: {name: cluster}\ngitVersion: v1.37.2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(manifest, []byte("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{unprobed, manifest} {
		p := checktest.Scan(t, []check.Check{anonymousAPIAccess, anonymousDiscoveryAccess}, file)
		for _, cov := range p.Coverage {
			if cov.Status != posture.StatusNotAssessed || cov.Reason == "" {
				t.Errorf("%s: %s is %s (%q), want not-assessed with a reason", filepath.Base(file), cov.CheckID, cov.Status, cov.Reason)
			}
		}
	}
}
