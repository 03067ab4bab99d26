package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: runAsUser: 0 explicitly runs the container as root, overriding a non-root USER in the
// image; with it every other weakness (a writable host mount, an added capability, a kernel bug)
// is exploited as root. Upstream control: runAsUser (restricted, from v1.23; pods with
// hostUsers: false are allowed from v1.35).
var pssRunAsUser = pss.NewCheck(check.Meta{
	ID:       "ST-0018",
	Slug:     "pss-run-as-user",
	Title:    "Container runs as UID 0",
	Layer:    check.LayerWorkload,
	Severity: check.SeverityMedium,
	Description: "The pod or a container sets securityContext.runAsUser: 0, forcing its processes to run as root " +
		"whatever user the image declares. Root in the container owns its filesystem and turns any other " +
		"misconfiguration or kernel flaw into a path to the node.",
	Remediation: "Set runAsUser to a non-zero UID the image supports (or remove it and use a non-root USER in the image), together with runAsNonRoot: true.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
	},
}, locateRunAsUser)

// No fix: the right non-root UID depends on the image and the files it owns.
func locateRunAsUser(e *pss.Eval) []check.Violation {
	var vs []check.Violation
	if psc := e.Workload.Spec.SecurityContext; psc != nil && psc.RunAsUser != nil {
		if msg, bad := e.Probe(nil, e.Pod(&corev1.PodSecurityContext{RunAsUser: psc.RunAsUser})); bad {
			vs = append(vs, check.Violation{Path: e.Workload.Path.Child("securityContext", "runAsUser"), Message: msg})
		}
	}
	for c := range e.Workload.Containers() {
		sc := c.Container.SecurityContext
		if sc == nil || sc.RunAsUser == nil {
			continue
		}
		if msg, bad := e.ProbeContainer(c, nil, &corev1.SecurityContext{RunAsUser: sc.RunAsUser}); bad {
			vs = append(vs, check.Violation{Path: c.Path.Child("securityContext", "runAsUser"), Message: msg})
		}
	}
	return vs
}
