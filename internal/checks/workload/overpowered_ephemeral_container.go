package workload

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// Why: ephemeral containers are added to running pods through the pods/ephemeralcontainers
// subresource (kubectl debug), by people whom RBAC lets debug but often not create privileged
// pods. Admission webhooks and policies frequently match only pod CREATE and miss that
// subresource, so "kubectl debug --profile=sysadmin" quietly puts a privileged container, with
// every device and capability, into a production pod and its network, volumes and service
// account. Debug containers cannot be removed from a pod, so the extra power stays until the
// pod is deleted. Only settings the debug container declares itself are reported: powers it
// inherits from the pod are the pod's findings. The general PSS and root checks (ST-0001,
// ST-0013, ST-0006, ST-0033) see the same fields; this check reports them as one debug-session
// risk with the debug-specific remedy. NET_BIND_SERVICE is not a privilege worth a finding; the
// restricted profile allows it.
var overpoweredEphemeralContainer = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0041",
		Slug:     "overpowered-ephemeral-container",
		Title:    "Debug container with elevated privileges",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityHigh,
		Description: "An ephemeral (debug) container runs privileged, allows privilege escalation, adds Linux " +
			"capabilities or runs as UID 0. Debug containers are attached to live pods, often by " +
			"users and through an API path that admission control does not cover, and share the " +
			"pod's network, volumes and service account: a privileged one is root on the node inside " +
			"a production workload, and it stays in the pod until the pod is deleted.",
		Remediation: "Delete the pod so its controller recreates it without the debug container, debug with kubectl debug --profile=general, baseline or restricted instead of sysadmin or netadmin, and make admission policies cover the pods/ephemeralcontainers subresource.",
		References: []string{
			"https://kubernetes.io/docs/concepts/workloads/pods/ephemeral-containers/",
			"https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#ephemeral-container",
			"https://kubernetes.io/docs/reference/kubectl/generated/kubectl_debug/",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var vs []check.Violation
		for i := range w.Spec.EphemeralContainers {
			c := &w.Spec.EphemeralContainers[i]
			if c.SecurityContext == nil {
				continue
			}
			sc := w.Path.Child("ephemeralContainers").Index(i).Child("securityContext")
			for _, f := range ephemeralPowers(c.SecurityContext, sc) {
				vs = append(vs, check.Violation{Path: f.path, Message: fmt.Sprintf("ephemeral container %q %s", c.Name, f.what)})
			}
		}
		return vs, nil
	},
}

type ephemeralPower struct {
	path *field.Path
	what string
}

// ephemeralPowers lists the elevated settings of one debug container's security context.
func ephemeralPowers(sc *corev1.SecurityContext, p *field.Path) []ephemeralPower {
	var out []ephemeralPower
	if sc.Privileged != nil && *sc.Privileged {
		out = append(out, ephemeralPower{p.Child("privileged"), "is privileged: it sees every host device and holds every capability"})
	}
	if sc.AllowPrivilegeEscalation != nil && *sc.AllowPrivilegeEscalation {
		out = append(out, ephemeralPower{p.Child("allowPrivilegeEscalation"), "allows privilege escalation through setuid binaries and file capabilities"})
	}
	if sc.Capabilities != nil {
		var added []string
		for _, c := range sc.Capabilities.Add {
			if name := strings.TrimPrefix(strings.ToUpper(string(c)), "CAP_"); name != "NET_BIND_SERVICE" {
				added = append(added, string(c))
			}
		}
		if len(added) > 0 {
			out = append(out, ephemeralPower{p.Child("capabilities", "add"), "adds capabilities " + strings.Join(added, ", ")})
		}
	}
	if sc.RunAsUser != nil && *sc.RunAsUser == 0 {
		out = append(out, ephemeralPower{p.Child("runAsUser"), "runs as UID 0 (root)"})
	}
	return out
}
