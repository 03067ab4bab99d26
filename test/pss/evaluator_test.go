package pss_test

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks/kernel"
	"github.com/strata-sec/strata/internal/checks/workload"
	"github.com/strata-sec/strata/internal/engine"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/pss"
)

// overridePods are pods on which a restricted control that overrides a baseline one decides
// differently from it, so the level's verdict depends on pss.Select honouring the overrides.
func overridePods() map[string]*corev1.Pod {
	pod := func(name string, spec corev1.PodSpec) *corev1.Pod {
		return &corev1.Pod{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}, ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: spec}
	}
	restrictedSC := &corev1.SecurityContext{
		AllowPrivilegeEscalation: ptr.To(false),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
	}
	windows := &corev1.PodOS{Name: corev1.Windows}
	return map[string]*corev1.Pod{
		// Restricted capabilities exempt Windows pods from v1.25 and override the baseline check.
		"windows-sys-admin": pod("windows-sys-admin", corev1.PodSpec{
			OS: windows, SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true)},
			Containers: []corev1.Container{{Name: "c", Image: "i", SecurityContext: &corev1.SecurityContext{
				Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"SYS_ADMIN"}}}}},
		}),
		// Restricted seccomp exempts Windows pods from v1.25 and overrides the baseline check.
		"windows-unconfined": pod("windows-unconfined", corev1.PodSpec{
			OS: windows, SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}},
			Containers: []corev1.Container{{Name: "c", Image: "i"}},
		}),
		// Restricted procMount (v1.35) does not relax for user namespaces as baseline does.
		"userns-unmasked": pod("userns-unmasked", corev1.PodSpec{
			HostUsers: ptr.To(false),
			SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Containers: []corev1.Container{{Name: "c", Image: "i", SecurityContext: &corev1.SecurityContext{
				AllowPrivilegeEscalation: ptr.To(false), ProcMount: ptr.To(corev1.UnmaskedProcMount),
				Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}}},
		}),
		"compliant": pod("compliant", corev1.PodSpec{
			SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Containers: []corev1.Container{{Name: "c", Image: "i", SecurityContext: restrictedSC}},
		}),
	}
}

// TestMatchesUpstreamEvaluator compares strata's verdict for a level and version with the
// upstream evaluator's on pods where restricted controls override baseline ones, at every
// version from v1.0 to one past the newest.
func TestMatchesUpstreamEvaluator(t *testing.T) {
	eval, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var all []check.Check
	for _, c := range append(workload.Checks(), kernel.Checks()...) {
		if _, ok := pss.ControlOf(c.Metadata().ID); ok {
			all = append(all, c)
		}
	}
	versions := []psaapi.Version{psaapi.LatestVersion()}
	for minor := 0; minor <= 40; minor++ {
		versions = append(versions, psaapi.MajorMinorVersion(1, minor))
	}
	compared, differ := 0, map[string]bool{}
	for name, pod := range overridePods() {
		b, err := yaml.Marshal(pod)
		if err != nil {
			t.Fatal(err)
		}
		objs := decode(t, name+".yaml", b)
		for _, level := range []psaapi.Level{psaapi.LevelBaseline, psaapi.LevelRestricted} {
			for _, v := range versions {
				agg := policy.AggregateCheckResults(eval.EvaluatePod(psaapi.LevelVersion{Level: level, Version: v}, &pod.ObjectMeta, &pod.Spec))
				p, err := engine.Evaluate(context.Background(), inventory.NewIndex(objs), engine.Options{
					Checks: pss.Select(all, level, v), Env: check.Env{PSSVersion: v}, Now: time.Unix(0, 0),
				})
				if err != nil {
					t.Fatal(err)
				}
				compared++
				if got := len(p.Findings) == 0; got != agg.Allowed {
					t.Errorf("%s at %s:%s: strata allowed=%v, upstream allowed=%v (%s)", name, level, v, got, agg.Allowed, agg.ForbiddenDetail())
				}
				differ[name+"/"+string(level)+"/"+boolString(agg.Allowed)] = true
			}
		}
	}
	// The pods are chosen so that the verdicts are not all the same; otherwise the comparison
	// proves nothing about overrides.
	for _, want := range []string{"windows-sys-admin/baseline/false", "windows-sys-admin/restricted/true",
		"userns-unmasked/baseline/true", "userns-unmasked/restricted/false"} {
		if !differ[want] {
			t.Errorf("no evaluation with verdict %s", want)
		}
	}
	t.Logf("%d pod x level x version evaluations compared with the upstream evaluator", compared)
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
