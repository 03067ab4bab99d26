package kernel

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: seccomp is the filter between a container and the ~400 system calls of the shared host
// kernel. An Unconfined profile removes it, so a container can call keyctl, unshare, bpf, ptrace
// and the other calls behind most kernel container escapes. Upstream control:
// seccompProfile_baseline (baseline: the alpha annotations up to v1.18, the securityContext
// fields from v1.19).
var pssSeccompBaseline = pss.NewCheck(check.Meta{
	ID:       "ST-0008",
	Slug:     "pss-seccomp-baseline",
	Title:    "Seccomp explicitly disabled",
	Layer:    check.LayerKernel,
	Severity: check.SeverityHigh,
	Description: "The pod or a container sets a seccomp profile other than RuntimeDefault or Localhost, such as " +
		"Unconfined, in securityContext.seccompProfile or in a seccomp alpha annotation. Without a seccomp filter " +
		"the container can make every system call of the host kernel, including the rarely needed ones that " +
		"kernel exploits and container escapes rely on.",
	Remediation: "Set seccompProfile.type to RuntimeDefault (or a reviewed Localhost profile) on the pod and remove Unconfined profiles from containers and annotations.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/tutorials/security/seccomp/",
	},
}, locateSeccompBaseline)

// runtimeDefaultSeccomp is the profile fixes set; a fresh value each time, since a fix is data
// its consumers may hold on to.
func runtimeDefaultSeccomp() map[string]any {
	return map[string]any{"type": string(corev1.SeccompProfileTypeRuntimeDefault)}
}

func locateSeccompBaseline(e *pss.Eval) []check.Violation {
	vs := explicitSeccomp(e)
	// The annotations name containers, so they are probed with the workload's container names
	// and nothing else: up to v1.18 the annotation decides, from v1.19 it is ignored.
	var named []pss.Synthetic
	for c := range e.Workload.Containers() {
		named = append(named, pss.Named(c, nil))
	}
	return append(vs, e.Annotations(pss.WithContainers(e.Pod(nil), named...), corev1.SeccompProfileRuntimeDefault)...)
}

// explicitSeccomp places seccomp profiles the pod or a container sets that the control forbids;
// the fix replaces the profile with RuntimeDefault.
func explicitSeccomp(e *pss.Eval) []check.Violation {
	var vs []check.Violation
	if psc := e.Workload.Spec.SecurityContext; psc != nil && psc.SeccompProfile != nil {
		if msg, bad := e.Probe(nil, e.Pod(&corev1.PodSecurityContext{SeccompProfile: psc.SeccompProfile})); bad {
			vs = append(vs, seccompViolation(e.Workload.Path.Child("securityContext", "seccompProfile"), msg))
		}
	}
	for c := range e.Workload.Containers() {
		sc := c.Container.SecurityContext
		if sc == nil || sc.SeccompProfile == nil {
			continue
		}
		if msg, bad := e.ProbeContainer(c, nil, &corev1.SecurityContext{SeccompProfile: sc.SeccompProfile}); bad {
			vs = append(vs, seccompViolation(c.Path.Child("securityContext", "seccompProfile"), msg))
		}
	}
	return vs
}

func seccompViolation(profile *field.Path, msg string) check.Violation {
	return check.Violation{
		Path:    profile.Child("type"),
		Message: msg,
		Fix:     []check.PatchOp{pss.Replace(profile, runtimeDefaultSeccomp())},
	}
}
