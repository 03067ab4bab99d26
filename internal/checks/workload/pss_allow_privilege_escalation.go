package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: unless allowPrivilegeEscalation is false, the runtime leaves no_new_privs unset, so a
// process can gain privileges through setuid and setgid binaries or file capabilities: an
// attacker with a foothold as a non-root user climbs to root inside the container, the first
// step of most escapes. Upstream control: allowPrivilegeEscalation (restricted; Windows pods are
// exempt from v1.25).
var pssAllowPrivilegeEscalation = pss.NewCheck(check.Meta{
	ID:       "ST-0013",
	Slug:     "pss-allow-privilege-escalation",
	Title:    "Container allows privilege escalation",
	Layer:    check.LayerWorkload,
	Severity: check.SeverityMedium,
	Description: "A container does not set securityContext.allowPrivilegeEscalation: false. Its processes can " +
		"gain more privileges than their parent through setuid or setgid binaries and file capabilities, so an " +
		"attacker who gets code execution as an unprivileged user can become root in the container.",
	Remediation: "Set securityContext.allowPrivilegeEscalation to false on every container.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
		"https://docs.kernel.org/userspace-api/no_new_privs.html",
	},
}, locateAllowPrivilegeEscalation)

func locateAllowPrivilegeEscalation(e *pss.Eval) []check.Violation {
	var vs []check.Violation
	for c := range e.Workload.Containers() {
		sc := c.Container.SecurityContext
		var ape *bool
		if sc != nil {
			ape = sc.AllowPrivilegeEscalation
		}
		msg, bad := e.ProbeContainer(c, nil, &corev1.SecurityContext{AllowPrivilegeEscalation: ape})
		if !bad {
			continue
		}
		present := pss.Present(sc != nil, ape != nil)
		vs = append(vs, check.Violation{
			Path:    c.Path.Child("securityContext", "allowPrivilegeEscalation"),
			Message: msg,
			Fix:     []check.PatchOp{pss.Set(c.Path, present, false, "securityContext", "allowPrivilegeEscalation")},
		})
	}
	return vs
}
