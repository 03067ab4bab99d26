package cluster

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks/checktest"
	"github.com/strata-sec/strata/internal/posture"
)

// TestControlPlaneNodeChecksNotAssessed verifies that the control-plane file and audit-policy
// checks neither pass nor fail where the node holds nothing they assess (a worker node), or
// where the facts lack what they would need (the audit policy's content).
func TestControlPlaneNodeChecksNotAssessed(t *testing.T) {
	cases := []struct {
		c       check.Check
		fixture string
		reason  string
	}{
		{cpNodeManifestFiles, "ST-0370/pass/worker-node-not-assessed.yaml", "no control-plane files on this node"},
		{cpNodeEtcdDataDir, "ST-0371/pass/worker-node-not-assessed.yaml", "no control-plane files on this node"},
		{cpNodeKubeconfigs, "ST-0372/pass/worker-node-not-assessed.yaml", "no control-plane files on this node"},
		{cpNodePKICerts, "ST-0373/pass/worker-node-not-assessed.yaml", "no control-plane files on this node"},
		{cpNodePKIKeys, "ST-0374/pass/worker-node-not-assessed.yaml", "no control-plane files on this node"},
		{cpNodeAuditPolicy, "ST-0375/pass/worker-node-not-assessed.yaml", "no control-plane files on this node"},
		{cpNodeAuditPolicy, "ST-0375/pass/policy-set-content-not-collected.yaml", "do not include the content of the audit policy"},
	}
	for _, tc := range cases {
		t.Run(tc.c.Metadata().ID+"/"+filepath.Base(tc.fixture), func(t *testing.T) {
			p := checktest.Scan(t, []check.Check{tc.c}, filepath.Join("testdata", tc.fixture))
			if len(p.Coverage) != 1 {
				t.Fatalf("coverage = %+v, want one entry", p.Coverage)
			}
			cov := p.Coverage[0]
			if cov.Status != posture.StatusNotAssessed || !strings.Contains(cov.Reason, tc.reason) {
				t.Errorf("coverage = %s (%q), want not-assessed with a reason containing %q", cov.Status, cov.Reason, tc.reason)
			}
		})
	}
}

// TestControlPlaneNodeChecksPass verifies that a well-configured control-plane node is a
// pass, not a not-assessed: the checks looked at the files and found nothing wrong.
func TestControlPlaneNodeChecksPass(t *testing.T) {
	for _, tc := range []struct {
		c       check.Check
		fixture string
	}{
		{cpNodeManifestFiles, "ST-0370/pass/kubeadm-manifests-600-root.yaml"},
		{cpNodeEtcdDataDir, "ST-0371/pass/etcd-data-dir-700-etcd.yaml"},
		{cpNodeKubeconfigs, "ST-0372/pass/kubeconfigs-600-root.yaml"},
		{cpNodePKICerts, "ST-0373/pass/certs-644-root.yaml"},
		{cpNodePKIKeys, "ST-0374/pass/keys-600-root.yaml"},
		{cpNodeAuditPolicy, "ST-0375/pass/metadata-first-for-secrets.yaml"},
		{cpNodeAuditPolicy, "ST-0375/pass/narrowed-rules-then-metadata-catch-all.yaml"},
	} {
		p := checktest.Scan(t, []check.Check{tc.c}, filepath.Join("testdata", tc.fixture))
		if len(p.Coverage) != 1 || p.Coverage[0].Status != posture.StatusPass {
			t.Errorf("%s on %s: coverage = %+v, want pass", tc.c.Metadata().ID, tc.fixture, p.Coverage)
		}
	}
}
