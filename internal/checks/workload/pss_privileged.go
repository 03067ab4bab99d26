package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: a privileged container gets every capability, every host device and no seccomp, AppArmor
// or SELinux confinement; root inside it is root on the node, one mount of the host disk away
// from every other pod's secrets. Upstream control: privileged (baseline).
var pssPrivileged = pss.NewCheck(check.Meta{
	ID:       "ST-0001",
	Slug:     "pss-privileged",
	Title:    "Privileged container",
	Layer:    check.LayerWorkload,
	Severity: check.SeverityCritical,
	Description: "A container sets securityContext.privileged: true. It runs with all Linux capabilities, " +
		"sees every host device and is not confined by seccomp, AppArmor or SELinux, so anyone who runs code " +
		"in it can mount the node's disk, load kernel modules and take over the node and every pod on it.",
	Remediation: "Remove securityContext.privileged or set it to false, and grant only the specific capabilities the container needs.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
	},
}, locatePrivileged)

func locatePrivileged(e *pss.Eval) []check.Violation {
	var vs []check.Violation
	for c := range e.Workload.Containers() {
		sc := c.Container.SecurityContext
		if sc == nil || sc.Privileged == nil {
			continue
		}
		msg, bad := e.ProbeContainer(c, nil, &corev1.SecurityContext{Privileged: sc.Privileged})
		if !bad {
			continue
		}
		p := c.Path.Child("securityContext", "privileged")
		vs = append(vs, check.Violation{Path: p, Message: msg, Fix: []check.PatchOp{pss.Replace(p, false)}})
	}
	return vs
}
