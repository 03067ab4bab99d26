package cluster

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/strata-sec/strata/internal/check"
)

func TestPSALevel(t *testing.T) {
	labels := map[string]string{
		psaapi.EnforceLevelLabel: "strict", // invalid: PSA enforces restricted
		psaapi.WarnLevelLabel:    "strict", // invalid: PSA warns at privileged
		psaapi.AuditLevelLabel:   "baseline",
	}
	for key, want := range map[string]psaapi.Level{
		psaapi.EnforceLevelLabel: psaapi.LevelRestricted,
		psaapi.WarnLevelLabel:    psaapi.LevelPrivileged,
		psaapi.AuditLevelLabel:   psaapi.LevelBaseline,
	} {
		if got, ok := psaLevel(labels, key); !ok || got != want {
			t.Errorf("psaLevel(%s) = %q, %v; want %q", key, got, ok, want)
		}
	}
	if _, ok := psaLevel(nil, psaapi.EnforceLevelLabel); ok {
		t.Error("absent label read as set")
	}
}

func testNamespace(labels map[string]string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ns", Labels: labels}}
}

// TestWeakEnforce is the level comparison privileged < baseline < restricted, and the version
// rule, over label combinations.
func TestWeakEnforce(t *testing.T) {
	latest := psaapi.LatestVersion()
	tests := []struct {
		name   string
		labels map[string]string
		env    psaapi.Version
		want   string // substring of the joined messages; "" for none
	}{
		{"no enforce label", map[string]string{psaapi.WarnLevelLabel: "restricted"}, latest, ""},
		{"equal levels", map[string]string{psaapi.EnforceLevelLabel: "baseline", psaapi.WarnLevelLabel: "baseline"}, latest, ""},
		{"enforce stricter than audit", map[string]string{psaapi.EnforceLevelLabel: "restricted", psaapi.AuditLevelLabel: "baseline"}, latest, ""},
		{"privileged below baseline audit", map[string]string{psaapi.EnforceLevelLabel: "privileged", psaapi.AuditLevelLabel: "baseline"}, latest, "enforce is privileged but audit is baseline"},
		{"baseline below restricted warn", map[string]string{psaapi.EnforceLevelLabel: "baseline", psaapi.WarnLevelLabel: "restricted"}, latest, "enforce is baseline but warn is restricted"},
		{"invalid enforce reads as restricted", map[string]string{psaapi.EnforceLevelLabel: "strict", psaapi.WarnLevelLabel: "restricted"}, latest, ""},
		{"invalid warn reads as privileged", map[string]string{psaapi.EnforceLevelLabel: "baseline", psaapi.WarnLevelLabel: "strict"}, latest, ""},
		{"pinned latest", map[string]string{psaapi.EnforceLevelLabel: "restricted", psaapi.EnforceVersionLabel: "latest"}, latest, ""},
		{"pinned invalid reads as latest", map[string]string{psaapi.EnforceLevelLabel: "restricted", psaapi.EnforceVersionLabel: "1.25"}, latest, ""},
		{"baseline pinned before host probes", map[string]string{psaapi.EnforceLevelLabel: "baseline", psaapi.EnforceVersionLabel: "v1.33"}, latest, "before hostProbesAndHostLifecycle (from v1.34): those baseline"},
		{"baseline misses no restricted control", map[string]string{psaapi.EnforceLevelLabel: "baseline", psaapi.EnforceVersionLabel: "v1.34"}, latest, ""},
		{"restricted pinned at v1.34", map[string]string{psaapi.EnforceLevelLabel: "restricted", psaapi.EnforceVersionLabel: "v1.34"}, latest, "before procMount_restricted (from v1.35)"},
		{"restricted pinned at v1.22", map[string]string{psaapi.EnforceLevelLabel: "restricted", psaapi.EnforceVersionLabel: "v1.22"}, latest, "runAsUser (from v1.23)"},
		{"evaluated standard older than the control", map[string]string{psaapi.EnforceLevelLabel: "baseline", psaapi.EnforceVersionLabel: "v1.30"}, psaapi.MajorMinorVersion(1, 33), ""},
		{"zero env version means latest", map[string]string{psaapi.EnforceLevelLabel: "baseline", psaapi.EnforceVersionLabel: "v1.30"}, psaapi.Version{}, "hostProbesAndHostLifecycle"},
		{"privileged has no controls to miss", map[string]string{psaapi.EnforceLevelLabel: "privileged", psaapi.EnforceVersionLabel: "v1.0"}, latest, ""},
	}
	for _, tt := range tests {
		vs, err := namespaceWeakPodSecurity.Run(&check.Env{PSSVersion: tt.env}, nil, testNamespace(tt.labels))
		if err != nil {
			t.Fatal(err)
		}
		var msgs []string
		for _, v := range vs {
			msgs = append(msgs, v.Message)
		}
		got := strings.Join(msgs, " | ")
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestMissingEnforceSkipsSystemNamespaces(t *testing.T) {
	for _, name := range systemNamespaces {
		ns := testNamespace(nil)
		ns.Name = name
		if vs, _ := namespaceWithoutPodSecurity.Run(nil, nil, ns); len(vs) != 0 {
			t.Errorf("%s flagged", name)
		}
	}
	vs, _ := namespaceWithoutPodSecurity.Run(nil, nil, testNamespace(map[string]string{"team": "a"}))
	if len(vs) != 1 || vs[0].Fix[0].Path != "/metadata/labels/pod-security.kubernetes.io~1enforce" {
		t.Errorf("labelled namespace without enforce: %+v", vs)
	}
}
