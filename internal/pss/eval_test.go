package pss

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/utils/ptr"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
)

func v1(minor int) psaapi.Version { return psaapi.MajorMinorVersion(1, minor) }

func workload(spec corev1.PodSpec) *check.Workload {
	return &check.Workload{Meta: &metav1.ObjectMeta{Name: "p"}, Spec: &spec, Path: field.NewPath("spec")}
}

func container(name string, sc *corev1.SecurityContext) corev1.Container {
	return corev1.Container{Name: name, Image: "registry.example.com/app@sha256:0", SecurityContext: sc}
}

// Fixed pods the version tests share.
var (
	probeHostPod = corev1.PodSpec{Containers: []corev1.Container{{
		Name: "app", LivenessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
			HTTPGet: &corev1.HTTPGetAction{Host: "169.254.169.254"}}},
	}}}
	unconfinedPod = corev1.PodSpec{
		SecurityContext: &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}},
		Containers:      []corev1.Container{container("app", nil)},
	}
	rootPod            = corev1.PodSpec{Containers: []corev1.Container{container("app", &corev1.SecurityContext{RunAsUser: ptr.To[int64](0)})}}
	keepaliveSysctlPod = corev1.PodSpec{
		SecurityContext: &corev1.PodSecurityContext{Sysctls: []corev1.Sysctl{{Name: "net.ipv4.tcp_keepalive_time", Value: "300"}}},
		Containers:      []corev1.Container{container("app", nil)},
	}
)

// TestEvaluateVersions checks that the revision of a control that applies is the newest whose
// minimum version is not newer than the requested one, and that a control that does not exist
// yet at a version finds nothing there.
func TestEvaluateVersions(t *testing.T) {
	tests := []struct {
		name     string
		id       string
		spec     corev1.PodSpec
		version  psaapi.Version
		wantFail bool
	}{
		{"probe host before the control exists", "ST-0005", probeHostPod, v1(33), false},
		{"probe host when the control starts", "ST-0005", probeHostPod, v1(34), true},
		{"probe host at latest", "ST-0005", probeHostPod, psaapi.LatestVersion(), true},
		{"probe host at a future version", "ST-0005", probeHostPod, v1(99), true},
		{"seccomp field ignored in the annotation era", "ST-0008", unconfinedPod, v1(0), false},
		{"seccomp field ignored at v1.18", "ST-0008", unconfinedPod, v1(18), false},
		{"seccomp field checked from v1.19", "ST-0008", unconfinedPod, v1(19), true},
		{"seccomp field checked at latest", "ST-0008", unconfinedPod, psaapi.LatestVersion(), true},
		{"unset version means latest", "ST-0008", unconfinedPod, psaapi.Version{}, true},
		{"runAsUser=0 before the control exists", "ST-0018", rootPod, v1(22), false},
		{"runAsUser=0 from v1.23", "ST-0018", rootPod, v1(23), true},
		{"sysctl not yet safe at v1.28", "ST-0010", keepaliveSysctlPod, v1(28), true},
		{"sysctl safe from v1.29", "ST-0010", keepaliveSysctlPod, v1(29), false},
		{"sysctl safe at latest", "ST-0010", keepaliveSysctlPod, psaapi.LatestVersion(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs, err := Evaluate(tt.id, tt.version, workload(tt.spec), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(vs) > 0; got != tt.wantFail {
				t.Fatalf("%s at %s: fail=%v, want %v (violations %+v)", tt.id, tt.version, got, tt.wantFail, vs)
			}
		})
	}
}

// TestEvaluateFallback checks that a forbidden verdict is reported on the pod spec with
// upstream's reason and detail when the locator places nothing, and that an allowed pod never
// reaches the locator.
func TestEvaluateFallback(t *testing.T) {
	spec := corev1.PodSpec{Containers: []corev1.Container{container("app", &corev1.SecurityContext{Privileged: ptr.To(true)})}}
	for name, locate := range map[string]Locator{
		"nil locator":           nil,
		"locator finds nothing": func(*Eval) []check.Violation { return nil },
	} {
		t.Run(name, func(t *testing.T) {
			vs, err := Evaluate("ST-0001", psaapi.LatestVersion(), workload(spec), locate)
			if err != nil {
				t.Fatal(err)
			}
			want := `privileged (container "app" must not set securityContext.privileged=true)`
			if len(vs) != 1 || vs[0].Path.String() != "spec" || vs[0].Message != want || vs[0].Fix != nil {
				t.Fatalf("got %+v, want one violation at spec: %s", vs, want)
			}
		})
	}
	t.Run("allowed pod skips the locator", func(t *testing.T) {
		allowed := corev1.PodSpec{Containers: []corev1.Container{container("app", nil)}}
		called := false
		vs, err := Evaluate("ST-0001", psaapi.LatestVersion(), workload(allowed), func(*Eval) []check.Violation {
			called = true
			return nil
		})
		if err != nil || len(vs) != 0 || called {
			t.Fatalf("got %+v, %v, locator called=%v; want nothing", vs, err, called)
		}
	})
}

func TestEvaluateErrors(t *testing.T) {
	if _, err := Evaluate("ST-9999", psaapi.LatestVersion(), workload(corev1.PodSpec{}), nil); err == nil ||
		!strings.Contains(err.Error(), "implements no pod security control") {
		t.Fatalf("unknown check: got %v", err)
	}
	if _, err := Evaluate("ST-0001", psaapi.LatestVersion(), &check.Workload{Path: field.NewPath("spec")}, nil); err == nil {
		t.Fatal("workload without a spec: want an error")
	}
}

// TestProbe checks that a locator can ask about a part of the pod and gets upstream's message
// scoped to that part.
func TestProbe(t *testing.T) {
	spec := corev1.PodSpec{Containers: []corev1.Container{
		container("a", &corev1.SecurityContext{Privileged: ptr.To(true)}),
		container("b", &corev1.SecurityContext{Privileged: ptr.To(true)}),
	}}
	var msgs []string
	vs, err := Evaluate("ST-0001", psaapi.LatestVersion(), workload(spec), func(e *Eval) []check.Violation {
		if !strings.Contains(e.Result.ForbiddenDetail, `"a", "b"`) {
			t.Errorf("whole-pod detail %q does not name both containers", e.Result.ForbiddenDetail)
		}
		for c := range e.Workload.Containers() {
			msg, bad := e.ProbeContainer(c, nil, c.Container.SecurityContext)
			if bad {
				msgs = append(msgs, msg)
			}
		}
		if _, bad := e.ProbeContainer(podContainer(e), nil, nil); bad {
			t.Error("a container without a security context is forbidden")
		}
		return nil
	})
	if err != nil || len(vs) != 1 {
		t.Fatalf("got %+v, %v", vs, err)
	}
	want := []string{
		`privileged (container "a" must not set securityContext.privileged=true)`,
		`privileged (container "b" must not set securityContext.privileged=true)`,
	}
	if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
		t.Fatalf("probe messages:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
}

func podContainer(e *Eval) (c podspec.Container) {
	for c = range e.Workload.Containers() {
		return c
	}
	return c
}
