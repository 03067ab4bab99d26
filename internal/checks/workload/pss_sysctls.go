package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: only a small set of sysctls is namespaced and isolated per pod. Others change kernel
// behaviour for the whole node (kernel.*, vm.*, most of net.core.*) or weaken protections the
// node relies on, so one pod could degrade or attack every other pod on the node. Upstream
// control: sysctls (baseline; the safe set grows with the policy version).
var pssSysctls = pss.NewCheck(check.Meta{
	ID:       "ST-0010",
	Slug:     "pss-sysctls",
	Title:    "Pod sets unsafe sysctls",
	Layer:    check.LayerWorkload,
	Severity: check.SeverityMedium,
	Description: "The pod sets sysctls in securityContext.sysctls outside the safe set. Unsafe sysctls are not " +
		"isolated to the pod: they can change kernel behaviour for the whole node, disable protections or starve " +
		"other workloads, turning one compromised or careless pod into a node-wide problem.",
	Remediation: "Remove the unsafe sysctls from securityContext.sysctls, or tune them on dedicated nodes through the node configuration instead of the pod spec.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/",
	},
}, locateSysctls)

// No fix: a workload that sets a sysctl expects its effect; removing it is the owner's call.
func locateSysctls(e *pss.Eval) []check.Violation {
	psc := e.Workload.Spec.SecurityContext
	if psc == nil {
		return nil
	}
	var vs []check.Violation
	for i, s := range psc.Sysctls {
		msg, bad := e.Probe(nil, e.Pod(&corev1.PodSecurityContext{Sysctls: []corev1.Sysctl{s}}))
		if !bad {
			continue
		}
		vs = append(vs, check.Violation{
			Path:    e.Workload.Path.Child("securityContext", "sysctls").Index(i).Child("name"),
			Message: msg,
		})
	}
	return vs
}
