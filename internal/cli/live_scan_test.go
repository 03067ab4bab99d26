package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/strata-sec/strata/internal/inventory/live/livetest"
)

// kubeconfig writes a kubeconfig with two contexts for the fake server, "fake" being current.
func kubeconfig(t *testing.T, s *livetest.Server) string {
	t.Helper()
	return writeFile(t, t.TempDir(), "kubeconfig", fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster: {server: %q, certificate-authority-data: %q}
users:
- name: alice
  user: {token: %q}
contexts:
- name: fake
  context: {cluster: fake, user: alice, namespace: ignored-default}
- name: other
  context: {cluster: fake, user: alice}
current-context: fake
`, s.URL, base64.StdEncoding.EncodeToString(s.CAData()), livetest.Token))
}

func privileged(ns, name, uid string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID(uid)},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "shell", Image: "busybox",
			SecurityContext: &corev1.SecurityContext{Privileged: new(true)}}}},
	}
}

// liveReport is the part of the JSON report the live tests read.
type liveReport struct {
	Sources  []string
	Findings []struct {
		CheckID string
		Object  struct{ Kind, Namespace, Name, UID string }
	}
	Coverage []struct{ CheckID, Status, Reason string }
}

func parseReport(t *testing.T, stdout string) liveReport {
	t.Helper()
	var r liveReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, stdout)
	}
	return r
}

func TestLiveScanReport(t *testing.T) {
	s := livetest.New(t)
	s.Add(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ops"}}, privileged("ops", "debug", "6b0f3c4e-1111-4000-8000-000000000001"))
	s.Forbid("serviceaccounts", "")
	kc := kubeconfig(t, s)
	stdout, stderr, code := run(t, "", "scan", "--cluster", "--kubeconfig", kc, "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("stderr is not a terminal, so a scan without -v prints nothing there: %q", stderr)
	}
	r := parseReport(t, stdout)
	if want := "cluster " + s.URL + " (context fake)"; len(r.Sources) != 1 || r.Sources[0] != want {
		t.Errorf("sources = %q, want %q", r.Sources, want)
	}
	found := false
	for _, f := range r.Findings {
		if f.CheckID == "ST-0001" && f.Object.Name == "debug" {
			found = true
			if f.Object.UID != "6b0f3c4e-1111-4000-8000-000000000001" || f.Object.Kind != "Pod" || f.Object.Namespace != "ops" {
				t.Errorf("finding names %+v, want the pod with its uid", f.Object)
			}
		}
	}
	if !found {
		t.Errorf("no ST-0001 finding for the privileged pod: %+v", r.Findings)
	}
	cov := map[string]string{}
	for _, c := range r.Coverage {
		cov[c.CheckID] = c.Status + ": " + c.Reason
	}
	if want := `not-assessed: cannot read ServiceAccount: forbidden: user "alice" cannot list serviceaccounts`; cov["ST-0026"] != want {
		t.Errorf("ST-0026 coverage = %q, want %q", cov["ST-0026"], want)
	}
	if _, _, code := run(t, "", "scan", "--cluster", "--kubeconfig", kc, "--fail-on", "critical"); code != ExitFindings {
		t.Errorf("--fail-on critical with a privileged pod: exit %d, want 1", code)
	}
}

func TestLiveScanListsOnlyWhatChecksRead(t *testing.T) {
	s := livetest.New(t)
	kc := kubeconfig(t, s)
	if _, stderr, code := run(t, "", "scan", "--cluster", "--kubeconfig", kc, "--checks", "ST-0001"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, r := range s.Requests() {
		for _, never := range []string{"/secrets", "/configmaps", "/serviceaccounts", "/clusterroles", "/services"} {
			if strings.HasSuffix(r.Path, never) && !r.Anonymous {
				t.Errorf("ST-0001 reads workloads only, but %s was listed", r.Path)
			}
		}
	}
}

func TestLiveScanNamespaceAndContext(t *testing.T) {
	s := livetest.New(t)
	s.Add(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ops"}}, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "dev"}},
		privileged("ops", "a", "uid-a"), privileged("dev", "b", "uid-b"),
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "dns"}})
	kc := kubeconfig(t, s)
	stdout, stderr, code := run(t, "", "scan", "--cluster", "--kubeconfig", kc, "--context", "other", "-n", "ops", "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	r := parseReport(t, stdout)
	if want := "cluster " + s.URL + " (context other)"; r.Sources[0] != want {
		t.Errorf("sources = %q, want %q", r.Sources, want)
	}
	// Cluster-scoped objects (the Namespace itself, the ClusterInfo facts) are in scope; no
	// namespaced object from another namespace is.
	for _, f := range r.Findings {
		if f.Object.Namespace != "ops" && f.Object.Namespace != "" || f.Object.Kind == "Namespace" && f.Object.Name != "ops" {
			t.Errorf("-n ops reported %+v", f.Object)
		}
	}
	for _, req := range s.Requests() {
		if (req.Path == "/api/v1/pods" && !req.Anonymous) || strings.Contains(req.Path, "/dev/") {
			t.Errorf("-n ops requested %s", req.Path)
		}
	}

	// Without -n every namespace is scanned, whatever namespace the context names.
	stdout, _, _ = run(t, "", "scan", "--cluster", "--kubeconfig", kc, "--format", "json", "--exclude-namespaces", "kube-*")
	names := map[string]bool{}
	for _, f := range parseReport(t, stdout).Findings {
		names[f.Object.Namespace] = true
	}
	if !names["ops"] || !names["dev"] || names["kube-system"] {
		t.Errorf("namespaces with findings: %v, want ops and dev but not kube-system", names)
	}
}

func TestLiveScanFailures(t *testing.T) {
	gone := livetest.New(t)
	dead := kubeconfig(t, gone)
	gone.Close()
	stdout, stderr, code := run(t, "", "scan", "--cluster", "--kubeconfig", dead)
	if code != ExitUsage || stdout != "" || !strings.Contains(stderr, "cannot reach the API server at "+gone.URL) {
		t.Errorf("unreachable server: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	s := livetest.New(t)
	s.Fail("deployments.apps", 500)
	stdout, stderr, code = run(t, "", "scan", "--cluster", "--kubeconfig", kubeconfig(t, s))
	if code != ExitUsage || stdout != "" || !strings.Contains(stderr, "list deployments.apps") {
		t.Errorf("failing list: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	stdout, stderr, code = run(t, "", "scan", "--cluster", "--kubeconfig", kubeconfig(t, s), "-n", "nope")
	if code != ExitUsage || stdout != "" || !strings.Contains(stderr, `namespace "nope" not found`) {
		t.Errorf("unknown namespace: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestLiveScanUsageErrors(t *testing.T) {
	f := writeFile(t, t.TempDir(), "pod.yaml", privilegedPod)
	for name, args := range map[string][]string{
		"paths and cluster":    {"scan", "--cluster", f},
		"namespace without":    {"scan", "-n", "ops", f},
		"context without":      {"scan", "--context", "prod", f},
		"all and namespace":    {"scan", "--cluster", "-A", "-n", "ops"},
		"bad namespace":        {"scan", "--cluster", "-n", "Not_A_Namespace"},
		"bad exclude pattern":  {"scan", "--cluster", "--exclude-namespaces", "kube-["},
		"zero qps":             {"scan", "--cluster", "--qps", "0"},
		"missing kubeconfig":   {"scan", "--cluster", "--kubeconfig", "/nonexistent/kubeconfig"},
		"bad request timeout":  {"scan", "--cluster", "--kubeconfig", kubeconfig(t, livetest.New(t)), "--request-timeout", "soon"},
		"no path, no cluster":  {"scan"},
		"exclude without flag": {"scan", "--exclude-namespaces", "kube-*", f},
	} {
		t.Run(name, func(t *testing.T) {
			stdout, stderr, code := run(t, "", args...)
			if code != ExitUsage || !strings.Contains(stderr, "Error:") || stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want a usage error", code, stdout, stderr)
			}
		})
	}
}

// TestLiveScanNoSecretInAnyFormat is the canary test of a live scan: secret values in Secret
// data, last-applied-configuration and env literals never reach any output.
func TestLiveScanNoSecretInAnyFormat(t *testing.T) {
	s := livetest.New(t)
	const lastApplied = `{"kind":"Secret","data":{"password":"Y2FuYXJ5LWxpdmUtc2VjcmV0"},"stringData":{"k":"canary-live-applied"}}`
	p := privileged("ops", "app", "uid-app")
	p.Annotations = map[string]string{corev1.LastAppliedConfigAnnotation: `{"env":"canary-live-applied"}`}
	p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "DB_PASSWORD", Value: "canary-live-env-password"}}
	s.Add(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ops"}}, p, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "db", Annotations: map[string]string{corev1.LastAppliedConfigAnnotation: lastApplied}},
		Data:       map[string][]byte{"password": []byte("canary-live-secret")},
	})
	kc := kubeconfig(t, s)
	for _, format := range formatList() {
		stdout, stderr, code := run(t, "", "scan", "--cluster", "--kubeconfig", kc, "--format", format, "-v")
		if code != ExitOK {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		if !strings.Contains(stdout, "DB_PASSWORD") {
			t.Errorf("%s report does not mention the literal credential", format)
		}
		for _, c := range []string{"canary-live-secret", "Y2FuYXJ5LWxpdmUtc2VjcmV0", "canary-live-applied", "canary-live-env-password"} {
			if strings.Contains(stdout, c) || strings.Contains(stderr, c) {
				t.Errorf("%s output contains the secret value %q", format, c)
			}
		}
	}
}

func TestLiveScanVerboseLogsKinds(t *testing.T) {
	s := livetest.New(t)
	_, stderr, code := run(t, "", "scan", "--cluster", "--kubeconfig", kubeconfig(t, s), "-v", "--checks", "ST-0001")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{`msg="kind listed" resource=pods`, `resource=deployments.apps`, `msg="cluster loaded"`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("-v log lacks %s:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "listing pods…") {
		t.Error("the progress line is only for terminals")
	}
}

func TestProgressLine(t *testing.T) {
	var b strings.Builder
	p := &progressLine{w: &b}
	p.clear()
	if b.Len() != 0 {
		t.Errorf("clearing a line never written wrote %q", b.String())
	}
	p.update("pods", 3500)
	p.update("deployments", 12)
	p.clear()
	if want := "\r\033[Klisting pods… 3,500\r\033[Klisting deployments… 12\r\033[K"; b.String() != want {
		t.Errorf("progress wrote %q, want %q", b.String(), want)
	}
}

func TestMinLevel(t *testing.T) {
	var b strings.Builder
	base := slog.NewTextHandler(&b, &slog.HandlerOptions{Level: slog.LevelDebug})
	log := slog.New(minLevel{base, slog.LevelInfo}).With("component", "klog")
	log.Debug("verbose detail")
	log.Info("kept")
	if out := b.String(); strings.Contains(out, "verbose detail") || !strings.Contains(out, "msg=kept component=klog") {
		t.Errorf("minLevel output: %q", out)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 3500: "3,500", 15000: "15,000", 1234567: "1,234,567", -1500: "-1,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
