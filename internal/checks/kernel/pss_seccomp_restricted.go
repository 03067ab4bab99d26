package kernel

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: a pod that sets no seccomp profile runs Unconfined on every kubelet that does not enable
// SeccompDefault, which is still the upstream default, so "not set" usually means "no syscall
// filter at all". The restricted policy therefore requires RuntimeDefault or Localhost to be set
// explicitly. Upstream control: seccompProfile_restricted (restricted, from v1.19; Windows pods
// are exempt from v1.25).
var pssSeccompRestricted = pss.NewCheck(check.Meta{
	ID:       "ST-0019",
	Slug:     "pss-seccomp-restricted",
	Title:    "Seccomp profile not set",
	Layer:    check.LayerKernel,
	Severity: check.SeverityMedium,
	Description: "Neither the pod nor a container sets securityContext.seccompProfile to RuntimeDefault or " +
		"Localhost. Unless the kubelet enables SeccompDefault, such containers run without any seccomp filter and " +
		"can make every system call of the host kernel, leaving the full kernel attack surface to an attacker " +
		"who gets code execution.",
	Remediation: "Set securityContext.seccompProfile.type: RuntimeDefault on the pod (or a reviewed Localhost profile), and do not override it with Unconfined on containers.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/tutorials/security/seccomp/",
		"https://kubernetes.io/docs/reference/node/seccomp/",
	},
}, locateSeccompRestricted)

func locateSeccompRestricted(e *pss.Eval) []check.Violation {
	w := e.Workload
	vs := explicitSeccomp(e)
	psc := w.Spec.SecurityContext
	if psc != nil && psc.SeccompProfile != nil {
		// A pod-level profile covers containers that set none; if it is forbidden, it was placed
		// above and its fix covers them too.
		return vs
	}
	var implicit []pss.Synthetic
	for c := range w.Containers() {
		if sc := c.Container.SecurityContext; sc != nil && sc.SeccompProfile != nil {
			continue
		}
		if _, bad := e.ProbeContainer(c, nil, nil); bad {
			implicit = append(implicit, pss.Named(c, nil))
		}
	}
	if len(implicit) == 0 {
		return vs
	}
	msg, _ := e.Probe(nil, pss.WithContainers(e.Pod(nil), implicit...))
	return append(vs, check.Violation{
		Path:    w.Path.Child("securityContext", "seccompProfile"),
		Message: msg,
		Fix:     []check.PatchOp{pss.Set(w.Path, pss.Present(psc != nil), runtimeDefaultSeccomp(), "securityContext", "seccompProfile")},
	})
}
