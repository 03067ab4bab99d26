package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: the runtime masks and makes read-only the parts of /proc that expose or control the host
// kernel (/proc/sys, /proc/sysrq-trigger, /proc/kcore...). procMount: Unmasked removes those
// masks, so a container that shares the host user namespace can read kernel memory maps and
// write kernel settings. Upstream control: procMount (baseline; pods with hostUsers: false are
// allowed from v1.35).
var pssProcMount = pss.NewCheck(check.Meta{
	ID:       "ST-0007",
	Slug:     "pss-proc-mount",
	Title:    "Container unmasks /proc",
	Layer:    check.LayerWorkload,
	Severity: check.SeverityHigh,
	Description: "A container sets securityContext.procMount to a value other than Default, such as Unmasked. " +
		"The runtime then mounts /proc without its masked and read-only paths, exposing host kernel " +
		"information and kernel tunables under /proc/sys to the container, which helps an attacker escape " +
		"to the node.",
	Remediation: "Remove securityContext.procMount or set it to Default; run the pod with hostUsers: false if it genuinely needs an unmasked /proc.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/",
	},
}, locateProcMount)

// locateProcMount places containers whose procMount the control forbids; the restricted
// procMount control shares it, and upstream decides whether hostUsers: false relaxes it.
func locateProcMount(e *pss.Eval) []check.Violation {
	var vs []check.Violation
	for c := range e.Workload.Containers() {
		sc := c.Container.SecurityContext
		if sc == nil || sc.ProcMount == nil {
			continue
		}
		msg, bad := e.ProbeContainer(c, nil, &corev1.SecurityContext{ProcMount: sc.ProcMount})
		if !bad {
			continue
		}
		p := c.Path.Child("securityContext", "procMount")
		vs = append(vs, check.Violation{
			Path:    p,
			Message: msg,
			Fix:     []check.PatchOp{pss.Replace(p, string(corev1.DefaultProcMount))},
		})
	}
	return vs
}
