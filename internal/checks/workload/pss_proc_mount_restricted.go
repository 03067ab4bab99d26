package workload

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: the baseline procMount control lets pods in their own user namespace (hostUsers: false)
// unmask /proc, trusting the user namespace to contain what the container can reach there. The
// restricted policy does not take that trade: user namespaces have had their own kernel bugs,
// and an unmasked /proc is attack surface an application does not need. Upstream control:
// procMount_restricted (restricted, from v1.35).
var pssProcMountRestricted = pss.NewCheck(check.Meta{
	ID:       "ST-0015",
	Slug:     "pss-proc-mount-restricted",
	Title:    "Container unmasks /proc (restricted)",
	Layer:    check.LayerWorkload,
	Severity: check.SeverityLow,
	Description: "A container sets securityContext.procMount to a value other than Default. Unlike the baseline " +
		"control, the restricted policy forbids this even in pods with hostUsers: false: an unmasked /proc " +
		"exposes kernel information and tunables that a user namespace only partly contains.",
	Remediation: "Remove securityContext.procMount or set it to Default.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/",
	},
}, locateProcMount)
