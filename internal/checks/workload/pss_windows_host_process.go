package workload

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: a Windows HostProcess container runs directly on the Windows node as a host process,
// with the node's network and filesystem and, by default, as SYSTEM or another node account: it
// is the Windows equivalent of a privileged container with host namespaces. Upstream control:
// windowsHostProcess (baseline).
var pssWindowsHostProcess = pss.NewCheck(check.Meta{
	ID:       "ST-0012",
	Slug:     "pss-windows-host-process",
	Title:    "Windows HostProcess container",
	Layer:    check.LayerWorkload,
	Severity: check.SeverityCritical,
	Description: "The pod or a container sets securityContext.windowsOptions.hostProcess: true. HostProcess " +
		"containers run as processes on the Windows node itself, with the host's network and filesystem and " +
		"node-level accounts, so code running in them controls the node and everything scheduled on it.",
	Remediation: "Remove windowsOptions.hostProcess or set it to false; node management agents that need it belong in a dedicated, exempted namespace.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/",
	},
}, locateWindowsHostProcess)

func locateWindowsHostProcess(e *pss.Eval) []check.Violation {
	var vs []check.Violation
	if psc := e.Workload.Spec.SecurityContext; psc != nil && psc.WindowsOptions != nil && psc.WindowsOptions.HostProcess != nil {
		opts := &corev1.WindowsSecurityContextOptions{HostProcess: psc.WindowsOptions.HostProcess}
		if msg, bad := e.Probe(nil, e.Pod(&corev1.PodSecurityContext{WindowsOptions: opts})); bad {
			vs = append(vs, hostProcessViolation(e.Workload.Path.Child("securityContext"), msg))
		}
	}
	for c := range e.Workload.Containers() {
		sc := c.Container.SecurityContext
		if sc == nil || sc.WindowsOptions == nil || sc.WindowsOptions.HostProcess == nil {
			continue
		}
		opts := &corev1.WindowsSecurityContextOptions{HostProcess: sc.WindowsOptions.HostProcess}
		if msg, bad := e.ProbeContainer(c, nil, &corev1.SecurityContext{WindowsOptions: opts}); bad {
			vs = append(vs, hostProcessViolation(c.Path.Child("securityContext"), msg))
		}
	}
	return vs
}

func hostProcessViolation(sc *field.Path, msg string) check.Violation {
	p := sc.Child("windowsOptions", "hostProcess")
	return check.Violation{Path: p, Message: msg, Fix: []check.PatchOp{pss.Replace(p, false)}}
}
