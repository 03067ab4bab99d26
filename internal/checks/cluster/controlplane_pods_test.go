package cluster

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks/checktest"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/posture"
)

func podObject(ns string, labels map[string]string, cs ...corev1.Container) *check.Object {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: ns, Labels: labels}, Spec: corev1.PodSpec{Containers: cs}}
	return &check.Object{Obj: p, Meta: p, Ref: check.Ref{APIVersion: "v1", Kind: "Pod", Namespace: ns, Name: "p"}}
}

func TestFindControlPlane(t *testing.T) {
	for _, tc := range []struct {
		name      string
		obj       *check.Object
		component string // "" when nothing is found
		list      string
		flag      string // a flag the component must see
	}{
		{"binary path", podObject("kube-system", nil, corev1.Container{Name: "x", Command: []string{"/usr/local/bin/kube-apiserver", "--profiling=false"}}),
			apiServer, "command", "profiling"},
		{"flags in args", podObject("kube-system", nil, corev1.Container{Name: "x", Command: []string{"kube-scheduler"}, Args: []string{"--bind-address=127.0.0.1"}}),
			scheduler, "args", "bind-address"},
		{"hyperkube short name", podObject("kube-system", nil, corev1.Container{Name: "x", Command: []string{"/hyperkube", "controller-manager", "--root-ca-file=/ca"}}),
			controllerManager, "command", "root-ca-file"},
		{"container name", podObject("kube-system", nil, corev1.Container{Name: "etcd", Args: []string{"--client-cert-auth=true"}}),
			etcd, "args", "client-cert-auth"},
		{"component label", podObject("kube-system", map[string]string{"component": "kube-apiserver"}, corev1.Container{Name: "server", Args: []string{"--secure-port=6443"}}),
			apiServer, "args", "secure-port"},
		{"no namespace: a static pod manifest", podObject("", nil, corev1.Container{Name: "x", Command: []string{"etcd"}}),
			etcd, "args", ""},
		{"another namespace", podObject("default", nil, corev1.Container{Name: "x", Command: []string{"kube-apiserver"}}), "", "", ""},
		{"a shell", podObject("kube-system", map[string]string{"component": "kube-apiserver"},
			corev1.Container{Name: "x", Command: []string{"/bin/sh", "-c", "kube-apiserver --profiling=false"}}), "", "", ""},
		{"a label on a pod of several containers", podObject("kube-system", map[string]string{"component": "kube-apiserver"},
			corev1.Container{Name: "a"}, corev1.Container{Name: "b"}), "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs := findControlPlane(inventory.NewIndex([]*check.Object{tc.obj}), apiServer, controllerManager, scheduler, etcd)
			if tc.component == "" {
				if len(cs) != 0 {
					t.Fatalf("found %s", cs[0].component)
				}
				return
			}
			if len(cs) != 1 || cs[0].component != tc.component || cs[0].list != tc.list {
				t.Fatalf("found %d: %+v", len(cs), cs)
			}
			if tc.flag != "" && !cs[0].flags.has(tc.flag) {
				t.Errorf("flag --%s not seen", tc.flag)
			}
		})
	}
}

// coverageOf scans files with one check and returns its coverage.
func coverageOf(t *testing.T, c check.Check, files ...string) posture.Coverage {
	t.Helper()
	for _, cov := range checktest.Scan(t, []check.Check{c}, files...).Coverage {
		if cov.CheckID == c.Metadata().ID {
			return cov
		}
	}
	t.Fatalf("no coverage for %s", c.Metadata().ID)
	return posture.Coverage{}
}

// TestControlPlaneNotVisible keeps managed clusters, and settings held in files strata does not
// read, from reading as a pass.
func TestControlPlaneNotVisible(t *testing.T) {
	managed := filepath.Join("testdata", "ST-0105", "pass", "managed-control-plane-not-visible.yaml")
	for _, c := range Checks() {
		id := c.Metadata().ID
		if id < "ST-0105" || id > "ST-0139" {
			continue
		}
		cov := coverageOf(t, c, managed)
		if cov.Status != posture.StatusNotAssessed || !strings.Contains(cov.Reason, "the control plane is not visible") {
			t.Errorf("%s on a managed cluster: %s (%s)", id, cov.Status, cov.Reason)
		}
	}
	for _, tc := range []struct {
		c    check.Check
		file string
		want posture.Status
		why  string
	}{
		{cpAnonymousAuth, "ST-0105/pass/anonymous-in-authentication-config.yaml", posture.StatusNotAssessed, "--authentication-config"},
		{cpAuthorizationMode, "ST-0109/pass/authorization-config-file.yaml", posture.StatusNotAssessed, "--authorization-config"},
		{cpEtcdPeerTLS, "ST-0123/pass/config-file.yaml", posture.StatusNotAssessed, "--config-file"},
		{cpProfiling, "ST-0112/pass/scheduler-configured-by-file.yaml", posture.StatusPass, ""},
		{cpAnonymousAuth, "ST-0105/pass/hardened-control-plane.yaml", posture.StatusPass, ""},
	} {
		cov := coverageOf(t, tc.c, filepath.Join("testdata", tc.file))
		if cov.Status != tc.want || !strings.Contains(cov.Reason, tc.why) {
			t.Errorf("%s on %s: %s (%s), want %s mentioning %q", tc.c.Metadata().ID, tc.file, cov.Status, cov.Reason, tc.want, tc.why)
		}
	}
}

// TestControlPlaneFromManifestDirectory scans a directory of kubeadm static pod manifests, as
// /etc/kubernetes/manifests holds them: files without a namespace still count.
func TestControlPlaneFromManifestDirectory(t *testing.T) {
	dir := t.TempDir()
	manifest := `apiVersion: v1
kind: Pod
metadata:
  name: kube-scheduler
  labels: {component: kube-scheduler, tier: control-plane}
spec:
  containers:
  - name: kube-scheduler
    image: registry.k8s.io/kube-scheduler:v1.37.2
    command: [kube-scheduler, --bind-address=0.0.0.0, --profiling=false]
`
	f := filepath.Join(dir, "kube-scheduler.yaml")
	if err := os.WriteFile(f, []byte(manifest), 0o600); err != nil {
		t.Fatal(err)
	}
	p := checktest.Scan(t, []check.Check{cpBindAddress, cpProfiling}, f)
	lines := checktest.Lines(p.Findings)
	if len(lines) != 1 || !strings.Contains(lines[0], "kube-scheduler: --bind-address is 0.0.0.0") {
		t.Errorf("findings: %v", lines)
	}
}
