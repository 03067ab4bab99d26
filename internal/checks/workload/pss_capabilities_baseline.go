package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: capabilities beyond the runtime's default set hand a container pieces of root that
// matter on the host: SYS_ADMIN (mount, namespaces, BPF), NET_ADMIN (rewrite node routing and
// firewall rules), SYS_PTRACE (inject into processes), SYS_MODULE (load kernel code); most known
// container escapes need one of them. Upstream control: capabilities_baseline (baseline).
var pssCapabilitiesBaseline = pss.NewCheck(check.Meta{
	ID:       "ST-0006",
	Slug:     "pss-capabilities-baseline",
	Title:    "Container adds non-default capabilities",
	Layer:    check.LayerWorkload,
	Severity: check.SeverityHigh,
	Description: "A container adds Linux capabilities outside the container runtime's default set through " +
		"securityContext.capabilities.add. Capabilities such as SYS_ADMIN, NET_ADMIN, SYS_PTRACE or SYS_MODULE " +
		"give a compromised container the kernel privileges most container escapes rely on.",
	Remediation: "Remove the non-default capabilities from securityContext.capabilities.add; if the workload truly needs one, isolate it in a namespace with a documented exemption.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container",
		"https://man7.org/linux/man-pages/man7/capabilities.7.html",
	},
}, locateCapabilitiesBaseline)

func locateCapabilitiesBaseline(e *pss.Eval) []check.Violation {
	var vs []check.Violation
	for c := range e.Workload.Containers() {
		v, ok := forbiddenAdds(e, c, func(add []corev1.Capability) *corev1.SecurityContext {
			return &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: add}}
		})
		if ok {
			vs = append(vs, v)
		}
	}
	return vs
}

// forbiddenAdds places the capabilities of c's add list the control forbids. alone builds a
// security context that is compliant except for adding the given capabilities, so each one can
// be probed on its own. The fix keeps the allowed capabilities and drops the rest.
func forbiddenAdds(e *pss.Eval, c podspec.Container, alone func([]corev1.Capability) *corev1.SecurityContext) (check.Violation, bool) {
	sc := c.Container.SecurityContext
	if sc == nil || sc.Capabilities == nil || len(sc.Capabilities.Add) == 0 {
		return check.Violation{}, false
	}
	var bad, kept []corev1.Capability
	for _, cp := range sc.Capabilities.Add {
		if _, forbidden := e.ProbeContainer(c, nil, alone([]corev1.Capability{cp})); forbidden {
			bad = append(bad, cp)
		} else {
			kept = append(kept, cp)
		}
	}
	if len(bad) == 0 {
		return check.Violation{}, false
	}
	msg, _ := e.ProbeContainer(c, nil, alone(bad))
	p := c.Path.Child("securityContext", "capabilities", "add")
	fix := pss.Remove(p)
	if len(kept) > 0 {
		fix = pss.Replace(p, kept)
	}
	return check.Violation{Path: p, Message: msg, Fix: []check.PatchOp{fix}}, true
}
