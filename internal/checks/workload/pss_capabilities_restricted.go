package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: the runtime's default capability set still includes powers an application rarely needs
// (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, NET_RAW on some runtimes...) and that an attacker uses to
// tamper with files, forge packets or change identity inside the container. Dropping ALL and
// adding back at most NET_BIND_SERVICE leaves nothing to abuse. Upstream control:
// capabilities_restricted (restricted).
var pssCapabilitiesRestricted = pss.NewCheck(check.Meta{
	ID:       "ST-0014",
	Slug:     "pss-capabilities-restricted",
	Title:    "Container does not drop all capabilities",
	Layer:    check.LayerWorkload,
	Severity: check.SeverityMedium,
	Description: "A container does not set securityContext.capabilities.drop: [\"ALL\"], or adds a capability " +
		"other than NET_BIND_SERVICE. It keeps the runtime's default capabilities, such as DAC_OVERRIDE, " +
		"FOWNER, SETUID and NET_RAW, which let a compromised process bypass file permissions, switch users or " +
		"craft raw packets.",
	Remediation: "Set securityContext.capabilities.drop to [\"ALL\"] on every container and add back only NET_BIND_SERVICE when the process must bind a port below 1024.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container",
		"https://man7.org/linux/man-pages/man7/capabilities.7.html",
	},
}, locateCapabilitiesRestricted)

func locateCapabilitiesRestricted(e *pss.Eval) []check.Violation {
	var vs []check.Violation
	for c := range e.Workload.Containers() {
		if v, ok := missingDropAll(e, c); ok {
			vs = append(vs, v)
		}
		v, ok := forbiddenAdds(e, c, func(add []corev1.Capability) *corev1.SecurityContext {
			return &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}, Add: add}}
		})
		if ok {
			vs = append(vs, v)
		}
	}
	return vs
}

// missingDropAll places a container whose drop list the control rejects; the fix sets the
// drop list to ["ALL"], creating the security context and capabilities when absent.
func missingDropAll(e *pss.Eval, c podspec.Container) (check.Violation, bool) {
	sc := c.Container.SecurityContext
	var drop []corev1.Capability
	if sc != nil && sc.Capabilities != nil {
		drop = sc.Capabilities.Drop
	}
	msg, bad := e.ProbeContainer(c, nil, &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Drop: drop}})
	if !bad {
		return check.Violation{}, false
	}
	present := pss.Present(sc != nil, sc != nil && sc.Capabilities != nil, drop != nil)
	return check.Violation{
		Path:    c.Path.Child("securityContext", "capabilities", "drop"),
		Message: msg,
		Fix:     []check.PatchOp{pss.Set(c.Path, present, []string{"ALL"}, "securityContext", "capabilities", "drop")},
	}, true
}
