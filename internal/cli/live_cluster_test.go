package cli

import (
	"os"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/strata-sec/strata/test/cluster"
)

// TestMain shares one real control plane among the live tests that ask for it; it starts only
// when a test calls cluster.Get.
func TestMain(m *testing.M) { os.Exit(cluster.Main(m)) }

// TestLiveScanRealCluster runs `strata scan --cluster` end to end against kube-apiserver, as
// the admin and as a user without any grant.
func TestLiveScanRealCluster(t *testing.T) {
	c := cluster.Get(t)
	const ns = "cli-live"
	if _, err := c.CreateNamespace(t.Context(), ns, nil); err != nil {
		t.Fatal(err)
	}
	admin := kubernetes.NewForConfigOrDie(c.AdminConfig())
	created, err := admin.CoreV1().Pods(ns).Create(t.Context(), privileged(ns, "debug", ""), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create pod: %v", err)
	}

	stdout, stderr, code := run(t, "", "scan", "--cluster", "--kubeconfig", c.AdminKubeconfig(), "-n", ns, "--format", "json", "--fail-on", "critical")
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1 (a privileged pod): %s", code, stderr)
	}
	r := parseReport(t, stdout)
	if len(r.Sources) != 1 || !strings.HasPrefix(r.Sources[0], "cluster "+c.URL()+" (context ") {
		t.Errorf("sources = %q", r.Sources)
	}
	found := false
	for _, f := range r.Findings {
		if f.CheckID == "ST-0001" && f.Object.Name == "debug" {
			found = f.Object.UID == string(created.UID)
		}
	}
	if !found {
		t.Errorf("no ST-0001 finding naming pod uid %s: %+v", created.UID, r.Findings)
	}

	stdout, stderr, code = run(t, "", "scan", "--cluster", "--kubeconfig", c.LimitedKubeconfig(), "--format", "json", "--checks", "ST-0001")
	if code != ExitOK {
		t.Fatalf("limited user: exit %d: %s", code, stderr)
	}
	r = parseReport(t, stdout)
	if len(r.Coverage) != 1 || r.Coverage[0].Status != "not-assessed" || !strings.Contains(r.Coverage[0].Reason, `forbidden: user "limited" cannot list`) {
		t.Errorf("limited user coverage = %+v, want ST-0001 not assessed because listing is forbidden", r.Coverage)
	}
	if len(r.Findings) != 0 {
		t.Errorf("limited user findings: %+v", r.Findings)
	}
}
