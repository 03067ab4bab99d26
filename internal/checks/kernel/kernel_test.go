package kernel

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks/checktest"
	"github.com/strata-sec/strata/internal/podspec"
	"github.com/strata-sec/strata/internal/posture"
	kvuln "github.com/strata-sec/strata/internal/vulndb/kernel"
)

// coverage scans one YAML document with c and returns its coverage entry.
func coverage(t *testing.T, c check.Check, yaml string) posture.Coverage {
	t.Helper()
	file := filepath.Join(t.TempDir(), "input.yaml")
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	p := checktest.Scan(t, []check.Check{c}, file)
	for _, cov := range p.Coverage {
		if cov.CheckID == c.Metadata().ID {
			return cov
		}
	}
	t.Fatalf("no coverage for %s", c.Metadata().ID)
	return posture.Coverage{}
}

// TestNotAssessed: facts or nodes without what a check reads are not assessed, never passed.
func TestNotAssessed(t *testing.T) {
	const facts = "apiVersion: strata.dev/v1alpha1\nkind: NodeFacts\nmetadata:\n  name: n1\nschemaVersion: v1\n"
	const deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: x\nspec:\n  selector: {matchLabels: {a: b}}\n" +
		"  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers: [{name: c, image: i}]\n"
	const nodeWithoutKernel = "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\nstatus:\n  nodeInfo:\n    osImage: Ubuntu 22.04.3 LTS\n"
	for _, tc := range []struct {
		c          check.Check
		yaml, want string
	}{
		{kernelCVEs, facts, "no kernel release was recorded"},
		{kernelCVEs, facts + "kernel:\n  release: generic\n", `kernel release "generic" does not start with a version`},
		{sysctlUserNamespaces, facts, "record neither kernel.unprivileged_userns_clone nor user.max_user_namespaces"},
		{sysctlUnprivilegedBPF, facts, "do not record kernel.unprivileged_bpf_disabled"},
		{seccompUnavailable, facts, "do not say whether the kernel supports seccomp"},
		{sysctlHardening, facts, "record none of"},
		{kernelExposure, deploy, "no Node in the input"},
		{kernelExposure, nodeWithoutKernel, "no Node reports a readable status.nodeInfo.kernelVersion"},
	} {
		cov := coverage(t, tc.c, tc.yaml)
		if cov.Status != posture.StatusNotAssessed || !strings.Contains(cov.Reason, tc.want) {
			t.Errorf("%s: coverage %s %q, want not-assessed with %q", tc.c.Metadata().ID, cov.Status, cov.Reason, tc.want)
		}
	}
}

func TestAssessWorkload(t *testing.T) {
	yes := true
	spec := &corev1.PodSpec{
		SecurityContext: &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}},
		Containers: []corev1.Container{{Name: "a", SecurityContext: &corev1.SecurityContext{
			// The container's own profile overrides the pod's Unconfined one.
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			Capabilities:   &corev1.Capabilities{Add: []corev1.Capability{"cap_sys_admin"}},
		}}},
	}
	w := assess(&check.Object{}, podspec.Template{Spec: spec, Path: field.NewPath("spec")})
	if got := fmt.Sprint(w.meets); got != "map[cap-sys-admin:true]" {
		t.Errorf("meets = %s", got)
	}
	spec.InitContainers = []corev1.Container{{Name: "init", SecurityContext: &corev1.SecurityContext{Privileged: &yes,
		Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"ALL"}}}}}
	spec.Volumes = []corev1.Volume{{Name: "h", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}}
	w = assess(&check.Object{}, podspec.Template{Spec: spec, Path: field.NewPath("spec")})
	want := "map[cap-net-admin:true cap-sys-admin:true host-path:true privileged:true seccomp-unconfined:true]"
	if got := fmt.Sprint(w.meets); got != want {
		t.Errorf("meets = %s, want %s", got, want)
	}
}

func TestExposureSentence(t *testing.T) {
	cve := kvuln.CVE{ID: "CVE-2099-0001", ContainerNeeds: []string{kvuln.NeedCapSysAdmin}}
	var ws []workload
	for i := range 7 {
		ws = append(ws, workload{obj: &check.Object{Ref: check.Ref{Kind: "Pod", Namespace: "ns", Name: fmt.Sprintf("p%d", i)}},
			meets: map[string]bool{kvuln.NeedCapSysAdmin: i != 3}})
	}
	got := exposureSentence(cve, ws, true)
	want := "Exposure high: pods bound to this node meet the preconditions: Pod/ns/p0 (CAP_SYS_ADMIN added), " +
		"Pod/ns/p1 (CAP_SYS_ADMIN added), Pod/ns/p2 (CAP_SYS_ADMIN added), Pod/ns/p4 (CAP_SYS_ADMIN added), " +
		"Pod/ns/p5 (CAP_SYS_ADMIN added) and 1 more."
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := exposureSentence(cve, nil, false); got != "Exposure medium: no workload currently meets the preconditions." {
		t.Errorf("no workloads: %s", got)
	}
}

func TestSchedulableOn(t *testing.T) {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1", Labels: map[string]string{"pool": "general"}}}
	for _, tc := range []struct {
		spec corev1.PodSpec
		want bool
	}{
		{corev1.PodSpec{}, true},
		{corev1.PodSpec{NodeName: "n1"}, true},
		{corev1.PodSpec{NodeName: "n2"}, false},
		{corev1.PodSpec{NodeSelector: map[string]string{"pool": "general"}}, true},
		{corev1.PodSpec{NodeSelector: map[string]string{"pool": "gpu"}}, false},
	} {
		if got := schedulableOn(&tc.spec, node); got != tc.want {
			t.Errorf("schedulableOn(%+v) = %v", tc.spec, got)
		}
	}
}

func TestDangerousAllowed(t *testing.T) {
	got := dangerousAllowed([]string{"write", "unshare", "bpf", "unshare", "clone", "read", "userfaultfd"})
	if strings.Join(got, ",") != "bpf,unshare,userfaultfd" {
		t.Errorf("dangerousAllowed = %v", got)
	}
}
