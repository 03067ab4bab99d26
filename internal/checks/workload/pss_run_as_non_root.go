package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: a container that runs as UID 0 is root over its own filesystem and, whenever another
// boundary fails (a writable hostPath, a kernel bug, an added capability), root on the node.
// runAsNonRoot makes the kubelet refuse to start a container whose user is root. Upstream
// control: runAsNonRoot (restricted; pods with hostUsers: false are allowed from v1.35).
var pssRunAsNonRoot = pss.NewCheck(check.Meta{
	ID:       "ST-0017",
	Slug:     "pss-run-as-non-root",
	Title:    "Containers may run as root",
	Layer:    check.LayerWorkload,
	Severity: check.SeverityMedium,
	Description: "Neither the pod nor the container sets securityContext.runAsNonRoot: true, or one of them sets " +
		"it to false, so the container may run as UID 0. Root in a container owns its filesystem and keeps " +
		"every escape path that only root can use, so any other weakness becomes a node compromise.",
	Remediation: "Set securityContext.runAsNonRoot: true on the pod (and never false on a container), and build the image with a non-root USER or set runAsUser to a non-zero UID.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
	},
}, locateRunAsNonRoot)

func locateRunAsNonRoot(e *pss.Eval) []check.Violation {
	w := e.Workload
	var vs []check.Violation
	psc := w.Spec.SecurityContext
	podSet := psc != nil && psc.RunAsNonRoot != nil
	if podSet {
		if msg, bad := e.Probe(nil, e.Pod(&corev1.PodSecurityContext{RunAsNonRoot: psc.RunAsNonRoot})); bad {
			p := w.Path.Child("securityContext", "runAsNonRoot")
			vs = append(vs, check.Violation{Path: p, Message: msg, Fix: []check.PatchOp{pss.Replace(p, true)}})
		}
	}
	var implicit []pss.Synthetic
	for c := range w.Containers() {
		sc := c.Container.SecurityContext
		if sc != nil && sc.RunAsNonRoot != nil {
			if msg, bad := e.ProbeContainer(c, nil, &corev1.SecurityContext{RunAsNonRoot: sc.RunAsNonRoot}); bad {
				p := c.Path.Child("securityContext", "runAsNonRoot")
				vs = append(vs, check.Violation{Path: p, Message: msg, Fix: []check.PatchOp{pss.Replace(p, true)}})
			}
			continue
		}
		if podSet {
			continue
		}
		if _, bad := e.ProbeContainer(c, nil, nil); bad {
			implicit = append(implicit, pss.Named(c, nil))
		}
	}
	if len(implicit) == 0 {
		return vs
	}
	// Containers that leave runAsNonRoot unset inherit the pod's; one pod-level setting fixes
	// them all.
	msg, _ := e.Probe(nil, pss.WithContainers(e.Pod(nil), implicit...))
	return append(vs, check.Violation{
		Path:    w.Path.Child("securityContext", "runAsNonRoot"),
		Message: msg,
		Fix:     []check.PatchOp{pss.Set(w.Path, pss.Present(psc != nil), true, "securityContext", "runAsNonRoot")},
	})
}
