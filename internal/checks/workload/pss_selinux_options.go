package workload

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: SELinux is what keeps a container process away from host files and other containers on
// SELinux hosts. A custom type such as spc_t (super-privileged container) or unconfined_t turns
// that off, and a custom user or role can grant the process a more powerful SELinux identity.
// Upstream control: seLinuxOptions (baseline; container_engine_t allowed from v1.31).
var pssSELinuxOptions = pss.NewCheck(check.Meta{
	ID:       "ST-0009",
	Slug:     "pss-selinux-options",
	Title:    "Custom SELinux type, user or role",
	Layer:    check.LayerWorkload,
	Severity: check.SeverityMedium,
	Description: "The pod or a container sets securityContext.seLinuxOptions with a type outside the container " +
		"types, or with a user or role. A type like spc_t or unconfined_t removes SELinux confinement, and a " +
		"custom user or role changes the process's SELinux identity, so a compromised container can reach host " +
		"files that SELinux would otherwise deny.",
	Remediation: "Remove seLinuxOptions.user and seLinuxOptions.role, and leave seLinuxOptions.type unset or use container_t, container_init_t, container_kvm_t or container_engine_t.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#assign-selinux-labels-to-a-container",
	},
}, locateSELinuxOptions)

// No fix: which SELinux label a workload needs is a policy decision for its owner.
func locateSELinuxOptions(e *pss.Eval) []check.Violation {
	var vs []check.Violation
	if psc := e.Workload.Spec.SecurityContext; psc != nil && psc.SELinuxOptions != nil {
		at := e.Workload.Path.Child("securityContext", "seLinuxOptions")
		vs = append(vs, seLinuxFields(at, psc.SELinuxOptions, func(o *corev1.SELinuxOptions) (string, bool) {
			return e.Probe(nil, e.Pod(&corev1.PodSecurityContext{SELinuxOptions: o}))
		})...)
	}
	for c := range e.Workload.Containers() {
		sc := c.Container.SecurityContext
		if sc == nil || sc.SELinuxOptions == nil {
			continue
		}
		at := c.Path.Child("securityContext", "seLinuxOptions")
		vs = append(vs, seLinuxFields(at, sc.SELinuxOptions, func(o *corev1.SELinuxOptions) (string, bool) {
			return e.ProbeContainer(c, nil, &corev1.SecurityContext{SELinuxOptions: o})
		})...)
	}
	return vs
}

// seLinuxFields probes the type, user and role of opts one at a time.
func seLinuxFields(at *field.Path, opts *corev1.SELinuxOptions, probe func(*corev1.SELinuxOptions) (string, bool)) []check.Violation {
	fields := []struct {
		name  string
		set   bool
		alone corev1.SELinuxOptions
	}{
		{"type", opts.Type != "", corev1.SELinuxOptions{Type: opts.Type}},
		{"user", opts.User != "", corev1.SELinuxOptions{User: opts.User}},
		{"role", opts.Role != "", corev1.SELinuxOptions{Role: opts.Role}},
	}
	var vs []check.Violation
	for _, f := range fields {
		if !f.set {
			continue
		}
		if msg, bad := probe(&f.alone); bad {
			vs = append(vs, check.Violation{Path: at.Child(f.name), Message: msg})
		}
	}
	return vs
}
