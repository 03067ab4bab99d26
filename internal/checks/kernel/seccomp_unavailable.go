package kernel

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: without CONFIG_SECCOMP the kubelet cannot apply any seccomp profile, so RuntimeDefault
// and Localhost profiles that manifests request, and that the Pod Security Standards check, are
// silently absent on this node: every container can make every system call.
var seccompUnavailable = &check.ObjectCheck[*nodefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0343",
		Slug:     "seccomp-unavailable",
		Title:    "Seccomp unavailable on the node",
		Layer:    check.LayerKernel,
		Severity: check.SeverityHigh,
		Description: "The node's kernel does not support seccomp (/proc/self/status has no Seccomp field, so the " +
			"kernel was built without CONFIG_SECCOMP). No container on it can be confined by a seccomp profile, " +
			"whatever its securityContext says, so the rarely used system calls behind most kernel container " +
			"escapes (unshare, keyctl, bpf, userfaultfd) stay reachable from every pod.",
		Remediation: "Run the node on a kernel built with CONFIG_SECCOMP and CONFIG_SECCOMP_FILTER (every mainstream distribution kernel is), and keep pods on the RuntimeDefault profile.",
		References: []string{
			"https://kubernetes.io/docs/reference/node/seccomp/",
			"https://docs.kernel.org/userspace-api/seccomp_filter.html",
		},
	},
	Kind: nodefacts.Kind,
	Run: func(_ *check.Env, _ *check.Object, f *nodefacts.Facts) ([]check.Violation, error) {
		if f.Security.Seccomp == nil {
			return nil, check.NotAssessedf("the node facts do not say whether the kernel supports seccomp")
		}
		if *f.Security.Seccomp {
			return nil, nil
		}
		return []check.Violation{{
			Path: field.NewPath("security", "seccomp"),
			Message: "the kernel does not support seccomp: RuntimeDefault and Localhost profiles cannot be applied, " +
				"so every container on this node can make every system call of the host kernel.",
		}}, nil
	},
}
